//! The search's postings that carry the scope (issue 16, migration 0015):
//! `name_order` holds one row per listed person (every current member,
//! kind 0, by person id; every candidate, kind 1, by candidate id) with
//! its sort key, the path of its unit and its status; `name_postings` the
//! same once per distinct word of the name. A word within a subtree is then
//! one index range, a subtree one range of `name_order_scope`, and the list
//! order of everyone `name_order_sort`, none of them reading another table.
//!
//! Both are derived data: [`rebuild`] computes them from scratch in plain
//! SQL (from `name_words`, `members`, `candidates`, `people` and `units`) for
//! the migration and the bulk loader; every other writer keeps them right
//! row by row in its own transaction: [`sync_member`] after a member is
//! inserted, saved (transfer, status, …) or deleted, [`sync_candidate`]
//! after a candidate is inserted, [`sync_person`] after a name correction,
//! [`rebase`] when a unit moves (its subtree's paths change).

use crate::error::StoreError;
use crate::Conn;
use ranks_domain::MemberStatus;
use sqlx::Row;

/// What keeping the postings up has cost this process's writers: calls of
/// [`sync_member`], [`sync_candidate`] and [`sync_person`], and their
/// nanoseconds (read by `ranks bench --pages` for the cost per write).
static UPKEEP_CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static UPKEEP_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// (calls, time) spent keeping the postings up since the process began.
pub fn upkeep() -> (u64, std::time::Duration) {
    use std::sync::atomic::Ordering::Relaxed;
    (
        UPKEEP_CALLS.load(Relaxed),
        std::time::Duration::from_nanos(UPKEEP_NANOS.load(Relaxed)),
    )
}

/// Counts one upkeep call and its time.
fn counted(started: std::time::Instant) {
    use std::sync::atomic::Ordering::Relaxed;
    UPKEEP_CALLS.fetch_add(1, Relaxed);
    let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    UPKEEP_NANOS.fetch_add(nanos, Relaxed);
}

/// `name_order.kind` / `name_postings.kind` of a current member.
pub const MEMBER: i64 = 0;
/// … of a candidate.
pub const CANDIDATE: i64 = 1;

