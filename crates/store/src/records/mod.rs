//! Query functions, grouped by table family. Each takes the connection to
//! use (a read connection or a write transaction's) and speaks domain types.

pub mod audit;
pub mod calendar;
pub mod candidates;
pub mod checks;
pub mod corrections;
pub mod files;
pub mod lists;
pub mod maintenance;
pub mod meetings;
pub mod members;
pub mod movements;
pub mod postings;
pub mod redaction;
pub mod refusals;
pub mod reminders;
pub mod replay;
pub mod search;
pub mod settings;
pub mod subject;
pub mod supervisors;
pub mod terms;
pub mod transfers;
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

/// The list lengths [`bound_ids`] pads to.
const ID_LIST_LENGTHS: [usize; 7] = [1, 4, 16, 64, 256, 1024, 4096];

/// An `IN (…)` list of `ids` as parameters `$from, $from + 1, …`, padded
/// with the last id (a repeat changes nothing in an `IN` list) to one of a
/// few fixed lengths: the statement's text, and so SQLite's prepared
/// statement and PostgreSQL's cached plan, is shared by every list of that
/// length class; a generic plan of a list of ids is as good as a custom one,
/// so PostgreSQL stops planning it on every run. Past the longest length
/// the ids are written into the text (no parameters).
pub(crate) fn bound_ids(from: usize, ids: &[i64]) -> (String, Vec<i64>) {
    let Some(n) = ID_LIST_LENGTHS.iter().copied().find(|n| *n >= ids.len()) else {
        return (id_list(ids), Vec::new());
    };
    let Some(last) = ids.last().copied() else {
        return ("NULL".into(), Vec::new());
    };
    let mut binds = ids.to_vec();
    binds.resize(n, last);
    let text = (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",");
    (text, binds)
}

#[cfg(test)]
mod tests {
    use super::bound_ids;

    #[test]
    fn id_lists_are_padded_to_a_few_lengths() {
        assert_eq!(bound_ids(1, &[]).0, "NULL");
        assert_eq!(bound_ids(1, &[7]), ("$1".into(), vec![7]));
        assert_eq!(
            bound_ids(3, &[7, 9]),
            ("$3,$4,$5,$6".into(), vec![7, 9, 9, 9])
        );
        assert_eq!(bound_ids(1, &[1; 17]).1.len(), 64);
        let long: Vec<i64> = (0..5000).collect();
        let (text, binds) = bound_ids(1, &long);
        assert!(binds.is_empty() && text.starts_with("0,1,2,"));
    }
}
