//! The candidate pipeline and member movements: every step recorded through
//! the procedure profile's engine, refused with the rule and its source, or
//! written whole in one transaction.

use crate::ops::Ctx;
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::procedure::{Dossier, Due, Effect, Introducer, Refusal, Step, Vote};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus, UnitCode};
use ranks_store::records::candidates::{self, CandidateRow};
use ranks_store::records::members::{self, MemberRow, NewPerson};
use ranks_store::records::settings;
use ranks_store::records::supervisors;
use ranks_store::records::units::{self, UnitRow};
use ranks_store::Conn;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// Who a new candidate is: an existing person, or a new one.
#[derive(Debug, Clone)]
pub enum PersonRef {
    Existing(i64),
    New {
        person: NewPerson,
        general_grade: u8,
        area: String,
    },
}

/// A step as a user records it.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub stage: String,
    pub on: Option<Date>,
    pub vote: Option<Vote>,
    pub skip_reason: Option<String>,
    /// The file's version as the user saw it (see [`CandidateFile::version`]):
    /// if someone changed the file since, the step is refused as a conflict.
    pub version: Option<i64>,
}

/// Refuses a write made on a stale view of a record: `expected` is the
/// record's version (its newest audit entry) when the user opened it.
pub(crate) async fn check_version(
    conn: &mut Conn,
    entity: &str,
    id: i64,
    expected: Option<i64>,
) -> Result<(), AppError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    refuse_if_changed(
        conn,
        entity,
        &id.to_string(),
        |v| v != expected,
        "this record changed since you opened it",
    )
    .await
}

/// For records edited in place from a page that shows many of them (a
/// target, a score): refused when the record's newest audit entry is newer
/// than `seen`, the audit position at which the writer read the page.
pub(crate) async fn check_unchanged_since(
    conn: &mut Conn,
    entity: &str,
    key: &str,
    seen: Option<i64>,
) -> Result<(), AppError> {
    let Some(seen) = seen else {
        return Ok(());
    };
    refuse_if_changed(
        conn,
        entity,
        key,
        |v| v > seen,
        "this value changed since you opened the page",
    )
    .await
}

/// The one check behind both: under the audit lock (writers queue), the
/// record's newest audit entry; a conflict naming it when `stale` says so.
async fn refuse_if_changed(
    conn: &mut Conn,
    entity: &str,
    key: &str,
    stale: impl FnOnce(i64) -> bool,
    what: &str,
) -> Result<(), AppError> {
    ranks_store::records::audit::lock(conn).await?;
    match ranks_store::records::audit::latest_for(conn, entity, key).await? {
        Some((v, at, who, action)) if stale(v) => Err(AppError::Conflict(format!(
            "{what}: {action} by {who} at {at}; nothing was saved, reload it and try again"
        ))),
        _ => Ok(()),
    }
}

/// A record's version: the id of its newest audit entry (0 if none).
pub(crate) async fn version_of(conn: &mut Conn, entity: &str, id: i64) -> Result<i64, AppError> {
    Ok(
        ranks_store::records::audit::latest_for(conn, entity, &id.to_string())
            .await?
            .map(|l| l.0)
            .unwrap_or(0),
    )
}

/// Everything known about one candidate.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateFile {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    /// `None` for an actor without personal details (see [`crate::privacy`]).
    pub birth_date: Option<Date>,
    pub general_grade: Option<u8>,
    pub area: Option<String>,
    pub unit: String,
    pub unit_name: String,
    pub stage: String,
    pub stage_since: Date,
    pub member_id: Option<i64>,
    pub history: Vec<HistoryEntry>,
    pub documents: Vec<(String, Date)>,
    pub votes: Vec<VoteEntry>,
    pub introducers: Vec<IntroducerEntry>,
    pub mentors: Vec<String>,
    pub probation_mentors: Vec<String>,
    pub certificate: Option<(Date, String)>,
    pub deadlines: Vec<DueEntry>,
    /// The newest change's audit id: send it back with a step to be told
    /// if someone else changed the file meanwhile.
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub stage: String,
    pub on: Date,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoteEntry {
    pub stage: String,
    pub on: Date,
    pub eligible: i64,
    pub present: i64,
    pub in_favour: i64,
    pub against: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntroducerEntry {
    pub kind: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub together_since: Option<Date>,
}

/// A deadline as reports show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueEntry {
    pub rule: String,
    pub source: String,
    pub until: String,
    pub due: Date,
    pub extended_until: Option<Date>,
    pub working_days_left: i64,
    pub overdue: bool,
    pub when_passed: String,
}

