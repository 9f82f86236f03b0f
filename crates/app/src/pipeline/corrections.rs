//! Correcting a mistake in a candidate's file: every entry (document,
//! mentor, introducer, certificate, the vote of a step, the latest step) may
//! be withdrawn or corrected, with a reason, by the roles that may record it.
//!
//! A correction changes the live row in place and keeps the old value, whole,
//! in `candidate_corrections` and in the audit entry; a withdrawal removes
//! the live row and keeps it there. The live tables thus hold only what
//! stands, and every reader (the engine, the index, the exports) sees the
//! corrected file without a filter of its own.
//!
//! Nothing a later step relied on is rewritten silently: the engine re-runs
//! the checks of every recorded step on the file before and after the
//! change (as the file is, and as it stood on the step's day), and a step
//! that passed before and fails after refuses the change, naming the step
//! and its rule. The latest step's date is corrected in place, the step
//! judged again on its new day; a step that changed the member registry
//! takes its change with it (see `registry_steps`).

use super::registry_steps;
use super::{load_dossier, visible_candidate};
use crate::ops::Ctx;
use crate::{Actor, App, AppError};
use ranks_domain::procedure::{Dossier, Profile, Refusal, Said, Step, Vote};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError};
use ranks_store::records::candidates;
use ranks_store::records::corrections::{self as store, NewCorrection, StageRecord};
use serde::Serialize;
use serde_json::{json, Value};

/// An entry of a candidate's file, as a correction names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A document of the dossier, by its form code.
    Document { code: String },
    /// A mentor (`probation`: a probation mentor), by member id.
    Mentor { member_id: i64, probation: bool },
    /// An introducer, by the id the file lists it with.
    Introducer { id: i64 },
    /// A course certificate, by the id the file lists it with.
    Certificate { id: i64 },
    /// The vote of a recorded step (withdrawn only with its step).
    Vote { stage: String },
    /// The latest step.
    Step { stage: String },
}

/// The corrected value of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Corrected {
    /// A document's date, a mentor's assignment date, the latest step's date.
    Date(Date),
    /// An introducer's dates: working together since, introduced on.
    Introducer {
        together_since: Option<Date>,
        on: Date,
    },
    /// A certificate's issue date and number.
    Certificate { issued_on: Date, number: String },
    /// A vote's counts.
    Vote(Vote),
}

/// A withdrawal or correction as the file shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionEntry {
    pub kind: String,
    /// `withdrawn` or `corrected`.
    pub action: String,
    pub entry: Value,
    pub replaced_by: Option<Value>,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// The kinds of entry, as forms, the API and the CLI name them.
pub const ENTRY_KINDS: [&str; 7] = [
    "document",
    "mentor",
    "probation_mentor",
    "introducer",
    "certificate",
    "vote",
    "step",
];

