//! Meetings of a cell or a committee: the day, the agenda, the attendance
//! roll taken from the registry, and the votes taken at the sitting.

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, MemberStatus};
use sqlx::Row;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    pub id: i64,
    pub unit_id: i64,
    pub held_on: Date,
    pub agenda: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

fn meeting_row(r: &sqlx::any::AnyRow) -> Result<MeetingRow, StoreError> {
    Ok(MeetingRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        held_on: date(r, "held_on")?,
        agenda: r.try_get("agenda")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

const COLS: &str = "id, unit_id, held_on, agenda, recorded_by, recorded_at";

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    held_on: Date,
    agenda: &str,
    by: &str,
    at: &str,
) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO meetings (unit_id, held_on, agenda, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(unit_id)
        .bind(iso(held_on))
        .bind(agenda)
        .bind(by)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.try_get(0)?)
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<MeetingRow>, StoreError> {
    let r = sqlx::query(&format!("SELECT {COLS} FROM meetings WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(meeting_row).transpose()
}

/// A unit's meetings, the latest first, with the roll's size, those
/// present and the votes taken.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingSummary {
    pub meeting: MeetingRow,
    pub on_roll: i64,
    pub present: i64,
    pub votes: i64,
}

pub async fn for_unit(conn: &mut Conn, unit_id: i64) -> Result<Vec<MeetingSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT m.id AS id, m.unit_id AS unit_id, m.held_on AS held_on, m.agenda AS agenda, \
         m.recorded_by AS recorded_by, m.recorded_at AS recorded_at, \
         (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id) AS on_roll, \
         (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.present = 1) AS present, \
         (SELECT COUNT(*) FROM meeting_votes v WHERE v.meeting_id = m.id) AS votes \
         FROM meetings m WHERE m.unit_id = $1 ORDER BY m.held_on DESC, m.id DESC",
    )
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MeetingSummary {
                meeting: meeting_row(r)?,
                on_roll: r.try_get("on_roll")?,
                present: r.try_get("present")?,
                votes: r.try_get("votes")?,
            })
        })
        .collect()
}

/// The roll of a unit on a day: its members admitted by then and not gone
/// before it, each official (recognised by then) or probationary. A member
/// moved between units of the tree is on the roll where they are now (as
/// [`super::members::official_count`] counts them).
pub async fn roll_on(
    conn: &mut Conn,
    unit_id: i64,
    on: Date,
) -> Result<Vec<(i64, MemberStatus)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, official_on FROM members WHERE unit_id = $1 AND admitted_on <= $2 \
         AND (status IN ($3, $4) OR (status IN ($5, $6, $7, $8) AND left_on > $2)) ORDER BY id",
    )
    .bind(unit_id)
    .bind(iso(on))
    .bind(MemberStatus::Probationary.as_str())
    .bind(MemberStatus::Official.as_str())
    .bind(MemberStatus::TransferredOut.as_str())
    .bind(MemberStatus::Removed.as_str())
    .bind(MemberStatus::Expelled.as_str())
    .bind(MemberStatus::Deceased.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let official: Option<String> = r.try_get("official_on")?;
            let status = match official {
                Some(d) if d.as_str() <= iso(on).as_str() => MemberStatus::Official,
                _ => MemberStatus::Probationary,
            };
            Ok((r.try_get("id")?, status))
        })
        .collect()
}

pub async fn add_attendance(
    conn: &mut Conn,
    meeting_id: i64,
    member_id: i64,
    status: MemberStatus,
    present: bool,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO meeting_attendance (meeting_id, member_id, status, present, absence_reason) VALUES ($1, $2, $3, $4, $5)")
        .bind(meeting_id)
        .bind(member_id)
        .bind(status.as_str())
        .bind(i64::from(present))
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks a member on the roll present or absent (with the reason);
/// whether the member was on the roll.
pub async fn set_attendance(
    conn: &mut Conn,
    meeting_id: i64,
    member_id: i64,
    present: bool,
    reason: Option<&str>,
) -> Result<bool, StoreError> {
    let r = sqlx::query("UPDATE meeting_attendance SET present = $1, absence_reason = $2 WHERE meeting_id = $3 AND member_id = $4")
        .bind(i64::from(present))
        .bind(reason)
        .bind(meeting_id)
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// A member on a meeting's roll.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceRow {
    pub member_id: i64,
    pub full_name: String,
    pub status: MemberStatus,
    pub present: bool,
    pub absence_reason: Option<String>,
}

/// The roll, official members first, then in the registry's order.
pub async fn attendance(
    conn: &mut Conn,
    meeting_id: i64,
) -> Result<Vec<AttendanceRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.member_id AS member_id, p.full_name AS full_name, a.status AS status, a.present AS present, a.absence_reason AS absence_reason \
         FROM meeting_attendance a JOIN members m ON m.id = a.member_id JOIN people p ON p.id = m.person_id \
         WHERE a.meeting_id = $1 ORDER BY a.status, a.member_id",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AttendanceRow {
                member_id: r.try_get("member_id")?,
                full_name: r.try_get("full_name")?,
                status: MemberStatus::parse(&r.try_get::<String, _>("status")?)?,
                present: r.try_get::<i64, _>("present")? != 0,
                absence_reason: r.try_get("absence_reason")?,
            })
        })
        .collect()
}

