//! National-size import: every file of a folder (units, members, candidates,
//! targets in the formats of docs/import.md, as `ranks gen` writes them)
//! loaded in one transaction — all files or none — by the store's bulk
//! loader (multi-row INSERT on SQLite, COPY on PostgreSQL). Rows are checked
//! as they stream by; the first errors (with file, row and column) abort the
//! load and nothing is written. One audit entry per file records the load,
//! sealed with the audit key inside the load's own transaction.

use crate::{Actor, App, AppError, Scope};
use ranks_domain::{DomainError, UnitCode, UnitKind};
use ranks_store::bulk::{Bulk, Values};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What kind of records a file holds (from its header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BulkKind {
    Units,
    Members,
    Candidates,
    Targets,
}

impl BulkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkKind::Units => "units",
            BulkKind::Members => "members",
            BulkKind::Candidates => "candidates",
            BulkKind::Targets => "targets",
        }
    }

    fn of_header(cols: &[String]) -> Option<BulkKind> {
        let has = |c: &str| cols.iter().any(|x| x == c);
        if has("period") {
            Some(BulkKind::Targets)
        } else if has("cell") {
            Some(BulkKind::Candidates)
        } else if has("admitted_on") {
            Some(BulkKind::Members)
        } else if has("code") && has("kind") {
            Some(BulkKind::Units)
        } else {
            None
        }
    }
}

/// One file loaded.
#[derive(Debug, Clone)]
pub struct FileLoad {
    pub file: String,
    pub kind: BulkKind,
    pub rows: u64,
    pub seconds: f64,
}

/// The whole load.
#[derive(Debug, Clone)]
pub struct BulkSummary {
    pub files: Vec<FileLoad>,
    pub rows: u64,
    pub seconds: f64,
}

impl BulkSummary {
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// Reads CSV records (RFC 4180: quotes, doubled quotes, line breaks inside
/// quotes; `,` or `;` as in the header; a BOM is skipped) one at a time.
struct CsvReader<R: Read> {
    inner: BufReader<R>,
    sep: u8,
    line: Vec<u8>,
    field: Vec<u8>,
    pub bytes: u64,
    pub row: u64,
}

impl<R: Read> CsvReader<R> {
    fn new(r: R) -> Self {
        CsvReader {
            inner: BufReader::with_capacity(1 << 20, r),
            sep: b',',
            line: Vec::new(),
            field: Vec::new(),
            bytes: 0,
            row: 0,
        }
    }

    /// The next record's fields, or `None` at the end. The strings of `out`
    /// are reused from record to record (no allocation per field).
    fn next(&mut self, out: &mut Vec<String>) -> std::io::Result<bool> {
        let mut n = 0;
        let mut put = |out: &mut Vec<String>, bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes);
            match out.get_mut(n) {
                Some(s) => {
                    s.clear();
                    s.push_str(&text);
                }
                None => out.push(text.into_owned()),
            }
            n += 1;
        };
        self.line.clear();
        loop {
            let n = self.inner.read_until(b'\n', &mut self.line)?;
            self.bytes += n as u64;
            if n == 0 {
                if self.line.is_empty() {
                    out.clear();
                    return Ok(false);
                }
                break;
            }
            // Inside quotes? Count them: an odd number means the record goes on.
            if self.line.iter().filter(|b| **b == b'"').count() % 2 == 0 {
                break;
            }
        }
        self.row += 1;
        let mut line: &[u8] = &self.line;
        if self.row == 1 {
            if line.starts_with(&[0xEF, 0xBB, 0xBF]) {
                line = &line[3..];
            }
            let commas = line.iter().filter(|b| **b == b',').count();
            let semis = line.iter().filter(|b| **b == b';').count();
            self.sep = if semis > commas { b';' } else { b',' };
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line = &line[..line.len() - 1];
        }
        let field = &mut self.field;
        field.clear();
        let mut quoted = false;
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            if quoted {
                if b == b'"' {
                    if line.get(i + 1) == Some(&b'"') {
                        field.push(b'"');
                        i += 1;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.push(b);
                }
            } else if b == b'"' {
                quoted = true;
            } else if b == self.sep {
                put(out, field);
                field.clear();
            } else {
                field.push(b);
            }
            i += 1;
        }
        put(out, field);
        out.truncate(n);
        Ok(true)
    }
}

