//! The pure domain of Ranks.
//!
//! Owns the vocabulary every other crate speaks: unit codes and materialized
//! paths of the org tree, member statuses, candidate stages, terms, and the
//! achievement arithmetic (admitted / target, kept exact, shown rounded).
//! Nothing here touches a clock, a database or the web: dates come in as
//! parameters and values are parsed once at the boundary into types that
//! cannot be invalid.

pub mod achievement;
pub mod calendar;
pub mod error;
pub mod evaluation;
pub mod forecast;
pub mod holidays;
pub mod lunar;
pub mod member;
pub mod org;
pub mod procedure;
pub mod rng;
pub mod term;
pub mod text;
pub mod value;

pub use achievement::{AchievementRow, Percent};
pub use error::DomainError;
pub use member::MemberStatus;
pub use org::{OrgPath, UnitCode, UnitKind};
pub use term::{Term, TermName};
pub use value::{BirthDate, Gender, IdNumber, Phone};

/// Calendar dates throughout the domain are plain dates (no time zone):
/// a decision date, a vote date, a birth date.
pub type Date = chrono::NaiveDate;

/// Parses an ISO date (`YYYY-MM-DD`), naming the field on failure.
pub fn parse_date(field: &'static str, s: &str) -> Result<Date, DomainError> {
    Date::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| DomainError::Invalid {
        field,
        value: s.to_string(),
        expected: "a date as YYYY-MM-DD",
    })
}
