//! Members over the API: the search, and movements.

use super::{app_err, opt_date, req_date};
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::pipeline::Movement;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, schemars::JsonSchema)]
pub struct MemberSearch {
    /// Words each starting a word of the name, tone marks and case ignored (at most 300 characters).
    pub q: Option<String>,
    /// The unit whose subtree is searched (the caller's own unit when absent).
    pub org: Option<String>,
    /// probationary or official; both when absent.
    pub status: Option<String>,
    /// Rows per page, 1 to 200 (default 50); anything else is a 400 naming `limit`.
    #[schemars(with = "Option<u32>", range(min = 1, max = 200))]
    pub limit: Option<String>,
    /// The `next` of the page before; the first page when absent.
    pub cursor: Option<String>,
}

/// One page of members matching a name typed with or without diacritics:
/// `members` in list order (given name, full name), `total` (`exact` or
/// `at_least` with its `count`), and `next`, the cursor of the next page
/// (null on the last).
pub async fn members(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<MemberSearch>,
) -> Result<Json<Value>, WebError> {
    let status = crate::pages::members::status_filter(q.status.as_deref()).map_err(app_err)?;
    let paging = ranks_app::search::Paging::parse(q.limit.as_deref(), q.cursor.as_deref())
        .map_err(|e| app_err(e.into()))?;
    let page = st
        .app
        .member_page(
            &auth.actor,
            q.org.as_deref(),
            q.q.as_deref().unwrap_or(""),
            status,
            &paging,
        )
        .await
        .map_err(app_err)?;
    // Personal details are already withheld for a role without them.
    Ok(Json(json!({
        "members": page.rows,
        "total": page.total,
        "next": page.next,
    })))
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementBody {
    /// transfer, transfer_out, temporary, return, exempt, remove, expel, death, card
    pub kind: String,
    pub cell: Option<String>,
    pub destination: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub until: Option<String>,
    /// A temporary transfer for study (3 to 24 months rather than 3 to under 12).
    #[serde(default)]
    pub study: bool,
    pub level: Option<String>,
    pub reason: Option<String>,
    pub number: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
    /// The member's `version` as read: a movement on a record changed since is a 409.
    pub version: Option<i64>,
}

pub async fn member_movement(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MovementBody>,
) -> Result<StatusCode, WebError> {
    let (m, date) = movement_of(&b)?;
    st.app
        .member_movement_at(&auth.actor, id, m, date, b.version)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The movement a request describes, and its date.
pub fn movement_of(b: &MovementBody) -> Result<(Movement, Option<ranks_domain::Date>), WebError> {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let need = |field: &'static str, v: Option<String>| {
        v.ok_or_else(|| {
            WebError::bad_request(format!("{field}: missing for kind {}", b.kind), None)
        })
    };
    let m = match b.kind.as_str() {
        "transfer" => Movement::TransferTo {
            cell: need("cell", nonempty(&b.cell))?,
        },
        "transfer_out" => Movement::TransferOut {
            destination: need("destination", nonempty(&b.destination))?,
        },
        "temporary" => Movement::Temporary {
            cell: need("cell", nonempty(&b.cell))?,
            until: req_date("until", &need("until", nonempty(&b.until))?)?,
            study: b.study,
        },
        "return" => Movement::ReturnHome,
        "exempt" => Movement::Exempt {
            level: b.level.clone().unwrap_or_default(),
        },
        "remove" => Movement::Remove {
            reason: b.reason.clone().unwrap_or_default(),
        },
        "expel" => Movement::Expel {
            reason: b.reason.clone().unwrap_or_default(),
        },
        "death" => Movement::Death,
        "card" => Movement::Card {
            number: need("number", nonempty(&b.number))?,
        },
        other => {
            return Err(WebError::bad_request(
                format!("kind: '{other}' is not one of transfer, transfer_out, temporary, return, exempt, remove, expel, death, card"),
                None,
            ))
        }
    };
    let date = opt_date("date", &nonempty(&b.date))?;
    Ok((m, date))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitGroundBody {
    /// abandoned_activities, asked_to_leave, asked_to_leave_family_hardship, serious_disunity,
    /// corruption_conviction, serious_crime_conviction, minor_crime_conviction, other
    pub ground: String,
    /// The day the criminal record was cleared (xóa án tích), if it was.
    #[schemars(extend("format" = "date"))]
    pub record_cleared_on: Option<String>,
    /// The member's `version` as read: a record changed since is a 409.
    pub version: Option<i64>,
}

/// The ground on which a removed or expelled member left, as re-admission
/// judges it (294-QĐ/TW mục 3.5.1–3.5.2).
pub async fn exit_ground(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ExitGroundBody>,
) -> Result<StatusCode, WebError> {
    let cleared = opt_date("record_cleared_on", &b.record_cleared_on)?;
    st.app
        .record_exit_ground(&auth.actor, id, &b.ground, cleared, b.version)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}
