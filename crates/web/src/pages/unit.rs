//! A unit's page: its subtree, members, candidates by stage, deadlines;
//! the form that adds a person to a cell's pool.

use super::paging::{subordinates, Pager, UnitsQuery};
use super::unit_lists::{
    candidate_row, member_row, members_more, stage_more, CandidateRow, MemberRow,
};
use super::{form_date, render, row_view, term_tabs, with_status, PageQuery, RowView, TermTab};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ranks_app::pipeline::DueOverview;
use ranks_app::reports::UnitPage;
use ranks_domain::procedure::Profile;
use serde::Deserialize;

pub struct StageGroup {
    pub label: String,
    pub key: String,
    /// Candidates at the stage in the subtree; `people` is the first page.
    pub total: u64,
    pub people: Vec<CandidateRow>,
    /// The next page's link (empty: none).
    pub more: String,
}

/// An ancestor in the breadcrumbs.
pub struct Crumb {
    pub code: String,
    pub name: String,
}

/// A committee member in charge of the unit.
pub struct SupervisorLine {
    pub member_id: i64,
    pub name: String,
    pub role: String,
    pub unit: String,
    pub since: String,
}

/// An emulation movement feeding the subtree: candidates, admitted.
pub struct SourceLine {
    pub name: String,
    pub candidates: i64,
    pub admitted: i64,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitTemplate {
    tr: Tr,
    path: String,
    unit_id: i64,
    csrf: String,
    can_add: bool,
    /// Staff, supervisors and administrators: a link to the refused attempts.
    sees_refusals: bool,
    add_error: String,
    /// What the add form held when it was refused (kept, not retyped).
    entered: AddEntered,
    /// Probable duplicates of the person just submitted, and the submitted
    /// fields to send again with `confirm_duplicate=1`.
    duplicates: Vec<DuplicateView>,
    resubmit: Vec<(&'static str, String)>,
    /// No duplicate holds the same ID number (one person per number).
    dup_confirmable: bool,
    /// The movement picker's suggestions (the add form only).
    movements: Vec<ranks_app::pickers::Choice>,
    code: String,
    name: String,
    kind: &'static str,
    crumbs: Vec<Crumb>,
    tabs: Vec<TermTab>,
    term: String,
    top: Option<RowView>,
    children: Vec<RowView>,
    /// The subordinate units' sort and pages.
    pager: Pager,
    member_count: u64,
    /// Candidates in all stages, and the overdue files: the counts on top.
    candidate_count: u64,
    overdue_count: usize,
    /// The members' first page, the link to the next and the filter shown.
    members: Vec<MemberRow>,
    members_more: String,
    status: &'static str,
    stages: Vec<StageGroup>,
    supervisors: Vec<SupervisorLine>,
    supervisors_more: bool,
    sources: Vec<SourceLine>,
    moves: Vec<String>,
    moves_more: bool,
    /// The first deadlines (all of them are counted in `due_total`).
    due: Vec<DueView>,
    due_total: usize,
    /// Said when no deadline falls within the list's window (deadlines
    /// further off run on the files themselves).
    due_none: String,
}

/// An existing person who is probably the one being added.
pub struct DuplicateView {
    pub name: String,
    pub birth: String,
    pub matched: &'static str,
    pub units: String,
    pub candidate_id: Option<i64>,
    pub member_id: Option<i64>,
}

/// The unit page lists the deadlines due within this many working days
/// (and every overdue one).
const DUE_WITHIN: i64 = 20;

pub struct DueView {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub next: String,
    pub due: String,
    /// "còn 5 ngày làm việc" / "quá hạn 182 ngày làm việc".
    pub left: String,
    pub overdue: bool,
    pub rule: String,
    pub source: String,
    pub escalated: String,
}

/// The deadlines the unit page prints (the rest: the due list's export).
const DUE_SHOWN: usize = 50;

fn unit_template(
    p: &UnitPage,
    tr: Tr,
    profile: &Profile,
    due: &DueOverview,
    uq: &UnitsQuery,
) -> Result<UnitTemplate, ranks_app::AppError> {
    let top = p
        .rows
        .first()
        .map(|r| row_view(r, Some(p.member_total), &tr));
    let term_name = p
        .term
        .as_ref()
        .map(|t| t.name.to_string())
        .unwrap_or_default();
    let base = if term_name.is_empty() {
        format!("/units/{}", p.unit.code)
    } else {
        format!("/units/{}?term={term_name}", p.unit.code)
    };
    let (children, pager) = subordinates(&p.rows, &p.child_members, uq, &base, &tr)?;
    let code = p.unit.code.to_string();
    Ok(UnitTemplate {
        tr,
        path: format!("/units/{}", p.unit.code),
        unit_id: p.unit.id,
        csrf: String::new(),
        can_add: false,
        sees_refusals: false,
        add_error: String::new(),
        entered: AddEntered::default(),
        duplicates: Vec::new(),
        resubmit: Vec::new(),
        dup_confirmable: true,
        movements: Vec::new(),
        code: p.unit.code.to_string(),
        name: p.unit.name.clone(),
        kind: tr.kind(&p.unit.kind),
        crumbs: p
            .ancestors
            .iter()
            .map(|a| Crumb {
                code: a.code.to_string(),
                name: a.name.clone(),
            })
            .collect(),
        tabs: term_tabs(&p.terms, p.term.as_ref(), &tr),
        term: p
            .term
            .as_ref()
            .map(|t| t.name.to_string())
            .unwrap_or_default(),
        top,
        children,
        pager,
        member_count: p.member_total,
        candidate_count: p.stage_totals.values().sum(),
        overdue_count: due.overdue as usize,
        members: p.members.iter().map(|m| member_row(m, &tr)).collect(),
        members_more: members_more(
            &code,
            ranks_app::overview::MemberFilter::Current,
            p.members_next.as_deref(),
        ),
        status: "current",
        stages: p
            .candidates_by_stage
            .iter()
            .map(|(s, list)| StageGroup {
                label: tr.stage(profile, s),
                key: s.clone(),
                total: p.stage_totals.get(s).copied().unwrap_or(0),
                people: list.iter().map(|c| candidate_row(c, &tr)).collect(),
                more: stage_more(&code, s, p.stage_next.get(s).map(String::as_str)),
            })
            .collect(),
        supervisors_more: p.supervisors_more,
        moves_more: p.moves_more,
        due_total: due.total as usize,
        supervisors: p
            .supervisors
            .iter()
            .map(|s| SupervisorLine {
                member_id: s.member_id,
                name: s.full_name.clone(),
                role: s.role.clone(),
                unit: s.unit_name.clone(),
                since: tr.date(&s.since),
            })
            .collect(),
        sources: p
            .sources
            .iter()
            .map(|(name, candidates, admitted)| SourceLine {
                name: name.clone(),
                candidates: *candidates,
                admitted: *admitted,
            })
            .collect(),
        moves: p
            .moves
            .iter()
            .map(|(code, m)| {
                format!(
                    "{code}: {} {} {} {} ({} {})",
                    tr.get("moved_from"),
                    m.from_parent
                        .as_ref()
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "—".into()),
                    tr.get("moved_to"),
                    m.to_parent,
                    tr.get("effective"),
                    tr.date(&m.effective_on)
                )
            })
            .collect(),
        due: due
            .rows
            .iter()
            .take(DUE_SHOWN)
            .map(|d| DueView {
                id: d.candidate_id,
                name: d.name.clone(),
                unit: d.unit.clone(),
                next: tr.stage(profile, &d.next_stage),
                due: tr.date(&d.due),
                left: tr.days_left(d.working_days_left),
                overdue: d.overdue,
                rule: tr.rule(&d.rule),
                // The rule's id stays as a reference, in the cell's title.
                source: format!("{} · {}", d.source, d.rule),
                escalated: d.escalated_to.join(", "),
            })
            .collect(),
        due_none: tr.args("due.none_within", &[("days", DUE_WITHIN.into())]),
    })
}

pub async fn unit(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
    Query(uq): Query<UnitsQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let t = unit_page_template(&st, &auth, &code, &q, &uq, &lang).await?;
    render(&t, &lang)
}

type AddOutcome = (bool, Vec<DuplicateView>, Vec<(&'static str, String)>);

/// The unit page after the add form found probable duplicates: them, and
/// (unless one holds the same ID number) the fields to send again.
async fn unit_response_with(
    st: &AppState,
    auth: &Auth,
    code: &str,
    lang: &PageLang,
    (confirmable, duplicates, resubmit): AddOutcome,
    entered: AddEntered,
) -> Result<Response, WebError> {
    let mut t = unit_page_template(
        st,
        auth,
        code,
        &PageQuery::default(),
        &UnitsQuery::default(),
        lang,
    )
    .await?;
    t.dup_confirmable = confirmable;
    t.duplicates = duplicates;
    t.resubmit = resubmit;
    t.entered = entered;
    render(&t, lang)
}

/// The unit page after a refused add form: its message, and the form
/// holding what was entered.
async fn unit_response_refused(
    st: &AppState,
    auth: &Auth,
    code: &str,
    lang: &PageLang,
    add_error: String,
    f: &AddCandidateForm,
) -> Result<Response, WebError> {
    let mut t = unit_page_template(
        st,
        auth,
        code,
        &PageQuery::default(),
        &UnitsQuery::default(),
        lang,
    )
    .await?;
    t.add_error = add_error;
    t.entered = AddEntered::from(f);
    render(&t, lang)
}

/// The unit page's template for this user, before any form's outcome.
async fn unit_page_template(
    st: &AppState,
    auth: &Auth,
    code: &str,
    q: &PageQuery,
    uq: &UnitsQuery,
    lang: &PageLang,
) -> Result<UnitTemplate, WebError> {
    let data = unit_data(st, auth, code, q).await.page(lang)?;
    let (p, due) = &*data;
    let mut t = unit_template(p, Tr { lang: lang.lang }, st.app.profile(), due, uq).page(lang)?;
    t.csrf = auth.csrf.clone();
    t.sees_refusals = matches!(
        auth.actor.role,
        ranks_app::auth::Role::Admin
            | ranks_app::auth::Role::Staff
            | ranks_app::auth::Role::Supervisor
    );
    t.can_add = auth.actor.role.writes()
        && matches!(
            p.unit.kind,
            ranks_domain::UnitKind::Cell | ranks_domain::UnitKind::GrassrootsCell
        );
    if t.can_add {
        t.movements = st.app.movement_choices().await.page(lang)?;
    }
    Ok(t)
}

/// The data of a unit page. It changes only when a write commits: kept
/// per unit, term, viewer's scope and day, checked against the audit
/// generation on every request.
async fn unit_data(
    st: &AppState,
    auth: &Auth,
    code: &str,
    q: &PageQuery,
) -> Result<std::sync::Arc<UnitData>, ranks_app::AppError> {
    let generation = st.app.audit_generation().await?;
    let key = format!(
        "{}|{:?}|{:?}|{}",
        code.trim().to_uppercase(),
        q.term,
        auth.actor.scope,
        st.app.clock().today()
    );
    if let Some(data) = st.unit_cache.get(&key, generation) {
        return Ok(data);
    }
    // As of the generation just polled: the index and the summary brought
    // up to date at it are taken without asking the database again.
    let (p, due) = st
        .app
        .at_generation(generation, async {
            let p = st
                .app
                .unit_page(&auth.actor, code, q.term.as_deref())
                .await?;
            // The deadlines from the maintained summary: the counts and
            // the first rows only, whatever the subtree's size.
            let due = st
                .app
                .due_overview(&auth.actor, code, DUE_WITHIN, DUE_SHOWN)
                .await?;
            Ok::<_, ranks_app::AppError>((p, due))
        })
        .await?;
    let data = std::sync::Arc::new((p, due));
    st.unit_cache.put(key, generation, data.clone());
    Ok(data)
}

#[derive(Deserialize)]
pub struct AddCandidateForm {
    pub full_name: String,
    pub birth_date: String,
    pub gender: Option<String>,
    pub general_grade: Option<String>,
    pub occupation: Option<String>,
    pub movement: Option<String>,
    pub date: Option<String>,
    /// Checkboxes: sent only when checked.
    pub youth_union_member: Option<String>,
    pub trade_union_member: Option<String>,
    pub id_number: Option<String>,
    /// Sent by the warning's second submit: add despite a probable duplicate.
    pub confirm_duplicate: Option<String>,
}

/// The add form's values as entered, to show them again after a refusal.
pub struct AddEntered {
    pub full_name: String,
    pub birth_date: String,
    pub male: bool,
    pub general_grade: String,
    pub occupation: String,
    pub movement: String,
    pub date: String,
    pub id_number: String,
    pub youth_union_member: bool,
    pub trade_union_member: bool,
}

impl Default for AddEntered {
    fn default() -> Self {
        AddEntered {
            full_name: String::new(),
            birth_date: String::new(),
            male: false,
            general_grade: "12".into(),
            occupation: String::new(),
            movement: String::new(),
            date: String::new(),
            id_number: String::new(),
            youth_union_member: false,
            trade_union_member: false,
        }
    }
}

impl From<&AddCandidateForm> for AddEntered {
    fn from(f: &AddCandidateForm) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        AddEntered {
            full_name: f.full_name.clone(),
            birth_date: f.birth_date.clone(),
            male: f.gender.as_deref().map(str::trim) == Some("Nam"),
            general_grade: f.general_grade.clone().unwrap_or_else(|| "12".into()),
            occupation: text(&f.occupation),
            movement: text(&f.movement),
            date: text(&f.date),
            id_number: text(&f.id_number),
            youth_union_member: f.youth_union_member.is_some(),
            trade_union_member: f.trade_union_member.is_some(),
        }
    }
}

impl AddCandidateForm {
    /// The fields as submitted, to send again with the confirmation.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("full_name", self.full_name.clone()),
            ("birth_date", self.birth_date.clone()),
        ];
        for (k, v) in [
            ("gender", &self.gender),
            ("general_grade", &self.general_grade),
            ("occupation", &self.occupation),
            ("movement", &self.movement),
            ("date", &self.date),
            ("youth_union_member", &self.youth_union_member),
            ("trade_union_member", &self.trade_union_member),
            ("id_number", &self.id_number),
        ] {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        }
        out
    }
}