impl From<Due> for DueEntry {
    fn from(d: Due) -> Self {
        DueEntry {
            overdue: d.overdue(),
            rule: d.rule,
            source: d.source,
            until: d.until,
            due: d.due,
            extended_until: d.extended,
            working_days_left: d.working_days_left,
            when_passed: d.when_passed,
        }
    }
}

/// One line of `ranks due`: a candidate's (or probationary member's) next deadline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueRow {
    pub candidate_id: i64,
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub next_stage: String,
    pub rule: String,
    pub source: String,
    pub due: Date,
    pub working_days_left: i64,
    pub overdue: bool,
    /// For overdue items: the committee members in charge, to whom it escalates.
    pub escalated_to: Vec<String>,
}

fn step_error(r: Refusal) -> AppError {
    AppError::Refused(r)
}

/// A person's open file or membership in a part of the tree the actor may
/// not see: refused without saying where, what or since when.
fn elsewhere(person_id: i64) -> AppError {
    AppError::Conflict(format!(
        "person {person_id} cannot be proposed here: they already have an open admission file or a current membership outside your part of the tree; the committee above both can settle it"
    ))
}

impl App {
    /// The working-day calendar with the overrides recorded in the database.
    pub async fn calendar(&self) -> Result<WorkCalendar, AppError> {
        let mut conn = self.db().read().await?;
        load_calendar(&mut conn).await
    }

    fn check_date(&self, field: &'static str, on: Date) -> Result<Date, AppError> {
        let today = self.clock().today();
        if on > today {
            return Err(
                DomainError::invalid(field, on.to_string(), "a date not after today").into(),
            );
        }
        Ok(on)
    }

