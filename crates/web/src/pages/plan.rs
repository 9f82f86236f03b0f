//! A unit's planning page: burn-up, forecast, allocation, analytics and the
//! year-end evaluation, with the target and score forms.

use super::{parse_seen, render, term_tabs, with_status, TermTab};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ranks_app::analytics::Analytics;
use ranks_app::evaluation::EvaluationReport;
use ranks_app::forecast::ForecastReport;
use ranks_app::reports::{BurnUp, UnitHead};
use ranks_app::targets::{AllocationPage, AllocationRow};
use ranks_domain::procedure::Profile;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PlanQuery {
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

/// A candidate the unit's forecast counts.
pub struct CountedView {
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub chance: String,
}

/// A unit's target against the sum of its children's.
pub struct AllocationView {
    pub depth: usize,
    pub code: String,
    pub name: String,
    pub target: String,
    pub children: String,
    pub difference: String,
}

/// A stage of the pipeline: entered, conversion, days spent, waiting.
pub struct StageView {
    pub name: String,
    pub entered: u64,
    pub conversion: String,
    pub median_days: String,
    pub p90_days: String,
    pub waiting: u64,
}

/// A mentor: files now, in all, admitted, conversion.
pub struct MentorView {
    pub name: String,
    pub current: u64,
    pub total: u64,
    pub admitted: u64,
    pub conversion: String,
}

/// A unit's year-end score and grade (or what is missing).
pub struct EvaluationView {
    pub code: String,
    pub name: String,
    pub score: String,
    pub grade: String,
}

/// A criterion entered by hand: key, name, weight.
pub struct CriterionView {
    pub key: String,
    pub name: String,
    pub weight: String,
}

/// A year of the term so far: admitted that year, and in all.
pub struct BurnupYear {
    pub year: i32,
    pub admitted: usize,
    pub total: usize,
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
    /// "n of m units shown" when the forecast has more rows than the page.
    forecast_more: String,
    counted: Vec<CountedView>,
    /// Candidates the unit's forecast counts, of which `counted` the first.
    counted_total: usize,
    allocation: Vec<AllocationView>,
    allocation_more: String,
    funnel: String,
    stages: Vec<StageView>,
    bottlenecks: String,
    movements: Vec<String>,
    mentors: Vec<MentorView>,
    year: i32,
    evaluation: Vec<EvaluationView>,
    cap: String,
    csrf: String,
    /// The audit position when the page was read (sent back by the forms).
    seen: i64,
    can_write: bool,
    can_score: bool,
    /// Criteria entered by hand.
    criteria: Vec<CriterionView>,
    error_for: String,
    error: String,
    /// The burn-up in words, and per year.
    burnup_text: String,
    burnup_years: Vec<BurnupYear>,
    /// The units whose member-development criterion cannot be scored for
    /// lack of a yearly target, said in words (empty: none).
    target_missing: String,
}

/// The planning page of a unit: burn-up, forecast, allocation, analytics,
/// movements, mentors and the year-end evaluation, with their charts.
pub async fn plan(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<PlanQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    plan_page(&st, &auth, code, q, &lang, None).await
}

async fn plan_page(
    st: &AppState,
    auth: &Auth,
    code: String,
    q: PlanQuery,
    lang: &PageLang,
    form_error: Option<(&'static str, String)>,
) -> Result<Response, WebError> {
    let data = load(st, auth, &code, &q).await.page(lang)?;
    let tmpl = plan_template(
        data,
        Tr { lang: lang.lang },
        st.app.profile(),
        auth,
        form_error,
    );
    render(&tmpl, lang)
}

/// What the plan page shows, read in one go.
struct PlanData {
    page: UnitHead,
    term_name: String,
    year: i32,
    bu: BurnUp,
    fc: ForecastReport,
    alloc: AllocationPage,
    an: Analytics,
    ev: EvaluationReport,
    /// The audit position read before the data.
    seen: i64,
}

async fn load(
    st: &AppState,
    auth: &Auth,
    code: &str,
    q: &PlanQuery,
) -> Result<PlanData, ranks_app::AppError> {
    use chrono::Datelike;
    // Read before the data: the forms send it back, and a target or
    // score changed after it is a conflict rather than overwritten.
    let seen = st.app.audit_position().await?;
    let page = st
        .app
        .unit_head(&auth.actor, code, q.term.as_deref())
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
        .allocation_page(
            &auth.actor,
            Some(&code),
            &ranks_app::targets::Period::Term(term.name.clone()),
            None,
            ranks_app::overview::PAGE_MAX,
        )
        .await?;
    let an = st.app.analytics(&auth.actor, Some(&code)).await?;
    let ev = st.app.evaluate(&auth.actor, Some(&code), year).await?;
    Ok(PlanData {
        page,
        term_name,
        year,
        bu,
        fc,
        alloc,
        an,
        ev,
        seen,
    })
}

fn plan_template(
    d: PlanData,
    tr: Tr,
    profile: &Profile,
    auth: &Auth,
    form_error: Option<(&'static str, String)>,
) -> PlanTemplate {
    let page = &d.page;
    PlanTemplate {
        tr,
        path: format!("/units/{}/plan", page.unit.code),
        code: page.unit.code.to_string(),
        name: page.unit.name.clone(),
        term: d.term_name.clone(),
        tabs: term_tabs(&page.terms, page.term.as_ref(), &tr),
        burnup: both_sizes(|size| {
            crate::charts::burn_up_sized(
                &format!("{} · {}", page.unit.name, d.term_name),
                d.bu.term.starts_on,
                d.bu.term.ends_on,
                &d.bu.admissions,
                d.bu.target,
                d.bu.today,
                size,
            )
        }),
        forecast: forecast_rows(&d.fc, tr),
        forecast_more: rows_shown(d.fc.rows.len(), d.fc.total, tr),
        counted: counted_rows(&d.fc, tr, profile),
        counted_total: d.fc.candidates_total as usize,
        allocation: allocation_rows(&d.alloc.rows),
        allocation_more: rows_shown(d.alloc.rows.len(), d.alloc.total, tr),
        funnel: both_sizes(|size| {
            crate::charts::funnel_sized(
                tr.get("plan.funnel"),
                &d.an
                    .stages
                    .iter()
                    .map(|s| (tr.stage(profile, &s.stage), s.entered))
                    .collect::<Vec<_>>(),
                size,
            )
        }),
        stages: stage_rows(&d.an, tr, profile),
        bottlenecks: d
            .an
            .bottlenecks
            .iter()
            .take(3)
            .map(|b| tr.stage(profile, b))
            .collect::<Vec<_>>()
            .join(", "),
        movements: movement_funnels(&d.an, tr, profile),
        mentors: mentor_rows(&d.an),
        year: d.year,
        evaluation: evaluation_rows(&d.ev, tr, profile),
        target_missing: target_missing(&d.ev, tr),
        cap: cap_text(&d.ev, tr),
        csrf: auth.csrf.clone(),
        seen: d.seen,
        can_write: auth.actor.role.writes(),
        can_score: auth.actor.role.evaluates(),
        criteria: criteria(profile, tr),
        error_for: form_error
            .as_ref()
            .map(|e| e.0.to_string())
            .unwrap_or_default(),
        error: form_error.map(|e| e.1).unwrap_or_default(),
        burnup_text: burnup_text(&d.bu, tr),
        burnup_years: burnup_years(&d.bu),
    }
}

/// "n of m units shown" when a page holds fewer rows than the report.
fn rows_shown(shown: usize, total: usize, tr: Tr) -> String {
    if shown >= total {
        return String::new();
    }
    tr.args(
        "plan.rows_shown",
        &[
            ("shown", crate::i18n::Arg::Text(shown.to_string())),
            ("total", crate::i18n::Arg::Text(total.to_string())),
        ],
    )
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.0} %", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn opt(v: Option<i64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
}

/// The forecast of the unit and its direct children.
fn forecast_rows(fc: &ForecastReport, tr: Tr) -> Vec<ForecastView> {
    fc.rows
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
        .collect()
}

/// The candidates the unit's forecast counts: name, unit, stage, chance.
fn counted_rows(fc: &ForecastReport, tr: Tr, profile: &Profile) -> Vec<CountedView> {
    fc.candidates
        .iter()
        .map(|c| CountedView {
            name: c.name.clone(),
            unit: c.unit.clone(),
            stage: tr.stage(profile, &c.stage),
            chance: format!("{:.0} %", c.chance * 100.0),
        })
        .collect()
}

fn allocation_rows(alloc: &[AllocationRow]) -> Vec<AllocationView> {
    alloc
        .iter()
        .filter(|a| a.depth <= 1)
        .map(|a| {
            let o = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_else(|| "—".into());
            AllocationView {
                depth: a.depth,
                code: a.code.clone(),
                name: a.name.clone(),
                target: o(a.target),
                children: o(a.children),
                difference: a.difference.map(|d| format!("{d:+}")).unwrap_or_default(),
            }
        })
        .collect()
}

fn stage_rows(an: &Analytics, tr: Tr, profile: &Profile) -> Vec<StageView> {
    an.stages
        .iter()
        .map(|s| StageView {
            name: tr.stage(profile, &s.stage),
            entered: s.entered,
            conversion: pct(s.conversion),
            median_days: opt(s.median_days),
            p90_days: opt(s.p90_days),
            waiting: s.waiting,
        })
        .collect()
}

/// A chart drawn wide for screens and narrow for phones; the style sheet
/// shows the one that fits.
fn both_sizes(draw: impl Fn(crate::charts::Size) -> String) -> String {
    draw(crate::charts::WIDE) + &draw(crate::charts::NARROW)
}

/// One funnel chart per movement (where the candidates came from).
fn movement_funnels(an: &Analytics, tr: Tr, profile: &Profile) -> Vec<String> {
    let stage_name = |k: &str| tr.stage(profile, k);
    an.movements
        .iter()
        .map(|m| {
            both_sizes(|size| {
                crate::charts::funnel_sized(
                    &m.movement,
                    &[
                        (stage_name("pool"), m.pool),
                        (stage_name("course"), m.course),
                        (stage_name(&profile.admission_stage().key), m.admitted),
                        (stage_name(&profile.recognition_stage().key), m.official),
                    ],
                    size,
                )
            })
        })
        .collect()
}

fn mentor_rows(an: &Analytics) -> Vec<MentorView> {
    an.mentors
        .iter()
        .take(12)
        .map(|m| MentorView {
            name: m.name.clone(),
            current: m.current,
            total: m.total,
            admitted: m.admitted,
            conversion: pct(m.conversion),
        })
        .collect()
}

fn evaluation_rows(ev: &EvaluationReport, tr: Tr, profile: &Profile) -> Vec<EvaluationView> {
    ev.rows
        .iter()
        .map(|r| EvaluationView {
            code: r.code.clone(),
            name: r.name.clone(),
            score: r.score.map(|s| tr.num(s, 2)).unwrap_or_else(|| "—".into()),
            grade: match &r.grade {
                Some(g) => tr.grade(profile, g),
                None => {
                    let missing: Vec<String> =
                        r.missing.iter().map(|c| tr.criterion(profile, c)).collect();
                    tr.args("eval.missing", &[("criteria", missing.join("; ").into())])
                }
            },
        })
        .collect()
}

/// The units whose automatic criterion (target achievement) is unscored:
/// no target for the year. The evaluation stays incomplete until one is set.
fn target_missing(ev: &EvaluationReport, tr: Tr) -> String {
    let units: Vec<&str> = ev
        .rows
        .iter()
        .filter(|r| r.criteria.iter().any(|c| c.auto && c.score.is_none()))
        .map(|r| r.name.as_str())
        .collect();
    if units.is_empty() {
        return String::new();
    }
    tr.args(
        "plan.target_missing",
        &[
            ("units", crate::i18n::Arg::Text(units.join(", "))),
            ("year", crate::i18n::Arg::Text(ev.year.to_string())),
        ],
    )
}

/// Excellent / good, the cap, and whether it is exceeded.
fn cap_text(ev: &EvaluationReport, tr: Tr) -> String {
    format!(
        "{} / {} · {} % · {}",
        ev.excellent,
        ev.good,
        ev.cap_percent,
        if ev.cap_exceeded {
            tr.get("plan.cap_exceeded")
        } else {
            tr.get("plan.cap_ok")
        }
    )
}

/// Criteria entered by hand: key, name, weight.
fn criteria(profile: &Profile, tr: Tr) -> Vec<CriterionView> {
    profile
        .evaluation
        .as_ref()
        .map(|e| {
            e.criteria
                .iter()
                .filter(|c| !c.auto)
                .map(|c| CriterionView {
                    key: c.key.clone(),
                    name: tr.criterion(profile, &c.key),
                    weight: tr.num(c.weight, 0),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The burn-up in words: admissions so far against the target's pro rata.
fn burnup_text(bu: &BurnUp, tr: Tr) -> String {
    format!(
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
    )
}

/// Per year of the term so far: admitted, cumulative.
fn burnup_years(bu: &BurnUp) -> Vec<BurnupYear> {
    use chrono::Datelike;
    let mut years = Vec::new();
    let mut total = 0;
    for y in bu.term.starts_on.year()..=bu.term.ends_on.year().min(bu.today.year()) {
        let n = bu.admissions.iter().filter(|d| d.year() == y).count();
        total += n;
        years.push(BurnupYear {
            year: y,
            admitted: n,
            total,
        });
    }
    years
}

#[derive(Deserialize)]
pub struct TargetForm {
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
    Path(code): Path<String>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<TargetForm>,
) -> Result<Response, WebError> {
    use ranks_app::targets::{parse_target, Period};
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
        &lang,
        ("target", "allocation"),
        result,
    )
    .await
}

#[derive(Deserialize)]
pub struct ScoreForm {
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
    Path(code): Path<String>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<ScoreForm>,
) -> Result<Response, WebError> {
    use ranks_domain::DomainError;
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
        &lang,
        ("score", "evaluation"),
        result,
    )
    .await
}

/// After a plan form: back to the plan page's panel on success; on bad
/// input, a refusal or a conflict the page again with the message next to
/// the form (`form`: its name and the panel's anchor).
async fn plan_outcome(
    st: &AppState,
    auth: &Auth,
    code: String,
    term: Option<String>,
    lang: &PageLang,
    (form, anchor): (&'static str, &str),
    result: Result<(), ranks_app::AppError>,
) -> Result<Response, WebError> {
    use ranks_app::AppError as E;
    match result {
        Ok(()) => {
            let term = term
                .filter(|t| !t.is_empty())
                .map(|t| format!("?term={t}"))
                .unwrap_or_default();
            Ok(Redirect::to(&format!("/units/{code}/plan{term}#{anchor}")).into_response())
        }
        Err(e @ (E::Invalid(_) | E::Conflict(_) | E::NotFound { .. } | E::Refused(_))) => {
            // A conflict (changed meanwhile, already done) is a 409 as in
            // the API; a value the rules refuse, 422.
            let status = match e {
                E::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let msg = lang.error(e).message;
            let q = PlanQuery {
                term,
                ..Default::default()
            };
            with_status(
                plan_page(st, auth, code, q, lang, Some((form, msg))).await,
                status,
            )
        }
        Err(e) => Err(lang.error(e)),
    }
}
