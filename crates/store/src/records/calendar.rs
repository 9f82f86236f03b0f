//! Calendar feeds: the hashed secret of each user's iCalendar address.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

/// A user's feed as its page shows it (the token itself is never kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub id: i64,
    pub user_id: i64,
    pub lang: String,
    pub created_at: String,
}

/// Revokes every live feed of `user_id` (as of `at`); returns how many.
pub async fn revoke_all(conn: &mut Conn, user_id: i64, at: &str) -> Result<u64, StoreError> {
    let r = sqlx::query(
        "UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}

/// A new feed of `user_id` (revoke the earlier ones first).
pub async fn insert(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    lang: &str,
    at: &str,
) -> Result<i64, StoreError> {
    let r = sqlx::query(
        "INSERT INTO calendar_feeds (token_hash, user_id, lang, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(lang)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r.try_get(0)?)
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<FeedRow, StoreError> {
    Ok(FeedRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        lang: r.try_get("lang")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The live feed whose token hashes to `token_hash`, of a user not disabled.
pub async fn live_by_hash(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<FeedRow>, StoreError> {
    let r = sqlx::query(
        "SELECT f.id, f.user_id, f.lang, f.created_at FROM calendar_feeds f \
         JOIN users u ON u.id = f.user_id \
         WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND u.disabled = 0",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(from_row).transpose()
}

/// The live feed of `user_id`, if any.
pub async fn live_of_user(conn: &mut Conn, user_id: i64) -> Result<Option<FeedRow>, StoreError> {
    let r = sqlx::query(
        "SELECT id, user_id, lang, created_at FROM calendar_feeds \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(from_row).transpose()
}
