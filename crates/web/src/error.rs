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
    /// For a refused step: the rule and its legal source.
    pub rule: Option<(String, String)>,
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
        };
        let rule = match &e {
            AppError::Refused(r) => Some((r.rule.clone(), r.source.clone())),
            _ => None,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "internal error");
            "internal error; the details are in the server log".to_string()
        } else {
            e.to_string()
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
                    Some((rule, source)) => {
                        serde_json::json!({ "error": self.message, "rule": rule, "source": source })
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
