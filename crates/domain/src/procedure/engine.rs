//! The engine: checks one step against a candidate's dossier. What a gate
//! *kind* checks is code (an age in months, a share of votes); its numbers,
//! where it applies and its source come from the profile.

use super::gates::{
    age, certificate, education, education_consent, introducer_routes, introducers, mentors,
    readmission, share, Readmission,
};
use super::model::{Gate, GateKind, Profile, Source, StageDef};
use crate::Date;
use chrono::{Datelike, Months};
use std::collections::BTreeMap;
use std::fmt;

/// A person who vouches for the candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Introducer {
    Member {
        name: String,
        /// When they became an official member; `None` while probationary.
        official_since: Option<Date>,
        /// Since when they have worked, studied or lived with the candidate in the same unit.
        together_since: Date,
    },
    /// The Youth Union executive's resolution (form 4-KNĐ) in place of one member.
    YouthUnion,
    /// The grassroots trade-union committee's resolution (form 4A-KNĐ) in place of one member.
    TradeUnion,
}

/// The mass organisations present at the candidate's grassroots organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Organisations {
    pub youth_union: bool,
    pub trade_union: bool,
}

/// Both, which is what Vietnamese public bodies have.
impl Default for Organisations {
    fn default() -> Self {
        Organisations {
            youth_union: true,
            trade_union: true,
        }
    }
}

/// The candidate's memberships of those organisations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memberships {
    pub youth_union: bool,
    pub trade_union: bool,
}

/// What the engine needs to know about a candidate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dossier {
    pub birth_date: Option<Date>,
    /// General education completed, in grades (9 = lower secondary, 12 = upper).
    pub general_grade: u8,
    /// A hardship area category giving an education exception, if any.
    pub area: Option<String>,
    /// Stages entered, oldest first.
    pub history: Vec<(String, Date)>,
    /// Documents recorded as present, with the day each was recorded.
    pub documents: BTreeMap<String, Date>,
    pub certificate_issued: Option<Date>,
    pub introducers: Vec<Introducer>,
    pub mentors: u32,
    pub probation_mentors: u32,
    /// When a previous membership ended, for re-admission.
    pub left_party_on: Option<Date>,
    /// How that membership ended, and earlier re-admissions.
    pub party_exit: PartyExit,
    /// The organisations present at the candidate's unit.
    pub unit_has: Organisations,
    /// The candidate's memberships of them.
    pub member_of: Memberships,
    /// The kind of the candidate's unit (a grassroots cell skips the
    /// grassroots committee's vote).
    pub unit_kind: Option<crate::UnitKind>,
    /// When the unit received the decision of a stage (the ceremony's 30
    /// working days count from the receipt of the admission decision).
    pub received: BTreeMap<String, Date>,
    /// The official members of the candidate's cell on the day of the
    /// step being checked, from the registry, when the step is a cell's
    /// vote: the two-thirds count on it (never on fewer).
    pub cell_official_members: Option<u32>,
}

/// What re-admission needs to know of a person's past membership.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyExit {
    /// The ground of the latest exit, one of [`super::EXIT_GROUNDS`].
    pub ground: Option<String>,
    /// The day the criminal record of that exit was cleared (xóa án tích).
    pub record_cleared_on: Option<Date>,
    /// The admission date of an earlier re-admission of the person, if any.
    pub readmitted_on: Option<Date>,
}

impl Dossier {
    pub fn current(&self) -> Option<&(String, Date)> {
        self.history.last()
    }

    /// Whether the candidate's path includes `stage` (stages marked `not_in`
    /// the candidate's unit kind are left out).
    pub fn takes(&self, stage: &StageDef) -> bool {
        self.unit_kind.is_none_or(|k| !stage.not_in.contains(&k))
    }

    pub fn entered(&self, stage: &str) -> Option<Date> {
        self.history
            .iter()
            .rev()
            .find(|h| h.0 == stage)
            .map(|h| h.1)
    }
}

/// A vote as the minutes record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    /// Who may vote: the cell's official members, or the committee's members.
    pub eligible: u32,
    pub present: u32,
    pub in_favour: u32,
    pub against: u32,
}