    /// Adds a person to a cell's candidate pool.
    pub async fn add_candidate(
        &self,
        actor: &Actor,
        who: PersonRef,
        cell: &str,
        movement: Option<&str>,
        on: Option<Date>,
    ) -> Result<i64, AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let today = self.clock().today();
        let profile = self.profile().clone();
        let (cell, movement) = (cell.to_string(), movement.map(str::to_string));
        self.run(actor, move |cx| {
            Box::pin(async move {
                let cell = visible_unit(cx.tx.conn(), cx.actor, &cell).await?;
                if !cell.kind.holds_members() {
                    return Err(AppError::Conflict(format!("{} is not a cell; candidates are proposed by a cell", cell.code)));
                }
                let movement_id = match movement {
                    Some(code) => Some(
                        ranks_store::records::movements::all(cx.tx.conn())
                            .await?
                            .into_iter()
                            .find(|m| m.code.eq_ignore_ascii_case(&code))
                            .ok_or(AppError::NotFound { what: "movement", key: code })?
                            .id,
                    ),
                    None => None,
                };
                let person = match who {
                    PersonRef::Existing(id) => crate::scope::person(cx.tx.conn(), cx.actor, id).await?,
                    PersonRef::New { person, general_grade, area } => {
                        if general_grade > 12 {
                            return Err(DomainError::invalid("grade", general_grade.to_string(), "a school grade from 0 to 12").into());
                        }
                        let p = crate::ops::add_person(cx, &person).await?;
                        let area = bounded("area", &area, limits::LINE)?;
                        members::set_education(cx.tx.conn(), p.id, general_grade, &area).await?;
                        p
                    }
                };
                let person_id = person.id;
                // One cell at a time: a person with an open file cannot be
                // proposed again. A file or membership the actor may not see
                // is named by nothing but its existence.
                for c in candidates::for_person(cx.tx.conn(), person_id).await? {
                    if profile.is_open(&c.stage) {
                        return Err(match crate::scope::candidate(cx.tx.conn(), cx.actor, c.id).await {
                            Ok(c) => {
                                let other = units::by_id(cx.tx.conn(), c.unit_id).await?;
                                AppError::Conflict(format!(
                                    "person {person_id} is already a candidate of {} (candidate {}, stage {})",
                                    other.map(|u| u.code.to_string()).unwrap_or_default(),
                                    c.id,
                                    c.stage
                                ))
                            }
                            Err(_) => elsewhere(person_id),
                        });
                    }
                }
                if let Some(m) = members::for_person(cx.tx.conn(), person_id).await?.into_iter().find(|m| m.status.is_current()) {
                    return Err(match crate::scope::member(cx.tx.conn(), cx.actor, m.id).await {
                        Ok(m) => AppError::Conflict(format!("person {person_id} is already a member (member {})", m.id)),
                        Err(_) => elsewhere(person_id),
                    });
                }
                let dossier = Dossier {
                    left_party_on: members::left_party_on(cx.tx.conn(), person_id).await?,
                    ..Dossier::default()
                };
                let first = profile.first_stage().key.clone();
                profile
                    .check(&dossier, &Step { stage: first.clone(), on, vote: None, skip_reason: None }, today)
                    .map_err(step_error)?;
                Ok(crate::ops::add_candidate(cx, &person, &cell, movement_id, &first, on).await?.id)
            })
        })
        .await
    }

    /// Records that a document of the dossier is present.
    pub async fn record_document(
        &self,
        actor: &Actor,
        candidate_id: i64,
        code: &str,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let profile = self.profile().clone();
        let code = bounded("document", code, limits::SHORT)?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let Some(code) = profile
                    .documents
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(&code))
                    .cloned()
                else {
                    return Err(DomainError::invalid(
                        "document",
                        code,
                        "a form code listed in the profile's [documents]",
                    )
                    .into());
                };
                if candidates::documents(cx.tx.conn(), c.id)
                    .await?
                    .contains_key(&code)
                {
                    return Err(AppError::Conflict(format!(
                        "document {code} is already recorded for candidate {}",
                        c.id
                    )));
                }
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                candidates::add_document(cx.tx.conn(), c.id, &code, on, &by, &at).await?;
                cx.audit(
                    "document",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"code": code, "on": on})),
                )
                .await
            })
        })
        .await
    }

    /// Records the Party-awareness course certificate.
    pub async fn record_certificate(
        &self,
        actor: &Actor,
        candidate_id: i64,
        issued_on: Date,
        number: &str,
    ) -> Result<(), AppError> {
        let issued_on = self.check_date("issued", issued_on)?;
        let number = bounded("number", number, limits::SHORT)?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                if candidates::latest_certificate(cx.tx.conn(), c.id).await?.is_some_and(|(d, n)| d == issued_on && n == number) {
                    return Err(AppError::Conflict(format!(
                        "certificate {number} of {issued_on} is already recorded for candidate {}; nothing was saved",
                        c.id
                    )));
                }
                candidates::add_certificate(cx.tx.conn(), c.id, issued_on, &number).await?;
                cx.audit(
                    "certificate",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"issued_on": issued_on, "number": number})),
                )
                .await
            })
        })
        .await
    }

    /// Assigns an official member as mentor (before admission) or probation mentor.
    pub async fn assign_mentor(
        &self,
        actor: &Actor,
        candidate_id: i64,
        member_id: i64,
        probation: bool,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let m = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                if m.status != MemberStatus::Official {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} is {}; mentors are official members",
                        m.status.as_str()
                    )));
                }
                let taken = candidates::mentors(cx.tx.conn(), c.id, probation).await?;
                if taken.iter().any(|t| t.0 == member_id) {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} already mentors candidate {}",
                        c.id
                    )));
                }
                candidates::assign_mentor(cx.tx.conn(), c.id, member_id, on, probation).await?;
                cx.audit(
                    "mentor",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"member_id": member_id, "probation": probation, "on": on})),
                )
                .await
            })
        })
        .await
    }

    /// Records an introducer: a member with the date they began working with
    /// the candidate, or (member `None`) the Youth Union's resolution.
    pub async fn add_introducer(
        &self,
        actor: &Actor,
        candidate_id: i64,
        member: Option<(i64, Date)>,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let already = candidates::introducers(cx.tx.conn(), c.id).await?;
                let twice = match member {
                    Some((member_id, _)) => already.iter().any(|i| i.member_id == Some(member_id)),
                    None => already.iter().any(|i| i.member_id.is_none() && i.kind == "youth_union"),
                };
                if twice {
                    return Err(AppError::Conflict(format!(
                        "this introducer is already recorded for candidate {}; nothing was saved",
                        c.id
                    )));
                }
                match member {
                    Some((member_id, since)) => {
                        let m = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                        if m.person_id == c.person_id {
                            return Err(AppError::Conflict("a candidate cannot introduce themself".into()));
                        }
                        if since > on {
                            return Err(DomainError::invalid("since", since.to_string(), "a date on or before the introduction").into());
                        }
                        candidates::add_introducer(cx.tx.conn(), c.id, Some(member_id), "member", Some(since), on).await?;
                    }
                    None => candidates::add_introducer(cx.tx.conn(), c.id, None, "youth_union", None, on).await?,
                }
                cx.audit(
                    "introducer",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"member": member.map(|m| m.0), "together_since": member.map(|m| m.1), "on": on})),
                )
                .await
            })
        })
        .await
    }

    /// Records a step. A refusal names its rule and source, writes nothing
    /// of the step, and is kept in the refusals list for the supervisors.
    pub async fn record_step(
        &self,
        actor: &Actor,
        candidate_id: i64,
        input: StepInput,
    ) -> Result<String, AppError> {
        let on = input.on.unwrap_or(self.clock().today());
        let today = self.clock().today();
        let profile = self.profile().clone();
        let skip_reason = input
            .skip_reason
            .as_deref()
            .map(|r| bounded("skip_reason", r, limits::NOTE))
            .transpose()?;
        let step = Step {
            stage: bounded("stage", &input.stage, limits::SHORT)?,
            on,
            vote: input.vote,
            skip_reason,
        };
        let step2 = step.clone();
        let version = input.version;
        let result = self
            .run(actor, move |cx| {
                Box::pin(async move {
                    let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                    check_version(cx.tx.conn(), "candidate", c.id, version).await?;
                    if c.stage == step2.stage {
                        // The same step sent twice (a double click, two
                        // clerks at once): the second is told, not refused
                        // by the procedure, and leaves no refusal behind.
                        let last = ranks_store::records::audit::latest_for(cx.tx.conn(), "candidate", &c.id.to_string()).await?;
                        let by = last.map(|(_, at, who, _)| format!(" by {who} at {at}")).unwrap_or_default();
                        return Err(AppError::Conflict(format!(
                            "candidate {} is already at stage {}{by}; nothing was saved",
                            c.id, c.stage
                        )));
                    }
                    let dossier = load_dossier(cx.tx.conn(), &c).await?;
                    profile.check(&dossier, &step2, today).map_err(step_error)?;
                    let stage = profile.stage(&step2.stage).expect("checked").clone();
                    let detail = json!({"vote": step2.vote.map(|v| json!({"eligible": v.eligible, "present": v.present, "in_favour": v.in_favour, "against": v.against})), "skip_reason": step2.skip_reason});
                    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                    candidates::record_stage(cx.tx.conn(), c.id, &stage.key, on, Some(&detail), &by, &at).await?;
                    if let Some(v) = step2.vote {
                        candidates::add_vote(cx.tx.conn(), c.id, &stage.key, on, v.eligible, v.present, v.in_favour, v.against).await?;
                    }
                    apply_effect(cx, &profile, &c, &dossier, stage.effect, on).await?;
                    cx.audit("stage", "candidate", c.id, Some(json!({"stage": c.stage})), Some(json!({"stage": stage.key, "on": on, "detail": detail})))
                        .await?;
                    Ok(stage.key)
                })
            })
            .await;
        if let Err(AppError::Refused(r)) = &result {
            // The refusal is kept for the supervisors; the step itself wrote nothing.
            let mut tx = self.write().await?;
            if candidates::by_id(tx.conn(), candidate_id).await?.is_some() {
                let (by, at) = (actor.name.clone(), self.clock().stamp());
                candidates::add_refusal(
                    tx.conn(),
                    candidate_id,
                    &step.stage,
                    on,
                    &r.rule,
                    &r.source,
                    &r.message,
                    &by,
                    &at,
                )
                .await?;
                tx.commit().await?;
            }
        }
        result
    }

    /// The whole file of a candidate.
    pub async fn candidate_file(
        &self,
        actor: &Actor,
        candidate_id: i64,
    ) -> Result<CandidateFile, AppError> {
        let cal = self.calendar().await?;
        let mut conn = self.db().read().await?;
        let c = visible_candidate(&mut conn, actor, candidate_id).await?;
        let person = members::person(&mut conn, c.person_id)
            .await?
            .ok_or(AppError::NotFound {
                what: "person",
                key: c.person_id.to_string(),
            })?;
        let unit = units::by_id(&mut conn, c.unit_id)
            .await?
            .expect("candidate's unit exists");
        let dossier = load_dossier(&mut conn, &c).await?;
        let history = candidates::history(&mut conn, c.id).await?;
        let deadlines = self
            .profile()
            .deadlines_for(&dossier, &cal, self.clock().today())
            .into_iter()
            .map(DueEntry::from)
            .collect();
        if crate::privacy::sees_personal(actor) {
            self.log_read(actor, "candidate", c.id, &unit.path).await?;
        }
        let version = version_of(&mut conn, "candidate", c.id).await?;
        Ok(CandidateFile {
            version,
            id: c.id,
            person_id: c.person_id,
            full_name: person.full_name,
            birth_date: crate::privacy::personal(actor, person.birth_date),
            general_grade: crate::privacy::personal(actor, person.general_grade),
            area: crate::privacy::personal(actor, person.area),
            unit: unit.code.to_string(),
            unit_name: unit.name,
            stage: c.stage.clone(),
            stage_since: c.stage_since,
            member_id: c.member_id,
            history: history
                .into_iter()
                .map(|(stage, on, recorded_by)| HistoryEntry {
                    stage,
                    on,
                    recorded_by,
                })
                .collect(),
            documents: candidates::documents(&mut conn, c.id)
                .await?
                .into_iter()
                .collect(),
            votes: candidates::votes(&mut conn, c.id)
                .await?
                .into_iter()
                .map(
                    |(stage, on, eligible, present, in_favour, against)| VoteEntry {
                        stage,
                        on,
                        eligible,
                        present,
                        in_favour,
                        against,
                    },
                )
                .collect(),
            introducers: candidates::introducers(&mut conn, c.id)
                .await?
                .into_iter()
                .map(|i| IntroducerEntry {
                    kind: i.kind,
                    name: i.name,
                    status: i.status,
                    together_since: i.together_since,
                })
                .collect(),
            mentors: candidates::mentors(&mut conn, c.id, false)
                .await?
                .into_iter()
                .map(|m| m.1)
                .collect(),
            probation_mentors: candidates::mentors(&mut conn, c.id, true)
                .await?
                .into_iter()
                .map(|m| m.1)
                .collect(),
            certificate: candidates::latest_certificate(&mut conn, c.id).await?,
            deadlines,
        })
    }

    /// The next deadline of every open candidate in the subtree (probationary
    /// members included: their file runs until recognition), soonest first.
    /// `within`: only those due within so many working days (overdue always shown).
    pub async fn due(
        &self,
        actor: &Actor,
        org: Option<&str>,
        within: Option<i64>,
    ) -> Result<Vec<DueRow>, AppError> {
        self.due_as_of(actor, org, within, None).await
    }

    /// The deadlines as they stood on `as_of` (default today): each file as it was then.
    pub async fn due_as_of(
        &self,
        actor: &Actor,
        org: Option<&str>,
        within: Option<i64>,
        as_of: Option<Date>,
    ) -> Result<Vec<DueRow>, AppError> {
        let cal = self.calendar().await?;
        let today = self.check_date("as_of", as_of.unwrap_or(self.clock().today()))?;
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let tree = units::subtree(&mut conn, &root.path).await?;
        let by_code: HashMap<UnitCode, &UnitRow> =
            tree.iter().map(|u| (u.code.clone(), u)).collect();
        let sups = supervisors::for_subtree(&mut conn, &root.path).await?;
        let histories = candidates::histories_in_subtree(&mut conn, &root.path).await?;
        let list = candidates::in_subtree(&mut conn, &root.path).await?;
        let mut rows = Vec::new();
        for c in &list {
            let history: Vec<(String, Date)> = histories
                .get(&c.id)
                .map(|h| h.iter().filter(|x| x.1 <= today).cloned().collect())
                .unwrap_or_default();
            let Some((stage_then, _)) = history.last().cloned() else {
                continue;
            };
            if !self.profile().is_open(&stage_then) {
                continue;
            }
            let dossier = Dossier {
                history,
                ..Dossier::default()
            };
            let Some(next) = self
                .profile()
                .deadlines_for(&dossier, &cal, today)
                .into_iter()
                .next()
            else {
                continue;
            };
            if within.is_some_and(|w| next.working_days_left > w) {
                continue;
            }
            let escalated_to = if next.overdue() {
                // The committee members in charge of the candidate's cell and the units above it.
                let path = by_code.get(&c.unit_code).map(|u| u.path.clone());
                sups.iter()
                    .filter(|s| {
                        let sp = by_code.get(&s.unit_code).map(|u| &u.path);
                        matches!((sp, &path), (Some(sp), Some(p)) if sp.contains(p))
                    })
                    .map(|s| format!("{} ({})", s.full_name, s.unit_code))
                    .collect()
            } else {
                vec![]
            };
            rows.push(DueRow {
                candidate_id: c.id,
                name: c.full_name.clone(),
                unit: c.unit_code.to_string(),
                stage: stage_then.clone(),
                next_stage: next.until.clone(),
                overdue: next.overdue(),
                rule: next.rule,
                source: next.source,
                due: next.due,
                working_days_left: next.working_days_left,
                escalated_to,
            });
        }
        rows.sort_by_key(|r| (r.due, r.candidate_id));
        Ok(rows)
    }

    /// Records the government's actual days off and swapped working days for a year.
    pub async fn set_calendar_override(
        &self,
        actor: &Actor,
        ov: ranks_domain::calendar::YearOverride,
    ) -> Result<(), AppError> {
        if actor.scope != crate::Scope::All {
            return Err(AppError::Forbidden(
                "only a top-level administrator may change the calendar".into(),
            ));
        }
        // Validate against the whole calendar before writing.
        let mut cal = self.calendar().await?;
        cal.set_override(ov.clone())?;
        let body = serde_json::to_string(&ov).expect("json");
        self.run(actor, move |cx| {
            Box::pin(async move {
                let before = settings::calendar_overrides(cx.tx.conn())
                    .await?
                    .into_iter()
                    .find(|(y, _)| *y == i64::from(ov.year))
                    .map(|(_, b)| {
                        serde_json::from_str::<serde_json::Value>(&b).unwrap_or_default()
                    });
                settings::set_calendar_override(cx.tx.conn(), i64::from(ov.year), &body).await?;
                cx.audit(
                    "set",
                    "calendar",
                    ov.year,
                    before,
                    Some(serde_json::from_str(&body).unwrap_or_default()),
                )
                .await
            })
        })
        .await
    }
}

