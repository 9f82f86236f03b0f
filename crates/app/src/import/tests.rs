use super::read::*;
use super::shape::*;
use super::*;
use ranks_domain::Date;

#[test]
fn dates_in_vietnamese_and_iso_order() {
    let d = |y, m, d| Date::from_ymd_opt(y, m, d);
    assert_eq!(parse_day("04/03/1990"), d(1990, 3, 4));
    assert_eq!(parse_day("4/3/1990"), d(1990, 3, 4));
    assert_eq!(parse_day("04-03-1990"), d(1990, 3, 4));
    assert_eq!(parse_day("04.03.1990"), d(1990, 3, 4));
    assert_eq!(parse_day("1990-03-04"), d(1990, 3, 4));
    assert_eq!(parse_day("31/02/1990"), None);
    assert_eq!(parse_day("03/04/90"), None);
    assert_eq!(parse_day("1990"), None);
    assert_eq!(parse_day("a/b/cdef"), None);
}

/// The rows of a CSV text, each as wide as its last value.
fn csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Raw>)>, ReadError> {
    Ok(
        read_csv(bytes, &ImportLimits::default(), &Work::detached())?
            .into_iter()
            .map(|(n, cells)| (n, dense(cells)))
            .collect(),
    )
}

fn dense(cells: Vec<(usize, Raw)>) -> Vec<Raw> {
    let mut row = vec![Raw::Empty; cells.last().map_or(0, |(i, _)| i + 1)];
    for (i, c) in cells {
        row[i] = c;
    }
    row
}

fn sparse(cells: Vec<Raw>) -> Vec<(usize, Raw)> {
    cells
        .into_iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

#[test]
fn csv_with_bom_semicolons_quotes_and_line_breaks() {
    let text =
        "\u{feff}code;name;kind\r\nA;\"Chi bộ \"\"A\"\"; tầng 2\";cell\n\nB;\"two\nlines\";cell";
    let rows = csv(text.as_bytes()).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].1[0], Raw::Text("code".into()));
    assert_eq!(rows[1].1[1], Raw::Text("Chi bộ \"A\"; tầng 2".into()));
    assert_eq!(rows[2].0, 3);
    assert!(rows[2].1.iter().all(Raw::is_empty));
    assert_eq!(rows[3].0, 4);
    assert_eq!(rows[3].1[1], Raw::Text("two\nlines".into()));
    assert_eq!(detect_separator("a,b;c,d"), ',');
    assert_eq!(detect_separator("\"a;b\",c"), ',');
    assert_eq!(detect_separator("a;b;c"), ';');
    assert!(parse_csv("a,\"b\nc", ',', &ImportLimits::default(), &Work::detached()).is_err());
    assert!(csv(b"a,b\n\xff\xfe").is_err());
    // Blank fields are not kept: a line of separators is no row's width.
    let wide = format!("a{}b\n", ",".repeat(100_000));
    let rows = read_csv(wide.as_bytes(), &ImportLimits::default(), &Work::detached());
    assert!(
        matches!(
            rows,
            Err(ReadError::TooLarge(TooLarge {
                limit: Limit::Columns,
                ..
            }))
        ),
        "{rows:?}"
    );
    let blank = format!("a,b{}\n", ",".repeat(100_000));
    let rows = read_csv(
        blank.as_bytes(),
        &ImportLimits::default(),
        &Work::detached(),
    )
    .unwrap();
    assert_eq!(rows[0].1.len(), 2);
}

#[test]
fn csv_limits_name_the_row_column_and_limit() {
    let limits = ImportLimits {
        rows: 3,
        columns: 3,
        cells: 20,
        cell_chars: 5,
        ..ImportLimits::default()
    };
    let refused = |text: &str| match read_csv(text.as_bytes(), &limits, &Work::detached()) {
        Err(ReadError::TooLarge(t)) => (t.limit, t.message),
        other => panic!("{other:?}"),
    };
    let ok = "a,b,c\n1,2,3\n\n4,5,6\n";
    assert!(read_csv(ok.as_bytes(), &limits, &Work::detached()).is_ok());
    let (limit, message) = refused("a,b,c\n1\n2\n3\n4\n");
    assert_eq!(limit, Limit::Rows);
    assert!(
        message.contains("row 5") && message.contains("3 rows"),
        "{message}"
    );
    let (limit, message) = refused("a,b,c,d\n");
    assert_eq!(limit, Limit::Columns);
    assert!(
        message.contains("row 1, column 4") && message.contains("3 columns"),
        "{message}"
    );
    let (limit, message) = refused("a,\"abcdef\"\n");
    assert_eq!(limit, Limit::CellChars);
    assert!(
        message.contains("6 characters") && message.contains("limit is 5"),
        "{message}"
    );
    assert_eq!(
        refused("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n").0,
        Limit::Rows
    );
    let limits = ImportLimits { cells: 4, ..limits };
    let r = read_csv(b"a,b,c\n1,2,3\n", &limits, &Work::detached());
    assert!(
        matches!(
            r,
            Err(ReadError::TooLarge(TooLarge {
                limit: Limit::Cells,
                ..
            }))
        ),
        "{r:?}"
    );
    // The upload's own size comes first.
    let limits = ImportLimits {
        upload_bytes: 4,
        ..limits
    };
    let r = read_sheet(b"a,b,c\n", "x.csv", &limits, &Work::detached());
    assert!(matches!(
        r.map(|s| s.rows.len()),
        Err(ReadError::TooLarge(TooLarge {
            limit: Limit::UploadBytes,
            ..
        }))
    ));
}

