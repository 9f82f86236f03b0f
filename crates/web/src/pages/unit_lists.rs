//! The unit page's long lists, a page at a time: members
//! (`/units/{code}/members?status=&cursor=`) and one stage's candidates
//! (`/units/{code}/stages/{stage}?cursor=`). Asked by htmx (the "more"
//! row of the unit page), the answer is the next rows and a new "more"
//! row; asked by a browser without script, a whole page with the same
//! rows and a link to the next page.

use super::render;
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{Htmx, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ranks_app::overview::{page_limit, MemberFilter};
use ranks_app::privacy::{CandidateEntry, MemberEntry};
use serde::Deserialize;

/// A member as the unit page's table prints it.
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub birth: String,
    pub gender: String,
    pub cell: String,
    pub status: &'static str,
    pub probationary: bool,
    pub admitted: String,
}

pub fn member_row(m: &MemberEntry, tr: &Tr) -> MemberRow {
    MemberRow {
        id: m.id,
        name: m.full_name.clone(),
        birth: tr.opt_date(&m.birth_date),
        gender: m.gender.clone().unwrap_or_default(),
        cell: m.unit_name.clone(),
        status: tr.status(&m.status),
        probationary: m.status == ranks_domain::MemberStatus::Probationary,
        admitted: tr.date(&m.admitted_on),
    }
}

/// A candidate as a stage's table prints it.
pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub cell: String,
    pub since: String,
    pub movement: String,
    pub mentors: String,
}

pub fn candidate_row(c: &CandidateEntry, tr: &Tr) -> CandidateRow {
    CandidateRow {
        id: c.id,
        name: c.full_name.clone(),
        cell: c.unit_name.clone(),
        since: tr.date(&c.stage_since),
        movement: c.movement.clone().unwrap_or_else(|| "—".into()),
        mentors: c.mentors.join(", "),
    }
}

/// The link to the members' next page (empty: no next page).
pub fn members_more(code: &str, status: MemberFilter, next: Option<&str>) -> String {
    next.map(|c| {
        let mut url = format!("/units/{code}/members?cursor={c}");
        if status != MemberFilter::Current {
            url.push_str("&status=");
            url.push_str(status.as_str());
        }
        url
    })
    .unwrap_or_default()
}

/// The link to a stage's next page (empty: no next page).
pub fn stage_more(code: &str, stage: &str, next: Option<&str>) -> String {
    next.map(|c| format!("/units/{code}/stages/{stage}?cursor={c}"))
        .unwrap_or_default()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub cursor: Option<String>,
    pub status: Option<String>,
    pub limit: Option<String>,
}

#[derive(Template)]
#[template(path = "unit_member_rows.html")]
struct MemberRows {
    tr: Tr,
    members: Vec<MemberRow>,
    members_more: String,
}

#[derive(Template)]
#[template(path = "unit_members.html")]
struct MembersPageTemplate {
    tr: Tr,
    path: String,
    term: String,
    code: String,
    name: String,
    total: String,
    status: &'static str,
    members: Vec<MemberRow>,
    members_more: String,
}

pub async fn unit_members(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
    htmx: Htmx,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let filter = MemberFilter::parse(q.status.as_deref()).page(&lang)?;
    let limit = page_limit(q.limit.as_deref()).page(&lang)?;
    let page = st
        .app
        .unit_members(&auth.actor, &code, filter, q.cursor.as_deref(), limit)
        .await
        .page(&lang)?;
    let members: Vec<MemberRow> = page.members.iter().map(|m| member_row(m, &tr)).collect();
    let more = members_more(&code, filter, page.next.as_deref());
    if htmx.partial {
        return render(
            &MemberRows {
                tr,
                members,
                members_more: more,
            },
            &lang,
        );
    }
    let unit = st.app.unit_name(&auth.actor, &code).await.page(&lang)?;
    render(
        &MembersPageTemplate {
            tr,
            path: format!("/units/{code}/members"),
            term: String::new(),
            code: unit.0,
            name: unit.1,
            total: page.total.map(|t| t.to_string()).unwrap_or_default(),
            status: filter.as_str(),
            members,
            members_more: more,
        },
        &lang,
    )
}

#[derive(Template)]
#[template(path = "unit_candidate_rows.html")]
struct CandidateRows {
    tr: Tr,
    people: Vec<CandidateRow>,
    more: String,
}

#[derive(Template)]
#[template(path = "unit_stage.html")]
struct StagePageTemplate {
    tr: Tr,
    path: String,
    term: String,
    code: String,
    name: String,
    stage: String,
    total: u64,
    people: Vec<CandidateRow>,
    more: String,
}

pub async fn unit_stage(
    State(st): State<AppState>,
    auth: Auth,
    Path((code, stage)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
    htmx: Htmx,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let limit = page_limit(q.limit.as_deref()).page(&lang)?;
    let page = st
        .app
        .unit_candidates(&auth.actor, &code, &stage, q.cursor.as_deref(), limit)
        .await
        .page(&lang)?;
    let people: Vec<CandidateRow> = page
        .candidates
        .iter()
        .map(|c| candidate_row(c, &tr))
        .collect();
    let more = stage_more(&code, &stage, page.next.as_deref());
    if htmx.partial {
        return render(&CandidateRows { tr, people, more }, &lang);
    }
    let unit = st.app.unit_name(&auth.actor, &code).await.page(&lang)?;
    render(
        &StagePageTemplate {
            path: format!("/units/{code}/stages/{stage}"),
            term: String::new(),
            stage: tr.stage(st.app.profile(), &stage),
            tr,
            code: unit.0,
            name: unit.1,
            total: page.total,
            people,
            more,
        },
        &lang,
    )
}
