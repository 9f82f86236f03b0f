//! The session over the API: who is signed in, and the CSRF token.

use super::app_err;
use crate::error::WebError;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

/// Who is signed in, and the CSRF token scripts send back with each change.
pub async fn session(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
) -> Result<Json<Value>, WebError> {
    let position = st.app.audit_position().await.map_err(app_err)?;
    Ok(Json(json!({
        "user": auth.actor.name, "role": auth.actor.role.as_str(), "csrf": auth.csrf,
        "audit_position": position,
    })))
}
