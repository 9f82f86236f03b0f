//! One load: its transaction and what it knows (the units, terms and
//! movements there are, the next free ids, the audit chain's last link),
//! read file by file in batches, each file sealed with its audit entry.

use super::csv::CsvReader;
use super::fast::{FxMap, FxSet};
use super::{io_err, BulkKind, FileLoad};
use crate::{Actor, App, AppError};
use ranks_domain::procedure::Profile;
use ranks_domain::Date;
use ranks_store::anchor::AuditKey;
use ranks_store::bulk::{Bulk, Rows, UnitsByCode};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Rows sent to the writer at once.
const BATCH: usize = 20_000;

/// The first problems found (the load stops at [`Errors::MAX`]).
pub(super) struct Errors {
    pub(super) list: Vec<String>,
}

impl Errors {
    const MAX: usize = 50;
    fn add(&mut self, file: &str, row: u64, col: &str, msg: impl std::fmt::Display) {
        if self.list.len() < Self::MAX {
            self.list.push(format!("{file}: row {row}, {col}: {msg}"));
        }
    }
    pub(super) fn full(&self) -> bool {
        self.list.len() >= Self::MAX
    }
}

/// Columns by name.
struct Header {
    idx: FxMap<String, usize>,
}

impl Header {
    fn of(rec: &[String]) -> Header {
        Header {
            idx: rec
                .iter()
                .enumerate()
                .map(|(i, c)| (c.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
                .collect(),
        }
    }

    fn get<'a>(&self, rec: &'a [String], col: &str) -> &'a str {
        self.idx
            .get(col)
            .and_then(|i| rec.get(*i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// One record of a file, with where it is.
pub(super) struct Line<'a> {
    pub(super) file: &'a str,
    pub(super) row: u64,
    header: &'a Header,
    rec: &'a [String],
}

impl<'a> Line<'a> {
    /// The trimmed value of a column ("" when absent).
    pub(super) fn g(&self, col: &str) -> &'a str {
        self.header.get(self.rec, col)
    }
}

/// The rows waiting to be written, by table: units (`a`); people and
/// members (`a`, `b`); people, candidates and their stages (`a`, `b`,
/// `c`); term and year targets (`a`, `b`).
pub(super) struct Batch {
    pub(super) a: Rows,
    pub(super) b: Rows,
    pub(super) c: Rows,
}

impl Batch {
    /// The widths of a kind's tables (as `ranks_store::bulk`'s `insert_*`).
    fn widths(kind: BulkKind) -> [usize; 3] {
        match kind {
            BulkKind::Units => [7, 1, 1],
            BulkKind::Members => [11, 6, 1],
            BulkKind::Candidates => [11, 8, 6],
            BulkKind::Targets => [3, 3, 1],
        }
    }

    fn new(kind: BulkKind) -> Batch {
        let [a, b, c] = Batch::widths(kind);
        Batch {
            a: Rows::with_capacity(a, BATCH),
            b: Rows::with_capacity(b, BATCH),
            c: Rows::new(c),
        }
    }

    fn full(&self) -> bool {
        self.a.len() >= BATCH || self.b.len() >= BATCH || self.c.len() >= BATCH
    }

    fn clear(&mut self) {
        self.a.clear();
        self.b.clear();
        self.c.clear();
    }
}

/// Rows of `width` for the next batch: a spent batch back from the writer
/// (its buffers reused) or a new one.
fn fresh(bulk: &Bulk, width: usize) -> Rows {
    match bulk.spent_rows() {
        Some(mut r) => {
            r.reset(width);
            r
        }
        None => Rows::with_capacity(width, BATCH),
    }
}

/// The next free id of each table the load writes.
pub(super) struct Next {
    pub(super) unit: i64,
    pub(super) person: i64,
    pub(super) member: i64,
    pub(super) candidate: i64,
    pub(super) stage: i64,
    pub(super) term: i64,
    audit: i64,
}

/// A load under way, in its own transaction (dropped without
/// [`Load::finish`], it is rolled back).
pub(super) struct Load {
    pub(super) bulk: Bulk,
    key: AuditKey,
    /// The audit chain's last link.
    link: String,
    actor: String,
    pub(super) errors: Errors,
    pub(super) units: UnitsByCode,
    pub(super) terms: HashMap<String, i64>,
    pub(super) movements: HashMap<String, i64>,
    pub(super) now: String,
    pub(super) today: Date,
    pub(super) profile: std::sync::Arc<Profile>,
    pub(super) next: Next,
    /// ID numbers met so far in the load (as [`super::fast::id_key`]).
    pub(super) seen_ids: FxSet<u64>,
}

impl Load {
    /// Begins the load's transaction and reads what is there already.
    pub(super) async fn begin(app: &App, actor: &Actor) -> Result<Load, AppError> {
        let key = app.audit_seal()?.key.clone();
        let mut bulk = Bulk::begin(&app.db_url()?).await?;
        // The load's audit entries are chained and sealed here, in its own
        // transaction: no other writer may append meanwhile (SQLite's load
        // holds the write lock already).
        bulk.lock_audit_log().await?;
        let link = ranks_store::records::audit::chain_link(bulk.newest_audit().await?);
        // A first load into empty tables builds their indexes once, at the end.
        bulk.defer_indexes_if_empty().await?;
        // What is there already.
        let units = bulk.units_by_code().await?;
        let terms = bulk.terms_by_name().await?;
        let movements = bulk.movements_by_code().await?;
        let next = Next {
            unit: bulk.next_id("units").await?,
            person: bulk.next_id("people").await?,
            member: bulk.next_id("members").await?,
            candidate: bulk.next_id("candidates").await?,
            stage: bulk.next_id("candidate_stages").await?,
            term: bulk.next_id("terms").await?,
            audit: bulk.next_id("audit_log").await?,
        };
        Ok(Load {
            bulk,
            key,
            link,
            actor: actor.name.clone(),
            errors: Errors { list: Vec::new() },
            units,
            terms,
            movements,
            now: app.clock().stamp(),
            today: app.clock().today(),
            profile: app.profile().clone(),
            next,
            seen_ids: FxSet::default(),
        })
    }

    /// Notes a problem with a column of a record; `false`, the record
    /// being refused.
    pub(super) fn refuse(&mut self, l: &Line<'_>, col: &str, msg: impl std::fmt::Display) -> bool {
        self.errors.add(l.file, l.row, col, msg);
        false
    }

    /// Reads one file, checking and queueing its records batch by batch,
    /// then writes its audit entry. `None` when it had problems (nothing
    /// more is written then).
    pub(super) async fn file(
        &mut self,
        kind: BulkKind,
        p: &Path,
        done: u64,
        total: u64,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Option<FileLoad>, AppError> {
        let t0 = Instant::now();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let f = std::fs::File::open(p).map_err(|e| io_err(p, e))?;
        let mut r = CsvReader::new(f);
        let mut rec = Vec::new();
        r.next(&mut rec).map_err(|e| io_err(p, e))?;
        let header = Header::of(&rec);
        let mut batch = Batch::new(kind);
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
            let line = Line {
                file: &name,
                row: r.row,
                header: &header,
                rec: &rec,
            };
            if !self.record(kind, &line, &mut batch).await? {
                continue;
            }
            if self.errors.full() {
                break;
            }
            if batch.full() {
                if self.errors.list.is_empty() {
                    self.flush(kind, &mut batch).await?;
                } else {
                    batch.clear();
                }
            }
            if r.bytes - last_report > (4 << 20) {
                last_report = r.bytes;
                progress(done + r.bytes, total);
            }
        }
        if !self.errors.list.is_empty() {
            return Ok(None);
        }
        self.flush(kind, &mut batch).await?;
        self.audit_file(kind, &name, rows, t0).await?;
        Ok(Some(FileLoad {
            file: name,
            kind,
            rows,
            seconds: t0.elapsed().as_secs_f64(),
        }))
    }

    /// Checks one record and queues its rows; `false` when it was refused.
    async fn record(
        &mut self,
        kind: BulkKind,
        line: &Line<'_>,
        batch: &mut Batch,
    ) -> Result<bool, AppError> {
        Ok(match kind {
            BulkKind::Units => self.unit(line, batch),
            BulkKind::Members | BulkKind::Candidates => self.person(kind, line, batch),
            BulkKind::Targets => self.target(line, batch).await?,
        })
    }

    /// Sends the queued rows to the writer.
    async fn flush(&mut self, kind: BulkKind, batch: &mut Batch) -> Result<(), AppError> {
        let bulk = &mut self.bulk;
        let [wa, wb, wc] = Batch::widths(kind);
        let a = std::mem::replace(&mut batch.a, fresh(bulk, wa));
        let b = std::mem::replace(&mut batch.b, fresh(bulk, wb));
        let c = std::mem::replace(&mut batch.c, fresh(bulk, wc));
        match kind {
            BulkKind::Units => bulk.insert_units(a).await?,
            BulkKind::Members => {
                bulk.insert_people(a).await?;
                bulk.insert_members(b).await?;
            }
            BulkKind::Candidates => {
                bulk.insert_people(a).await?;
                bulk.insert_candidates(b).await?;
                bulk.insert_candidate_stages(c).await?;
            }
            BulkKind::Targets => {
                bulk.insert_term_targets(a).await?;
                bulk.insert_year_targets(b).await?;
            }
        }
        Ok(())
    }

    /// The file's audit entry, chained and sealed in the load's transaction.
    async fn audit_file(
        &mut self,
        kind: BulkKind,
        name: &str,
        rows: u64,
        t0: Instant,
    ) -> Result<(), AppError> {
        let after =
            serde_json::json!({"file": name, "rows": rows, "seconds": t0.elapsed().as_secs_f64()})
                .to_string();
        let mac = self.key.mac(
            &self.link,
            self.next.audit,
            [
                Some(self.now.as_str()),
                Some(self.actor.as_str()),
                Some("bulk import"),
                Some(kind.as_str()),
                Some(name),
                None,
                Some(after.as_str()),
            ],
        );
        let entry = vec![
            Some(self.next.audit.to_string()),
            Some(self.now.clone()),
            Some(self.actor.clone()),
            Some("bulk import".into()),
            Some(kind.as_str().into()),
            Some(name.to_string()),
            None,
            Some(after),
            Some(std::mem::replace(&mut self.link, mac.clone())),
            Some(mac),
        ];
        self.bulk.insert_audit(vec![entry]).await?;
        self.next.audit += 1;
        Ok(())
    }

    /// Commits the load, or (with problems) rolls it back and names them.
    pub(super) async fn finish(self, step: &(dyn Fn(&str) + Sync)) -> Result<(), AppError> {
        let Load { bulk, errors, .. } = self;
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
        bulk.commit_reporting(step).await?;
        Ok(())
    }
}
