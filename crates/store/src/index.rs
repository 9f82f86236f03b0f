//! The queries of the application's roll-up index (`ranks_app::index`):
//! the tree in preorder, every member's admission day streamed, the term
//! targets, and the audit entries the index follows to stay exact.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

/// A unit as the index lays it out.
#[derive(Debug, Clone)]
pub struct TreeUnit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    /// The materialized path (`/1/4/9/`).
    pub path: String,
}

/// An audit entry the index follows (reads left out).
#[derive(Debug, Clone)]
pub struct Change {
    pub id: i64,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

/// The ids of the audit entries above `after`.
pub async fn audit_ids_after(conn: &mut Conn, after: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query("SELECT id FROM audit_log WHERE id > $1")
        .bind(after)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<i64, _>(0).ok())
        .collect())
}

/// Every unit, in preorder (the order of their paths).
pub async fn units_in_preorder(conn: &mut Conn) -> Result<Vec<TreeUnit>, StoreError> {
    let rows = sqlx::query("SELECT id, code, name, parent_id, path FROM units ORDER BY path")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TreeUnit {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                parent_id: r.try_get(3)?,
                path: r.try_get(4)?,
            })
        })
        .collect()
}

/// A current member: probationary or official.
fn current(status: &str) -> bool {
    use ranks_domain::MemberStatus as S;
    status == S::Probationary.as_str() || status == S::Official.as_str()
}

/// Every member's (id, unit id, admission day as `yyyy-mm-dd`, current
/// member), streamed to `each`: 5.6 million rows never sit in memory as rows.
pub async fn each_admission(
    conn: &mut Conn,
    mut each: impl FnMut(i64, i64, &str, bool),
) -> Result<(), StoreError> {
    use futures_util::TryStreamExt;
    let mut rows =
        sqlx::query("SELECT id, unit_id, admitted_on, status FROM members").fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let id: i64 = r.try_get(0)?;
        let unit: i64 = r.try_get(1)?;
        let on: String = r.try_get(2)?;
        let status: String = r.try_get(3)?;
        each(id, unit, &on, current(&status));
    }
    Ok(())
}

/// The (id, unit id, admission day, current member) of the members `ids`
/// (at most a few hundred at a time).
pub async fn admissions_of(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<Vec<(i64, i64, String, bool)>, StoreError> {
    let list = ids
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT id, unit_id, admitted_on, status FROM members WHERE id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                current(&r.try_get::<String, _>(3)?),
            ))
        })
        .collect()
}

/// Every term target: (unit id, term id, target).
pub async fn term_targets(conn: &mut Conn) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let rows = sqlx::query("SELECT unit_id, term_id, target FROM term_targets")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// The audit entries above `after` that are not reads, in id order.
pub async fn changes_after(conn: &mut Conn, after: i64) -> Result<Vec<Change>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, action, entity, entity_id FROM audit_log WHERE id > $1 AND action <> 'read' ORDER BY id",
    )
    .bind(after)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                id: r.try_get(0)?,
                action: r.try_get(1)?,
                entity: r.try_get(2)?,
                entity_id: r.try_get(3)?,
            })
        })
        .collect()
}

/// Admissions from `from` to `to` (inclusive, `yyyy-mm-dd`) of every unit
/// with its whole subtree, by unit code, as the plain SQL a competent
/// engineer would write: a recursive CTE pairing every unit with each of
/// its descendants, joined to the members admitted in the range, grouped.
pub async fn rollup_sql(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query(
        "WITH RECURSIVE sub(root, id) AS ( \
             SELECT id, id FROM units \
             UNION ALL \
             SELECT sub.root, u.id FROM sub JOIN units u ON u.parent_id = sub.id) \
         SELECT r.code, COUNT(m.id) FROM sub \
         JOIN units r ON r.id = sub.root \
         LEFT JOIN members m ON m.unit_id = sub.id AND m.admitted_on >= $1 AND m.admitted_on <= $2 \
         GROUP BY r.code",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// The newest audit id and how many entries sit in the `window` of ids
/// below it.
pub async fn audit_generation(conn: &mut Conn, window: i64) -> Result<(i64, i64), StoreError> {
    let r = sqlx::query(
        "SELECT COALESCE(MAX(id), 0), \
         (SELECT COUNT(*) FROM audit_log WHERE id > (SELECT COALESCE(MAX(id), 0) FROM audit_log) - $1) \
         FROM audit_log",
    )
    .bind(window)
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.try_get(0)?, r.try_get(1)?))
}

/// Every unit's (id, kind): what the pickers need beside the index's tree.
pub async fn unit_kinds(conn: &mut Conn) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query("SELECT id, kind FROM units")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
