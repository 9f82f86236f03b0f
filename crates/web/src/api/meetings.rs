//! Meetings of a cell or a committee over the API (issue 17, part 3): a
//! unit's meetings, a new meeting with its absences, the attendance, and
//! the votes taken at the sitting (eligible and present from the registry
//! and the attendance, never sent).

use super::{app_err, req_date};
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::meetings::{Attendance, Meeting, NewMeeting, UnitMeetings, VoteInput, VoteOutcome};
use serde::Deserialize;
use serde_json::{json, Value};

/// A member absent from the meeting, and why.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceBody {
    /// The member's id (on the unit's roll on the meeting's day).
    pub member: i64,
    /// Why the member is absent (at most 300 characters).
    pub reason: String,
}

/// A new meeting of a unit.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingBody {
    /// The meeting's day (not after today).
    #[schemars(extend("format" = "date"))]
    pub date: String,
    /// The agenda (at most 2,000 characters).
    pub agenda: String,
    /// The members absent (at most 1,000); everyone else on the roll is present.
    #[serde(default)]
    pub absent: Vec<AbsenceBody>,
}

/// A member marked present or absent.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    pub member: i64,
    pub present: bool,
    /// Required when absent (at most 300 characters).
    pub reason: Option<String>,
}

/// Changes of the attendance (refused once a vote was taken).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    pub attendance: Vec<MarkBody>,
}

/// A vote taken at the meeting: only the counts; eligible and present come
/// from the registry and the attendance on the meeting's day.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingVoteBody {
    /// A candidate of the meeting's unit.
    pub candidate: i64,
    /// A vote of the cell: cell_vote or recognition_cell_vote.
    pub stage: String,
    pub in_favour: u32,
    pub against: u32,
}

pub async fn list(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
) -> Result<Json<UnitMeetings>, WebError> {
    Ok(Json(
        st.app
            .unit_meetings(&auth.actor, &code)
            .await
            .map_err(app_err)?,
    ))
}

pub async fn create(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<NewMeetingBody>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let new = NewMeeting {
        unit: code,
        on: req_date("date", &b.date)?,
        agenda: b.agenda,
        absent: b
            .absent
            .into_iter()
            .map(|a| Attendance {
                member_id: a.member,
                present: false,
                reason: Some(a.reason),
            })
            .collect(),
    };
    let id = st
        .app
        .create_meeting(&auth.actor, new)
        .await
        .map_err(app_err)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub async fn meeting(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
) -> Result<Json<Meeting>, WebError> {
    Ok(Json(
        st.app.meeting(&auth.actor, id).await.map_err(app_err)?,
    ))
}

pub async fn attendance(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AttendanceBody>,
) -> Result<StatusCode, WebError> {
    let marks = b
        .attendance
        .into_iter()
        .map(|m| Attendance {
            member_id: m.member,
            present: m.present,
            reason: m.reason,
        })
        .collect();
    st.app
        .set_attendance(&auth.actor, id, marks)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn vote(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MeetingVoteBody>,
) -> Result<Json<VoteOutcome>, WebError> {
    let input = VoteInput {
        candidate_id: b.candidate,
        stage: b.stage,
        in_favour: b.in_favour,
        against: b.against,
    };
    Ok(Json(
        st.app
            .meeting_vote(&auth.actor, id, input)
            .await
            .map_err(app_err)?,
    ))
}
