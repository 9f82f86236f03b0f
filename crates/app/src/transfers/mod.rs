//! Transfers seen from both ends (issue 17, part 4; docs/transfers.md).
//!
//! A transfer of party activity (chuyển sinh hoạt đảng), official or
//! temporary, is a file with a status both units see: the sending unit's
//! staff create it (sent); the receiving unit's staff record the papers
//! presented (received), then register the member or refuse with a
//! reason. The member row changes only at registration, in the same
//! transaction that appends the member's audit entry, so the roll-up index
//! and the summaries (which follow the audit log) move the count exactly
//! then. A transfer out of the system names a free-text destination: the
//! sending unit records the destination's answer. An arrival from outside
//! names a free-text origin and the member as the papers describe them.

mod view;

pub use view::{
    ChecklistItem, MemberBrief, TransferDeadline, TransferFile, TransferStep, TransferSummary,
};

use crate::ops::Ctx;
use crate::scope::{self, Visible};
use crate::{Actor, App, AppError};
use chrono::Datelike;
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus};
use ranks_store::records::members::{self, NewPerson};
use ranks_store::records::transfers::{self as store, NewTransfer, TransferRow};
use serde_json::json;

pub use ranks_store::records::transfers::End;

/// At most this many papers are named on a file.
const MAX_DOCUMENTS: usize = 20;

/// Where a transfer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A cell Ranks holds, by its code.
    Cell(String),
    /// An organisation Ranks does not hold, in words.
    Outside(String),
}

/// A transfer as the sending unit's staff start it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferInput {
    pub member_id: i64,
    pub temporary: bool,
    pub to: Destination,
    /// The introduction letter's day (today when absent).
    pub sent_on: Option<Date>,
    /// The decision the transfer follows (new post, retirement, move).
    pub decided_on: Option<Date>,
    /// A temporary transfer's end.
    pub until: Option<Date>,
    pub study: bool,
    /// The checklist's keys handed over with the letter.
    pub documents: Vec<String>,
}

/// Who arrives from outside.
#[derive(Debug, Clone, PartialEq)]
pub enum Arriving {
    /// A former member of a unit the actor sees, back from outside (the
    /// member row that was transferred out is taken up again).
    Former { member_id: i64 },
    /// Someone Ranks has never held, as their papers describe them.
    New {
        person: NewPerson,
        status: MemberStatus,
        admitted_on: Date,
        official_on: Option<Date>,
    },
}

/// A member arriving with their papers from an organisation Ranks does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalInput {
    pub cell: String,
    pub origin: String,
    pub who: Arriving,
    /// The introduction letter's day.
    pub sent_on: Date,
    /// The day the papers were presented (today when absent).
    pub received_on: Option<Date>,
    pub documents: Vec<String>,
}

/// What the answering end records on a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferAction {
    /// The member presented the letter: the papers found.
    Receive { documents: Vec<String> },
    /// The receiving unit registers the member: the count moves.
    Register,
    /// The receiving unit refuses: the member stays where they were.
    Refuse { reason: String },
}

impl TransferAction {
    fn status(&self) -> &'static str {
        match self {
            TransferAction::Receive { .. } => "received",
            TransferAction::Register => "registered",
            TransferAction::Refuse { .. } => "refused",
        }
    }
}

/// Whether a status leaves the file open.
pub fn is_open(status: &str) -> bool {
    matches!(status, "sent" | "received")
}

fn not_after_today(field: &'static str, on: Date, today: Date) -> Result<Date, AppError> {
    if on > today {
        return Err(DomainError::invalid(field, on.to_string(), "a date not after today").into());
    }
    // The working-day calendar holds from 1900; the Party's papers from its founding.
    if on.year() < 1930 {
        return Err(DomainError::invalid(
            field,
            on.to_string(),
            "a date from 1930 (the Party's founding) on",
        )
        .into());
    }
    Ok(on)
}

