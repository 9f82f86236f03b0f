//! The subordinate units' table of the dashboard and the unit page: sorted
//! (`sort`) and cut in pages (`page`), so a unit with thousands of
//! subordinates still gives a page a person can read.

use super::{row_view, RowView};
use crate::i18n::Tr;
use ranks_app::AppError;
use ranks_domain::{AchievementRow, DomainError, UnitCode};
use serde::Deserialize;
use std::collections::HashMap;

/// Subordinate units per page.
pub const UNITS_PER_PAGE: usize = 50;

/// The table's query: `sort` (code, name, members, admitted, percent) and
/// `page` (from 1).
#[derive(Deserialize, Default)]
pub struct UnitsQuery {
    pub sort: Option<String>,
    pub page: Option<String>,
}

const SORTS: [&str; 5] = ["code", "name", "members", "admitted", "percent"];

/// One sort link above the table.
pub struct SortLink {
    pub label: String,
    pub href: String,
    pub active: bool,
}

/// What the pager shows: the sort links, the page among the pages, and
/// the neighbours' links.
pub struct Pager {
    pub sorts: Vec<SortLink>,
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub prev: String,
    pub next: String,
}

impl Pager {
    /// More than one page, or something to sort.
    pub fn shown(&self) -> bool {
        self.total > 1
    }
}

/// Reads `sort` and `page`; a bad value is refused naming its field.
fn parse(q: &UnitsQuery) -> Result<(&'static str, usize), AppError> {
    let sort = match q.sort.as_deref().map(str::trim).unwrap_or_default() {
        "" => "code",
        s => SORTS.iter().find(|k| **k == s).copied().ok_or_else(|| {
            DomainError::invalid("sort", s, "one of code, name, members, admitted, percent")
        })?,
    };
    let page = match q.page.as_deref().map(str::trim).unwrap_or_default() {
        "" => 1,
        s => s
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| DomainError::invalid("page", s, "a page number from 1"))?,
    };
    Ok((sort, page))
}

/// The subordinate rows (depth 1 of `rows`) sorted and cut to the page
/// asked for, ready to print, with the pager; `base` is the page's path
/// with its term (`/units/P01?term=2020-2025`).
pub fn subordinates(
    rows: &[AchievementRow],
    members: &HashMap<UnitCode, u64>,
    q: &UnitsQuery,
    base: &str,
    tr: &Tr,
) -> Result<(Vec<RowView>, Pager), AppError> {
    let (sort, page) = parse(q)?;
    let mut kids: Vec<&AchievementRow> = rows.iter().filter(|r| r.depth == 1).collect();
    let m = |r: &AchievementRow| members.get(&r.code).copied().unwrap_or(0);
    match sort {
        "name" => kids
            .sort_by_cached_key(|r| (ranks_domain::text::name_sort_key(&r.name), r.code.clone())),
        "members" => kids.sort_by(|a, b| m(b).cmp(&m(a)).then(a.code.cmp(&b.code))),
        "admitted" => kids.sort_by(|a, b| b.admitted.cmp(&a.admitted).then(a.code.cmp(&b.code))),
        "percent" => kids.sort_by(|a, b| {
            let p = |r: &AchievementRow| r.percent.map(|p| p.exact()).unwrap_or(-1.0);
            p(b).total_cmp(&p(a)).then(a.code.cmp(&b.code))
        }),
        _ => {} // code: the rows' own order
    }
    let total = kids.len();
    let pages = total.div_ceil(UNITS_PER_PAGE).max(1);
    let page = page.min(pages);
    let join = if base.contains('?') { '&' } else { '?' };
    let href = |s: &str, p: usize| format!("{base}{join}sort={s}&page={p}#sec-units");
    let views = kids
        .iter()
        .skip((page - 1) * UNITS_PER_PAGE)
        .take(UNITS_PER_PAGE)
        .map(|r| row_view(r, Some(m(r)), tr))
        .collect();
    let label = |s: &str| match s {
        "code" => tr.get("code"),
        "name" => tr.get("unit"),
        "members" => tr.get("members"),
        "admitted" => tr.get("admitted"),
        _ => tr.get("percent"),
    };
    Ok((
        views,
        Pager {
            sorts: SORTS
                .iter()
                .map(|s| SortLink {
                    label: label(s).to_string(),
                    href: href(s, 1),
                    active: *s == sort,
                })
                .collect(),
            page,
            pages,
            total,
            prev: if page > 1 {
                href(sort, page - 1)
            } else {
                String::new()
            },
            next: if page < pages {
                href(sort, page + 1)
            } else {
                String::new()
            },
        },
    ))
}
