//! Emulation movements (phong trào thi đua) that candidates come from.

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct MovementRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub started_on: Date,
}

pub async fn insert(
    conn: &mut Conn,
    code: &str,
    name: &str,
    started_on: Date,
) -> Result<i64, StoreError> {
    let r = sqlx::query(
        "INSERT INTO movements (code, name, started_on) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(iso(started_on))
    .fetch_one(&mut *conn)
    .await?;
    Ok(r.try_get(0)?)
}

pub async fn all(conn: &mut Conn) -> Result<Vec<MovementRow>, StoreError> {
    let rows =
        sqlx::query("SELECT id, code, name, started_on FROM movements ORDER BY started_on, id")
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(MovementRow {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                started_on: date(r, "started_on")?,
            })
        })
        .collect()
}

/// Per movement: (movement name, candidates from it in the subtree, of whom admitted).
pub async fn sources_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT mv.name AS name, COUNT(*) AS total, COUNT(c.member_id) AS admitted \
         FROM candidates c JOIN units u ON u.id = c.unit_id JOIN movements mv ON mv.id = c.movement_id \
         WHERE u.path >= $1 AND u.path < $2 GROUP BY mv.id, mv.name ORDER BY mv.name",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("name")?,
                r.try_get("total")?,
                r.try_get("admitted")?,
            ))
        })
        .collect()
}

/// The movements of `counts` ((movement id, candidates, admitted), as the
/// pipeline summary counts a subtree's files) with their names, in the
/// order of [`sources_in_subtree`] (by name, the database's collation).
pub async fn sources_named(
    conn: &mut crate::lite::Reader<'_>,
    counts: &[(i64, u64, u64)],
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = counts.iter().map(|c| c.0).collect();
    let (list, binds) = super::bound_ids(1, &ids);
    let sql = format!("SELECT id, name FROM movements WHERE id IN ({list}) ORDER BY name, id");
    let args: Vec<crate::lite::Arg> = binds.into_iter().map(Into::into).collect();
    let rows = conn
        .all(&sql, &args, |r| Ok((r.int("id")?, r.text("name")?)))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, name) in rows {
        if let Some(c) = counts.iter().find(|c| c.0 == id) {
            out.push((name, c.1 as i64, c.2 as i64));
        }
    }
    Ok(out)
}
