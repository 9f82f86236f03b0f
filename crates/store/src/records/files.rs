//! Candidates' files read whole for the maintained pipeline summaries:
//! every file (or the few named) with its unit, stage history and recorded
//! receipts, streamed in one pass per table.

use super::{date, opt_date};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::Date;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// A candidate's file: its unit, its stages oldest first (as
/// `candidates::histories_in_subtree` orders them) and the receipts
/// recorded for them (a later row wins, as in `receipts_in_subtree`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileRow {
    pub id: i64,
    pub unit_id: i64,
    pub history: Vec<(String, Date)>,
    pub received: BTreeMap<String, Date>,
    /// The emulation movement the file came from, by name.
    pub movement: Option<String>,
    /// The stage the candidates table records (`candidates.stage`).
    pub stage: String,
    /// Since when (`candidates.stage_since`): the stage lists' order.
    pub stage_since: Date,
    /// The emulation movement by id (`candidates.movement_id`).
    pub movement_id: Option<i64>,
    /// Admitted: `candidates.member_id` is set.
    pub admitted: bool,
}

/// Every candidate's file (`ids` None), or those of `ids` (a few hundred
/// at a time), by candidate id.
pub async fn files(conn: &mut Conn, ids: Option<&[i64]>) -> Result<Vec<FileRow>, StoreError> {
    let (cands, stages, binds) = match ids {
        Some([]) => return Ok(Vec::new()),
        None => (String::new(), String::new(), Vec::new()),
        Some(ids) => {
            let (list, binds) = super::bound_ids(1, ids);
            (
                format!(" WHERE c.id IN ({list})"),
                format!(" WHERE candidate_id IN ({list})"),
                binds,
            )
        }
    };
    let sql = format!(
        "SELECT c.id, c.unit_id, mv.name, c.stage, c.stage_since AS stage_since, c.movement_id, \
         c.member_id FROM candidates c LEFT JOIN movements mv ON mv.id = c.movement_id{cands}"
    );
    let mut q = sqlx::query(&sql);
    for id in &binds {
        q = q.bind(*id);
    }
    // Streamed: the whole country's rows are never held at once (the
    // server's peak memory is that of a whole build on PostgreSQL).
    use futures_util::TryStreamExt;
    let mut out: HashMap<i64, FileRow> = HashMap::new();
    let mut rows = q.fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let r = &row;
        let id: i64 = r.try_get(0)?;
        out.insert(
            id,
            FileRow {
                id,
                unit_id: r.try_get(1)?,
                movement: r.try_get(2)?,
                stage: r.try_get(3)?,
                stage_since: date(r, "stage_since")?,
                movement_id: r.try_get(5)?,
                admitted: r.try_get::<Option<i64>, _>(6)?.is_some(),
                ..FileRow::default()
            },
        );
    }
    drop(rows);
    let sql = format!(
        "SELECT candidate_id, stage, on_date, received_on, id FROM candidate_stages{stages} \
         ORDER BY candidate_id, on_date, id"
    );
    let mut q = sqlx::query(&sql);
    for id in &binds {
        q = q.bind(*id);
    }
    let mut receipts: HashMap<i64, Vec<(i64, String, Date)>> = HashMap::new();
    let mut rows = q.fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let r = &row;
        let cid: i64 = r.try_get(0)?;
        let Some(f) = out.get_mut(&cid) else { continue };
        let stage: String = r.try_get(1)?;
        if let Some(on) = opt_date(r, "received_on")? {
            receipts
                .entry(cid)
                .or_default()
                .push((r.try_get(4)?, stage.clone(), on));
        }
        f.history.push((stage, date(r, "on_date")?));
    }
    drop(rows);
    for (cid, mut list) in receipts {
        list.sort_by_key(|x| x.0);
        if let Some(f) = out.get_mut(&cid) {
            f.received = list.into_iter().map(|(_, s, d)| (s, d)).collect();
        }
    }
    let mut files: Vec<FileRow> = out.into_values().collect();
    files.sort_unstable_by_key(|f| f.id);
    Ok(files)
}

