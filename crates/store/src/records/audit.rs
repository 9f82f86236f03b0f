//! The append-only audit log: who wrote what, when, before and after.
//! There is no update or delete here on purpose (only the one-time sealing
//! of a log written by an earlier, unkeyed version).
//!
//! Each entry carries a MAC (HMAC-SHA256 with the audit key, kept outside
//! the database) over the MAC of the entry before it, its id and its
//! fields: without the key no one can change, remove or reorder entries and
//! make the chain hold again. The head is written down outside the
//! database too (the checkpoint file), so a cut tail is found.

use crate::anchor::{self, AuditFiles, AuditKey, MAC_PREFIX};
use crate::error::StoreError;
use crate::{AuditSeal, Conn, Db, WriteTx};
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

/// The unkeyed hash of earlier versions: SHA-256 over the previous
/// entry's hash and the entry's id and fields (unit separators between,
/// NUL for a missing value). Kept to check and upgrade a log written by
/// them; anyone can compute it, so it proves nothing against someone
/// holding the database file.
pub fn entry_hash(prev: &str, id: i64, fields: [Option<&str>; 7]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    crate::anchor::feed(|b| h.update(b), prev, id, fields);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The chain's start.
pub const GENESIS: &str = "ranks-audit-genesis";

/// What a new entry chains to: the newest entry's MAC, or `unsealed:ID`
/// when the newest entry has none (which `verify` reports; a new entry
/// never seals it), or the genesis for an empty log.
pub fn chain_link(newest: Option<(i64, Option<String>)>) -> String {
    match newest {
        None => GENESIS.to_string(),
        Some((_, Some(h))) => h,
        Some((id, None)) => format!("unsealed:{id}"),
    }
}

fn no_key() -> StoreError {
    StoreError::Audit("no audit key is attached to the database: an entry cannot be written".into())
}

/// Appends an entry, sealed with the transaction's audit key and chained
/// to the entry before. Call it inside the write transaction: SQLite's
/// single writer orders the chain; on PostgreSQL the table is locked
/// against other writers (not readers) until the commit. It seals its own
/// entry only, never one written before without a MAC.
pub async fn append(tx: &mut WriteTx, e: &AuditEntry) -> Result<(), StoreError> {
    let key = tx.audit_key().cloned().ok_or_else(no_key)?;
    let conn = tx.conn();
    let before = e.before.as_ref().map(|v| v.to_string());
    let after = e.after.as_ref().map(|v| v.to_string());
    lock(conn).await?;
    let newest = sqlx::query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?;
    let prev = chain_link(newest);
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
    let mac = key.mac(
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
        .bind(&mac)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) type ChainRow = (i64, [Option<String>; 7], Option<String>, Option<String>);

pub(crate) fn chain_row(r: &sqlx::any::AnyRow) -> Result<ChainRow, StoreError> {
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

pub(crate) const CHAIN_COLS: &str =
    "id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash";

/// True when a row's MAC is the key's MAC of its fields and stored link.
pub(crate) fn mac_holds(key: &AuditKey, row: &ChainRow) -> bool {
    let (id, f, prev, hash) = row;
    match hash {
        Some(h) if h.starts_with(MAC_PREFIX) => {
            key.mac(
                prev.as_deref().unwrap_or(""),
                *id,
                f.each_ref().map(|x| x.as_deref()),
            ) == *h
        }
        _ => false,
    }
}

/// What is wrong with an entry (or a run of entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No MAC: written without one (or its MAC was removed).
    Unsealed,
    /// An unkeyed hash where a MAC belongs.
    Unkeyed,
    /// The MAC does not match the content: changed after it was written
    /// (or sealed with another key).
    Changed,
    /// The MAC holds but the entry does not follow the one before it:
    /// entries were removed or reordered.
    Gap,
    /// The checkpoint file names this entry with another MAC.
    CheckpointDiffers,
    /// The checkpoint file names this entry but the log lacks it: the log
    /// was cut or entries deleted.
    Missing,
}

impl Fault {
    pub fn describe(self) -> &'static str {
        match self {
            Fault::Unsealed => "has no MAC: it was not sealed when written (a later write never seals it)",
            Fault::Unkeyed => "carries an unkeyed hash, not a MAC made with the key",
            Fault::Changed => "does not verify with the key: changed after it was written (or sealed with another key)",
            Fault::Gap => "does not follow the entry before it: entries were removed or reordered",
            Fault::CheckpointDiffers => "differs from the MAC the checkpoint file wrote down for it",
            Fault::Missing => "is in the checkpoint file but missing from the log: the log was cut or entries deleted",
        }
    }
}

/// One fault over a run of entries (`first` to `last`, `count` of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub first: i64,
    pub last: i64,
    pub count: u64,
    pub fault: Fault,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.count == 1 {
            write!(f, "entry {} {}", self.first, self.fault.describe())
        } else {
            write!(
                f,
                "entries {} to {} ({}), each {}",
                self.first,
                self.last,
                self.count,
                self.fault.describe()
            )
        }
    }
}

