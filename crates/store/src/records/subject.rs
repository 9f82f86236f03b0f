//! The data subject's rights (docs/privacy.md): everything held about one
//! person, their consents, and the erasure of the personal data of people
//! never admitted.

use super::redaction::{ERASED, PERSON_KEYS};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath};
use serde_json::{Map, Value};
use sqlx::Row;

/// Reads `cols` of the rows `FROM … WHERE …` as JSON objects of text (or
/// null), each value cast to text on both engines.
async fn rows_as_json(
    conn: &mut Conn,
    cols: &[&str],
    from_where: &str,
    id: i64,
) -> Result<Vec<Value>, StoreError> {
    let select = cols
        .iter()
        .map(|c| format!("CAST({c} AS TEXT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = sqlx::query(&format!("SELECT {select} FROM {from_where}"))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let mut m = Map::new();
            for (i, c) in cols.iter().enumerate() {
                let v: Option<String> = r.try_get(i)?;
                let name = c.rsplit('.').next().unwrap_or(c);
                m.insert(
                    name.to_string(),
                    v.map(Value::String).unwrap_or(Value::Null),
                );
            }
            Ok(Value::Object(m))
        })
        .collect()
}

/// The person's row, every column that holds something of them: the id
/// and the [`PERSON_KEYS`].
pub async fn person(conn: &mut Conn, person_id: i64) -> Result<Option<Value>, StoreError> {
    let cols: Vec<&str> = std::iter::once("id")
        .chain(PERSON_KEYS.iter().copied())
        .collect();
    Ok(rows_as_json(conn, &cols, "people WHERE id = $1", person_id)
        .await?
        .into_iter()
        .next())
}

/// The person's records `sql` selects (bound to `$1`: their ids and the
/// paths of the units that hold them), each with its row: `cols` of
/// `from_where` (bound to the record's id) as [`rows_as_json`] reads them,
/// or null.
async fn held(
    conn: &mut Conn,
    sql: &str,
    person_id: i64,
    cols: &[&str],
    from_where: &str,
) -> Result<Vec<FileOf>, StoreError> {
    let rows = sqlx::query(sql)
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get(0)?;
        let path: String = r.try_get(1)?;
        let path = OrgPath::parse(&path)?;
        let body = rows_as_json(conn, cols, from_where, id)
            .await?
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        out.push(FileOf { id, path, body });
    }
    Ok(out)
}

/// The parts of one candidate file, each a list of rows.
const FILE_PARTS: &[(&str, &str, &[&str])] = &[
    (
        "stages",
        "candidate_stages",
        &[
            "stage",
            "on_date",
            "received_on",
            "detail",
            "recorded_by",
            "recorded_at",
        ],
    ),
    (
        "documents",
        "candidate_documents",
        &["code", "on_date", "recorded_by", "recorded_at"],
    ),
    (
        "votes",
        "candidate_votes",
        &[
            "stage",
            "on_date",
            "eligible",
            "present",
            "in_favour",
            "against",
        ],
    ),
    (
        "introducers",
        "candidate_introducers",
        &["member_id", "kind", "together_since", "on_date"],
    ),
    (
        "certificates",
        "candidate_certificates",
        &["issued_on", "number"],
    ),
    ("mentors", "mentors", &["member_id", "assigned_on"]),
    (
        "probation_mentors",
        "probation_mentors",
        &["member_id", "assigned_on"],
    ),
    (
        "refusals",
        "candidate_refusals",
        &[
            "stage",
            "on_date",
            "rule",
            "source",
            "message",
            "recorded_by",
            "recorded_at",
        ],
    ),
    (
        "corrections",
        "candidate_corrections",
        &[
            "entry_kind",
            "action",
            "entry",
            "replaced_by",
            "reason",
            "recorded_by",
            "recorded_at",
        ],
    ),
];

/// A person's candidate file with where it is held.
#[derive(Debug, Clone)]
pub struct FileOf {
    pub id: i64,
    pub path: OrgPath,
    /// The file: the candidate row, then each part.
    pub body: Value,
}

