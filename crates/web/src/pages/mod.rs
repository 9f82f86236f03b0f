//! Server-rendered pages, one module per screen; here what they share:
//! the language of a request, rendering, the tree table's rows and the
//! term tabs.

mod calendar;
mod candidate;
mod corrections;
mod dashboard;
mod fix;
mod history;
pub mod import;
mod meetings;
mod member;
pub(crate) mod members;
mod paging;
pub mod pick;
mod plan;
mod refusals;
pub mod reminders;
mod subject;
mod supervisor;
mod transfers;
mod unit;
mod unit_lists;
mod vote_view;

pub use calendar::{calendar_feed, calendar_form, calendar_page};
pub use candidate::{
    candidate, candidate_certificate, candidate_document, candidate_introducer,
    candidate_memberships, candidate_mentor, candidate_receipt, candidate_step,
};
pub use corrections::{candidate_correct, candidate_withdraw};
pub use dashboard::dashboard;
pub use history::history;
pub use meetings::{create_meeting, meeting, meeting_attendance, meeting_vote, unit_meetings};
pub use member::{member, member_exit_ground, member_movement};
pub use members::members;
pub use plan::{plan, plan_score, plan_target};
pub use refusals::refusals;
pub use subject::person_data;
pub use supervisor::supervisor;
pub use transfers::{create_transfer, record_arrival, transfer, transfer_action, unit_transfers};
pub use unit::{add_candidate, unit, UnitCache};
pub use unit_lists::{unit_members, unit_stage};
pub use vote_view::{candidate_eligible, vote_text};

use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::PageLang;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use ranks_domain::{AchievementRow, Term};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub term: Option<String>,
}

/// The language from an explicit choice, else the cookie, else Vietnamese
/// (for what is not a handler: the [`PageLang`] extractor does it there).
pub fn lang_of(explicit: Option<&str>, headers: &HeaderMap) -> Lang {
    PageLang::negotiate(explicit, headers).lang
}

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage {
    tr: Tr,
    csrf: String,
    user: String,
}

/// A page with the sign-out button (a form post carrying the CSRF token).
pub async fn logout_page(auth: Auth, lang: PageLang) -> Result<Response, WebError> {
    let page = LogoutPage {
        tr: Tr { lang: lang.lang },
        csrf: auth.csrf,
        user: auth.actor.name,
    };
    render(&page, &lang)
}

/// A page's answer: the template rendered, with the cookie that remembers
/// the language when one was chosen; a template that fails is logged and
/// answered with the error page.
fn render(page: &impl Template, lang: &PageLang) -> Result<Response, WebError> {
    match page.render() {
        Ok(html) => Ok(lang.remembered(Html(html).into_response())),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            Err(WebError {
                status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                message: crate::i18n::tr_args(lang.lang, "error.internal", &[]),
                html: Some(lang.lang),
                rule: None,
            })
        }
    }
}

/// A page answered with another status than 200 (a form shown again with
/// its message: 422, 409).
fn with_status(
    page: Result<Response, WebError>,
    status: axum::http::StatusCode,
) -> Result<Response, WebError> {
    page.map(|mut resp| {
        *resp.status_mut() = status;
        resp
    })
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

pub async fn not_found(lang: PageLang, uri: axum::http::Uri) -> WebError {
    let api = uri.path().starts_with("/api/");
    WebError {
        status: axum::http::StatusCode::NOT_FOUND,
        message: format!(
            "{}: {}",
            Tr { lang: lang.lang }.get("error.not_found"),
            uri.path()
        ),
        html: (!api).then_some(lang.lang),
        rule: None,
    }
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
