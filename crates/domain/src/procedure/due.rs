//! Deadlines: what is due for a candidate, counted in days, working days or
//! months from the stage that starts each deadline.

use super::engine::{plus_months, Dossier};
use super::model::{Profile, Unit};
use crate::calendar::WorkCalendar;
use crate::Date;

/// A deadline running for a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub rule: String,
    pub source: String,
    /// The stage that must be reached.
    pub until: String,
    pub started: Date,
    pub due: Date,
    /// The last day with the allowed extension, if any.
    pub extended: Option<Date>,
    /// Counted from a stage's date because the receipt of its decision is
    /// not recorded (the receipt is assumed on the decision's day).
    pub assumed_start: bool,
    /// Working days from today to the due date; negative when passed.
    pub working_days_left: i64,
    pub when_passed: String,
}

impl Due {
    pub fn overdue(&self) -> bool {
        self.working_days_left < 0
    }
}

impl Profile {
    fn add(cal: &WorkCalendar, from: Date, amount: u32, unit: Unit) -> Date {
        match unit {
            Unit::Days => from + chrono::Days::new(u64::from(amount)),
            Unit::WorkingDays => cal.add_working_days(from, amount),
            Unit::Months => plus_months(from, amount),
        }
    }

    /// The deadlines running for a dossier on `today`, earliest first.
    pub fn deadlines_for(&self, dossier: &Dossier, cal: &WorkCalendar, today: Date) -> Vec<Due> {
        let Some((cur, _)) = dossier.current() else {
            return vec![];
        };
        if !self.is_open(cur) {
            return vec![];
        }
        let at = self.position(cur).unwrap_or(0);
        let mut out: Vec<Due> = self
            .deadlines
            .iter()
            .filter(|d| self.position(&d.until).is_some_and(|u| u > at))
            .filter_map(|d| {
                let entered = dossier.entered(&d.from)?;
                let received = d
                    .from_receipt
                    .then(|| dossier.received.get(&d.from).copied())
                    .flatten();
                let from = received.unwrap_or(entered);
                let started = plus_months(from, d.after_months);
                let due = Self::add(cal, started, d.amount, d.unit);
                Some(Due {
                    rule: d.id.clone(),
                    source: d.source.cite(),
                    until: d.until.clone(),
                    started,
                    due,
                    extended: d.extension.map(|e| Self::add(cal, due, e, d.unit)),
                    assumed_start: d.from_receipt && received.is_none(),
                    working_days_left: cal.working_days_between(today, due),
                    when_passed: d.when_passed.clone(),
                })
            })
            .collect();
        out.sort_by_key(|d| d.due);
        out
    }
}