/// One recorded step: entering a stage on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub stage: String,
    pub on: Date,
    pub vote: Option<Vote>,
    /// A legal reason to enter the stage without its documents (e.g. the verification skip).
    pub skip_reason: Option<String>,
}

/// Why a step was refused: the rule, its source, and what is wrong, in
/// English (`message`, for the CLI and the API) and as a message key with
/// its arguments (`key`, `args`) for the interface's languages. Arguments
/// named `stage…` are stage keys, dates are ISO dates, counts are integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: String,
    pub source: String,
    pub message: String,
    /// The Fluent id of the message (`refusal-documents`).
    pub key: String,
    pub args: Vec<(String, String)>,
}

/// What is wrong, in English and as a key with arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub text: String,
}

/// `said!(key, text, name = value, …)`.
macro_rules! said {
    ($key:expr, $text:expr $(, $name:ident = $value:expr)* $(,)?) => {
        Said {
            key: $key,
            args: vec![$((stringify!($name), $value.to_string())),*],
            text: $text,
        }
    };
}
pub(crate) use said;

impl Refusal {
    /// A refusal outside the engine (a movement's rule), with its key.
    pub fn new(rule: &str, source: String, said: Said) -> Refusal {
        Refusal {
            rule: rule.to_string(),
            source,
            message: said.text,
            key: said.key.to_string(),
            args: said
                .args
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (rule {}; {})", self.message, self.rule, self.source)
    }
}

impl std::error::Error for Refusal {}

/// Whole months from `from` to `to` (the months of age at a date).
pub fn whole_months(from: Date, to: Date) -> i64 {
    let mut m =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        m -= 1;
    }
    m
}

pub(crate) fn plus_months(d: Date, m: u32) -> Date {
    d.checked_add_months(Months::new(m)).unwrap_or(Date::MAX)
}

impl Profile {
    pub(super) fn refuse(rule: &str, source: &Source, said: Said) -> Refusal {
        Refusal::new(rule, source.cite(), said)
    }

    fn engine_source(&self) -> Source {
        Source {
            doc: "profile".into(),
            title: format!("hồ sơ quy trình {}", self.id),
            article: "thứ tự các bước".into(),
            confirmed: true,
            quote: None,
        }
    }

    /// Checks one step against the dossier; `Ok` means it may be recorded.
    pub fn check(&self, dossier: &Dossier, step: &Step, today: Date) -> Result<(), Refusal> {
        let general = self.engine_source();
        let Some(stage) = self.stage(&step.stage) else {
            return Err(Self::refuse(
                "stage.unknown",
                &general,
                said!(
                    "refusal-stage-unknown",
                    format!("stage '{}' is not in the procedure", step.stage),
                    key = step.stage
                ),
            ));
        };
        if step.on > today {
            return Err(Self::refuse(
                "date.future",
                &general,
                said!(
                    "refusal-date-future",
                    format!("{} is after today ({today})", step.on),
                    on = step.on,
                    today = today
                ),
            ));
        }
        self.check_sequence(stage, dossier, step, &general)?;
        Self::check_documents(stage, dossier, step)?;
        Self::check_vote(stage, step)?;
        for gate in self.gates.iter().filter(|g| g.stages.contains(&stage.key)) {
            self.check_gate(gate, dossier, step)?;
        }
        Ok(())
    }

