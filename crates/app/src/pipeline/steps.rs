//! New candidates and the steps of the procedure, each checked by the
//! profile's engine and, when it holds, applied to the registry.

use super::{
    check_version, elsewhere, load_dossier, step_error, visible_candidate, PersonRef, StepInput,
};
use crate::ops::Ctx;
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::procedure::{Dossier, Effect, Step};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus};
use ranks_store::records::candidates::{self, CandidateRow};
use ranks_store::records::members::{self, MemberRow};
use ranks_store::records::units::{self};
use serde_json::json;

/// A person proposed for a cell's pool.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub who: PersonRef,
    pub cell: String,
    pub movement: Option<String>,
    pub on: Option<Date>,
    /// A new person's ID number, if known.
    pub id_number: Option<String>,
    /// Add even if a probable duplicate is found (the user confirmed).
    pub confirm_duplicate: bool,
}

/// What a proposal did.
#[derive(Debug, Clone)]
pub enum Proposed {
    Added(i64),
    /// Nothing written: these people are probably the one proposed.
    Duplicates(Vec<crate::duplicates::Duplicate>),
}

impl App {
    /// Adds a person to a cell's candidate pool (a probable duplicate
    /// taken as confirmed: see [`App::propose_candidate`]).
    pub async fn add_candidate(
        &self,
        actor: &Actor,
        who: PersonRef,
        cell: &str,
        movement: Option<&str>,
        on: Option<Date>,
    ) -> Result<i64, AppError> {
        let proposal = Proposal {
            who,
            cell: cell.to_string(),
            movement: movement.map(str::to_string),
            on,
            id_number: None,
            confirm_duplicate: true,
        };
        match self.propose_candidate(actor, proposal).await? {
            Proposed::Added(id) => Ok(id),
            Proposed::Duplicates(_) => unreachable!("confirmed"),
        }
    }

