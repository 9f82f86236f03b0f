//! Server-rendered pages.

use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use ranks_app::pipeline::DueRow;
use ranks_app::privacy::CandidateEntry;
use ranks_app::reports::UnitPage;
use ranks_domain::procedure::Profile;
use ranks_domain::{AchievementRow, Term};
use ranks_store::records::candidates::RefusalRow;
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
    /// (stage key, label, open files, largest count for the bars)
    pipeline: Vec<(String, String, u64)>,
    pipeline_max: u64,
}

pub async fn dashboard(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, cookie) = negotiate(&q, &headers);
    let tr = Tr { lang };
    let d = match st.app.dashboard(&auth.actor, q.term.as_deref()).await {
        Ok(d) => d,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let rows: Vec<RowView> = d
        .rows
        .iter()
        .map(|r| row_view(r, d.members.get(&r.code).copied(), &tr))
        .collect();
    let page = DashboardPage {
        tr,
        path: "/".into(),
        root_code: d.root.code.to_string(),
        root_name: d.root.name.clone(),
        tabs: term_tabs(&d.terms, d.term.as_ref(), &tr),
        term: d
            .term
            .as_ref()
            .map(|t| t.name.to_string())
            .unwrap_or_default(),
        subordinate: d.rows.iter().filter(|r| r.depth == 1).count(),
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
            .map(|(k, n)| (k.clone(), tr.stage(st.app.profile(), k), *n))
            .collect(),
    };
    respond(page.render(), cookie, lang)
}

pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub cell: String,
    pub since: String,
    pub movement: String,
    pub mentors: String,
}

pub struct StageGroup {
    pub label: String,
    pub key: String,
    pub people: Vec<CandidateRow>,
}

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

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitTemplate {
    tr: Tr,
    path: String,
    unit_id: i64,
    csrf: String,
    can_add: bool,
    add_error: String,
    code: String,
    name: String,
    kind: &'static str,
    crumbs: Vec<(String, String)>,
    tabs: Vec<TermTab>,
    term: String,
    top: Option<RowView>,
    children: Vec<RowView>,
    member_count: usize,
    members: Vec<MemberRow>,
    stages: Vec<StageGroup>,
    supervisors: Vec<(i64, String, String, String, String)>,
    sources: Vec<(String, i64, i64)>,
    moves: Vec<String>,
    due: Vec<DueView>,
    refusals: Vec<RefusalView>,
}

pub struct DueView {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub next: String,
    pub due: String,
    pub left: i64,
    pub overdue: bool,
    pub rule: String,
    pub source: String,
    pub escalated: String,
}

pub struct RefusalView {
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub on: String,
    pub message: String,
    pub rule: String,
    pub source: String,
}

fn candidate_row(c: &CandidateEntry, tr: &Tr) -> CandidateRow {
    CandidateRow {
        id: c.id,
        name: c.full_name.clone(),
        cell: c.unit_name.clone(),
        since: tr.date(&c.stage_since),
        movement: c.movement.clone().unwrap_or_else(|| "—".into()),
        mentors: c.mentors.join(", "),
    }
}

fn unit_template(
    p: &UnitPage,
    tr: Tr,
    profile: &Profile,
    due: &[DueRow],
    refusals: &[RefusalRow],
) -> UnitTemplate {
    let mut rows = p.rows.iter();
    let top = rows
        .next()
        .map(|r| row_view(r, Some(p.members.len() as u64), &tr));
    UnitTemplate {
        tr,
        path: format!("/units/{}", p.unit.code),
        unit_id: p.unit.id,
        csrf: String::new(),
        can_add: false,
        add_error: String::new(),
        code: p.unit.code.to_string(),
        name: p.unit.name.clone(),
        kind: tr.kind(&p.unit.kind),
        crumbs: p
            .ancestors
            .iter()
            .map(|a| (a.code.to_string(), a.name.clone()))
            .collect(),
        tabs: term_tabs(&p.terms, p.term.as_ref(), &tr),
        term: p
            .term
            .as_ref()
            .map(|t| t.name.to_string())
            .unwrap_or_default(),
        top,
        children: rows
            .map(|r| {
                let n = p.members.iter().filter(|m| m.unit_code == r.code).count() as u64;
                row_view(r, Some(n).filter(|n| *n > 0), &tr)
            })
            .collect(),
        member_count: p.members.len(),
        members: p
            .members
            .iter()
            .map(|m| MemberRow {
                id: m.id,
                name: m.full_name.clone(),
                birth: tr.opt_date(&m.birth_date),
                gender: m.gender.clone().unwrap_or_default(),
                cell: m.unit_name.clone(),
                status: tr.status(&m.status),
                probationary: m.status == ranks_domain::MemberStatus::Probationary,
                admitted: tr.date(&m.admitted_on),
            })
            .collect(),
        stages: p
            .candidates_by_stage
            .iter()
            .map(|(s, list)| StageGroup {
                label: tr.stage(profile, s),
                key: s.clone(),
                people: list.iter().map(|c| candidate_row(c, &tr)).collect(),
            })
            .collect(),
        supervisors: p
            .supervisors
            .iter()
            .map(|s| {
                (
                    s.member_id,
                    s.full_name.clone(),
                    s.role.clone(),
                    s.unit_name.clone(),
                    tr.date(&s.since),
                )
            })
            .collect(),
        sources: p.sources.clone(),
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
            .iter()
            .map(|d| DueView {
                id: d.candidate_id,
                name: d.name.clone(),
                unit: d.unit.clone(),
                next: tr.stage(profile, &d.next_stage),
                due: tr.date(&d.due),
                left: d.working_days_left,
                overdue: d.overdue,
                rule: d.rule.clone(),
                source: d.source.clone(),
                escalated: d.escalated_to.join(", "),
            })
            .collect(),
        refusals: refusals
            .iter()
            .map(|r| RefusalView {
                name: r.full_name.clone(),
                unit: r.unit_code.to_string(),
                stage: tr.stage(profile, &r.stage),
                on: tr.date(&r.on),
                message: r.message.clone(),
                rule: r.rule.clone(),
                source: r.source.clone(),
            })
            .collect(),
    }
}

