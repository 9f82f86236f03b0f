//! The registry's name search (issue 16): every person carries a folded
//! name (`people.name_key`, no tone marks, đ as d, lower case), a sort key
//! (`people.name_sort`: the folded given name, then the folded full name,
//! compared byte by byte on both engines) and one `name_words` row per
//! distinct word of the folded name, indexed by word. Every path that writes
//! a name writes all three: [`insert_words`] for a new person,
//! [`set_name`] for a correction, the bulk loader through [`keys`], and the
//! migration 0014 backfill through [`backfill`].
//!
//! A query word must start a word of the name. A search reads one page in
//! `(name_sort, id)` order after a keyset cursor, by one of three plans the
//! caller chooses by cost ([`Plan`]); the SQL is the same on both engines.

use super::{date, opt_date};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::text::fold;
use ranks_domain::{Date, MemberStatus, OrgPath, UnitCode};
use sqlx::Row;

/// The folded name, the sort key and the distinct words of a full name.
pub fn keys(full_name: &str) -> (String, String, Vec<String>) {
    let key = fold(full_name);
    let given = key.rsplit(' ').next().unwrap_or("");
    let sort = format!("{given} {key}");
    let mut words: Vec<String> = key
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    (key, sort, words)
}

/// The bounds of the words that start with `prefix`: `[lo, hi)` byte-wise.
pub fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

