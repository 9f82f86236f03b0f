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
    super::postings::sync_person(conn, person_id).await?;
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

/// How a search reads its page, chosen by the caller by cost. All three
/// read the postings of migration 0015 ([`super::postings`]), which carry
/// the sort key, the unit's path and the status: no other table is read
/// until the page's rows are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The subtree's rows (one range of `name_order_scope`), filtered and
    /// sorted: a small subtree.
    Scope,
    /// The postings of the words that start with this prefix, within the
    /// subtree (one index range per word), filtered and sorted: a word
    /// that is rare in the subtree.
    Word(String),
    /// Everyone in list order (`name_order_sort`), each checked, until the
    /// page is full: no query words (or only prefixes of many words) in a
    /// big subtree.
    Ordered,
    /// The postings of the words that start with this prefix in list order
    /// (`name_postings_sort`, migration 0016), each checked, until the page
    /// is full: words that are all common in a big subtree. Counts and
    /// whole streams read the same rows as [`Plan::Word`].
    WordOrder(String),
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
/// `' ' || name_sort`, with `\` escaping LIKE's wildcards (the sort key
/// holds the same words as the folded name).
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

/// The most distinct words a prefix is expanded into (one index range
/// each); beyond, the prefix is read as one range of words.
const MAX_EXPANSION: usize = 64;

/// The distinct words of the postings (`kind`) that start with `prefix`,
/// by skipping through the index (one seek per word); `None` past
/// [`MAX_EXPANSION`].
pub async fn expand(
    conn: &mut Conn,
    kind: i64,
    prefix: &str,
) -> Result<Option<Vec<String>>, StoreError> {
    let (lo, hi) = prefix_range(prefix);
    let mut out: Vec<String> = Vec::new();
    loop {
        let (cmp, from) = match out.last() {
            Some(w) => (">", w.clone()),
            None => (">=", lo.clone()),
        };
        let next = sqlx::query(&format!(
            "SELECT word FROM name_postings WHERE kind = $1 AND word {cmp} $2 AND word < $3 ORDER BY kind, word LIMIT 1"
        ))
        .bind(kind)
        .bind(from)
        .bind(hi.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(r) = next else {
            return Ok(Some(out));
        };
        if out.len() == MAX_EXPANSION {
            return Ok(None);
        }
        out.push(r.try_get(0)?);
    }
}

/// The SQL of a search's source: `o` is the postings table the plan reads,
/// every filter on its own columns.
struct Sql {
    text: String,
    binds: Vec<Bind>,
    /// The source is exactly the page's rows (by id): no order or limit
    /// of its own. With them SQLite walked `name_order_sort` from the
    /// list's start to find 51 ids in order (0.5 s for a given name in
    /// the middle of the alphabet) rather than look each one up.
    exact: bool,
    /// A word's postings within a subtree: sorted by an expression, so
    /// that no engine reads `name_postings_sort` (the word in list order,
    /// every subtree) to skip the sort; SQLite did, and read all 2.1 M
    /// postings of "nguyen" for a cell's 14 (165 ms).
    sort_not_by_index: bool,
}

impl Sql {
    /// The sort expression's column, when it is not the sort key itself
    /// (PostgreSQL wants a DISTINCT's order in its select list).
    fn key(&self) -> &'static str {
        if self.sort_not_by_index && !self.exact {
            ", o.name_sort || '' AS sort_key"
        } else {
            ""
        }
    }

    /// The source's order and limit inside a page query.
    fn order(&self, limit: &str) -> String {
        if self.exact {
            String::new()
        } else if self.sort_not_by_index {
            format!(" ORDER BY sort_key, o.row_id{limit}")
        } else {
            format!(" ORDER BY o.name_sort, o.row_id{limit}")
        }
    }
}

#[derive(Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