impl App {
    /// The checklist's keys for a kind of transfer, checked; unknown keys
    /// name the field.
    fn documents(&self, temporary: bool, given: &[String]) -> Result<Vec<String>, AppError> {
        if given.len() > MAX_DOCUMENTS {
            return Err(DomainError::invalid(
                "documents",
                given.len().to_string(),
                "at most 20 papers",
            )
            .into());
        }
        let rules = self.profile().members.as_ref();
        let mut out: Vec<String> = Vec::new();
        for g in given {
            let g = g.trim();
            let known = rules.is_some_and(|r| r.handover_for(temporary).any(|h| h.key == g));
            if !known {
                return Err(DomainError::invalid(
                    "documents",
                    g,
                    "papers of the transfer's checklist (the profile's members.handover)",
                )
                .into());
            }
            if !out.iter().any(|o| o == g) {
                out.push(g.to_string());
            }
        }
        Ok(out)
    }

    /// Starts a transfer: the file is sent; the member stays counted where
    /// they are until the receiving end registers them.
    pub async fn create_transfer(
        &self,
        actor: &Actor,
        input: TransferInput,
    ) -> Result<i64, AppError> {
        let today = self.clock().today();
        let sent_on = not_after_today("sent_on", input.sent_on.unwrap_or(today), today)?;
        let decided_on = input
            .decided_on
            .map(|d| not_after_today("decided_on", d, today))
            .transpose()?;
        if decided_on.is_some_and(|d| d > sent_on) {
            return Err(DomainError::invalid(
                "decided_on",
                decided_on.map(|d| d.to_string()).unwrap_or_default(),
                "a date on or before the letter (sent_on)",
            )
            .into());
        }
        let documents = self.documents(input.temporary, &input.documents)?;
        let until = if input.temporary {
            let until = input.until.ok_or_else(|| {
                AppError::from(DomainError::invalid(
                    "until",
                    "",
                    "the day a temporary transfer ends",
                ))
            })?;
            self.check_temporary_band(sent_on, until, input.study)?;
            Some(until)
        } else {
            None
        };
        let destination = match &input.to {
            Destination::Outside(text) => {
                let text = bounded("destination", text, limits::LINE)?;
                if text.is_empty() {
                    return Err(DomainError::invalid(
                        "destination",
                        "",
                        "the organisation the member goes to",
                    )
                    .into());
                }
                Some(text)
            }
            Destination::Cell(_) => None,
        };
        self.run(actor, move |cx| {
            Box::pin(async move {
                let member = scope::member(cx.tx.conn(), cx.actor, input.member_id).await?;
                if !member.status.is_current() {
                    return Err(AppError::Conflict(format!(
                        "member {} is {}; only current members transfer",
                        member.id,
                        member.status.as_str()
                    )));
                }
                refuse_if_open(cx, member.id).await?;
                if input.temporary && member.host_unit_id.is_some() {
                    return Err(AppError::Conflict(format!(
                        "member {} is already on a temporary transfer",
                        member.id
                    )));
                }
                let to_unit_id = match &input.to {
                    Destination::Cell(code) => {
                        let cell = scope::transfer_destination(cx.tx.conn(), code).await?;
                        if !cell.kind.holds_members() || cell.id == member.unit_id {
                            return Err(AppError::Conflict(format!(
                                "{} is not another cell",
                                cell.code
                            )));
                        }
                        Some(cell.id)
                    }
                    Destination::Outside(_) => None,
                };
                let t = NewTransfer {
                    kind: if input.temporary {
                        "temporary"
                    } else {
                        "official"
                    }
                    .into(),
                    member_id: Some(member.id),
                    from_unit_id: Some(member.unit_id),
                    origin: None,
                    to_unit_id,
                    destination,
                    status: "sent".into(),
                    decided_on,
                    sent_on,
                    until,
                    study: input.temporary && input.study,
                    handed_over: documents,
                    arrival: None,
                };
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                let id = store::insert(cx.tx.conn(), &t, &by, &at).await?;
                store::add_event(cx.tx.conn(), id, "sent", sent_on, "", &by, &at).await?;
                let after = store::by_id(cx.tx.conn(), id).await?.map(|r| r.to_json());
                cx.audit("create", "transfer", id, None, after).await?;
                Ok(id)
            })
        })
        .await
    }

