//! The profile file format (see docs/profile.md): TOML read into raw records
//! with their spans, then validated into a [`Profile`], every problem
//! reported with its line.

use super::model::{
    Deadline, Effect, Gate, GateKind, HandoverDoc, MemberRules, PrivacyRules, Profile,
    ProfileError, ProfileErrors, Source, StageDef, Unit,
};
use crate::Date;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

/// The default profile, shipped with the program.
pub const DEFAULT_PROFILE: &str = include_str!("../../../../profiles/cpv.toml");

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
    #[serde(default)]
    privacy: Option<Spanned<RawPrivacy>>,
}

/// The data subject's rights (Decree 13/2023/NĐ-CP): how long the personal
/// data of people never admitted is kept, and the consent asked of a
/// candidate entering the pool.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    never_admitted_months: u32,
    retention_source: RawSource,
    consent_purpose: String,
    consent_source: RawSource,
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
    /// The operative sentence as read, in the text's language.
    #[serde(default)]
    quote: Option<String>,
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
    /// Reasons recorded with the step that waive part of the work but not
    /// the stage's documents (the spouse's side of the verification).
    #[serde(default)]
    partial_skip_reasons: Vec<String>,
    /// Unit kinds whose candidates do not take this stage.
    #[serde(default)]
    not_in: Vec<String>,
    #[serde(default)]
    from: Vec<String>,
    source: RawSource,
    /// The body whose step this is: cell, grassroots or superior.
    #[serde(default)]
    recorded_by: Option<String>,
    /// The text saying so (required with `recorded_by`).
    #[serde(default)]
    recorded_by_source: Option<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    id: String,
    kind: String,
    #[serde(default)]
    stages: Vec<String>,
    source: RawSource,
    /// `interval`: the stages the step is counted from (the latest entered).
    /// `documents_after`: one stage.
    #[serde(default)]
    after: Vec<String>,
    min_days: Option<u32>,
    /// `documents_after`: the documents whose dates are checked.
    #[serde(default)]
    documents: Vec<String>,
    min_years: Option<u32>,
    max_years: Option<u32>,
    consent_document: Option<String>,
    conditions_document: Option<String>,
    min_grade: Option<u8>,
    #[serde(default)]
    exceptions: BTreeMap<String, u8>,
    #[serde(default)]
    consent_documents: BTreeMap<String, String>,
    valid_months: Option<u32>,
    count: Option<u32>,
    min_months_together: Option<u32>,
    youth_max_age: Option<u32>,
    youth_document: Option<String>,
    union_document: Option<String>,
    #[serde(default)]
    youth_route_required: bool,
    share: Option<[u32; 2]>,
    months: Option<u32>,
    min_months: Option<u32>,
    #[serde(default)]
    excluded_grounds: Vec<String>,
    #[serde(default)]
    months_after_record_cleared: BTreeMap<String, u32>,
    consent_stage: Option<String>,
    #[serde(default)]
    only_once: bool,
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
    /// Counted from the day the `from` stage's decision was received.
    #[serde(default)]
    from_receipt: bool,
    when_passed: String,
    source: RawSource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMembers {
    temporary_transfer_months: [u32; 2],
    #[serde(default)]
    temporary_transfer_study_months: Option<[u32; 2]>,
    transfer_start_working_days: u32,
    transfer_present_working_days: u32,
    source: RawSource,
    /// The papers an official or temporary transfer hands over.
    #[serde(default)]
    handover: Vec<RawHandover>,
    #[serde(default)]
    handover_source: Option<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHandover {
    key: String,
    vi: String,
    /// official, temporary, or both.
    kinds: Vec<String>,
}

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
        let mut check = Checker {
            text,
            sources: &raw.sources,
            documents: &raw.documents,
            keys: BTreeMap::new(),
            gate_ids: BTreeSet::new(),
            errors: Vec::new(),
        };
        let in_force_from = check.in_force_from(raw.in_force_from.as_deref());
        let stages: Vec<StageDef> = raw.stages.iter().map(|s| check.stage(s, false)).collect();
        let exits: Vec<StageDef> = raw.exits.iter().map(|s| check.stage(s, true)).collect();
        check.sequence(&stages, &exits, &raw.exits);
        let gates: Vec<Gate> = raw
            .gates
            .iter()
            .filter_map(|g| check.gate(g, &stages, &exits))
            .collect();
        let deadlines: Vec<Deadline> = raw
            .deadlines
            .iter()
            .map(|d| check.deadline(d, &stages))
            .collect();
        let members = raw.members.as_ref().map(|m| check.members(m));
        let evaluation = raw.evaluation.as_ref().and_then(|e| check.evaluation(e));
        let privacy = raw.privacy.as_ref().map(|p| check.privacy(p));
        let mut errors = check.errors;
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
            privacy,
        })
    }
}

