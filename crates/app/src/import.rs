//! Import of units, members, candidates and targets from the committees'
//! spreadsheets (CSV or XLSX), all or nothing.
//!
//! A file holds one kind of record, recognised from its header row (see
//! `docs/import.md`). [`App::import_preview`] reads and checks every row
//! without writing anything and answers with every problem, each naming the
//! row as the spreadsheet shows it (the header is row 1) and the column.
//! [`App::import_commit`] checks again inside one write transaction and, only
//! if no row has a problem, writes them all there through the same audited
//! operations as the other use cases; otherwise it writes nothing.
//!
//! Text is trimmed and normalised to NFC. Dates are `dd/mm/yyyy` (as
//! Vietnamese offices write them) or `yyyy-mm-dd`, or XLSX date cells. ID
//! numbers and phones stay text; numeric XLSX cells holding them get back the
//! leading zeros the spreadsheet dropped.

use crate::{Actor, App, AppError};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

mod check;
pub(crate) mod limits;
mod read;
mod shape;
mod write;

use check::check;
use limits::Work;
pub use limits::{megabytes, thousands, ImportLimits, Limit, TooLarge};
use read::{read_sheet, Raw, ReadError};
pub use shape::parse_day;
use shape::{id_number, phone, shape, Shaped};
use write::{planned_row, write_row};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Units,
    Members,
    Candidates,
    Targets,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [
        ImportKind::Units,
        ImportKind::Members,
        ImportKind::Candidates,
        ImportKind::Targets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Units => "units",
            ImportKind::Members => "members",
            ImportKind::Candidates => "candidates",
            ImportKind::Targets => "targets",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ranks_domain::DomainError> {
        let t = s.trim().to_ascii_lowercase();
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t || k.as_str().trim_end_matches('s') == t)
            .ok_or_else(|| {
                ranks_domain::DomainError::invalid(
                    "kind",
                    s,
                    "one of units, members, candidates, targets",
                )
            })
    }

    /// The columns of this kind's files, in the documented order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Units => UNIT_COLUMNS,
            ImportKind::Members => MEMBER_COLUMNS,
            ImportKind::Candidates => CANDIDATE_COLUMNS,
            ImportKind::Targets => TARGET_COLUMNS,
        }
    }

    /// The column that only this kind has, by which a header is recognised.
    fn key_column(self) -> &'static str {
        match self {
            ImportKind::Units => "code",
            ImportKind::Members => "unit",
            ImportKind::Candidates => "cell",
            ImportKind::Targets => "period",
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// An example value, as the template shows it.
    pub example: &'static str,
}

const fn col(name: &'static str, required: bool, example: &'static str) -> Column {
    Column {
        name,
        required,
        example,
    }
}

const UNIT_COLUMNS: &[Column] = &[
    col("code", true, "BVDK.KHTH"),
    col("name", true, "Chi bộ Phòng Kế hoạch tổng hợp"),
    col("kind", true, "cell"),
    col("parent", false, "BVDK"),
    col("created_on", false, "15/03/2021"),
];

const MEMBER_COLUMNS: &[Column] = &[
    col("unit", true, "BVDK.KHTH"),
    col("full_name", true, "Nguyễn Thị Hoa"),
    col("gender", true, "Nữ"),
    col("birth_date", true, "04/03/1990"),
    col("id_number", false, "020190004567"),
    col("phone", false, "0912345678"),
    col("ethnicity", false, "Tày"),
    col("education", false, "12/12"),
    col("occupation", false, "Bác sĩ"),
    col("status", false, "official"),
    col("admitted_on", true, "19/05/2015"),
    col("official_on", false, "19/05/2016"),
];

const CANDIDATE_COLUMNS: &[Column] = &[
    col("cell", true, "BVDK.KHTH"),
    col("full_name", true, "Hoàng Văn Nam"),
    col("gender", true, "Nam"),
    col("birth_date", true, "12/08/1998"),
    col("id_number", false, "020098001234"),
    col("phone", false, "0987654321"),
    col("ethnicity", false, "Nùng"),
    col("education", false, "12/12"),
    col("occupation", false, "Điều dưỡng"),
    col("general_grade", false, "12"),
    col("area", false, "mountain"),
    col("movement", false, "TNTN"),
    col("stage", false, "pool"),
    col("since", false, "02/01/2026"),
    col(
        "history",
        false,
        "pool:2025-06-02;sympathiser:2025-09-15;course:2026-01-02",
    ),
];

const TARGET_COLUMNS: &[Column] = &[
    col("unit", true, "BVDK"),
    col("period", true, "2025-2030"),
    col("target", true, "12"),
];

