//! The one redaction rule. Who may see a person's personal details (date
//! of birth, gender, ID number, phone, schooling, home area, party card
//! number) is decided here and nowhere else: the use cases hand out people
//! with these fields already `None` for an actor who may not see them, so
//! pages, the API, exports, PDFs and searches all show the same thing and a
//! new representation cannot forget the rule.
//!
//! Names, units, statuses, stages and the dates of admission are not
//! personal details in this sense: a viewer (a committee member reading the
//! figures) sees who is in the pipeline, not their dossier.

use crate::Actor;
use ranks_domain::{Date, MemberStatus, UnitCode};
use ranks_store::records::candidates::CandidateView;
use ranks_store::records::members::MemberView;
use serde::Serialize;

/// The field names that carry personal details in any output (JSON keys,
/// export columns). Tests check that none of them has a value for a viewer.
pub const PERSONAL_FIELDS: &[&str] = &[
    "birth_date",
    "gender",
    "id_number",
    "phone",
    "general_grade",
    "area",
    "card_number",
    "ethnicity",
    "education",
    "occupation",
];

/// Whether the actor sees personal details.
pub fn sees_personal(actor: &Actor) -> bool {
    actor.role.personal_details()
}

/// The value, if the actor may see personal details.
pub fn personal<T>(actor: &Actor, value: T) -> Option<T> {
    sees_personal(actor).then_some(value)
}

/// A member in a list (a unit page, a search, an export).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberEntry {
    pub id: i64,
    pub full_name: String,
    /// `None` (and left out of JSON) for an actor without personal details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    #[serde(rename = "unit")]
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub status: MemberStatus,
    pub admitted_on: Date,
    pub official_on: Option<Date>,
}

impl MemberEntry {
    pub(crate) fn shown_to(actor: &Actor, m: MemberView) -> Self {
        MemberEntry {
            id: m.id,
            full_name: m.full_name,
            gender: personal(actor, m.gender),
            birth_date: personal(actor, m.birth_date),
            unit_code: m.unit_code,
            unit_name: m.unit_name,
            status: m.status,
            admitted_on: m.admitted_on,
            official_on: m.official_on,
        }
    }
}

/// A candidate in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateEntry {
    pub id: i64,
    pub full_name: String,
    /// `None` (and left out of JSON) for an actor without personal details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    #[serde(rename = "unit")]
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub stage: String,
    pub stage_since: Date,
    pub movement: Option<String>,
    pub mentors: Vec<String>,
}

impl CandidateEntry {
    pub(crate) fn shown_to(actor: &Actor, c: CandidateView) -> Self {
        CandidateEntry {
            id: c.id,
            full_name: c.full_name,
            birth_date: personal(actor, c.birth_date),
            unit_code: c.unit_code,
            unit_name: c.unit_name,
            stage: c.stage,
            stage_since: c.stage_since,
            movement: c.movement,
            mentors: c.mentors,
        }
    }
}