/// The last calendar built and the overrides it was built from: building
/// one computes the lunar holidays afresh, so pages reuse it while the
/// overrides in the database stay the same.
static CALENDAR: std::sync::Mutex<Option<CachedCalendar>> = std::sync::Mutex::new(None);

/// The overrides' rows and the calendar built from them.
type CachedCalendar = (Vec<(i64, String)>, WorkCalendar);

pub(crate) async fn load_calendar(conn: &mut Conn) -> Result<WorkCalendar, AppError> {
    let rows = settings::calendar_overrides(conn).await?;
    if let Ok(g) = CALENDAR.lock() {
        if let Some((seen, cal)) = g.as_ref() {
            if *seen == rows {
                return Ok(cal.clone());
            }
        }
    }
    let cal = build_calendar(rows.clone())?;
    if let Ok(mut g) = CALENDAR.lock() {
        *g = Some((rows, cal.clone()));
    }
    Ok(cal)
}

fn build_calendar(rows: Vec<(i64, String)>) -> Result<WorkCalendar, AppError> {
    let mut ovs = Vec::new();
    for (year, body) in rows {
        let ov: ranks_domain::calendar::YearOverride =
            serde_json::from_str(&body).map_err(|e| {
                ranks_store::StoreError::Corrupt(format!("calendar override {year}: {e}"))
            })?;
        ovs.push(ov);
    }
    Ok(WorkCalendar::with_overrides(ovs)?)
}

