//! The append-only audit log: who wrote what, when, before and after.
//! There is no update or delete here on purpose.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn append(conn: &mut Conn, e: &AuditEntry) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.entity_id)
        .bind(e.before.as_ref().map(|v| v.to_string()))
        .bind(e.after.as_ref().map(|v| v.to_string()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Entries about one record, oldest first.
pub async fn for_entity(
    conn: &mut Conn,
    entity: &str,
    entity_id: &str,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query("SELECT at, actor, action, entity, entity_id, before_json, after_json FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id")
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&mut *conn)
        .await?;
    let json = |s: Option<String>| -> Result<Option<serde_json::Value>, StoreError> {
        s.map(|s| {
            serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("audit json: {e}")))
        })
        .transpose()
    };
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                before: json(r.try_get("before_json")?)?,
                after: json(r.try_get("after_json")?)?,
            })
        })
        .collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}
