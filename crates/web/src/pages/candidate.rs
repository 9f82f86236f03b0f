//! A candidate's dossier and its forms: step, document, mentor, introducer, certificate.

use super::fix::FormError;
use super::vote_view::{self, Entered, StepFields};
use super::{form_date, render, with_status};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A step of the file's timeline: stage, day, who recorded it.
pub struct TimelineEntry {
    pub stage: String,
    pub on: String,
    pub by: String,
    /// The vote recorded with the step, if it was one.
    pub vote: String,
}

/// A document the next step needs, and whether it is in the file.
pub struct ChecklistItem {
    pub code: String,
    pub name: String,
    pub present: bool,
}

/// A deadline of the file: due day, the stage it is for, working days left.
pub struct DeadlineView {
    pub due: String,
    pub until: String,
    /// "còn 5 ngày làm việc" / "quá hạn 182 ngày làm việc".
    pub left: String,
    pub overdue: bool,
    /// Counted from a decision's date because its receipt is not recorded.
    pub assumed: bool,
    /// The day it counts from.
    pub started: String,
    /// The earliest day its step may be taken ("sớm nhất từ 01/12/2027"),
    /// when a rule makes it wait (probation); empty otherwise.
    pub earliest: String,
}

/// A stage of the procedure in the dossier's stepper: `done`, `current`
/// or `todo`.
pub struct StepView {
    pub name: String,
    pub state: &'static str,
}

/// The stepper of the profile's stages for a file at `stage`: the stages
/// before it done, it current (done too once the file is closed), the rest
/// to come. A file that left the procedure shows the stages it went through.
fn stepper(
    profile: &ranks_domain::procedure::Profile,
    lang: crate::i18n::Lang,
    f: &ranks_app::pipeline::CandidateFile,
) -> Vec<StepView> {
    let at = profile.position(&f.stage);
    let open = profile.is_open(&f.stage);
    profile
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match at {
                Some(p) if i < p || (i == p && !open) => "done",
                Some(p) if i == p => "current",
                None if f.history.iter().any(|h| h.stage == s.key) => "done",
                _ => "todo",
            };
            StepView {
                name: s.name(lang.code()).to_string(),
                state,
            }
        })
        .collect()
}

/// The folded forms that the next step still needs, opened for the user:
/// from the profile's gates on that step and what the file already holds.
#[derive(Default)]
pub struct Opens {
    pub mentor: bool,
    pub introducer: bool,
    pub certificate: bool,
}

fn opens(
    profile: &ranks_domain::procedure::Profile,
    next: &str,
    f: &ranks_app::pipeline::CandidateFile,
) -> Opens {
    use ranks_domain::procedure::GateKind as G;
    let mut o = Opens::default();
    for g in profile
        .gates
        .iter()
        .filter(|g| g.stages.iter().any(|s| s == next))
    {
        let has = |n: usize, c: u32| n < c as usize;
        match &g.kind {
            G::Mentors { count } => o.mentor |= has(f.mentors.len(), *count),
            G::ProbationMentor { count } => o.mentor |= has(f.probation_mentors.len(), *count),
            G::Introducers { count, .. } => o.introducer |= has(f.introducers.len(), *count),
            G::CertificateValid { .. } => o.certificate |= f.certificate.is_none(),
            _ => {}
        }
    }
    o
}

impl StepView {
    /// The Fluent key that says the step's state to a screen reader.
    pub fn state_key(&self) -> &'static str {
        match self.state {
            "done" => "look.step_done",
            "current" => "look.step_current",
            _ => "look.step_todo",
        }
    }
}

/// A member who may be chosen as mentor or introducer.
pub struct MemberChoice {
    pub id: i64,
    pub name: String,
    pub unit: String,
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
    /// The birth date, empty for an actor without personal details.
    birth: String,
    steps: Vec<StepView>,
    /// Folded forms the next step needs, shown open.
    opens: Opens,
    history: Vec<TimelineEntry>,
    next: String,
    next_name: String,
    vote: bool,
    checklist: Vec<ChecklistItem>,
    today: String,
    error_for: String,
    error: String,
    /// The refused rule (a `title`), and the link to the form that remedies it.
    error_rule: String,
    fix_href: String,
    fix_text: String,
    deadlines: Vec<DeadlineView>,
    mentors: String,
    writable: bool,
    choices: Vec<MemberChoice>,
    introducers: Vec<String>,
    certificate: String,
    /// The entries that may be withdrawn or corrected, with their forms.
    fixes: Vec<super::corrections::FixView>,
    /// What was withdrawn or corrected: who, when, why.
    kept: Vec<String>,
    /// The step form's fields (kept after a refusal).
    step: StepFields,
    last_vote: String,
    /// The actor may record the next step; if not, who does.
    may_record: bool,
    recorded_by: String,
    /// A finished or closed file says so (and links to the member page).
    closed_note: String,
    member_link: String,
    /// The earliest day of the next step, when a rule makes it wait.
    earliest: String,
}

