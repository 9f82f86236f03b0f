//! Reminders by e-mail: each user's choice, and the record of every digest
//! (one per user and period) that makes sending idempotent.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

/// A user's reminder settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefsRow {
    pub user_id: i64,
    pub email: String,
    pub lang: String,
    /// off, daily or weekly.
    pub digest: String,
    pub days_ahead: i64,
    pub updated_at: String,
}

fn prefs_row(r: &sqlx::any::AnyRow) -> Result<PrefsRow, StoreError> {
    Ok(PrefsRow {
        user_id: r.try_get("user_id")?,
        email: r.try_get("email")?,
        lang: r.try_get("lang")?,
        digest: r.try_get("digest")?,
        days_ahead: r.try_get("days_ahead")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const PREFS: &str =
    "SELECT user_id, email, lang, digest, days_ahead, updated_at FROM user_reminders";

pub async fn prefs(conn: &mut Conn, user_id: i64) -> Result<Option<PrefsRow>, StoreError> {
    let r = sqlx::query(&format!("{PREFS} WHERE user_id = $1"))
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(prefs_row).transpose()
}

/// Every user who asked for a digest (daily or weekly), by user id.
pub async fn subscribed(conn: &mut Conn) -> Result<Vec<PrefsRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "{PREFS} WHERE digest <> 'off' AND email <> '' ORDER BY user_id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(prefs_row).collect()
}

/// Inserts or replaces a user's settings: the row is updated, or inserted
/// when there was none (both statements bind the same values in the same
/// order).
pub async fn set_prefs(conn: &mut Conn, p: &PrefsRow) -> Result<(), StoreError> {
    for sql in [
        "UPDATE user_reminders SET email = $2, lang = $3, digest = $4, days_ahead = $5, updated_at = $6 WHERE user_id = $1",
        "INSERT INTO user_reminders (user_id, email, lang, digest, days_ahead, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
    ] {
        let done = sqlx::query(sql)
            .bind(p.user_id)
            .bind(&p.email)
            .bind(&p.lang)
            .bind(&p.digest)
            .bind(p.days_ahead)
            .bind(&p.updated_at)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if done > 0 {
            break;
        }
    }
    Ok(())
}

/// The record of one digest.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: i64,
    pub user_id: i64,
    pub period: String,
    /// sending, sent, failed, empty or gave_up.
    pub status: String,
    pub recipient: String,
    pub lang: String,
    pub items: i64,
    pub attempts: i64,
    pub next_try_at: Option<String>,
    pub last_error: Option<String>,
    pub message_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
}

const RUNS: &str = "SELECT id, user_id, period, status, recipient, lang, items, attempts, next_try_at, last_error, message_id, created_at, updated_at, sent_at FROM reminder_runs";

fn run_row(r: &sqlx::any::AnyRow) -> Result<RunRow, StoreError> {
    Ok(RunRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        period: r.try_get("period")?,
        status: r.try_get("status")?,
        recipient: r.try_get("recipient")?,
        lang: r.try_get("lang")?,
        items: r.try_get("items")?,
        attempts: r.try_get("attempts")?,
        next_try_at: r.try_get("next_try_at")?,
        last_error: r.try_get("last_error")?,
        message_id: r.try_get("message_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        sent_at: r.try_get("sent_at")?,
    })
}

pub async fn run(
    conn: &mut Conn,
    user_id: i64,
    period: &str,
) -> Result<Option<RunRow>, StoreError> {
    let r = sqlx::query(&format!("{RUNS} WHERE user_id = $1 AND period = $2"))
        .bind(user_id)
        .bind(period)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(run_row).transpose()
}

/// The most recent records first, at most `limit`.
pub async fn recent_runs(conn: &mut Conn, limit: i64) -> Result<Vec<RunRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "{RUNS} ORDER BY updated_at DESC, id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(run_row).collect()
}

/// A new record (its first attempt about to start, or nothing to send).
pub async fn insert_run(conn: &mut Conn, r: &RunRow) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO reminder_runs (user_id, period, status, recipient, lang, items, attempts, next_try_at, last_error, message_id, created_at, updated_at, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(r.user_id)
    .bind(&r.period)
    .bind(&r.status)
    .bind(&r.recipient)
    .bind(&r.lang)
    .bind(r.items)
    .bind(r.attempts)
    .bind(&r.next_try_at)
    .bind(&r.last_error)
    .bind(&r.message_id)
    .bind(&r.created_at)
    .bind(&r.updated_at)
    .bind(&r.sent_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Moves a record from `from` to its new state (status, attempts, next
/// try, error, what was sent); false when it was no longer in `from` (another
/// runner took it).
pub async fn update_run(conn: &mut Conn, from: &str, r: &RunRow) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "UPDATE reminder_runs SET status = $1, recipient = $2, lang = $3, items = $4, attempts = $5, next_try_at = $6, last_error = $7, updated_at = $8, sent_at = $9 \
         WHERE id = $10 AND status = $11",
    )
    .bind(&r.status)
    .bind(&r.recipient)
    .bind(&r.lang)
    .bind(r.items)
    .bind(r.attempts)
    .bind(&r.next_try_at)
    .bind(&r.last_error)
    .bind(&r.updated_at)
    .bind(&r.sent_at)
    .bind(r.id)
    .bind(from)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn run_by_id(conn: &mut Conn, id: i64) -> Result<Option<RunRow>, StoreError> {
    let r = sqlx::query(&format!("{RUNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(run_row).transpose()
}
