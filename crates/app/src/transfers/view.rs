//! Reading transfer files: one file with its history, checklist and
//! deadlines, and the lists of a unit's outgoing and incoming files.

use super::is_open;
use crate::scope::{self, Ends};
use crate::{Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::Date;
use ranks_store::records::members;
use ranks_store::records::transfers::{self as store, End, TransferRow};
use ranks_store::records::units;
use ranks_store::Conn;
use serde::Serialize;
use std::collections::HashMap;

/// At most this many files in one list (open ones first).
pub const LIST_LIMIT: i64 = 200;

/// The member a file is about, as much as either end needs: no member id
/// for an end that cannot open the member's record.
#[derive(Debug, Clone, Serialize)]
pub struct MemberBrief {
    pub member_id: Option<i64>,
    pub full_name: String,
    /// Withheld from a role without personal details.
    pub birth_date: Option<Date>,
    pub status: String,
    pub admitted_on: Option<Date>,
    pub official_on: Option<Date>,
}

/// One paper of the hand-over checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub key: String,
    pub label: String,
    pub handed_over: bool,
    /// Found on receipt; `None` before the receipt.
    pub received: Option<bool>,
}

/// A deadline of the texts, in working days.
#[derive(Debug, Clone, Serialize)]
pub struct TransferDeadline {
    /// `start`: the transfer started within N working days of the decision;
    /// `present`: the letter presented to the receiving unit within N
    /// working days of the introduction.
    pub key: String,
    pub working_days: u32,
    pub from: Date,
    pub due: Date,
    /// The day it was met, if it was.
    pub met_on: Option<Date>,
    /// Working days from today to the due day (negative: past it).
    pub working_days_left: i64,
    /// Not met and past due.
    pub overdue: bool,
    /// Met after the due day.
    pub late: bool,
    pub source: String,
}

/// One step of the file's status history.
#[derive(Debug, Clone, Serialize)]
pub struct TransferStep {
    pub status: String,
    pub on: Date,
    pub note: String,
    pub by: String,
}

/// A unit at one end: its code and name (a cell's code and name are the
/// tree's structure, shown to both ends).
pub type UnitName = (String, String);

/// A transfer file as the actor's end sees it.
#[derive(Debug, Clone, Serialize)]
pub struct TransferFile {
    pub id: i64,
    /// official or temporary
    pub kind: String,
    /// sent, received, registered, refused
    pub status: String,
    pub member: MemberBrief,
    pub from: Option<UnitName>,
    pub origin: Option<String>,
    pub to: Option<UnitName>,
    pub destination: Option<String>,
    pub decided_on: Option<Date>,
    pub sent_on: Date,
    pub until: Option<Date>,
    pub study: bool,
    pub reason: Option<String>,
    /// The actor stands at the sending end.
    pub sender: bool,
    /// The actor stands at the receiving end.
    pub receiver: bool,
    /// The actor may record the next status (the receiving end; the
    /// sending end for a destination outside the system).
    pub answers: bool,
    pub checklist: Vec<ChecklistItem>,
    pub handover_source: Option<String>,
    pub deadlines: Vec<TransferDeadline>,
    pub history: Vec<TransferStep>,
}

/// A row of a unit's list of outgoing or incoming files.
#[derive(Debug, Clone, Serialize)]
pub struct TransferSummary {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub full_name: String,
    pub from: Option<UnitName>,
    pub origin: Option<String>,
    pub to: Option<UnitName>,
    pub destination: Option<String>,
    pub sent_on: Date,
    /// The day the letter is due at the receiving unit.
    pub present_due: Option<Date>,
    /// Still open past that day.
    pub overdue: bool,
}

async fn unit_name(
    conn: &mut Conn,
    cache: &mut HashMap<i64, UnitName>,
    id: Option<i64>,
) -> Result<Option<UnitName>, AppError> {
    let Some(id) = id else { return Ok(None) };
    if let Some(n) = cache.get(&id) {
        return Ok(Some(n.clone()));
    }
    let u = units::by_id(conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: "unit",
            key: id.to_string(),
        })?;
    let n = (u.code.to_string(), u.name);
    cache.insert(id, n.clone());
    Ok(Some(n))
}

/// The member of a file: from the registry, or from the arrival's papers.
async fn brief(conn: &mut Conn, actor: &Actor, t: &TransferRow) -> Result<MemberBrief, AppError> {
    let personal = crate::privacy::sees_personal(actor);
    if let Some(id) = t.member_id {
        let m = members::row(conn, id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "member",
                key: id.to_string(),
            })?;
        let p = members::person(conn, m.person_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "person",
                key: m.person_id.to_string(),
            })?;
        // The member's record opens for whoever sees the unit holding it.
        let openable = scope::member(conn, actor, id).await.is_ok();
        return Ok(MemberBrief {
            member_id: openable.then_some(id),
            full_name: p.full_name,
            birth_date: personal.then_some(p.birth_date),
            status: m.status.as_str().to_string(),
            admitted_on: Some(m.admitted_on),
            official_on: m.official_on,
        });
    }
    let a = t.arrival.clone().unwrap_or_default();
    let day = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| ranks_domain::parse_date("date", s).ok())
    };
    Ok(MemberBrief {
        member_id: None,
        full_name: a["person"]["full_name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        birth_date: if personal {
            day(&a["person"]["birth_date"])
        } else {
            None
        },
        status: a["status"].as_str().unwrap_or_default().to_string(),
        admitted_on: day(&a["admitted_on"]),
        official_on: day(&a["official_on"]),
    })
}