/// `expanded`: with [`Plan::Word`], the words its prefix stands for (`None`:
/// read as a range of words).
fn build(q: &NameQuery<'_>, plan: &Plan, members: bool, expanded: Option<&[String]>) -> Sql {
    let (lo, hi) = q.root.subtree_range();
    let kind = if members {
        super::postings::MEMBER
    } else {
        super::postings::CANDIDATE
    };
    let mut binds = vec![Bind::Int(kind), Bind::Text(lo), Bind::Text(hi)];
    let next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let mut text = match plan {
        Plan::Scope => {
            "FROM name_order o WHERE o.kind = $1 AND o.path >= $2 AND o.path < $3".into()
        }
        // The path is not a range of this index: `|| ''` keeps it a filter.
        Plan::Ordered => {
            "FROM name_order o WHERE o.kind = $1 AND (o.path || '') >= $2 AND (o.path || '') < $3"
                .into()
        }
        Plan::Word(prefix) | Plan::WordOrder(prefix) => {
            let words = match expanded {
                Some(ws) if !ws.is_empty() => {
                    let marks: Vec<String> = ws
                        .iter()
                        .map(|w| next(Bind::Text(w.clone()), &mut binds))
                        .collect();
                    format!("o.word IN ({})", marks.join(", "))
                }
                Some(_) => "1 = 0".into(),
                None => {
                    let (wlo, whi) = prefix_range(prefix);
                    let a = next(Bind::Text(wlo), &mut binds);
                    let b = next(Bind::Text(whi), &mut binds);
                    format!("o.word >= {a} AND o.word < {b}")
                }
            };
            format!("FROM name_postings o WHERE o.kind = $1 AND {words} AND o.path >= $2 AND o.path < $3")
        }
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
        text.push_str(&format!(" AND o.status IN ({})", marks.join(", ")));
    }
    for w in q.words {
        let m = next(Bind::Text(word_pattern(w)), &mut binds);
        text.push_str(&format!(" AND (' ' || o.name_sort) LIKE {m} ESCAPE '\\'"));
    }
    if let Some((sort, id)) = &q.after {
        let a = next(Bind::Text(sort.clone()), &mut binds);
        let b = next(Bind::Int(*id), &mut binds);
        // `name_sort >= a` on its own: an index range where the index is
        // in list order (the OR alone is a filter from the list's start).
        text.push_str(&format!(
            " AND (o.name_sort >= {a} AND (o.name_sort > {a} OR o.row_id > {b}))"
        ));
    }
    Sql {
        text,
        binds,
        exact: false,
        sort_not_by_index: matches!(plan, Plan::Word(_) | Plan::WordOrder(_)),
    }
}

/// A word plan reads one posting per matching word of a name: a name with
/// two words of the prefix ("Thu Thủy" for "thu") is one row, once. A
/// prefix that stands for one word needs no DISTINCT (one posting per
/// person and word), which lets PostgreSQL keep a top-N sort rather than
/// hash every row first.
fn distinct(plan: &Plan, expanded: Option<&[String]>) -> &'static str {
    match (plan, expanded) {
        (Plan::Word(_) | Plan::WordOrder(_), Some(ws)) if ws.len() <= 1 => "",
        (Plan::Word(_) | Plan::WordOrder(_), _) => "DISTINCT ",
        (Plan::Scope | Plan::Ordered, _) => "",
    }
}

