//! What a person can take in, at any size of subtree: the achievement
//! report, the dashboard's unit and direct subordinates with their totals,
//! and the unit page's paged lists.
//!
//! Totals come from the roll-up index (`index.rs`): admissions by two
//! binary searches per unit, current members by a prefix sum over the
//! preorder, both kept exact after writes by the index's audit overlay.
//! Lists are read a page at a time: members unit by unit in preorder
//! (units without members skipped in memory), candidates of one stage by
//! (stage since, id). A cursor is opaque to callers; a bad one is refused
//! naming the field `cursor`.

use crate::index::TreeIndex;
use crate::privacy::{CandidateEntry, MemberEntry};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::{AchievementRow, Date, DomainError, MemberStatus, Percent, UnitCode};
use ranks_store::records::terms::TermRow;
use ranks_store::records::{candidates, lists};

/// Rows of a page when the caller does not say.
pub const PAGE_DEFAULT: usize = 50;
/// The most rows a page holds.
pub const PAGE_MAX: usize = 200;
/// A cursor longer than this is refused before it is read.
const CURSOR_MAX: usize = 120;

/// A page size as asked (`limit`): default 50, from 1 to 200.
pub fn page_limit(asked: Option<&str>) -> Result<usize, AppError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(PAGE_DEFAULT),
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=PAGE_MAX).contains(n))
            .ok_or_else(|| DomainError::invalid("limit", s, "a whole number from 1 to 200").into()),
    }
}

fn bad_cursor(c: &str) -> AppError {
    DomainError::invalid("cursor", c, "the cursor of the previous page").into()
}

fn checked_cursor(c: &str) -> Result<&str, AppError> {
    if c.len() > CURSOR_MAX || !c.is_ascii() {
        return Err(bad_cursor(c));
    }
    Ok(c)
}

/// Where a page of `order` (positions) starts after `cursor`, the code of
/// the previous page's last row; an unknown cursor is refused.
pub(crate) fn page_from(
    ix: &TreeIndex,
    order: &[usize],
    cursor: Option<&str>,
) -> Result<usize, AppError> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => {
            let c = checked_cursor(c)?;
            Ok(order
                .iter()
                .position(|p| ix.code(*p) == c)
                .ok_or_else(|| bad_cursor(c))?
                + 1)
        }
    }
}

/// The achievement rows of the subtree at `start` over `term`, from the
/// index: preorder, siblings by code, down to `depth` levels (the same
/// rows as the SQL roll-up, `reports::achievement_sql`).
pub(crate) fn index_rows(
    ix: &TreeIndex,
    start: usize,
    term: &TermRow,
    depth: Option<usize>,
) -> Result<Vec<AchievementRow>, AppError> {
    let counts = ix.rollup_counts(start, term.term.starts_on, term.term.ends_on);
    index_order(ix, start, depth)
        .into_iter()
        .map(|(p, d)| index_row(ix, start, &counts, term, p, d))
        .collect()
}

/// The report's units as (position, depth): preorder, siblings by code.
fn index_order(ix: &TreeIndex, start: usize, depth: Option<usize>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut stack = vec![(start, 0usize)];
    while let Some((p, d)) = stack.pop() {
        out.push((p, d));
        if depth.is_none_or(|m| d < m) {
            let mut kids = ix.children(p);
            kids.sort_by(|a, b| ix.code(*b).cmp(ix.code(*a)));
            stack.extend(kids.into_iter().map(|k| (k, d + 1)));
        }
    }
    out
}

fn index_row(
    ix: &TreeIndex,
    start: usize,
    counts: &[u64],
    term: &TermRow,
    p: usize,
    d: usize,
) -> Result<AchievementRow, AppError> {
    let admitted = counts[p - start];
    let target = ix.target_of(term.id, p).map(u64::from);
    Ok(AchievementRow {
        code: UnitCode::parse(ix.code(p))?,
        name: ix.name(p).to_string(),
        depth: d,
        target,
        admitted,
        percent: Percent::of(admitted, target),
    })
}

/// A page of the achievement report (see [`App::achievement_page`]).
#[derive(Debug, Clone)]
pub struct AchievementPage {
    pub report: crate::reports::AchievementReport,
    /// Rows of the whole report.
    pub total: usize,
    /// Whether rows follow this page (the cursor: the last row's code).
    pub more: bool,
}

