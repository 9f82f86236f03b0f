//! Year-end evaluation of the units under an organisation: criteria scores
//! entered by the committee, target achievement filled in automatically,
//! grades from the profile's bands, and the cap on "excellent" checked.

use crate::{visible_unit, Actor, App, AppError};
use chrono::Datelike;
use ranks_domain::evaluation::Evaluation;
use ranks_domain::DomainError;
use ranks_store::records::{members, settings, supervisors, terms, units};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CriterionScore {
    pub key: String,
    pub weight: f64,
    pub score: Option<f64>,
    pub auto: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvaluationRow {
    pub code: String,
    pub name: String,
    /// The total, once every criterion has a score.
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub criteria: Vec<CriterionScore>,
    pub missing: Vec<String>,
}

/// A leader's scorecard: their unit's share plus their personal score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LeaderRow {
    pub unit: String,
    pub member_id: i64,
    pub name: String,
    pub title: String,
    pub unit_score: Option<f64>,
    pub personal: Option<f64>,
    pub score: Option<f64>,
    pub grade: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvaluationReport {
    pub year: i32,
    pub rows: Vec<EvaluationRow>,
    pub leaders: Vec<LeaderRow>,
    /// The cap applied to the leaders graded.
    pub leaders_cap_exceeded: bool,
    pub excellent: usize,
    pub good: usize,
    /// More units graded excellent than the cap allows.
    pub cap_exceeded: bool,
    pub cap_percent: f64,
}

impl App {
    fn evaluation_profile(&self) -> Result<&Evaluation, AppError> {
        self.profile().evaluation.as_ref().ok_or_else(|| {
            AppError::Conflict(format!(
                "profile '{}' has no [evaluation] section",
                self.profile().id
            ))
        })
    }

    /// Enters one criterion's score for a unit and year.
    pub async fn set_score(
        &self,
        actor: &Actor,
        code: &str,
        year: i32,
        criterion: &str,
        score: f64,
    ) -> Result<(), AppError> {
        self.set_score_seen(actor, code, year, criterion, score, None)
            .await
    }

    /// [`App::set_score`], refused as a conflict when the score changed
    /// after `seen` (see [`App::set_target_seen`]).
    pub async fn set_score_seen(
        &self,
        actor: &Actor,
        code: &str,
        year: i32,
        criterion: &str,
        score: f64,
        seen: Option<i64>,
    ) -> Result<(), AppError> {
        let ev = self.evaluation_profile()?;
        let c = ev
            .criteria
            .iter()
            .find(|c| c.key == criterion)
            .ok_or_else(|| {
                DomainError::invalid(
                    "criterion",
                    criterion,
                    "a criterion key of the profile's [evaluation]",
                )
            })?;
        if c.auto {
            return Err(AppError::Conflict(format!(
                "criterion {} is filled in from the target achievement",
                c.key
            )));
        }
        if !(0.0..=c.weight).contains(&score) || !score.is_finite() {
            return Err(DomainError::invalid(
                "score",
                score.to_string(),
                "a number from 0 to the criterion's weight",
            )
            .into());
        }
        if !(1900..=2100).contains(&year) {
            return Err(
                DomainError::invalid("year", year.to_string(), "a year from 1900 to 2100").into(),
            );
        }
        let (code, key) = (code.to_string(), c.key.clone());
        self.run_evaluation(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &code).await?;
                let k = format!("{}:{year}:{key}", unit.code);
                crate::pipeline::check_unchanged_since(cx.tx.conn(), "evaluation_score", &k, seen)
                    .await?;
                let before = settings::set_score(cx.tx.conn(), unit.id, year, &key, score).await?;
                cx.audit(
                    "set",
                    "evaluation_score",
                    format!("{}:{year}:{key}", unit.code),
                    before.map(|b| json!({"score": b})),
                    Some(
                        json!({"unit": unit.code, "year": year, "criterion": key, "score": score}),
                    ),
                )
                .await
            })
        })
        .await
    }

    /// `ranks evaluate`: the units directly under the organisation, scored
    /// and graded. Admissions from the roll-up index; targets, scores and
    /// leaders read for those units only.
    pub async fn evaluate(
        &self,
        actor: &Actor,
        org: Option<&str>,
        year: i32,
    ) -> Result<EvaluationReport, AppError> {
        let ev = self.evaluation_profile()?.clone();
        self.check_year(year)?;
        let root = {
            let mut conn = self.db().read().await?;
            match org {
                Some(c) => visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            }
            .into_inner()
        };
        let ix = self.tree_index().await?;
        let at = ix.position(root.code.as_str()).ok_or(AppError::NotFound {
            what: "unit",
            key: root.code.to_string(),
        })?;
        let (start, end) = year_bounds(year);
        let mut kids: Vec<Kid> = ix
            .children(at)
            .into_iter()
            .map(|p| Kid {
                id: ix.b.ids[p],
                code: ix.code(p).to_string(),
                name: ix.name(p).to_string(),
                admitted: ix.admitted_total(p, start, end),
            })
            .collect();
        kids.sort_by(|a, b| a.code.cmp(&b.code));
        let ids: Vec<i64> = kids.iter().map(|k| k.id).collect();
        let mut conn = self.db().read().await?;
        let targets = terms::year_targets_of(&mut conn, year, &ids).await?;
        let scores = settings::scores_of(&mut conn, year, &ids).await?;
        let leaders = supervisors::leaders_of(&mut conn, &ids).await?;
        let personal = supervisors::leader_scores_of(&mut conn, year, &ids).await?;
        Ok(report(
            &ev, year, &kids, &targets, &scores, leaders, &personal,
        ))
    }

    fn check_year(&self, year: i32) -> Result<(), AppError> {
        if year > self.clock().today().year() || year < 1900 {
            return Err(DomainError::invalid(
                "year",
                year.to_string(),
                "a year not after this one",
            )
            .into());
        }
        Ok(())
    }

    /// [`App::evaluate`] from the database: the whole subtree's units,
    /// admissions per unit and leaders, as it was computed before the index
    /// (the reference the story tests compare with).
    #[doc(hidden)]
    pub async fn evaluate_reference(
        &self,
        actor: &Actor,
        org: Option<&str>,
        year: i32,
    ) -> Result<EvaluationReport, AppError> {
        let ev = self.evaluation_profile()?.clone();
        self.check_year(year)?;
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let tree = units::subtree(&mut conn, &root.path).await?;
        let (start, end) = year_bounds(year);
        let admitted = members::admitted_per_unit(&mut conn, &root.path, start, end).await?;
        let targets = terms::year_targets(&mut conn, year).await?;
        let scores = settings::scores(&mut conn, year).await?;
        let mut kids: Vec<Kid> = tree
            .iter()
            .filter(|u| u.parent_id == Some(root.id))
            .map(|u| Kid {
                id: u.id,
                code: u.code.to_string(),
                name: u.name.clone(),
                admitted: tree
                    .iter()
                    .filter(|x| u.path.contains(&x.path))
                    .map(|x| admitted.get(&x.id).copied().unwrap_or(0))
                    .sum(),
            })
            .collect();
        kids.sort_by(|a, b| a.code.cmp(&b.code));
        let personal = supervisors::leader_scores(&mut conn, year).await?;
        let leaders: Vec<(i64, i64, String, String)> =
            supervisors::leaders_in_subtree(&mut conn, &root.path)
                .await?
                .into_iter()
                .filter(|l| kids.iter().any(|k| k.id == l.0))
                .collect();
        Ok(report(
            &ev, year, &kids, &targets, &scores, leaders, &personal,
        ))
    }
}

