//! What the API's clients look things up in: the terms, the calendar's
//! days off, the procedure's stages and rules.

use super::app_err;
use crate::error::WebError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

pub async fn terms(
    State(st): State<AppState>,
    _auth: crate::auth::Auth,
) -> Result<Json<Value>, WebError> {
    let terms = st
        .app
        .terms()
        .await
        .map_err(|e| WebError::from_app(e, None))?;
    Ok(Json(json!(terms
        .iter()
        .map(
            |t| json!({"name": t.name.to_string(), "starts_on": t.starts_on, "ends_on": t.ends_on})
        )
        .collect::<Vec<_>>())))
}

pub async fn calendar(
    State(st): State<AppState>,
    _auth: crate::auth::Auth,
    Path(year): Path<String>,
) -> Result<Json<Value>, WebError> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .ok_or_else(|| {
            WebError::bad_request(
                format!("year: '{year}' is not a year from 1900 to 2100"),
                None,
            )
        })?;
    let cal = st.app.calendar().await.map_err(app_err)?;
    Ok(Json(json!(cal.holidays(year))))
}

pub async fn profile(State(st): State<AppState>) -> Json<Value> {
    let p = st.app.profile();
    Json(json!({
        "id": p.id,
        "name": p.name,
        "stages": p.stages.iter().chain(&p.exits).map(|s| json!({
            "key": s.key, "vi": s.vi, "en": s.en, "de": s.de, "documents": s.documents,
            "exit": s.is_exit, "source": s.source.cite(), "confirmed": s.source.confirmed,
        })).collect::<Vec<_>>(),
        "rules": p.rules().iter().map(|(r, s)| json!({"rule": r, "source": s.cite(), "confirmed": s.confirmed})).collect::<Vec<_>>(),
    }))
}
