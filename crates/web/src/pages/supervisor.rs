//! A committee member's page: the units in their charge and what is late.

use super::render;
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ranks_app::pipeline::DueRow;

/// A deadline overdue or soon: due day, working days left, who, where,
/// the next stage and its rule.
pub struct LateView {
    pub due: String,
    pub left: String,
    pub name: String,
    pub unit: String,
    pub next: String,
    pub rule: String,
}

pub struct SupervisedView {
    pub code: String,
    pub name: String,
    pub role: String,
    pub target: String,
    pub admitted: u64,
    pub percent: String,
    pub overdue_total: u64,
    pub soon_total: u64,
    pub overdue: Vec<LateView>,
    pub soon: Vec<LateView>,
}

/// The page's query: the term, and which page of the units in charge.
#[derive(serde::Deserialize)]
pub struct SupervisorQuery {
    pub term: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "supervisor.html")]
struct SupervisorTemplate {
    tr: Tr,
    path: String,
    term: String,
    name: String,
    units: Vec<SupervisedView>,
    /// "N units in charge".
    units_total: String,
    /// "The first N of each are listed."
    first_items: String,
    /// Links to the next page and back to the first (empty: none).
    next: String,
    first: String,
    /// Said when nothing is overdue or due soon (later deadlines run on the files).
    due_none: String,
}

/// A link to this page with the query's term and a cursor.
fn page_link(member: i64, term: &str, cursor: Option<&str>) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let mut link = format!("/supervisors/{member}?term={}", enc(term));
    if let Some(c) = cursor {
        link.push_str(&format!("&cursor={}", enc(c)));
    }
    link
}

/// A committee member's page: the units they are in charge of, with what is late.
pub async fn supervisor(
    State(st): State<AppState>,
    auth: Auth,
    Path(member): Path<i64>,
    Query(q): Query<SupervisorQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let profile = st.app.profile().clone();
    let view = async {
        let term = match &q.term {
            Some(t) => t.clone(),
            None => {
                let today = st.app.clock().today();
                let terms = st.app.terms().await?;
                terms
                    .iter()
                    .rev()
                    .find(|t| t.contains(today))
                    .or(terms.last())
                    .map(|t| t.name.to_string())
                    .ok_or(ranks_app::AppError::NotFound {
                        what: "term",
                        key: "(none defined)".into(),
                    })?
            }
        };
        let cursor = q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty());
        st.app
            .supervisor_page(&auth.actor, member, &term, cursor, None)
            .await
    };
    let v = view.await.page(&lang)?;
    let rows = |list: &[DueRow]| {
        list.iter()
            .map(|d| LateView {
                due: tr.date(&d.due),
                left: tr.days_left(d.working_days_left),
                name: d.name.clone(),
                unit: d.unit.clone(),
                next: tr.stage(&profile, &d.next_stage),
                rule: tr.rule(&d.rule),
            })
            .collect()
    };
    let tmpl = SupervisorTemplate {
        tr,
        path: format!("/supervisors/{member}"),
        term: v.term.clone(),
        name: v.name.clone(),
        units: v
            .units
            .iter()
            .map(|u| SupervisedView {
                code: u.code.clone(),
                name: u.name.clone(),
                role: u.role.clone(),
                target: u
                    .achievement
                    .target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into()),
                admitted: u.achievement.admitted,
                percent: u
                    .achievement
                    .percent
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| tr.get("no_target").to_string()),
                overdue_total: u.overdue_total,
                soon_total: u.due_soon_total,
                overdue: rows(&u.overdue),
                soon: rows(&u.due_soon),
            })
            .collect(),
        units_total: tr.args("supervisor.units_total", &[("count", v.units_total.into())]),
        first_items: tr.args(
            "supervisor.first_items",
            &[("count", (ranks_app::supervision::FIRST_ITEMS as u64).into())],
        ),
        next: v
            .next_cursor
            .as_deref()
            .map(|c| page_link(member, &v.term, Some(c)))
            .unwrap_or_default(),
        first: if q.cursor.as_deref().is_some_and(|c| !c.trim().is_empty()) {
            page_link(member, &v.term, None)
        } else {
            String::new()
        },
        due_none: tr.args(
            "due.none_within",
            &[("days", ranks_app::supervision::DUE_SOON_DAYS.into())],
        ),
    };
    render(&tmpl, &lang)
}