/// Writes the keys and words of a person just inserted (or renamed).
pub async fn insert_words(
    conn: &mut Conn,
    person_id: i64,
    full_name: &str,
) -> Result<(), StoreError> {
    let (key, sort, words) = keys(full_name);
    sqlx::query("UPDATE people SET name_key = $1, name_sort = $2 WHERE id = $3")
        .bind(&key)
        .bind(&sort)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    for w in words {
        sqlx::query("INSERT INTO name_words (word, person_id) VALUES ($1, $2)")
            .bind(w)
            .bind(person_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Corrects a person's full name: the name, its keys and its words change
/// together (in the caller's transaction). Returns the old name.
pub async fn set_name(
    conn: &mut Conn,
    person_id: i64,
    full_name: &str,
) -> Result<Option<String>, StoreError> {
    let Some(old) = sqlx::query("SELECT full_name FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let old: String = old.try_get(0)?;
    for w in keys(&old).2 {
        sqlx::query("DELETE FROM name_words WHERE word = $1 AND person_id = $2")
            .bind(w)
            .bind(person_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE people SET full_name = $1 WHERE id = $2")
        .bind(full_name)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    insert_words(conn, person_id, full_name).await?;
    Ok(Some(old))
}

/// Migration 0014: keys and words for every person already there, in
/// batches by id, each batch one UPDATE and a few multi-row INSERTs (a
/// statement per person took over 20 minutes for a national database); the
/// two indexes are built once at the end rather than kept up row by row.
pub async fn backfill(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    let mut after = 0i64;
    loop {
        let rows =
            sqlx::query("SELECT id, full_name FROM people WHERE id > $1 ORDER BY id LIMIT 5000")
                .bind(after)
                .fetch_all(&mut *conn)
                .await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.try_get(0)?;
        let mut people = Vec::with_capacity(rows.len());
        let mut words = Vec::with_capacity(rows.len() * 3);
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            let name: String = r.try_get(1)?;
            let (key, sort, ws) = keys(&name);
            words.extend(ws.into_iter().map(|w| (w, id)));
            people.push((id, key, sort));
        }
        for chunk in people.chunks(BACKFILL_ROWS) {
            let values = placeholders(chunk.len(), 3);
            let sql = format!(
                "UPDATE people SET name_key = v.column2, name_sort = v.column3 \
                 FROM (VALUES {values}) AS v WHERE people.id = v.column1"
            );
            let mut q = sqlx::query(&sql);
            for (id, key, sort) in chunk {
                q = q.bind(*id).bind(key.as_str()).bind(sort.as_str());
            }
            q.execute(&mut *conn).await?;
        }
        for chunk in words.chunks(BACKFILL_ROWS) {
            let values = placeholders(chunk.len(), 2);
            let sql = format!("INSERT INTO name_words (word, person_id) VALUES {values}");
            let mut q = sqlx::query(&sql);
            for (w, id) in chunk {
                q = q.bind(w.as_str()).bind(*id);
            }
            q.execute(&mut *conn).await?;
        }
    }
    sqlx::raw_sql(
        "CREATE INDEX people_name_sort ON people(name_sort, id);
         CREATE INDEX name_words_word ON name_words(word, person_id);",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Rows per statement of the backfill (3 parameters each: well under
/// SQLite's 32,766 and PostgreSQL's 65,535).
const BACKFILL_ROWS: usize = 1000;

/// `($1, $2), ($3, $4), ...` for `rows` rows of `width` parameters.
fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a search reads its page, chosen by the caller by cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The subtree's rows first (a small subtree), then sorted.
    Scope,
    /// The people whose name has a word starting with this prefix first
    /// (a rare word), then sorted.
    Word(String),
    /// People in sort order, each checked (common words, big subtree): the
    /// page ends as soon as it is full.
    Ordered,
}

/// What to find: current members (or candidates) of a subtree whose name
/// has a word starting with each of `words` (folded), after a cursor.
#[derive(Debug, Clone)]
pub struct NameQuery<'a> {
    pub root: &'a OrgPath,
    pub words: &'a [String],
    /// Members only: one status rather than both current ones.
    pub status: Option<MemberStatus>,
    /// The last row of the page before: (name_sort, person id for members,
    /// candidate id for candidates).
    pub after: Option<(String, i64)>,
}

/// A member found, with its sort key for the next page's cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundMember {
    pub view: super::members::MemberView,
    pub name_sort: String,
}

/// A LIKE pattern for "a word of the name starts with `w`" over
/// `' ' || name_key`, with `\` escaping LIKE's wildcards.
fn word_pattern(w: &str) -> String {
    let mut p = String::from("% ");
    for c in w.chars() {
        if matches!(c, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The FROM and WHERE of a search: `row` is the table of the rows listed
/// (`members m` or `candidates c`), `tie` the column breaking ties.
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

enum Bind {
    Text(String),
    Int(i64),
}

fn build(q: &NameQuery<'_>, plan: &Plan, members: bool) -> Sql {
    let (lo, hi) = q.root.subtree_range();
    let row = if members { "members m" } else { "candidates c" };
    let r = if members { "m" } else { "c" };
    let from = match plan {
        Plan::Scope => format!(
            "FROM units u CROSS JOIN {row} CROSS JOIN people p WHERE {r}.unit_id = u.id AND p.id = {r}.person_id"
        ),
        Plan::Word(_) | Plan::Ordered => format!(
            "FROM people p CROSS JOIN {row} CROSS JOIN units u WHERE {r}.person_id = p.id AND u.id = {r}.unit_id"
        ),
    };
    let mut binds = vec![Bind::Text(lo), Bind::Text(hi)];
    let mut text = format!("{from} AND u.path >= $1 AND u.path < $2");
    let next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    if members {
        let statuses: Vec<MemberStatus> = match q.status {
            Some(s) => vec![s],
            None => vec![MemberStatus::Probationary, MemberStatus::Official],
        };
        let marks: Vec<String> = statuses
            .iter()
            .map(|s| next(Bind::Text(s.as_str().to_string()), &mut binds))
            .collect();
        text.push_str(&format!(" AND m.status IN ({})", marks.join(", ")));
    }
    if let Plan::Word(prefix) = plan {
        let (wlo, whi) = prefix_range(prefix);
        let a = next(Bind::Text(wlo), &mut binds);
        let b = next(Bind::Text(whi), &mut binds);
        text.push_str(&format!(
            " AND p.id IN (SELECT w.person_id FROM name_words w WHERE w.word >= {a} AND w.word < {b})"
        ));
    }
    for w in q.words {
        let m = next(Bind::Text(word_pattern(w)), &mut binds);
        text.push_str(&format!(" AND (' ' || p.name_key) LIKE {m} ESCAPE '\\'"));
    }
    let tie = if members { "p.id" } else { "c.id" };
    if let Some((sort, id)) = &q.after {
        let a = next(Bind::Text(sort.clone()), &mut binds);
        let b = next(Bind::Int(*id), &mut binds);
        text.push_str(&format!(
            " AND (p.name_sort > {a} OR (p.name_sort = {a} AND {tie} > {b}))"
        ));
    }
    Sql { text, binds }
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Text(s) => query.bind(s.as_str()),
            Bind::Int(i) => query.bind(*i),
        };
    }
    query
}

/// One page of current members (at most `limit`), in `(name_sort, person
/// id)` order.
pub async fn members_page(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    limit: u32,
) -> Result<Vec<FoundMember>, StoreError> {
    let sql = build(q, plan, true);
    let text = format!(
        "SELECT m.id AS id, p.id AS person_id, p.full_name AS full_name, p.gender AS gender, \
         p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, m.status AS status, \
         m.admitted_on AS admitted_on, m.official_on AS official_on, p.name_sort AS name_sort {} \
         ORDER BY p.name_sort, p.id LIMIT {limit}",
        sql.text
    );
    let rows = bind_all(sqlx::query(&text), &sql.binds)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(found_member).collect()
}

fn found_member(r: &sqlx::any::AnyRow) -> Result<FoundMember, StoreError> {
    Ok(FoundMember {
        view: super::members::MemberView {
            id: r.try_get("id")?,
            person_id: r.try_get("person_id")?,
            full_name: r.try_get("full_name")?,
            gender: r.try_get("gender")?,
            birth_date: date(r, "birth_date")?,
            unit_code: UnitCode::parse(&r.try_get::<String, _>("unit_code")?)?,
            unit_name: r.try_get("unit_name")?,
            status: MemberStatus::parse(&r.try_get::<String, _>("status")?)?,
            admitted_on: date(r, "admitted_on")?,
            official_on: opt_date(r, "official_on")?,
        },
        name_sort: r.try_get("name_sort")?,
    })
}

/// A candidate found, with its sort key for the next page's cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCandidate {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Date,
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub stage: String,
    pub stage_since: Date,
    pub movement: Option<String>,
    pub name_sort: String,
}

/// One page of the subtree's candidates (at most `limit`), in
/// `(name_sort, candidate id)` order.
pub async fn candidates_page(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    limit: u32,
) -> Result<Vec<FoundCandidate>, StoreError> {
    let sql = build(q, plan, false);
    let text = format!(
        "SELECT c.id AS id, p.full_name AS full_name, p.birth_date AS birth_date, u.code AS unit_code, \
         u.name AS unit_name, c.stage AS stage, c.stage_since AS stage_since, p.name_sort AS name_sort, \
         (SELECT mv.name FROM movements mv WHERE mv.id = c.movement_id) AS movement {} \
         ORDER BY p.name_sort, c.id LIMIT {limit}",
        sql.text
    );
    let rows = bind_all(sqlx::query(&text), &sql.binds)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(FoundCandidate {
                id: r.try_get("id")?,
                full_name: r.try_get("full_name")?,
                birth_date: date(r, "birth_date")?,
                unit_code: UnitCode::parse(&r.try_get::<String, _>("unit_code")?)?,
                unit_name: r.try_get("unit_name")?,
                stage: r.try_get("stage")?,
                stage_since: date(r, "stage_since")?,
                movement: r.try_get("movement")?,
                name_sort: r.try_get("name_sort")?,
            })
        })
        .collect()
}

/// How many rows the query finds, counting at most `cap` (`members`:
/// members, else candidates); with [`Plan::Ordered`], looking at no more
/// than `budget` people in sort order.
pub async fn count_capped(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    members: bool,
    cap: u64,
    budget: u64,
) -> Result<u64, StoreError> {
    let sql = build(q, plan, members);
    let mut from = sql.text.clone();
    if *plan == Plan::Ordered {
        from = from.replacen(
            "FROM people p",
            &format!(
                "FROM (SELECT id, name_key, name_sort FROM people ORDER BY name_sort, id LIMIT {budget}) p"
            ),
            1,
        );
    }
    let text = format!("SELECT COUNT(*) FROM (SELECT 1 AS one {from} LIMIT {cap}) found");
    let n: i64 = bind_all(sqlx::query(&text), &sql.binds)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(n.max(0) as u64)
}

/// How many people have a word starting with `prefix`, counting at most `cap`.
pub async fn word_count_capped(conn: &mut Conn, prefix: &str, cap: u64) -> Result<u64, StoreError> {
    let (lo, hi) = prefix_range(prefix);
    let n: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) FROM (SELECT 1 AS one FROM name_words WHERE word >= $1 AND word < $2 LIMIT {cap}) w"
    ))
    .bind(lo)
    .bind(hi)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(n.max(0) as u64)
}

