//! The stages of the candidate pipeline (DOMAIN.md §3), in order.
//!
//! The rules between stages (gates, deadlines, documents) belong to the
//! procedure profile; this is only the shared vocabulary of stage names.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Pool,
    Sympathiser,
    Course,
    Application,
    PersonalHistory,
    Verification,
    Introduction,
    Comments,
    CellVote,
    GrassrootsVote,
    Decision,
    Ceremony,
    Probation,
    Recognised,
    NotRecognised,
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 16] = [
        Stage::Pool,
        Stage::Sympathiser,
        Stage::Course,
        Stage::Application,
        Stage::PersonalHistory,
        Stage::Verification,
        Stage::Introduction,
        Stage::Comments,
        Stage::CellVote,
        Stage::GrassrootsVote,
        Stage::Decision,
        Stage::Ceremony,
        Stage::Probation,
        Stage::Recognised,
        Stage::NotRecognised,
        Stage::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Pool => "pool",
            Stage::Sympathiser => "sympathiser",
            Stage::Course => "course",
            Stage::Application => "application",
            Stage::PersonalHistory => "personal_history",
            Stage::Verification => "verification",
            Stage::Introduction => "introduction",
            Stage::Comments => "comments",
            Stage::CellVote => "cell_vote",
            Stage::GrassrootsVote => "grassroots_vote",
            Stage::Decision => "decision",
            Stage::Ceremony => "ceremony",
            Stage::Probation => "probation",
            Stage::Recognised => "recognised",
            Stage::NotRecognised => "not_recognised",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Stage::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid("stage", s, "a stage name such as pool, course, cell_vote")
            })
    }

    /// Still moving through the pipeline (not finished either way).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Stage::Recognised | Stage::NotRecognised | Stage::Withdrawn
        )
    }

    /// Admitted: the admission decision has been taken.
    pub fn is_admitted(self) -> bool {
        matches!(
            self,
            Stage::Decision
                | Stage::Ceremony
                | Stage::Probation
                | Stage::Recognised
                | Stage::NotRecognised
        )
    }
}
