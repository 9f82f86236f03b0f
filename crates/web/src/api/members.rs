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
use serde_json::Value;

#[derive(Deserialize, schemars::JsonSchema)]
pub struct MemberSearch {
    pub q: Option<String>,
    pub org: Option<String>,
}

/// Members matching a name typed with or without diacritics.
pub async fn members(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<MemberSearch>,
) -> Result<Json<Vec<Value>>, WebError> {
    let found = st
        .app
        .search_members(&auth.actor, q.org.as_deref(), q.q.as_deref().unwrap_or(""))
        .await
        .map_err(app_err)?;
    // Personal details are already withheld for a role without them.
    Ok(Json(
        found
            .iter()
            .map(|m| serde_json::to_value(m).unwrap_or(Value::Null))
            .collect(),
    ))
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