impl App {
    fn deadlines(
        &self,
        cal: &WorkCalendar,
        t: &TransferRow,
        history: &[TransferStep],
    ) -> Vec<TransferDeadline> {
        let Some(rules) = &self.profile().members else {
            return Vec::new();
        };
        let today = self.clock().today();
        let open = is_open(&t.status);
        let make = |key: &str, n: u32, from: Date, met_on: Option<Date>| {
            let due = cal.add_working_days(from, n);
            TransferDeadline {
                key: key.into(),
                working_days: n,
                from,
                due,
                met_on,
                working_days_left: cal.working_days_between(today, due),
                overdue: met_on.is_none() && open && today > due,
                late: met_on.is_some_and(|m| m > due),
                source: rules.source.cite(),
            }
        };
        let mut out = Vec::new();
        if let Some(decided) = t.decided_on {
            out.push(make(
                "start",
                rules.transfer_start_working_days,
                decided,
                Some(t.sent_on),
            ));
        }
        let received = history
            .iter()
            .find(|h| h.status == "received")
            .map(|h| h.on);
        out.push(make(
            "present",
            rules.transfer_present_working_days,
            t.sent_on,
            received,
        ));
        out
    }

    fn checklist(&self, t: &TransferRow) -> (Vec<ChecklistItem>, Option<String>) {
        let Some(rules) = &self.profile().members else {
            return (Vec::new(), None);
        };
        let items = rules
            .handover_for(t.kind == "temporary")
            .map(|h| ChecklistItem {
                key: h.key.clone(),
                label: h.vi.clone(),
                handed_over: t.handed_over.contains(&h.key),
                received: t.received_docs.as_ref().map(|r| r.contains(&h.key)),
            })
            .collect();
        (items, rules.handover_source.as_ref().map(|s| s.cite()))
    }

    /// One file as the actor's end sees it; outside both ends, not found.
    pub async fn transfer_file(&self, actor: &Actor, id: i64) -> Result<TransferFile, AppError> {
        let cal = self.calendar().await?;
        let mut conn = self.db().read().await?;
        let (t, Ends { sender, receiver }) = scope::transfer(&mut conn, actor, id).await?;
        let history: Vec<TransferStep> = store::events(&mut conn, id)
            .await?
            .into_iter()
            .map(|e| TransferStep {
                status: e.status,
                on: e.on,
                note: e.note,
                by: e.by,
            })
            .collect();
        let mut cache = HashMap::new();
        let from = unit_name(&mut conn, &mut cache, t.from_unit_id).await?;
        let to = unit_name(&mut conn, &mut cache, t.to_unit_id).await?;
        let member = brief(&mut conn, actor, &t).await?;
        let (checklist, handover_source) = self.checklist(&t);
        let deadlines = self.deadlines(&cal, &t, &history);
        let answers = actor.role.writes()
            && is_open(&t.status)
            && if t.to_unit_id.is_some() {
                receiver
            } else {
                sender
            };
        Ok(TransferFile {
            id,
            kind: t.kind.clone(),
            status: t.status.clone(),
            member,
            from,
            origin: t.origin.clone(),
            to,
            destination: t.destination.clone(),
            decided_on: t.decided_on,
            sent_on: t.sent_on,
            until: t.until,
            study: t.study,
            reason: t.reason.clone(),
            sender,
            receiver,
            answers,
            checklist,
            handover_source,
            deadlines,
            history,
        })
    }

    /// A unit's outgoing (sent from its subtree) or incoming (addressed to
    /// its subtree) files, open ones first, at most [`LIST_LIMIT`].
    pub async fn unit_transfers(
        &self,
        actor: &Actor,
        code: &str,
        end: End,
    ) -> Result<Vec<TransferSummary>, AppError> {
        let cal = self.calendar().await?;
        let today = self.clock().today();
        let present = self
            .profile()
            .members
            .as_ref()
            .map(|r| r.transfer_present_working_days);
        let mut conn = self.db().read().await?;
        let unit = scope::unit(&mut conn, actor, code).await?;
        let rows = store::in_subtree(&mut conn, &unit.path, end, LIST_LIMIT).await?;
        let mut cache = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for t in rows {
            let from = unit_name(&mut conn, &mut cache, t.from_unit_id).await?;
            let to = unit_name(&mut conn, &mut cache, t.to_unit_id).await?;
            let full_name = brief(&mut conn, actor, &t).await?.full_name;
            let present_due = present.map(|n| cal.add_working_days(t.sent_on, n));
            out.push(TransferSummary {
                id: t.id,
                kind: t.kind.clone(),
                overdue: t.status == "sent" && present_due.is_some_and(|d| today > d),
                status: t.status,
                full_name,
                from,
                origin: t.origin,
                to,
                destination: t.destination,
                sent_on: t.sent_on,
                present_due,
            });
        }
        Ok(out)
    }
}
