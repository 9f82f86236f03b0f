use crate::anchor::{AuditFiles, AuditKey, DbLock};
use crate::error::StoreError;
use crate::migrate;
use crate::url::DatabaseUrl;
use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A handle to the database: a read pool and a write pool (one connection
/// on SQLite, so writes never race each other; eight on PostgreSQL).
#[derive(Clone, Debug)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    /// Connections only for refreshing the in-memory index and summaries
    /// under their locks: a request may hold a reader while it waits for
    /// such a lock, so the lock's holder must never wait for a reader (with
    /// every reader held by a waiting request, that was a deadlock).
    upkeep: AnyPool,
    backend: Backend,
    url: String,
    source: DatabaseUrl,
    audit: Option<Arc<AuditSeal>>,
    /// SQLite: the shared lock on `FILE.lock` while this handle lives.
    _lock: Option<Arc<DbLock>>,
    /// SQLite: read-only connections for reads stepped inline.
    lite: Option<Arc<crate::lite::Lite>>,
}

/// The key the audit log is sealed with and the checkpoint file its heads
/// are written to, attached to a [`Db`] by [`Db::attach_audit`].
#[derive(Debug)]
pub struct AuditSeal {
    pub key: AuditKey,
    pub checkpoint: PathBuf,
}

// WAL is a property of the file, set once. sqlx's SQLite driver already
// turns foreign keys on and sets a busy timeout on every connection.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL;";

/// Read connections: SQLite reads run on the connection's own thread, a
/// few per core keep the cores busy; PostgreSQL's are server processes.
const SQLITE_READERS: u32 = 4;
const POSTGRES_READERS: u32 = 16;
/// One per lock that refreshes an in-memory structure (the roll-up index,
/// the due summary, the audit generation poll).
const UPKEEP_CONNECTIONS: u32 = 5;

