//! Size limits on every body a form or the JSON API sends, checked before a
//! handler sees it: the whole body (413), and every text field in it (400,
//! naming the field). The use cases hold each field to its own, tighter
//! limit (`ranks_domain::text::limits`); this is the net under all of them,
//! so that a field nobody thought of cannot carry megabytes into the
//! database. The spreadsheet import has its own limits (docs/import.md).

use crate::error::WebError;
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ranks_domain::text::limits;

/// The largest JSON or form body (bytes). The API's bodies are a few
/// hundred bytes; the largest form is a few kilobytes.
pub const BODY_LIMIT: usize = 64 * 1024;

enum Kind {
    Json,
    Form,
}

fn kind(req: &Request) -> Option<Kind> {
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        return None;
    }
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ct.starts_with("application/json") {
        Some(Kind::Json)
    } else if ct.starts_with("application/x-www-form-urlencoded") {
        Some(Kind::Form)
    } else {
        // Multipart and raw uploads go to the importer, with its own limits.
        None
    }
}

fn refuse(status: StatusCode, message: String, lang: Option<Lang>) -> Response {
    WebError {
        status,
        message,
        html: lang,
        rule: None,
    }
    .into_response()
}

/// The first string of a JSON value longer than the limit: its path.
fn too_long(v: &serde_json::Value, path: &str) -> Option<(String, usize)> {
    match v {
        serde_json::Value::String(s) => {
            let n = s.chars().count();
            (n > limits::ANY).then(|| (path.to_string(), n))
        }
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| too_long(x, &format!("{path}[{i}]"))),
        serde_json::Value::Object(m) => m.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            too_long(x, &p)
        }),
        _ => None,
    }
}

pub async fn input_limits(req: Request, next: Next) -> Response {
    let Some(kind) = kind(&req) else {
        return next.run(req).await;
    };
    let api = req.uri().path().starts_with("/api/");
    let lang = (!api).then(|| crate::pages::lang_of(None, req.headers()));
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {} KB, the limit for a form or an API call",
                BODY_LIMIT / 1024
            ),
            lang,
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return too_large();
    };
    let long = match kind {
        // A body that is not JSON is left to the handler, which says why.
        Kind::Json => serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| too_long(&v, "")),
        Kind::Form => form_urlencoded::parse(&bytes).find_map(|(k, v)| {
            let n = v.chars().count();
            (n > limits::ANY).then(|| (k.into_owned(), n))
        }),
    };
    if let Some((field, n)) = long {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "{field}: at most {} characters, this one has {n}",
                limits::ANY
            ),
            lang,
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_field_is_named_by_its_path() {
        let long = "x".repeat(limits::ANY + 1);
        let v = serde_json::json!({"a": 1, "vote": {"notes": ["ok", long]}});
        assert_eq!(
            too_long(&v, ""),
            Some(("vote.notes[1]".into(), limits::ANY + 1))
        );
        let ok = serde_json::json!({"name": "y".repeat(limits::ANY)});
        assert_eq!(too_long(&ok, ""), None);
    }
}
