//! A refused attempt as the application gives it out (the store's row
//! stays inside the application).

use ranks_domain::{Date, UnitCode};
use ranks_store::records::candidates::RefusalRow;

/// A step the procedure refused, kept for the supervisors: who, where,
/// which stage, when, and the rule with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct RefusedAttempt {
    pub candidate_id: i64,
    pub full_name: String,
    pub unit_code: UnitCode,
    pub stage: String,
    pub on: Date,
    pub rule: String,
    pub source: String,
    pub message: String,
}

impl From<RefusalRow> for RefusedAttempt {
    fn from(r: RefusalRow) -> Self {
        RefusedAttempt {
            candidate_id: r.candidate_id,
            full_name: r.full_name,
            unit_code: r.unit_code,
            stage: r.stage,
            on: r.on,
            rule: r.rule,
            source: r.source,
            message: r.message,
        }
    }
}