/// The official members of the unit on the meeting's day (as the registry
/// counts them for a cell's vote) whom the attendance marks present.
pub async fn official_present(
    conn: &mut Conn,
    meeting_id: i64,
    unit_id: i64,
    on: Date,
) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) FROM meeting_attendance a JOIN members m ON m.id = a.member_id \
         WHERE a.meeting_id = $1 AND a.present = 1 AND m.unit_id = $2 AND m.official_on <= $3 \
         AND (m.status = $4 OR (m.status IN ($5, $6, $7, $8) AND m.left_on > $3))",
    )
    .bind(meeting_id)
    .bind(unit_id)
    .bind(iso(on))
    .bind(MemberStatus::Official.as_str())
    .bind(MemberStatus::TransferredOut.as_str())
    .bind(MemberStatus::Removed.as_str())
    .bind(MemberStatus::Expelled.as_str())
    .bind(MemberStatus::Deceased.as_str())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

/// A vote taken at a meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingVote {
    pub candidate_id: i64,
    pub stage: String,
    pub eligible: i64,
    pub present: i64,
    pub in_favour: i64,
    pub against: i64,
    pub carried: bool,
    /// The rule a vote short of its share fell under, and its source.
    pub rule: Option<String>,
    pub rule_source: Option<String>,
}

pub async fn add_vote(
    conn: &mut Conn,
    meeting_id: i64,
    v: &MeetingVote,
    by: &str,
    at: &str,
) -> Result<i64, StoreError> {
    let r = sqlx::query(
        "INSERT INTO meeting_votes (meeting_id, candidate_id, stage, eligible, present, in_favour, against, carried, rule, rule_source, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(meeting_id)
    .bind(v.candidate_id)
    .bind(&v.stage)
    .bind(v.eligible)
    .bind(v.present)
    .bind(v.in_favour)
    .bind(v.against)
    .bind(i64::from(v.carried))
    .bind(v.rule.as_deref())
    .bind(v.rule_source.as_deref())
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r.try_get(0)?)
}

/// The votes of a meeting in the order taken, each with the candidate's name.
pub async fn votes(
    conn: &mut Conn,
    meeting_id: i64,
) -> Result<Vec<(MeetingVote, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.candidate_id AS candidate_id, v.stage AS stage, v.eligible AS eligible, v.present AS present, \
         v.in_favour AS in_favour, v.against AS against, v.carried AS carried, v.rule AS rule, v.rule_source AS rule_source, \
         p.full_name AS full_name \
         FROM meeting_votes v JOIN candidates c ON c.id = v.candidate_id JOIN people p ON p.id = c.person_id \
         WHERE v.meeting_id = $1 ORDER BY v.id",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                MeetingVote {
                    candidate_id: r.try_get("candidate_id")?,
                    stage: r.try_get("stage")?,
                    eligible: r.try_get("eligible")?,
                    present: r.try_get("present")?,
                    in_favour: r.try_get("in_favour")?,
                    against: r.try_get("against")?,
                    carried: r.try_get::<i64, _>("carried")? != 0,
                    rule: r.try_get("rule")?,
                    rule_source: r.try_get("rule_source")?,
                },
                r.try_get("full_name")?,
            ))
        })
        .collect()
}

/// The open files of a unit as (candidate id, full name, stage), for the
/// meeting's vote form.
pub async fn unit_candidates(
    conn: &mut Conn,
    unit_id: i64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.id AS id, p.full_name AS full_name, c.stage AS stage FROM candidates c JOIN people p ON p.id = c.person_id \
         WHERE c.unit_id = $1 ORDER BY c.id",
    )
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("full_name")?,
                r.try_get("stage")?,
            ))
        })
        .collect()
}
