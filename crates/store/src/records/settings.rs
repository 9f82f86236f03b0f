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
