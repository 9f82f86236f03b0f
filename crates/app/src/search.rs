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
//! - else (common words, a big subtree) one word's postings in list order
//!   until the page is full: common words fill a page quickly (without
//!   words, everyone in list order).
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
/// A word that at most this many rows of the subtree have drives the search
/// (its rows are read whole and sorted). Counting a word to this cap is
/// the first cost of every search with words (about 1 µs a row); above it
/// a walk in list order fills a page from fewer rows.
const RARE_WORD: u64 = 10_000;
/// A word this rare in the subtree drives the search without counting
/// the query's other words.
const RARE_ENOUGH: u64 = 1_000;
/// Rows walked in list order to see whether the walk fills a page.
const WALK_BUDGET: u64 = 20_000;
/// Postings of a query word read in list order to see whether walking
/// them fills a page.
const WORD_PROBE: u64 = 2_000;
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
/// number (counted up to `cap`), counting from the last word typed and
/// stopping at one with at most [`RARE_ENOUGH`]. Of words counted to the
/// cap, the last one typed: in a Vietnamese name the family and middle
/// names are the common words and the given name, usually typed last, the
/// rarest (a guess that only ever costs time, never changes a result).
async fn rarest_word<'w>(
    conn: &mut Conn,
    root: &OrgPath,
    words: &'w [String],
    members: bool,
    cap: u64,
) -> Result<Option<(u64, &'w String)>, AppError> {
    let mut rarest: Option<(u64, &String)> = None;
    for w in words.iter().rev() {
        let n = store::word_count_capped(conn, root, members, w, cap).await?;
        if rarest.is_none_or(|(m, _)| n < m) {
            rarest = Some((n, w));
        }
        if n <= RARE_ENOUGH {
            break;
        }
    }
    Ok(rarest)
}

/// The cheapest plan for the query in this subtree (see the module), with
/// the rarest query word and its count in the subtree (counted up to
/// [`RARE_WORD`] + 1; the total counts over its postings). Every plan reads
/// postings that carry the unit's path, so a word within a subtree costs
/// what the subtree holds of it, not what the country does.
async fn choose_plan(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    members: bool,
) -> Result<(Plan, Option<(u64, String)>), AppError> {
    let Some((n, w)) = rarest_word(conn, q.root, q.words, members, RARE_WORD + 1).await? else {
        let scope = store::subtree_count_capped(conn, q.root, members, SMALL_SCOPE + 1).await?;
        let plan = if scope <= SMALL_SCOPE {
            Plan::Scope
        } else {
            Plan::Ordered
        };
        return Ok((plan, None));
    };
    let rarest = Some((n, w.clone()));
    if n <= RARE_WORD {
        return Ok((Plan::Word(w.clone()), rarest));
    }
    // Every word is common in the subtree: walking one word's postings in
    // list order fills a page quickly when the words are common together
    // ("nguyen", "nguyen thi"); a probe of each word's first postings
    // tells which word, if any. Rare together ("tran thanh thuy": every
    // word common, few names with all three), the rarest word's postings
    // in the subtree are read whole.
    let want = DEFAULT_LIMIT as usize + 1;
    let mut best: Option<(usize, &String)> = None;
    let mut walkable = false;
    for word in q.words.iter().rev() {
        let Some(probe) = store::walk_word(conn, q, members, word, want, Some(WORD_PROBE)).await?
        else {
            continue;
        };
        walkable = true;
        if probe.ids.len() >= want || probe.ended {
            return Ok((Plan::WordOrder(word.clone()), rarest));
        }
        if best.is_none_or(|(h, _)| probe.ids.len() > h) {
            best = Some((probe.ids.len(), word));
        }
    }
    if let Some((_, word)) = best.filter(|(h, _)| *h > 0) {
        // Some matches among the first postings: a page within about
        // `want / hits` probes' worth of rows.
        return Ok((Plan::WordOrder(word.clone()), rarest));
    }
    if !walkable {
        // Only prefixes of many words ("a", "th"): everyone in list order.
        let want = want as u64;
        let (hits, ended) = store::ordered_probe(conn, q, members, want, WALK_BUDGET).await?;
        if hits >= want || ended {
            return Ok((Plan::Ordered, rarest));
        }
    }
    Ok((Plan::Word(w.clone()), rarest))
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
    rarest: Option<&(u64, String)>,
    first_page_rows: Option<usize>,
) -> Result<Total, AppError> {
    if let Some(n) = first_page_rows {
        return Ok(Total::Exact(n as u64));
    }
    let q = NameQuery {
        after: None,
        ..q.clone()
    };
    let plan = match rarest {
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
        let (plan, rarest) = choose_plan(&mut conn, &q, true).await?;
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
        let total = total_of(&mut conn, &q, true, rarest.as_ref(), whole).await?;
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
        let (plan, rarest) = choose_plan(&mut conn, &q, false).await?;
        let mut rows = store::candidates_page(&mut conn, &q, &plan, paging.limit + 1).await?;
        let more = rows.len() > paging.limit as usize;
        rows.truncate(paging.limit as usize);
        let next = more
            .then(|| rows.last().map(|r| encode_cursor(&r.name_sort, r.id)))
            .flatten();
        let whole = (after.is_none() && !more).then_some(rows.len());
        let total = total_of(&mut conn, &q, false, rarest.as_ref(), whole).await?;
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
