//! Member statuses in the registry (DOMAIN.md §4).

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Admitted, in the 12 months of probation.
    Probationary,
    /// Recognised as an official member.
    Official,
    /// Officially transferred to a unit outside this tree.
    TransferredOut,
    /// Name struck off (xóa tên).
    Removed,
    /// Expelled (khai trừ).
    Expelled,
    Deceased,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 6] = [
        MemberStatus::Probationary,
        MemberStatus::Official,
        MemberStatus::TransferredOut,
        MemberStatus::Removed,
        MemberStatus::Expelled,
        MemberStatus::Deceased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Probationary => "probationary",
            MemberStatus::Official => "official",
            MemberStatus::TransferredOut => "transferred_out",
            MemberStatus::Removed => "removed",
            MemberStatus::Expelled => "expelled",
            MemberStatus::Deceased => "deceased",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        MemberStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    s,
                    "one of probationary, official, transferred_out, removed, expelled, deceased",
                )
            })
    }

    /// A current member's status as an import row names it:
    /// `probationary` or `dự bị`, `official` or `chính thức` (trimmed; the
    /// national loader's list, the stricter of the two importers' rules).
    /// Any other status, even a valid one, is refused: only current
    /// members are imported.
    pub fn parse_current(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "probationary" | "dự bị" => Ok(MemberStatus::Probationary),
            "official" | "chính thức" => Ok(MemberStatus::Official),
            _ => Err(DomainError::invalid(
                "status",
                s,
                "a current member's status: probationary/dự bị or official/chính thức",
            )),
        }
    }

    /// Counted in the unit's membership today.
    pub fn is_current(self) -> bool {
        matches!(self, MemberStatus::Probationary | MemberStatus::Official)
    }

    /// The statuses counted as current membership, for queries.
    pub fn current() -> [MemberStatus; 2] {
        [MemberStatus::Probationary, MemberStatus::Official]
    }
}

impl TryFrom<&str> for MemberStatus {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        MemberStatus::parse(s)
    }
}

/// A new person's details as a form, the API or an importer gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub full_name: String,
    pub gender: String,
    pub birth_date: crate::Date,
    pub ethnicity: String,
    pub education: String,
    pub occupation: String,
}
