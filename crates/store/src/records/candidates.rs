//! Candidates, their stage history and their mentors.

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath, Stage, UnitCode};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct NewCandidate {
    pub person_id: i64,
    pub unit_id: i64,
    pub movement_id: Option<i64>,
    pub stage: Stage,
    pub since: Date,
}

pub async fn insert(conn: &mut Conn, c: &NewCandidate) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO candidates (person_id, unit_id, movement_id, stage, stage_since, created_on) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id")
        .bind(c.person_id)
        .bind(c.unit_id)
        .bind(c.movement_id)
        .bind(c.stage.as_str())
        .bind(iso(c.since))
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

/// Records a stage transition in the history and as the current stage.
pub async fn record_stage(
    conn: &mut Conn,
    candidate_id: i64,
    stage: Stage,
    on: Date,
    recorded_by: &str,
    recorded_at: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO candidate_stages (candidate_id, stage, on_date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(candidate_id)
        .bind(stage.as_str())
        .bind(iso(on))
        .bind(recorded_by)
        .bind(recorded_at)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE candidates SET stage = $1, stage_since = $2 WHERE id = $3")
        .bind(stage.as_str())
        .bind(iso(on))
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn link_member(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE candidates SET member_id = $1 WHERE id = $2")
        .bind(member_id)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn assign_mentor(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: i64,
    on: Date,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO mentors (candidate_id, member_id, assigned_on) VALUES ($1, $2, $3)")
        .bind(candidate_id)
        .bind(member_id)
        .bind(iso(on))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct CandidateView {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Date,
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub stage: Stage,
    pub stage_since: Date,
    pub movement: Option<String>,
    pub mentors: Vec<String>,
}

/// Candidates proposed by units in the subtree, with their mentors' names.
pub async fn in_subtree(conn: &mut Conn, root: &OrgPath) -> Result<Vec<CandidateView>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT c.id AS id, p.full_name AS full_name, p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, \
         c.stage AS stage, c.stage_since AS stage_since, mv.name AS movement \
         FROM candidates c JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id \
         LEFT JOIN movements mv ON mv.id = c.movement_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY c.stage_since, c.id",
    )
    .bind(&lo)
    .bind(&hi)
    .fetch_all(&mut *conn)
    .await?;
    let mentor_rows = sqlx::query(
        "SELECT mt.candidate_id AS candidate_id, p.full_name AS full_name FROM mentors mt \
         JOIN candidates c ON c.id = mt.candidate_id JOIN units u ON u.id = c.unit_id \
         JOIN members m ON m.id = mt.member_id JOIN people p ON p.id = m.person_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY mt.assigned_on, m.id",
    )
    .bind(&lo)
    .bind(&hi)
    .fetch_all(&mut *conn)
    .await?;
    let mut mentors: HashMap<i64, Vec<String>> = HashMap::new();
    for r in &mentor_rows {
        mentors
            .entry(r.try_get("candidate_id")?)
            .or_default()
            .push(r.try_get("full_name")?);
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(CandidateView {
                id,
                full_name: r.try_get("full_name")?,
                birth_date: date(r, "birth_date")?,
                unit_code: UnitCode::parse(&r.try_get::<String, _>("unit_code")?)?,
                unit_name: r.try_get("unit_name")?,
                stage: Stage::parse(&r.try_get::<String, _>("stage")?)?,
                stage_since: date(r, "stage_since")?,
                movement: r.try_get("movement")?,
                mentors: mentors.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// A candidate's stage history, oldest first: (stage, date, recorded by).
pub async fn history(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Vec<(Stage, Date, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT stage, on_date, recorded_by FROM candidate_stages WHERE candidate_id = $1 ORDER BY on_date, id",
    )
    .bind(candidate_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                Stage::parse(&r.try_get::<String, _>("stage")?)?,
                date(r, "on_date")?,
                r.try_get("recorded_by")?,
            ))
        })
        .collect()
}
