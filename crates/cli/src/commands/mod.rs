//! The subcommands that act through the application, one module per
//! subject; `main.rs` parses the command line and dispatches here.

mod calendar;
mod pipeline;
mod privacy;
mod reports;
mod transfers;
mod units;
mod users;

pub use calendar::*;
pub use pipeline::*;
pub use privacy::*;
pub use reports::*;
pub use transfers::*;
pub use units::*;
pub use users::*;

use ranks_domain::{parse_date, Date};

pub fn date_arg(s: &str) -> Result<Date, String> {
    parse_date("date", s).map_err(|e| e.to_string())
}
