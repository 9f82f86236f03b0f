//! Write operations. Each function here does one change inside a caller's
//! transaction and appends its audit entry; the `App` methods at the bottom
//! wrap one operation in one transaction. The demo loader runs many
//! operations in a single transaction through the same functions.

use crate::scope::{self, Visible};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus, Term, TermName, UnitCode, UnitKind};
use ranks_store::records::candidates::CandidateRow;
use ranks_store::records::members::{MemberRow, NewMember, NewPerson, PersonRow};
use ranks_store::records::units::UnitRow;
use ranks_store::records::{audit, candidates, members, movements, supervisors, terms, units};
use ranks_store::WriteTx;
use serde_json::{json, Value};

/// Context of one write: the transaction, who is acting and when.
pub struct Ctx<'a> {
    /// Crate-private: outside the application no one builds a write
    /// context, so every write from the web or the CLI goes through a use
    /// case (and its scope checks).
    pub(crate) tx: &'a mut WriteTx,
    pub(crate) actor: &'a Actor,
    pub(crate) at: String,
    /// The day of the write (the clock's), for the checks that need it.
    pub(crate) today: Date,
}

impl Ctx<'_> {
    pub(crate) async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Result<(), AppError> {
        audit::append(
            self.tx,
            &audit::AuditEntry {
                at: self.at.clone(),
                actor: self.actor.name.clone(),
                action: action.to_string(),
                entity: entity.to_string(),
                entity_id: id.to_string(),
                before,
                after,
            },
        )
        .await?;
        Ok(())
    }
}

pub async fn create_unit(
    cx: &mut Ctx<'_>,
    code: &UnitCode,
    name: &str,
    kind: UnitKind,
    parent: Option<&Visible<UnitRow>>,
    created_on: Date,
) -> Result<Visible<UnitRow>, AppError> {
    let name = bounded("name", name, limits::LINE)?;
    if name.is_empty() {
        return Err(DomainError::invalid("name", name, "a non-empty unit name").into());
    }
    match parent {
        Some(_) => {}
        None if cx.actor.scope != crate::Scope::All => {
            return Err(AppError::Forbidden(
                "only a top-level administrator may create a root unit".into(),
            ))
        }
        None => {}
    }
    if units::by_code(cx.tx.conn(), code).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "a unit with code {code} already exists"
        )));
    }
    let row = units::insert(
        cx.tx.conn(),
        code,
        &name,
        kind,
        parent.map(|p| &**p),
        created_on,
    )
    .await?;
    cx.audit("create", "unit", row.id, None, Some(row.to_json()))
        .await?;
    scope::created_unit(cx.actor, row)
}

/// Moves a unit (and its subtree) under a new parent from `effective_on`.
pub async fn move_unit(
    cx: &mut Ctx<'_>,
    unit: &Visible<UnitRow>,
    new_parent: &Visible<UnitRow>,
    effective_on: Date,
) -> Result<UnitRow, AppError> {
    if unit.path.contains(&new_parent.path) {
        return Err(AppError::Conflict(format!(
            "cannot move {} under {}: the new parent lies inside the unit",
            unit.code, new_parent.code
        )));
    }
    if unit.parent_id == Some(new_parent.id) {
        return Err(AppError::Conflict(format!(
            "{} is already under {}",
            unit.code, new_parent.code
        )));
    }
    let at = cx.at.clone();
    let name = cx.actor.name.clone();
    let moved = units::move_to(cx.tx.conn(), unit, new_parent, effective_on, &at, &name).await?;
    let mut after = moved.to_json();
    after["effective_on"] = json!(effective_on.to_string());
    cx.audit("move", "unit", unit.id, Some(unit.to_json()), Some(after))
        .await?;
    Ok(moved)
}