/// How many current members (or candidates) the subtree has, counting at
/// most `cap`.
pub async fn subtree_count_capped(
    conn: &mut Conn,
    root: &OrgPath,
    members: bool,
    cap: u64,
) -> Result<u64, StoreError> {
    let (lo, hi) = root.subtree_range();
    let text = if members {
        format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM units u CROSS JOIN members m \
             WHERE m.unit_id = u.id AND u.path >= $1 AND u.path < $2 AND m.status IN ($3, $4) LIMIT {cap}) s"
        )
    } else {
        format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM units u CROSS JOIN candidates c \
             WHERE c.unit_id = u.id AND u.path >= $1 AND u.path < $2 AND $3 <> $4 LIMIT {cap}) s"
        )
    };
    let n: i64 = sqlx::query(&text)
        .bind(lo)
        .bind(hi)
        .bind(MemberStatus::Probationary.as_str())
        .bind(MemberStatus::Official.as_str())
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(n.max(0) as u64)
}

/// Every row of a search, in list order, handed to `each` one at a time
/// as the database returns them (the connection streams; nothing is
/// collected here); `each` answers `false` to stop.
pub async fn each_member<F, Fut>(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    mut each: F,
) -> Result<(), StoreError>
where
    F: FnMut(FoundMember) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    use futures_util::TryStreamExt;
    let sql = build(q, plan, true);
    let text = format!(
        "SELECT m.id AS id, p.id AS person_id, p.full_name AS full_name, p.gender AS gender, \
         p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, m.status AS status, \
         m.admitted_on AS admitted_on, m.official_on AS official_on, p.name_sort AS name_sort {} \
         ORDER BY p.name_sort, p.id",
        sql.text
    );
    let mut rows = bind_all(sqlx::query(&text), &sql.binds).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        if !each(found_member(&r)?).await {
            break;
        }
    }
    Ok(())
}

/// How many of the first `sample` people (by id, which says nothing of
/// their names) match every word: the query's selectivity, estimated.
pub async fn sample_matches(
    conn: &mut Conn,
    words: &[String],
    sample: u64,
) -> Result<u64, StoreError> {
    let mut text = format!(
        "SELECT COUNT(*) FROM (SELECT name_key FROM people ORDER BY id LIMIT {sample}) p WHERE 1 = 1"
    );
    for i in 1..=words.len() {
        text.push_str(&format!(" AND (' ' || p.name_key) LIKE ${i} ESCAPE '\\'"));
    }
    let mut q = sqlx::query(&text);
    for w in words {
        q = q.bind(word_pattern(w));
    }
    let n: i64 = q.fetch_one(&mut *conn).await?.try_get(0)?;
    Ok(n.max(0) as u64)
}