    /// A temporary transfer lasts the profile's band of whole months.
    fn check_temporary_band(&self, from: Date, until: Date, study: bool) -> Result<(), AppError> {
        if until <= from {
            return Err(DomainError::invalid(
                "until",
                until.to_string(),
                "a day after the letter (sent_on)",
            )
            .into());
        }
        match &self.profile().members {
            Some(r) => crate::pipeline::temporary_band(r, from, until, study),
            None => Ok(()),
        }
    }

    /// A member arriving from an organisation Ranks does not hold, papers
    /// presented: the file starts as received at the receiving cell.
    pub async fn record_arrival(
        &self,
        actor: &Actor,
        input: ArrivalInput,
    ) -> Result<i64, AppError> {
        let today = self.clock().today();
        let sent_on = not_after_today("sent_on", input.sent_on, today)?;
        let received_on =
            not_after_today("received_on", input.received_on.unwrap_or(today), today)?;
        if received_on < sent_on {
            return Err(DomainError::invalid(
                "received_on",
                received_on.to_string(),
                "a date on or after the letter (sent_on)",
            )
            .into());
        }
        let origin = bounded("origin", &input.origin, limits::LINE)?;
        if origin.is_empty() {
            return Err(DomainError::invalid(
                "origin",
                "",
                "the organisation the member comes from",
            )
            .into());
        }
        let documents = self.documents(false, &input.documents)?;
        let arrival = match &input.who {
            Arriving::Former { member_id } => json!({"former_member_id": member_id}),
            Arriving::New {
                person,
                status,
                admitted_on,
                official_on,
            } => {
                if !status.is_current() {
                    return Err(DomainError::invalid(
                        "status",
                        status.as_str(),
                        "probationary or official",
                    )
                    .into());
                }
                let admitted_on = not_after_today("admitted_on", *admitted_on, today)?;
                if let Some(o) = official_on {
                    if *o < admitted_on || *o > today {
                        return Err(DomainError::invalid(
                            "official_on",
                            o.to_string(),
                            "a date between the admission and today",
                        )
                        .into());
                    }
                }
                let p = crate::ops::clean_person(person, today)?;
                json!({
                    "person": members::person_json(&p), "status": status.as_str(),
                    "admitted_on": admitted_on, "official_on": official_on,
                })
            }
        };
        self.run(actor, move |cx| {
            Box::pin(async move {
                let cell = scope::unit(cx.tx.conn(), cx.actor, &input.cell).await?;
                if !cell.kind.holds_members() {
                    return Err(AppError::Conflict(format!("{} is not a cell", cell.code)));
                }
                let former = match &input.who {
                    Arriving::Former { member_id } => {
                        let m = scope::member(cx.tx.conn(), cx.actor, *member_id).await?;
                        if m.status != MemberStatus::TransferredOut {
                            return Err(AppError::Conflict(format!(
                                "member {} is {}; only a member transferred out comes back",
                                m.id,
                                m.status.as_str()
                            )));
                        }
                        refuse_if_open(cx, m.id).await?;
                        Some(m.id)
                    }
                    Arriving::New { .. } => None,
                };
                let t = NewTransfer {
                    kind: "official".into(),
                    member_id: former,
                    from_unit_id: None,
                    origin: Some(origin),
                    to_unit_id: Some(cell.id),
                    destination: None,
                    status: "received".into(),
                    decided_on: None,
                    sent_on,
                    until: None,
                    study: false,
                    handed_over: documents.clone(),
                    arrival: Some(arrival),
                };
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                let id = store::insert(cx.tx.conn(), &t, &by, &at).await?;
                store::set_status(cx.tx.conn(), id, "received", Some(&documents), None, None)
                    .await?;
                store::add_event(cx.tx.conn(), id, "sent", sent_on, "", &by, &at).await?;
                store::add_event(cx.tx.conn(), id, "received", received_on, "", &by, &at).await?;
                let after = store::by_id(cx.tx.conn(), id).await?.map(|r| r.to_json());
                cx.audit("create", "transfer", id, None, after).await?;
                Ok(id)
            })
        })
        .await
    }

