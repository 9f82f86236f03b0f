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
use crate::lite::Get;
use ranks_domain::Date;

pub(crate) fn date(row: &dyn Get, col: &str) -> Result<Date, StoreError> {
    let s: String = row.text(col)?;
    parse_day(&s).ok_or_else(|| StoreError::Corrupt(format!("column {col}: '{s}' is not a date")))
}

pub(crate) fn opt_date(row: &dyn Get, col: &str) -> Result<Option<Date>, StoreError> {
    let s: Option<String> = row.opt_text(col)?;
    s.map(|s| {
        parse_day(&s)
            .ok_or_else(|| StoreError::Corrupt(format!("column {col}: '{s}' is not a date")))
    })
    .transpose()
}

/// A stored `yyyy-mm-dd` day (as `%Y-%m-%d` reads it, without parsing a
/// format string per value).
fn parse_day(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !b[0].is_ascii_digit() {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    Date::from_ymd_opt(y, m, d)
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
    use chrono::Datelike;

    #[test]
    fn stored_days_read_as_chrono_reads_them() {
        let chrono_way = |s: &str| ranks_domain::Date::parse_from_str(s, "%Y-%m-%d").ok();
        for s in [
            "2026-12-01",
            "1930-01-01",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "",
            "abcd-ef-gh",
            "2026/12/01",
            "2026-12-32",
            "0999-01-01",
            "2026-12-1x",
        ] {
            assert_eq!(super::parse_day(s), chrono_way(s), "{s}");
        }
        // Stricter than chrono on what `iso` never writes.
        assert_eq!(super::parse_day("2026-1-01"), None);
        let mut d = ranks_domain::Date::from_ymd_opt(1900, 1, 1).unwrap();
        while d.year() < 2101 {
            let s = d.format("%Y-%m-%d").to_string();
            assert_eq!(super::parse_day(&s), Some(d));
            d = d.succ_opt().unwrap();
        }
    }

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
