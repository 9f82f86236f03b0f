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

    /// `ranks evaluate`: the units directly under the organisation, scored and graded.
    pub async fn evaluate(
        &self,
        actor: &Actor,
        org: Option<&str>,
        year: i32,
    ) -> Result<EvaluationReport, AppError> {
        let ev = self.evaluation_profile()?.clone();
        if year > self.clock().today().year() || year < 1900 {
            return Err(DomainError::invalid(
                "year",
                year.to_string(),
                "a year not after this one",
            )
            .into());
        }
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let tree = units::subtree(&mut conn, &root.path).await?;
        let start = ranks_domain::Date::from_ymd_opt(year, 1, 1).expect("valid");
        let end = ranks_domain::Date::from_ymd_opt(year, 12, 31).expect("valid");
        let admitted = members::admitted_per_unit(&mut conn, &root.path, start, end).await?;
        let targets = terms::year_targets(&mut conn, year).await?;
        let scores = settings::scores(&mut conn, year).await?;
        let mut kids: Vec<&units::UnitRow> = tree
            .iter()
            .filter(|u| u.parent_id == Some(root.id))
            .collect();
        kids.sort_by(|a, b| a.code.cmp(&b.code));
        let mut rows = Vec::new();
        for u in kids {
            let in_unit: u64 = tree
                .iter()
                .filter(|x| u.path.contains(&x.path))
                .map(|x| admitted.get(&x.id).copied().unwrap_or(0))
                .sum();
            let criteria: Vec<CriterionScore> = ev
                .criteria
                .iter()
                .map(|c| CriterionScore {
                    key: c.key.clone(),
                    weight: c.weight,
                    score: if c.auto {
                        ev.target_score(c.weight, in_unit, targets.get(&u.id).copied())
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
                code: u.code.to_string(),
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
        // Leaders of the units evaluated.
        let personal = supervisors::leader_scores(&mut conn, year).await?;
        let mut leaders = Vec::new();
        for (unit_id, member_id, name, title) in
            supervisors::leaders_in_subtree(&mut conn, &root.path).await?
        {
            let unit_row = tree
                .iter()
                .find(|u| u.id == unit_id && u.parent_id == Some(root.id))
                .and_then(|u| rows.iter().find(|r| r.code == u.code.as_str()));
            let Some(row) = unit_row else { continue };
            let mine = personal.get(&(unit_id, member_id)).copied();
            let score = match (row.score, mine) {
                (Some(u), Some(p)) => Some((ev.leader_score(u, p) * 100.0).round() / 100.0),
                _ => None,
            };
            leaders.push(LeaderRow {
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
        let lcount = |g: &str| {
            leaders
                .iter()
                .filter(|r| r.grade.as_deref() == Some(g))
                .count()
        };
        Ok(EvaluationReport {
            leaders_cap_exceeded: ev.cap_exceeded(lcount("excellent"), lcount("good")),
            leaders,
            year,
            cap_exceeded: ev.cap_exceeded(excellent, good),
            cap_percent: ev.excellent_cap_percent,
            excellent,
            good,
            rows,
        })
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
