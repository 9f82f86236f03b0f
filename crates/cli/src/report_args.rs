//! The arguments of `ranks report`.

use crate::commands;
use crate::output::Format;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Report {
    /// Admissions against the term target, per unit, rolled up the tree.
    Achievement {
        /// Term, like 2020-2025.
        #[arg(long)]
        term: String,
        /// The unit to start from (default: the top unit).
        #[arg(long)]
        org: Option<String>,
        /// How many levels below the unit to show (0: the unit alone).
        #[arg(long)]
        depth: Option<usize>,
        /// The report as it stood on this day: that day's tree and the admissions decided by then.
        #[arg(long, value_parser = commands::date_arg)]
        as_of: Option<ranks_domain::Date>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write to this file instead of the terminal (required for xlsx).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Year-end statistics per unit (cut-off 31 December): members, admitted against the
    /// annual target, recognised, left.
    Statistics {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The current members of a unit's subtree (optionally those matching --q),
    /// streamed to a CSV or XLSX file with a progress counter.
    Members {
        #[arg(long)]
        org: Option<String>,
        #[arg(long, default_value = "")]
        q: String,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        #[arg(long)]
        output: PathBuf,
    },
    /// The burn-up chart of a unit's admissions against its term target, as SVG.
    Burnup {
        #[arg(long)]
        term: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        output: PathBuf,
    },
}
