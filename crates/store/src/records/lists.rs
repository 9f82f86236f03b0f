//! Paged lists of the unit page: a bounded slice per query, never the
//! whole subtree (a province holds hundreds of thousands of members).

use super::bound_ids;
use super::candidates::{candidate_view, CandidateView};
use super::members::{member_view, MemberView, MEMBER_VIEW};
use crate::error::StoreError;
use crate::lite::{Arg, Reader};
use crate::Conn;
use ranks_domain::{Date, MemberStatus, OrgPath};
use sqlx::Row;
use std::collections::HashMap;

/// Members registered directly in `unit_id` with one of `statuses`, id
/// above `after`, by id, at most `limit` (one index range of
/// `members(unit_id, status)`).
pub async fn members_of_unit(
    conn: &mut Reader<'_>,
    unit_id: i64,
    statuses: &[MemberStatus],
    after: i64,
    limit: i64,
) -> Result<Vec<MemberView>, StoreError> {
    let (a, b) = match statuses {
        [one] => (one.as_str(), one.as_str()),
        [a, b, ..] => (a.as_str(), b.as_str()),
        [] => return Ok(Vec::new()),
    };
    let sql = format!(
        "{MEMBER_VIEW} WHERE m.unit_id = $1 AND m.status IN ($2, $3) AND m.id > $4 ORDER BY m.id LIMIT $5"
    );
    let args = [
        unit_id.into(),
        a.into(),
        b.into(),
        after.into(),
        limit.into(),
    ];
    conn.all(&sql, &args, member_view).await
}

/// Where a page of candidates resumes: after this (stage since, id).
pub type CandidateKey = (Date, i64);

/// Candidates of the subtree at `stage`, longest in the stage first
/// (stage since, id), after `after`, at most `limit`, with their mentors.
/// The page is chosen on the candidates alone, then joined to the people.
pub async fn candidates_at_stage(
    conn: &mut Conn,
    root: &OrgPath,
    stage: &str,
    after: Option<CandidateKey>,
    limit: i64,
) -> Result<Vec<CandidateView>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let (since, id) = after
        .map(|(d, i)| (super::iso(d), i))
        .unwrap_or_else(|| (String::new(), 0));
    let rows = sqlx::query(
        "SELECT c.id AS id, p.full_name AS full_name, p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, \
         c.stage AS stage, c.stage_since AS stage_since, mv.name AS movement \
         FROM (SELECT c.id, c.person_id, c.unit_id, c.movement_id, c.stage, c.stage_since \
               FROM candidates c JOIN units u ON u.id = c.unit_id \
               WHERE u.path >= $1 AND u.path < $2 AND c.stage = $3 \
               AND (c.stage_since > $4 OR (c.stage_since = $4 AND c.id > $5)) \
               ORDER BY c.stage_since, c.id LIMIT $6) c \
         JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id \
         LEFT JOIN movements mv ON mv.id = c.movement_id ORDER BY c.stage_since, c.id",
    )
    .bind(&lo)
    .bind(&hi)
    .bind(stage)
    .bind(&since)
    .bind(id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64, _>("id"))
        .collect::<Result<_, _>>()?;
    let mut mentors = mentors_of(&mut Reader::Any(conn), &ids).await?;
    rows.iter()
        .map(|r| candidate_view(r, &mut mentors))
        .collect()
}

/// The candidates `ids` as the stage lists show them (the columns of
/// [`candidates_at_stage`], with their mentors), by id: one statement for
/// the rows and one for the mentors, whatever the number of stages.
pub async fn candidates_by_ids(
    conn: &mut Reader<'_>,
    ids: &[i64],
) -> Result<HashMap<i64, CandidateView>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // One statement: a row per (candidate, mentor), the mentors in the
    // order `mentors_of` gives them, a candidate without one on one row.
    let (list, binds) = bound_ids(1, ids);
    let sql = format!(
        "SELECT c.id AS id, p.full_name AS full_name, p.birth_date AS birth_date, u.code AS unit_code, u.name AS unit_name, \
         c.stage AS stage, c.stage_since AS stage_since, mv.name AS movement, mp.full_name AS mentor \
         FROM candidates c JOIN people p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id \
         LEFT JOIN movements mv ON mv.id = c.movement_id \
         LEFT JOIN mentors mt ON mt.candidate_id = c.id LEFT JOIN members m ON m.id = mt.member_id \
         LEFT JOIN people mp ON mp.id = m.person_id \
         WHERE c.id IN ({list}) ORDER BY c.id, mt.assigned_on, m.id"
    );
    let args: Vec<Arg> = binds.into_iter().map(Arg::from).collect();
    let rows = conn
        .all(&sql, &args, |r| {
            Ok((
                candidate_view(r, &mut HashMap::new())?,
                r.opt_text("mentor")?,
            ))
        })
        .await?;
    let mut out: HashMap<i64, CandidateView> = HashMap::with_capacity(rows.len());
    for (v, mentor) in rows {
        let entry = out.entry(v.id).or_insert(v);
        entry.mentors.extend(mentor);
    }
    Ok(out)
}

/// The mentors' names of a page of candidates (ids from the database).
async fn mentors_of(
    conn: &mut Reader<'_>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let (list, binds) = bound_ids(1, ids);
    let sql = format!(
        "SELECT mt.candidate_id AS candidate_id, p.full_name AS full_name FROM mentors mt \
         JOIN members m ON m.id = mt.member_id JOIN people p ON p.id = m.person_id \
         WHERE mt.candidate_id IN ({list}) ORDER BY mt.assigned_on, m.id"
    );
    let args: Vec<Arg> = binds.into_iter().map(Arg::from).collect();
    let rows = conn
        .all(&sql, &args, |r| {
            Ok((r.int("candidate_id")?, r.text("full_name")?))
        })
        .await?;
    for (id, name) in rows {
        out.entry(id).or_default().push(name);
    }
    Ok(out)
}
