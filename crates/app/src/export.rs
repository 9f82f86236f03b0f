//! One table, three ways out: CSV (UTF-8 with a BOM so that Excel reads
//! Vietnamese right), XLSX, and the page itself. Every list a page shows
//! can be built as a [`Table`] and downloaded.
//!
//! Every CSV Ranks writes (these exports, the CLI's reports, `ranks gen`)
//! goes through [`CsvOut`]: the `csv` crate's quoting and the one rule
//! against formulas, [`defuse`].

use crate::xlsx::Cell;
use ranks_domain::Date;
use std::borrow::Cow;
use std::io::Write;

/// A list as it is exported: a header row and rows of cells.
#[derive(Clone, Default)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// How its reader's language writes dates and decimals; ISO dates and
    /// decimal points without one (files for programs).
    pub locale: Option<Locale>,
}

/// How a language writes dates and decimals in a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locale {
    /// Dates in CSV, as a `chrono` format (`%d/%m/%Y`).
    pub csv_date: &'static str,
    /// Dates in XLSX, as a number format (`dd/mm/yyyy`).
    pub xlsx_date: &'static str,
    /// `12,5` rather than `12.5` in CSV.
    pub decimal_comma: bool,
}

/// Whether a spreadsheet could take the cell for a formula: it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a number
/// (`-5` and `+84912345678` stay as they are).
#[inline]
pub fn is_formula_like(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && std::str::from_utf8(cell).map_or(true, |s| s.parse::<f64>().is_err())
}

/// The one rule against formula injection for every CSV cell Ranks writes:
/// a cell a spreadsheet could run as a formula gets a leading apostrophe,
/// which spreadsheets read as "this is text".
#[inline]
pub fn defuse(cell: &[u8]) -> Cow<'_, [u8]> {
    if is_formula_like(cell) {
        let mut v = Vec::with_capacity(cell.len() + 1);
        v.push(b'\'');
        v.extend_from_slice(cell);
        Cow::Owned(v)
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV writer as every CSV of Ranks is written: commas, quotes where a
/// cell needs them (RFC 4180), and every cell through [`defuse`].
pub struct CsvOut<W: Write> {
    w: csv::Writer<W>,
    /// The record being written, reused: a whole record goes to the
    /// writer's fast path (`write_byte_record`).
    rec: csv::ByteRecord,
}

/// How lines end: CRLF for downloads (RFC 4180, what Excel writes), LF for
/// files made on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnd {
    Crlf,
    Lf,
}

impl<W: Write> CsvOut<W> {
    /// A writer onto `w`; `buffer` is the size of the writer's own buffer.
    pub fn new(w: W, end: LineEnd, buffer: usize) -> Self {
        let w = csv::WriterBuilder::new()
            .terminator(match end {
                LineEnd::Crlf => csv::Terminator::CRLF,
                LineEnd::Lf => csv::Terminator::Any(b'\n'),
            })
            // A cell holding an apostrophe, and so every defused cell, is
            // quoted: the apostrophe is plainly part of the text.
            .comment(Some(b'\''))
            .buffer_capacity(buffer)
            .from_writer(w);
        CsvOut {
            w,
            rec: csv::ByteRecord::new(),
        }
    }

    /// One record; each cell is defused.
    #[inline]
    pub fn record<I, T>(&mut self, cells: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.rec.clear();
        for c in cells {
            self.rec.push_field(&defuse(c.as_ref()));
        }
        self.w.write_byte_record(&self.rec)?;
        Ok(())
    }

    /// Writes out what is buffered and gives the inner writer back.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// A whole CSV in memory: a byte-order mark, the header, the rows.
pub fn csv_bytes<R, C>(headers: &[&str], rows: R, end: LineEnd) -> Vec<u8>
where
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<[u8]>,
{
    let mut out = CsvOut::new("\u{feff}".as_bytes().to_vec(), end, 8 * 1024);
    let write = |out: &mut CsvOut<Vec<u8>>| -> std::io::Result<()> {
        out.record(headers)?;
        for r in rows {
            out.record(r)?;
        }
        Ok(())
    };
    write(&mut out).expect("writing to memory");
    out.into_inner().expect("writing to memory")
}

pub fn csv_cell(c: &Cell, locale: Option<&Locale>) -> String {
    match (c, locale) {
        (Cell::Text(s), _) => s.clone(),
        (Cell::Number(n), Some(l)) if l.decimal_comma => n.to_string().replace('.', ","),
        (Cell::Number(n), _) => n.to_string(),
        (Cell::Date(d), Some(l)) => d.format(l.csv_date).to_string(),
        (Cell::Date(d), None) => d.to_string(),
        (Cell::Empty, _) => String::new(),
    }
}

impl Table {
    pub fn new(name: &str, headers: &[&str]) -> Self {
        Table {
            name: name.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            locale: None,
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// CSV, UTF-8 with a byte-order mark, CRLF line ends (RFC 4180).
    pub fn csv(&self) -> String {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        let locale = self.locale.as_ref();
        let rows = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| csv_cell(c, locale)).collect());
        String::from_utf8(csv_bytes(&headers, rows, LineEnd::Crlf)).expect("UTF-8 in, UTF-8 out")
    }