    /// The answering end records the file's next status: the receiving
    /// unit's staff (the sending unit's for a destination outside the
    /// system, recording its answer).
    pub async fn transfer_action(
        &self,
        actor: &Actor,
        id: i64,
        action: TransferAction,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let today = self.clock().today();
        let on = not_after_today("date", on.unwrap_or(today), today)?;
        let action = match action {
            TransferAction::Receive { documents } => TransferAction::Receive {
                documents: documents.clone(),
            },
            TransferAction::Refuse { reason } => {
                let reason = bounded("reason", &reason, limits::NOTE)?;
                if reason.is_empty() {
                    return Err(
                        DomainError::invalid("reason", "", "why the transfer is refused").into(),
                    );
                }
                TransferAction::Refuse { reason }
            }
            TransferAction::Register => TransferAction::Register,
        };
        let app = self.clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let (t, ends) = scope::transfer(cx.tx.conn(), cx.actor, id).await?;
                let answers = if t.to_unit_id.is_some() {
                    ends.receiver
                } else {
                    ends.sender
                };
                if !answers {
                    return Err(AppError::Forbidden(
                        "the receiving unit records a transfer's receipt, registration or refusal"
                            .into(),
                    ));
                }
                let allowed = match &action {
                    TransferAction::Receive { .. } => t.status == "sent",
                    TransferAction::Register => t.status == "received",
                    TransferAction::Refuse { .. } => is_open(&t.status),
                };
                if !allowed {
                    return Err(AppError::Conflict(format!(
                        "transfer {id} is {}; it cannot be {} now",
                        t.status,
                        action.status()
                    )));
                }
                if on < t.sent_on {
                    return Err(DomainError::invalid(
                        "date",
                        on.to_string(),
                        "a date on or after the letter",
                    )
                    .into());
                }
                let before = t.to_json();
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                let note = match &action {
                    TransferAction::Receive { documents } => {
                        let docs = app.documents(t.kind == "temporary", documents)?;
                        store::set_status(cx.tx.conn(), id, "received", Some(&docs), None, None)
                            .await?;
                        String::new()
                    }
                    TransferAction::Refuse { reason } => {
                        store::set_status(cx.tx.conn(), id, "refused", None, Some(reason), None)
                            .await?;
                        reason.clone()
                    }
                    TransferAction::Register => {
                        let member_id = register(cx, &t, on).await?;
                        store::set_status(
                            cx.tx.conn(),
                            id,
                            "registered",
                            None,
                            None,
                            Some(member_id),
                        )
                        .await?;
                        String::new()
                    }
                };
                store::add_event(cx.tx.conn(), id, action.status(), on, &note, &by, &at).await?;
                let after = store::by_id(cx.tx.conn(), id).await?.map(|r| r.to_json());
                cx.audit(action.status(), "transfer", id, Some(before), after)
                    .await
            })
        })
        .await
    }
}

/// A member with an open file does not start another, nor move otherwise.
pub(crate) async fn refuse_if_open(cx: &mut Ctx<'_>, member_id: i64) -> Result<(), AppError> {
    if let Some(open) = store::open_for_member(cx.tx.conn(), member_id)
        .await?
        .first()
    {
        return Err(AppError::Conflict(format!(
            "member {member_id} has an open transfer (file {open}); it is registered or refused first"
        )));
    }
    Ok(())
}

