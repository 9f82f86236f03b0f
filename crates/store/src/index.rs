//! The queries of the application's roll-up index (`ranks_app::index`):
//! the tree in preorder, every member's admission day streamed, the term
//! targets, and the audit entries the index follows to stay exact.

use crate::error::StoreError;
use crate::Conn;
use sqlx::Row;

/// A unit as the index lays it out.
#[derive(Debug, Clone)]
pub struct TreeUnit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    /// The materialized path (`/1/4/9/`).
    pub path: String,
    pub kind: String,
    /// `yyyy-mm-dd`.
    pub created_on: String,
}

/// An audit entry the index follows (reads left out).
#[derive(Debug, Clone)]
pub struct Change {
    pub id: i64,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

/// The ids of the audit entries above `after`.
pub async fn audit_ids_after(conn: &mut Conn, after: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query("SELECT id FROM audit_log WHERE id > $1")
        .bind(after)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<i64, _>(0).ok())
        .collect())
}

/// Every unit, in preorder (the order of their paths).
pub async fn units_in_preorder(conn: &mut Conn) -> Result<Vec<TreeUnit>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, code, name, parent_id, path, kind, created_on FROM units ORDER BY path",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TreeUnit {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                parent_id: r.try_get(3)?,
                path: r.try_get(4)?,
                kind: r.try_get(5)?,
                created_on: r.try_get(6)?,
            })
        })
        .collect()
}

/// The units that have moved at least once (rows of `unit_moves`).
pub async fn moved_units(conn: &mut Conn) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query("SELECT DISTINCT unit_id FROM unit_moves")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// A current member: probationary or official.
fn current(status: &str) -> bool {
    use ranks_domain::MemberStatus as S;
    status == S::Probationary.as_str() || status == S::Official.as_str()
}

/// Days since 1970-01-01 of a `yyyy-mm-dd` date (None if it is not one).
pub fn day_number(d: &str) -> Option<i32> {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = d.get(0..4)?.parse().ok()?;
    let m: u32 = d.get(5..7)?.parse().ok()?;
    let dd: u32 = d.get(8..10)?.parse().ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(y, m, dd)?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

/// One member as the index reads it: (id, unit id, admission day as
/// days since 1970-01-01, current member).
pub type Admission = (i64, i64, Option<i32>, bool);

/// Every member's [`Admission`], streamed to `each`: 5.6 million rows
/// never sit in memory as rows. On SQLite they are read by a connection of
/// their own (rusqlite, on a thread of its own) and handed over in chunks:
/// sqlx's SQLite driver hands rows one at a time from its worker thread,
/// and those wake-ups were most of the index's build.
pub async fn each_admission(
    db: &crate::Db,
    conn: &mut Conn,
    mut each: impl FnMut(Admission),
) -> Result<(), StoreError> {
    if let crate::DatabaseUrl::Sqlite { path } = db.database_url() {
        return each_admission_sqlite(path.clone(), each).await;
    }
    use futures_util::TryStreamExt;
    let mut rows =
        sqlx::query("SELECT id, unit_id, admitted_on, status FROM members").fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let id: i64 = r.try_get(0)?;
        let unit: i64 = r.try_get(1)?;
        let on: String = r.try_get(2)?;
        let status: String = r.try_get(3)?;
        each((id, unit, day_number(&on), current(&status)));
    }
    Ok(())
}

/// Rows per chunk handed from the SQLite reader's thread.
const CHUNK: usize = 65_536;

async fn each_admission_sqlite(
    path: String,
    mut each: impl FnMut(Admission),
) -> Result<(), StoreError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<Admission>, String>>(2);
    std::thread::spawn(move || {
        let run = || -> rusqlite::Result<()> {
            let c = rusqlite::Connection::open(&path)?;
            c.busy_timeout(std::time::Duration::from_secs(30))?;
            let mut st = c.prepare("SELECT id, unit_id, admitted_on, status FROM members")?;
            let mut rows = st.query([])?;
            let mut chunk = Vec::with_capacity(CHUNK);
            while let Some(r) = rows.next()? {
                let on = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
                let status = r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
                chunk.push((r.get(0)?, r.get(1)?, day_number(on), current(status)));
                if chunk.len() == CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    if tx.blocking_send(Ok(full)).is_err() {
                        return Ok(());
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = tx.blocking_send(Ok(chunk));
            }
            Ok(())
        };
        if let Err(e) = run() {
            let _ = tx.blocking_send(Err(e.to_string()));
        }
    });
    while let Some(chunk) = rx.recv().await {
        for a in chunk.map_err(|e| StoreError::Corrupt(format!("reading members: {e}")))? {
            each(a);
        }
    }
    Ok(())
}

/// The (id, unit id, admission day, current member) of the members `ids`
/// (at most a few hundred at a time).
pub async fn admissions_of(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<Vec<(i64, i64, String, bool)>, StoreError> {
    let list = ids
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT id, unit_id, admitted_on, status FROM members WHERE id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                current(&r.try_get::<String, _>(3)?),
            ))
        })
        .collect()
}

/// Every term target: (unit id, term id, target).
pub async fn term_targets(conn: &mut Conn) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let rows = sqlx::query("SELECT unit_id, term_id, target FROM term_targets")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// The audit entries above `after` that are not reads, in id order.
pub async fn changes_after(conn: &mut Conn, after: i64) -> Result<Vec<Change>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, action, entity, entity_id FROM audit_log WHERE id > $1 AND action <> 'read' ORDER BY id",
    )
    .bind(after)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                id: r.try_get(0)?,
                action: r.try_get(1)?,
                entity: r.try_get(2)?,
                entity_id: r.try_get(3)?,
            })
        })
        .collect()
}

/// Admissions from `from` to `to` (inclusive, `yyyy-mm-dd`) of every unit
/// with its whole subtree, by unit code, as the plain SQL a competent
/// engineer would write: a recursive CTE pairing every unit with each of
/// its descendants, joined to the members admitted in the range, grouped.
pub async fn rollup_sql(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query(
        "WITH RECURSIVE sub(root, id) AS ( \
             SELECT id, id FROM units \
             UNION ALL \
             SELECT sub.root, u.id FROM sub JOIN units u ON u.parent_id = sub.id) \
         SELECT r.code, COUNT(m.id) FROM sub \
         JOIN units r ON r.id = sub.root \
         LEFT JOIN members m ON m.unit_id = sub.id AND m.admitted_on >= $1 AND m.admitted_on <= $2 \
         GROUP BY r.code",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// The newest audit id and how many entries sit in the `window` of ids
/// below it.
pub async fn audit_generation(
    conn: &mut crate::lite::Reader<'_>,
    window: i64,
) -> Result<(i64, i64), StoreError> {
    let rows = conn
        .all(
            "SELECT COALESCE(MAX(id), 0) AS newest, \
             (SELECT COUNT(*) FROM audit_log WHERE id > (SELECT COALESCE(MAX(id), 0) FROM audit_log) - $1) AS recent \
             FROM audit_log",
            &[window.into()],
            |r| Ok((r.int("newest")?, r.int("recent")?)),
        )
        .await?;
    rows.into_iter()
        .next()
        .ok_or_else(|| StoreError::Corrupt("no audit generation".into()))
}

/// Every unit's (id, kind): what the pickers need beside the index's tree.
pub async fn unit_kinds(conn: &mut Conn) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query("SELECT id, kind FROM units")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
