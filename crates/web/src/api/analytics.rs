//! What the data says over the API: deadlines, forecast, analytics, and a
//! supervisor's units.

use super::{app_err, opt_date};
use crate::error::WebError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use ranks_app::pipeline::{DuePage, DUE_LIMIT_MAX};
use serde::Deserialize;

#[derive(Deserialize, schemars::JsonSchema)]
pub struct DueQuery {
    pub org: Option<String>,
    pub within: Option<String>,
    /// Rows per page, 1 to 200 (50 by default).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub async fn due(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<DueQuery>,
) -> Result<Json<DuePage>, WebError> {
    let limit = match q.limit.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<usize>()
                .ok()
                .filter(|n| (1..=DUE_LIMIT_MAX).contains(n))
                .ok_or_else(|| {
                    WebError::bad_request(
                        format!(
                            "limit: '{}' is not a whole number from 1 to {DUE_LIMIT_MAX}",
                            s.chars().take(80).collect::<String>()
                        ),
                        None,
                    )
                })?,
        ),
    };
    let within = match q.within.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            WebError::bad_request(
                format!(
                    "within: '{}' is not a whole number of working days",
                    s.chars().take(80).collect::<String>()
                ),
                None,
            )
        })?),
    };
    Ok(Json(
        st.app
            .due_page(
                &auth.actor,
                q.org.as_deref(),
                within,
                limit,
                q.cursor.as_deref().filter(|c| !c.is_empty()),
            )
            .await
            .map_err(app_err)?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ForecastQuery {
    pub term: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub as_of: Option<String>,
    pub org: Option<String>,
}

pub async fn forecast(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<ForecastQuery>,
) -> Result<Json<ranks_app::forecast::ForecastReport>, WebError> {
    let term = q.term.ok_or_else(|| {
        WebError::bad_request("term: missing; expected a term like 2025-2030", None)
    })?;
    let as_of = opt_date("as_of", &q.as_of)?;
    Ok(Json(
        st.app
            .forecast(&auth.actor, &term, as_of, q.org.as_deref())
            .await
            .map_err(app_err)?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct OrgQuery {
    pub org: Option<String>,
}

pub async fn analytics(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<OrgQuery>,
) -> Result<Json<ranks_app::analytics::Analytics>, WebError> {
    Ok(Json(
        st.app
            .analytics(&auth.actor, q.org.as_deref())
            .await
            .map_err(app_err)?,
    ))
}

/// `GET /api/v1/supervisors/{member}`: the term, and a page of the units
/// in charge (`limit` 1–100, `cursor` the previous page's `next_cursor`).
#[derive(Deserialize, schemars::JsonSchema)]
pub struct SupervisorQuery {
    pub term: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

pub async fn supervisor(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(member): Path<i64>,
    Query(q): Query<SupervisorQuery>,
) -> Result<Json<ranks_app::supervision::SupervisorView>, WebError> {
    let term = q.term.ok_or_else(|| {
        WebError::bad_request("term: missing; expected a term like 2025-2030", None)
    })?;
    let limit = match q.limit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<usize>().map_err(|_| {
            app_err(ranks_app::AppError::Invalid(
                ranks_domain::DomainError::invalid(
                    "limit",
                    s.to_string(),
                    "a whole number from 1 to 100",
                ),
            ))
        })?),
    };
    let cursor = q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty());
    Ok(Json(
        st.app
            .supervisor_page(&auth.actor, member, &term, cursor, limit)
            .await
            .map_err(app_err)?,
    ))
}
