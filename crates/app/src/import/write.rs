//! Writing the checked rows through the audited operations.

use super::check::{PersonIn, Planned};
use crate::ops::{self, Ctx};
use crate::scope::Visible;
use crate::targets::Period;
use crate::{visible_unit, AppError};
use ranks_domain::{Date, IdNumber, Phone, Term, TermName, UnitCode};
use ranks_store::records::members::{self, PersonRow};
use ranks_store::records::terms;
use ranks_store::records::units::UnitRow;
use serde_json::json;
use std::collections::HashMap;

pub(super) async fn write_person(
    cx: &mut Ctx<'_>,
    p: &PersonIn,
    education: Option<(u8, &str)>,
) -> Result<Visible<PersonRow>, AppError> {
    let person = ops::add_person(cx, &p.person).await?;
    let id = person.id;
    let mut detail = serde_json::Map::new();
    if let Some((grade, area)) = education {
        members::set_education(cx.tx.conn(), id, grade, area).await?;
        detail.insert("general_grade".into(), json!(grade));
        detail.insert("area".into(), json!(area));
    }
    if p.id_number.is_some() || p.phone.is_some() {
        let id_number = p.id_number.as_ref().map(IdNumber::as_str);
        let phone = p.phone.as_ref().map(Phone::as_str);
        members::set_contact(cx.tx.conn(), id, id_number, phone).await?;
        detail.insert("id_number".into(), json!(id_number));
        detail.insert("phone".into(), json!(phone));
    }
    if !detail.is_empty() {
        cx.audit(
            "update",
            "person",
            id,
            None,
            Some(serde_json::Value::Object(detail)),
        )
        .await?;
    }
    Ok(person)
}

pub(super) async fn write_row(
    cx: &mut Ctx<'_>,
    p: &Planned,
    created: &mut HashMap<UnitCode, Visible<UnitRow>>,
) -> Result<i64, AppError> {
    match p {
        Planned::Unit {
            code,
            name,
            kind,
            parent,
            created_on,
            ..
        } => {
            let parent = match parent {
                None => None,
                Some(pc) => match created.get(pc) {
                    Some(u) => Some(u.clone()),
                    None => Some(visible_unit(cx.tx.conn(), cx.actor, pc.as_str()).await?),
                },
            };
            let row = ops::create_unit(cx, code, name, *kind, parent.as_ref(), *created_on).await?;
            created.insert(code.clone(), row.clone());
            Ok(row.id)
        }
        Planned::Member {
            unit,
            person,
            status,
            admitted_on,
            official_on,
            ..
        } => {
            let cell = visible_unit(cx.tx.conn(), cx.actor, unit.as_str()).await?;
            let person = write_person(cx, person, None).await?;
            Ok(
                ops::add_member(cx, &person, &cell, *status, *admitted_on, *official_on)
                    .await?
                    .id,
            )
        }
        Planned::Candidate {
            cell,
            person,
            general_grade,
            area,
            movement_id,
            history,
            ..
        } => {
            let cell = visible_unit(cx.tx.conn(), cx.actor, cell.as_str()).await?;
            let person = write_person(cx, person, Some((*general_grade, area))).await?;
            let ((stage, since), later) = history.split_first().expect("a history has an item");
            let c = ops::add_candidate(cx, &person, &cell, *movement_id, stage, *since).await?;
            for (stage, on) in later {
                ops::record_stage(cx, &c, stage, *on).await?;
            }
            Ok(c.id)
        }
        Planned::Target {
            unit,
            period,
            target,
            ..
        } => {
            let unit = visible_unit(cx.tx.conn(), cx.actor, unit.as_str()).await?;
            match period {
                Period::Term(name) => {
                    if terms::by_name(cx.tx.conn(), name).await?.is_none() {
                        ops::create_term(cx, &standard_term(name)?).await?;
                    }
                    ops::set_term_target(cx, &unit, name, *target).await?;
                }
                Period::Year(y) => ops::set_year_target(cx, &unit, *y, *target).await?,
            }
            Ok(unit.id)
        }
    }
}

pub(super) fn planned_row(p: &Planned) -> usize {
    match p {
        Planned::Unit { row, .. }
        | Planned::Member { row, .. }
        | Planned::Candidate { row, .. }
        | Planned::Target { row, .. } => *row,
    }
}

/// A term as the committees' congresses hold them: from 1 July of its
/// first year to 30 June of its last.
fn standard_term(name: &TermName) -> Result<Term, AppError> {
    let day = |y, m, d| {
        Date::from_ymd_opt(y, m, d).ok_or_else(|| {
            AppError::from(ranks_domain::DomainError::invalid(
                "period",
                name.to_string(),
                "a term between real years",
            ))
        })
    };
    Ok(Term::new(
        name.clone(),
        day(name.first_year, 7, 1)?,
        day(name.last_year, 6, 30)?,
    )?)
}
