//! People and the member registry.

use super::{date, iso, opt_date};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, MemberStatus, OrgPath, UnitCode};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

/// A new person's details; the type is the domain's, so that the web and the
/// CLI build it without reaching into the store.
pub use ranks_domain::member::NewPerson;

/// The audit record of a new person.
pub fn person_json(p: &NewPerson) -> serde_json::Value {
    json!({
        "full_name": p.full_name, "gender": p.gender, "birth_date": iso(p.birth_date),
        "ethnicity": p.ethnicity, "education": p.education, "occupation": p.occupation,
    })
}

pub async fn insert_person(conn: &mut Conn, p: &NewPerson) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO people (full_name, gender, birth_date, ethnicity, education, occupation) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(&p.full_name)
        .bind(&p.gender)
        .bind(iso(p.birth_date))
        .bind(&p.ethnicity)
        .bind(&p.education)
        .bind(&p.occupation)
        .fetch_one(&mut *conn)
        .await?;
    let id = r.try_get(0)?;
    super::search::insert_words(conn, id, &p.full_name).await?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub person_id: i64,
    pub unit_id: i64,
    pub status: MemberStatus,
    pub admitted_on: Date,
    pub official_on: Option<Date>,
}

impl NewMember {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "person_id": self.person_id, "unit_id": self.unit_id, "status": self.status,
            "admitted_on": iso(self.admitted_on), "official_on": self.official_on.map(iso),
        })
    }
}

pub async fn insert_member(conn: &mut Conn, m: &NewMember) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO members (person_id, unit_id, status, admitted_on, official_on) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(m.person_id)
        .bind(m.unit_id)
        .bind(m.status.as_str())
        .bind(iso(m.admitted_on))
        .bind(m.official_on.map(iso))
        .fetch_one(&mut *conn)
        .await?;
    super::postings::sync_member(conn, m.person_id).await?;
    Ok(r.try_get(0)?)
}

/// Admissions per unit (the unit a member is registered in) for units in the
/// subtree, with the admission decision date in `[from, to]`. Members who
/// have since left still count: they were admitted in the term.
pub async fn admitted_per_unit(
    conn: &mut Conn,
    root: &OrgPath,
    from: Date,
    to: Date,
) -> Result<HashMap<i64, u64>, StoreError> {
    count_per_unit(conn, root, MemberDate::Admitted, from, to).await
}

/// Current members (probationary and official) per unit in the subtree.
pub async fn current_per_unit(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<HashMap<i64, u64>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT m.unit_id, COUNT(*) FROM members m JOIN units u ON u.id = m.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND m.status IN ($3, $4) GROUP BY m.unit_id",
    )
    .bind(lo)
    .bind(hi)
    .bind(MemberStatus::Probationary.as_str())
    .bind(MemberStatus::Official.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)? as u64)))
        .collect()
}

/// A member as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberView {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub gender: String,
    pub birth_date: Date,
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub status: MemberStatus,
    pub admitted_on: Date,
    pub official_on: Option<Date>,
}

pub(crate) const MEMBER_VIEW: &str = "SELECT m.id AS id, p.id AS person_id, p.full_name AS full_name, p.gender AS gender, p.birth_date AS birth_date, \
     u.code AS unit_code, u.name AS unit_name, m.status AS status, m.admitted_on AS admitted_on, m.official_on AS official_on \
     FROM members m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = m.unit_id";

pub(crate) fn member_view(r: &dyn crate::lite::Get) -> Result<MemberView, StoreError> {
    Ok(MemberView {
        id: r.int("id")?,
        person_id: r.int("person_id")?,
        full_name: r.text("full_name")?,
        gender: r.text("gender")?,
        birth_date: date(r, "birth_date")?,
        unit_code: UnitCode::parse(&r.text("unit_code")?)?,
        unit_name: r.text("unit_name")?,
        status: MemberStatus::parse(&r.text("status")?)?,
        admitted_on: date(r, "admitted_on")?,
        official_on: opt_date(r, "official_on")?,
    })
}

