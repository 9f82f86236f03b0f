//! The supervisor's view: the units a committee member is in charge of, a
//! page at a time, each with its achievement, how many of its files are
//! overdue or due soon, and the first few of them.
//!
//! Everything per unit comes from the maintained summaries (the roll-up
//! index and the due summary): a unit's cost does not grow with its
//! subtree, and a page holds at most [`UNITS_MAX`] units of
//! [`FIRST_ITEMS`] items each, whoever is in charge of what.

use crate::pipeline::DueRow;
use crate::{Actor, App, AppError};
use ranks_domain::{AchievementRow, DomainError};
use ranks_store::records::{members, supervisors, units};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SupervisedUnit {
    pub code: String,
    pub name: String,
    pub role: String,
    pub achievement: AchievementRow,
    /// Open files of the unit's subtree past their deadline.
    pub overdue_total: u64,
    /// Open files due within [`DUE_SOON_DAYS`] working days (not overdue).
    pub due_soon_total: u64,
    /// The first [`FIRST_ITEMS`] overdue files, soonest deadline first.
    pub overdue: Vec<DueRow>,
    /// The first [`FIRST_ITEMS`] files due soon.
    pub due_soon: Vec<DueRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SupervisorView {
    pub member_id: i64,
    pub name: String,
    pub term: String,
    /// Units in the member's charge that the actor sees (all pages).
    pub units_total: u64,
    pub limit: usize,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
    pub units: Vec<SupervisedUnit>,
}

/// "Due soon": within this many working days.
pub const DUE_SOON_DAYS: i64 = 10;
/// Units per page unless asked otherwise, and at most.
pub const UNITS_PER_PAGE: usize = 20;
pub const UNITS_MAX: usize = 100;
/// Overdue and due-soon items shown per unit (the due list has the rest).
pub const FIRST_ITEMS: usize = 5;

/// `<hex of the unit code>.<hex of the role>`: the last unit of a page.
fn cursor_of(code: &str, role: &str) -> String {
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    format!("{}.{}", hex(code), hex(role))
}

fn parse_cursor(c: &str) -> Result<(String, String), DomainError> {
    let bad = || DomainError::invalid("cursor", c.to_string(), "the cursor of the previous page");
    let unhex = |h: &str| -> Option<String> {
        if !h.len().is_multiple_of(2) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
            .collect();
        String::from_utf8(bytes?).ok()
    };
    if c.len() > 1_000 {
        return Err(bad());
    }
    let (a, b) = c.split_once('.').ok_or_else(bad)?;
    Ok((unhex(a).ok_or_else(bad)?, unhex(b).ok_or_else(bad)?))
}

impl App {
    /// The first page of [`App::supervisor_page`].
    pub async fn supervisor_view(
        &self,
        actor: &Actor,
        member_id: i64,
        term: &str,
    ) -> Result<SupervisorView, AppError> {
        self.supervisor_page(actor, member_id, term, None, None)
            .await
    }

    /// The units a committee member is in charge of that the actor sees,
    /// by code, `limit` (1–100, default 20) after `cursor`.
    pub async fn supervisor_page(
        &self,
        actor: &Actor,
        member_id: i64,
        term: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> Result<SupervisorView, AppError> {
        let limit = limit.unwrap_or(UNITS_PER_PAGE);
        if limit == 0 || limit > UNITS_MAX {
            return Err(DomainError::invalid(
                "limit",
                limit.to_string(),
                "a whole number from 1 to 100",
            )
            .into());
        }
        let after = cursor.map(parse_cursor).transpose()?;
        // Whether the member does not exist or supervises nothing the actor
        // sees, the answer is the same.
        let not_found = || AppError::NotFound {
            what: "supervisor",
            key: member_id.to_string(),
        };
        let (name, mut assignments) = {
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
        assignments.sort_by(|a, b| (a.0.code.as_str(), &a.1).cmp(&(b.0.code.as_str(), &b.1)));
        let units_total = assignments.len() as u64;
        let mut page: Vec<_> = assignments
            .into_iter()
            .filter(|(u, role)| {
                after
                    .as_ref()
                    .is_none_or(|(c, r)| (u.code.as_str(), role) > (c.as_str(), r))
            })
            .take(limit + 1)
            .collect();
        let more = page.len() > limit;
        page.truncate(limit);
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
        // Each unit's own row from the index, its late files from the due
        // summary: binary searches per unit, a query only for the items shown.
        let (ix, sum) = self.due_summary().await?;
        let cal = self.calendar().await?;
        let mut out = Vec::new();
        for (u, role) in &page {
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
            let glance = self
                .due_glance(&ix, &sum, &cal, pos, DUE_SOON_DAYS, FIRST_ITEMS)
                .await?;
            out.push(SupervisedUnit {
                code: u.code.to_string(),
                name: u.name.clone(),
                role: role.clone(),
                achievement,
                overdue_total: glance.overdue_total,
                due_soon_total: glance.soon_total,
                overdue: glance.overdue,
                due_soon: glance.soon,
            });
        }
        Ok(SupervisorView {
            member_id,
            name,
            term: term.to_string(),
            units_total,
            limit,
            next_cursor: page
                .last()
                .filter(|_| more)
                .map(|(u, r)| cursor_of(u.code.as_str(), r)),
            units: out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_refuses_garbage() {
        let c = cursor_of("P01", "Bí thư");
        assert_eq!(parse_cursor(&c).unwrap(), ("P01".into(), "Bí thư".into()));
        for bad in ["", "x", "50", "5.z", "5.1", "zz.00"] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }
}
