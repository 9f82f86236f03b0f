//! Bulk loading for national-size imports: one transaction, ids assigned by
//! the loader, rows sent in large batches — on SQLite to a writer thread of
//! its own that steps one prepared `INSERT` per table through rusqlite (so
//! the caller parses the next batch while the last one is written, and no
//! value is copied into an argument list first), on PostgreSQL by
//! `COPY … FROM STDIN`. Nothing here is audited row by row: the caller
//! writes one audit entry for the whole load.

use crate::error::StoreError;
use crate::url::DatabaseUrl;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};

enum Inner {
    Sqlite(SqliteWriter),
    Postgres(PgConnection),
}

/// Work for the SQLite writer thread, done in the order sent.
enum Job {
    /// Step a one-row `INSERT` (prepared once per load) for every row.
    Insert {
        table: String,
        sql: String,
        rows: Vec<Values>,
    },
    Execute {
        sql: String,
        reply: tokio::sync::oneshot::Sender<Result<(), String>>,
    },
    Select {
        sql: String,
        reply: tokio::sync::oneshot::Sender<Result<Vec<Vec<String>>, String>>,
    },
    Commit {
        reply: tokio::sync::oneshot::Sender<Result<(), String>>,
    },
}

/// The SQLite side of a load: a thread with its own connection holding the
/// load's transaction. An insert is queued (two batches at most) and its
/// failure reported at the next call that waits for an answer; a load
/// dropped without [`Bulk::commit`] is rolled back by the thread.
struct SqliteWriter {
    jobs: tokio::sync::mpsc::Sender<Job>,
    /// Batches written, sent back to be freed by the thread that allocated
    /// them (freeing them on the writer made the two threads contend for
    /// malloc's arena lock).
    spent: std::sync::mpsc::Receiver<Vec<Values>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn writer_gone() -> StoreError {
    StoreError::Bulk("the SQLite writer stopped; the load was rolled back".into())
}

impl SqliteWriter {
    async fn start(path: &str) -> Result<SqliteWriter, String> {
        let (jobs, rx) = tokio::sync::mpsc::channel(2);
        let (ready, started) = tokio::sync::oneshot::channel();
        let (spent_tx, spent) = std::sync::mpsc::channel();
        let path = path.to_string();
        let thread = std::thread::Builder::new()
            .name("ranks-bulk-sqlite".into())
            .spawn(move || sqlite_writer(&path, rx, ready, spent_tx))
            .map_err(|e| e.to_string())?;
        started
            .await
            .map_err(|_| "the writer did not start".to_string())??;
        Ok(SqliteWriter {
            jobs,
            spent,
            thread: Some(thread),
        })
    }

    async fn send(&self, job: Job) -> Result<(), StoreError> {
        while let Ok(done) = self.spent.try_recv() {
            drop(done);
        }
        self.jobs.send(job).await.map_err(|_| writer_gone())
    }

    async fn ask<T>(
        &self,
        job: impl FnOnce(tokio::sync::oneshot::Sender<Result<T, String>>) -> Job,
    ) -> Result<T, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(job(tx)).await?;
        rx.await
            .map_err(|_| writer_gone())?
            .map_err(StoreError::Bulk)
    }
}