/// The words a plan's prefix stands for, looked up when it is a word plan.
async fn expansion(
    conn: &mut Conn,
    plan: &Plan,
    members: bool,
) -> Result<Option<Vec<String>>, StoreError> {
    match plan {
        Plan::Word(prefix) | Plan::WordOrder(prefix) => {
            let kind = if members {
                super::postings::MEMBER
            } else {
                super::postings::CANDIDATE
            };
            expand(conn, kind, prefix).await
        }
        _ => Ok(None),
    }
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

/// The members' page query around the source (`limit`: `None` for all).
async fn member_sql(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    limit: Option<u32>,
) -> Result<(String, Sql), StoreError> {
    let (sql, distinct) = match (plan, limit) {
        (Plan::Ordered, Some(n)) => (ordered_page(conn, q, true, n).await?, ""),
        (Plan::WordOrder(prefix), Some(n)) => {
            (word_order_page(conn, q, true, prefix, n).await?, "")
        }
        _ => {
            let expanded = expansion(conn, plan, true).await?;
            (
                build(q, plan, true, expanded.as_deref()),
                distinct(plan, expanded.as_deref()),
            )
        }
    };
    let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    let text = format!(
        "SELECT m.id AS id, p.id AS person_id, p.full_name AS full_name, p.gender AS gender, \
         p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, m.status AS status, \
         m.admitted_on AS admitted_on, m.official_on AS official_on, f.name_sort AS name_sort \
         FROM (SELECT {}o.row_id AS row_id, o.name_sort AS name_sort{} {}{}) f \
         JOIN people p ON p.id = f.row_id \
         JOIN members m ON m.person_id = p.id AND m.status IN ('probationary', 'official') \
         JOIN units u ON u.id = m.unit_id ORDER BY f.name_sort, f.row_id",
        distinct,
        sql.key(),
        sql.text,
        sql.order(&limit)
    );
    Ok((text, sql))
}

/// One page of current members (at most `limit`), in `(name_sort, person
/// id)` order.
pub async fn members_page(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    limit: u32,
) -> Result<Vec<FoundMember>, StoreError> {
    let (text, sql) = member_sql(conn, q, plan, Some(limit)).await?;
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
    let (sql, distinct) = match plan {
        Plan::Ordered => (ordered_page(conn, q, false, limit).await?, ""),
        Plan::WordOrder(prefix) => (word_order_page(conn, q, false, prefix, limit).await?, ""),
        _ => {
            let expanded = expansion(conn, plan, false).await?;
            (
                build(q, plan, false, expanded.as_deref()),
                distinct(plan, expanded.as_deref()),
            )
        }
    };
    let text = format!(
        "SELECT c.id AS id, p.full_name AS full_name, p.birth_date AS birth_date, u.code AS unit_code, \
         u.name AS unit_name, c.stage AS stage, c.stage_since AS stage_since, f.name_sort AS name_sort, \
         (SELECT mv.name FROM movements mv WHERE mv.id = c.movement_id) AS movement \
         FROM (SELECT {}o.row_id AS row_id, o.name_sort AS name_sort{} {}{}) f \
         JOIN candidates c ON c.id = f.row_id JOIN people p ON p.id = c.person_id \
         JOIN units u ON u.id = c.unit_id ORDER BY f.name_sort, f.row_id",
        distinct,
        sql.key(),
        sql.text,
        sql.order(&format!(" LIMIT {limit}"))
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

/// How many rows the query finds by this plan, counting at most `cap`
/// (`members`: members, else candidates).
pub async fn count_capped(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    plan: &Plan,
    members: bool,
    cap: u64,
) -> Result<u64, StoreError> {
    let expanded = expansion(conn, plan, members).await?;
    let sql = build(q, plan, members, expanded.as_deref());
    // No DISTINCT under the LIMIT: PostgreSQL hashes every row of a
    // DISTINCT before the LIMIT applies (a national word: 2.1 M rows, 5 s).
    // The first `cap * m` rows are counted, each person once; a person has
    // at most one row per word of the name, so when those rows hold fewer
    // than `cap` people but were all there is, the count is exact, and
    // otherwise `m` doubles (only names with several words of the prefix
    // need it).
    let cap = cap.max(1);
    let mut m: u64 = 1;
    loop {
        let rows = cap.saturating_mul(m);
        let text = format!(
            "SELECT COUNT(*), COUNT(DISTINCT one) FROM (SELECT o.row_id AS one {} LIMIT {rows}) found",
            sql.text
        );
        let r = bind_all(sqlx::query(&text), &sql.binds)
            .fetch_one(&mut *conn)
            .await?;
        let read = r.try_get::<i64, _>(0)?.max(0) as u64;
        let people = r.try_get::<i64, _>(1)?.max(0) as u64;
        if people >= cap || read < rows {
            return Ok(people.min(cap));
        }
        m *= 2;
    }
}

/// How many postings of the subtree (`members`: current members, else
/// candidates) have a word starting with `prefix`, counting at most `cap`
/// (one index range per word: nothing outside the subtree is read).
pub async fn word_count_capped(
    conn: &mut Conn,
    root: &OrgPath,
    members: bool,
    prefix: &str,
    cap: u64,
) -> Result<u64, StoreError> {
    let q = NameQuery {
        root,
        words: &[],
        status: None,
        after: None,
    };
    count_capped(conn, &q, &Plan::Word(prefix.to_string()), members, cap).await
}

/// How many current members (or candidates) the subtree has, counting at
/// most `cap` (one index range).
pub async fn subtree_count_capped(
    conn: &mut Conn,
    root: &OrgPath,
    members: bool,
    cap: u64,
) -> Result<u64, StoreError> {
    let q = NameQuery {
        root,
        words: &[],
        status: None,
        after: None,
    };
    count_capped(conn, &q, &Plan::Scope, members, cap).await
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
    let (text, sql) = member_sql(conn, q, plan, None).await?;
    let mut rows = bind_all(sqlx::query(&text), &sql.binds).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        if !each(found_member(&r)?).await {
            break;
        }
    }
    Ok(())
}

/// With [`Plan::Ordered`]: how many of the first `budget` rows in list
/// order after the cursor (whatever their subtree or name) match, counting
/// at most `want`; and whether the list ended within the budget. Tells
/// whether the walk fills a page cheaply.
pub async fn ordered_probe(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    members: bool,
    want: u64,
    budget: u64,
) -> Result<(u64, bool), StoreError> {
    let sql = build(q, &Plan::Ordered, members, None);
    // The walk's rows: the source's first filters (kind, cursor) only.
    let text = format!(
        "SELECT COUNT(*), SUM(CASE WHEN hit THEN 1 ELSE 0 END) FROM \
         (SELECT ({}) AS hit FROM name_order o WHERE o.kind = $1{} \
         ORDER BY o.name_sort, o.row_id LIMIT {budget}) walked",
        probe_condition(&sql.text),
        cursor_condition(&sql.text),
    );
    let r = bind_all(sqlx::query(&text), &sql.binds)
        .fetch_one(&mut *conn)
        .await?;
    let walked: i64 = r.try_get(0)?;
    let hits: Option<i64> = r.try_get(1)?;
    let hits = hits.unwrap_or(0).max(0) as u64;
    Ok((hits.min(want), (walked.max(0) as u64) < budget))
}

/// [`Plan::Ordered`] for one page: the list is walked a chunk at a time
/// (each chunk the next rows of `name_order_sort` after the last one seen,
/// only the kind and position in the WHERE, so that no engine plans it as
/// a scan and a sort), each row checked, until `limit` rows match or the
/// list ends. Returns the source of exactly those rows.
async fn ordered_page(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    members: bool,
    limit: u32,
) -> Result<Sql, StoreError> {
    let sql = build(q, &Plan::Ordered, members, None);
    let hit = probe_condition(&sql.text);
    let mut walked: Option<(String, i64)> = q.after.clone();
    let mut ids: Vec<i64> = Vec::new();
    // Debug builds (the tests) walk in small chunks so that the small
    // registries of the tests go through the continuation too.
    let mut chunk: usize = if cfg!(debug_assertions) { 8 } else { 2_000 };
    'walk: loop {
        let mut binds = sql.binds.clone();
        let from = after_position(&mut binds, walked.as_ref());
        let text = format!(
            "SELECT o.row_id, o.name_sort, CAST(CASE WHEN {hit} THEN 1 ELSE 0 END AS BIGINT) AS hit \
             FROM (SELECT kind, row_id, name_sort, path, status FROM name_order WHERE kind = $1{from} \
             ORDER BY kind, name_sort, row_id LIMIT {chunk}) o ORDER BY o.name_sort, o.row_id"
        );
        let rows = bind_all(sqlx::query(&text), &binds)
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            walked = Some((r.try_get(1)?, id));
            if r.try_get::<i64, _>(2)? == 1 {
                ids.push(id);
                if ids.len() >= limit as usize {
                    break 'walk;
                }
            }
        }
        if rows.len() < chunk {
            break;
        }
        chunk = (chunk * 4).min(50_000);
    }
    Ok(rows_by_id(members, &ids))
}