/// Every candidate's file, as [`files`] with `ids` None reads them; on
/// SQLite through a rusqlite connection of its own on a thread of its own
/// (sqlx's SQLite driver hands rows one at a time across threads, the
/// most of a whole build's time, see [`crate::index::each_admission`]).
pub async fn all_files(db: &crate::Db, conn: &mut Conn) -> Result<Vec<FileRow>, StoreError> {
    let crate::DatabaseUrl::Sqlite { path } = db.database_url() else {
        return files(conn, None).await;
    };
    let path = path.clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(all_files_sqlite(&path).map_err(|e| e.to_string()));
    });
    rx.await
        .map_err(|_| StoreError::Corrupt("reading files: the reader stopped".into()))?
        .map_err(|e| StoreError::Corrupt(format!("reading files: {e}")))
}

fn all_files_sqlite(path: &str) -> rusqlite::Result<Vec<FileRow>> {
    let c = rusqlite::Connection::open(path)?;
    c.busy_timeout(std::time::Duration::from_secs(30))?;
    let text_date = |v: rusqlite::types::ValueRef<'_>, col: usize| -> rusqlite::Result<Date> {
        let s = v.as_str()?;
        Date::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, e.into())
        })
    };
    // One snapshot for both reads, as the two queries of `files` see one.
    c.execute_batch("BEGIN")?;
    let mut out: HashMap<i64, FileRow> = HashMap::new();
    {
        let mut st = c.prepare(
            "SELECT c.id, c.unit_id, mv.name, c.stage, c.stage_since, c.movement_id, c.member_id \
             FROM candidates c LEFT JOIN movements mv ON mv.id = c.movement_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            out.insert(
                id,
                FileRow {
                    id,
                    unit_id: r.get(1)?,
                    movement: r.get(2)?,
                    stage: r.get(3)?,
                    stage_since: text_date(r.get_ref(4)?, 4)?,
                    movement_id: r.get(5)?,
                    admitted: r.get::<_, Option<i64>>(6)?.is_some(),
                    ..FileRow::default()
                },
            );
        }
    }
    let mut receipts: HashMap<i64, Vec<(i64, String, Date)>> = HashMap::new();
    {
        let mut st = c.prepare(
            "SELECT candidate_id, stage, on_date, received_on, id FROM candidate_stages \
             ORDER BY candidate_id, on_date, id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let cid: i64 = r.get(0)?;
            let Some(f) = out.get_mut(&cid) else { continue };
            let stage: String = r.get(1)?;
            let on = text_date(r.get_ref(2)?, 2)?;
            if let rusqlite::types::ValueRef::Text(_) = r.get_ref(3)? {
                let got = text_date(r.get_ref(3)?, 3)?;
                receipts
                    .entry(cid)
                    .or_default()
                    .push((r.get(4)?, stage.clone(), got));
            }
            f.history.push((stage, on));
        }
    }
    c.execute_batch("COMMIT")?;
    for (cid, mut list) in receipts {
        list.sort_by_key(|x| x.0);
        if let Some(f) = out.get_mut(&cid) {
            f.received = list.into_iter().map(|(_, s, d)| (s, d)).collect();
        }
    }
    let mut files: Vec<FileRow> = out.into_values().collect();
    files.sort_unstable_by_key(|f| f.id);
    Ok(files)
}

/// (id, full name, unit code) of the candidates `ids`.
pub async fn names_of(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (list, binds) = super::bound_ids(1, ids);
    let sql = format!(
        "SELECT c.id, p.full_name, u.code FROM candidates c JOIN people p ON p.id = c.person_id \
         JOIN units u ON u.id = c.unit_id WHERE c.id IN ({list})"
    );
    let mut q = sqlx::query(&sql);
    for id in binds {
        q = q.bind(id);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
        .collect()
}

/// The current committee members in charge of the units `ids`:
/// (unit id, "name (unit code)"), by path then by appointment.
pub async fn supervisors_of(
    conn: &mut Conn,
    unit_ids: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::bound_ids(1, unit_ids);
    let sql = format!(
        "SELECT s.unit_id, p.full_name, u.code FROM supervisors s JOIN units u ON u.id = s.unit_id \
         JOIN members m ON m.id = s.member_id JOIN people p ON p.id = m.person_id \
         WHERE s.unit_id IN ({list}) AND s.until IS NULL ORDER BY u.path, s.id"
    );
    let mut q = sqlx::query(&sql);
    for id in binds {
        q = q.bind(id);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get(1)?;
            let code: String = r.try_get(2)?;
            Ok((r.try_get(0)?, format!("{name} ({code})")))
        })
        .collect()
}
