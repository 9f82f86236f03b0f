//! Candidates' files read whole for the maintained pipeline summaries:
//! every file (or the few named) with its unit, stage history and recorded
//! receipts, streamed in one pass per table.

use super::{date, opt_date};
use crate::error::StoreError;
use crate::lite::{Arg, Get, Reader};
use crate::Conn;
use ranks_domain::Date;
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

const FILE_HEADS: &str =
    "SELECT c.id AS id, c.unit_id AS unit_id, mv.name AS movement, c.stage AS stage, \
     c.stage_since AS stage_since, c.movement_id AS movement_id, c.member_id AS member_id \
     FROM candidates c LEFT JOIN movements mv ON mv.id = c.movement_id";
const FILE_STAGES: &str =
    "SELECT candidate_id, stage, on_date, received_on, id FROM candidate_stages";

fn file_head(r: &dyn Get) -> Result<FileRow, StoreError> {
    Ok(FileRow {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        movement: r.opt_text("movement")?,
        stage: r.text("stage")?,
        stage_since: date(r, "stage_since")?,
        movement_id: r.opt_int("movement_id")?,
        admitted: r.opt_int("member_id")?.is_some(),
        ..FileRow::default()
    })
}

/// A stage row: (candidate, stage, day, received on, row id).
type StageRow = (i64, String, Date, Option<Date>, i64);

fn stage_row(r: &dyn Get) -> Result<StageRow, StoreError> {
    Ok((
        r.int("candidate_id")?,
        r.text("stage")?,
        date(r, "on_date")?,
        opt_date(r, "received_on")?,
        r.int("id")?,
    ))
}

/// Files with their stages (rows by candidate, day, id) and receipts (a
/// later row wins), by candidate id.
struct Assembly {
    out: HashMap<i64, FileRow>,
    receipts: HashMap<i64, Vec<(i64, String, Date)>>,
}

impl Assembly {
    fn new() -> Self {
        Assembly {
            out: HashMap::new(),
            receipts: HashMap::new(),
        }
    }

    fn stage(&mut self, (cid, stage, on, received, id): StageRow) {
        let Some(f) = self.out.get_mut(&cid) else {
            return;
        };
        if let Some(got) = received {
            self.receipts
                .entry(cid)
                .or_default()
                .push((id, stage.clone(), got));
        }
        f.history.push((stage, on));
    }

    fn finish(mut self) -> Vec<FileRow> {
        for (cid, mut list) in self.receipts {
            list.sort_by_key(|x| x.0);
            if let Some(f) = self.out.get_mut(&cid) {
                f.received = list.into_iter().map(|(_, s, d)| (s, d)).collect();
            }
        }
        let mut files: Vec<FileRow> = self.out.into_values().collect();
        files.sort_unstable_by_key(|f| f.id);
        files
    }
}

/// Every candidate's file, by candidate id, streamed in one pass per
/// table: the whole country's rows are never held at once (the server's
/// peak memory is that of a whole build on PostgreSQL).
pub async fn files(conn: &mut Conn) -> Result<Vec<FileRow>, StoreError> {
    use futures_util::TryStreamExt;
    let mut all = Assembly::new();
    let mut rows = sqlx::query(FILE_HEADS).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let f = file_head(&row)?;
        all.out.insert(f.id, f);
    }
    drop(rows);
    let sql = format!("{FILE_STAGES} ORDER BY candidate_id, on_date, id");
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        all.stage(stage_row(&row)?);
    }
    drop(rows);
    Ok(all.finish())
}

/// The files of `ids` (a few hundred at a time), by candidate id, as
/// [`files`] reads them.
pub async fn files_of(conn: &mut Reader<'_>, ids: &[i64]) -> Result<Vec<FileRow>, StoreError> {
    Ok(files_read(conn, ids, false).await?.0)
}

/// [`files_of`] with each candidate's (full name, unit code) as
/// [`names_of`] gives them, read in the same statement.
pub async fn files_named_of(
    conn: &mut Reader<'_>,
    ids: &[i64],
) -> Result<(Vec<FileRow>, HashMap<i64, (String, String)>), StoreError> {
    files_read(conn, ids, true).await
}

