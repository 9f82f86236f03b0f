//! `ranks member file …`: transfer files seen from both ends
//! (docs/transfers.md).

use super::date_arg;
use anyhow::{bail, Result};
use clap::Subcommand;
use ranks_app::transfers::{Destination, TransferAction, TransferFile, TransferInput};
use ranks_app::{Actor, App};
use ranks_domain::Date;

#[derive(Subcommand, Debug)]
pub enum TransferCmd {
    /// Start a transfer of a member: to a cell (--to) or outside the system
    /// (--out); temporary with --until. The member stays counted until the
    /// receiving end registers them.
    Start {
        member: i64,
        #[arg(long, conflicts_with = "out")]
        to: Option<String>,
        #[arg(long)]
        out: Option<String>,
        #[arg(long, value_parser = date_arg)]
        until: Option<Date>,
        #[arg(long, requires = "until")]
        study: bool,
        /// The letter of introduction's day (today by default).
        #[arg(long, value_parser = date_arg)]
        sent_on: Option<Date>,
        /// The decision the transfer follows (the 60 working days count from it).
        #[arg(long, value_parser = date_arg)]
        decided_on: Option<Date>,
        /// A paper of the hand-over checklist handed over (repeat).
        #[arg(long = "doc")]
        docs: Vec<String>,
    },
    /// A file: status, history, checklist, deadlines.
    Show { id: i64 },
    /// The receiving end's step: receive (with --doc for each paper found),
    /// register, or refuse (with --reason).
    Answer {
        id: i64,
        /// receive, register or refuse
        action: String,
        #[arg(long = "doc")]
        docs: Vec<String>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
}

pub async fn transfer(app: &App, actor: &Actor, cmd: TransferCmd) -> Result<()> {
    match cmd {
        TransferCmd::Start {
            member,
            to,
            out,
            until,
            study,
            sent_on,
            decided_on,
            docs,
        } => {
            let to = match (to, out) {
                (Some(cell), None) => Destination::Cell(cell),
                (None, Some(d)) => Destination::Outside(d),
                _ => bail!("give --to CELL or --out DESTINATION"),
            };
            let input = TransferInput {
                member_id: member,
                temporary: until.is_some(),
                to,
                sent_on,
                decided_on,
                until,
                study,
                documents: docs,
            };
            let id = app.create_transfer(actor, input).await?;
            println!("transfer {id}: sent");
        }
        TransferCmd::Show { id } => print!("{}", show(&app.transfer_file(actor, id).await?)),
        TransferCmd::Answer {
            id,
            action,
            docs,
            reason,
            date,
        } => {
            let a = match action.as_str() {
                "receive" => TransferAction::Receive { documents: docs },
                "register" => TransferAction::Register,
                "refuse" => TransferAction::Refuse {
                    reason: reason.unwrap_or_default(),
                },
                other => bail!("action: '{other}' is not one of receive, register, refuse"),
            };
            app.transfer_action(actor, id, a, date).await?;
            println!("transfer {id}: recorded");
        }
    }
    Ok(())
}

fn end(unit: &Option<(String, String)>, text: &Option<String>) -> String {
    match (unit, text) {
        (Some((code, name)), _) => format!("{name} ({code})"),
        (None, Some(t)) => format!("{t} (outside the system)"),
        _ => "—".into(),
    }
}

fn show(f: &TransferFile) -> String {
    let mut out = format!(
        "transfer {}: {}{} of {} — {}\nfrom {} to {}\n",
        f.id,
        f.kind,
        if f.study { " (study)" } else { "" },
        f.member.full_name,
        f.status,
        end(&f.from, &f.origin),
        end(&f.to, &f.destination),
    );
    if let Some(r) = &f.reason {
        out.push_str(&format!("reason: {r}\n"));
    }
    for h in &f.history {
        out.push_str(&format!("{} {} by {}\n", h.on, h.status, h.by));
    }
    for c in &f.checklist {
        let received = match c.received {
            Some(true) => "received",
            Some(false) => "NOT received",
            None => "",
        };
        let handed = if c.handed_over {
            "handed over"
        } else {
            "not handed over"
        };
        out.push_str(&format!("paper {}: {handed} {received}\n", c.key));
    }
    for d in &f.deadlines {
        let state = match d.met_on {
            Some(m) if d.late => format!("met late on {m}"),
            Some(m) => format!("met on {m}"),
            None if d.overdue => "OVERDUE".into(),
            None => format!("{} working days left", d.working_days_left),
        };
        out.push_str(&format!(
            "deadline {}: {} working days from {} → {} ({state})\n",
            d.key, d.working_days, d.from, d.due
        ));
    }
    out
}