pub(crate) use crate::scope::{candidate as visible_candidate, member as visible_member};

/// Everything the engine needs about a candidate, from the database.
pub(crate) async fn load_dossier(conn: &mut Conn, c: &CandidateRow) -> Result<Dossier, AppError> {
    let person = members::person(conn, c.person_id)
        .await?
        .ok_or(AppError::NotFound {
            what: "person",
            key: c.person_id.to_string(),
        })?;
    let history = candidates::history(conn, c.id)
        .await?
        .into_iter()
        .map(|(s, d, _)| (s, d))
        .collect();
    let introducers = candidates::introducers(conn, c.id)
        .await?
        .into_iter()
        .map(|i| match i.kind.as_str() {
            "member" => Introducer::Member {
                name: i
                    .name
                    .unwrap_or_else(|| format!("member {}", i.member_id.unwrap_or_default())),
                official_since: if i.status.as_deref() == Some("official") {
                    i.official_on
                } else {
                    None
                },
                together_since: i.together_since.unwrap_or(Date::MAX),
            },
            _ => Introducer::YouthUnion,
        })
        .collect();
    Ok(Dossier {
        birth_date: Some(person.birth_date),
        general_grade: person.general_grade,
        area: Some(person.area).filter(|a| !a.is_empty()),
        history,
        documents: candidates::documents(conn, c.id).await?,
        certificate_issued: candidates::latest_certificate(conn, c.id)
            .await?
            .map(|c| c.0),
        introducers,
        mentors: candidates::mentors(conn, c.id, false).await?.len() as u32,
        probation_mentors: candidates::mentors(conn, c.id, true).await?.len() as u32,
        left_party_on: members::left_party_on(conn, c.person_id).await?,
    })
}

