//! One table, three ways out: CSV (UTF-8 with a BOM so that Excel reads
//! Vietnamese right), XLSX, and the page itself. Every list a page shows
//! can be built as a [`Table`] and downloaded.

use crate::xlsx::{workbook, Cell};

/// A list as it is exported: a header row and rows of cells.
#[derive(Clone, Default)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) || s.starts_with(['=', '+', '-', '@']) {
        // Quote anything a spreadsheet could misread, and defuse formulas.
        let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Table {
    pub fn new(name: &str, headers: &[&str]) -> Self {
        Table {
            name: name.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// CSV, UTF-8 with a byte-order mark, CRLF line ends (RFC 4180).
    pub fn csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        let line = |cells: Vec<String>| cells.join(",") + "\r\n";
        out.push_str(&line(self.headers.iter().map(|h| csv_field(h)).collect()));
        for r in &self.rows {
            out.push_str(&line(
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => csv_field(s),
                        Cell::Number(n) => n.to_string(),
                        Cell::Empty => String::new(),
                    })
                    .collect(),
            ));
        }
        out
    }

    pub fn xlsx(&self) -> Vec<u8> {
        let mut rows = vec![self.headers.iter().map(|h| Cell::Text(h.clone())).collect()];
        rows.extend(self.rows.iter().cloned());
        workbook(&self.name, &rows)
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
    fn xlsx_is_a_zip_holding_the_text() {
        let mut tb = Table::new("list", &["tên"]);
        tb.push(vec![t("Hoàng Thị Mai")]);
        let b = tb.xlsx();
        assert_eq!(&b[..2], b"PK");
        let hay = String::from_utf8_lossy(&b);
        assert!(hay.contains("Hoàng Thị Mai"));
    }
}
