//! The database's safekeeping: a snapshot copy, the integrity check and
//! what a restore reads of a copy before trusting it.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

/// A consistent copy of a SQLite database into `file`, an empty file
/// (`VACUUM INTO`: one read transaction, so a snapshot).
pub async fn vacuum_into(conn: &mut Conn, file: &str) -> Result<(), StoreError> {
    let target = file.replace('\'', "''");
    sqlx::raw_sql(&format!("VACUUM INTO '{target}'"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// SQLite's own integrity check: `ok`, or what is damaged.
pub async fn integrity_check(conn: &mut Conn) -> Result<String, StoreError> {
    Ok(sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

/// The audit entries sealed with a key (MAC), and the newest entry's id.
pub async fn keyed_audit_entries(conn: &mut Conn) -> Result<(i64, i64), StoreError> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM audit_log WHERE hash LIKE 'hmac:%'), (SELECT COALESCE(MAX(id), 0) FROM audit_log)",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.try_get(0)?, r.try_get(1)?))
}

/// Closes a connection opened on its own (not from a pool).
pub async fn close(conn: Conn) {
    let _ = sqlx::Connection::close(conn).await;
}
