//! A candidate's dossier and its forms: step, document, mentor, introducer, certificate.

use super::{form_date, lang_of, respond};
use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

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
