//! The refused attempts as the supervisors read them: filtered by unit
//! (subtree), stage, rule and the day of the attempt, newest first, a page
//! at a time.

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath, UnitCode};
use sqlx::Row;

/// What to look for; empty strings and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct RefusalFilter {
    pub stage: String,
    pub rule: String,
    /// The day of the attempt, from and to (both included).
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// One refused attempt with who tried it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRefusal {
    pub candidate_id: i64,
    pub full_name: String,
    pub unit_code: UnitCode,
    pub stage: String,
    /// The date the step was given.
    pub on: Date,
    pub rule: String,
    pub source: String,
    pub message: String,
    pub recorded_by: String,
    /// When the attempt was made (RFC 3339).
    pub recorded_at: String,
    /// The message's key and arguments (empty for attempts refused before
    /// they were kept).
    pub key: String,
    pub args: Vec<(String, String)>,
}

/// The refusals of a subtree. `wide`: a subtree of most of the tree, read
/// from the refusals outwards (SQLite keeps the order of a CROSS JOIN; a
/// country's 312,735 units and their candidates were read for an empty
/// log); otherwise from the subtree's units inwards.
fn from_where(wide: bool) -> String {
    let joins = if wide {
        "FROM candidate_refusals r CROSS JOIN candidates c CROSS JOIN people p CROSS JOIN units u \
         WHERE c.id = r.candidate_id AND p.id = c.person_id AND u.id = c.unit_id"
    } else {
        "FROM units u JOIN candidates c ON c.unit_id = u.id JOIN people p ON p.id = c.person_id \
         JOIN candidate_refusals r ON r.candidate_id = c.id WHERE 1 = 1"
    };
    format!(
        "{joins} AND u.path >= $1 AND u.path < $2 AND ($3 = '' OR r.stage = $3) \
         AND ($4 = '' OR r.rule = $4) AND r.recorded_at >= $5 AND r.recorded_at < $6"
    )
}

fn bounds(f: &RefusalFilter) -> (String, String) {
    let from = f.from.map(iso).unwrap_or_default();
    let to =
        f.to.and_then(|d| d.succ_opt())
            .map(iso)
            .unwrap_or_else(|| "9999".into());
    (from, to)
}

/// A page of the refusals in `root`'s subtree matching `f`, and how many
/// match in all.
pub async fn page(
    conn: &mut Conn,
    root: &OrgPath,
    f: &RefusalFilter,
    limit: i64,
    offset: i64,
    wide: bool,
) -> Result<(Vec<LoggedRefusal>, i64), StoreError> {
    let (lo, hi) = root.subtree_range();
    let (from, to) = bounds(f);
    let from_where = from_where(wide);
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) {from_where}"))
        .bind(&lo)
        .bind(&hi)
        .bind(&f.stage)
        .bind(&f.rule)
        .bind(&from)
        .bind(&to)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let rows = sqlx::query(&format!(
        "SELECT r.candidate_id AS candidate_id, p.full_name AS full_name, u.code AS unit_code, r.stage AS stage, \
         r.on_date AS on_date, r.rule AS rule, r.source AS source, r.message AS message, \
         r.recorded_by AS recorded_by, r.recorded_at AS recorded_at, \
         r.message_key AS message_key, r.message_args AS message_args {from_where} \
         ORDER BY r.recorded_at DESC, r.id DESC LIMIT $7 OFFSET $8"
    ))
    .bind(&lo)
    .bind(&hi)
    .bind(&f.stage)
    .bind(&f.rule)
    .bind(&from)
    .bind(&to)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let list = rows
        .iter()
        .map(|r| {
            Ok(LoggedRefusal {
                candidate_id: r.try_get("candidate_id")?,
                full_name: r.try_get("full_name")?,
                unit_code: UnitCode::parse(&r.try_get::<String, _>("unit_code")?)?,
                stage: r.try_get("stage")?,
                on: date(r, "on_date")?,
                rule: r.try_get("rule")?,
                source: r.try_get("source")?,
                message: r.try_get("message")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
                key: r.try_get("message_key")?,
                // A list the program wrote; an unreadable one names the rule only.
                args: serde_json::from_str(&r.try_get::<String, _>("message_args")?)
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((list, total))
}

/// The rules that refused something in the subtree (for the filter).
pub async fn rules(conn: &mut Conn, root: &OrgPath, wide: bool) -> Result<Vec<String>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let joins = if wide {
        "FROM candidate_refusals r CROSS JOIN candidates c CROSS JOIN units u \
         WHERE c.id = r.candidate_id AND u.id = c.unit_id"
    } else {
        "FROM units u JOIN candidates c ON c.unit_id = u.id \
         JOIN candidate_refusals r ON r.candidate_id = c.id WHERE 1 = 1"
    };
    let rows = sqlx::query(&format!(
        "SELECT DISTINCT r.rule {joins} AND u.path >= $1 AND u.path < $2 ORDER BY r.rule"
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect()
}
