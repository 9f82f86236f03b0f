//! The meeting of a cell or a committee as the record of its votes (issue
//! 17, part 3): the day and the agenda; the attendance, whose roll is the
//! registry's official and probationary members of the unit on that day
//! (absent with a reason); the votes taken at the sitting on several
//! candidates, each a step of the candidate's file whose eligible (the
//! unit's official members on the day, from the registry) and present
//! (those of them the attendance marks present) are not typed again, and
//! whose share (two thirds in the CPV profile) the profile's rule checks.
//!
//! Only those who record data (staff, secretaries, administrators) over the
//! unit see or write its meetings: the attendance names members and the
//! reasons of their absence.

use crate::ops::Ctx;
use crate::pipeline::steps::{take_step, StepExtra};
use crate::scope::Visible;
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::procedure::{GateKind, Profile, Step, Vote, Voters};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus};
use ranks_store::records::meetings::{self, MeetingRow, MeetingVote};
use ranks_store::records::members;
use ranks_store::records::units::UnitRow;
use ranks_store::Conn;
use serde::Serialize;
use serde_json::json;

/// The attendance of a meeting that has taken votes (they counted it).
pub const ATTENDANCE_FIXED: &str =
    "votes were taken at this meeting with the attendance as it stood; it can no longer change";

/// A second vote of one meeting on the same candidate's step.
pub const VOTED_TWICE: &str =
    "this meeting already took the vote on this candidate for this step; nothing was saved";

/// The most entries one attendance change may name.
pub const MAX_ATTENDANCE: usize = 1000;

/// A new meeting: the unit's code, the day, the agenda, and the members
/// absent with their reasons (everyone else on the roll is present).
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub unit: String,
    pub on: Date,
    pub agenda: String,
    pub absent: Vec<Attendance>,
}

/// A member marked present or absent (absent with a reason).
#[derive(Debug, Clone)]
pub struct Attendance {
    pub member_id: i64,
    pub present: bool,
    pub reason: Option<String>,
}

/// A vote taken at the meeting on a candidate's step: only the counts are
/// typed; eligible and present come from the registry and the attendance.
#[derive(Debug, Clone)]
pub struct VoteInput {
    pub candidate_id: i64,
    pub stage: String,
    pub in_favour: u32,
    pub against: u32,
}

/// A member on the roll, as the meeting's page and minutes show them.
#[derive(Debug, Clone, Serialize)]
pub struct RollEntry {
    pub member_id: i64,
    pub full_name: String,
    /// official or probationary, on the meeting's day.
    pub status: String,
    pub present: bool,
    pub absence_reason: Option<String>,
}

/// A vote taken at the meeting.
#[derive(Debug, Clone, Serialize)]
pub struct VoteTaken {
    pub candidate_id: i64,
    pub full_name: String,
    pub stage: String,
    pub eligible: i64,
    pub present: i64,
    pub in_favour: i64,
    pub against: i64,
    /// The step was recorded; otherwise the vote fell short of the rule.
    pub carried: bool,
    pub rule: Option<String>,
    pub source: Option<String>,
}

/// An open file of the unit, for the vote form.
#[derive(Debug, Clone, Serialize)]
pub struct Votable {
    pub candidate_id: i64,
    pub full_name: String,
    pub stage: String,
    /// The vote of the cell that follows the file's stage.
    pub next_vote: String,
}

/// A meeting whole.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub held_on: Date,
    pub agenda: String,
    pub recorded_by: String,
    pub roll: Vec<RollEntry>,
    pub votes: Vec<VoteTaken>,
    /// The unit's official members on the day (the registry's count, the
    /// eligible of a vote of the cell).
    pub official_eligible: i64,
    pub official_present: i64,
    pub probationary_on_roll: i64,
    pub probationary_present: i64,
    /// Votes were taken: the attendance can no longer change.
    pub attendance_fixed: bool,
    /// The unit's candidates whose next step is a vote of the cell, for
    /// the vote form.
    pub candidates: Vec<Votable>,
    /// The vote stages a meeting takes (the cell's votes).
    pub vote_stages: Vec<String>,
}

/// A unit's meeting in its list.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingEntry {
    pub id: i64,
    pub held_on: Date,
    pub agenda: String,
    pub on_roll: i64,
    pub present: i64,
    pub votes: i64,
}

/// A unit's meetings, the latest first.
#[derive(Debug, Clone, Serialize)]
pub struct UnitMeetings {
    pub unit: String,
    pub unit_name: String,
    pub meetings: Vec<MeetingEntry>,
}

