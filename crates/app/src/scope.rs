//! Records as an actor may see them.
//!
//! Every id or code a request names (in its path or its body: a unit, a
//! candidate, a member, a person, a mentor, an introducer, a leader) is
//! resolved here, through the actor's scope, into a [`Visible`] handle. The
//! write operations of [`crate::ops`] and the use cases take such handles,
//! never bare ids, and a `Visible` can only be made by the resolvers of this
//! module: a new route cannot reach a record without passing the check.
//!
//! A record outside the scope is answered exactly like one that does not
//! exist (the same [`AppError::NotFound`], same words), so a request cannot
//! tell the two apart.

use crate::auth::Role;
use crate::{Actor, AppError, Scope};
use ranks_domain::{OrgPath, UnitCode};
use ranks_store::records::candidates::{self, CandidateRow};
use ranks_store::records::members::{self, MemberRow, PersonRow};
use ranks_store::records::units::{self, UnitRow};
use ranks_store::Conn;
use std::ops::Deref;

/// A record that the actor resolving it may see. Made only by this module's
/// resolvers; read it through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct Visible<T> {
    row: T,
}

impl<T> Visible<T> {
    /// A record this module has just checked.
    fn checked(row: T) -> Self {
        Visible { row }
    }

    pub fn into_inner(self) -> T {
        self.row
    }
}

impl<T> Deref for Visible<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.row
    }
}

fn unknown(what: &'static str, key: impl ToString) -> AppError {
    AppError::NotFound {
        what,
        key: key.to_string(),
    }
}

/// A unit by its code (the form a user types), trimmed.
pub(crate) async fn unit(
    conn: &mut Conn,
    actor: &Actor,
    code: &str,
) -> Result<Visible<UnitRow>, AppError> {
    let not_found = || unknown("unit", code.trim());
    let parsed = UnitCode::parse(code).map_err(|_| not_found())?;
    match units::by_code(conn, &parsed).await? {
        Some(u) if actor.can_see(&u.path) => Ok(Visible::checked(u)),
        _ => Err(not_found()),
    }
}

/// A unit by its code, read from the roll-up index (as of the version at
/// hand) instead of the database: the same answer and the same refusal
/// as [`unit`], with the unit's position in the index.
pub(crate) fn unit_in(
    ix: &crate::index::TreeIndex,
    actor: &Actor,
    code: &str,
) -> Result<(usize, Visible<UnitRow>), AppError> {
    let not_found = || unknown("unit", code.trim());
    let parsed = UnitCode::parse(code).map_err(|_| not_found())?;
    let pos = ix.position(parsed.as_str()).ok_or_else(not_found)?;
    let u = ix.unit_row(pos)?;
    if actor.can_see(&u.path) {
        Ok((pos, Visible::checked(u)))
    } else {
        Err(not_found())
    }
}

/// A unit by its id (a row's reference to it).
pub(crate) async fn unit_by_id(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
) -> Result<Visible<UnitRow>, AppError> {
    match units::by_id(conn, id).await? {
        Some(u) if actor.can_see(&u.path) => Ok(Visible::checked(u)),
        _ => Err(unknown("unit", id)),
    }
}

/// A unit the actor created or reached inside a checked write (its parent
/// was visible, so it is too).
pub(crate) fn created_unit(actor: &Actor, u: UnitRow) -> Result<Visible<UnitRow>, AppError> {
    if actor.can_see(&u.path) {
        Ok(Visible::checked(u))
    } else {
        Err(unknown("unit", u.code))
    }
}

/// A record held by a unit: visible when that unit is.
async fn held_in_scope<T>(
    conn: &mut Conn,
    actor: &Actor,
    row: Option<T>,
    unit_of: impl Fn(&T) -> i64,
    not_found: impl Fn() -> AppError,
) -> Result<Visible<T>, AppError> {
    let row = row.ok_or_else(&not_found)?;
    match units::by_id(conn, unit_of(&row)).await? {
        Some(u) if actor.can_see(&u.path) => Ok(Visible::checked(row)),
        _ => Err(not_found()),
    }
}

/// A candidate's file, with the unit that holds it.
pub(crate) async fn candidate(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
) -> Result<Visible<CandidateRow>, AppError> {
    let c = candidates::by_id(conn, id).await?;
    held_in_scope(conn, actor, c, |c| c.unit_id, || unknown("candidate", id)).await
}

/// A member of the registry (a mentor, an introducer, a leader, a supervisor
/// are members too, and are resolved here).
pub(crate) async fn member(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
) -> Result<Visible<MemberRow>, AppError> {
    let m = members::row(conn, id).await?;
    held_in_scope(conn, actor, m, |m| m.unit_id, || unknown("member", id)).await
}

