//! The data subject's rights (Decree 13/2023/NĐ-CP; docs/privacy.md):
//! `ranks privacy export|consent|withdraw-consent|erase|retention`.

use super::date_arg;
use anyhow::{Context, Result};
use clap::Subcommand;
use ranks_app::{Actor, App};
use ranks_domain::Date;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum PrivacyCmd {
    /// Everything held about a person, with the audit of who read and
    /// changed it, as JSON (audited as an export).
    Export {
        person: i64,
        /// Write to this file (created, mode 0600) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Record a candidate's consent to the processing of their personal
    /// data for the profile's purpose.
    Consent {
        candidate: i64,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// Record the withdrawal of a consent.
    WithdrawConsent {
        consent: i64,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Erase the personal data of a person never admitted, on their request.
    Erase { person: i64 },
    /// Erase the personal data of people never admitted whose files closed
    /// longer ago than the profile's period (`[privacy]`).
    Retention {
        /// Only list who is due.
        #[arg(long)]
        dry_run: bool,
    },
}

impl PrivacyCmd {
    pub fn writes(&self) -> bool {
        !matches!(self, PrivacyCmd::Retention { dry_run: true })
    }
}

pub async fn privacy(app: &App, actor: &Actor, cmd: PrivacyCmd) -> Result<()> {
    match cmd {
        PrivacyCmd::Export { person, out } => {
            let x = app.subject_export(actor, person).await?;
            let text = serde_json::to_string_pretty(&x)?;
            match out {
                Some(path) => {
                    use std::io::Write;
                    let mut o = std::fs::OpenOptions::new();
                    o.write(true).create_new(true);
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::OpenOptionsExt;
                        o.mode(0o600);
                    }
                    let mut f = o
                        .open(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    f.write_all(text.as_bytes())?;
                    f.write_all(b"\n")?;
                    println!(
                        "person {person}: {} candidate file(s), {} membership(s), {} consent(s), {} audit entries written to {}",
                        x.candidate_files.len(),
                        x.memberships.len(),
                        x.consents.len(),
                        x.audit.len(),
                        path.display()
                    );
                }
                None => println!("{text}"),
            }
        }
        PrivacyCmd::Consent { candidate, date } => {
            let id = app.give_consent(actor, candidate, date).await?;
            println!("consent {id} recorded for candidate {candidate}");
        }
        PrivacyCmd::WithdrawConsent {
            consent,
            date,
            reason,
        } => {
            app.withdraw_consent(actor, consent, date, &reason).await?;
            println!("consent {consent} withdrawn");
        }
        PrivacyCmd::Erase { person } => {
            let n = app.erase_person(actor, person).await?;
            println!("person {person}: personal data erased ({n} audit entries redacted)");
        }
        PrivacyCmd::Retention { dry_run } => {
            let run = app.retention(actor, dry_run).await?;
            print_retention(&run);
        }
    }
    Ok(())
}

fn print_retention(run: &ranks_app::subject::RetentionRun) {
    println!(
        "retention: people never admitted whose files closed on or before {} ({} months before {})",
        run.cutoff, run.months, run.today
    );
    for d in &run.due {
        let done = run.erased.iter().find(|e| e.person_id == d.person_id);
        match (run.dry_run, done) {
            (true, _) => println!("due     person {} (closed {})", d.person_id, d.closed_on),
            (false, Some(e)) => println!(
                "erased  person {} (closed {}; {} audit entries redacted)",
                d.person_id, d.closed_on, e.entries_redacted
            ),
            (false, None) => println!(
                "skipped person {} (closed {}; no longer erasable)",
                d.person_id, d.closed_on
            ),
        }
    }
    if run.dry_run {
        println!("{} due; nothing erased (--dry-run)", run.due.len());
    } else {
        println!("{} erased", run.erased.len());
    }
}

/// The server's schedule: the retention rule once a day (the first run an
/// hour after the start), as the system. Nothing when the profile has no
/// `[privacy]` section.
pub fn spawn_retention(app: &App) -> Option<tokio::task::JoinHandle<()>> {
    app.profile().privacy.as_ref()?;
    let app = app.clone();
    Some(tokio::spawn(async move {
        let day = std::time::Duration::from_secs(24 * 3600);
        let first = tokio::time::Instant::now() + std::time::Duration::from_secs(3600);
        let mut tick = tokio::time::interval_at(first, day);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app.retention(&Actor::system(), false).await {
                Ok(run) if !run.erased.is_empty() => tracing::info!(
                    erased = run.erased.len(),
                    cutoff = %run.cutoff,
                    "retention: personal data of people never admitted erased"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "retention run failed"),
            }
            if let Err(e) = app.checkpoint().await {
                tracing::warn!(error = %e, "audit checkpoint not written after retention");
            }
        }
    }))
}