    /// Adds a person to a cell's candidate pool, unless the person is new
    /// and probably already registered (same ID number, or same name and
    /// birth date, among the people the actor may see) and the user has not
    /// confirmed: then nothing is written and the matches are answered. An
    /// ID number already registered is refused when confirmed (one person
    /// per number); held outside the actor's units, it is refused at once,
    /// saying only that it exists outside them.
    pub async fn propose_candidate(
        &self,
        actor: &Actor,
        proposal: Proposal,
    ) -> Result<Proposed, AppError> {
        let Proposal {
            who,
            cell,
            movement,
            on,
            id_number,
            confirm_duplicate,
        } = proposal;
        let id_number = id_number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(ranks_domain::IdNumber::parse)
            .transpose()?;
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let today = self.clock().today();
        let profile = self.profile().clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                if let PersonRef::New { person, .. } = &who {
                    let found = crate::duplicates::find(cx.tx.conn(), cx.actor, &person.full_name, person.birth_date, id_number.as_ref().map(|n| n.as_str())).await?;
                    if found.id_number_outside {
                        return Err(AppError::Conflict(crate::duplicates::ID_NUMBER_OUTSIDE.into()));
                    }
                    if let Some(d) = found.visible.iter().find(|d| d.matched == "id_number" && confirm_duplicate) {
                        return Err(AppError::Conflict(format!(
                            "this ID number is already registered: {} (person {}); propose that person instead",
                            d.full_name, d.person_id
                        )));
                    }
                    if !found.visible.is_empty() && !confirm_duplicate {
                        return Ok(Proposed::Duplicates(found.visible));
                    }
                }
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
                        if let Some(n) = &id_number {
                            members::set_contact(cx.tx.conn(), p.id, Some(n.as_str()), None).await?;
                            cx.audit("update", "person", p.id, None, Some(json!({"id_number": n.as_str()}))).await?;
                        }
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
                    party_exit: super::file::party_exit(cx.tx.conn(), person_id).await?,
                    ..Dossier::default()
                };
                let first = profile.first_stage().key.clone();
                profile
                    .check(&dossier, &Step { stage: first.clone(), on, vote: None, skip_reason: None }, today)
                    .map_err(step_error)?;
                Ok(Proposed::Added(crate::ops::add_candidate(cx, &person, &cell, movement_id, &first, on).await?.id))
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
        let eligible_reason = input
            .eligible_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| bounded("eligible_reason", r, limits::NOTE))
            .transpose()?;
        let result = self
            .run(actor, move |cx| {
                Box::pin(async move {
                    take_step(
                        cx,
                        &profile,
                        today,
                        candidate_id,
                        &step2,
                        StepExtra {
                            version,
                            eligible_reason,
                            meeting: None,
                        },
                    )
                    .await
                })
            })
            .await;
        if let Err(AppError::Refused(r)) = &result {
            self.keep_refusal(actor, candidate_id, &step.stage, on, r)
                .await?;
        }
        result
    }

    /// Keeps a refused step for the supervisors, audited like every other
    /// write; the step itself wrote nothing.
    pub(crate) async fn keep_refusal(
        &self,
        actor: &Actor,
        candidate_id: i64,
        stage: &str,
        on: Date,
        r: &ranks_domain::procedure::Refusal,
    ) -> Result<(), AppError> {
        // The refusal is kept for the supervisors, and audited like every
        // other write; the step itself wrote nothing.
        let mut tx = self.write().await?;
        if candidates::by_id(tx.conn(), candidate_id).await?.is_some() {
            let (by, at) = (actor.name.clone(), self.clock().stamp());
            ranks_store::records::audit::append(
                    &mut tx,
                    &ranks_store::records::audit::AuditEntry {
                        at: at.clone(),
                        actor: by.clone(),
                        action: "refused".into(),
                        entity: "candidate".into(),
                        entity_id: candidate_id.to_string(),
                        before: None,
                        // With its message key and arguments: the history words it in the reader's language.
                        after: Some(json!({"stage": stage, "on": on, "rule": r.rule, "source": r.source, "key": r.key, "args": r.args.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<String, serde_json::Value>>()})),
                    },
                )
                .await?;
            candidates::add_refusal(tx.conn(), candidate_id, stage, on, r, &by, &at).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

/// What a step carries besides itself: the file's version as the user saw
/// it, why a cell vote's eligible differs from the registry's, and the
/// meeting the vote was taken at.
#[derive(Debug, Clone, Default)]
pub(crate) struct StepExtra {
    pub version: Option<i64>,
    pub eligible_reason: Option<String>,
    pub meeting: Option<i64>,
}

/// Checks a step and applies it, inside the caller's write: the candidate
/// through the actor's scope, the recorder's level, a cell vote's eligible
/// against the registry, the profile's rules; then the stage, the vote, the
/// effect on the registry and the audit entry.
pub(crate) async fn take_step(
    cx: &mut Ctx<'_>,
    profile: &ranks_domain::procedure::Profile,
    today: Date,
    candidate_id: i64,
    step2: &Step,
    extra: StepExtra,
) -> Result<String, AppError> {
    let StepExtra {
        version,
        eligible_reason,
        meeting,
    } = extra;
    let on = step2.on;
    let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
    check_version(cx.tx.conn(), "candidate", c.id, version).await?;
    if c.stage == step2.stage {
        // The same step sent twice (a double click, two
        // clerks at once): the second is told, not refused
        // by the procedure, and leaves no refusal behind.
        let last =
            ranks_store::records::audit::latest_for(cx.tx.conn(), "candidate", &c.id.to_string())
                .await?;
        let by = last
            .map(|(_, at, who, _)| format!(" by {who} at {at}"))
            .unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "candidate {} is already at stage {}{by}; nothing was saved",
            c.id, c.stage
        )));
    }
    let level = crate::scope::recording_level(cx.tx.conn(), cx.actor).await?;
    profile
        .check_recorder(&step2.stage, level)
        .map_err(step_error)?;
    let mut dossier = load_dossier(cx.tx.conn(), &c).await?;
    let registry = registry_eligible(cx.tx.conn(), profile, &c, &step2.stage, step2.on).await?;
    dossier.cell_official_members = registry;
    profile
        .check_eligible(
            &step2.stage,
            step2.vote,
            registry,
            step2.on,
            eligible_reason.as_deref(),
        )
        .map_err(step_error)?;
    profile.check(&dossier, step2, today).map_err(step_error)?;
    let stage = profile.stage(&step2.stage).expect("checked").clone();
    let reason = eligible_reason.filter(|_| {
        step2
            .vote
            .zip(registry)
            .is_some_and(|(v, n)| v.eligible != n)
    });
    let mut detail = json!({"vote": step2.vote.map(|v| json!({"eligible": v.eligible, "present": v.present, "in_favour": v.in_favour, "against": v.against, "registry_eligible": registry, "eligible_reason": reason})), "skip_reason": step2.skip_reason});
    if let Some(m) = meeting {
        // The vote was taken at this meeting (its attendance gave present).
        detail["meeting"] = json!(m);
    }
    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
    candidates::record_stage(cx.tx.conn(), c.id, &stage.key, on, Some(&detail), &by, &at).await?;
    if let Some(v) = step2.vote {
        candidates::add_vote(
            cx.tx.conn(),
            c.id,
            &stage.key,
            on,
            v.eligible,
            v.present,
            v.in_favour,
            v.against,
        )
        .await?;
    }
    apply_effect(cx, profile, &c, &dossier, stage.effect, on).await?;
    cx.audit(
        "stage",
        "candidate",
        c.id,
        Some(json!({"stage": c.stage})),
        Some(json!({"stage": stage.key, "on": on, "detail": detail})),
    )
    .await?;
    Ok(stage.key)
}

/// The official members of the candidate's cell on `on`, when `stage` is
/// a vote of the cell (whose eligible are they); `None` otherwise.
pub(super) async fn registry_eligible(
    conn: &mut ranks_store::Conn,
    profile: &ranks_domain::procedure::Profile,
    c: &CandidateRow,
    stage: &str,
    on: Date,
) -> Result<Option<u32>, AppError> {
    let cell_vote = profile.stage(stage).is_some_and(|s| {
        s.vote && profile.voters(s) == ranks_domain::procedure::Voters::CellOfficialMembers
    });
    if !cell_vote {
        return Ok(None);
    }
    let n = members::official_count(conn, c.unit_id, on).await?;
    Ok(Some(u32::try_from(n).unwrap_or(u32::MAX)))
}

impl App {
    /// The number the vote form proposes as eligible for `stage` on `on`:
    /// the cell's official members then, for a vote of the cell.
    pub async fn registry_eligible(
        &self,
        actor: &Actor,
        candidate_id: i64,
        stage: &str,
        on: Date,
    ) -> Result<Option<u32>, AppError> {
        let mut conn = self.db().read().await?;
        let c = visible_candidate(&mut conn, actor, candidate_id).await?;
        registry_eligible(&mut conn, self.profile(), &c, stage, on).await
    }

    /// The body the actor records for (see [`ranks_domain::procedure::Level`]).
    pub async fn recording_level(
        &self,
        actor: &Actor,
    ) -> Result<ranks_domain::procedure::Level, AppError> {
        let mut conn = self.db().read().await?;
        crate::scope::recording_level(&mut conn, actor).await
    }
}

/// What entering a stage does to the registry.
pub(super) async fn apply_effect(
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

pub(super) async fn update_member(
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