/// ` AND …` for the rows after a position `(name_sort, row_id)` in list
/// order, its values bound after `binds`: the first condition is the index
/// range, the second only drops the rows of the same sort key up to the
/// position. Empty without a position.
fn after_position(binds: &mut Vec<Bind>, from: Option<&(String, i64)>) -> String {
    match from {
        Some((sort, id)) => {
            binds.push(Bind::Text(sort.clone()));
            binds.push(Bind::Int(*id));
            let (a, b) = (binds.len() - 1, binds.len());
            format!(" AND name_sort >= ${a} AND (name_sort > ${a} OR row_id > ${b})")
        }
        None => String::new(),
    }
}

/// The most words a prefix may stand for to be walked in list order (each
/// chunk reads one range of `name_postings_sort` per word).
pub const MAX_WALK_WORDS: usize = 8;

/// What a walk along a word's postings in list order found.
#[derive(Debug, Clone, Default)]
pub struct Walked {
    /// The matching rows (person or candidate ids), in list order.
    pub ids: Vec<i64>,
    /// Rows read.
    pub read: u64,
    /// Whether the postings ended (every match after the cursor is in `ids`).
    pub ended: bool,
}

/// The rows of a word's postings in list order after a position, each
/// with whether it matches the query: one index range of
/// `name_postings_sort` (kind, word, then the list order), `chunk` rows.
async fn word_chunk(
    conn: &mut Conn,
    source: &Sql,
    hit: &str,
    word: &str,
    from: Option<&(String, i64)>,
    chunk: usize,
) -> Result<Vec<(String, i64, bool)>, StoreError> {
    let mut binds = source.binds.clone();
    binds.push(Bind::Text(word.to_string()));
    let w = binds.len();
    let from = after_position(&mut binds, from);
    let text = format!(
        "SELECT o.row_id, o.name_sort, CAST(CASE WHEN {hit} THEN 1 ELSE 0 END AS BIGINT) AS hit \
         FROM (SELECT kind, row_id, name_sort, path, status FROM name_postings \
         WHERE kind = $1 AND word = ${w}{from} \
         ORDER BY kind, word, name_sort, row_id LIMIT {chunk}) o ORDER BY o.name_sort, o.row_id"
    );
    let rows = bind_all(sqlx::query(&text), &binds)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>(1)?,
                r.try_get::<i64, _>(0)?,
                r.try_get::<i64, _>(2)? == 1,
            ))
        })
        .collect()
}

