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
        let mut out = Vec::new();
        for (u, role) in assignments {
            let report = self
                .achievement(actor, Some(u.code.as_str()), term, Some(0))
                .await?;
            let due = self
                .due(actor, Some(u.code.as_str()), Some(DUE_SOON_DAYS))
                .await?;
            let (overdue, due_soon): (Vec<DueRow>, Vec<DueRow>) =
                due.into_iter().partition(|d| d.overdue);
            out.push(SupervisedUnit {
                code: u.code.to_string(),
                name: u.name.clone(),
                role,
                achievement: report.rows.into_iter().next().expect("the unit's own row"),
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