/// A current row that differs from what the audit log says was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub table: &'static str,
    /// The record's key as the log names it (`entity_id`).
    pub id: String,
    /// The column, or `*` for a row that is gone.
    pub field: String,
    pub logged: Option<String>,
    pub current: Option<String>,
    /// The entry whose after-image gave the logged value.
    pub entry: i64,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| match v {
            Some(v) => format!("{v:?}"),
            None => "NULL".to_string(),
        };
        if self.field == "*" {
            write!(
                f,
                "{} {}: the row is gone (logged by entry {})",
                self.table, self.id, self.entry
            )
        } else {
            write!(
                f,
                "{} {} {}: logged {} (entry {}), now {}",
                self.table,
                self.id,
                self.field,
                show(&self.logged),
                self.entry,
                show(&self.current)
            )
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainReport {
    pub entries: u64,
    /// Entries whose MAC holds (a redacted entry's with the MAC its
    /// erasure entry recorded).
    pub verified: u64,
    /// Entries whose personal values were erased (docs/privacy.md): their
    /// MAC holds with the MAC a sealed `erase` entry recorded for them.
    pub redacted: u64,
    /// The newest entry's id and MAC.
    pub head: Option<(i64, String)>,
    /// Checkpoint lines compared.
    pub checkpoints: u64,
    /// Faults in the log, by entry.
    pub problems: Vec<Problem>,
    /// Records whose current rows were compared with their after-images.
    pub records: u64,
    /// Rows that differ from the log.
    pub differences: Vec<Difference>,
}

impl ChainReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.differences.is_empty()
    }

    /// True when the fault covers the entry.
    pub fn names(&self, id: i64, fault: Fault) -> bool {
        self.problems
            .iter()
            .any(|p| p.fault == fault && p.first <= id && id <= p.last)
    }
}

#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// Adds a fault of entry `id`, extending the run of the same fault
    /// that ended at the row read before (`prev_row`).
    fn add(&mut self, id: i64, fault: Fault, prev_row: Option<i64>) {
        if let Some(prev) = prev_row {
            if let Some(p) = self
                .list
                .iter_mut()
                .rev()
                .take(8)
                .find(|p| p.fault == fault && p.last == prev)
            {
                p.last = id;
                p.count += 1;
                return;
            }
        }
        self.list.push(Problem {
            first: id,
            last: id,
            count: 1,
            fault,
        });
    }
}

/// Walks the whole log in id order with the key, and names every entry
/// that has no MAC, an unkeyed hash, a MAC that does not hold (changed),
/// or a link that does not follow the entry before it (removed,
/// reordered); then every checkpoint (id, MAC) that the log contradicts
/// or lacks (cut). Runs of the same fault are reported as one problem.
pub async fn verify(
    conn: &mut Conn,
    key: &AuditKey,
    checkpoints: &[(i64, String)],
) -> Result<ChainReport, StoreError> {
    use futures_util::TryStreamExt;
    use std::collections::BTreeMap;
    let mut report = ChainReport::default();
    let mut problems = Problems::default();
    let mut marks: BTreeMap<i64, String> = BTreeMap::new();
    let mut contradictions = Vec::new();
    for (id, mac) in checkpoints {
        if let Some(old) = marks.insert(*id, mac.clone()) {
            if old != *mac {
                contradictions.push(*id);
            }
        }
    }
    report.checkpoints = checkpoints.len() as u64;
    let redacted = super::redaction::recorded(conn, key).await?;
    let mut link = GENESIS.to_string();
    let mut prev_row: Option<i64> = None;
    let sql = format!("SELECT {CHAIN_COLS} FROM audit_log ORDER BY id");
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let row = chain_row(&r)?;
        let (id, _, stored_prev, hash) = &row;
        let id = *id;
        report.entries += 1;
        let mut faults = Vec::new();
        match hash {
            None => faults.push(Fault::Unsealed),
            Some(h) if !h.starts_with(MAC_PREFIX) => faults.push(Fault::Unkeyed),
            Some(_) if !mac_holds(key, &row) && !super::redaction::holds(key, &row, &redacted) => {
                faults.push(Fault::Changed)
            }
            Some(_) => {
                if redacted.contains_key(&id) {
                    report.redacted += 1;
                }
                report.verified += 1;
                if stored_prev.as_deref() != Some(link.as_str()) {
                    faults.push(Fault::Gap);
                }
            }
        }
        if let Some(mark) = marks.remove(&id) {
            if hash.as_deref() != Some(mark.as_str()) || contradictions.contains(&id) {
                faults.push(Fault::CheckpointDiffers);
            }
        }
        for f in &faults {
            problems.add(id, *f, prev_row);
        }
        link = chain_link(Some((id, hash.clone())));
        report.head = Some((id, hash.clone().unwrap_or_default()));
        prev_row = Some(id);
    }
    drop(rows);
    // Checkpointed entries the log no longer has, as runs of checkpoint lines.
    let mut gone: Option<Problem> = None;
    for id in marks.keys() {
        match &mut gone {
            Some(p) => {
                p.last = *id;
                p.count += 1;
            }
            None => {
                gone = Some(Problem {
                    first: *id,
                    last: *id,
                    count: 1,
                    fault: Fault::Missing,
                })
            }
        }
    }
    problems.list.extend(gone);
    problems.list.sort_by_key(|p| (p.first, p.last));
    report.problems = problems.list;
    Ok(report)
}

