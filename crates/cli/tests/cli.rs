//! The `ranks` binary, run as a user runs it, against SQLite and PostgreSQL.
//!
//! One test binary for the whole CLI (linking dominates on two cores); each
//! module keeps its own small helpers for running the binary.

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

#[path = "cli/bench_pages.rs"]
mod bench_pages;
#[path = "cli/commands.rs"]
mod commands;
#[path = "cli/crash.rs"]
mod crash;
#[path = "cli/files.rs"]
mod files;
#[path = "cli/gen.rs"]
mod gen;
#[path = "cli/import.rs"]
mod import;
#[path = "cli/import_limits.rs"]
mod import_limits;
#[path = "cli/national.rs"]
mod national;
#[path = "cli/notify.rs"]
mod notify;
#[path = "cli/privacy.rs"]
mod privacy;

/// The standard output of a run that must succeed; its error output if not.
fn ok(o: &std::process::Output) -> String {
    assert!(
        o.status.success(),
        "ranks failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}