/// What entering a stage does to the registry.
async fn apply_effect(
    cx: &mut Ctx<'_>,
    profile: &ranks_domain::procedure::Profile,
    c: &crate::scope::Visible<CandidateRow>,
    dossier: &Dossier,
    effect: Option<Effect>,
    on: Date,
) -> Result<(), AppError> {
    match effect {
        Some(Effect::Admit) => {
            let cell = crate::scope::unit_by_id(cx.tx.conn(), cx.actor, c.unit_id).await?;
            let person = crate::scope::person(cx.tx.conn(), cx.actor, c.person_id).await?;
            let member =
                crate::ops::add_member(cx, &person, &cell, MemberStatus::Probationary, on, None)
                    .await?;
            crate::ops::link_candidate_member(cx, c, &member).await?;
        }
        Some(Effect::Recognise) => {
            // Effective exactly twelve months after the ceremony, however late recorded.
            let ceremony = dossier
                .entered(&profile.ceremony_stage().key)
                .ok_or_else(|| AppError::Conflict("no ceremony is recorded".into()))?;
            let effective = ceremony
                .checked_add_months(chrono::Months::new(12))
                .expect("date in range");
            update_member(
                cx,
                c,
                |m| {
                    m.status = MemberStatus::Official;
                    m.official_on = Some(effective);
                },
                "recognised",
                on,
            )
            .await?;
        }
        Some(Effect::Remove) => {
            update_member(
                cx,
                c,
                |m| {
                    m.status = MemberStatus::Removed;
                    m.left_on = Some(on);
                },
                "removed_not_recognised",
                on,
            )
            .await?;
        }
        Some(Effect::StartProbation) | Some(Effect::Withdraw) | None => {}
    }
    Ok(())
}