impl App {
    /// The rows of the achievement report after `cursor` (the code of the
    /// previous page's last row), at most `limit`: only the page's rows are
    /// made, whatever the subtree's size.
    pub async fn achievement_page(
        &self,
        actor: &Actor,
        org: Option<&str>,
        term: &str,
        depth: Option<usize>,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AchievementPage, AppError> {
        let name = ranks_domain::TermName::parse(term)?;
        let (root, term) = {
            let mut conn = self.db().read().await?;
            let root = match org {
                Some(c) => visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            };
            let t = ranks_store::records::terms::by_name(&mut conn, &name)
                .await?
                .ok_or(AppError::NotFound {
                    what: "term",
                    key: name.to_string(),
                })?;
            (root, t)
        };
        let ix = self.tree_index().await?;
        let start = ix.position(root.code.as_str()).ok_or(AppError::NotFound {
            what: "unit",
            key: root.code.to_string(),
        })?;
        let order = index_order(&ix, start, depth);
        let from = match cursor.filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => {
                let c = checked_cursor(c)?;
                order
                    .iter()
                    .position(|(p, _)| ix.code(*p) == c)
                    .ok_or_else(|| bad_cursor(c))?
                    + 1
            }
        };
        let counts = ix.rollup_counts(start, term.term.starts_on, term.term.ends_on);
        let limit = limit.clamp(1, PAGE_MAX);
        let rows = order
            .iter()
            .skip(from)
            .take(limit)
            .map(|(p, d)| index_row(&ix, start, &counts, &term, *p, *d))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AchievementPage {
            total: order.len(),
            more: from + limit < order.len(),
            report: crate::reports::AchievementReport {
                term: term.term,
                root: root.into_inner(),
                rows,
            },
        })
    }
}

/// Which members a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemberFilter {
    /// Probationary and official.
    #[default]
    Current,
    Probationary,
    Official,
}

impl MemberFilter {
    /// `status`: empty or `current`, `probationary`, `official`.
    pub fn parse(s: Option<&str>) -> Result<MemberFilter, AppError> {
        match s.map(str::trim).unwrap_or_default() {
            "" | "current" => Ok(MemberFilter::Current),
            "probationary" => Ok(MemberFilter::Probationary),
            "official" => Ok(MemberFilter::Official),
            other => {
                Err(
                    DomainError::invalid("status", other, "one of current, probationary, official")
                        .into(),
                )
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MemberFilter::Current => "current",
            MemberFilter::Probationary => "probationary",
            MemberFilter::Official => "official",
        }
    }

    fn statuses(self) -> &'static [MemberStatus] {
        match self {
            MemberFilter::Current => &[MemberStatus::Probationary, MemberStatus::Official],
            MemberFilter::Probationary => &[MemberStatus::Probationary],
            MemberFilter::Official => &[MemberStatus::Official],
        }
    }
}

