//! Query functions, grouped by table family. Each takes the connection to
//! use (a read connection or a write transaction's) and speaks domain types.

pub mod audit;
pub mod candidates;
pub mod checks;
pub mod corrections;
pub mod files;
pub mod lists;
pub mod maintenance;
pub mod members;
pub mod movements;
pub mod postings;
pub mod refusals;
pub mod replay;
pub mod search;
pub mod settings;
pub mod supervisors;
pub mod terms;
pub mod units;
pub mod users;

use crate::error::StoreError;
use ranks_domain::Date;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) fn date(row: &AnyRow, col: &str) -> Result<Date, StoreError> {
    let s: String = row.try_get(col)?;
    Date::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("column {col}: '{s}' is not a date")))
}

pub(crate) fn opt_date(row: &AnyRow, col: &str) -> Result<Option<Date>, StoreError> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| {
        Date::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt(format!("column {col}: '{s}' is not a date")))
    })
    .transpose()
}

pub(crate) fn iso(d: Date) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Ids as an SQL list (integers only: nothing a user typed).
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(",")
}
