//! The web side of Ranks.
//!
//! - `/` the dashboard, `/units/{code}` a unit page: server-rendered HTML
//!   (askama), Vietnamese by default; `?lang=en|de|vi` switches and is
//!   remembered in a cookie.
//! - `/api/v1/…` JSON, the same rows the CLI prints; `/api/v1/openapi.json`
//!   describes it.
//! - `/healthz` for monitors.
//!
//! Errors are mapped to a status and a user message in one place
//! ([`error`]); internals go to the log, never to the page.

pub mod api;
mod assets;
pub mod auth;
pub mod charts;
mod error;
pub mod export;
pub mod i18n;
pub mod import;
pub mod pages;
pub mod pdf;
pub mod pipeline_api;
mod printable;

pub use error::WebError;

use axum::routing::{get, post};
use axum::Router;
use ranks_app::App;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Imported files waiting for their confirmation.
    pub uploads: import::Uploads,
    /// Unit pages' data, valid while no write has committed since.
    pub unit_cache: pages::UnitCache,
    /// Mark the session cookie Secure (when served over TLS).
    pub secure_cookies: bool,
}

pub fn router(app: App) -> Router {
    router_with(app, false)
}

pub fn router_with(app: App, secure_cookies: bool) -> Router {
    let state = AppState {
        app,
        uploads: import::Uploads::default(),
        unit_cache: pages::UnitCache::default(),
        secure_cookies,
    };
    let mut router = Router::new();
    for (_, path, _, handler) in api_routes() {
        router = router.route(path, handler);
    }
    router
        .route("/", get(pages::dashboard))
        .route("/units/{code}", get(pages::unit))
        .route("/units/{code}/plan", get(pages::plan))
        .route("/units/{code}/plan/target", post(pages::plan_target))
        .route("/units/{code}/plan/score", post(pages::plan_score))
        .route("/supervisors/{member}", get(pages::supervisor))
        .route("/members", get(pages::members))
        .route("/members/{id}", get(pages::member))
        .route("/members/{id}/movement", post(pages::member_movement))
        .route("/candidates/{id}", get(pages::candidate))
        .route("/candidates/{id}/step", post(pages::candidate_step))
        .route("/candidates/{id}/document", post(pages::candidate_document))
        .route("/units/{code}/candidates", post(pages::add_candidate))
        .route("/history/{entity}/{id}", get(pages::history))
        .route("/export/{list}", get(export::export))
        .route("/import", get(import::form))
        .route(
            "/import/preview",
            post(import::preview).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/import/commit", post(import::commit))
        .route(
            "/units/{code}/achievement.pdf",
            get(printable::achievement_pdf),
        )
        .route(
            "/candidates/{id}/checklist.pdf",
            get(printable::checklist_pdf),
        )
        .route("/candidates/{id}/mentor", post(pages::candidate_mentor))
        .route(
            "/candidates/{id}/introducer",
            post(pages::candidate_introducer),
        )
        .route(
            "/candidates/{id}/certificate",
            post(pages::candidate_certificate),
        )
        .route("/healthz", get(api::healthz))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", get(pages::logout_page).post(auth::logout))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/static/ranks.css", get(assets::stylesheet))
        .route("/static/htmx-2.0.11.min.js", get(assets::htmx))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(assets::security_headers))
        .with_state(state)
}

/// The largest spreadsheet accepted for import (bytes).
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

/// The JSON API, one row per route: method, path, what it does, handler.
/// The router and the OpenAPI document are both built from this list, so
/// the document cannot drift from the routes.
pub fn api_routes() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    axum::routing::MethodRouter<AppState>,
)> {
    vec![
        (
            "get",
            "/api/v1/session",
            "Who is signed in, and the CSRF token to send back",
            get(pipeline_api::session),
        ),
        (
            "get",
            "/api/v1/terms",
            "All terms, oldest first",
            get(api::terms),
        ),
        (
            "get",
            "/api/v1/units/{code}/achievement",
            "Achievement of a unit's subtree over a term (term, depth, as_of)",
            get(api::achievement),
        ),
        (
            "post",
            "/api/v1/units/{code}/targets",
            "Set a unit's target for a term or a year",
            post(pipeline_api::set_target),
        ),
        (
            "get",
            "/api/v1/rollup",
            "Admissions of every unit between two dates (from, to) or over a term (with targets), rolled up the tree, from the in-memory index (org, depth)",
            get(api::rollup),
        ),
        (
            "get",
            "/api/v1/allocation",
            "Targets against the sum of the children's (period, org)",
            get(pipeline_api::allocation),
        ),
        (
            "get",
            "/api/v1/members",
            "Members whose name matches q, without regard to tone marks",
            get(pipeline_api::members),
        ),
        (
            "post",
            "/api/v1/members/{id}/movements",
            "Record a member movement",
            post(pipeline_api::member_movement),
        ),
        (
            "post",
            "/api/v1/candidates",
            "Add a person to a cell's pool",
            post(pipeline_api::create_candidate),
        ),
        (
            "get",
            "/api/v1/candidates/{id}",
            "A candidate's whole file",
            get(pipeline_api::candidate),
        ),
        (
            "post",
            "/api/v1/candidates/{id}/steps",
            "Record a step (refused with rule and source: 422)",
            post(pipeline_api::step),
        ),
        (
            "post",
            "/api/v1/candidates/{id}/documents",
            "Record a document as present",
            post(pipeline_api::document),
        ),
        (
            "post",
            "/api/v1/candidates/{id}/mentors",
            "Assign a mentor or probation mentor",
            post(pipeline_api::mentor),
        ),
        (
            "post",
            "/api/v1/candidates/{id}/certificates",
            "Record the course certificate",
            post(pipeline_api::certificate),
        ),
        (
            "post",
            "/api/v1/candidates/{id}/introducers",
            "Record an introducer",
            post(pipeline_api::introducer),
        ),
        (
            "post",
            "/api/v1/import",
            "Import a CSV or XLSX file sent as the body (kind, filename, dry_run): all rows or none; 422 lists every row error",
            post(import::api_import).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)),
        ),
        (
            "get",
            "/api/v1/due",
            "Next deadlines, overdue first (org, within)",
            get(pipeline_api::due),
        ),
        (
            "get",
            "/api/v1/calendar/{year}",
            "The year's days off",
            get(pipeline_api::calendar),
        ),
        (
            "get",
            "/api/v1/profile",
            "The procedure's stages and rules with their sources",
            get(pipeline_api::profile),
        ),
        (
            "get",
            "/api/v1/forecast",
            "Expected admissions per unit with an 80 % interval (term, as_of, org)",
            get(pipeline_api::forecast),
        ),
        (
            "get",
            "/api/v1/analytics",
            "Stages, bottlenecks, mentors, movements (org)",
            get(pipeline_api::analytics),
        ),
        (
            "get",
            "/api/v1/evaluation",
            "Year-end scores and grades of the units under org, and their leaders",
            get(pipeline_api::evaluation),
        ),
        (
            "post",
            "/api/v1/units/{code}/scores",
            "Enter a unit's score on a criterion",
            post(pipeline_api::score),
        ),
        (
            "post",
            "/api/v1/units/{code}/leader-scores",
            "Enter a leader's personal score",
            post(pipeline_api::leader_score),
        ),
        (
            "get",
            "/api/v1/supervisors/{member}",
            "A supervisor's units with achievement and what is late (term)",
            get(pipeline_api::supervisor),
        ),
    ]
}