impl Entry {
    /// An entry from its kind and its key: a document's form code, a
    /// mentor's member id, an introducer's or certificate's id, a vote's or
    /// step's stage.
    pub fn parse(kind: &str, key: &str) -> Result<Entry, DomainError> {
        let key = key.trim();
        let id = |what: &'static str| {
            key.parse::<i64>()
                .map_err(|_| DomainError::invalid(what, key, "a number (the id the file shows)"))
        };
        Ok(match kind.trim() {
            "document" => Entry::Document { code: key.into() },
            "mentor" => Entry::Mentor {
                member_id: id("member_id")?,
                probation: false,
            },
            "probation_mentor" => Entry::Mentor {
                member_id: id("member_id")?,
                probation: true,
            },
            "introducer" => Entry::Introducer { id: id("id")? },
            "certificate" => Entry::Certificate { id: id("id")? },
            "vote" => Entry::Vote { stage: key.into() },
            "step" | "stage" => Entry::Step { stage: key.into() },
            other => return Err(DomainError::invalid(
                "kind",
                other,
                "one of document, mentor, probation_mentor, introducer, certificate, vote, step",
            )),
        })
    }

    /// The corrected value for this entry from what a form or request
    /// gives: a date (document, mentor; an introducer's introduction; a
    /// certificate's issue), `since` (an introducer's working together),
    /// `number` (a certificate's), a vote's counts.
    pub fn corrected(
        &self,
        date: Option<Date>,
        since: Option<Date>,
        number: Option<String>,
        vote: Option<Vote>,
    ) -> Result<Corrected, DomainError> {
        let need =
            |what: &'static str, expected: &'static str| DomainError::invalid(what, "", expected);
        Ok(match self {
            Entry::Document { .. } | Entry::Mentor { .. } => {
                Corrected::Date(date.ok_or_else(|| need("date", "the corrected date"))?)
            }
            Entry::Introducer { .. } => Corrected::Introducer {
                together_since: since,
                on: date.ok_or_else(|| need("date", "the date of the introduction"))?,
            },
            Entry::Certificate { .. } => Corrected::Certificate {
                issued_on: date.ok_or_else(|| need("date", "the certificate's date of issue"))?,
                number: number.unwrap_or_default(),
            },
            Entry::Vote { .. } => Corrected::Vote(
                vote.ok_or_else(|| need("vote", "eligible, present, in favour and against"))?,
            ),
            Entry::Step { .. } => {
                Corrected::Date(date.ok_or_else(|| need("date", "the corrected date"))?)
            }
        })
    }

    fn kind(&self) -> &'static str {
        match self {
            Entry::Document { .. } => "document",
            Entry::Mentor {
                probation: false, ..
            } => "mentor",
            Entry::Mentor {
                probation: true, ..
            } => "probation_mentor",
            Entry::Introducer { .. } => "introducer",
            Entry::Certificate { .. } => "certificate",
            Entry::Vote { .. } => "vote",
            Entry::Step { .. } => "stage",
        }
    }
}

/// The stage an entry belongs to, for the role check: a document belongs
/// to the first stage that requires it.
fn stage_of(profile: &Profile, entry: &Entry) -> Option<String> {
    match entry {
        Entry::Document { code } => profile
            .stages
            .iter()
            .chain(&profile.exits)
            .find(|s| s.documents.contains(code))
            .map(|s| s.key.clone()),
        Entry::Vote { stage } | Entry::Step { stage } => Some(stage.clone()),
        _ => None,
    }
}

/// Only the bodies that may record an entry may correct or withdraw it:
/// the recording check of the step (the profile's `recorded_by` against
/// the body the actor records for), applied to the entry's stage.
async fn may_correct(cx: &mut Ctx<'_>, profile: &Profile, entry: &Entry) -> Result<(), AppError> {
    if let Some(stage) = stage_of(profile, entry) {
        let level = crate::scope::recording_level(cx.tx.conn(), cx.actor).await?;
        profile
            .check_recorder(&stage, level)
            .map_err(AppError::Refused)?;
    }
    Ok(())
}

/// The dated entries of a file, to judge each recorded step on what was
/// there on its day: an entry dated after a step was not there for it.
struct Dated {
    mentors: Vec<Date>,
    probation_mentors: Vec<Date>,
    /// Each introducer's day, in the order of the dossier's introducers.
    introducers: Vec<Date>,
    certificates: Vec<Date>,
}

impl Dated {
    async fn load(conn: &mut ranks_store::Conn, cid: i64) -> Result<Dated, AppError> {
        let days = |m: Vec<(i64, String, Date)>| m.into_iter().map(|x| x.2).collect();
        Ok(Dated {
            mentors: days(candidates::mentors(conn, cid, false).await?),
            probation_mentors: days(candidates::mentors(conn, cid, true).await?),
            introducers: store::introducers(conn, cid)
                .await?
                .into_iter()
                .map(|i| i.on)
                .collect(),
            certificates: store::certificates(conn, cid)
                .await?
                .into_iter()
                .map(|c| c.1)
                .collect(),
        })
    }