/// Adds a person to a cell's pool from the unit page's form, then opens
/// the new dossier; bad input is shown by the form (422), nothing written.
pub async fn add_candidate(
    State(st): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<AddCandidateForm>,
) -> Result<Response, WebError> {
    use ranks_domain::DomainError;
    // The movement by its name (or code): resolved first, a name that
    // matches nothing or several is said by the form.
    let typed = f.movement.as_deref().map(str::trim).unwrap_or_default();
    let movement = if typed.is_empty() {
        None
    } else {
        let choices = st.app.movement_choices().await.page(&lang)?;
        match super::pick::resolve(&Tr { lang: lang.lang }, typed, &choices) {
            Ok(code) => Some(code),
            Err(msg) => {
                return with_status(
                    unit_response_refused(&st, &auth, &code, &lang, msg, &f).await,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            }
        }
    };
    let run = async {
        let name = ranks_domain::text::nfc(f.full_name.trim());
        if name.is_empty() {
            return Err(DomainError::invalid("full_name", "", "the person's full name").into());
        }
        let birth = form_date("birth_date", Some(&f.birth_date))?
            .ok_or_else(|| DomainError::invalid("birth_date", "", "a date of birth"))?;
        let grade_text = f.general_grade.clone().unwrap_or_else(|| "12".into());
        let grade: u8 = grade_text
            .trim()
            .parse()
            .ok()
            .filter(|g| (1..=12).contains(g))
            .ok_or_else(|| {
                DomainError::invalid("general_grade", &grade_text, "a grade from 1 to 12")
            })?;
        let gender = match f.gender.as_deref().map(str::trim) {
            Some("Nam") => "Nam",
            _ => "Nữ",
        };
        let who = ranks_app::pipeline::PersonRef::New {
            person: ranks_domain::member::NewPerson {
                full_name: name,
                gender: gender.into(),
                birth_date: birth,
                ethnicity: "Kinh".into(),
                education: format!("{grade}/12"),
                occupation: f.occupation.clone().unwrap_or_default().trim().to_string(),
            },
            general_grade: grade,
            area: String::new(),
        };
        let on = form_date("date", f.date.as_deref())?;
        let proposal = ranks_app::pipeline::Proposal {
            who,
            cell: code.clone(),
            movement: movement.clone(),
            on,
            id_number: f.id_number.clone(),
            confirm_duplicate: f.confirm_duplicate.as_deref() == Some("1"),
        };
        let id = match st.app.propose_candidate(&auth.actor, proposal).await? {
            ranks_app::pipeline::Proposed::Added(id) => id,
            ranks_app::pipeline::Proposed::Duplicates(found) => return Ok(Err(found)),
        };
        let (youth, trade) = (
            f.youth_union_member.is_some(),
            f.trade_union_member.is_some(),
        );
        if youth || trade {
            st.app
                .set_memberships(&auth.actor, id, Some(youth), Some(trade))
                .await?;
        }
        Ok(Ok(id))
    };
    use ranks_app::AppError as E;
    match run.await {
        Ok(Ok(id)) => Ok(Redirect::to(&format!("/candidates/{id}")).into_response()),
        Ok(Err(found)) => {
            let tr = Tr { lang: lang.lang };
            let confirmable = found.iter().all(|d| d.matched != "id_number");
            let dups = found
                .into_iter()
                .map(|d| DuplicateView {
                    name: d.full_name,
                    birth: tr.date(&d.birth_date),
                    matched: tr.get(&format!("dup.by.{}", d.matched)),
                    units: d.units.join(", "),
                    candidate_id: d.candidate_id,
                    member_id: d.member_id,
                })
                .collect();
            with_status(
                unit_response_with(
                    &st,
                    &auth,
                    &code,
                    &lang,
                    (confirmable, dups, f.fields()),
                    AddEntered::from(&f),
                )
                .await,
                StatusCode::CONFLICT,
            )
        }
        Err(e @ (E::Refused(_) | E::Invalid(_) | E::Conflict(_))) => {
            let msg = lang.error(e).message;
            with_status(
                unit_response_refused(&st, &auth, &code, &lang, msg, &f).await,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(lang.error(e)),
    }
}

type UnitData = (ranks_app::reports::UnitPage, DueOverview);

/// Unit pages' data by (unit, term, scope, day), each with the audit
/// generation it was read at.
#[derive(Clone, Default)]
pub struct UnitCache(std::sync::Arc<std::sync::Mutex<UnitEntries>>);

/// Key → (audit generation, data).
type UnitEntries = std::collections::HashMap<String, ((i64, i64), std::sync::Arc<UnitData>)>;

impl UnitCache {
    const MAX: usize = 20_000;

    fn get(&self, key: &str, generation: (i64, i64)) -> Option<std::sync::Arc<UnitData>> {
        let m = self.0.lock().ok()?;
        m.get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, d)| d.clone())
    }

    fn put(&self, key: String, generation: (i64, i64), data: std::sync::Arc<UnitData>) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= Self::MAX {
                m.retain(|_, (g, _)| *g == generation);
                if m.len() >= Self::MAX {
                    m.clear();
                }
            }
            m.insert(key, (generation, data));
        }
    }
}