/// Every candidate file of the person (all units; the caller keeps those
/// the reader may see).
pub async fn files(conn: &mut Conn, person_id: i64) -> Result<Vec<FileOf>, StoreError> {
    let mut out = held(
        conn,
        "SELECT c.id, u.path FROM candidates c JOIN units u ON u.id = c.unit_id WHERE c.person_id = $1 ORDER BY c.id",
        person_id,
        &[
            "id",
            "stage",
            "stage_since",
            "created_on",
            "member_id",
            "youth_union_member",
            "trade_union_member",
        ],
        "candidates WHERE id = $1",
    )
    .await?;
    for FileOf { id, body, .. } in &mut out {
        let id = *id;
        let unit = sqlx::query("SELECT u.code, u.name, mv.code FROM candidates c JOIN units u ON u.id = c.unit_id LEFT JOIN movements mv ON mv.id = c.movement_id WHERE c.id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        body["unit"] = Value::String(unit.try_get(0)?);
        body["unit_name"] = Value::String(unit.try_get(1)?);
        body["movement"] = unit
            .try_get::<Option<String>, _>(2)?
            .map(Value::String)
            .unwrap_or(Value::Null);
        for (name, table, cols) in FILE_PARTS {
            let part = rows_as_json(
                conn,
                cols,
                &format!("{table} WHERE candidate_id = $1 ORDER BY 1"),
                id,
            )
            .await?;
            body[*name] = Value::Array(part);
        }
    }
    Ok(out)
}

/// A person's memberships with their history, each with its unit's path.
pub async fn memberships(conn: &mut Conn, person_id: i64) -> Result<Vec<FileOf>, StoreError> {
    let mut out = held(
        conn,
        "SELECT m.id, u.path FROM members m JOIN units u ON u.id = m.unit_id WHERE m.person_id = $1 ORDER BY m.id",
        person_id,
        &[
            "m.id",
            "u.code",
            "m.status",
            "m.admitted_on",
            "m.official_on",
            "m.left_on",
            "m.exempted",
            "m.card_number",
            "m.card_issued_on",
            "m.host_until",
            "m.left_ground",
            "m.record_cleared_on",
        ],
        "members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1",
    )
    .await?;
    for FileOf { id, body, .. } in &mut out {
        let id = *id;
        if let Value::Object(m) = body {
            if let Some(code) = m.remove("code") {
                m.insert("unit".into(), code);
            }
        }
        body["events"] = Value::Array(
            rows_as_json(
                conn,
                &["kind", "on_date", "detail", "recorded_by", "recorded_at"],
                "member_events WHERE member_id = $1 ORDER BY on_date, id",
                id,
            )
            .await?,
        );
    }
    Ok(out)
}

/// One audit entry naming the person's records.
#[derive(Debug, Clone)]
pub struct EntryOf {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The audit entries about these records (`entity`, ids), oldest first.
pub async fn entries(
    conn: &mut Conn,
    records: &[(&str, Vec<i64>)],
) -> Result<Vec<EntryOf>, StoreError> {
    let mut cond = Vec::new();
    for (entity, ids) in records {
        if ids.is_empty() {
            continue;
        }
        let list = ids
            .iter()
            .map(|i| format!("'{i}'"))
            .collect::<Vec<_>>()
            .join(",");
        // `entity` is one of this crate's callers' constants, never input.
        cond.push(format!("(entity = '{entity}' AND entity_id IN ({list}))"));
    }
    if cond.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log WHERE {} ORDER BY id",
        cond.join(" OR ")
    ))
    .fetch_all(&mut *conn)
    .await?;
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    rows.iter()
        .map(|r| {
            Ok(EntryOf {
                id: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                action: r.try_get(3)?,
                entity: r.try_get(4)?,
                entity_id: r.try_get(5)?,
                before: json(r.try_get(6)?),
                after: json(r.try_get(7)?),
            })
        })
        .collect()
}

/// A consent as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Consent {
    pub id: i64,
    pub person_id: i64,
    pub purpose: String,
    pub given_on: Date,
    pub recorded_by: String,
    pub recorded_at: String,
    pub withdrawn_on: Option<Date>,
    pub withdrawal_reason: Option<String>,
    pub withdrawn_by: Option<String>,
}

