//! The admission procedure as data: a profile of stages, documents, gates
//! and deadlines, each rule with its legal source, and the pure engine that
//! checks a step against a candidate's dossier and computes what is due.
//!
//! A regulation change is an edit of the profile (profiles/cpv.toml), not a
//! new release. What a gate *kind* checks is code (an age in months, a
//! share of votes); its numbers, where it applies and its source are data.
//!
//! - [`format`]: the TOML file and its validation, problems with their lines;
//! - [`model`]: the validated profile and what the program asks of it;
//! - [`engine`]: a step checked against a dossier;
//! - [`due`]: the deadlines running for a dossier.

mod due;
mod engine;
mod format;
mod gates;
mod model;
mod plausible;

pub use due::Due;
pub use engine::{
    whole_months, Dossier, Introducer, Memberships, Organisations, PartyExit, Refusal, Said, Step,
    Vote,
};
pub use format::DEFAULT_PROFILE;
pub use model::{
    exit_ground_label, Deadline, Effect, Gate, GateKind, HandoverDoc, MemberRules, PrivacyRules,
    Profile, ProfileError, ProfileErrors, Source, StageDef, Unit, EXIT_GROUNDS,
};
pub use plausible::{Level, Voters};

#[cfg(test)]
mod plausible_tests;
#[cfg(test)]
mod privacy_tests;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
