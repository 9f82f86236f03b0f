//! The member registry with its search (the whole page, or the results for htmx).

use super::render;
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{Htmx, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ranks_app::search::{Page, Paging, Total};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct MemberQuery {
    pub q: Option<String>,
    pub org: Option<String>,
    /// probationary or official; empty for both.
    pub status: Option<String>,
    /// Rows per page: 1 to 200, 50 when absent.
    pub limit: Option<String>,
    /// The members' page after the one that handed out this cursor.
    pub cursor: Option<String>,
    /// The candidates' page after the one that handed out this cursor.
    pub ccursor: Option<String>,
}

/// The status filter: empty for both current statuses.
pub fn status_filter(
    s: Option<&str>,
) -> Result<Option<ranks_domain::MemberStatus>, ranks_app::AppError> {
    use ranks_domain::MemberStatus;
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("probationary") => Ok(Some(MemberStatus::Probationary)),
        Some("official") => Ok(Some(MemberStatus::Official)),
        Some(other) => Err(ranks_domain::DomainError::invalid(
            "status",
            other.to_string(),
            "probationary or official",
        )
        .into()),
    }
}

/// A page's total as the page words it.
pub fn total_text(tr: &Tr, total: ranks_app::search::Total) -> String {
    use ranks_app::search::Total;
    match total {
        Total::Exact(n) => tr.args("search.total", &[("count", (n as f64).into())]),
        Total::AtLeast(n) => tr.args("search.total_at_least", &[("count", (n as f64).into())]),
    }
}

pub struct MemberLine {
    pub id: i64,
    pub name: String,
    pub birth: String,
    pub code: String,
    pub cell: String,
    pub status: &'static str,
    pub admitted: String,
}

/// A candidate found by the search.
pub struct CandidateLine {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub stage: String,
}

/// The search results alone: what htmx swaps in while the user types.
#[derive(Template)]
#[template(path = "members_results.html")]
struct MembersResults<'a> {
    tr: Tr,
    org_error: &'a str,
    q_url: &'a str,
    rows: &'a [MemberLine],
    candidates: &'a [CandidateLine],
    paging: &'a Paged,
}

/// Totals and the links to the next pages (URLs already escaped for HTML).
#[derive(Default)]
pub struct Paged {
    pub members_total: String,
    pub candidates_total: String,
    pub next: Option<String>,
    pub next_candidates: Option<String>,
    /// A later page: a link back to the first.
    pub first: Option<String>,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersTemplate {
    tr: Tr,
    path: String,
    term: String,
    q: String,
    q_url: String,
    org: String,
    status: String,
    /// The unit filter typed matches no unit, or several: said in the results.
    org_error: String,
    /// The unit picker's suggestions.
    units: Vec<ranks_app::pickers::Choice>,
    rows: Vec<MemberLine>,
    candidates: Vec<CandidateLine>,
    paging: Paged,
}

/// The member registry with a search that ignores tone marks and case.
pub async fn members(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<MemberQuery>,
    lang: PageLang,
    htmx: Htmx,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let query = q.q.clone().unwrap_or_default();
    let typed_org = q.org.as_deref().map(str::trim).unwrap_or_default();
    let status = q.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    // The unit filter by name or code, among the units the user sees.
    let units = st
        .app
        .unit_choices(&auth.actor, false, super::pick::UNIT_SUGGESTIONS)
        .await
        .page(&lang)?;
    let (org, org_error) = if typed_org.is_empty() {
        (None, String::new())
    } else {
        match super::pick::unit(&st, &auth, &lang, typed_org, false).await? {
            Ok(code) => (Some(code), String::new()),
            Err(msg) => (None, msg),
        }
    };
    let org = org.as_deref();
    let status_value = status_filter(status).page(&lang)?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())
        .map_err(ranks_app::AppError::from)
        .page(&lang)?;
    let cpaging = Paging::parse(q.limit.as_deref(), q.ccursor.as_deref())
        .map_err(ranks_app::AppError::from)
        .page(&lang)?;
    let (found, candidates) = if org_error.is_empty() {
        let found = st
            .app
            .member_page(&auth.actor, org, &query, status_value, &paging)
            .await
            .page(&lang)?;
        let candidates = st
            .app
            .candidate_page(&auth.actor, org, &query, &cpaging)
            .await
            .page(&lang)?;
        (found, candidates)
    } else {
        let found = Page {
            rows: Vec::new(),
            total: Total::Exact(0),
            next: None,
        };
        let candidates = Page {
            rows: Vec::new(),
            total: Total::Exact(0),
            next: None,
        };
        (found, candidates)
    };
    let base = format!(
        "/members?q={}&amp;org={}&amp;status={}&amp;limit={}",
        crate::auth::urlencode(&query),
        crate::auth::urlencode(org.unwrap_or_default()),
        crate::auth::urlencode(status.unwrap_or_default()),
        paging.limit
    );
    let paged = Paged {
        members_total: total_text(&tr, found.total),
        candidates_total: total_text(&tr, candidates.total),
        next: found
            .next
            .as_deref()
            .map(|c| format!("{base}&amp;cursor={}#members", crate::auth::urlencode(c))),
        next_candidates: candidates.next.as_deref().map(|c| {
            format!(
                "{base}&amp;ccursor={}#candidates",
                crate::auth::urlencode(c)
            )
        }),
        first: (paging.cursor.is_some() || cpaging.cursor.is_some()).then(|| base.clone()),
    };
    let (found, candidates) = (found.rows, candidates.rows);
    let profile = st.app.profile();
    let t = MembersTemplate {
        tr,
        path: "/members".into(),
        term: String::new(),
        q_url: format!(
            "{}&amp;org={}&amp;status={}",
            crate::auth::urlencode(&query),
            crate::auth::urlencode(org.unwrap_or_default()),
            crate::auth::urlencode(status.unwrap_or_default())
        ),
        org: if org_error.is_empty() {
            org.map(|code| {
                units
                    .iter()
                    .find(|u| u.code == code)
                    .map(ranks_app::pickers::Choice::label)
                    .unwrap_or_else(|| code.to_string())
            })
            .unwrap_or_default()
        } else {
            typed_org.to_string()
        },
        org_error,
        units,
        status: status.unwrap_or_default().to_string(),
        q: query,
        paging: paged,
        candidates: candidates
            .iter()
            .map(|c| CandidateLine {
                id: c.id,
                name: c.full_name.clone(),
                unit: c.unit_name.clone(),
                stage: tr.stage(profile, &c.stage),
            })
            .collect(),
        rows: found
            .iter()
            .map(|m| MemberLine {
                id: m.id,
                name: m.full_name.clone(),
                birth: tr.opt_date(&m.birth_date),
                code: m.unit_code.to_string(),
                cell: m.unit_name.clone(),
                status: tr.status(&m.status),
                admitted: tr.date(&m.admitted_on),
            })
            .collect(),
    };
    if htmx.partial {
        // The same handler, the fragment only.
        let part = MembersResults {
            tr,
            org_error: &t.org_error,
            q_url: &t.q_url,
            rows: &t.rows,
            candidates: &t.candidates,
            paging: &t.paging,
        };
        return render(&part, &lang);
    }
    render(&t, &lang)
}
