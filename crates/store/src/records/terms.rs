//! Terms and targets (per unit per term, per unit per year).

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, Term, TermName};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    pub id: i64,
    pub term: Term,
}

fn from_row(r: &AnyRow) -> Result<TermRow, StoreError> {
    Ok(TermRow {
        id: r.try_get("id")?,
        term: Term::new(
            TermName::parse(&r.try_get::<String, _>("name")?)?,
            date(r, "starts_on")?,
            date(r, "ends_on")?,
        )?,
    })
}

pub async fn insert(conn: &mut Conn, t: &Term) -> Result<TermRow, StoreError> {
    let r = sqlx::query(
        "INSERT INTO terms (name, starts_on, ends_on) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(t.name.to_string())
    .bind(iso(t.starts_on))
    .bind(iso(t.ends_on))
    .fetch_one(&mut *conn)
    .await?;
    Ok(TermRow {
        id: r.try_get(0)?,
        term: t.clone(),
    })
}

pub async fn by_name(conn: &mut Conn, name: &TermName) -> Result<Option<TermRow>, StoreError> {
    let r = sqlx::query("SELECT id, name, starts_on, ends_on FROM terms WHERE name = $1")
        .bind(name.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(from_row).transpose()
}

/// All terms, oldest first.
pub async fn all(conn: &mut Conn) -> Result<Vec<TermRow>, StoreError> {
    let rows = sqlx::query("SELECT id, name, starts_on, ends_on FROM terms ORDER BY starts_on")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Sets (or replaces) a unit's term target; returns the previous value.
pub async fn set_term_target(
    conn: &mut Conn,
    unit_id: i64,
    term_id: i64,
    target: u32,
) -> Result<Option<i64>, StoreError> {
    let before = sqlx::query("SELECT target FROM term_targets WHERE unit_id = $1 AND term_id = $2")
        .bind(unit_id)
        .bind(term_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()?;
    sqlx::query("INSERT INTO term_targets (unit_id, term_id, target) VALUES ($1, $2, $3) ON CONFLICT (unit_id, term_id) DO UPDATE SET target = excluded.target")
        .bind(unit_id)
        .bind(term_id)
        .bind(i64::from(target))
        .execute(&mut *conn)
        .await?;
    Ok(before)
}

pub async fn term_targets(conn: &mut Conn, term_id: i64) -> Result<HashMap<i64, u64>, StoreError> {
    let rows = sqlx::query("SELECT unit_id, target FROM term_targets WHERE term_id = $1")
        .bind(term_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)? as u64)))
        .collect()
}

/// The term's targets of the units in a subtree (a range scan on the path,
/// not the whole country's targets).
pub async fn term_targets_in(
    conn: &mut Conn,
    term_id: i64,
    root: &ranks_domain::OrgPath,
) -> Result<HashMap<i64, u64>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT t.unit_id, t.target FROM term_targets t JOIN units u ON u.id = t.unit_id \
         WHERE t.term_id = $1 AND u.path >= $2 AND u.path < $3",
    )
    .bind(term_id)
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)? as u64)))
        .collect()
}

/// Sets (or replaces) a unit's annual target; returns the previous value.
pub async fn set_year_target(
    conn: &mut Conn,
    unit_id: i64,
    year: i32,
    target: u32,
) -> Result<Option<i64>, StoreError> {
    let before = sqlx::query("SELECT target FROM year_targets WHERE unit_id = $1 AND year = $2")
        .bind(unit_id)
        .bind(i64::from(year))
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()?;
    sqlx::query("INSERT INTO year_targets (unit_id, year, target) VALUES ($1, $2, $3) ON CONFLICT (unit_id, year) DO UPDATE SET target = excluded.target")
        .bind(unit_id)
        .bind(i64::from(year))
        .bind(i64::from(target))
        .execute(&mut *conn)
        .await?;
    Ok(before)
}

pub async fn year_targets(conn: &mut Conn, year: i32) -> Result<HashMap<i64, u64>, StoreError> {
    let rows = sqlx::query("SELECT unit_id, target FROM year_targets WHERE year = $1")
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)? as u64)))
        .collect()
}

/// The year's targets of the units `unit_ids` (any number; read 500 at a time).
pub async fn year_targets_of(
    conn: &mut Conn,
    year: i32,
    unit_ids: &[i64],
) -> Result<HashMap<i64, u64>, StoreError> {
    let mut out = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let rows = sqlx::query(&format!(
            "SELECT unit_id, target FROM year_targets WHERE year = $1 AND unit_id IN ({})",
            super::id_list(chunk)
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.insert(r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)? as u64);
        }
    }
    Ok(out)
}

/// The term containing `day`, if any.
pub fn containing(terms: &[TermRow], day: Date) -> Option<&TermRow> {
    terms.iter().rev().find(|t| t.term.contains(day))
}
