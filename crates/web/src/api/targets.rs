//! Targets and the year-end evaluation over the API: targets, their
//! allocation, scores, leaders' scores and the evaluation itself.

use super::app_err;
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetBody {
    pub period: String,
    pub target: Value,
    /// The audit position at which the target was read (`audit_position`
    /// of /api/v1/session, read before the data): a target changed after
    /// it is a 409, nothing written.
    pub seen: Option<i64>,
}

pub async fn set_target(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<TargetBody>,
) -> Result<StatusCode, WebError> {
    use ranks_app::targets::{parse_target, Period};
    let period = Period::parse(&b.period).map_err(|e| app_err(e.into()))?;
    let text = match &b.target {
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    let target = parse_target(&text).map_err(|e| app_err(e.into()))?;
    st.app
        .set_target_seen(&auth.actor, &code, &period, target, b.seen)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct AllocationQuery {
    pub period: Option<String>,
    pub org: Option<String>,
    /// Rows per page (the unit asked, then its direct subordinates): 1 to
    /// 200, default 50. The total is in the `X-Total-Count` header; a next
    /// page's cursor in `X-Next-Cursor`.
    pub limit: Option<String>,
    /// The `X-Next-Cursor` of the previous page.
    pub cursor: Option<String>,
}

pub async fn allocation(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<AllocationQuery>,
) -> Result<axum::response::Response, WebError> {
    let limit = ranks_app::overview::page_limit(q.limit.as_deref()).map_err(app_err)?;
    let period = q.period.ok_or_else(|| {
        WebError::bad_request("period: missing; expected 2025 or 2020-2025", None)
    })?;
    let period = ranks_app::targets::Period::parse(&period).map_err(|e| app_err(e.into()))?;
    let p = st
        .app
        .allocation_page(
            &auth.actor,
            q.org.as_deref(),
            &period,
            q.cursor.as_deref(),
            limit,
        )
        .await
        .map_err(app_err)?;
    let next = p
        .more
        .then(|| p.rows.last().map(|l| l.code.clone()))
        .flatten();
    Ok(super::paged(Json(&p.rows), p.total, next))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreBody {
    pub year: i32,
    pub criterion: String,
    pub score: f64,
    /// As for targets: a score changed after this audit position is a 409.
    pub seen: Option<i64>,
}

pub async fn score(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<ScoreBody>,
) -> Result<StatusCode, WebError> {
    st.app
        .set_score_seen(&auth.actor, &code, b.year, &b.criterion, b.score, b.seen)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaderScoreBody {
    pub member_id: i64,
    pub year: i32,
    pub score: f64,
    /// As for targets: a score changed after this audit position is a 409.
    pub seen: Option<i64>,
}

pub async fn leader_score(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<LeaderScoreBody>,
) -> Result<StatusCode, WebError> {
    st.app
        .set_leader_score_seen(&auth.actor, &code, b.member_id, b.year, b.score, b.seen)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct EvaluationQuery {
    pub year: Option<String>,
    pub org: Option<String>,
}

pub async fn evaluation(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<EvaluationQuery>,
) -> Result<Json<ranks_app::evaluation::EvaluationReport>, WebError> {
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.parse::<i32>().ok())
        .ok_or_else(|| WebError::bad_request("year: missing or not a year", None))?;
    Ok(Json(
        st.app
            .evaluate(&auth.actor, q.org.as_deref(), year)
            .await
            .map_err(app_err)?,
    ))
}
