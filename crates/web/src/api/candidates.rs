//! Candidates over the API: a new file, the whole file, steps, documents,
//! mentors, certificates, introducers.

use super::{app_err, opt_date, req_date};
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::pipeline::{CandidateFile, PersonRef, StepInput};
use ranks_domain::member::NewPerson;
use ranks_domain::procedure::Vote;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCandidateBody {
    pub cell: String,
    pub person_id: Option<i64>,
    pub full_name: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub birth_date: Option<String>,
    #[serde(default = "default_gender")]
    pub gender: String,
    #[serde(default = "default_ethnicity")]
    pub ethnicity: String,
    #[serde(default = "default_grade")]
    pub general_grade: u8,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub occupation: String,
    pub movement: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

fn default_gender() -> String {
    "Nữ".into()
}

fn default_ethnicity() -> String {
    "Kinh".into()
}

fn default_grade() -> u8 {
    12
}

pub async fn create_candidate(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    ApiJson(b): ApiJson<NewCandidateBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let who = match (b.person_id, b.full_name, b.birth_date) {
        (Some(id), _, _) => PersonRef::Existing(id),
        (None, Some(name), Some(birth)) => PersonRef::New {
            person: NewPerson {
                full_name: name,
                gender: b.gender,
                birth_date: req_date("birth_date", &birth)?,
                ethnicity: b.ethnicity,
                education: format!("{}/12", b.general_grade),
                occupation: b.occupation,
            },
            general_grade: b.general_grade,
            area: b.area,
        },
        _ => {
            return Err(WebError::bad_request(
                "give person_id, or full_name and birth_date",
                None,
            ))
        }
    };
    let date = opt_date("date", &b.date)?;
    let id = st
        .app
        .add_candidate(&auth.actor, who, &b.cell, b.movement.as_deref(), date)
        .await
        .map_err(app_err)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub async fn candidate(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
) -> Result<Json<CandidateFile>, WebError> {
    Ok(Json(
        st.app
            .candidate_file(&auth.actor, id)
            .await
            .map_err(app_err)?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteBody {
    pub eligible: u32,
    pub present: u32,
    pub in_favour: u32,
    pub against: u32,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    pub stage: String,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
    pub vote: Option<VoteBody>,
    pub skip_reason: Option<String>,
    /// A cell vote whose `eligible` differs from the registry's count of the
    /// cell's official members on the day: why (recorded with the step).
    pub eligible_reason: Option<String>,
    /// The file's `version` as read: a step on a file changed since is a 409.
    pub version: Option<i64>,
}

pub async fn step(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StepBody>,
) -> Result<Json<Value>, WebError> {
    let input = StepInput {
        stage: b.stage,
        on: opt_date("date", &b.date)?,
        vote: b.vote.map(|v| Vote {
            eligible: v.eligible,
            present: v.present,
            in_favour: v.in_favour,
            against: v.against,
        }),
        skip_reason: b.skip_reason,
        eligible_reason: b.eligible_reason,
        version: b.version,
    };
    let stage = st
        .app
        .record_step(&auth.actor, id, input)
        .await
        .map_err(app_err)?;
    Ok(Json(json!({ "id": id, "stage": stage })))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    pub code: String,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

pub async fn document(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DocumentBody>,
) -> Result<StatusCode, WebError> {
    let date = opt_date("date", &b.date)?;
    st.app
        .record_document(&auth.actor, id, &b.code, date)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    /// The stage whose decision was received (`decision`).
    pub stage: String,
    #[schemars(extend("format" = "date"))]
    pub received_on: String,
}

pub async fn receipt(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReceiptBody>,
) -> Result<StatusCode, WebError> {
    let on = req_date("received_on", &b.received_on)?;
    st.app
        .record_receipt(&auth.actor, id, &b.stage, on)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MentorBody {
    pub member_id: i64,
    #[serde(default)]
    pub probation: bool,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

pub async fn mentor(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MentorBody>,
) -> Result<StatusCode, WebError> {
    let date = opt_date("date", &b.date)?;
    st.app
        .assign_mentor(&auth.actor, id, b.member_id, b.probation, date)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateBody {
    #[schemars(extend("format" = "date"))]
    pub issued_on: String,
    #[serde(default)]
    pub number: String,
}

pub async fn certificate(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CertificateBody>,
) -> Result<StatusCode, WebError> {
    let issued = req_date("issued_on", &b.issued_on)?;
    st.app
        .record_certificate(&auth.actor, id, issued, &b.number)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntroducerBody {
    pub member_id: Option<i64>,
    #[schemars(extend("format" = "date"))]
    pub since: Option<String>,
    #[serde(default)]
    pub youth_union: bool,
    /// The trade union's resolution (records form 4A-KNĐ).
    #[serde(default)]
    pub trade_union: bool,
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

pub async fn introducer(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<IntroducerBody>,
) -> Result<StatusCode, WebError> {
    if b.trade_union {
        if b.member_id.is_some() || b.since.is_some() || b.youth_union {
            return Err(WebError::bad_request(
                "give member_id with since, or youth_union: true, or trade_union: true",
                None,
            ));
        }
        let date = opt_date("date", &b.date)?;
        st.app
            .add_trade_union_introducer(&auth.actor, id, date)
            .await
            .map_err(app_err)?;
        return Ok(StatusCode::NO_CONTENT);
    }
    let who = match (b.member_id, &b.since, b.youth_union) {
        (Some(m), Some(s), false) => Some((m, req_date("since", s)?)),
        (None, None, true) => None,
        _ => {
            return Err(WebError::bad_request(
                "give member_id with since, or youth_union: true",
                None,
            ))
        }
    };
    let date = opt_date("date", &b.date)?;
    st.app
        .add_introducer(&auth.actor, id, who, date)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}
