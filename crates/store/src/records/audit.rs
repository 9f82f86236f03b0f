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

/// The hash of an entry: SHA-256 over the previous entry's hash and the
/// entry's id and fields (unit separators between, NUL for a missing value).
pub fn entry_hash(prev: &str, id: i64, fields: [Option<&str>; 7]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update([0x1e]);
    h.update(id.to_string().as_bytes());
    for f in fields {
        h.update([0x1f]);
        match f {
            Some(v) => h.update(v.as_bytes()),
            None => h.update([0]),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The chain's start.
pub const GENESIS: &str = "ranks-audit-genesis";

/// Appends an entry, chained to the one before. Call it inside the write
/// transaction: SQLite's single writer orders the chain; on PostgreSQL the
/// table is locked against other writers (not readers) until the commit.
pub async fn append(conn: &mut Conn, e: &AuditEntry) -> Result<(), StoreError> {
    let before = e.before.as_ref().map(|v| v.to_string());
    let after = e.after.as_ref().map(|v| v.to_string());
    lock(conn).await?;
    seal(conn).await?;
    let prev: String = sqlx::query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<Option<String>, _>(0))
        .transpose()?
        .flatten()
        .unwrap_or_else(|| GENESIS.to_string());
    let id: i64 = sqlx::query("INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json, prev_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.entity_id)
        .bind(&before)
        .bind(&after)
        .bind(&prev)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let hash = entry_hash(
        &prev,
        id,
        [
            Some(&e.at),
            Some(&e.actor),
            Some(&e.action),
            Some(&e.entity),
            Some(&e.entity_id),
            before.as_deref(),
            after.as_deref(),
        ],
    );
    sqlx::query("UPDATE audit_log SET hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

type ChainRow = (i64, [Option<String>; 7], Option<String>, Option<String>);

fn chain_row(r: &sqlx::any::AnyRow) -> Result<ChainRow, StoreError> {
    Ok((
        r.try_get(0)?,
        [
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
        ],
        r.try_get(8)?,
        r.try_get(9)?,
    ))
}

const CHAIN_COLS: &str =
    "id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash";

/// Chains the entries written without a hash (a bulk load's, or those from
/// before the chain existed), in id order. Inside a write transaction.
pub async fn seal(conn: &mut Conn) -> Result<usize, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CHAIN_COLS} FROM audit_log WHERE hash IS NULL ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let first: i64 = rows[0].try_get(0)?;
    let mut prev: String =
        sqlx::query("SELECT hash FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT 1")
            .bind(first)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten()
            .unwrap_or_else(|| GENESIS.to_string());
    for r in &rows {
        let (id, f, _, _) = chain_row(r)?;
        let hash = entry_hash(&prev, id, f.each_ref().map(|x| x.as_deref()));
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        prev = hash;
    }
    Ok(rows.len())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainReport {
    pub entries: u64,
    /// The newest entry's hash: write it down elsewhere to detect a cut tail.
    pub head: String,
    /// The first entry that does not verify, and why.
    pub broken: Option<(i64, String)>,
}

/// Walks the whole chain in id order and names the first entry that was
/// changed (its hash does not match its fields), removed or reordered (its
/// previous hash is not the hash of the entry before it).
pub async fn verify(conn: &mut Conn) -> Result<ChainReport, StoreError> {
    use futures_util::TryStreamExt;
    let mut prev = GENESIS.to_string();
    let mut n = 0u64;
    let sql = format!("SELECT {CHAIN_COLS} FROM audit_log ORDER BY id");
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let (id, f, prev_hash, hash) = chain_row(&r)?;
        n += 1;
        let Some(hash) = hash else {
            return Ok(ChainReport {
                entries: n,
                head: prev,
                broken: Some((id, "not sealed: it has no hash".into())),
            });
        };
        if prev_hash.as_deref() != Some(prev.as_str()) {
            return Ok(ChainReport {
                entries: n,
                head: prev,
                broken: Some((
                    id,
                    "does not follow the entry before it: an entry was removed or the order changed".into(),
                )),
            });
        }
        let expect = entry_hash(&prev, id, f.each_ref().map(|x| x.as_deref()));
        if expect != hash {
            return Ok(ChainReport {
                entries: n,
                head: prev,
                broken: Some((id, "its content was changed after it was written".into())),
            });
        }
        prev = hash;
    }
    Ok(ChainReport {
        entries: n,
        head: prev,
        broken: None,
    })
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

/// The newest entry's id (0 for an empty log): the position up to which
/// a reader has seen the data.
pub async fn newest_id(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COALESCE(MAX(id), 0) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

/// The newest entry about a record: (id, at, actor, action).
pub async fn latest_for(
    conn: &mut Conn,
    entity: &str,
    entity_id: &str,
) -> Result<Option<(i64, String, String, String)>, StoreError> {
    let r = sqlx::query(
        "SELECT id, at, actor, action FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action <> 'read' ORDER BY id DESC LIMIT 1",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .transpose()
}

/// Serializes writers of the log (PostgreSQL; SQLite has one writer).
pub async fn lock(conn: &mut Conn) -> Result<(), StoreError> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
