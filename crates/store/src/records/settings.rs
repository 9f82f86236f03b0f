//! Small key-value settings kept in the database.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

pub async fn get(conn: &mut Conn, key: &str) -> Result<Option<String>, StoreError> {
    let r = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

pub async fn set(conn: &mut Conn, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Calendar overrides, one JSON body per year.
pub async fn calendar_overrides(conn: &mut Conn) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query("SELECT year, body FROM calendar_overrides ORDER BY year")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub async fn set_calendar_override(
    conn: &mut Conn,
    year: i64,
    body: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO calendar_overrides (year, body) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET body = excluded.body")
        .bind(year)
        .bind(body)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets an evaluation score; returns the previous one.
pub async fn set_score(
    conn: &mut Conn,
    unit_id: i64,
    year: i32,
    criterion: &str,
    score: f64,
) -> Result<Option<f64>, StoreError> {
    let before = sqlx::query(
        "SELECT score FROM evaluation_scores WHERE unit_id = $1 AND year = $2 AND criterion = $3",
    )
    .bind(unit_id)
    .bind(i64::from(year))
    .bind(criterion)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get::<f64, _>(0))
    .transpose()?;
    sqlx::query("INSERT INTO evaluation_scores (unit_id, year, criterion, score) VALUES ($1, $2, $3, $4) ON CONFLICT (unit_id, year, criterion) DO UPDATE SET score = excluded.score")
        .bind(unit_id)
        .bind(i64::from(year))
        .bind(criterion)
        .bind(score)
        .execute(&mut *conn)
        .await?;
    Ok(before)
}

/// Scores entered for a year: (unit id, criterion) → score.
pub async fn scores(
    conn: &mut Conn,
    year: i32,
) -> Result<std::collections::HashMap<(i64, String), f64>, StoreError> {
    let rows =
        sqlx::query("SELECT unit_id, criterion, score FROM evaluation_scores WHERE year = $1")
            .bind(i64::from(year))
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
        .collect()
}

/// Scores entered for a year of the units `unit_ids`: (unit id, criterion) → score.
pub async fn scores_of(
    conn: &mut Conn,
    year: i32,
    unit_ids: &[i64],
) -> Result<std::collections::HashMap<(i64, String), f64>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let rows = sqlx::query(&format!(
            "SELECT unit_id, criterion, score FROM evaluation_scores WHERE year = $1 AND unit_id IN ({})",
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