fn consent(r: &sqlx::any::AnyRow) -> Result<Consent, StoreError> {
    Ok(Consent {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        purpose: r.try_get("purpose")?,
        given_on: super::date(r, "given_on")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        withdrawn_on: super::opt_date(r, "withdrawn_on")?,
        withdrawal_reason: r.try_get("withdrawal_reason")?,
        withdrawn_by: r.try_get("withdrawn_by")?,
    })
}

const CONSENT_COLS: &str = "id, person_id, purpose, given_on, recorded_by, recorded_at, withdrawn_on, withdrawal_reason, withdrawn_by";

pub async fn consents(conn: &mut Conn, person_id: i64) -> Result<Vec<Consent>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CONSENT_COLS} FROM consents WHERE person_id = $1 ORDER BY id"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(consent).collect()
}

pub async fn consent_by_id(conn: &mut Conn, id: i64) -> Result<Option<Consent>, StoreError> {
    let r = sqlx::query(&format!(
        "SELECT {CONSENT_COLS} FROM consents WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    r.as_ref().map(consent).transpose()
}

pub async fn give_consent(
    conn: &mut Conn,
    person_id: i64,
    purpose: &str,
    on: Date,
    by: &str,
    at: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query("INSERT INTO consents (person_id, purpose, given_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(person_id)
        .bind(purpose)
        .bind(super::iso(on))
        .bind(by)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

pub async fn withdraw_consent(
    conn: &mut Conn,
    id: i64,
    on: Date,
    reason: &str,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE consents SET withdrawn_on = $1, withdrawal_reason = $2, withdrawn_by = $3, withdrawn_at = $4 WHERE id = $5")
        .bind(super::iso(on))
        .bind(reason)
        .bind(by)
        .bind(at)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person whose personal data the retention rule erases: never a
/// member, every file closed by one of the exits, the newest closed on
/// `closed_on`, not erased yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Erasable {
    pub person_id: i64,
    pub closed_on: Date,
}

/// The people never admitted whose files all closed (at one of `exits`)
/// on or before `cutoff`, and who are not erased yet.
pub async fn erasable(
    conn: &mut Conn,
    exits: &[String],
    cutoff: Date,
    person: Option<i64>,
) -> Result<Vec<Erasable>, StoreError> {
    if exits.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (0..exits.len())
        .map(|i| format!("${}", i + 3))
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT c.person_id, MAX(c.stage_since) FROM candidates c \
         WHERE ($2 < 0 OR c.person_id = $2) \
         AND NOT EXISTS (SELECT 1 FROM members m WHERE m.person_id = c.person_id) \
         AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.person_id = c.person_id) \
         GROUP BY c.person_id \
         HAVING SUM(CASE WHEN c.stage IN ({marks}) THEN 0 ELSE 1 END) = 0 AND MAX(c.stage_since) <= $1 \
         ORDER BY c.person_id"
    );
    let mut q = sqlx::query(&sql)
        .bind(super::iso(cutoff))
        .bind(person.unwrap_or(-1));
    for e in exits {
        q = q.bind(e);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let s: String = r.try_get(1)?;
            Ok(Erasable {
                person_id: r.try_get(0)?,
                closed_on: Date::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| StoreError::Corrupt(format!("stage_since '{s}'")))?,
            })
        })
        .collect()
}

