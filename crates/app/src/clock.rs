use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Where "now" comes from. Logic takes dates as parameters; only the edges
/// ask the clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today in Vietnam (UTC+7), the date every deadline is counted in.
    fn today(&self) -> NaiveDate {
        let vn = FixedOffset::east_opt(7 * 3600).expect("valid offset");
        self.now().with_timezone(&vn).date_naive()
    }

    /// The timestamp written into the audit log.
    fn stamp(&self) -> String {
        self.now()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for tests and reproducible runs.
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// Noon in Vietnam on the given day.
    pub fn on(day: NaiveDate) -> Self {
        FixedClock(day.and_hms_opt(5, 0, 0).expect("valid time").and_utc())
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
