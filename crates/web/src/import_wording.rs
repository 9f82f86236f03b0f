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
    ("import-err-xlsx-part-unreadable", "not a readable XLSX file: {part} cannot be unpacked: {reason}"),
    ("import-err-xlsx-unreadable", "not a readable XLSX file: {reason}"),
    ("import-err-no-sheet", "the workbook has no sheet"),
    ("import-err-sheet-unreadable", "the first sheet cannot be read: {reason}"),
    ("import-err-not-utf8", "the file is not UTF-8 text (line {line}); save it as CSV UTF-8, or as .xlsx"),
    ("import-err-quote-open", "a quoted field is not closed (a \" is missing)"),
    ("import-err-item-not-stage-date", "item {n} \"{value}\" is not stage:date"),
    ("import-err-item-not-date", "item {n}: \"{value}\" is not a date"),
    ("import-err-item-order", "item {n}: {stage} does not come after {stage_before} in the procedure; list the stages in their order"),
    ("import-err-item-before", "item {n}: {stage} on {on} is before {stage_before} on {before}"),
    ("import-err-item", "item {n}: {what}"),
    // After the items: a stage history's item says which item first.
    ("import-err-stage-admitted", "{stage} comes at or after the admission decision; import admitted people as members"),
    ("import-err-not-open-stage", "\"{value}\" is not a stage of the procedure before the admission decision"),
    ("import-err-limit-row", "{what}: row {row} is past the limit of {max} rows under the header (import.max_rows); split the file"),
    ("import-err-limit-column", "{what}: column {column} ({name}) is past the limit of {max} columns (import.max_columns)"),
    ("import-err-limit-cells", "the file holds more than {n} cells with a value; the limit is {max} (import.max_cells); split the file"),
    ("import-err-limit-cell-chars", "{what}: the cell holds {n} characters; the limit is {max} (import.max_cell_chars)"),
    ("import-err-limit-upload", "the file is {size}; the limit is {max} (import.max_upload_mb)"),
    ("import-err-limit-upload-body", "the file is larger than the limit of {max} (import.max_upload_mb)"),
    ("import-err-busy", "too many imports in progress ({running} running, {waiting} waiting: import.max_running, import.max_waiting); try again in a minute"),
    ("import-err-limit-parts", "the XLSX file holds {n} parts; the limit is {max}; save the sheet alone in a new workbook"),
    ("import-err-limit-unpacked", "the XLSX file unpacks to more than {max} ({what}); the limit is {limit} (import.max_unpacked_mb)"),
    ("import-err-limit-tag-attributes", "the XLSX part {part} has a tag with more than {n} attributes or namespace declarations, which no spreadsheet program writes; the limit is {max}"),
    ("import-err-limit-tag-bytes", "the XLSX part {part} has a tag longer than {size}, which no spreadsheet program writes; the limit is {max}"),
];

/// The importer's conflicts (an import stopped, a row that could not be
/// written), apart: other conflicts have their own words.
const CONFLICTS: &[(&str, &str)] = &[
    (
        "import-err-stopped",
        "the import was stopped: its caller went away",
    ),
    (
        "import-err-read-failed",
        "the file could not be read: {reason}",
    ),
    ("import-err-row-write", "row {row}: {what}"),
];