/// A unit evaluated: id, code, name, admissions of its subtree in the year.
struct Kid {
    id: i64,
    code: String,
    name: String,
    admitted: u64,
}

fn year_bounds(year: i32) -> (ranks_domain::Date, ranks_domain::Date) {
    (
        ranks_domain::Date::from_ymd_opt(year, 1, 1).expect("valid"),
        ranks_domain::Date::from_ymd_opt(year, 12, 31).expect("valid"),
    )
}

/// The units' scores and grades, their leaders' (`leaders`: unit id,
/// member id, name, title, of those units only) and the caps.
fn report(
    ev: &Evaluation,
    year: i32,
    kids: &[Kid],
    targets: &HashMap<i64, u64>,
    scores: &HashMap<(i64, String), f64>,
    leaders: Vec<(i64, i64, String, String)>,
    personal: &HashMap<(i64, i64), f64>,
) -> EvaluationReport {
    let mut rows = Vec::new();
    for u in kids {
        let criteria: Vec<CriterionScore> = ev
            .criteria
            .iter()
            .map(|c| CriterionScore {
                key: c.key.clone(),
                weight: c.weight,
                score: if c.auto {
                    ev.target_score(c.weight, u.admitted, targets.get(&u.id).copied())
                } else {
                    scores.get(&(u.id, c.key.clone())).copied()
                },
                auto: c.auto,
            })
            .collect();
        let missing: Vec<String> = criteria
            .iter()
            .filter(|c| c.score.is_none())
            .map(|c| c.key.clone())
            .collect();
        let score = missing.is_empty().then(|| {
            (criteria.iter().filter_map(|c| c.score).sum::<f64>() * 100.0).round() / 100.0
        });
        rows.push(EvaluationRow {
            code: u.code.clone(),
            name: u.name.clone(),
            grade: score.and_then(|s| ev.grade(s)).map(|b| b.grade.clone()),
            score,
            criteria,
            missing,
        });
    }
    let count = |g: &str| {
        rows.iter()
            .filter(|r| r.grade.as_deref() == Some(g))
            .count()
    };
    let (excellent, good) = (count("excellent"), count("good"));
    let mut out = Vec::new();
    for (unit_id, member_id, name, title) in leaders {
        let Some(at) = kids.iter().position(|k| k.id == unit_id) else {
            continue;
        };
        let row = &rows[at];
        let mine = personal.get(&(unit_id, member_id)).copied();
        let score = match (row.score, mine) {
            (Some(u), Some(p)) => Some((ev.leader_score(u, p) * 100.0).round() / 100.0),
            _ => None,
        };
        out.push(LeaderRow {
            unit: row.code.clone(),
            member_id,
            name,
            title,
            unit_score: row.score,
            personal: mine,
            grade: score.and_then(|s| ev.grade(s)).map(|b| b.grade.clone()),
            score,
        });
    }
    let lcount = |g: &str| out.iter().filter(|r| r.grade.as_deref() == Some(g)).count();
    EvaluationReport {
        leaders_cap_exceeded: ev.cap_exceeded(lcount("excellent"), lcount("good")),
        leaders: out,
        year,
        cap_exceeded: ev.cap_exceeded(excellent, good),
        cap_percent: ev.excellent_cap_percent,
        excellent,
        good,
        rows,
    }
}

