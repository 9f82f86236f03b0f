//! Vietnam's officially announced holiday schedules, shipped as data
//! (`data/holidays-vn.toml`, with the document behind every day).
//!
//! The government announces each year which weekdays are off around Tết, 30/4
//! and 2/9 and which Saturdays are worked instead; the Labour Code's default
//! rule (see [`crate::calendar`]) is wrong for those years. A year listed here
//! replaces the default rule; a committee's own `ranks calendar set` still
//! applies on top.

use crate::Date;
use chrono::{Datelike, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One day of an announced schedule, with the document it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialDay {
    pub date: Date,
    pub name: String,
    pub source: String,
}

/// One year's announced schedule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialSchedule {
    pub year: i32,
    /// The announcing documents, for the calendar's heading.
    pub documents: Vec<String>,
    /// Every weekday off in the year.
    pub days_off: Vec<OfficialDay>,
    /// Saturdays worked in exchange for a weekday off.
    #[serde(default)]
    pub working_days: Vec<OfficialDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    schedule: Vec<OfficialSchedule>,
}

const DATA: &str = include_str!("../data/holidays-vn.toml");

/// Checks a schedules file: years unique, every day in its year, days off on
/// weekdays, working days on Saturdays or Sundays.
pub fn parse(text: &str) -> Result<BTreeMap<i32, OfficialSchedule>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for s in file.schedule {
        for d in &s.days_off {
            if d.date.year() != s.year {
                return Err(format!("{}: {} is not in the year", s.year, d.date));
            }
            if matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(format!("{}: day off {} is a weekend day", s.year, d.date));
            }
        }
        for d in &s.working_days {
            if d.date.year() != s.year {
                return Err(format!("{}: {} is not in the year", s.year, d.date));
            }
            if !matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(format!(
                    "{}: working day {} is not a weekend day",
                    s.year, d.date
                ));
            }
        }
        let year = s.year;
        if out.insert(year, s).is_some() {
            return Err(format!("{year}: listed twice"));
        }
    }
    Ok(out)
}

/// The shipped schedules, by year.
pub fn official() -> &'static BTreeMap<i32, OfficialSchedule> {
    static SCHEDULES: OnceLock<BTreeMap<i32, OfficialSchedule>> = OnceLock::new();
    SCHEDULES.get_or_init(|| parse(DATA).expect("data/holidays-vn.toml is checked by its test"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_schedules_load_and_cover_2024_to_2026() {
        let s = parse(DATA).unwrap();
        assert_eq!(
            s.keys().copied().collect::<Vec<_>>(),
            vec![2024, 2025, 2026]
        );
        for sched in s.values() {
            assert!(!sched.documents.is_empty());
            assert!(sched.days_off.iter().all(|d| !d.source.is_empty()));
        }
        // 2025: Tết off Monday 27 to Friday 31 January (8726/VPCP-KGVX), not
        // the default rule's 28 January to 1 February.
        let y = &s[&2025];
        assert!(y
            .days_off
            .iter()
            .any(|d| d.date.to_string() == "2025-01-27"));
        assert_eq!(y.working_days.len(), 1);
        assert_eq!(y.working_days[0].date.to_string(), "2025-04-26");
    }

    #[test]
    fn a_bad_schedule_is_refused_with_its_day() {
        let bad = r#"[[schedule]]
year = 2025
documents = ["x"]
days_off = [{ date = "2025-01-04", name = "Saturday", source = "x" }]
"#;
        assert!(parse(bad)
            .unwrap_err()
            .contains("2025-01-04 is a weekend day"));
        let bad = r#"[[schedule]]
year = 2025
documents = ["x"]
days_off = []
working_days = [{ date = "2025-01-06", name = "Monday", source = "x" }]
"#;
        assert!(parse(bad).unwrap_err().contains("not a weekend day"));
        let bad = r#"[[schedule]]
year = 2025
documents = ["x"]
days_off = [{ date = "2024-12-31", name = "x", source = "x" }]
"#;
        assert!(parse(bad).unwrap_err().contains("not in the year"));
    }
}
