//! Transfers seen from both ends: a unit's outgoing and incoming files with
//! the forms that start one, and one file's page (status history,
//! checklist, deadlines, and the answering end's forms).

use super::{form_date, render, with_status};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ranks_app::transfers::{
    ArrivalInput, Arriving, Destination, End, TransferAction, TransferFile, TransferInput,
    TransferSummary,
};
use ranks_app::AppError;
use ranks_domain::{DomainError, MemberStatus};
use std::collections::HashMap;

/// A row of a unit's list, worded.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// The other end: a unit, or an organisation outside the system.
    pub other: String,
    pub sent: String,
    pub status: String,
    pub status_key: String,
    pub due: String,
    pub overdue: bool,
}

/// One end's list.
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    /// The other end's column header.
    pub other: &'static str,
    pub rows: Vec<Row>,
}

/// A paper of the checklist as a form offers it.
pub struct Paper {
    pub key: String,
    pub label: String,
    /// official, temporary or both, worded.
    pub kinds: String,
}

#[derive(Template)]
#[template(path = "transfers.html")]
struct UnitTransfers {
    tr: Tr,
    path: String,
    term: String,
    code: String,
    name: String,
    sections: Vec<Section>,
    writable: bool,
    csrf: String,
    papers: Vec<Paper>,
    member: String,
    error: String,
    error_for: String,
}

fn other_end(tr: &Tr, unit: &Option<(String, String)>, text: &Option<String>) -> String {
    match (unit, text) {
        (Some((code, name)), _) => format!("{name} ({code})"),
        (None, Some(t)) => format!("{t} ({})", tr.get("transfer.outside")),
        (None, None) => String::new(),
    }
}

fn row(tr: &Tr, t: &TransferSummary, outgoing: bool) -> Row {
    let other = if outgoing {
        other_end(tr, &t.to, &t.destination)
    } else {
        other_end(tr, &t.from, &t.origin)
    };
    Row {
        id: t.id,
        name: t.full_name.clone(),
        kind: tr.get(&format!("transfer.kind.{}", t.kind)).to_string(),
        other,
        sent: tr.date(&t.sent_on),
        status: tr.get(&format!("transfer.status.{}", t.status)).to_string(),
        status_key: t.status.clone(),
        due: t.present_due.map(|d| tr.date(&d)).unwrap_or_default(),
        overdue: t.overdue,
    }
}

fn papers(st: &AppState, tr: &Tr) -> Vec<Paper> {
    let Some(rules) = &st.app.profile().members else {
        return Vec::new();
    };
    rules
        .handover
        .iter()
        .map(|h| Paper {
            key: h.key.clone(),
            label: h.vi.clone(),
            kinds: match (h.official, h.temporary) {
                (true, true) => format!(
                    "{}, {}",
                    tr.get("transfer.kind.official"),
                    tr.get("transfer.kind.temporary")
                ),
                (true, false) => tr.get("transfer.kind.official").to_string(),
                _ => tr.get("transfer.kind.temporary").to_string(),
            },
        })
        .collect()
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    /// The member a transfer is started for (from the member's page).
    pub member: Option<i64>,
}

async fn unit_page(
    st: &AppState,
    auth: &Auth,
    code: &str,
    lang: &PageLang,
    member: String,
    error: (String, &str),
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let unit = st.app.unit(&auth.actor, code).await.page(lang)?;
    let out = st
        .app
        .unit_transfers(&auth.actor, code, End::Outgoing)
        .await
        .page(lang)?;
    let inc = st
        .app
        .unit_transfers(&auth.actor, code, End::Incoming)
        .await
        .page(lang)?;
    let page = UnitTransfers {
        tr,
        path: format!("/units/{}/transfers", unit.code),
        term: String::new(),
        code: unit.code.to_string(),
        name: unit.name.clone(),
        sections: vec![
            Section {
                id: "outgoing",
                title: tr.get("transfer.outgoing"),
                other: tr.get("transfer.to"),
                rows: out.iter().map(|t| row(&tr, t, true)).collect(),
            },
            Section {
                id: "incoming",
                title: tr.get("transfer.incoming"),
                other: tr.get("transfer.from"),
                rows: inc.iter().map(|t| row(&tr, t, false)).collect(),
            },
        ],
        writable: auth.actor.role.writes(),
        csrf: auth.csrf.clone(),
        papers: papers(st, &tr),
        member,
        error: error.0,
        error_for: error.1.to_string(),
    };
    render(&page, lang)
}

/// A unit's outgoing and incoming transfers, and the forms that start one.
pub async fn unit_transfers(
    State(st): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let member = q.member.map(|m| m.to_string()).unwrap_or_default();
    unit_page(&st, &auth, &code, &lang, member, (String::new(), "")).await
}

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn documents(f: &Fields) -> Vec<String> {
    let mut d: Vec<String> = f
        .keys()
        .filter_map(|k| k.strip_prefix("doc_").map(str::to_string))
        .collect();
    d.sort();
    d
}

fn required<'a>(
    f: &'a Fields,
    name: &'static str,
    what: &'static str,
) -> Result<&'a str, AppError> {
    field(f, name).ok_or_else(|| DomainError::invalid(name, "", what).into())
}

