//! Read-side use cases: the achievement report, the dashboard and the unit page.
//!
//! A report reads the subtree's units once (one range scan) and the
//! per-unit admission counts once (one grouped query), then rolls up in
//! memory: no query per unit, no recursive SQL.

use crate::privacy::{CandidateEntry, MemberEntry};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::achievement::{roll_up, UnitNode};
use ranks_domain::{AchievementRow, Date, Term, TermName, UnitCode, UnitKind};
use ranks_store::records::supervisors::SupervisorView;
use ranks_store::records::terms::TermRow;
use ranks_store::records::units::{UnitMove, UnitRow};
use ranks_store::records::{members, movements, supervisors, terms, units};
use ranks_store::Conn;
use std::collections::HashMap;

/// The achievement of a subtree over a term.
#[derive(Debug, Clone)]
pub struct AchievementReport {
    pub term: Term,
    pub root: UnitRow,
    pub rows: Vec<AchievementRow>,
}

async fn term_by_name(conn: &mut Conn, name: &TermName) -> Result<TermRow, AppError> {
    terms::by_name(conn, name).await?.ok_or(AppError::NotFound {
        what: "term",
        key: name.to_string(),
    })
}

/// The unit's position in the index (a unit the index does not hold yet
/// reads as unknown).
fn index_position(ix: &crate::index::TreeIndex, unit: &UnitRow) -> Result<usize, AppError> {
    ix.position(unit.code.as_str()).ok_or(AppError::NotFound {
        what: "unit",
        key: unit.code.to_string(),
    })
}

/// The unit's direct subordinates' current members (each with its
/// subtree), and the unit's own total, from the index.
fn member_totals(
    ix: &crate::index::TreeIndex,
    start: usize,
) -> Result<(u64, HashMap<UnitCode, u64>), AppError> {
    let mut map = HashMap::new();
    map.insert(UnitCode::parse(ix.code(start))?, ix.members_total(start));
    for c in ix.children(start) {
        map.insert(UnitCode::parse(ix.code(c))?, ix.members_total(c));
    }
    Ok((ix.members_total(start), map))
}

async fn achievement_rows(
    conn: &mut Conn,
    root: &UnitRow,
    term: &TermRow,
    depth: Option<usize>,
) -> Result<Vec<AchievementRow>, AppError> {
    let tree = units::subtree(conn, &root.path).await?;
    let nodes: Vec<UnitNode> = tree
        .iter()
        .map(|u| UnitNode {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            path: u.path.clone(),
        })
        .collect();
    let admitted =
        members::admitted_per_unit(conn, &root.path, term.term.starts_on, term.term.ends_on)
            .await?;
    let targets = terms::term_targets_in(conn, term.id, &root.path).await?;
    Ok(roll_up(&root.path, &nodes, &admitted, &targets, depth))
}

