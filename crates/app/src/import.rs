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

use crate::ops::{self, Ctx};
use crate::scope::Visible;
use crate::targets::{parse_target, Period};
use crate::{visible_unit, Actor, App, AppError, Scope};
use ranks_domain::procedure::{Dossier, GateKind, Profile, Step};
use ranks_domain::text::{fold, nfc};
use ranks_domain::{Date, MemberStatus, Term, TermName, UnitCode, UnitKind};
use ranks_store::records::members::{self, NewPerson, PersonRow};
use ranks_store::records::units::{self, UnitRow};
use ranks_store::records::{movements, terms};
use ranks_store::Conn;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::fmt;

pub(crate) mod limits;
use limits::Work;
pub use limits::{megabytes, thousands, ImportLimits, Limit, TooLarge};

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
// Reading the file into rows of cells.

/// A cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    /// A cell that cannot be used (an error value, a duration), with why.
    Bad(String),
}

impl Raw {
    fn text(s: &str) -> Raw {
        let t = nfc(s);
        if t.is_empty() {
            Raw::Empty
        } else {
            Raw::Text(t)
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Raw::Empty)
    }

    /// The cell as text: numbers without a needless decimal, dates as dd/mm/yyyy.
    fn display(&self) -> String {
        match self {
            Raw::Empty => String::new(),
            Raw::Text(s) => s.clone(),
            Raw::Number(n) => number_text(*n),
            Raw::Date(d) => d.format("%d/%m/%Y").to_string(),
            Raw::Bad(why) => format!("({why})"),
        }
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A sheet: its rows with their numbers as the spreadsheet shows them,
/// each row its cells holding a value with their 0-based columns, in
/// column order (a row is never as wide as its last column: a cell in
/// column 256 is one cell, not 256).
struct Sheet {
    format: FileFormat,
    rows: Vec<SheetRow>,
}

/// A row's number and its cells holding a value, with their columns.
type SheetRow = (usize, Vec<(usize, Raw)>);

/// A CSV record's number and its non-blank fields, with their columns.
type CsvRecord = (usize, Vec<(usize, String)>);

/// Why a file was not read.
#[derive(Debug)]
enum ReadError {
    /// Not a file that can be read: why, for the user.
    File(RowError),
    /// Over a limit.
    TooLarge(TooLarge),
    /// The caller went away.
    Cancelled,
}

impl From<RowError> for ReadError {
    fn from(e: RowError) -> Self {
        ReadError::File(e)
    }
}

fn read_sheet(
    bytes: &[u8],
    filename: &str,
    limits: &ImportLimits,
    work: &Work,
) -> Result<Sheet, ReadError> {
    let lower = filename.trim().to_ascii_lowercase();
    let zip = bytes.starts_with(b"PK\x03\x04");
    if lower.ends_with(".xls") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(RowError::file(
            "old Excel files (.xls) are not read; save the sheet as .xlsx or as CSV UTF-8",
        )
        .into());
    }
    if lower.ends_with(".ods") {
        return Err(RowError::file(
            "OpenDocument sheets are not read; save the sheet as .xlsx or as CSV UTF-8",
        )
        .into());
    }
    limits.upload(bytes.len())?;
    if zip || lower.ends_with(".xlsx") {
        return Ok(Sheet {
            format: FileFormat::Xlsx,
            rows: read_xlsx(bytes, limits, work)?,
        });
    }
    Ok(Sheet {
        format: FileFormat::Csv,
        rows: read_csv(bytes, limits, work)?,
    })
}

/// The first sheet's cells, streamed: the package is unpacked and scanned
/// first ([`limits::scan_xlsx`]), the sheet's declared used range and each
/// cell's row and column are checked against the limits as they come, and
/// only cells holding a value are kept.
fn read_xlsx(bytes: &[u8], limits: &ImportLimits, work: &Work) -> Result<Vec<SheetRow>, ReadError> {
    use calamine::Reader;
    limits::scan_xlsx(bytes, limits, work)?;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| RowError::file(format!("not a readable XLSX file: {e}")))?;
    let name = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| RowError::file("the workbook has no sheet"))?;
    let unreadable = |e: calamine::XlsxError| {
        ReadError::File(RowError::file(format!(
            "the first sheet cannot be read: {e}"
        )))
    };
    let mut cells = book.worksheet_cells_reader(&name).map_err(unreadable)?;
    // The used range the sheet declares, refused before any cell is read.
    let dim = cells.dimensions();
    let used = format!(
        "the sheet's used range {}{}:{}{}",
        limits::column_name(u64::from(dim.start.1)),
        u64::from(dim.start.0) + 1,
        limits::column_name(u64::from(dim.end.1)),
        u64::from(dim.end.0) + 1
    );
    limits.row(u64::from(dim.end.0) + 1, &used)?;
    limits.column(u64::from(dim.end.1) + 1, &used)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(usize, Raw)>> = Default::default();
    let (mut seen, mut kept) = (0u64, 0u64);
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        seen += 1;
        if seen.is_multiple_of(4096) {
            work.check()?;
        }
        let (r, c) = cell.get_position();
        if matches!(cell.get_value(), calamine::DataRef::Empty) {
            continue;
        }
        let at = || {
            format!(
                "cell {}{}",
                limits::column_name(u64::from(c)),
                u64::from(r) + 1
            )
        };
        limits.row(u64::from(r) + 1, &at())?;
        limits.column(u64::from(c) + 1, &at())?;
        let raw = xlsx_cell(&calamine::Data::from(cell.get_value().clone()));
        if raw.is_empty() {
            continue;
        }
        if let Raw::Text(t) = &raw {
            limits.cell_chars(t, &at())?;
        }
        kept += 1;
        limits.cells(kept)?;
        rows.entry(r)
            .or_insert_with(|| {
                work.done(1);
                Vec::new()
            })
            .push((c as usize, raw));
    }
    Ok(rows
        .into_iter()
        .map(|(r, mut cells)| {
            // Stream order is column order in files spreadsheets write;
            // a cell given twice keeps its last value.
            cells.sort_by_key(|(c, _)| *c);
            cells.dedup_by(|later, earlier| {
                if later.0 == earlier.0 {
                    std::mem::swap(later, earlier);
                    true
                } else {
                    false
                }
            });
            (r as usize + 1, cells)
        })
        .collect())
}

fn xlsx_cell(d: &calamine::Data) -> Raw {
    use calamine::Data;
    match d {
        Data::Empty => Raw::Empty,
        Data::String(s) => Raw::text(s),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Float(f) => Raw::Number(*f),
        Data::Bool(b) => Raw::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match Date::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(day) => Raw::Date(day),
                None => Raw::Bad(format!("date cell {} is not a calendar day", dt.as_f64())),
            }
        }
        Data::DateTime(_) | Data::DurationIso(_) => Raw::Bad("a duration, not a value".into()),
        Data::DateTimeIso(s) => match s.get(..10).and_then(parse_day) {
            Some(day) => Raw::Date(day),
            None => Raw::text(s),
        },
        Data::Error(e) => Raw::Bad(format!("the cell holds the error {e}")),
    }
}