fn transfer_input(f: &Fields) -> Result<TransferInput, AppError> {
    let member_id = required(f, "member", "the member's number")?;
    let member_id = member_id
        .parse()
        .map_err(|_| DomainError::invalid("member", member_id, "the member's number"))?;
    let temporary = match field(f, "kind").unwrap_or("official") {
        "official" => false,
        "temporary" => true,
        other => return Err(DomainError::invalid("kind", other, "official or temporary").into()),
    };
    let to = match (field(f, "cell"), field(f, "destination")) {
        (Some(c), None) => Destination::Cell(c.to_string()),
        (None, Some(d)) => Destination::Outside(d.to_string()),
        _ => {
            return Err(DomainError::invalid(
                "cell",
                "",
                "either a cell's code or an organisation outside the system (destination)",
            )
            .into())
        }
    };
    Ok(TransferInput {
        member_id,
        temporary,
        to,
        sent_on: form_date("sent_on", field(f, "sent_on"))?,
        decided_on: form_date("decided_on", field(f, "decided_on"))?,
        until: form_date("until", field(f, "until"))?,
        study: field(f, "study").is_some(),
        documents: documents(f),
    })
}

/// Failed form: the page again with the message (a client error), or the error page.
async fn again(
    st: &AppState,
    auth: &Auth,
    code: &str,
    lang: &PageLang,
    f: &Fields,
    e: WebError,
    form: &str,
) -> Result<Response, WebError> {
    // A member, a cell or a date the form named: shown by the form (the
    // unit of the page itself, if unseen, answers its own 404).
    if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN {
        let status = if e.status == StatusCode::CONFLICT {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let member = field(f, "member").unwrap_or_default().to_string();
        return with_status(
            unit_page(st, auth, code, lang, member, (e.message, form)).await,
            status,
        );
    }
    let mut e = e;
    e.html = Some(lang.lang);
    Err(e)
}

/// Starts a transfer from the unit's page.
pub async fn create_transfer(
    State(st): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let result = match transfer_input(&f) {
        Ok(input) => st.app.create_transfer(&auth.actor, input).await,
        Err(e) => Err(e),
    };
    match result.page(&lang) {
        Ok(id) => Ok(Redirect::to(&format!("/transfers/{id}")).into_response()),
        Err(e) => again(&st, &auth, &code, &lang, &f, e, "transfer").await,
    }
}

fn arrival_input(code: &str, f: &Fields) -> Result<ArrivalInput, AppError> {
    let who = match field(f, "former") {
        Some(id) => Arriving::Former {
            member_id: id
                .parse()
                .map_err(|_| DomainError::invalid("former", id, "a former member's number"))?,
        },
        None => Arriving::New {
            person: ranks_domain::member::NewPerson {
                full_name: required(f, "full_name", "a family and a given name")?.to_string(),
                gender: field(f, "gender").unwrap_or_default().to_string(),
                birth_date: ranks_domain::parse_date(
                    "birth_date",
                    required(f, "birth_date", "a date")?,
                )?,
                ethnicity: field(f, "ethnicity").unwrap_or_default().to_string(),
                education: field(f, "education").unwrap_or_default().to_string(),
                occupation: field(f, "occupation").unwrap_or_default().to_string(),
            },
            status: MemberStatus::parse(field(f, "status").unwrap_or("official"))?,
            admitted_on: ranks_domain::parse_date(
                "admitted_on",
                required(f, "admitted_on", "a date")?,
            )?,
            official_on: form_date("official_on", field(f, "official_on"))?,
        },
    };
    Ok(ArrivalInput {
        cell: code.to_string(),
        origin: field(f, "origin").unwrap_or_default().to_string(),
        who,
        sent_on: ranks_domain::parse_date("sent_on", required(f, "sent_on", "a date")?)?,
        received_on: form_date("received_on", field(f, "received_on"))?,
        documents: documents(f),
    })
}

/// Records a member arriving from outside the system at this cell.
pub async fn record_arrival(
    State(st): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let result = match arrival_input(&code, &f) {
        Ok(input) => st.app.record_arrival(&auth.actor, input).await,
        Err(e) => Err(e),
    };
    match result.page(&lang) {
        Ok(id) => Ok(Redirect::to(&format!("/transfers/{id}")).into_response()),
        Err(e) => again(&st, &auth, &code, &lang, &f, e, "arrival").await,
    }
}

/// A deadline, worded.
pub struct DeadlineLine {
    pub what: String,
    pub from: String,
    pub due: String,
    pub state: String,
    pub late: bool,
    pub source: String,
}

/// A checklist line, worded.
pub struct PaperLine {
    pub key: String,
    pub label: String,
    pub handed: String,
    pub received: String,
    pub missing: bool,
}

/// A history line, worded.
pub struct StepLine {
    pub status: String,
    pub on: String,
    pub by: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    tr: Tr,
    path: String,
    term: String,
    f: TransferFile,
    title: String,
    kind: String,
    status: String,
    from: String,
    to: String,
    back: String,
    member_status: String,
    dates: Vec<(String, String)>,
    papers: Vec<PaperLine>,
    handover_source: String,
    deadlines: Vec<DeadlineLine>,
    history: Vec<StepLine>,
    can_receive: bool,
    can_register: bool,
    csrf: String,
    error: String,
}

fn deadline_line(tr: &Tr, d: &ranks_app::transfers::TransferDeadline) -> DeadlineLine {
    let n = i64::from(d.working_days);
    let what = tr.args(
        &format!("transfer.deadline.{}", d.key),
        &[("days", n.into())],
    );
    let state = match d.met_on {
        Some(m) if d.late => tr.args("transfer.deadline.met_late", &[("on", tr.date(&m).into())]),
        Some(m) => tr.args("transfer.deadline.met", &[("on", tr.date(&m).into())]),
        None if d.overdue => tr.args(
            "transfer.deadline.overdue",
            &[("days", (-d.working_days_left).into())],
        ),
        None => tr.args(
            "transfer.deadline.left",
            &[("days", d.working_days_left.into())],
        ),
    };
    DeadlineLine {
        what,
        from: tr.date(&d.from),
        due: tr.date(&d.due),
        state,
        late: d.late || d.overdue,
        source: d.source.clone(),
    }
}

async fn file_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    error: String,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let f = st.app.transfer_file(&auth.actor, id).await.page(lang)?;
    let yes_no = |b: bool| tr.yes_no(b).to_string();
    let mut dates = Vec::new();
    if let Some(d) = f.decided_on {
        dates.push((tr.get("transfer.decided_on").to_string(), tr.date(&d)));
    }
    dates.push((tr.get("transfer.sent_on").to_string(), tr.date(&f.sent_on)));
    if let Some(u) = f.until {
        dates.push((tr.get("transfer.until").to_string(), tr.date(&u)));
    }
    let back = match (&f.from, &f.to) {
        (Some((code, _)), _) if f.sender => code.clone(),
        (_, Some((code, _))) => code.clone(),
        (Some((code, _)), None) => code.clone(),
        _ => String::new(),
    };
    let page = TransferPage {
        tr,
        path: format!("/transfers/{id}"),
        term: String::new(),
        title: tr.args(
            "transfer.title",
            &[("name", f.member.full_name.clone().into())],
        ),
        kind: tr.get(&format!("transfer.kind.{}", f.kind)).to_string()
            + if f.study {
                tr.get("transfer.study_suffix")
            } else {
                ""
            },
        status: tr.get(&format!("transfer.status.{}", f.status)).to_string(),
        from: other_end(&tr, &f.from, &f.origin),
        to: other_end(&tr, &f.to, &f.destination),
        back,
        member_status: MemberStatus::parse(&f.member.status)
            .map(|s| tr.status(&s).to_string())
            .unwrap_or_default(),
        dates,
        papers: f
            .checklist
            .iter()
            .map(|c| PaperLine {
                key: c.key.clone(),
                label: c.label.clone(),
                handed: yes_no(c.handed_over),
                received: c.received.map(yes_no).unwrap_or_else(|| "—".into()),
                missing: c.received == Some(false) || !c.handed_over,
            })
            .collect(),
        handover_source: f.handover_source.clone().unwrap_or_default(),
        deadlines: f.deadlines.iter().map(|d| deadline_line(&tr, d)).collect(),
        history: f
            .history
            .iter()
            .map(|h| StepLine {
                status: tr.get(&format!("transfer.status.{}", h.status)).to_string(),
                on: tr.date(&h.on),
                by: h.by.clone(),
                note: h.note.clone(),
            })
            .collect(),
        can_receive: f.answers && f.status == "sent",
        can_register: f.answers && f.status == "received",
        csrf: auth.csrf.clone(),
        error,
        f,
    };
    render(&page, lang)
}