pub async fn unit(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, cookie) = negotiate(&q, &headers);
    unit_response(&st, &auth, &code, &q, lang, cookie, String::new()).await
}

async fn unit_response(
    st: &AppState,
    auth: &crate::auth::Auth,
    code: &str,
    q: &PageQuery,
    lang: Lang,
    cookie: Option<HeaderValue>,
    add_error: String,
) -> Response {
    let code = code.to_string();
    let page = async {
        // The data of a unit page changes only when a write commits: keep it
        // per unit, term, viewer's scope and day, checked against the
        // audit generation on every request.
        let generation = st.app.audit_generation().await?;
        let key = format!(
            "{}|{:?}|{:?}|{}",
            code.trim().to_uppercase(),
            q.term,
            auth.actor.scope,
            st.app.clock().today()
        );
        if let Some(data) = st.unit_cache.get(&key, generation) {
            return Ok::<_, ranks_app::AppError>(data);
        }
        let p = st
            .app
            .unit_page(&auth.actor, &code, q.term.as_deref())
            .await?;
        let due = st.app.due(&auth.actor, Some(&code), Some(20)).await?;
        let refusals = st.app.refusals(&auth.actor, Some(&code)).await?;
        let data = std::sync::Arc::new((p, due, refusals));
        st.unit_cache.put(key, generation, data.clone());
        Ok(data)
    };
    match page.await {
        Ok(data) => {
            let (p, due, refusals) = &*data;
            let mut t = unit_template(p, Tr { lang }, st.app.profile(), due, refusals);
            t.csrf = auth.csrf.clone();
            t.can_add = auth.actor.role.writes()
                && matches!(
                    p.unit.kind,
                    ranks_domain::UnitKind::Cell | ranks_domain::UnitKind::GrassrootsCell
                );
            t.add_error = add_error;
            respond(t.render(), cookie, lang)
        }
        Err(e) => WebError::from_app(e, Some(lang)).into_response(),
    }
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

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    pub lang: Option<String>,
    pub term: Option<String>,
    pub year: Option<String>,
}

