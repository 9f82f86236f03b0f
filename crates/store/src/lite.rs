//! Reads that run inline on SQLite.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every
//! row back over a channel: at national scale a grassroots page read
//! afresh (about a dozen small indexed statements) spent about 40 % of the
//! server's CPU on those threads, waking them and converting rows, against
//! some 10 % inside SQLite itself (`perf record` of `ranks bench --pages`).
//! A [`Reader`] runs the same statement text either way: through a sqlx
//! connection, or on SQLite through a rusqlite connection of its own
//! ([`Lite`]: read-only, statements prepared once per connection) stepped
//! on the calling task. Those statements are index lookups of a few rows,
//! so running them inline costs less than a hand-over to another thread;
//! callers use it only for reads bounded that way.
//!
//! The rows are decoded once for both through [`Get`].

use crate::error::StoreError;
use crate::Conn;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Mutex;

/// Idle read-only rusqlite connections to one SQLite file.
pub struct Lite {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// Set by [`Lite::close`]: no connection is opened or kept after it.
    closed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Lite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lite").field("path", &self.path).finish()
    }
}

/// At most this many idle connections are kept.
const IDLE_MAX: usize = 8;

impl Lite {
    pub(crate) fn new(path: &str) -> Lite {
        Lite {
            path: path.to_string(),
            idle: Mutex::new(Vec::new()),
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// An idle connection, or a new one.
    pub fn get(&self) -> Result<LiteConn<'_>, StoreError> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::InUse("the database was closed".into()));
        }
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                use rusqlite::OpenFlags as F;
                let c = rusqlite::Connection::open_with_flags(
                    &self.path,
                    F::SQLITE_OPEN_READ_ONLY | F::SQLITE_OPEN_NO_MUTEX | F::SQLITE_OPEN_URI,
                )
                .map_err(lite_err)?;
                c.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(lite_err)?;
                c.set_prepared_statement_cache_capacity(64);
                c
            }
        };
        Ok(LiteConn {
            pool: self,
            conn: Some(conn),
        })
    }

    /// Closes every idle connection (before a restore replaces the file).
    pub(crate) fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// A connection taken from [`Lite`], given back when dropped.
pub struct LiteConn<'a> {
    pool: &'a Lite,
    conn: Option<rusqlite::Connection>,
}

impl LiteConn<'_> {
    pub fn reader(&mut self) -> Reader<'_> {
        Reader::Lite(self.conn.as_mut().expect("held until dropped"))
    }
}

impl Drop for LiteConn<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            let mut idle = self.pool.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < IDLE_MAX && !self.pool.closed.load(std::sync::atomic::Ordering::SeqCst)
            {
                idle.push(c);
            }
        }
    }
}

fn lite_err(e: rusqlite::Error) -> StoreError {
    StoreError::Corrupt(format!("SQLite: {e}"))
}

/// Where a read runs: a sqlx connection (either engine) or, on SQLite, a
/// rusqlite connection stepped inline.
pub enum Reader<'a> {
    Any(&'a mut Conn),
    /// `&mut`: a future holding it stays `Send` (a connection is `Send`,
    /// not `Sync`).
    Lite(&'a mut rusqlite::Connection),
}

impl<'a> From<&'a mut Conn> for Reader<'a> {
    fn from(c: &'a mut Conn) -> Self {
        Reader::Any(c)
    }
}

/// A connection for a page's small reads: inline on SQLite, pooled on
/// PostgreSQL (see [`crate::Db::page_conn`]).
pub enum PageConn<'a> {
    Lite(LiteConn<'a>),
    Any(sqlx::pool::PoolConnection<sqlx::Any>),
}

impl PageConn<'_> {
    pub fn reader(&mut self) -> Reader<'_> {
        match self {
            PageConn::Lite(l) => l.reader(),
            PageConn::Any(c) => Reader::Any(&mut *c),
        }
    }
}

/// A bound parameter.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I(i64),
    S(String),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::S(v.to_string())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::S(v)
    }
}

impl Reader<'_> {
    /// Every row of `sql` (numbered parameters `$1`…, bound from `args`),
    /// each decoded by `f`.
    pub(crate) async fn all<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        f: impl Fn(&dyn Get) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Reader::Any(conn) => {
                let mut q = sqlx::query(sql);
                for a in args {
                    q = match a {
                        Arg::I(v) => q.bind(*v),
                        Arg::S(v) => q.bind(v.as_str()),
                    };
                }
                let rows = q.fetch_all(&mut **conn).await?;
                rows.iter().map(|r| f(r)).collect()
            }
            Reader::Lite(conn) => {
                let mut st = conn.prepare_cached(&numbered(sql)).map_err(lite_err)?;
                for (i, a) in args.iter().enumerate() {
                    match a {
                        Arg::I(v) => st.raw_bind_parameter(i + 1, v),
                        Arg::S(v) => st.raw_bind_parameter(i + 1, v.as_str()),
                    }
                    .map_err(lite_err)?;
                }
                let mut rows = st.raw_query();
                let mut out = Vec::new();
                while let Some(r) = rows.next().map_err(lite_err)? {
                    out.push(f(r)?);
                }
                Ok(out)
            }
        }
    }
}

/// `$N` parameters as SQLite's `?N`, so that `$2` binds the second value
/// wherever it first appears (a `$` never appears in our statements
/// otherwise).
fn numbered(sql: &str) -> String {
    sql.replace('$', "?")
}

/// A row's columns by name, whichever connection read it.
pub trait Get {
    fn int(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn text(&self, col: &str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
}

impl Get for AnyRow {
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(col)?)
    }
}

impl Get for rusqlite::Row<'_> {
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        self.get(col).map_err(lite_err)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        self.get(col).map_err(lite_err)
    }
    fn text(&self, col: &str) -> Result<String, StoreError> {
        self.get(col).map_err(lite_err)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        self.get(col).map_err(lite_err)
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn numbered_parameters_keep_their_numbers() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = $2 AND c IN ($1, $2) LIMIT $3"),
            "SELECT a FROM t WHERE b = ?2 AND c IN (?1, ?2) LIMIT ?3"
        );
    }
}
