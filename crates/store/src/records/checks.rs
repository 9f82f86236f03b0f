//! Plain from-scratch queries for `ranks bench --pages`: what the pages
//! show is checked against these (one COUNT, one scan), never against the
//! summaries and indexes the pages themselves read.

use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{MemberStatus, OrgPath};
use sqlx::Row;

/// Current members (official or probationary) of a subtree, by one COUNT.
pub async fn count_current(conn: &mut Conn, root: &OrgPath) -> Result<u64, StoreError> {
    let (lo, hi) = root.subtree_range();
    let r = sqlx::query(
        "SELECT COUNT(*) FROM members m JOIN units u ON u.id = m.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND m.status IN ($3, $4)",
    )
    .bind(lo)
    .bind(hi)
    .bind(MemberStatus::Probationary.as_str())
    .bind(MemberStatus::Official.as_str())
    .fetch_one(&mut *conn)
    .await?;
    Ok(r.try_get::<i64, _>(0)? as u64)
}

/// Up to `limit` current members of a subtree: (member id, full name), by id.
pub async fn current_names(
    conn: &mut Conn,
    root: &OrgPath,
    limit: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT m.id, p.full_name FROM members m JOIN units u ON u.id = m.unit_id \
         JOIN people p ON p.id = m.person_id \
         WHERE u.path >= $1 AND u.path < $2 AND m.status IN ($3, $4) ORDER BY m.id LIMIT $5",
    )
    .bind(lo)
    .bind(hi)
    .bind(MemberStatus::Probationary.as_str())
    .bind(MemberStatus::Official.as_str())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
        .collect()
}

/// Up to `limit` candidates' ids in a subtree, by id.
pub async fn candidate_ids(
    conn: &mut Conn,
    root: &OrgPath,
    limit: i64,
) -> Result<Vec<i64>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT c.id FROM candidates c JOIN units u ON u.id = c.unit_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY c.id LIMIT $3",
    )
    .bind(lo)
    .bind(hi)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)?)).collect()
}

/// A member currently in charge of a unit of the subtree, if any.
pub async fn a_supervisor(conn: &mut Conn, root: &OrgPath) -> Result<Option<i64>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let r = sqlx::query(
        "SELECT s.member_id FROM supervisors s JOIN units u ON u.id = s.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND s.until IS NULL ORDER BY s.id LIMIT 1",
    )
    .bind(lo)
    .bind(hi)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| Ok(r.try_get::<i64, _>(0)?)).transpose()
}
