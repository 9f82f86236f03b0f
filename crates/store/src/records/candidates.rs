//! Candidates, their stage history and their mentors.

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath, UnitCode};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq)]
pub struct NewCandidate {
    pub person_id: i64,
    pub unit_id: i64,
    pub movement_id: Option<i64>,
    pub stage: String,
    pub since: Date,
}

pub async fn insert(conn: &mut Conn, c: &NewCandidate) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO candidates (person_id, unit_id, movement_id, stage, stage_since, created_on) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id")
        .bind(c.person_id)
        .bind(c.unit_id)
        .bind(c.movement_id)
        .bind(&c.stage)
        .bind(iso(c.since))
        .fetch_one(&mut *conn)
        .await?;
    let id = r.try_get(0)?;
    super::postings::sync_candidate(conn, id).await?;
    Ok(id)
}

/// Records a stage transition in the history and as the current stage.
pub async fn record_stage(
    conn: &mut Conn,
    candidate_id: i64,
    stage: &str,
    on: Date,
    detail: Option<&serde_json::Value>,
    recorded_by: &str,
    recorded_at: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO candidate_stages (candidate_id, stage, on_date, recorded_by, recorded_at, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(candidate_id)
        .bind(stage)
        .bind(iso(on))
        .bind(recorded_by)
        .bind(recorded_at)
        .bind(detail.map(|d| d.to_string()))
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE candidates SET stage = $1, stage_since = $2 WHERE id = $3")
        .bind(stage)
        .bind(iso(on))
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn link_member(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE candidates SET member_id = $1 WHERE id = $2")
        .bind(member_id)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Assigns a mentor: before admission, or (`probation`) for the probation.
pub async fn assign_mentor(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: i64,
    on: Date,
    probation: bool,
) -> Result<(), StoreError> {
    let table = if probation {
        "probation_mentors"
    } else {
        "mentors"
    };
    sqlx::query(&format!(
        "INSERT INTO {table} (candidate_id, member_id, assigned_on) VALUES ($1, $2, $3)"
    ))
    .bind(candidate_id)
    .bind(member_id)
    .bind(iso(on))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct CandidateView {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Date,
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub stage: String,
    pub stage_since: Date,
    pub movement: Option<String>,
    pub mentors: Vec<String>,
}

/// Candidates proposed by units in the subtree, with their mentors' names.
pub async fn in_subtree(conn: &mut Conn, root: &OrgPath) -> Result<Vec<CandidateView>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT c.id AS id, p.full_name AS full_name, p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, \
         c.stage AS stage, c.stage_since AS stage_since, mv.name AS movement \
         FROM candidates c JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id \
         LEFT JOIN movements mv ON mv.id = c.movement_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY c.stage_since, c.id",
    )
    .bind(&lo)
    .bind(&hi)
    .fetch_all(&mut *conn)
    .await?;
    let mentor_rows = sqlx::query(
        "SELECT mt.candidate_id AS candidate_id, p.full_name AS full_name FROM mentors mt \
         JOIN candidates c ON c.id = mt.candidate_id JOIN units u ON u.id = c.unit_id \
         JOIN members m ON m.id = mt.member_id JOIN people p ON p.id = m.person_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY mt.assigned_on, m.id",
    )
    .bind(&lo)
    .bind(&hi)
    .fetch_all(&mut *conn)
    .await?;
    let mut mentors: HashMap<i64, Vec<String>> = HashMap::new();
    for r in &mentor_rows {
        mentors
            .entry(r.try_get("candidate_id")?)
            .or_default()
            .push(r.try_get("full_name")?);
    }
    rows.iter()
        .map(|r| candidate_view(r, &mut mentors))
        .collect()
}

/// A candidate's stage history, oldest first: (stage, date, recorded by).
pub async fn history(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Vec<(String, Date, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT stage, on_date, recorded_by FROM candidate_stages WHERE candidate_id = $1 ORDER BY on_date, id",
    )
    .bind(candidate_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("stage")?,
                date(r, "on_date")?,
                r.try_get("recorded_by")?,
            ))
        })
        .collect()
}

/// A candidate record as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRow {
    pub id: i64,
    pub person_id: i64,
    pub unit_id: i64,
    pub movement_id: Option<i64>,
    pub member_id: Option<i64>,
    pub stage: String,
    pub stage_since: Date,
}

