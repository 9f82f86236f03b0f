//! Corrections and withdrawals of the entries of a candidate's file: the
//! live rows are changed or removed, and what they held is kept in
//! `candidate_corrections` with who, when and why.

use super::{date, iso, opt_date};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::Date;
use sqlx::Row;

/// A withdrawal or a correction as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionRow {
    pub id: i64,
    pub entry_kind: String,
    /// `withdrawn` or `corrected`.
    pub action: String,
    pub entry: serde_json::Value,
    pub replaced_by: Option<serde_json::Value>,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What one correction keeps.
pub struct NewCorrection<'a> {
    pub candidate_id: i64,
    pub entry_kind: &'a str,
    pub action: &'a str,
    pub entry: &'a serde_json::Value,
    pub replaced_by: Option<&'a serde_json::Value>,
    pub reason: &'a str,
    pub by: &'a str,
    pub at: &'a str,
}

pub async fn insert(conn: &mut Conn, c: &NewCorrection<'_>) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO candidate_corrections (candidate_id, entry_kind, action, entry, replaced_by, reason, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(c.candidate_id)
        .bind(c.entry_kind)
        .bind(c.action)
        .bind(c.entry.to_string())
        .bind(c.replaced_by.map(|v| v.to_string()))
        .bind(c.reason)
        .bind(c.by)
        .bind(c.at)
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

fn json(s: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("correction entry: {e}")))
}

