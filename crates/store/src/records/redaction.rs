//! Erasing a person's values from the audit log while the chain still
//! verifies (docs/privacy.md).
//!
//! An entry's MAC covers its content, and the next entry's MAC covers this
//! MAC, so a changed entry cannot be sealed again without rewriting every
//! MAC after it (and contradicting the checkpoint file). So an erased entry
//! keeps its MAC (the chain's links and the checkpoint lines still hold),
//! its personal values are replaced by [`ERASED`], and the MAC of its new
//! content is recorded in the `erase` entry appended in the same
//! transaction (`after.redacted`: `[[entry id, MAC], …]`), itself sealed
//! and chained. `verify` accepts an entry whose MAC does not hold over its
//! content only when a sealed `erase` entry recorded the MAC of exactly
//! that content: without the key nobody can redact an entry, or change a
//! redacted one, unseen. The erased values are stored nowhere; the old MAC
//! is an HMAC over them, which without the key says nothing about them.

use super::audit::{chain_row, mac_holds, ChainRow, CHAIN_COLS};
use crate::anchor::AuditKey;
use crate::error::StoreError;
use crate::{Conn, WriteTx};
use serde_json::Value;
use sqlx::Row;
use std::collections::BTreeMap;

/// What an erased value reads as, everywhere.
pub const ERASED: &str = "[đã xóa]";

/// The keys of a person's after-images and before-images that hold
/// personal details: every value under them is erased.
pub const PERSON_KEYS: &[&str] = &[
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "occupation",
    "general_grade",
    "area",
    "id_number",
    "phone",
];

/// Free text and identifiers in the entries of a candidate's file or a
/// consent (reasons, a certificate's number, a refusal's message).
pub const FILE_KEYS: &[&str] = &[
    "reason",
    "skip_reason",
    "eligible_reason",
    "detail",
    "number",
    "message",
];

/// The records that belong to one person: another person's entries are
/// never rewritten, even when they hold the same name.
const OTHERS_RECORDS: &[&str] = &["person", "member", "candidate", "consent"];

