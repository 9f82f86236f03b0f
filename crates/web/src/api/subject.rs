//! The data subject's rights over the API (docs/privacy.md): a person's
//! export, their consents, a consent given and withdrawn.

use super::{app_err, opt_date};
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::subject::{ConsentView, SubjectExport};
use serde::Deserialize;
use serde_json::{json, Value};

/// Everything held about the person that the caller may see, with the
/// audit of who read and changed it (the export is audited).
pub async fn export(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
) -> Result<Json<SubjectExport>, WebError> {
    Ok(Json(
        st.app
            .subject_export(&auth.actor, id)
            .await
            .map_err(app_err)?,
    ))
}

pub async fn consents(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ConsentView>>, WebError> {
    Ok(Json(
        st.app.consents(&auth.actor, id).await.map_err(app_err)?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// The day the consent was given (default today).
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

/// Records the candidate's consent to the profile's purpose: 201 with its id.
pub async fn give(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ConsentBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let on = opt_date("date", &b.date)?;
    let consent = st
        .app
        .give_consent(&auth.actor, id, on)
        .await
        .map_err(app_err)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": consent }))))
}

#[derive(Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsentWithdrawalBody {
    /// The day the consent was withdrawn (default today).
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
    /// As the person gave it (at most 300 characters).
    #[serde(default)]
    pub reason: String,
}

pub async fn withdraw(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ConsentWithdrawalBody>,
) -> Result<StatusCode, WebError> {
    let on = opt_date("date", &b.date)?;
    st.app
        .withdraw_consent(&auth.actor, id, on, &b.reason)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}
