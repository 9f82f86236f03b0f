//! Committee members in charge of units (cấp ủy viên phụ trách).

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath, UnitCode};
use sqlx::Row;

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    member_id: i64,
    role: &str,
    since: Date,
) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO supervisors (unit_id, member_id, role, since) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(unit_id)
        .bind(member_id)
        .bind(role)
        .bind(iso(since))
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct SupervisorView {
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub member_id: i64,
    pub full_name: String,
    pub role: String,
    pub since: Date,
}

/// Supervisors currently in charge of units in the subtree, and of the
/// subtree's root's ancestors' assignments to it (a unit's supervisor sits
/// in the committee above it, so the supervisor's own cell may lie elsewhere).
pub async fn for_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<Vec<SupervisorView>, StoreError> {
    for_subtree_first(conn, root, i64::MAX).await
}

/// The first `limit` of [`for_subtree`], in the same order.
pub async fn for_subtree_first(
    conn: &mut Conn,
    root: &OrgPath,
    limit: i64,
) -> Result<Vec<SupervisorView>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(&format!(
        "{SUPERVISOR_VIEW} WHERE u.path >= $1 AND u.path < $2 AND s.until IS NULL ORDER BY u.path, s.id LIMIT $3",
    ))
    .bind(lo)
    .bind(hi)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    supervisor_views(&rows)
}

/// As [`for_subtree_first`] for the whole tree: without the path range,
/// which made SQLite read every unit of the country (90 ms for its 312,735
/// units and 17 supervisors).
pub async fn all_first(conn: &mut Conn, limit: i64) -> Result<Vec<SupervisorView>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SUPERVISOR_VIEW} WHERE s.until IS NULL ORDER BY u.path, s.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    supervisor_views(&rows)
}

/// The columns of a [`SupervisorView`].
const SUPERVISOR_VIEW: &str = "SELECT u.code AS unit_code, u.name AS unit_name, s.member_id AS member_id, p.full_name AS full_name, s.role AS role, s.since AS since \
     FROM supervisors s JOIN units u ON u.id = s.unit_id JOIN members m ON m.id = s.member_id JOIN people p ON p.id = m.person_id";

/// As [`for_subtree_first`], for a subtree given by its units' ids (a
/// small one, from the roll-up index): the same rows in the same order,
/// by a statement whose plan does not depend on where the subtree lies.
pub async fn for_units_first(
    conn: &mut crate::lite::Reader<'_>,
    unit_ids: &[i64],
    limit: i64,
) -> Result<Vec<SupervisorView>, StoreError> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::bound_ids(2, unit_ids);
    let sql = format!(
        "{SUPERVISOR_VIEW} WHERE s.unit_id IN ({list}) AND s.until IS NULL ORDER BY u.path, s.id LIMIT $1"
    );
    let args: Vec<crate::lite::Arg> = std::iter::once(limit)
        .chain(binds)
        .map(Into::into)
        .collect();
    conn.all(&sql, &args, supervisor_view).await
}

fn supervisor_views(rows: &[sqlx::any::AnyRow]) -> Result<Vec<SupervisorView>, StoreError> {
    rows.iter().map(|r| supervisor_view(r)).collect()
}

fn supervisor_view(r: &dyn crate::lite::Get) -> Result<SupervisorView, StoreError> {
    Ok(SupervisorView {
        unit_code: UnitCode::parse(&r.text("unit_code")?)?,
        unit_name: r.text("unit_name")?,
        member_id: r.int("member_id")?,
        full_name: r.text("full_name")?,
        role: r.text("role")?,
        since: date(r, "since")?,
    })
}

/// The units a member is currently in charge of: (unit id, role, since).
pub async fn units_of(
    conn: &mut Conn,
    member_id: i64,
) -> Result<Vec<(i64, String, Date)>, StoreError> {
    let rows = sqlx::query("SELECT unit_id, role, since FROM supervisors WHERE member_id = $1 AND until IS NULL ORDER BY unit_id")
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, date(r, "since")?)))
        .collect()
}

/// Records a unit's leader (its secretary).
pub async fn add_leader(
    conn: &mut Conn,
    unit_id: i64,
    member_id: i64,
    title: &str,
    since: Date,
) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO leaders (unit_id, member_id, title, since) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(unit_id)
        .bind(member_id)
        .bind(title)
        .bind(iso(since))
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

/// Current leaders of the subtree's units: (unit id, member id, name, title).
pub async fn leaders_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<Vec<(i64, i64, String, String)>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT l.unit_id, l.member_id, p.full_name, l.title FROM leaders l JOIN units u ON u.id = l.unit_id \
         JOIN members m ON m.id = l.member_id JOIN people p ON p.id = m.person_id \
         WHERE u.path >= $1 AND u.path < $2 AND l.until IS NULL ORDER BY u.path, l.id",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Sets a leader's personal score for a year; returns the previous one.
pub async fn set_leader_score(
    conn: &mut Conn,
    unit_id: i64,
    member_id: i64,
    year: i32,
    score: f64,
) -> Result<Option<f64>, StoreError> {
    let before = sqlx::query(
        "SELECT score FROM leader_scores WHERE unit_id = $1 AND member_id = $2 AND year = $3",
    )
    .bind(unit_id)
    .bind(member_id)
    .bind(i64::from(year))
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get::<f64, _>(0))
    .transpose()?;
    sqlx::query("INSERT INTO leader_scores (unit_id, member_id, year, score) VALUES ($1, $2, $3, $4) ON CONFLICT (unit_id, member_id, year) DO UPDATE SET score = excluded.score")
        .bind(unit_id)
        .bind(member_id)
        .bind(i64::from(year))
        .bind(score)
        .execute(&mut *conn)
        .await?;
    Ok(before)
}

/// Leaders' personal scores for a year: (unit, member) → score.
pub async fn leader_scores(
    conn: &mut Conn,
    year: i32,
) -> Result<std::collections::HashMap<(i64, i64), f64>, StoreError> {
    let rows = sqlx::query("SELECT unit_id, member_id, score FROM leader_scores WHERE year = $1")
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
        .collect()
}

/// A leader: (unit id, member id, name, title).
pub type Leader = (i64, i64, String, String);

/// Current leaders of the units `unit_ids`: (unit id, member id, name,
/// title), by path then appointment (as [`leaders_in_subtree`]).
pub async fn leaders_of(conn: &mut Conn, unit_ids: &[i64]) -> Result<Vec<Leader>, StoreError> {
    let mut out: Vec<(String, i64, Leader)> = Vec::new();
    for chunk in unit_ids.chunks(500) {
        let rows = sqlx::query(&format!(
            "SELECT l.unit_id, l.member_id, p.full_name, l.title, u.path, l.id FROM leaders l \
             JOIN units u ON u.id = l.unit_id JOIN members m ON m.id = l.member_id \
             JOIN people p ON p.id = m.person_id WHERE l.unit_id IN ({}) AND l.until IS NULL",
            super::id_list(chunk)
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push((
                r.try_get(4)?,
                r.try_get(5)?,
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?),
            ));
        }
    }
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(out.into_iter().map(|l| l.2).collect())
}

/// Leaders' personal scores for a year in the units `unit_ids`.
pub async fn leader_scores_of(
    conn: &mut Conn,
    year: i32,
    unit_ids: &[i64],
) -> Result<std::collections::HashMap<(i64, i64), f64>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let rows = sqlx::query(&format!(
            "SELECT unit_id, member_id, score FROM leader_scores WHERE year = $1 AND unit_id IN ({})",
            super::id_list(chunk)
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.insert((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?);
        }
    }
    Ok(out)
}