/// Writes the newest entry's (id, MAC) to the checkpoint file unless it is
/// already the file's last line; the entry's MAC is checked first (a head
/// that does not verify is never written down). The head, if any.
pub async fn checkpoint(
    conn: &mut Conn,
    seal: &AuditSeal,
) -> Result<Option<(i64, String)>, StoreError> {
    let Some(r) = sqlx::query(&format!(
        "SELECT {CHAIN_COLS} FROM audit_log ORDER BY id DESC LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let row = chain_row(&r)?;
    if !mac_holds(&seal.key, &row) {
        return Err(StoreError::Audit(format!(
            "the newest audit entry {} does not verify with the key, so it is not written to the checkpoint file; run `ranks audit verify`",
            row.0
        )));
    }
    let head = (row.0, row.3.unwrap_or_default());
    if anchor::last_checkpoint(&seal.checkpoint)?.as_ref() != Some(&head) {
        anchor::append_checkpoint(&seal.checkpoint, head.0, &head.1)?;
    }
    Ok(Some(head))
}

/// Attaches the audit key to `db`. The key is loaded from `files.key`;
/// when it does not exist and the log holds no MAC (a new database, or one
/// of an earlier version) and the checkpoint file is empty, it is created
/// (`create`) and an unkeyed log is checked and sealed with it once. A log
/// sealed with a key whose key file is missing, or whose newest MACs do not
/// hold with the key, is refused with the reason. Without `create` (a
/// verification), the key must exist and nothing is written.
pub async fn attach(
    db: Db,
    files: &AuditFiles,
    create: bool,
) -> Result<(Db, Option<String>), StoreError> {
    let key = AuditKey::load(&files.key)?;
    let (sealed, total) = {
        let mut conn = db.read().await?;
        let rows = sqlx::query(&format!(
            "SELECT {CHAIN_COLS} FROM audit_log WHERE hash LIKE 'hmac:%' ORDER BY id DESC LIMIT 16"
        ))
        .fetch_all(&mut *conn)
        .await?;
        let sealed = rows.iter().map(chain_row).collect::<Result<Vec<_>, _>>()?;
        (sealed, count(&mut conn).await?)
    };
    let checkpointed = anchor::last_checkpoint(&files.checkpoint)?.is_some();
    let seal = |key: AuditKey| AuditSeal {
        key,
        checkpoint: files.checkpoint.clone(),
    };
    let key = match key {
        Some(key) => key,
        None if !sealed.is_empty() || checkpointed => {
            return Err(StoreError::Audit(format!(
                "the audit key {} is missing, but this database's audit log was sealed with a key: put the key file back from your copy (docs/audit.md)",
                files.key.display()
            )))
        }
        None if !create => {
            return Err(StoreError::Audit(format!(
                "the audit key {} does not exist (it is created when the server or a command that writes first opens the database)",
                files.key.display()
            )))
        }
        None => {
            let key = AuditKey::create(&files.key)?;
            let mut notice = format!(
                "audit key created: {} (fingerprint {}); keep a copy apart from the database (docs/audit.md)",
                files.key.display(),
                key.fingerprint()
            );
            if total > 0 {
                let n = match upgrade(&db, &key).await {
                    Ok(n) => n,
                    Err(e) => {
                        // Nothing was sealed with it: leave no key behind.
                        let _ = std::fs::remove_file(&files.key);
                        return Err(e);
                    }
                };
                notice.push_str(&format!(
                    "; the unkeyed audit chain of {n} entries verified and was sealed with the key"
                ));
            }
            return Ok((db.with_seal(seal(key)), Some(notice)));
        }
    };
    if !create {
        return Ok((db.with_seal(seal(key)), None));
    }
    if !sealed.is_empty() {
        if !sealed.iter().any(|r| mac_holds(&key, r)) {
            return Err(StoreError::Audit(format!(
                "the audit key {} (fingerprint {}) verifies none of the newest {} sealed audit entries (newest {}): it is not the key this log was sealed with, or those entries were changed; run `ranks audit verify`",
                files.key.display(),
                key.fingerprint(),
                sealed.len(),
                sealed[0].0
            )));
        }
        return Ok((db.with_seal(seal(key)), None));
    }
    if total > 0 {
        // A key but an unkeyed log: the first start after the key was made
        // ended before the log was sealed. Not when heads were written down:
        // then the log had MACs and someone replaced them.
        if checkpointed {
            return Err(StoreError::Audit(format!(
                "the audit log carries no MAC although the checkpoint file {} shows it was sealed with a key: it was rewritten; run `ranks audit verify`",
                files.checkpoint.display()
            )));
        }
        let n = upgrade(&db, &key).await?;
        return Ok((
            db.with_seal(seal(key)),
            Some(format!(
                "the unkeyed audit chain of {n} entries verified and was sealed with the key {}",
                files.key.display()
            )),
        ));
    }
    Ok((db.with_seal(seal(key)), None))
}

/// The first entry where the unkeyed chain of an earlier version does not
/// hold, and why.
fn unkeyed_break(rows: &[ChainRow]) -> Option<(i64, &'static str)> {
    let mut prev = GENESIS.to_string();
    let mut unsealed_tail = false;
    for (id, f, stored_prev, hash) in rows {
        match hash {
            // Earlier versions sealed a trailing run of entries at the next write.
            None => unsealed_tail = true,
            Some(_) if unsealed_tail => return Some((*id, "an entry after unsealed ones")),
            Some(h) => {
                if stored_prev.as_deref() != Some(prev.as_str()) {
                    return Some((*id, "an entry removed or reordered"));
                }
                if entry_hash(&prev, *id, f.each_ref().map(|x| x.as_deref())) != *h {
                    return Some((*id, "an entry changed"));
                }
                prev = h.clone();
            }
        }
    }
    None
}

/// Checks a log written by an earlier, unkeyed version (a backup's): the
/// first entry where its chain does not hold, and why.
pub async fn verify_unkeyed(conn: &mut Conn) -> Result<Option<(i64, &'static str)>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {CHAIN_COLS} FROM audit_log ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?;
    let rows = rows.iter().map(chain_row).collect::<Result<Vec<_>, _>>()?;
    Ok(unkeyed_break(&rows))
}

/// Checks the unkeyed chain of an earlier version and seals every entry
/// with the key, in one transaction. Refused when the chain does not hold.
async fn upgrade(db: &Db, key: &AuditKey) -> Result<u64, StoreError> {
    let mut tx = db.begin_write().await?;
    let conn = tx.conn();
    lock(conn).await?;
    let rows = sqlx::query(&format!("SELECT {CHAIN_COLS} FROM audit_log ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?;
    let rows = rows.iter().map(chain_row).collect::<Result<Vec<_>, _>>()?;
    if let Some((id, why)) = unkeyed_break(&rows) {
        return Err(StoreError::Audit(format!(
            "the audit log's unkeyed chain is broken at entry {id} ({why}), so it is not sealed with a key; restore a backup whose chain holds"
        )));
    }
    let mut link = GENESIS.to_string();
    for (id, f, _, _) in &rows {
        let mac = key.mac(&link, *id, f.each_ref().map(|x| x.as_deref()));
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&link)
            .bind(&mac)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        link = mac;
    }
    tx.commit().await?;
    Ok(rows.len() as u64)
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

/// The (at, after_json) of the newest bulk-load audit entries (at most
/// 20), newest first.
pub async fn recent_bulk_loads(
    conn: &mut Conn,
) -> Result<Vec<(String, Option<String>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT at, after_json FROM audit_log WHERE action = 'bulk import' ORDER BY id DESC LIMIT 20",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
