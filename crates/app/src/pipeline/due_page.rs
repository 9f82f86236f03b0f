//! The due list a page at a time, from the maintained earliest-deadline
//! summary ([`crate::summaries::DueSummary`]): the total and the first
//! `limit` files of a subtree by (due date, candidate id), each row then
//! computed afresh from its file, as [`App::due_as_of`] computes it.

use super::due::DueRow;
use crate::summaries::{date_of, day_of, DueKey};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::procedure::Dossier;
use ranks_domain::{Date, DomainError};
use ranks_store::records::files;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Rows per page unless asked otherwise, and at most.
pub const DUE_LIMIT: usize = 50;
pub const DUE_LIMIT_MAX: usize = 200;

/// What is late in a subtree ([`App::due_glance`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DueGlance {
    pub overdue_total: u64,
    pub soon_total: u64,
    pub overdue: Vec<DueRow>,
    pub soon: Vec<DueRow>,
}

/// One page of the due list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuePage {
    /// Files of the subtree with a deadline running (within the filter).
    pub total: u64,
    pub limit: usize,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
    pub rows: Vec<DueRow>,
}

/// The deadlines a unit page shows (see [`App::due_overview`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DueOverview {
    /// Files with a deadline within the filter (overdue ones included).
    pub total: u64,
    /// Files past their deadline.
    pub overdue: u64,
    /// The first of them, soonest first.
    pub rows: Vec<DueRow>,
}

fn cursor_of(k: DueKey) -> String {
    format!("{}.{}", date_of(k.0), k.1)
}

fn parse_cursor(s: &str) -> Result<DueKey, AppError> {
    let bad = || DomainError::invalid("cursor", s, "the cursor of the previous page");
    if s.len() > 40 {
        return Err(bad().into());
    }
    let (d, id) = s.split_once('.').ok_or_else(bad)?;
    let d = Date::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?;
    let id = id.parse::<i64>().map_err(|_| bad())?;
    Ok((day_of(d), id))
}

