//! The Vietnamese lunisolar calendar, computed astronomically.
//!
//! Months begin on the day of the new moon and the year's eleventh month is
//! the one containing the winter solstice; a leap month is the first month
//! of a 13-month year without a major solar term. Everything is computed in
//! a time zone: Vietnam's is UTC+7, China's UTC+8, which is why Tết differs
//! between the two in some years (1985, 2007, 2030). New moons follow the
//! series in Meeus, *Astronomical Algorithms*; the method is the one
//! published for the Vietnamese calendar by Hồ Ngọc Đức. Valid 1900–2100.

use crate::Date;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

pub const VIETNAM_TZ: f64 = 7.0;
pub const CHINA_TZ: f64 = 8.0;

/// A date of the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub leap: bool,
}

/// Julian day number of a Gregorian date.
fn jd(d: Date) -> i64 {
    let (dd, mm, yy) = (
        i64::from(d.day()),
        i64::from(d.month()),
        i64::from(d.year()),
    );
    let a = (14 - mm) / 12;
    let y = yy + 4800 - a;
    let m = mm + 12 * a - 3;
    dd + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

fn from_jd(jd: i64) -> Date {
    // Julian day 2440588 is 1970-01-01.
    Date::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::TimeDelta::days(jd - 2_440_588)
}

/// The moment (Julian date, UT) of the k-th new moon after 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 += 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 += 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    // ΔT, the difference between dynamical and universal time.
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - delta_t
}

/// The day (Julian day number, local) of the k-th new moon.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    (new_moon(k) + 0.5 + tz / 24.0).floor() as i64
}

/// The sun's apparent longitude (radians) at a Julian date.
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl += (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// The major solar term (0..11, one per 30° of longitude) at the start of a local day.
fn solar_term(day: i64, tz: f64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - tz / 24.0) / PI * 6.0).floor() as i64
}

/// The first day of the eleventh lunar month (the one containing the winter solstice) of a year.
fn month_11(year: i32, tz: f64) -> i64 {
    let off = jd(Date::from_ymd_opt(year, 12, 31).expect("valid")) - 2415021;
    let k = (off as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k, tz);
    if solar_term(nm, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        nm
    }
}

