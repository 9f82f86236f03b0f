//! Working days in Vietnam: weekends and public holidays off.
//!
//! The default holidays are those of the Labour Code 2019, article 112:
//! 1 January; Tết, five days (by default the last day of the lunar year and
//! the first four days of the new one); the Hùng Kings' day (10th day of the
//! 3rd lunar month); 30 April; 1 May; 2 September and one adjacent day (by
//! default 1 September). A holiday on a Saturday or Sunday gives the next
//! working day off (article 111, clause 3). The government fixes the real
//! days each year, with swapped working days: the announced schedules ship
//! as data ([`crate::holidays`], 2024–2026) and replace the default rule for
//! their years. A committee's own changes are recorded as a [`YearOverride`]
//! and win over both.

use crate::error::DomainError;
use crate::lunar::{lunar_to_solar, tet, LunarDate};
use crate::Date;
use chrono::{Datelike, Days, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidaySource {
    /// Computed from the Labour Code.
    Law,
    /// A holiday fell on a weekend; the next working day is off.
    Compensatory,
    /// Recorded by the user for that year (the government's decision).
    Override,
    /// From the government's announced schedule for the year, shipped with Ranks.
    Official,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
    pub source: HolidaySource,
    /// The document the day comes from (the article of the law, or the
    /// government's announcement); none for a user's override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

/// A Saturday or Sunday that is a working day, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingWeekend {
    pub date: Date,
    pub name: String,
    pub source: HolidaySource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideDay {
    pub date: Date,
    pub name: String,
}

/// The government's actual decisions for one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearOverride {
    pub year: i32,
    /// Days off added.
    #[serde(default)]
    pub days_off: Vec<OverrideDay>,
    /// Computed days off that are not days off this year.
    #[serde(default)]
    pub not_off: Vec<Date>,
    /// Saturdays or Sundays that are working days (swapped days).
    #[serde(default)]
    pub working_days: Vec<Date>,
}

impl YearOverride {
    fn validate(&self) -> Result<(), DomainError> {
        if !(1900..=2100).contains(&self.year) {
            return Err(DomainError::invalid(
                "year",
                self.year.to_string(),
                "a year from 1900 to 2100",
            ));
        }
        let in_year = |field: &'static str, d: &Date| {
            if d.year() == self.year {
                Ok(())
            } else {
                Err(DomainError::invalid(
                    field,
                    d.to_string(),
                    "a date in the override's year",
                ))
            }
        };
        for o in &self.days_off {
            in_year("days_off", &o.date)?;
        }
        for d in &self.not_off {
            in_year("not_off", d)?;
        }
        for d in &self.working_days {
            in_year("working_days", d)?;
            if !is_weekend(*d) {
                return Err(DomainError::invalid(
                    "working_days",
                    d.to_string(),
                    "a Saturday or Sunday",
                ));
            }
            if self.days_off.iter().any(|o| o.date == *d) {
                return Err(DomainError::invalid(
                    "working_days",
                    d.to_string(),
                    "a date that is not also a day off",
                ));
            }
        }
        Ok(())
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// One year's days off and swapped working days.
#[derive(Debug, Default)]
struct YearDays {
    off: BTreeMap<Date, Holiday>,
    working: BTreeMap<Date, WorkingWeekend>,
    /// `upto[k]`: working days among the year's first `k` days (prefix
    /// counts, so that counting working days between two dates is two
    /// look-ups per year instead of a walk day by day).
    upto: Vec<u16>,
}

impl YearDays {
    fn works(&self, d: Date) -> bool {
        self.working.contains_key(&d) || (!is_weekend(d) && !self.off.contains_key(&d))
    }

    /// Working days of the year up to and including `d`.
    fn through(&self, d: Date) -> i64 {
        i64::from(self.upto[d.ordinal0() as usize + 1])
    }

    fn total(&self) -> i64 {
        i64::from(*self.upto.last().expect("a year has days"))
    }

    fn with_prefix_counts(mut self, year: i32) -> Self {
        let mut d = Date::from_ymd_opt(year, 1, 1).expect("valid year");
        let mut upto = vec![0u16];
        while d.year() == year {
            let last = *upto.last().expect("non-empty");
            upto.push(last + u16::from(self.works(d)));
            d = d + Days::new(1);
        }
        self.upto = upto;
        self
    }
}

/// The working-day calendar. Cheap to clone; each year is computed once.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    overrides: BTreeMap<i32, YearOverride>,
    /// The Labour Code's rule even for years with an announced schedule.
    law_only: bool,
    cache: Arc<RwLock<HashMap<i32, Arc<YearDays>>>>,
}

fn law_days(year: i32) -> Vec<Holiday> {
    let law = |date: Date, name: &str| Holiday {
        date,
        name: name.to_string(),
        source: HolidaySource::Law,
        document: Some("Bộ luật Lao động 2019, Điều 112 khoản 1".into()),
    };
    let ymd = |m, d| Date::from_ymd_opt(year, m, d).expect("valid date");
    let mut out = vec![law(ymd(1, 1), "Tết Dương lịch")];
    let new_year = tet(year);
    for offset in -1i64..=3 {
        let d = if offset < 0 {
            new_year - Days::new(1)
        } else {
            new_year + Days::new(offset as u64)
        };
        out.push(law(d, "Tết Nguyên đán"));
    }
    if let Some(d) = lunar_to_solar(LunarDate {
        year,
        month: 3,
        day: 10,
        leap: false,
    }) {
        out.push(law(d, "Giỗ Tổ Hùng Vương"));
    }
    out.push(law(ymd(4, 30), "Ngày Chiến thắng"));
    out.push(law(ymd(5, 1), "Ngày Quốc tế Lao động"));
    out.push(law(ymd(9, 1), "Quốc khánh (ngày liền kề)"));
    out.push(law(ymd(9, 2), "Quốc khánh"));
    out
}

/// The default rule: the law's days, and for each one on a weekend the next
/// weekday that is not itself a holiday (Điều 111 khoản 3).
fn law_and_compensation(year: i32) -> BTreeMap<Date, Holiday> {
    let mut off: BTreeMap<Date, Holiday> = BTreeMap::new();
    for h in law_days(year) {
        off.entry(h.date).or_insert(h);
    }
    let weekend_holidays: Vec<Date> = off.keys().copied().filter(|d| is_weekend(*d)).collect();
    for d in weekend_holidays {
        let mut next = d + Days::new(1);
        while is_weekend(next) || off.contains_key(&next) {
            next = next + Days::new(1);
        }
        off.insert(
            next,
            Holiday {
                date: next,
                name: "Nghỉ bù".into(),
                source: HolidaySource::Compensatory,
                document: Some("Bộ luật Lao động 2019, Điều 111 khoản 3".into()),
            },
        );
    }
    off
}

fn official_days(
    sched: &crate::holidays::OfficialSchedule,
) -> (BTreeMap<Date, Holiday>, BTreeMap<Date, WorkingWeekend>) {
    let off = sched
        .days_off
        .iter()
        .map(|d| {
            let h = Holiday {
                date: d.date,
                name: d.name.clone(),
                source: HolidaySource::Official,
                document: Some(d.source.clone()),
            };
            (d.date, h)
        })
        .collect();
    let working = sched
        .working_days
        .iter()
        .map(|d| {
            let w = WorkingWeekend {
                date: d.date,
                name: d.name.clone(),
                source: HolidaySource::Official,
                document: Some(d.source.clone()),
            };
            (d.date, w)
        })
        .collect();
    (off, working)
}

impl WorkCalendar {
    /// The announced schedules where shipped, the law's default rule for
    /// other years.
    pub fn new() -> Self {
        Self::default()
    }

    /// The Labour Code's default rule for every year, ignoring the announced
    /// schedules (to compare, and for years' defaults in tests).
    pub fn law_only() -> Self {
        Self {
            law_only: true,
            ..Self::default()
        }
    }

    /// Where a year's days come from: the announcing documents, or `None`
    /// when the law's default rule applies.
    pub fn schedule_documents(&self, year: i32) -> Option<Vec<String>> {
        if self.law_only {
            return None;
        }
        crate::holidays::official()
            .get(&year)
            .map(|s| s.documents.clone())
    }

    pub fn with_overrides(
        ovs: impl IntoIterator<Item = YearOverride>,
    ) -> Result<Self, DomainError> {
        let mut cal = Self::new();
        for ov in ovs {
            cal.set_override(ov)?;
        }
        Ok(cal)
    }

    /// Records (replaces) a year's override.
    pub fn set_override(&mut self, ov: YearOverride) -> Result<(), DomainError> {
        ov.validate()?;
        self.overrides.insert(ov.year, ov);
        // A fresh cache: clones made before keep theirs.
        self.cache = Arc::new(RwLock::new(HashMap::new()));
        Ok(())
    }

    pub fn overrides(&self) -> Vec<YearOverride> {
        self.overrides.values().cloned().collect()
    }

    fn year(&self, year: i32) -> Arc<YearDays> {
        if let Some(y) = self.cache.read().ok().and_then(|c| c.get(&year).cloned()) {
            return y;
        }
        let computed = Arc::new(self.compute(year));
        if let Ok(mut c) = self.cache.write() {
            c.insert(year, computed.clone());
        }
        computed
    }

    fn compute(&self, year: i32) -> YearDays {
        let official = (!self.law_only)
            .then(|| crate::holidays::official().get(&year))
            .flatten();
        let (mut off, mut working) = match official {
            Some(sched) => official_days(sched),
            None => (law_and_compensation(year), BTreeMap::new()),
        };
        if let Some(o) = self.overrides.get(&year) {
            for d in &o.not_off {
                off.remove(d);
            }
            for d in &o.days_off {
                working.remove(&d.date);
                off.insert(
                    d.date,
                    Holiday {
                        date: d.date,
                        name: d.name.clone(),
                        source: HolidaySource::Override,
                        document: None,
                    },
                );
            }
            for d in &o.working_days {
                working.insert(
                    *d,
                    WorkingWeekend {
                        date: *d,
                        name: "Ngày làm việc (do đơn vị ghi)".into(),
                        source: HolidaySource::Override,
                        document: None,
                    },
                );
            }
        }
        YearDays {
            off,
            working,
            upto: Vec::new(),
        }
        .with_prefix_counts(year)
    }

    /// The year's days off, by date (holidays on weekends included).
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        self.year(year).off.values().cloned().collect()
    }

    /// The year's Saturdays and Sundays that are working days.
    pub fn working_weekends(&self, year: i32) -> Vec<WorkingWeekend> {
        self.year(year).working.values().cloned().collect()
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        self.year(d.year()).works(d)
    }

    /// The `n`-th working day strictly after `from` (`from` itself for 0).
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d + Days::new(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(from, to]`; negative (those in `(to, from]`) when `to` is earlier.
    /// From the years' prefix counts: two look-ups, plus one per year in between.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let first = self.year(from.year());
        if from.year() == to.year() {
            return first.through(to) - first.through(from);
        }
        let mut n = first.total() - first.through(from);
        for y in from.year() + 1..to.year() {
            n += self.year(y).total();
        }
        n + self.year(to.year()).through(to)
    }

    /// The same count walked day by day: the reference the prefix counts
    /// are checked against.
    pub fn working_days_between_walked(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.working_days_between_walked(to, from);
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d + Days::new(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_law_s_holidays_of_2025() {
        let cal = WorkCalendar::law_only();
        let days: Vec<Date> = cal.holidays(2025).iter().map(|h| h.date).collect();
        for want in [
            "2025-01-01",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-02-01",
            "2025-04-07",
            "2025-04-30",
            "2025-05-01",
            "2025-09-01",
            "2025-09-02",
        ] {
            assert!(days.contains(&d(want)), "{want} missing: {days:?}");
        }
        // Tết's fifth day (Saturday 2025-02-01) gives Monday 2025-02-03 off.
        assert!(days.contains(&d("2025-02-03")));
        assert!(!cal.is_working_day(d("2025-02-03")));
        assert!(cal.is_working_day(d("2025-02-04")));
        assert!(!cal.is_working_day(d("2025-04-07")));
    }

    #[test]
    fn the_announced_schedule_replaces_the_default_rule() {
        let cal = WorkCalendar::new();
        // Tết 2025 per 8726/VPCP-KGVX: Monday 27 to Friday 31 January; the
        // default rule would have given 28 January to 1 February and Monday
        // 3 February as the compensatory day.
        assert!(!cal.is_working_day(d("2025-01-27")));
        assert!(cal.is_working_day(d("2025-02-03")));
        assert!(WorkCalendar::law_only().is_working_day(d("2025-01-27")));
        assert!(!WorkCalendar::law_only().is_working_day(d("2025-02-03")));
        // 30/4 2025: Friday 2 May off, Saturday 26 April worked.
        assert!(!cal.is_working_day(d("2025-05-02")));
        assert!(cal.is_working_day(d("2025-04-26")));
        let sat = cal.working_weekends(2025);
        assert_eq!(sat.len(), 1);
        assert_eq!(sat[0].source, HolidaySource::Official);
        assert!(sat[0]
            .document
            .as_deref()
            .unwrap()
            .contains("8726/VPCP-KGVX"));
        // 2026: 2 January off for Saturday 10 January; 31 August for 22 August.
        assert!(!cal.is_working_day(d("2026-01-02")));
        assert!(cal.is_working_day(d("2026-01-10")));
        assert!(!cal.is_working_day(d("2026-08-31")));
        assert!(cal.is_working_day(d("2026-08-22")));
        // A working Saturday counts in deadlines: from Friday 25 April 2025,
        // one working day later is Saturday 26 April.
        assert_eq!(cal.add_working_days(d("2025-04-25"), 1), d("2025-04-26"));
        let h = cal.holidays(2025);
        assert!(h.iter().all(|h| h.source == HolidaySource::Official));
        assert!(cal.schedule_documents(2025).unwrap()[0].contains("8726"));
        // A year without a shipped schedule: the default rule, cited.
        assert!(cal.schedule_documents(2027).is_none());
        assert!(cal.holidays(2027).iter().all(|h| matches!(
            h.source,
            HolidaySource::Law | HolidaySource::Compensatory
        ) && h.document.is_some()));
        // A committee's own override still wins over the announced schedule.
        let mut own = WorkCalendar::new();
        own.set_override(YearOverride {
            year: 2025,
            not_off: vec![d("2025-05-02")],
            ..YearOverride::default()
        })
        .unwrap();
        assert!(own.is_working_day(d("2025-05-02")));
        assert!(own.is_working_day(d("2025-04-26")));
    }

    #[test]
    fn a_holiday_on_a_weekend_gives_the_next_working_day() {
        // 30 April 2022 was a Saturday and 1 May a Sunday: Monday 2 and Tuesday 3 May off.
        let cal = WorkCalendar::new();
        let comp: Vec<Date> = cal
            .holidays(2022)
            .into_iter()
            .filter(|h| h.source == HolidaySource::Compensatory)
            .map(|h| h.date)
            .collect();
        assert!(
            comp.contains(&d("2022-05-02")) && comp.contains(&d("2022-05-03")),
            "{comp:?}"
        );
        assert!(!cal.is_working_day(d("2022-05-03")));
    }

    #[test]
    fn overrides_win() {
        let mut cal = WorkCalendar::new();
        // 2025: the government gave 25 January to 2 February off.
        let days_off = (25..=31)
            .map(|x| format!("2025-01-{x}"))
            .chain(["2025-02-01".into(), "2025-02-02".into()])
            .map(|s| OverrideDay {
                date: d(&s),
                name: "Tết Nguyên đán".into(),
            })
            .collect();
        cal.set_override(YearOverride {
            year: 2025,
            days_off,
            not_off: vec![d("2025-02-03")],
            working_days: vec![],
        })
        .unwrap();
        assert!(!cal.is_working_day(d("2025-01-27")));
        assert!(cal.is_working_day(d("2025-02-03")));
        // A swapped Saturday becomes a working day.
        cal.set_override(YearOverride {
            year: 2024,
            working_days: vec![d("2024-05-04")],
            ..YearOverride::default()
        })
        .unwrap();
        assert!(cal.is_working_day(d("2024-05-04")));
        assert_eq!(cal.overrides().len(), 2);
    }

    #[test]
    fn overrides_are_validated() {
        let mut cal = WorkCalendar::new();
        let e = cal
            .set_override(YearOverride {
                year: 2025,
                working_days: vec![d("2025-05-05")],
                ..YearOverride::default()
            })
            .unwrap_err();
        assert!(
            e.to_string().starts_with("working_days: '2025-05-05'"),
            "{e}"
        );
        let e = cal
            .set_override(YearOverride {
                year: 2025,
                not_off: vec![d("2024-12-31")],
                ..YearOverride::default()
            })
            .unwrap_err();
        assert!(e.to_string().starts_with("not_off:"), "{e}");
        let e = cal
            .set_override(YearOverride {
                year: 2025,
                days_off: vec![OverrideDay {
                    date: d("2025-05-03"),
                    name: "x".into(),
                }],
                working_days: vec![d("2025-05-03")],
                ..YearOverride::default()
            })
            .unwrap_err();
        assert!(e.to_string().contains("not also a day off"), "{e}");
    }

    #[test]
    fn working_day_arithmetic() {
        let cal = WorkCalendar::new();
        // From the Friday before Tết 2026 (17 February): 16 to 20 February off, 21/22 weekend.
        assert_eq!(cal.add_working_days(d("2026-02-13"), 1), d("2026-02-23"));
        assert_eq!(
            cal.working_days_between(d("2026-02-13"), d("2026-02-23")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2026-02-23"), d("2026-02-13")),
            -1
        );
        assert_eq!(cal.add_working_days(d("2026-03-02"), 0), d("2026-03-02"));
        let mut day = d("2000-01-03");
        let mut n = 0u32;
        while day < d("2030-12-31") {
            let later = cal.add_working_days(day, n);
            assert_eq!(
                cal.working_days_between(day, later),
                i64::from(n),
                "{day} + {n}"
            );
            assert_eq!(cal.working_days_between(later, day), -i64::from(n));
            day = day + Days::new(37);
            n = (n * 7 + 3) % 90;
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A day from 1990 to about 2089 (inside the lunar tables).
    fn day() -> impl Strategy<Value = Date> {
        (0u64..36_500).prop_map(|k| Date::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(k))
    }

    /// The shipped calendar, the law's rule alone, or the shipped one with a
    /// year's decision recorded: a swapped working Saturday, an extra day off,
    /// a holiday that is not off.
    fn calendar() -> impl Strategy<Value = (WorkCalendar, Option<YearOverride>)> {
        prop_oneof![
            Just((WorkCalendar::new(), None)),
            Just((WorkCalendar::law_only(), None)),
            (2000i32..2060, 0u64..52, 0u64..365, any::<bool>()).prop_map(
                |(year, week, off, drop_labour_day)| {
                    let jan1 = Date::from_ymd_opt(year, 1, 1).unwrap();
                    let first_sat = jan1
                        + Days::new((6 + 7 - u64::from(jan1.weekday().num_days_from_monday())) % 7);
                    let saturday = first_sat + Days::new(7 * week);
                    let extra = jan1 + Days::new(off);
                    let ov = YearOverride {
                        year,
                        days_off: if extra.year() == year && extra != saturday {
                            vec![OverrideDay {
                                date: extra,
                                name: "nghỉ thêm".into(),
                            }]
                        } else {
                            vec![]
                        },
                        not_off: if drop_labour_day {
                            vec![Date::from_ymd_opt(year, 5, 1).unwrap()]
                        } else {
                            vec![]
                        },
                        working_days: if saturday.year() == year {
                            vec![saturday]
                        } else {
                            vec![]
                        },
                    };
                    let cal = WorkCalendar::with_overrides([ov.clone()]).unwrap();
                    (cal, Some(ov))
                }
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Adding n working days and counting the working days between gives n back,
        /// in both directions.
        /// The prefix counts give what the walk day by day gives, for any two days
        /// (across years, either order), on every kind of calendar.
        #[test]
        fn prefix_counts_equal_the_walk((cal, _) in calendar(), a in day(), span in 0u64..2_500, back in any::<bool>()) {
            let b = a + Days::new(span);
            let (from, to) = if back { (b, a) } else { (a, b) };
            prop_assert_eq!(cal.working_days_between(from, to), cal.working_days_between_walked(from, to));
        }

        #[test]
        fn adding_then_counting_gives_n((cal, _) in calendar(), from in day(), n in 0u32..400) {
            let to = cal.add_working_days(from, n);
            prop_assert_eq!(cal.working_days_between(from, to), i64::from(n));
            prop_assert_eq!(cal.working_days_between(to, from), -i64::from(n));
        }

        /// The day reached is itself a working day, and more days reach further.
        #[test]
        fn the_result_is_a_working_day_and_monotonic(
            (cal, _) in calendar(),
            from in day(),
            n in 1u32..300,
            more in 1u32..50,
        ) {
            let to = cal.add_working_days(from, n);
            prop_assert!(cal.is_working_day(to), "{to}");
            prop_assert!(to > from);
            prop_assert!(cal.add_working_days(from, n + more) > to);
            prop_assert!(cal.add_working_days(from, n - 1) < to);
        }

        /// A working day is never a weekend day or a day off, unless it is a
        /// Saturday or Sunday swapped into a working day (by an announced
        /// schedule or a recorded decision).
        #[test]
        fn working_days_are_not_weekends_or_holidays((cal, ov) in calendar(), d in day()) {
            let swapped = cal.working_weekends(d.year()).iter().any(|w| w.date == d);
            let off = cal.holidays(d.year()).iter().any(|h| h.date == d);
            let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            prop_assert_eq!(cal.is_working_day(d), swapped || (!weekend && !off));
            if let Some(o) = &ov {
                for w in &o.working_days {
                    prop_assert!(cal.is_working_day(*w));
                }
                for x in &o.days_off {
                    prop_assert!(!cal.is_working_day(x.date));
                }
            }
        }
    }
}
