//! Shaping: the header (which kind, which column is where) and each
//! row's cells as the kind's values.

use super::read::{number_text, Raw, Sheet};
use super::{ImportKind, RowError};
use ranks_domain::text::nfc;
use ranks_domain::{Date, IdNumber, MemberStatus, Phone};
use std::collections::HashMap;

/// A data row: its number and its cells by column name.
pub(super) struct Fields {
    pub(super) row: usize,
    pub(super) cells: HashMap<&'static str, Raw>,
}

pub(super) struct Shaped {
    pub(super) kind: ImportKind,
    pub(super) rows: Vec<Fields>,
}

pub(super) fn header_key(s: &str) -> String {
    nfc(s)
        .trim_end_matches('*')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Finds the header, recognises (or checks) the kind and maps each row's
/// cells to the kind's columns.
pub(super) fn shape(sheet: Sheet, kind: Option<ImportKind>) -> (Option<Shaped>, Vec<RowError>) {
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
pub(super) fn id_number(raw: &Raw) -> Result<Option<IdNumber>, String> {
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
        Raw::Text(t) => t.clone(),
        other => other.display(),
    };
    match IdNumber::parse(&s) {
        Ok(id) => Ok(Some(id)),
        Err(_) => Err(format!(
            "\"{}\" is not an ID number (9 or 12 digits)",
            raw.display()
        )),
    }
}

/// A phone number from a cell, without spaces, dots or dashes. A numeric
/// cell lost its leading 0; it is put back.
pub(super) fn phone(raw: &Raw) -> Result<Option<Phone>, String> {
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
        Raw::Text(t) => t.clone(),
        other => other.display(),
    };
    match Phone::parse(&s) {
        Ok(p) => Ok(Some(p)),
        Err(_) => Err(format!(
            "\"{}\" is not a phone number (10 digits starting with 0, or +84)",
            raw.display()
        )),
    }
}

/// A member's status in an import row: only current members are imported.
pub(super) fn member_status(s: &str) -> Result<MemberStatus, String> {
    MemberStatus::parse_current(s).map_err(|_| match MemberStatus::parse(s) {
        Ok(_) => format!("\"{s}\": only current members are imported (probationary or official)"),
        Err(_) => format!("\"{s}\" is not a status (probationary/dự bị or official/chính thức)"),
    })
}

/// Reads one row's cells, collecting every problem.
pub(super) struct RowIn<'a> {
    pub(super) fields: &'a Fields,
    pub(super) errors: &'a mut Vec<RowError>,
}

impl RowIn<'_> {
    pub(super) fn row(&self) -> usize {
        self.fields.row
    }

    pub(super) fn err(&mut self, column: &str, message: impl Into<String>) {
        self.errors
            .push(RowError::at(self.fields.row, Some(column), message));
    }

    pub(super) fn raw(&self, column: &'static str) -> &Raw {
        self.fields.cells.get(column).unwrap_or(&Raw::Empty)
    }

    /// Text, `None` when empty (or unusable, which is reported).
    pub(super) fn text(&mut self, column: &'static str) -> Option<String> {
        match self.raw(column).clone() {
            Raw::Empty => None,
            Raw::Bad(why) => {
                self.err(column, why);
                None
            }
            r => Some(r.display()),
        }
    }

    pub(super) fn required(&mut self, column: &'static str) -> Option<String> {
        if self.raw(column).is_empty() {
            self.err(column, "a value is required");
            return None;
        }
        self.text(column)
    }

    /// A date (not after `today`); `Ok(None)` when empty and not required.
    pub(super) fn date(
        &mut self,
        column: &'static str,
        required: bool,
        today: Date,
    ) -> Option<Date> {
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
