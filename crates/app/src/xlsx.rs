//! XLSX through `rust_xlsxwriter`: one sheet of text, numbers and dates,
//! dates as real dates with a date format, columns as wide as their
//! contents, the package compressed.

use ranks_domain::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// A cell: text, a number or a date.
#[derive(Clone)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A calendar date, written as a date (a spreadsheet can sort and
    /// compute with it) shown as YYYY-MM-DD; in CSV the same ISO text.
    Date(Date),
    Empty,
}

/// A sheet name Excel accepts: at most 31 characters, none of `[ ] : * ? / \`,
/// no apostrophe at either end, not blank.
pub(crate) fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'');
    if cleaned.trim().is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned.to_string()
    }
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).unwrap_or(0);
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

fn build(sheet: &str, rows: &[Vec<Cell>], date_format: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format(date_format);
    let header = Format::new().set_bold();
    let ws = book.add_worksheet();
    // A name Excel still refuses (e.g. "History") keeps the default one.
    ws.set_name(sheet_name(sheet)).ok();
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            match cell {
                Cell::Text(t) if r == 0 => {
                    ws.write_string_with_format(r, c, t, &header)?;
                }
                cell => write_cell(ws, r, c, cell, &date)?,
            }
        }
    }
    // The header row stays in view, and a column is never narrower than a
    // date or wider than a screen.
    ws.set_freeze_panes(1, 0)?;
    if let Some(first) = rows.first() {
        for c in 0..first.len() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            let widest = rows
                .iter()
                .filter_map(|r| r.get(usize::from(c)))
                .map(|cell| match cell {
                    Cell::Text(t) => t.chars().count(),
                    Cell::Number(_) => 8,
                    Cell::Date(_) => 10,
                    Cell::Empty => 0,
                })
                .max()
                .unwrap_or(0);
            let width = (widest as f64 * 1.1 + 2.0).clamp(10.0, 60.0);
            ws.set_column_width(c, width)?;
        }
    }
    book.save_to_buffer()
}

/// One cell: text, a number, a date (as a date in `date`'s format; the
/// ISO text for a day Excel has no number for), or nothing.
pub(crate) fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    date: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) => {
            ws.write_string(r, c, t)?;
        }
        Cell::Number(n) => {
            ws.write_number(r, c, *n)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Ok(x) => {
                ws.write_date_with_format(r, c, &x, date)?;
            }
            // Before 1900 or after 9999: Excel has no such date; keep the text.
            Err(_) => {
                ws.write_string(r, c, d.to_string())?;
            }
        },
        Cell::Empty => {}
    }
    Ok(())
}

/// The workbook's bytes: one sheet named `sheet` holding `rows`, dates as
/// YYYY-MM-DD.
pub fn workbook(sheet: &str, rows: &[Vec<Cell>]) -> Vec<u8> {
    workbook_dated(sheet, rows, "yyyy-mm-dd")
}

/// The same, with dates shown in `date_format` (an Excel number format
/// such as `dd/mm/yyyy`); they stay dates.
pub fn workbook_dated(sheet: &str, rows: &[Vec<Cell>], date_format: &str) -> Vec<u8> {
    build(sheet, rows, date_format)
        .expect("a sheet of text, numbers and dates within Excel's limits")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// Every part of the package, unpacked, as one text.
    pub(crate) fn unpacked(xlsx: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
        let mut all = String::new();
        for i in 0..zip.len() {
            zip.by_index(i)
                .expect("an entry")
                .read_to_string(&mut all)
                .expect("text");
        }
        all
    }

    #[test]
    fn sheet_names_excel_accepts() {
        assert_eq!(sheet_name("Thành tích"), "Thành tích");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name("'x'"), "x");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }

    #[test]
    fn a_workbook_is_a_zip_with_the_sheet() {
        let wb = workbook(
            "Thành tích",
            &[vec![
                Cell::Text("Đảng bộ & <x>".into()),
                Cell::Number(109.5),
                Cell::Empty,
                Cell::Date(Date::from_ymd_opt(2025, 12, 31).unwrap()),
            ]],
        );
        assert_eq!(&wb[..4], b"PK\x03\x04");
        let text = unpacked(&wb);
        assert!(text.contains("Đảng bộ &amp; &lt;x&gt;") && text.contains("<v>109.5</v>"));
        // The date is a serial number with a date format, not text.
        assert!(text.contains("<v>46022</v>"), "{text}");
        assert!(text.contains("yyyy-mm-dd"));
        // Compressed: the shared text does not appear in the raw bytes.
        assert!(!String::from_utf8_lossy(&wb).contains("Đảng bộ"));
        assert!(text.contains("<cols>"), "column widths");
        let names = zip::ZipArchive::new(std::io::Cursor::new(&wb[..])).unwrap();
        assert!(names
            .file_names()
            .any(|n| n.is_ok_and(|n| n == "xl/worksheets/sheet1.xml")));
    }
}
