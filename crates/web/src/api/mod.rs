//! The JSON API under `/api/v1`, one module per resource; here the route
//! table the router and the OpenAPI document are both built from, and what
//! the handlers share (reading a body, a date, an error).

mod analytics;
mod candidates;
mod corrections;
mod import;
mod meetings;
mod members;
pub mod openapi;
mod reference;
mod session;
mod subject;
mod targets;
mod transfers;
mod units;

pub use members::{movement_of, MovementBody};
pub use openapi::openapi_document;
pub use units::AchievementJson;

use crate::error::WebError;
use crate::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use ranks_app::AppError;
use ranks_domain::{parse_date, Date};
use serde_json::{json, Value};

/// A page as JSON with its total in `X-Total-Count` and, when rows follow,
/// the next page's cursor in `X-Next-Cursor`.
pub(crate) fn paged<T: serde::Serialize>(
    body: Json<T>,
    total: usize,
    next: Option<String>,
) -> axum::response::Response {
    let mut resp = axum::response::IntoResponse::into_response(body);
    let h = resp.headers_mut();
    h.insert("x-total-count", total.into());
    if let Some(c) = next.and_then(|c| c.parse().ok()) {
        h.insert("x-next-cursor", c);
    }
    resp
}

fn app_err(e: AppError) -> WebError {
    WebError::from_app(e, None)
}

pub(crate) fn opt_date(field: &'static str, s: &Option<String>) -> Result<Option<Date>, WebError> {
    s.as_deref()
        .map(|s| parse_date(field, s))
        .transpose()
        .map_err(|e| app_err(e.into()))
}

fn req_date(field: &'static str, s: &str) -> Result<Date, WebError> {
    parse_date(field, s).map_err(|e| app_err(e.into()))
}

pub async fn healthz(State(st): State<AppState>) -> Result<Json<Value>, WebError> {
    let version = st
        .app
        .db()
        .schema_version()
        .await
        .map_err(|e| WebError::from_app(e.into(), None))?;
    Ok(Json(json!({
        "status": "ok",
        "database": st.app.db().backend().name(),
        "schema_version": version,
    })))
}

/// How a request part is described in the OpenAPI document: the JSON
/// Schema of the very type the handler deserialises (so the document
/// cannot drift from what the server accepts).
pub type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

fn schema_of<T: schemars::JsonSchema>(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    g.subschema_for::<T>()
}

fn root_schema_of<T: schemars::JsonSchema>(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    g.root_schema_for::<T>()
}

/// One route of the JSON API.
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub handler: axum::routing::MethodRouter<AppState>,
    /// The JSON request body's type.
    pub body: Option<SchemaOf>,
    /// The query string's type (an object whose properties are the parameters).
    pub query: Option<SchemaOf>,
    /// A body that is not JSON: its media types (the import's file).
    pub raw_body: &'static [&'static str],
    /// Success status (200, 201 or 204).
    pub success: u16,
}

impl ApiRoute {
    fn new(
        method: &'static str,
        path: &'static str,
        summary: &'static str,
        handler: axum::routing::MethodRouter<AppState>,
    ) -> Self {
        ApiRoute {
            method,
            path,
            summary,
            handler,
            body: None,
            query: None,
            raw_body: &[],
            success: 200,
        }
    }
    fn body<T: schemars::JsonSchema>(mut self) -> Self {
        self.body = Some(schema_of::<T>);
        self
    }
    fn query<T: schemars::JsonSchema>(mut self) -> Self {
        self.query = Some(root_schema_of::<T>);
        self
    }
    fn raw(mut self, media: &'static [&'static str]) -> Self {
        self.raw_body = media;
        self
    }
    fn answers(mut self, status: u16) -> Self {
        self.success = status;
        self
    }
}