/// The tree as it stood on `day`: moves effective later are undone and
/// units created later left out; paths are rebuilt from the parents.
async fn tree_as_of(conn: &mut Conn, top: &UnitRow, day: Date) -> Result<Vec<UnitNode>, AppError> {
    let tree = units::subtree(conn, &top.path).await?;
    let mut parent: HashMap<i64, Option<i64>> = tree.iter().map(|u| (u.id, u.parent_id)).collect();
    for (unit, from, _to) in units::moves_after(conn, day).await? {
        if parent.contains_key(&unit) {
            parent.insert(unit, from);
        }
    }
    let alive: HashMap<i64, &UnitRow> = tree
        .iter()
        .filter(|u| u.created_on <= day)
        .map(|u| (u.id, u))
        .collect();
    let mut nodes = Vec::new();
    for u in alive.values() {
        // Walk up to the top to build the path as of the day.
        let mut ids = vec![u.id];
        let mut cur = u.id;
        let mut ok = true;
        while cur != top.id {
            match parent.get(&cur).copied().flatten() {
                Some(p) if alive.contains_key(&p) && ids.len() < 64 => {
                    ids.push(p);
                    cur = p;
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        ids.reverse();
        let mut path = top.path.clone();
        for id in &ids[1..] {
            path = path.child(*id);
        }
        nodes.push(UnitNode {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            path,
        });
    }
    Ok(nodes)
}

impl App {
    /// The achievement report as it stood on `as_of`: the tree of that day
    /// (a unit that moved since counts where it was) and the admissions
    /// decided by then. From the roll-up index: its tree with the moves
    /// since the day undone and the units created since left out, and its
    /// admissions per unit ([`App::achievement_as_of_sql`] reads the
    /// tables instead: the check).
    pub async fn achievement_as_of(
        &self,
        actor: &Actor,
        org: Option<&str>,
        term: &str,
        depth: Option<usize>,
        as_of: Date,
    ) -> Result<AchievementReport, AppError> {
        let name = TermName::parse(term)?;
        let (root, top, term, moves, created) = {
            let mut conn = self.db().read().await?;
            let root = crate::root_on(&mut conn, actor, org, as_of).await?;
            let term = term_by_name(&mut conn, &name).await?;
            let top = crate::default_root(&mut conn, actor).await?;
            let moves = units::moves_after(&mut conn, as_of).await?;
            let created = units::created_after(&mut conn, as_of).await?;
            (root, top, term, moves, created)
        };
        let ix = self.tree_index().await?;
        let t0 = index_position(&ix, &top)?;
        let r0 = index_position(&ix, &root)?;
        let end = term.term.ends_on.min(as_of);
        let rows = crate::overview::rows_as_of(
            &ix,
            (t0, r0),
            &moves,
            &created,
            (term.term.starts_on, end, term.id),
            depth,
        )
        .ok_or_else(|| AppError::NotFound {
            what: "unit",
            key: root.code.to_string(),
        })?;
        Ok(AchievementReport {
            term: term.term,
            root: root.into_inner(),
            rows,
        })
    }

    /// [`App::achievement_as_of`] from the tables: the subtree's units and
    /// moves read, the tree of the day rebuilt, admissions counted by a
    /// grouped query.
    pub async fn achievement_as_of_sql(
        &self,
        actor: &Actor,
        org: Option<&str>,
        term: &str,
        depth: Option<usize>,
        as_of: Date,
    ) -> Result<AchievementReport, AppError> {
        let name = TermName::parse(term)?;
        let mut conn = self.db().read().await?;
        let root = crate::root_on(&mut conn, actor, org, as_of).await?;
        let term = term_by_name(&mut conn, &name).await?;
        let top = crate::default_root(&mut conn, actor).await?;
        let nodes = tree_as_of(&mut conn, &top, as_of).await?;
        let root_then = nodes
            .iter()
            .find(|n| n.id == root.id)
            .map(|n| n.path.clone())
            .ok_or_else(|| AppError::NotFound {
                what: "unit",
                key: root.code.to_string(),
            })?;
        let end = term.term.ends_on.min(as_of);
        let admitted =
            members::admitted_per_unit(&mut conn, &top.path, term.term.starts_on, end).await?;
        let targets = terms::term_targets(&mut conn, term.id).await?;
        let rows = roll_up(&root_then, &nodes, &admitted, &targets, depth);
        Ok(AchievementReport {
            term: term.term,
            root: root.into_inner(),
            rows,
        })
    }

    /// `ranks report achievement`: one row per unit of the subtree, root
    /// first, from the roll-up index (milliseconds for the whole country).
    pub async fn achievement(
        &self,
        actor: &Actor,
        org: Option<&str>,
        term: &str,
        depth: Option<usize>,
    ) -> Result<AchievementReport, AppError> {
        let name = TermName::parse(term)?;
        let (root, term) = {
            let mut conn = self.db().read().await?;
            let root = match org {
                Some(c) => visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            };
            (root, term_by_name(&mut conn, &name).await?)
        };
        let ix = self.tree_index().await?;
        let start = index_position(&ix, &root)?;
        let rows = crate::overview::index_rows(&ix, start, &term, depth)?;
        Ok(AchievementReport {
            term: term.term,
            root: root.into_inner(),
            rows,
        })
    }

    /// The same report as [`App::achievement`] computed in SQL from the
    /// tables (a range scan of the subtree and a grouped count): the check
    /// that the index answers the same.
    pub async fn achievement_sql(
        &self,
        actor: &Actor,
        org: Option<&str>,
        term: &str,
        depth: Option<usize>,
    ) -> Result<AchievementReport, AppError> {
        let name = TermName::parse(term)?;
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let term = term_by_name(&mut conn, &name).await?;
        let rows = achievement_rows(&mut conn, &root, &term, depth).await?;
        Ok(AchievementReport {
            term: term.term,
            root: root.into_inner(),
            rows,
        })
    }

    /// A unit (through the actor's scope), every term and the one chosen
    /// as the unit page chooses it (`term`, else the one containing today,
    /// else the last): the head of the plan page, without the unit page's
    /// lists and counts.
    pub async fn unit_head(
        &self,
        actor: &Actor,
        code: &str,
        term: Option<&str>,
    ) -> Result<UnitHead, AppError> {
        let mut conn = self.db().read().await?;
        let unit = visible_unit(&mut conn, actor, code).await?.into_inner();
        let all_terms = terms::all(&mut conn).await?;
        let chosen = match term {
            Some(t) => Some(term_by_name(&mut conn, &TermName::parse(t)?).await?),
            None => terms::containing(&all_terms, self.clock().today())
                .or(all_terms.last())
                .cloned(),
        };
        Ok(UnitHead {
            unit,
            term: chosen.map(|t| t.term),
            terms: all_terms.iter().map(|t| t.term.clone()).collect(),
        })
    }

    pub async fn terms(&self) -> Result<Vec<Term>, AppError> {
        let mut conn = self.db().read().await?;
        Ok(terms::all(&mut conn)
            .await?
            .into_iter()
            .map(|t| t.term)
            .collect())
    }

    /// The dashboard: the actor's unit and its direct subordinates, each
    /// with its achievement and current members (all from the index: the
    /// work grows with the number of units shown and the subtree's units,
    /// never its members).
    pub async fn dashboard(
        &self,
        actor: &Actor,
        term: Option<&str>,
    ) -> Result<Dashboard, AppError> {
        let mut conn = self.db().read().await?;
        let root = crate::default_root(&mut conn, actor).await?;
        let all_terms = terms::all(&mut conn).await?;
        let today = self.clock().today();
        let chosen = match term {
            Some(t) => term_by_name(&mut conn, &TermName::parse(t)?).await?,
            None => match terms::containing(&all_terms, today).or(all_terms.last()) {
                Some(t) => t.clone(),
                None => {
                    return Ok(Dashboard {
                        root: root.into_inner(),
                        terms: vec![],
                        term: None,
                        rows: vec![],
                        total_members: 0,
                        members: HashMap::new(),
                        today,
                        pipeline: vec![],
                    })
                }
            },
        };
        // One connection at a time: the index reads through its own.
        drop(conn);
        let ix = self.tree_index().await?;
        let start = index_position(&ix, &root)?;
        let rows = crate::overview::index_rows(&ix, start, &chosen, Some(1))?;
        let (total, totals) = member_totals(&ix, start)?;
        drop(ix);
        // The open files per stage from the maintained summary (one pass
        // over the subtree's files, no query): `dashboard_pipeline_sql` is
        // the from-scratch count it is checked against.
        let (tree, sum) = self.due_summary().await?;
        let per_stage = sum.stage_counts(index_position(&tree, &root)?);
        let profile = self.profile();
        let pipeline = profile
            .stages
            .iter()
            .enumerate()
            .filter(|(_, s)| profile.is_open(&s.key))
            .map(|(k, s)| (s.key.clone(), per_stage[k]))
            .collect();
        Ok(Dashboard {
            pipeline,
            total_members: total,
            root: root.into_inner(),
            terms: all_terms.into_iter().map(|t| t.term).collect(),
            term: Some(chosen.term),
            rows,
            members: totals,
            today,
        })
    }

    /// Files per stage of a subtree (`org`, the actor's root by default)
    /// counted afresh by SQL (a `GROUP BY` of the candidates table): what
    /// the dashboard's pipeline and the unit page's stage totals, read from
    /// the summary, are checked against.
    pub async fn stage_counts_sql(
        &self,
        actor: &Actor,
        org: Option<&str>,
    ) -> Result<HashMap<String, u64>, AppError> {
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        Ok(ranks_store::records::candidates::count_by_stage(&mut conn, &root.path).await?)
    }

    /// Everything the unit page shows, scoped to the actor.
    pub async fn unit_page(
        &self,
        actor: &Actor,
        code: &str,
        term: Option<&str>,
    ) -> Result<UnitPage, AppError> {
        // The index and the summary laid out on it: one version of both
        // for the whole page. The unit, the units above it and the terms
        // come from them and from the terms kept per generation: no query.
        let (ix, sum) = self.due_summary().await?;
        let (start, unit) = crate::scope::unit_in(&ix, actor, code)?;
        let mut ancestors = Vec::new();
        let mut p = ix.b.parent[start];
        while p != u32::MAX {
            ancestors.push(ix.unit_row(p as usize)?);
            p = ix.b.parent[p as usize];
        }
        ancestors.reverse();
        ancestors.retain(|a| actor.can_see(&a.path));
        let all_terms = self.all_terms().await?;
        let today = self.clock().today();
        let chosen = match term {
            Some(t) => {
                let name = TermName::parse(t)?;
                let found = all_terms.iter().find(|x| x.term.name == name).cloned();
                Some(found.ok_or(AppError::NotFound {
                    what: "term",
                    key: name.to_string(),
                })?)
            }
            None => terms::containing(&all_terms, today)
                .or(all_terms.last())
                .cloned(),
        };
        let rows = match &chosen {
            Some(t) => crate::overview::index_rows(&ix, start, t, Some(1))?,
            None => vec![],
        };
        let (member_total, child_members) = member_totals(&ix, start)?;
        // A small subtree's units by id (their statements' plans do not
        // depend on where the subtree lies); a large one by path range.
        let end = ix.end(start);
        let unit_ids: Option<&[i64]> = (end - start <= BY_IDS_UNITS).then(|| &ix.b.ids[start..end]);
        // Files per stage, the first of each stage's list and the
        // movements feeding the subtree: from the maintained summary.
        let counts = sum.stage_counts(start);
        let firsts = sum.stage_firsts(start, LIST_FIRST + 1);
        let source_counts = sum.sources(start);
        // The page's bounded reads (a few rows each, by index): inline on
        // SQLite; the large subtrees' supervisors and moves by path range
        // through a pooled reader.
        let mut pc = self.db().page_conn().await?;
        let first = self
            .members_page(
                &mut pc.reader(),
                actor,
                &unit,
                crate::overview::MemberFilter::Current,
                None,
                LIST_FIRST,
            )
            .await?;
        // Every stage's first page in one statement (and one for mentors).
        let listed: Vec<i64> = firsts
            .iter()
            .flat_map(|l| l.iter().take(LIST_FIRST).map(|f| f.1))
            .collect();
        let mut found =
            ranks_store::records::lists::candidates_by_ids(&mut pc.reader(), &listed).await?;
        let mut by_stage: Vec<(String, Vec<CandidateEntry>)> = Vec::new();
        let mut stage_totals = HashMap::new();
        let mut stage_next = HashMap::new();
        for (k, stage) in self
            .profile()
            .stages
            .iter()
            .chain(&self.profile().exits)
            .enumerate()
        {
            let n = counts[k];
            if n == 0 {
                continue;
            }
            let list: Vec<_> = firsts[k]
                .iter()
                .take(LIST_FIRST)
                .filter_map(|f| found.remove(&f.1))
                .collect();
            stage_totals.insert(stage.key.clone(), n);
            if firsts[k].len() > LIST_FIRST {
                if let Some(last) = list.last() {
                    let next = format!("{}_{}", last.stage_since.format("%Y-%m-%d"), last.id);
                    stage_next.insert(stage.key.clone(), next);
                }
            }
            let list = list
                .into_iter()
                .map(|c| CandidateEntry::shown_to(actor, c))
                .collect();
            by_stage.push((stage.key.clone(), list));
        }
        let limit = LIST_FIRST as i64 + 1;
        // The whole tree: no range to check.
        let whole = start == 0 && end == ix.units();
        let sources = movements::sources_named(&mut pc.reader(), &source_counts).await?;
        let (mut supervisors, mut moves) = match unit_ids {
            Some(ids) if !whole => (
                supervisors::for_units_first(&mut pc.reader(), ids, limit).await?,
                // No unit of the subtree ever moved: nothing to read.
                if ix.has_moves(start) {
                    units::moves_of_units_first(&mut pc.reader(), ids, limit).await?
                } else {
                    Vec::new()
                },
            ),
            _ => {
                drop(pc);
                let mut conn = self.db().read().await?;
                if whole {
                    (
                        supervisors::all_first(&mut conn, limit).await?,
                        units::moves_all_first(&mut conn, limit).await?,
                    )
                } else {
                    (
                        supervisors::for_subtree_first(&mut conn, &unit.path, limit).await?,
                        units::moves_in_subtree_first(&mut conn, &unit.path, limit).await?,
                    )
                }
            }
        };
        let supervisors_more = supervisors.len() > LIST_FIRST;
        supervisors.truncate(LIST_FIRST);
        let moves_more = moves.len() > LIST_FIRST;
        moves.truncate(LIST_FIRST);
        drop(ix);
        Ok(UnitPage {
            member_total,
            child_members,
            members_next: first.next,
            stage_totals,
            stage_next,
            supervisors_more,
            moves_more,
            unit: unit.into_inner(),
            ancestors,
            term: chosen.map(|t| t.term),
            terms: all_terms.iter().map(|t| t.term.clone()).collect(),
            rows,
            members: first.members,
            candidates_by_stage: by_stage,
            supervisors,
            sources,
            moves,
        })
    }

    /// The unit page's lists read afresh by path range, one statement per
    /// stage (the first page of each stage with its next page's cursor,
    /// supervisors, movements feeding the subtree, moves): what the page's
    /// lists, read from the summary and by the subtree's unit ids, are
    /// checked against.
    pub async fn unit_lists_sql(&self, actor: &Actor, code: &str) -> Result<UnitLists, AppError> {
        let mut conn = self.db().read().await?;
        let unit = visible_unit(&mut conn, actor, code).await?;
        let mut out = UnitLists::default();
        for stage in self.profile().stages.iter().chain(&self.profile().exits) {
            let (list, next) = crate::overview::stage_page(
                &mut conn, actor, &unit.path, &stage.key, None, LIST_FIRST,
            )
            .await?;
            if !list.is_empty() {
                out.candidates_by_stage.push((stage.key.clone(), list));
            }
            if let Some(next) = next {
                out.stage_next.insert(stage.key.clone(), next);
            }
        }
        let limit = LIST_FIRST as i64 + 1;
        out.supervisors = supervisors::for_subtree_first(&mut conn, &unit.path, limit).await?;
        out.sources = movements::sources_in_subtree(&mut conn, &unit.path).await?;
        out.moves = units::moves_in_subtree_first(&mut conn, &unit.path, limit).await?;
        Ok(out)
    }

    /// Current membership of a subtree.
    pub async fn member_count(&self, actor: &Actor, org: Option<&str>) -> Result<u64, AppError> {
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        Ok(members::current_per_unit(&mut conn, &root.path)
            .await?
            .values()
            .sum())
    }

    /// The units directly below a unit, of a given kind if asked.
    pub async fn children(
        &self,
        actor: &Actor,
        code: &str,
        kind: Option<UnitKind>,
    ) -> Result<Vec<UnitRow>, AppError> {
        let mut conn = self.db().read().await?;
        let unit = visible_unit(&mut conn, actor, code).await?;
        let tree = units::subtree(&mut conn, &unit.path).await?;
        Ok(tree
            .into_iter()
            .filter(|u| u.parent_id == Some(unit.id) && kind.is_none_or(|k| u.kind == k))
            .collect())
    }
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub root: UnitRow,
    pub terms: Vec<Term>,
    pub term: Option<Term>,
    pub rows: Vec<AchievementRow>,
    pub total_members: u64,
    /// Current members per unit, rolled up.
    pub members: HashMap<UnitCode, u64>,
    pub today: Date,
    /// Open files per stage of the profile, in the profile's order.
    pub pipeline: Vec<(String, u64)>,
}

/// A unit with the terms (see [`App::unit_head`]).
#[derive(Debug, Clone)]
pub struct UnitHead {
    pub unit: UnitRow,
    pub term: Option<Term>,
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct UnitPage {
    pub unit: UnitRow,
    pub ancestors: Vec<UnitRow>,
    pub term: Option<Term>,
    pub terms: Vec<Term>,
    /// The unit and its direct children for the chosen term.
    pub rows: Vec<AchievementRow>,
    /// Current members of the subtree (from the index).
    pub member_total: u64,
    /// Current members of the unit and of each direct subordinate's subtree.
    pub child_members: HashMap<UnitCode, u64>,
    /// The first page of the members (tree order), and the next page's cursor.
    pub members: Vec<MemberEntry>,
    pub members_next: Option<String>,
    /// The first page of each stage's candidates, by stage key, in the
    /// profile's order (stages without candidates left out).
    pub candidates_by_stage: Vec<(String, Vec<CandidateEntry>)>,
    /// Candidates per stage key, and the cursor of each stage's next page.
    pub stage_totals: HashMap<String, u64>,
    pub stage_next: HashMap<String, String>,
    /// The first supervisors (tree order); more exist when `supervisors_more`.
    pub supervisors: Vec<SupervisorView>,
    pub supervisors_more: bool,
    /// Emulation movements feeding this subtree: (name, candidates, admitted).
    pub sources: Vec<(String, i64, i64)>,
    /// The newest moves; older ones exist when `moves_more`.
    pub moves: Vec<(UnitCode, UnitMove)>,
    pub moves_more: bool,
}

/// The lists of [`App::unit_lists_sql`] (supervisors and moves: the first
/// `LIST_FIRST + 1`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitLists {
    pub candidates_by_stage: Vec<(String, Vec<CandidateEntry>)>,
    pub stage_next: HashMap<String, String>,
    pub supervisors: Vec<SupervisorView>,
    pub sources: Vec<(String, i64, i64)>,
    pub moves: Vec<(UnitCode, UnitMove)>,
}

/// Rows of each list the unit page shows first.
pub const LIST_FIRST: usize = 50;

/// Subtrees of at most this many units are read by their units' ids.
const BY_IDS_UNITS: usize = 1024;

/// What a burn-up chart needs: the term, the unit's target and its admission dates.
#[derive(Debug, Clone)]
pub struct BurnUp {
    pub term: Term,
    pub target: Option<u64>,
    pub admissions: Vec<Date>,
    pub today: Date,
}

impl App {
    pub async fn burn_up(&self, actor: &Actor, code: &str, term: &str) -> Result<BurnUp, AppError> {
        let name = TermName::parse(term)?;
        let (unit, t) = {
            let mut conn = self.db().read().await?;
            let unit = visible_unit(&mut conn, actor, code).await?;
            let t = term_by_name(&mut conn, &name).await?;
            (unit, t)
        };
        // From the roll-up index: the subtree's admission days and the target.
        let ix = self.tree_index().await?;
        let at = index_position(&ix, &unit)?;
        let admissions = ix.admission_days(at, t.term.starts_on, t.term.ends_on);
        let target = ix.target_of(t.id, at).map(u64::from);
        Ok(BurnUp {
            term: t.term,
            target,
            admissions,
            today: self.clock().today(),
        })
    }
}

/// One row of the year-end statistics sent to the superior.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct StatisticsRow {
    pub code: String,
    pub name: String,
    pub depth: usize,
    /// Current members today (probationary and official).
    pub members: u64,
    pub admitted: u64,
    pub target: Option<u64>,
    pub percent: Option<f64>,
    pub recognised: u64,
    pub left: u64,
}

impl App {
    /// Year-end statistics per unit of the subtree (cut-off 31 December).
    pub async fn statistics(
        &self,
        actor: &Actor,
        org: Option<&str>,
        year: i32,
    ) -> Result<Vec<StatisticsRow>, AppError> {
        use ranks_store::records::members::MemberDate;
        if !(1900..=2100).contains(&year) {
            return Err(ranks_domain::DomainError::invalid(
                "year",
                year.to_string(),
                "a year from 1900 to 2100",
            )
            .into());
        }
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let (from, to) = (
            Date::from_ymd_opt(year, 1, 1).expect("valid"),
            Date::from_ymd_opt(year, 12, 31).expect("valid"),
        );
        let tree = units::subtree(&mut conn, &root.path).await?;
        let current = members::current_per_unit(&mut conn, &root.path).await?;
        let admitted =
            members::count_per_unit(&mut conn, &root.path, MemberDate::Admitted, from, to).await?;
        let official =
            members::count_per_unit(&mut conn, &root.path, MemberDate::Official, from, to).await?;
        let left =
            members::count_per_unit(&mut conn, &root.path, MemberDate::Left, from, to).await?;
        let targets = terms::year_targets(&mut conn, year).await?;
        // Subtree sums from prefix sums over the preorder layout.
        let ord = crate::tree_order::TreeOrder::new(&tree, root.id);
        let sums =
            |m: &HashMap<i64, u64>| ord.prefix(|i| m.get(&ord.order[i].id).copied().unwrap_or(0));
        let (current, admitted, official, left) = (
            sums(&current),
            sums(&admitted),
            sums(&official),
            sums(&left),
        );
        let mut rows = Vec::new();
        for (i, u) in ord.order.iter().enumerate() {
            let sum = |p: &Vec<u64>| ord.sum(p, i);
            let a = sum(&admitted);
            let target = targets.get(&u.id).copied();
            rows.push(StatisticsRow {
                code: u.code.to_string(),
                name: u.name.clone(),
                depth: u.path.depth() - root.path.depth(),
                members: sum(&current),
                admitted: a,
                target,
                percent: ranks_domain::Percent::of(a, target).map(|p| p.exact()),
                recognised: sum(&official),
                left: sum(&left),
            });
        }
        Ok(rows)
    }
}

impl App {
    /// Every current member of the subtree whose name matches `query`
    /// (see [`crate::search`]), walking all pages: for small subtrees and
    /// tests; pages, the API and exports read page by page.
    pub async fn search_members(
        &self,
        actor: &Actor,
        org: Option<&str>,
        query: &str,
    ) -> Result<Vec<MemberEntry>, AppError> {
        let mut paging = crate::search::Paging {
            limit: crate::search::MAX_LIMIT,
            cursor: None,
        };
        let mut found = Vec::new();
        loop {
            let page = self.member_page(actor, org, query, None, &paging).await?;
            found.extend(page.rows);
            match page.next {
                Some(next) => paging.cursor = Some(next),
                None => return Ok(found),
            }
        }
    }

    /// Every candidate of the subtree whose name matches `query`, as
    /// [`App::search_members`], with their mentors.
    pub async fn search_candidates(
        &self,
        actor: &Actor,
        org: Option<&str>,
        query: &str,
    ) -> Result<Vec<CandidateEntry>, AppError> {
        let mut paging = crate::search::Paging {
            limit: crate::search::MAX_LIMIT,
            cursor: None,
        };
        let mut found = Vec::new();
        loop {
            let page = self.candidate_page(actor, org, query, &paging).await?;
            found.extend(page.rows);
            match page.next {
                Some(next) => paging.cursor = Some(next),
                None => break,
            }
        }
        if !found.is_empty() {
            let mut conn = self.db().read().await?;
            let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
            let mut mentors =
                ranks_store::records::candidates::mentor_names(&mut conn, &ids).await?;
            for c in &mut found {
                c.mentors = mentors.remove(&c.id).unwrap_or_default();
            }
        }
        Ok(found)
    }
}
