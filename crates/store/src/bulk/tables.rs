//! The tables a national load reads and writes, each with its columns in
//! the order the caller's rows give them: the load's SQL lives here, the
//! application (`ranks_app::bulk`) only builds the rows.

use super::{Bulk, Rows, Values};
use crate::error::StoreError;
use std::collections::HashMap;

/// The columns of `people` as a load writes them (the caller's eleven,
/// then the search keys the load adds).
const PEOPLE: [&str; 13] = [
    "id",
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "occupation",
    "id_number",
    "phone",
    "general_grade",
    "area",
    "name_key",
    "name_sort",
];

/// A unit already in the database: (id, materialized path, kind), by code.
pub type UnitsByCode = HashMap<String, (i64, String, String)>;

impl Bulk {
    /// Serializes the other writers of the audit log for the load
    /// (PostgreSQL; SQLite's load holds the write lock already).
    pub async fn lock_audit_log(&mut self) -> Result<(), StoreError> {
        if self.postgres {
            self.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
                .await?;
        }
        Ok(())
    }

    /// The newest audit entry: its id and hash (`None` for none), as
    /// [`crate::records::audit::chain_link`] takes it.
    pub async fn newest_audit(&mut self) -> Result<Option<(i64, Option<String>)>, StoreError> {
        let newest = self
            .select_text("SELECT id, COALESCE(hash, '') FROM audit_log ORDER BY id DESC LIMIT 1")
            .await?;
        Ok(newest.first().map(|r| {
            (
                r[0].parse().unwrap_or(0),
                Some(r[1].clone()).filter(|h| !h.is_empty()),
            )
        }))
    }

    /// Every unit there is, by code.
    pub async fn units_by_code(&mut self) -> Result<UnitsByCode, StoreError> {
        let mut units = HashMap::new();
        for r in self
            .select_text("SELECT id, code, path, kind FROM units")
            .await?
        {
            units.insert(
                r[1].clone(),
                (r[0].parse().unwrap_or(0), r[2].clone(), r[3].clone()),
            );
        }
        Ok(units)
    }

    /// Every term's id, by name.
    pub async fn terms_by_name(&mut self) -> Result<HashMap<String, i64>, StoreError> {
        let mut terms = HashMap::new();
        for r in self.select_text("SELECT id, name FROM terms").await? {
            terms.insert(r[1].clone(), r[0].parse().unwrap_or(0));
        }
        Ok(terms)
    }

    /// Every movement's id, by code.
    pub async fn movements_by_code(&mut self) -> Result<HashMap<String, i64>, StoreError> {
        let mut movements = HashMap::new();
        for r in self.select_text("SELECT id, code FROM movements").await? {
            movements.insert(r[1].clone(), r[0].parse().unwrap_or(0));
        }
        Ok(movements)
    }

    /// Units: id, code, name, kind, parent_id, path, created_on.
    pub async fn insert_units(&mut self, rows: Rows) -> Result<(), StoreError> {
        self.insert(
            "units",
            &[
                "id",
                "code",
                "name",
                "kind",
                "parent_id",
                "path",
                "created_on",
            ],
            rows,
        )
        .await
    }

    /// People: id, full_name, gender, birth_date, ethnicity, education,
    /// occupation, id_number, phone, general_grade, area.
    /// The search keys and words of each person are added here
    /// ([`crate::records::search::keys`]), as every other writer of a name does.
    pub async fn insert_people(&mut self, rows: Rows) -> Result<(), StoreError> {
        let mut people = Rows::with_capacity(PEOPLE.len(), rows.len());
        let mut words = Rows::with_capacity(2, rows.len() * 3);
        for i in 0..rows.len() {
            for v in rows.row(i) {
                people.push(v);
            }
            let (key, sort, ws) = crate::records::search::keys(rows.get(i, 1).unwrap_or(""));
            people.push_str(&key);
            people.push_str(&sort);
            let id = rows.get(i, 0);
            for w in ws {
                words.push_str(&w);
                words.push(id);
            }
        }
        self.insert("people", &PEOPLE, people).await?;
        self.insert("name_words", &["word", "person_id"], words)
            .await
    }

    /// Members: id, person_id, unit_id, status, admitted_on, official_on.
    pub async fn insert_members(&mut self, rows: Rows) -> Result<(), StoreError> {
        self.insert(
            "members",
            &[
                "id",
                "person_id",
                "unit_id",
                "status",
                "admitted_on",
                "official_on",
            ],
            rows,
        )
        .await
    }

    /// Candidates: id, person_id, unit_id, movement_id, member_id, stage,
    /// stage_since, created_on.
    pub async fn insert_candidates(&mut self, rows: Rows) -> Result<(), StoreError> {
        self.insert(
            "candidates",
            &[
                "id",
                "person_id",
                "unit_id",
                "movement_id",
                "member_id",
                "stage",
                "stage_since",
                "created_on",
            ],
            rows,
        )
        .await
    }

    /// Candidate stages: id, candidate_id, stage, on_date, recorded_by,
    /// recorded_at.
    pub async fn insert_candidate_stages(&mut self, rows: Rows) -> Result<(), StoreError> {
        self.insert(
            "candidate_stages",
            &[
                "id",
                "candidate_id",
                "stage",
                "on_date",
                "recorded_by",
                "recorded_at",
            ],
            rows,
        )
        .await
    }

    /// Terms: id, name, starts_on, ends_on.
    pub async fn insert_terms(&mut self, rows: Vec<Values>) -> Result<(), StoreError> {
        let rows = Rows::from((4, rows));
        self.insert("terms", &["id", "name", "starts_on", "ends_on"], rows)
            .await
    }

    /// Term targets: unit_id, term_id, target.
    pub async fn insert_term_targets(&mut self, rows: Rows) -> Result<(), StoreError> {
        self.insert("term_targets", &["unit_id", "term_id", "target"], rows)
            .await
    }

    /// Year targets: unit_id, year, target.
    pub async fn insert_year_targets(&mut self, rows: Rows) -> Result<(), StoreError> {
        self.insert("year_targets", &["unit_id", "year", "target"], rows)
            .await
    }

    /// Audit entries: id, at, actor, action, entity, entity_id,
    /// before_json, after_json, prev_hash, hash.
    pub async fn insert_audit(&mut self, rows: Vec<Values>) -> Result<(), StoreError> {
        let rows = Rows::from((10, rows));
        self.insert(
            "audit_log",
            &[
                "id",
                "at",
                "actor",
                "action",
                "entity",
                "entity_id",
                "before_json",
                "after_json",
                "prev_hash",
                "hash",
            ],
            rows,
        )
        .await
    }
}