#[test]
fn a_cancelled_read_stops() {
    let work = Work::detached();
    drop(work.guard());
    let text = "a\n".repeat(5000);
    let r = read_csv(text.as_bytes(), &ImportLimits::default(), &work);
    assert!(matches!(r, Err(ReadError::Cancelled)), "{r:?}");
}

/// The cleaned ID number as text (the value type's text).
fn id_number(raw: &Raw) -> Result<Option<String>, String> {
    super::shape::id_number(raw).map(|v| v.map(String::from))
}

/// The cleaned phone as text (the value type's text).
fn phone(raw: &Raw) -> Result<Option<String>, String> {
    super::shape::phone(raw).map(|v| v.map(String::from))
}

#[test]
fn id_numbers_and_phones_keep_their_zeros() {
    let t = |s: &str| Raw::Text(s.into());
    assert_eq!(
        id_number(&t("001203004567")),
        Ok(Some("001203004567".into()))
    );
    assert_eq!(
        id_number(&t("001 203 004 567")),
        Ok(Some("001203004567".into()))
    );
    assert_eq!(
        id_number(&Raw::Number(1203004567.0)),
        Ok(Some("001203004567".into()))
    );
    assert_eq!(
        id_number(&Raw::Number(20190004567.0)),
        Ok(Some("020190004567".into()))
    );
    assert_eq!(
        id_number(&Raw::Number(12345678.0)),
        Ok(Some("012345678".into()))
    );
    assert!(id_number(&t("12345")).is_err());
    assert!(id_number(&Raw::Number(1.5)).is_err());
    assert_eq!(id_number(&Raw::Empty), Ok(None));
    assert_eq!(phone(&t("0912 345 678")), Ok(Some("0912345678".into())));
    assert_eq!(phone(&t("0912.345.678")), Ok(Some("0912345678".into())));
    assert_eq!(
        phone(&Raw::Number(912345678.0)),
        Ok(Some("0912345678".into()))
    );
    assert_eq!(phone(&t("+84912345678")), Ok(Some("+84912345678".into())));
    assert!(phone(&t("12345")).is_err());
}

#[test]
fn xlsx_date_cells_become_days() {
    use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
    // 32936 is 4 March 1990 in the 1900 date system.
    let cell = Data::DateTime(ExcelDateTime::new(
        32936.0,
        ExcelDateTimeType::DateTime,
        false,
    ));
    assert_eq!(
        xlsx_cell(&cell),
        Raw::Date(Date::from_ymd_opt(1990, 3, 4).unwrap())
    );
    let cell = Data::DateTime(ExcelDateTime::new(
        32936.75,
        ExcelDateTimeType::DateTime,
        false,
    ));
    assert_eq!(
        xlsx_cell(&cell),
        Raw::Date(Date::from_ymd_opt(1990, 3, 4).unwrap())
    );
    let iso = Data::DateTimeIso("1990-03-04T00:00:00".into());
    assert_eq!(
        xlsx_cell(&iso),
        Raw::Date(Date::from_ymd_opt(1990, 3, 4).unwrap())
    );
    assert_eq!(xlsx_cell(&Data::Float(12.0)).display(), "12");
    assert!(matches!(
        xlsx_cell(&Data::Error(calamine::CellErrorType::Div0)),
        Raw::Bad(_)
    ));
}

#[test]
fn the_kind_comes_from_the_header() {
    let sheet = |header: &str| Sheet {
        format: FileFormat::Csv,
        rows: vec![(1, sparse(header.split(',').map(Raw::text).collect()))],
    };
    let kind = |h: &str| shape(sheet(h), None).0.map(|s| s.kind);
    assert_eq!(kind("Code,Name,Kind"), Some(ImportKind::Units));
    assert_eq!(
        kind("unit,full_name,gender,birth_date,admitted_on"),
        Some(ImportKind::Members)
    );
    assert_eq!(
        kind("cell,full name,gender,birth-date"),
        Some(ImportKind::Candidates)
    );
    assert_eq!(kind("Unit,Period,Target"), Some(ImportKind::Targets));
    assert_eq!(kind("name,gender"), None);
    let (_, errors) = shape(sheet("code,name,colour"), None);
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|e| e.starts_with("row 1, colour: unknown column")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|e| e == "row 1, kind: the column is missing"),
        "{text:?}"
    );
}

#[test]
fn templates_list_every_column() {
    for kind in ImportKind::ALL {
        let t = csv_template(kind);
        let rows = csv(t.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.len(), kind.columns().len());
        assert_eq!(rows[1].1.len(), kind.columns().len());
        assert_eq!(ImportKind::parse(kind.as_str()).unwrap(), kind);
    }
}
