//! National-size import: every file of a folder (units, members, candidates,
//! targets in the formats of docs/import.md, as `ranks gen` writes them)
//! loaded in one transaction — all files or none — by the store's bulk
//! loader (multi-row INSERT on SQLite, COPY on PostgreSQL). Rows are checked
//! as they stream by; the first errors (with file, row and column) abort the
//! load and nothing is written. One audit entry per file records the load,
//! sealed with the audit key inside the load's own transaction.

use crate::{Actor, App, AppError, Scope};
use ranks_domain::DomainError;
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

mod csv;
mod fast;
mod load;
mod rows;

use csv::{iso, CsvReader};
use load::Load;

fn io_err(p: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Conflict(format!("{}: {e}", p.display()))
}

/// The CSV files to load (the one file `path`, or every `.csv` of the
/// folder `path`), each with its kind (from its header) and size, in the
/// order of loading: units first, then members, candidates and targets.
fn files_to_load(path: &Path) -> Result<Vec<(BulkKind, PathBuf, u64)>, AppError> {
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
    Ok(files)
}

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
        self.bulk_import_reporting(actor, path, progress, &|_| {})
            .await
    }

    /// [`App::bulk_import`], naming each step of the load's end (index
    /// builds, the search tables, the commit) to `step` as it starts.
    pub async fn bulk_import_reporting(
        &self,
        actor: &Actor,
        path: &Path,
        progress: &(dyn Fn(u64, u64) + Sync),
        step: &(dyn Fn(&str) + Sync),
    ) -> Result<BulkSummary, AppError> {
        if actor.scope != Scope::All || !actor.role.writes() {
            return Err(AppError::Forbidden(
                "a bulk import needs an administrator of the whole tree".into(),
            ));
        }
        let started = Instant::now();
        let files = files_to_load(path)?;
        let total: u64 = files.iter().map(|f| f.2).sum();
        let mut load = Load::begin(self, actor).await?;
        let mut done = 0u64;
        let mut loads = Vec::new();
        for (kind, p, size) in &files {
            let Some(file) = load.file(*kind, p, done, total, progress).await? else {
                break;
            };
            done += size;
            progress(done, total);
            loads.push(file);
        }
        load.finish(step).await?;
        self.invalidate_index();
        let rows = loads.iter().map(|l| l.rows).sum();
        Ok(BulkSummary {
            files: loads,
            rows,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

impl App {
    /// Rows and seconds of the most recent bulk load (all its files), from
    /// the audit log.
    pub async fn bulk_import_rates(&self) -> Result<Option<(u64, f64)>, AppError> {
        let mut conn = self.db().read().await?;
        let rows = ranks_store::records::audit::recent_bulk_loads(&mut conn).await?;
        let Some((at, _)) = rows.first() else {
            return Ok(None);
        };
        let (mut n, mut secs) = (0u64, 0f64);
        for (when, json) in &rows {
            if when != at {
                break;
            }
            let v: serde_json::Value = json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok())
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
        let mut r = super::csv::CsvReader::new(text.as_bytes());
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
