//! The engine: checks one step against a candidate's dossier. What a gate
//! *kind* checks is code (an age in months, a share of votes); its numbers,
//! where it applies and its source come from the profile.

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

/// Why a step was refused: the rule, its source, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: String,
    pub source: String,
    pub message: String,
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

pub(super) fn plus_months(d: Date, m: u32) -> Date {
    d.checked_add_months(Months::new(m)).unwrap_or(Date::MAX)
}

impl Profile {
    pub(super) fn refuse(rule: &str, source: &Source, message: String) -> Refusal {
        Refusal {
            rule: rule.to_string(),
            source: source.cite(),
            message,
        }
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
                format!("stage '{}' is not in the procedure", step.stage),
            ));
        };
        if step.on > today {
            return Err(Self::refuse(
                "date.future",
                &general,
                format!("{} is after today ({today})", step.on),
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
                        format!("a candidate starts at stage '{}'", self.first_stage().key),
                    ));
                }
            }
            Some((cur, cur_on)) => {
                if step.on < *cur_on {
                    return Err(Self::refuse(
                        "date.order",
                        &stage.source,
                        format!(
                            "{} on {} would come before '{cur}' on {cur_on}",
                            stage.key, step.on
                        ),
                    ));
                }
                if !self.is_open(cur) {
                    return Err(Self::refuse(
                        "stage.closed",
                        general,
                        format!("the candidate's file is closed at '{cur}'"),
                    ));
                }
                if stage.is_exit {
                    if !stage.from.contains(cur) {
                        return Err(Self::refuse(
                            "sequence",
                            &stage.source,
                            format!("'{}' cannot be taken from '{cur}'", stage.key),
                        ));
                    }
                } else {
                    if !dossier.takes(stage) {
                        return Err(Self::refuse(
                            "sequence.unit_kind",
                            &stage.source,
                            format!(
                                "'{}' is not a step for a candidate of a {} (chi bộ cơ sở): its resolution goes to the superior committee directly",
                                stage.key,
                                dossier.unit_kind.map(|k| k.as_str()).unwrap_or("unit")
                            ),
                        ));
                    }
                    let at = self.position(cur).unwrap_or(0);
                    let want = self.position(&stage.key).unwrap_or(0);
                    if want <= at {
                        return Err(Self::refuse(
                            "sequence",
                            &stage.source,
                            format!(
                                "'{}' has already been passed (the candidate is at '{cur}')",
                                stage.key
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
                            format!("'{}' is required before '{}'", missing.key, stage.key),
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
                    format!(
                        "'{reason}' is not a reason to enter '{}' without its documents",
                        stage.key
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
                        format!(
                            "'{}' needs document(s) {} recorded first",
                            stage.key,
                            missing.join(", ")
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
                    format!(
                        "'{}' is a vote: record eligible, present, in favour and against",
                        stage.key
                    ),
                ));
            };
            if v.present > v.eligible || v.in_favour + v.against > v.present || v.eligible == 0 {
                return Err(Self::refuse(
                    "vote.counts",
                    &stage.source,
                    format!(
                        "the vote does not add up: {} eligible, {} present, {} in favour, {} against",
                        v.eligible, v.present, v.in_favour, v.against
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
            GateKind::Mentors { count } => (dossier.mentors < *count)
                .then(|| format!("{} mentor(s) assigned, {count} required", dossier.mentors)),
            GateKind::ProbationMentor { count } => {
                (dossier.probation_mentors < *count).then(|| {
                    format!(
                        "{} probation mentor(s) assigned, {count} required at the ceremony",
                        dossier.probation_mentors
                    )
                })
            }
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
                    Some(c) => Some(format!(
                        "probation runs {months} months from the ceremony of {c}, until {}",
                        plus_months(c, *months)
                    )),
                    None => Some("no admission ceremony is recorded".into()),
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
            Some(message) => Err(Self::refuse(&gate.id, &gate.source, message)),
            None => Ok(()),
        }
    }
}

// What each gate kind finds wrong, if anything.

/// The age at `at` (the cell's consideration). At the cell vote, over the
/// maximum needs the conditions recorded; at the decision (`decision`), the
/// provincial standing committee's written consent recorded by `on`.
fn age(
    dossier: &Dossier,
    at: Date,
    on: Date,
    (min_years, max_years): (u32, u32),
    document: &Option<String>,
    decision: bool,
) -> Option<String> {
    let Some(birth) = dossier.birth_date else {
        return Some("the birth date is not recorded".into());
    };
    let months = whole_months(birth, at);
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12));
    if months < i64::from(min_years) * 12 {
        return (!decision).then(|| {
            format!("aged {y} years {m} months on {at}; at least {min_years} years are required")
        });
    }
    if months > i64::from(max_years) * 12 {
        let recorded = document
            .as_ref()
            .and_then(|d| dossier.documents.get(d))
            .is_some_and(|d| *d <= on);
        if !recorded {
            let doc = document
                .as_ref()
                .map(|d| format!(" (document {d})"))
                .unwrap_or_default();
            return Some(if decision {
                format!(
                    "aged {y} years {m} months when the cell considered the candidate; over {max_years} years the admission decision needs the prior written consent of the provincial standing committee{doc}"
                )
            } else {
                format!(
                    "aged {y} years {m} months on {at}; over {max_years} years the cell may consider a candidate only with health and prestige and working or living where there is no party organisation or no party member, or for a special requirement, recorded first{doc}"
                )
            });
        }
    }
    None
}

/// At the decision: an exception that needs the provincial standing
/// committee's written consent (a village elder who only reads and writes).
fn education_consent(
    dossier: &Dossier,
    on: Date,
    consent_documents: &BTreeMap<String, String>,
) -> Option<String> {
    let area = dossier.area.as_ref()?;
    let doc = consent_documents.get(area)?;
    dossier.documents.get(doc).is_none_or(|d| *d > on).then(|| {
        format!(
            "the education exception for '{area}' needs the provincial standing committee's written consent before the admission decision (document {doc})"
        )
    })
}

fn education(
    dossier: &Dossier,
    min_grade: u8,
    exceptions: &BTreeMap<String, u8>,
) -> Option<String> {
    let need = dossier
        .area
        .as_ref()
        .and_then(|a| exceptions.get(a))
        .copied()
        .unwrap_or(min_grade);
    (dossier.general_grade < need).then(|| {
        format!(
            "general education grade {} is below the required {need}{}",
            dossier.general_grade,
            dossier
                .area
                .as_ref()
                .map(|a| format!(" for area '{a}'"))
                .unwrap_or_default()
        )
    })
}

fn certificate(dossier: &Dossier, on: Date, valid_months: u32) -> Option<String> {
    match dossier.certificate_issued {
        None => Some("no Party-awareness course certificate is recorded".into()),
        Some(issued) if issued > on => {
            Some(format!("the certificate is dated {issued}, after {on}"))
        }
        Some(issued) if plus_months(issued, valid_months) < on => Some(format!(
            "the certificate of {issued} expired after {valid_months} months, on {}",
            plus_months(issued, valid_months)
        )),
        Some(_) => None,
    }
}

fn introducers(
    dossier: &Dossier,
    on: Date,
    count: u32,
    min_months_together: u32,
    youth_max_age: Option<u32>,
    youth_document: &Option<String>,
) -> Option<String> {
    let mut valid = 0u32;
    let mut problems = Vec::new();
    let mut youth = false;
    for i in &dossier.introducers {
        match i {
            Introducer::Member {
                name,
                official_since,
                together_since,
            } => match official_since {
                None => problems.push(format!("{name} is a probationary member")),
                Some(o) if *o > on => problems.push(format!("{name} was not yet an official member on {on}")),
                Some(_) if plus_months(*together_since, min_months_together) > on => problems.push(format!(
                    "{name} has worked with the candidate since {together_since}, less than {min_months_together} months"
                )),
                Some(_) => valid += 1,
            },
            Introducer::YouthUnion => youth = true,
            Introducer::TradeUnion => {}
        }
    }
    let young = match (youth_max_age, dossier.birth_date) {
        (Some(max), Some(b)) => whole_months(b, on) < i64::from(max + 1) * 12,
        _ => false,
    };
    let youth_ok = youth
        && young
        && youth_document
            .as_ref()
            .is_none_or(|d| dossier.documents.get(d).is_some_and(|x| *x <= on));
    let needed = if youth_ok {
        count.saturating_sub(1)
    } else {
        count
    };
    if valid < needed {
        let mut msg = format!("{valid} valid introducer(s), {needed} required");
        if youth && !youth_ok {
            msg.push_str("; the Youth Union resolution counts only for a youth-age candidate with form 4-KNĐ recorded");
        }
        if !problems.is_empty() {
            msg.push_str(": ");
            msg.push_str(&problems.join("; "));
        }
        return Some(msg);
    }
    None
}

/// The numbers of a re-admission gate, borrowed from the profile.
struct Readmission<'a> {
    min_months: u32,
    excluded_grounds: &'a [String],
    months_after_record_cleared: &'a BTreeMap<String, u32>,
    consent_document: &'a Option<String>,
    consent_stage: &'a Option<String>,
    only_once: bool,
}

/// A former member: re-admitted only once, not on an excluded ground, after
/// the waiting time, with the written consent recorded before its stage.
fn readmission(dossier: &Dossier, step: &Step, r: Readmission<'_>) -> Option<String> {
    let on = step.on;
    let left = dossier.left_party_on?;
    let exit = &dossier.party_exit;
    if let Some(again) = exit.readmitted_on.filter(|_| r.only_once) {
        return Some(format!(
            "already re-admitted once, on {again}; a person is re-admitted only once"
        ));
    }
    if !r.excluded_grounds.is_empty() {
        let Some(ground) = &exit.ground else {
            return Some(format!(
                "left the Party on {left}; the ground of leaving is not recorded (one of {})",
                super::EXIT_GROUNDS
                    .iter()
                    .map(|g| g.0)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        if r.excluded_grounds.contains(ground) {
            return Some(format!(
                "left the Party on {left} on the ground '{ground}' ({}): not re-admitted on this ground (294-QĐ/TW mục 3.5.2)",
                super::exit_ground_label(ground).unwrap_or(ground)
            ));
        }
    }
    let special = exit
        .ground
        .as_ref()
        .and_then(|g| r.months_after_record_cleared.get(g).map(|m| (g, *m)));
    match special {
        Some((ground, months)) => match exit.record_cleared_on {
            None => {
                return Some(format!(
                    "left the Party on {left} on the ground '{ground}': the day the criminal record was cleared is not recorded; re-admission is possible {months} months after it"
                ))
            }
            Some(cleared) if plus_months(cleared, months) > on => {
                return Some(format!(
                    "the criminal record was cleared on {cleared}; re-admission is possible from {}",
                    plus_months(cleared, months)
                ))
            }
            Some(_) => {}
        },
        None if plus_months(left, r.min_months) > on => {
            return Some(format!(
                "left the Party on {left}; re-admission is possible from {}",
                plus_months(left, r.min_months)
            ))
        }
        None => {}
    }
    if let (Some(doc), Some(stage)) = (r.consent_document, r.consent_stage) {
        let consented = dossier.documents.get(doc).is_some_and(|d| *d <= on);
        if step.stage == *stage && !consented {
            return Some(format!(
                "re-admission needs the written consent of the provincial standing committee (document {doc}) recorded before '{stage}'"
            ));
        }
    }
    None
}

/// The official members among the introducers who may introduce on `on`,
/// and what is wrong with the others.
fn official_introducers(
    dossier: &Dossier,
    on: Date,
    min_months_together: u32,
) -> (u32, Vec<String>) {
    let mut valid = 0u32;
    let mut problems = Vec::new();
    for i in &dossier.introducers {
        if let Introducer::Member {
            name,
            official_since,
            together_since,
        } = i
        {
            match official_since {
                None => problems.push(format!("{name} is a probationary member")),
                Some(o) if *o > on => problems.push(format!("{name} was not yet an official member on {on}")),
                Some(_) if plus_months(*together_since, min_months_together) > on => problems.push(format!(
                    "{name} has worked with the candidate since {together_since}, less than {min_months_together} months"
                )),
                Some(_) => valid += 1,
            }
        }
    }
    (valid, problems)
}

/// The routes of the Charter (Điều 4 khoản 1): a candidate of youth age
/// where there is a Youth Union organisation must be a Youth Union member
/// and is introduced by the grassroots Youth Union committee's resolution
/// and official members (one fewer); outside youth age, where there is a
/// trade union, the trade-union committee's resolution may take the place
/// of one member; otherwise `count` official members.
fn introducer_routes(
    dossier: &Dossier,
    on: Date,
    count: u32,
    min_months_together: u32,
    youth_max_age: u32,
    youth_document: &Option<String>,
    union_document: &Option<String>,
) -> Option<String> {
    let (valid, problems) = official_introducers(dossier, on, min_months_together);
    let has = |k: &Introducer| dossier.introducers.iter().any(|i| i == k);
    let recorded = |d: &Option<String>| {
        d.as_ref()
            .is_none_or(|d| dossier.documents.get(d).is_some_and(|x| *x <= on))
    };
    let form = |d: &Option<String>, default: &'static str| {
        d.clone().unwrap_or_else(|| default.to_string())
    };
    let young = dossier
        .birth_date
        .is_some_and(|b| whole_months(b, on) < i64::from(youth_max_age + 1) * 12);
    let with_problems = |mut msg: String| {
        if !problems.is_empty() {
            msg.push_str(": ");
            msg.push_str(&problems.join("; "));
        }
        msg
    };
    let one_fewer = count.saturating_sub(1);
    if young && dossier.unit_has.youth_union {
        let route = format!(
            "a candidate of youth age (up to {youth_max_age}) where there is a Youth Union organisation must be a Youth Union member and be introduced by the grassroots Youth Union committee's resolution (form {}) and {one_fewer} official member(s)",
            form(youth_document, "4-KNĐ")
        );
        if !dossier.member_of.youth_union {
            return Some(format!(
                "{route}; the candidate is not recorded as a Youth Union member"
            ));
        }
        if !has(&Introducer::YouthUnion) {
            return Some(with_problems(format!(
                "{route}; no Youth Union resolution is recorded, and {valid} official member(s) alone do not suffice"
            )));
        }
        if !recorded(youth_document) {
            return Some(format!(
                "{route}; form {} is not recorded on or before {on}",
                form(youth_document, "4-KNĐ")
            ));
        }
        if valid < one_fewer {
            return Some(with_problems(format!(
                "{valid} valid official member(s) besides the Youth Union resolution, {one_fewer} required"
            )));
        }
        return None;
    }
    let union_claimed = has(&Introducer::TradeUnion);
    let union_ok = union_claimed
        && !young
        && union_document.is_some()
        && dossier.unit_has.trade_union
        && dossier.member_of.trade_union
        && recorded(union_document);
    let needed = if union_ok { one_fewer } else { count };
    if valid < needed {
        let mut msg = format!("{valid} valid introducer(s), {needed} required");
        if union_claimed && !union_ok {
            msg.push_str(&format!(
                "; the trade-union resolution counts only outside youth age, for a trade-union member where there is a trade union, with form {} recorded",
                form(union_document, "4A-KNĐ")
            ));
        }
        if has(&Introducer::YouthUnion) {
            msg.push_str("; the Youth Union resolution counts only for a candidate of youth age where there is a Youth Union organisation");
        }
        return Some(with_problems(msg));
    }
    None
}

fn share(vote: Option<Vote>, numerator: u32, denominator: u32) -> Option<String> {
    let v = vote?;
    (u64::from(v.in_favour) * u64::from(denominator) < u64::from(v.eligible) * u64::from(numerator))
        .then(|| {
            format!(
                "{} in favour of {} eligible; at least {numerator}/{denominator} of them must be in favour",
                v.in_favour, v.eligible
            )
        })
}