/// Current members registered in the subtree.
pub async fn current_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<Vec<MemberView>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(&format!(
        "{MEMBER_VIEW} WHERE u.path >= $1 AND u.path < $2 AND m.status IN ($3, $4) ORDER BY u.path, m.id"
    ))
    .bind(lo)
    .bind(hi)
    .bind(MemberStatus::Probationary.as_str())
    .bind(MemberStatus::Official.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| member_view(r)).collect()
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<MemberView>, StoreError> {
    let r = sqlx::query(&format!("{MEMBER_VIEW} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(|r| member_view(r)).transpose()
}

pub async fn count_people(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM people")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

/// A member's registry row with the fields movements change.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub id: i64,
    pub person_id: i64,
    pub unit_id: i64,
    pub status: MemberStatus,
    pub admitted_on: Date,
    pub official_on: Option<Date>,
    pub left_on: Option<Date>,
    pub exempted: String,
    pub card_number: Option<String>,
    pub host_unit_id: Option<i64>,
    pub host_until: Option<Date>,
}

pub async fn row(conn: &mut Conn, id: i64) -> Result<Option<MemberRow>, StoreError> {
    let r = sqlx::query(
        "SELECT id, person_id, unit_id, status, admitted_on, official_on, left_on, exempted, card_number, host_unit_id, host_until FROM members WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| {
        Ok(MemberRow {
            id: r.try_get("id")?,
            person_id: r.try_get("person_id")?,
            unit_id: r.try_get("unit_id")?,
            status: MemberStatus::parse(&r.try_get::<String, _>("status")?)?,
            admitted_on: date(&r, "admitted_on")?,
            official_on: opt_date(&r, "official_on")?,
            left_on: opt_date(&r, "left_on")?,
            exempted: r.try_get("exempted")?,
            card_number: r.try_get("card_number")?,
            host_unit_id: r.try_get("host_unit_id")?,
            host_until: opt_date(&r, "host_until")?,
        })
    })
    .transpose()
}

impl MemberRow {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "id": self.id, "person_id": self.person_id, "unit_id": self.unit_id, "status": self.status,
            "admitted_on": iso(self.admitted_on), "official_on": self.official_on.map(iso),
            "left_on": self.left_on.map(iso), "exempted": self.exempted, "card_number": self.card_number,
            "host_unit_id": self.host_unit_id, "host_until": self.host_until.map(iso),
        })
    }
}

/// Writes back the movable fields of a member row.
pub async fn update(conn: &mut Conn, m: &MemberRow) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE members SET unit_id = $1, status = $2, official_on = $3, left_on = $4, exempted = $5, card_number = $6, \
         host_unit_id = $7, host_until = $8 WHERE id = $9",
    )
    .bind(m.unit_id)
    .bind(m.status.as_str())
    .bind(m.official_on.map(iso))
    .bind(m.left_on.map(iso))
    .bind(&m.exempted)
    .bind(&m.card_number)
    .bind(m.host_unit_id)
    .bind(m.host_until.map(iso))
    .bind(m.id)
    .execute(&mut *conn)
    .await?;
    super::postings::sync_member(conn, m.person_id).await?;
    Ok(())
}

pub async fn add_event(
    conn: &mut Conn,
    member_id: i64,
    kind: &str,
    on: Date,
    detail: &serde_json::Value,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO member_events (member_id, kind, on_date, detail, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(member_id)
        .bind(kind)
        .bind(iso(on))
        .bind(detail.to_string())
        .bind(by)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The latest day a person left the Party (removed or expelled), if ever.
pub async fn left_party_on(conn: &mut Conn, person_id: i64) -> Result<Option<Date>, StoreError> {
    let rows = sqlx::query("SELECT left_on FROM members WHERE person_id = $1 AND status IN ($2, $3) AND left_on IS NOT NULL")
        .bind(person_id)
        .bind(MemberStatus::Removed.as_str())
        .bind(MemberStatus::Expelled.as_str())
        .fetch_all(&mut *conn)
        .await?;
    let mut latest = None;
    for r in &rows {
        let d = date(r, "left_on")?;
        latest = latest.max(Some(d));
    }
    Ok(latest)
}

/// One membership of a person, as re-admission looks at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub id: i64,
    pub status: MemberStatus,
    pub admitted_on: Date,
    pub left_on: Option<Date>,
    /// The ground of leaving, for an exit (see `procedure::EXIT_GROUNDS`).
    pub left_ground: Option<String>,
    /// The day the criminal record of that exit was cleared.
    pub record_cleared_on: Option<Date>,
}

/// Every membership of a person, in the order of admission.
pub async fn memberships(conn: &mut Conn, person_id: i64) -> Result<Vec<Membership>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, status, admitted_on, left_on, left_ground, record_cleared_on FROM members \
         WHERE person_id = $1 ORDER BY admitted_on, id",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Membership {
                id: r.try_get("id")?,
                status: MemberStatus::parse(&r.try_get::<String, _>("status")?)?,
                admitted_on: date(r, "admitted_on")?,
                left_on: opt_date(r, "left_on")?,
                left_ground: r.try_get("left_ground")?,
                record_cleared_on: opt_date(r, "record_cleared_on")?,
            })
        })
        .collect()
}

/// Records the ground of a member's exit and the day a criminal record was
/// cleared (`None` clears it).
pub async fn set_exit_ground(
    conn: &mut Conn,
    member_id: i64,
    ground: &str,
    record_cleared_on: Option<Date>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE members SET left_ground = $1, record_cleared_on = $2 WHERE id = $3")
        .bind(ground)
        .bind(record_cleared_on.map(iso))
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person as the procedure's gates need them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Date,
    pub general_grade: u8,
    pub area: String,
}

