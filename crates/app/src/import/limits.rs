//! The limits of an upload, checked before anything is allocated for what
//! a file claims: the bytes sent, the bytes an XLSX file unpacks to (counted
//! while unpacking, whatever its zip headers declare), its zip entries, the
//! tags of its XML parts, the rows, columns and cells of the sheet and the
//! characters of a cell. A file over a limit is refused with a [`TooLarge`]
//! naming the limit (the server answers 413).
//!
//! Imports also wait their turn: at most [`ImportLimits::running`] at once,
//! [`ImportLimits::waiting`] more in line, and any further one is refused
//! as busy (503), so that one user's big file never holds up the others.
//! An import whose caller goes away (its future is dropped) stops within a
//! few thousand rows: the reading, which runs on a blocking thread, checks
//! a cancel flag that a drop guard sets.

use super::{ReadError, RowError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits of one import, from the server's configuration (`[import]`
/// in ranks.toml, `RANKS_IMPORT_*`, `--import-*`; see docs/import.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportLimits {
    /// The file as sent, in bytes.
    pub upload_bytes: u64,
    /// What an XLSX file unpacks to, all its parts together, in bytes.
    pub unpacked_bytes: u64,
    /// Rows under the header (the header is row 1, so the last row a sheet
    /// may use is `rows + 1`; empty rows count).
    pub rows: u64,
    /// Columns: no value right of this column.
    pub columns: u64,
    /// Cells holding a value, in the whole sheet.
    pub cells: u64,
    /// Characters in one cell (Excel's own limit is 32,767).
    pub cell_chars: u64,
    /// Imports read and checked at once.
    pub running: usize,
    /// Imports waiting for their turn; one more is refused as busy.
    pub waiting: usize,
}

pub const MB: u64 = 1024 * 1024;

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            upload_bytes: 32 * MB,
            unpacked_bytes: 256 * MB,
            rows: 200_000,
            columns: 256,
            cells: 4_000_000,
            cell_chars: 32_767,
            running: 2,
            waiting: 8,
        }
    }
}

/// Entries of an XLSX package (a workbook Excel writes has a dozen or two;
/// one with many sheets and pictures some hundreds).
pub const ZIP_ENTRIES: u64 = 4096;
/// Attributes (and namespace declarations) in one XML tag; Excel writes at
/// most a few dozen.
pub const TAG_ATTRIBUTES: u64 = 512;
/// Bytes of one XML tag, its attribute values included.
pub const TAG_BYTES: u64 = 1024 * 1024;

/// Which limit a file went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    UploadBytes,
    UnpackedBytes,
    ZipEntries,
    TagAttributes,
    TagBytes,
    Rows,
    Columns,
    Cells,
    CellChars,
}

impl Limit {
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::UploadBytes => "upload_bytes",
            Limit::UnpackedBytes => "unpacked_bytes",
            Limit::ZipEntries => "zip_entries",
            Limit::TagAttributes => "tag_attributes",
            Limit::TagBytes => "tag_bytes",
            Limit::Rows => "rows",
            Limit::Columns => "columns",
            Limit::Cells => "cells",
            Limit::CellChars => "cell_chars",
        }
    }
}

/// A file refused for its size: which limit, the limit's value, and a
/// sentence naming both and where the file went over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TooLarge {
    pub limit: Limit,
    pub max: u64,
    pub message: String,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A count with thousands separators: 200,000.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as MB (MiB), as the limits are configured.
pub fn megabytes(n: u64) -> String {
    let (unit, name) = if n < MB { (1024, "KB") } else { (MB, "MB") };
    if n.is_multiple_of(unit) {
        format!("{} {name}", n / unit)
    } else {
        format!("{:.1} {name}", n as f64 / unit as f64)
    }
}

pub(super) fn too_large(limit: Limit, max: u64, message: String) -> ReadError {
    ReadError::TooLarge(TooLarge {
        limit,
        max,
        message,
    })
}

/// The spreadsheet's name of a 0-based column: 0 is A, 16383 is XFD.
pub fn column_name(mut i: u64) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

impl ImportLimits {
    /// A 1-based row number against the limit (the header is row 1).
    pub(super) fn row(&self, row: u64, what: &str) -> Result<(), ReadError> {
        if row > self.rows.saturating_add(1) {
            return Err(too_large(
                Limit::Rows,
                self.rows,
                format!(
                    "{what}: row {} is past the limit of {} rows under the header (import.max_rows); split the file",
                    thousands(row),
                    thousands(self.rows)
                ),
            ));
        }
        Ok(())
    }