/// The last day whose working days from `today` are at most `within`
/// (working days left only grow with the due date); None when every day
/// of the calendar's range qualifies.
pub(crate) fn cutoff(cal: &WorkCalendar, today: Date, within: i64) -> Option<i32> {
    let first = Date::from_ymd_opt(1901, 1, 1).expect("valid");
    let last = Date::from_ymd_opt(2099, 12, 31).expect("valid");
    let ok = |d: i32| cal.working_days_between(today, date_of(d)) <= within;
    let (mut lo, mut hi) = (day_of(first), day_of(last));
    if ok(hi) {
        return None;
    }
    if !ok(lo) {
        return Some(lo - 1);
    }
    // ok(lo) and !ok(hi): find the last ok day.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

impl App {
    /// A page of the next deadlines of the subtree's open files (`org`, the
    /// actor's root by default), soonest first; `within`: only those due
    /// within so many working days (overdue ones always).
    pub async fn due_page(
        &self,
        actor: &Actor,
        org: Option<&str>,
        within: Option<i64>,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<DuePage, AppError> {
        let limit = limit.unwrap_or(DUE_LIMIT);
        if limit == 0 || limit > DUE_LIMIT_MAX {
            return Err(DomainError::invalid(
                "limit",
                limit.to_string(),
                "a whole number from 1 to 200",
            )
            .into());
        }
        let after = cursor.map(parse_cursor).transpose()?;
        let root = {
            let mut conn = self.db().read().await?;
            match org {
                Some(c) => visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            }
        };
        let (tree, sum) = self.due_summary().await?;
        let pos = tree
            .position(root.code.as_str())
            .ok_or(AppError::NotFound {
                what: "unit",
                key: root.code.to_string(),
            })?;
        let cal = self.calendar().await?;
        let cut = within.and_then(|w| cutoff(&cal, sum.today, w));
        let (total, mut keys) = sum.page(pos, cut, after, limit + 1);
        let more = keys.len() > limit;
        keys.truncate(limit);
        let rows = self.due_rows(&tree, pos, &keys, sum.today, &cal).await?;
        Ok(DuePage {
            total,
            limit,
            next_cursor: keys.last().filter(|_| more).map(|k| cursor_of(k.0)),
            rows,
        })
    }

    /// What is late in the subtree at `pos`, from the summary: how many
    /// files are overdue, how many more are due within `within` working
    /// days, and the first `few` of each (soonest first), computed afresh.
    pub(crate) async fn due_glance(
        &self,
        tree: &crate::index::TreeIndex,
        sum: &crate::summaries::DueSummary,
        cal: &WorkCalendar,
        pos: usize,
        within: i64,
        few: usize,
    ) -> Result<DueGlance, AppError> {
        let late = cutoff(cal, sum.today, -1);
        let (overdue_total, late_keys) = sum.page(pos, late, None, few);
        let (soon_total, soon_keys) = match late {
            // Every day of the calendar is past: nothing is merely soon.
            None => (0, Vec::new()),
            Some(l) => {
                let (all, keys) = sum.page(
                    pos,
                    cutoff(cal, sum.today, within),
                    Some((l, i64::MAX)),
                    few,
                );
                (all.saturating_sub(overdue_total), keys)
            }
        };
        Ok(DueGlance {
            overdue_total,
            soon_total,
            overdue: self.due_rows(tree, pos, &late_keys, sum.today, cal).await?,
            soon: self.due_rows(tree, pos, &soon_keys, sum.today, cal).await?,
        })
    }

    /// What a unit page shows of the deadlines of `org`'s subtree, from the
    /// summary: how many run within `within` working days (overdue ones
    /// included), how many are overdue, and the first `shown` (at most 200)
    /// of them, soonest first, as [`App::due_as_of`] computes them.
    pub async fn due_overview(
        &self,
        actor: &Actor,
        org: &str,
        within: i64,
        shown: usize,
    ) -> Result<DueOverview, AppError> {
        let shown = shown.clamp(1, DUE_LIMIT_MAX);
        let (tree, sum) = self.due_summary().await?;
        let (pos, _) = crate::scope::unit_in(&tree, actor, org)?;
        let cal = self.calendar().await?;
        let (total, keys) = sum.page(pos, cutoff(&cal, sum.today, within), None, shown);
        // Overdue: fewer than zero working days left.
        let (overdue, _) = sum.page(pos, cutoff(&cal, sum.today, -1), None, 0);
        let rows = self.due_rows(&tree, pos, &keys, sum.today, &cal).await?;
        Ok(DueOverview {
            total,
            overdue,
            rows,
        })
    }

    /// The rows of a page: each file's next deadline computed afresh, the
    /// committee members in charge (of its unit and those above it, up to
    /// the page's root) for overdue ones.
    pub(crate) async fn due_rows(
        &self,
        tree: &crate::index::TreeIndex,
        root: usize,
        keys: &[(DueKey, usize)],
        today: Date,
        cal: &WorkCalendar,
    ) -> Result<Vec<DueRow>, AppError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = keys.iter().map(|k| k.0 .1).collect();
        // Bounded reads (at most 200 files by id): inline on SQLite.
        let mut pc = self.db().page_conn().await?;
        let mut conn = pc.reader();
        let (found, names) = files::files_named_of(&mut conn, &ids).await?;
        let found: HashMap<i64, files::FileRow> = found.into_iter().map(|f| (f.id, f)).collect();
        // Each row's units from its own up to the root, by unit id.
        let chain = |mut p: usize| {
            let mut out = Vec::new();
            loop {
                out.push(tree.b.ids[p]);
                if p == root || tree.b.parent[p] == u32::MAX {
                    break;
                }
                p = tree.b.parent[p] as usize;
            }
            out
        };
        let chains: Vec<Vec<i64>> = keys.iter().map(|k| chain(k.1)).collect();
        let mut above: Vec<i64> = chains.iter().flatten().copied().collect();
        above.sort_unstable();
        above.dedup();
        let sups = files::supervisors_of(&mut conn, &above).await?;
        let mut rows = Vec::with_capacity(keys.len());
        for ((key, _), chain) in keys.iter().zip(&chains) {
            let (Some(f), Some((name, unit))) = (found.get(&key.1), names.get(&key.1)) else {
                continue;
            };
            let history: Vec<(String, Date)> =
                f.history.iter().filter(|x| x.1 <= today).cloned().collect();
            let Some((stage, _)) = history.last().cloned() else {
                continue;
            };
            let dossier = Dossier {
                history,
                received: f.received.clone(),
                ..Dossier::default()
            };
            let Some(next) = self
                .profile()
                .deadlines_for(&dossier, cal, today)
                .into_iter()
                .next()
            else {
                continue;
            };
            let mine: HashSet<i64> = chain.iter().copied().collect();
            let escalated_to = if next.overdue() {
                sups.iter()
                    .filter(|s| mine.contains(&s.0))
                    .map(|s| s.1.clone())
                    .collect()
            } else {
                vec![]
            };
            rows.push(DueRow {
                candidate_id: f.id,
                name: name.clone(),
                unit: unit.clone(),
                stage,
                next_stage: next.until.clone(),
                overdue: next.overdue(),
                rule: next.rule,
                source: next.source,
                due: next.due,
                working_days_left: next.working_days_left,
                escalated_to,
            });
        }
        Ok(rows)
    }
}
