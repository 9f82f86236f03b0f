//! Server-rendered pages, one module per screen; here what they share:
//! the language of a request, rendering, the tree table's rows and the
//! term tabs.

mod candidate;
mod dashboard;
mod history;
pub mod import;
mod member;
mod members;
mod plan;
mod supervisor;
mod unit;

pub use candidate::{
    candidate, candidate_certificate, candidate_document, candidate_introducer, candidate_mentor,
    candidate_step,
};
pub use dashboard::dashboard;
pub use history::history;
pub use member::{member, member_movement};
pub use members::members;
pub use plan::{plan, plan_score, plan_target};
pub use supervisor::supervisor;
pub use unit::{add_candidate, unit, UnitCache};

use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::Query;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use ranks_domain::{AchievementRow, Term};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub term: Option<String>,
}

/// The language from an explicit choice, else the cookie, else Vietnamese.
pub fn lang_of(explicit: Option<&str>, headers: &HeaderMap) -> Lang {
    let q = PageQuery {
        lang: explicit.map(str::to_string),
        term: None,
    };
    negotiate(&q, headers).0
}

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage {
    tr: Tr,
    csrf: String,
    user: String,
}

/// A page with the sign-out button (a form post carrying the CSRF token).
pub async fn logout_page(auth: crate::auth::Auth, headers: HeaderMap) -> Response {
    let lang = lang_of(None, &headers);
    respond(
        LogoutPage {
            tr: Tr { lang },
            csrf: auth.csrf,
            user: auth.actor.name,
        }
        .render(),
        None,
        lang,
    )
}

/// The language of this request: `?lang=` (then remembered in a cookie),
/// else the cookie, else Vietnamese.
fn negotiate(q: &PageQuery, headers: &HeaderMap) -> (Lang, Option<HeaderValue>) {
    if let Some(l) = q.lang.as_deref().and_then(Lang::parse) {
        let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", l.code());
        return (l, HeaderValue::from_str(&cookie).ok());
    }
    let from_cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix("lang="))
        .find_map(Lang::parse);
    (from_cookie.unwrap_or(Lang::Vi), None)
}

fn respond(
    body: Result<String, askama::Error>,
    cookie: Option<HeaderValue>,
    lang: Lang,
) -> Response {
    match body {
        Ok(html) => {
            let mut resp = Html(html).into_response();
            if let Some(c) = cookie {
                resp.headers_mut().insert(SET_COOKIE, c);
            }
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            WebError {
                status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                message: "internal error; the details are in the server log".into(),
                html: Some(lang),
                rule: None,
            }
            .into_response()
        }
    }
}

/// A row of a tree table, ready to print.
pub struct RowView {
    pub code: String,
    pub name: String,
    pub indent: usize,
    pub members: String,
    pub target: String,
    pub admitted: u64,
    pub percent: String,
    pub exact: String,
    pub bar: u64,
    pub reached: bool,
    pub has_target: bool,
}

fn row_view(r: &AchievementRow, members: Option<u64>, tr: &Tr) -> RowView {
    RowView {
        code: r.code.to_string(),
        name: r.name.clone(),
        indent: r.depth,
        members: members.map(|m| m.to_string()).unwrap_or_default(),
        target: r
            .target
            .map(|t| t.to_string())
            .unwrap_or_else(|| "—".into()),
        admitted: r.admitted,
        percent: r
            .percent
            .map(|p| p.to_string())
            .unwrap_or_else(|| tr.get("no_target").to_string()),
        exact: r
            .percent
            .map(|p| format!("{:.4}", p.exact()))
            .unwrap_or_default(),
        bar: r.percent.map(|p| p.rounded().min(100)).unwrap_or(0),
        reached: r.percent.is_some_and(|p| p.admitted() >= p.target()),
        has_target: r.percent.is_some(),
    }
}

pub struct TermTab {
    pub name: String,
    pub active: bool,
    pub range: String,
}

fn term_tabs(terms: &[Term], chosen: Option<&Term>, tr: &Tr) -> Vec<TermTab> {
    terms
        .iter()
        .map(|t| TermTab {
            name: t.name.to_string(),
            active: chosen.is_some_and(|c| c.name == t.name),
            range: format!("{} – {}", tr.date(&t.starts_on), tr.date(&t.ends_on)),
        })
        .collect()
}

pub async fn not_found(
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let (lang, _) = negotiate(&q, &headers);
    let api = uri.path().starts_with("/api/");
    WebError {
        status: axum::http::StatusCode::NOT_FOUND,
        message: format!("{}: {}", Tr { lang }.get("error.not_found"), uri.path()),
        html: (!api).then_some(lang),
        rule: None,
    }
    .into_response()
}

/// The hidden `seen` field of a form: absent or empty means no check.
fn parse_seen(v: &Option<String>) -> Result<Option<i64>, ranks_app::AppError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            ranks_domain::DomainError::invalid("seen", s, "the page's audit position").into()
        }),
    }
}

fn form_date(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<ranks_domain::Date>, ranks_app::AppError> {
    value
        .filter(|d| !d.trim().is_empty())
        .map(|d| ranks_domain::parse_date(field, d.trim()))
        .transpose()
        .map_err(Into::into)
}