fn candidate_row(r: &sqlx::any::AnyRow) -> Result<CandidateRow, StoreError> {
    Ok(CandidateRow {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        unit_id: r.try_get("unit_id")?,
        movement_id: r.try_get("movement_id")?,
        member_id: r.try_get("member_id")?,
        stage: r.try_get("stage")?,
        stage_since: date(r, "stage_since")?,
    })
}

const CANDIDATE_COLS: &str = "id, person_id, unit_id, movement_id, member_id, stage, stage_since";

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<CandidateRow>, StoreError> {
    let r = sqlx::query(&format!(
        "SELECT {CANDIDATE_COLS} FROM candidates WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(candidate_row).transpose()
}

/// Every candidate record of a person (a person may come back after leaving).
pub async fn for_person(conn: &mut Conn, person_id: i64) -> Result<Vec<CandidateRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CANDIDATE_COLS} FROM candidates WHERE person_id = $1 ORDER BY id"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(candidate_row).collect()
}

pub async fn add_document(
    conn: &mut Conn,
    candidate_id: i64,
    code: &str,
    on: Date,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO candidate_documents (candidate_id, code, on_date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(candidate_id)
        .bind(code)
        .bind(iso(on))
        .bind(by)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn documents(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<BTreeMap<String, Date>, StoreError> {
    let rows = sqlx::query("SELECT code, on_date FROM candidate_documents WHERE candidate_id = $1")
        .bind(candidate_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("code")?, date(r, "on_date")?)))
        .collect()
}

/// A recorded vote: (stage, date, eligible, present, in favour, against).
pub type VoteRow = (String, Date, i64, i64, i64, i64);

#[allow(clippy::too_many_arguments)]
pub async fn add_vote(
    conn: &mut Conn,
    candidate_id: i64,
    stage: &str,
    on: Date,
    eligible: u32,
    present: u32,
    in_favour: u32,
    against: u32,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO candidate_votes (candidate_id, stage, on_date, eligible, present, in_favour, against) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(candidate_id)
        .bind(stage)
        .bind(iso(on))
        .bind(i64::from(eligible))
        .bind(i64::from(present))
        .bind(i64::from(in_favour))
        .bind(i64::from(against))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn votes(conn: &mut Conn, candidate_id: i64) -> Result<Vec<VoteRow>, StoreError> {
    let rows = sqlx::query("SELECT stage, on_date, eligible, present, in_favour, against FROM candidate_votes WHERE candidate_id = $1 ORDER BY on_date, id")
        .bind(candidate_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("stage")?,
                date(r, "on_date")?,
                r.try_get("eligible")?,
                r.try_get("present")?,
                r.try_get("in_favour")?,
                r.try_get("against")?,
            ))
        })
        .collect()
}

pub async fn add_introducer(
    conn: &mut Conn,
    candidate_id: i64,
    member_id: Option<i64>,
    kind: &str,
    together_since: Option<Date>,
    on: Date,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO candidate_introducers (candidate_id, member_id, kind, together_since, on_date) VALUES ($1, $2, $3, $4, $5)")
        .bind(candidate_id)
        .bind(member_id)
        .bind(kind)
        .bind(together_since.map(iso))
        .bind(iso(on))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An introducer with what the gate needs to know about them.
#[derive(Debug, Clone, PartialEq)]
pub struct IntroducerRow {
    /// The row's id (a correction names the introducer by it).
    pub id: i64,
    pub kind: String,
    pub member_id: Option<i64>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub official_on: Option<Date>,
    pub together_since: Option<Date>,
}

pub async fn introducers(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Vec<IntroducerRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id AS id, i.kind AS kind, i.member_id AS member_id, p.full_name AS name, m.status AS status, m.official_on AS official_on, i.together_since AS together_since \
         FROM candidate_introducers i LEFT JOIN members m ON m.id = i.member_id LEFT JOIN people p ON p.id = m.person_id \
         WHERE i.candidate_id = $1 ORDER BY i.id",
    )
    .bind(candidate_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(IntroducerRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                member_id: r.try_get("member_id")?,
                name: r.try_get("name")?,
                status: r.try_get("status")?,
                official_on: super::opt_date(r, "official_on")?,
                together_since: super::opt_date(r, "together_since")?,
            })
        })
        .collect()
}

