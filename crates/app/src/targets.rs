//! Targets: setting them per unit per term or year, and checking a
//! top-down allocation (the children's targets against the parent's).

use crate::overview::PAGE_MAX;
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::{DomainError, TermName};
use ranks_store::records::{terms, units};
use serde::Serialize;
use std::collections::HashMap;

/// The period a target is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Period {
    Term(TermName),
    Year(i32),
}

impl Period {
    /// Parses `2020-2025` as a term and `2025` as a year.
    pub fn parse(s: &str) -> Result<Period, DomainError> {
        let t = s.trim();
        if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = t
                .parse()
                .map_err(|_| DomainError::invalid("period", s, "a year or a term"))?;
            if (1900..=2100).contains(&y) {
                return Ok(Period::Year(y));
            }
        }
        TermName::parse(t).map(Period::Term).map_err(|_| {
            DomainError::invalid("period", s, "a year like 2025 or a term like 2020-2025")
        })
    }
}

/// Parses a target as typed: a whole number, not negative.
pub fn parse_target(s: &str) -> Result<u32, DomainError> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| DomainError::invalid("target", s, "a whole number of new members, 0 or more"))
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AllocationRow {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub target: Option<u64>,
    /// The sum of the direct children's targets (None when no child has one).
    pub children: Option<u64>,
    /// children − target, when both exist: positive means over-allocated.
    pub difference: Option<i64>,
}

/// A page of the allocation check (see [`App::allocation_page`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AllocationPage {
    pub rows: Vec<AllocationRow>,
    /// Rows in all: the unit asked and its direct subordinates.
    pub total: usize,
    /// Whether rows follow (the cursor: the last row's code).
    pub more: bool,
}

impl App {
    pub async fn set_target(
        &self,
        actor: &Actor,
        code: &str,
        period: &Period,
        target: u32,
    ) -> Result<(), AppError> {
        self.set_target_seen(actor, code, period, target, None)
            .await
    }

