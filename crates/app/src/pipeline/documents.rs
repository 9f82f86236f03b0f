//! What a file collects on the way: documents, the course certificate,
//! mentors and introducers.

use super::{visible_candidate, visible_member};
use crate::{Actor, App, AppError};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus};
use ranks_store::records::candidates::{self};
use serde_json::json;

/// The stage whose document is the course certificate (the stage with a
/// `certificate_valid` gate's certificate: the Party-awareness course).
const CERTIFICATE_STAGE: &str = "course";

impl App {
    /// Records that a document of the dossier is present.
    pub async fn record_document(
        &self,
        actor: &Actor,
        candidate_id: i64,
        code: &str,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let profile = self.profile().clone();
        let code = bounded("document", code, limits::SHORT)?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let Some(code) = profile
                    .documents
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(&code))
                    .cloned()
                else {
                    return Err(DomainError::invalid(
                        "document",
                        code,
                        "a form code listed in the profile's [documents]",
                    )
                    .into());
                };
                if candidates::documents(cx.tx.conn(), c.id)
                    .await?
                    .contains_key(&code)
                {
                    return Err(AppError::Conflict(format!(
                        "document {code} is already recorded for candidate {}",
                        c.id
                    )));
                }
                // Papers the texts place after a stage (the probation
                // papers) are refused before their earliest date.
                let dossier = super::load_dossier(cx.tx.conn(), &c).await?;
                profile
                    .check_document_date(&dossier, &code, on)
                    .map_err(super::step_error)?;
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                candidates::add_document(cx.tx.conn(), c.id, &code, on, &by, &at).await?;
                cx.audit(
                    "document",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"code": code, "on": on})),
                )
                .await
            })
        })
        .await
    }

    /// Records the day the candidate's unit received the decision of `stage`
    /// (the admission ceremony's 30 working days count from it). Only for a
    /// stage some deadline counts from the receipt of; not before the stage's
    /// own date, not in the future.
    pub async fn record_receipt(
        &self,
        actor: &Actor,
        candidate_id: i64,
        stage: &str,
        on: Date,
    ) -> Result<(), AppError> {
        let on = self.check_date("received_on", on)?;
        let profile = self.profile().clone();
        let stage = bounded("stage", stage, limits::SHORT)?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                if !profile
                    .deadlines
                    .iter()
                    .any(|d| d.from_receipt && d.from == stage)
                {
                    return Err(DomainError::invalid(
                        "stage",
                        stage,
                        "a stage whose decision's receipt starts a deadline (decision)",
                    )
                    .into());
                }
                let history = candidates::history(cx.tx.conn(), c.id).await?;
                let Some(at) = history.iter().rposition(|h| h.0 == stage) else {
                    return Err(DomainError::invalid(
                        "stage",
                        stage,
                        "a stage the candidate has entered",
                    )
                    .into());
                };
                // A later step relied on the decision being in hand (the
                // ceremony): the receipt is not moved past it.
                if let Some(later) = history[at + 1..].iter().find(|h| h.1 < on) {
                    return Err(super::corrections::receipt_relied_on(
                        &profile, &later.0, later.1,
                    ));
                }
                let Some(entered) = history.iter().rev().find(|h| h.0 == stage).map(|h| h.1) else {
                    return Err(DomainError::invalid(
                        "stage",
                        stage,
                        "a stage the candidate has entered",
                    )
                    .into());
                };
                if on < entered {
                    return Err(DomainError::invalid(
                        "received_on",
                        on.to_string(),
                        "a day on or after the decision",
                    )
                    .into());
                }
                candidates::set_received(cx.tx.conn(), c.id, &stage, on).await?;
                cx.audit(
                    "receipt",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"stage": stage, "received_on": on})),
                )
                .await
            })
        })
        .await
    }

    /// Records the Party-awareness course certificate.
    pub async fn record_certificate(
        &self,
        actor: &Actor,
        candidate_id: i64,
        issued_on: Date,
        number: &str,
    ) -> Result<(), AppError> {
        let issued_on = self.check_date("issued", issued_on)?;
        let number = bounded("number", number, limits::SHORT)?;
        let profile = self.profile().clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                if candidates::latest_certificate(cx.tx.conn(), c.id).await?.is_some_and(|(d, n)| d == issued_on && n == number) {
                    return Err(AppError::Conflict(format!(
                        "certificate {number} of {issued_on} is already recorded for candidate {}; nothing was saved",
                        c.id
                    )));
                }
                candidates::add_certificate(cx.tx.conn(), c.id, issued_on, &number).await?;
                // The certificate is the course's document (CN-NTVĐ): it is
                // ticked with it, on the day of issue, unless already there.
                let ticked = match profile.stage(CERTIFICATE_STAGE).and_then(|s| s.documents.first()) {
                    Some(code) if !candidates::documents(cx.tx.conn(), c.id).await?.contains_key(code) => {
                        let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                        candidates::add_document(cx.tx.conn(), c.id, code, issued_on, &by, &at).await?;
                        Some(code.clone())
                    }
                    _ => None,
                };
                cx.audit(
                    "certificate",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"issued_on": issued_on, "number": number, "document": ticked})),
                )
                .await
            })
        })
        .await
    }

    /// Assigns an official member as mentor (before admission) or probation mentor.
    pub async fn assign_mentor(
        &self,
        actor: &Actor,
        candidate_id: i64,
        member_id: i64,
        probation: bool,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let m = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                if m.status != MemberStatus::Official {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} is {}; mentors are official members",
                        m.status.as_str()
                    )));
                }
                let taken = candidates::mentors(cx.tx.conn(), c.id, probation).await?;
                if taken.iter().any(|t| t.0 == member_id) {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} already mentors candidate {}",
                        c.id
                    )));
                }
                candidates::assign_mentor(cx.tx.conn(), c.id, member_id, on, probation).await?;
                cx.audit(
                    "mentor",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"member_id": member_id, "probation": probation, "on": on})),
                )
                .await
            })
        })
        .await
    }

    /// Records an introducer: a member with the date they began working with
    /// the candidate, or (member `None`) the Youth Union's resolution, whose
    /// form (4-KNĐ) is recorded with it on the same day unless it already is.
    pub async fn add_introducer(
        &self,
        actor: &Actor,
        candidate_id: i64,
        member: Option<(i64, Date)>,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let profile = self.profile().clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let already = candidates::introducers(cx.tx.conn(), c.id).await?;
                let twice = match member {
                    Some((member_id, _)) => already.iter().any(|i| i.member_id == Some(member_id)),
                    None => already.iter().any(|i| i.member_id.is_none() && i.kind == "youth_union"),
                };
                if twice {
                    return Err(AppError::Conflict(format!(
                        "this introducer is already recorded for candidate {}; nothing was saved",
                        c.id
                    )));
                }
                match member {
                    Some((member_id, since)) => {
                        let m = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                        if m.person_id == c.person_id {
                            return Err(AppError::Conflict("a candidate cannot introduce themself".into()));
                        }
                        if since > on {
                            return Err(DomainError::invalid("since", since.to_string(), "a date on or before the introduction").into());
                        }
                        candidates::add_introducer(cx.tx.conn(), c.id, Some(member_id), "member", Some(since), on).await?;
                    }
                    None => {
                        let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                        super::routes::record_resolution(cx.tx.conn(), &profile, c.id, super::Resolution::YouthUnion, on, &by, &at).await?;
                    }
                }
                cx.audit(
                    "introducer",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"member": member.map(|m| m.0), "together_since": member.map(|m| m.1), "on": on})),
                )
                .await
            })
        })
        .await
    }
}