/// A candidate's corrections and withdrawals, oldest first.
pub async fn for_candidate(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Vec<CorrectionRow>, StoreError> {
    let rows = sqlx::query("SELECT id, entry_kind, action, entry, replaced_by, reason, recorded_by, recorded_at FROM candidate_corrections WHERE candidate_id = $1 ORDER BY id")
        .bind(candidate_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let replaced: Option<String> = r.try_get("replaced_by")?;
            Ok(CorrectionRow {
                id: r.try_get("id")?,
                entry_kind: r.try_get("entry_kind")?,
                action: r.try_get("action")?,
                entry: json(&r.try_get::<String, _>("entry")?)?,
                replaced_by: replaced.as_deref().map(json).transpose()?,
                reason: r.try_get("reason")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

/// A recorded document: (date, recorded by, recorded at).
pub async fn document(
    conn: &mut Conn,
    candidate_id: i64,
    code: &str,
) -> Result<Option<(Date, String, String)>, StoreError> {
    let r = sqlx::query("SELECT on_date, recorded_by, recorded_at FROM candidate_documents WHERE candidate_id = $1 AND code = $2")
        .bind(candidate_id)
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| {
        Ok((
            date(&r, "on_date")?,
            r.try_get("recorded_by")?,
            r.try_get("recorded_at")?,
        ))
    })
    .transpose()
}

pub async fn delete_document(
    conn: &mut Conn,
    candidate_id: i64,
    code: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM candidate_documents WHERE candidate_id = $1 AND code = $2")
        .bind(candidate_id)
        .bind(code)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_document_date(
    conn: &mut Conn,
    candidate_id: i64,
    code: &str,
    on: Date,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE candidate_documents SET on_date = $1 WHERE candidate_id = $2 AND code = $3",
    )
    .bind(iso(on))
    .bind(candidate_id)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn mentor_table(probation: bool) -> &'static str {
    if probation {
        "probation_mentors"
    } else {
        "mentors"
    }
}

pub async fn delete_mentor(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: i64,
    probation: bool,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "DELETE FROM {} WHERE candidate_id = $1 AND member_id = $2",
        mentor_table(probation)
    ))
    .bind(candidate_id)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_mentor_date(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: i64,
    probation: bool,
    on: Date,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "UPDATE {} SET assigned_on = $1 WHERE candidate_id = $2 AND member_id = $3",
        mentor_table(probation)
    ))
    .bind(iso(on))
    .bind(candidate_id)
    .bind(member_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An introducer row as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct IntroducerRecord {
    pub id: i64,
    pub kind: String,
    pub member_id: Option<i64>,
    pub together_since: Option<Date>,
    pub on: Date,
}

pub async fn introducers(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Vec<IntroducerRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, kind, member_id, together_since, on_date FROM candidate_introducers WHERE candidate_id = $1 ORDER BY id")
        .bind(candidate_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(IntroducerRecord {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                member_id: r.try_get("member_id")?,
                together_since: opt_date(r, "together_since")?,
                on: date(r, "on_date")?,
            })
        })
        .collect()
}

pub async fn delete_introducer(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM candidate_introducers WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_introducer_dates(
    conn: &mut Conn,
    id: i64,
    together_since: Option<Date>,
    on: Date,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE candidate_introducers SET together_since = $1, on_date = $2 WHERE id = $3")
        .bind(together_since.map(iso))
        .bind(iso(on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The certificates of a candidate: (id, issued on, number), oldest first.
pub async fn certificates(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Vec<(i64, Date, String)>, StoreError> {
    let rows = sqlx::query("SELECT id, issued_on, number FROM candidate_certificates WHERE candidate_id = $1 ORDER BY issued_on, id")
        .bind(candidate_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                date(r, "issued_on")?,
                r.try_get("number")?,
            ))
        })
        .collect()
}

pub async fn delete_certificate(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM candidate_certificates WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_certificate(
    conn: &mut Conn,
    id: i64,
    issued_on: Date,
    number: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE candidate_certificates SET issued_on = $1, number = $2 WHERE id = $3")
        .bind(iso(issued_on))
        .bind(number)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The counts of the vote of a step.
pub async fn set_vote(
    conn: &mut Conn,
    candidate_id: i64,
    stage: &str,
    counts: [u32; 4],
) -> Result<(), StoreError> {
    let [eligible, present, in_favour, against] = counts;
    sqlx::query("UPDATE candidate_votes SET eligible = $1, present = $2, in_favour = $3, against = $4 WHERE candidate_id = $5 AND stage = $6")
        .bind(i64::from(eligible))
        .bind(i64::from(present))
        .bind(i64::from(in_favour))
        .bind(i64::from(against))
        .bind(candidate_id)
        .bind(stage)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete_votes(
    conn: &mut Conn,
    candidate_id: i64,
    stage: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM candidate_votes WHERE candidate_id = $1 AND stage = $2")
        .bind(candidate_id)
        .bind(stage)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A recorded step with what was noted with it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageRecord {
    pub id: i64,
    pub stage: String,
    pub on: Date,
    pub detail: Option<serde_json::Value>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The steps of a candidate, oldest first (the order of the history).
pub async fn stages(conn: &mut Conn, candidate_id: i64) -> Result<Vec<StageRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, stage, on_date, detail, recorded_by, recorded_at FROM candidate_stages WHERE candidate_id = $1 ORDER BY on_date, id")
        .bind(candidate_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let detail: Option<String> = r.try_get("detail")?;
            Ok(StageRecord {
                id: r.try_get("id")?,
                stage: r.try_get("stage")?,
                on: date(r, "on_date")?,
                detail: detail.as_deref().map(json).transpose()?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

/// Removes a step from the history and makes `current` (the step before
/// it) the candidate's stage again.
pub async fn delete_stage(
    conn: &mut Conn,
    candidate_id: i64,
    id: i64,
    current: (&str, Date),
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM candidate_stages WHERE id = $1 AND candidate_id = $2")
        .bind(id)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE candidates SET stage = $1, stage_since = $2 WHERE id = $3")
        .bind(current.0)
        .bind(iso(current.1))
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The people born on a day: (id, full name), for the probable-duplicate
/// check (names are compared by the caller, without marks and case).
pub async fn people_born_on(
    conn: &mut Conn,
    birth_date: Date,
) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query("SELECT id, full_name FROM people WHERE birth_date = $1 ORDER BY id")
        .bind(iso(birth_date))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("full_name")?)))
        .collect()
}

/// Moves the latest step of a candidate to another day: the step's row,
/// the candidate's `stage_since` and the vote taken at that step.
pub async fn set_stage_date(
    conn: &mut Conn,
    candidate_id: i64,
    step: &StageRecord,
    on: Date,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE candidate_stages SET on_date = $1 WHERE id = $2 AND candidate_id = $3")
        .bind(iso(on))
        .bind(step.id)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE candidates SET stage_since = $1 WHERE id = $2 AND stage = $3")
        .bind(iso(on))
        .bind(candidate_id)
        .bind(&step.stage)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE candidate_votes SET on_date = $1 WHERE candidate_id = $2 AND stage = $3 AND on_date = $4",
    )
    .bind(iso(on))
    .bind(candidate_id)
    .bind(&step.stage)
    .bind(iso(step.on))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The places, besides its own candidate file and its own history, that
/// name a member: (what, how many), for those that do. What a step that
/// made or changed the member cannot be undone under.
pub async fn member_uses(
    conn: &mut Conn,
    member_id: i64,
    candidate_id: i64,
) -> Result<Vec<(&'static str, i64)>, StoreError> {
    const USES: [(&str, &str); 7] = [
        (
            "mentor",
            "SELECT COUNT(*) FROM mentors WHERE member_id = $1",
        ),
        (
            "mentor",
            "SELECT COUNT(*) FROM probation_mentors WHERE member_id = $1",
        ),
        (
            "introducer",
            "SELECT COUNT(*) FROM candidate_introducers WHERE member_id = $1",
        ),
        (
            "supervisor",
            "SELECT COUNT(*) FROM supervisors WHERE member_id = $1",
        ),
        (
            "leader",
            "SELECT COUNT(*) FROM leaders WHERE member_id = $1",
        ),
        (
            "leader",
            "SELECT COUNT(*) FROM leader_scores WHERE member_id = $1",
        ),
        ("user", "SELECT COUNT(*) FROM users WHERE member_id = $1"),
    ];
    let mut out: Vec<(&'static str, i64)> = Vec::new();
    for (what, sql) in USES {
        let n: i64 = sqlx::query(sql)
            .bind(member_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if n > 0 {
            match out.iter_mut().find(|o| o.0 == what) {
                Some(o) => o.1 += n,
                None => out.push((what, n)),
            }
        }
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM candidates WHERE member_id = $1 AND id <> $2")
        .bind(member_id)
        .bind(candidate_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    if n > 0 {
        out.push(("file", n));
    }
    Ok(out)
}

/// A member's history: (id, kind, day), in the order written.
pub async fn member_events(
    conn: &mut Conn,
    member_id: i64,
) -> Result<Vec<(i64, String, Date)>, StoreError> {
    let rows =
        sqlx::query("SELECT id, kind, on_date FROM member_events WHERE member_id = $1 ORDER BY id")
            .bind(member_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("kind")?, date(r, "on_date")?)))
        .collect()
}

pub async fn delete_member_event(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM member_events WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_member_event_date(conn: &mut Conn, id: i64, on: Date) -> Result<(), StoreError> {
    sqlx::query("UPDATE member_events SET on_date = $1 WHERE id = $2")
        .bind(iso(on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes a member row an admission decision made, unlinking its file
/// (the caller has checked that nothing else names it).
pub async fn delete_member(
    conn: &mut Conn,
    member_id: i64,
    candidate_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE candidates SET member_id = NULL WHERE id = $1 AND member_id = $2")
        .bind(candidate_id)
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM member_events WHERE member_id = $1")
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    let person: Option<i64> = sqlx::query("SELECT person_id FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    sqlx::query("DELETE FROM members WHERE id = $1")
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    if let Some(person) = person {
        super::postings::sync_member(conn, person).await?;
    }
    Ok(())
}

/// A member's admission day, as a corrected admission decision gives it.
pub async fn set_admitted_on(conn: &mut Conn, member_id: i64, on: Date) -> Result<(), StoreError> {
    sqlx::query("UPDATE members SET admitted_on = $1 WHERE id = $2")
        .bind(iso(on))
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
