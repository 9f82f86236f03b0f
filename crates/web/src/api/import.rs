//! The import over the API: the file as the request body, previewed or written.

use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::import::{parse_kind, upload_too_large, RETRY_AFTER};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ranks_app::AppError;
use serde::Deserialize;

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ApiImportQuery {
    pub kind: Option<String>,
    pub filename: Option<String>,
    pub dry_run: Option<bool>,
}

/// The file as the body: a preview (`dry_run=true`) or the import itself.
/// 200 with the summary when written; 422 with every row error otherwise.
pub async fn api_import(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<ApiImportQuery>,
    body: axum::body::Body,
) -> Result<Response, WebError> {
    let kind =
        parse_kind(q.kind.as_deref().unwrap_or("")).map_err(|e| WebError::bad_request(e, None))?;
    // Read up to the limit, no further: a bigger body is refused naming it.
    let limit = usize::try_from(st.app.import_limits().upload_bytes).unwrap_or(usize::MAX);
    let body: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Ok(api_refused(&AppError::TooLarge(upload_too_large(&st)))),
    };
    if body.is_empty() {
        return Err(WebError::bad_request(
            "body: send the CSV or XLSX file as the request body",
            None,
        ));
    }
    let filename = q.filename.unwrap_or_else(|| "upload.csv".into());
    let app_err = |e: AppError| match e {
        AppError::TooLarge(_) | AppError::Busy(_) => Ok(api_refused(&e)),
        e => Err(WebError::from_app(e, None)),
    };
    if q.dry_run.unwrap_or(false) {
        return match st
            .app
            .import_preview(&auth.actor, kind, &body, &filename)
            .await
        {
            Ok(pv) => Ok(import_answer(pv.is_ok(), pv.errors.len(), pv)),
            Err(e) => app_err(e),
        };
    }
    match st
        .app
        .import_commit(&auth.actor, kind, &body, &filename)
        .await
    {
        Ok(s) => Ok(import_answer(s.errors.is_empty(), s.errors.len(), s)),
        Err(e) => app_err(e),
    }
}

/// An import refused by a limit: 413 with the sentence, the limit's name
/// and value; or too many imports: 503 with Retry-After.
fn api_refused(e: &AppError) -> Response {
    match e {
        AppError::TooLarge(t) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(serde_json::json!({
                "error": t.message,
                "limit": t.limit,
                "max": t.max,
            })),
        )
            .into_response(),
        e => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, RETRY_AFTER)],
            Json(serde_json::json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

/// 200 with the preview or summary; 422 when a row is refused, with an
/// `error` sentence on top of the same object (like every API refusal)
/// and every row's problem in `errors`.
fn import_answer<T: serde::Serialize>(ok: bool, errors: usize, v: T) -> Response {
    let mut body = serde_json::to_value(v).unwrap_or_default();
    if ok {
        return (StatusCode::OK, Json(body)).into_response();
    }
    body["error"] = serde_json::Value::String(match body["errors"][0]["message"].as_str() {
        Some(first) => {
            format!("{errors} problem(s) in the file, nothing was written; the first: {first}")
        }
        None => "kind: the file's kind could not be told from its columns; give kind".into(),
    });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}