    /// The step follows the candidate's current stage: in order, on or after
    /// its date, from an open file; an exit only from the stages it names.
    fn check_sequence(
        &self,
        stage: &StageDef,
        dossier: &Dossier,
        step: &Step,
        general: &Source,
    ) -> Result<(), Refusal> {
        match dossier.current() {
            None => {
                if stage.key != self.first_stage().key {
                    return Err(Self::refuse(
                        "sequence",
                        &self.first_stage().source,
                        said!(
                            "refusal-sequence-start",
                            format!("a candidate starts at stage '{}'", self.first_stage().key),
                            stage = self.first_stage().key
                        ),
                    ));
                }
            }
            Some((cur, cur_on)) => {
                if step.on < *cur_on {
                    return Err(Self::refuse(
                        "date.order",
                        &stage.source,
                        said!(
                            "refusal-date-order",
                            format!(
                                "{} on {} would come before '{cur}' on {cur_on}",
                                stage.key, step.on
                            ),
                            stage = stage.key,
                            on = step.on,
                            stage_current = cur,
                            since = cur_on
                        ),
                    ));
                }
                if !self.is_open(cur) {
                    return Err(Self::refuse(
                        "stage.closed",
                        general,
                        said!(
                            "refusal-stage-closed",
                            format!("the candidate's file is closed at '{cur}'"),
                            stage_current = cur
                        ),
                    ));
                }
                if stage.is_exit {
                    if !stage.from.contains(cur) {
                        return Err(Self::refuse(
                            "sequence",
                            &stage.source,
                            said!(
                                "refusal-sequence-exit",
                                format!("'{}' cannot be taken from '{cur}'", stage.key),
                                stage = stage.key,
                                stage_current = cur
                            ),
                        ));
                    }
                } else {
                    if !dossier.takes(stage) {
                        return Err(Self::refuse(
                            "sequence.unit_kind",
                            &stage.source,
                            said!(
                                "refusal-sequence-unit-kind",
                                format!(
                                    "'{}' is not a step for a candidate of a {} (chi bộ cơ sở): its resolution goes to the superior committee directly",
                                    stage.key,
                                    dossier.unit_kind.map(|k| k.as_str()).unwrap_or("unit")
                                ),
                                stage = stage.key
                            ),
                        ));
                    }
                    let at = self.position(cur).unwrap_or(0);
                    let want = self.position(&stage.key).unwrap_or(0);
                    if want <= at {
                        return Err(Self::refuse(
                            "sequence",
                            &stage.source,
                            said!(
                                "refusal-sequence-passed",
                                format!(
                                    "'{}' has already been passed (the candidate is at '{cur}')",
                                    stage.key
                                ),
                                stage = stage.key,
                                stage_current = cur
                            ),
                        ));
                    }
                    let missing = self
                        .stages
                        .iter()
                        .take(want)
                        .skip(at + 1)
                        .find(|s| dossier.takes(s));
                    if let Some(missing) = missing {
                        return Err(Self::refuse(
                            "sequence",
                            &missing.source,
                            said!(
                                "refusal-sequence-missing",
                                format!("'{}' is required before '{}'", missing.key, stage.key),
                                stage_missing = missing.key,
                                stage = stage.key
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Documents, unless a legal reason to enter without them is given.
    fn check_documents(stage: &StageDef, dossier: &Dossier, step: &Step) -> Result<(), Refusal> {
        let waives = step
            .skip_reason
            .as_ref()
            .filter(|r| !stage.partial_skip_reasons.contains(r));
        match waives {
            Some(reason) if !stage.skip_reasons.contains(reason) => {
                return Err(Self::refuse(
                    "skip",
                    &stage.source,
                    said!(
                        "refusal-skip",
                        format!(
                            "'{reason}' is not a reason to enter '{}' without its documents",
                            stage.key
                        ),
                        reason = reason,
                        stage = stage.key
                    ),
                ))
            }
            Some(_) => {}
            None => {
                let missing: Vec<&str> = stage
                    .documents
                    .iter()
                    .filter(|d| dossier.documents.get(*d).is_none_or(|on| *on > step.on))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    return Err(Self::refuse(
                        "documents",
                        &stage.source,
                        said!(
                            "refusal-documents",
                            format!(
                                "'{}' needs document(s) {} recorded first",
                                stage.key,
                                missing.join(", ")
                            ),
                            stage = stage.key,
                            documents = missing.join(", "),
                            count = missing.len()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A vote stage needs its counts, and they must add up.
    fn check_vote(stage: &StageDef, step: &Step) -> Result<(), Refusal> {
        if stage.vote {
            let Some(v) = step.vote else {
                return Err(Self::refuse(
                    "vote.missing",
                    &stage.source,
                    said!(
                        "refusal-vote-missing",
                        format!(
                            "'{}' is a vote: record eligible, present, in favour and against",
                            stage.key
                        ),
                        stage = stage.key
                    ),
                ));
            };
            if v.present > v.eligible || v.in_favour + v.against > v.present || v.eligible == 0 {
                return Err(Self::refuse(
                    "vote.counts",
                    &stage.source,
                    said!(
                        "refusal-vote-counts",
                        format!(
                            "the vote does not add up: {} eligible, {} present, {} in favour, {} against",
                            v.eligible, v.present, v.in_favour, v.against
                        ),
                        eligible = v.eligible,
                        present = v.present,
                        in_favour = v.in_favour,
                        against = v.against
                    ),
                ));
            }
        }
        Ok(())
    }

    /// One gate: its kind says what is checked, the profile gives the numbers.
    fn check_gate(&self, gate: &Gate, dossier: &Dossier, step: &Step) -> Result<(), Refusal> {
        let on = step.on;
        let problem = match &gate.kind {
            GateKind::Age {
                min_years,
                max_years,
                consent_document,
                conditions_document,
            } => {
                let decision = step.stage == self.admission_stage().key;
                // The age counts at the cell's consideration, also when the
                // decision is checked.
                let at = if decision {
                    self.consideration_stage()
                        .and_then(|s| dossier.entered(&s.key))
                        .unwrap_or(on)
                } else {
                    on
                };
                age(
                    dossier,
                    at,
                    on,
                    (*min_years, *max_years),
                    if decision {
                        consent_document
                    } else {
                        conditions_document
                    },
                    decision,
                )
            }
            GateKind::Education {
                min_grade,
                exceptions,
                consent_documents,
            } => {
                if step.stage == self.admission_stage().key {
                    education_consent(dossier, on, consent_documents)
                } else {
                    education(dossier, *min_grade, exceptions)
                }
            }
            GateKind::CertificateValid { valid_months } => certificate(dossier, on, *valid_months),
            GateKind::Introducers {
                count,
                min_months_together,
                youth_max_age,
                youth_document,
                union_document,
                youth_route_required,
            } => {
                if *youth_route_required {
                    introducer_routes(
                        dossier,
                        on,
                        *count,
                        *min_months_together,
                        youth_max_age.unwrap_or(30),
                        youth_document,
                        union_document,
                    )
                } else {
                    introducers(
                        dossier,
                        on,
                        *count,
                        *min_months_together,
                        *youth_max_age,
                        youth_document,
                    )
                }
            }
            GateKind::Mentors { count } => mentors(dossier.mentors, *count, false),
            GateKind::ProbationMentor { count } => mentors(dossier.probation_mentors, *count, true),
            GateKind::Vote {
                numerator,
                denominator,
            } => share(
                step.vote.map(|v| Vote {
                    eligible: v.eligible.max(dossier.cell_official_members.unwrap_or(0)),
                    ..v
                }),
                *numerator,
                *denominator,
            ),
            GateKind::Interval {
                after,
                min_months,
                min_days,
            } => super::plausible::interval(dossier, step, after, *min_months, *min_days),
            GateKind::DocumentsAfter { .. } => None,
            GateKind::ProbationComplete { months } => {
                match dossier.entered(&self.ceremony_stage().key) {
                    Some(c) if plus_months(c, *months) <= on => None,
                    Some(c) => Some(said!(
                        "refusal-probation-wait",
                        format!(
                            "probation runs {months} months from the ceremony of {c}, until {}",
                            plus_months(c, *months)
                        ),
                        months = months,
                        ceremony = c,
                        until = plus_months(c, *months)
                    )),
                    None => Some(said!(
                        "refusal-probation-no-ceremony",
                        "no admission ceremony is recorded".into()
                    )),
                }
            }
            GateKind::Readmission {
                min_months,
                excluded_grounds,
                months_after_record_cleared,
                consent_document,
                consent_stage,
                only_once,
            } => readmission(
                dossier,
                step,
                Readmission {
                    min_months: *min_months,
                    excluded_grounds,
                    months_after_record_cleared,
                    consent_document,
                    consent_stage,
                    only_once: *only_once,
                },
            ),
        };
        match problem {
            Some(said) => Err(Self::refuse(&gate.id, &gate.source, said)),
            None => Ok(()),
        }
    }
}