    /// The file as it stood on `on`, with the history before step `i`.
    fn as_of(&self, dossier: &Dossier, i: usize, on: Date) -> Dossier {
        let count = |days: &[Date]| days.iter().filter(|d| **d <= on).count() as u32;
        let mut introducers = dossier.introducers.clone();
        if introducers.len() == self.introducers.len() {
            let mut days = self.introducers.iter();
            introducers.retain(|_| days.next().is_some_and(|d| *d <= on));
        }
        Dossier {
            history: dossier.history.iter().take(i).cloned().collect(),
            documents: dossier
                .documents
                .iter()
                .filter(|(_, d)| **d <= on)
                .map(|(k, d)| (k.clone(), *d))
                .collect(),
            mentors: count(&self.mentors),
            probation_mentors: count(&self.probation_mentors),
            introducers,
            certificate_issued: self
                .certificates
                .iter()
                .filter(|d| **d <= on)
                .max()
                .copied(),
            received: dossier
                .received
                .iter()
                .filter(|(_, d)| **d <= on)
                .map(|(k, d)| (k.clone(), *d))
                .collect(),
            ..dossier.clone()
        }
    }
}

/// Every recorded step judged again, twice: on the file as it is, and on
/// the file as it stood on the step's day (an entry dated after the step
/// did not count for it: a mentor's date moved past the step that needed
/// a mentor fails the second).
fn recheck(
    profile: &Profile,
    dossier: &Dossier,
    dated: &Dated,
    steps: &[StageRecord],
    votes: &[candidates::VoteRow],
    today: Date,
) -> Vec<[Result<(), Refusal>; 2]> {
    steps
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, s)| {
            let vote = votes.iter().rev().find(|v| v.0 == s.stage).map(vote_of);
            let skip_reason = s
                .detail
                .as_ref()
                .and_then(|d| d.get("skip_reason"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let step = Step {
                stage: s.stage.clone(),
                on: s.on,
                vote,
                skip_reason,
            };
            [Date::MAX, s.on].map(|on| profile.check(&dated.as_of(dossier, i, on), &step, today))
        })
        .collect()
}

/// The file as the engine judges it, with its recorded steps and votes.
async fn judged(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    candidate_id: i64,
) -> Result<(Vec<StageRecord>, Vec<[Result<(), Refusal>; 2]>), AppError> {
    let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
    let dossier = load_dossier(cx.tx.conn(), &c).await?;
    let dated = Dated::load(cx.tx.conn(), c.id).await?;
    let steps = store::stages(cx.tx.conn(), c.id).await?;
    let votes = candidates::votes(cx.tx.conn(), c.id).await?;
    let checks = recheck(profile, &dossier, &dated, &steps, &votes, cx.today);
    Ok((steps, checks))
}

/// An entry of a file that may be withdrawn (and, unless a step, corrected),
/// with its current value, for the forms that do it.
#[derive(Debug, Clone, Serialize)]
pub struct Correctable {
    pub kind: String,
    pub key: String,
    /// A mentor's or member introducer's name.
    pub name: Option<String>,
    /// An introducer's kind: member, youth_union or trade_union.
    pub introducer: Option<String>,
    pub date: Option<Date>,
    pub since: Option<Date>,
    pub number: Option<String>,
    pub vote: Option<[u32; 4]>,
}

impl Correctable {
    fn new(kind: &str, key: impl ToString, date: Option<Date>) -> Self {
        Correctable {
            kind: kind.into(),
            key: key.to_string(),
            name: None,
            introducer: None,
            date,
            since: None,
            number: None,
            vote: None,
        }
    }
}

/// The corrections of a file the caller has resolved through the scope.
pub(super) async fn for_file(
    conn: &mut ranks_store::Conn,
    candidate_id: i64,
) -> Result<Vec<CorrectionEntry>, AppError> {
    Ok(store::for_candidate(conn, candidate_id)
        .await?
        .into_iter()
        .map(|r| CorrectionEntry {
            kind: r.entry_kind,
            action: r.action,
            entry: r.entry,
            replaced_by: r.replaced_by,
            reason: r.reason,
            by: r.recorded_by,
            at: r.recorded_at,
        })
        .collect())
}

