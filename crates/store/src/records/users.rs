//! Users, sessions and sign-in attempts.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub member_id: Option<i64>,
    pub disabled: bool,
}

const COLS: &str = "id, username, password_hash, role, unit_id, member_id, disabled";

fn from_row(r: &sqlx::any::AnyRow) -> Result<UserRow, StoreError> {
    Ok(UserRow {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        password_hash: r.try_get("password_hash")?,
        role: r.try_get("role")?,
        unit_id: r.try_get("unit_id")?,
        member_id: r.try_get("member_id")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

pub async fn insert(
    conn: &mut Conn,
    username: &str,
    password_hash: &str,
    role: &str,
    unit_id: Option<i64>,
    member_id: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO users (username, password_hash, role, unit_id, member_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(username)
        .bind(password_hash)
        .bind(role)
        .bind(unit_id)
        .bind(member_id)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<UserRow>, StoreError> {
    let r = sqlx::query(&format!("SELECT {COLS} FROM users WHERE username = $1"))
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<UserRow>, StoreError> {
    let r = sqlx::query(&format!("SELECT {COLS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(from_row).transpose()
}

pub async fn all(conn: &mut Conn) -> Result<Vec<UserRow>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {COLS} FROM users ORDER BY username"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Sets a new password hash. A new password ends every session of the user
/// and revokes their script tokens; returns (sessions ended, tokens revoked).
pub async fn set_password(
    conn: &mut Conn,
    id: i64,
    password_hash: &str,
) -> Result<(u64, u64), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    revoke_all(conn, id).await
}

/// Disables or enables a user. Disabling ends every session of the user and
/// revokes their script tokens; returns (sessions ended, tokens revoked).
pub async fn set_disabled(
    conn: &mut Conn,
    id: i64,
    disabled: bool,
) -> Result<(u64, u64), StoreError> {
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if disabled {
        revoke_all(conn, id).await
    } else {
        Ok((0, 0))
    }
}

/// Ends every session of a user and revokes their live tokens.
async fn revoke_all(conn: &mut Conn, user_id: i64) -> Result<(u64, u64), StoreError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let tokens =
        sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE user_id = $1 AND revoked = 0")
            .bind(user_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    Ok((sessions, tokens))
}

pub async fn create_session(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    at: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(at)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The session's user and CSRF token, if the session exists and has not expired at `now`.
/// The session's user, CSRF token and end, unless it has ended at `now`.
pub async fn session(
    conn: &mut Conn,
    token_hash: &str,
    now: &str,
) -> Result<Option<(i64, String, String)>, StoreError> {
    let r = sqlx::query(
        "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()
}

/// The user of a session, ended or not (sign-out names who signed out).
pub async fn session_user(conn: &mut Conn, token_hash: &str) -> Result<Option<i64>, StoreError> {
    let r = sqlx::query("SELECT user_id FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok(r.try_get(0)?)).transpose()
}

pub async fn end_session(conn: &mut Conn, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes one sign-in attempt for `username` out of the allowance: records it
/// as failed (until [`attempt_succeeded`] says otherwise) and returns its id,
/// unless `max` failed or still-running attempts were made since `since`, in
/// which case nothing is written and `None` comes back. Call it in a write
/// transaction of its own, before checking the password: the count and the
/// insert are one step for all sign-ins (write transactions are serialised:
/// SQLite's single writer, PostgreSQL's table lock taken by
/// `Db::begin_write`), so parallel attempts can never check more passwords
/// than `max`.
pub async fn reserve_attempt(
    conn: &mut Conn,
    username: &str,
    at: &str,
    since: &str,
    max: i64,
) -> Result<Option<i64>, StoreError> {
    if failures_since(conn, username, since).await? >= max {
        return Ok(None);
    }
    let r = sqlx::query(
        "INSERT INTO login_attempts (username, at, ok) VALUES ($1, $2, 0) RETURNING id",
    )
    .bind(username)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(r.try_get(0)?))
}

/// Marks a reserved attempt as successful (no longer a failure).
pub async fn attempt_succeeded(conn: &mut Conn, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE login_attempts SET ok = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Failed (or not yet decided) attempts for a username since `since`.
pub async fn failures_since(
    conn: &mut Conn,
    username: &str,
    since: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND at > $2 AND ok = 0",
    )
    .bind(username)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

/// Deletes the sessions expired at `now` and the sign-in attempts made
/// before `attempts_before`; returns how many of each.
pub async fn purge(
    conn: &mut Conn,
    now: &str,
    attempts_before: &str,
) -> Result<(u64, u64), StoreError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let attempts = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(attempts_before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok((sessions, attempts))
}

/// How many sessions and sign-in attempts are stored (expired or not).
pub async fn stored_counts(conn: &mut Conn) -> Result<(i64, i64), StoreError> {
    let s: i64 = sqlx::query("SELECT COUNT(*) FROM sessions")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let a: i64 = sqlx::query("SELECT COUNT(*) FROM login_attempts")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok((s, a))
}

/// A script token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked: bool,
}

pub async fn create_token(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    name: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<i64, StoreError> {
    let r = sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(name)
    .bind(created_at)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r.try_get(0)?)
}

/// The user behind a live token.
/// The token's user and end, unless it has ended at `now` or was revoked.
pub async fn token_user(
    conn: &mut Conn,
    token_hash: &str,
    now: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    let r = sqlx::query(
        "SELECT user_id, expires_at FROM api_tokens WHERE token_hash = $1 AND expires_at > $2 AND revoked = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

const TOKEN_SELECT: &str =
    "SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked FROM api_tokens t \
     JOIN users u ON u.id = t.user_id";

fn token_row(r: &sqlx::any::AnyRow) -> Result<TokenRow, StoreError> {
    Ok(TokenRow {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        name: r.try_get(2)?,
        created_at: r.try_get(3)?,
        expires_at: r.try_get(4)?,
        revoked: r.try_get::<i64, _>(5)? != 0,
    })
}

pub async fn tokens(conn: &mut Conn) -> Result<Vec<TokenRow>, StoreError> {
    let rows = sqlx::query(&format!("{TOKEN_SELECT} ORDER BY t.id"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(token_row).collect()
}

pub async fn token(conn: &mut Conn, id: i64) -> Result<Option<TokenRow>, StoreError> {
    let r = sqlx::query(&format!("{TOKEN_SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(token_row).transpose()
}

pub async fn revoke_token(conn: &mut Conn, id: i64) -> Result<bool, StoreError> {
    let r = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() > 0)
}
