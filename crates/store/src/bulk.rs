//! Bulk loading for national-size imports: one transaction, ids assigned by
//! the loader, rows sent in large batches — multi-row `INSERT` statements on
//! SQLite, `COPY … FROM STDIN` on PostgreSQL. Nothing here is audited row by
//! row: the caller writes one audit entry for the whole load.

use crate::error::StoreError;
use crate::url::DatabaseUrl;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row};

enum Inner {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
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
            DatabaseUrl::Sqlite { .. } => {
                let mut c = SqliteConnection::connect(&url.connect_url())
                    .await
                    .map_err(connect_err)?;
                // A large page cache for the index builds; durability as usual
                // (WAL, synchronous NORMAL: a crash loses at most the load,
                // never corrupts the file).
                sqlx::raw_sql(
                    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; BEGIN IMMEDIATE",
                )
                .execute(&mut c)
                .await?;
                Inner::Sqlite(c)
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
            Inner::Sqlite(c) => sqlx::query(&sql).fetch_one(&mut *c).await?.try_get(0)?,
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
            Inner::Sqlite(c) => sqlx::query(sql)
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| (0..r.len()).map(|i| cell(r, i)).collect())
                .collect(),
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
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Values],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.inner {
            Inner::Sqlite(c) => {
                // Positional `?` parameters: sqlx looks `$N` names up one by
                // one, which is quadratic in a statement's parameters.
                let per = (6_000 / columns.len()).clamp(1, 500);
                let cols = columns.join(", ");
                let mut cached: Option<(usize, String)> = None;
                for chunk in rows.chunks(per) {
                    let sql = match &cached {
                        Some((n, sql)) if *n == chunk.len() => sql.clone(),
                        _ => {
                            let mut sql = format!("INSERT INTO {table} ({cols}) VALUES ");
                            for i in 0..chunk.len() {
                                if i > 0 {
                                    sql.push(',');
                                }
                                sql.push('(');
                                for j in 0..columns.len() {
                                    if j > 0 {
                                        sql.push(',');
                                    }
                                    sql.push('?');
                                }
                                sql.push(')');
                            }
                            cached = Some((chunk.len(), sql.clone()));
                            sql
                        }
                    };
                    let mut q = sqlx::query(&sql);
                    for r in chunk {
                        for v in r {
                            q = q.bind(v.as_deref());
                        }
                    }
                    q.execute(&mut *c).await?;
                }
            }
            Inner::Postgres(c) => {
                let mut copy = c
                    .copy_in_raw(&format!(
                        "COPY {table} ({}) FROM STDIN WITH (FORMAT csv)",
                        columns.join(", ")
                    ))
                    .await?;
                let mut buf = String::with_capacity(1 << 20);
                for r in rows {
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
            Inner::Sqlite(c) => {
                sqlx::raw_sql(sql).execute(&mut *c).await?;
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
            Inner::Sqlite(c) => {
                sqlx::raw_sql("COMMIT").execute(&mut *c).await?;
                sqlx::raw_sql("ANALYZE").execute(&mut *c).await?;
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