impl App {
    /// Withdraws an entry of a candidate's file, for `reason`.
    pub async fn withdraw_entry(
        &self,
        actor: &Actor,
        candidate_id: i64,
        entry: Entry,
        reason: &str,
    ) -> Result<(), AppError> {
        self.change_entry(actor, candidate_id, entry, None, reason)
            .await
    }

    /// Corrects an entry of a candidate's file, for `reason`.
    pub async fn correct_entry(
        &self,
        actor: &Actor,
        candidate_id: i64,
        entry: Entry,
        value: Corrected,
        reason: &str,
    ) -> Result<(), AppError> {
        self.change_entry(actor, candidate_id, entry, Some(value), reason)
            .await
    }

    /// The entries of a candidate's file that may be withdrawn or
    /// corrected: documents, mentors, introducers, certificates, votes and
    /// the latest step.
    pub async fn correctable(
        &self,
        actor: &Actor,
        candidate_id: i64,
    ) -> Result<Vec<Correctable>, AppError> {
        let mut conn = self.db().read().await?;
        let c = visible_candidate(&mut conn, actor, candidate_id).await?;
        let mut out = Vec::new();
        let steps = store::stages(&mut conn, c.id).await?;
        if steps.len() > 1 {
            let last = steps.last().expect("two steps");
            out.push(Correctable::new("step", &last.stage, Some(last.on)));
        }
        for (code, on) in candidates::documents(&mut conn, c.id).await? {
            out.push(Correctable::new("document", code, Some(on)));
        }
        for probation in [false, true] {
            let kind = if probation {
                "probation_mentor"
            } else {
                "mentor"
            };
            for (id, name, on) in candidates::mentors(&mut conn, c.id, probation).await? {
                out.push(Correctable {
                    name: Some(name),
                    ..Correctable::new(kind, id, Some(on))
                });
            }
        }
        let names = candidates::introducers(&mut conn, c.id).await?;
        for i in store::introducers(&mut conn, c.id).await? {
            out.push(Correctable {
                name: names
                    .iter()
                    .find(|n| n.id == i.id)
                    .and_then(|n| n.name.clone()),
                since: i.together_since,
                introducer: Some(i.kind.clone()),
                ..Correctable::new("introducer", i.id, Some(i.on))
            });
        }
        for (id, on, number) in store::certificates(&mut conn, c.id).await? {
            out.push(Correctable {
                number: Some(number),
                ..Correctable::new("certificate", id, Some(on))
            });
        }
        for v in candidates::votes(&mut conn, c.id).await? {
            let n = |x: i64| u32::try_from(x).unwrap_or(0);
            out.push(Correctable {
                vote: Some([n(v.2), n(v.3), n(v.4), n(v.5)]),
                ..Correctable::new("vote", &v.0, Some(v.1))
            });
        }
        Ok(out)
    }

    /// The corrections and withdrawals of a candidate's file, oldest first.
    pub async fn corrections(
        &self,
        actor: &Actor,
        candidate_id: i64,
    ) -> Result<Vec<CorrectionEntry>, AppError> {
        let mut conn = self.db().read().await?;
        let c = visible_candidate(&mut conn, actor, candidate_id).await?;
        for_file(&mut conn, c.id).await
    }