impl App {
    /// Enters a leader's personal score (out of the profile's personal share).
    pub async fn set_leader_score(
        &self,
        actor: &Actor,
        code: &str,
        member_id: i64,
        year: i32,
        score: f64,
    ) -> Result<(), AppError> {
        self.set_leader_score_seen(actor, code, member_id, year, score, None)
            .await
    }

    /// [`App::set_leader_score`], refused as a conflict when the score
    /// changed after `seen` (see [`App::set_target_seen`]).
    pub async fn set_leader_score_seen(
        &self,
        actor: &Actor,
        code: &str,
        member_id: i64,
        year: i32,
        score: f64,
        seen: Option<i64>,
    ) -> Result<(), AppError> {
        let ev = self.evaluation_profile()?;
        let max = ev.leader_personal_max();
        if !score.is_finite() || !(0.0..=max).contains(&score) {
            return Err(DomainError::invalid(
                "score",
                score.to_string(),
                "a number from 0 to the personal share of the scale",
            )
            .into());
        }
        let code = code.to_string();
        self.run_evaluation(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &code).await?;
                let leads = supervisors::leaders_in_subtree(cx.tx.conn(), &unit.path)
                    .await?
                    .iter()
                    .any(|l| l.0 == unit.id && l.1 == member_id);
                if !leads {
                    return Err(AppError::NotFound { what: "leader", key: format!("{member_id} of {}", unit.code) });
                }
                let key = format!("{}:{member_id}:{year}", unit.code);
                crate::pipeline::check_unchanged_since(cx.tx.conn(), "leader_score", &key, seen).await?;
                let before = supervisors::set_leader_score(cx.tx.conn(), unit.id, member_id, year, score).await?;
                cx.audit(
                    "set",
                    "leader_score",
                    format!("{}:{member_id}:{year}", unit.code),
                    before.map(|b| json!({"score": b})),
                    Some(json!({"unit": unit.code, "member_id": member_id, "year": year, "score": score})),
                )
                .await
            })
        })
        .await
    }
}
