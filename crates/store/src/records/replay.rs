//! Replays the audit log's after-images against the current rows: for each
//! record the log covers, the newest value the log wrote for each column
//! must be the value the row holds now. A row edited, or deleted, behind
//! the application's back is named with its table, key, column, the logged
//! value and the current one.
//!
//! What is covered: the columns an after-image names, for units, members,
//! people, candidates, terms, term and year targets and movements. Not
//! covered: columns no after-image names (a unit's path, rewritten for a
//! whole subtree by a move), rows a bulk load wrote (one entry per file,
//! not per row), tables the log does not describe row by row.

use crate::error::StoreError;
use crate::records::audit::Difference;
use crate::Conn;
use serde_json::Value;
use sqlx::Row;
use std::collections::BTreeMap;

/// One column an after-image may name.
struct Field {
    /// The after-image's key.
    key: &'static str,
    /// The column reported.
    column: &'static str,
    /// SQL giving the current value as text.
    expr: &'static str,
    /// The actions whose after-images set it (all, when empty).
    actions: &'static [&'static str],
}

/// How a record's key (`entity_id`) finds its row.
enum Key {
    /// An integer id: `WHERE <table>.id = $1`.
    Id,
    /// `UNIT:OTHER`: the condition with the unit code as $1 and the other
    /// part as $2 (an integer when `int`).
    Pair { cond: &'static str, int: bool },
}

struct Spec {
    entity: &'static str,
    table: &'static str,
    from: &'static str,
    key: Key,
    fields: &'static [Field],
}

const fn f(key: &'static str, expr: &'static str) -> Field {
    Field {
        key,
        column: key,
        expr,
        actions: &[],
    }
}

const SPECS: &[Spec] = &[
    Spec {
        entity: "unit",
        table: "units",
        from: "units",
        key: Key::Id,
        fields: &[
            f("code", "units.code"),
            f("name", "units.name"),
            f("kind", "units.kind"),
            f("parent_id", "CAST(units.parent_id AS TEXT)"),
            f("created_on", "units.created_on"),
        ],
    },
    Spec {
        entity: "member",
        table: "members",
        from: "members",
        key: Key::Id,
        fields: &[
            f("person_id", "CAST(members.person_id AS TEXT)"),
            f("unit_id", "CAST(members.unit_id AS TEXT)"),
            f("status", "members.status"),
            f("admitted_on", "members.admitted_on"),
            f("official_on", "members.official_on"),
            f("left_on", "members.left_on"),
            f("exempted", "members.exempted"),
            f("card_number", "members.card_number"),
            f("host_unit_id", "CAST(members.host_unit_id AS TEXT)"),
            f("host_until", "members.host_until"),
            f("left_ground", "members.left_ground"),
            f("record_cleared_on", "members.record_cleared_on"),
        ],
    },
    Spec {
        entity: "person",
        table: "people",
        from: "people",
        key: Key::Id,
        fields: &[
            f("full_name", "people.full_name"),
            f("gender", "people.gender"),
            f("birth_date", "people.birth_date"),
            f("ethnicity", "people.ethnicity"),
            f("education", "people.education"),
            f("occupation", "people.occupation"),
            f("general_grade", "CAST(people.general_grade AS TEXT)"),
            f("area", "people.area"),
            f("id_number", "people.id_number"),
            f("phone", "people.phone"),
        ],
    },
    Spec {
        entity: "candidate",
        table: "candidates",
        from: "candidates",
        key: Key::Id,
        fields: &[
            Field {
                key: "person_id",
                column: "person_id",
                expr: "CAST(candidates.person_id AS TEXT)",
                actions: &["create"],
            },
            Field {
                key: "unit",
                column: "unit_id",
                expr: "(SELECT u.code FROM units u WHERE u.id = candidates.unit_id)",
                actions: &["create"],
            },
            Field {
                key: "movement_id",
                column: "movement_id",
                expr: "CAST(candidates.movement_id AS TEXT)",
                actions: &["create"],
            },
            Field {
                key: "stage",
                column: "stage",
                expr: "candidates.stage",
                // A step withdrawn (issue 15) puts the file back at the
                // step before, which its after-image names.
                actions: &["create", "stage", "withdraw", "correct"],
            },
            Field {
                key: "since",
                column: "stage_since",
                expr: "candidates.stage_since",
                actions: &["create"],
            },
            Field {
                key: "on",
                column: "stage_since",
                expr: "candidates.stage_since",
                // A step's date corrected names the file's day too.
                actions: &["stage", "withdraw", "correct"],
            },
            Field {
                key: "member_id",
                column: "member_id",
                expr: "CAST(candidates.member_id AS TEXT)",
                actions: &["link"],
            },
        ],
    },
    Spec {
        entity: "term",
        table: "terms",
        from: "terms",
        key: Key::Id,
        fields: &[
            f("name", "terms.name"),
            f("starts_on", "terms.starts_on"),
            f("ends_on", "terms.ends_on"),
        ],
    },
    Spec {
        entity: "movement",
        table: "movements",
        from: "movements",
        key: Key::Id,
        fields: &[
            f("code", "movements.code"),
            f("name", "movements.name"),
            f("started_on", "movements.started_on"),
        ],
    },
    Spec {
        entity: "term_target",
        table: "term_targets",
        from: "term_targets tt JOIN units u ON u.id = tt.unit_id JOIN terms t ON t.id = tt.term_id",
        key: Key::Pair {
            cond: "u.code = $1 AND t.name = $2",
            int: false,
        },
        fields: &[f("target", "CAST(tt.target AS TEXT)")],
    },
    Spec {
        entity: "year_target",
        table: "year_targets",
        from: "year_targets yt JOIN units u ON u.id = yt.unit_id",
        key: Key::Pair {
            cond: "u.code = $1 AND yt.year = $2",
            int: true,
        },
        fields: &[f("target", "CAST(yt.target AS TEXT)")],
    },
];

/// A JSON value as the text a column holds.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// Per record: column → (logged value, entry id), the newest entry winning.
type Folded = BTreeMap<(usize, i64, String), BTreeMap<&'static str, (Option<String>, i64)>>;

/// Compares every covered record's current row with its newest logged
/// values. The number of records compared and every difference, in table
/// and key order.
pub async fn replay(conn: &mut Conn) -> Result<(u64, Vec<Difference>), StoreError> {
    use futures_util::TryStreamExt;
    let entities: Vec<String> = SPECS.iter().map(|s| format!("'{}'", s.entity)).collect();
    let sql = format!(
        "SELECT id, action, entity, entity_id, after_json FROM audit_log \
         WHERE after_json IS NOT NULL AND entity IN ({}) ORDER BY id",
        entities.join(", ")
    );
    let mut folded: Folded = BTreeMap::new();
    {
        let mut rows = sqlx::query(&sql).fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            let entry: i64 = r.try_get(0)?;
            let action: String = r.try_get(1)?;
            let entity: String = r.try_get(2)?;
            let key: String = r.try_get(3)?;
            let after: String = r.try_get(4)?;
            let Some(si) = SPECS.iter().position(|s| s.entity == entity) else {
                continue;
            };
            let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(&after) else {
                continue;
            };
            let spec = &SPECS[si];
            let order = key.parse::<i64>().unwrap_or(i64::MAX);
            if obj.get("deleted") == Some(&Value::Bool(true)) {
                // Removed by the application (a withdrawn admission
                // decision's member): nothing of it is expected to stand.
                folded.remove(&(si, order, key));
                continue;
            }
            let record = folded.entry((si, order, key)).or_default();
            for field in spec.fields {
                if !field.actions.is_empty() && !field.actions.contains(&action.as_str()) {
                    continue;
                }
                if let Some(v) = obj.get(field.key) {
                    record.insert(field.column, (text(v), entry));
                }
            }
        }
    }
    let mut differences = Vec::new();
    let mut records = 0u64;
    for ((si, _, key), logged) in &folded {
        if logged.is_empty() {
            continue;
        }
        let spec = &SPECS[*si];
        // One value per column named (the first field giving it).
        let mut columns: Vec<(&'static str, &'static str)> = Vec::new();
        for field in spec.fields {
            if logged.contains_key(field.column) && !columns.iter().any(|c| c.0 == field.column) {
                columns.push((field.column, field.expr));
            }
        }
        let select = columns.iter().map(|c| c.1).collect::<Vec<_>>().join(", ");
        let row = match &spec.key {
            Key::Id => {
                let Ok(id) = key.parse::<i64>() else {
                    continue;
                };
                sqlx::query(&format!(
                    "SELECT {select} FROM {} WHERE {}.id = $1",
                    spec.from, spec.table
                ))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
            }
            Key::Pair { cond, int } => {
                let Some((unit, other)) = key.split_once(':') else {
                    continue;
                };
                let q = format!("SELECT {select} FROM {} WHERE {cond}", spec.from);
                let q = sqlx::query(&q).bind(unit);
                let q = if *int {
                    let Ok(n) = other.parse::<i64>() else {
                        continue;
                    };
                    q.bind(n)
                } else {
                    q.bind(other)
                };
                q.fetch_optional(&mut *conn).await?
            }
        };
        records += 1;
        let Some(row) = row else {
            let entry = logged.values().map(|v| v.1).max().unwrap_or(0);
            differences.push(Difference {
                table: spec.table,
                id: key.clone(),
                field: "*".into(),
                logged: None,
                current: None,
                entry,
            });
            continue;
        };
        for (i, (column, _)) in columns.iter().enumerate() {
            let current: Option<String> = row.try_get(i)?;
            let (value, entry) = &logged[column];
            if *value != current {
                differences.push(Difference {
                    table: spec.table,
                    id: key.clone(),
                    field: column.to_string(),
                    logged: value.clone(),
                    current,
                    entry: *entry,
                });
            }
        }
    }
    Ok((records, differences))
}