/// What a vote at the meeting did.
#[derive(Debug, Clone, Serialize)]
pub struct VoteOutcome {
    pub carried: bool,
    pub stage: String,
    pub eligible: i64,
    pub present: i64,
    pub in_favour: i64,
    pub against: i64,
    /// A vote short of the rule: the rule, its source and what it says.
    pub rule: Option<String>,
    pub source: Option<String>,
    pub message: Option<String>,
}

fn may_see_meetings(actor: &Actor) -> Result<(), AppError> {
    if actor.role.writes() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "a {} does not see the meetings (their attendance names members and reasons)",
            actor.role.as_str()
        )))
    }
}

/// A meeting whose unit the actor sees; any other is "not found".
async fn visible_meeting(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
) -> Result<(MeetingRow, Visible<UnitRow>), AppError> {
    let not_found = || AppError::NotFound {
        what: "meeting",
        key: id.to_string(),
    };
    let m = meetings::by_id(conn, id).await?.ok_or_else(not_found)?;
    let unit = crate::scope::unit_by_id(conn, actor, m.unit_id)
        .await
        .map_err(|_| not_found())?;
    Ok((m, unit))
}

/// The stages a meeting takes a vote on: votes of the cell's official
/// members (a committee's members are not in the registry).
fn vote_stages(profile: &Profile) -> Vec<String> {
    profile
        .stages
        .iter()
        .filter(|s| s.vote && profile.voters(s) == Voters::CellOfficialMembers)
        .map(|s| s.key.clone())
        .collect()
}

/// Whether a refusal is a vote's share (the two thirds): the vote was
/// taken and fell short, which the minutes keep.
fn is_share_rule(profile: &Profile, rule: &str) -> bool {
    profile
        .gates
        .iter()
        .any(|g| g.id == rule && matches!(g.kind, GateKind::Vote { .. }))
}

fn reason_of(a: &Attendance) -> Result<Option<String>, AppError> {
    if a.present {
        return Ok(None);
    }
    let r = a.reason.as_deref().map(str::trim).unwrap_or_default();
    if r.is_empty() {
        let who = format!("member {}", a.member_id);
        return Err(
            DomainError::invalid("reason", who, "the reason for the member's absence").into(),
        );
    }
    Ok(Some(bounded("reason", r, limits::LINE)?))
}

fn check_count(n: usize) -> Result<(), AppError> {
    if n > MAX_ATTENDANCE {
        return Err(DomainError::invalid(
            "attendance",
            n.to_string(),
            "at most 1000 members in one change",
        )
        .into());
    }
    Ok(())
}

/// Marks the members named, each resolved through the actor's scope and
/// required on the roll.
async fn mark(cx: &mut Ctx<'_>, meeting_id: i64, marks: &[Attendance]) -> Result<(), AppError> {
    for a in marks {
        let reason = reason_of(a)?;
        let m = crate::scope::member(cx.tx.conn(), cx.actor, a.member_id).await?;
        if !meetings::set_attendance(cx.tx.conn(), meeting_id, m.id, a.present, reason.as_deref())
            .await?
        {
            return Err(DomainError::invalid(
                "member",
                a.member_id.to_string(),
                "a member on the meeting's roll (the unit's official and probationary members on its day)",
            )
            .into());
        }
    }
    Ok(())
}

fn roll_json(roll: &[meetings::AttendanceRow]) -> serde_json::Value {
    json!(roll
        .iter()
        .map(|a| json!({"member": a.member_id, "status": a.status.as_str(), "present": a.present, "reason": a.absence_reason}))
        .collect::<Vec<_>>())
}

