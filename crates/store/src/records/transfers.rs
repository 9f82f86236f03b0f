//! Transfer files (chuyển sinh hoạt đảng) and their status history.

use super::{date, iso, opt_date};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath};
use sqlx::Row;

/// A transfer file as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferRow {
    pub id: i64,
    /// official or temporary
    pub kind: String,
    pub member_id: Option<i64>,
    pub from_unit_id: Option<i64>,
    pub origin: Option<String>,
    pub to_unit_id: Option<i64>,
    pub destination: Option<String>,
    /// sent, received, registered, refused
    pub status: String,
    pub decided_on: Option<Date>,
    pub sent_on: Date,
    pub until: Option<Date>,
    pub study: bool,
    pub handed_over: Vec<String>,
    pub received_docs: Option<Vec<String>>,
    pub reason: Option<String>,
    /// JSON: the member as the papers of an arrival from outside describe them.
    pub arrival: Option<serde_json::Value>,
    pub created_by: String,
    pub created_at: String,
}

impl TransferRow {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id, "kind": self.kind, "member_id": self.member_id,
            "from_unit_id": self.from_unit_id, "origin": self.origin,
            "to_unit_id": self.to_unit_id, "destination": self.destination,
            "status": self.status, "decided_on": self.decided_on.map(iso),
            "sent_on": iso(self.sent_on), "until": self.until.map(iso), "study": self.study,
            "handed_over": self.handed_over, "received_docs": self.received_docs,
            "reason": self.reason, "arrival": self.arrival,
        })
    }
}

/// A new file: everything but its id, status history and stamps.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTransfer {
    pub kind: String,
    pub member_id: Option<i64>,
    pub from_unit_id: Option<i64>,
    pub origin: Option<String>,
    pub to_unit_id: Option<i64>,
    pub destination: Option<String>,
    pub status: String,
    pub decided_on: Option<Date>,
    pub sent_on: Date,
    pub until: Option<Date>,
    pub study: bool,
    pub handed_over: Vec<String>,
    pub arrival: Option<serde_json::Value>,
}

const COLUMNS: &str = "id, kind, member_id, from_unit_id, origin, to_unit_id, destination, status, \
     decided_on, sent_on, until_on, study, handed_over, received_docs, reason, arrival, created_by, created_at";

fn keys(s: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("transfer documents: {e}")))
}

fn row_of(r: &sqlx::any::AnyRow) -> Result<TransferRow, StoreError> {
    let received: Option<String> = r.try_get("received_docs")?;
    let arrival: Option<String> = r.try_get("arrival")?;
    Ok(TransferRow {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        member_id: r.try_get("member_id")?,
        from_unit_id: r.try_get("from_unit_id")?,
        origin: r.try_get("origin")?,
        to_unit_id: r.try_get("to_unit_id")?,
        destination: r.try_get("destination")?,
        status: r.try_get("status")?,
        decided_on: opt_date(r, "decided_on")?,
        sent_on: date(r, "sent_on")?,
        until: opt_date(r, "until_on")?,
        study: r.try_get::<i64, _>("study")? != 0,
        handed_over: keys(&r.try_get::<String, _>("handed_over")?)?,
        received_docs: received.as_deref().map(keys).transpose()?,
        reason: r.try_get("reason")?,
        arrival: arrival
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("transfer arrival: {e}")))?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    t: &NewTransfer,
    by: &str,
    at: &str,
) -> Result<i64, StoreError> {
    let r = sqlx::query(
        "INSERT INTO transfers (kind, member_id, from_unit_id, origin, to_unit_id, destination, status, \
         decided_on, sent_on, until_on, study, handed_over, arrival, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(&t.kind)
    .bind(t.member_id)
    .bind(t.from_unit_id)
    .bind(&t.origin)
    .bind(t.to_unit_id)
    .bind(&t.destination)
    .bind(&t.status)
    .bind(t.decided_on.map(iso))
    .bind(iso(t.sent_on))
    .bind(t.until.map(iso))
    .bind(i64::from(t.study))
    .bind(serde_json::to_string(&t.handed_over).expect("strings serialise"))
    .bind(t.arrival.as_ref().map(|a| a.to_string()))
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r.try_get(0)?)
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<TransferRow>, StoreError> {
    let r = sqlx::query(&format!("SELECT {COLUMNS} FROM transfers WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(row_of).transpose()
}

/// The member's files still open (sent or received).
pub async fn open_for_member(conn: &mut Conn, member_id: i64) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT id FROM transfers WHERE member_id = $1 AND status IN ('sent', 'received') ORDER BY id",
    )
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// A status change: the new status, and on receipt the papers found, on
/// refusal its reason.
pub async fn set_status(
    conn: &mut Conn,
    id: i64,
    status: &str,
    received_docs: Option<&[String]>,
    reason: Option<&str>,
    member_id: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE transfers SET status = $1, \
         received_docs = COALESCE($2, received_docs), reason = COALESCE($3, reason), \
         member_id = COALESCE($4, member_id) WHERE id = $5",
    )
    .bind(status)
    .bind(received_docs.map(|d| serde_json::to_string(d).expect("strings serialise")))
    .bind(reason)
    .bind(member_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One step of a file's history.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferEvent {
    pub status: String,
    pub on: Date,
    pub note: String,
    pub by: String,
    pub at: String,
}

pub async fn add_event(
    conn: &mut Conn,
    transfer_id: i64,
    status: &str,
    on: Date,
    note: &str,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO transfer_events (transfer_id, status, on_date, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(transfer_id)
    .bind(status)
    .bind(iso(on))
    .bind(note)
    .bind(by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn events(conn: &mut Conn, transfer_id: i64) -> Result<Vec<TransferEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT status, on_date, note, recorded_by, recorded_at FROM transfer_events \
         WHERE transfer_id = $1 ORDER BY id",
    )
    .bind(transfer_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TransferEvent {
                status: r.try_get("status")?,
                on: date(r, "on_date")?,
                note: r.try_get("note")?,
                by: r.try_get("recorded_by")?,
                at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

/// Which end of the files a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Sent from a unit of the subtree.
    Outgoing,
    /// Addressed to a unit of the subtree.
    Incoming,
}

/// The files of one end of a subtree: open ones first, then the newest;
/// at most `limit`.
pub async fn in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
    end: End,
    limit: i64,
) -> Result<Vec<TransferRow>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let column = match end {
        End::Outgoing => "from_unit_id",
        End::Incoming => "to_unit_id",
    };
    let cols = COLUMNS
        .split(", ")
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(&format!(
        "SELECT {cols} FROM transfers t JOIN units u ON u.id = t.{column} \
         WHERE u.path >= $1 AND u.path < $2 \
         ORDER BY CASE WHEN t.status IN ('sent', 'received') THEN 0 ELSE 1 END, t.id DESC LIMIT $3"
    ))
    .bind(lo)
    .bind(hi)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(row_of).collect()
}
