//! The pipeline, member, due, calendar and profile commands.

use crate::output::{table, Format};
use anyhow::{bail, Result};
use clap::Subcommand;
use ranks_app::pipeline::{Movement, PersonRef, StepInput};
use ranks_app::{Actor, App};
use ranks_domain::calendar::{OverrideDay, YearOverride};
use ranks_domain::procedure::{Profile, Vote};
use ranks_domain::{parse_date, Date};
use ranks_store::records::members::NewPerson;
use std::path::PathBuf;

pub fn date_arg(s: &str) -> Result<Date, String> {
    parse_date("date", s).map_err(|e| e.to_string())
}

#[derive(Subcommand, Debug)]
pub enum CandidateCmd {
    /// Add a person to a cell's pool of outstanding people.
    Add {
        /// The cell that proposes the person.
        #[arg(long)]
        cell: String,
        /// Full name (a new person), or use --person for a known one.
        #[arg(long, required_unless_present = "person")]
        name: Option<String>,
        #[arg(long, value_parser = date_arg, required_unless_present = "person")]
        birth: Option<Date>,
        #[arg(long, default_value = "Nữ")]
        gender: String,
        #[arg(long, default_value = "Kinh")]
        ethnicity: String,
        /// General education completed, in grades (9 = lower secondary, 12 = upper secondary).
        #[arg(long, default_value_t = 12)]
        grade: u8,
        /// Hardship area category for the education exception (mountain, island, ethnic_minority, hardship).
        #[arg(long, default_value = "")]
        area: String,
        #[arg(long, default_value = "")]
        occupation: String,
        /// A person already in the registry (re-admission).
        #[arg(long)]
        person: Option<i64>,
        /// Emulation movement the person comes from (its code).
        #[arg(long)]
        movement: Option<String>,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Record a step: enter the next stage of the procedure.
    Step {
        id: i64,
        stage: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
        /// Votes: the members entitled to vote (the cell's official members, or the committee's members).
        #[arg(long)]
        eligible: Option<u32>,
        #[arg(long)]
        present: Option<u32>,
        #[arg(long = "for")]
        in_favour: Option<u32>,
        #[arg(long)]
        against: Option<u32>,
        /// A legal reason to enter the stage without its documents (e.g. relative_member for the verification).
        #[arg(long)]
        skip_reason: Option<String>,
    },
    /// Record a document of the dossier as present (a form code such as 1-KNĐ).
    Doc {
        id: i64,
        code: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Assign an official member as mentor (or, with --probation, as probation mentor).
    Mentor {
        id: i64,
        #[arg(long)]
        member: i64,
        #[arg(long)]
        probation: bool,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Record the Party-awareness course certificate.
    Certificate {
        id: i64,
        #[arg(long, value_parser = date_arg)]
        issued: Date,
        #[arg(long, default_value = "")]
        number: String,
    },
    /// Record an introducer: a member and since when they work with the candidate, or the Youth Union.
    Introducer {
        id: i64,
        #[arg(long, requires = "since", conflicts_with = "youth_union")]
        member: Option<i64>,
        #[arg(long, value_parser = date_arg)]
        since: Option<Date>,
        #[arg(long)]
        youth_union: bool,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// A candidate's whole file: history, documents, votes, introducers, deadlines.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum MemberCmd {
    /// Transfer: officially to another cell (--to), out of the tree (--out), or temporarily (--to with --until).
    Transfer {
        id: i64,
        #[arg(long, conflicts_with = "out")]
        to: Option<String>,
        #[arg(long)]
        out: Option<String>,
        /// A temporary transfer lasts until this date; the member stays counted at home.
        #[arg(long, value_parser = date_arg, requires = "to")]
        until: Option<Date>,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// End a temporary transfer.
    Return {
        id: i64,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Exemption from activities: full, partial, or none.
    Exempt {
        id: i64,
        #[arg(long)]
        level: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Remove the name (xóa tên).
    Remove {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Expel (khai trừ).
    Expel {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    Death {
        id: i64,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Party card issued (official members only).
    Card {
        id: i64,
        #[arg(long)]
        number: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
}

#[derive(Subcommand, Debug)]
pub enum CalendarCmd {
    /// The year's days off, one per line starting with the ISO date.
    Show { year: i32 },
    /// Record the government's decisions for a year (replaces that year's override).
    Set {
        year: i32,
        /// A day off, as DATE or DATE=name (repeatable).
        #[arg(long)]
        off: Vec<String>,
        /// A computed day off that is not one this year (repeatable).
        #[arg(long, value_parser = date_arg)]
        not_off: Vec<Date>,
        /// A Saturday or Sunday that is a working day (swapped day; repeatable).
        #[arg(long, value_parser = date_arg)]
        working: Vec<Date>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProfileCmd {
    /// Check a profile file; prints its problems with line numbers.
    Check { file: PathBuf },
    /// Every rule of the loaded profile with its legal source.
    Rules,
}

fn vote_of(
    eligible: Option<u32>,
    present: Option<u32>,
    in_favour: Option<u32>,
    against: Option<u32>,
) -> Result<Option<Vote>> {
    match (eligible, present, in_favour, against) {
        (None, None, None, None) => Ok(None),
        (Some(e), p, Some(f), a) => Ok(Some(Vote {
            eligible: e,
            present: p.unwrap_or(e),
            in_favour: f,
            against: a.unwrap_or(0),
        })),
        _ => bail!("a vote needs --eligible and --for (and --present, --against)"),
    }
}

pub async fn candidate(app: &App, actor: &Actor, cmd: CandidateCmd) -> Result<()> {
    match cmd {
        CandidateCmd::Add {
            cell,
            name,
            birth,
            gender,
            ethnicity,
            grade,
            area,
            occupation,
            person,
            movement,
            date,
        } => {
            let who = match person {
                Some(id) => PersonRef::Existing(id),
                None => PersonRef::New {
                    person: NewPerson {
                        full_name: name.unwrap_or_default(),
                        gender,
                        birth_date: birth.expect("clap requires --birth"),
                        ethnicity,
                        education: format!("{grade}/12"),
                        occupation,
                    },
                    general_grade: grade,
                    area,
                },
            };
            let id = app
                .add_candidate(actor, who, &cell, movement.as_deref(), date)
                .await?;
            println!(
                "candidate {id} added to the pool of {}",
                cell.to_uppercase()
            );
        }
        CandidateCmd::Step {
            id,
            stage,
            date,
            eligible,
            present,
            in_favour,
            against,
            skip_reason,
        } => {
            let input = StepInput {
                stage,
                on: date,
                vote: vote_of(eligible, present, in_favour, against)?,
                skip_reason,
                version: None,
            };
            let stage = app.record_step(actor, id, input).await?;
            println!("candidate {id}: {stage} recorded");
        }
        CandidateCmd::Doc { id, code, date } => {
            app.record_document(actor, id, &code, date).await?;
            println!("candidate {id}: document {code} recorded");
        }
        CandidateCmd::Mentor {
            id,
            member,
            probation,
            date,
        } => {
            app.assign_mentor(actor, id, member, probation, date)
                .await?;
            println!(
                "candidate {id}: member {member} assigned as {}mentor",
                if probation { "probation " } else { "" }
            );
        }
        CandidateCmd::Certificate { id, issued, number } => {
            app.record_certificate(actor, id, issued, &number).await?;
            println!("candidate {id}: certificate of {issued} recorded");
        }
        CandidateCmd::Introducer {
            id,
            member,
            since,
            youth_union,
            date,
        } => {
            let who = match (member, since, youth_union) {
                (Some(m), Some(s), false) => Some((m, s)),
                (None, None, true) => None,
                _ => bail!("give --member with --since, or --youth-union"),
            };
            app.add_introducer(actor, id, who, date).await?;
            println!("candidate {id}: introducer recorded");
        }
        CandidateCmd::Show { id, format } => {
            let f = app.candidate_file(actor, id).await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&f)?),
                _ => print!("{}", show_file(app.profile(), &f)),
            }
        }
    }
    Ok(())
}

fn show_file(profile: &Profile, f: &ranks_app::pipeline::CandidateFile) -> String {
    let name = |k: &str| {
        profile
            .stage(k)
            .map(|s| s.vi.clone())
            .unwrap_or_else(|| k.to_string())
    };
    let mut out = format!(
        "candidate {}: {} (born {}), {} {}\nstage: {} since {}\n",
        f.id,
        f.full_name,
        f.birth_date
            .map_or_else(|| "—".to_string(), |d| d.to_string()),
        f.unit,
        f.unit_name,
        name(&f.stage),
        f.stage_since
    );
    out.push_str("\nhistory\n");
    let rows: Vec<Vec<String>> = f
        .history
        .iter()
        .map(|h| {
            vec![
                h.on.to_string(),
                h.stage.clone(),
                name(&h.stage),
                h.recorded_by.clone(),
            ]
        })
        .collect();
    out.push_str(&table(
        &["date", "stage", "name", "by"],
        &rows,
        &[false, false, false, false],
    ));
    if !f.documents.is_empty() {
        out.push_str("\ndocuments: ");
        out.push_str(
            &f.documents
                .iter()
                .map(|(c, d)| format!("{c} ({d})"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        out.push('\n');
    }
    if !f.mentors.is_empty() {
        out.push_str(&format!("mentors: {}\n", f.mentors.join(", ")));
    }
    if let Some((d, n)) = &f.certificate {
        out.push_str(&format!("certificate: {n} of {d}\n"));
    }
    for v in &f.votes {
        out.push_str(&format!(
            "vote {} on {}: {} eligible, {} present, {} for, {} against\n",
            v.stage, v.on, v.eligible, v.present, v.in_favour, v.against
        ));
    }
    for d in &f.deadlines {
        out.push_str(&format!(
            "deadline {}: {} by {} ({} working days{}) — {}\n",
            d.rule,
            d.until,
            d.due,
            d.working_days_left,
            if d.overdue { ", OVERDUE" } else { "" },
            d.source
        ));
    }
    out
}

pub async fn member(app: &App, actor: &Actor, cmd: MemberCmd) -> Result<()> {
    let (id, movement, date) = match cmd {
        MemberCmd::Transfer {
            id,
            to,
            out,
            until,
            date,
        } => {
            let m = match (to, out, until) {
                (Some(cell), None, Some(until)) => Movement::Temporary { cell, until },
                (Some(cell), None, None) => Movement::TransferTo { cell },
                (None, Some(destination), None) => Movement::TransferOut { destination },
                _ => bail!(
                    "give --to CELL (with --until for a temporary transfer) or --out DESTINATION"
                ),
            };
            (id, m, date)
        }
        MemberCmd::Return { id, date } => (id, Movement::ReturnHome, date),
        MemberCmd::Exempt { id, level, date } => {
            let level = if level == "none" {
                String::new()
            } else {
                level
            };
            (id, Movement::Exempt { level }, date)
        }
        MemberCmd::Remove { id, reason, date } => (id, Movement::Remove { reason }, date),
        MemberCmd::Expel { id, reason, date } => (id, Movement::Expel { reason }, date),
        MemberCmd::Death { id, date } => (id, Movement::Death, date),
        MemberCmd::Card { id, number, date } => (id, Movement::Card { number }, date),
    };
    app.member_movement(actor, id, movement, date).await?;
    println!("member {id}: recorded");
    Ok(())
}

pub async fn due(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    within: Option<i64>,
    as_of: Option<Date>,
    format: Format,
) -> Result<()> {
    let rows = app.due_as_of(actor, org, within, as_of).await?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        Format::Csv | Format::Xlsx => {
            bail!("format: csv and xlsx are not available for due; use table or json")
        }
        Format::Table => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.due.to_string(),
                        r.working_days_left.to_string(),
                        if r.overdue {
                            "OVERDUE".into()
                        } else {
                            String::new()
                        },
                        r.candidate_id.to_string(),
                        r.name.clone(),
                        r.unit.clone(),
                        r.stage.clone(),
                        r.next_stage.clone(),
                        r.rule.clone(),
                        r.escalated_to.join(", "),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &[
                        "due",
                        "wd_left",
                        "",
                        "id",
                        "name",
                        "unit",
                        "stage",
                        "next",
                        "rule",
                        "escalated_to"
                    ],
                    &body,
                    &[false, true, false, true, false, false, false, false, false, false]
                )
            );
        }
    }
    Ok(())
}

pub async fn calendar(app: &App, actor: &Actor, cmd: CalendarCmd) -> Result<()> {
    match cmd {
        CalendarCmd::Show { year } => {
            if !(1900..=2100).contains(&year) {
                bail!("year: {year} is outside 1900-2100");
            }
            let cal = app.calendar().await?;
            for h in cal.holidays(year) {
                println!(
                    "{}  {}  ({})",
                    h.date,
                    h.name,
                    serde_json::to_value(h.source)?.as_str().unwrap_or("")
                );
            }
        }
        CalendarCmd::Set {
            year,
            off,
            not_off,
            working,
        } => {
            let mut days_off = Vec::new();
            for o in off {
                let (d, name) = o
                    .split_once('=')
                    .unwrap_or((&o, "Nghỉ theo quyết định của Chính phủ"));
                days_off.push(OverrideDay {
                    date: parse_date("off", d)?,
                    name: name.to_string(),
                });
            }
            let ov = YearOverride {
                year,
                days_off,
                not_off,
                working_days: working,
            };
            app.set_calendar_override(actor, ov).await?;
            println!("calendar {year}: override recorded");
        }
    }
    Ok(())
}

pub fn profile(loaded: &Profile, cmd: ProfileCmd) -> Result<()> {
    match cmd {
        ProfileCmd::Check { file } => {
            crate::load_profile(Some(&file))?;
            println!("profile {} is valid", file.display());
        }
        ProfileCmd::Rules => {
            for (rule, source) in loaded.rules() {
                println!(
                    "{rule}: {}{}",
                    source.cite(),
                    if source.confirmed {
                        ""
                    } else {
                        " [unconfirmed]"
                    }
                );
            }
        }
    }
    Ok(())
}

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
            let mut out =
                String::from("\u{feff}code,name,target,admitted,expected,low,high,at_risk\n");
            for row in &r.rows {
                out.push_str(&format!(
                    "{},\"{}\",{},{},{:.2},{},{},{}\n",
                    row.code,
                    row.name.replace('"', "\"\""),
                    row.target.map(|t| t.to_string()).unwrap_or_default(),
                    row.admitted,
                    row.expected,
                    row.low,
                    row.high,
                    row.at_risk
                ));
            }
            Ok(out)
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
                if explain {
                    for c in &row.candidates {
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
            let mut out = String::from("\u{feff}code,name,score,grade\n");
            for row in &r.rows {
                out.push_str(&format!(
                    "{},\"{}\",{},{}\n",
                    row.code,
                    row.name.replace('"', "\"\""),
                    row.score.map(|s| s.to_string()).unwrap_or_default(),
                    row.grade.clone().unwrap_or_default()
                ));
            }
            Ok(out)
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

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user (password from a prompt, or from standard input with --password-stdin).
    Add {
        #[arg(long)]
        username: String,
        /// admin, staff, supervisor, secretary or viewer.
        #[arg(long)]
        role: String,
        /// The unit the user works for (staff, secretary: a cell, viewer).
        #[arg(long)]
        org: Option<String>,
        /// For a supervisor: their member id.
        #[arg(long)]
        member: Option<i64>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (ends their sessions and revokes their tokens).
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: they cannot sign in, their sessions end and their tokens are revoked.
    Disable { username: String },
    /// Enable a disabled user again (their old sessions and tokens stay ended).
    Enable { username: String },
    /// List the users.
    List,
}

fn read_password(from_stdin: bool) -> Result<String> {
    use std::io::BufRead;
    if !from_stdin {
        eprint!("password: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

pub async fn user(app: &App, actor: &Actor, cmd: UserCmd) -> Result<()> {
    use ranks_app::auth::Role;
    match cmd {
        UserCmd::Add {
            username,
            role,
            org,
            member,
            password_stdin,
        } => {
            let role = Role::parse(&role)?;
            let password = read_password(password_stdin)?;
            let id = app
                .add_user(actor, &username, &password, role, org.as_deref(), member)
                .await?;
            println!("user {username} added (id {id}, role {})", role.as_str());
        }
        UserCmd::Passwd {
            username,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            app.set_password(actor, &username, &password).await?;
            println!("password of {username} changed; their sessions ended and tokens revoked");
        }
        UserCmd::Disable { username } => {
            app.set_user_disabled(actor, &username, true).await?;
            println!("{username} disabled; their sessions ended and tokens revoked");
        }
        UserCmd::Enable { username } => {
            app.set_user_disabled(actor, &username, false).await?;
            println!("{username} enabled");
        }
        UserCmd::List => {
            let body: Vec<Vec<String>> = app
                .users()
                .await?
                .into_iter()
                .map(|u| {
                    vec![
                        u.username,
                        u.role,
                        u.unit_id.map(|x| x.to_string()).unwrap_or_default(),
                        if u.disabled {
                            "disabled".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["username", "role", "unit", ""],
                    &body,
                    &[false, false, true, false]
                )
            );
        }
    }
    Ok(())
}

/// The demo's users, one per role, created once; their names and passwords are printed.
pub async fn demo_users(app: &App, actor: &Actor) -> Result<()> {
    use ranks_app::auth::Role;
    let existing: Vec<String> = app.users().await?.into_iter().map(|u| u.username).collect();
    let page = app.unit_page(actor, "CDC", None).await?;
    let supervisor = page
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .map(|s| s.member_id);
    let users: [(&str, Role, Option<&str>, Option<i64>); 5] = [
        ("admin", Role::Admin, None, None),
        ("canbo.bvphcn", Role::Staff, Some("BVPHCN"), None),
        ("phutrach.cdc", Role::Supervisor, None, supervisor),
        (
            "bithu.bvphcn.cb1",
            Role::Secretary,
            Some("BVPHCN.CB1"),
            None,
        ),
        ("xem.dbsyt", Role::Viewer, Some("DBSYT"), None),
    ];
    println!("demo users (password: demo-ranks-2025):");
    for (name, role, org, member) in users {
        if !existing.iter().any(|e| e == name) {
            app.add_user(actor, name, "demo-ranks-2025", role, org, member)
                .await?;
        }
        println!("  {name:<18} {}", role.as_str());
    }
    Ok(())
}