fn read_csv(bytes: &[u8], limits: &ImportLimits, work: &Work) -> Result<Vec<SheetRow>, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        RowError::file(format!(
            "the file is not UTF-8 text (line {line}); save it as CSV UTF-8, or as .xlsx"
        ))
    })?;
    let sep = detect_separator(text);
    Ok(parse_csv(text, sep, limits, work)?
        .into_iter()
        .map(|(n, fields)| {
            (
                n,
                fields
                    .into_iter()
                    .map(|(i, f)| (i, Raw::text(&f)))
                    .filter(|(_, r)| !r.is_empty())
                    .collect(),
            )
        })
        .collect())
}

/// `;` (as spreadsheets save CSV where the decimal mark is a comma), `,` or a
/// tab: whichever the first non-empty line holds most of, outside quotes.
fn detect_separator(text: &str) -> char {
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in header.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted {
            for (s, n) in counts.iter_mut() {
                if *s == c {
                    *n += 1;
                }
            }
        }
    }
    // Ties go to the comma (first in the list).
    counts
        .iter()
        .fold(
            (',', 0),
            |best, &(s, n)| if n > best.1 { (s, n) } else { best },
        )
        .0
}

/// Records of a CSV text with their row numbers (a quoted line break stays
/// inside its record, as a spreadsheet shows it), each its non-blank fields
/// with their 0-based columns. Rows, columns, cells and characters are
/// checked against the limits as they are read.
fn parse_csv(
    text: &str,
    sep: char,
    limits: &ImportLimits,
    work: &Work,
) -> Result<Vec<CsvRecord>, ReadError> {
    let mut rows = Vec::new();
    let mut record: Vec<(usize, String)> = Vec::new();
    let mut column = 0usize;
    let mut field = String::new();
    let mut quoted = false;
    let mut row = 1;
    let mut cells = 0u64;
    // Ends a field: kept when it is not blank, after the limits' checks.
    let mut end_field = |field: &mut String,
                         record: &mut Vec<(usize, String)>,
                         column: &mut usize,
                         row: usize|
     -> Result<(), ReadError> {
        if !field.trim().is_empty() {
            let at = format!("row {row}, column {}", *column + 1);
            limits.column(*column as u64 + 1, &at)?;
            limits.cell_chars(field, &at)?;
            cells += 1;
            limits.cells(cells)?;
            record.push((*column, std::mem::take(field)));
        } else {
            field.clear();
        }
        *column += 1;
        Ok(())
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
                if field.len() as u64 > limits.cell_chars.saturating_mul(4) {
                    limits.cell_chars(&field, &format!("row {row}, column {}", column + 1))?;
                }
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == sep => end_field(&mut field, &mut record, &mut column, row)?,
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_field(&mut field, &mut record, &mut column, row)?;
                limits.row(row as u64, "the file")?;
                rows.push((row, std::mem::take(&mut record)));
                work.done(1);
                column = 0;
                row += 1;
                if row.is_multiple_of(1024) {
                    work.check()?;
                }
            }
            c => {
                field.push(c);
                if field.len() as u64 > limits.cell_chars.saturating_mul(4) {
                    limits.cell_chars(&field, &format!("row {row}, column {}", column + 1))?;
                }
            }
        }
    }
    if quoted {
        return Err(
            RowError::at(row, None, "a quoted field is not closed (a \" is missing)").into(),
        );
    }
    if !field.is_empty() || !record.is_empty() || column > 0 {
        end_field(&mut field, &mut record, &mut column, row)?;
        limits.row(row as u64, "the file")?;
        rows.push((row, record));
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------
// The header: which kind, which column is where.

/// A data row: its number and its cells by column name.
struct Fields {
    row: usize,
    cells: HashMap<&'static str, Raw>,
}

struct Shaped {
    kind: ImportKind,
    rows: Vec<Fields>,
}

fn header_key(s: &str) -> String {
    nfc(s)
        .trim_end_matches('*')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Finds the header, recognises (or checks) the kind and maps each row's
/// cells to the kind's columns.
fn shape(sheet: Sheet, kind: Option<ImportKind>) -> (Option<Shaped>, Vec<RowError>) {
    let mut rows = sheet
        .rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|(_, c)| !c.is_empty()));
    let Some((header_row, header)) = rows.next() else {
        return (None, vec![RowError::file("the file holds no rows")]);
    };
    // The header is read whole: it is at most as wide as the column limit.
    let width = header.last().map_or(0, |(i, _)| i + 1);
    let mut names = vec![String::new(); width];
    for (i, c) in &header {
        names[*i] = header_key(&c.display());
    }
    let kind = match kind {
        Some(k) => k,
        None => {
            let mut found: Vec<ImportKind> = ImportKind::ALL
                .into_iter()
                .filter(|k| names.iter().any(|n| n == k.key_column()))
                .collect();
            // A targets file names its units in a column `unit` too.
            if found.contains(&ImportKind::Targets) {
                found.retain(|k| *k != ImportKind::Members);
            }
            match found.as_slice() {
                [k] => *k,
                _ => {
                    return (
                        None,
                        vec![RowError::at(
                            header_row,
                            None,
                            "the header names no single kind: units have a column code, members a column unit, candidates a column cell, targets a column period (see docs/import.md)",
                        )],
                    )
                }
            }
        }
    };
    let mut errors = Vec::new();
    let columns = kind.columns();
    let mut index: Vec<(usize, &'static str)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        match columns.iter().find(|c| c.name == name) {
            Some(c) if index.iter().any(|(_, n)| *n == c.name) => errors.push(RowError::at(
                header_row,
                Some(c.name),
                "the column appears twice",
            )),
            Some(c) => index.push((i, c.name)),
            None => errors.push(RowError::at(
                header_row,
                Some(name),
                format!(
                    "unknown column for {kind}; the columns are {}",
                    columns
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
    for c in columns.iter().filter(|c| c.required) {
        if !index.iter().any(|(_, n)| *n == c.name) {
            errors.push(RowError::at(
                header_row,
                Some(c.name),
                "the column is missing",
            ));
        }
    }
    // Each column's name in the kind, by position.
    let mut named: Vec<Option<&'static str>> = vec![None; names.len()];
    for &(i, name) in &index {
        named[i] = Some(name);
    }
    let mut out = Vec::new();
    for (row, cells) in rows {
        let mut map: HashMap<&'static str, Raw> =
            index.iter().map(|&(_, name)| (name, Raw::Empty)).collect();
        for (i, cell) in cells {
            if cell.is_empty() {
                continue;
            }
            if i >= names.len() || names[i].is_empty() {
                errors.push(RowError::at(
                    row,
                    None,
                    format!("a value in column {}, which has no header", i + 1),
                ));
            } else if let Some(name) = named[i] {
                map.insert(name, cell);
            }
        }
        out.push(Fields { row, cells: map });
    }
    if out.is_empty() {
        errors.push(RowError::at(
            header_row,
            None,
            "the header has no rows under it",
        ));
    }
    (Some(Shaped { kind, rows: out }), errors)
}

// ---------------------------------------------------------------------------
// Values.

/// Parses dd/mm/yyyy (also with `-` or `.`, and d/m/yyyy) or yyyy-mm-dd.
pub fn parse_day(s: &str) -> Option<Date> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    let (y, m, d) = if parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2 {
        (n(parts[0])?, n(parts[1])?, n(parts[2])?)
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        (n(parts[2])?, n(parts[1])?, n(parts[0])?)
    } else {
        return None;
    };
    Date::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// An ID number (9-digit CMND or 12-digit CCCD) from a cell. A numeric cell
/// lost its leading zeros; they are put back up to the nearest valid length.
fn id_number(raw: &Raw) -> Result<Option<String>, String> {
    let s = match raw {
        Raw::Empty => return Ok(None),
        Raw::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
            let s = number_text(*n);
            match s.len() {
                8 => format!("0{s}"),
                10 | 11 => format!("{s:0>12}"),
                _ => s,
            }
        }
        Raw::Text(t) => t.chars().filter(|c| !c.is_whitespace()).collect(),
        other => other.display(),
    };
    if s.bytes().all(|b| b.is_ascii_digit()) && (s.len() == 9 || s.len() == 12) {
        Ok(Some(s))
    } else {
        Err(format!(
            "\"{}\" is not an ID number (9 or 12 digits)",
            raw.display()
        ))
    }
}

/// A phone number from a cell, without spaces, dots or dashes. A numeric
/// cell lost its leading 0; it is put back.
fn phone(raw: &Raw) -> Result<Option<String>, String> {
    let s = match raw {
        Raw::Empty => return Ok(None),
        Raw::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
            let s = number_text(*n);
            if (9..=10).contains(&s.len()) && !s.starts_with('0') {
                format!("0{s}")
            } else {
                s
            }
        }
        Raw::Text(t) => t
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')))
            .collect(),
        other => other.display(),
    };
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let ok = match s.strip_prefix("+84") {
        Some(rest) => digits(rest) && (9..=10).contains(&rest.len()),
        None => s.starts_with('0') && digits(&s) && (10..=11).contains(&s.len()),
    };
    if ok {
        Ok(Some(s))
    } else {
        Err(format!(
            "\"{}\" is not a phone number (10 digits starting with 0, or +84)",
            raw.display()
        ))
    }
}

fn gender(s: &str) -> Option<&'static str> {
    match fold(s).as_str() {
        "nam" | "male" | "m" => Some("Nam"),
        "nu" | "female" | "f" => Some("Nữ"),
        _ => None,
    }
}

fn member_status(s: &str) -> Result<MemberStatus, String> {
    let f = fold(s);
    let f = f.strip_prefix("dang vien ").unwrap_or(&f).replace(' ', "_");
    match f.as_str() {
        "probationary" | "du_bi" => Ok(MemberStatus::Probationary),
        "official" | "chinh_thuc" => Ok(MemberStatus::Official),
        other => match MemberStatus::parse(other) {
            Ok(_) => Err(format!(
                "\"{s}\": only current members are imported (probationary or official)"
            )),
            Err(_) => Err(format!(
                "\"{s}\" is not a status (probationary/dự bị or official/chính thức)"
            )),
        },
    }
}

/// Reads one row's cells, collecting every problem.
struct RowIn<'a> {
    fields: &'a Fields,
    errors: &'a mut Vec<RowError>,
}

