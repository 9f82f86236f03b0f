//! The importer's row errors in the page's language. The importer words
//! them in English (`ranks_app::import`, for the CLI and the API); each
//! sentence has a message here, found by its English pattern, whose parts
//! in braces become the message's arguments. A sentence without one stays
//! as the importer wrote it (the import test fails on it in Vietnamese).

use crate::i18n::{tr_args, Arg, Lang, Tr};
use ranks_app::import::RowError;

/// The importer's sentences: message id, English pattern. More specific
/// patterns come before the general ones they would also match.
const SENTENCES: &[(&str, &str)] = &[
    ("import-err-required", "a value is required"),
    ("import-err-date-required", "a date is required (dd/mm/yyyy)"),
    ("import-err-not-date", "\"{value}\" is not a date (dd/mm/yyyy)"),
    ("import-err-number-not-date", "{value} is a number, not a date; type dd/mm/yyyy or format the cell as a date"),
    ("import-err-after-today", "{value} is after today"),
    ("import-err-not-calendar-day", "date cell {value} is not a calendar day"),
    ("import-err-duration", "a duration, not a value"),
    ("import-err-cell-error", "the cell holds the error {value}"),
    ("import-err-unknown-unit", "unknown unit \"{value}\""),
    ("import-err-not-cell", "{unit} is a {kind}; members and candidates belong to a cell"),
    ("import-err-registered", "{name}, born {born}, is already registered in {units} (person {person}); a row without an ID number is not imported twice: remove the row, or give the ID number"),
    ("import-err-probably-same", "probably the same person as {name} (person {person}, born {born}, {units}): check before importing"),
    ("import-err-family-given", "\"{value}\" needs a family and a given name"),
    ("import-err-gender", "\"{value}\" is not a gender (Nam or Nữ)"),
    ("import-err-id-number", "\"{value}\" is not an ID number (9 or 12 digits)"),
    ("import-err-phone", "\"{value}\" is not a phone number (10 digits starting with 0, or +84)"),
    ("import-err-current-only", "\"{value}\": only current members are imported (probationary or official)"),
    ("import-err-status", "\"{value}\" is not a status (probationary/dự bị or official/chính thức)"),
    ("import-err-birth-range", "{value} is not a date of birth from 1900 to today"),
    ("import-err-id-registered", "{value} is already registered: {name} (person {person})"),
    ("import-err-id-outside", "{value} cannot be registered from here: the number is held by a record outside your part of the tree; the committee above both can move the record"),
    ("import-err-dup-person-row", "{name}, born {born}, is already in row {row} of this file"),
    ("import-err-dup-target", "{unit} {period} is already in row {row} of this file"),
    ("import-err-dup-row", "{value} is already in row {row} of this file"),
    ("import-err-admission-before-birth", "the admission comes before the birth date"),
    ("import-err-official-needs-date", "an official member needs the date of recognition"),
    ("import-err-probationary-no-date", "a probationary member has no date of recognition; the status should be official"),
    ("import-err-recognition-before-admission", "the recognition comes before the admission"),
    ("import-err-date-before-birth", "the date comes before the birth date"),
    ("import-err-unknown-movement", "unknown movement \"{value}\""),
    ("import-err-grade", "\"{value}\" is not a school grade (a whole number from 0 to 12)"),
    ("import-err-area", "\"{value}\" is not an area; one of {list}"),
    ("import-err-period", "\"{value}\" is not a period (a term like 2025-2030 or a year like 2026)"),
    ("import-err-unknown-term", "unknown term {value} (a top-level administrator creates it)"),
    ("import-err-target", "\"{value}\" is not a whole number of new members, 0 or more"),
    ("import-err-unit-code", "\"{value}\" is not a unit code (1 to 40 letters, digits, '.', '-' or '_')"),
    ("import-err-unit-kind", "\"{value}\" is not a unit kind (central, provincial, superior, grassroots_committee, grassroots_cell or cell)"),
    ("import-err-parent-required", "a parent unit is required (only a top-level administrator creates a root unit)"),
    ("import-err-parent-later", "{value} is defined in row {row}, after this row; list a unit after its parent"),
    ("import-err-parent-no-units", "{value} is a {kind}, which has no units under it"),
    ("import-err-exists", "{value} already exists"),
    ("import-err-last-stage", "the last item is {last}, not the stage {stage}"),
    ("import-err-last-dated", "the last item is dated {last}, not the day in since ({since})"),
    ("import-err-item-after-today", "item {n}: {value} is after today"),
    ("import-err-no-rows", "the file holds no rows"),
    ("import-err-no-kind", "the header names no single kind: units have a column code, members a column unit, candidates a column cell, targets a column period (see docs/import.md)"),
    ("import-err-column-twice", "the column appears twice"),
    ("import-err-unknown-column", "unknown column for {kind}; the columns are {list}"),
    ("import-err-column-missing", "the column is missing"),
    ("import-err-no-header", "a value in column {n}, which has no header"),
    ("import-err-header-only", "the header has no rows under it"),
    ("import-err-xls", "old Excel files (.xls) are not read; save the sheet as .xlsx or as CSV UTF-8"),
    ("import-err-ods", "OpenDocument sheets are not read; save the sheet as .xlsx or as CSV UTF-8"),
    ("import-err-xlsx-unreadable", "not a readable XLSX file: {reason}"),
    ("import-err-no-sheet", "the workbook has no sheet"),
    ("import-err-sheet-unreadable", "the first sheet cannot be read: {reason}"),
    ("import-err-not-utf8", "the file is not UTF-8 text (line {line}); save it as CSV UTF-8, or as .xlsx"),
    ("import-err-quote-open", "a quoted field is not closed (a \" is missing)"),
];