pub async fn add_certificate(
    conn: &mut Conn,
    candidate_id: i64,
    issued_on: Date,
    number: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO candidate_certificates (candidate_id, issued_on, number) VALUES ($1, $2, $3)",
    )
    .bind(candidate_id)
    .bind(iso(issued_on))
    .bind(number)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest certificate: (issued on, number).
pub async fn latest_certificate(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<Option<(Date, String)>, StoreError> {
    let r = sqlx::query("SELECT issued_on, number FROM candidate_certificates WHERE candidate_id = $1 ORDER BY issued_on DESC, id DESC LIMIT 1")
        .bind(candidate_id)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok((date(&r, "issued_on")?, r.try_get("number")?)))
        .transpose()
}

/// Mentors of a candidate: (member id, name, assigned on).
pub async fn mentors(
    conn: &mut Conn,
    candidate_id: i64,
    probation: bool,
) -> Result<Vec<(i64, String, Date)>, StoreError> {
    let table = if probation {
        "probation_mentors"
    } else {
        "mentors"
    };
    let rows = sqlx::query(&format!(
        "SELECT mt.member_id AS member_id, p.full_name AS name, mt.assigned_on AS assigned_on FROM {table} mt \
         JOIN members m ON m.id = mt.member_id JOIN people p ON p.id = m.person_id WHERE mt.candidate_id = $1 ORDER BY mt.assigned_on, m.id"
    ))
    .bind(candidate_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("member_id")?,
                r.try_get("name")?,
                date(r, "assigned_on")?,
            ))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub async fn add_refusal(
    conn: &mut Conn,
    candidate_id: i64,
    stage: &str,
    on: Date,
    r: &ranks_domain::procedure::Refusal,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    // The arguments as a JSON list of [name, value] pairs, in their order.
    let args = serde_json::to_string(&r.args).unwrap_or_else(|_| "[]".into());
    sqlx::query("INSERT INTO candidate_refusals (candidate_id, stage, on_date, rule, source, message, recorded_by, recorded_at, message_key, message_args) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(candidate_id)
        .bind(stage)
        .bind(iso(on))
        .bind(&r.rule)
        .bind(&r.source)
        .bind(&r.message)
        .bind(by)
        .bind(at)
        .bind(&r.key)
        .bind(args)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the day the unit received the decision of the candidate's latest
/// entry into `stage`; false when the stage was never entered.
pub async fn set_received(
    conn: &mut Conn,
    candidate_id: i64,
    stage: &str,
    on: Date,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE candidate_stages SET received_on = $1 WHERE id = (SELECT MAX(id) FROM candidate_stages WHERE candidate_id = $2 AND stage = $3)",
    )
    .bind(iso(on))
    .bind(candidate_id)
    .bind(stage)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// The recorded receipts of a candidate's decisions: stage → day received.
pub async fn received(
    conn: &mut Conn,
    candidate_id: i64,
) -> Result<BTreeMap<String, Date>, StoreError> {
    let rows = sqlx::query(
        "SELECT stage, received_on FROM candidate_stages WHERE candidate_id = $1 AND received_on IS NOT NULL ORDER BY id",
    )
    .bind(candidate_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = BTreeMap::new();
    for r in &rows {
        out.insert(r.try_get("stage")?, date(r, "received_on")?);
    }
    Ok(out)
}

/// The recorded receipts of every candidate in the subtree: candidate id → stage → day.
pub async fn receipts_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<HashMap<i64, BTreeMap<String, Date>>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT s.candidate_id AS candidate_id, s.stage AS stage, s.received_on AS received_on FROM candidate_stages s \
         JOIN candidates c ON c.id = s.candidate_id JOIN units u ON u.id = c.unit_id \
         WHERE u.path >= $1 AND u.path < $2 AND s.received_on IS NOT NULL ORDER BY s.id",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, BTreeMap<String, Date>> = HashMap::new();
    for r in &rows {
        out.entry(r.try_get("candidate_id")?)
            .or_default()
            .insert(r.try_get("stage")?, date(r, "received_on")?);
    }
    Ok(out)
}

/// Stage histories of every candidate in the subtree: candidate id → [(stage, date)], oldest first.
pub async fn histories_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<HashMap<i64, Vec<(String, Date)>>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT s.candidate_id AS candidate_id, s.stage AS stage, s.on_date AS on_date FROM candidate_stages s \
         JOIN candidates c ON c.id = s.candidate_id JOIN units u ON u.id = c.unit_id \
         WHERE u.path >= $1 AND u.path < $2 ORDER BY s.candidate_id, s.on_date, s.id",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: HashMap<i64, Vec<(String, Date)>> = HashMap::new();
    for r in &rows {
        out.entry(r.try_get("candidate_id")?)
            .or_default()
            .push((r.try_get("stage")?, date(r, "on_date")?));
    }
    Ok(out)
}

/// The mentors' names of these candidates, in the order of assignment.
pub async fn mentor_names(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut mentors: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT mt.candidate_id AS candidate_id, p.full_name AS full_name FROM mentors mt \
             JOIN members m ON m.id = mt.member_id JOIN people p ON p.id = m.person_id \
             WHERE mt.candidate_id IN ({}) ORDER BY mt.assigned_on, m.id",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            mentors
                .entry(r.try_get("candidate_id")?)
                .or_default()
                .push(r.try_get("full_name")?);
        }
    }
    Ok(mentors)
}