/// Walks the postings of the words `prefix` stands for in list order from
/// the query's cursor, each row checked (subtree, status, every query
/// word, the cursor), until `want` rows match, the postings end, or
/// `budget` rows were read (`None`: no budget). The words' ranges are read
/// a chunk at a time and merged; a person found under two of the words is
/// one row. `None` when the prefix stands for more than
/// [`MAX_WALK_WORDS`] words.
pub async fn walk_word(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    members: bool,
    prefix: &str,
    want: usize,
    budget: Option<u64>,
) -> Result<Option<Walked>, StoreError> {
    let kind = if members {
        super::postings::MEMBER
    } else {
        super::postings::CANDIDATE
    };
    let words = match expand(conn, kind, prefix).await? {
        Some(ws) if ws.len() <= MAX_WALK_WORDS => ws,
        _ => return Ok(None),
    };
    let source = build(q, &Plan::Ordered, members, None);
    let hit = probe_condition(&source.text);
    let mut walked = Walked::default();
    let mut at: Option<(String, i64)> = q.after.clone();
    // Debug builds (the tests) read small chunks so that the small
    // registries of the tests go through the continuation too.
    let mut chunk: usize = if cfg!(debug_assertions) { 8 } else { 500 };
    if let Some(b) = budget {
        chunk = chunk.min(b as usize).max(1);
    }
    loop {
        let mut rows: Vec<(String, i64, bool)> = Vec::new();
        // The position up to which every word's rows were read.
        let mut bound: Option<(String, i64)> = None;
        for w in &words {
            let got = word_chunk(conn, &source, &hit, w, at.as_ref(), chunk).await?;
            if got.len() == chunk {
                let last = got.last().map(|(s, i, _)| (s.clone(), *i));
                if bound.is_none() || last < bound {
                    bound = last;
                }
            }
            rows.extend(got);
        }
        rows.sort();
        rows.dedup_by(|a, b| a.1 == b.1 && a.0 == b.0);
        for (sort, id, matched) in rows {
            if bound
                .as_ref()
                .is_some_and(|(bs, bi)| (&sort, id) > (bs, *bi))
            {
                break;
            }
            walked.read += 1;
            if matched {
                walked.ids.push(id);
                if walked.ids.len() >= want {
                    return Ok(Some(walked));
                }
            }
        }
        let Some(b) = bound else {
            walked.ended = true;
            return Ok(Some(walked));
        };
        if budget.is_some_and(|n| walked.read >= n) {
            return Ok(Some(walked));
        }
        at = Some(b);
        chunk = (chunk * 4).min(20_000);
        if let Some(n) = budget {
            chunk = chunk.min((n - walked.read) as usize).max(1);
        }
    }
}

