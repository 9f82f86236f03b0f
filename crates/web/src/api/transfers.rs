//! Transfers over the API: both ends' lists, one file, starting a transfer
//! or recording an arrival, and the answering end's steps.

use super::{app_err, opt_date, req_date};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::transfers::{
    ArrivalInput, Arriving, Destination, End, TransferAction, TransferFile, TransferInput,
};
use ranks_domain::MemberStatus;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// outgoing (sent from the unit's subtree) or incoming (addressed to
    /// it); both when absent.
    pub end: Option<String>,
}

/// A unit's outgoing and incoming files, open ones first (at most 200 each):
/// `{"outgoing": [...], "incoming": [...]}`, only the asked one with `end`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, WebError> {
    let ends: &[(&str, End)] = match q.end.as_deref() {
        None => &[("outgoing", End::Outgoing), ("incoming", End::Incoming)],
        Some("outgoing") => &[("outgoing", End::Outgoing)],
        Some("incoming") => &[("incoming", End::Incoming)],
        Some(other) => {
            return Err(WebError::bad_request(
                format!("end: '{other}' is not one of outgoing, incoming"),
                None,
            ))
        }
    };
    let mut out = serde_json::Map::new();
    for (name, end) in ends {
        let rows = st
            .app
            .unit_transfers(&auth.actor, &code, *end)
            .await
            .map_err(app_err)?;
        out.insert((*name).to_string(), json!(rows));
    }
    Ok(Json(Value::Object(out)))
}

/// One file as the caller's end sees it.
pub async fn file(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Json<TransferFile>, WebError> {
    Ok(Json(
        st.app
            .transfer_file(&auth.actor, id)
            .await
            .map_err(app_err)?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    pub member_id: i64,
    /// official or temporary
    pub kind: String,
    /// The receiving cell's code; or else `destination`.
    pub cell: Option<String>,
    /// An organisation outside the system (at most 300 characters).
    pub destination: Option<String>,
    /// The letter of introduction's day (today when absent).
    #[schemars(extend("format" = "date"))]
    pub sent_on: Option<String>,
    /// The decision the transfer follows (the 60 working days count from it).
    #[schemars(extend("format" = "date"))]
    pub decided_on: Option<String>,
    /// A temporary transfer's end.
    #[schemars(extend("format" = "date"))]
    pub until: Option<String>,
    #[serde(default)]
    pub study: bool,
    /// Keys of the profile's hand-over checklist (at most 20).
    #[serde(default)]
    pub documents: Vec<String>,
}

/// Starts a transfer (201 with its id).
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<TransferBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let temporary = match b.kind.as_str() {
        "official" => false,
        "temporary" => true,
        other => {
            return Err(WebError::bad_request(
                format!("kind: '{other}' is not one of official, temporary"),
                None,
            ))
        }
    };
    let to = match (b.cell, b.destination) {
        (Some(c), None) => Destination::Cell(c),
        (None, Some(d)) => Destination::Outside(d),
        _ => {
            return Err(WebError::bad_request(
                "cell: give either cell or destination".to_string(),
                None,
            ))
        }
    };
    let input = TransferInput {
        member_id: b.member_id,
        temporary,
        to,
        sent_on: opt_date("sent_on", &b.sent_on)?,
        decided_on: opt_date("decided_on", &b.decided_on)?,
        until: opt_date("until", &b.until)?,
        study: b.study,
        documents: b.documents,
    };
    let id = st
        .app
        .create_transfer(&auth.actor, input)
        .await
        .map_err(app_err)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalPerson {
    pub full_name: String,
    #[serde(default)]
    pub gender: String,
    #[schemars(extend("format" = "date"))]
    pub birth_date: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub occupation: String,
    /// probationary or official
    pub status: String,
    #[schemars(extend("format" = "date"))]
    pub admitted_on: String,
    #[schemars(extend("format" = "date"))]
    pub official_on: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalBody {
    /// The receiving cell's code.
    pub cell: String,
    /// The sending organisation, outside the system (at most 300 characters).
    pub origin: String,
    /// A former member (transferred out) coming back; or else `person`.
    pub former_member_id: Option<i64>,
    pub person: Option<ArrivalPerson>,
    #[schemars(extend("format" = "date"))]
    pub sent_on: String,
    #[schemars(extend("format" = "date"))]
    pub received_on: Option<String>,
    #[serde(default)]
    pub documents: Vec<String>,
}

/// Records a member arriving from outside the system (201 with the file's id).
pub async fn arrival(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ArrivalBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let who = match (b.former_member_id, b.person) {
        (Some(member_id), None) => Arriving::Former { member_id },
        (None, Some(p)) => Arriving::New {
            person: ranks_domain::member::NewPerson {
                full_name: p.full_name,
                gender: p.gender,
                birth_date: req_date("birth_date", &p.birth_date)?,
                ethnicity: p.ethnicity,
                education: p.education,
                occupation: p.occupation,
            },
            status: MemberStatus::parse(&p.status).map_err(|e| app_err(e.into()))?,
            admitted_on: req_date("admitted_on", &p.admitted_on)?,
            official_on: opt_date("official_on", &p.official_on)?,
        },
        _ => {
            return Err(WebError::bad_request(
                "person: give either former_member_id or person".to_string(),
                None,
            ))
        }
    };
    let input = ArrivalInput {
        cell: b.cell,
        origin: b.origin,
        who,
        sent_on: req_date("sent_on", &b.sent_on)?,
        received_on: opt_date("received_on", &b.received_on)?,
        documents: b.documents,
    };
    let id = st
        .app
        .record_arrival(&auth.actor, input)
        .await
        .map_err(app_err)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// receive, register or refuse
    pub action: String,
    /// On receipt: the checklist's papers found.
    #[serde(default)]
    pub documents: Vec<String>,
    /// On refusal: why (required, at most 2,000 characters).
    pub reason: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

/// The answering end's step: receipt, registration (the count moves) or refusal.
pub async fn action(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> Result<StatusCode, WebError> {
    let action = match b.action.as_str() {
        "receive" => TransferAction::Receive {
            documents: b.documents,
        },
        "register" => TransferAction::Register,
        "refuse" => TransferAction::Refuse {
            reason: b.reason.unwrap_or_default(),
        },
        other => {
            return Err(WebError::bad_request(
                format!("action: '{other}' is not one of receive, register, refuse"),
                None,
            ))
        }
    };
    let on = opt_date("date", &b.date)?;
    st.app
        .transfer_action(&auth.actor, id, action, on)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}
