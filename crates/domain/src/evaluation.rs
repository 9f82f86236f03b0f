//! Year-end quality evaluation: criteria with weights on a fixed scale,
//! grade bands, and the cap on "excellent" (Quy định 366-QĐ/TW). The
//! numbers live in the profile's `[evaluation]` section.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCriterion {
    pub key: String,
    pub vi: String,
    pub weight: f64,
    #[serde(default)]
    pub auto: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    pub grade: String,
    pub vi: String,
    pub min: f64,
    #[serde(default)]
    pub max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub key: String,
    pub vi: String,
    pub weight: f64,
    /// Filled automatically from the target achievement.
    pub auto: bool,
}

/// A grade for scores in `[min, max)` (the top band includes the scale's maximum).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub grade: String,
    pub vi: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub scale: f64,
    pub criteria: Vec<Criterion>,
    /// Highest band first.
    pub bands: Vec<Band>,
    pub excellent_cap_percent: f64,
    /// The share (in %) of a leader's score that is their unit's score.
    pub leader_unit_percent: f64,
    pub source: crate::procedure::Source,
}

impl Evaluation {
    /// Checks criteria and bands; returns the problems (without lines).
    pub(crate) fn build(
        scale: f64,
        cap: f64,
        criteria: &[RawCriterion],
        bands: &[RawBand],
        source: crate::procedure::Source,
    ) -> Result<Evaluation, Vec<String>> {
        let mut problems = Vec::new();
        let total: f64 = criteria.iter().map(|c| c.weight).sum();
        if (total - scale).abs() > 1e-9 {
            problems.push(format!(
                "evaluation: the criteria's weights add up to {total}, not to the scale {scale}"
            ));
        }
        let mut out_criteria = Vec::new();
        for c in criteria {
            if c.weight <= 0.0 {
                problems.push(format!(
                    "evaluation criterion '{}': weight must be positive",
                    c.key
                ));
            }
            match c.auto.as_deref() {
                None | Some("target_achievement") => {}
                Some(other) => problems.push(format!(
                    "evaluation criterion '{}': auto '{other}' is not target_achievement",
                    c.key
                )),
            }
            out_criteria.push(Criterion {
                key: c.key.clone(),
                vi: c.vi.clone(),
                weight: c.weight,
                auto: c.auto.is_some(),
            });
        }
        let mut out_bands: Vec<Band> = bands
            .iter()
            .map(|b| Band {
                grade: b.grade.clone(),
                vi: b.vi.clone(),
                min: b.min,
                max: b.max.unwrap_or(scale),
            })
            .collect();
        out_bands.sort_by(|a, b| a.min.total_cmp(&b.min));
        // The bands must tile [0, scale]: no overlap, no gap.
        let mut at = 0.0;
        for b in &out_bands {
            if b.max <= b.min {
                problems.push(format!(
                    "evaluation band '{}': max {} is not above min {}",
                    b.grade, b.max, b.min
                ));
            }
            if b.min < at - 1e-9 {
                problems.push(format!(
                    "evaluation bands overlap: '{}' starts at {} below {at}",
                    b.grade, b.min
                ));
            } else if b.min > at + 1e-9 {
                problems.push(format!(
                    "evaluation bands leave a gap between {at} and {} (before '{}')",
                    b.min, b.grade
                ));
            }
            at = b.max;
        }
        if (at - scale).abs() > 1e-9 {
            problems.push(format!(
                "evaluation bands end at {at}, not at the scale {scale}"
            ));
        }
        if !out_bands.iter().any(|b| b.grade == "excellent")
            || !out_bands.iter().any(|b| b.grade == "good")
        {
            problems.push(
                "evaluation bands need the grades 'excellent' and 'good' (for the cap)".into(),
            );
        }
        if !(0.0..=100.0).contains(&cap) {
            problems.push(format!(
                "evaluation: excellent_cap_percent {cap} is not between 0 and 100"
            ));
        }
        out_bands.reverse();
        if problems.is_empty() {
            Ok(Evaluation {
                scale,
                criteria: out_criteria,
                bands: out_bands,
                excellent_cap_percent: cap,
                leader_unit_percent: 50.0,
                source,
            })
        } else {
            Err(problems)
        }
    }