impl RowIn<'_> {
    fn row(&self) -> usize {
        self.fields.row
    }

    fn err(&mut self, column: &str, message: impl Into<String>) {
        self.errors
            .push(RowError::at(self.fields.row, Some(column), message));
    }

    fn raw(&self, column: &'static str) -> &Raw {
        self.fields.cells.get(column).unwrap_or(&Raw::Empty)
    }

    /// Text, `None` when empty (or unusable, which is reported).
    fn text(&mut self, column: &'static str) -> Option<String> {
        match self.raw(column).clone() {
            Raw::Empty => None,
            Raw::Bad(why) => {
                self.err(column, why);
                None
            }
            r => Some(r.display()),
        }
    }

    fn required(&mut self, column: &'static str) -> Option<String> {
        if self.raw(column).is_empty() {
            self.err(column, "a value is required");
            return None;
        }
        self.text(column)
    }

    /// A date (not after `today`); `Ok(None)` when empty and not required.
    fn date(&mut self, column: &'static str, required: bool, today: Date) -> Option<Date> {
        let day = match self.raw(column).clone() {
            Raw::Empty => {
                if required {
                    self.err(column, "a date is required (dd/mm/yyyy)");
                }
                return None;
            }
            Raw::Date(d) => d,
            Raw::Text(t) => match parse_day(&t) {
                Some(d) => d,
                None => {
                    self.err(column, format!("\"{t}\" is not a date (dd/mm/yyyy)"));
                    return None;
                }
            },
            Raw::Number(n) => {
                self.err(
                    column,
                    format!(
                        "{} is a number, not a date; type dd/mm/yyyy or format the cell as a date",
                        number_text(n)
                    ),
                );
                return None;
            }
            Raw::Bad(why) => {
                self.err(column, why);
                return None;
            }
        };
        if day > today {
            self.err(column, format!("{} is after today", day.format("%d/%m/%Y")));
            return None;
        }
        Some(day)
    }
}

// ---------------------------------------------------------------------------
// Checking the rows against the database.

/// A new person as a row describes them.
#[derive(Debug, Clone)]
struct PersonIn {
    person: NewPerson,
    id_number: Option<String>,
    phone: Option<String>,
}

#[derive(Debug, Clone)]
enum Planned {
    Unit {
        row: usize,
        code: UnitCode,
        name: String,
        kind: UnitKind,
        parent: Option<UnitCode>,
        created_on: Date,
    },
    Member {
        row: usize,
        unit: UnitCode,
        person: PersonIn,
        status: MemberStatus,
        admitted_on: Date,
        official_on: Option<Date>,
    },
    Candidate {
        row: usize,
        cell: UnitCode,
        person: PersonIn,
        general_grade: u8,
        area: String,
        movement_id: Option<i64>,
        /// The stages entered, in order, with their days: the last is the
        /// current stage.
        history: Vec<(String, Date)>,
    },
    Target {
        row: usize,
        unit: UnitCode,
        period: Period,
        target: u32,
    },
}

/// What the checks need besides the rows.
struct Checker<'a> {
    conn: &'a mut Conn,
    actor: &'a Actor,
    profile: &'a Profile,
    today: Date,
    /// Units looked up so far: `None` for unknown or outside the actor's scope.
    units: HashMap<UnitCode, Option<UnitRow>>,
    work: &'a Work,
    checked: u64,
}