pub async fn create_term(cx: &mut Ctx<'_>, term: &Term) -> Result<i64, AppError> {
    if terms::by_name(cx.tx.conn(), &term.name).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "term {} already exists",
            term.name
        )));
    }
    let row = terms::insert(cx.tx.conn(), term).await?;
    cx.audit(
        "create",
        "term",
        row.id,
        None,
        Some(json!({"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on})),
    )
    .await?;
    Ok(row.id)
}

pub async fn set_term_target(
    cx: &mut Ctx<'_>,
    unit: &Visible<UnitRow>,
    term: &TermName,
    target: u32,
) -> Result<(), AppError> {
    let t = terms::by_name(cx.tx.conn(), term)
        .await?
        .ok_or(AppError::NotFound {
            what: "term",
            key: term.to_string(),
        })?;
    let before = terms::set_term_target(cx.tx.conn(), unit.id, t.id, target).await?;
    cx.audit(
        "set",
        "term_target",
        format!("{}:{}", unit.code, term),
        before.map(|b| json!({"target": b})),
        Some(json!({"unit": unit.code, "term": term, "target": target})),
    )
    .await
}

pub async fn set_year_target(
    cx: &mut Ctx<'_>,
    unit: &Visible<UnitRow>,
    year: i32,
    target: u32,
) -> Result<(), AppError> {
    let before = terms::set_year_target(cx.tx.conn(), unit.id, year, target).await?;
    cx.audit(
        "set",
        "year_target",
        format!("{}:{}", unit.code, year),
        before.map(|b| json!({"target": b})),
        Some(json!({"unit": unit.code, "year": year, "target": target})),
    )
    .await
}

/// A person as entered, held to the limits: names and words of plausible
/// length, a date of birth from 1900 to today.
pub(crate) fn clean_person(p: &NewPerson, today: Date) -> Result<NewPerson, AppError> {
    let full_name = bounded("full_name", &p.full_name, limits::NAME)?;
    if full_name.split_whitespace().count() < 2 {
        return Err(
            DomainError::invalid("full_name", &p.full_name, "a family and a given name").into(),
        );
    }
    Ok(NewPerson {
        full_name,
        gender: bounded("gender", &p.gender, limits::SHORT)?,
        ethnicity: bounded("ethnicity", &p.ethnicity, limits::SHORT)?,
        education: bounded("education", &p.education, limits::SHORT)?,
        occupation: bounded("occupation", &p.occupation, limits::LINE)?,
        birth_date: ranks_domain::text::birth_date("birth_date", p.birth_date, today)?,
    })
}

pub async fn add_person(cx: &mut Ctx<'_>, p: &NewPerson) -> Result<Visible<PersonRow>, AppError> {
    let p = clean_person(p, cx.today)?;
    let id = members::insert_person(cx.tx.conn(), &p).await?;
    cx.audit(
        "create",
        "person",
        id,
        None,
        Some(ranks_store::records::members::person_json(&p)),
    )
    .await?;
    scope::created_person(cx.tx.conn(), id).await
}

/// Registers a person as a member of a cell.
pub async fn add_member(
    cx: &mut Ctx<'_>,
    person: &Visible<PersonRow>,
    cell: &Visible<UnitRow>,
    status: MemberStatus,
    admitted_on: Date,
    official_on: Option<Date>,
) -> Result<Visible<MemberRow>, AppError> {
    if !cell.kind.holds_members() {
        return Err(AppError::Conflict(format!(
            "{} is a {}; members are registered in a cell",
            cell.code,
            cell.kind.as_str()
        )));
    }
    if let Some(o) = official_on {
        if o < admitted_on {
            return Err(DomainError::invalid(
                "official_on",
                o.to_string(),
                "a date after the admission",
            )
            .into());
        }
    }
    let m = NewMember {
        person_id: person.id,
        unit_id: cell.id,
        status,
        admitted_on,
        official_on,
    };
    let id = members::insert_member(cx.tx.conn(), &m).await?;
    cx.audit("create", "member", id, None, Some(m.to_json()))
        .await?;
    scope::member(cx.tx.conn(), cx.actor, id).await
}

pub async fn add_movement(
    cx: &mut Ctx<'_>,
    code: &str,
    name: &str,
    started_on: Date,
) -> Result<i64, AppError> {
    let name = bounded("name", name, limits::LINE)?;
    let id = movements::insert(cx.tx.conn(), code, &name, started_on).await?;
    cx.audit(
        "create",
        "movement",
        id,
        None,
        Some(json!({"code": code, "name": name, "started_on": started_on})),
    )
    .await?;
    Ok(id)
}

/// Puts a person into a cell's candidate pool.
pub async fn add_candidate(
    cx: &mut Ctx<'_>,
    person: &Visible<PersonRow>,
    cell: &Visible<UnitRow>,
    movement_id: Option<i64>,
    first_stage: &str,
    since: Date,
) -> Result<Visible<CandidateRow>, AppError> {
    let person_id = person.id;
    let c = candidates::NewCandidate {
        person_id,
        unit_id: cell.id,
        movement_id,
        stage: first_stage.to_string(),
        since,
    };
    let id = candidates::insert(cx.tx.conn(), &c).await?;
    let (at, by) = (cx.at.clone(), cx.actor.name.clone());
    candidates::record_stage(cx.tx.conn(), id, first_stage, since, None, &by, &at).await?;
    cx.audit(
        "create",
        "candidate",
        id,
        None,
        Some(json!({"person_id": person_id, "unit": cell.code, "movement_id": movement_id, "stage": first_stage, "since": since})),
    )
    .await?;
    scope::candidate(cx.tx.conn(), cx.actor, id).await
}

/// Records a candidate's move to a stage on a date.
pub async fn record_stage(
    cx: &mut Ctx<'_>,
    candidate: &Visible<CandidateRow>,
    stage: &str,
    on: Date,
) -> Result<(), AppError> {
    let candidate_id = candidate.id;
    let (at, by) = (cx.at.clone(), cx.actor.name.clone());
    candidates::record_stage(cx.tx.conn(), candidate_id, stage, on, None, &by, &at).await?;
    cx.audit(
        "stage",
        "candidate",
        candidate_id,
        None,
        Some(json!({"stage": stage, "on": on})),
    )
    .await
}

pub async fn link_candidate_member(
    cx: &mut Ctx<'_>,
    candidate: &Visible<CandidateRow>,
    member: &Visible<MemberRow>,
) -> Result<(), AppError> {
    let (candidate_id, member_id) = (candidate.id, member.id);
    candidates::link_member(cx.tx.conn(), candidate_id, member_id).await?;
    cx.audit(
        "link",
        "candidate",
        candidate_id,
        None,
        Some(json!({"member_id": member_id})),
    )
    .await
}

pub async fn assign_mentor(
    cx: &mut Ctx<'_>,
    candidate: &Visible<CandidateRow>,
    member: &Visible<MemberRow>,
    on: Date,
) -> Result<(), AppError> {
    let (candidate_id, member_id) = (candidate.id, member.id);
    candidates::assign_mentor(cx.tx.conn(), candidate_id, member_id, on, false).await?;
    cx.audit(
        "create",
        "mentor",
        format!("{candidate_id}:{member_id}"),
        None,
        Some(json!({"candidate_id": candidate_id, "member_id": member_id, "assigned_on": on})),
    )
    .await
}

pub async fn add_supervisor(
    cx: &mut Ctx<'_>,
    unit: &Visible<UnitRow>,
    member: &Visible<MemberRow>,
    role: &str,
    since: Date,
) -> Result<i64, AppError> {
    let member_id = member.id;
    let role = bounded("role", role, limits::LINE)?;
    let id = supervisors::insert(cx.tx.conn(), unit.id, member_id, &role, since).await?;
    cx.audit(
        "create",
        "supervisor",
        id,
        None,
        Some(json!({"unit": unit.code, "member_id": member_id, "role": role, "since": since})),
    )
    .await?;
    Ok(id)
}

pub async fn add_leader(
    cx: &mut Ctx<'_>,
    unit: &Visible<UnitRow>,
    member: &Visible<MemberRow>,
    title: &str,
    since: Date,
) -> Result<i64, AppError> {
    let member_id = member.id;
    let title = bounded("title", title, limits::LINE)?;
    let id = supervisors::add_leader(cx.tx.conn(), unit.id, member_id, &title, since).await?;
    cx.audit(
        "create",
        "leader",
        id,
        None,
        Some(json!({"unit": unit.code, "member_id": member_id, "title": title, "since": since})),
    )
    .await?;
    Ok(id)
}

// One action, one transaction: the entry points the CLI and the API call.
impl App {
    /// One write by someone whose role records data.
    pub(crate) async fn run<T, F>(&self, actor: &Actor, f: F) -> Result<T, AppError>
    where
        F: for<'c> FnOnce(
            &'c mut Ctx<'_>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, AppError>> + Send + 'c>,
        >,
    {
        if !actor.role.writes() {
            return Err(AppError::Forbidden(format!(
                "a {} does not record data",
                actor.role.as_str()
            )));
        }
        self.run_unchecked(actor, f).await
    }

    /// One write of evaluation input (supervisors may).
    pub(crate) async fn run_evaluation<T, F>(&self, actor: &Actor, f: F) -> Result<T, AppError>
    where
        F: for<'c> FnOnce(
            &'c mut Ctx<'_>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, AppError>> + Send + 'c>,
        >,
    {
        if !actor.role.evaluates() {
            return Err(AppError::Forbidden(format!(
                "a {} does not enter evaluations",
                actor.role.as_str()
            )));
        }
        self.run_unchecked(actor, f).await
    }

    pub(crate) async fn run_unchecked<T, F>(&self, actor: &Actor, f: F) -> Result<T, AppError>
    where
        F: for<'c> FnOnce(
            &'c mut Ctx<'_>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, AppError>> + Send + 'c>,
        >,
    {
        let mut tx = self.write().await?;
        let mut cx = Ctx {
            tx: &mut tx,
            actor,
            at: self.clock().stamp(),
            today: self.clock().today(),
        };
        let out = f(&mut cx).await?;
        tx.commit().await?;
        Ok(out)
    }

    pub async fn create_unit(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        kind: UnitKind,
        parent: Option<&str>,
        created_on: Date,
    ) -> Result<UnitRow, AppError> {
        let code = UnitCode::parse(code)?;
        let (name, parent) = (name.to_string(), parent.map(str::to_string));
        self.run(actor, move |cx| {
            Box::pin(async move {
                let parent = match parent {
                    Some(p) => Some(visible_unit(cx.tx.conn(), cx.actor, &p).await?),
                    None => None,
                };
                Ok(
                    create_unit(cx, &code, &name, kind, parent.as_ref(), created_on)
                        .await?
                        .into_inner(),
                )
            })
        })
        .await
    }

    pub async fn move_unit(
        &self,
        actor: &Actor,
        code: &str,
        new_parent: &str,
        effective_on: Date,
    ) -> Result<UnitRow, AppError> {
        let (code, new_parent) = (code.to_string(), new_parent.to_string());
        self.run(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &code).await?;
                let parent = visible_unit(cx.tx.conn(), cx.actor, &new_parent).await?;
                move_unit(cx, &unit, &parent, effective_on).await
            })
        })
        .await
    }

    pub async fn create_term(&self, actor: &Actor, term: Term) -> Result<i64, AppError> {
        self.run(actor, move |cx| {
            Box::pin(async move { create_term(cx, &term).await })
        })
        .await
    }

    pub async fn set_term_target(
        &self,
        actor: &Actor,
        code: &str,
        term: &TermName,
        target: u32,
    ) -> Result<(), AppError> {
        let (code, term) = (code.to_string(), term.clone());
        self.run(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &code).await?;
                set_term_target(cx, &unit, &term, target).await
            })
        })
        .await
    }

    /// Adds a person and registers them as a member of a cell.
    pub async fn add_member(
        &self,
        actor: &Actor,
        person: NewPerson,
        cell: &str,
        status: MemberStatus,
        admitted_on: Date,
        official_on: Option<Date>,
    ) -> Result<i64, AppError> {
        let cell = cell.to_string();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let cell = visible_unit(cx.tx.conn(), cx.actor, &cell).await?;
                let person = add_person(cx, &person).await?;
                Ok(
                    add_member(cx, &person, &cell, status, admitted_on, official_on)
                        .await?
                        .id,
                )
            })
        })
        .await
    }
}
