//! Report output: aligned tables for a terminal, JSON, and CSV (UTF-8 with
//! a BOM so that spreadsheet programs read Vietnamese correctly).

#[cfg(test)]
use ranks_app::export::CsvOut;
use ranks_app::export::{csv_bytes, LineEnd};
use ranks_domain::AchievementRow;
use serde_json::json;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// A spreadsheet; needs --output FILE.
    Xlsx,
}

pub fn achievement_json(rows: &[AchievementRow]) -> String {
    let v: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({
                "code": r.code.as_str(),
                "name": r.name,
                "target": r.target,
                "admitted": r.admitted,
                "percent": r.percent.map(|p| p.exact()),
            })
        })
        .collect();
    serde_json::to_string_pretty(&v).expect("json")
}

/// One cell as every CSV of Ranks writes it: quoted where needed, defused.
#[cfg(test)]
fn csv_field(s: &str) -> String {
    let mut out = CsvOut::new(Vec::new(), LineEnd::Lf, 64);
    out.record([s]).expect("writing to memory");
    let mut line = String::from_utf8(out.into_inner().expect("writing to memory")).expect("UTF-8");
    line.pop();
    line
}

/// A report as CSV through the shared writer of every export: a byte-order
/// mark, LF line ends, quotes where needed, formulas defused.
pub fn csv_text(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    String::from_utf8(csv_bytes(headers, rows, LineEnd::Lf)).expect("UTF-8 in, UTF-8 out")
}

/// Achievement as CSV: the shared writer (a byte-order mark, LF line ends,
/// formulas defused).
pub fn achievement_csv(rows: &[AchievementRow]) -> String {
    let body = rows.iter().map(|r| {
        vec![
            r.code.to_string(),
            r.name.clone(),
            r.target.map(|t| t.to_string()).unwrap_or_default(),
            r.admitted.to_string(),
            r.percent.map(|p| p.exact().to_string()).unwrap_or_default(),
        ]
    });
    csv_text(&["code", "name", "target", "admitted", "percent"], body)
}

/// Columns padded by display width; numbers right-aligned; names indented by depth.
pub fn table(headers: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.width();
            if i > 0 {
                s.push_str("  ");
            }
            if right[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

pub fn achievement_table(rows: &[AchievementRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.code.to_string(),
                format!("{}{}", "  ".repeat(r.depth), r.name),
                r.target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into()),
                r.admitted.to_string(),
                r.percent
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    table(
        &["code", "name", "target", "admitted", "percent"],
        &body,
        &[false, false, true, true, true],
    )
}

/// Writes a report to a file, or to the terminal (never a spreadsheet).
pub fn emit(bytes: &[u8], output: Option<&std::path::Path>, format: Format) -> anyhow::Result<()> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display())),
        None if format == Format::Xlsx => anyhow::bail!("output: xlsx needs --output FILE"),
        None => {
            std::io::stdout().write_all(bytes)?;
            Ok(())
        }
    }
}

pub fn achievement_xlsx(rows: &[AchievementRow]) -> Vec<u8> {
    use ranks_app::xlsx::Cell;
    let mut out = vec![["code", "name", "target", "admitted", "percent"]
        .map(|h| Cell::Text(h.into()))
        .to_vec()];
    for r in rows {
        out.push(vec![
            Cell::Text(r.code.to_string()),
            Cell::Text(format!("{}{}", "  ".repeat(r.depth), r.name)),
            r.target
                .map(|t| Cell::Number(t as f64))
                .unwrap_or(Cell::Empty),
            Cell::Number(r.admitted as f64),
            r.percent
                .map(|p| Cell::Number(p.exact()))
                .unwrap_or(Cell::Empty),
        ]);
    }
    ranks_app::xlsx::workbook("achievement", &out)
}

pub fn statistics(
    rows: &[ranks_app::reports::StatisticsRow],
    format: Format,
) -> anyhow::Result<Vec<u8>> {
    use ranks_app::xlsx::Cell;
    let headers = [
        "code",
        "name",
        "members",
        "admitted",
        "target",
        "percent",
        "recognised",
        "left",
    ];
    Ok(match format {
        Format::Json => (serde_json::to_string_pretty(rows)? + "\n").into_bytes(),
        Format::Csv => csv_bytes(
            &headers,
            rows.iter().map(|r| {
                vec![
                    r.code.clone(),
                    r.name.clone(),
                    r.members.to_string(),
                    r.admitted.to_string(),
                    r.target.map(|t| t.to_string()).unwrap_or_default(),
                    r.percent.map(|p| p.to_string()).unwrap_or_default(),
                    r.recognised.to_string(),
                    r.left.to_string(),
                ]
            }),
            LineEnd::Lf,
        ),
        Format::Xlsx => {
            let mut out = vec![headers.map(|h| Cell::Text(h.into())).to_vec()];
            for r in rows {
                out.push(vec![
                    Cell::Text(r.code.clone()),
                    Cell::Text(format!("{}{}", "  ".repeat(r.depth), r.name)),
                    Cell::Number(r.members as f64),
                    Cell::Number(r.admitted as f64),
                    r.target
                        .map(|t| Cell::Number(t as f64))
                        .unwrap_or(Cell::Empty),
                    r.percent.map(Cell::Number).unwrap_or(Cell::Empty),
                    Cell::Number(r.recognised as f64),
                    Cell::Number(r.left as f64),
                ]);
            }
            ranks_app::xlsx::workbook("statistics", &out)
        }
        Format::Table => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.code.clone(),
                        format!("{}{}", "  ".repeat(r.depth), r.name),
                        r.members.to_string(),
                        r.admitted.to_string(),
                        r.target
                            .map(|t| t.to_string())
                            .unwrap_or_else(|| "—".into()),
                        r.percent
                            .map(|p| format!("{} %", ((p * 2.0 + 1.0) / 2.0).floor()))
                            .unwrap_or_else(|| "—".into()),
                        r.recognised.to_string(),
                        r.left.to_string(),
                    ]
                })
                .collect();
            table(
                &headers,
                &body,
                &[false, false, true, true, true, true, true, true],
            )
            .into_bytes()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_vietnamese_by_display_width() {
        let t = table(
            &["a", "b"],
            &[
                vec!["Đảng bộ".into(), "1".into()],
                vec!["X".into(), "100".into()],
            ],
            &[false, true],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[2], "Đảng bộ    1");
        assert_eq!(lines[3], "X        100");
    }

    #[test]
    fn csv_quotes_and_has_bom() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert!(achievement_csv(&[]).starts_with('\u{feff}'));
    }

    #[test]
    fn csv_defuses_formulas_like_every_export() {
        let row = AchievementRow {
            code: ranks_domain::UnitCode::parse("BVPHCN").unwrap(),
            name: "=HYPERLINK(\"http://x.example\",\"bấm\")".into(),
            depth: 0,
            target: Some(10),
            admitted: 3,
            percent: None,
        };
        let csv = achievement_csv(&[row]);
        assert!(
            csv.contains("BVPHCN,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"bấm\"\")\",10,3,\n"),
            "{csv}"
        );
        assert_eq!(csv_field("-5"), "-5");
        assert_eq!(csv_field("@x"), "\"'@x\"");
    }
}