    pub fn xlsx(&self) -> Vec<u8> {
        let mut rows = vec![self.headers.iter().map(|h| Cell::Text(h.clone())).collect()];
        rows.extend(self.rows.iter().cloned());
        let date = self.locale.as_ref().map_or("yyyy-mm-dd", |l| l.xlsx_date);
        crate::xlsx::workbook_dated(&self.name, &rows, date)
    }
}

/// Text cell.
pub fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Number cell.
pub fn n(v: impl Into<f64>) -> Cell {
    Cell::Number(v.into())
}

/// Date cell: a date in XLSX, ISO text in CSV.
pub fn d(v: Date) -> Cell {
    Cell::Date(v)
}

/// A date that may be absent (or withheld): empty when absent.
pub fn opt_d(v: Option<Date>) -> Cell {
    v.map(Cell::Date).unwrap_or(Cell::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_quotes_and_keeps_leading_zeros() {
        let mut tb = Table::new("x", &["name", "id", "n"]);
        tb.push(vec![t("Nguyễn, Văn \"An\""), t("001203004567"), n(3)]);
        tb.push(vec![t("=HYPERLINK(1)"), Cell::Empty, n(1.5)]);
        let s = tb.csv();
        assert!(s.starts_with('\u{feff}'));
        assert_eq!(
            s,
            "\u{feff}name,id,n\r\n\"Nguyễn, Văn \"\"An\"\"\",001203004567,3\r\n\"'=HYPERLINK(1)\",,1.5\r\n"
        );
    }

    #[test]
    fn one_rule_defuses_formulas_and_keeps_numbers() {
        for f in ["=1+1", "+SUM(A1)", "-A1", "@x", "\tx", "\r=1"] {
            assert_eq!(&*defuse(f.as_bytes()), format!("'{f}").as_bytes(), "{f:?}");
        }
        for v in ["-5", "+84912345678", "1.5", "Nguyễn Văn An", "", "a=b"] {
            assert_eq!(&*defuse(v.as_bytes()), v.as_bytes(), "{v:?}");
        }
        let csv = csv_bytes(&["a", "b"], [vec!["-5", "@SUM(1)"]], LineEnd::Lf);
        assert_eq!(csv, "\u{feff}a,b\n-5,\"'@SUM(1)\"\n".as_bytes());
    }

    #[test]
    fn dates_are_iso_text_in_csv() {
        let mut tb = Table::new("x", &["on", "x"]);
        tb.push(vec![d(Date::from_ymd_opt(2025, 3, 9).unwrap()), t("a")]);
        tb.push(vec![opt_d(None), t("b")]);
        assert_eq!(tb.csv(), "\u{feff}on,x\r\n2025-03-09,a\r\n,b\r\n");
    }

    /// In a reader's language: dates as it writes them, decimal commas
    /// (the cell quoted), and the XLSX date format.
    #[test]
    fn a_locale_writes_dates_and_decimals() {
        let mut tb = Table::new("x", &["ngày", "tỷ lệ"]);
        tb.locale = Some(Locale {
            csv_date: "%d/%m/%Y",
            xlsx_date: "dd/mm/yyyy",
            decimal_comma: true,
        });
        tb.push(vec![d(Date::from_ymd_opt(2025, 3, 9).unwrap()), n(94.5)]);
        assert_eq!(tb.csv(), "\u{feff}ngày,tỷ lệ\r\n09/03/2025,\"94,5\"\r\n");
        let text = crate::xlsx::tests::unpacked(&tb.xlsx());
        assert!(text.contains("dd/mm/yyyy"), "{text}");
    }

    #[test]
    fn xlsx_is_a_zip_holding_the_text() {
        let mut tb = Table::new("list", &["tên"]);
        tb.push(vec![t("Hoàng Thị Mai")]);
        let b = tb.xlsx();
        assert_eq!(&b[..2], b"PK");
        // The package is compressed: the text is in it once unpacked.
        let hay = crate::xlsx::tests::unpacked(&b);
        assert!(hay.contains("Hoàng Thị Mai"));
    }
}