/// Validates the raw records one by one, collecting the problems found.
struct Checker<'a> {
    text: &'a str,
    sources: &'a BTreeMap<String, String>,
    documents: &'a BTreeMap<String, String>,
    /// Stage keys seen so far, with their lines.
    keys: BTreeMap<String, usize>,
    /// Gate ids seen so far.
    gate_ids: BTreeSet<String>,
    errors: Vec<ProfileError>,
}

fn position(stages: &[StageDef], key: &str) -> Option<usize> {
    stages.iter().position(|s| s.key == key)
}

impl Checker<'_> {
    fn err(&mut self, span: Range<usize>, message: String) {
        self.errors.push(ProfileError {
            line: line_of(self.text, span.start),
            message,
        });
    }

    fn source(&mut self, s: &RawSource, span: &Range<usize>) -> Source {
        match self.sources.get(&s.doc) {
            Some(title) => Source {
                doc: s.doc.clone(),
                title: title.clone(),
                article: s.article.clone(),
                confirmed: s.confirmed,
                quote: s.quote.clone(),
            },
            None => {
                self.err(
                    span.clone(),
                    format!("source doc '{}' is not listed in [sources]", s.doc),
                );
                Source {
                    doc: s.doc.clone(),
                    title: s.doc.clone(),
                    article: s.article.clone(),
                    confirmed: false,
                    quote: s.quote.clone(),
                }
            }
        }
    }

    fn in_force_from(&mut self, raw: Option<&str>) -> Option<Date> {
        let s = raw?;
        match Date::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(
                    0..0,
                    format!("in_force_from: '{s}' is not a date YYYY-MM-DD"),
                );
                None
            }
        }
    }

    fn stage(&mut self, st: &Spanned<RawStage>, is_exit: bool) -> StageDef {
        let span = st.span();
        let s = st.get_ref();
        if s.key.trim().is_empty()
            || !s
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        {
            self.err(
                span.clone(),
                format!(
                    "stage key '{}' must be lower-case letters, digits and '_'",
                    s.key
                ),
            );
        }
        if self
            .keys
            .insert(s.key.clone(), line_of(self.text, span.start))
            .is_some()
        {
            self.err(span.clone(), format!("stage '{}' is defined twice", s.key));
        }
        for d in &s.documents {
            if !self.documents.contains_key(d) {
                self.err(
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
                self.err(span.clone(), format!("stage '{}': effect '{other}' is not one of admit, start_probation, recognise, remove, withdraw", s.key));
                None
            }
        };
        if is_exit && s.from.is_empty() {
            self.err(
                span.clone(),
                format!(
                    "exit '{}' needs `from`, the stages it can be taken from",
                    s.key
                ),
            );
        }
        if !is_exit && !s.from.is_empty() {
            self.err(
                span.clone(),
                format!("stage '{}': `from` belongs to exits only", s.key),
            );
        }
        for k in &s.not_in {
            if crate::UnitKind::parse(k).is_err() {
                self.err(
                    span.clone(),
                    format!("stage '{}': not_in names unknown unit kind '{k}'", s.key),
                );
            }
        }
        let recorded_by = self.recorded_by(s, &span);
        StageDef {
            recorded_by,
            key: s.key.clone(),
            vi: s.vi.clone(),
            en: s.en.clone(),
            de: s.de.clone(),
            documents: s.documents.clone(),
            vote: s.vote,
            effect,
            skip_reasons: s.skip_reasons.clone(),
            partial_skip_reasons: s.partial_skip_reasons.clone(),
            not_in: s
                .not_in
                .iter()
                .filter_map(|k| crate::UnitKind::parse(k).ok())
                .collect(),
            from: s.from.clone(),
            is_exit,
            source: self.source(&s.source, &span),
        }
    }

    /// `recorded_by` with its source, both or neither.
    fn recorded_by(&mut self, s: &RawStage, span: &Range<usize>) -> Option<(super::Level, Source)> {
        match (&s.recorded_by, &s.recorded_by_source) {
            (None, None) => None,
            (Some(l), Some(src)) => match super::Level::parse(l) {
                Some(level) => Some((level, self.source(src, span))),
                None => {
                    self.err(span.clone(), format!("stage '{}': recorded_by '{l}' is not one of cell, grassroots, superior", s.key));
                    None
                }
            },
            _ => {
                self.err(
                    span.clone(),
                    format!(
                        "stage '{}': recorded_by and recorded_by_source go together",
                        s.key
                    ),
                );
                None
            }
        }
    }

    /// The stages as a whole: some exist, exits leave from known stages, one
    /// stage each admits, starts probation and recognises.
    fn sequence(&mut self, stages: &[StageDef], exits: &[StageDef], raw: &[Spanned<RawStage>]) {
        if stages.is_empty() {
            self.err(0..0, "the profile has no [[stages]]".into());
        }
        for (e, raw_e) in exits.iter().zip(raw) {
            for f in &e.from {
                if !stages.iter().any(|s| &s.key == f) {
                    self.err(
                        raw_e.span(),
                        format!("exit '{}': `from` names unknown stage '{f}'", e.key),
                    );
                }
            }
        }
        for effect in [Effect::Admit, Effect::StartProbation, Effect::Recognise] {
            let n = stages.iter().filter(|s| s.effect == Some(effect)).count();
            if n != 1 {
                self.err(
                    0..0,
                    format!("exactly one stage must have effect {effect:?} (found {n})"),
                );
            }
        }
    }

    fn gate(
        &mut self,
        g: &Spanned<RawGate>,
        stages: &[StageDef],
        exits: &[StageDef],
    ) -> Option<Gate> {
        let span = g.span();
        let r = g.get_ref();
        if !self.gate_ids.insert(r.id.clone()) {
            self.err(span.clone(), format!("gate '{}' is defined twice", r.id));
        }
        if r.stages.is_empty() && r.kind != "documents_after" {
            self.err(span.clone(), format!("gate '{}' applies to no stage", r.id));
        }
        for s in r.stages.iter().chain(&r.after) {
            if position(stages, s).is_none() && !exits.iter().any(|e| &e.key == s) {
                self.err(
                    span.clone(),
                    format!("gate '{}': unknown stage '{s}'", r.id),
                );
            }
        }
        let kind = self.gate_kind(r, &span)?;
        for d in [&r.consent_document, &r.youth_document, &r.union_document]
            .into_iter()
            .flatten()
            .chain(&r.documents)
        {
            if !self.documents.contains_key(d) {
                self.err(
                    span.clone(),
                    format!(
                        "gate '{}': document '{d}' is not listed in [documents]",
                        r.id
                    ),
                );
            }
        }
        Some(Gate {
            id: r.id.clone(),
            kind,
            stages: r.stages.clone(),
            source: self.source(&r.source, &span),
        })
    }

    /// A number the gate's kind needs; 0 and a problem when it is missing.
    fn need(&mut self, r: &RawGate, span: &Range<usize>, name: &str, v: Option<u32>) -> u32 {
        v.unwrap_or_else(|| {
            self.err(
                span.clone(),
                format!("gate '{}' of kind {} needs `{name}`", r.id, r.kind),
            );
            0
        })
    }

    /// What the gate checks; `None` for a kind the program does not know.
    fn gate_kind(&mut self, r: &RawGate, span: &Range<usize>) -> Option<GateKind> {
        let kind = match r.kind.as_str() {
            "age" => {
                let min_years = self.need(r, span, "min_years", r.min_years);
                let max_years = self.need(r, span, "max_years", r.max_years);
                if max_years < min_years {
                    self.err(
                        span.clone(),
                        format!("gate '{}': max_years is below min_years", r.id),
                    );
                }
                GateKind::Age {
                    min_years,
                    max_years,
                    consent_document: r.consent_document.clone(),
                    conditions_document: r.conditions_document.clone(),
                }
            }
            "education" => GateKind::Education {
                min_grade: self.need(r, span, "min_grade", r.min_grade.map(u32::from)) as u8,
                exceptions: r.exceptions.clone(),
                consent_documents: r.consent_documents.clone(),
            },
            "certificate_valid" => GateKind::CertificateValid {
                valid_months: self.need(r, span, "valid_months", r.valid_months),
            },
            "introducers" => GateKind::Introducers {
                count: self.need(r, span, "count", r.count),
                min_months_together: self.need(
                    r,
                    span,
                    "min_months_together",
                    r.min_months_together,
                ),
                youth_max_age: r.youth_max_age,
                youth_document: r.youth_document.clone(),
                union_document: r.union_document.clone(),
                youth_route_required: r.youth_route_required,
            },
            "mentors" => GateKind::Mentors {
                count: self.need(r, span, "count", r.count),
            },
            "probation_mentor" => GateKind::ProbationMentor {
                count: self.need(r, span, "count", r.count),
            },
            "vote" => {
                match r.share {
                    Some([n, d]) if d > 0 && n <= d => GateKind::Vote {
                        numerator: n,
                        denominator: d,
                    },
                    _ => {
                        self.err(span.clone(), format!("gate '{}' of kind vote needs `share = [n, d]` with 0 < d and n <= d", r.id));
                        GateKind::Vote {
                            numerator: 2,
                            denominator: 3,
                        }
                    }
                }
            }
            "probation_complete" => GateKind::ProbationComplete {
                months: self.need(r, span, "months", r.months),
            },
            "readmission" => self.readmission(r, span),
            "interval" => {
                if r.after.is_empty() {
                    self.err(
                        span.clone(),
                        format!(
                            "gate '{}' of kind interval needs `after`, the stages counted from",
                            r.id
                        ),
                    );
                }
                GateKind::Interval {
                    after: r.after.clone(),
                    min_months: r.min_months.unwrap_or(0),
                    min_days: r.min_days.unwrap_or(0),
                }
            }
            "documents_after" => {
                if r.after.len() != 1 || r.documents.is_empty() || !r.stages.is_empty() {
                    self.err(span.clone(), format!("gate '{}' of kind documents_after needs one `after` stage, `documents`, and no `stages`", r.id));
                }
                GateKind::DocumentsAfter {
                    documents: r.documents.clone(),
                    after: r.after.first().cloned().unwrap_or_default(),
                    min_months: r.min_months.unwrap_or(0),
                    min_days: r.min_days.unwrap_or(0),
                }
            }
            other => {
                self.err(span.clone(), format!("gate '{}': kind '{other}' is not one of age, education, certificate_valid, introducers, mentors, probation_mentor, vote, probation_complete, readmission, interval, documents_after", r.id));
                return None;
            }
        };
        Some(kind)
    }

    /// A re-admission gate: known grounds, the consent with its stage.
    fn readmission(&mut self, r: &RawGate, span: &Range<usize>) -> GateKind {
        let min_months = self.need(r, span, "min_months", r.min_months);
        for g in r
            .excluded_grounds
            .iter()
            .chain(r.months_after_record_cleared.keys())
        {
            if super::model::exit_ground_label(g).is_none() {
                let known: Vec<&str> = super::model::EXIT_GROUNDS.iter().map(|g| g.0).collect();
                self.err(
                    span.clone(),
                    format!(
                        "gate '{}': ground '{g}' is not one of {}",
                        r.id,
                        known.join(", ")
                    ),
                );
            }
        }
        match (&r.consent_document, &r.consent_stage) {
            (Some(_), None) | (None, Some(_)) => self.err(
                span.clone(),
                format!(
                    "gate '{}': consent_document and consent_stage go together",
                    r.id
                ),
            ),
            (Some(_), Some(s)) if !r.stages.contains(s) => self.err(
                span.clone(),
                format!(
                    "gate '{}': consent_stage '{s}' is not one of the gate's stages",
                    r.id
                ),
            ),
            _ => {}
        }
        GateKind::Readmission {
            min_months,
            excluded_grounds: r.excluded_grounds.clone(),
            months_after_record_cleared: r.months_after_record_cleared.clone(),
            consent_document: r.consent_document.clone(),
            consent_stage: r.consent_stage.clone(),
            only_once: r.only_once,
        }
    }

    fn deadline(&mut self, d: &Spanned<RawDeadline>, stages: &[StageDef]) -> Deadline {
        let span = d.span();
        let r = d.get_ref();
        let unit = match r.unit.as_str() {
            "days" => Unit::Days,
            "working_days" => Unit::WorkingDays,
            "months" => Unit::Months,
            other => {
                self.err(
                    span.clone(),
                    format!(
                        "deadline '{}': unit '{other}' is not one of days, working_days, months",
                        r.id
                    ),
                );
                Unit::Days
            }
        };
        match (position(stages, &r.from), position(stages, &r.until)) {
            (Some(a), Some(b)) if a < b => {}
            (Some(_), Some(_)) => self.err(
                span.clone(),
                format!(
                    "deadline '{}': '{}' does not come after '{}'",
                    r.id, r.until, r.from
                ),
            ),
            (None, _) => self.err(
                span.clone(),
                format!("deadline '{}': unknown stage '{}'", r.id, r.from),
            ),
            (_, None) => self.err(
                span.clone(),
                format!("deadline '{}': unknown stage '{}'", r.id, r.until),
            ),
        }
        if r.amount == 0 {
            self.err(
                span.clone(),
                format!("deadline '{}': amount must be positive", r.id),
            );
        }
        Deadline {
            id: r.id.clone(),
            from: r.from.clone(),
            until: r.until.clone(),
            after_months: r.after_months.unwrap_or(0),
            from_receipt: r.from_receipt,
            amount: r.amount,
            unit,
            extension: r.extension,
            when_passed: r.when_passed.clone(),
            source: self.source(&r.source, &span),
        }
    }

    fn members(&mut self, m: &Spanned<RawMembers>) -> MemberRules {
        let span = m.span();
        let r = m.get_ref();
        let (lo, hi) = (
            r.temporary_transfer_months[0],
            r.temporary_transfer_months[1],
        );
        if lo > hi {
            self.err(
                span.clone(),
                "members.temporary_transfer_months: the first bound is above the second".into(),
            );
        }
        if r.temporary_transfer_study_months
            .is_some_and(|[a, b]| a > b)
        {
            self.err(
                span.clone(),
                "members.temporary_transfer_study_months: the first bound is above the second"
                    .into(),
            );
        }
        let mut handover = Vec::new();
        for h in &r.handover {
            let official = h.kinds.iter().any(|k| k == "official");
            let temporary = h.kinds.iter().any(|k| k == "temporary");
            let key_ok =
                !h.key.is_empty() && h.key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if !key_ok
                || h.kinds.is_empty()
                || h.kinds.iter().any(|k| k != "official" && k != "temporary")
                || handover.iter().any(|x: &HandoverDoc| x.key == h.key)
            {
                self.err(
                    span.clone(),
                    format!(
                        "members.handover '{}': a unique key of lowercase letters and '_', and kinds among official, temporary",
                        h.key
                    ),
                );
            }
            handover.push(HandoverDoc {
                key: h.key.clone(),
                vi: h.vi.clone(),
                official,
                temporary,
            });
        }
        if !handover.is_empty() && r.handover_source.is_none() {
            self.err(
                span.clone(),
                "members.handover needs a handover_source".into(),
            );
        }
        MemberRules {
            temporary_transfer_months: (lo, hi),
            temporary_transfer_study_months: r.temporary_transfer_study_months.map(|[a, b]| (a, b)),
            transfer_start_working_days: r.transfer_start_working_days,
            transfer_present_working_days: r.transfer_present_working_days,
            source: self.source(&r.source, &span),
            handover,
            handover_source: r.handover_source.as_ref().map(|s| self.source(s, &span)),
        }
    }

    fn privacy(&mut self, p: &Spanned<RawPrivacy>) -> PrivacyRules {
        let span = p.span();
        let r = p.get_ref();
        if r.never_admitted_months == 0 || r.never_admitted_months > 1200 {
            self.err(
                span.clone(),
                format!(
                    "privacy.never_admitted_months: {} is not from 1 to 1200",
                    r.never_admitted_months
                ),
            );
        }
        if r.consent_purpose.trim().is_empty() {
            self.err(span.clone(), "privacy.consent_purpose is empty".into());
        }
        PrivacyRules {
            never_admitted_months: r.never_admitted_months,
            retention_source: self.source(&r.retention_source, &span),
            consent_purpose: r.consent_purpose.trim().to_string(),
            consent_source: self.source(&r.consent_source, &span),
        }
    }

    fn evaluation(&mut self, ev: &Spanned<RawEvaluation>) -> Option<crate::evaluation::Evaluation> {
        let span = ev.span();
        let r = ev.get_ref();
        let src = self.source(&r.source, &span);
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
                    self.err(
                        span.clone(),
                        format!("evaluation: leader_unit_percent {share} is not between 0 and 100"),
                    );
                }
                e.leader_unit_percent = share;
                Some(e)
            }
            Err(problems) => {
                for p in problems {
                    self.err(span.clone(), p);
                }
                None
            }
        }
    }
}
