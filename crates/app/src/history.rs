//! The audit history of one record, and the members a form may pick.

use crate::pipeline::{visible_candidate, visible_member};
use crate::{Actor, App, AppError};
use ranks_domain::MemberStatus;
use ranks_store::records::audit::{self, AuditEntry};
use ranks_store::records::members;
use ranks_store::records::units;
use serde::Serialize;

/// A record whose history can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Candidate,
    Member,
    Unit,
}

impl Entity {
    pub fn parse(s: &str) -> Option<Entity> {
        match s {
            "candidate" => Some(Entity::Candidate),
            "member" => Some(Entity::Member),
            "unit" => Some(Entity::Unit),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Candidate => "candidate",
            Entity::Member => "member",
            Entity::Unit => "unit",
        }
    }
}

/// A member offered in a form (mentor, introducer).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemberChoice {
    pub id: i64,
    pub full_name: String,
    pub unit: String,
}

impl App {
    /// Every audited write about one record, oldest first. The record must
    /// be inside the actor's subtree (else "not found"); a viewer, who sees
    /// no personal details, is refused.
    pub async fn history(
        &self,
        actor: &Actor,
        entity: Entity,
        id: i64,
    ) -> Result<Vec<AuditEntry>, AppError> {
        let mut conn = self.db().read().await?;
        match entity {
            Entity::Candidate => {
                visible_candidate(&mut conn, actor, id).await?;
            }
            Entity::Member => {
                visible_member(&mut conn, actor, id).await?;
            }
            Entity::Unit => {
                crate::scope::unit_by_id(&mut conn, actor, id).await?;
            }
        }
        if !crate::privacy::sees_personal(actor) {
            return Err(AppError::Forbidden(
                "the history holds personal details".into(),
            ));
        }
        Ok(audit::for_entity(&mut conn, entity.as_str(), &id.to_string()).await?)
    }

    /// Official members of the candidate's grassroots organisation (the
    /// cell's parent and everything under it) that the actor can see,
    /// by name: whom a form may offer as mentor or introducer.
    pub async fn member_choices(
        &self,
        actor: &Actor,
        candidate_id: i64,
    ) -> Result<Vec<MemberChoice>, AppError> {
        let mut conn = self.db().read().await?;
        let c = visible_candidate(&mut conn, actor, candidate_id).await?;
        let cell = units::by_id(&mut conn, c.unit_id)
            .await?
            .ok_or(AppError::NotFound {
                what: "unit",
                key: c.unit_id.to_string(),
            })?;
        // The grassroots organisation if the actor sees it, else the cell.
        let parent = match cell.parent_id {
            Some(p) => units::by_id(&mut conn, p).await?,
            None => None,
        };
        let root = match parent {
            Some(p) if actor.can_see(&p.path) => p,
            _ => cell,
        };
        let mut found: Vec<MemberChoice> = members::current_in_subtree(&mut conn, &root.path)
            .await?
            .into_iter()
            .filter(|m| m.status == MemberStatus::Official && m.person_id != c.person_id)
            .map(|m| MemberChoice {
                id: m.id,
                full_name: m.full_name,
                unit: m.unit_code.to_string(),
            })
            .collect();
        found.sort_by_cached_key(|m| ranks_domain::text::name_sort_key(&m.full_name));
        Ok(found)
    }
}

/// A member's full record, as the member page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MemberRecord {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    /// This and the other personal details are `None` for a role without
    /// them (see [`crate::privacy`]).
    pub gender: Option<String>,
    pub birth_date: Option<ranks_domain::Date>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub unit: String,
    pub unit_name: String,
    pub status: String,
    pub admitted_on: ranks_domain::Date,
    pub official_on: Option<ranks_domain::Date>,
    pub left_on: Option<ranks_domain::Date>,
    pub exempted: String,
    pub card_number: Option<String>,
    /// Where a temporary transfer has them active, and until when.
    pub host: Option<(String, ranks_domain::Date)>,
    /// The newest change's audit id (send it back with a movement).
    pub version: i64,
}