/// [`Plan::WordOrder`] for one page: the rows [`walk_word`] finds (the
/// whole list when the prefix stands for too many words).
async fn word_order_page(
    conn: &mut Conn,
    q: &NameQuery<'_>,
    members: bool,
    prefix: &str,
    limit: u32,
) -> Result<Sql, StoreError> {
    let Some(walked) = walk_word(conn, q, members, prefix, limit as usize, None).await? else {
        return ordered_page(conn, q, members, limit).await;
    };
    Ok(rows_by_id(members, &walked.ids))
}

/// The source of exactly these rows of `name_order`.
fn rows_by_id(members: bool, ids: &[i64]) -> Sql {
    let kind = if members {
        super::postings::MEMBER
    } else {
        super::postings::CANDIDATE
    };
    let mut binds = vec![Bind::Int(kind)];
    let marks: Vec<String> = ids
        .iter()
        .map(|id| {
            binds.push(Bind::Int(*id));
            format!("${}", binds.len())
        })
        .collect();
    let list = if marks.is_empty() {
        "1 = 0".to_string()
    } else {
        format!("o.row_id IN ({})", marks.join(", "))
    };
    Sql {
        text: format!("FROM name_order o WHERE o.kind = $1 AND {list}"),
        binds,
        exact: true,
        sort_not_by_index: false,
    }
}

/// The conditions of an ordered source after `WHERE o.kind = $1 AND `.
fn probe_condition(source: &str) -> String {
    source
        .split_once("WHERE o.kind = $1 AND ")
        .map(|(_, c)| c.to_string())
        .unwrap_or_else(|| "1 = 1".into())
}

/// The cursor's condition of a source, if any, as ` AND (…)`.
fn cursor_condition(source: &str) -> String {
    source
        .find(" AND (o.name_sort >= ")
        .map(|i| source[i..].to_string())
        .unwrap_or_default()
}

/// The SQL that computes the search postings from scratch (migration
/// 0015's backfill, the bulk loader's), for tests that compare.
pub fn postings_rebuild_sql() -> &'static str {
    super::postings::REBUILD
}