async fn update_member(
    cx: &mut Ctx<'_>,
    c: &CandidateRow,
    change: impl FnOnce(&mut MemberRow),
    kind: &str,
    on: Date,
) -> Result<(), AppError> {
    let member_id = c
        .member_id
        .ok_or_else(|| AppError::Conflict(format!("candidate {} has no member record", c.id)))?;
    let before = members::row(cx.tx.conn(), member_id)
        .await?
        .expect("member exists");
    let mut after = before.clone();
    change(&mut after);
    members::update(cx.tx.conn(), &after).await?;
    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
    members::add_event(
        cx.tx.conn(),
        member_id,
        kind,
        on,
        &after.to_json(),
        &by,
        &at,
    )
    .await?;
    cx.audit(
        kind,
        "member",
        member_id,
        Some(before.to_json()),
        Some(after.to_json()),
    )
    .await
}

// Member movements after admission.

/// A movement of a member (DOMAIN.md §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Movement {
    /// Official transfer to another cell in the tree.
    TransferTo {
        cell: String,
    },
    /// Official transfer out of the tree.
    TransferOut {
        destination: String,
    },
    /// Temporary activity in another cell until a date; still counted at home.
    Temporary {
        cell: String,
        until: Date,
    },
    /// Back from a temporary transfer.
    ReturnHome,
    /// Exempted from activities, fully or partly (or no longer: "").
    Exempt {
        level: String,
    },
    Remove {
        reason: String,
    },
    Expel {
        reason: String,
    },
    Death,
    Card {
        number: String,
    },
}

impl App {
    pub async fn member_movement(
        &self,
        actor: &Actor,
        member_id: i64,
        movement: Movement,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        self.member_movement_at(actor, member_id, movement, on, None)
            .await
    }