fn io_err(p: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Conflict(format!("{}: {e}", p.display()))
}

/// An ISO date from dd/mm/yyyy or yyyy-mm-dd.
fn iso(s: &str) -> Option<String> {
    use chrono::Datelike;
    // By hand: chrono's formatter was a tenth of a national load's time.
    let d = crate::import::parse_day(s)?;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    let mut out = String::with_capacity(10);
    for v in [
        y as u32 / 1000,
        y as u32 / 100 % 10,
        y as u32 / 10 % 10,
        y as u32 % 10,
    ] {
        out.push(char::from(b'0' + v as u8));
    }
    for v in [m, day] {
        out.push('-');
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    }
    Some(out)
}

fn clean(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    let t = s.trim();
    if is_nfc_quick(t.chars()) == IsNormalized::Yes {
        t.to_string()
    } else {
        t.nfc().collect()
    }
}

struct Errors {
    list: Vec<String>,
}

impl Errors {
    const MAX: usize = 50;
    fn add(&mut self, file: &str, row: u64, col: &str, msg: impl std::fmt::Display) {
        if self.list.len() < Self::MAX {
            self.list.push(format!("{file}: row {row}, {col}: {msg}"));
        }
    }
    fn full(&self) -> bool {
        self.list.len() >= Self::MAX
    }
}

/// Columns by name.
struct Header {
    idx: HashMap<String, usize>,
}

