//! The registry's indexed, paged name search (issue 16) and the correction
//! of a person's name.
//!
//! A search lists the current members (or the candidates) of the actor's
//! subtree whose name matches the query: every typed word, folded (no tone
//! marks, đ as d, lower case), must start a word of the folded name. Rows
//! come in a stable order (folded given name, folded full name, id) one page
//! at a time after an opaque keyset cursor, never by OFFSET.
//!
//! The plan is chosen by cost, so that a cell secretary and a national admin
//! both get a quick answer (`ranks_store::records::search::Plan`):
//! - a subtree with few rows: its rows, filtered and sorted;
//! - else a word of the query that few names have: those people, filtered;
//! - else (common words, a big subtree) people in list order until the page
//!   is full: common words fill a page quickly.
//!
//! The total is exact when counting is cheap, else "at least N".

use crate::privacy::{personal, CandidateEntry, MemberEntry};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::text::{bounded, fold, limits};
use ranks_domain::{DomainError, MemberStatus, OrgPath};
use ranks_store::records::search::{self as store, NameQuery, Plan};
use ranks_store::Conn;
use serde::Serialize;
use serde_json::json;

/// Rows per page unless the request says otherwise.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most rows a page may ask for.
pub const MAX_LIMIT: u32 = 200;
/// A subtree with at most this many rows is read whole (then filtered).
const SMALL_SCOPE: u64 = 30_000;
/// A word that at most this many rows of the subtree have drives the search.
const RARE_WORD: u64 = 30_000;
/// Rows walked in list order to see whether the walk fills a page.
const WALK_BUDGET: u64 = 20_000;
/// Totals are counted up to this many, then shown as "at least".
const TOTAL_CAP: u64 = 1_000;
/// The longest cursor accepted (a sort key of two 120-character names).
const MAX_CURSOR: usize = 2_000;
/// The longest query accepted, in characters.
const MAX_QUERY: usize = limits::LINE;

/// Which page: how many rows and after which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub limit: u32,
    /// The `next` of the page before; `None` for the first page.
    pub cursor: Option<String>,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: DEFAULT_LIMIT,
            cursor: None,
        }
    }
}

impl Paging {
    /// The paging a request asks for: `limit` a whole number from 1 to
    /// 200 (50 when absent or empty), `cursor` as a page handed it out.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Paging, DomainError> {
        let limit = match limit.map(str::trim).filter(|s| !s.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(s) => match s.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(DomainError::invalid(
                        "limit",
                        s.to_string(),
                        "a whole number from 1 to 200",
                    ))
                }
            },
        };
        let cursor = cursor.map(str::trim).filter(|s| !s.is_empty());
        if let Some(c) = cursor {
            decode_cursor(c)?;
        }
        Ok(Paging {
            limit,
            cursor: cursor.map(str::to_string),
        })
    }
}

/// How many rows match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "count", rename_all = "snake_case")]
pub enum Total {
    Exact(u64),
    /// Counting further would be slow: at least this many.
    AtLeast(u64),
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: Total,
    /// The cursor of the next page; `None` on the last.
    pub next: Option<String>,
}

fn bad_cursor(c: &str) -> DomainError {
    DomainError::invalid("cursor", c.to_string(), "the cursor of the previous page")
}

/// `<id>-<hex of the sort key>`: opaque to clients, checked when read.
fn encode_cursor(sort: &str, id: i64) -> String {
    let mut s = format!("{id}-");
    for b in sort.as_bytes() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn decode_cursor(c: &str) -> Result<(String, i64), DomainError> {
    if c.len() > MAX_CURSOR {
        return Err(bad_cursor(c));
    }
    let (id, hex) = c.split_once('-').ok_or_else(|| bad_cursor(c))?;
    let id: i64 = id
        .parse()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| bad_cursor(c))?;
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad_cursor(c));
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0))
        .collect();
    let sort = String::from_utf8(bytes).map_err(|_| bad_cursor(c))?;
    Ok((sort, id))
}

