//! The calendar and profile commands.

use super::date_arg;
use anyhow::{bail, Result};
use clap::Subcommand;
use ranks_app::{Actor, App};
use ranks_domain::calendar::{HolidaySource, OverrideDay, YearOverride};
use ranks_domain::procedure::Profile;
use ranks_domain::{parse_date, Date};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum CalendarCmd {
    /// The year's days off and working Saturdays, one per line starting with
    /// the ISO date, each marked with its source (announced schedule, law, set locally).
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

pub async fn calendar(app: &App, actor: &Actor, cmd: CalendarCmd) -> Result<()> {
    match cmd {
        CalendarCmd::Show { year } => {
            if !(1900..=2100).contains(&year) {
                bail!("year: {year} is outside 1900-2100");
            }
            let cal = app.calendar().await?;
            match cal.schedule_documents(year) {
                Some(docs) => println!(
                    "# {year}: the government's announced schedule ({})",
                    docs.join("; ")
                ),
                None => println!(
                    "# {year}: no announced schedule shipped; the Labour Code's default rule \
                     (Điều 112 khoản 1; a holiday on a weekend gives the next working day, Điều 111 khoản 3)"
                ),
            }
            for h in cal.holidays(year) {
                println!(
                    "{}  {}  [{}{}]",
                    h.date,
                    h.name,
                    source_label(h.source),
                    h.document.map(|d| format!(": {d}")).unwrap_or_default()
                );
            }
            let weekends = cal.working_weekends(year);
            if weekends.is_empty() {
                println!("# working Saturdays: none");
            } else {
                println!("# working Saturdays:");
                for w in weekends {
                    println!(
                        "{}  {}  [{}{}]",
                        w.date,
                        w.name,
                        source_label(w.source),
                        w.document.map(|d| format!(": {d}")).unwrap_or_default()
                    );
                }
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

/// Which kind of source a day comes from, as `calendar show` marks it.
fn source_label(source: HolidaySource) -> &'static str {
    match source {
        HolidaySource::Law => "law",
        HolidaySource::Compensatory => "law, compensatory",
        HolidaySource::Official => "announced",
        HolidaySource::Override => "set locally",
    }
}

pub fn profile(loaded: &Profile, cmd: ProfileCmd) -> Result<()> {
    match cmd {
        ProfileCmd::Check { file } => {
            crate::load_profile(Some(&file))?;
            println!("profile {} is valid", file.display());
        }
        ProfileCmd::Rules => {
            // Each rule with its source, then the passage it rests on as read,
            // or "inferred" when no passage was read.
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
                match &source.quote {
                    Some(q) => println!("    \"{q}\""),
                    None => println!("    inferred"),
                }
            }
        }
    }
    Ok(())
}
