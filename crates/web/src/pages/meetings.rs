//! The meetings of a unit (issue 17, part 3): their list with the form of
//! a new one, and a meeting's page (the roll with its attendance form, the
//! votes taken with the form of the next, the minutes' link).
//!
//! - `GET /units/{code}/meetings`, `POST` to open one
//! - `GET /meetings/{id}`, `POST /meetings/{id}/attendance`, `POST /meetings/{id}/votes`

use super::{form_date, render, with_status};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::{error_message, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ranks_app::meetings::{Attendance, Meeting, NewMeeting, VoteInput};
use ranks_app::AppError;
use serde::Deserialize;
use std::collections::HashMap;

pub struct MeetingLine {
    pub id: i64,
    pub date: String,
    pub agenda: String,
    pub present: i64,
    pub on_roll: i64,
    pub votes: i64,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    tr: Tr,
    path: String,
    term: String,
    csrf: String,
    unit: String,
    unit_name: String,
    meetings: Vec<MeetingLine>,
    error: String,
    date: String,
    agenda: String,
}

#[derive(Deserialize, Default)]
pub struct NewMeetingForm {
    pub date: Option<String>,
    pub agenda: Option<String>,
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    code: &str,
    lang: &PageLang,
    error: String,
    form: NewMeetingForm,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let list = st.app.unit_meetings(&auth.actor, code).await.page(lang)?;
    let page = MeetingsPage {
        tr,
        path: format!("/units/{}/meetings", list.unit),
        term: String::new(),
        csrf: auth.csrf.clone(),
        meetings: list
            .meetings
            .iter()
            .map(|m| MeetingLine {
                id: m.id,
                date: tr.date(&m.held_on),
                agenda: m.agenda.clone(),
                present: m.present,
                on_roll: m.on_roll,
                votes: m.votes,
            })
            .collect(),
        unit: list.unit,
        unit_name: list.unit_name,
        error,
        date: form
            .date
            .unwrap_or_else(|| st.app.clock().today().to_string()),
        agenda: form.agenda.unwrap_or_default(),
    };
    render(&page, lang)
}

/// A unit's meetings and the form of a new one.
pub async fn unit_meetings(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    lang: PageLang,
) -> Result<Response, WebError> {
    list_page(
        &st,
        &auth,
        &code,
        &lang,
        String::new(),
        NewMeetingForm::default(),
    )
    .await
}

fn shown_again(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::Refused(_)
    )
}

/// Opens a meeting (everyone on the roll present; absences are marked on
/// its page) and goes to it.
pub async fn create_meeting(
    State(st): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
    CsrfForm { auth, form }: CsrfForm<NewMeetingForm>,
) -> Result<Response, WebError> {
    let result = match form_date("date", form.date.as_deref()) {
        Ok(Some(on)) => {
            let new = NewMeeting {
                unit: code.clone(),
                on,
                agenda: form.agenda.clone().unwrap_or_default(),
                absent: Vec::new(),
            };
            st.app.create_meeting(&auth.actor, new).await
        }
        Ok(None) => Err(ranks_domain::DomainError::invalid("date", "", "the meeting's day").into()),
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(e) if shown_again(&e) => with_status(
            list_page(&st, &auth, &code, &lang, error_message(lang.lang, &e), form).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(lang.error(e)),
    }
}

pub struct RollLine {
    pub member_id: i64,
    pub name: String,
    pub status: String,
    pub present: bool,
    pub reason: String,
}

pub struct VoteLine {
    pub candidate_id: i64,
    pub name: String,
    pub stage: String,
    pub eligible: i64,
    pub present: i64,
    pub in_favour: i64,
    pub against: i64,
    pub carried: bool,
    pub rule: String,
}

pub struct CandidateChoice {
    pub id: i64,
    pub label: String,
    pub next_vote: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    tr: Tr,
    path: String,
    term: String,
    csrf: String,
    id: i64,
    unit: String,
    unit_name: String,
    date: String,
    agenda: String,
    recorded_by: String,
    roll: Vec<RollLine>,
    votes: Vec<VoteLine>,
    official_eligible: i64,
    official_present: i64,
    probationary_on_roll: i64,
    probationary_present: i64,
    fixed: bool,
    candidates: Vec<CandidateChoice>,
    stages: Vec<(String, String)>,
    attendance_error: String,
    vote_error: String,
}

fn meeting_view(m: Meeting, tr: Tr, profile: &ranks_domain::procedure::Profile) -> MeetingPage {
    MeetingPage {
        tr,
        path: format!("/meetings/{}", m.id),
        term: String::new(),
        csrf: String::new(),
        id: m.id,
        date: tr.date(&m.held_on),
        agenda: m.agenda,
        recorded_by: m.recorded_by,
        roll: m
            .roll
            .into_iter()
            .map(|a| RollLine {
                member_id: a.member_id,
                name: a.full_name,
                status: tr.get(&format!("status.{}", a.status)).to_string(),
                present: a.present,
                reason: a.absence_reason.unwrap_or_default(),
            })
            .collect(),
        votes: m
            .votes
            .into_iter()
            .map(|v| VoteLine {
                candidate_id: v.candidate_id,
                name: v.full_name,
                stage: tr.stage(profile, &v.stage),
                eligible: v.eligible,
                present: v.present,
                in_favour: v.in_favour,
                against: v.against,
                carried: v.carried,
                rule: v
                    .source
                    .map(|s| format!("{} ({s})", v.rule.unwrap_or_default()))
                    .unwrap_or_default(),
            })
            .collect(),
        official_eligible: m.official_eligible,
        official_present: m.official_present,
        probationary_on_roll: m.probationary_on_roll,
        probationary_present: m.probationary_present,
        fixed: m.attendance_fixed,
        candidates: m
            .candidates
            .into_iter()
            .map(|c| CandidateChoice {
                id: c.candidate_id,
                label: format!("{} — {}", c.full_name, tr.stage(profile, &c.stage)),
                next_vote: c.next_vote,
            })
            .collect(),
        stages: m
            .vote_stages
            .iter()
            .map(|s| (s.clone(), tr.stage(profile, s)))
            .collect(),
        unit: m.unit,
        unit_name: m.unit_name,
        attendance_error: String::new(),
        vote_error: String::new(),
    }
}

async fn meeting_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    errors: (String, String),
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let m = st.app.meeting(&auth.actor, id).await.page(lang)?;
    let mut page = meeting_view(m, tr, st.app.profile());
    page.csrf = auth.csrf.clone();
    (page.attendance_error, page.vote_error) = errors;
    render(&page, lang)
}

