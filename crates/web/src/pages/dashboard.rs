//! The dashboard: the user's unit and its direct subordinates over a term
//! (sorted, a page at a time: each links to its unit page to drill down),
//! and the pipeline's stages.

use super::paging::{subordinates, Pager, UnitsQuery};
use super::{render, row_view, term_tabs, PageQuery, RowView, TermTab};
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

/// A stage and its open files.
pub struct StageCount {
    pub key: String,
    pub label: String,
    pub open: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    tr: Tr,
    path: String,
    root_code: String,
    root_name: String,
    tabs: Vec<TermTab>,
    term: String,
    rows: Vec<RowView>,
    total_members: u64,
    top: Option<RowView>,
    subordinate: usize,
    today: String,
    /// The open files per stage, and the largest count (for the bars).
    pipeline: Vec<StageCount>,
    pipeline_max: u64,
    pager: Pager,
}

pub async fn dashboard(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<PageQuery>,
    Query(uq): Query<UnitsQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let d = st
        .app
        .dashboard(&auth.actor, q.term.as_deref())
        .await
        .page(&lang)?;
    let tr = Tr { lang: lang.lang };
    let term_name = d
        .term
        .as_ref()
        .map(|t| t.name.to_string())
        .unwrap_or_default();
    let base = if term_name.is_empty() {
        "/".to_string()
    } else {
        format!("/?term={term_name}")
    };
    let (kids, pager) = subordinates(&d.rows, &d.members, &uq, &base, &tr).page(&lang)?;
    let rows: Vec<RowView> = d
        .rows
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| row_view(r, d.members.get(&r.code).copied(), &tr))
        .chain(kids)
        .collect();
    let page = DashboardPage {
        tr,
        path: "/".into(),
        root_code: d.root.code.to_string(),
        root_name: d.root.name.clone(),
        tabs: term_tabs(&d.terms, d.term.as_ref(), &tr),
        term: term_name,
        subordinate: d.rows.iter().filter(|r| r.depth == 1).count(),
        pager,
        top: d
            .rows
            .first()
            .map(|r| row_view(r, Some(d.total_members), &tr)),
        rows,
        total_members: d.total_members,
        today: tr.date(&d.today),
        pipeline_max: d.pipeline.iter().map(|p| p.1).max().unwrap_or(0).max(1),
        pipeline: d
            .pipeline
            .iter()
            .map(|(k, n)| StageCount {
                key: k.clone(),
                label: tr.stage(st.app.profile(), k),
                open: *n,
            })
            .collect(),
    };
    render(&page, &lang)
}