impl Drop for SqliteWriter {
    fn drop(&mut self) {
        // Closing the queue ends the thread (rolling back unless committed).
        let (closed, _) = tokio::sync::mpsc::channel(1);
        drop(std::mem::replace(&mut self.jobs, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn sqlite_writer(
    path: &str,
    mut jobs: tokio::sync::mpsc::Receiver<Job>,
    ready: tokio::sync::oneshot::Sender<Result<(), String>>,
    spent: std::sync::mpsc::Sender<Vec<Values>>,
) {
    let open = || -> rusqlite::Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open(path)?;
        c.busy_timeout(std::time::Duration::from_secs(30))?;
        // As every other connection: foreign keys enforced. A large page
        // cache for the index builds; WAL with synchronous NORMAL (a crash
        // loses at most the load, never corrupts the file).
        c.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
             PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; BEGIN IMMEDIATE",
        )?;
        Ok(c)
    };
    let conn = match open() {
        Ok(c) => {
            let _ = ready.send(Ok(()));
            c
        }
        Err(e) => {
            let _ = ready.send(Err(format!("cannot open {path} for the load: {e}")));
            return;
        }
    };
    let mut failed: Option<String> = None;
    let mut committed = false;
    // The error names the table and the row's first column (its id).
    let insert = |table: &str, sql: &str, rows: &[Values]| -> Result<(), String> {
        let mut st = conn
            .prepare_cached(sql)
            .map_err(|e| format!("{table}: {e}"))?;
        for r in rows {
            let step = |st: &mut rusqlite::CachedStatement<'_>| -> rusqlite::Result<()> {
                for (i, v) in r.iter().enumerate() {
                    st.raw_bind_parameter(i + 1, v.as_deref())?;
                }
                st.raw_execute().map(|_| ())
            };
            step(&mut st).map_err(|e| {
                let first = r.first().cloned().flatten().unwrap_or_default();
                format!("{e} (table {table}, the row with id {first})")
            })?;
        }
        Ok(())
    };
    let select = |sql: &str| -> rusqlite::Result<Vec<Vec<String>>> {
        use rusqlite::types::ValueRef;
        let mut st = conn.prepare(sql)?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(match r.get_ref(i)? {
                    ValueRef::Null => String::new(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                });
            }
            out.push(row);
        }
        Ok(out)
    };
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::Insert { table, sql, rows } => {
                if failed.is_none() {
                    if let Err(e) = insert(&table, &sql, &rows) {
                        failed = Some(e);
                    }
                }
                let _ = spent.send(rows);
            }
            Job::Execute { sql, reply } => {
                let r = match &failed {
                    Some(e) => Err(e.clone()),
                    None => conn.execute_batch(&sql).map_err(|e| e.to_string()),
                };
                if let Err(e) = &r {
                    failed.get_or_insert_with(|| e.clone());
                }
                let _ = reply.send(r);
            }
            Job::Select { sql, reply } => {
                let r = match &failed {
                    Some(e) => Err(e.clone()),
                    None => select(&sql).map_err(|e| e.to_string()),
                };
                if let Err(e) = &r {
                    failed.get_or_insert_with(|| e.clone());
                }
                let _ = reply.send(r);
            }
            Job::Commit { reply } => {
                let r = match &failed {
                    Some(e) => Err(e.clone()),
                    None => conn
                        .execute_batch("COMMIT")
                        .and_then(|_| conn.execute_batch("ANALYZE"))
                        .map_err(|e| e.to_string()),
                };
                committed = r.is_ok();
                let _ = reply.send(r);
                break;
            }
        }
    }
    if !committed {
        let _ = conn.execute_batch("ROLLBACK");
    }
}

/// The secondary indexes of the people tables: dropped for a load into empty
/// tables and built once at the end, which is cheaper than maintaining them
/// row by row (the same definitions as the migrations, on both engines).
const PEOPLE_INDEXES: [(&str, &str); 6] = [
    (
        "members_unit_admitted",
        "CREATE INDEX members_unit_admitted ON members(unit_id, admitted_on)",
    ),
    (
        "members_unit_status",
        "CREATE INDEX members_unit_status ON members(unit_id, status)",
    ),
    (
        "people_id_number",
        "CREATE UNIQUE INDEX people_id_number ON people(id_number)",
    ),
    (
        "candidates_unit_stage",
        "CREATE INDEX candidates_unit_stage ON candidates(unit_id, stage)",
    ),
    (
        "candidates_person",
        "CREATE INDEX candidates_person ON candidates(person_id)",
    ),
    (
        "candidate_stages_candidate",
        "CREATE INDEX candidate_stages_candidate ON candidate_stages(candidate_id, on_date)",
    ),
];

/// An open bulk-load transaction.
pub struct Bulk {
    /// Indexes dropped for the load, rebuilt before the commit.
    deferred: bool,
    inner: Inner,
    /// The tables whose ids the load assigned, to move their sequences on
    /// at commit (PostgreSQL identity columns).
    touched: Vec<&'static str>,
}

/// A row of text values (NULL as `None`), in the column order given.
pub type Values = Vec<Option<String>>;

fn csv_field(out: &mut String, v: &Option<String>) {
    match v {
        // COPY's CSV format: an unquoted empty field is NULL, a quoted one is ''.
        None => {}
        Some(s) => {
            out.push('"');
            for c in s.chars() {
                if c == '"' {
                    out.push('"');
                }
                out.push(c);
            }
            out.push('"');
        }
    }
}

impl Bulk {
    /// Connects and begins the load's transaction. The migrations must have
    /// run already (open the [`crate::Db`] first).
    pub async fn begin(url: &DatabaseUrl) -> Result<Bulk, StoreError> {
        let connect_err = |e: sqlx::Error| StoreError::Connect {
            url: url.to_string(),
            reason: e.to_string(),
        };
        let inner = match url {
            DatabaseUrl::Sqlite { path } => {
                Inner::Sqlite(SqliteWriter::start(path).await.map_err(|reason| {
                    StoreError::Connect {
                        url: url.to_string(),
                        reason,
                    }
                })?)
            }
            DatabaseUrl::Postgres { .. } => {
                let mut c = PgConnection::connect(&url.connect_url())
                    .await
                    .map_err(connect_err)?;
                sqlx::raw_sql("BEGIN; SET LOCAL synchronous_commit = on")
                    .execute(&mut c)
                    .await?;
                Inner::Postgres(c)
            }
        };
        Ok(Bulk {
            deferred: false,
            inner,
            touched: Vec::new(),
        })
    }

