//! Streamed exports (issue 16): a province's members leave the database
//! row by row and the file is written as they come, so that memory does not
//! grow with the row count.
//!
//! - [`App::export_members`] runs the search's query on a connection of its
//!   own, in a task, and hands rows over through a bounded channel (the
//!   query waits while the reader is behind);
//! - [`CsvStream`] writes CSV a batch at a time and gives the bytes written
//!   so far;
//! - [`XlsxStream`] writes rows through `rust_xlsxwriter`'s constant-memory
//!   worksheet (each row to a temporary file as soon as the next begins),
//!   then packs the workbook into a temporary file read back in chunks.

use crate::export::{csv_cell, CsvOut, LineEnd, Locale};
use crate::privacy::MemberEntry;
use crate::xlsx::Cell;
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::text::fold;
use ranks_domain::MemberStatus;
use ranks_store::records::search::{self as store, NameQuery, Plan};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use tokio::sync::mpsc;

/// Rows waiting between the query and the writer.
const QUEUE: usize = 1024;

/// The rows of a member export, in list order, as they come.
pub struct MemberExport {
    rx: mpsc::Receiver<Result<MemberEntry, AppError>>,
    /// How many rows the export holds (counted before the first is sent).
    pub total: u64,
}

impl MemberExport {
    /// The next rows (at most `max`); `None` at the end.
    pub async fn next_batch(&mut self, max: usize) -> Option<Result<Vec<MemberEntry>, AppError>> {
        let first = self.rx.recv().await?;
        let mut batch = match first {
            Ok(m) => vec![m],
            Err(e) => return Some(Err(e)),
        };
        while batch.len() < max {
            match self.rx.try_recv() {
                Ok(Ok(m)) => batch.push(m),
                Ok(Err(e)) => return Some(Err(e)),
                Err(_) => break,
            }
        }
        Some(Ok(batch))
    }
}

/// The columns of a member export, and a member's cells in that order.
pub const MEMBER_COLUMNS: [&str; 8] = [
    "name",
    "birth_date",
    "gender",
    "unit",
    "unit_name",
    "status",
    "admitted_on",
    "official_on",
];

pub fn member_cells(m: MemberEntry) -> Vec<Cell> {
    let opt_date = |d: Option<ranks_domain::Date>| d.map(Cell::Date).unwrap_or(Cell::Empty);
    vec![
        Cell::Text(m.full_name),
        opt_date(m.birth_date),
        m.gender.map(Cell::Text).unwrap_or(Cell::Empty),
        Cell::Text(m.unit_code.to_string()),
        Cell::Text(m.unit_name),
        Cell::Text(m.status.as_str().to_string()),
        Cell::Date(m.admitted_on),
        opt_date(m.official_on),
    ]
}

impl App {
    /// Every current member of the subtree matching `query` (as
    /// [`App::member_page`] finds them, in the same order), streamed. The
    /// bulk read is logged (with the row count) before any row leaves.
    pub async fn export_members(
        &self,
        actor: &Actor,
        org: Option<&str>,
        query: &str,
        status: Option<MemberStatus>,
    ) -> Result<MemberExport, AppError> {
        let q = ranks_domain::text::bounded("q", query, ranks_domain::text::limits::LINE)?;
        let words: Vec<String> = fold(&q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
        let path = root.path.clone();
        // The whole tree streams in list order from the index; a subtree
        // is read whole and sorted by the database (on disk if need be),
        // unless a rare word of the query narrows it first.
        let plan = match crate::search::export_plan(&mut conn, &path, &words).await? {
            Some(p) => p,
            None if path.parent().is_none() => Plan::Ordered,
            None => Plan::Scope,
        };
        let nq = NameQuery {
            root: &path,
            words: &words,
            status,
            after: None,
        };
        let total = store::count_capped(&mut conn, &nq, &plan, true, u64::MAX / 2).await?;
        self.log_bulk_read(actor, "members", org, total as usize)
            .await?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let actor = actor.clone();
        tokio::spawn(async move {
            let nq = NameQuery {
                root: &path,
                words: &words,
                status,
                after: None,
            };
            let sent = store::each_member(&mut conn, &nq, &plan, |m| {
                let tx = tx.clone();
                let entry = MemberEntry::shown_to(&actor, m.view);
                async move { tx.send(Ok(entry)).await.is_ok() }
            })
            .await;
            if let Err(e) = sent {
                let _ = tx.send(Err(e.into())).await;
            }
        });
        Ok(MemberExport { rx, total })
    }
}

/// CSV written a batch at a time (a byte-order mark, CRLF, formulas
/// defused, dates and decimals as the locale writes them): each call gives
/// the bytes of its rows.
pub struct CsvStream {
    locale: Option<Locale>,
}

impl CsvStream {
    /// The writer and the first bytes: the byte-order mark and the header.
    pub fn new(headers: &[String], locale: Option<Locale>) -> std::io::Result<(Self, Vec<u8>)> {
        let mut out = CsvOut::new("\u{feff}".as_bytes().to_vec(), LineEnd::Crlf, 1024);
        out.record(headers)?;
        Ok((CsvStream { locale }, out.into_inner()?))
    }

    pub fn rows(&self, rows: &[Vec<Cell>]) -> std::io::Result<Vec<u8>> {
        let mut out = CsvOut::new(
            Vec::with_capacity(rows.len() * 96),
            LineEnd::Crlf,
            64 * 1024,
        );
        for r in rows {
            out.record(r.iter().map(|c| csv_cell(c, self.locale.as_ref())))?;
        }
        out.into_inner()
    }
}

/// XLSX written row by row in constant memory.
pub struct XlsxStream {
    book: Workbook,
    next_row: u32,
    date: Format,
}

impl XlsxStream {
    pub fn new(
        sheet: &str,
        headers: &[String],
        locale: Option<&Locale>,
    ) -> Result<Self, XlsxError> {
        let mut book = Workbook::new();
        let date = Format::new().set_num_format(locale.map_or("yyyy-mm-dd", |l| l.xlsx_date));
        let header = Format::new().set_bold();
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(crate::xlsx::sheet_name(sheet)).ok();
        for (c, h) in headers.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            // Widths must be set before the first row in this mode.
            ws.set_column_width(c, if c == 0 { 28.0 } else { 14.0 })?;
            ws.write_string_with_format(0, c, h, &header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(XlsxStream {
            book,
            next_row: 1,
            date,
        })
    }

    pub fn rows(&mut self, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
        let ws = self.book.worksheet_from_index(0)?;
        for row in rows {
            let r = self.next_row;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                crate::xlsx::write_cell(ws, r, c, cell, &self.date)?;
            }
            self.next_row = r.checked_add(1).ok_or(XlsxError::RowColumnLimitError)?;
        }
        Ok(())
    }

    /// The finished workbook, in a temporary file (removed when dropped),
    /// rewound to its start.
    pub fn finish(mut self) -> Result<std::fs::File, XlsxError> {
        use std::io::Seek;
        let mut file = tempfile::tempfile()?;
        self.book.save_to_writer(&mut file)?;
        file.rewind()?;
        Ok(file)
    }
}
