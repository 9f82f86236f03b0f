use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database URL '{url}' is not understood: {why}")]
    BadUrl { url: String, why: String },
    #[error("cannot open database {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("the database's schema version {found} is newer than this program knows ({known}); upgrade Ranks")]
    TooNew { found: i64, known: i64 },
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
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
