//! The candidate, member and due commands.

use super::date_arg;
use crate::output::{table, Format};
use anyhow::{bail, Result};
use clap::Subcommand;
use ranks_app::pipeline::{Entry, Movement, PersonRef, Proposal, Proposed, StepInput};
use ranks_app::{Actor, App};
use ranks_domain::member::NewPerson;
use ranks_domain::procedure::{Profile, Vote};
use ranks_domain::Date;

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
        /// The person is a Youth Union member.
        #[arg(long)]
        youth_union_member: bool,
        /// The person is a trade-union member.
        #[arg(long)]
        trade_union_member: bool,
        /// A new person's ID number (9 or 12 digits).
        #[arg(long)]
        id_number: Option<String>,
        /// Add even if someone with the same name and birth date is
        /// already registered (the command lists them otherwise).
        #[arg(long)]
        confirm_duplicate: bool,
    },
    /// Withdraw an entry of the file, with a reason: KIND is document,
    /// mentor, probation_mentor, introducer, certificate or step; KEY the
    /// form code, member id, id (as `show --format json` lists them) or the
    /// latest step's stage.
    Withdraw {
        id: i64,
        kind: String,
        key: String,
        #[arg(long)]
        reason: String,
    },
    /// Correct an entry of the file, with a reason: a document's or mentor's
    /// --date, the latest step's --date (KIND step, KEY its stage), an
    /// introducer's --date and --since, a certificate's --date and
    /// --number, a vote's counts (KIND vote, KEY its stage).
    Correct {
        id: i64,
        kind: String,
        key: String,
        #[arg(long)]
        reason: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
        #[arg(long, value_parser = date_arg)]
        since: Option<Date>,
        #[arg(long)]
        number: Option<String>,
        #[arg(long)]
        eligible: Option<u32>,
        #[arg(long)]
        present: Option<u32>,
        #[arg(long = "for")]
        in_favour: Option<u32>,
        #[arg(long)]
        against: Option<u32>,
    },
    /// Record a candidate's memberships of the Youth Union and the trade union.
    Memberships {
        id: i64,
        /// yes or no.
        #[arg(long, value_parser = super::units::yes_no)]
        youth_union: Option<bool>,
        /// yes or no.
        #[arg(long, value_parser = super::units::yes_no)]
        trade_union: Option<bool>,
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
        /// A cell vote whose --eligible differs from the registry's official members of the cell on the day: why.
        #[arg(long)]
        eligible_reason: Option<String>,
    },
    /// Record a document of the dossier as present (a form code such as 1-KNĐ).
    Doc {
        id: i64,
        code: String,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Record the day the unit received a stage's decision (default stage:
    /// decision; the admission ceremony's 30 working days count from it).
    Receipt {
        id: i64,
        #[arg(long, default_value = "decision")]
        stage: String,
        #[arg(long, value_parser = date_arg)]
        on: Date,
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
    /// Record an introducer: a member and since when they work with the
    /// candidate, or the Youth Union's resolution (records 4-KNĐ), or the
    /// trade union's (records 4A-KNĐ).
    Introducer {
        id: i64,
        #[arg(long, requires = "since", conflicts_with_all = ["youth_union", "trade_union"])]
        member: Option<i64>,
        #[arg(long, value_parser = date_arg)]
        since: Option<Date>,
        #[arg(long, conflicts_with = "trade_union")]
        youth_union: bool,
        #[arg(long)]
        trade_union: bool,
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
        /// The temporary transfer is for study (3 to 24 months instead of 3 to under 12).
        #[arg(long, requires = "until")]
        study: bool,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Transfer files seen from both ends: start, show, answer (docs/transfers.md).
    #[command(subcommand)]
    File(super::TransferCmd),
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
    /// The ground on which a removed or expelled member left, as re-admission
    /// judges it (294-QĐ/TW mục 3.5.1–3.5.2).
    ExitGround {
        id: i64,
        /// abandoned_activities, asked_to_leave, asked_to_leave_family_hardship, serious_disunity,
        /// corruption_conviction, serious_crime_conviction, minor_crime_conviction or other.
        #[arg(long)]
        ground: String,
        /// The day the criminal record was cleared (xóa án tích).
        #[arg(long, value_parser = date_arg)]
        record_cleared: Option<Date>,
    },
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
        cmd @ CandidateCmd::Add { .. } => add(app, actor, cmd).await?,
        CandidateCmd::Memberships {
            id,
            youth_union,
            trade_union,
        } => {
            let (y, t) = app
                .set_memberships(actor, id, youth_union, trade_union)
                .await?;
            let yn = |b: bool| if b { "yes" } else { "no" };
            println!(
                "candidate {id}: Youth Union member {}, trade-union member {}",
                yn(y),
                yn(t)
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
            eligible_reason,
        } => {
            let input = StepInput {
                stage,
                on: date,
                vote: vote_of(eligible, present, in_favour, against)?,
                skip_reason,
                eligible_reason,
                version: None,
            };
            let stage = app.record_step(actor, id, input).await?;
            println!("candidate {id}: {stage} recorded");
        }
        CandidateCmd::Doc { id, code, date } => {
            app.record_document(actor, id, &code, date).await?;
            println!("candidate {id}: document {code} recorded");
        }
        CandidateCmd::Receipt { id, stage, on } => {
            app.record_receipt(actor, id, &stage, on).await?;
            println!("candidate {id}: decision of '{stage}' received on {on}");
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
            trade_union,
            date,
        } => {
            if trade_union {
                app.add_trade_union_introducer(actor, id, date).await?;
                println!("candidate {id}: trade-union introducer recorded");
                return Ok(());
            }
            let who = match (member, since, youth_union) {
                (Some(m), Some(s), false) => Some((m, s)),
                (None, None, true) => None,
                _ => bail!("give --member with --since, or --youth-union, or --trade-union"),
            };
            app.add_introducer(actor, id, who, date).await?;
            println!("candidate {id}: introducer recorded");
        }
        cmd @ (CandidateCmd::Withdraw { .. } | CandidateCmd::Correct { .. }) => {
            correction(app, actor, cmd).await?;
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

/// Adds a person to a pool, listing probable duplicates instead unless confirmed.
async fn add(app: &App, actor: &Actor, cmd: CandidateCmd) -> Result<()> {
    let CandidateCmd::Add {
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
        youth_union_member,
        trade_union_member,
        id_number,
        confirm_duplicate,
    } = cmd
    else {
        unreachable!("an add command")
    };

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
    let proposal = Proposal {
        who,
        cell: cell.clone(),
        movement,
        on: date,
        id_number,
        confirm_duplicate,
    };
    let id = match app.propose_candidate(actor, proposal).await? {
        Proposed::Added(id) => id,
        Proposed::Duplicates(found) => {
            let list: Vec<String> = found
                .iter()
                .map(|d| {
                    format!(
                        "{} (person {}, born {}, {}{}{})",
                        d.full_name,
                        d.person_id,
                        d.birth_date,
                        d.units.join(", "),
                        d.candidate_id
                            .map(|c| format!(", candidate {c}"))
                            .unwrap_or_default(),
                        d.member_id
                            .map(|m| format!(", member {m}"))
                            .unwrap_or_default(),
                    )
                })
                .collect();
            bail!(
                "probably already registered: {}; nothing was added: propose that person with --person, or add anyway with --confirm-duplicate",
                list.join("; ")
            );
        }
    };
    if youth_union_member || trade_union_member {
        app.set_memberships(
            actor,
            id,
            Some(youth_union_member),
            Some(trade_union_member),
        )
        .await?;
    }
    println!(
        "candidate {id} added to the pool of {}",
        cell.to_uppercase()
    );
    Ok(())
}

/// Withdraws or corrects an entry of a file.
async fn correction(app: &App, actor: &Actor, cmd: CandidateCmd) -> Result<()> {
    match cmd {
        CandidateCmd::Withdraw {
            id,
            kind,
            key,
            reason,
        } => {
            app.withdraw_entry(actor, id, Entry::parse(&kind, &key)?, &reason)
                .await?;
            println!("candidate {id}: {kind} {key} withdrawn");
        }
        CandidateCmd::Correct {
            id,
            kind,
            key,
            reason,
            date,
            since,
            number,
            eligible,
            present,
            in_favour,
            against,
        } => {
            let entry = Entry::parse(&kind, &key)?;
            let value = entry.corrected(
                date,
                since,
                number,
                vote_of(eligible, present, in_favour, against)?,
            )?;
            app.correct_entry(actor, id, entry, value, &reason).await?;
            println!("candidate {id}: {kind} {key} corrected");
        }
        _ => unreachable!("a correction command"),
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
    for c in &f.corrections {
        out.push_str(&format!(
            "{} {} by {} at {}: {} — {}\n",
            c.kind, c.action, c.by, c.at, c.entry, c.reason
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
            study,
            date,
        } => {
            let m = match (to, out, until) {
                (Some(cell), None, Some(until)) => Movement::Temporary { cell, until, study },
                (Some(cell), None, None) => Movement::TransferTo { cell },
                (None, Some(destination), None) => Movement::TransferOut { destination },
                _ => bail!(
                    "give --to CELL (with --until for a temporary transfer) or --out DESTINATION"
                ),
            };
            (id, m, date)
        }
        MemberCmd::File(cmd) => return super::transfer(app, actor, cmd).await,
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
        MemberCmd::ExitGround {
            id,
            ground,
            record_cleared,
        } => {
            app.record_exit_ground(actor, id, &ground, record_cleared, None)
                .await?;
            println!("member {id}: ground of leaving recorded");
            return Ok(());
        }
    };
    app.member_movement(actor, id, movement, date).await?;
    println!("member {id}: recorded");
    Ok(())
}

/// How much of the due list `ranks due` prints.
pub struct DuePaging {
    pub limit: usize,
    pub cursor: Option<String>,
    /// Every row, unpaged.
    pub all: bool,
}

pub async fn due(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    within: Option<i64>,
    as_of: Option<Date>,
    paging: DuePaging,
    format: Format,
) -> Result<()> {
    // A past day, or every row: each file computed as it stood; otherwise
    // a page from the maintained summary.
    let (rows, page) = if paging.all || as_of.is_some() {
        (app.due_as_of(actor, org, within, as_of).await?, None)
    } else {
        let p = app
            .due_page(
                actor,
                org,
                within,
                Some(paging.limit),
                paging.cursor.as_deref(),
            )
            .await?;
        (p.rows.clone(), Some(p))
    };
    match format {
        Format::Json => match &page {
            Some(p) => println!("{}", serde_json::to_string_pretty(p)?),
            None => println!("{}", serde_json::to_string_pretty(&rows)?),
        },
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
            if let Some(p) = &page {
                println!("{} of {}", p.rows.len(), p.total);
                if let Some(c) = &p.next_cursor {
                    println!("next page: --cursor {c}");
                }
            }
        }
    }
    Ok(())
}
