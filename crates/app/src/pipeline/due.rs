//! Deadlines: every open file's next step and when it is due, and the
//! refused attempts a supervisor follows up.

use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::procedure::{Dossier, Due};
use ranks_domain::{Date, UnitCode};
use ranks_store::records::candidates::{self};
use ranks_store::records::supervisors;
use ranks_store::records::units::{self, UnitRow};
use serde::Serialize;
use std::collections::HashMap;

/// A deadline as reports show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueEntry {
    pub rule: String,
    pub source: String,
    pub until: String,
    /// The day the deadline counts from.
    pub started: Date,
    /// True when it counts from a decision's date because the day the unit
    /// received the decision is not recorded (the receipt is assumed).
    pub assumed_start: bool,
    pub due: Date,
    pub extended_until: Option<Date>,
    pub working_days_left: i64,
    pub overdue: bool,
    pub when_passed: String,
}

impl From<Due> for DueEntry {
    fn from(d: Due) -> Self {
        DueEntry {
            overdue: d.overdue(),
            rule: d.rule,
            source: d.source,
            until: d.until,
            started: d.started,
            assumed_start: d.assumed_start,
            due: d.due,
            extended_until: d.extended,
            working_days_left: d.working_days_left,
            when_passed: d.when_passed,
        }
    }
}

/// One line of `ranks due`: a candidate's (or probationary member's) next deadline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DueRow {
    pub candidate_id: i64,
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub next_stage: String,
    pub rule: String,
    pub source: String,
    pub due: Date,
    pub working_days_left: i64,
    pub overdue: bool,
    /// For overdue items: the committee members in charge, to whom it escalates.
    pub escalated_to: Vec<String>,
}

impl App {
    /// The next deadline of every open candidate in the subtree (probationary
    /// members included: their file runs until recognition), soonest first.
    /// `within`: only those due within so many working days (overdue always shown).
    pub async fn due(
        &self,
        actor: &Actor,
        org: Option<&str>,
        within: Option<i64>,
    ) -> Result<Vec<DueRow>, AppError> {
        self.due_as_of(actor, org, within, None).await
    }

    /// The deadlines as they stood on `as_of` (default today): each file as it was then.
    pub async fn due_as_of(
        &self,
        actor: &Actor,
        org: Option<&str>,
        within: Option<i64>,
        as_of: Option<Date>,
    ) -> Result<Vec<DueRow>, AppError> {
        let cal = self.calendar().await?;
        let today = self.check_date("as_of", as_of.unwrap_or(self.clock().today()))?;
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let tree = units::subtree(&mut conn, &root.path).await?;
        let by_code: HashMap<UnitCode, &UnitRow> =
            tree.iter().map(|u| (u.code.clone(), u)).collect();
        let sups = supervisors::for_subtree(&mut conn, &root.path).await?;
        let mut sups_of: HashMap<i64, Vec<&supervisors::SupervisorView>> = HashMap::new();
        for sv in &sups {
            if let Some(u) = by_code.get(&sv.unit_code) {
                sups_of.entry(u.id).or_default().push(sv);
            }
        }
        let histories = candidates::histories_in_subtree(&mut conn, &root.path).await?;
        let mut receipts = candidates::receipts_in_subtree(&mut conn, &root.path).await?;
        let list = candidates::in_subtree(&mut conn, &root.path).await?;
        let mut rows = Vec::new();
        for c in &list {
            let history: Vec<(String, Date)> = histories
                .get(&c.id)
                .map(|h| h.iter().filter(|x| x.1 <= today).cloned().collect())
                .unwrap_or_default();
            let Some((stage_then, _)) = history.last().cloned() else {
                continue;
            };
            if !self.profile().is_open(&stage_then) {
                continue;
            }
            let dossier = Dossier {
                history,
                received: receipts.remove(&c.id).unwrap_or_default(),
                ..Dossier::default()
            };
            let Some(next) = self
                .profile()
                .deadlines_for(&dossier, &cal, today)
                .into_iter()
                .next()
            else {
                continue;
            };
            if within.is_some_and(|w| next.working_days_left > w) {
                continue;
            }
            let escalated_to = if next.overdue() {
                // The committee members in charge of the candidate's cell and
                // the units above it (by path, as the list is ordered).
                let path = by_code.get(&c.unit_code).map(|u| u.path.ids());
                path.iter()
                    .flatten()
                    .filter_map(|id| sups_of.get(id))
                    .flatten()
                    .map(|s| format!("{} ({})", s.full_name, s.unit_code))
                    .collect()
            } else {
                vec![]
            };
            rows.push(DueRow {
                candidate_id: c.id,
                name: c.full_name.clone(),
                unit: c.unit_code.to_string(),
                stage: stage_then.clone(),
                next_stage: next.until.clone(),
                overdue: next.overdue(),
                rule: next.rule,
                source: next.source,
                due: next.due,
                working_days_left: next.working_days_left,
                escalated_to,
            });
        }
        rows.sort_by_key(|r| (r.due, r.candidate_id));
        Ok(rows)
    }
}