pub async fn person(conn: &mut Conn, id: i64) -> Result<Option<PersonRow>, StoreError> {
    let r = sqlx::query(
        "SELECT id, full_name, birth_date, general_grade, area FROM people WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| {
        Ok(PersonRow {
            id: r.try_get("id")?,
            full_name: r.try_get("full_name")?,
            birth_date: date(&r, "birth_date")?,
            general_grade: r.try_get::<i64, _>("general_grade")?.clamp(0, 12) as u8,
            area: r.try_get("area")?,
        })
    })
    .transpose()
}

pub async fn set_education(
    conn: &mut Conn,
    person_id: i64,
    grade: u8,
    area: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE people SET general_grade = $1, area = $2 WHERE id = $3")
        .bind(i64::from(grade))
        .bind(area)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Official members registered in a unit on a day (for a cell's vote):
/// official by then, and still official, or gone (transferred out, removed,
/// expelled, deceased) only after that day. A member moved between units
/// of the tree counts where they are now.
pub async fn official_count(conn: &mut Conn, unit_id: i64, on: Date) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) FROM members WHERE unit_id = $1 AND official_on <= $3 \
         AND (status = $2 OR (status IN ($4, $5, $6, $7) AND left_on > $3))",
    )
    .bind(unit_id)
    .bind(MemberStatus::Official.as_str())
    .bind(iso(on))
    .bind(MemberStatus::TransferredOut.as_str())
    .bind(MemberStatus::Removed.as_str())
    .bind(MemberStatus::Expelled.as_str())
    .bind(MemberStatus::Deceased.as_str())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

/// Every member record of a person (one per admission).
pub async fn for_person(conn: &mut Conn, person_id: i64) -> Result<Vec<MemberRow>, StoreError> {
    let ids: Vec<i64> = sqlx::query("SELECT id FROM members WHERE person_id = $1 ORDER BY id")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(m) = row(conn, id).await? {
            out.push(m);
        }
    }
    Ok(out)
}

/// Admission decision dates in the subtree within `[from, to]`, oldest first.
pub async fn admission_dates(
    conn: &mut Conn,
    root: &OrgPath,
    from: Date,
    to: Date,
) -> Result<Vec<Date>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT m.admitted_on FROM members m JOIN units u ON u.id = m.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND m.admitted_on >= $3 AND m.admitted_on <= $4 ORDER BY m.admitted_on",
    )
    .bind(lo)
    .bind(hi)
    .bind(iso(from))
    .bind(iso(to))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| date(r, "admitted_on")).collect()
}

/// Which member date to count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberDate {
    Admitted,
    Official,
    Left,
}

/// Members per unit of the subtree whose chosen date falls in `[from, to]`.
pub async fn count_per_unit(
    conn: &mut Conn,
    root: &OrgPath,
    which: MemberDate,
    from: Date,
    to: Date,
) -> Result<HashMap<i64, u64>, StoreError> {
    let column = match which {
        MemberDate::Admitted => "admitted_on",
        MemberDate::Official => "official_on",
        MemberDate::Left => "left_on",
    };
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(&format!(
        "SELECT m.unit_id, COUNT(*) FROM members m JOIN units u ON u.id = m.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND m.{column} >= $3 AND m.{column} <= $4 GROUP BY m.unit_id"
    ))
    .bind(lo)
    .bind(hi)
    .bind(iso(from))
    .bind(iso(to))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)? as u64)))
        .collect()
}

/// Sets a person's ID number (CMND/CCCD) and phone, kept as text so their
/// leading zeros survive. `None` clears a field.
pub async fn set_contact(
    conn: &mut Conn,
    person_id: i64,
    id_number: Option<&str>,
    phone: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE people SET id_number = $1, phone = $2 WHERE id = $3")
        .bind(id_number)
        .bind(phone)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person's ID number and phone, as stored.
pub async fn contact(
    conn: &mut Conn,
    person_id: i64,
) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
    let r = sqlx::query("SELECT id_number, phone FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok((r.try_get("id_number")?, r.try_get("phone")?)))
        .transpose()
}

/// The person holding an ID number, if any.
pub async fn person_by_id_number(
    conn: &mut Conn,
    id_number: &str,
) -> Result<Option<i64>, StoreError> {
    let r = sqlx::query("SELECT id FROM people WHERE id_number = $1")
        .bind(id_number)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok(r.try_get(0)?)).transpose()
}

/// The paths of the units that hold a person: the cells of their member
/// rows and of their candidate files, current or past. A person is someone
/// an actor may see when one of these lies in the actor's scope.
pub async fn person_unit_paths(
    conn: &mut Conn,
    person_id: i64,
) -> Result<Vec<OrgPath>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.path FROM members m JOIN units u ON u.id = m.unit_id WHERE m.person_id = $1 \
         UNION SELECT u.path FROM candidates c JOIN units u ON u.id = c.unit_id WHERE c.person_id = $2",
    )
    .bind(person_id)
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok(OrgPath::parse(&r.try_get::<String, _>(0)?)?))
        .collect()
}