/// Mentor assignments of the subtree's candidates: (candidate, member, member's name).
pub async fn mentor_links_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
    wide: bool,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    let (lo, hi) = root.subtree_range();
    // A subtree of most of the tree is read from the mentors outwards
    // (SQLite keeps the order of a CROSS JOIN): a country's 312,735 units
    // and 250,000 candidates were read to find its mentors.
    let joins = if wide {
        "FROM mentors mt CROSS JOIN candidates c CROSS JOIN units u CROSS JOIN members m \
         CROSS JOIN people p WHERE c.id = mt.candidate_id AND u.id = c.unit_id \
         AND m.id = mt.member_id AND p.id = m.person_id"
    } else {
        "FROM mentors mt JOIN candidates c ON c.id = mt.candidate_id JOIN units u ON u.id = c.unit_id \
         JOIN members m ON m.id = mt.member_id JOIN people p ON p.id = m.person_id WHERE 1 = 1"
    };
    let rows = sqlx::query(&format!(
        "SELECT mt.candidate_id, mt.member_id, p.full_name {joins} \
         AND u.path >= $1 AND u.path < $2 ORDER BY mt.member_id"
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// Files per stage in the subtree (every stage that has any).
pub async fn count_by_stage(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<HashMap<String, u64>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(
        "SELECT c.stage AS stage, COUNT(*) AS n FROM candidates c JOIN units u ON u.id = c.unit_id \
         WHERE u.path >= $1 AND u.path < $2 GROUP BY c.stage",
    )
    .bind(&lo)
    .bind(&hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("stage")?,
                r.try_get::<i64, _>("n")? as u64,
            ))
        })
        .collect()
}

/// A candidate's memberships: (Youth Union member, trade-union member).
pub async fn memberships(conn: &mut Conn, candidate_id: i64) -> Result<(bool, bool), StoreError> {
    let r =
        sqlx::query("SELECT youth_union_member, trade_union_member FROM candidates WHERE id = $1")
            .bind(candidate_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok((
        r.try_get::<i64, _>("youth_union_member")? != 0,
        r.try_get::<i64, _>("trade_union_member")? != 0,
    ))
}

/// Records a candidate's memberships of the Youth Union and the trade union.
pub async fn set_memberships(
    conn: &mut Conn,
    candidate_id: i64,
    youth_union: bool,
    trade_union: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE candidates SET youth_union_member = $1, trade_union_member = $2 WHERE id = $3",
    )
    .bind(i64::from(youth_union))
    .bind(i64::from(trade_union))
    .bind(candidate_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A candidate row of a list (`id`, `full_name`, `birth_date`,
/// `unit_code`, `unit_name`, `stage`, `stage_since`, `movement`), with its
/// mentors taken from `mentors`.
pub(super) fn candidate_view(
    r: &dyn crate::lite::Get,
    mentors: &mut HashMap<i64, Vec<String>>,
) -> Result<CandidateView, StoreError> {
    let id: i64 = r.int("id")?;
    Ok(CandidateView {
        id,
        full_name: r.text("full_name")?,
        birth_date: date(r, "birth_date")?,
        unit_code: UnitCode::parse(&r.text("unit_code")?)?,
        unit_name: r.text("unit_name")?,
        stage: r.text("stage")?,
        stage_since: date(r, "stage_since")?,
        movement: r.opt_text("movement")?,
        mentors: mentors.remove(&id).unwrap_or_default(),
    })
}
