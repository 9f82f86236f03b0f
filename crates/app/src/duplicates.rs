//! Probable duplicate people: before a person is added to a pool (form,
//! API, CLI) or imported, the people already registered with the same ID
//! number, or with the same name (compared without marks, case or extra
//! spaces) and the same birth date.
//!
//! Only what the actor may see is named. A match outside the actor's part of
//! the tree is said only for an ID number ("exists outside your units"): a
//! national ID number is registered once, so the new record could not be
//! saved anyway and the user must be told why. A name and birth date outside
//! are never mentioned: they identify no one for sure, and saying "someone
//! with this name and birth date is registered elsewhere" would confirm a
//! person's party record to anyone who knows both.

use crate::{Actor, AppError};
use ranks_domain::text::fold;
use ranks_domain::Date;
use ranks_store::records::{candidates, corrections, members, units};
use ranks_store::Conn;
use serde::Serialize;

/// An existing person who is probably the one being added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub person_id: i64,
    pub full_name: String,
    pub birth_date: Date,
    /// `id_number` or `name_birth_date`.
    pub matched: String,
    /// Their newest admission file the actor may see (link to it).
    pub candidate_id: Option<i64>,
    /// Their newest membership the actor may see.
    pub member_id: Option<i64>,
    /// The units holding those records (codes).
    pub units: Vec<String>,
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub visible: Vec<Duplicate>,
    /// The ID number is held by a person outside the actor's units.
    pub id_number_outside: bool,
}

/// The message for an ID number held outside the actor's units.
pub const ID_NUMBER_OUTSIDE: &str =
    "a person with this ID number already exists outside your units; the committee above both can move the record";

/// The probable duplicates of a person about to be added.
pub(crate) async fn find(
    conn: &mut Conn,
    actor: &Actor,
    full_name: &str,
    birth_date: Date,
    id_number: Option<&str>,
) -> Result<Found, AppError> {
    let mut found = Found::default();
    if let Some(n) = id_number {
        if let Some(pid) = members::person_by_id_number(conn, n).await? {
            match describe(conn, actor, pid, "id_number").await? {
                Some(d) => found.visible.push(d),
                None => found.id_number_outside = true,
            }
        }
    }
    let key = fold(full_name);
    for (pid, name) in corrections::people_born_on(conn, birth_date).await? {
        if fold(&name) != key || found.visible.iter().any(|d| d.person_id == pid) {
            continue;
        }
        if let Some(d) = describe(conn, actor, pid, "name_birth_date").await? {
            found.visible.push(d);
        }
    }
    Ok(found)
}

/// A person as the actor may see them, or `None` outside their units.
async fn describe(
    conn: &mut Conn,
    actor: &Actor,
    pid: i64,
    matched: &str,
) -> Result<Option<Duplicate>, AppError> {
    let p = match crate::scope::person(conn, actor, pid).await {
        Ok(p) => p,
        Err(AppError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut units_held = Vec::new();
    let mut candidate_id = None;
    for c in candidates::for_person(conn, pid).await? {
        if crate::scope::candidate(conn, actor, c.id).await.is_ok() {
            candidate_id = Some(c.id);
            units_held.push(c.unit_id);
        }
    }
    let mut member_id = None;
    for m in members::for_person(conn, pid).await? {
        if crate::scope::member(conn, actor, m.id).await.is_ok() {
            member_id = Some(m.id);
            units_held.push(m.unit_id);
        }
    }
    units_held.sort_unstable();
    units_held.dedup();
    let mut codes = Vec::new();
    for u in units_held {
        if let Some(u) = units::by_id(conn, u).await? {
            codes.push(u.code.to_string());
        }
    }
    Ok(Some(Duplicate {
        person_id: p.id,
        full_name: p.full_name.clone(),
        birth_date: p.birth_date,
        matched: matched.to_string(),
        candidate_id,
        member_id,
        units: codes,
    }))
}