impl App {
    /// Opens a meeting of a unit on a day: its roll is the registry's
    /// official and probationary members of the unit on that day, all
    /// present but those named absent (each with a reason).
    pub async fn create_meeting(&self, actor: &Actor, new: NewMeeting) -> Result<i64, AppError> {
        may_see_meetings(actor)?;
        let on = self.check_date("date", new.on)?;
        let agenda = bounded("agenda", new.agenda.trim(), limits::NOTE)?;
        if agenda.is_empty() {
            return Err(DomainError::invalid("agenda", "", "the meeting's agenda").into());
        }
        check_count(new.absent.len())?;
        let absent: Vec<Attendance> = new
            .absent
            .into_iter()
            .map(|a| Attendance {
                present: false,
                ..a
            })
            .collect();
        for a in &absent {
            reason_of(a)?;
        }
        self.run(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &new.unit).await?;
                if unit.created_on > on {
                    return Err(DomainError::invalid("date", on.to_string(), "a day on or after the unit was created").into());
                }
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                let id = meetings::insert(cx.tx.conn(), unit.id, on, &agenda, &by, &at).await?;
                for (member, status) in meetings::roll_on(cx.tx.conn(), unit.id, on).await? {
                    meetings::add_attendance(cx.tx.conn(), id, member, status, true, None).await?;
                }
                mark(cx, id, &absent).await?;
                let roll = meetings::attendance(cx.tx.conn(), id).await?;
                cx.audit("create", "meeting", id, None, Some(json!({"unit": unit.code.to_string(), "held_on": on, "agenda": agenda, "roll": roll_json(&roll)})))
                    .await?;
                Ok(id)
            })
        })
        .await
    }

    /// Marks members of the roll present or absent (with a reason); refused
    /// once a vote has been taken (the votes counted those present).
    pub async fn set_attendance(
        &self,
        actor: &Actor,
        meeting_id: i64,
        marks: Vec<Attendance>,
    ) -> Result<(), AppError> {
        may_see_meetings(actor)?;
        check_count(marks.len())?;
        for a in &marks {
            reason_of(a)?;
        }
        self.run(actor, move |cx| {
            Box::pin(async move {
                let (m, _) = visible_meeting(cx.tx.conn(), cx.actor, meeting_id).await?;
                if !meetings::votes(cx.tx.conn(), m.id).await?.is_empty() {
                    return Err(AppError::Conflict(ATTENDANCE_FIXED.into()));
                }
                let before = roll_json(&meetings::attendance(cx.tx.conn(), m.id).await?);
                mark(cx, m.id, &marks).await?;
                let after = roll_json(&meetings::attendance(cx.tx.conn(), m.id).await?);
                cx.audit("attendance", "meeting", m.id, Some(before), Some(after))
                    .await
            })
        })
        .await
    }

    /// Takes a vote at the meeting on a candidate's step: the candidate must
    /// be of the meeting's unit; eligible is the registry's count of the
    /// unit's official members on the day, present those of them the
    /// attendance marks present. A vote short of the profile's share is
    /// kept as not carried (the step is not recorded); any other refusal
    /// writes nothing and is kept for the supervisors as a step's would be.
    pub async fn meeting_vote(
        &self,
        actor: &Actor,
        meeting_id: i64,
        input: VoteInput,
    ) -> Result<VoteOutcome, AppError> {
        may_see_meetings(actor)?;
        let profile = self.profile().clone();
        let stage = bounded("stage", input.stage.trim(), limits::SHORT)?;
        if !vote_stages(&profile).contains(&stage) {
            return Err(DomainError::invalid(
                "stage",
                stage,
                "a vote of the cell's official members (cell_vote, recognition_cell_vote)",
            )
            .into());
        }
        let today = self.clock().today();
        let candidate_id = input.candidate_id;
        let stage2 = stage.clone();
        let result = self
            .run(actor, move |cx| {
                Box::pin(async move {
                    let (m, unit) = visible_meeting(cx.tx.conn(), cx.actor, meeting_id).await?;
                    let c = crate::scope::candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                    if c.unit_id != unit.id {
                        return Err(DomainError::invalid("candidate", candidate_id.to_string(), "a candidate of the meeting's unit").into());
                    }
                    if meetings::votes(cx.tx.conn(), m.id).await?.iter().any(|(v, _)| v.candidate_id == c.id && v.stage == stage2) {
                        return Err(AppError::Conflict(VOTED_TWICE.into()));
                    }
                    let eligible = members::official_count(cx.tx.conn(), unit.id, m.held_on).await?;
                    let present = meetings::official_present(cx.tx.conn(), m.id, unit.id, m.held_on).await?;
                    let to_u32 = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
                    let vote = Vote { eligible: to_u32(eligible), present: to_u32(present), in_favour: input.in_favour, against: input.against };
                    let step = Step { stage: stage2.clone(), on: m.held_on, vote: Some(vote), skip_reason: None };
                    let mut outcome = VoteOutcome {
                        carried: true,
                        stage: stage2.clone(),
                        eligible,
                        present,
                        in_favour: i64::from(input.in_favour),
                        against: i64::from(input.against),
                        rule: None,
                        source: None,
                        message: None,
                    };
                    match take_step(cx, &profile, today, c.id, &step, StepExtra { meeting: Some(m.id), ..StepExtra::default() }).await {
                        Ok(_) => {}
                        Err(AppError::Refused(r)) if is_share_rule(&profile, &r.rule) => {
                            outcome.carried = false;
                            outcome.rule = Some(r.rule);
                            outcome.source = Some(r.source);
                            outcome.message = Some(r.message);
                        }
                        Err(e) => return Err(e),
                    }
                    let row = MeetingVote {
                        candidate_id: c.id,
                        stage: stage2.clone(),
                        eligible,
                        present,
                        in_favour: outcome.in_favour,
                        against: outcome.against,
                        carried: outcome.carried,
                        rule: outcome.rule.clone(),
                        rule_source: outcome.source.clone(),
                    };
                    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                    meetings::add_vote(cx.tx.conn(), m.id, &row, &by, &at).await?;
                    cx.audit("vote", "meeting", m.id, None, Some(json!({"candidate": c.id, "stage": stage2, "eligible": eligible, "present": present, "in_favour": outcome.in_favour, "against": outcome.against, "carried": outcome.carried, "rule": outcome.rule})))
                        .await?;
                    Ok(outcome)
                })
            })
            .await;
        if let Err(AppError::Refused(r)) = &result {
            let on = {
                let mut conn = self.db().read().await?;
                meetings::by_id(&mut conn, meeting_id)
                    .await?
                    .map(|m| m.held_on)
            };
            if let Some(on) = on {
                self.keep_refusal(actor, candidate_id, &stage, on, r)
                    .await?;
            }
        }
        result
    }

    /// A unit's meetings, the latest first.
    pub async fn unit_meetings(&self, actor: &Actor, unit: &str) -> Result<UnitMeetings, AppError> {
        may_see_meetings(actor)?;
        let mut conn = self.db().read().await?;
        let unit = visible_unit(&mut conn, actor, unit).await?;
        let list = meetings::for_unit(&mut conn, unit.id).await?;
        Ok(UnitMeetings {
            unit: unit.code.to_string(),
            unit_name: unit.name.clone(),
            meetings: list
                .into_iter()
                .map(|s| MeetingEntry {
                    id: s.meeting.id,
                    held_on: s.meeting.held_on,
                    agenda: s.meeting.agenda,
                    on_roll: s.on_roll,
                    present: s.present,
                    votes: s.votes,
                })
                .collect(),
        })
    }

    /// A meeting whole: roll, votes, the registry's counts on its day, and
    /// what the vote form offers.
    pub async fn meeting(&self, actor: &Actor, id: i64) -> Result<Meeting, AppError> {
        may_see_meetings(actor)?;
        let profile = self.profile();
        let mut conn = self.db().read().await?;
        let (m, unit) = visible_meeting(&mut conn, actor, id).await?;
        let roll = meetings::attendance(&mut conn, m.id).await?;
        let votes = meetings::votes(&mut conn, m.id).await?;
        let official_eligible = members::official_count(&mut conn, unit.id, m.held_on).await?;
        let official_present =
            meetings::official_present(&mut conn, m.id, unit.id, m.held_on).await?;
        let probationary = |present: bool| {
            roll.iter()
                .filter(|a| a.status == MemberStatus::Probationary && (a.present || !present))
                .count() as i64
        };
        let stages = vote_stages(profile);
        let candidates = meetings::unit_candidates(&mut conn, unit.id)
            .await?
            .into_iter()
            .filter(|(_, _, stage)| profile.is_open(stage))
            .filter_map(|(candidate_id, full_name, stage)| {
                let next_vote = next_vote(profile, &stages, &stage)?;
                Some(Votable {
                    candidate_id,
                    full_name,
                    stage,
                    next_vote,
                })
            })
            .collect();
        Ok(Meeting {
            id: m.id,
            unit: unit.code.to_string(),
            unit_name: unit.name.clone(),
            held_on: m.held_on,
            agenda: m.agenda,
            recorded_by: m.recorded_by,
            probationary_on_roll: probationary(false),
            probationary_present: probationary(true),
            roll: roll
                .into_iter()
                .map(|a| RollEntry {
                    member_id: a.member_id,
                    full_name: a.full_name,
                    status: a.status.as_str().to_string(),
                    present: a.present,
                    absence_reason: a.absence_reason,
                })
                .collect(),
            attendance_fixed: !votes.is_empty(),
            votes: votes
                .into_iter()
                .map(|(v, full_name)| VoteTaken {
                    candidate_id: v.candidate_id,
                    full_name,
                    stage: v.stage,
                    eligible: v.eligible,
                    present: v.present,
                    in_favour: v.in_favour,
                    against: v.against,
                    carried: v.carried,
                    rule: v.rule,
                    source: v.rule_source,
                })
                .collect(),
            official_eligible,
            official_present,
            candidates,
            vote_stages: stages,
        })
    }
}

/// The first vote stage after `stage` in the profile's order, if the next
/// stages lead to one before any other step.
fn next_vote(profile: &Profile, votes: &[String], stage: &str) -> Option<String> {
    let pos = profile.stages.iter().position(|s| s.key == stage)?;
    let next = profile.stages.get(pos + 1)?;
    votes.contains(&next.key).then(|| next.key.clone())
}
