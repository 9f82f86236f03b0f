//! The candidate pipeline and member movements: every step recorded through
//! the procedure profile's engine, refused with the rule and its source, or
//! written whole in one transaction.

use crate::{App, AppError};
use ranks_domain::procedure::{Refusal, Vote};
use ranks_domain::{Date, DomainError};
use ranks_store::records::members::NewPerson;
use ranks_store::Conn;

mod calendar;
mod corrections;
mod documents;
mod due;
mod due_page;
mod file;
mod movements;
pub(crate) use movements::temporary_band;
mod registry_steps;
mod routes;
pub(crate) mod steps;

pub use corrections::{Correctable, Corrected, CorrectionEntry, Entry, ENTRY_KINDS};
pub use due::{DueEntry, DueRow};
pub use due_page::{DueOverview, DuePage, DUE_LIMIT, DUE_LIMIT_MAX};
pub(crate) use file::load_dossier;
pub use file::{CandidateFile, HistoryEntry, IntroducerEntry, VoteEntry};
pub use movements::Movement;
pub use routes::Resolution;
pub use steps::{Proposal, Proposed};

/// Who a new candidate is: an existing person, or a new one.
#[derive(Debug, Clone)]
pub enum PersonRef {
    Existing(i64),
    New {
        person: NewPerson,
        general_grade: u8,
        area: String,
    },
}

/// A step as a user records it.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub stage: String,
    pub on: Option<Date>,
    pub vote: Option<Vote>,
    pub skip_reason: Option<String>,
    /// Why a cell vote's eligible differs from the registry's count of the
    /// cell's official members on the day (recorded with the step).
    pub eligible_reason: Option<String>,
    /// The file's version as the user saw it (see [`CandidateFile::version`]):
    /// if someone changed the file since, the step is refused as a conflict.
    pub version: Option<i64>,
}

/// Refuses a write made on a stale view of a record: `expected` is the
/// record's version (its newest audit entry) when the user opened it.
pub(crate) async fn check_version(
    conn: &mut Conn,
    entity: &str,
    id: i64,
    expected: Option<i64>,
) -> Result<(), AppError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    refuse_if_changed(
        conn,
        entity,
        &id.to_string(),
        |v| v != expected,
        "this record changed since you opened it",
    )
    .await
}

/// For records edited in place from a page that shows many of them (a
/// target, a score): refused when the record's newest audit entry is newer
/// than `seen`, the audit position at which the writer read the page.
pub(crate) async fn check_unchanged_since(
    conn: &mut Conn,
    entity: &str,
    key: &str,
    seen: Option<i64>,
) -> Result<(), AppError> {
    let Some(seen) = seen else {
        return Ok(());
    };
    refuse_if_changed(
        conn,
        entity,
        key,
        |v| v > seen,
        "this value changed since you opened the page",
    )
    .await
}

/// The one check behind both: under the audit lock (writers queue), the
/// record's newest audit entry; a conflict naming it when `stale` says so.
async fn refuse_if_changed(
    conn: &mut Conn,
    entity: &str,
    key: &str,
    stale: impl FnOnce(i64) -> bool,
    what: &str,
) -> Result<(), AppError> {
    ranks_store::records::audit::lock(conn).await?;
    match ranks_store::records::audit::latest_for(conn, entity, key).await? {
        Some((v, at, who, action)) if stale(v) => Err(AppError::Conflict(format!(
            "{what}: {action} by {who} at {at}; nothing was saved, reload it and try again"
        ))),
        _ => Ok(()),
    }
}

/// A record's version: the id of its newest audit entry (0 if none).
pub(crate) async fn version_of(conn: &mut Conn, entity: &str, id: i64) -> Result<i64, AppError> {
    Ok(
        ranks_store::records::audit::latest_for(conn, entity, &id.to_string())
            .await?
            .map(|l| l.0)
            .unwrap_or(0),
    )
}

fn step_error(r: Refusal) -> AppError {
    AppError::Refused(r)
}

/// A person's open file or membership in a part of the tree the actor may
/// not see: refused without saying where, what or since when.
fn elsewhere(person_id: i64) -> AppError {
    AppError::Conflict(format!(
        "person {person_id} cannot be proposed here: they already have an open admission file or a current membership outside your part of the tree; the committee above both can settle it"
    ))
}

impl App {
    /// A day named in a request, refused when after today (naming `field`).
    pub(crate) fn check_date(&self, field: &'static str, on: Date) -> Result<Date, AppError> {
        let today = self.clock().today();
        if on > today {
            return Err(
                DomainError::invalid(field, on.to_string(), "a date not after today").into(),
            );
        }
        Ok(on)
    }
}

pub(crate) use crate::scope::{candidate as visible_candidate, member as visible_member};