/// A page of a subtree's members, in tree order (unit by unit, by id).
#[derive(Debug, Clone, Default)]
pub struct MembersPage {
    pub members: Vec<MemberEntry>,
    /// Every member the list holds (known without counting for `Current`).
    pub total: Option<u64>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// A page of a subtree's candidates at one stage, longest waiting first.
#[derive(Debug, Clone, Default)]
pub struct CandidatesPage {
    pub stage: String,
    pub candidates: Vec<CandidateEntry>,
    pub total: u64,
    pub next: Option<String>,
}

/// At most this many units are read for one page of members (a filter
/// that matches few members gives a short page and a cursor).
const UNITS_PER_PAGE: usize = 64;

impl App {
    /// A page of the current members of the subtree at `code`, from
    /// `cursor` (none: the first page).
    pub async fn unit_members(
        &self,
        actor: &Actor,
        code: &str,
        filter: MemberFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<MembersPage, AppError> {
        let unit = {
            let mut conn = self.db().read().await?;
            visible_unit(&mut conn, actor, code).await?
        };
        let mut pc = self.db().page_conn().await?;
        self.members_page(&mut pc.reader(), actor, &unit, filter, cursor, limit)
            .await
    }

    /// [`App::unit_members`] of a unit already resolved through the
    /// actor's scope, on the caller's connection.
    pub(crate) async fn members_page(
        &self,
        conn: &mut ranks_store::lite::Reader<'_>,
        actor: &Actor,
        unit: &crate::scope::Visible<ranks_store::records::units::UnitRow>,
        filter: MemberFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<MembersPage, AppError> {
        let limit = limit.clamp(1, PAGE_MAX);
        let ix = self.tree_index().await?;
        let start = ix.position(unit.code.as_str()).ok_or(AppError::NotFound {
            what: "unit",
            key: unit.code.to_string(),
        })?;
        let end = ix.end(start);
        let (mut pos, mut after) = match cursor.filter(|c| !c.is_empty()) {
            None => (start, 0),
            Some(c) => {
                let c = checked_cursor(c)?;
                let (id, code) = c.split_once('-').ok_or_else(|| bad_cursor(c))?;
                let id: i64 = id.parse().map_err(|_| bad_cursor(c))?;
                let p = ix
                    .position(code)
                    .filter(|p| (start..end).contains(p))
                    .ok_or_else(|| bad_cursor(c))?;
                (p, id)
            }
        };
        let mut out = Vec::new();
        let mut read = 0;
        while pos < end && out.len() < limit && read < UNITS_PER_PAGE {
            if ix.members_own(pos) == 0 {
                pos += 1;
                after = 0;
                continue;
            }
            let need = limit - out.len();
            let unit_id = ix.b.ids[pos];
            let rows = lists::members_of_unit(conn, unit_id, filter.statuses(), after, need as i64)
                .await?;
            read += 1;
            let full = rows.len() == need;
            if let Some(last) = rows.last() {
                after = last.id;
            }
            out.extend(rows.into_iter().map(|m| MemberEntry::shown_to(actor, m)));
            if !full {
                pos += 1;
                after = 0;
            }
        }
        while pos < end && after == 0 && ix.members_own(pos) == 0 {
            pos += 1;
        }
        Ok(MembersPage {
            members: out,
            total: (filter == MemberFilter::Current).then(|| ix.members_total(start)),
            next: (pos < end).then(|| format!("{after}-{}", ix.code(pos))),
        })
    }

    /// A page of the candidates of the subtree at `code` at `stage` (a
    /// stage or an exit of the profile), longest in the stage first.
    pub async fn unit_candidates(
        &self,
        actor: &Actor,
        code: &str,
        stage: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<CandidatesPage, AppError> {
        let limit = limit.clamp(1, PAGE_MAX);
        let profile = self.profile();
        if !profile
            .stages
            .iter()
            .chain(&profile.exits)
            .any(|s| s.key == stage)
        {
            return Err(DomainError::invalid("stage", stage, "a stage of the profile").into());
        }
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                let c = checked_cursor(c)?;
                let (day, id) = c.split_once('_').ok_or_else(|| bad_cursor(c))?;
                let day = Date::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad_cursor(c))?;
                Some((day, id.parse::<i64>().map_err(|_| bad_cursor(c))?))
            }
        };
        let mut conn = self.db().read().await?;
        let unit = visible_unit(&mut conn, actor, code).await?;
        let total = candidates::count_by_stage(&mut conn, &unit.path)
            .await?
            .get(stage)
            .copied()
            .unwrap_or(0);
        let page = stage_page(&mut conn, actor, &unit.path, stage, after, limit).await?;
        Ok(CandidatesPage {
            stage: stage.to_string(),
            total,
            candidates: page.0,
            next: page.1,
        })
    }
}

/// One page of a stage: the entries and the next page's cursor.
pub(crate) async fn stage_page(
    conn: &mut ranks_store::Conn,
    actor: &Actor,
    root: &ranks_domain::OrgPath,
    stage: &str,
    after: Option<lists::CandidateKey>,
    limit: usize,
) -> Result<(Vec<CandidateEntry>, Option<String>), AppError> {
    let mut rows = lists::candidates_at_stage(conn, root, stage, after, limit as i64 + 1).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|c| format!("{}_{}", c.stage_since.format("%Y-%m-%d"), c.id));
    Ok((
        rows.into_iter()
            .map(|c| CandidateEntry::shown_to(actor, c))
            .collect(),
        next,
    ))
}