/// The JSON API, one row per route: method, path, what it does, handler.
/// The router and the OpenAPI document are both built from this list, so
/// the document cannot drift from the routes.
// One row per route, in one list on purpose (the router and the OpenAPI
// document are read from it): a table, not logic, so its length is allowed.
#[allow(clippy::too_many_lines)]
pub fn api_routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            "get",
            "/api/v1/session",
            "Who is signed in, and the CSRF token to send back",
            get(session::session),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/terms",
            "All terms, oldest first",
            get(reference::terms),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/units/{code}/achievement",
            "Achievement of a unit's subtree over a term (term, depth, as_of)",
            get(units::achievement),
        )
        .query::<units::AchievementQuery>(),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/targets",
            "Set a unit's target for a term or a year",
            post(targets::set_target),
        )
        .body::<targets::TargetBody>()
        .answers(204),
        ApiRoute::new(
            "get",
            "/api/v1/rollup",
            "Admissions per unit rolled up the tree, between two dates or over a term",
            get(units::rollup),
        )
        .query::<units::RollupQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/allocation",
            "Targets of a unit and its direct subordinates against the sum of their children's (period, org, limit, cursor; total and next)",
            get(targets::allocation),
        )
        .query::<targets::AllocationQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/members",
            "One page of members whose name matches q, without regard to tone marks (limit, cursor; total and next)",
            get(members::members),
        )
        .query::<members::MemberSearch>(),
        ApiRoute::new(
            "post",
            "/api/v1/members/{id}/movements",
            "Record a member movement",
            post(members::member_movement),
        )
        .body::<members::MovementBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/members/{id}/exit-ground",
            "Record the ground on which a removed or expelled member left (re-admission judges it)",
            post(members::exit_ground),
        )
        .body::<members::ExitGroundBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates",
            "Add a person to a cell's pool; a probable duplicate (same ID number, or same name and birth date) answers 409 with the existing ids unless confirm_duplicate",
            post(candidates::create_candidate),
        )
        .body::<candidates::NewCandidateBody>()
        .answers(201),
        ApiRoute::new(
            "get",
            "/api/v1/candidates/{id}",
            "A candidate's whole file",
            get(candidates::candidate),
        ),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/steps",
            "Record a step (refused with rule and source: 422)",
            post(candidates::step),
        )
        .body::<candidates::StepBody>(),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/documents",
            "Record a document as present",
            post(candidates::document),
        )
        .body::<candidates::DocumentBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/receipts",
            "Record the day the unit received a stage's decision (the ceremony's deadline counts from it)",
            post(candidates::receipt),
        )
        .body::<candidates::ReceiptBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/mentors",
            "Assign a mentor or probation mentor",
            post(candidates::mentor),
        )
        .body::<candidates::MentorBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/certificates",
            "Record the course certificate",
            post(candidates::certificate),
        )
        .body::<candidates::CertificateBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/introducers",
            "Record an introducer",
            post(candidates::introducer),
        )
        .body::<candidates::IntroducerBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/withdrawals",
            "Withdraw an entry of the file (document, mentor, introducer, certificate, the latest step) with a reason; refused (422) while a recorded step relies on it",
            post(corrections::withdraw),
        )
        .body::<corrections::WithdrawalBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/corrections",
            "Correct an entry of the file (a date, the latest step's date, an introducer's dates, a certificate, a vote's counts) with a reason; refused (422) when a recorded step would no longer hold",
            post(corrections::correct),
        )
        .body::<corrections::CorrectionBody>()
        .answers(204),
        ApiRoute::new(
            "get",
            "/api/v1/candidates/{id}/corrections",
            "What was withdrawn or corrected in the file, with who, when and why",
            get(corrections::list),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/people/{id}/export",
            "Everything held about a person (Decree 13/2023): details, files, memberships, consents and the audit of who read and changed them; the export is audited",
            get(subject::export),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/people/{id}/consents",
            "A person's consents to the processing of their personal data, given and withdrawn",
            get(subject::consents),
        ),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/consents",
            "Record the candidate's consent to the profile's purpose (409 while one stands)",
            post(subject::give),
        )
        .body::<subject::ConsentBody>()
        .answers(201),
        ApiRoute::new(
            "post",
            "/api/v1/consents/{id}/withdrawal",
            "Record the withdrawal of a consent, with the person's reason",
            post(subject::withdraw),
        )
        .body::<subject::ConsentWithdrawalBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/import",
            "Import a CSV or XLSX file (the body): all rows or none; 422 lists row errors",
            // The handler reads the body up to the configured import limit.
            post(import::api_import),
        )
        .query::<import::ApiImportQuery>()
        .raw(&["text/csv", "application/octet-stream"]),
        ApiRoute::new(
            "get",
            "/api/v1/due",
            "Next deadlines, overdue first (org, within), a page at a time (limit, cursor) with the total",
            get(analytics::due),
        )
        .query::<analytics::DueQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/calendar/{year}",
            "The year's days off",
            get(reference::calendar),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/profile",
            "The procedure's stages and rules with their sources",
            get(reference::profile),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/forecast",
            "Expected admissions of a unit and its direct subordinates with an 80 % interval (term, as_of, org, limit, cursor; total and next)",
            get(analytics::forecast),
        )
        .query::<analytics::ForecastQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/analytics",
            "Stages, bottlenecks, mentors, movements (org)",
            get(analytics::analytics),
        )
        .query::<analytics::OrgQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/evaluation",
            "Year-end scores and grades of the units under org, and their leaders",
            get(targets::evaluation),
        )
        .query::<targets::EvaluationQuery>(),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/scores",
            "Enter a unit's score on a criterion",
            post(targets::score),
        )
        .body::<targets::ScoreBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/leader-scores",
            "Enter a leader's personal score",
            post(targets::leader_score),
        )
        .body::<targets::LeaderScoreBody>()
        .answers(204),
        ApiRoute::new(
            "get",
            "/api/v1/supervisors/{member}",
            "A supervisor's units with achievement and what is late (term), a page of units at a time (limit, cursor)",
            get(analytics::supervisor),
        )
        .query::<analytics::SupervisorQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/units/{code}/transfers",
            "A unit's outgoing and incoming transfer files (end: one of them), open ones first",
            get(transfers::list),
        )
        .query::<transfers::ListQuery>(),
        ApiRoute::new(
            "post",
            "/api/v1/transfers",
            "Start a transfer (official or temporary, to a cell or outside the system); the member stays counted until registered",
            post(transfers::create),
        )
        .body::<transfers::TransferBody>()
        .answers(201),
        ApiRoute::new(
            "post",
            "/api/v1/arrivals",
            "Record a member arriving with their papers from outside the system",
            post(transfers::arrival),
        )
        .body::<transfers::ArrivalBody>()
        .answers(201),
        ApiRoute::new(
            "get",
            "/api/v1/transfers/{id}",
            "A transfer file as the caller's end sees it: status history, checklist, deadlines in working days",
            get(transfers::file),
        ),
        ApiRoute::new(
            "post",
            "/api/v1/transfers/{id}/actions",
            "The receiving end records receipt, registration (the count moves) or refusal",
            post(transfers::action),
        )
        .body::<transfers::ActionBody>()
        .answers(204),
        ApiRoute::new(
            "get",
            "/api/v1/units/{code}/meetings",
            "A unit's meetings, the latest first (staff of the unit or above)",
            get(meetings::list),
        ),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/meetings",
            "Open a meeting of a unit: its roll is the registry's official and probationary members on the day, present but those named absent with a reason",
            post(meetings::create),
        )
        .body::<meetings::NewMeetingBody>()
        .answers(201),
        ApiRoute::new(
            "get",
            "/api/v1/meetings/{id}",
            "A meeting: agenda, roll, votes, the registry's count of official members on its day",
            get(meetings::meeting),
        ),
        ApiRoute::new(
            "post",
            "/api/v1/meetings/{id}/attendance",
            "Mark members of the roll present or absent (with a reason); 409 once a vote was taken",
            post(meetings::attendance),
        )
        .body::<meetings::AttendanceBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/meetings/{id}/votes",
            "Take a vote on a candidate's step at the meeting: eligible and present from the registry and the attendance; a vote short of the profile's share is kept as not carried, any other refusal is 422",
            post(meetings::vote),
        )
        .body::<meetings::MeetingVoteBody>(),
    ]
}
