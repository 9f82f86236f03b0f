//! Bulk loading for national-size imports: one transaction, ids assigned by
//! the loader, rows sent in large batches to a writer of their own, so that
//! the caller parses the next batch while the last one is written:
//! - SQLite: a thread with a rusqlite connection (the same libsqlite3-sys as
//!   sqlx) stepping one prepared `INSERT` per table for every row;
//! - PostgreSQL: a task with its own connection, `COPY … FROM STDIN` per
//!   batch, the CSV encoded on the task.
//!
//! A batch is queued (two at most) and its failure reported at the next call
//! that waits for an answer, at the latest the commit; a load dropped
//! without [`Bulk::commit`] is rolled back. Nothing here is audited row by
//! row: the caller writes one audit entry for the whole load.

mod rows;
mod tables;
pub use rows::{Mark, Rows};
pub use tables::UnitsByCode;

use crate::error::StoreError;
use crate::url::DatabaseUrl;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use tokio::sync::{mpsc, oneshot};

/// The secondary indexes of the people tables: dropped for a load into empty
/// tables and built once at the end, which is cheaper than maintaining them
/// row by row (the same definitions as the migrations, on both engines).
const PEOPLE_INDEXES: [(&str, &str); 9] = [
    (
        "members_unit_admitted",
        "CREATE INDEX members_unit_admitted ON members(unit_id, admitted_on)",
    ),
    (
        "members_unit_status",
        "CREATE INDEX members_unit_status ON members(unit_id, status)",
    ),
    (
        "members_person",
        "CREATE INDEX members_person ON members(person_id)",
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
    (
        "people_name_sort",
        "CREATE INDEX people_name_sort ON people(name_sort, id)",
    ),
    (
        "name_words_word",
        "CREATE INDEX name_words_word ON name_words(word, person_id)",
    ),
];

/// A row of text values (NULL as `None`), in the column order given (the
/// small tables' rows; the people tables' come as [`Rows`]).
pub type Values = Vec<Option<String>>;

type Reply<T> = oneshot::Sender<Result<T, String>>;

/// Work for the writer, done in the order sent.
enum Job {
    /// Rows for `table`: `sql` is the one-row `INSERT` (SQLite) or the
    /// `COPY` statement (PostgreSQL).
    Insert {
        table: String,
        sql: String,
        rows: Rows,
    },
    Execute {
        sql: String,
        reply: Reply<()>,
    },
    Select {
        sql: String,
        reply: Reply<Vec<Vec<String>>>,
    },
    /// Commit; on PostgreSQL first move the identity sequences of these
    /// tables past the ids the load assigned. Then refresh statistics.
    Commit {
        touched: Vec<&'static str>,
        reply: Reply<()>,
    },
}

/// An open bulk-load transaction.
pub struct Bulk {
    /// Indexes dropped for the load, rebuilt before the commit.
    deferred: bool,
    postgres: bool,
    jobs: mpsc::Sender<Job>,
    /// Batches written, sent back to be freed by the thread that allocated
    /// them (freeing them on the writer made the two threads contend for
    /// malloc's arena lock).
    spent: std::sync::mpsc::Receiver<Rows>,
    /// The SQLite writer thread, joined on drop.
    thread: Option<std::thread::JoinHandle<()>>,
    /// The tables whose ids the load assigned.
    touched: Vec<&'static str>,
    /// PostgreSQL: the people tables' foreign keys, dropped for a first
    /// load and added back (validated in one pass each) before the commit:
    /// (table, name, definition).
    foreign_keys: Vec<(String, String, String)>,
}

fn writer_gone() -> StoreError {
    StoreError::Bulk("the bulk writer stopped; the load was rolled back".into())
}

fn csv_field(out: &mut String, v: Option<&str>) {
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

/// What a writer keeps between jobs: the first failure, after which every
/// job answers with it and nothing more is written.
#[derive(Default)]
struct Failure(Option<String>);

impl Failure {
    /// The failure so far, as the answer to any later job.
    fn so_far(&self) -> Result<(), String> {
        self.0.clone().map_or(Ok(()), Err)
    }
    /// Keeps the first failure and passes the result on.
    fn check<T>(&mut self, r: Result<T, String>) -> Result<T, String> {
        if let Err(e) = &r {
            self.0.get_or_insert_with(|| e.clone());
        }
        r
    }
}

fn sqlite_writer(
    path: &str,
    mut jobs: mpsc::Receiver<Job>,
    ready: Reply<()>,
    spent: std::sync::mpsc::Sender<Rows>,
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
    // The error names the table and the row's first column (its id).
    let insert = |table: &str, sql: &str, rows: &Rows| -> Result<(), String> {
        let mut st = conn
            .prepare_cached(sql)
            .map_err(|e| format!("{table}: {e}"))?;
        for r in 0..rows.len() {
            let step = |st: &mut rusqlite::CachedStatement<'_>| -> rusqlite::Result<()> {
                for (i, v) in rows.row(r).enumerate() {
                    st.raw_bind_parameter(i + 1, v)?;
                }
                st.raw_execute().map(|_| ())
            };
            step(&mut st).map_err(|e| {
                let first = rows.get(r, 0).unwrap_or_default();
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
    let mut failed = Failure::default();
    let mut committed = false;
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::Insert { table, sql, rows } => {
                if failed.0.is_none() {
                    let _ = failed.check(insert(&table, &sql, &rows));
                }
                let _ = spent.send(rows);
            }
            Job::Execute { sql, reply } => {
                let r = failed
                    .so_far()
                    .and_then(|_| conn.execute_batch(&sql).map_err(|e| e.to_string()));
                let _ = reply.send(failed.check(r));
            }
            Job::Select { sql, reply } => {
                let r = failed
                    .so_far()
                    .and_then(|_| select(&sql).map_err(|e| e.to_string()));
                let _ = reply.send(failed.check(r));
            }
            Job::Commit { reply, .. } => {
                // Approximate statistics: a full ANALYZE reads every index.
                // Then the log copied into the file and emptied: a national
                // load leaves gigabytes of log that every later read would
                // look pages up in until the next checkpoint.
                let r = failed.so_far().and_then(|_| {
                    conn.execute_batch("COMMIT")
                        .and_then(|_| conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE"))
                        .and_then(|_| {
                            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                        })
                        .map_err(|e| e.to_string())
                });
                let r = failed.check(r);
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

async fn pg_select(c: &mut PgConnection, sql: &str) -> Result<Vec<Vec<String>>, sqlx::Error> {
    let rows = sqlx::query(sql).fetch_all(&mut *c).await?;
    Ok(rows
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get::<String, _>(i)
                        .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect())
}

async fn pg_copy(c: &mut PgConnection, sql: &str, rows: &Rows) -> Result<(), sqlx::Error> {
    let mut copy = c.copy_in_raw(sql).await?;
    let mut buf = String::with_capacity(1 << 20);
    for r in 0..rows.len() {
        for (j, v) in rows.row(r).enumerate() {
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
    Ok(())
}

async fn pg_commit(c: &mut PgConnection, touched: &[&'static str]) -> Result<(), sqlx::Error> {
    for t in touched {
        sqlx::raw_sql(&format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {t}), false)"
        ))
        .execute(&mut *c)
        .await?;
    }
    sqlx::raw_sql("COMMIT").execute(&mut *c).await?;
    for t in touched {
        sqlx::raw_sql(&format!("ANALYZE {t}"))
            .execute(&mut *c)
            .await?;
    }
    if touched.contains(&"people") {
        // The search's words (no id of their own) come with the people.
        sqlx::raw_sql("ANALYZE name_words").execute(&mut *c).await?;
        // The search reads the postings by index-only scans; until a VACUUM
        // marks their pages all-visible every row read is also a heap
        // fetch (20,000 random reads for one page of a national search on
        // a fresh import, 0.4 s; autovacuum may be off or late). 8 s for
        // the national tables (23 M rows). One statement per call: VACUUM
        // cannot run in a transaction block.
        for t in ["name_order", "name_postings"] {
            sqlx::raw_sql(&format!("VACUUM (ANALYZE) {t}"))
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// The PostgreSQL writer: a thread of its own with a one-thread runtime
/// (the load's connection lives and dies there).
async fn pg_writer(
    url: &str,
    mut jobs: mpsc::Receiver<Job>,
    ready: Reply<()>,
    spent: std::sync::mpsc::Sender<Rows>,
) {
    let open = async {
        let mut c = PgConnection::connect(url).await?;
        // Memory for the index builds at the end of a first load.
        sqlx::raw_sql(
            "BEGIN; SET LOCAL synchronous_commit = on; SET LOCAL maintenance_work_mem = '1GB'",
        )
        .execute(&mut c)
        .await?;
        Ok::<_, sqlx::Error>(c)
    };
    let mut c = match open.await {
        Ok(c) => {
            let _ = ready.send(Ok(()));
            c
        }
        Err(e) => {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    };
    let mut failed = Failure::default();
    let mut committed = false;
    let text = |e: sqlx::Error| e.to_string();
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Insert { table, sql, rows } => {
                if failed.0.is_none() {
                    let r = pg_copy(&mut c, &sql, &rows)
                        .await
                        .map_err(|e| format!("{e} (table {table})"));
                    let _ = failed.check(r);
                }
                let _ = spent.send(rows);
            }
            Job::Execute { sql, reply } => {
                let r = match failed.so_far() {
                    Ok(()) => sqlx::raw_sql(&sql)
                        .execute(&mut c)
                        .await
                        .map(|_| ())
                        .map_err(text),
                    Err(e) => Err(e),
                };
                let _ = reply.send(failed.check(r));
            }
            Job::Select { sql, reply } => {
                let r = match failed.so_far() {
                    Ok(()) => pg_select(&mut c, &sql).await.map_err(text),
                    Err(e) => Err(e),
                };
                let _ = reply.send(failed.check(r));
            }
            Job::Commit { touched, reply } => {
                let r = match failed.so_far() {
                    Ok(()) => pg_commit(&mut c, &touched).await.map_err(text),
                    Err(e) => Err(e),
                };
                let r = failed.check(r);
                committed = r.is_ok();
                let _ = reply.send(r);
                break;
            }
        }
    }
    if !committed {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut c).await;
    }
    let _ = c.close().await;
}

impl Bulk {
    /// Connects and begins the load's transaction. The migrations must have
    /// run already (open the [`crate::Db`] first).
    pub async fn begin(url: &DatabaseUrl) -> Result<Bulk, StoreError> {
        let connect_err = |reason: String| StoreError::Connect {
            url: url.to_string(),
            reason,
        };
        let (jobs, rx) = mpsc::channel(2);
        let (spent_tx, spent) = std::sync::mpsc::channel();
        let (thread, postgres) = match url {
            DatabaseUrl::Sqlite { path } => {
                let (ready, started) = oneshot::channel();
                let path = path.clone();
                let thread = std::thread::Builder::new()
                    .name("ranks-bulk-sqlite".into())
                    .spawn(move || sqlite_writer(&path, rx, ready, spent_tx))
                    .map_err(|e| connect_err(e.to_string()))?;
                started
                    .await
                    .map_err(|_| connect_err("the writer did not start".into()))?
                    .map_err(connect_err)?;
                (Some(thread), false)
            }
            DatabaseUrl::Postgres { .. } => {
                let (ready, started) = oneshot::channel();
                let url = url.connect_url();
                let thread = std::thread::Builder::new()
                    .name("ranks-bulk-postgres".into())
                    .spawn(move || {
                        match tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                        {
                            Ok(rt) => rt.block_on(pg_writer(&url, rx, ready, spent_tx)),
                            Err(e) => {
                                let _ = ready.send(Err(e.to_string()));
                            }
                        }
                    })
                    .map_err(|e| connect_err(e.to_string()))?;
                started
                    .await
                    .map_err(|_| connect_err("the writer did not start".into()))?
                    .map_err(connect_err)?;
                (Some(thread), true)
            }
        };
        Ok(Bulk {
            deferred: false,
            postgres,
            jobs,
            spent,
            thread,
            touched: Vec::new(),
            foreign_keys: Vec::new(),
        })
    }

    async fn send(&self, job: Job) -> Result<(), StoreError> {
        self.jobs.send(job).await.map_err(|_| writer_gone())
    }

    /// A batch the writer is done with, to be filled again (its buffers
    /// kept: no allocation per batch once the load is under way).
    pub fn spent_rows(&self) -> Option<Rows> {
        self.spent.try_recv().ok()
    }

    async fn ask<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.send(job(tx)).await?;
        rx.await
            .map_err(|_| writer_gone())?
            .map_err(StoreError::Bulk)
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
            if self.postgres {
                // Row-by-row foreign-key triggers were most of the server's
                // work in a COPY; one validation per constraint at the end
                // checks the same.
                self.foreign_keys = self
                    .select_text(
                        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
                         FROM pg_constraint WHERE contype = 'f' \
                         AND conrelid::regclass::text IN ('members', 'candidates', 'candidate_stages') \
                         ORDER BY 1, 2",
                    )
                    .await?
                    .into_iter()
                    .filter_map(|r| match r.as_slice() {
                        [t, n, d] => Some((t.clone(), n.clone(), d.clone())),
                        _ => None,
                    })
                    .collect();
                for (t, n, _) in self.foreign_keys.clone() {
                    self.execute(&format!("ALTER TABLE {t} DROP CONSTRAINT {n}"))
                        .await?;
                }
            }
            self.deferred = true;
        }
        Ok(empty)
    }

    /// The first id free in `table`.
    pub async fn next_id(&mut self, table: &'static str) -> Result<i64, StoreError> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
        let v = self.select_text(&sql).await?;
        let text = v
            .first()
            .and_then(|r| r.first())
            .cloned()
            .unwrap_or_default();
        let id = text
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("{sql}: {text}")))?;
        if !self.touched.contains(&table) {
            self.touched.push(table);
        }
        Ok(id)
    }

    /// Rows of a query whose columns are all text or integers, as text.
    pub(crate) async fn select_text(&mut self, sql: &str) -> Result<Vec<Vec<String>>, StoreError> {
        let sql = sql.to_string();
        self.ask(|reply| Job::Select { sql, reply }).await
    }

    /// Appends rows to `table`. Values are text; integer columns take the
    /// digits (SQLite's column affinity and PostgreSQL's COPY convert them).
    /// The rows are queued for the writer and this returns at once (unless
    /// two batches are already waiting); a failure comes back from the next
    /// call that waits (at the latest, the commit).
    pub(crate) async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Rows,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        if rows.width() != columns.len() {
            return Err(StoreError::Bulk(format!(
                "{table}: rows of {} values for {} columns",
                rows.width(),
                columns.len()
            )));
        }
        let cols = columns.join(", ");
        let sql = if self.postgres {
            format!("COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)")
        } else {
            let marks = vec!["?"; columns.len()].join(",");
            format!("INSERT INTO {table} ({cols}) VALUES ({marks})")
        };
        self.send(Job::Insert {
            table: table.to_string(),
            sql,
            rows,
        })
        .await
    }

    /// Runs a statement inside the load's transaction.
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), StoreError> {
        let sql = sql.to_string();
        self.ask(|reply| Job::Execute { sql, reply }).await
    }

    /// Commits the load (after building the deferred indexes); PostgreSQL's
    /// identity sequences move past the ids the load assigned, and both
    /// engines refresh their planner statistics.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.commit_reporting(&|_| {}).await
    }

    /// [`Bulk::commit`], naming each step of the load's end to `step` as it
    /// starts (`"3/14 index members_person"`): at national size they take
    /// minutes after the last row is read.
    pub async fn commit_reporting(
        mut self,
        step: &(dyn Fn(&str) + Sync),
    ) -> Result<(), StoreError> {
        let mut steps: Vec<(String, String)> = Vec::new();
        if self.deferred {
            for (name, create) in PEOPLE_INDEXES {
                steps.push((format!("index {name}"), create.to_string()));
            }
            for (t, n, d) in std::mem::take(&mut self.foreign_keys) {
                steps.push((
                    format!("foreign key {n}"),
                    format!("ALTER TABLE {t} ADD CONSTRAINT {n} {d}"),
                ));
            }
        }
        if self
            .touched
            .iter()
            .any(|t| matches!(*t, "people" | "members" | "candidates"))
        {
            steps.extend(self.postings_steps().await?);
        }
        let total = steps.len() + 1;
        for (i, (what, sql)) in steps.iter().enumerate() {
            step(&format!("{}/{total} {what}", i + 1));
            self.execute(sql).await?;
        }
        step(&format!("{total}/{total} commit and planner statistics"));
        let touched = std::mem::take(&mut self.touched);
        self.ask(|reply| Job::Commit { touched, reply }).await
    }

    /// The search postings of the rows loaded, from scratch
    /// ([`crate::records::postings::FILL`]). Their indexes are dropped
    /// first and built once at the end, as for the people tables of a
    /// first load: at national size (23 M word rows) that is minutes less
    /// than keeping them up row by row. On PostgreSQL the primary keys go
    /// too and the rows need no order; SQLite's keys are the tables
    /// themselves (`WITHOUT ROWID`), filled in key order.
    async fn postings_steps(&mut self) -> Result<Vec<(String, String)>, StoreError> {
        use crate::records::postings::{FILL, TABLES};
        let mut steps = vec![(
            "search tables emptied".to_string(),
            "DELETE FROM name_postings; DELETE FROM name_order".to_string(),
        )];
        let rebuilt = self.secondary_structures(&TABLES).await?;
        if !rebuilt.is_empty() {
            let drops: Vec<&str> = rebuilt.iter().map(|(_, d, _)| d.as_str()).collect();
            steps.push(("search indexes dropped".to_string(), drops.join("; ")));
        }
        for (what, sql, order) in FILL {
            let sql = if self.postgres {
                sql.to_string()
            } else {
                format!("{sql}{order}")
            };
            steps.push((what.to_string(), sql));
        }
        for (name, _, create) in rebuilt {
            steps.push((format!("index {name}"), create));
        }
        Ok(steps)
    }

    /// The indexes of `tables` that can be dropped and made again, as
    /// (name, the statement that drops it, the one that makes it), read
    /// from the catalog: SQLite's declared indexes; PostgreSQL's indexes
    /// and primary or unique keys.
    async fn secondary_structures(
        &mut self,
        tables: &[&str],
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let list = tables
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut out = Vec::new();
        if self.postgres {
            let keys = self
                .select_text(&format!(
                    "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE contype IN ('p', 'u') \
                     AND conrelid::regclass::text IN ({list}) ORDER BY 1, 2"
                ))
                .await?;
            let indexes = self
                .select_text(&format!(
                    "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename IN ({list}) \
                     AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY 1"
                ))
                .await?;
            for r in indexes {
                if let [n, def] = r.as_slice() {
                    out.push((n.clone(), format!("DROP INDEX {n}"), def.clone()));
                }
            }
            for r in keys {
                if let [t, n, def] = r.as_slice() {
                    out.push((
                        n.clone(),
                        format!("ALTER TABLE {t} DROP CONSTRAINT {n}"),
                        format!("ALTER TABLE {t} ADD CONSTRAINT {n} {def}"),
                    ));
                }
            }
        } else {
            let indexes = self
                .select_text(&format!(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
                     AND tbl_name IN ({list}) AND sql IS NOT NULL ORDER BY name"
                ))
                .await?;
            for r in indexes {
                if let [n, def] = r.as_slice() {
                    out.push((n.clone(), format!("DROP INDEX {n}"), def.clone()));
                }
            }
        }
        Ok(out)
    }
}

impl Drop for Bulk {
    fn drop(&mut self) {
        // Closing the queue ends the writer (rolling back unless committed);
        // the SQLite thread is waited for, so the file is free afterwards.
        let (closed, _) = mpsc::channel(1);
        drop(std::mem::replace(&mut self.jobs, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