    /// Sets a target unless it changed after `seen` (the audit position at
    /// which the writer read it): then a conflict naming who changed it, and
    /// nothing written. `None` skips the check.
    pub async fn set_target_seen(
        &self,
        actor: &Actor,
        code: &str,
        period: &Period,
        target: u32,
        seen: Option<i64>,
    ) -> Result<(), AppError> {
        let (code, period) = (code.to_string(), period.clone());
        self.run(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &code).await?;
                match &period {
                    Period::Term(t) => {
                        let key = format!("{}:{t}", unit.code);
                        crate::pipeline::check_unchanged_since(
                            cx.tx.conn(),
                            "term_target",
                            &key,
                            seen,
                        )
                        .await?;
                        crate::ops::set_term_target(cx, &unit, t, target).await
                    }
                    Period::Year(y) => {
                        let key = format!("{}:{y}", unit.code);
                        crate::pipeline::check_unchanged_since(
                            cx.tx.conn(),
                            "year_target",
                            &key,
                            seen,
                        )
                        .await?;
                        crate::ops::set_year_target(cx, &unit, *y, target).await
                    }
                }
            })
        })
        .await
    }

    /// The audit position now: what a page or a script has seen when it
    /// reads, to send back with an in-place edit (`seen`).
    pub async fn audit_position(&self) -> Result<i64, AppError> {
        let mut conn = self.db().read().await?;
        Ok(ranks_store::records::audit::newest_id(&mut conn).await?)
    }

    /// The allocation check of `org` (default: the actor's unit) and its
    /// direct subordinates: the first page (up to 200 rows).
    pub async fn allocation(
        &self,
        actor: &Actor,
        org: Option<&str>,
        period: &Period,
    ) -> Result<Vec<AllocationRow>, AppError> {
        Ok(self
            .allocation_page(actor, org, period, None, PAGE_MAX)
            .await?
            .rows)
    }

    /// A page of the allocation check: the unit asked, then its direct
    /// subordinates by code, each with its target and the sum of its own
    /// children's; rows after `cursor` (the previous page's last code), at
    /// most `limit`. From the roll-up index: the tree and the term targets
    /// in memory, a year's targets read for the page's units only.
    pub async fn allocation_page(
        &self,
        actor: &Actor,
        org: Option<&str>,
        period: &Period,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AllocationPage, AppError> {
        let (root, term_id) = {
            let mut conn = self.db().read().await?;
            let root = match org {
                Some(c) => visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            };
            let term_id = match period {
                Period::Term(name) => Some(
                    terms::by_name(&mut conn, name)
                        .await?
                        .ok_or(AppError::NotFound {
                            what: "term",
                            key: name.to_string(),
                        })?
                        .id,
                ),
                Period::Year(_) => None,
            };
            (root.into_inner(), term_id)
        };
        let ix = self.tree_index().await?;
        let at = ix.position(root.code.as_str()).ok_or(AppError::NotFound {
            what: "unit",
            key: root.code.to_string(),
        })?;
        let order = crate::forecast::row_order(&ix, at);
        let from = crate::overview::page_from(&ix, &order, cursor)?;
        let limit = limit.clamp(1, PAGE_MAX);
        let page: Vec<usize> = order.iter().skip(from).take(limit).copied().collect();
        let kids: Vec<Vec<usize>> = page.iter().map(|p| ix.children(*p)).collect();
        let target_of: HashMap<usize, u64> = match (period, term_id) {
            (Period::Year(y), _) => {
                let all: Vec<usize> = page.iter().chain(kids.iter().flatten()).copied().collect();
                let ids: Vec<i64> = all.iter().map(|p| ix.b.ids[*p]).collect();
                let mut conn = self.db().read().await?;
                let got = terms::year_targets_of(&mut conn, *y, &ids).await?;
                all.iter()
                    .filter_map(|p| got.get(&ix.b.ids[*p]).map(|t| (*p, *t)))
                    .collect()
            }
            (Period::Term(_), Some(id)) => page
                .iter()
                .chain(kids.iter().flatten())
                .filter_map(|p| ix.target_of(id, *p).map(|t| (*p, u64::from(t))))
                .collect(),
            (Period::Term(_), None) => HashMap::new(),
        };
        let rows = page
            .iter()
            .zip(&kids)
            .map(|(p, kids)| {
                let target = target_of.get(p).copied();
                let set: Vec<u64> = kids
                    .iter()
                    .filter_map(|k| target_of.get(k).copied())
                    .collect();
                let children = (!set.is_empty()).then(|| set.iter().sum::<u64>());
                AllocationRow {
                    code: ix.code(*p).to_string(),
                    name: ix.name(*p).to_string(),
                    depth: usize::from(ix.b.depth[*p] - ix.b.depth[at]),
                    target,
                    children,
                    difference: match (target, children) {
                        (Some(t), Some(c)) => Some(c as i64 - t as i64),
                        _ => None,
                    },
                }
            })
            .collect();
        Ok(AllocationPage {
            rows,
            total: order.len(),
            more: from + limit < order.len(),
        })
    }

    /// Each unit of the whole subtree's target next to the sum of its
    /// children's, from the database: the reference the paged check is
    /// tested against.
    #[doc(hidden)]
    pub async fn allocation_reference(
        &self,
        actor: &Actor,
        org: Option<&str>,
        period: &Period,
    ) -> Result<Vec<AllocationRow>, AppError> {
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let targets = match period {
            Period::Term(name) => {
                let t = terms::by_name(&mut conn, name)
                    .await?
                    .ok_or(AppError::NotFound {
                        what: "term",
                        key: name.to_string(),
                    })?;
                terms::term_targets(&mut conn, t.id).await?
            }
            Period::Year(y) => terms::year_targets(&mut conn, *y).await?,
        };
        let tree = units::subtree(&mut conn, &root.path).await?;
        let mut kid_targets: HashMap<i64, Vec<u64>> = HashMap::new();
        for c in &tree {
            if let (Some(p), Some(t)) = (c.parent_id, targets.get(&c.id)) {
                kid_targets.entry(p).or_default().push(*t);
            }
        }
        let mut rows = Vec::new();
        for u in crate::forecast_reference::units_in_tree_order(&tree, &root) {
            let kids: &[u64] = kid_targets.get(&u.id).map_or(&[], |k| k.as_slice());
            let target = targets.get(&u.id).copied();
            let children = (!kids.is_empty()).then(|| kids.iter().sum::<u64>());
            rows.push(AllocationRow {
                code: u.code.to_string(),
                name: u.name.clone(),
                depth: u.path.depth() - root.path.depth(),
                target,
                children,
                difference: match (target, children) {
                    (Some(t), Some(c)) => Some(c as i64 - t as i64),
                    _ => None,
                },
            });
        }
        Ok(rows)
    }
}