    /// A 1-based column number against the limit.
    pub(super) fn column(&self, column: u64, what: &str) -> Result<(), ReadError> {
        if column > self.columns {
            return Err(too_large(
                Limit::Columns,
                self.columns,
                format!(
                    "{what}: column {} ({}) is past the limit of {} columns (import.max_columns)",
                    thousands(column),
                    column_name(column - 1),
                    thousands(self.columns)
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn cells(&self, cells: u64) -> Result<(), ReadError> {
        if cells > self.cells {
            return Err(too_large(
                Limit::Cells,
                self.cells,
                format!(
                    "the file holds more than {} cells with a value; the limit is {} (import.max_cells); split the file",
                    thousands(self.cells),
                    thousands(self.cells)
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn cell_chars(&self, text: &str, what: &str) -> Result<(), ReadError> {
        // Bytes bound characters from above: count only when it may matter.
        if text.len() as u64 > self.cell_chars && text.chars().count() as u64 > self.cell_chars {
            return Err(too_large(
                Limit::CellChars,
                self.cell_chars,
                format!(
                    "{what}: the cell holds {} characters; the limit is {} (import.max_cell_chars)",
                    thousands(text.chars().count() as u64),
                    thousands(self.cell_chars)
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn upload(&self, bytes: usize) -> Result<(), ReadError> {
        if bytes as u64 > self.upload_bytes {
            return Err(too_large(
                Limit::UploadBytes,
                self.upload_bytes,
                format!(
                    "the file is {}; the limit is {} (import.max_upload_mb)",
                    megabytes(bytes as u64),
                    megabytes(self.upload_bytes)
                ),
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Cancellation and progress.

/// The reading's link to its caller: a cancel flag that a drop guard sets
/// when the caller goes away, and the rows done (for monitoring and tests).
#[derive(Clone)]
pub(crate) struct Work {
    cancel: Arc<AtomicBool>,
    rows: Arc<AtomicU64>,
}

impl Work {
    /// Work that nobody cancels (the fuzzers, unit tests).
    pub(crate) fn detached() -> Self {
        Work {
            cancel: Arc::new(AtomicBool::new(false)),
            rows: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Stops the work when the caller is gone.
    pub(super) fn check(&self) -> Result<(), ReadError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(ReadError::Cancelled)
        } else {
            Ok(())
        }
    }

    pub(super) fn done(&self, rows: u64) {
        self.rows.fetch_add(rows, Ordering::Relaxed);
    }

    /// A guard that cancels this work when dropped.
    pub(super) fn guard(&self) -> CancelOnDrop {
        CancelOnDrop(self.cancel.clone())
    }
}

pub(super) struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The imports' turnstile, shared by every clone of the application.
pub(crate) struct Gate {
    pub(crate) limits: ImportLimits,
    /// Permits for those running or waiting.
    admitted: Arc<Semaphore>,
    /// Permits for those running.
    running: Arc<Semaphore>,
    /// Rows read and checked by all imports since the start.
    rows: Arc<AtomicU64>,
}

/// A turn: held while the import reads and checks.
pub(crate) struct Turn {
    _admitted: OwnedSemaphorePermit,
    _running: OwnedSemaphorePermit,
}

impl Gate {
    pub(crate) fn new(limits: ImportLimits) -> Self {
        let running = limits.running.max(1);
        Gate {
            limits,
            admitted: Arc::new(Semaphore::new(running + limits.waiting)),
            running: Arc::new(Semaphore::new(running)),
            rows: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Waits for a turn, or refuses when the line is full.
    pub(crate) async fn turn(&self) -> Result<Turn, crate::AppError> {
        let admitted = self.admitted.clone().try_acquire_owned().map_err(|_| {
            crate::AppError::Busy(format!(
                "too many imports in progress ({} running, {} waiting: import.max_running, import.max_waiting); try again in a minute",
                self.limits.running.max(1),
                self.limits.waiting
            ))
        })?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .expect("the import semaphore is never closed");
        Ok(Turn {
            _admitted: admitted,
            _running: running,
        })
    }

    pub(crate) fn work(&self) -> Work {
        Work {
            cancel: Arc::new(AtomicBool::new(false)),
            rows: self.rows.clone(),
        }
    }

    pub(crate) fn rows_done(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }

    /// Imports running or waiting now.
    pub(crate) fn in_progress(&self) -> usize {
        self.limits.running.max(1) + self.limits.waiting - self.admitted.available_permits()
    }
}

// ---------------------------------------------------------------------------
// The XLSX package, before calamine opens it.

/// The number of entries the zip's end record claims, read before a zip
/// reader allocates anything per entry.
fn claimed_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(EOCD))?;
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let entries = u16_at(at + 10)?;
    if entries != u16::MAX {
        return Some(u64::from(entries));
    }
    // Zip64: the locator just before points at the zip64 end record.
    let loc = at.checked_sub(20)?;
    if !bytes[loc..].starts_with(b"PK\x06\x07") {
        return Some(u64::from(entries));
    }
    let u64_at = |i: usize| {
        bytes
            .get(i..i + 8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    };
    let rec = usize::try_from(u64_at(loc + 8)?).ok()?;
    if !bytes.get(rec..)?.starts_with(b"PK\x06\x06") {
        return Some(u64::from(entries));
    }
    u64_at(rec + 32)
}

/// Unpacks every entry of the package once, counting bytes as they come
/// out (a deflate bomb is cut off at the limit, not after), and scans its
/// XML parts for tags that only an attack writes. Nothing is kept.
pub(super) fn scan_xlsx(bytes: &[u8], limits: &ImportLimits, work: &Work) -> Result<(), ReadError> {
    let unreadable = |e: &dyn fmt::Display| {
        ReadError::File(RowError::file(format!("not a readable XLSX file: {e}")))
    };
    let entries_refused = |n: u64| {
        too_large(
            Limit::ZipEntries,
            ZIP_ENTRIES,
            format!(
                "the XLSX file holds {} parts; the limit is {}; save the sheet alone in a new workbook",
                thousands(n),
                thousands(ZIP_ENTRIES)
            ),
        )
    };
    if let Some(n) = claimed_entries(bytes).filter(|n| *n > ZIP_ENTRIES) {
        return Err(entries_refused(n));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if zip.len() as u64 > ZIP_ENTRIES {
        return Err(entries_refused(zip.len() as u64));
    }
    // What the package declares, refused at once; what comes out is
    // counted below all the same (declarations may lie).
    let over = |what: &str| {
        too_large(
            Limit::UnpackedBytes,
            limits.unpacked_bytes,
            format!(
                "the XLSX file unpacks to more than {} ({what}); the limit is {} (import.max_unpacked_mb)",
                megabytes(limits.unpacked_bytes),
                megabytes(limits.unpacked_bytes)
            ),
        )
    };
    if let Some(declared) = zip.decompressed_size() {
        if declared > u128::from(limits.unpacked_bytes) {
            return Err(over(&format!(
                "its parts declare {}",
                megabytes(u64::try_from(declared).unwrap_or(u64::MAX))
            )));
        }
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        work.check()?;
        let mut entry = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("part {}", i + 1));
        let lower = name.to_ascii_lowercase();
        let mut xml = (lower.ends_with(".xml") || lower.ends_with(".rels")).then(XmlScan::default);
        loop {
            let n = match entry.read(&mut buf) {
                Ok(n) => n,
                Err(e) => {
                    return Err(ReadError::File(RowError::file(format!(
                        "not a readable XLSX file: {name} cannot be unpacked: {e}"
                    ))))
                }
            };
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limits.unpacked_bytes {
                return Err(over(&format!("at {name}")));
            }
            if let Some(scan) = xml.as_mut() {
                scan.feed(&buf[..n], &name)?;
            }
            work.check()?;
        }
    }
    Ok(())
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Text,
    /// Inside `<…>`, outside quotes.
    Tag,
    Quoted(u8),
    Comment,
    CData,
}

/// Follows an XML text byte by byte: where tags begin and end, their
/// length and how many attributes they carry (whitespace-separated items,
/// or `=` signs, whichever is more), as a parser would see them.
#[derive(Default)]
struct XmlScan {
    state: State,
    /// The tag's first bytes, to tell a comment or CDATA.
    head: Vec<u8>,
    tag_bytes: u64,
    items: u64,
    equals: u64,
    after_space: bool,
    /// The last bytes, to find `-->` and `]]>`.
    tail: [u8; 2],
}

impl XmlScan {
    fn feed(&mut self, data: &[u8], part: &str) -> Result<(), ReadError> {
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            i += 1;
            match self.state {
                State::Text => {
                    // Skip to the next tag.
                    match data[i - 1..].iter().position(|&c| c == b'<') {
                        Some(p) => {
                            i += p;
                            self.state = State::Tag;
                            self.head.clear();
                            self.tag_bytes = 0;
                            self.items = 0;
                            self.equals = 0;
                            self.after_space = false;
                        }
                        None => i = data.len(),
                    }
                    continue;
                }
                State::Comment | State::CData => {
                    let end = if self.state == State::Comment {
                        b'-'
                    } else {
                        b']'
                    };
                    if b == b'>' && self.tail == [end, end] {
                        self.state = State::Text;
                    }
                    self.tail = [self.tail[1], b];
                    continue;
                }
                State::Quoted(q) => {
                    if b == q {
                        self.state = State::Tag;
                    }
                }
                State::Tag => {
                    if self.head.len() < 8 {
                        self.head.push(b);
                        if self.head == b"!--" {
                            self.state = State::Comment;
                            self.tail = [0, 0];
                            continue;
                        }
                        if self.head == b"![CDATA[" {
                            self.state = State::CData;
                            self.tail = [0, 0];
                            continue;
                        }
                    }
                    match b {
                        b'>' => {
                            self.state = State::Text;
                            continue;
                        }
                        b' ' | b'\t' | b'\r' | b'\n' => self.after_space = true,
                        _ => {
                            if b == b'"' || b == b'\'' {
                                self.state = State::Quoted(b);
                            } else if b == b'=' {
                                self.equals += 1;
                            }
                            if self.after_space {
                                self.items += 1;
                                self.after_space = false;
                            }
                        }
                    }
                    if self.items.max(self.equals) > TAG_ATTRIBUTES {
                        return Err(too_large(
                            Limit::TagAttributes,
                            TAG_ATTRIBUTES,
                            format!(
                                "the XLSX part {part} has a tag with more than {} attributes or namespace declarations, which no spreadsheet program writes; the limit is {}",
                                thousands(TAG_ATTRIBUTES),
                                thousands(TAG_ATTRIBUTES)
                            ),
                        ));
                    }
                }
            }
            self.tag_bytes += 1;
            if self.tag_bytes > TAG_BYTES {
                return Err(too_large(
                    Limit::TagBytes,
                    TAG_BYTES,
                    format!(
                        "the XLSX part {part} has a tag longer than {}, which no spreadsheet program writes; the limit is {}",
                        megabytes(TAG_BYTES),
                        megabytes(TAG_BYTES)
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(parts: &[&[u8]]) -> Result<(), ReadError> {
        let mut s = XmlScan::default();
        for p in parts {
            s.feed(p, "x.xml")?;
        }
        Ok(())
    }

    fn refused(r: Result<(), ReadError>) -> Option<Limit> {
        match r {
            Err(ReadError::TooLarge(t)) => Some(t.limit),
            _ => None,
        }
    }

    #[test]
    fn tags_are_measured_across_chunks_quotes_comments_and_cdata() {
        let ok = br#"<?xml version="1.0"?><worksheet xmlns="a" xmlns:r="b"><c r="A1" t="s"><v>1</v></c><!-- a=b=c --><![CDATA[ <x a=1> ]]></worksheet>"#;
        assert!(scan(&[ok]).is_ok());
        for split in 1..ok.len() {
            assert!(scan(&[&ok[..split], &ok[split..]]).is_ok(), "{split}");
        }
        let many = |n: usize, f: &dyn Fn(usize) -> String| {
            let mut t = String::from("<c ");
            for i in 0..n {
                t.push_str(&f(i));
            }
            t.push_str("/>");
            t.into_bytes()
        };
        let attrs = many(513, &|i| format!(" a{i}=\"\""));
        assert_eq!(refused(scan(&[&attrs])), Some(Limit::TagAttributes));
        let packed = many(513, &|i| format!("a{i}=\"\""));
        assert_eq!(refused(scan(&[&packed])), Some(Limit::TagAttributes));
        let bare = many(513, &|i| format!(" a{i}"));
        assert_eq!(refused(scan(&[&bare])), Some(Limit::TagAttributes));
        assert!(scan(&[&many(500, &|i| format!(" a{i}=\"x > y\""))]).is_ok());
        // Equals signs in quotes, comments and text are not attributes.
        let quoted = format!("<c a=\"{}\"/>{}", "=".repeat(5000), "=".repeat(5000));
        assert!(scan(&[quoted.as_bytes()]).is_ok());
        let long = format!("<c a=\"{}\"/>", "x".repeat(TAG_BYTES as usize));
        assert_eq!(refused(scan(&[long.as_bytes()])), Some(Limit::TagBytes));
    }

    #[test]
    fn counts_and_names() {
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_048_576), "1,048,576");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(255), "IV");
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(megabytes(32 * MB), "32 MB");
        assert_eq!(megabytes(64 * 1024), "64 KB");
        assert_eq!(megabytes(MB + MB / 2), "1.5 MB");
    }
}