impl Checker<'_> {
    /// Counts a row checked and, every 256 rows, lets the runtime's other
    /// tasks run: checking 200,000 rows is seconds of work between awaits
    /// that may never wait, and must not hold a thread other requests need.
    async fn tick(&mut self) {
        self.checked += 1;
        if self.checked.is_multiple_of(256) {
            self.work.done(256);
            tokio::task::yield_now().await;
        }
    }

    async fn unit(&mut self, code: &UnitCode) -> Result<Option<UnitRow>, AppError> {
        if let Some(u) = self.units.get(code) {
            return Ok(u.clone());
        }
        let u = match visible_unit(self.conn, self.actor, code.as_str()).await {
            Ok(u) => Some(u.into_inner()),
            Err(AppError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.units.insert(code.clone(), u.clone());
        Ok(u)
    }

    /// A unit that holds members, as a row names it in `column`.
    async fn cell(
        &mut self,
        r: &mut RowIn<'_>,
        column: &'static str,
    ) -> Result<Option<UnitCode>, AppError> {
        let Some(text) = r.required(column) else {
            return Ok(None);
        };
        let Ok(code) = UnitCode::parse(&text) else {
            r.err(column, format!("unknown unit \"{text}\""));
            return Ok(None);
        };
        match self.unit(&code).await? {
            None => {
                r.err(column, format!("unknown unit \"{text}\""));
                Ok(None)
            }
            Some(u) if !u.kind.holds_members() => {
                r.err(
                    column,
                    format!(
                        "{} is a {}; members and candidates belong to a cell",
                        u.code,
                        u.kind.as_str()
                    ),
                );
                Ok(None)
            }
            Some(u) => Ok(Some(u.code)),
        }
    }

    /// The person columns shared by members and candidates.
    async fn person(
        &mut self,
        r: &mut RowIn<'_>,
        seen: &mut HashMap<String, usize>,
    ) -> Result<Option<PersonIn>, AppError> {
        let full_name = r.required("full_name");
        if let Some(n) = &full_name {
            if n.split_whitespace().count() < 2 {
                r.err(
                    "full_name",
                    format!("\"{n}\" needs a family and a given name"),
                );
            }
        }
        let gender_text = r.required("gender");
        let gender = gender_text.as_deref().and_then(|g| {
            let out = gender(g);
            if out.is_none() {
                r.err("gender", format!("\"{g}\" is not a gender (Nam or Nữ)"));
            }
            out
        });
        let birth_date = r.date("birth_date", true, self.today);
        let id_number = match id_number(r.raw("id_number")) {
            Ok(v) => v,
            Err(e) => {
                r.err("id_number", e);
                None
            }
        };
        let phone = match phone(r.raw("phone")) {
            Ok(v) => v,
            Err(e) => {
                r.err("phone", e);
                None
            }
        };
        let ethnicity = r.text("ethnicity").unwrap_or_default();
        let education = r.text("education").unwrap_or_default();
        let occupation = r.text("occupation").unwrap_or_default();
        // The same limits as a form or the API (ranks_domain::text::limits).
        {
            use ranks_domain::text::{bounded, limits};
            let checks = [
                (
                    "full_name",
                    full_name.clone().unwrap_or_default(),
                    limits::NAME,
                ),
                (
                    "gender",
                    gender_text.clone().unwrap_or_default(),
                    limits::SHORT,
                ),
                ("ethnicity", ethnicity.clone(), limits::SHORT),
                ("education", education.clone(), limits::SHORT),
                ("occupation", occupation.clone(), limits::LINE),
            ];
            for (column, value, max) in checks {
                if let Err(e) = bounded(column, &value, max) {
                    r.err(column, e.to_string());
                }
            }
        }
        let birth_date = birth_date.and_then(|b| {
            match ranks_domain::text::birth_date("birth_date", b, self.today) {
                Ok(b) => Some(b),
                Err(_) => {
                    r.err(
                        "birth_date",
                        format!(
                            "{} is not a date of birth from 1900 to today",
                            b.format("%d/%m/%Y")
                        ),
                    );
                    None
                }
            }
        });
        if let Some(id) = &id_number {
            if let Some(first) = seen.insert(format!("id:{id}"), r.row()) {
                r.err(
                    "id_number",
                    format!("{id} is already in row {first} of this file"),
                );
            } else if let Some(pid) = members::person_by_id_number(self.conn, id).await? {
                // Within the actor's part of the tree the person is named;
                // outside it nothing is said of them but that the number
                // is taken (a national ID number is registered once).
                let msg = match crate::scope::person(self.conn, self.actor, pid).await {
                    Ok(p) => format!("{id} is already registered: {} (person {})", p.full_name, p.id),
                    Err(AppError::NotFound { .. }) => format!(
                        "{id} cannot be registered from here: the number is held by a record outside your part of the tree; the committee above both can move the record"
                    ),
                    Err(e) => return Err(e),
                };
                r.err("id_number", msg);
            }
        } else if let (Some(n), Some(b)) = (&full_name, birth_date) {
            let key = format!("name:{}|{b}", fold(n));
            if let Some(first) = seen.insert(key, r.row()) {
                r.err(
                    "full_name",
                    format!(
                        "{n}, born {}, is already in row {first} of this file",
                        b.format("%d/%m/%Y")
                    ),
                );
            }
        }
        Ok(match (full_name, gender, birth_date) {
            (Some(full_name), Some(gender), Some(birth_date)) => Some(PersonIn {
                person: NewPerson {
                    full_name,
                    gender: gender.to_string(),
                    birth_date,
                    ethnicity,
                    education,
                    occupation,
                },
                id_number,
                phone,
            }),
            _ => None,
        })
    }
}

/// Checks every row; the rows to write, and every problem found.
async fn check(
    conn: &mut Conn,
    actor: &Actor,
    profile: &Profile,
    today: Date,
    shaped: &Shaped,
    work: &Work,
) -> Result<(Vec<Planned>, Vec<RowError>), AppError> {
    let mut cx = Checker {
        conn,
        actor,
        profile,
        today,
        units: HashMap::new(),
        work,
        checked: 0,
    };
    let mut errors = Vec::new();
    let mut planned = Vec::new();
    match shaped.kind {
        ImportKind::Units => check_units(&mut cx, &shaped.rows, &mut errors, &mut planned).await?,
        ImportKind::Members => {
            check_members(&mut cx, &shaped.rows, &mut errors, &mut planned).await?
        }
        ImportKind::Candidates => {
            check_candidates(&mut cx, &shaped.rows, &mut errors, &mut planned).await?
        }
        ImportKind::Targets => {
            check_targets(&mut cx, &shaped.rows, &mut errors, &mut planned).await?
        }
    }
    Ok((planned, errors))
}

async fn check_units(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    // Where each code is defined in the file, to tell "later in the file" from "unknown".
    let mut defined_at: HashMap<UnitCode, usize> = HashMap::new();
    for f in rows {
        if let Some(Ok(code)) = f.cells.get("code").map(|c| UnitCode::parse(&c.display())) {
            defined_at.entry(code).or_insert(f.row);
        }
    }
    let mut in_file: HashMap<UnitCode, (usize, UnitKind)> = HashMap::new();
    for f in rows {
        cx.tick().await;
        let mut r = RowIn { fields: f, errors };
        let code = match r.required("code") {
            Some(t) => {
                match UnitCode::parse(&t) {
                    Ok(c) => Some(c),
                    Err(_) => {
                        r.err(
                        "code",
                        format!("\"{t}\" is not a unit code (1 to 40 letters, digits, '.', '-' or '_')"),
                    );
                        None
                    }
                }
            }
            None => None,
        };
        let name = r.required("name");
        let kind = r.required("kind").and_then(|k| {
            match UnitKind::parse(&k.to_lowercase().replace([' ', '-'], "_")) {
                Ok(kind) => Some(kind),
                Err(_) => {
                    r.err(
                        "kind",
                        format!("\"{k}\" is not a unit kind (central, provincial, superior, grassroots_committee, grassroots_cell or cell)"),
                    );
                    None
                }
            }
        });
        let parent_text = r.text("parent");
        let mut parent = None;
        let mut parent_ok = true;
        match &parent_text {
            None => {
                if cx.actor.scope != Scope::All {
                    r.err(
                        "parent",
                        "a parent unit is required (only a top-level administrator creates a root unit)",
                    );
                    parent_ok = false;
                }
            }
            Some(p) => match UnitCode::parse(p) {
                Err(_) => {
                    r.err("parent", format!("unknown unit \"{p}\""));
                    parent_ok = false;
                }
                Ok(pc) => {
                    let parent_kind = if let Some((_, k)) = in_file.get(&pc) {
                        Some(*k)
                    } else if let Some(at) = defined_at.get(&pc).filter(|at| **at >= f.row) {
                        r.err(
                            "parent",
                            format!("{pc} is defined in row {at}, after this row; list a unit after its parent"),
                        );
                        None
                    } else if let Some(u) = cx.unit(&pc).await? {
                        Some(u.kind)
                    } else {
                        r.err("parent", format!("unknown unit \"{p}\""));
                        None
                    };
                    match parent_kind {
                        Some(k) if k.holds_members() => {
                            r.err(
                                "parent",
                                format!("{pc} is a {}, which has no units under it", k.as_str()),
                            );
                            parent_ok = false;
                        }
                        Some(_) => parent = Some(pc),
                        None => parent_ok = false,
                    }
                }
            },
        }
        let created_on = r.date("created_on", false, cx.today).unwrap_or(cx.today);
        if let Some(c) = &code {
            if let Some((first, _)) = in_file.get(c) {
                r.err(
                    "code",
                    format!("{c} is already in row {first} of this file"),
                );
            } else if units::by_code(cx.conn, c).await?.is_some() {
                r.err("code", format!("{c} already exists"));
            }
        }
        if let (Some(code), Some(kind)) = (&code, kind) {
            in_file.entry(code.clone()).or_insert((f.row, kind));
        }
        if let (Some(code), Some(name), Some(kind), true) = (code, name, kind, parent_ok) {
            planned.push(Planned::Unit {
                row: f.row,
                code,
                name,
                kind,
                parent,
                created_on,
            });
        }
    }
    Ok(())
}

async fn check_members(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    let mut seen = HashMap::new();
    for f in rows {
        cx.tick().await;
        let mut r = RowIn { fields: f, errors };
        let unit = cx.cell(&mut r, "unit").await?;
        let person = cx.person(&mut r, &mut seen).await?;
        let status = r.text("status").and_then(|s| match member_status(&s) {
            Ok(st) => Some(st),
            Err(e) => {
                r.err("status", e);
                None
            }
        });
        let status_given = !r.raw("status").is_empty();
        let admitted_on = r.date("admitted_on", true, cx.today);
        let official_on = r.date("official_on", false, cx.today);
        let status = match (status, status_given) {
            (Some(s), _) => Some(s),
            (None, false) if official_on.is_some() => Some(MemberStatus::Official),
            (None, false) => Some(MemberStatus::Probationary),
            (None, true) => None,
        };
        if let (Some(p), Some(a)) = (&person, admitted_on) {
            if a <= p.person.birth_date {
                r.err("admitted_on", "the admission comes before the birth date");
            }
        }
        let mut dates_ok = true;
        match (status, admitted_on, official_on) {
            (Some(MemberStatus::Official), _, None) if r.raw("official_on").is_empty() => {
                r.err(
                    "official_on",
                    "an official member needs the date of recognition",
                );
                dates_ok = false;
            }
            (Some(MemberStatus::Probationary), _, Some(_)) => {
                r.err(
                    "official_on",
                    "a probationary member has no date of recognition; the status should be official",
                );
                dates_ok = false;
            }
            (_, Some(a), Some(o)) if o < a => {
                r.err("official_on", "the recognition comes before the admission");
                dates_ok = false;
            }
            _ => {}
        }
        if let (Some(unit), Some(person), Some(status), Some(admitted_on), true) =
            (unit, person, status, admitted_on, dates_ok)
        {
            planned.push(Planned::Member {
                row: f.row,
                unit,
                person,
                status,
                admitted_on,
                official_on,
            });
        }
    }
    Ok(())
}

async fn check_candidates(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    let mut seen = HashMap::new();
    let movements = movements::all(cx.conn).await?;
    let areas: Vec<String> = cx
        .profile
        .gates
        .iter()
        .filter_map(|g| match &g.kind {
            GateKind::Education { exceptions, .. } => Some(exceptions.keys().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    let first = cx.profile.first_stage().key.clone();
    let admission = cx
        .profile
        .position(&cx.profile.admission_stage().key)
        .unwrap_or(usize::MAX);
    for f in rows {
        cx.tick().await;
        let before = errors.len();
        let mut r = RowIn { fields: f, errors };
        let cell = cx.cell(&mut r, "cell").await?;
        let person = cx.person(&mut r, &mut seen).await?;
        let general_grade = match r.raw("general_grade").clone() {
            Raw::Empty => Some(12),
            raw => {
                let t = raw.display();
                match t.parse::<u8>() {
                    Ok(g) if g <= 12 => Some(g),
                    _ => {
                        r.err(
                            "general_grade",
                            format!("\"{t}\" is not a school grade (a whole number from 0 to 12)"),
                        );
                        None
                    }
                }
            }
        };
        let area = match r.text("area") {
            None => Some(String::new()),
            Some(a) => {
                let key = a.to_lowercase().replace([' ', '-'], "_");
                if areas.is_empty() || areas.contains(&key) {
                    Some(if areas.is_empty() { a } else { key })
                } else {
                    r.err(
                        "area",
                        format!("\"{a}\" is not an area; one of {}", areas.join(", ")),
                    );
                    None
                }
            }
        };
        let movement_id = match r.text("movement") {
            None => Some(None),
            Some(m) => match movements.iter().find(|x| x.code.eq_ignore_ascii_case(&m)) {
                Some(x) => Some(Some(x.id)),
                None => {
                    r.err("movement", format!("unknown movement \"{m}\""));
                    None
                }
            },
        };
        let stage_given = !r.raw("stage").is_empty();
        let since_given = !r.raw("since").is_empty();
        let stage = match r.text("stage") {
            None => Some(first.clone()),
            Some(s) => match open_stage(cx.profile, &s, admission) {
                Ok(key) => Some(key),
                Err(e) => {
                    r.err("stage", e);
                    None
                }
            },
        };
        let since = if since_given {
            r.date("since", false, cx.today)
        } else {
            Some(cx.today)
        };
        // The history, whose last item is the stage and since (which it
        // gives when their columns are empty).
        let history = match r.text("history") {
            None => None,
            Some(h) => match parse_history(cx.profile, &h, admission, cx.today) {
                Ok(items) if items.is_empty() => None,
                Ok(items) => Some(items),
                Err(e) => {
                    r.err("history", e);
                    None
                }
            },
        };
        let (stage, since) = match &history {
            None => (stage, since),
            Some(items) => {
                let (last_stage, last_on) = items.last().expect("not empty").clone();
                let stage = match stage {
                    Some(st) if stage_given && st != last_stage => {
                        r.err(
                            "history",
                            format!("the last item is {last_stage}, not the stage {st}"),
                        );
                        None
                    }
                    Some(_) => Some(last_stage),
                    None => None,
                };
                let since = match since {
                    Some(on) if since_given && on != last_on => {
                        r.err(
                            "history",
                            format!(
                                "the last item is dated {}, not the day in since ({})",
                                last_on.format("%d/%m/%Y"),
                                on.format("%d/%m/%Y")
                            ),
                        );
                        None
                    }
                    Some(_) => Some(last_on),
                    None => None,
                };
                (stage, since)
            }
        };
        let history = match (&history, &stage, since) {
            (Some(items), _, _) => Some(items.clone()),
            (None, Some(st), Some(on)) => Some(vec![(st.clone(), on)]),
            _ => None,
        };
        let started = history.as_ref().and_then(|h| h.first()).map(|i| i.1);
        if let (Some(p), Some(s)) = (&person, started) {
            if s <= p.person.birth_date {
                let column = if r.raw("history").is_empty() {
                    "since"
                } else {
                    "history"
                };
                r.err(column, "the date comes before the birth date");
            }
        }
        if let Some((st, on)) = history.as_ref().and_then(|h| h.first()) {
            if *st == first {
                let step = Step {
                    stage: first.clone(),
                    on: *on,
                    vote: None,
                    skip_reason: None,
                };
                if let Err(refusal) = cx.profile.check(&Dossier::default(), &step, cx.today) {
                    r.err("stage", refusal.to_string());
                }
            }
        }
        let failed = r.errors.len() > before;
        if let (
            Some(cell),
            Some(person),
            Some(general_grade),
            Some(area),
            Some(movement_id),
            Some(history),
            false,
        ) = (
            cell,
            person,
            general_grade,
            area,
            movement_id,
            history,
            failed,
        ) {
            planned.push(Planned::Candidate {
                row: f.row,
                cell,
                person,
                general_grade,
                area,
                movement_id,
                history,
            });
        }
    }
    Ok(())
}

/// A stage before the admission decision, by key or by name: its key.
fn open_stage(profile: &Profile, s: &str, admission: usize) -> Result<String, String> {
    let want = s.trim().to_lowercase();
    let found = profile.stages.iter().find(|st| {
        st.key == want
            || [&st.vi, &st.en, &st.de]
                .iter()
                .any(|n| n.to_lowercase() == want)
    });
    match found {
        Some(st) if profile.position(&st.key).is_some_and(|p| p < admission) => Ok(st.key.clone()),
        Some(st) => Err(format!(
            "{} comes at or after the admission decision; import admitted people as members",
            st.key
        )),
        None => Err(format!(
            "\"{s}\" is not a stage of the procedure before the admission decision"
        )),
    }
}

/// A stage history as `stage:date` items separated by `;`: stages before
/// the admission decision, in the procedure's order (a stage may be left
/// out, none repeated), days not decreasing and not after today.
fn parse_history(
    profile: &Profile,
    text: &str,
    admission: usize,
    today: Date,
) -> Result<Vec<(String, Date)>, String> {
    let mut items: Vec<(String, Date)> = Vec::new();
    let mut last_pos = None;
    for (i, item) in text
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .enumerate()
    {
        let n = i + 1;
        let Some((stage, day)) = item.split_once(':') else {
            return Err(format!("item {n} \"{item}\" is not stage:date"));
        };
        let key = open_stage(profile, stage, admission).map_err(|e| format!("item {n}: {e}"))?;
        let Some(on) = parse_day(day) else {
            return Err(format!("item {n}: \"{}\" is not a date", day.trim()));
        };
        if on > today {
            return Err(format!(
                "item {n}: {} is after today",
                on.format("%d/%m/%Y")
            ));
        }
        let pos = profile.position(&key).expect("a stage of the profile");
        if let (Some(prev), Some((prev_key, prev_on))) = (last_pos, items.last()) {
            if pos <= prev {
                return Err(format!(
                    "item {n}: {key} does not come after {prev_key} in the procedure; list the stages in their order"
                ));
            }
            if on < *prev_on {
                return Err(format!(
                    "item {n}: {key} on {} is before {prev_key} on {}",
                    on.format("%d/%m/%Y"),
                    prev_on.format("%d/%m/%Y")
                ));
            }
        }
        last_pos = Some(pos);
        items.push((key, on));
    }
    Ok(items)
}

/// A term as the committees' congresses hold them: from 1 July of its
/// first year to 30 June of its last.
fn standard_term(name: &TermName) -> Result<Term, AppError> {
    let day = |y, m, d| {
        Date::from_ymd_opt(y, m, d).ok_or_else(|| {
            AppError::from(ranks_domain::DomainError::invalid(
                "period",
                name.to_string(),
                "a term between real years",
            ))
        })
    };
    Ok(Term::new(
        name.clone(),
        day(name.first_year, 7, 1)?,
        day(name.last_year, 6, 30)?,
    )?)
}

async fn check_targets(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    let mut seen: HashMap<(UnitCode, String), usize> = HashMap::new();
    let mut known_terms: HashMap<TermName, bool> = HashMap::new();
    for f in rows {
        cx.tick().await;
        let before = errors.len();
        let mut r = RowIn { fields: f, errors };
        let unit = match r.required("unit") {
            None => None,
            Some(text) => match UnitCode::parse(&text) {
                Ok(code) => match cx.unit(&code).await? {
                    Some(u) => Some(u.code),
                    None => {
                        r.err("unit", format!("unknown unit \"{text}\""));
                        None
                    }
                },
                Err(_) => {
                    r.err("unit", format!("unknown unit \"{text}\""));
                    None
                }
            },
        };
        let period = match r.required("period") {
            None => None,
            Some(text) => match Period::parse(&text) {
                Ok(p) => Some(p),
                Err(_) => {
                    r.err(
                        "period",
                        format!("\"{text}\" is not a period (a term like 2025-2030 or a year like 2026)"),
                    );
                    None
                }
            },
        };
        if let Some(Period::Term(name)) = &period {
            let known = match known_terms.get(name) {
                Some(k) => *k,
                None => {
                    let k = terms::by_name(cx.conn, name).await?.is_some();
                    known_terms.insert(name.clone(), k);
                    k
                }
            };
            if !known && cx.actor.scope != Scope::All {
                r.err(
                    "period",
                    format!("unknown term {name} (a top-level administrator creates it)"),
                );
            }
        }
        let target = match r.required("target") {
            None => None,
            Some(text) => match parse_target(&text) {
                Ok(t) => Some(t),
                Err(_) => {
                    r.err(
                        "target",
                        format!("\"{text}\" is not a whole number of new members, 0 or more"),
                    );
                    None
                }
            },
        };
        if let (Some(u), Some(p)) = (&unit, &period) {
            let key = match p {
                Period::Term(t) => t.to_string(),
                Period::Year(y) => y.to_string(),
            };
            if let Some(first) = seen.insert((u.clone(), key.clone()), f.row) {
                r.err(
                    "period",
                    format!("{u} {key} is already in row {first} of this file"),
                );
            }
        }
        let failed = r.errors.len() > before;
        if let (Some(unit), Some(period), Some(target), false) = (unit, period, target, failed) {
            planned.push(Planned::Target {
                row: f.row,
                unit,
                period,
                target,
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Writing.

async fn write_person(
    cx: &mut Ctx<'_>,
    p: &PersonIn,
    education: Option<(u8, &str)>,
) -> Result<Visible<PersonRow>, AppError> {
    let person = ops::add_person(cx, &p.person).await?;
    let id = person.id;
    let mut detail = serde_json::Map::new();
    if let Some((grade, area)) = education {
        members::set_education(cx.tx.conn(), id, grade, area).await?;
        detail.insert("general_grade".into(), json!(grade));
        detail.insert("area".into(), json!(area));
    }
    if p.id_number.is_some() || p.phone.is_some() {
        members::set_contact(cx.tx.conn(), id, p.id_number.as_deref(), p.phone.as_deref()).await?;
        detail.insert("id_number".into(), json!(p.id_number));
        detail.insert("phone".into(), json!(p.phone));
    }
    if !detail.is_empty() {
        cx.audit(
            "update",
            "person",
            id,
            None,
            Some(serde_json::Value::Object(detail)),
        )
        .await?;
    }
    Ok(person)
}

async fn write_row(
    cx: &mut Ctx<'_>,
    p: &Planned,
    created: &mut HashMap<UnitCode, Visible<UnitRow>>,
) -> Result<i64, AppError> {
    match p {
        Planned::Unit {
            code,
            name,
            kind,
            parent,
            created_on,
            ..
        } => {
            let parent = match parent {
                None => None,
                Some(pc) => match created.get(pc) {
                    Some(u) => Some(u.clone()),
                    None => Some(visible_unit(cx.tx.conn(), cx.actor, pc.as_str()).await?),
                },
            };
            let row = ops::create_unit(cx, code, name, *kind, parent.as_ref(), *created_on).await?;
            created.insert(code.clone(), row.clone());
            Ok(row.id)
        }
        Planned::Member {
            unit,
            person,
            status,
            admitted_on,
            official_on,
            ..
        } => {
            let cell = visible_unit(cx.tx.conn(), cx.actor, unit.as_str()).await?;
            let person = write_person(cx, person, None).await?;
            Ok(
                ops::add_member(cx, &person, &cell, *status, *admitted_on, *official_on)
                    .await?
                    .id,
            )
        }
        Planned::Candidate {
            cell,
            person,
            general_grade,
            area,
            movement_id,
            history,
            ..
        } => {
            let cell = visible_unit(cx.tx.conn(), cx.actor, cell.as_str()).await?;
            let person = write_person(cx, person, Some((*general_grade, area))).await?;
            let ((stage, since), later) = history.split_first().expect("a history has an item");
            let c = ops::add_candidate(cx, &person, &cell, *movement_id, stage, *since).await?;
            for (stage, on) in later {
                ops::record_stage(cx, &c, stage, *on).await?;
            }
            Ok(c.id)
        }
        Planned::Target {
            unit,
            period,
            target,
            ..
        } => {
            let unit = visible_unit(cx.tx.conn(), cx.actor, unit.as_str()).await?;
            match period {
                Period::Term(name) => {
                    if terms::by_name(cx.tx.conn(), name).await?.is_none() {
                        ops::create_term(cx, &standard_term(name)?).await?;
                    }
                    ops::set_term_target(cx, &unit, name, *target).await?;
                }
                Period::Year(y) => ops::set_year_target(cx, &unit, *y, *target).await?,
            }
            Ok(unit.id)
        }
    }
}

fn planned_row(p: &Planned) -> usize {
    match p {
        Planned::Unit { row, .. }
        | Planned::Member { row, .. }
        | Planned::Candidate { row, .. }
        | Planned::Target { row, .. } => *row,
    }
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
                        "id_number" => id_number(raw).ok().flatten(),
                        "phone" => phone(raw).ok().flatten(),
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
            });
        };
        let mut conn = self.db().read().await?;
        let (_, found) = check(
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
                    let (planned, mut errors) =
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
mod tests {
    use super::*;

    #[test]
    fn dates_in_vietnamese_and_iso_order() {
        let d = |y, m, d| Date::from_ymd_opt(y, m, d);
        assert_eq!(parse_day("04/03/1990"), d(1990, 3, 4));
        assert_eq!(parse_day("4/3/1990"), d(1990, 3, 4));
        assert_eq!(parse_day("04-03-1990"), d(1990, 3, 4));
        assert_eq!(parse_day("04.03.1990"), d(1990, 3, 4));
        assert_eq!(parse_day("1990-03-04"), d(1990, 3, 4));
        assert_eq!(parse_day("31/02/1990"), None);
        assert_eq!(parse_day("03/04/90"), None);
        assert_eq!(parse_day("1990"), None);
        assert_eq!(parse_day("a/b/cdef"), None);
    }

    /// The rows of a CSV text, each as wide as its last value.
    fn csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Raw>)>, ReadError> {
        Ok(
            read_csv(bytes, &ImportLimits::default(), &Work::detached())?
                .into_iter()
                .map(|(n, cells)| (n, dense(cells)))
                .collect(),
        )
    }

    fn dense(cells: Vec<(usize, Raw)>) -> Vec<Raw> {
        let mut row = vec![Raw::Empty; cells.last().map_or(0, |(i, _)| i + 1)];
        for (i, c) in cells {
            row[i] = c;
        }
        row
    }

    fn sparse(cells: Vec<Raw>) -> Vec<(usize, Raw)> {
        cells
            .into_iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .collect()
    }

    #[test]
    fn csv_with_bom_semicolons_quotes_and_line_breaks() {
        let text = "\u{feff}code;name;kind\r\nA;\"Chi bộ \"\"A\"\"; tầng 2\";cell\n\nB;\"two\nlines\";cell";
        let rows = csv(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].1[0], Raw::Text("code".into()));
        assert_eq!(rows[1].1[1], Raw::Text("Chi bộ \"A\"; tầng 2".into()));
        assert_eq!(rows[2].0, 3);
        assert!(rows[2].1.iter().all(Raw::is_empty));
        assert_eq!(rows[3].0, 4);
        assert_eq!(rows[3].1[1], Raw::Text("two\nlines".into()));
        assert_eq!(detect_separator("a,b;c,d"), ',');
        assert_eq!(detect_separator("\"a;b\",c"), ',');
        assert_eq!(detect_separator("a;b;c"), ';');
        assert!(parse_csv("a,\"b\nc", ',', &ImportLimits::default(), &Work::detached()).is_err());
        assert!(csv(b"a,b\n\xff\xfe").is_err());
        // Blank fields are not kept: a line of separators is no row's width.
        let wide = format!("a{}b\n", ",".repeat(100_000));
        let rows = read_csv(wide.as_bytes(), &ImportLimits::default(), &Work::detached());
        assert!(
            matches!(
                rows,
                Err(ReadError::TooLarge(TooLarge {
                    limit: Limit::Columns,
                    ..
                }))
            ),
            "{rows:?}"
        );
        let blank = format!("a,b{}\n", ",".repeat(100_000));
        let rows = read_csv(
            blank.as_bytes(),
            &ImportLimits::default(),
            &Work::detached(),
        )
        .unwrap();
        assert_eq!(rows[0].1.len(), 2);
    }

    #[test]
    fn csv_limits_name_the_row_column_and_limit() {
        let limits = ImportLimits {
            rows: 3,
            columns: 3,
            cells: 20,
            cell_chars: 5,
            ..ImportLimits::default()
        };
        let refused = |text: &str| match read_csv(text.as_bytes(), &limits, &Work::detached()) {
            Err(ReadError::TooLarge(t)) => (t.limit, t.message),
            other => panic!("{other:?}"),
        };
        let ok = "a,b,c\n1,2,3\n\n4,5,6\n";
        assert!(read_csv(ok.as_bytes(), &limits, &Work::detached()).is_ok());
        let (limit, message) = refused("a,b,c\n1\n2\n3\n4\n");
        assert_eq!(limit, Limit::Rows);
        assert!(
            message.contains("row 5") && message.contains("3 rows"),
            "{message}"
        );
        let (limit, message) = refused("a,b,c,d\n");
        assert_eq!(limit, Limit::Columns);
        assert!(
            message.contains("row 1, column 4") && message.contains("3 columns"),
            "{message}"
        );
        let (limit, message) = refused("a,\"abcdef\"\n");
        assert_eq!(limit, Limit::CellChars);
        assert!(
            message.contains("6 characters") && message.contains("limit is 5"),
            "{message}"
        );
        assert_eq!(
            refused("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n").0,
            Limit::Rows
        );
        let limits = ImportLimits { cells: 4, ..limits };
        let r = read_csv(b"a,b,c\n1,2,3\n", &limits, &Work::detached());
        assert!(
            matches!(
                r,
                Err(ReadError::TooLarge(TooLarge {
                    limit: Limit::Cells,
                    ..
                }))
            ),
            "{r:?}"
        );
        // The upload's own size comes first.
        let limits = ImportLimits {
            upload_bytes: 4,
            ..limits
        };
        let r = read_sheet(b"a,b,c\n", "x.csv", &limits, &Work::detached());
        assert!(matches!(
            r.map(|s| s.rows.len()),
            Err(ReadError::TooLarge(TooLarge {
                limit: Limit::UploadBytes,
                ..
            }))
        ));
    }

    #[test]
    fn a_cancelled_read_stops() {
        let work = Work::detached();
        drop(work.guard());
        let text = "a\n".repeat(5000);
        let r = read_csv(text.as_bytes(), &ImportLimits::default(), &work);
        assert!(matches!(r, Err(ReadError::Cancelled)), "{r:?}");
    }

    #[test]
    fn id_numbers_and_phones_keep_their_zeros() {
        let t = |s: &str| Raw::Text(s.into());
        assert_eq!(
            id_number(&t("001203004567")),
            Ok(Some("001203004567".into()))
        );
        assert_eq!(
            id_number(&t("001 203 004 567")),
            Ok(Some("001203004567".into()))
        );
        assert_eq!(
            id_number(&Raw::Number(1203004567.0)),
            Ok(Some("001203004567".into()))
        );
        assert_eq!(
            id_number(&Raw::Number(20190004567.0)),
            Ok(Some("020190004567".into()))
        );
        assert_eq!(
            id_number(&Raw::Number(12345678.0)),
            Ok(Some("012345678".into()))
        );
        assert!(id_number(&t("12345")).is_err());
        assert!(id_number(&Raw::Number(1.5)).is_err());
        assert_eq!(id_number(&Raw::Empty), Ok(None));
        assert_eq!(phone(&t("0912 345 678")), Ok(Some("0912345678".into())));
        assert_eq!(phone(&t("0912.345.678")), Ok(Some("0912345678".into())));
        assert_eq!(
            phone(&Raw::Number(912345678.0)),
            Ok(Some("0912345678".into()))
        );
        assert_eq!(phone(&t("+84912345678")), Ok(Some("+84912345678".into())));
        assert!(phone(&t("12345")).is_err());
    }

    #[test]
    fn xlsx_date_cells_become_days() {
        use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
        // 32936 is 4 March 1990 in the 1900 date system.
        let cell = Data::DateTime(ExcelDateTime::new(
            32936.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(
            xlsx_cell(&cell),
            Raw::Date(Date::from_ymd_opt(1990, 3, 4).unwrap())
        );
        let cell = Data::DateTime(ExcelDateTime::new(
            32936.75,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(
            xlsx_cell(&cell),
            Raw::Date(Date::from_ymd_opt(1990, 3, 4).unwrap())
        );
        let iso = Data::DateTimeIso("1990-03-04T00:00:00".into());
        assert_eq!(
            xlsx_cell(&iso),
            Raw::Date(Date::from_ymd_opt(1990, 3, 4).unwrap())
        );
        assert_eq!(xlsx_cell(&Data::Float(12.0)).display(), "12");
        assert!(matches!(
            xlsx_cell(&Data::Error(calamine::CellErrorType::Div0)),
            Raw::Bad(_)
        ));
    }

    #[test]
    fn the_kind_comes_from_the_header() {
        let sheet = |header: &str| Sheet {
            format: FileFormat::Csv,
            rows: vec![(1, sparse(header.split(',').map(Raw::text).collect()))],
        };
        let kind = |h: &str| shape(sheet(h), None).0.map(|s| s.kind);
        assert_eq!(kind("Code,Name,Kind"), Some(ImportKind::Units));
        assert_eq!(
            kind("unit,full_name,gender,birth_date,admitted_on"),
            Some(ImportKind::Members)
        );
        assert_eq!(
            kind("cell,full name,gender,birth-date"),
            Some(ImportKind::Candidates)
        );
        assert_eq!(kind("Unit,Period,Target"), Some(ImportKind::Targets));
        assert_eq!(kind("name,gender"), None);
        let (_, errors) = shape(sheet("code,name,colour"), None);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|e| e.starts_with("row 1, colour: unknown column")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e == "row 1, kind: the column is missing"),
            "{text:?}"
        );
    }

    #[test]
    fn templates_list_every_column() {
        for kind in ImportKind::ALL {
            let t = csv_template(kind);
            let rows = csv(t.as_bytes()).unwrap();
            assert_eq!(rows.len(), 2);
            assert_eq!(rows[0].1.len(), kind.columns().len());
            assert_eq!(rows[1].1.len(), kind.columns().len());
            assert_eq!(ImportKind::parse(kind.as_str()).unwrap(), kind);
        }
    }
}