/// A CSV template for a kind: the header and one example row.
pub fn csv_template(kind: ImportKind) -> String {
    let cols = kind.columns();
    let line = |f: &dyn Fn(&Column) -> &str| {
        cols.iter()
            .map(|c| csv_field(f(c)))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!("{}\n{}\n", line(&|c| c.name), line(&|c| c.example))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// A problem with one row (or with the file, when `row` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The row as the spreadsheet numbers it: the header is row 1.
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    fn file(message: impl Into<String>) -> Self {
        RowError {
            row: None,
            column: None,
            message: message.into(),
        }
    }

    fn at(row: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        RowError {
            row: Some(row),
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, {c}: {}", self.message),
            (Some(r), None) => write!(f, "row {r}: {}", self.message),
            (None, Some(c)) => write!(f, "{c}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// One data row as read, cleaned, in the kind's column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewRow {
    pub row: usize,
    pub values: Vec<String>,
}

/// What an import would do: nothing is written to make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// `None` when the header names no known kind (see `errors`).
    pub kind: Option<ImportKind>,
    pub format: FileFormat,
    /// Data rows (empty rows not counted).
    pub rows: usize,
    /// The kind's columns, in documented order (the order of `values`).
    pub columns: Vec<String>,
    pub records: Vec<PreviewRow>,
    /// Every problem found; empty means the import would write every row.
    pub errors: Vec<RowError>,
    /// Probable duplicates of people already registered (same name and
    /// birth date): written anyway, unless the rows are removed.
    pub warnings: Vec<RowError>,
}

impl Preview {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.kind.is_some()
    }
}

/// What an import wrote: every row, or (with errors) nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub kind: Option<ImportKind>,
    pub rows: usize,
    /// Rows written: `rows`, or 0 when there are errors.
    pub written: usize,
    /// The ids created, in row order: units, members or candidates.
    pub ids: Vec<i64>,
    pub errors: Vec<RowError>,
}

// ---------------------------------------------------------------------------
// The use cases.

fn records(shaped: &Shaped) -> Vec<PreviewRow> {
    shaped
        .rows
        .iter()
        .map(|f| PreviewRow {
            row: f.row,
            values: shaped
                .kind
                .columns()
                .iter()
                .map(|c| {
                    let raw = f.cells.get(c.name).unwrap_or(&Raw::Empty);
                    let clean = match c.name {
                        "id_number" => id_number(raw).ok().flatten().map(String::from),
                        "phone" => phone(raw).ok().flatten().map(String::from),
                        _ => None,
                    };
                    clean.unwrap_or_else(|| raw.display())
                })
                .collect(),
        })
        .collect()
}

fn may_import(actor: &Actor) -> Result<(), AppError> {
    if actor.role.writes() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "a {} does not record data",
            actor.role.as_str()
        )))
    }
}

/// What reading a file gives: the shaped rows (`None` when the file cannot
/// be read, with why in the errors), its format, and the file's problems.
type Read = (Option<Shaped>, FileFormat, Vec<RowError>);

/// Reads and shapes the file; `None` with the errors when it cannot be read.
fn read(
    kind: Option<ImportKind>,
    bytes: &[u8],
    filename: &str,
    limits: &ImportLimits,
    work: &Work,
) -> Result<Read, AppError> {
    match read_sheet(bytes, filename, limits, work) {
        Err(ReadError::File(e)) => {
            let format = if filename.to_ascii_lowercase().ends_with(".xlsx") {
                FileFormat::Xlsx
            } else {
                FileFormat::Csv
            };
            Ok((None, format, vec![e]))
        }
        Err(ReadError::TooLarge(t)) => Err(AppError::TooLarge(t)),
        // Nobody waits for this answer any more.
        Err(ReadError::Cancelled) => {
            tracing::info!(
                filename,
                "import stopped while reading: its caller went away"
            );
            Err(AppError::Conflict(
                "the import was stopped: its caller went away".into(),
            ))
        }
        Ok(sheet) => {
            let format = sheet.format;
            let (shaped, errors) = shape(sheet, kind);
            Ok((shaped, format, errors))
        }
    }
}

impl App {
    /// The limits imports are held to.
    pub fn import_limits(&self) -> ImportLimits {
        self.imports.limits
    }

    /// The same application with other import limits (and a turnstile of
    /// their size).
    pub fn with_import_limits(mut self, limits: ImportLimits) -> Self {
        self.imports = std::sync::Arc::new(limits::Gate::new(limits));
        self
    }

    /// Rows read and checked by imports since the start (monitoring: it
    /// stops growing when no import runs).
    pub fn import_rows_processed(&self) -> u64 {
        self.imports.rows_done()
    }

    /// Imports running or waiting for their turn now.
    pub fn imports_in_progress(&self) -> usize {
        self.imports.in_progress()
    }

    /// Waits for a turn and reads the file on a blocking thread, never on
    /// the runtime's: a big file is seconds of work. When the caller goes
    /// away (this future is dropped) the reading stops at its next check;
    /// the turn is given back when it has.
    async fn read_upload(
        &self,
        kind: Option<ImportKind>,
        bytes: &[u8],
        filename: &str,
    ) -> Result<(limits::Turn, Work, Read), AppError> {
        let gate = self.imports.clone();
        if let Err(ReadError::TooLarge(t)) = gate.limits.upload(bytes.len()) {
            return Err(AppError::TooLarge(t));
        }
        let turn = gate.turn().await?;
        let work = gate.work();
        // Set when this future is dropped; the reading checks it.
        let _cancel = work.guard();
        let (bytes, filename, limits, w) = (
            bytes.to_vec(),
            filename.to_string(),
            gate.limits,
            work.clone(),
        );
        let (turn, read) = tokio::task::spawn_blocking(move || {
            let read = read(kind, &bytes, &filename, &limits, &w);
            (turn, read)
        })
        .await
        .map_err(|e| AppError::Conflict(format!("the file could not be read: {e}")))?;
        Ok((turn, work, read?))
    }

