//! A candidate's whole file, and the dossier the engine judges.

use super::{version_of, visible_candidate, DueEntry};
use crate::{Actor, App, AppError};
use ranks_domain::procedure::{Dossier, Introducer, Memberships, Organisations, PartyExit};
use ranks_domain::{Date, MemberStatus};
use ranks_store::records::candidates::{self, CandidateRow};
use ranks_store::records::members::{self};
use ranks_store::records::units::{self};
use ranks_store::Conn;
use serde::Serialize;

/// Everything known about one candidate.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateFile {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    /// `None` for an actor without personal details (see [`crate::privacy`]).
    pub birth_date: Option<Date>,
    pub general_grade: Option<u8>,
    pub area: Option<String>,
    pub unit: String,
    pub unit_name: String,
    pub stage: String,
    pub stage_since: Date,
    pub member_id: Option<i64>,
    pub history: Vec<HistoryEntry>,
    pub documents: Vec<(String, Date)>,
    pub votes: Vec<VoteEntry>,
    pub introducers: Vec<IntroducerEntry>,
    pub mentors: Vec<String>,
    pub probation_mentors: Vec<String>,
    pub certificate: Option<(Date, String)>,
    pub deadlines: Vec<DueEntry>,
    /// The organisations present at the candidate's unit: (Youth Union
    /// organisation, trade union).
    pub unit_organisations: (bool, bool),
    /// The candidate's memberships: (Youth Union, trade union).
    pub memberships: (bool, bool),
    /// The newest change's audit id: send it back with a step to be told
    /// if someone else changed the file meanwhile.
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub stage: String,
    pub on: Date,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoteEntry {
    pub stage: String,
    pub on: Date,
    pub eligible: i64,
    pub present: i64,
    pub in_favour: i64,
    pub against: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntroducerEntry {
    pub kind: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub together_since: Option<Date>,
}

impl App {
    /// The whole file of a candidate.
    pub async fn candidate_file(
        &self,
        actor: &Actor,
        candidate_id: i64,
    ) -> Result<CandidateFile, AppError> {
        let cal = self.calendar().await?;
        let mut conn = self.db().read().await?;
        let c = visible_candidate(&mut conn, actor, candidate_id).await?;
        let person = members::person(&mut conn, c.person_id)
            .await?
            .ok_or(AppError::NotFound {
                what: "person",
                key: c.person_id.to_string(),
            })?;
        let unit = units::by_id(&mut conn, c.unit_id)
            .await?
            .expect("candidate's unit exists");
        let dossier = load_dossier(&mut conn, &c).await?;
        let history = candidates::history(&mut conn, c.id).await?;
        let deadlines = self
            .profile()
            .deadlines_for(&dossier, &cal, self.clock().today())
            .into_iter()
            .map(DueEntry::from)
            .collect();
        if crate::privacy::sees_personal(actor) {
            self.log_read(actor, "candidate", c.id, &unit.path).await?;
        }
        let version = version_of(&mut conn, "candidate", c.id).await?;
        Ok(CandidateFile {
            version,
            id: c.id,
            person_id: c.person_id,
            full_name: person.full_name,
            birth_date: crate::privacy::personal(actor, person.birth_date),
            general_grade: crate::privacy::personal(actor, person.general_grade),
            area: crate::privacy::personal(actor, person.area),
            unit: unit.code.to_string(),
            unit_name: unit.name,
            stage: c.stage.clone(),
            stage_since: c.stage_since,
            member_id: c.member_id,
            history: history
                .into_iter()
                .map(|(stage, on, recorded_by)| HistoryEntry {
                    stage,
                    on,
                    recorded_by,
                })
                .collect(),
            documents: candidates::documents(&mut conn, c.id)
                .await?
                .into_iter()
                .collect(),
            votes: candidates::votes(&mut conn, c.id)
                .await?
                .into_iter()
                .map(
                    |(stage, on, eligible, present, in_favour, against)| VoteEntry {
                        stage,
                        on,
                        eligible,
                        present,
                        in_favour,
                        against,
                    },
                )
                .collect(),
            introducers: candidates::introducers(&mut conn, c.id)
                .await?
                .into_iter()
                .map(|i| IntroducerEntry {
                    kind: i.kind,
                    name: i.name,
                    status: i.status,
                    together_since: i.together_since,
                })
                .collect(),
            mentors: candidates::mentors(&mut conn, c.id, false)
                .await?
                .into_iter()
                .map(|m| m.1)
                .collect(),
            probation_mentors: candidates::mentors(&mut conn, c.id, true)
                .await?
                .into_iter()
                .map(|m| m.1)
                .collect(),
            certificate: candidates::latest_certificate(&mut conn, c.id).await?,
            deadlines,
            unit_organisations: (dossier.unit_has.youth_union, dossier.unit_has.trade_union),
            memberships: (dossier.member_of.youth_union, dossier.member_of.trade_union),
        })
    }
}

/// Everything the engine needs about a candidate, from the database.
pub(crate) async fn load_dossier(conn: &mut Conn, c: &CandidateRow) -> Result<Dossier, AppError> {
    let person = members::person(conn, c.person_id)
        .await?
        .ok_or(AppError::NotFound {
            what: "person",
            key: c.person_id.to_string(),
        })?;
    let history = candidates::history(conn, c.id)
        .await?
        .into_iter()
        .map(|(s, d, _)| (s, d))
        .collect();
    let introducers = candidates::introducers(conn, c.id)
        .await?
        .into_iter()
        .map(|i| match i.kind.as_str() {
            "member" => Introducer::Member {
                name: i
                    .name
                    .unwrap_or_else(|| format!("member {}", i.member_id.unwrap_or_default())),
                official_since: if i.status.as_deref() == Some("official") {
                    i.official_on
                } else {
                    None
                },
                together_since: i.together_since.unwrap_or(Date::MAX),
            },
            "trade_union" => Introducer::TradeUnion,
            _ => Introducer::YouthUnion,
        })
        .collect();
    let (youth_union, trade_union) = units::organisations(conn, c.unit_id).await?;
    let (youth_member, union_member) = candidates::memberships(conn, c.id).await?;
    Ok(Dossier {
        birth_date: Some(person.birth_date),
        general_grade: person.general_grade,
        area: Some(person.area).filter(|a| !a.is_empty()),
        history,
        documents: candidates::documents(conn, c.id).await?,
        certificate_issued: candidates::latest_certificate(conn, c.id)
            .await?
            .map(|c| c.0),
        introducers,
        mentors: candidates::mentors(conn, c.id, false).await?.len() as u32,
        probation_mentors: candidates::mentors(conn, c.id, true).await?.len() as u32,
        left_party_on: members::left_party_on(conn, c.person_id).await?,
        unit_has: Organisations {
            youth_union,
            trade_union,
        },
        member_of: Memberships {
            youth_union: youth_member,
            trade_union: union_member,
        },
        party_exit: party_exit(conn, c.person_id).await?,
        unit_kind: units::by_id(conn, c.unit_id).await?.map(|u| u.kind),
        received: candidates::received(conn, c.id).await?,
        cell_official_members: None,
    })
}

/// How a person's latest membership ended (removed or expelled), and the
/// admission of an earlier re-admission: a membership admitted after an
/// earlier one ended so.
pub(crate) async fn party_exit(conn: &mut Conn, person_id: i64) -> Result<PartyExit, AppError> {
    let all = members::memberships(conn, person_id).await?;
    let left = |m: &&members::Membership| {
        matches!(m.status, MemberStatus::Removed | MemberStatus::Expelled) && m.left_on.is_some()
    };
    let latest = all.iter().filter(left).max_by_key(|m| m.left_on);
    let readmitted_on = all
        .iter()
        .find(|m| {
            all.iter()
                .filter(left)
                .any(|e| e.id != m.id && e.left_on.is_some_and(|l| l <= m.admitted_on))
        })
        .map(|m| m.admitted_on);
    Ok(PartyExit {
        ground: latest.and_then(|m| m.left_ground.clone()),
        record_cleared_on: latest.and_then(|m| m.record_cleared_on),
        readmitted_on,
    })
}