    async fn change_entry(
        &self,
        actor: &Actor,
        candidate_id: i64,
        entry: Entry,
        value: Option<Corrected>,
        reason: &str,
    ) -> Result<(), AppError> {
        let reason = bounded("reason", reason, limits::NOTE)?;
        if reason.trim().is_empty() {
            return Err(DomainError::invalid("reason", "", "the reason for the change").into());
        }
        if let Some(v) = &value {
            self.check_corrected(v)?;
        }
        let profile = self.profile().clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                may_correct(cx, &profile, &entry).await?;
                let (steps, before) = judged(cx, &profile, c.id).await?;
                let (old, new) = match &value {
                    None => withdraw(cx, &profile, c.id, &entry, &steps).await?,
                    Some(v) => {
                        let (old, new) = correct(cx, &profile, &steps, c.id, &entry, v).await?;
                        (old, Some(new))
                    }
                };
                let (steps_after, after) = judged(cx, &profile, c.id).await?;
                for ((step, was), now) in steps_after.iter().skip(1).zip(&before).zip(&after) {
                    for (was, now) in was.iter().zip(now) {
                        if let (Ok(()), Err(r)) = (was, now) {
                            return Err(relied_on(&profile, step, r, value.is_some()));
                        }
                    }
                }
                let action = if value.is_some() {
                    "corrected"
                } else {
                    "withdrawn"
                };
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                store::insert(
                    cx.tx.conn(),
                    &NewCorrection {
                        candidate_id: c.id,
                        entry_kind: entry.kind(),
                        action,
                        entry: &old,
                        replaced_by: new.as_ref(),
                        reason: &reason,
                        by: &by,
                        at: &at,
                    },
                )
                .await?;
                let mut after = json!({"kind": entry.kind(), "entry": new, "reason": reason});
                if let Entry::Step { .. } = entry {
                    // The file is back at the step before: said where the
                    // audit replay reads a candidate's stage and its day.
                    let now = candidates::by_id(cx.tx.conn(), c.id)
                        .await?
                        .ok_or_else(|| not_found("candidate", c.id))?;
                    after["stage"] = json!(now.stage);
                    after["on"] = json!(now.stage_since);
                }
                let action = if value.is_some() {
                    "correct"
                } else {
                    "withdraw"
                };
                cx.audit(
                    action,
                    "candidate",
                    c.id,
                    Some(json!({"kind": entry.kind(), "entry": old})),
                    Some(after),
                )
                .await
            })
        })
        .await
    }

    fn check_corrected(&self, v: &Corrected) -> Result<(), AppError> {
        match v {
            Corrected::Date(d) => {
                self.check_date("date", *d)?;
            }
            Corrected::Introducer { together_since, on } => {
                self.check_date("date", *on)?;
                if together_since.is_some_and(|s| s > *on) {
                    return Err(DomainError::invalid(
                        "since",
                        together_since.map(|s| s.to_string()).unwrap_or_default(),
                        "a date on or before the introduction",
                    )
                    .into());
                }
            }
            Corrected::Certificate { issued_on, number } => {
                self.check_date("issued", *issued_on)?;
                bounded("number", number, limits::SHORT)?;
            }
            Corrected::Vote(_) => {}
        }
        Ok(())
    }
}

/// The refusal of a change a later step relied on, naming the step.
fn relied_on(profile: &Profile, step: &StageRecord, r: &Refusal, correcting: bool) -> AppError {
    let name = profile
        .stage(&step.stage)
        .map_or(step.stage.as_str(), |s| &s.vi);
    let what = if correcting {
        "this correction would make it fail".to_string()
    } else {
        format!("withdraw '{}' first", step.stage)
    };
    let on = step.on.to_string();
    let text = format!(
        "the step '{}' ({name}) recorded on {} relied on this entry ({}: {}); {what}",
        step.stage,
        step.on.format("%d/%m/%Y"),
        r.rule,
        r.message
    );
    let said = Said {
        key: if correcting {
            "refusal-relied-on-correct"
        } else {
            "refusal-relied-on-withdraw"
        },
        args: vec![
            ("stage", step.stage.clone()),
            ("on", on),
            ("rule", r.rule.clone()),
        ],
        text,
    };
    AppError::Refused(Refusal::new("correction.relied_on", r.source.clone(), said))
}