pub struct ForecastView {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub target: String,
    pub admitted: u64,
    pub expected: String,
    pub interval: String,
    pub chance: String,
    pub at_risk: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanTemplate {
    tr: Tr,
    path: String,
    code: String,
    name: String,
    term: String,
    tabs: Vec<TermTab>,
    burnup: String,
    forecast: Vec<ForecastView>,
    counted: Vec<(String, String, String, String)>,
    allocation: Vec<(usize, String, String, String, String, String)>,
    funnel: String,
    stages: Vec<(String, u64, String, String, String, u64)>,
    bottlenecks: String,
    movements: Vec<String>,
    mentors: Vec<(String, u64, u64, u64, String)>,
    year: i32,
    evaluation: Vec<(String, String, String, String)>,
    cap: String,
    csrf: String,
    /// The audit position when the page was read (sent back by the forms).
    seen: i64,
    can_write: bool,
    can_score: bool,
    /// Criteria entered by hand: key, name, weight.
    criteria: Vec<(String, String, String)>,
    error_for: String,
    error: String,
    /// The burn-up in words, and per year: admitted, cumulative.
    burnup_text: String,
    burnup_years: Vec<(i32, usize, usize)>,
}

/// The planning page of a unit: burn-up, forecast, allocation, analytics,
/// movements, mentors and the year-end evaluation, with their charts.
pub async fn plan(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    Query(q): Query<PlanQuery>,
    headers: HeaderMap,
) -> Response {
    plan_page(&st, &auth, code, q, &headers, None).await
}

async fn plan_page(
    st: &AppState,
    auth: &crate::auth::Auth,
    code: String,
    q: PlanQuery,
    headers: &HeaderMap,
    form_error: Option<(&'static str, String)>,
) -> Response {
    use chrono::Datelike;
    let pq = PageQuery {
        lang: q.lang.clone(),
        term: q.term.clone(),
    };
    let (lang, cookie) = negotiate(&pq, headers);
    let tr = Tr { lang };
    let profile = st.app.profile().clone();
    let built = async {
        // Read before the data: the forms send it back, and a target or
        // score changed after it is a conflict rather than overwritten.
        let seen = st.app.audit_position().await?;
        let page = st
            .app
            .unit_page(&auth.actor, &code, q.term.as_deref())
            .await?;
        let term = page
            .term
            .clone()
            .ok_or_else(|| ranks_app::AppError::NotFound {
                what: "term",
                key: "(none defined)".into(),
            })?;
        let term_name = term.name.to_string();
        let year = match q.year.as_deref() {
            Some(y) => y.parse::<i32>().map_err(|_| {
                ranks_app::AppError::Invalid(ranks_domain::DomainError::invalid(
                    "year",
                    y,
                    "a year like 2025",
                ))
            })?,
            None => page
                .terms
                .last()
                .map(|_| st.app.clock().today().year() - 1)
                .unwrap_or(2025),
        };
        let code = page.unit.code.to_string();
        let bu = st.app.burn_up(&auth.actor, &code, &term_name).await?;
        let fc = st
            .app
            .forecast(&auth.actor, &term_name, None, Some(&code))
            .await?;
        let alloc = st
            .app
            .allocation(
                &auth.actor,
                Some(&code),
                &ranks_app::targets::Period::Term(term.name.clone()),
            )
            .await?;
        let an = st.app.analytics(&auth.actor, Some(&code)).await?;
        let ev = st.app.evaluate(&auth.actor, Some(&code), year).await?;
        Ok::<_, ranks_app::AppError>((page, term_name, year, bu, fc, alloc, an, ev, seen))
    };
    let (page, term_name, year, bu, fc, alloc, an, ev, seen) = match built.await {
        Ok(x) => x,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{:.0} %", x * 100.0))
            .unwrap_or_else(|| "—".into())
    };
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "—".into());
    let stage_name = |k: &str| tr.stage(&profile, k);
    let tmpl = PlanTemplate {
        tr,
        path: format!("/units/{}/plan", page.unit.code),
        code: page.unit.code.to_string(),
        name: page.unit.name.clone(),
        term: term_name.clone(),
        tabs: term_tabs(&page.terms, page.term.as_ref(), &tr),
        burnup: crate::charts::burn_up(
            &format!("{} · {}", page.unit.name, term_name),
            bu.term.starts_on,
            bu.term.ends_on,
            &bu.admissions,
            bu.target,
            bu.today,
        ),
        forecast: fc
            .rows
            .iter()
            .filter(|r| r.depth <= 1)
            .map(|r| ForecastView {
                code: r.code.clone(),
                name: r.name.clone(),
                depth: r.depth,
                target: r
                    .target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into()),
                admitted: r.admitted,
                expected: tr.num(r.expected, 1),
                interval: format!("{}–{}", r.low, r.high),
                chance: pct(r.chance_of_target),
                at_risk: r.at_risk,
            })
            .collect(),
        counted: fc
            .rows
            .first()
            .map(|r| {
                r.candidates
                    .iter()
                    .map(|c| {
                        (
                            c.name.clone(),
                            c.unit.clone(),
                            stage_name(&c.stage),
                            format!("{:.0} %", c.chance * 100.0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        allocation: alloc
            .iter()
            .filter(|a| a.depth <= 1)
            .map(|a| {
                let o = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_else(|| "—".into());
                (
                    a.depth,
                    a.code.clone(),
                    a.name.clone(),
                    o(a.target),
                    o(a.children),
                    a.difference.map(|d| format!("{d:+}")).unwrap_or_default(),
                )
            })
            .collect(),
        funnel: crate::charts::funnel(
            tr.get("plan.funnel"),
            &an.stages
                .iter()
                .map(|s| (stage_name(&s.stage), s.entered))
                .collect::<Vec<_>>(),
        ),
        stages: an
            .stages
            .iter()
            .map(|s| {
                (
                    stage_name(&s.stage),
                    s.entered,
                    pct(s.conversion),
                    opt(s.median_days),
                    opt(s.p90_days),
                    s.waiting,
                )
            })
            .collect(),
        bottlenecks: an
            .bottlenecks
            .iter()
            .take(3)
            .map(|b| stage_name(b))
            .collect::<Vec<_>>()
            .join(", "),
        movements: an
            .movements
            .iter()
            .map(|m| {
                crate::charts::funnel(
                    &m.movement,
                    &[
                        (stage_name("pool"), m.pool),
                        (stage_name("course"), m.course),
                        (stage_name(&profile.admission_stage().key), m.admitted),
                        (stage_name(&profile.recognition_stage().key), m.official),
                    ],
                )
            })
            .collect(),
        mentors: an
            .mentors
            .iter()
            .take(12)
            .map(|m| {
                (
                    m.name.clone(),
                    m.current,
                    m.total,
                    m.admitted,
                    pct(m.conversion),
                )
            })
            .collect(),
        year,
        evaluation: ev
            .rows
            .iter()
            .map(|r| {
                (
                    r.code.clone(),
                    r.name.clone(),
                    r.score
                        .map(|s| format!("{s:.2}"))
                        .unwrap_or_else(|| "—".into()),
                    r.grade.clone().unwrap_or_else(|| r.missing.join(", ")),
                )
            })
            .collect(),
        cap: format!(
            "{} / {} · {} % · {}",
            ev.excellent,
            ev.good,
            ev.cap_percent,
            if ev.cap_exceeded {
                tr.get("plan.cap_exceeded")
            } else {
                tr.get("plan.cap_ok")
            }
        ),
        csrf: auth.csrf.clone(),
        seen,
        can_write: auth.actor.role.writes(),
        can_score: auth.actor.role.evaluates(),
        criteria: profile
            .evaluation
            .as_ref()
            .map(|e| {
                e.criteria
                    .iter()
                    .filter(|c| !c.auto)
                    .map(|c| (c.key.clone(), c.vi.clone(), tr.num(c.weight, 0)))
                    .collect()
            })
            .unwrap_or_default(),
        error_for: form_error
            .as_ref()
            .map(|e| e.0.to_string())
            .unwrap_or_default(),
        error: form_error.map(|e| e.1).unwrap_or_default(),
        burnup_text: format!(
            "{} {}: {} {} ({} {}); {}: {}.",
            tr.get("plan.by"),
            tr.date(&bu.today.min(bu.term.ends_on)),
            bu.admissions.iter().filter(|d| **d <= bu.today).count(),
            tr.get("plan.admissions"),
            tr.get("target"),
            bu.target
                .map(|t| t.to_string())
                .unwrap_or_else(|| "—".into()),
            tr.get("plan.pro_rata"),
            bu.target
                .map(|t| {
                    let total = (bu.term.ends_on - bu.term.starts_on).num_days().max(1) as f64;
                    let gone = (bu.today.min(bu.term.ends_on) - bu.term.starts_on)
                        .num_days()
                        .max(0) as f64;
                    tr.num(t as f64 * gone / total, 1)
                })
                .unwrap_or_else(|| "—".into()),
        ),
        burnup_years: {
            let mut years: Vec<(i32, usize, usize)> = Vec::new();
            let mut total = 0;
            for y in bu.term.starts_on.year()..=bu.term.ends_on.year().min(bu.today.year()) {
                let n = bu.admissions.iter().filter(|d| d.year() == y).count();
                total += n;
                years.push((y, n, total));
            }
            years
        },
    };
    respond(tmpl.render(), cookie, lang)
}

#[derive(Deserialize)]
pub struct TargetForm {
    pub csrf: String,
    pub org: String,
    pub period: String,
    pub value: String,
    pub term: Option<String>,
    /// The page's audit position (hidden field).
    pub seen: Option<String>,
}

/// Sets a target from the plan page; a bad value is shown by the form (422).
pub async fn plan_target(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(code): Path<String>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<TargetForm>,
) -> Response {
    use ranks_app::targets::{parse_target, Period};
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let run = async {
        let period = Period::parse(&f.period)?;
        let value = parse_target(&f.value)?;
        let seen = parse_seen(&f.seen)?;
        st.app
            .set_target_seen(&auth.actor, &f.org, &period, value, seen)
            .await
    };
    let result = run.await;
    plan_outcome(
        &st,
        &auth,
        code,
        f.term,
        &headers,
        "target",
        "allocation",
        result,
    )
    .await
}

#[derive(Deserialize)]
pub struct ScoreForm {
    pub csrf: String,
    pub org: String,
    pub criterion: String,
    pub year: String,
    pub value: String,
    pub term: Option<String>,
    /// The page's audit position (hidden field).
    pub seen: Option<String>,
}

/// Enters a unit's score on a criterion from the plan page.
pub async fn plan_score(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(code): Path<String>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<ScoreForm>,
) -> Response {
    use ranks_domain::DomainError;
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let run = async {
        let year: i32 = f
            .year
            .trim()
            .parse()
            .map_err(|_| DomainError::invalid("year", &f.year, "a year such as 2025"))?;
        let value: f64 = f
            .value
            .trim()
            .replace(',', ".")
            .parse()
            .map_err(|_| DomainError::invalid("score", &f.value, "a number"))?;
        let seen = parse_seen(&f.seen)?;
        st.app
            .set_score_seen(&auth.actor, &f.org, year, &f.criterion, value, seen)
            .await
    };
    let result = run.await;
    plan_outcome(
        &st,
        &auth,
        code,
        f.term,
        &headers,
        "score",
        "evaluation",
        result,
    )
    .await
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

#[allow(clippy::too_many_arguments)]
async fn plan_outcome(
    st: &AppState,
    auth: &crate::auth::Auth,
    code: String,
    term: Option<String>,
    headers: &HeaderMap,
    form: &'static str,
    anchor: &str,
    result: Result<(), ranks_app::AppError>,
) -> Response {
    use ranks_app::AppError as E;
    let lang = lang_of(None, headers);
    match result {
        Ok(()) => {
            let term = term
                .filter(|t| !t.is_empty())
                .map(|t| format!("?term={t}"))
                .unwrap_or_default();
            axum::response::Redirect::to(&format!("/units/{code}/plan{term}#{anchor}"))
                .into_response()
        }
        Err(e @ (E::Invalid(_) | E::Conflict(_) | E::NotFound { .. } | E::Refused(_))) => {
            // A conflict (changed meanwhile, already done) is a 409 as in
            // the API; a value the rules refuse, 422.
            let status = match e {
                E::Conflict(_) => axum::http::StatusCode::CONFLICT,
                _ => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            };
            let msg = WebError::from_app(e, Some(lang)).message;
            let q = PlanQuery {
                term,
                ..Default::default()
            };
            let mut resp = plan_page(st, auth, code, q, headers, Some((form, msg))).await;
            if resp.status() == axum::http::StatusCode::OK {
                *resp.status_mut() = status;
            }
            resp
        }
        Err(e) => WebError::from_app(e, Some(lang)).into_response(),
    }
}

pub struct SupervisedView {
    pub code: String,
    pub name: String,
    pub role: String,
    pub target: String,
    pub admitted: u64,
    pub percent: String,
    pub overdue: Vec<(String, i64, String, String, String, String)>,
    pub soon: Vec<(String, i64, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "supervisor.html")]
struct SupervisorTemplate {
    tr: Tr,
    path: String,
    term: String,
    name: String,
    units: Vec<SupervisedView>,
}

/// A committee member's page: the units they are in charge of, with what is late.
pub async fn supervisor(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(member): Path<i64>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, cookie) = negotiate(&q, &headers);
    let tr = Tr { lang };
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
        st.app.supervisor_view(&auth.actor, member, &term).await
    };
    let v = match view.await {
        Ok(v) => v,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let rows = |list: &[DueRow]| {
        list.iter()
            .map(|d| {
                (
                    tr.date(&d.due),
                    d.working_days_left,
                    d.name.clone(),
                    d.unit.clone(),
                    tr.stage(&profile, &d.next_stage),
                    d.rule.clone(),
                )
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
                overdue: rows(&u.overdue),
                soon: rows(&u.due_soon),
            })
            .collect(),
    };
    respond(tmpl.render(), cookie, lang)
}

#[derive(Deserialize, Default)]
pub struct MemberQuery {
    pub q: Option<String>,
    pub org: Option<String>,
    pub lang: Option<String>,
    /// probationary or official; empty for both.
    pub status: Option<String>,
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

/// The search results alone: what htmx swaps in while the user types.
#[derive(Template)]
#[template(path = "members_results.html")]
struct MembersResults<'a> {
    tr: Tr,
    q_url: &'a str,
    rows: &'a [MemberLine],
    candidates: &'a [(i64, String, String, String)],
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
    rows: Vec<MemberLine>,
    candidates: Vec<(i64, String, String, String)>,
}

/// The member registry with a search that ignores tone marks and case.
pub async fn members(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Query(q): Query<MemberQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(q.lang.as_deref(), &headers);
    let tr = Tr { lang };
    let query = q.q.clone().unwrap_or_default();
    let org = q.org.as_deref().map(str::trim).filter(|o| !o.is_empty());
    let status = q.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let found = match st.app.search_members(&auth.actor, org, &query).await {
        Ok(f) => f
            .into_iter()
            .filter(|m| status.is_none_or(|s| m.status.as_str() == s))
            .collect::<Vec<_>>(),
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let candidates = match st.app.search_candidates(&auth.actor, org, &query).await {
        Ok(f) => f,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
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
        org: org.unwrap_or_default().to_string(),
        status: status.unwrap_or_default().to_string(),
        q: query,
        candidates: candidates
            .iter()
            .map(|c| {
                (
                    c.id,
                    c.full_name.clone(),
                    c.unit_name.clone(),
                    tr.stage(profile, &c.stage),
                )
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
    if headers.get("hx-request").is_some_and(|v| v == "true")
        && !headers.contains_key("hx-history-restore-request")
    {
        // The same handler, the fragment only.
        let part = MembersResults {
            tr,
            q_url: &t.q_url,
            rows: &t.rows,
            candidates: &t.candidates,
        };
        return respond(part.render(), None, lang);
    }
    respond(t.render(), None, lang)
}

#[derive(Template)]
#[template(path = "candidate.html")]
struct CandidateTemplate {
    tr: Tr,
    path: String,
    term: String,
    f: ranks_app::pipeline::CandidateFile,
    csrf: String,
    stage_name: String,
    since: String,
    history: Vec<(String, String, String)>,
    next: String,
    next_name: String,
    vote: bool,
    checklist: Vec<(String, String, bool)>,
    today: String,
    error_for: String,
    error: String,
    deadlines: Vec<(String, String, i64, bool)>,
    mentors: String,
    writable: bool,
    choices: Vec<(i64, String, String)>,
    introducers: Vec<String>,
    certificate: String,
}

async fn candidate_page(
    st: &AppState,
    auth: &crate::auth::Auth,
    id: i64,
    lang: Lang,
    error: Option<(&str, String)>,
) -> Response {
    let tr = Tr { lang };
    let f = match st.app.candidate_file(&auth.actor, id).await {
        Ok(f) => f,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let writable = auth.actor.role.writes();
    let choices = if writable {
        match st.app.member_choices(&auth.actor, id).await {
            Ok(c) => c.into_iter().map(|m| (m.id, m.full_name, m.unit)).collect(),
            Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
        }
    } else {
        Vec::new()
    };
    let (error_for, error) = error.map(|(k, m)| (k.to_string(), m)).unwrap_or_default();
    let profile = st.app.profile();
    let next = if profile.is_open(&f.stage) {
        profile
            .position(&f.stage)
            .and_then(|p| profile.stages.get(p + 1))
            .cloned()
    } else {
        None
    };
    let t = CandidateTemplate {
        tr,
        path: format!("/candidates/{id}"),
        term: String::new(),
        csrf: auth.csrf.clone(),
        stage_name: tr.stage(profile, &f.stage),
        since: tr.date(&f.stage_since),
        history: f
            .history
            .iter()
            .map(|h| {
                (
                    tr.stage(profile, &h.stage),
                    tr.date(&h.on),
                    h.recorded_by.clone(),
                )
            })
            .collect(),
        next: next.as_ref().map(|n| n.key.clone()).unwrap_or_default(),
        next_name: next
            .as_ref()
            .map(|n| n.name(lang.code()).to_string())
            .unwrap_or_default(),
        vote: next.as_ref().is_some_and(|n| n.vote),
        checklist: next
            .as_ref()
            .map(|n| {
                n.documents
                    .iter()
                    .map(|d| {
                        (
                            d.clone(),
                            profile.documents.get(d).cloned().unwrap_or_default(),
                            f.documents.iter().any(|(c, _)| c == d),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        today: st.app.clock().today().to_string(),
        error_for,
        error,
        writable,
        choices,
        introducers: f
            .introducers
            .iter()
            .map(|i| match (&i.name, i.together_since) {
                (Some(n), Some(since)) => {
                    format!(
                        "{n} ({} {})",
                        tr.get("cand.together_since").to_lowercase(),
                        tr.date(&since)
                    )
                }
                (Some(n), None) => n.clone(),
                (None, _) => tr.get("cand.youth_union").to_string(),
            })
            .collect(),
        certificate: f
            .certificate
            .as_ref()
            .map(|(on, number)| format!("{number} — {}", tr.date(on)))
            .unwrap_or_default(),
        deadlines: f
            .deadlines
            .iter()
            .map(|d| {
                (
                    tr.date(&d.due),
                    tr.stage(profile, &d.until),
                    d.working_days_left,
                    d.overdue,
                )
            })
            .collect(),
        mentors: f.mentors.join(", "),
        f,
    };
    respond(t.render(), None, lang)
}

/// A candidate's dossier: timeline, the next step's checklist and form, deadlines, mentors.
pub async fn candidate(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(None, &headers);
    candidate_page(&st, &auth, id, lang, None).await
}

#[derive(Deserialize)]
pub struct StepForm {
    pub csrf: String,
    pub version: Option<i64>,
    pub stage: String,
    pub date: Option<String>,
    pub eligible: Option<u32>,
    pub present: Option<u32>,
    pub in_favour: Option<u32>,
    pub against: Option<u32>,
}

/// Records a step from the form; a refusal is shown next to the form.
pub async fn candidate_step(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<StepForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let on = match f
        .date
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| ranks_domain::parse_date("date", d))
        .transpose()
    {
        Ok(d) => d,
        Err(e) => return WebError::from_app(e.into(), Some(lang)).into_response(),
    };
    let vote = match (f.eligible, f.present, f.in_favour, f.against) {
        (Some(e), Some(p), Some(i), Some(a)) => Some(ranks_domain::procedure::Vote {
            eligible: e,
            present: p,
            in_favour: i,
            against: a,
        }),
        _ => None,
    };
    let input = ranks_app::pipeline::StepInput {
        stage: f.stage,
        on,
        vote,
        skip_reason: None,
        version: f.version,
    };
    match st.app.record_step(&auth.actor, id, input).await {
        Ok(_) => axum::response::Redirect::to(&format!("/candidates/{id}")).into_response(),
        Err(ranks_app::AppError::Refused(r)) => {
            let mut resp =
                candidate_page(&st, &auth, id, lang, Some(("step", r.to_string()))).await;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            resp
        }
        Err(ranks_app::AppError::Conflict(msg)) => {
            // Someone changed the file meanwhile: the page as it is now,
            // with what changed next to the form.
            let mut resp = candidate_page(&st, &auth, id, lang, Some(("step", msg))).await;
            *resp.status_mut() = axum::http::StatusCode::CONFLICT;
            resp
        }
        Err(e) => WebError::from_app(e, Some(lang)).into_response(),
    }
}

#[derive(Deserialize)]
pub struct DocumentForm {
    pub csrf: String,
    pub code: String,
    pub date: Option<String>,
}

pub async fn candidate_document(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<DocumentForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let result = match form_date("date", f.date.as_deref()) {
        Ok(on) => st.app.record_document(&auth.actor, id, &f.code, on).await,
        Err(e) => Err(e),
    };
    form_outcome(&st, &auth, id, lang, "document", result).await
}

/// After a candidate form: back to the dossier on success (post/redirect/get);
/// on bad input or a refusal the dossier again, with the message next to
/// the form that caused it (422). Anything else (not found, not allowed)
/// is the usual error page.
async fn form_outcome(
    st: &AppState,
    auth: &crate::auth::Auth,
    id: i64,
    lang: Lang,
    form: &str,
    result: Result<(), ranks_app::AppError>,
) -> Response {
    use ranks_app::AppError as E;
    match result {
        Ok(()) => axum::response::Redirect::to(&format!("/candidates/{id}#{form}")).into_response(),
        Err(e @ (E::Refused(_) | E::Invalid(_) | E::Conflict(_))) => {
            let msg = WebError::from_app(e, Some(lang)).message;
            let mut resp = candidate_page(st, auth, id, lang, Some((form, msg))).await;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            resp
        }
        Err(e) => WebError::from_app(e, Some(lang)).into_response(),
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

#[derive(Deserialize)]
pub struct MentorForm {
    pub csrf: String,
    pub member: String,
    pub probation: Option<String>,
    pub date: Option<String>,
}

pub async fn candidate_mentor(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<MentorForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let result = match (
        f.member.trim().parse::<i64>(),
        form_date("date", f.date.as_deref()),
    ) {
        (_, Err(e)) => Err(e),
        (Ok(member), Ok(on)) => {
            st.app
                .assign_mentor(&auth.actor, id, member, f.probation.is_some(), on)
                .await
        }
        (Err(_), _) => {
            Err(
                ranks_domain::DomainError::invalid("member", &f.member, "a member of the list")
                    .into(),
            )
        }
    };
    form_outcome(&st, &auth, id, lang, "mentor", result).await
}

#[derive(Deserialize)]
pub struct IntroducerForm {
    pub csrf: String,
    pub member: Option<String>,
    pub since: Option<String>,
    pub date: Option<String>,
}

pub async fn candidate_introducer(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<IntroducerForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let run = async {
        let member = match f.member.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            None => None,
            Some(m) => {
                let id: i64 = m.parse().map_err(|_| {
                    ranks_domain::DomainError::invalid("member", m, "a member of the list")
                })?;
                let since = form_date("since", f.since.as_deref())?.ok_or_else(|| {
                    ranks_domain::DomainError::invalid(
                        "since",
                        "",
                        "the date the two began to work together",
                    )
                })?;
                Some((id, since))
            }
        };
        let on = form_date("date", f.date.as_deref())?;
        st.app.add_introducer(&auth.actor, id, member, on).await
    };
    let result = run.await;
    form_outcome(&st, &auth, id, lang, "introducer", result).await
}

#[derive(Deserialize)]
pub struct CertificateForm {
    pub csrf: String,
    pub issued: Option<String>,
    pub number: String,
}

pub async fn candidate_certificate(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<CertificateForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let run = async {
        let issued = form_date("issued", f.issued.as_deref())?.ok_or_else(|| {
            ranks_domain::DomainError::invalid("issued", "", "the date on the certificate")
        })?;
        if f.number.trim().is_empty() {
            return Err(ranks_domain::DomainError::invalid(
                "number",
                "",
                "the certificate's number",
            )
            .into());
        }
        st.app
            .record_certificate(&auth.actor, id, issued, &f.number)
            .await
    };
    let result = run.await;
    form_outcome(&st, &auth, id, lang, "certificate", result).await
}

#[derive(Deserialize)]
pub struct AddCandidateForm {
    pub csrf: String,
    pub full_name: String,
    pub birth_date: String,
    pub gender: Option<String>,
    pub general_grade: Option<String>,
    pub occupation: Option<String>,
    pub movement: Option<String>,
    pub date: Option<String>,
}

/// Adds a person to a cell's pool from the unit page's form, then opens
/// the new dossier; bad input is shown by the form (422), nothing written.
pub async fn add_candidate(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(code): Path<String>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<AddCandidateForm>,
) -> Response {
    use ranks_domain::DomainError;
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
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
        let movement = f
            .movement
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        let on = form_date("date", f.date.as_deref())?;
        st.app
            .add_candidate(&auth.actor, who, &code, movement, on)
            .await
    };
    use ranks_app::AppError as E;
    match run.await {
        Ok(id) => axum::response::Redirect::to(&format!("/candidates/{id}")).into_response(),
        Err(e @ (E::Refused(_) | E::Invalid(_) | E::Conflict(_))) => {
            let msg = WebError::from_app(e, Some(lang)).message;
            let mut resp =
                unit_response(&st, &auth, &code, &PageQuery::default(), lang, None, msg).await;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            resp
        }
        Err(e) => WebError::from_app(e, Some(lang)).into_response(),
    }
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryTemplate {
    tr: Tr,
    path: String,
    term: String,
    title: String,
    back: String,
    rows: Vec<(String, String, String, String, String)>,
}

/// The fields of an audit entry's JSON, one per line; with `other`, only
/// the fields whose value differs from it (what an update changed).
fn json_lines(v: &Option<serde_json::Value>, other: &Option<serde_json::Value>) -> String {
    let other = match other {
        Some(serde_json::Value::Object(o)) => Some(o),
        _ => None,
    };
    match v {
        None => String::new(),
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .filter(|(k, v)| other.is_none_or(|o| o.get(*k) != Some(*v)))
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Some(other) => other.to_string(),
    }
}

/// The audit history of one record: who changed what, when, before and after.
pub async fn history(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path((entity, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(None, &headers);
    let tr = Tr { lang };
    let Some(kind) = ranks_app::history::Entity::parse(&entity) else {
        return WebError::from_app(
            ranks_app::AppError::NotFound {
                what: "record kind",
                key: entity,
            },
            Some(lang),
        )
        .into_response();
    };
    let entries = match st.app.history(&auth.actor, kind, id).await {
        Ok(e) => e,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let back = match kind {
        ranks_app::history::Entity::Candidate => format!("/candidates/{id}"),
        _ => "/".to_string(),
    };
    let t = HistoryTemplate {
        tr,
        path: format!("/history/{entity}/{id}"),
        term: String::new(),
        title: format!("{} — {entity} {id}", tr.get("history")),
        back,
        rows: entries
            .iter()
            .map(|e| {
                (
                    e.at.clone(),
                    e.actor.clone(),
                    e.action.clone(),
                    json_lines(&e.before, &e.after),
                    json_lines(&e.after, &e.before),
                )
            })
            .collect(),
    };
    respond(t.render(), None, lang)
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberTemplate {
    tr: Tr,
    path: String,
    term: String,
    m: ranks_app::history::MemberRecord,
    status: String,
    personal: bool,
    birth: String,
    gender: String,
    id_number: String,
    phone: String,
    admitted: String,
    official: String,
    card: String,
    host: String,
    writable: bool,
    csrf: String,
    kinds: Vec<(&'static str, &'static str)>,
    error: String,
}

const MOVEMENTS: [&str; 9] = [
    "transfer",
    "temporary",
    "return",
    "transfer_out",
    "exempt",
    "card",
    "remove",
    "expel",
    "death",
];

async fn member_page(
    st: &AppState,
    auth: &crate::auth::Auth,
    id: i64,
    lang: Lang,
    error: String,
) -> Response {
    let tr = Tr { lang };
    let m = match st.app.member_record(&auth.actor, id).await {
        Ok(m) => m,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let status = ranks_domain::MemberStatus::parse(&m.status)
        .map(|s| tr.status(&s).to_string())
        .unwrap_or_else(|_| m.status.clone());
    let dash = || "—".to_string();
    let t = MemberTemplate {
        tr,
        path: format!("/members/{id}"),
        term: String::new(),
        status,
        personal: ranks_app::privacy::sees_personal(&auth.actor),
        birth: m.birth_date.map(|d| tr.date(&d)).unwrap_or_else(dash),
        gender: m.gender.clone().unwrap_or_else(dash),
        id_number: m.id_number.clone().unwrap_or_else(dash),
        phone: m.phone.clone().unwrap_or_else(dash),
        admitted: tr.date(&m.admitted_on),
        official: m.official_on.map(|d| tr.date(&d)).unwrap_or_else(dash),
        card: m.card_number.clone().unwrap_or_else(dash),
        host: m
            .host
            .as_ref()
            .map(|(u, until)| {
                format!(
                    "{u} ({} {})",
                    tr.get("member.until").to_lowercase(),
                    tr.date(until)
                )
            })
            .unwrap_or_default(),
        writable: auth.actor.role.writes(),
        csrf: auth.csrf.clone(),
        kinds: MOVEMENTS
            .iter()
            .map(|k| (*k, tr.get(&format!("mv.{k}"))))
            .collect(),
        error,
        m,
    };
    respond(t.render(), None, lang)
}

/// A member's record: details (personal ones for roles that may see them),
/// the movement form, the change history.
pub async fn member(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(None, &headers);
    member_page(&st, &auth, id, lang, String::new()).await
}

#[derive(Deserialize)]
pub struct MovementForm {
    pub csrf: String,
    pub kind: String,
    pub cell: Option<String>,
    pub destination: Option<String>,
    pub until: Option<String>,
    pub level: Option<String>,
    pub reason: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub version: Option<i64>,
}

pub async fn member_movement(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<MovementForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let body = crate::pipeline_api::MovementBody {
        kind: f.kind,
        cell: f.cell,
        destination: f.destination,
        until: f.until,
        level: f.level,
        reason: f.reason,
        number: f.number,
        date: f.date,
        version: f.version,
    };
    let result = match crate::pipeline_api::movement_of(&body) {
        Ok((m, date)) => st
            .app
            .member_movement_at(&auth.actor, id, m, date, body.version)
            .await
            .map_err(|e| WebError::from_app(e, Some(lang))),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => axum::response::Redirect::to(&format!("/members/{id}")).into_response(),
        Err(e) if e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN => {
            // Shown by the form (an unknown target cell too); a member the
            // user cannot see is the page's own 404.
            let status = if e.status == axum::http::StatusCode::CONFLICT {
                axum::http::StatusCode::CONFLICT
            } else {
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut resp = member_page(&st, &auth, id, lang, e.message).await;
            if resp.status() == axum::http::StatusCode::OK {
                *resp.status_mut() = status;
            }
            resp
        }
        Err(mut e) => {
            e.html = Some(lang);
            e.into_response()
        }
    }
}

type UnitData = (ranks_app::reports::UnitPage, Vec<DueRow>, Vec<RefusalRow>);

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