    /// When people, members and candidates are all empty, drops their
    /// secondary indexes for the load; [`Bulk::commit`] builds them again
    /// (inside the same transaction: a failure rolls everything back).
    pub async fn defer_indexes_if_empty(&mut self) -> Result<bool, StoreError> {
        let empty = self
            .select_text(
                "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM people LIMIT 1) a) + \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM members LIMIT 1) b) + \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM candidates LIMIT 1) c)",
            )
            .await?
            .first()
            .and_then(|r| r.first())
            .is_some_and(|v| v == "0");
        if empty {
            for (name, _) in PEOPLE_INDEXES {
                self.execute(&format!("DROP INDEX {name}")).await?;
            }
            self.deferred = true;
        }
        Ok(empty)
    }

    /// The first id free in `table`.
    pub async fn next_id(&mut self, table: &'static str) -> Result<i64, StoreError> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
        let id: i64 = match &mut self.inner {
            Inner::Sqlite(_) => {
                let v = self.select_text(&sql).await?;
                let text = v
                    .first()
                    .and_then(|r| r.first())
                    .cloned()
                    .unwrap_or_default();
                text.parse()
                    .map_err(|_| StoreError::Corrupt(format!("{sql}: {text}")))?
            }
            Inner::Postgres(c) => sqlx::query(&sql).fetch_one(&mut *c).await?.try_get(0)?,
        };
        if !self.touched.contains(&table) {
            self.touched.push(table);
        }
        Ok(id)
    }

    /// Rows of a query whose columns are all text or integers, as text.
    pub async fn select_text(&mut self, sql: &str) -> Result<Vec<Vec<String>>, StoreError> {
        fn cell<R: Row>(r: &R, i: usize) -> String
        where
            for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            r.try_get::<String, _>(i)
                .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                .unwrap_or_default()
        }
        Ok(match &mut self.inner {
            Inner::Sqlite(w) => {
                let sql = sql.to_string();
                w.ask(|reply| Job::Select { sql, reply }).await?
            }
            Inner::Postgres(c) => sqlx::query(sql)
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| (0..r.len()).map(|i| cell(r, i)).collect())
                .collect(),
        })
    }

    /// Appends rows to `table`. Values are text; integer columns take the
    /// digits (SQLite's column affinity and PostgreSQL's COPY convert them).
    /// On SQLite the rows are queued for the writer thread and this returns
    /// at once (unless two batches are already waiting); a failure comes
    /// back from the next call that waits (at the latest, the commit).
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Values>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.inner {
            Inner::Sqlite(w) => {
                let marks = vec!["?"; columns.len()].join(",");
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({marks})",
                    columns.join(", ")
                );
                w.send(Job::Insert {
                    table: table.to_string(),
                    sql,
                    rows,
                })
                .await?;
            }
            Inner::Postgres(c) => {
                let mut copy = c
                    .copy_in_raw(&format!(
                        "COPY {table} ({}) FROM STDIN WITH (FORMAT csv)",
                        columns.join(", ")
                    ))
                    .await?;
                let mut buf = String::with_capacity(1 << 20);
                for r in &rows {
                    for (j, v) in r.iter().enumerate() {
                        if j > 0 {
                            buf.push(',');
                        }
                        csv_field(&mut buf, v);
                    }
                    buf.push('\n');
                    if buf.len() > (1 << 20) {
                        copy.send(buf.as_bytes()).await?;
                        buf.clear();
                    }
                }
                if !buf.is_empty() {
                    copy.send(buf.as_bytes()).await?;
                }
                copy.finish().await?;
            }
        }
        Ok(())
    }

    /// Runs a statement inside the load's transaction.
    pub async fn execute(&mut self, sql: &str) -> Result<(), StoreError> {
        match &mut self.inner {
            Inner::Sqlite(w) => {
                let sql = sql.to_string();
                w.ask(|reply| Job::Execute { sql, reply }).await?;
            }
            Inner::Postgres(c) => {
                sqlx::raw_sql(sql).execute(&mut *c).await?;
            }
        }
        Ok(())
    }

    /// Commits the load; PostgreSQL's identity sequences move past the ids
    /// the load assigned, and both engines refresh their planner statistics.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.deferred {
            for (_, create) in PEOPLE_INDEXES {
                self.execute(create).await?;
            }
        }
        match &mut self.inner {
            Inner::Sqlite(w) => {
                w.ask(|reply| Job::Commit { reply }).await?;
            }
            Inner::Postgres(c) => {
                for t in &self.touched {
                    sqlx::raw_sql(&format!(
                        "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {t}), false)"
                    ))
                    .execute(&mut *c)
                    .await?;
                }
                sqlx::raw_sql("COMMIT").execute(&mut *c).await?;
                for t in &self.touched {
                    sqlx::raw_sql(&format!("ANALYZE {t}"))
                        .execute(&mut *c)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
