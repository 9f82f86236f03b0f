use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database URL '{url}' is not understood: {why}")]
    BadUrl { url: String, why: String },
    /// The reason is kept as text so that a one-line report does not repeat it.
    #[error("cannot open database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("database migration {version} ({name}) failed: {reason}")]
    Migration {
        version: i64,
        name: &'static str,
        reason: String,
    },
    #[error("the database's schema version {found} is newer than this program knows ({known}); upgrade Ranks")]
    TooNew { found: i64, known: i64 },
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    /// A bulk load's SQLite writer failed (the load is rolled back).
    #[error("{0}")]
    Bulk(String),
    /// The audit key or checkpoint: missing, unreadable, the wrong one.
    #[error("{0}")]
    Audit(String),
    /// The database is held by someone else (a server, a restore).
    #[error("{0}")]
    InUse(String),
}

impl StoreError {
    /// True when the failure is a uniqueness or foreign-key violation
    /// (a conflict the caller can explain), not an outage.
    pub fn is_constraint(&self) -> bool {
        match self {
            StoreError::Sql(sqlx::Error::Database(e)) => matches!(
                e.kind(),
                sqlx::error::ErrorKind::UniqueViolation
                    | sqlx::error::ErrorKind::ForeignKeyViolation
            ),
            _ => false,
        }
    }
}

impl From<ranks_domain::DomainError> for StoreError {
    fn from(e: ranks_domain::DomainError) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
