//! The validated profile: stages, gates, deadlines and member rules, each
//! with its legal source, and the questions the rest of the program asks of
//! it (which stage admits, which are still open, every rule with its source).

use crate::Date;
use std::collections::BTreeMap;
use std::fmt;

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub doc: String,
    pub title: String,
    pub article: String,
    /// False when the figure was read from secondary sources only.
    pub confirmed: bool,
    /// The operative sentence as read; `None` when the rule is inferred.
    pub quote: Option<String>,
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
    /// Reasons noted with the step that do not waive its documents.
    pub partial_skip_reasons: Vec<String>,
    /// Unit kinds whose candidates do not take this stage (a grassroots
    /// cell has no grassroots committee to vote).
    pub not_in: Vec<crate::UnitKind>,
    /// For exits: the stages they can be taken from.
    pub from: Vec<String>,
    pub is_exit: bool,
    pub source: Source,
    /// The body whose step this is (its staff, or a committee above it,
    /// records it), with the text saying so; `None`: any writer.
    pub recorded_by: Option<(super::Level, Source)>,
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
        /// Over the maximum: the written consent needed before the decision.
        consent_document: Option<String>,
        /// Over the maximum: the conditions (health and prestige; a place
        /// without a party organisation or members, or a special requirement)
        /// recorded before the cell considers the candidate.
        conditions_document: Option<String>,
    },
    Education {
        min_grade: u8,
        exceptions: BTreeMap<String, u8>,
        /// Exceptions that need a written consent before the decision.
        consent_documents: BTreeMap<String, String>,
    },
    CertificateValid {
        valid_months: u32,
    },
    Introducers {
        count: u32,
        min_months_together: u32,
        youth_max_age: Option<u32>,
        youth_document: Option<String>,
        /// The trade-union resolution (form 4A-KNĐ) that may take the
        /// place of one member outside youth age.
        union_document: Option<String>,
        /// The Charter's routes: in youth age, where there is a Youth
        /// Union organisation, its resolution is required (not optional).
        youth_route_required: bool,
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
    /// A step not before a time after the latest of the `after` stages
    /// (the texts space them: a resolution goes up, a decision comes down).
    Interval {
        after: Vec<String>,
        min_months: u32,
        min_days: u32,
    },
    /// Documents dated not before a time after the `after` stage (the
    /// probation papers are written during and at the end of probation),
    /// checked when they are recorded; the gate's `stages` are empty.
    DocumentsAfter {
        documents: Vec<String>,
        after: String,
        min_months: u32,
        min_days: u32,
    },
    /// Re-admission of a former member (294-QĐ/TW mục 3.5.1–3.5.2). Only
    /// `min_months` is required; each other part is checked when given.
    Readmission {
        /// Months since leaving before re-admission may be considered.
        min_months: u32,
        /// Grounds of leaving (from [`EXIT_GROUNDS`]) that exclude
        /// re-admission. When any is given, the ground must be recorded.
        excluded_grounds: Vec<String>,
        /// Grounds whose wait counts from the day the criminal record was
        /// cleared instead of the day of leaving, with its months.
        months_after_record_cleared: BTreeMap<String, u32>,
        /// The written consent, and the stage it must be recorded before.
        consent_document: Option<String>,
        consent_stage: Option<String>,
        /// A person re-admitted once is not re-admitted again.
        only_once: bool,
    },
}

/// The grounds on which a member left the Party, as recorded with the exit
/// (the list of 294-QĐ/TW mục 3.5.2 and the exceptions of mục 3.5.1).
pub const EXIT_GROUNDS: &[(&str, &str)] = &[
    ("abandoned_activities", "tự bỏ sinh hoạt đảng"),
    ("asked_to_leave", "tự nguyện làm đơn xin ra khỏi Đảng"),
    (
        "asked_to_leave_family_hardship",
        "làm đơn xin ra khỏi Đảng vì lý do gia đình đặc biệt khó khăn",
    ),
    ("serious_disunity", "gây mất đoàn kết nội bộ nghiêm trọng"),
    (
        "corruption_conviction",
        "bị kết án hình sự do tội tham nhũng",
    ),
    (
        "serious_crime_conviction",
        "bị kết án hình sự về tội phạm nghiêm trọng trở lên",
    ),
    (
        "minor_crime_conviction",
        "bị án hình sự về tội phạm ít nghiêm trọng",
    ),
    ("other", "lý do khác"),
];

/// The Vietnamese label of an exit ground, if it is one.
pub fn exit_ground_label(ground: &str) -> Option<&'static str> {
    EXIT_GROUNDS
        .iter()
        .find(|(k, _)| *k == ground)
        .map(|(_, l)| *l)
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
    /// Counted from the receipt of the `from` stage's decision.
    pub from_receipt: bool,
    pub amount: u32,
    pub unit: Unit,
    pub extension: Option<u32>,
    pub when_passed: String,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct MemberRules {
    /// Whole months a temporary transfer for work or residence may last.
    pub temporary_transfer_months: (u32, u32),
    /// Whole months a temporary transfer for study may last.
    pub temporary_transfer_study_months: Option<(u32, u32)>,
    pub transfer_start_working_days: u32,
    pub transfer_present_working_days: u32,
    pub source: Source,
    /// The hand-over checklist of a transfer (the papers the sending
    /// committee seals and the member carries to the receiving one).
    pub handover: Vec<HandoverDoc>,
    pub handover_source: Option<Source>,
}

/// One paper of a transfer's hand-over checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverDoc {
    pub key: String,
    pub vi: String,
    /// Handed over with an official transfer.
    pub official: bool,
    /// Handed over with a temporary transfer.
    pub temporary: bool,
}

impl MemberRules {
    /// The papers a transfer of this kind hands over.
    pub fn handover_for(&self, temporary: bool) -> impl Iterator<Item = &HandoverDoc> {
        self.handover
            .iter()
            .filter(move |h| if temporary { h.temporary } else { h.official })
    }
}

/// The data subject's rights (Decree 13/2023/NĐ-CP, docs/privacy.md).
#[derive(Debug, Clone)]
pub struct PrivacyRules {
    /// Months after a file closed without admission (withdrawn) before
    /// the person's personal data is erased.
    pub never_admitted_months: u32,
    pub retention_source: Source,
    /// What a candidate entering the pool consents to.
    pub consent_purpose: String,
    pub consent_source: Source,
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
    pub privacy: Option<PrivacyRules>,
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

impl Profile {
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

    /// The cell's consideration of a candidate: the first vote.
    pub fn consideration_stage(&self) -> Option<&StageDef> {
        self.stages.iter().find(|s| s.vote)
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
            if let Some((level, source)) = &s.recorded_by {
                out.push((
                    format!("stage {} recorded by {}", s.key, level.as_str()),
                    source,
                ));
            }
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
        if let Some(p) = &self.privacy {
            out.push((
                "retention of people never admitted".into(),
                &p.retention_source,
            ));
            out.push(("consent to processing".into(), &p.consent_source));
        }
        out
    }
}
