use ranks_domain::DomainError;
use ranks_store::StoreError;
use thiserror::Error;

/// What can go wrong in a use case. Each variant carries what a user needs
/// to fix their input; `Store` is an outage and is shown only as such.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("unknown {what}: {key}")]
    NotFound { what: &'static str, key: String },
    #[error(transparent)]
    Invalid(#[from] DomainError),
    #[error("{0}")]
    Conflict(String),
    /// A step the procedure does not allow, with its rule and source.
    #[error("refused: {0}")]
    Refused(ranks_domain::procedure::Refusal),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("too many failed sign-ins; try again in 15 minutes")]
    RateLimited,
    #[error("the database holds no units yet; run `ranks demo` or import a tree")]
    Empty,
    /// An upload over an import limit, naming it.
    #[error("{0}")]
    TooLarge(crate::import::TooLarge),
    /// Too many imports at once; try again later.
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Store(StoreError),
}

/// A uniqueness or foreign-key violation is two writers meeting on the same
/// record (the checks before the write saw it free): a conflict the user can
/// resolve by reloading, never an outage. Which constraint it was stays in
/// the server's log; the message names nothing of the other record.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if e.is_constraint() {
            tracing::info!(error = %e, "write refused by a database constraint");
            AppError::Conflict(
                "someone else recorded the same thing at the same time; nothing was saved, reload and try again"
                    .into(),
            )
        } else {
            AppError::Store(e)
        }
    }
}