/// The folded words of a query (at most 300 characters).
fn query_words(query: &str) -> Result<Vec<String>, DomainError> {
    let q = bounded("q", query, MAX_QUERY)?;
    Ok(fold(&q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect())
}

/// The query word whose postings in the subtree are fewest, with their
/// number (counted up to `cap`).
async fn rarest_word<'w>(
    conn: &mut Conn,
    root: &OrgPath,
    words: &'w [String],
    members: bool,
    cap: u64,
) -> Result<Option<(u64, &'w String)>, AppError> {
    let mut rarest: Option<(u64, &String)> = None;
    for w in words {
        let n = store::word_count_capped(conn, root, members, w, cap).await?;
        if rarest.is_none_or(|(m, _)| n < m) {
            rarest = Some((n, w));
        }
    }
    Ok(rarest)
}

/// The cheapest plan for the query in this subtree (see the module). Every
/// plan reads postings that carry the unit's path, so a word within a
/// subtree costs what the subtree holds of it, not what the country does.
async fn choose_plan(conn: &mut Conn, q: &NameQuery<'_>, members: bool) -> Result<Plan, AppError> {
    let Some((n, w)) = rarest_word(conn, q.root, q.words, members, RARE_WORD + 1).await? else {
        let scope = store::subtree_count_capped(conn, q.root, members, SMALL_SCOPE + 1).await?;
        return Ok(if scope <= SMALL_SCOPE {
            Plan::Scope
        } else {
            Plan::Ordered
        });
    };
    if n <= RARE_WORD {
        return Ok(Plan::Word(w.clone()));
    }
    // Every word is common in the subtree: walking the list is quick when
    // they are common together, hopeless when they are rare together
    // ("tran thanh thuy"); then the rarest word's postings are read.
    let want = u64::from(DEFAULT_LIMIT.max(1)) + 1;
    let (hits, ended) = store::ordered_probe(conn, q, members, want, WALK_BUDGET).await?;
    Ok(if hits >= want || ended {
        Plan::Ordered
    } else {
        Plan::Word(w.clone())
    })
}

/// For an export: the rarest word of the query, when the subtree has few
/// rows with it.
pub(crate) async fn export_plan(
    conn: &mut Conn,
    root: &OrgPath,
    words: &[String],
) -> Result<Option<Plan>, AppError> {
    Ok(rarest_word(conn, root, words, true, RARE_WORD + 1)
        .await?
        .filter(|(n, _)| *n <= RARE_WORD)
        .map(|(_, w)| Plan::Word(w.clone())))
}

/// The total of a search: exact on the last first page, else counted up
/// to the cap over the rarest word's postings in the subtree (or the
/// subtree's rows), whatever plan read the page.
async fn total_of(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    members: bool,
    first_page_rows: Option<usize>,
) -> Result<Total, AppError> {
    if let Some(n) = first_page_rows {
        return Ok(Total::Exact(n as u64));
    }
    let q = NameQuery {
        after: None,
        ..q.clone()
    };
    let plan = match rarest_word(conn, q.root, q.words, members, RARE_WORD + 1).await? {
        Some((_, w)) => Plan::Word(w.clone()),
        None => Plan::Scope,
    };
    let n = store::count_capped(conn, &q, &plan, members, TOTAL_CAP).await?;
    Ok(if n >= TOTAL_CAP {
        Total::AtLeast(n)
    } else {
        Total::Exact(n)
    })
}

impl App {
    /// One page of the current members of the subtree (`org`, else the
    /// actor's own unit) whose name matches `query`; `status` keeps one of
    /// the two current statuses.
    pub async fn member_page(
        &self,
        actor: &Actor,
        org: Option<&str>,
        query: &str,
        status: Option<MemberStatus>,
        paging: &Paging,
    ) -> Result<Page<MemberEntry>, AppError> {
        let words = query_words(query)?;
        let after = paging.cursor.as_deref().map(decode_cursor).transpose()?;
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let q = NameQuery {
            root: &root.path,
            words: &words,
            status,
            after: after.clone(),
        };
        let plan = choose_plan(&mut conn, &q, true).await?;
        let mut rows = store::members_page(&mut conn, &q, &plan, paging.limit + 1).await?;
        let more = rows.len() > paging.limit as usize;
        rows.truncate(paging.limit as usize);
        let next = more
            .then(|| {
                rows.last()
                    .map(|r| encode_cursor(&r.name_sort, r.view.person_id))
            })
            .flatten();
        let whole = (after.is_none() && !more).then_some(rows.len());
        let total = total_of(&mut conn, &q, true, whole).await?;
        Ok(Page {
            rows: rows
                .into_iter()
                .map(|r| MemberEntry::shown_to(actor, r.view))
                .collect(),
            total,
            next,
        })
    }

