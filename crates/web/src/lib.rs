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
pub mod limits;
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
        .route("/healthz", get(api::healthz))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", get(pages::logout_page).post(auth::logout))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/static/ranks.css", get(assets::stylesheet))
        .route("/static/htmx-2.0.11.min.js", get(assets::htmx))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(limits::input_limits))
        .layer(axum::middleware::from_fn(error::api_error_bodies))
        .layer(axum::middleware::from_fn(assets::security_headers))
        .with_state(state)
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
pub fn api_routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::new(
            "get",
            "/api/v1/session",
            "Who is signed in, and the CSRF token to send back",
            get(pipeline_api::session),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/terms",
            "All terms, oldest first",
            get(api::terms),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/units/{code}/achievement",
            "Achievement of a unit's subtree over a term (term, depth, as_of)",
            get(api::achievement),
        )
        .query::<api::AchievementQuery>(),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/targets",
            "Set a unit's target for a term or a year",
            post(pipeline_api::set_target),
        )
        .body::<pipeline_api::TargetBody>()
        .answers(204),
        ApiRoute::new(
            "get",
            "/api/v1/rollup",
            "Admissions per unit rolled up the tree, between two dates or over a term",
            get(api::rollup),
        )
        .query::<api::RollupQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/allocation",
            "Targets against the sum of the children's (period, org)",
            get(pipeline_api::allocation),
        )
        .query::<pipeline_api::AllocationQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/members",
            "Members whose name matches q, without regard to tone marks",
            get(pipeline_api::members),
        )
        .query::<pipeline_api::MemberSearch>(),
        ApiRoute::new(
            "post",
            "/api/v1/members/{id}/movements",
            "Record a member movement",
            post(pipeline_api::member_movement),
        )
        .body::<pipeline_api::MovementBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates",
            "Add a person to a cell's pool",
            post(pipeline_api::create_candidate),
        )
        .body::<pipeline_api::NewCandidateBody>()
        .answers(201),
        ApiRoute::new(
            "get",
            "/api/v1/candidates/{id}",
            "A candidate's whole file",
            get(pipeline_api::candidate),
        ),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/steps",
            "Record a step (refused with rule and source: 422)",
            post(pipeline_api::step),
        )
        .body::<pipeline_api::StepBody>(),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/documents",
            "Record a document as present",
            post(pipeline_api::document),
        )
        .body::<pipeline_api::DocumentBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/mentors",
            "Assign a mentor or probation mentor",
            post(pipeline_api::mentor),
        )
        .body::<pipeline_api::MentorBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/certificates",
            "Record the course certificate",
            post(pipeline_api::certificate),
        )
        .body::<pipeline_api::CertificateBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/candidates/{id}/introducers",
            "Record an introducer",
            post(pipeline_api::introducer),
        )
        .body::<pipeline_api::IntroducerBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/import",
            "Import a CSV or XLSX file (the body): all rows or none; 422 lists row errors",
            // The handler reads the body up to the configured import limit.
            post(pages::import::api_import),
        )
        .query::<pages::import::ApiImportQuery>()
        .raw(&["text/csv", "application/octet-stream"]),
        ApiRoute::new(
            "get",
            "/api/v1/due",
            "Next deadlines, overdue first (org, within)",
            get(pipeline_api::due),
        )
        .query::<pipeline_api::DueQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/calendar/{year}",
            "The year's days off",
            get(pipeline_api::calendar),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/profile",
            "The procedure's stages and rules with their sources",
            get(pipeline_api::profile),
        ),
        ApiRoute::new(
            "get",
            "/api/v1/forecast",
            "Expected admissions per unit with an 80 % interval (term, as_of, org)",
            get(pipeline_api::forecast),
        )
        .query::<pipeline_api::ForecastQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/analytics",
            "Stages, bottlenecks, mentors, movements (org)",
            get(pipeline_api::analytics),
        )
        .query::<pipeline_api::OrgQuery>(),
        ApiRoute::new(
            "get",
            "/api/v1/evaluation",
            "Year-end scores and grades of the units under org, and their leaders",
            get(pipeline_api::evaluation),
        )
        .query::<pipeline_api::EvaluationQuery>(),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/scores",
            "Enter a unit's score on a criterion",
            post(pipeline_api::score),
        )
        .body::<pipeline_api::ScoreBody>()
        .answers(204),
        ApiRoute::new(
            "post",
            "/api/v1/units/{code}/leader-scores",
            "Enter a leader's personal score",
            post(pipeline_api::leader_score),
        )
        .body::<pipeline_api::LeaderScoreBody>()
        .answers(204),
        ApiRoute::new(
            "get",
            "/api/v1/supervisors/{member}",
            "A supervisor's units with achievement and what is late (term)",
            get(pipeline_api::supervisor),
        )
        .query::<pipeline_api::TermQuery>(),
    ]
}