    /// Reads a file and checks every row as an import would, writing nothing.
    /// `kind` `None` recognises the kind from the header. Fails for an
    /// actor who does not record data, a file over the import limits
    /// ([`AppError::TooLarge`]), too many imports at once ([`AppError::Busy`])
    /// or a database outage; everything else wrong with the file is in the
    /// preview's `errors`.
    pub async fn import_preview(
        &self,
        actor: &Actor,
        kind: Option<ImportKind>,
        bytes: &[u8],
        filename: &str,
    ) -> Result<Preview, AppError> {
        may_import(actor)?;
        let (_turn, work, (shaped, format, mut errors)) =
            self.read_upload(kind, bytes, filename).await?;
        let Some(shaped) = shaped else {
            return Ok(Preview {
                kind,
                format,
                rows: 0,
                columns: kind
                    .map(|k| k.columns().iter().map(|c| c.name.to_string()).collect())
                    .unwrap_or_default(),
                records: Vec::new(),
                errors,
                warnings: Vec::new(),
            });
        };
        let mut conn = self.db().read().await?;
        let (_, found, warnings) = check(
            &mut conn,
            actor,
            self.profile(),
            self.clock().today(),
            &shaped,
            &work,
        )
        .await?;
        errors.extend(found);
        sort_errors(&mut errors);
        Ok(Preview {
            kind: Some(shaped.kind),
            format,
            rows: shaped.rows.len(),
            columns: shaped
                .kind
                .columns()
                .iter()
                .map(|c| c.name.to_string())
                .collect(),
            records: records(&shaped),
            errors,
            warnings,
        })
    }

    /// Checks the file again and, if no row has a problem, writes every row
    /// in one transaction, each record with its audit entry. With any
    /// problem it writes nothing and returns the problems. Refused as
    /// [`App::import_preview`] is.
    pub async fn import_commit(
        &self,
        actor: &Actor,
        kind: Option<ImportKind>,
        bytes: &[u8],
        filename: &str,
    ) -> Result<ImportSummary, AppError> {
        may_import(actor)?;
        let (_turn, work, (shaped, _, errors)) = self.read_upload(kind, bytes, filename).await?;
        let rows = shaped.as_ref().map_or(0, |s| s.rows.len());
        let refused = |kind, mut errors: Vec<RowError>| {
            sort_errors(&mut errors);
            ImportSummary {
                kind,
                rows,
                written: 0,
                ids: Vec::new(),
                errors,
            }
        };
        let Some(shaped) = shaped else {
            return Ok(refused(kind, errors));
        };
        let header_errors = errors;
        let kind = shaped.kind;
        let profile = self.profile().clone();
        let today = self.clock().today();
        let outcome = self
            .run(actor, move |cx| {
                Box::pin(async move {
                    let (planned, mut errors, _) =
                        check(cx.tx.conn(), cx.actor, &profile, today, &shaped, &work).await?;
                    errors.extend(header_errors);
                    if !errors.is_empty() {
                        return Ok(Err(errors));
                    }
                    let mut created = HashMap::new();
                    let mut ids = Vec::with_capacity(planned.len());
                    for p in &planned {
                        let id = write_row(cx, p, &mut created).await.map_err(|e| match e {
                            AppError::Store(_) => e,
                            other => AppError::Conflict(format!("row {}: {other}", planned_row(p))),
                        })?;
                        ids.push(id);
                    }
                    Ok(Ok(ids))
                })
            })
            .await?;
        Ok(match outcome {
            Ok(ids) => ImportSummary {
                kind: Some(kind),
                rows,
                written: ids.len(),
                ids,
                errors: Vec::new(),
            },
            Err(errors) => refused(Some(kind), errors),
        })
    }
}

/// File problems first, then by row, each row's in column order of discovery.
fn sort_errors(errors: &mut [RowError]) {
    errors.sort_by_key(|e| e.row.unwrap_or(0));
}

/// For the fuzzers (`fuzz/`): reads any bytes as a sheet the way an upload
/// is read (CSV or XLSX by content and name), and parses every cell that
/// can be parsed without the database. Returns the rows read; must never
/// panic, whatever the input.
pub fn fuzz_read(bytes: &[u8], filename: &str) -> usize {
    match read_sheet(bytes, filename, &ImportLimits::default(), &Work::detached()) {
        Ok(sheet) => {
            for (_, row) in &sheet.rows {
                for (_, cell) in row {
                    if let Raw::Text(t) = cell {
                        let _ = parse_day(t);
                    }
                }
            }
            sheet.rows.len()
        }
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests;
