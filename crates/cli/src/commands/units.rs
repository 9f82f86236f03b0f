//! The unit commands: the mass organisations present at a unit.

use anyhow::Result;
use clap::Subcommand;
use ranks_app::{Actor, App};

/// yes/no (also true/false, 1/0).
pub fn yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "true" | "1" | "có" => Ok(true),
        "no" | "false" | "0" | "không" => Ok(false),
        other => Err(format!("'{other}' is not yes or no")),
    }
}

#[derive(Subcommand, Debug)]
pub enum UnitCmd {
    /// Record which mass organisations a unit has (both by default): a Youth
    /// Union organisation and a trade union decide the introducers' routes.
    Set {
        code: String,
        /// yes or no.
        #[arg(long, value_parser = yes_no)]
        youth_union: Option<bool>,
        /// yes or no.
        #[arg(long, value_parser = yes_no)]
        trade_union: Option<bool>,
    },
    /// The mass organisations recorded for a unit.
    Show { code: String },
}

fn yn(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub async fn unit(app: &App, actor: &Actor, cmd: UnitCmd) -> Result<()> {
    let (code, (youth, trade)) = match cmd {
        UnitCmd::Set {
            code,
            youth_union,
            trade_union,
        } => {
            let now = app
                .set_unit_organisations(actor, &code, youth_union, trade_union)
                .await?;
            (code, now)
        }
        UnitCmd::Show { code } => {
            let now = app.unit_organisations(actor, &code).await?;
            (code, now)
        }
    };
    println!(
        "unit {code}: Youth Union organisation {}, trade union {}",
        yn(youth),
        yn(trade)
    );
    Ok(())
}
