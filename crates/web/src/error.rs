//! The one place where errors become HTTP statuses and user messages.

use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use ranks_app::AppError;

/// An error on its way to a browser (HTML) or an API client (JSON).
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
    pub html: Option<Lang>,
    /// For a refused step: the rule, its legal source, and its message key
    /// with arguments (for clients that word it in their language).
    pub rule: Option<Box<ranks_domain::procedure::Refusal>>,
}

impl WebError {
    pub fn from_app(e: AppError, html: Option<Lang>) -> Self {
        let status = match &e {
            AppError::NotFound { .. } | AppError::Empty => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        let rule = match &e {
            AppError::Refused(r) => Some(Box::new(r.clone())),
            _ => None,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "internal error");
            match html {
                Some(lang) => crate::i18n::error_message(lang, &e),
                None => "internal error; the details are in the server log".to_string(),
            }
        } else {
            match html {
                // A page: in the page's language.
                Some(lang) => crate::i18n::error_message(lang, &e),
                None => e.to_string(),
            }
        };
        WebError {
            status,
            message,
            html,
            rule,
        }
    }

    pub fn bad_request(message: impl Into<String>, html: Option<Lang>) -> Self {
        WebError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            html,
            rule: None,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    tr: Tr,
    status: u16,
    message: &'a str,
    title: &'static str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self.html {
            None => {
                let body = match &self.rule {
                    Some(r) => {
                        let args: serde_json::Map<String, serde_json::Value> = r
                            .args
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().into()))
                            .collect();
                        serde_json::json!({ "error": self.message, "rule": r.rule, "source": r.source, "key": r.key, "args": args })
                    }
                    None => serde_json::json!({ "error": self.message }),
                };
                (self.status, Json(body)).into_response()
            }
            Some(lang) => {
                let tr = Tr { lang };
                let page = ErrorPage {
                    tr,
                    status: self.status.as_u16(),
                    message: &self.message,
                    title: if self.status == StatusCode::NOT_FOUND {
                        tr.get("error.not_found")
                    } else {
                        tr.get("error.title")
                    },
                };
                match page.render() {
                    Ok(body) => (self.status, Html(body)).into_response(),
                    Err(_) => (self.status, self.message).into_response(),
                }
            }
        }
    }
}

/// Every refusal of the JSON API carries a message: responses of `/api/`
/// paths with a 4xx or 5xx status that are not already JSON (axum's own
/// rejections of a query string, a path parameter or a content type, a
/// method the route does not have) become `{"error": "…"}` with the same
/// status, their text kept as the message or, when empty, the status's
/// reason ("Method Not Allowed: DELETE is not a method of this route").
pub async fn api_error_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    let api = path.starts_with("/api/") || path == "/healthz";
    let method = req.method().clone();
    let resp = next.run(req).await;
    let status = resp.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_string(),
        Err(_) => String::new(),
    };
    let mut message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    if status == StatusCode::METHOD_NOT_ALLOWED {
        message = format!("{message}: {method} is not a method of this route");
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::CONTENT_TYPE);
    let body = Json(serde_json::json!({ "error": message }));
    (parts, body).into_response()
}