/// Where an error is and what it says, for the import page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorLine {
    /// "Dòng 2, cột" / "Dòng 2" / "" (a problem of the file).
    pub at: String,
    /// The column's name, when it has one (`field.*`).
    pub label: String,
    /// The column as the file names it (shown as code).
    pub code: String,
    pub text: String,
}

/// `e` in `lang`: English as the importer wrote it, other languages from
/// the sentence's message.
pub fn row_error(lang: Lang, e: &RowError) -> ErrorLine {
    let tr = Tr { lang };
    let text = if lang == Lang::En {
        e.message.clone()
    } else {
        sentence(tr, &e.message).unwrap_or_else(|| e.message.clone())
    };
    let row = e.row.map(|r| r.to_string());
    let at = match (&row, &e.column) {
        (Some(r), Some(_)) => tr_args(lang, "import-err-at-row-col", &[("row", r.as_str().into())]),
        (Some(r), None) => tr_args(lang, "import-err-at-row", &[("row", r.as_str().into())]),
        (None, Some(_)) => tr_args(lang, "import-err-at-col", &[]),
        (None, None) => String::new(),
    };
    let code = e.column.clone().unwrap_or_default();
    let label = match lang {
        Lang::En => String::new(),
        _ => tr.named(&["field"], &code).unwrap_or_default(),
    };
    ErrorLine {
        at,
        label,
        code,
        text,
    }
}

fn sentence(tr: Tr, english: &str) -> Option<String> {
    SENTENCES.iter().find_map(|(id, pattern)| {
        let parts = matched(pattern, english)?;
        let args: Vec<(&str, Arg)> = parts
            .iter()
            .map(|(name, value)| (*name, Arg::Text(argument(tr, name, value))))
            .collect();
        Some(tr_args(tr.lang, id, &args))
    })
}

/// A value of a sentence as `tr`'s language writes it: a unit kind or a
/// stage by its name, a date with the language's separators.
fn argument(tr: Tr, name: &str, value: &str) -> String {
    if name == "kind" {
        return tr
            .named(&["kind"], value)
            .unwrap_or_else(|| value.to_string());
    }
    let profile = crate::wording::profile();
    if profile.stage(value).is_some() {
        return tr.stage(profile, value);
    }
    let b = value.as_bytes();
    let dmy = b.len() == 10 && b[2] == b'/' && b[5] == b'/';
    if dmy && tr.lang == Lang::De {
        return value.replace('/', ".");
    }
    value.to_string()
}

/// The parts of `text` in `pattern`'s braces, when `text` is the pattern
/// with values in them.
fn matched<'p>(pattern: &'p str, text: &str) -> Option<Vec<(&'p str, String)>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut pat = pattern;
    loop {
        let Some(open) = pat.find('{') else {
            return (rest == pat).then_some(out);
        };
        let literal = &pat[..open];
        rest = rest.strip_prefix(literal)?;
        let close = open + pat[open..].find('}')?;
        let name = &pat[open + 1..close];
        pat = &pat[close + 1..];
        // The value runs to the next literal part (or to the end).
        let next = pat.find('{').map_or(pat, |i| &pat[..i]);
        let end = if next.is_empty() {
            rest.len()
        } else {
            rest.find(next)?
        };
        if end == 0 {
            return None;
        }
        out.push((name, rest[..end].to_string()));
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_has_a_message_in_each_language() {
        for (id, _) in SENTENCES {
            for lang in Lang::all() {
                assert!(
                    crate::i18n::messages(lang).ids.contains(&id.to_string()),
                    "{id} ({})",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn sentences_are_found_with_their_values() {
        let e = |row, column: &str, message: &str| RowError {
            row: Some(row),
            column: Some(column.to_string()),
            message: message.to_string(),
        };
        let vi = row_error(
            Lang::Vi,
            &e(2, "birth_date", "\"31/02/1990\" is not a date (dd/mm/yyyy)"),
        );
        assert_eq!(vi.at, "Dòng 2, cột");
        assert_eq!(vi.label, "Ngày sinh");
        assert_eq!(vi.code, "birth_date");
        assert_eq!(vi.text, "“31/02/1990” không phải là ngày (dd/mm/yyyy)");
        let de = row_error(
            Lang::De,
            &e(
                3,
                "full_name",
                "Lò Thị Bốn, born 02/03/1990, is already in row 2 of this file",
            ),
        );
        assert_eq!(
            de.text,
            "Lò Thị Bốn, geboren am 02.03.1990, steht schon in Zeile 2 dieser Datei"
        );
        let en = row_error(Lang::En, &e(3, "full_name", "anything"));
        assert_eq!(en.text, "anything");
        // A problem of the file: no row, no column.
        let file = RowError {
            row: None,
            column: None,
            message: "the file holds no rows".into(),
        };
        let vi = row_error(Lang::Vi, &file);
        assert_eq!(
            (vi.at.as_str(), vi.text.as_str()),
            ("", "tệp không có dòng nào")
        );
        // A sentence the table does not know stays as written.
        assert_eq!(
            row_error(Lang::Vi, &e(4, "x", "new words")).text,
            "new words"
        );
        assert!(matched("{a} is a {b}", "X is a cell").is_some());
        assert!(matched("{a} is a {b}", "X is not a cell").is_none());
    }
}
