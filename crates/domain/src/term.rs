//! Terms (nhiệm kỳ): a congress term such as `2020-2025` with its dates.

use crate::error::DomainError;
use crate::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A term's name: two years, the second after the first, like `2020-2025`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TermName {
    pub first_year: i32,
    pub last_year: i32,
}

impl TermName {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("term", s, "a term like 2020-2025");
        let t = s.trim();
        let (a, b) = t.split_once(['-', '–']).ok_or_else(bad)?;
        let year = |x: &str| -> Result<i32, DomainError> {
            if x.len() == 4 && x.bytes().all(|c| c.is_ascii_digit()) {
                x.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (first_year, last_year) = (year(a)?, year(b)?);
        if last_year <= first_year || last_year - first_year > 10 {
            return Err(bad());
        }
        Ok(TermName {
            first_year,
            last_year,
        })
    }
}

impl TryFrom<String> for TermName {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TermName::parse(&s)
    }
}

impl From<TermName> for String {
    fn from(t: TermName) -> String {
        t.to_string()
    }
}

impl fmt::Display for TermName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first_year, self.last_year)
    }
}

/// A term with its first and last day (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub name: TermName,
    pub starts_on: Date,
    pub ends_on: Date,
}

impl Term {
    pub fn new(name: TermName, starts_on: Date, ends_on: Date) -> Result<Self, DomainError> {
        if ends_on < starts_on {
            return Err(DomainError::invalid(
                "ends_on",
                ends_on.to_string(),
                "a date on or after the term's start",
            ));
        }
        Ok(Term {
            name,
            starts_on,
            ends_on,
        })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.starts_on <= d && d <= self.ends_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_names() {
        let t = TermName::parse("2020-2025").unwrap();
        assert_eq!((t.first_year, t.last_year), (2020, 2025));
        assert_eq!(t.to_string(), "2020-2025");
        assert_eq!(TermName::parse("2020–2025").unwrap(), t);
        for bad in [
            "2020",
            "2025-2020",
            "20-25",
            "abcd-efgh",
            "2020-2025-2030",
            "2020-2045",
        ] {
            assert!(TermName::parse(bad).is_err(), "{bad}");
        }
    }
}