    /// The band a score falls in.
    pub fn grade(&self, score: f64) -> Option<&Band> {
        self.bands.iter().find(|b| {
            score >= b.min - 1e-9
                && (score < b.max - 1e-9 || (b.max >= self.scale && score <= self.scale + 1e-9))
        })
    }

    /// The automatic criterion's score: weight × min(1, admitted / target).
    pub fn target_score(&self, weight: f64, admitted: u64, target: Option<u64>) -> Option<f64> {
        match target {
            Some(t) if t > 0 => Some(weight * (admitted as f64 / t as f64).min(1.0)),
            // A unit asked for nothing has nothing to miss.
            Some(_) => Some(weight),
            None => None,
        }
    }

    /// The most a leader's personal score may be.
    pub fn leader_personal_max(&self) -> f64 {
        self.scale * (1.0 - self.leader_unit_percent / 100.0)
    }

    /// A leader's score: the unit's share plus the personal part.
    pub fn leader_score(&self, unit_score: f64, personal: f64) -> f64 {
        unit_score * self.leader_unit_percent / 100.0 + personal
    }

    /// Whether the number graded excellent exceeds the cap (a share of those graded good).
    pub fn cap_exceeded(&self, excellent: usize, good: usize) -> bool {
        excellent as f64 > (good as f64 * self.excellent_cap_percent / 100.0).floor()
    }
}

#[cfg(test)]
mod tests {
    use crate::procedure::Profile;

    #[test]
    fn grade_boundaries() {
        let e = Profile::default_cpv()
            .evaluation
            .expect("the CPV profile has an evaluation");
        let g = |s: f64| e.grade(s).map(|b| b.grade.clone()).unwrap();
        assert_eq!(g(100.0), "excellent");
        assert_eq!(g(90.0), "excellent");
        assert_eq!(g(89.99), "good");
        assert_eq!(g(70.0), "good");
        assert_eq!(g(69.5), "fulfilled");
        assert_eq!(g(50.0), "fulfilled");
        assert_eq!(g(49.99), "not_fulfilled");
        assert_eq!(g(0.0), "not_fulfilled");
        assert!(e.grade(100.5).is_none());
        assert_eq!(e.target_score(20.0, 12, Some(11)), Some(20.0));
        assert_eq!(e.target_score(20.0, 3, Some(4)), Some(15.0));
        assert_eq!(e.target_score(20.0, 3, None), None);
        // 20 % of those graded good: 10 good allow 2 excellent, not 3; 4 good allow none.
        assert!(!e.cap_exceeded(2, 10));
        assert!(e.cap_exceeded(3, 10));
        assert!(e.cap_exceeded(1, 4));
        // A leader: half the unit's score plus up to 50 personal points.
        assert_eq!(e.leader_personal_max(), 50.0);
        assert_eq!(e.leader_score(80.0, 45.0), 85.0);
    }

    #[test]
    fn bands_that_overlap_or_leave_gaps_are_refused_with_lines() {
        let good = crate::procedure::DEFAULT_PROFILE;
        let gap = good.replacen("min = 70\nmax = 90", "min = 75\nmax = 90", 1);
        let e = Profile::parse(&gap).unwrap_err().to_string();
        assert!(e.contains("gap between 70 and 75"), "{e}");
        assert!(e.starts_with("line "), "{e}");
        let overlap = good.replacen("min = 70\nmax = 90", "min = 65\nmax = 90", 1);
        let e = Profile::parse(&overlap).unwrap_err().to_string();
        assert!(e.contains("overlap"), "{e}");
        let weights = good.replacen("weight = 30", "weight = 35", 1);
        let e = Profile::parse(&weights).unwrap_err().to_string();
        assert!(e.contains("add up to 105"), "{e}");
    }
}
