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
                let not_found = || AppError::NotFound {
                    what: "unit",
                    key: id.to_string(),
                };
                let u = units::by_id(&mut conn, id).await?.ok_or_else(not_found)?;
                if !actor.can_see(&u.path) {
                    return Err(not_found());
                }
            }
        }
        if !actor.role.personal_details() {
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
        found.sort_by_key(|m| ranks_domain::text::name_sort_key(&m.full_name));
        Ok(found)
    }
}