/// One transfer file, as the actor's end sees it.
pub async fn transfer(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    file_page(&st, &auth, id, &lang, String::new()).await
}

fn action_of(f: &Fields) -> Result<TransferAction, AppError> {
    match field(f, "action").unwrap_or_default() {
        "receive" => Ok(TransferAction::Receive {
            documents: documents(f),
        }),
        "register" => Ok(TransferAction::Register),
        "refuse" => Ok(TransferAction::Refuse {
            reason: field(f, "reason").unwrap_or_default().to_string(),
        }),
        other => Err(DomainError::invalid("action", other, "receive, register or refuse").into()),
    }
}

/// The answering end records receipt, registration or refusal.
pub async fn transfer_action(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let result = match (action_of(&f), form_date("date", field(&f, "date"))) {
        (Ok(a), Ok(on)) => st.app.transfer_action(&auth.actor, id, a, on).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result.page(&lang) {
        Ok(()) => Ok(Redirect::to(&format!("/transfers/{id}")).into_response()),
        Err(e)
            if e.status.is_client_error()
                && !matches!(e.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) =>
        {
            let status = if e.status == StatusCode::CONFLICT {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            with_status(file_page(&st, &auth, id, &lang, e.message).await, status)
        }
        Err(mut e) => {
            e.html = Some(lang.lang);
            Err(e)
        }
    }
}