impl Header {
    fn get<'a>(&self, rec: &'a [String], col: &str) -> &'a str {
        self.idx
            .get(col)
            .and_then(|i| rec.get(*i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

const BATCH: usize = 20_000;

impl App {
    /// Loads every CSV file of `dir` (or the one file `path`), units first,
    /// then members, candidates and targets, in one transaction. Only an
    /// administrator of the whole tree may. `progress(done, total)` is
    /// called with bytes read.
    pub async fn bulk_import(
        &self,
        actor: &Actor,
        path: &Path,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<BulkSummary, AppError> {
        if actor.scope != Scope::All || !actor.role.writes() {
            return Err(AppError::Forbidden(
                "a bulk import needs an administrator of the whole tree".into(),
            ));
        }
        let started = Instant::now();
        let mut files: Vec<(BulkKind, PathBuf, u64)> = Vec::new();
        let candidates: Vec<PathBuf> = if path.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| io_err(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                .collect();
            v.sort();
            v
        } else {
            vec![path.to_path_buf()]
        };
        for p in candidates {
            let f = std::fs::File::open(&p).map_err(|e| io_err(&p, e))?;
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let mut r = CsvReader::new(f);
            let mut head = Vec::new();
            r.next(&mut head).map_err(|e| io_err(&p, e))?;
            let cols: Vec<String> = head.iter().map(|c| c.trim().to_lowercase()).collect();
            let kind = BulkKind::of_header(&cols).ok_or_else(|| {
                DomainError::invalid(
                    "file",
                    p.display().to_string(),
                    "a header of units, members, candidates or targets (docs/import.md)",
                )
            })?;
            files.push((kind, p, size));
        }
        if files.is_empty() {
            return Err(DomainError::invalid(
                "folder",
                path.display().to_string(),
                "CSV files to import",
            )
            .into());
        }
        files.sort_by_key(|f| f.0);
        let total: u64 = files.iter().map(|f| f.2).sum();
        let mut done = 0u64;
        let key = self.audit_seal()?.key.clone();
        let mut bulk = Bulk::begin(&self.db_url()?).await?;
        // The load's audit entries are chained and sealed here, in its own
        // transaction: no other writer may append meanwhile (SQLite's load
        // holds the write lock already).
        if self.db().backend() == ranks_store::Backend::Postgres {
            bulk.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
                .await?;
        }
        let newest = bulk
            .select_text("SELECT id, COALESCE(hash, '') FROM audit_log ORDER BY id DESC LIMIT 1")
            .await?;
        let mut link = ranks_store::records::audit::chain_link(newest.first().map(|r| {
            (
                r[0].parse().unwrap_or(0),
                Some(r[1].clone()).filter(|h| !h.is_empty()),
            )
        }));
        // A first load into empty tables builds their indexes once, at the end.
        bulk.defer_indexes_if_empty().await?;
        let mut errors = Errors { list: Vec::new() };
        let mut loads = Vec::new();

        // What is there already.
        let mut units: HashMap<String, (i64, String, String)> = HashMap::new();
        for r in bulk
            .select_text("SELECT id, code, path, kind FROM units")
            .await?
        {
            units.insert(
                r[1].clone(),
                (r[0].parse().unwrap_or(0), r[2].clone(), r[3].clone()),
            );
        }
        let mut terms: HashMap<String, i64> = HashMap::new();
        for r in bulk.select_text("SELECT id, name FROM terms").await? {
            terms.insert(r[1].clone(), r[0].parse().unwrap_or(0));
        }
        let mut movements: HashMap<String, i64> = HashMap::new();
        for r in bulk.select_text("SELECT id, code FROM movements").await? {
            movements.insert(r[1].clone(), r[0].parse().unwrap_or(0));
        }
        let now = self.clock().stamp();
        let today = self.clock().today();
        let profile = self.profile().clone();
        let mut next_unit = bulk.next_id("units").await?;
        let mut next_person = bulk.next_id("people").await?;
        let mut next_member = bulk.next_id("members").await?;
        let mut next_candidate = bulk.next_id("candidates").await?;
        let mut next_stage = bulk.next_id("candidate_stages").await?;
        let mut next_term = bulk.next_id("terms").await?;
        let mut next_audit = bulk.next_id("audit_log").await?;
        let mut seen_ids: HashSet<String> = HashSet::new();

        for (kind, p, size) in &files {
            let t0 = Instant::now();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let f = std::fs::File::open(p).map_err(|e| io_err(p, e))?;
            let mut r = CsvReader::new(f);
            let mut rec = Vec::new();
            r.next(&mut rec).map_err(|e| io_err(p, e))?;
            let header = Header {
                idx: rec
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
                    .collect(),
            };
            let mut a: Vec<Values> = Vec::with_capacity(BATCH);
            let mut b: Vec<Values> = Vec::with_capacity(BATCH);
            let mut c: Vec<Values> = Vec::new();
            let mut rows = 0u64;
            let mut last_report = 0u64;
            loop {
                let more = r.next(&mut rec).map_err(|e| io_err(p, e))?;
                if !more {
                    break;
                }
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                rows += 1;
                let row = r.row;
                let g = |col: &str| header.get(&rec, col);
                match kind {
                    BulkKind::Units => {
                        let code = match UnitCode::parse(g("code")) {
                            Ok(c) => c.to_string(),
                            Err(e) => {
                                errors.add(&name, row, "code", e);
                                continue;
                            }
                        };
                        let kind = match UnitKind::parse(g("kind")) {
                            Ok(k) => k,
                            Err(e) => {
                                errors.add(&name, row, "kind", e);
                                continue;
                            }
                        };
                        let Some(created) = iso(g("created_on")).or_else(|| {
                            g("created_on").is_empty().then(|| "1930-02-03".to_string())
                        }) else {
                            errors.add(
                                &name,
                                row,
                                "created_on",
                                format!("{:?} is not a date", g("created_on")),
                            );
                            continue;
                        };
                        if units.contains_key(&code) {
                            errors.add(&name, row, "code", format!("{code} exists already"));
                            continue;
                        }
                        let parent = g("parent");
                        let (parent_id, parent_path) = if parent.is_empty() {
                            (None, "/".to_string())
                        } else {
                            match units.get(&parent.to_uppercase()) {
                                Some((id, path, _)) => (Some(*id), path.clone()),
                                None => {
                                    errors.add(
                                        &name,
                                        row,
                                        "parent",
                                        format!("unknown unit {parent:?}"),
                                    );
                                    continue;
                                }
                            }
                        };
                        let id = next_unit;
                        next_unit += 1;
                        let path = format!("{parent_path}{id}/");
                        a.push(vec![
                            Some(id.to_string()),
                            Some(code.clone()),
                            Some(clean(g("name"))),
                            Some(kind.as_str().to_string()),
                            parent_id.map(|p| p.to_string()),
                            Some(path.clone()),
                            Some(created),
                        ]);
                        units.insert(code, (id, path, kind.as_str().to_string()));
                    }
                    BulkKind::Members | BulkKind::Candidates => {
                        let unit_col = if *kind == BulkKind::Members {
                            "unit"
                        } else {
                            "cell"
                        };
                        let unit = g(unit_col).to_uppercase();
                        let Some((unit_id, _, _)) = units.get(&unit) else {
                            errors.add(&name, row, unit_col, format!("unknown unit {unit:?}"));
                            continue;
                        };
                        let unit_id = *unit_id;
                        let full_name = clean(g("full_name"));
                        if full_name.is_empty() {
                            errors.add(&name, row, "full_name", "missing");
                            continue;
                        }
                        let Some(birth) = iso(g("birth_date")) else {
                            errors.add(
                                &name,
                                row,
                                "birth_date",
                                format!("{:?} is not a date (dd/mm/yyyy)", g("birth_date")),
                            );
                            continue;
                        };
                        let gender = match g("gender") {
                            "Nam" | "nam" | "M" | "m" | "male" => "Nam",
                            "Nữ" | "nữ" | "F" | "f" | "female" => "Nữ",
                            other => {
                                errors.add(
                                    &name,
                                    row,
                                    "gender",
                                    format!("{other:?} is not Nam or Nữ"),
                                );
                                continue;
                            }
                        };
                        let id_number = Some(g("id_number").to_string()).filter(|s| !s.is_empty());
                        if let Some(n) = &id_number {
                            if !n.bytes().all(|b| b.is_ascii_digit())
                                || !(n.len() == 9 || n.len() == 12)
                            {
                                errors.add(
                                    &name,
                                    row,
                                    "id_number",
                                    format!("{n:?} is not 9 or 12 digits"),
                                );
                                continue;
                            }
                            if !seen_ids.insert(n.clone()) {
                                errors.add(&name, row, "id_number", format!("{n} appears twice"));
                                continue;
                            }
                        }
                        let grade = match g("general_grade") {
                            "" => 12,
                            s => match s.parse::<u8>() {
                                Ok(v) if (1..=12).contains(&v) => v,
                                _ => {
                                    errors.add(
                                        &name,
                                        row,
                                        "general_grade",
                                        format!("{s:?} is not 1 to 12"),
                                    );
                                    continue;
                                }
                            },
                        };
                        let person = next_person;
                        let ethnicity = match g("ethnicity") {
                            "" => "Kinh".to_string(),
                            e => clean(e),
                        };
                        let education = match g("education") {
                            "" => format!("{grade}/12"),
                            e => clean(e),
                        };
                        let person_row = vec![
                            Some(person.to_string()),
                            Some(full_name),
                            Some(gender.to_string()),
                            Some(birth),
                            Some(ethnicity),
                            Some(education),
                            Some(clean(g("occupation"))),
                            id_number,
                            Some(g("phone").to_string()).filter(|s| !s.is_empty()),
                            Some(grade.to_string()),
                            Some(clean(g("area"))),
                        ];
                        if *kind == BulkKind::Members {
                            let Some(admitted) = iso(g("admitted_on")) else {
                                errors.add(
                                    &name,
                                    row,
                                    "admitted_on",
                                    format!("{:?} is not a date", g("admitted_on")),
                                );
                                continue;
                            };
                            let status = match g("status") {
                                "" | "official" | "chính thức" => "official",
                                "probationary" | "dự bị" => "probationary",
                                s => {
                                    errors.add(
                                        &name,
                                        row,
                                        "status",
                                        format!("{s:?} is not official or probationary"),
                                    );
                                    continue;
                                }
                            };
                            let official = match g("official_on") {
                                "" => None,
                                s => match iso(s) {
                                    Some(d) => Some(d),
                                    None => {
                                        errors.add(
                                            &name,
                                            row,
                                            "official_on",
                                            format!("{s:?} is not a date"),
                                        );
                                        continue;
                                    }
                                },
                            };
                            a.push(person_row);
                            b.push(vec![
                                Some(next_member.to_string()),
                                Some(person.to_string()),
                                Some(unit_id.to_string()),
                                Some(status.to_string()),
                                Some(admitted),
                                official,
                            ]);
                            next_member += 1;
                        } else {
                            let stage = match g("stage") {
                                "" => "pool".to_string(),
                                s => s.to_string(),
                            };
                            if !profile.is_open(&stage) || profile.stage(&stage).is_none() {
                                errors.add(
                                    &name,
                                    row,
                                    "stage",
                                    format!("{stage:?} is not an open stage of the profile"),
                                );
                                continue;
                            }
                            let history: Vec<(String, String)> = if g("history").is_empty() {
                                let Some(since) =
                                    iso(g("since")).or_else(|| Some(today.to_string()))
                                else {
                                    continue;
                                };
                                vec![(stage.clone(), since)]
                            } else {
                                let mut h = Vec::new();
                                let mut bad = None;
                                for item in g("history").split(';') {
                                    match item.split_once(':').and_then(|(s, d)| {
                                        iso(d).map(|d| (s.trim().to_string(), d))
                                    }) {
                                        Some((s, d)) if profile.stage(&s).is_some() => {
                                            h.push((s, d))
                                        }
                                        _ => bad = Some(item.to_string()),
                                    }
                                }
                                if let Some(item) = bad {
                                    errors.add(
                                        &name,
                                        row,
                                        "history",
                                        format!("{item:?} is not stage:date"),
                                    );
                                    continue;
                                }
                                h
                            };
                            let since = history.last().map(|h| h.1.clone()).unwrap_or_default();
                            if history.last().map(|h| h.0.as_str()) != Some(stage.as_str()) {
                                errors.add(
                                    &name,
                                    row,
                                    "history",
                                    "its last stage is not the candidate's stage",
                                );
                                continue;
                            }
                            let movement = match g("movement") {
                                "" => None,
                                m => match movements.get(m) {
                                    Some(id) => Some(id.to_string()),
                                    None => {
                                        errors.add(
                                            &name,
                                            row,
                                            "movement",
                                            format!("unknown movement {m:?}"),
                                        );
                                        continue;
                                    }
                                },
                            };
                            a.push(person_row);
                            let cand = next_candidate;
                            next_candidate += 1;
                            b.push(vec![
                                Some(cand.to_string()),
                                Some(person.to_string()),
                                Some(unit_id.to_string()),
                                movement,
                                None,
                                Some(stage),
                                Some(since),
                                Some(history[0].1.clone()),
                            ]);
                            for (s, d) in history {
                                c.push(vec![
                                    Some(next_stage.to_string()),
                                    Some(cand.to_string()),
                                    Some(s),
                                    Some(d),
                                    Some("import".into()),
                                    Some(now.clone()),
                                ]);
                                next_stage += 1;
                            }
                        }
                        next_person += 1;
                    }
                    BulkKind::Targets => {
                        let unit = g("unit").to_uppercase();
                        let Some((unit_id, _, _)) = units.get(&unit) else {
                            errors.add(&name, row, "unit", format!("unknown unit {unit:?}"));
                            continue;
                        };
                        let target = match g("target").parse::<u32>() {
                            Ok(t) => t,
                            Err(_) => {
                                errors.add(
                                    &name,
                                    row,
                                    "target",
                                    format!("{:?} is not a whole number ≥ 0", g("target")),
                                );
                                continue;
                            }
                        };
                        match crate::targets::Period::parse(g("period")) {
                            Ok(crate::targets::Period::Term(t)) => {
                                let key = t.to_string();
                                let term_id = match terms.get(&key) {
                                    Some(id) => *id,
                                    None => {
                                        // Terms follow congress dates: 1 July to 30 June.
                                        let id = next_term;
                                        next_term += 1;
                                        bulk.insert(
                                            "terms",
                                            &["id", "name", "starts_on", "ends_on"],
                                            vec![vec![
                                                Some(id.to_string()),
                                                Some(key.clone()),
                                                Some(format!("{}-07-01", t.first_year)),
                                                Some(format!("{}-06-30", t.last_year)),
                                            ]],
                                        )
                                        .await?;
                                        terms.insert(key, id);
                                        id
                                    }
                                };
                                a.push(vec![
                                    Some(unit_id.to_string()),
                                    Some(term_id.to_string()),
                                    Some(target.to_string()),
                                ]);
                            }
                            Ok(crate::targets::Period::Year(y)) => b.push(vec![
                                Some(unit_id.to_string()),
                                Some(y.to_string()),
                                Some(target.to_string()),
                            ]),
                            Err(e) => {
                                errors.add(&name, row, "period", e);
                                continue;
                            }
                        }
                    }
                }
                if errors.full() {
                    break;
                }
                if a.len() >= BATCH || b.len() >= BATCH || c.len() >= BATCH {
                    if errors.list.is_empty() {
                        flush(&mut bulk, *kind, &mut a, &mut b, &mut c).await?;
                    } else {
                        a.clear();
                        b.clear();
                        c.clear();
                    }
                }
                if r.bytes - last_report > (4 << 20) {
                    last_report = r.bytes;
                    progress(done + r.bytes, total);
                }
            }
            if !errors.list.is_empty() {
                break;
            }
            flush(&mut bulk, *kind, &mut a, &mut b, &mut c).await?;
            let after = serde_json::json!({"file": name, "rows": rows, "seconds": t0.elapsed().as_secs_f64()})
                .to_string();
            let mac = key.mac(
                &link,
                next_audit,
                [
                    Some(now.as_str()),
                    Some(actor.name.as_str()),
                    Some("bulk import"),
                    Some(kind.as_str()),
                    Some(name.as_str()),
                    None,
                    Some(after.as_str()),
                ],
            );
            bulk.insert(
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
                vec![vec![
                    Some(next_audit.to_string()),
                    Some(now.clone()),
                    Some(actor.name.clone()),
                    Some("bulk import".into()),
                    Some(kind.as_str().into()),
                    Some(name.clone()),
                    None,
                    Some(after),
                    Some(std::mem::replace(&mut link, mac.clone())),
                    Some(mac),
                ]],
            )
            .await?;
            next_audit += 1;
            done += size;
            progress(done, total);
            loads.push(FileLoad {
                file: name,
                kind: *kind,
                rows,
                seconds: t0.elapsed().as_secs_f64(),
            });
        }
        if !errors.list.is_empty() {
            // Dropping the load's connection rolls it back: nothing written.
            drop(bulk);
            return Err(AppError::Conflict(format!(
                "nothing imported; {}{}",
                errors.list.join("\n"),
                if errors.full() {
                    "\n(first 50 problems)"
                } else {
                    ""
                }
            )));
        }
        bulk.commit().await?;
        self.invalidate_index();
        let rows = loads.iter().map(|l| l.rows).sum();
        Ok(BulkSummary {
            files: loads,
            rows,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

async fn flush(
    bulk: &mut Bulk,
    kind: BulkKind,
    a: &mut Vec<Values>,
    b: &mut Vec<Values>,
    c: &mut Vec<Values>,
) -> Result<(), AppError> {
    const PEOPLE: [&str; 11] = [
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
    ];
    match kind {
        BulkKind::Units => {
            bulk.insert(
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
                std::mem::take(a),
            )
            .await?
        }
        BulkKind::Members => {
            bulk.insert("people", &PEOPLE, std::mem::take(a)).await?;
            bulk.insert(
                "members",
                &[
                    "id",
                    "person_id",
                    "unit_id",
                    "status",
                    "admitted_on",
                    "official_on",
                ],
                std::mem::take(b),
            )
            .await?;
        }
        BulkKind::Candidates => {
            bulk.insert("people", &PEOPLE, std::mem::take(a)).await?;
            bulk.insert(
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
                std::mem::take(b),
            )
            .await?;
            bulk.insert(
                "candidate_stages",
                &[
                    "id",
                    "candidate_id",
                    "stage",
                    "on_date",
                    "recorded_by",
                    "recorded_at",
                ],
                std::mem::take(c),
            )
            .await?;
        }
        BulkKind::Targets => {
            bulk.insert(
                "term_targets",
                &["unit_id", "term_id", "target"],
                std::mem::take(a),
            )
            .await?;
            bulk.insert(
                "year_targets",
                &["unit_id", "year", "target"],
                std::mem::take(b),
            )
            .await?;
        }
    }
    a.clear();
    b.clear();
    c.clear();
    Ok(())
}

impl App {
    /// Rows and seconds of the most recent bulk load (all its files), from
    /// the audit log.
    pub async fn bulk_import_rates(&self) -> Result<Option<(u64, f64)>, AppError> {
        use sqlx::Row;
        let store = ranks_store::StoreError::from;
        let mut conn = self.db().read().await?;
        let rows = sqlx::query(
            "SELECT at, after_json FROM audit_log WHERE action = 'bulk import' ORDER BY id DESC LIMIT 20",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(store)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let at: String = first.try_get(0).map_err(store)?;
        let (mut n, mut secs) = (0u64, 0f64);
        for r in &rows {
            if r.try_get::<String, _>(0).map_err(store)? != at {
                break;
            }
            let json: Option<String> = r.try_get(1).map_err(store)?;
            let v: serde_json::Value = json
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            n += v["rows"].as_u64().unwrap_or(0);
            secs += v["seconds"].as_f64().unwrap_or(0.0);
        }
        Ok(Some((n, secs)))
    }
}

/// For the fuzzers: the bulk loader's CSV reader over any bytes; the
/// number of records read. Must never panic.
pub fn fuzz_csv(bytes: &[u8]) -> usize {
    let mut r = CsvReader::new(bytes);
    let mut rec = Vec::new();
    let mut n = 0;
    while let Ok(true) = r.next(&mut rec) {
        for f in &rec {
            let _ = iso(f);
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_records_reuse_their_strings_without_mixing_them() {
        let text = "a;b;c\n\"x;1\";\"say \"\"hi\"\"\";\n\nlong field;2;3;4\nq\n";
        let mut r = super::CsvReader::new(text.as_bytes());
        let mut rec = Vec::new();
        let mut seen = Vec::new();
        while r.next(&mut rec).unwrap() {
            seen.push(rec.clone());
        }
        let want: Vec<Vec<&str>> = vec![
            vec!["a", "b", "c"],
            vec!["x;1", "say \"hi\"", ""],
            vec![""],
            vec!["long field", "2", "3", "4"],
            vec!["q"],
        ];
        assert_eq!(seen, want);
        assert!(rec.is_empty(), "nothing left at the end");
    }

    #[test]
    fn iso_dates_by_hand_match_chrono() {
        for s in [
            "01/02/1960",
            "31/12/2025",
            "2001-09-09",
            "29/02/2024",
            "7/3/1999",
        ] {
            let want = crate::import::parse_day(s).map(|d| d.format("%Y-%m-%d").to_string());
            assert_eq!(super::iso(s), want, "{s}");
        }
        assert_eq!(super::iso("31/02/2024"), None);
    }
}