/// The refusal of a receipt dated after a step that relied on the
/// decision being in hand, naming the step.
pub(super) fn receipt_relied_on(profile: &Profile, stage: &str, on: Date) -> AppError {
    let source = profile
        .stage(stage)
        .map(|s| s.source.cite())
        .unwrap_or_default();
    let text = format!(
        "the step '{stage}' recorded on {} relied on the decision being received: a receipt after it cannot be recorded; correct or withdraw that step first",
        on.format("%d/%m/%Y")
    );
    let said = Said {
        key: "refusal-relied-on-receipt",
        args: vec![("stage", stage.to_string()), ("on", on.to_string())],
        text,
    };
    AppError::Refused(Refusal::new("correction.relied_on", source, said))
}

fn not_found(what: &'static str, key: impl ToString) -> AppError {
    AppError::NotFound {
        what,
        key: key.to_string(),
    }
}

/// Removes the entry; answers what it held.
async fn withdraw(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    cid: i64,
    entry: &Entry,
    steps: &[StageRecord],
) -> Result<(Value, Option<Value>), AppError> {
    let conn = cx.tx.conn();
    let old = match entry {
        Entry::Document { code } => {
            let (on, by, at) = store::document(conn, cid, code)
                .await?
                .ok_or_else(|| not_found("document", code))?;
            store::delete_document(conn, cid, code).await?;
            json!({"code": code, "on": on, "recorded_by": by, "recorded_at": at})
        }
        Entry::Mentor {
            member_id,
            probation,
        } => {
            let (_, name, on) = candidates::mentors(conn, cid, *probation)
                .await?
                .into_iter()
                .find(|m| m.0 == *member_id)
                .ok_or_else(|| not_found("mentor", member_id))?;
            store::delete_mentor(conn, cid, *member_id, *probation).await?;
            json!({"member_id": member_id, "name": name, "probation": probation, "on": on})
        }
        Entry::Introducer { id } => {
            let (i, name) = introducer(conn, cid, *id).await?;
            store::delete_introducer(conn, *id).await?;
            introducer_json(&i, name.as_deref())
        }
        Entry::Certificate { id } => {
            let (_, issued_on, number) = certificate(conn, cid, *id).await?;
            store::delete_certificate(conn, *id).await?;
            json!({"id": id, "issued_on": issued_on, "number": number})
        }
        Entry::Vote { stage } => {
            return Err(AppError::Conflict(format!(
            "a vote is part of its step: withdraw the step '{stage}', or correct the vote's counts"
        )))
        }
        Entry::Step { stage } => return withdraw_step(cx, profile, cid, stage, steps).await,
    };
    Ok((old, None))
}

async fn withdraw_step(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    cid: i64,
    stage: &str,
    steps: &[StageRecord],
) -> Result<(Value, Option<Value>), AppError> {
    let (latest, earlier) = latest_step(steps, stage, "withdrawn")?;
    let Some(previous) = earlier.last() else {
        return Err(AppError::Conflict(format!(
            "'{stage}' is the file's first step: a file cannot be emptied; record its exit instead"
        )));
    };
    let conn = cx.tx.conn();
    if !profile.is_open(stage) {
        // Withdrawing a closing step reopens the file: not beside another
        // open file of the person (one file at a time).
        let person = candidates::by_id(conn, cid)
            .await?
            .map(|c| c.person_id)
            .ok_or_else(|| not_found("candidate", cid))?;
        if candidates::for_person(conn, person)
            .await?
            .iter()
            .any(|o| o.id != cid && profile.is_open(&o.stage))
        {
            return Err(AppError::Conflict(format!(
                "withdrawing '{stage}' would reopen this file while the person has another open admission file; close that one first"
            )));
        }
    }
    let vote = candidates::votes(conn, cid)
        .await?
        .into_iter()
        .rev()
        .find(|v| v.0 == stage)
        .map(|v| json!({"eligible": v.2, "present": v.3, "in_favour": v.4, "against": v.5}));
    // A step that changed the registry takes its change with it, unless
    // something since relied on the member record.
    let c = candidates::by_id(conn, cid)
        .await?
        .ok_or_else(|| not_found("candidate", cid))?;
    let member = registry_steps::undo(cx, profile, &c, latest).await?;
    let conn = cx.tx.conn();
    store::delete_votes(conn, cid, stage).await?;
    store::delete_stage(conn, cid, latest.id, (&previous.stage, previous.on)).await?;
    Ok((
        json!({"stage": latest.stage, "on": latest.on, "detail": latest.detail, "vote": vote,
               "recorded_by": latest.recorded_by, "recorded_at": latest.recorded_at,
               "back_to": previous.stage, "member": member}),
        None,
    ))
}