/// The person's values that may occur in free text elsewhere: the name,
/// the ID number, the phone (each only if long enough not to match
/// something else by chance).
pub async fn needles(conn: &mut Conn, person_id: i64) -> Result<Vec<String>, StoreError> {
    let r = sqlx::query("SELECT full_name, id_number, phone FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = r else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for i in 0..3 {
        if let Some(v) = r.try_get::<Option<String>, _>(i)? {
            let v = v.trim().to_string();
            if v.chars().count() >= 6 && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    Ok(out)
}

/// Erases the person's personal data from the tables, in the caller's
/// transaction: the name becomes `[đã xóa] #ID` (with its search keys and
/// postings), the other details empty, the date of birth only its year;
/// the free text of their files (stage notes, refusal messages, correction
/// reasons and entries, certificate numbers, consent withdrawal reasons)
/// erased. The files themselves (unit, stages, dates, votes' counts,
/// documents' codes) stay for the statistics. The person's values as they
/// now stand (the after-image of the `erase` entry).
pub async fn erase_rows(
    conn: &mut Conn,
    person_id: i64,
    needles: &[String],
) -> Result<Value, StoreError> {
    secure_delete(conn, true).await?;
    let placeholder = format!("{ERASED} #{person_id}");
    super::search::set_name(conn, person_id, &placeholder).await?;
    sqlx::query(
        "UPDATE people SET gender = '', ethnicity = '', education = '', occupation = '', \
         general_grade = 0, area = '', id_number = NULL, phone = NULL, \
         birth_date = SUBSTR(birth_date, 1, 4) || '-01-01' WHERE id = $1",
    )
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    let of_files = "candidate_id IN (SELECT id FROM candidates WHERE person_id = $1)";
    for sql in [
        format!("UPDATE candidate_certificates SET number = '{ERASED}' WHERE {of_files}"),
        format!("UPDATE candidate_stages SET detail = '{ERASED}' WHERE detail IS NOT NULL AND {of_files}"),
        format!("UPDATE candidate_refusals SET message = '{ERASED}', message_args = '[]' WHERE {of_files}"),
        format!("UPDATE candidate_corrections SET reason = '{ERASED}' WHERE {of_files}"),
        format!("UPDATE consents SET withdrawal_reason = '{ERASED}' WHERE withdrawal_reason IS NOT NULL AND person_id = $1"),
    ] {
        sqlx::query(&sql).bind(person_id).execute(&mut *conn).await?;
    }
    for n in needles {
        for (table, col) in [
            ("candidate_corrections", "entry"),
            ("candidate_corrections", "replaced_by"),
        ] {
            sqlx::query(&format!(
                "UPDATE {table} SET {col} = REPLACE({col}, $2, '{ERASED}') WHERE {of_files}"
            ))
            .bind(person_id)
            .bind(n)
            .execute(&mut *conn)
            .await?;
        }
    }
    let p = person(conn, person_id).await?.unwrap_or(Value::Null);
    let mut after = Map::new();
    for (k, v) in p.as_object().into_iter().flatten() {
        if k == "id" {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("general_grade", Value::String(s)) => {
                s.parse::<i64>().map(Value::from).unwrap_or(Value::Null)
            }
            _ => v.clone(),
        };
        after.insert(k.clone(), v);
    }
    Ok(Value::Object(after))
}

/// Records the erasure (that and when; never what).
pub async fn record_erasure(
    conn: &mut Conn,
    person_id: i64,
    ground: &str,
    at: &str,
    by: &str,
    entries: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO erasures (person_id, ground, erased_at, erased_by, entries) VALUES ($1, $2, $3, $4, $5)")
        .bind(person_id)
        .bind(ground)
        .bind(at)
        .bind(by)
        .bind(entries)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// When and why a person's data was erased, if it was.
pub async fn erasure(
    conn: &mut Conn,
    person_id: i64,
) -> Result<Option<(String, String)>, StoreError> {
    let r = sqlx::query("SELECT erased_at, ground FROM erasures WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// SQLite: overwrite deleted and replaced content with zeros in this
/// connection (`PRAGMA secure_delete`), so that an erased value does not
/// linger in the file's free space. Nothing on PostgreSQL.
pub async fn secure_delete(conn: &mut Conn, on: bool) -> Result<(), StoreError> {
    if conn.backend_name() == "SQLite" {
        let sql = if on {
            "PRAGMA secure_delete = ON"
        } else {
            "PRAGMA secure_delete = OFF"
        };
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// SQLite: copies the write-ahead log into the database and empties it
/// (`PRAGMA wal_checkpoint(TRUNCATE)`), so that the page images of before
/// an erasure are gone from the log file too. Best effort: false when a
/// reader kept it from finishing. Nothing on PostgreSQL (true).
pub async fn truncate_log(conn: &mut Conn) -> Result<bool, StoreError> {
    if conn.backend_name() != "SQLite" {
        return Ok(true);
    }
    let r = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut *conn)
        .await?;
    let busy: i64 = r.try_get(0)?;
    Ok(busy == 0)
}
