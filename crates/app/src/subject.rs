//! The data subject's rights under Decree 13/2023/NĐ-CP (and the Law on
//! Personal Data Protection 91/2025/QH15): a person's data in one export
//! with the audit of who read and changed it; their consent to processing,
//! given and withdrawn; and the erasure of the personal data of people never
//! admitted, by the profile's retention rule or on request. The audit chain
//! survives an erasure (`ranks_store::records::redaction`): it records that
//! and when, not the erased values. docs/privacy.md.

use crate::pipeline::visible_candidate;
use crate::{Actor, App, AppError, Scope};
use ranks_domain::procedure::Effect;
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError};
use ranks_store::records::redaction::{self, Subject};
use ranks_store::records::subject as rec;
use serde::Serialize;
use serde_json::{json, Value};

/// Everything Ranks holds about one person that the reader may see.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectExport {
    pub person_id: i64,
    pub generated_at: String,
    pub generated_by: String,
    /// The person's row: name and every personal detail.
    pub person: Value,
    /// When and on what ground the personal data was erased, if it was.
    pub erased: Option<Erased>,
    /// Each candidate file (in the reader's part of the tree) with its
    /// stages, documents, votes, introducers and mentors (as member ids),
    /// certificates, refusals and corrections.
    pub candidate_files: Vec<Value>,
    /// Each membership (in the reader's part of the tree) with its history.
    pub memberships: Vec<Value>,
    pub consents: Vec<ConsentView>,
    /// Every audit entry about the person's records: who read, changed or
    /// exported them, when, the values before and after.
    pub audit: Vec<AuditLine>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Erased {
    pub at: String,
    pub ground: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConsentView {
    pub id: i64,
    pub purpose: String,
    pub given_on: Date,
    pub recorded_by: String,
    pub recorded_at: String,
    pub withdrawn_on: Option<Date>,
    pub withdrawal_reason: Option<String>,
    pub withdrawn_by: Option<String>,
}

impl From<rec::Consent> for ConsentView {
    fn from(c: rec::Consent) -> Self {
        ConsentView {
            id: c.id,
            purpose: c.purpose,
            given_on: c.given_on,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
            withdrawn_on: c.withdrawn_on,
            withdrawal_reason: c.withdrawal_reason,
            withdrawn_by: c.withdrawn_by,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// What a retention run found and did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RetentionRun {
    pub today: Date,
    pub months: u32,
    /// Files closed on or before this day are due.
    pub cutoff: Date,
    pub dry_run: bool,
    /// The people due, with the day their last file closed.
    pub due: Vec<Due>,
    /// The people erased by this run (none for a dry run).
    pub erased: Vec<ErasedPerson>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Due {
    pub person_id: i64,
    pub closed_on: Date,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErasedPerson {
    pub person_id: i64,
    /// Audit entries whose personal values were erased.
    pub entries_redacted: usize,
}

/// Grounds of an erasure (kept in `erasures.ground` and the audit entry).
pub const GROUND_RETENTION: &str = "retention";
pub const GROUND_REQUEST: &str = "request";

impl App {
    /// The retention rule of the profile, or a conflict naming its absence.
    fn privacy_rules(&self) -> Result<&ranks_domain::procedure::PrivacyRules, AppError> {
        self.profile().privacy.as_ref().ok_or_else(|| {
            AppError::Conflict(
                "the procedure profile has no [privacy] section (retention and consent)".into(),
            )
        })
    }

    /// The exits that close a file without admission.
    fn closing_exits(&self) -> Vec<String> {
        self.profile()
            .exits
            .iter()
            .filter(|e| e.effect == Some(Effect::Withdraw))
            .map(|e| e.key.clone())
            .collect()
    }

    /// Everything Ranks holds about one person, as the reader may see it,
    /// with the audit of who read and changed it. Only for a reader who
    /// sees personal details and whose part of the tree holds the person
    /// (else "not found"); the export itself is audited (`export` of the
    /// person), for everyone.
    pub async fn subject_export(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> Result<SubjectExport, AppError> {
        let mut conn = self.db().read().await?;
        crate::scope::person(&mut conn, actor, person_id).await?;
        if !crate::privacy::sees_personal(actor) {
            return Err(AppError::Forbidden(
                "the export holds personal details".into(),
            ));
        }
        let person = rec::person(&mut conn, person_id)
            .await?
            .ok_or(AppError::NotFound {
                what: "person",
                key: person_id.to_string(),
            })?;
        let files: Vec<_> = rec::files(&mut conn, person_id)
            .await?
            .into_iter()
            .filter(|f| actor.can_see(&f.path))
            .collect();
        let memberships: Vec<_> = rec::memberships(&mut conn, person_id)
            .await?
            .into_iter()
            .filter(|m| actor.can_see(&m.path))
            .collect();
        let consents = rec::consents(&mut conn, person_id).await?;
        let records = [
            ("person", vec![person_id]),
            ("candidate", files.iter().map(|f| f.id).collect()),
            ("member", memberships.iter().map(|m| m.id).collect()),
            ("consent", consents.iter().map(|c| c.id).collect()),
        ];
        let entries = rec::entries(&mut conn, &records).await?;
        let erased = rec::erasure(&mut conn, person_id)
            .await?
            .map(|(at, ground)| Erased { at, ground });
        drop(conn);
        let at = self.clock().stamp();
        let mut tx = self.write().await?;
        ranks_store::records::audit::append(
            &mut tx,
            &ranks_store::records::audit::AuditEntry {
                at: at.clone(),
                actor: actor.name.clone(),
                action: "export".into(),
                entity: "person".into(),
                entity_id: person_id.to_string(),
                before: None,
                after: Some(json!({
                    "export": "subject",
                    "candidate_files": files.len(),
                    "memberships": memberships.len(),
                    "entries": entries.len(),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SubjectExport {
            person_id,
            generated_at: at,
            generated_by: actor.name.clone(),
            person,
            erased,
            candidate_files: files.into_iter().map(|f| f.body).collect(),
            memberships: memberships.into_iter().map(|m| m.body).collect(),
            consents: consents.into_iter().map(ConsentView::from).collect(),
            audit: entries
                .into_iter()
                .map(|e| AuditLine {
                    id: e.id,
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                    entity: e.entity,
                    entity_id: e.entity_id,
                    before: e.before,
                    after: e.after,
                })
                .collect(),
        })
    }

    /// Records a candidate's consent to the processing of their personal
    /// data for the profile's purpose (Decree 13/2023 Điều 11), given on
    /// `on` (default today). Refused while a consent for that purpose
    /// stands.
    pub async fn give_consent(
        &self,
        actor: &Actor,
        candidate_id: i64,
        on: Option<Date>,
    ) -> Result<i64, AppError> {
        let purpose = self.privacy_rules()?.consent_purpose.clone();
        let on = self.check_consent_date(on)?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let standing = rec::consents(cx.tx.conn(), c.person_id)
                    .await?
                    .into_iter()
                    .find(|x| x.purpose == purpose && x.withdrawn_on.is_none());
                if let Some(x) = standing {
                    return Err(AppError::Conflict(format!(
                        "person {} already consented to this purpose on {} (consent {})",
                        c.person_id, x.given_on, x.id
                    )));
                }
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                let id =
                    rec::give_consent(cx.tx.conn(), c.person_id, &purpose, on, &by, &at).await?;
                cx.audit(
                    "give",
                    "consent",
                    id,
                    None,
                    Some(json!({"person_id": c.person_id, "candidate_id": candidate_id, "purpose": purpose, "given_on": on})),
                )
                .await?;
                Ok(id)
            })
        })
        .await
    }

    /// Records the withdrawal of a consent (Decree 13/2023 Điều 12): on
    /// `on` (default today, not before it was given), with the reason as
    /// the person gave it (may be empty). What was processed before stays
    /// lawful; erasure is a separate request ([`App::erase_person`]).
    pub async fn withdraw_consent(
        &self,
        actor: &Actor,
        consent_id: i64,
        on: Option<Date>,
        reason: &str,
    ) -> Result<(), AppError> {
        let on = self.check_consent_date(on)?;
        let reason = bounded("reason", reason, limits::LINE)?;
        self.run(actor, move |cx| {
            Box::pin(async move {
                let not_found = || AppError::NotFound {
                    what: "consent",
                    key: consent_id.to_string(),
                };
                let c = rec::consent_by_id(cx.tx.conn(), consent_id)
                    .await?
                    .ok_or_else(not_found)?;
                crate::scope::person(cx.tx.conn(), cx.actor, c.person_id)
                    .await
                    .map_err(|_| not_found())?;
                if let Some(w) = c.withdrawn_on {
                    return Err(AppError::Conflict(format!(
                        "consent {consent_id} was already withdrawn on {w}"
                    )));
                }
                if on < c.given_on {
                    return Err(DomainError::invalid(
                        "date",
                        on.to_string(),
                        "a day on or after the consent was given",
                    )
                    .into());
                }
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                rec::withdraw_consent(cx.tx.conn(), consent_id, on, &reason, &by, &at).await?;
                cx.audit(
                    "withdraw",
                    "consent",
                    consent_id,
                    Some(json!({"withdrawn_on": null})),
                    Some(json!({"person_id": c.person_id, "withdrawn_on": on, "reason": reason})),
                )
                .await
            })
        })
        .await
    }

    /// A person's consents, for a reader whose part of the tree holds them
    /// and who sees personal details.
    pub async fn consents(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> Result<Vec<ConsentView>, AppError> {
        let mut conn = self.db().read().await?;
        crate::scope::person(&mut conn, actor, person_id).await?;
        if !crate::privacy::sees_personal(actor) {
            return Err(AppError::Forbidden(
                "consents and their reasons are personal details".into(),
            ));
        }
        Ok(rec::consents(&mut conn, person_id)
            .await?
            .into_iter()
            .map(ConsentView::from)
            .collect())
    }

    fn check_consent_date(&self, on: Option<Date>) -> Result<Date, AppError> {
        self.check_date("date", on.unwrap_or(self.clock().today()))
    }

    /// The retention rule (profile `[privacy]`): the people never admitted
    /// whose files all closed (withdrawn) at least `never_admitted_months`
    /// ago have their personal data erased, each in one transaction; with
    /// `dry_run` only listed. Only for an administrator over the whole tree
    /// (the server's schedule and `ranks privacy retention` run as the
    /// system).
    pub async fn retention(&self, actor: &Actor, dry_run: bool) -> Result<RetentionRun, AppError> {
        if actor.scope != Scope::All || actor.role != crate::auth::Role::Admin {
            return Err(AppError::Forbidden(
                "the retention rule is run by an administrator over the whole tree".into(),
            ));
        }
        let months = self.privacy_rules()?.never_admitted_months;
        let today = self.clock().today();
        let cutoff = today
            .checked_sub_months(chrono::Months::new(months))
            .unwrap_or(Date::MIN);
        let due = {
            let mut conn = self.db().read().await?;
            rec::erasable(&mut conn, &self.closing_exits(), cutoff, None).await?
        };
        let mut erased = Vec::new();
        if !dry_run {
            for d in &due {
                if let Some(n) = self
                    .erase(actor, d.person_id, cutoff, GROUND_RETENTION)
                    .await?
                {
                    erased.push(ErasedPerson {
                        person_id: d.person_id,
                        entries_redacted: n,
                    });
                }
            }
            if !erased.is_empty() {
                self.truncate_log().await;
            }
        }
        Ok(RetentionRun {
            today,
            months,
            cutoff,
            dry_run,
            due: due
                .into_iter()
                .map(|d| Due {
                    person_id: d.person_id,
                    closed_on: d.closed_on,
                })
                .collect(),
            erased,
        })
    }

    /// Erases a person's personal data on their request (Decree 13/2023
    /// Điều 16): only someone never admitted, whose files are all closed;
    /// by an administrator whose part of the tree holds them. The number of
    /// audit entries whose personal values were erased.
    pub async fn erase_person(&self, actor: &Actor, person_id: i64) -> Result<usize, AppError> {
        if actor.role != crate::auth::Role::Admin {
            return Err(AppError::Forbidden(
                "personal data is erased by an administrator".into(),
            ));
        }
        {
            let mut conn = self.db().read().await?;
            crate::scope::person(&mut conn, actor, person_id).await?;
        }
        let n = self
            .erase(actor, person_id, self.clock().today(), GROUND_REQUEST)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(format!(
                    "person {person_id} cannot be erased: only someone never admitted whose files are all closed (withdrawn), and not erased before"
                ))
            })?;
        self.truncate_log().await;
        Ok(n)
    }

    /// After an erasure on SQLite: the write-ahead log copied into the
    /// database and emptied, so the page images from before the erasure
    /// leave the log file (best effort: a reader may keep it busy; the next
    /// checkpoint then overwrites them).
    async fn truncate_log(&self) {
        let done = match self.db().read().await {
            Ok(mut conn) => rec::truncate_log(&mut conn).await,
            Err(e) => Err(e),
        };
        match done {
            Ok(true) => {}
            Ok(false) => tracing::info!(
                "after an erasure the write-ahead log was busy; SQLite checkpoints it later"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "after an erasure the write-ahead log was not truncated")
            }
        }
    }

    /// One erasure in one transaction: re-checked inside it (never
    /// admitted, every file closed by `cutoff`, not erased yet); the rows
    /// erased, every audit entry about the person redacted, the erasure
    /// recorded and audited (the `erase` entry, whose after-image is the
    /// person as they now stand and the MACs of the redacted entries).
    /// `None` when the person is no longer erasable.
    async fn erase(
        &self,
        actor: &Actor,
        person_id: i64,
        cutoff: Date,
        ground: &'static str,
    ) -> Result<Option<usize>, AppError> {
        let exits = self.closing_exits();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let conn = cx.tx.conn();
                if rec::erasable(conn, &exits, cutoff, Some(person_id))
                    .await?
                    .is_empty()
                {
                    return Ok(None);
                }
                let candidate_ids: Vec<i64> =
                    ranks_store::records::candidates::for_person(conn, person_id)
                        .await?
                        .into_iter()
                        .map(|c| c.id)
                        .collect();
                let consent_ids: Vec<i64> = rec::consents(conn, person_id)
                    .await?
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
                let needles = rec::needles(conn, person_id).await?;
                let mut after = rec::erase_rows(conn, person_id, &needles).await?;
                let subject = Subject {
                    person_id,
                    candidate_ids,
                    consent_ids,
                    needles,
                };
                let redacted = redaction::redact(cx.tx, &subject).await?;
                let n = redacted.len();
                let (at, by) = (cx.at.clone(), cx.actor.name.clone());
                rec::record_erasure(cx.tx.conn(), person_id, ground, &at, &by, n as i64).await?;
                after["ground"] = json!(ground);
                after["redacted"] = json!(redacted
                    .iter()
                    .map(|(id, mac)| json!([id, mac]))
                    .collect::<Vec<_>>());
                cx.audit("erase", "person", person_id, None, Some(after))
                    .await?;
                rec::secure_delete(cx.tx.conn(), false).await?;
                Ok(Some(n))
            })
        })
        .await
    }
}