/// The latest step, when it is `stage`: only the latest step is
/// withdrawn or has its date corrected (`done`: withdrawn, corrected).
fn latest_step<'a>(
    steps: &'a [StageRecord],
    stage: &str,
    done: &str,
) -> Result<(&'a StageRecord, &'a [StageRecord]), AppError> {
    let Some((latest, earlier)) = steps.split_last() else {
        return Err(not_found("stage", stage));
    };
    if latest.stage != stage {
        if !steps.iter().any(|s| s.stage == stage) {
            return Err(not_found("stage", stage));
        }
        return Err(AppError::Conflict(format!(
            "only the latest step can be {done}: '{stage}' is followed by '{}' recorded on {}; withdraw that one first",
            latest.stage,
            latest.on.format("%d/%m/%Y")
        )));
    }
    Ok((latest, earlier))
}

/// Moves the latest step to another day: the step is judged again by the
/// engine on its new day (its gates, intervals and deadlines, the step
/// before it, the registry's count for a vote), refused with its rule when
/// it would not hold; the registry follows a step that changed it.
async fn correct_step(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    cid: i64,
    stage: &str,
    on: Date,
    steps: &[StageRecord],
) -> Result<(Value, Value), AppError> {
    let (latest, earlier) = latest_step(steps, stage, "corrected")?;
    let conn = cx.tx.conn();
    let c = candidates::by_id(conn, cid)
        .await?
        .ok_or_else(|| not_found("candidate", cid))?;
    let mut dossier = load_dossier(conn, &c).await?;
    dossier.history = earlier.iter().map(|s| (s.stage.clone(), s.on)).collect();
    let vote = candidates::votes(conn, cid)
        .await?
        .into_iter()
        .rev()
        .find(|v| v.0 == stage)
        .map(|v| vote_of(&v));
    let registry = super::steps::registry_eligible(conn, profile, &c, stage, on).await?;
    dossier.cell_official_members = registry;
    let detail = |k: &str| {
        latest
            .detail
            .as_ref()
            .and_then(|d| d.pointer(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let reason = detail("/vote/eligible_reason");
    profile
        .check_eligible(stage, vote, registry, on, reason.as_deref())
        .map_err(AppError::Refused)?;
    let step = Step {
        stage: stage.to_string(),
        on,
        vote,
        skip_reason: detail("/skip_reason"),
    };
    profile
        .check(&dossier, &step, cx.today)
        .map_err(AppError::Refused)?;
    registry_steps::redate(cx, profile, &c, latest, on).await?;
    store::set_stage_date(cx.tx.conn(), cid, latest, on).await?;
    Ok((
        json!({"stage": stage, "on": latest.on}),
        json!({"stage": stage, "on": on}),
    ))
}

fn vote_of(v: &candidates::VoteRow) -> Vote {
    let n = |x: i64| u32::try_from(x).unwrap_or(0);
    Vote {
        eligible: n(v.2),
        present: n(v.3),
        in_favour: n(v.4),
        against: n(v.5),
    }
}

/// An introducer row, with the member's name (a member introducer).
async fn introducer(
    conn: &mut ranks_store::Conn,
    cid: i64,
    id: i64,
) -> Result<(store::IntroducerRecord, Option<String>), AppError> {
    let name = candidates::introducers(conn, cid)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .and_then(|i| i.name);
    let row = store::introducers(conn, cid)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| not_found("introducer", id))?;
    Ok((row, name))
}

fn introducer_json(i: &store::IntroducerRecord, name: Option<&str>) -> Value {
    json!({"id": i.id, "kind": i.kind, "member_id": i.member_id, "name": name, "together_since": i.together_since, "on": i.on})
}

async fn certificate(
    conn: &mut ranks_store::Conn,
    cid: i64,
    id: i64,
) -> Result<(i64, Date, String), AppError> {
    store::certificates(conn, cid)
        .await?
        .into_iter()
        .find(|c| c.0 == id)
        .ok_or_else(|| not_found("certificate", id))
}

fn mismatch(entry: &Entry) -> AppError {
    DomainError::invalid(
        "value",
        entry.kind(),
        "a value of the entry's kind (a date, an introducer's dates, a certificate, a vote)",
    )
    .into()
}

/// Changes the entry in place; answers what it held and what it holds now.
async fn correct(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    steps: &[StageRecord],
    cid: i64,
    entry: &Entry,
    value: &Corrected,
) -> Result<(Value, Value), AppError> {
    let conn = cx.tx.conn();
    Ok(match (entry, value) {
        (Entry::Document { code }, Corrected::Date(on)) => {
            let (was, _, _) = store::document(conn, cid, code)
                .await?
                .ok_or_else(|| not_found("document", code))?;
            store::set_document_date(conn, cid, code, *on).await?;
            (
                json!({"code": code, "on": was}),
                json!({"code": code, "on": on}),
            )
        }
        (
            Entry::Mentor {
                member_id,
                probation,
            },
            Corrected::Date(on),
        ) => {
            let (_, name, was) = candidates::mentors(conn, cid, *probation)
                .await?
                .into_iter()
                .find(|m| m.0 == *member_id)
                .ok_or_else(|| not_found("mentor", member_id))?;
            store::set_mentor_date(conn, cid, *member_id, *probation, *on).await?;
            (
                json!({"member_id": member_id, "name": name, "probation": probation, "on": was}),
                json!({"member_id": member_id, "name": name, "probation": probation, "on": on}),
            )
        }
        (Entry::Introducer { id }, Corrected::Introducer { together_since, on }) => {
            let (i, name) = introducer(conn, cid, *id).await?;
            let since = if i.member_id.is_some() {
                *together_since
            } else {
                None
            };
            store::set_introducer_dates(conn, *id, since, *on).await?;
            let after = store::IntroducerRecord {
                together_since: since,
                on: *on,
                ..i.clone()
            };
            (
                introducer_json(&i, name.as_deref()),
                introducer_json(&after, name.as_deref()),
            )
        }
        (Entry::Certificate { id }, Corrected::Certificate { issued_on, number }) => {
            let (_, was_on, was_number) = certificate(conn, cid, *id).await?;
            store::set_certificate(conn, *id, *issued_on, number).await?;
            (
                json!({"id": id, "issued_on": was_on, "number": was_number}),
                json!({"id": id, "issued_on": issued_on, "number": number}),
            )
        }
        (Entry::Vote { stage }, Corrected::Vote(v)) => {
            let was = candidates::votes(conn, cid)
                .await?
                .into_iter()
                .rev()
                .find(|x| x.0 == *stage)
                .ok_or_else(|| not_found("vote", stage))?;
            store::set_vote(
                conn,
                cid,
                stage,
                [v.eligible, v.present, v.in_favour, v.against],
            )
            .await?;
            (
                json!({"stage": stage, "eligible": was.2, "present": was.3, "in_favour": was.4, "against": was.5}),
                json!({"stage": stage, "eligible": v.eligible, "present": v.present, "in_favour": v.in_favour, "against": v.against}),
            )
        }
        (Entry::Step { stage }, Corrected::Date(on)) => {
            return correct_step(cx, profile, cid, stage, *on, steps).await
        }
        _ => return Err(mismatch(entry)),
    })
}