/// A meeting's page.
pub async fn meeting(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    meeting_page(&st, &auth, id, &lang, Default::default()).await
}

/// The attendance form: for each member on the roll `p{member}` (present
/// or absent) and `r{member}` (the reason of an absence).
pub async fn meeting_attendance(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form }: CsrfForm<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let mut marks = Vec::new();
    for (k, v) in &form {
        let Some(member) = k.strip_prefix('p').and_then(|n| n.parse::<i64>().ok()) else {
            continue;
        };
        marks.push(Attendance {
            member_id: member,
            present: v != "absent",
            reason: form.get(&format!("r{member}")).cloned(),
        });
    }
    marks.sort_by_key(|a| a.member_id);
    let result = st.app.set_attendance(&auth.actor, id, marks).await;
    form_done(&st, &auth, id, &lang, result, Section::Attendance).await
}

/// The two forms of a meeting's page.
#[derive(Clone, Copy)]
enum Section {
    Attendance,
    Votes,
}

/// After a form of the meeting's page: back to its section when it went
/// through; when the input was refused, the page again (422) with the
/// error beside that form.
async fn form_done(
    st: &AppState,
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    result: Result<(), AppError>,
    section: Section,
) -> Result<Response, WebError> {
    let anchor = match section {
        Section::Attendance => "attendance",
        Section::Votes => "votes",
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}#{anchor}")).into_response()),
        Err(e) if shown_again(&e) => {
            let message = error_message(lang.lang, &e);
            let errors = match section {
                Section::Attendance => (message, String::new()),
                Section::Votes => (String::new(), message),
            };
            with_status(
                meeting_page(st, auth, id, lang, errors).await,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(lang.error(e)),
    }
}

#[derive(Deserialize)]
pub struct VoteForm {
    pub candidate: String,
    pub stage: String,
    pub in_favour: String,
    pub against: String,
}

fn count(field: &'static str, v: &str) -> Result<u32, AppError> {
    v.trim().parse().map_err(|_| {
        ranks_domain::DomainError::invalid(field, v, "a whole number, 0 or more").into()
    })
}

/// Takes a vote at the meeting.
pub async fn meeting_vote(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form }: CsrfForm<VoteForm>,
) -> Result<Response, WebError> {
    let input = (|| {
        Ok::<_, AppError>(VoteInput {
            candidate_id: form.candidate.trim().parse().map_err(|_| {
                AppError::from(ranks_domain::DomainError::invalid(
                    "candidate",
                    form.candidate.as_str(),
                    "a candidate of the meeting's unit",
                ))
            })?,
            stage: form.stage.clone(),
            in_favour: count("in_favour", &form.in_favour)?,
            against: count("against", &form.against)?,
        })
    })();
    let result = match input {
        Ok(input) => st
            .app
            .meeting_vote(&auth.actor, id, input)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    form_done(&st, &auth, id, &lang, result, Section::Votes).await
}