impl Db {
    /// Opens (creating a SQLite file if needed) and migrates to the latest schema.
    pub async fn open(url: &DatabaseUrl, now: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = match url {
            DatabaseUrl::Sqlite { .. } => Backend::Sqlite,
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
        };
        let connect_url = url.connect_url();
        let shown = url.to_string();
        let connect_err = |e: sqlx::Error| StoreError::Connect {
            url: url.to_string(),
            reason: e.to_string(),
        };
        // SQLite: hold the lock that restore respects, and create a new file
        // readable by its owner only (its -wal and -shm files get the same mode).
        let lock = match url {
            DatabaseUrl::Sqlite { path } => {
                let lock = DbLock::shared(path)?;
                if !Path::new(path).exists() {
                    match crate::anchor::create_private(Path::new(path)) {
                        Ok(_) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                        Err(e) => {
                            return Err(StoreError::Connect {
                                url: url.to_string(),
                                reason: e.to_string(),
                            })
                        }
                    }
                }
                Some(Arc::new(lock))
            }
            DatabaseUrl::Postgres { .. } => None,
        };
        // One direct connection first: it fails fast with the real reason
        // (refused, unknown host, bad password) where a pool would only time out.
        AnyConnection::connect(&connect_url)
            .await
            .map_err(connect_err)?
            .close()
            .await
            .map_err(connect_err)?;
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(10))
        };
        // Connect the writer first: on SQLite it creates the file.
        let write = pool(if backend == Backend::Sqlite { 1 } else { 8 })
            .connect(&connect_url)
            .await
            .map_err(connect_err)?;
        if backend == Backend::Sqlite {
            sqlx::raw_sql(SQLITE_PRAGMAS)
                .execute(&write)
                .await
                .map_err(connect_err)?;
        }
        // Readers have a pool of their own on both engines: on PostgreSQL
        // a burst of page views no longer queues writers behind it (they
        // shared eight connections), and a page waits for one of more.
        // On SQLite a connection is a file handle on a thread of sqlx's:
        // nothing on the other end can hang up, and the ping before every
        // use was one more hand-over to that thread and back (a page took
        // four); the readers and upkeep connections skip it.
        let read = match backend {
            Backend::Sqlite => pool(SQLITE_READERS)
                .test_before_acquire(false)
                .connect(&connect_url)
                .await
                .map_err(connect_err)?,
            Backend::Postgres => pool(POSTGRES_READERS)
                .connect(&connect_url)
                .await
                .map_err(connect_err)?,
        };
        let upkeep = pool(UPKEEP_CONNECTIONS)
            .test_before_acquire(backend != Backend::Sqlite)
            .connect(&connect_url)
            .await
            .map_err(connect_err)?;
        let db = Db {
            read,
            write,
            upkeep,
            backend,
            url: shown,
            source: url.clone(),
            audit: None,
            _lock: lock,
            lite: match url {
                DatabaseUrl::Sqlite { path } => Some(Arc::new(crate::lite::Lite::new(path))),
                DatabaseUrl::Postgres { .. } => None,
            },
        };
        let mut conn = db.write.acquire().await.map_err(connect_err)?;
        migrate::run(&mut conn, backend, now).await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, without any password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database as configured (with its password: for the bulk loader's
    /// own connection; never print it, print [`Db::url`]).
    pub fn database_url(&self) -> &DatabaseUrl {
        &self.source
    }

    /// Attaches the audit key and checkpoint file (see
    /// [`crate::records::audit::attach`]): loads the key, or creates it
    /// (`create`) when the log was never sealed with one, sealing an
    /// unkeyed log of an earlier version once. The text says what was done.
    pub async fn attach_audit(
        self,
        files: &AuditFiles,
        create: bool,
    ) -> Result<(Db, Option<String>), StoreError> {
        crate::records::audit::attach(self, files, create).await
    }

    pub(crate) fn with_seal(mut self, seal: AuditSeal) -> Db {
        self.audit = Some(Arc::new(seal));
        self
    }

    /// The audit key and checkpoint file, once attached.
    pub fn audit(&self) -> Option<&AuditSeal> {
        self.audit.as_deref()
    }

    /// Opens a SQLite file to look at it without changing a byte of it
    /// (read-only and immutable: no lock, no journal, no migration).
    pub async fn inspect_sqlite(path: &Path) -> Result<AnyConnection, StoreError> {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}?mode=ro&immutable=true", path.display());
        AnyConnection::connect(&url)
            .await
            .map_err(|e| StoreError::Connect {
                url: format!("sqlite://{}", path.display()),
                reason: e.to_string(),
            })
    }

    /// On SQLite, read-only connections whose statements run inline on the
    /// calling task (see [`crate::lite`]); `None` on PostgreSQL.
    pub fn lite(&self) -> Option<&crate::lite::Lite> {
        self.lite.as_deref()
    }

    /// A connection for a page's small, bounded reads (index lookups of a
    /// few rows): on SQLite stepped inline, on PostgreSQL a reader.
    pub async fn page_conn(&self) -> Result<crate::lite::PageConn<'_>, StoreError> {
        Ok(match &self.lite {
            Some(l) => crate::lite::PageConn::Lite(l.get()?),
            None => crate::lite::PageConn::Any(self.read().await?),
        })
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<PoolConnection<Any>, StoreError> {
        Ok(self.read.acquire().await?)
    }

    /// A connection for the index's and summaries' refresh, taken while
    /// holding their lock (see the field `upkeep`).
    pub async fn upkeep(&self) -> Result<PoolConnection<Any>, StoreError> {
        Ok(self.upkeep.acquire().await?)
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let mut conn = self.write.acquire().await?;
        sqlx::query(match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        })
        .execute(&mut *conn)
        .await?;
        // From here a failure drops the WriteTx, which closes the
        // connection and so rolls the transaction back.
        let mut tx = WriteTx {
            conn: Some(conn),
            audit: self.audit.clone(),
        };
        if self.backend == Backend::Postgres {
            // Writers queue on one table lock taken first thing, so the
            // checks and the writes of one transaction never interleave
            // with another's: the order SQLite's single writer gives.
            // Readers (ACCESS SHARE) are not blocked. Without it, four
            // clients recording the same step all passed the checks.
            sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
                .execute(tx.conn())
                .await?;
        }
        Ok(tx)
    }

    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let mut conn = self.read().await?;
        migrate::current_version(&mut conn).await
    }

    /// Closes every pool of this handle (the upkeep pool too: a SQLite
    /// connection left open would checkpoint its log into the file later,
    /// when it is dropped, under whoever has the file by then).
    pub async fn close(&self) {
        if let Some(l) = &self.lite {
            l.close();
        }
        self.read.close().await;
        self.upkeep.close().await;
        self.write.close().await;
    }
}

/// One write transaction. Commit it explicitly; if it is dropped instead
/// (an error, a panic), its connection is closed, which rolls back on both
/// engines, so nothing is half-written.
pub struct WriteTx {
    conn: Option<PoolConnection<Any>>,
    audit: Option<Arc<AuditSeal>>,
}

impl WriteTx {
    /// The key the audit entries of this transaction are sealed with.
    pub fn audit_key(&self) -> Option<&AuditKey> {
        self.audit.as_ref().map(|a| &a.key)
    }

    pub fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("transaction is open")
    }

    pub async fn commit(mut self) -> Result<(), StoreError> {
        let mut conn = self.conn.take().expect("transaction is open");
        match sqlx::query("COMMIT").execute(&mut *conn).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let _ = conn.detach().close().await;
                Err(e.into())
            }
        }
    }

    pub async fn rollback(mut self) -> Result<(), StoreError> {
        let mut conn = self.conn.take().expect("transaction is open");
        sqlx::query("ROLLBACK").execute(&mut *conn).await?;
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Closing the connection aborts the open transaction.
            drop(conn.detach());
        }
    }
}
