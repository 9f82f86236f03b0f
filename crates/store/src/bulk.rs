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

/// An open bulk-load transaction.
pub struct Bulk {
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
            inner,
            touched: Vec::new(),
        })
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