    /// One page of the candidates of the subtree whose name matches
    /// `query`, as [`App::member_page`] (without mentors: the file lists them).
    pub async fn candidate_page(
        &self,
        actor: &Actor,
        org: Option<&str>,
        query: &str,
        paging: &Paging,
    ) -> Result<Page<CandidateEntry>, AppError> {
        let words = query_words(query)?;
        let after = paging.cursor.as_deref().map(decode_cursor).transpose()?;
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let q = NameQuery {
            root: &root.path,
            words: &words,
            status: None,
            after: after.clone(),
        };
        let plan = choose_plan(&mut conn, &q, false).await?;
        let mut rows = store::candidates_page(&mut conn, &q, &plan, paging.limit + 1).await?;
        let more = rows.len() > paging.limit as usize;
        rows.truncate(paging.limit as usize);
        let next = more
            .then(|| rows.last().map(|r| encode_cursor(&r.name_sort, r.id)))
            .flatten();
        let whole = (after.is_none() && !more).then_some(rows.len());
        let total = total_of(&mut conn, &q, false, whole).await?;
        Ok(Page {
            rows: rows
                .into_iter()
                .map(|c| CandidateEntry {
                    id: c.id,
                    full_name: c.full_name,
                    birth_date: personal(actor, c.birth_date),
                    unit_code: c.unit_code,
                    unit_name: c.unit_name,
                    stage: c.stage,
                    stage_since: c.stage_since,
                    movement: c.movement,
                    mentors: Vec::new(),
                })
                .collect(),
            total,
            next,
        })
    }

    /// Corrects the full name of a member's person (a misspelt name, a
    /// name changed by civil record): the registry and its search know the
    /// person by the new name only from the commit on. Audited with both
    /// names.
    pub async fn correct_member_name(
        &self,
        actor: &Actor,
        member_id: i64,
        full_name: &str,
    ) -> Result<(), AppError> {
        let name = bounded("full_name", full_name, limits::NAME)?;
        if fold(&name).is_empty() {
            return Err(DomainError::invalid("full_name", name, "a full name").into());
        }
        self.run(actor, move |cx| {
            Box::pin(async move {
                let m = crate::scope::member(cx.tx.conn(), cx.actor, member_id).await?;
                let old = store::set_name(cx.tx.conn(), m.person_id, &name)
                    .await?
                    .unwrap_or_default();
                cx.audit(
                    "correct_name",
                    "person",
                    m.person_id,
                    Some(json!({"full_name": old})),
                    Some(json!({"full_name": name})),
                )
                .await
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_refuses_garbage() {
        let c = encode_cursor("an nguyen van an", 42);
        assert_eq!(decode_cursor(&c).unwrap(), ("an nguyen van an".into(), 42));
        for bad in ["", "x", "42", "42-zz", "0-61", "-1-61", "42-6", "42-ff"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limit_is_checked() {
        assert_eq!(Paging::parse(None, None).unwrap().limit, 50);
        assert_eq!(Paging::parse(Some("200"), None).unwrap().limit, 200);
        for bad in ["0", "201", "-1", "ten", "1.5"] {
            let DomainError::Invalid { field, .. } = Paging::parse(Some(bad), None).unwrap_err();
            assert_eq!(field, "limit", "{bad}");
        }
        let DomainError::Invalid { field, .. } = Paging::parse(None, Some("nope")).unwrap_err();
        assert_eq!(field, "cursor");
    }
}