/// The redactions the sealed `erase` entries recorded: entry id → the MAC
/// of its content as redacted (the newest erasure of an entry wins).
/// An `erase` entry whose own MAC does not hold is not believed.
pub async fn recorded(
    conn: &mut Conn,
    key: &AuditKey,
) -> Result<BTreeMap<i64, String>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CHAIN_COLS} FROM audit_log WHERE entity = 'person' AND action = 'erase' ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = BTreeMap::new();
    for r in &rows {
        let row = chain_row(r)?;
        if !mac_holds(key, &row) {
            continue;
        }
        let Some(after) = row.1[6].as_deref() else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(after) else {
            continue;
        };
        for pair in v["redacted"].as_array().into_iter().flatten() {
            if let (Some(id), Some(mac)) = (pair[0].as_i64(), pair[1].as_str()) {
                if id < row.0 {
                    out.insert(id, mac.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// True when the entry's content is the redacted content an erasure
/// recorded.
pub(crate) fn holds(key: &AuditKey, row: &ChainRow, recorded: &BTreeMap<i64, String>) -> bool {
    let (id, f, prev, _) = row;
    recorded.get(id).is_some_and(|m| {
        key.mac(
            prev.as_deref().unwrap_or(""),
            *id,
            f.each_ref().map(|x| x.as_deref()),
        ) == *m
    })
}

/// Whose entries an erasure rewrites.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub person_id: i64,
    pub candidate_ids: Vec<i64>,
    pub consent_ids: Vec<i64>,
    /// Values erased wherever they occur in any entry (the name, the ID
    /// number, the phone).
    pub needles: Vec<String>,
}

fn like(needle: &str) -> String {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Replaces the values under `keys` and every occurrence of a needle in
/// any string. True when something changed.
fn scrub(v: &mut Value, keys: &[&str], needles: &[String]) -> bool {
    match v {
        Value::Object(map) => {
            let mut changed = false;
            for (k, x) in map.iter_mut() {
                if keys.contains(&k.as_str()) && !x.is_null() && x.as_str() != Some(ERASED) {
                    *x = Value::String(ERASED.into());
                    changed = true;
                } else {
                    changed |= scrub(x, keys, needles);
                }
            }
            changed
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |c, x| scrub(x, keys, needles) | c),
        Value::String(s) => {
            let mut out = s.clone();
            for n in needles {
                out = out.replace(n.as_str(), ERASED);
            }
            if out != *s {
                *s = out;
                true
            } else {
                false
            }
        }
        _ => false,
    }
}

fn scrub_text(text: Option<&str>, keys: &[&str], needles: &[String]) -> Option<String> {
    let text = text?;
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            if scrub(&mut v, keys, needles) {
                Some(v.to_string())
            } else {
                None
            }
        }
        Err(_) => {
            let mut out = text.to_string();
            for n in needles {
                out = out.replace(n.as_str(), ERASED);
            }
            (out != text).then_some(out)
        }
    }
}

/// Rewrites every entry about the subject (their person record, their
/// candidate files, their consents) or holding one of the needles, in the
/// caller's write transaction: the personal values replaced, the MAC left
/// as it was. Returns each rewritten entry's id with the MAC of its new
/// content, for the `erase` entry that records them.
pub async fn redact(tx: &mut WriteTx, subject: &Subject) -> Result<Vec<(i64, String)>, StoreError> {
    let key = tx
        .audit_key()
        .cloned()
        .ok_or_else(|| StoreError::Audit("no audit key is attached to the database".into()))?;
    let conn = tx.conn();
    super::audit::lock(conn).await?;
    let mut cond = vec!["(entity = 'person' AND entity_id = $1)".to_string()];
    let list = |ids: &[i64]| {
        ids.iter()
            .map(|i| format!("'{i}'"))
            .collect::<Vec<_>>()
            .join(",")
    };
    if !subject.candidate_ids.is_empty() {
        cond.push(format!(
            "(entity = 'candidate' AND entity_id IN ({}))",
            list(&subject.candidate_ids)
        ));
    }
    if !subject.consent_ids.is_empty() {
        cond.push(format!(
            "(entity = 'consent' AND entity_id IN ({}))",
            list(&subject.consent_ids)
        ));
    }
    for i in 0..subject.needles.len() {
        let p = i + 2;
        cond.push(format!(
            "before_json LIKE ${p} ESCAPE '\\' OR after_json LIKE ${p} ESCAPE '\\'"
        ));
    }
    let sql = format!(
        "SELECT {CHAIN_COLS} FROM audit_log WHERE {} ORDER BY id",
        cond.join(" OR ")
    );
    let mut q = sqlx::query(&sql).bind(subject.person_id.to_string());
    for n in &subject.needles {
        q = q.bind(like(n));
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for r in &rows {
        let (id, f, prev, _) = chain_row(r)?;
        let (entity, entity_id) = (f[3].as_deref(), f[4].as_deref());
        let own = |e: &str, ids: &[i64]| {
            entity == Some(e)
                && ids
                    .iter()
                    .any(|i| Some(i.to_string().as_str()) == entity_id)
        };
        let keys: Vec<&str> = if own("person", &[subject.person_id]) {
            PERSON_KEYS.iter().chain(FILE_KEYS).copied().collect()
        } else if own("candidate", &subject.candidate_ids) || own("consent", &subject.consent_ids) {
            FILE_KEYS.to_vec()
        } else if matches!(entity, Some(e) if OTHERS_RECORDS.contains(&e)) {
            // Another person's record that holds the same name (a
            // namesake, common in Vietnam): theirs, not the subject's.
            continue;
        } else {
            Vec::new()
        };
        let before = scrub_text(f[5].as_deref(), &keys, &subject.needles);
        let after = scrub_text(f[6].as_deref(), &keys, &subject.needles);
        if before.is_none() && after.is_none() {
            continue;
        }
        let before = before.or_else(|| f[5].clone());
        let after = after.or_else(|| f[6].clone());
        sqlx::query("UPDATE audit_log SET before_json = $1, after_json = $2 WHERE id = $3")
            .bind(&before)
            .bind(&after)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let mac = key.mac(
            prev.as_deref().unwrap_or(""),
            id,
            [
                f[0].as_deref(),
                f[1].as_deref(),
                f[2].as_deref(),
                f[3].as_deref(),
                f[4].as_deref(),
                before.as_deref(),
                after.as_deref(),
            ],
        );
        out.push((id, mac));
    }
    Ok(out)
}

/// How many entries name the person's records (for the erasure's row).
pub async fn count_for(conn: &mut Conn, entity: &str, id: i64) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND entity_id = $2")
            .bind(entity)
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_erases_keys_and_needles_only() {
        let mut v = serde_json::json!({
            "full_name": "Lò Thị Mai", "stage": "pool",
            "note": "hồ sơ của Lò Thị Mai", "list": ["x", "Lò Thị Mai"], "general_grade": 12
        });
        assert!(scrub(&mut v, PERSON_KEYS, &["Lò Thị Mai".into()]));
        assert_eq!(v["full_name"], ERASED);
        assert_eq!(v["general_grade"], ERASED);
        assert_eq!(v["stage"], "pool");
        assert_eq!(v["note"], format!("hồ sơ của {ERASED}"));
        assert_eq!(v["list"][1], ERASED);
        // A second pass changes nothing.
        assert!(!scrub(&mut v, PERSON_KEYS, &["Lò Thị Mai".into()]));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like("a_b%c"), "%a\\_b\\%c%");
    }
}