/// Whether the actor is the organising staff of the record's own unit: a
/// cell's secretary or the staff of its grassroots organisation. Anyone
/// else reading a person's full record leaves a trace (Decree 13/2023).
pub(crate) fn own_unit_staff(actor: &Actor, cell: &ranks_domain::OrgPath) -> bool {
    use crate::auth::Role;
    let crate::Scope::Subtree(root) = &actor.scope else {
        return false;
    };
    matches!(actor.role, Role::Staff | Role::Secretary)
        && (root == cell || cell.parent().as_ref() == Some(root))
}

impl App {
    /// Logs that the actor read a person's full record, unless the actor is
    /// the staff of the record's own unit.
    pub(crate) async fn log_read(
        &self,
        actor: &Actor,
        entity: &str,
        id: i64,
        cell: &ranks_domain::OrgPath,
    ) -> Result<(), AppError> {
        if own_unit_staff(actor, cell) || actor.name == "system" {
            return Ok(());
        }
        self.append_read(actor, entity, id.to_string(), None).await
    }

    /// One `read` entry in the audit log, in a write of its own.
    async fn append_read(
        &self,
        actor: &Actor,
        entity: &str,
        entity_id: String,
        after: Option<serde_json::Value>,
    ) -> Result<(), AppError> {
        let mut tx = self.db().begin_write().await?;
        audit::append(
            &mut tx,
            &AuditEntry {
                at: self.clock().stamp(),
                actor: actor.name.clone(),
                action: "read".into(),
                entity: entity.into(),
                entity_id,
                before: None,
                after,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs a bulk read of personal details (an export of members or
    /// candidates with their dates of birth): like a single read, for
    /// anyone but the staff of the exported unit itself. Nothing is logged
    /// for an actor who was shown no personal details.
    pub async fn log_bulk_read(
        &self,
        actor: &Actor,
        list: &str,
        org: Option<&str>,
        rows: usize,
    ) -> Result<(), AppError> {
        if !crate::privacy::sees_personal(actor) || actor.name == "system" {
            return Ok(());
        }
        let root = {
            let mut conn = self.db().read().await?;
            match org {
                Some(c) => crate::visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            }
        };
        if own_unit_staff(actor, &root.path) {
            return Ok(());
        }
        let after = serde_json::json!({"list": list, "unit": root.code, "rows": rows});
        self.append_read(
            actor,
            "export",
            format!("{list}:{}", root.code),
            Some(after),
        )
        .await
    }

    /// A member's full record, scoped to the actor; reading it is logged
    /// for anyone but the member's own unit staff.
    pub async fn member_record(&self, actor: &Actor, id: i64) -> Result<MemberRecord, AppError> {
        let mut conn = self.db().read().await?;
        let row = visible_member(&mut conn, actor, id).await?;
        let view = members::by_id(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound {
                what: "member",
                key: id.to_string(),
            })?;
        let unit = units::by_id(&mut conn, row.unit_id)
            .await?
            .ok_or(AppError::NotFound {
                what: "member",
                key: id.to_string(),
            })?;
        let personal = crate::privacy::sees_personal(actor);
        let (id_number, phone) = if personal {
            members::contact(&mut conn, row.person_id)
                .await?
                .unwrap_or_default()
        } else {
            (None, None)
        };
        let host = match (row.host_unit_id, row.host_until) {
            (Some(h), Some(until)) => units::by_id(&mut conn, h)
                .await?
                .map(|u| (u.code.to_string(), until)),
            _ => None,
        };
        let version = crate::pipeline::version_of(&mut conn, "member", id).await?;
        drop(conn);
        if personal {
            self.log_read(actor, "member", id, &unit.path).await?;
        }
        Ok(MemberRecord {
            id,
            person_id: row.person_id,
            full_name: view.full_name,
            gender: crate::privacy::personal(actor, view.gender),
            birth_date: crate::privacy::personal(actor, view.birth_date),
            id_number,
            phone,
            unit: unit.code.to_string(),
            unit_name: unit.name,
            status: row.status.as_str().to_string(),
            admitted_on: row.admitted_on,
            official_on: row.official_on,
            left_on: row.left_on,
            exempted: row.exempted.clone(),
            card_number: row.card_number.clone().filter(|_| personal),
            host,
            version,
        })
    }
}
