//! The supervisor's view: every unit a committee member is in charge of,
//! with its achievement and its due and overdue items.

use crate::pipeline::DueRow;
use crate::{Actor, App, AppError};
use ranks_domain::AchievementRow;
use ranks_store::records::{members, supervisors, units};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SupervisedUnit {
    pub code: String,
    pub name: String,
    pub role: String,
    pub achievement: AchievementRow,
    pub overdue: Vec<DueRow>,
    pub due_soon: Vec<DueRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SupervisorView {
    pub member_id: i64,
    pub name: String,
    pub term: String,
    pub units: Vec<SupervisedUnit>,
}

/// "Due soon": within this many working days.
pub const DUE_SOON_DAYS: i64 = 10;

impl App {
    pub async fn supervisor_view(
        &self,
        actor: &Actor,
        member_id: i64,
        term: &str,
    ) -> Result<SupervisorView, AppError> {
        // Whether the member does not exist or supervises nothing the actor
        // sees, the answer is the same.
        let not_found = || AppError::NotFound {
            what: "supervisor",
            key: member_id.to_string(),
        };
        let (name, assignments) = {
            let mut conn = self.db().read().await?;
            let m = members::by_id(&mut conn, member_id)
                .await?
                .ok_or_else(not_found)?;
            let mut visible = Vec::new();
            for (unit_id, role, _) in supervisors::units_of(&mut conn, member_id).await? {
                if let Some(u) = units::by_id(&mut conn, unit_id).await? {
                    if actor.can_see(&u.path) {
                        visible.push((u, role));
                    }
                }
            }
            (m.full_name, visible)
        };
        if assignments.is_empty() {
            return Err(not_found());
        }
        // Each unit's own row from the index: its subtree's admissions by
        // binary search per unit, no query per unit.
        let term_row = {
            let name = ranks_domain::TermName::parse(term)?;
            let mut conn = self.db().read().await?;
            ranks_store::records::terms::by_name(&mut conn, &name)
                .await?
                .ok_or(AppError::NotFound {
                    what: "term",
                    key: name.to_string(),
                })?
        };
        let ix = self.tree_index().await?;
        let mut out = Vec::new();
        for (u, role) in assignments {
            let pos = ix.position(u.code.as_str()).ok_or_else(not_found)?;
            let admitted = ix.admitted_total(pos, term_row.term.starts_on, term_row.term.ends_on);
            let target = ix.target_of(term_row.id, pos).map(u64::from);
            let achievement = AchievementRow {
                code: u.code.clone(),
                name: u.name.clone(),
                depth: 0,
                target,
                admitted,
                percent: ranks_domain::Percent::of(admitted, target),
            };
            let due = self
                .due(actor, Some(u.code.as_str()), Some(DUE_SOON_DAYS))
                .await?;
            let (overdue, due_soon): (Vec<DueRow>, Vec<DueRow>) =
                due.into_iter().partition(|d| d.overdue);
            out.push(SupervisedUnit {
                code: u.code.to_string(),
                name: u.name.clone(),
                role,
                achievement,
                overdue,
                due_soon,
            });
        }
        Ok(SupervisorView {
            member_id,
            name,
            term: term.to_string(),
            units: out,
        })
    }
}
