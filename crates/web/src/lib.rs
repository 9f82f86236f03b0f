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
pub mod auth;
pub mod charts;
mod error;
pub mod i18n;
mod pages;
pub mod pipeline_api;

pub use error::WebError;

use axum::routing::{get, post};
use axum::Router;
use ranks_app::App;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Mark the session cookie Secure (when served over TLS).
    pub secure_cookies: bool,
}

pub fn router(app: App) -> Router {
    router_with(app, false)
}

pub fn router_with(app: App, secure_cookies: bool) -> Router {
    let state = AppState {
        app,
        secure_cookies,
    };
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/units/{code}", get(pages::unit))
        .route("/units/{code}/plan", get(pages::plan))
        .route("/supervisors/{member}", get(pages::supervisor))
        .route("/members", get(pages::members))
        .route("/candidates/{id}", get(pages::candidate))
        .route("/candidates/{id}/step", post(pages::candidate_step))
        .route("/candidates/{id}/document", post(pages::candidate_document))
        .route("/api/v1/members", get(pipeline_api::members))
        .route("/healthz", get(api::healthz))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", get(pages::logout_page).post(auth::logout))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/terms", get(api::terms))
        .route("/api/v1/units/{code}/achievement", get(api::achievement))
        .route("/api/v1/candidates", post(pipeline_api::create_candidate))
        .route("/api/v1/candidates/{id}", get(pipeline_api::candidate))
        .route("/api/v1/candidates/{id}/steps", post(pipeline_api::step))
        .route(
            "/api/v1/candidates/{id}/documents",
            post(pipeline_api::document),
        )
        .route(
            "/api/v1/candidates/{id}/mentors",
            post(pipeline_api::mentor),
        )
        .route(
            "/api/v1/candidates/{id}/certificates",
            post(pipeline_api::certificate),
        )
        .route(
            "/api/v1/candidates/{id}/introducers",
            post(pipeline_api::introducer),
        )
        .route(
            "/api/v1/members/{id}/movements",
            post(pipeline_api::member_movement),
        )
        .route("/api/v1/due", get(pipeline_api::due))
        .route("/api/v1/calendar/{year}", get(pipeline_api::calendar))
        .route("/api/v1/profile", get(pipeline_api::profile))
        .route("/api/v1/session", get(pipeline_api::session))
        .route("/api/v1/forecast", get(pipeline_api::forecast))
        .route(
            "/api/v1/units/{code}/targets",
            post(pipeline_api::set_target),
        )
        .route("/api/v1/allocation", get(pipeline_api::allocation))
        .route("/api/v1/evaluation", get(pipeline_api::evaluation))
        .route("/api/v1/analytics", get(pipeline_api::analytics))
        .route(
            "/api/v1/supervisors/{member}",
            get(pipeline_api::supervisor),
        )
        .route("/api/v1/units/{code}/scores", post(pipeline_api::score))
        .route(
            "/api/v1/units/{code}/leader-scores",
            post(pipeline_api::leader_score),
        )
        .fallback(pages::not_found)
        .with_state(state)
}
