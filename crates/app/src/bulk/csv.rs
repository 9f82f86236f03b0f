//! The bulk loader's own CSV reader (one record at a time, its strings
//! reused) and its fast value cleaning: ISO dates, trimmed NFC text.

use ranks_domain::Date;
use std::io::{BufRead, BufReader, Read};

/// Reads CSV records (RFC 4180: quotes, doubled quotes, line breaks inside
/// quotes; `,` or `;` as in the header; a BOM is skipped) one at a time.
pub(super) struct CsvReader<R: Read> {
    inner: BufReader<R>,
    sep: u8,
    line: Vec<u8>,
    field: Vec<u8>,
    pub bytes: u64,
    pub row: u64,
}

impl<R: Read> CsvReader<R> {
    pub(super) fn new(r: R) -> Self {
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
    pub(super) fn next(&mut self, out: &mut Vec<String>) -> std::io::Result<bool> {
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

/// An ISO date from dd/mm/yyyy or yyyy-mm-dd.
pub(super) fn iso(s: &str) -> Option<String> {
    Some(iso_of(crate::import::parse_day(s)?))
}

/// A day as `yyyy-mm-dd`.
pub(super) fn iso_of(d: Date) -> String {
    let mut out = String::with_capacity(10);
    iso_into(&mut out, d);
    out
}

/// Appends a day as `yyyy-mm-dd`.
pub(super) fn iso_into(out: &mut String, d: Date) {
    use chrono::Datelike;
    use std::fmt::Write;
    // By hand: chrono's formatter was a tenth of a national load's time.
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        return;
    }
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
}

pub(super) fn clean(s: &str) -> String {
    let mut out = String::new();
    clean_into(&mut out, s);
    out
}

/// Appends `s` trimmed, in NFC.
pub(super) fn clean_into(out: &mut String, s: &str) {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    let t = s.trim();
    if t.is_ascii() || is_nfc_quick(t.chars()) == IsNormalized::Yes {
        out.push_str(t);
    } else {
        out.extend(t.nfc());
    }
}
