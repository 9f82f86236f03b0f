//! A person's validated values, each parsed once at the edge (a form, a
//! body, an import row) and carried as its type afterwards: `Gender`,
//! `IdNumber`, `Phone`, `BirthDate`. Each has `parse` and `TryFrom`, and
//! deserialises through them (`#[serde(try_from = "String")]`), so a value
//! that exists is a valid one. Both importers (the checked one and the
//! national bulk load) use these, so a value is judged the same everywhere.

use crate::error::DomainError;
use crate::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Implements the conversions every value type here shares: from text
/// through `parse`, into text for serialisation, `Display`, `as_str`.
macro_rules! text_value {
    ($t:ident) => {
        impl TryFrom<&str> for $t {
            type Error = DomainError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                $t::parse(s)
            }
        }

        impl TryFrom<String> for $t {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $t::parse(&s)
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.as_str().to_string()
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A person's gender as the registry writes it: `Nam` or `Nữ`.
///
/// Accepted: `Nam`, `nam`, `M`, `m`, `male`; `Nữ`, `nữ`, `nu`, `F`, `f`,
/// `female` (trimmed, NFC): the national loader's list, the stricter of
/// the two importers' rules, with `nu`, which docs/import.md promises.
/// (The checked importer also took any case and any form without marks,
/// `NAM`, `Nu`, `Female`; it no longer does.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "Nam" | "nam" | "M" | "m" | "male" => Ok(Gender::Male),
            "Nữ" | "nữ" | "nu" | "F" | "f" | "female" => Ok(Gender::Female),
            _ => Err(DomainError::invalid("gender", s, "Nam or Nữ")),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }
}

text_value!(Gender);

/// A national ID number: 9 digits (CMND) or 12 (CCCD), spaces inside
/// dropped (`001 203 004 567` is `001203004567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if t.bytes().all(|b| b.is_ascii_digit()) && (t.len() == 9 || t.len() == 12) {
            Ok(IdNumber(t))
        } else {
            Err(DomainError::invalid("id_number", s, "9 or 12 digits"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(IdNumber);

/// A Vietnamese phone number without its spaces, dots, dashes and
/// parentheses: 10 or 11 digits starting with 0, or +84 and 9 or 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t: String = s
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')))
            .collect();
        let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
        let ok = match t.strip_prefix("+84") {
            Some(rest) => digits(rest) && (9..=10).contains(&rest.len()),
            None => t.starts_with('0') && digits(&t) && (10..=11).contains(&t.len()),
        };
        if ok {
            Ok(Phone(t))
        } else {
            Err(DomainError::invalid(
                "phone",
                s,
                "10 digits starting with 0, or +84",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(Phone);

/// A plausible date of birth: from 1 January 1900 to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BirthDate(Date);

impl BirthDate {
    /// `day` as a date of birth on `today` (see [`crate::text::birth_date`]).
    pub fn new(day: Date, today: Date) -> Result<Self, DomainError> {
        crate::text::birth_date("birth_date", day, today).map(BirthDate)
    }

    /// A `yyyy-mm-dd` date of birth on `today`.
    pub fn parse(s: &str, today: Date) -> Result<Self, DomainError> {
        BirthDate::new(crate::parse_date("birth_date", s)?, today)
    }

    pub fn date(self) -> Date {
        self.0
    }
}

impl From<BirthDate> for Date {
    fn from(b: BirthDate) -> Date {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_once_and_say_what_they_expect() {
        assert_eq!(Gender::parse(" Nữ ").unwrap(), Gender::Female);
        assert_eq!(Gender::parse("nu").unwrap(), Gender::Female);
        assert!(Gender::parse("NAM").is_err());
        assert_eq!(Gender::try_from("m").unwrap().as_str(), "Nam");
        assert!(Gender::parse("X").is_err());
        assert_eq!(
            IdNumber::parse("001 203 004 567").unwrap().as_str(),
            "001203004567"
        );
        assert!(IdNumber::parse("12345").is_err());
        assert_eq!(Phone::parse("0912.345.678").unwrap().as_str(), "0912345678");
        assert_eq!(
            Phone::parse("+84912345678").unwrap().as_str(),
            "+84912345678"
        );
        assert!(Phone::parse("12345").is_err());
        let g: Gender = serde_json::from_str("\"Nữ\"").unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"Nữ\"");
        assert!(serde_json::from_str::<Phone>("\"12\"").is_err());
        let today = Date::from_ymd_opt(2026, 5, 1).unwrap();
        assert!(BirthDate::parse("1990-03-04", today).is_ok());
        assert!(BirthDate::parse("1899-12-31", today).is_err());
        assert!(BirthDate::parse("2026-05-02", today).is_err());
    }
}