    /// A movement recorded on the member as the user saw it (`version`, see
    /// [`crate::history::MemberRecord::version`]); a stale view is a conflict.
    pub async fn member_movement_at(
        &self,
        actor: &Actor,
        member_id: i64,
        movement: Movement,
        on: Option<Date>,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let rules = self.profile().members.clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let before = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                check_version(cx.tx.conn(), "member", member_id, version).await?;
                if !before.status.is_current() {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} is {}; only current members move",
                        before.status.as_str()
                    )));
                }
                let mut m = (*before).clone();
                let mut detail = json!({});
                let kind = match &movement {
                    Movement::TransferTo { cell } => {
                        let cell = visible_unit(cx.tx.conn(), cx.actor, cell).await?;
                        if !cell.kind.holds_members() || cell.id == m.unit_id {
                            return Err(AppError::Conflict(format!("{} is not another cell", cell.code)));
                        }
                        detail = json!({"from_unit": m.unit_id, "to": cell.code});
                        m.unit_id = cell.id;
                        m.host_unit_id = None;
                        m.host_until = None;
                        "transfer"
                    }
                    Movement::TransferOut { destination } => {
                        detail = json!({"destination": bounded("destination", destination, limits::LINE)?});
                        m.status = MemberStatus::TransferredOut;
                        m.left_on = Some(on);
                        "transfer_out"
                    }
                    Movement::Temporary { cell, until } => {
                        let host = visible_unit(cx.tx.conn(), cx.actor, cell).await?;
                        if !host.kind.holds_members() || host.id == m.unit_id {
                            return Err(AppError::Conflict(format!("{} is not another cell", host.code)));
                        }
                        if let Some(r) = &rules {
                            let (lo, hi) = r.temporary_transfer_months;
                            let months = ranks_domain::procedure::whole_months(on, *until);
                            if months < i64::from(lo) || months > i64::from(hi) {
                                return Err(AppError::Refused(Refusal {
                                    rule: "temporary_transfer".into(),
                                    source: r.source.cite(),
                                    message: format!("a temporary transfer lasts {lo} to {hi} months; {on} to {until} is {months}"),
                                }));
                            }
                        }
                        detail = json!({"host": host.code, "until": until});
                        m.host_unit_id = Some(host.id);
                        m.host_until = Some(*until);
                        "temporary_transfer"
                    }
                    Movement::ReturnHome => {
                        if m.host_unit_id.is_none() {
                            return Err(AppError::Conflict(format!("member {member_id} is not on a temporary transfer")));
                        }
                        m.host_unit_id = None;
                        m.host_until = None;
                        "return"
                    }
                    Movement::Exempt { level } => {
                        if !matches!(level.as_str(), "full" | "partial" | "") {
                            return Err(DomainError::invalid("level", level.clone(), "full, partial, or empty to end the exemption").into());
                        }
                        m.exempted = level.clone();
                        detail = json!({"level": level});
                        "exempt"
                    }
                    Movement::Remove { reason } => {
                        m.status = MemberStatus::Removed;
                        m.left_on = Some(on);
                        detail = json!({"reason": bounded("reason", reason, limits::NOTE)?});
                        "remove"
                    }
                    Movement::Expel { reason } => {
                        m.status = MemberStatus::Expelled;
                        m.left_on = Some(on);
                        detail = json!({"reason": bounded("reason", reason, limits::NOTE)?});
                        "expel"
                    }
                    Movement::Death => {
                        m.status = MemberStatus::Deceased;
                        m.left_on = Some(on);
                        "death"
                    }
                    Movement::Card { number } => {
                        if m.status != MemberStatus::Official {
                            return Err(AppError::Conflict(format!(
                                "member {member_id} is {}; the party card is issued to official members only",
                                m.status.as_str()
                            )));
                        }
                        let number = bounded("number", number, limits::SHORT)?;
                        if number.is_empty() {
                            return Err(DomainError::invalid("number", number, "the card's number").into());
                        }
                        m.card_number = Some(number.clone());
                        detail = json!({"number": number});
                        "card"
                    }
                };
                members::update(cx.tx.conn(), &m).await?;
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                members::add_event(cx.tx.conn(), member_id, kind, on, &detail, &by, &at).await?;
                cx.audit(kind, "member", member_id, Some(before.to_json()), Some(m.to_json())).await
            })
        })
        .await
    }
}

impl App {
    /// Refused attempts in the subtree, newest first.
    pub async fn refusals(
        &self,
        actor: &Actor,
        org: Option<&str>,
    ) -> Result<Vec<crate::refusals::RefusedAttempt>, AppError> {
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let list = candidates::refusals_in_subtree(&mut conn, &root.path).await?;
        // Only refusals of files still open matter to a supervisor.
        let mut open = Vec::new();
        for r in list {
            if let Some(c) = candidates::by_id(&mut conn, r.candidate_id).await? {
                if self.profile().is_open(&c.stage) {
                    open.push(r.into());
                }
            }
        }
        Ok(open)
    }
}