/// The parts the importer puts into its sentences (a sentence's `{what}`
/// or `{part}`): where in the file it went over a limit.
const FRAGMENTS: &[(&str, &str)] = &[
    ("import-err-part-declare", "its parts declare {size}"),
    ("import-err-at-part", "at {part}"),
    ("import-err-part-n", "part {n}"),
    (
        "import-err-used-range",
        "the sheet's used range {from}:{to}",
    ),
    ("import-err-cell-at", "cell {cell}"),
    ("import-err-row-column", "row {row}, column {column}"),
    ("import-err-the-file", "the file"),
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

/// An English sentence of the importer (a row error, a limit, a busy
/// importer, a stopped import) in `lang`; `None` in English, or for a
/// sentence without words.
pub fn importer_sentence(lang: Lang, english: &str) -> Option<String> {
    (lang != Lang::En)
        .then(|| sentence(Tr { lang }, english))
        .flatten()
}

/// A conflict of the importer in `lang`; `None` in English or for any
/// other conflict.
pub fn importer_conflict(lang: Lang, english: &str) -> Option<String> {
    (lang != Lang::En)
        .then(|| worded(Tr { lang }, english, CONFLICTS))
        .flatten()
}

fn sentence(tr: Tr, english: &str) -> Option<String> {
    worded(tr, english, SENTENCES)
}

fn worded(tr: Tr, english: &str, table: &[(&str, &str)]) -> Option<String> {
    table.iter().find_map(|(id, pattern)| {
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
    if matches!(name, "what" | "part") {
        // A part of the sentence: itself a sentence or a fragment.
        return sentence(tr, value)
            .or_else(|| worded(tr, value, FRAGMENTS))
            .unwrap_or_else(|| value.to_string());
    }
    if tr.lang != Lang::En {
        // 200,000 and 12.5 MB as the language writes them.
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b',');
        if digits(value) && value.contains(',') {
            return value.replace(',', ".");
        }
        if let Some((n, unit)) = value.split_once(' ') {
            if matches!(unit, "MB" | "KB") && n.parse::<f64>().is_ok() {
                return format!("{} {unit}", n.replace('.', ","));
            }
        }
    }
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
        for (id, _) in SENTENCES.iter().chain(FRAGMENTS).chain(CONFLICTS) {
            for lang in Lang::all() {
                assert!(
                    crate::i18n::messages(lang).ids.contains(&id.to_string()),
                    "{id} ({})",
                    lang.code()
                );
            }
        }
    }

    /// The string literals of Rust source, unescaped (comments, char
    /// literals and lifetimes skipped; a `\` at a line's end joins lines).
    fn literals(src: &str) -> Vec<String> {
        let b: Vec<char> = src.chars().collect();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < b.len() {
            match b[i] {
                '/' if b.get(i + 1) == Some(&'/') => {
                    while i < b.len() && b[i] != '\n' {
                        i += 1;
                    }
                }
                '\'' => {
                    // 'x', '\'' or '\n': a char; otherwise a lifetime.
                    if b.get(i + 1) == Some(&'\\') {
                        i += 2;
                        while i < b.len() && b[i] != '\'' {
                            i += 1;
                        }
                    } else if b.get(i + 2) == Some(&'\'') {
                        i += 2;
                    }
                    i += 1;
                }
                '"' => {
                    let mut lit = String::new();
                    i += 1;
                    while i < b.len() && b[i] != '"' {
                        if b[i] == '\\' {
                            i += 1;
                            match b.get(i) {
                                Some('n') => lit.push('\n'),
                                Some('\n') => {
                                    while b.get(i + 1).is_some_and(|c| c.is_whitespace()) {
                                        i += 1;
                                    }
                                }
                                Some(c) => lit.push(*c),
                                None => {}
                            }
                        } else {
                            lit.push(b[i]);
                        }
                        i += 1;
                    }
                    out.push(lit);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        out
    }

    /// A sentence with every `{...}` as `{}`.
    fn shape(text: &str) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => {
                    if depth == 0 {
                        out.push_str("{}");
                    }
                    depth += 1;
                }
                '}' if depth > 0 => depth -= 1,
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        // Values side by side (`{}{}`: a column and a row) are one.
        while out.contains("{}{}") {
            out = out.replace("{}{}", "{}");
        }
        out
    }

    /// Texts of the importer's source that are not sentences a user reads
    /// through this table, each with why.
    const NOT_SHOWN: &[&str] = &[
        // An expectation, worded by `error.expected.*` (see wording.rs).
        "one of units, members, candidates, targets",
        "a term between real years",
        // The sample file's rows.
        "Chi bộ Phòng Kế hoạch tổng hợp",
        "Nguyễn Thị Hoa",
        "Bác sĩ",
        "Hoàng Văn Nam",
        "Điều dưỡng",
        // A row error's English display, for the CLI; the page words the
        // parts itself (`import-err-at-*`).
        "row {r}, {c}: {}",
        "row {r}: {}",
        "{c}: {}",
        // Worded by `error.forbidden.*`, with the role.
        "a {} does not record data",
        // A log line, and `expect` messages of invariants.
        "import stopped while reading: its caller went away",
        "the import semaphore is never closed",
        "8 bytes",
        "not empty",
        "a stage of the profile",
        "a history has an item",
    ];

    /// Fails on a sentence of the importer without its words: every
    /// string literal of `ranks_app::import` (and the web's own upload
    /// limit) with words outside its `{}` is one of the table's patterns,
    /// or listed as not shown.
    #[test]
    fn every_importer_sentence_has_its_words() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = vec![
            root.join("app/src/import.rs"),
            root.join("web/src/pages/import.rs"),
        ];
        for e in std::fs::read_dir(root.join("app/src/import")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
                paths.push(p);
            }
        }
        let known: Vec<String> = SENTENCES
            .iter()
            .chain(FRAGMENTS)
            .chain(CONFLICTS)
            .map(|(_, p)| shape(p))
            .collect();
        let (mut missing, mut seen) = (Vec::new(), 0);
        for path in &paths {
            let text = std::fs::read_to_string(path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let web = path.ends_with("pages/import.rs");
            for lit in literals(code) {
                let words = shape(&lit).replace("{}", "");
                let wordy = words
                    .split(' ')
                    .filter(|w| w.len() > 2 && w.chars().any(char::is_alphabetic))
                    .count();
                if wordy < 2 && lit != "the file" || NOT_SHOWN.contains(&lit.as_str()) {
                    continue;
                }
                if web && !lit.contains("import.max_") {
                    continue; // the page's own words are Fluent keys
                }
                seen += 1;
                if !known.contains(&shape(&lit)) {
                    missing.push(format!("{lit} ({})", path.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "importer sentences without words: {missing:#?}"
        );
        assert!(seen > 60, "{seen}");
    }

    #[test]
    fn limits_and_histories_are_worded_with_the_language_numbers() {
        let vi = |t: &str| importer_sentence(Lang::Vi, t).unwrap_or_else(|| panic!("{t}"));
        let de = |t: &str| importer_sentence(Lang::De, t).unwrap_or_else(|| panic!("{t}"));
        let rows = "the file: row 200,002 is past the limit of 200,000 rows under the header (import.max_rows); split the file";
        assert_eq!(
            vi(rows),
            "tệp: dòng 200.002 vượt quá giới hạn 200.000 dòng dưới dòng tiêu đề; hãy chia nhỏ tệp"
        );
        assert_eq!(
            de(rows),
            "die Datei: Zeile 200.002 liegt über der Grenze von 200.000 Zeilen unter der Kopfzeile; die Datei aufteilen"
        );
        let unpacked = "the XLSX file unpacks to more than 12.5 MB (at xl/worksheets/sheet1.xml); the limit is 12.5 MB (import.max_unpacked_mb)";
        assert_eq!(
            vi(unpacked),
            "tệp XLSX khi giải nén lớn hơn 12,5 MB (tại xl/worksheets/sheet1.xml); giới hạn là 12,5 MB"
        );
        let chars = "row 4, column 2: the cell holds 40,001 characters; the limit is 40,000 (import.max_cell_chars)";
        assert_eq!(
            vi(chars),
            "dòng 4, cột 2: ô có 40.001 ký tự; giới hạn là 40.000"
        );
        let cell =
            "cell XFD3: column 16,384 (XFD) is past the limit of 200 columns (import.max_columns)";
        assert_eq!(
            de(cell),
            "Zelle XFD3: Spalte 16.384 (XFD) liegt über der Grenze von 200 Spalten"
        );
        let item = "item 2: ceremony comes at or after the admission decision; import admitted people as members";
        let worded = vi(item);
        assert!(
            worded.starts_with("mục 2: ") && !worded.contains("ceremony"),
            "{worded}"
        );
        assert!(importer_sentence(Lang::En, rows).is_none());
        // No English left in the Vietnamese of any limit.
        for t in [rows, unpacked, chars, cell] {
            let w = vi(t);
            assert!(!w.contains("limit") && !w.contains("import.max"), "{w}");
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
