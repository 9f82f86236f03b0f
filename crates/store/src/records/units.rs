//! The org tree.

use super::{date, iso};
use crate::error::StoreError;
use crate::Conn;
use ranks_domain::{Date, OrgPath, UnitCode, UnitKind};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub id: i64,
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub path: OrgPath,
    pub created_on: Date,
}

impl UnitRow {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "id": self.id, "code": self.code, "name": self.name, "kind": self.kind,
            "parent_id": self.parent_id, "path": self.path.as_str(), "created_on": iso(self.created_on),
        })
    }
}

const COLS: &str = "id, code, name, kind, parent_id, path, created_on";

fn from_row(r: &AnyRow) -> Result<UnitRow, StoreError> {
    Ok(UnitRow {
        id: r.try_get("id")?,
        code: UnitCode::parse(&r.try_get::<String, _>("code")?)?,
        name: r.try_get("name")?,
        kind: UnitKind::parse(&r.try_get::<String, _>("kind")?)?,
        parent_id: r.try_get("parent_id")?,
        path: OrgPath::parse(&r.try_get::<String, _>("path")?)?,
        created_on: date(r, "created_on")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    code: &UnitCode,
    name: &str,
    kind: UnitKind,
    parent: Option<&UnitRow>,
    created_on: Date,
) -> Result<UnitRow, StoreError> {
    // The path needs the id, so insert with a unique placeholder first.
    let row = sqlx::query("INSERT INTO units (code, name, kind, parent_id, path, created_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(code.as_str())
        .bind(name)
        .bind(kind.as_str())
        .bind(parent.map(|p| p.id))
        .bind(format!("#{}", code.as_str()))
        .bind(iso(created_on))
        .fetch_one(&mut *conn)
        .await?;
    let id: i64 = row.try_get(0)?;
    let path = match parent {
        Some(p) => p.path.child(id),
        None => OrgPath::root(id),
    };
    sqlx::query("UPDATE units SET path = $1 WHERE id = $2")
        .bind(path.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(UnitRow {
        id,
        code: code.clone(),
        name: name.to_string(),
        kind,
        parent_id: parent.map(|p| p.id),
        path,
        created_on,
    })
}

pub async fn by_code(conn: &mut Conn, code: &UnitCode) -> Result<Option<UnitRow>, StoreError> {
    let r = sqlx::query(&format!("SELECT {COLS} FROM units WHERE code = $1"))
        .bind(code.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<UnitRow>, StoreError> {
    let r = sqlx::query(&format!("SELECT {COLS} FROM units WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.as_ref().map(from_row).transpose()
}

/// The units of `ids` (any order; the missing left out), in one query.
pub async fn by_ids(conn: &mut Conn, ids: &[i64]) -> Result<Vec<UnitRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::bound_ids(1, ids);
    let sql = format!("SELECT {COLS} FROM units WHERE id IN ({list})");
    let mut q = sqlx::query(&sql);
    for id in binds {
        q = q.bind(id);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// The unit and everything below it: one range scan on the path index.
pub async fn subtree(conn: &mut Conn, root: &OrgPath) -> Result<Vec<UnitRow>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM units WHERE path >= $1 AND path < $2 ORDER BY path"
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Units without a parent.
pub async fn roots(conn: &mut Conn) -> Result<Vec<UnitRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM units WHERE parent_id IS NULL ORDER BY code"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM units")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitMove {
    pub unit_id: i64,
    pub from_parent: Option<UnitCode>,
    pub to_parent: UnitCode,
    pub effective_on: Date,
    pub recorded_by: String,
}

/// Moves `unit` (with its whole subtree) under `new_parent`, recording the
/// move with its effective date. The caller has checked that the new parent
/// is not inside the unit.
pub async fn move_to(
    conn: &mut Conn,
    unit: &UnitRow,
    new_parent: &UnitRow,
    effective_on: Date,
    recorded_at: &str,
    recorded_by: &str,
) -> Result<UnitRow, StoreError> {
    let new_path = new_parent.path.child(unit.id);
    let (lo, hi) = unit.path.subtree_range();
    let old_len = unit.path.as_str().len() as i64;
    sqlx::query(
        "UPDATE units SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4",
    )
    .bind(new_path.as_str())
    .bind(old_len + 1)
    .bind(lo.as_str())
    .bind(hi.as_str())
    .execute(&mut *conn)
    .await?;
    super::postings::rebase(conn, &lo, &hi, old_len, new_path.as_str()).await?;
    sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2")
        .bind(new_parent.id)
        .bind(unit.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO unit_moves (unit_id, from_parent_id, to_parent_id, old_path, new_path, effective_on, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(unit.id)
        .bind(unit.parent_id)
        .bind(new_parent.id)
        .bind(unit.path.as_str())
        .bind(new_path.as_str())
        .bind(iso(effective_on))
        .bind(recorded_at)
        .bind(recorded_by)
        .execute(&mut *conn)
        .await?;
    Ok(UnitRow {
        parent_id: Some(new_parent.id),
        path: new_path,
        ..unit.clone()
    })
}

/// The moves of the units in a subtree, newest first.
pub async fn moves_in_subtree(
    conn: &mut Conn,
    root: &OrgPath,
) -> Result<Vec<(UnitCode, UnitMove)>, StoreError> {
    moves_in_subtree_first(conn, root, i64::MAX).await
}

/// The first `limit` of [`moves_in_subtree`], newest first.
pub async fn moves_in_subtree_first(
    conn: &mut Conn,
    root: &OrgPath,
    limit: i64,
) -> Result<Vec<(UnitCode, UnitMove)>, StoreError> {
    let (lo, hi) = root.subtree_range();
    let rows = sqlx::query(&format!(
        "{MOVE_VIEW} WHERE u.path >= $1 AND u.path < $2 ORDER BY m.effective_on DESC, m.id DESC LIMIT $3",
    ))
    .bind(lo)
    .bind(hi)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    move_views(&rows)
}

/// As [`moves_in_subtree_first`] for the whole tree: without the path
/// range, which made SQLite read every unit of the country (60 ms).
pub async fn moves_all_first(
    conn: &mut Conn,
    limit: i64,
) -> Result<Vec<(UnitCode, UnitMove)>, StoreError> {
    let rows = sqlx::query(&format!(
        "{MOVE_VIEW} ORDER BY m.effective_on DESC, m.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    move_views(&rows)
}

/// The columns of a move as [`moves_in_subtree_first`] lists it.
const MOVE_VIEW: &str = "SELECT u.code AS code, m.unit_id AS unit_id, f.code AS from_code, t.code AS to_code, m.effective_on AS effective_on, m.recorded_by AS recorded_by \
     FROM unit_moves m JOIN units u ON u.id = m.unit_id \
     LEFT JOIN units f ON f.id = m.from_parent_id JOIN units t ON t.id = m.to_parent_id";

/// As [`moves_in_subtree_first`], for a subtree given by its units' ids (a
/// small one, from the roll-up index): the same rows in the same order.
pub async fn moves_of_units_first(
    conn: &mut crate::lite::Reader<'_>,
    unit_ids: &[i64],
    limit: i64,
) -> Result<Vec<(UnitCode, UnitMove)>, StoreError> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (list, binds) = super::bound_ids(2, unit_ids);
    let sql = format!(
        "{MOVE_VIEW} WHERE m.unit_id IN ({list}) ORDER BY m.effective_on DESC, m.id DESC LIMIT $1"
    );
    let args: Vec<crate::lite::Arg> = std::iter::once(limit)
        .chain(binds)
        .map(Into::into)
        .collect();
    conn.all(&sql, &args, move_view).await
}

fn move_views(rows: &[AnyRow]) -> Result<Vec<(UnitCode, UnitMove)>, StoreError> {
    rows.iter().map(|r| move_view(r)).collect()
}

fn move_view(r: &dyn crate::lite::Get) -> Result<(UnitCode, UnitMove), StoreError> {
    Ok((
        UnitCode::parse(&r.text("code")?)?,
        UnitMove {
            unit_id: r.int("unit_id")?,
            from_parent: r
                .opt_text("from_code")?
                .map(|c| UnitCode::parse(&c))
                .transpose()?,
            to_parent: UnitCode::parse(&r.text("to_code")?)?,
            effective_on: date(r, "effective_on")?,
            recorded_by: r.text("recorded_by")?,
        },
    ))
}

/// Moves taking effect after `day`, newest first: (unit, from parent, to parent).
/// The units created after `day` (a scan of the units; few are).
pub async fn created_after(conn: &mut Conn, day: Date) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query("SELECT id FROM units WHERE created_on > $1")
        .bind(iso(day))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub async fn moves_after(
    conn: &mut Conn,
    day: Date,
) -> Result<Vec<(i64, Option<i64>, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT unit_id, from_parent_id, to_parent_id FROM unit_moves WHERE effective_on > $1 ORDER BY effective_on DESC, id DESC",
    )
    .bind(iso(day))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// The mass organisations present at a unit: (Youth Union organisation,
/// trade union).
pub async fn organisations(conn: &mut Conn, unit_id: i64) -> Result<(bool, bool), StoreError> {
    let r = sqlx::query("SELECT youth_union, trade_union FROM units WHERE id = $1")
        .bind(unit_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((
        r.try_get::<i64, _>("youth_union")? != 0,
        r.try_get::<i64, _>("trade_union")? != 0,
    ))
}

/// Records which mass organisations a unit has.
pub async fn set_organisations(
    conn: &mut Conn,
    unit_id: i64,
    youth_union: bool,
    trade_union: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE units SET youth_union = $1, trade_union = $2 WHERE id = $3")
        .bind(i64::from(youth_union))
        .bind(i64::from(trade_union))
        .bind(unit_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
