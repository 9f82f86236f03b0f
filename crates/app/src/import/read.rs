//! Reading the file into rows of cells (CSV or XLSX), within the limits.

use super::limits::{self, Work};
use super::{parse_day, FileFormat, ImportLimits, RowError, TooLarge};
use ranks_domain::text::nfc;
use ranks_domain::Date;

/// A cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Raw {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    /// A cell that cannot be used (an error value, a duration), with why.
    Bad(String),
}

impl Raw {
    pub(super) fn text(s: &str) -> Raw {
        let t = nfc(s);
        if t.is_empty() {
            Raw::Empty
        } else {
            Raw::Text(t)
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        matches!(self, Raw::Empty)
    }

    /// The cell as text: numbers without a needless decimal, dates as dd/mm/yyyy.
    pub(super) fn display(&self) -> String {
        match self {
            Raw::Empty => String::new(),
            Raw::Text(s) => s.clone(),
            Raw::Number(n) => number_text(*n),
            Raw::Date(d) => d.format("%d/%m/%Y").to_string(),
            Raw::Bad(why) => format!("({why})"),
        }
    }
}

pub(super) fn number_text(n: f64) -> String {
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
pub(super) struct Sheet {
    pub(super) format: FileFormat,
    pub(super) rows: Vec<SheetRow>,
}

/// A row's number and its cells holding a value, with their columns.
pub(super) type SheetRow = (usize, Vec<(usize, Raw)>);

/// A CSV record's number and its non-blank fields, with their columns.
pub(super) type CsvRecord = (usize, Vec<(usize, String)>);

/// Why a file was not read.
#[derive(Debug)]
pub(super) enum ReadError {
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

pub(super) fn read_sheet(
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
pub(super) fn read_xlsx(
    bytes: &[u8],
    limits: &ImportLimits,
    work: &Work,
) -> Result<Vec<SheetRow>, ReadError> {
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

pub(super) fn xlsx_cell(d: &calamine::Data) -> Raw {
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

pub(super) fn read_csv(
    bytes: &[u8],
    limits: &ImportLimits,
    work: &Work,
) -> Result<Vec<SheetRow>, ReadError> {
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
pub(super) fn detect_separator(text: &str) -> char {
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
pub(super) fn parse_csv(
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