async fn files_read(
    conn: &mut Reader<'_>,
    ids: &[i64],
    named: bool,
) -> Result<(Vec<FileRow>, HashMap<i64, (String, String)>), StoreError> {
    let mut names = HashMap::new();
    if ids.is_empty() {
        return Ok((Vec::new(), names));
    }
    let (list, binds) = super::bound_ids(1, ids);
    let args: Vec<Arg> = binds.into_iter().map(Into::into).collect();
    let mut all = Assembly::new();
    let sql = if named {
        let named = FILE_HEADS.replacen(
            " FROM ",
            ", p.full_name AS full_name, u.code AS code FROM ",
            1,
        );
        format!(
            "{named} JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id \
             WHERE c.id IN ({list})"
        )
    } else {
        format!("{FILE_HEADS} WHERE c.id IN ({list})")
    };
    let heads = conn
        .all(&sql, &args, |r| {
            let name = match named {
                true => Some((r.text("full_name")?, r.text("code")?)),
                false => None,
            };
            Ok((file_head(r)?, name))
        })
        .await?;
    for (f, name) in heads {
        if let Some(n) = name {
            names.insert(f.id, n);
        }
        all.out.insert(f.id, f);
    }
    let sql =
        format!("{FILE_STAGES} WHERE candidate_id IN ({list}) ORDER BY candidate_id, on_date, id");
    for row in conn.all(&sql, &args, stage_row).await? {
        all.stage(row);
    }
    Ok((all.finish(), names))
}

/// Every candidate's file, as [`files`] with `ids` None reads them; on
/// SQLite through a rusqlite connection of its own on a thread of its own
/// (sqlx's SQLite driver hands rows one at a time across threads, the
/// most of a whole build's time, see [`crate::index::each_admission`]).
pub async fn all_files(db: &crate::Db, conn: &mut Conn) -> Result<Vec<FileRow>, StoreError> {
    let crate::DatabaseUrl::Sqlite { path } = db.database_url() else {
        return files(conn).await;
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

fn all_files_sqlite(path: &str) -> Result<Vec<FileRow>, StoreError> {
    let err = |e: rusqlite::Error| StoreError::Corrupt(e.to_string());
    let c = rusqlite::Connection::open(path).map_err(err)?;
    c.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(err)?;
    // One snapshot for both reads, as the two queries of `files` see one.
    c.execute_batch("BEGIN").map_err(err)?;
    let mut all = Assembly::new();
    {
        let mut st = c.prepare(FILE_HEADS).map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            let f = file_head(r)?;
            all.out.insert(f.id, f);
        }
    }
    {
        let sql = format!("{FILE_STAGES} ORDER BY candidate_id, on_date, id");
        let mut st = c.prepare(&sql).map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            all.stage(stage_row(r)?);
        }
    }
    c.execute_batch("COMMIT").map_err(err)?;
    Ok(all.finish())
}

/// (id, full name, unit code) of the candidates `ids`.
pub async fn names_of(
    conn: &mut Reader<'_>,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (list, binds) = super::bound_ids(1, ids);
    let sql = format!(
        "SELECT c.id AS id, p.full_name AS full_name, u.code AS code FROM candidates c \
         JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id WHERE c.id IN ({list})"
    );
    let args: Vec<Arg> = binds.into_iter().map(Into::into).collect();
    let rows = conn
        .all(&sql, &args, |r| {
            Ok((r.int("id")?, (r.text("full_name")?, r.text("code")?)))
        })
        .await?;
    Ok(rows.into_iter().collect())
}

/// The current committee members in charge of the units `ids`:
/// (unit id, "name (unit code)"), by path then by appointment.
pub async fn supervisors_of(
    conn: &mut Reader<'_>,
    unit_ids: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::bound_ids(1, unit_ids);
    let sql = format!(
        "SELECT s.unit_id AS unit_id, p.full_name AS full_name, u.code AS code FROM supervisors s \
         JOIN units u ON u.id = s.unit_id JOIN members m ON m.id = s.member_id \
         JOIN people p ON p.id = m.person_id \
         WHERE s.unit_id IN ({list}) AND s.until IS NULL ORDER BY u.path, s.id"
    );
    let args: Vec<Arg> = binds.into_iter().map(Into::into).collect();
    conn.all(&sql, &args, |r| {
        let (name, code) = (r.text("full_name")?, r.text("code")?);
        Ok((r.int("unit_id")?, format!("{name} ({code})")))
    })
    .await
}