/// The earliest day the next step may be taken when a rule makes it wait:
/// the end of probation for the recognition vote.
fn earliest_next(
    profile: &ranks_domain::procedure::Profile,
    f: &ranks_app::pipeline::CandidateFile,
    next: &str,
) -> Option<ranks_domain::Date> {
    use ranks_domain::procedure::GateKind;
    let ceremony = f
        .history
        .iter()
        .rev()
        .find(|h| h.stage == profile.ceremony_stage().key)?
        .on;
    profile
        .gates
        .iter()
        .filter(|g| g.stages.iter().any(|s| s == next))
        .find_map(|g| match g.kind {
            GateKind::ProbationComplete { months } => {
                ceremony.checked_add_months(chrono::Months::new(months))
            }
            _ => None,
        })
}

/// What the file's state says at the top and next to the step: a
/// finished or closed file (and the member page), or the earliest day of
/// the next step.
fn file_state(
    tr: Tr,
    profile: &ranks_domain::procedure::Profile,
    f: &ranks_app::pipeline::CandidateFile,
    next: Option<&ranks_domain::procedure::StageDef>,
) -> (String, String, String) {
    let open = profile.is_open(&f.stage);
    let closed_note = if open {
        String::new()
    } else if f.stage == profile.recognition_stage().key {
        tr.get("cand.finished").to_string()
    } else {
        tr.get("cand.closed").to_string()
    };
    let member_link = f
        .member_id
        .filter(|_| !open)
        .map(|m| format!("/members/{m}"))
        .unwrap_or_default();
    let earliest = next
        .and_then(|n| earliest_next(profile, f, &n.key))
        .map(|d| tr.args("cand.earliest", &[("date", tr.date(&d).into())]))
        .unwrap_or_default();
    (closed_note, member_link, earliest)
}

/// The file's deadlines in words; the next step's carries its earliest day.
fn deadline_views(
    tr: Tr,
    profile: &ranks_domain::procedure::Profile,
    f: &ranks_app::pipeline::CandidateFile,
    next: Option<&ranks_domain::procedure::StageDef>,
    earliest: &str,
) -> Vec<DeadlineView> {
    f.deadlines
        .iter()
        .map(|d| DeadlineView {
            earliest: if next.is_some_and(|n| n.key == d.until) {
                earliest.to_string()
            } else {
                String::new()
            },
            due: tr.date(&d.due),
            until: tr.stage(profile, &d.until),
            left: tr.days_left(d.working_days_left),
            overdue: d.overdue,
            assumed: d.assumed_start,
            started: tr.date(&d.started),
        })
        .collect()
}

