//! Targets, forecasts, evaluations and analytics as the CLI prints them.

use crate::output::{csv_text, table, Format};
use anyhow::{bail, Result};
use clap::Subcommand;
use ranks_app::{Actor, App};

pub fn forecast_text(
    r: &ranks_app::forecast::ForecastReport,
    format: Format,
    explain: bool,
) -> Result<String> {
    match format {
        Format::Xlsx => {
            bail!("format: xlsx is available for the reports; use table, json or csv here")
        }
        Format::Json => Ok(serde_json::to_string_pretty(&r.rows)? + "\n"),
        Format::Csv => {
            let rows = r.rows.iter().map(|row| {
                vec![
                    row.code.clone(),
                    row.name.clone(),
                    row.target.map(|t| t.to_string()).unwrap_or_default(),
                    row.admitted.to_string(),
                    format!("{:.2}", row.expected),
                    row.low.to_string(),
                    row.high.to_string(),
                    row.at_risk.to_string(),
                ]
            });
            Ok(csv_text(
                &[
                    "code", "name", "target", "admitted", "expected", "low", "high", "at_risk",
                ],
                rows,
            ))
        }
        Format::Table => {
            let mut body = Vec::new();
            for row in &r.rows {
                body.push(vec![
                    row.code.clone(),
                    format!("{}{}", "  ".repeat(row.depth), row.name),
                    row.target
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "—".into()),
                    row.admitted.to_string(),
                    format!("{:.1}", row.expected),
                    format!("{}–{}", row.low, row.high),
                    row.chance_of_target
                        .map(|c| format!("{:.0} %", c * 100.0))
                        .unwrap_or_default(),
                    if row.at_risk {
                        "AT RISK".into()
                    } else {
                        String::new()
                    },
                ]);
                // The unit asked's candidates, most likely first.
                if explain && row.depth == 0 {
                    for c in &r.candidates {
                        body.push(vec![
                            String::new(),
                            format!(
                                "{}  · {} ({}, {})",
                                "  ".repeat(row.depth),
                                c.name,
                                c.unit,
                                c.stage
                            ),
                            String::new(),
                            String::new(),
                            format!("{:.2}", c.chance),
                            String::new(),
                            String::new(),
                            String::new(),
                        ]);
                    }
                }
            }
            let mut out = format!(
                "term {} as of {} (horizon {})\n",
                r.term, r.as_of, r.horizon
            );
            out.push_str(&table(
                &[
                    "code",
                    "name",
                    "target",
                    "admitted",
                    "expected",
                    "80 % interval",
                    "reach target",
                    "",
                ],
                &body,
                &[false, false, true, true, true, true, true, false],
            ));
            Ok(out)
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum TargetCmd {
    /// Set a unit's target for a term (2020-2025) or a year (2025).
    Set {
        #[arg(long)]
        org: String,
        #[arg(long)]
        period: String,
        /// New members to admit: a whole number, 0 or more.
        #[arg(long, allow_hyphen_values = true)]
        value: String,
    },
    /// The allocation check: each unit's target against the sum of its children's.
    Check {
        #[arg(long)]
        period: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub async fn target(app: &App, actor: &Actor, cmd: TargetCmd) -> Result<()> {
    use ranks_app::targets::{parse_target, Period};
    match cmd {
        TargetCmd::Set { org, period, value } => {
            let period = Period::parse(&period)?;
            let value = parse_target(&value)?;
            app.set_target(actor, &org, &period, value).await?;
            println!("{}: target {value} set", org.to_uppercase());
        }
        TargetCmd::Check {
            period,
            org,
            format,
        } => {
            let rows = app
                .allocation(actor, org.as_deref(), &Period::parse(&period)?)
                .await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
                _ => {
                    let body: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| {
                            let opt = |v: Option<u64>| {
                                v.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
                            };
                            vec![
                                r.code.clone(),
                                format!("{}{}", "  ".repeat(r.depth), r.name),
                                opt(r.target),
                                opt(r.children),
                                r.difference.map(|d| format!("{d:+}")).unwrap_or_default(),
                            ]
                        })
                        .collect();
                    print!(
                        "{}",
                        table(
                            &["code", "name", "target", "children", "difference"],
                            &body,
                            &[false, false, true, true, true]
                        )
                    );
                }
            }
        }
    }
    Ok(())
}

pub fn evaluation_text(
    r: &ranks_app::evaluation::EvaluationReport,
    format: Format,
) -> Result<String> {
    match format {
        Format::Xlsx => {
            bail!("format: xlsx is available for the reports; use table, json or csv here")
        }
        Format::Json => Ok(serde_json::to_string_pretty(&r.rows)? + "\n"),
        Format::Csv => {
            let rows = r.rows.iter().map(|row| {
                vec![
                    row.code.clone(),
                    row.name.clone(),
                    row.score.map(|s| s.to_string()).unwrap_or_default(),
                    row.grade.clone().unwrap_or_default(),
                ]
            });
            Ok(csv_text(&["code", "name", "score", "grade"], rows))
        }
        Format::Table => {
            let body: Vec<Vec<String>> = r
                .rows
                .iter()
                .map(|row| {
                    vec![
                        row.code.clone(),
                        row.name.clone(),
                        row.score
                            .map(|s| format!("{s:.2}"))
                            .unwrap_or_else(|| "—".into()),
                        row.grade
                            .clone()
                            .unwrap_or_else(|| format!("missing: {}", row.missing.join(", "))),
                    ]
                })
                .collect();
            let mut out = table(
                &["code", "name", "score", "grade"],
                &body,
                &[false, false, true, false],
            );
            out.push_str(&format!(
                "excellent {} of good {}: cap {} % {}\n",
                r.excellent,
                r.good,
                r.cap_percent,
                if r.cap_exceeded {
                    "EXCEEDED"
                } else {
                    "respected"
                }
            ));
            Ok(out)
        }
    }
}

pub fn analytics_text(a: &ranks_app::analytics::Analytics, format: Format) -> Result<String> {
    if format != Format::Table {
        return Ok(serde_json::to_string_pretty(a)? + "\n");
    }
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "—".into());
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{:.0} %", x * 100.0))
            .unwrap_or_else(|| "—".into())
    };
    let body: Vec<Vec<String>> = a
        .stages
        .iter()
        .map(|s| {
            vec![
                s.stage.clone(),
                s.entered.to_string(),
                pct(s.conversion),
                opt(s.median_days),
                opt(s.p90_days),
                s.waiting.to_string(),
                opt(s.longest_wait_days),
            ]
        })
        .collect();
    let mut out = String::from("stages (working days)\n");
    out.push_str(&table(
        &[
            "stage",
            "entered",
            "conversion",
            "median",
            "p90",
            "waiting",
            "longest wait",
        ],
        &body,
        &[false, true, true, true, true, true, true],
    ));
    out.push_str(&format!(
        "\nbottlenecks, worst first: {}\n",
        a.bottlenecks.join(", ")
    ));
    out.push_str("\nmentors\n");
    let body: Vec<Vec<String>> = a
        .mentors
        .iter()
        .take(15)
        .map(|m| {
            vec![
                m.name.clone(),
                m.current.to_string(),
                m.total.to_string(),
                m.admitted.to_string(),
                pct(m.conversion),
            ]
        })
        .collect();
    out.push_str(&table(
        &["mentor", "current", "total", "admitted", "conversion"],
        &body,
        &[false, true, true, true, true],
    ));
    out.push_str("\nmovements\n");
    let body: Vec<Vec<String>> = a
        .movements
        .iter()
        .map(|m| {
            vec![
                m.movement.clone(),
                m.pool.to_string(),
                m.course.to_string(),
                m.admitted.to_string(),
                m.official.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(
        &["movement", "pool", "course", "admitted", "official"],
        &body,
        &[false, true, true, true, true],
    ));
    Ok(out)
}

pub fn leaders_text(r: &ranks_app::evaluation::EvaluationReport, format: Format) -> Result<String> {
    if format != Format::Table {
        return Ok(serde_json::to_string_pretty(&r.leaders)? + "\n");
    }
    let o = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into());
    let body: Vec<Vec<String>> = r
        .leaders
        .iter()
        .map(|l| {
            vec![
                l.unit.clone(),
                l.name.clone(),
                l.title.clone(),
                o(l.unit_score),
                o(l.personal),
                o(l.score),
                l.grade.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut out = table(
        &[
            "unit",
            "leader",
            "title",
            "unit score",
            "personal",
            "score",
            "grade",
        ],
        &body,
        &[false, false, false, true, true, true, false],
    );
    out.push_str(&format!(
        "cap on excellent: {}\n",
        if r.leaders_cap_exceeded {
            "EXCEEDED"
        } else {
            "respected"
        }
    ));
    Ok(out)
}

/// The current members of a subtree (matching `q`, as the registry's search
/// finds them) written to `output` as CSV or XLSX while they stream from
/// the database: memory does not grow with the row count, and a counter on
/// standard error says how far it has got.
pub async fn export_members(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    q: &str,
    format: Format,
    output: &std::path::Path,
) -> Result<u64> {
    use ranks_app::stream::{member_cells, CsvStream, XlsxStream, MEMBER_COLUMNS};
    use std::io::Write;
    let headers: Vec<String> = MEMBER_COLUMNS.iter().map(|h| h.to_string()).collect();
    let mut rows = app.export_members(actor, org, q, None).await?;
    let total = rows.total;
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(output)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?,
    );
    let mut done = 0u64;
    let progress = |done: u64| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        eprint!("\rmembers: {done} / {total} ({pct} %)");
    };
    match format {
        Format::Csv => {
            let (csv, head) = CsvStream::new(&headers, None)?;
            file.write_all(&head)?;
            while let Some(batch) = rows.next_batch(5000).await {
                let cells: Vec<_> = batch?.into_iter().map(member_cells).collect();
                done += cells.len() as u64;
                file.write_all(&csv.rows(&cells)?)?;
                progress(done);
            }
        }
        Format::Xlsx => {
            let mut book = XlsxStream::new("members", &headers, None)?;
            while let Some(batch) = rows.next_batch(5000).await {
                let cells: Vec<_> = batch?.into_iter().map(member_cells).collect();
                done += cells.len() as u64;
                book.rows(&cells)?;
                progress(done);
            }
            eprint!("\rmembers: {done} / {total}, packing the workbook…");
            let mut packed = tokio::task::spawn_blocking(move || book.finish()).await??;
            std::io::copy(&mut packed, &mut file)?;
        }
        Format::Table | Format::Json => bail!("--format: csv or xlsx for an export"),
    }
    file.flush()?;
    eprintln!();
    Ok(done)
}