impl App {
    /// A unit's (code, name), scoped to the actor.
    pub async fn unit_name(&self, actor: &Actor, code: &str) -> Result<(String, String), AppError> {
        let mut conn = self.db().read().await?;
        let u = visible_unit(&mut conn, actor, code).await?;
        Ok((u.code.to_string(), u.name.clone()))
    }
}

/// The achievement rows of the unit at `r0` as the tree stood on a past
/// day, inside the actor's top unit `t0` (see [`App::achievement_as_of`]):
/// the index's tree with the `moves` since the day undone (unit id, parent
/// before, parent after; latest first, so the earliest move's parent
/// stays) and the units `created` since left out, with those cut off from
/// the top by it; admissions between `from` and `to` where each member is
/// now. `None` when `r0` was not in the top's tree that day.
pub(crate) fn rows_as_of(
    ix: &TreeIndex,
    (t0, r0): (usize, usize),
    moves: &[(i64, Option<i64>, i64)],
    created: &[i64],
    (from, to, term_id): (Date, Date, i64),
    depth: Option<usize>,
) -> Option<Vec<AchievementRow>> {
    let b = &ix.b;
    let t1 = ix.end(t0);
    let inside = |p: usize| (t0..t1).contains(&p).then_some(p - t0);
    // Own admissions per unit: the roll-up less its children's.
    let rolled = if from <= to {
        ix.rollup_counts(t0, from, to)
    } else {
        vec![0; t1 - t0]
    };
    let mut own = rolled.clone();
    let mut parent: Vec<Option<usize>> = vec![None; t1 - t0];
    for p in t0 + 1..t1 {
        let q = b.parent[p] as usize - t0;
        own[q] -= rolled[p - t0];
        parent[p - t0] = Some(q);
    }
    for (unit, before, _) in moves {
        if let Some(i) = ix.position_of_id(*unit).and_then(inside) {
            parent[i] = before.and_then(|id| ix.position_of_id(id)).and_then(inside);
        }
    }
    let mut alive = vec![true; t1 - t0];
    for id in created {
        if let Some(i) = ix.position_of_id(*id).and_then(inside) {
            alive[i] = false;
        }
    }
    // In the tree that day: alive, and alive parents up to the top.
    let mut state: Vec<u8> = vec![0; t1 - t0]; // 0 unknown, 1 in, 2 out
    state[0] = if alive[0] { 1 } else { 2 };
    for i in 1..state.len() {
        let mut walk = Vec::new();
        let mut cur = i;
        let verdict = loop {
            if state[cur] != 0 {
                break state[cur];
            }
            if !alive[cur] || walk.len() >= 64 {
                break 2;
            }
            walk.push(cur);
            match parent[cur] {
                Some(p) => cur = p,
                None => break 2,
            }
        };
        for w in walk {
            state[w] = verdict;
        }
    }
    let r = r0
        .checked_sub(t0)
        .filter(|r| *r < state.len() && state[*r] == 1)?;
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); t1 - t0];
    for i in 1..state.len() {
        if let (1, Some(p)) = (state[i], parent[i]) {
            kids[p].push(i);
        }
    }
    // The root's subtree that day, then its sums from the leaves up.
    let mut order = vec![(r, 0usize)];
    let mut k = 0;
    while k < order.len() {
        let (p, d) = order[k];
        order.extend(kids[p].iter().map(|c| (*c, d + 1)));
        k += 1;
    }
    let mut total = own;
    for (p, _) in order.iter().skip(1).rev() {
        if let Some(q) = parent[*p] {
            total[q] += total[*p];
        }
    }
    let mut rows = Vec::new();
    let mut stack = vec![(r, 0usize)];
    while let Some((p, d)) = stack.pop() {
        let at = p + t0;
        let target = ix.target_of(term_id, at).map(u64::from);
        rows.push(AchievementRow {
            code: UnitCode::parse(ix.code(at)).ok()?,
            name: ix.name(at).to_string(),
            depth: d,
            target,
            admitted: total[p],
            percent: Percent::of(total[p], target),
        });
        if depth.is_none_or(|m| d < m) {
            let mut next = kids[p].clone();
            next.sort_by(|a, b| ix.code(*b + t0).cmp(ix.code(*a + t0)));
            stack.extend(next.into_iter().map(|c| (c, d + 1)));
        }
    }
    Some(rows)
}