/// Registration: the member row moves (or is created, for an arrival),
/// with the member's event and audit entry. Returns the member's id.
async fn register(cx: &mut Ctx<'_>, t: &Visible<TransferRow>, on: Date) -> Result<i64, AppError> {
    let to = match t.to_unit_id {
        Some(u) => Some(scope::unit_by_id(cx.tx.conn(), cx.actor, u).await?),
        None => None,
    };
    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
    let Some(member_id) = t.member_id else {
        // An arrival of someone Ranks has never held.
        let cell = to.expect("an arrival has a receiving cell");
        return register_new_arrival(cx, t, &cell, on).await;
    };
    let before = members::row(cx.tx.conn(), member_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: "member",
            key: member_id.to_string(),
        })?;
    let mut m = before.clone();
    let (kind, detail) = if t.from_unit_id.is_none() {
        // A former member back from outside.
        if m.status != MemberStatus::TransferredOut {
            return Err(AppError::Conflict(format!(
                "member {member_id} is {}; not transferred out",
                m.status.as_str()
            )));
        }
        let cell = to.expect("an arrival has a receiving cell");
        m.status = if m.official_on.is_some() {
            MemberStatus::Official
        } else {
            MemberStatus::Probationary
        };
        m.unit_id = cell.id;
        m.left_on = None;
        m.host_unit_id = None;
        m.host_until = None;
        (
            "transfer_in",
            json!({"origin": t.origin, "to": cell.code, "transfer": t.id}),
        )
    } else {
        if !m.status.is_current() || Some(m.unit_id) != t.from_unit_id {
            return Err(AppError::Conflict(format!(
                "member {member_id} is no longer a current member of the sending unit; the transfer is refused instead"
            )));
        }
        match (t.kind.as_str(), &to) {
            ("official", Some(cell)) => {
                m.unit_id = cell.id;
                m.host_unit_id = None;
                m.host_until = None;
                (
                    "transfer",
                    json!({"from_unit": before.unit_id, "to": cell.code, "transfer": t.id}),
                )
            }
            ("official", None) => {
                m.status = MemberStatus::TransferredOut;
                m.left_on = Some(on);
                (
                    "transfer_out",
                    json!({"destination": t.destination, "transfer": t.id}),
                )
            }
            (_, Some(cell)) => {
                m.host_unit_id = Some(cell.id);
                m.host_until = t.until;
                (
                    "temporary_transfer",
                    json!({"host": cell.code, "until": t.until, "study": t.study, "transfer": t.id}),
                )
            }
            (_, None) => (
                "temporary_transfer",
                json!({"destination": t.destination, "until": t.until, "study": t.study, "transfer": t.id}),
            ),
        }
    };
    members::update(cx.tx.conn(), &m).await?;
    members::add_event(cx.tx.conn(), member_id, kind, on, &detail, &by, &at).await?;
    cx.audit(
        kind,
        "member",
        member_id,
        Some(before.to_json()),
        Some(m.to_json()),
    )
    .await?;
    Ok(member_id)
}

async fn register_new_arrival(
    cx: &mut Ctx<'_>,
    t: &Visible<TransferRow>,
    cell: &Visible<ranks_store::records::units::UnitRow>,
    on: Date,
) -> Result<i64, AppError> {
    let corrupt = || {
        AppError::Store(ranks_store::StoreError::Corrupt(format!(
            "transfer {}: the arrival's papers",
            t.id
        )))
    };
    let a = t.arrival.as_ref().ok_or_else(corrupt)?;
    let p = &a["person"];
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let day = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| ranks_domain::parse_date("date", s).ok())
    };
    let person = NewPerson {
        full_name: text(&p["full_name"]),
        gender: text(&p["gender"]),
        birth_date: day(&p["birth_date"]).ok_or_else(corrupt)?,
        ethnicity: text(&p["ethnicity"]),
        education: text(&p["education"]),
        occupation: text(&p["occupation"]),
    };
    let status =
        MemberStatus::parse(a["status"].as_str().unwrap_or_default()).map_err(|_| corrupt())?;
    let admitted_on = day(&a["admitted_on"]).ok_or_else(corrupt)?;
    let official_on = day(&a["official_on"]);
    let person = crate::ops::add_person(cx, &person).await?;
    let member =
        crate::ops::add_member(cx, &person, cell, status, admitted_on, official_on).await?;
    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
    let detail = json!({"origin": t.origin, "to": cell.code, "transfer": t.id});
    members::add_event(
        cx.tx.conn(),
        member.id,
        "transfer_in",
        on,
        &detail,
        &by,
        &at,
    )
    .await?;
    Ok(member.id)
}