/// In a 13-month year starting at month 11 `a11`: the offset of the leap month.
fn leap_month_offset(a11: i64, tz: f64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = solar_term(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = solar_term(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

pub fn solar_to_lunar(d: Date) -> LunarDate {
    solar_to_lunar_tz(d, VIETNAM_TZ)
}

pub fn solar_to_lunar_tz(d: Date, tz: f64) -> LunarDate {
    let day = jd(d);
    // The estimate of the lunation can be one off near a new moon: settle
    // on the last new moon on or before the day.
    let mut k = ((day as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    while new_moon_day(k, tz) > day {
        k -= 1;
    }
    while new_moon_day(k + 1, tz) <= day {
        k += 1;
    }
    let month_start = new_moon_day(k, tz);
    let mut a11 = month_11(d.year(), tz);
    let mut b11 = a11;
    let mut year = d.year();
    if a11 >= month_start {
        a11 = month_11(d.year() - 1, tz);
    } else {
        year += 1;
        b11 = month_11(d.year() + 1, tz);
    }
    let lunar_day = (day - month_start + 1) as u32;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11, tz);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate {
        year,
        month: month as u32,
        day: lunar_day,
        leap,
    }
}

/// The first day of a lunar month, if that month exists.
fn month_start(year: i32, month: u32, leap: bool, tz: f64) -> Option<i64> {
    if !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (month_11(year - 1, tz), month_11(year, tz))
    } else {
        (month_11(year, tz), month_11(year + 1, tz))
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11, tz);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if leap && i64::from(month) != leap_month {
            return None;
        }
        if leap || off >= leap_off {
            off += 1;
        }
    } else if leap {
        return None;
    }
    Some(new_moon_day(k + off, tz))
}

pub fn days_in_lunar_month(year: i32, month: u32, leap: bool) -> Option<u32> {
    let start = month_start(year, month, leap, VIETNAM_TZ)?;
    let next_from = from_jd(start + 31);
    let next = solar_to_lunar(next_from);
    // The next month starts `day - 1` days before day 32 after this one's start.
    let next_start = start + 31 - i64::from(next.day) + 1;
    Some((next_start - start) as u32)
}

pub fn lunar_to_solar(l: LunarDate) -> Option<Date> {
    lunar_to_solar_tz(l, VIETNAM_TZ)
}

pub fn lunar_to_solar_tz(l: LunarDate, tz: f64) -> Option<Date> {
    if l.day == 0 || l.day > 30 {
        return None;
    }
    let start = month_start(l.year, l.month, l.leap, tz)?;
    let d = from_jd(start + i64::from(l.day) - 1);
    // Day 30 of a 29-day month does not exist.
    (solar_to_lunar_tz(d, tz) == l).then_some(d)
}

/// Tết (lunar 1/1) in Vietnam, falling in the Gregorian `year`.
pub fn tet(year: i32) -> Date {
    tet_tz(year, VIETNAM_TZ)
}

pub fn tet_tz(year: i32, tz: f64) -> Date {
    lunar_to_solar_tz(
        LunarDate {
            year,
            month: 1,
            day: 1,
            leap: false,
        },
        tz,
    )
    .expect("every lunar year has a first day")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn published_tet_dates_2000_to_2030() {
        let published = [
            "2000-02-05",
            "2001-01-24",
            "2002-02-12",
            "2003-02-01",
            "2004-01-22",
            "2005-02-09",
            "2006-01-29",
            "2007-02-17",
            "2008-02-07",
            "2009-01-26",
            "2010-02-14",
            "2011-02-03",
            "2012-01-23",
            "2013-02-10",
            "2014-01-31",
            "2015-02-19",
            "2016-02-08",
            "2017-01-28",
            "2018-02-16",
            "2019-02-05",
            "2020-01-25",
            "2021-02-12",
            "2022-02-01",
            "2023-01-22",
            "2024-02-10",
            "2025-01-29",
            "2026-02-17",
            "2027-02-06",
            "2028-01-26",
            "2029-02-13",
            "2030-02-02",
        ];
        for (i, p) in published.iter().enumerate() {
            assert_eq!(tet(2000 + i as i32), d(p), "Tết {}", 2000 + i);
        }
    }

    #[test]
    fn vietnam_differs_from_china() {
        for (year, vn, cn) in [
            (1985, "1985-01-21", "1985-02-20"),
            (2007, "2007-02-17", "2007-02-18"),
            (2030, "2030-02-02", "2030-02-03"),
        ] {
            assert_eq!(tet_tz(year, VIETNAM_TZ), d(vn), "{year} Vietnam");
            assert_eq!(tet_tz(year, CHINA_TZ), d(cn), "{year} China");
        }
    }

    #[test]
    fn hung_kings_day() {
        for (year, day) in [
            (2024, "2024-04-18"),
            (2025, "2025-04-07"),
            (2026, "2026-04-26"),
        ] {
            let l = LunarDate {
                year,
                month: 3,
                day: 10,
                leap: false,
            };
            assert_eq!(lunar_to_solar(l), Some(d(day)), "{year}");
        }
    }

    #[test]
    fn round_trip_1900_to_2100() {
        let mut day = d("1900-02-01");
        let end = d("2100-12-31");
        while day <= end {
            let l = solar_to_lunar(day);
            assert_eq!(lunar_to_solar(l), Some(day), "{day} -> {l:?}");
            day = day + chrono::Days::new(3);
        }
    }

    #[test]
    fn months_have_29_or_30_days_and_years_12_or_13_months() {
        for year in 1901..=2099 {
            let mut months = 0;
            for month in 1..=12 {
                for leap in [false, true] {
                    if let Some(n) = days_in_lunar_month(year, month, leap) {
                        assert!(n == 29 || n == 30, "{year}/{month}/{leap}: {n}");
                        months += 1;
                    }
                }
            }
            assert!(months == 12 || months == 13, "{year}: {months}");
        }
        // Day 30 of a short month does not exist.
        let short = (1..=12)
            .find(|m| days_in_lunar_month(2025, *m, false) == Some(29))
            .unwrap();
        assert!(lunar_to_solar(LunarDate {
            year: 2025,
            month: short,
            day: 30,
            leap: false
        })
        .is_none());
        // 2025 has a leap sixth month; 2026 has none.
        assert!(days_in_lunar_month(2025, 6, true).is_some());
        assert!((1..=12).all(|m| days_in_lunar_month(2026, m, true).is_none()));
    }
}