/// Whether any of the paths lies in the actor's scope.
fn sees_any(actor: &Actor, paths: &[OrgPath]) -> bool {
    paths.iter().any(|p| actor.can_see(p))
}

/// A person: someone with a member row or a candidate file (current or
/// past) in a unit the actor may see. A person held nowhere is seen only by
/// an actor over the whole tree.
pub(crate) async fn person(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
) -> Result<Visible<PersonRow>, AppError> {
    let not_found = || unknown("person", id);
    let p = members::person(conn, id).await?.ok_or_else(not_found)?;
    let paths = members::person_unit_paths(conn, id).await?;
    let seen = match &actor.scope {
        crate::Scope::All => true,
        _ => sees_any(actor, &paths),
    };
    if !seen {
        return Err(not_found());
    }
    Ok(Visible::checked(p))
}

/// A person the actor has just created in this write.
pub(crate) async fn created_person(
    conn: &mut Conn,
    id: i64,
) -> Result<Visible<PersonRow>, AppError> {
    let p = members::person(conn, id)
        .await?
        .ok_or_else(|| unknown("person", id))?;
    Ok(Visible::checked(p))
}

/// The body an actor records for: an administrator (or the system) for
/// any; a cell secretary for their cell; organising staff for the level of
/// the unit at the root of their part of the tree (a cell, a grassroots
/// organisation, or a committee above the grassroots).
pub(crate) async fn recording_level(
    conn: &mut Conn,
    actor: &Actor,
) -> Result<ranks_domain::procedure::Level, AppError> {
    use ranks_domain::procedure::Level;
    match (actor.role, &actor.scope) {
        (Role::Admin, _) | (_, Scope::All) => Ok(Level::Superior),
        (Role::Secretary, _) => Ok(Level::Cell),
        (_, Scope::Subtree(p)) => level_of(conn, p).await,
        (_, Scope::Units(ps)) => {
            let mut best = Level::Cell;
            for p in ps {
                best = best.max(level_of(conn, p).await?);
            }
            Ok(best)
        }
    }
}

async fn level_of(
    conn: &mut Conn,
    path: &ranks_domain::OrgPath,
) -> Result<ranks_domain::procedure::Level, AppError> {
    use ranks_domain::procedure::Level;
    use ranks_domain::UnitKind;
    let Some(id) = path.ids().last().copied() else {
        return Ok(Level::Superior);
    };
    Ok(match units::by_id(conn, id).await?.map(|u| u.kind) {
        Some(UnitKind::Cell) => Level::Cell,
        Some(UnitKind::GrassrootsCell | UnitKind::GrassrootsCommittee) => Level::Grassroots,
        _ => Level::Superior,
    })
}

/// The ends of a transfer file an actor stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ends {
    /// The actor sees the sending unit.
    pub sender: bool,
    /// The actor sees the receiving unit.
    pub receiver: bool,
}

/// A transfer file: visible to whoever sees its sending unit or its
/// receiving unit (and to nobody else, answered as not found).
pub(crate) async fn transfer(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
) -> Result<(Visible<ranks_store::records::transfers::TransferRow>, Ends), AppError> {
    let not_found = || unknown("transfer", id);
    let t = ranks_store::records::transfers::by_id(conn, id)
        .await?
        .ok_or_else(not_found)?;
    let sender = sees_unit(conn, actor, t.from_unit_id).await?;
    let receiver = sees_unit(conn, actor, t.to_unit_id).await?;
    if !sender && !receiver {
        return Err(not_found());
    }
    Ok((Visible::checked(t), Ends { sender, receiver }))
}

/// The receiving cell of a transfer, named by its code among all cells:
/// a transfer leaves the sender's subtree by its nature, and a cell's code
/// and name are the tree's structure, not anyone's personal data.
pub(crate) async fn transfer_destination(conn: &mut Conn, code: &str) -> Result<UnitRow, AppError> {
    let not_found = || unknown("unit", code.trim());
    let parsed = UnitCode::parse(code).map_err(|_| not_found())?;
    units::by_code(conn, &parsed).await?.ok_or_else(not_found)
}

async fn sees_unit(conn: &mut Conn, actor: &Actor, unit: Option<i64>) -> Result<bool, AppError> {
    Ok(match unit {
        Some(u) => units::by_id(conn, u)
            .await?
            .is_some_and(|u| actor.can_see(&u.path)),
        None => false,
    })
}