/// The distinct words of a sort key (the same words as the folded name's:
/// the sort key is the given name, a space and the folded name).
fn words_of(name_sort: &str) -> Vec<&str> {
    let mut w: Vec<&str> = name_sort.split(' ').filter(|w| !w.is_empty()).collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// Removes the rows of one listed person (whatever they were).
async fn remove(conn: &mut Conn, kind: i64, row_id: i64) -> Result<(), StoreError> {
    let Some(old) =
        sqlx::query("SELECT name_sort, path FROM name_order WHERE kind = $1 AND row_id = $2")
            .bind(kind)
            .bind(row_id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(());
    };
    let sort: String = old.try_get(0)?;
    let path: String = old.try_get(1)?;
    for w in words_of(&sort) {
        sqlx::query(
            "DELETE FROM name_postings WHERE kind = $1 AND word = $2 AND path = $3 AND row_id = $4",
        )
        .bind(kind)
        .bind(w)
        .bind(path.as_str())
        .bind(row_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM name_order WHERE kind = $1 AND row_id = $2")
        .bind(kind)
        .bind(row_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The `name_postings` rows of the `name_order` row just written, one per
/// word of its sort key (the person's words, as `name_words` holds them).
async fn post(conn: &mut Conn, kind: i64, row_id: i64) -> Result<(), StoreError> {
    let Some(row) = sqlx::query(
        "SELECT name_sort, path, status FROM name_order WHERE kind = $1 AND row_id = $2",
    )
    .bind(kind)
    .bind(row_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let sort: String = row.try_get(0)?;
    let path: String = row.try_get(1)?;
    let status: String = row.try_get(2)?;
    for w in words_of(&sort) {
        sqlx::query(
            "INSERT INTO name_postings (kind, word, path, row_id, name_sort, status) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kind)
        .bind(w)
        .bind(path.as_str())
        .bind(row_id)
        .bind(sort.as_str())
        .bind(status.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Brings the rows of the member of person `person_id` in line with the
/// members table: listed (with its unit's path and status) when current,
/// else not at all.
pub async fn sync_member(conn: &mut Conn, person_id: i64) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    let r = member_rows(conn, person_id).await;
    counted(started);
    r
}

async fn member_rows(conn: &mut Conn, person_id: i64) -> Result<(), StoreError> {
    remove(conn, MEMBER, person_id).await?;
    sqlx::query(
        "INSERT INTO name_order (kind, row_id, name_sort, path, status) \
         SELECT $1, p.id, p.name_sort, u.path, m.status FROM members m \
         JOIN people p ON p.id = m.person_id JOIN units u ON u.id = m.unit_id \
         WHERE m.person_id = $2 AND m.status IN ($3, $4)",
    )
    .bind(MEMBER)
    .bind(person_id)
    .bind(MemberStatus::Probationary.as_str())
    .bind(MemberStatus::Official.as_str())
    .execute(&mut *conn)
    .await?;
    post(conn, MEMBER, person_id).await
}

/// Brings the rows of candidate `candidate_id` in line with its file.
pub async fn sync_candidate(conn: &mut Conn, candidate_id: i64) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    let r = candidate_rows(conn, candidate_id).await;
    counted(started);
    r
}

async fn candidate_rows(conn: &mut Conn, candidate_id: i64) -> Result<(), StoreError> {
    remove(conn, CANDIDATE, candidate_id).await?;
    sqlx::query(
        "INSERT INTO name_order (kind, row_id, name_sort, path, status) \
         SELECT $1, c.id, p.name_sort, u.path, '' FROM candidates c \
         JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id WHERE c.id = $2",
    )
    .bind(CANDIDATE)
    .bind(candidate_id)
    .execute(&mut *conn)
    .await?;
    post(conn, CANDIDATE, candidate_id).await
}

/// After a person's name changed: their member row and candidate files.
pub async fn sync_person(conn: &mut Conn, person_id: i64) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    let r = person_rows(conn, person_id).await;
    counted(started);
    r
}

async fn person_rows(conn: &mut Conn, person_id: i64) -> Result<(), StoreError> {
    member_rows(conn, person_id).await?;
    let files = sqlx::query("SELECT id FROM candidates WHERE person_id = $1 ORDER BY id")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    for f in files {
        candidate_rows(conn, f.try_get(0)?).await?;
    }
    Ok(())
}

/// A unit moved: the rows under its old path `[lo, hi)` take the new path
/// (`new_path` followed by what came after the old path's `old_len` bytes),
/// as the units' paths did.
pub async fn rebase(
    conn: &mut Conn,
    lo: &str,
    hi: &str,
    old_len: i64,
    new_path: &str,
) -> Result<(), StoreError> {
    for table in ["name_order", "name_postings"] {
        sqlx::query(&format!(
            "UPDATE {table} SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4"
        ))
        .bind(new_path)
        .bind(old_len + 1)
        .bind(lo)
        .bind(hi)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The statements that fill both tables from the registry, each as
/// (what it fills, the `INSERT … SELECT`, the `ORDER BY` that puts its rows
/// in key order). The word rows are driven from `name_words` (`CROSS JOIN`
/// keeps SQLite to that order: the words have no index by person).
macro_rules! fill {
    (order_members) => {
        "INSERT INTO name_order (kind, row_id, name_sort, path, status)
 SELECT 0, p.id, p.name_sort, u.path, m.status FROM members m
 JOIN people p ON p.id = m.person_id JOIN units u ON u.id = m.unit_id
 WHERE m.status IN ('probationary', 'official')"
    };
    (order_candidates) => {
        "INSERT INTO name_order (kind, row_id, name_sort, path, status)
 SELECT 1, c.id, p.name_sort, u.path, '' FROM candidates c
 JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id"
    };
    (postings_members) => {
        "INSERT INTO name_postings (kind, word, path, row_id, name_sort, status)
 SELECT o.kind, w.word, o.path, o.row_id, o.name_sort, o.status
 FROM name_words w CROSS JOIN name_order o
 WHERE o.kind = 0 AND o.row_id = w.person_id"
    };
    (postings_candidates) => {
        "INSERT INTO name_postings (kind, word, path, row_id, name_sort, status)
 SELECT o.kind, w.word, o.path, o.row_id, o.name_sort, o.status
 FROM name_words w CROSS JOIN candidates c CROSS JOIN name_order o
 WHERE c.person_id = w.person_id AND o.kind = 1 AND o.row_id = c.id"
    };
    (by_person) => {
        " ORDER BY p.id"
    };
    (by_candidate) => {
        " ORDER BY c.id"
    };
    (by_posting) => {
        " ORDER BY o.kind, w.word, o.path, o.row_id"
    };
}

/// [`REBUILD`]'s filling statements one by one, for a loader that reports
/// them as steps: (what, statement, its key order).
pub const FILL: [(&str, &str, &str); 4] = [
    (
        "search list: members",
        fill!(order_members),
        fill!(by_person),
    ),
    (
        "search list: candidates",
        fill!(order_candidates),
        fill!(by_candidate),
    ),
    (
        "search words: members",
        fill!(postings_members),
        fill!(by_posting),
    ),
    (
        "search words: candidates",
        fill!(postings_candidates),
        fill!(by_posting),
    ),
];

/// Both tables from scratch (the migration's backfill, the tests' check):
/// every current member and every candidate, each table's rows in key
/// order. The postings' index in list order (migration 0016,
/// `name_postings_sort`) is dropped first and built once at the end (kept
/// row by row it was millions of random inserts); the definition is the
/// same on both engines, and migration 0016 creates it only where it is
/// missing. (The bulk loader does the same for every index of the two
/// tables, read from the catalog.)
pub const REBUILD: &str = concat!(
    "DELETE FROM name_postings;\nDELETE FROM name_order;\n",
    "DROP INDEX IF EXISTS name_postings_sort;\n",
    fill!(order_members),
    fill!(by_person),
    ";\n",
    fill!(order_candidates),
    fill!(by_candidate),
    ";\n",
    fill!(postings_members),
    fill!(by_posting),
    ";\n",
    fill!(postings_candidates),
    fill!(by_posting),
    ";\nCREATE INDEX name_postings_sort ON name_postings(kind, word, name_sort, row_id, path, status);"
);

/// The tables [`FILL`] writes.
pub const TABLES: [&str; 2] = ["name_order", "name_postings"];

/// [`REBUILD`] on a connection (the migration's, in its transaction).
pub async fn rebuild(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(REBUILD).execute(&mut *conn).await?;
    Ok(())
}