pub(super) async fn candidate_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    error: Option<FormError>,
    entered: Entered,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let f = st.app.candidate_file(&auth.actor, id).await.page(lang)?;
    let profile = st.app.profile();
    // A finished or closed file takes no more entries: no forms.
    let writable = auth.actor.role.writes() && profile.is_open(&f.stage);
    let choices = if writable {
        let c = st.app.member_choices(&auth.actor, id).await.page(lang)?;
        c.into_iter()
            .map(|m| MemberChoice {
                id: m.id,
                name: m.full_name,
                unit: m.unit,
            })
            .collect()
    } else {
        Vec::new()
    };
    let (fixes, kept) = super::corrections::views(st, auth, &f, lang).await?;
    let error = error.unwrap_or_default();
    let next = if profile.is_open(&f.stage) {
        profile
            .position(&f.stage)
            .and_then(|p| profile.stages.get(p + 1))
            .cloned()
    } else {
        None
    };
    let (closed_note, member_link, earliest) = file_state(tr, profile, &f, next.as_ref());
    let level = st.app.recording_level(&auth.actor).await.page(lang)?;
    let may_record = next
        .as_ref()
        .is_none_or(|n| profile.may_record(&n.key, level));
    let on = entered
        .date
        .as_deref()
        .and_then(|d| ranks_domain::parse_date("date", d).ok())
        .unwrap_or_else(|| st.app.clock().today());
    let registry = match &next {
        Some(n) if writable => st
            .app
            .registry_eligible(&auth.actor, id, &n.key, on)
            .await
            .page(lang)?,
        _ => None,
    };
    let step = StepFields::new(&tr, profile, next.as_ref(), on, registry, entered);
    let recorded_by = next
        .as_ref()
        .filter(|_| !may_record)
        .map(|n| vote_view::recorded_by(&tr, profile, n, level))
        .unwrap_or_default();
    let t = CandidateTemplate {
        step,
        may_record,
        recorded_by,
        last_vote: vote_view::latest_vote(&tr, profile, &f),
        tr,
        path: format!("/candidates/{id}"),
        term: String::new(),
        csrf: auth.csrf.clone(),
        stage_name: tr.stage(profile, &f.stage),
        since: tr.date(&f.stage_since),
        birth: f
            .birth_date
            .as_ref()
            .map(|d| tr.date(d))
            .unwrap_or_default(),
        steps: stepper(profile, lang.lang, &f),
        opens: next
            .as_ref()
            .map(|n| opens(profile, &n.key, &f))
            .unwrap_or_default(),
        history: f
            .history
            .iter()
            .map(|h| TimelineEntry {
                stage: tr.stage(profile, &h.stage),
                on: tr.date(&h.on),
                by: tr.who(&h.recorded_by),
                vote: vote_view::vote_of(&f, &h.stage, &h.on)
                    .map(|v| vote_view::vote_text(&tr, v))
                    .unwrap_or_default(),
            })
            .collect(),
        next: next.as_ref().map(|n| n.key.clone()).unwrap_or_default(),
        next_name: next
            .as_ref()
            .map(|n| n.name(lang.lang.code()).to_string())
            .unwrap_or_default(),
        vote: next.as_ref().is_some_and(|n| n.vote),
        checklist: next
            .as_ref()
            .map(|n| {
                n.documents
                    .iter()
                    .map(|d| ChecklistItem {
                        code: d.clone(),
                        name: profile.documents.get(d).cloned().unwrap_or_default(),
                        present: f.documents.iter().any(|(c, _)| c == d),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        today: st.app.clock().today().to_string(),
        error_for: error.form,
        error: error.message,
        error_rule: error.rule,
        fix_href: error.fix_href,
        fix_text: error.fix_text,
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
                (None, _) => resolution(&tr, &i.kind, &f.documents),
            })
            .collect(),
        certificate: f
            .certificate
            .as_ref()
            .map(|(on, number)| format!("{number} — {}", tr.date(on)))
            .unwrap_or_default(),
        closed_note,
        member_link,
        earliest: earliest.clone(),
        deadlines: deadline_views(tr, profile, &f, next.as_ref(), &earliest),
        mentors: f.mentors.join(", "),
        fixes,
        kept,
        f,
    };
    render(&t, lang)
}

/// A candidate's dossier: timeline, the next step's checklist and form, deadlines, mentors.
pub async fn candidate(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    candidate_page(&st, &auth, id, &lang, None, Entered::default()).await
}

#[derive(Deserialize)]
pub struct StepForm {
    pub version: Option<i64>,
    pub stage: String,
    pub date: Option<String>,
    pub eligible: Option<u32>,
    pub present: Option<u32>,
    pub in_favour: Option<u32>,
    pub against: Option<u32>,
    pub eligible_reason: Option<String>,
}

/// Records a step from the form; a refusal is shown next to the form.
pub async fn candidate_step(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<StepForm>,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let on = f
        .date
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| ranks_domain::parse_date("date", d))
        .transpose()
        .map_err(|e| lang.error(e.into()))?;
    let vote = match (f.eligible, f.present, f.in_favour, f.against) {
        (Some(e), Some(p), Some(i), Some(a)) => Some(ranks_domain::procedure::Vote {
            eligible: e,
            present: p,
            in_favour: i,
            against: a,
        }),
        _ => None,
    };
    let entered = Entered {
        date: f.date.clone(),
        eligible: f.eligible,
        present: f.present,
        in_favour: f.in_favour,
        against: f.against,
        reason: f.eligible_reason.clone(),
    };
    let input = ranks_app::pipeline::StepInput {
        stage: f.stage,
        on,
        vote,
        skip_reason: None,
        eligible_reason: f.eligible_reason.clone(),
        version: f.version,
    };
    match st.app.record_step(&auth.actor, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/candidates/{id}")).into_response()),
        Err(e @ ranks_app::AppError::Refused(_)) => with_status(
            candidate_page(
                &st,
                &auth,
                id,
                &lang,
                Some(FormError::of(tr, "step", &e)),
                entered,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Someone changed the file meanwhile: the page as it is now,
        // with what changed next to the form.
        Err(e @ ranks_app::AppError::Conflict(_)) => with_status(
            candidate_page(
                &st,
                &auth,
                id,
                &lang,
                Some(FormError::of(tr, "step", &e)),
                entered,
            )
            .await,
            StatusCode::CONFLICT,
        ),
        Err(e) => Err(lang.error(e)),
    }
}

#[derive(Deserialize)]
pub struct DocumentForm {
    pub code: String,
    pub date: Option<String>,
}

pub async fn candidate_document(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<DocumentForm>,
) -> Result<Response, WebError> {
    let result = match form_date("date", f.date.as_deref()) {
        Ok(on) => st.app.record_document(&auth.actor, id, &f.code, on).await,
        Err(e) => Err(e),
    };
    form_outcome(&st, &auth, id, &lang, "document", result).await
}

/// After a candidate form: back to the dossier on success (post/redirect/get);
/// on bad input or a refusal the dossier again, with the message next to
/// the form that caused it (422). Anything else (not found, not allowed)
/// is the usual error page.
pub(super) async fn form_outcome(
    st: &AppState,
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    form: &str,
    result: Result<(), ranks_app::AppError>,
) -> Result<Response, WebError> {
    use ranks_app::AppError as E;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/candidates/{id}#{form}")).into_response()),
        Err(e @ (E::Refused(_) | E::Invalid(_) | E::Conflict(_))) => {
            let msg = FormError::of(Tr { lang: lang.lang }, form, &e);
            with_status(
                candidate_page(st, auth, id, lang, Some(msg), Entered::default()).await,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(lang.error(e)),
    }
}

#[derive(Deserialize)]
pub struct MentorForm {
    pub member: String,
    pub probation: Option<String>,
    pub date: Option<String>,
}

pub async fn candidate_mentor(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<MentorForm>,
) -> Result<Response, WebError> {
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
    form_outcome(&st, &auth, id, &lang, "mentor", result).await
}

#[derive(Deserialize)]
pub struct IntroducerForm {
    pub member: Option<String>,
    pub since: Option<String>,
    pub date: Option<String>,
}

pub async fn candidate_introducer(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<IntroducerForm>,
) -> Result<Response, WebError> {
    let run = async {
        let member = match f.member.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some("trade_union") => {
                let on = form_date("date", f.date.as_deref())?;
                return st.app.add_trade_union_introducer(&auth.actor, id, on).await;
            }
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
    form_outcome(&st, &auth, id, &lang, "introducer", result).await
}

/// A resolution introducing the candidate, with its form and the day it
/// was recorded.
fn resolution(tr: &Tr, kind: &str, documents: &[(String, ranks_domain::Date)]) -> String {
    let (label, form) = match kind {
        "trade_union" => (tr.get("cand.trade_union"), "4A-KNĐ"),
        _ => (tr.get("cand.youth_union"), "4-KNĐ"),
    };
    match documents.iter().find(|(c, _)| c == form) {
        Some((_, on)) => format!("{label} — {}", tr.date(on)),
        None => label.to_string(),
    }
}

#[derive(Deserialize)]
pub struct MembershipsForm {
    pub youth_union: Option<String>,
    pub trade_union: Option<String>,
}

/// The candidate's memberships of the Youth Union and the trade union
/// (unchecked boxes are not sent: not a member).
pub async fn candidate_memberships(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<MembershipsForm>,
) -> Result<Response, WebError> {
    let result = st
        .app
        .set_memberships(
            &auth.actor,
            id,
            Some(f.youth_union.is_some()),
            Some(f.trade_union.is_some()),
        )
        .await
        .map(|_| ());
    form_outcome(&st, &auth, id, &lang, "memberships", result).await
}

#[derive(Deserialize)]
pub struct ReceiptForm {
    pub received_on: Option<String>,
}

/// The day the cell received the admission decision: the ceremony's 30
/// working days count from it (294-QĐ/TW mục 4.1).
pub async fn candidate_receipt(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<ReceiptForm>,
) -> Result<Response, WebError> {
    let run = async {
        let on = form_date("received_on", f.received_on.as_deref())?.ok_or_else(|| {
            ranks_domain::DomainError::invalid(
                "received_on",
                "",
                "the day the decision was received",
            )
        })?;
        let stage = st.app.profile().admission_stage().key.clone();
        st.app.record_receipt(&auth.actor, id, &stage, on).await
    };
    let result = run.await;
    form_outcome(&st, &auth, id, &lang, "receipt", result).await
}

#[derive(Deserialize)]
pub struct CertificateForm {
    pub issued: Option<String>,
    pub number: String,
}

pub async fn candidate_certificate(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<CertificateForm>,
) -> Result<Response, WebError> {
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
    form_outcome(&st, &auth, id, &lang, "certificate", result).await
}
