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
pub mod extract;
pub mod i18n;
mod ical;
pub mod import_wording;
pub mod limits;
mod minutes;
pub mod notify;
pub mod pages;
pub mod pdf;
mod printable;
pub mod wording;

pub use api::{api_routes, ApiRoute, SchemaOf};
pub use error::WebError;

use axum::routing::{get, post};
use axum::Router;
use ranks_app::App;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Imported files waiting for their confirmation.
    pub uploads: pages::import::Uploads,
    /// Unit pages' data, valid while no write has committed since.
    pub unit_cache: pages::UnitCache,
    /// The server's settings (cookies, proxy).
    pub server: ServerConfig,
}

/// When the session and sign-in cookies are marked `Secure` (sent back by
/// the browser only over HTTPS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CookieSecure {
    /// When the request came over HTTPS: its URI says so, or a trusted
    /// proxy's `X-Forwarded-Proto: https` (or `Forwarded: proto=https`).
    #[default]
    Auto,
    /// Always (the server is only ever reached over HTTPS).
    Always,
    /// Never (plain HTTP on a trusted network, or tests).
    Never,
}

impl CookieSecure {
    pub fn parse(s: &str) -> Result<CookieSecure, String> {
        match s.trim() {
            "auto" => Ok(CookieSecure::Auto),
            "always" => Ok(CookieSecure::Always),
            "never" => Ok(CookieSecure::Never),
            other => Err(format!(
                "cookie_secure: '{other}' is not valid; expected auto, always or never"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CookieSecure::Auto => "auto",
            CookieSecure::Always => "always",
            CookieSecure::Never => "never",
        }
    }
}

/// Settings of the web server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerConfig {
    pub cookie_secure: CookieSecure,
    /// Believe the proxy's `X-Forwarded-Proto`/`Forwarded` headers (only
    /// when every request comes through a proxy that sets them).
    pub trust_proxy: bool,
}

pub fn router(app: App) -> Router {
    router_with(app, ServerConfig::default())
}

pub fn router_with(app: App, server: ServerConfig) -> Router {
    // The form's file and its few fields; the file itself is held to the
    // limit by the importer, which names it.
    let form_limit = usize::try_from(app.import_limits().upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    wording::use_profile(app.profile().clone());
    let state = AppState {
        app,
        uploads: pages::import::Uploads::default(),
        unit_cache: pages::UnitCache::default(),
        server,
    };
    let mut router = Router::new();
    for r in api_routes() {
        router = router.route(r.path, r.handler);
    }
    router
        .route("/", get(pages::dashboard))
        .route("/units/{code}", get(pages::unit))
        .route("/units/{code}/members", get(pages::unit_members))
        .route("/units/{code}/stages/{stage}", get(pages::unit_stage))
        .route("/units/{code}/plan", get(pages::plan))
        .route("/units/{code}/plan/target", post(pages::plan_target))
        .route("/units/{code}/plan/score", post(pages::plan_score))
        .route(
            "/units/{code}/meetings",
            get(pages::unit_meetings).post(pages::create_meeting),
        )
        .route("/meetings/{id}", get(pages::meeting))
        .route("/meetings/{id}/attendance", post(pages::meeting_attendance))
        .route("/meetings/{id}/votes", post(pages::meeting_vote))
        .route("/meetings/{id}/minutes.pdf", get(minutes::minutes_pdf))
        .route("/supervisors/{member}", get(pages::supervisor))
        .route(
            "/units/{code}/transfers",
            get(pages::unit_transfers).post(pages::create_transfer),
        )
        .route("/units/{code}/arrivals", post(pages::record_arrival))
        .route("/transfers/{id}", get(pages::transfer))
        .route("/transfers/{id}/action", post(pages::transfer_action))
        .route("/members", get(pages::members))
        .route("/members/{id}", get(pages::member))
        .route("/pick/units", get(pages::pick::suggest_units))
        .route("/members/{id}/movement", post(pages::member_movement))
        .route("/members/{id}/exit-ground", post(pages::member_exit_ground))
        .route("/refusals", get(pages::refusals))
        .route(
            "/calendar",
            get(pages::calendar_page).post(pages::calendar_form),
        )
        .route("/calendar/{file}", get(pages::calendar_feed))
        .route("/candidates/{id}", get(pages::candidate))
        .route("/candidates/{id}/step", post(pages::candidate_step))
        .route("/candidates/{id}/eligible", get(pages::candidate_eligible))
        .route("/candidates/{id}/document", post(pages::candidate_document))
        .route("/units/{code}/candidates", post(pages::add_candidate))
        .route("/history/{entity}/{id}", get(pages::history))
        .route("/people/{id}/data", get(pages::person_data))
        .route("/export/{list}", get(export::export))
        .route("/import", get(pages::import::form))
        .route(
            "/import/preview",
            post(pages::import::preview).layer(axum::extract::DefaultBodyLimit::max(form_limit)),
        )
        .route("/import/commit", post(pages::import::commit))
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
        .route(
            "/candidates/{id}/memberships",
            post(pages::candidate_memberships),
        )
        .route("/candidates/{id}/receipt", post(pages::candidate_receipt))
        .route("/candidates/{id}/withdraw", post(pages::candidate_withdraw))
        .route("/candidates/{id}/correct", post(pages::candidate_correct))
        .route(
            "/account/reminders",
            get(pages::reminders::form).post(pages::reminders::save),
        )
        .route("/healthz", get(api::healthz))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", get(pages::logout_page).post(auth::logout))
        .route("/api/openapi.json", get(api::openapi::openapi))
        .route("/api/v1/openapi.json", get(api::openapi::openapi))
        .route("/static/ranks.css", get(assets::stylesheet))
        .route("/static/htmx-2.0.11.min.js", get(assets::htmx))
        .route("/static/ranks.js", get(assets::script))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(limits::input_limits))
        .layer(axum::middleware::from_fn(error::api_error_bodies))
        .layer(axum::middleware::from_fn(assets::security_headers))
        .with_state(state)
}
