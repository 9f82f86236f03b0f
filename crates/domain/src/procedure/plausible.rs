//! Who records a step, whether a cell vote's "eligible" matches the
//! registry, and the dates the texts space in time: what the profile says
//! about them, checked here.

use super::engine::{plus_months, said, Dossier, Refusal, Said, Vote};
use super::model::{GateKind, Profile, StageDef};
use crate::Date;
use serde::Serialize;

/// The body whose step a stage is: the cell, the grassroots party
/// committee (đảng ủy cơ sở), or the competent committee above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Cell,
    Grassroots,
    Superior,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Cell, Level::Grassroots, Level::Superior];

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Cell => "cell",
            Level::Grassroots => "grassroots",
            Level::Superior => "superior",
        }
    }

    /// In words, for a refusal.
    pub fn describe(self) -> &'static str {
        match self {
            Level::Cell => "the cell (its secretary or committee)",
            Level::Grassroots => "the grassroots party committee (đảng ủy cơ sở)",
            Level::Superior => {
                "the competent committee above the grassroots (cấp ủy có thẩm quyền)"
            }
        }
    }
}

/// Who a vote stage counts as eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voters {
    /// All the cell's official members (the registry knows them).
    CellOfficialMembers,
    /// The committee's members (cấp ủy viên), as entered.
    CommitteeMembers,
}

impl Profile {
    /// A vote of the cell counts the cell's official members; a vote of a
    /// committee counts its members.
    pub fn voters(&self, stage: &StageDef) -> Voters {
        match stage.recorded_by.as_ref().map(|r| r.0) {
            None | Some(Level::Cell) => Voters::CellOfficialMembers,
            Some(_) => Voters::CommitteeMembers,
        }
    }

    /// The level whose step `stage` is, if the profile says.
    pub fn recorder(&self, stage: &str) -> Option<Level> {
        self.stage(stage)
            .and_then(|s| s.recorded_by.as_ref())
            .map(|r| r.0)
    }

    /// Whether someone recording for `level` may record `stage`: the body's
    /// own staff, or those of a committee above it (who keep the dossiers
    /// sent up); never a lower body.
    pub fn may_record(&self, stage: &str, level: Level) -> bool {
        self.recorder(stage).is_none_or(|need| level >= need)
    }

    /// Refuses a step recorded by a body below the one whose step it is.
    pub fn check_recorder(&self, stage: &str, level: Level) -> Result<(), Refusal> {
        let Some(s) = self.stage(stage) else {
            return Ok(());
        };
        match &s.recorded_by {
            Some((need, source)) if level < *need => Err(Self::refuse(
                "recorder",
                source,
                said!(
                    "refusal-recorder",
                    format!(
                        "'{}' is recorded by {} or a committee above it; you record for {}",
                        s.key,
                        need.describe(),
                        level.describe()
                    ),
                    stage = s.key,
                    level_need = need.as_str(),
                    level_own = level.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// A cell's vote: "eligible" is the cell's official members on the day
    /// (`registry`); another number only with a reason.
    pub fn check_eligible(
        &self,
        stage: &str,
        vote: Option<Vote>,
        registry: Option<u32>,
        on: Date,
        reason: Option<&str>,
    ) -> Result<(), Refusal> {
        let (Some(s), Some(v), Some(n)) = (self.stage(stage), vote, registry) else {
            return Ok(());
        };
        if !s.vote || self.voters(s) != Voters::CellOfficialMembers || v.eligible == n {
            return Ok(());
        }
        if reason.is_some_and(|r| !r.trim().is_empty()) {
            return Ok(());
        }
        Err(Self::refuse(
            "vote.eligible",
            &s.source,
            said!(
                "refusal-vote-eligible",
                format!(
                    "the registry has {n} official members of the cell on {on}; {} eligible differs: enter {n}, or give the reason for the difference",
                    v.eligible
                ),
                registry = n,
                on = on,
                eligible = v.eligible
            ),
        ))
    }

    /// A document the texts place after a stage (the probation papers):
    /// refused before the earliest allowed date, or before that stage.
    pub fn check_document_date(
        &self,
        dossier: &Dossier,
        code: &str,
        on: Date,
    ) -> Result<(), Refusal> {
        for gate in &self.gates {
            let GateKind::DocumentsAfter {
                documents,
                after,
                min_months,
                min_days,
            } = &gate.kind
            else {
                continue;
            };
            if !documents.iter().any(|d| d == code) {
                continue;
            }
            let Some(from) = dossier.entered(after) else {
                return Err(Self::refuse(
                    &gate.id,
                    &gate.source,
                    said!(
                        "refusal-document-before-stage",
                        format!(
                            "document {code} belongs after '{after}', which is not recorded yet"
                        ),
                        document = code,
                        stage_after = after
                    ),
                ));
            };
            let earliest = later(from, *min_months, *min_days);
            if on < earliest {
                return Err(Self::refuse(
                    &gate.id,
                    &gate.source,
                    said!(
                        "refusal-document-too-early",
                        format!(
                            "document {code} dated {on} is too early: '{after}' was on {from}; the earliest allowed date is {earliest}"
                        ),
                        document = code,
                        on = on,
                        stage_after = after,
                        from = from,
                        earliest = earliest
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn later(from: Date, months: u32, days: u32) -> Date {
    plus_months(from, months)
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(Date::MAX)
}

/// A step too soon after the latest of the `after` stages entered.
pub(super) fn interval(
    dossier: &Dossier,
    step: &super::Step,
    after: &[String],
    min_months: u32,
    min_days: u32,
) -> Option<Said> {
    let (stage, from) = after
        .iter()
        .filter_map(|a| dossier.entered(a).map(|d| (a, d)))
        .max_by_key(|x| x.1)?;
    let earliest = later(from, min_months, min_days);
    (step.on < earliest).then(|| {
        said!(
            "refusal-interval",
            format!(
                "'{}' on {} is too soon after '{stage}' of {from}: the earliest allowed date is {earliest}",
                step.stage, step.on
            ),
            stage = step.stage,
            on = step.on,
            stage_after = stage,
            from = from,
            earliest = earliest
        )
    })
}
