//! The admission procedure as data: a profile of stages, documents, gates
//! and deadlines, each rule with its legal source, and the pure engine that
//! checks a step against a candidate's dossier and computes what is due.
//!
//! A regulation change is an edit of the profile (profiles/cpv.toml), not a
//! new release. What a gate *kind* checks is code (an age in months, a
//! share of votes); its numbers, where it applies and its source are data.

use crate::calendar::WorkCalendar;
use crate::Date;
use chrono::{Datelike, Months};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// The default profile, shipped with the program.
pub const DEFAULT_PROFILE: &str = include_str!("../../../profiles/cpv.toml");

// ---------------------------------------------------------------------------
// The file format (see docs/profile.md).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    id: String,
    name: String,
    #[serde(default)]
    in_force_from: Option<String>,
    sources: BTreeMap<String, String>,
    documents: BTreeMap<String, String>,
    stages: Vec<Spanned<RawStage>>,
    #[serde(default)]
    exits: Vec<Spanned<RawStage>>,
    #[serde(default)]
    gates: Vec<Spanned<RawGate>>,
    #[serde(default)]
    deadlines: Vec<Spanned<RawDeadline>>,
    #[serde(default)]
    members: Option<Spanned<RawMembers>>,
    #[serde(default)]
    evaluation: Option<Spanned<RawEvaluation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvaluation {
    scale: f64,
    excellent_cap_percent: f64,
    #[serde(default)]
    leader_unit_percent: Option<f64>,
    source: RawSource,
    criteria: Vec<crate::evaluation::RawCriterion>,
    bands: Vec<crate::evaluation::RawBand>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawSource {
    doc: String,
    article: String,
    #[serde(default = "yes")]
    confirmed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    key: String,
    vi: String,
    en: String,
    de: String,
    #[serde(default)]
    documents: Vec<String>,
    #[serde(default)]
    vote: bool,
    #[serde(default)]
    effect: Option<String>,
    #[serde(default)]
    skip_reasons: Vec<String>,
    #[serde(default)]
    from: Vec<String>,
    source: RawSource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    id: String,
    kind: String,
    stages: Vec<String>,
    source: RawSource,
    min_years: Option<u32>,
    max_years: Option<u32>,
    consent_document: Option<String>,
    min_grade: Option<u8>,
    #[serde(default)]
    exceptions: BTreeMap<String, u8>,
    valid_months: Option<u32>,
    count: Option<u32>,
    min_months_together: Option<u32>,
    youth_max_age: Option<u32>,
    youth_document: Option<String>,
    share: Option<[u32; 2]>,
    months: Option<u32>,
    min_months: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    id: String,
    from: String,
    until: String,
    amount: u32,
    unit: String,
    #[serde(default)]
    extension: Option<u32>,
    #[serde(default)]
    after_months: Option<u32>,
    when_passed: String,
    source: RawSource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMembers {
    temporary_transfer_months: [u32; 2],
    transfer_start_working_days: u32,
    transfer_present_working_days: u32,
    source: RawSource,
}

// ---------------------------------------------------------------------------
// The validated profile.

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub doc: String,
    pub title: String,
    pub article: String,
    /// False when the figure was read from secondary sources only.
    pub confirmed: bool,
}

impl Source {
    pub fn cite(&self) -> String {
        format!("{}, {}", self.title, self.article)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The admission decision: the person becomes a probationary member.
    Admit,
    /// The ceremony: probation starts.
    StartProbation,
    /// Recognition as an official member.
    Recognise,
    /// Not recognised: the name is removed.
    Remove,
    /// Left the pool before admission.
    Withdraw,
}

#[derive(Debug, Clone)]
pub struct StageDef {
    pub key: String,
    pub vi: String,
    pub en: String,
    pub de: String,
    pub documents: Vec<String>,
    pub vote: bool,
    pub effect: Option<Effect>,
    pub skip_reasons: Vec<String>,
    /// For exits: the stages they can be taken from.
    pub from: Vec<String>,
    pub is_exit: bool,
    pub source: Source,
}

impl StageDef {
    pub fn name(&self, lang: &str) -> &str {
        match lang {
            "en" => &self.en,
            "de" => &self.de,
            _ => &self.vi,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum GateKind {
    Age {
        min_years: u32,
        max_years: u32,
        consent_document: Option<String>,
    },
    Education {
        min_grade: u8,
        exceptions: BTreeMap<String, u8>,
    },
    CertificateValid {
        valid_months: u32,
    },
    Introducers {
        count: u32,
        min_months_together: u32,
        youth_max_age: Option<u32>,
        youth_document: Option<String>,
    },
    Mentors {
        count: u32,
    },
    ProbationMentor {
        count: u32,
    },
    Vote {
        numerator: u32,
        denominator: u32,
    },
    ProbationComplete {
        months: u32,
    },
    Readmission {
        min_months: u32,
    },
}

#[derive(Debug, Clone)]
pub struct Gate {
    pub id: String,
    pub kind: GateKind,
    pub stages: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    WorkingDays,
    Months,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::WorkingDays => "working_days",
            Unit::Months => "months",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Deadline {
    pub id: String,
    pub from: String,
    pub until: String,
    pub after_months: u32,
    pub amount: u32,
    pub unit: Unit,
    pub extension: Option<u32>,
    pub when_passed: String,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct MemberRules {
    pub temporary_transfer_months: (u32, u32),
    pub transfer_start_working_days: u32,
    pub transfer_present_working_days: u32,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub in_force_from: Option<Date>,
    pub documents: BTreeMap<String, String>,
    /// The stages in order.
    pub stages: Vec<StageDef>,
    pub exits: Vec<StageDef>,
    pub gates: Vec<Gate>,
    pub deadlines: Vec<Deadline>,
    pub members: Option<MemberRules>,
    pub evaluation: Option<crate::evaluation::Evaluation>,
}

/// One problem in a profile file, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// All the problems found in a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileErrors(pub Vec<ProfileError>);

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for ProfileErrors {}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Profile {
    /// The profile shipped with the program.
    pub fn default_cpv() -> Profile {
        Profile::parse(DEFAULT_PROFILE).expect("the shipped profile is valid")
    }

    /// Parses and validates a profile, collecting every problem with its line.
    pub fn parse(text: &str) -> Result<Profile, ProfileErrors> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            ProfileErrors(vec![ProfileError {
                line,
                message: e.message().to_string(),
            }])
        })?;
        let mut errors = Vec::new();
        let mut err = |span: std::ops::Range<usize>, message: String| {
            errors.push(ProfileError {
                line: line_of(text, span.start),
                message,
            })
        };
        let source = |s: &RawSource,
                      span: &std::ops::Range<usize>,
                      err: &mut dyn FnMut(std::ops::Range<usize>, String)| {
            match raw.sources.get(&s.doc) {
                Some(title) => Source {
                    doc: s.doc.clone(),
                    title: title.clone(),
                    article: s.article.clone(),
                    confirmed: s.confirmed,
                },
                None => {
                    err(
                        span.clone(),
                        format!("source doc '{}' is not listed in [sources]", s.doc),
                    );
                    Source {
                        doc: s.doc.clone(),
                        title: s.doc.clone(),
                        article: s.article.clone(),
                        confirmed: false,
                    }
                }
            }
        };
        let in_force_from = match &raw.in_force_from {
            Some(s) => match Date::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    err(
                        0..0,
                        format!("in_force_from: '{s}' is not a date YYYY-MM-DD"),
                    );
                    None
                }
            },
            None => None,
        };

        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        let mut build_stage =
            |st: &Spanned<RawStage>,
             is_exit: bool,
             err: &mut dyn FnMut(std::ops::Range<usize>, String)| {
                let span = st.span();
                let s = st.get_ref();
                if s.key.trim().is_empty()
                    || !s
                        .key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                {
                    err(
                        span.clone(),
                        format!(
                            "stage key '{}' must be lower-case letters, digits and '_'",
                            s.key
                        ),
                    );
                }
                if keys
                    .insert(s.key.clone(), line_of(text, span.start))
                    .is_some()
                {
                    err(span.clone(), format!("stage '{}' is defined twice", s.key));
                }
                for d in &s.documents {
                    if !raw.documents.contains_key(d) {
                        err(
                            span.clone(),
                            format!(
                                "stage '{}': document '{d}' is not listed in [documents]",
                                s.key
                            ),
                        );
                    }
                }
                let effect = match s.effect.as_deref() {
                    None => None,
                    Some("admit") => Some(Effect::Admit),
                    Some("start_probation") => Some(Effect::StartProbation),
                    Some("recognise") => Some(Effect::Recognise),
                    Some("remove") => Some(Effect::Remove),
                    Some("withdraw") => Some(Effect::Withdraw),
                    Some(other) => {
                        err(span.clone(), format!("stage '{}': effect '{other}' is not one of admit, start_probation, recognise, remove, withdraw", s.key));
                        None
                    }
                };
                if is_exit && s.from.is_empty() {
                    err(
                        span.clone(),
                        format!(
                            "exit '{}' needs `from`, the stages it can be taken from",
                            s.key
                        ),
                    );
                }
                if !is_exit && !s.from.is_empty() {
                    err(
                        span.clone(),
                        format!("stage '{}': `from` belongs to exits only", s.key),
                    );
                }
                StageDef {
                    key: s.key.clone(),
                    vi: s.vi.clone(),
                    en: s.en.clone(),
                    de: s.de.clone(),
                    documents: s.documents.clone(),
                    vote: s.vote,
                    effect,
                    skip_reasons: s.skip_reasons.clone(),
                    from: s.from.clone(),
                    is_exit,
                    source: source(&s.source, &span, err),
                }
            };
        let stages: Vec<StageDef> = raw
            .stages
            .iter()
            .map(|s| build_stage(s, false, &mut err))
            .collect();
        let exits: Vec<StageDef> = raw
            .exits
            .iter()
            .map(|s| build_stage(s, true, &mut err))
            .collect();
        if stages.is_empty() {
            err(0..0, "the profile has no [[stages]]".into());
        }
        for (e, raw_e) in exits.iter().zip(&raw.exits) {
            for f in &e.from {
                if !stages.iter().any(|s| &s.key == f) {
                    err(
                        raw_e.span(),
                        format!("exit '{}': `from` names unknown stage '{f}'", e.key),
                    );
                }
            }
        }
        for effect in [Effect::Admit, Effect::StartProbation, Effect::Recognise] {
            let n = stages.iter().filter(|s| s.effect == Some(effect)).count();
            if n != 1 {
                err(
                    0..0,
                    format!("exactly one stage must have effect {effect:?} (found {n})"),
                );
            }
        }
        let order = |k: &str| stages.iter().position(|s| s.key == k);

        let mut gates = Vec::new();
        let mut gate_ids = BTreeMap::new();
        for g in &raw.gates {
            let span = g.span();
            let r = g.get_ref();
            if gate_ids.insert(r.id.clone(), ()).is_some() {
                err(span.clone(), format!("gate '{}' is defined twice", r.id));
            }
            if r.stages.is_empty() {
                err(span.clone(), format!("gate '{}' applies to no stage", r.id));
            }
            for s in &r.stages {
                if order(s).is_none() && !exits.iter().any(|e| &e.key == s) {
                    err(
                        span.clone(),
                        format!("gate '{}': unknown stage '{s}'", r.id),
                    );
                }
            }
            let mut need = |name: &str, v: Option<u32>| -> u32 {
                v.unwrap_or_else(|| {
                    err(
                        span.clone(),
                        format!("gate '{}' of kind {} needs `{name}`", r.id, r.kind),
                    );
                    0
                })
            };
            let kind = match r.kind.as_str() {
                "age" => {
                    let min_years = need("min_years", r.min_years);
                    let max_years = need("max_years", r.max_years);
                    if max_years < min_years {
                        err(
                            span.clone(),
                            format!("gate '{}': max_years is below min_years", r.id),
                        );
                    }
                    GateKind::Age {
                        min_years,
                        max_years,
                        consent_document: r.consent_document.clone(),
                    }
                }
                "education" => GateKind::Education {
                    min_grade: need("min_grade", r.min_grade.map(u32::from)) as u8,
                    exceptions: r.exceptions.clone(),
                },
                "certificate_valid" => GateKind::CertificateValid {
                    valid_months: need("valid_months", r.valid_months),
                },
                "introducers" => GateKind::Introducers {
                    count: need("count", r.count),
                    min_months_together: need("min_months_together", r.min_months_together),
                    youth_max_age: r.youth_max_age,
                    youth_document: r.youth_document.clone(),
                },
                "mentors" => GateKind::Mentors {
                    count: need("count", r.count),
                },
                "probation_mentor" => GateKind::ProbationMentor {
                    count: need("count", r.count),
                },
                "vote" => match r.share {
                    Some([n, d]) if d > 0 && n <= d => GateKind::Vote {
                        numerator: n,
                        denominator: d,
                    },
                    _ => {
                        err(span.clone(), format!("gate '{}' of kind vote needs `share = [n, d]` with 0 < d and n <= d", r.id));
                        GateKind::Vote {
                            numerator: 2,
                            denominator: 3,
                        }
                    }
                },
                "probation_complete" => GateKind::ProbationComplete {
                    months: need("months", r.months),
                },
                "readmission" => GateKind::Readmission {
                    min_months: need("min_months", r.min_months),
                },
                other => {
                    err(span.clone(), format!("gate '{}': kind '{other}' is not one of age, education, certificate_valid, introducers, mentors, probation_mentor, vote, probation_complete, readmission", r.id));
                    continue;
                }
            };
            for d in [&r.consent_document, &r.youth_document]
                .into_iter()
                .flatten()
            {
                if !raw.documents.contains_key(d) {
                    err(
                        span.clone(),
                        format!(
                            "gate '{}': document '{d}' is not listed in [documents]",
                            r.id
                        ),
                    );
                }
            }
            gates.push(Gate {
                id: r.id.clone(),
                kind,
                stages: r.stages.clone(),
                source: source(&r.source, &span, &mut err),
            });
        }

        let mut deadlines = Vec::new();
        for d in &raw.deadlines {
            let span = d.span();
            let r = d.get_ref();
            let unit = match r.unit.as_str() {
                "days" => Unit::Days,
                "working_days" => Unit::WorkingDays,
                "months" => Unit::Months,
                other => {
                    err(span.clone(), format!("deadline '{}': unit '{other}' is not one of days, working_days, months", r.id));
                    Unit::Days
                }
            };
            match (order(&r.from), order(&r.until)) {
                (Some(a), Some(b)) if a < b => {}
                (Some(_), Some(_)) => err(
                    span.clone(),
                    format!(
                        "deadline '{}': '{}' does not come after '{}'",
                        r.id, r.until, r.from
                    ),
                ),
                (None, _) => err(
                    span.clone(),
                    format!("deadline '{}': unknown stage '{}'", r.id, r.from),
                ),
                (_, None) => err(
                    span.clone(),
                    format!("deadline '{}': unknown stage '{}'", r.id, r.until),
                ),
            }
            if r.amount == 0 {
                err(
                    span.clone(),
                    format!("deadline '{}': amount must be positive", r.id),
                );
            }
            deadlines.push(Deadline {
                id: r.id.clone(),
                from: r.from.clone(),
                until: r.until.clone(),
                after_months: r.after_months.unwrap_or(0),
                amount: r.amount,
                unit,
                extension: r.extension,
                when_passed: r.when_passed.clone(),
                source: source(&r.source, &span, &mut err),
            });
        }
        let members = raw.members.as_ref().map(|m| {
            let span = m.span();
            let r = m.get_ref();
            let (lo, hi) = (
                r.temporary_transfer_months[0],
                r.temporary_transfer_months[1],
            );
            if lo > hi {
                err(
                    span.clone(),
                    "members.temporary_transfer_months: the first bound is above the second".into(),
                );
            }
            MemberRules {
                temporary_transfer_months: (lo, hi),
                transfer_start_working_days: r.transfer_start_working_days,
                transfer_present_working_days: r.transfer_present_working_days,
                source: source(&r.source, &span, &mut err),
            }
        });
        let evaluation = raw.evaluation.as_ref().and_then(|ev| {
            let span = ev.span();
            let r = ev.get_ref();
            let src = source(&r.source, &span, &mut err);
            match crate::evaluation::Evaluation::build(
                r.scale,
                r.excellent_cap_percent,
                &r.criteria,
                &r.bands,
                src,
            ) {
                Ok(mut e) => {
                    let share = r.leader_unit_percent.unwrap_or(50.0);
                    if !(0.0..=100.0).contains(&share) {
                        err(
                            span.clone(),
                            format!(
                                "evaluation: leader_unit_percent {share} is not between 0 and 100"
                            ),
                        );
                    }
                    e.leader_unit_percent = share;
                    Some(e)
                }
                Err(problems) => {
                    for p in problems {
                        err(span.clone(), p);
                    }
                    None
                }
            }
        });
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(ProfileErrors(errors));
        }
        Ok(Profile {
            id: raw.id,
            name: raw.name,
            in_force_from,
            documents: raw.documents,
            stages,
            exits,
            gates,
            deadlines,
            members,
            evaluation,
        })
    }

    /// A stage or an exit by key.
    pub fn stage(&self, key: &str) -> Option<&StageDef> {
        self.stages.iter().chain(&self.exits).find(|s| s.key == key)
    }

    /// Position in the sequence (exits have none).
    pub fn position(&self, key: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.key == key)
    }

    pub fn first_stage(&self) -> &StageDef {
        &self.stages[0]
    }

    fn stage_with(&self, effect: Effect) -> &StageDef {
        self.stages
            .iter()
            .find(|s| s.effect == Some(effect))
            .expect("validated: one stage per effect")
    }

    /// The stage whose entry is the admission decision.
    pub fn admission_stage(&self) -> &StageDef {
        self.stage_with(Effect::Admit)
    }

    pub fn ceremony_stage(&self) -> &StageDef {
        self.stage_with(Effect::StartProbation)
    }

    pub fn recognition_stage(&self) -> &StageDef {
        self.stage_with(Effect::Recognise)
    }

    /// Still moving: not recognised, not removed, not withdrawn.
    pub fn is_open(&self, key: &str) -> bool {
        match self.stage(key) {
            Some(s) => !s.is_exit && s.effect != Some(Effect::Recognise),
            None => false,
        }
    }

    /// The admission decision has been taken (the person is or was a member).
    pub fn is_admitted(&self, key: &str) -> bool {
        let admit = self
            .position(&self.admission_stage().key)
            .unwrap_or(usize::MAX);
        match self.position(key) {
            Some(p) => p >= admit,
            None => self
                .stage(key)
                .is_some_and(|s| s.effect == Some(Effect::Remove)),
        }
    }

    /// Every rule with its source, for documentation and notes.
    pub fn rules(&self) -> Vec<(String, &Source)> {
        let mut out: Vec<(String, &Source)> = Vec::new();
        for s in self.stages.iter().chain(&self.exits) {
            out.push((format!("stage {}", s.key), &s.source));
        }
        for g in &self.gates {
            out.push((format!("gate {}", g.id), &g.source));
        }
        for d in &self.deadlines {
            out.push((format!("deadline {}", d.id), &d.source));
        }
        if let Some(m) = &self.members {
            out.push(("member movements".into(), &m.source));
        }
        if let Some(e) = &self.evaluation {
            out.push(("evaluation".into(), &e.source));
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The engine.

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
}

impl Dossier {
    pub fn current(&self) -> Option<&(String, Date)> {
        self.history.last()
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

fn plus_months(d: Date, m: u32) -> Date {
    d.checked_add_months(Months::new(m)).unwrap_or(Date::MAX)
}

impl Profile {
    fn refuse(rule: &str, source: &Source, message: String) -> Refusal {
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
                        &general,
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
                    if want > at + 1 {
                        let missing = &self.stages[at + 1];
                        return Err(Self::refuse(
                            "sequence",
                            &missing.source,
                            format!("'{}' is required before '{}'", missing.key, stage.key),
                        ));
                    }
                }
            }
        }
        // Documents, unless a legal reason to enter without them is given.
        match &step.skip_reason {
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
        for gate in self.gates.iter().filter(|g| g.stages.contains(&stage.key)) {
            self.check_gate(gate, dossier, step)?;
        }
        Ok(())
    }

    fn check_gate(&self, gate: &Gate, dossier: &Dossier, step: &Step) -> Result<(), Refusal> {
        let no = |message: String| Err(Self::refuse(&gate.id, &gate.source, message));
        let on = step.on;
        match &gate.kind {
            GateKind::Age {
                min_years,
                max_years,
                consent_document,
            } => {
                let Some(birth) = dossier.birth_date else {
                    return no("the birth date is not recorded".into());
                };
                let months = whole_months(birth, on);
                let (y, m) = (months.div_euclid(12), months.rem_euclid(12));
                if months < i64::from(*min_years) * 12 {
                    return no(format!("aged {y} years {m} months on {on}; at least {min_years} years are required"));
                }
                if months > i64::from(*max_years) * 12 {
                    let consented = consent_document
                        .as_ref()
                        .and_then(|d| dossier.documents.get(d))
                        .is_some_and(|d| *d <= on);
                    if !consented {
                        return no(format!(
                            "aged {y} years {m} months on {on}; over {max_years} years only with the prior written consent of the provincial standing committee{}",
                            consent_document.as_ref().map(|d| format!(" (document {d})")).unwrap_or_default()
                        ));
                    }
                }
            }
            GateKind::Education {
                min_grade,
                exceptions,
            } => {
                let need = dossier
                    .area
                    .as_ref()
                    .and_then(|a| exceptions.get(a))
                    .copied()
                    .unwrap_or(*min_grade);
                if dossier.general_grade < need {
                    return no(format!(
                        "general education grade {} is below the required {need}{}",
                        dossier.general_grade,
                        dossier
                            .area
                            .as_ref()
                            .map(|a| format!(" for area '{a}'"))
                            .unwrap_or_default()
                    ));
                }
            }
            GateKind::CertificateValid { valid_months } => match dossier.certificate_issued {
                None => return no("no Party-awareness course certificate is recorded".into()),
                Some(issued) if issued > on => {
                    return no(format!("the certificate is dated {issued}, after {on}"))
                }
                Some(issued) if plus_months(issued, *valid_months) < on => {
                    return no(format!(
                        "the certificate of {issued} expired after {valid_months} months, on {}",
                        plus_months(issued, *valid_months)
                    ))
                }
                Some(_) => {}
            },
            GateKind::Introducers {
                count,
                min_months_together,
                youth_max_age,
                youth_document,
            } => {
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
                            Some(_) if plus_months(*together_since, *min_months_together) > on => problems.push(format!(
                                "{name} has worked with the candidate since {together_since}, less than {min_months_together} months"
                            )),
                            Some(_) => valid += 1,
                        },
                        Introducer::YouthUnion => youth = true,
                    }
                }
                let young = match (youth_max_age, dossier.birth_date) {
                    (Some(max), Some(b)) => whole_months(b, on) < i64::from(*max + 1) * 12,
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
                    *count
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
                    return no(msg);
                }
            }
            GateKind::Mentors { count } => {
                if dossier.mentors < *count {
                    return no(format!(
                        "{} mentor(s) assigned, {count} required",
                        dossier.mentors
                    ));
                }
            }
            GateKind::ProbationMentor { count } => {
                if dossier.probation_mentors < *count {
                    return no(format!(
                        "{} probation mentor(s) assigned, {count} required at the ceremony",
                        dossier.probation_mentors
                    ));
                }
            }
            GateKind::Vote {
                numerator,
                denominator,
            } => {
                if let Some(v) = step.vote {
                    if u64::from(v.in_favour) * u64::from(*denominator)
                        < u64::from(v.eligible) * u64::from(*numerator)
                    {
                        return no(format!(
                            "{} in favour of {} eligible; at least {numerator}/{denominator} of them must be in favour",
                            v.in_favour, v.eligible
                        ));
                    }
                }
            }
            GateKind::ProbationComplete { months } => {
                let ceremony = dossier.entered(&self.ceremony_stage().key);
                match ceremony {
                    Some(c) if plus_months(c, *months) <= on => {}
                    Some(c) => {
                        return no(format!(
                            "probation runs {months} months from the ceremony of {c}, until {}",
                            plus_months(c, *months)
                        ))
                    }
                    None => return no("no admission ceremony is recorded".into()),
                }
            }
            GateKind::Readmission { min_months } => {
                if let Some(left) = dossier.left_party_on {
                    if plus_months(left, *min_months) > on {
                        return no(format!(
                            "left the Party on {left}; re-admission is possible from {}",
                            plus_months(left, *min_months)
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Deadlines.

/// A deadline running for a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub rule: String,
    pub source: String,
    /// The stage that must be reached.
    pub until: String,
    pub started: Date,
    pub due: Date,
    /// The last day with the allowed extension, if any.
    pub extended: Option<Date>,
    /// Working days from today to the due date; negative when passed.
    pub working_days_left: i64,
    pub when_passed: String,
}

impl Due {
    pub fn overdue(&self) -> bool {
        self.working_days_left < 0
    }
}

impl Profile {
    fn add(cal: &WorkCalendar, from: Date, amount: u32, unit: Unit) -> Date {
        match unit {
            Unit::Days => from + chrono::Days::new(u64::from(amount)),
            Unit::WorkingDays => cal.add_working_days(from, amount),
            Unit::Months => plus_months(from, amount),
        }
    }

    /// The deadlines running for a dossier on `today`, earliest first.
    pub fn deadlines_for(&self, dossier: &Dossier, cal: &WorkCalendar, today: Date) -> Vec<Due> {
        let Some((cur, _)) = dossier.current() else {
            return vec![];
        };
        if !self.is_open(cur) {
            return vec![];
        }
        let at = self.position(cur).unwrap_or(0);
        let mut out: Vec<Due> = self
            .deadlines
            .iter()
            .filter(|d| self.position(&d.until).is_some_and(|u| u > at))
            .filter_map(|d| {
                let from = dossier.entered(&d.from)?;
                let started = plus_months(from, d.after_months);
                let due = Self::add(cal, started, d.amount, d.unit);
                Some(Due {
                    rule: d.id.clone(),
                    source: d.source.cite(),
                    until: d.until.clone(),
                    started,
                    due,
                    extended: d.extension.map(|e| Self::add(cal, due, e, d.unit)),
                    working_days_left: cal.working_days_between(today, due),
                    when_passed: d.when_passed.clone(),
                })
            })
            .collect();
        out.sort_by_key(|d| d.due);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn profile() -> Profile {
        Profile::default_cpv()
    }

    const TODAY: &str = "2026-11-24";

    /// A candidate with everything needed for the cell vote on 2026-06-01.
    fn ready_for_cell_vote() -> Dossier {
        let mut docs = BTreeMap::new();
        for c in [
            "NQ-GIUPDO",
            "CN-NTVĐ",
            "1-KNĐ",
            "2-KNĐ",
            "TTLL",
            "3-KNĐ",
            "5-KNĐ",
            "6-KNĐ",
        ] {
            docs.insert(c.to_string(), d("2026-01-05"));
        }
        Dossier {
            birth_date: Some(d("1998-03-10")),
            general_grade: 12,
            area: None,
            history: vec![
                ("pool".into(), d("2025-01-06")),
                ("sympathiser".into(), d("2025-02-03")),
                ("course".into(), d("2025-04-07")),
                ("application".into(), d("2025-05-05")),
                ("personal_history".into(), d("2025-06-02")),
                ("verification".into(), d("2025-08-04")),
                ("introduction".into(), d("2025-09-01")),
                ("comments".into(), d("2025-10-06")),
            ],
            documents: docs,
            certificate_issued: Some(d("2025-04-07")),
            introducers: vec![
                Introducer::Member {
                    name: "Nông Văn Ba".into(),
                    official_since: Some(d("2010-05-01")),
                    together_since: d("2020-01-01"),
                },
                Introducer::Member {
                    name: "Hoàng Thị Tư".into(),
                    official_since: Some(d("2015-05-01")),
                    together_since: d("2022-01-01"),
                },
            ],
            mentors: 2,
            probation_mentors: 0,
            left_party_on: None,
        }
    }

    fn vote(eligible: u32, present: u32, in_favour: u32, against: u32) -> Option<Vote> {
        Some(Vote {
            eligible,
            present,
            in_favour,
            against,
        })
    }

    fn cell_vote(on: &str, v: Option<Vote>) -> Step {
        Step {
            stage: "cell_vote".into(),
            on: d(on),
            vote: v,
            skip_reason: None,
        }
    }

    fn refused(dossier: &Dossier, step: &Step) -> Refusal {
        profile()
            .check(dossier, step, d(TODAY))
            .expect_err("should be refused")
    }

    #[test]
    fn the_shipped_profile_is_valid_and_every_rule_has_a_source() {
        let p = profile();
        assert_eq!(p.stages.first().unwrap().key, "pool");
        assert_eq!(p.admission_stage().key, "decision");
        assert_eq!(p.recognition_stage().key, "recognised");
        assert!(p.rules().len() > 25);
        for (rule, s) in p.rules() {
            assert!(!s.title.is_empty() && !s.article.is_empty(), "{rule}");
        }
        assert!(p.is_open("cell_vote") && !p.is_open("recognised") && !p.is_open("withdrawn"));
        assert!(p.is_admitted("ceremony") && !p.is_admitted("grassroots_vote"));
    }

    #[test]
    fn a_valid_cell_vote_passes() {
        let p = profile();
        p.check(
            &ready_for_cell_vote(),
            &cell_vote("2026-06-01", vote(9, 8, 6, 2)),
            d(TODAY),
        )
        .unwrap();
    }

    #[test]
    fn broken_profiles_are_refused_with_line_numbers() {
        let good = DEFAULT_PROFILE;
        // A stage asking for a document nobody listed.
        let bad = good.replacen("documents = [\"1-KNĐ\"]", "documents = [\"99-KNĐ\"]", 1);
        let line = bad.lines().position(|l| l.contains("99-KNĐ")).unwrap() + 1;
        let e = Profile::parse(&bad).unwrap_err();
        assert!(
            e.0.iter()
                .any(|x| x.message.contains("99-KNĐ") && x.line.abs_diff(line) <= 8),
            "{e}"
        );
        // An unknown gate kind.
        let bad = good.replacen("kind = \"age\"", "kind = \"height\"", 1);
        let e = Profile::parse(&bad).unwrap_err().to_string();
        assert!(e.contains("kind 'height'") && e.starts_with("line "), "{e}");
        // A syntax error names its line.
        let bad = good.replacen("valid_months = 60", "valid_months = = 60", 1);
        let line = bad.lines().position(|l| l.contains("= = 60")).unwrap() + 1;
        let e = Profile::parse(&bad).unwrap_err();
        assert_eq!(e.0[0].line, line, "{e}");
        // A deadline running backwards, a source nobody listed, a field nobody knows.
        let bad = good.replacen(
            "from = \"cell_vote\"\nuntil = \"decision\"",
            "from = \"decision\"\nuntil = \"cell_vote\"",
            1,
        );
        assert!(Profile::parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("does not come after"));
        let bad = good.replacen(
            "doc = \"hd12\", article = \"mẫu 2-KNĐ\"",
            "doc = \"hd99\", article = \"x\"",
            1,
        );
        assert!(Profile::parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("'hd99' is not listed"));
        let bad = good.replacen("min_years = 18", "min_years = 18\nminimum_height = 2", 1);
        assert!(Profile::parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("minimum_height"));
        // Several problems are all reported, in line order.
        let bad = good
            .replacen("kind = \"age\"", "kind = \"height\"", 1)
            .replacen("unit = \"months\"", "unit = \"fortnights\"", 1);
        let e = Profile::parse(&bad).unwrap_err();
        assert_eq!(e.0.len(), 2, "{e}");
        assert!(e.0[0].line < e.0[1].line);
    }

    #[test]
    fn age_is_counted_in_whole_months_at_the_vote() {
        let mut dos = ready_for_cell_vote();
        // 18 years old on 2026-06-01 exactly: allowed; one day younger: refused.
        dos.birth_date = Some(d("2008-06-01"));
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap();
        dos.birth_date = Some(d("2008-06-02"));
        let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert_eq!(r.rule, "age");
        assert!(r.message.contains("17 years 11 months"), "{r}");
        assert!(r.source.contains("294-QĐ/TW"), "{r}");
        // 60 years exactly: allowed; 60 years and a month: only with the provincial consent.
        dos.birth_date = Some(d("1966-06-01"));
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap();
        dos.birth_date = Some(d("1966-05-01"));
        let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert_eq!(r.rule, "age");
        assert!(r.message.contains("consent"), "{r}");
        dos.documents.insert("DY-TREN60".into(), d("2026-05-20"));
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap();
    }

    #[test]
    fn education_with_hardship_exceptions() {
        let mut dos = ready_for_cell_vote();
        dos.general_grade = 8;
        assert_eq!(
            refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0))).rule,
            "education"
        );
        dos.area = Some("mountain".into());
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap();
        dos.general_grade = 4;
        assert_eq!(
            refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0))).rule,
            "education"
        );
    }

    #[test]
    fn the_certificate_must_be_valid_at_the_vote() {
        let mut dos = ready_for_cell_vote();
        dos.certificate_issued = Some(d("2021-06-01"));
        // Valid through 60 months: 2026-06-01 is the last day.
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap();
        let r = refused(&dos, &cell_vote("2026-06-02", vote(9, 9, 9, 0)));
        assert_eq!(r.rule, "certificate");
        assert!(r.message.contains("expired"), "{r}");
        dos.certificate_issued = None;
        assert_eq!(
            refused(&dos, &cell_vote("2026-06-02", vote(9, 9, 9, 0))).rule,
            "certificate"
        );
    }

    #[test]
    fn introducers_must_be_official_and_long_enough_together() {
        let mut dos = ready_for_cell_vote();
        dos.introducers[0] = Introducer::Member {
            name: "Lý Văn Dự".into(),
            official_since: None,
            together_since: d("2020-01-01"),
        };
        let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert_eq!(r.rule, "introducers");
        assert!(
            r.message.contains("Lý Văn Dự is a probationary member"),
            "{r}"
        );
        dos.introducers[0] = Introducer::Member {
            name: "Lý Văn Mới".into(),
            official_since: Some(d("2010-01-01")),
            together_since: d("2025-07-01"),
        };
        let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert!(r.message.contains("less than 12 months"), "{r}");
        // A youth-age candidate: one member and the Youth Union's resolution suffice.
        dos.introducers[0] = Introducer::YouthUnion;
        let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert!(r.message.contains("4-KNĐ"), "{r}");
        dos.documents.insert("4-KNĐ".into(), d("2025-09-01"));
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap();
        // Not for a candidate over the youth age.
        dos.birth_date = Some(d("1990-01-01"));
        assert_eq!(
            refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0))).rule,
            "introducers"
        );
    }

    #[test]
    fn votes_must_add_up_and_reach_two_thirds() {
        let dos = ready_for_cell_vote();
        for v in [vote(9, 10, 9, 0), vote(9, 8, 7, 2), vote(0, 0, 0, 0)] {
            assert_eq!(
                refused(&dos, &cell_vote("2026-06-01", v)).rule,
                "vote.counts"
            );
        }
        assert_eq!(
            refused(&dos, &cell_vote("2026-06-01", None)).rule,
            "vote.missing"
        );
        // 2/3 of all official members, present or not: 6 of 9 passes, 5 of 9 does not.
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 6, 6, 0)), d(TODAY))
            .unwrap();
        let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 5, 4)));
        assert_eq!(r.rule, "cell_vote_two_thirds");
        assert!(r.source.contains("Điều 4"), "{r}");
        // The grassroots committee: its own threshold over its members.
        let mut dos = dos;
        dos.history.push(("cell_vote".into(), d("2026-06-01")));
        dos.documents.insert("8-KNĐ".into(), d("2026-06-10"));
        let gv = |v| Step {
            stage: "grassroots_vote".into(),
            on: d("2026-06-15"),
            vote: v,
            skip_reason: None,
        };
        profile()
            .check(&dos, &gv(vote(7, 6, 5, 1)), d(TODAY))
            .unwrap();
        assert_eq!(
            refused(&dos, &gv(vote(7, 7, 4, 3))).rule,
            "grassroots_vote_two_thirds"
        );
    }

    #[test]
    fn order_documents_and_dates() {
        let dos = ready_for_cell_vote();
        // A stage skipped that the profile requires.
        let mut early = dos.clone();
        early.history.truncate(6);
        let r = refused(&early, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert_eq!(r.rule, "sequence");
        assert!(
            r.message
                .contains("'introduction' is required before 'cell_vote'"),
            "{r}"
        );
        // Documents the stage needs.
        let mut nodoc = dos.clone();
        nodoc.documents.remove("6-KNĐ");
        let r = refused(&nodoc, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
        assert_eq!(r.rule, "documents");
        assert!(r.message.contains("6-KNĐ"), "{r}");
        // Dates: not after today, not before the previous step.
        assert_eq!(
            refused(&dos, &cell_vote("2026-11-25", vote(9, 9, 9, 0))).rule,
            "date.future"
        );
        assert_eq!(
            refused(&dos, &cell_vote("2025-10-01", vote(9, 9, 9, 0))).rule,
            "date.order"
        );
        // Going back is refused too.
        let back = Step {
            stage: "course".into(),
            on: d("2026-06-01"),
            vote: None,
            skip_reason: None,
        };
        assert_eq!(refused(&dos, &back).rule, "sequence");
        // The verification may be entered without its result only for a legal reason.
        let mut v = dos.clone();
        v.history.truncate(5);
        v.documents.remove("TTLL");
        let step = |reason: Option<&str>| Step {
            stage: "verification".into(),
            on: d("2026-06-01"),
            vote: None,
            skip_reason: reason.map(str::to_string),
        };
        assert_eq!(refused(&v, &step(None)).rule, "documents");
        assert_eq!(refused(&v, &step(Some("busy"))).rule, "skip");
        profile()
            .check(&v, &step(Some("relative_member")), d(TODAY))
            .unwrap();
    }

    #[test]
    fn ceremony_probation_recognition_and_readmission() {
        let p = profile();
        let mut dos = ready_for_cell_vote();
        for (s, on) in [
            ("cell_vote", "2025-11-03"),
            ("grassroots_vote", "2025-11-17"),
            ("decision", "2025-12-01"),
        ] {
            dos.history.push((s.into(), d(on)));
        }
        dos.documents.insert("BB-KN".into(), d("2025-12-10"));
        let ceremony = Step {
            stage: "ceremony".into(),
            on: d("2025-12-15"),
            vote: None,
            skip_reason: None,
        };
        assert_eq!(refused(&dos, &ceremony).rule, "probation_mentor");
        dos.probation_mentors = 1;
        p.check(&dos, &ceremony, d(TODAY)).unwrap();
        // A ceremony dated before the decision is refused.
        let before = Step {
            on: d("2025-11-20"),
            ..ceremony.clone()
        };
        assert_eq!(refused(&dos, &before).rule, "date.order");
        dos.history.push(("ceremony".into(), d("2025-12-15")));
        for c in ["10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ"] {
            dos.documents.insert(c.into(), d("2026-11-01"));
        }
        let rv = |on: &str| Step {
            stage: "recognition_cell_vote".into(),
            on: d(on),
            vote: vote(9, 9, 9, 0),
            skip_reason: None,
        };
        let r = p.check(&dos, &rv("2026-11-20"), d(TODAY)).unwrap_err();
        assert_eq!(r.rule, "probation_complete");
        assert!(r.message.contains("2026-12-15"), "{r}");
        p.check(&dos, &rv("2026-11-20"), d("2026-12-20"))
            .unwrap_err();
        p.check(&dos, &rv("2026-12-16"), d("2026-12-20")).unwrap();
        // Not recognised is an exit from probation; withdrawn is not.
        let exit = |k: &str| Step {
            stage: k.into(),
            on: d("2026-11-20"),
            vote: None,
            skip_reason: None,
        };
        p.check(&dos, &exit("not_recognised"), d(TODAY)).unwrap();
        assert_eq!(refused(&dos, &exit("withdrawn")).rule, "sequence");

        // Re-admission: 36 months after leaving.
        let fresh = Dossier {
            left_party_on: Some(d("2023-12-01")),
            ..Dossier::default()
        };
        let pool = |on: &str| Step {
            stage: "pool".into(),
            on: d(on),
            vote: None,
            skip_reason: None,
        };
        let r = p
            .check(&fresh, &pool("2026-11-30"), d("2026-12-31"))
            .unwrap_err();
        assert_eq!(r.rule, "readmission");
        assert!(r.message.contains("2026-12-01"), "{r}");
        p.check(&fresh, &pool("2026-12-01"), d("2026-12-31"))
            .unwrap();
    }

    #[test]
    fn mentors_are_required_for_a_sympathiser() {
        let dos = Dossier {
            history: vec![("pool".into(), d("2026-01-05"))],
            documents: BTreeMap::from([("NQ-GIUPDO".to_string(), d("2026-02-01"))]),
            ..Dossier::default()
        };
        let step = Step {
            stage: "sympathiser".into(),
            on: d("2026-02-02"),
            vote: None,
            skip_reason: None,
        };
        assert_eq!(refused(&dos, &step).rule, "mentors");
        let ok = Dossier { mentors: 1, ..dos };
        profile().check(&ok, &step, d(TODAY)).unwrap();
    }

    #[test]
    fn deadlines_in_working_days() {
        let p = profile();
        let cal = WorkCalendar::new();
        let mut dos = ready_for_cell_vote();
        dos.history.push(("cell_vote".into(), d("2026-06-01")));
        let due = p.deadlines_for(&dos, &cal, d("2026-06-01"));
        let decision = due
            .iter()
            .find(|x| x.rule == "decision_after_cell_vote")
            .unwrap();
        assert_eq!(decision.due, cal.add_working_days(d("2026-06-01"), 60));
        assert_eq!(decision.working_days_left, 60);
        assert_eq!(
            decision.extended,
            Some(cal.add_working_days(decision.due, 30))
        );
        assert!(decision.source.contains("Điều lệ"));
        // The certificate's 60 months run too, but the decision comes first.
        assert_eq!(due[0].rule, "decision_after_cell_vote");
        let later = p.deadlines_for(&dos, &cal, cal.add_working_days(decision.due, 2));
        assert_eq!(later[0].working_days_left, -2);
        assert!(later[0].overdue());
        // Recognition: the cell has 30 working days after the 12 months of probation.
        let mut prob = dos.clone();
        prob.history
            .push(("grassroots_vote".into(), d("2026-06-10")));
        prob.history.push(("decision".into(), d("2026-07-01")));
        prob.history.push(("ceremony".into(), d("2026-07-15")));
        let due = p.deadlines_for(&prob, &cal, d("2026-11-24"));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].rule, "recognition_cell_vote_after_probation");
        assert_eq!(due[0].started, d("2027-07-15"));
        assert_eq!(due[0].due, cal.add_working_days(d("2027-07-15"), 30));
        // A closed file has no deadline.
        prob.history
            .push(("not_recognised".into(), d("2026-11-20")));
        assert!(p.deadlines_for(&prob, &cal, d("2026-11-24")).is_empty());
    }

    #[test]
    fn whole_months_counts_completed_months() {
        assert_eq!(whole_months(d("2000-01-31"), d("2000-02-29")), 0);
        assert_eq!(whole_months(d("2000-01-31"), d("2000-03-31")), 2);
        assert_eq!(whole_months(d("2008-06-02"), d("2026-06-01")), 18 * 12 - 1);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Action {
        Doc(usize),
        Mentor,
        ProbationMentor,
        Certificate(u16),
        Introducer {
            official: bool,
            months: u8,
        },
        YouthUnion,
        Step {
            stage: usize,
            days: u8,
            vote: (u8, u8, u8, u8),
            skip: bool,
        },
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (0usize..30).prop_map(Action::Doc),
            Just(Action::Mentor),
            Just(Action::ProbationMentor),
            (0u16..2200).prop_map(Action::Certificate),
            (any::<bool>(), 0u8..40)
                .prop_map(|(official, months)| Action::Introducer { official, months }),
            Just(Action::YouthUnion),
            (
                0usize..20,
                0u8..90,
                (0u8..12, 0u8..12, 0u8..12, 0u8..12),
                any::<bool>()
            )
                .prop_map(|(stage, days, vote, skip)| Action::Step {
                    stage,
                    days,
                    vote,
                    skip
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Random sequences of steps never reach a state the profile forbids,
        /// and every refusal names its rule and source.
        #[test]
        fn the_engine_never_admits_a_forbidden_state(actions in proptest::collection::vec(action(), 1..120)) {
            let p = Profile::default_cpv();
            let today = Date::from_ymd_opt(2030, 12, 31).unwrap();
            let mut now = Date::from_ymd_opt(2020, 1, 6).unwrap();
            let all: Vec<&StageDef> = p.stages.iter().chain(&p.exits).collect();
            let docs: Vec<String> = p.documents.keys().cloned().collect();
            let known_rules: Vec<String> = p.gates.iter().map(|g| g.id.clone()).chain(
                ["stage.unknown", "date.future", "date.order", "stage.closed", "sequence", "skip", "documents", "vote.missing", "vote.counts"].map(String::from)
            ).collect();
            let mut dos = Dossier { birth_date: Some(Date::from_ymd_opt(1999, 5, 5).unwrap()), general_grade: 12, ..Dossier::default() };
            let mut accepted_votes: Vec<(String, Vote)> = Vec::new();
            for a in actions {
                match a {
                    Action::Doc(i) => { dos.documents.entry(docs[i % docs.len()].clone()).or_insert(now); }
                    Action::Mentor => dos.mentors += 1,
                    Action::ProbationMentor => dos.probation_mentors += 1,
                    Action::Certificate(days) => dos.certificate_issued = Some(now - chrono::Days::new(u64::from(days))),
                    Action::Introducer { official, months } => dos.introducers.push(Introducer::Member {
                        name: "X".into(),
                        official_since: official.then_some(Date::from_ymd_opt(2000, 1, 1).unwrap()),
                        together_since: now - chrono::Months::new(u32::from(months)),
                    }),
                    Action::YouthUnion => dos.introducers.push(Introducer::YouthUnion),
                    Action::Step { stage, days, vote, skip } => {
                        now = now + chrono::Days::new(u64::from(days));
                        let def = all[stage % all.len()];
                        let v = Vote { eligible: u32::from(vote.0), present: u32::from(vote.1), in_favour: u32::from(vote.2), against: u32::from(vote.3) };
                        let step = Step {
                            stage: def.key.clone(),
                            on: now,
                            vote: def.vote.then_some(v),
                            skip_reason: (skip && !def.skip_reasons.is_empty()).then(|| def.skip_reasons[0].clone()),
                        };
                        match p.check(&dos, &step, today) {
                            Ok(()) => {
                                dos.history.push((step.stage.clone(), step.on));
                                if let Some(v) = step.vote { accepted_votes.push((step.stage.clone(), v)); }
                            }
                            Err(r) => {
                                prop_assert!(!r.rule.is_empty() && !r.source.is_empty() && !r.message.is_empty());
                                prop_assert!(known_rules.contains(&r.rule), "unknown rule {}", r.rule);
                            }
                        }
                    }
                }
            }
            // The history obeys the profile.
            if let Some(first) = dos.history.first() {
                prop_assert_eq!(&first.0, "pool");
            }
            let mut last_pos = None;
            for (i, (s, on)) in dos.history.iter().enumerate() {
                if i > 0 { prop_assert!(*on >= dos.history[i - 1].1); }
                prop_assert!(*on <= today);
                match p.position(s) {
                    Some(pos) => {
                        prop_assert_eq!(pos, last_pos.map_or(0, |l: usize| l + 1), "stage {} out of order", s);
                        last_pos = Some(pos);
                    }
                    None => {
                        let exit = p.stage(s).unwrap();
                        prop_assert_eq!(i, dos.history.len() - 1, "nothing after an exit");
                        let from = &dos.history[i - 1].0;
                        prop_assert!(exit.from.contains(from));
                    }
                }
            }
            // Every vote that counted reached two thirds of those entitled, and added up.
            for (_, v) in &accepted_votes {
                prop_assert!(v.in_favour * 3 >= v.eligible * 2 && v.present <= v.eligible && v.in_favour + v.against <= v.present);
            }
            // Admission only after both votes.
            if dos.entered("decision").is_some() {
                prop_assert!(dos.entered("cell_vote").is_some() && dos.entered("grassroots_vote").is_some());
            }
        }
    }
}
