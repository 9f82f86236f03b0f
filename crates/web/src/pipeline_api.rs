//! The pipeline in the JSON API: candidates, steps, documents, mentors,
//! certificates, introducers, member movements, deadlines, the calendar and
//! the procedure's rules.

use crate::error::WebError;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::pipeline::{CandidateFile, DueRow, Movement, PersonRef, StepInput};
use ranks_app::AppError;
use ranks_domain::member::NewPerson;
use ranks_domain::procedure::Vote;
use ranks_domain::{parse_date, Date};
use serde::Deserialize;
use serde_json::{json, Value};

fn app_err(e: AppError) -> WebError {
    WebError::from_app(e, None)
}

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, WebError> {
    b.map(|Json(t)| t)
        .map_err(|e| WebError::bad_request(format!("body: {}", e.body_text()), None))
}

fn opt_date(field: &'static str, s: &Option<String>) -> Result<Option<Date>, WebError> {
    s.as_deref()
        .map(|s| parse_date(field, s))
        .transpose()
        .map_err(|e| app_err(e.into()))
}

fn req_date(field: &'static str, s: &str) -> Result<Date, WebError> {
    parse_date(field, s).map_err(|e| app_err(e.into()))
}

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
    b: Result<Json<NewCandidateBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), WebError> {
    let b = body(b)?;
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
    /// The file's `version` as read: a step on a file changed since is a 409.
    pub version: Option<i64>,
}

pub async fn step(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    b: Result<Json<StepBody>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    let b = body(b)?;
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
    b: Result<Json<DocumentBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
    let date = opt_date("date", &b.date)?;
    st.app
        .record_document(&auth.actor, id, &b.code, date)
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
    b: Result<Json<MentorBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
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
    b: Result<Json<CertificateBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
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
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
}

pub async fn introducer(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    b: Result<Json<IntroducerBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
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

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementBody {
    /// transfer, transfer_out, temporary, return, exempt, remove, expel, death, card
    pub kind: String,
    pub cell: Option<String>,
    pub destination: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub until: Option<String>,
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
    b: Result<Json<MovementBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
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
pub struct DueQuery {
    pub org: Option<String>,
    pub within: Option<String>,
}

pub async fn due(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<DueQuery>,
) -> Result<Json<Vec<DueRow>>, WebError> {
    let within = match q.within.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            WebError::bad_request(
                format!("within: '{s}' is not a whole number of working days"),
                None,
            )
        })?),
    };
    Ok(Json(
        st.app
            .due(&auth.actor, q.org.as_deref(), within)
            .await
            .map_err(app_err)?,
    ))
}

pub async fn calendar(
    State(st): State<AppState>,
    _auth: crate::auth::Auth,
    Path(year): Path<String>,
) -> Result<Json<Value>, WebError> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .ok_or_else(|| {
            WebError::bad_request(
                format!("year: '{year}' is not a year from 1900 to 2100"),
                None,
            )
        })?;
    let cal = st.app.calendar().await.map_err(app_err)?;
    Ok(Json(json!(cal.holidays(year))))
}

pub async fn profile(State(st): State<AppState>) -> Json<Value> {
    let p = st.app.profile();
    Json(json!({
        "id": p.id,
        "name": p.name,
        "stages": p.stages.iter().chain(&p.exits).map(|s| json!({
            "key": s.key, "vi": s.vi, "en": s.en, "de": s.de, "documents": s.documents,
            "exit": s.is_exit, "source": s.source.cite(), "confirmed": s.source.confirmed,
        })).collect::<Vec<_>>(),
        "rules": p.rules().iter().map(|(r, s)| json!({"rule": r, "source": s.cite(), "confirmed": s.confirmed})).collect::<Vec<_>>(),
    }))
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
    b: Result<Json<TargetBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    use ranks_app::targets::{parse_target, Period};
    let b = body(b)?;
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
}

pub async fn allocation(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<AllocationQuery>,
) -> Result<Json<Vec<ranks_app::targets::AllocationRow>>, WebError> {
    let period = q.period.ok_or_else(|| {
        WebError::bad_request("period: missing; expected 2025 or 2020-2025", None)
    })?;
    let period = ranks_app::targets::Period::parse(&period).map_err(|e| app_err(e.into()))?;
    Ok(Json(
        st.app
            .allocation(&auth.actor, q.org.as_deref(), &period)
            .await
            .map_err(app_err)?,
    ))
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
    b: Result<Json<ScoreBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
    st.app
        .set_score_seen(&auth.actor, &code, b.year, &b.criterion, b.score, b.seen)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
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

#[derive(Deserialize, schemars::JsonSchema)]
pub struct TermQuery {
    pub term: Option<String>,
}

pub async fn supervisor(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(member): Path<i64>,
    Query(q): Query<TermQuery>,
) -> Result<Json<ranks_app::supervision::SupervisorView>, WebError> {
    let term = q.term.ok_or_else(|| {
        WebError::bad_request("term: missing; expected a term like 2025-2030", None)
    })?;
    Ok(Json(
        st.app
            .supervisor_view(&auth.actor, member, &term)
            .await
            .map_err(app_err)?,
    ))
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
    b: Result<Json<LeaderScoreBody>, JsonRejection>,
) -> Result<StatusCode, WebError> {
    let b = body(b)?;
    st.app
        .set_leader_score_seen(&auth.actor, &code, b.member_id, b.year, b.score, b.seen)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

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
