//! `ranks import FILE [--dry-run] [--kind units|members|candidates]`: units,
//! members or candidates from a CSV or XLSX file (docs/import.md), all rows
//! or none.

use anyhow::{bail, Context, Result};
use clap::Args;
use ranks_app::import::{ImportKind, RowError};
use ranks_app::{Actor, App};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A .csv (UTF-8, `,` or `;`) or .xlsx file (its first sheet); see
    /// docs/import.md. A folder: every CSV file in it, loaded in bulk.
    pub file: PathBuf,
    /// Load the CSV file in bulk (as for a folder): one transaction, no
    /// preview, one audit entry for the file.
    #[arg(long)]
    pub bulk: bool,
    /// Check every row and print the problems; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// What the file holds (default: recognised from the header row).
    #[arg(long, value_parser = kind_arg)]
    pub kind: Option<ImportKind>,
}

fn kind_arg(s: &str) -> Result<ImportKind, String> {
    ImportKind::parse(s).map_err(|e| e.to_string())
}

fn problems(n: usize) -> String {
    if n == 1 {
        "1 problem".into()
    } else {
        format!("{n} problems")
    }
}

fn print_errors(errors: &[RowError]) {
    for e in errors {
        println!("{e}");
    }
}

/// A progress bar on a terminal; otherwise a line every tenth.
pub fn progress_printer(what: &'static str) -> impl Fn(u64, u64) + Sync {
    use std::io::{IsTerminal, Write};
    let tty = std::io::stderr().is_terminal();
    let last = std::sync::atomic::AtomicU64::new(u64::MAX);
    let started = std::time::Instant::now();
    move |done: u64, total: u64| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        let step = if tty { pct } else { pct / 10 * 10 };
        if last.swap(step, std::sync::atomic::Ordering::Relaxed) == step {
            return;
        }
        let width = 30;
        let filled = (pct as usize * width / 100).min(width);
        let line = format!(
            "{what} [{}{}] {pct:>3} %  {:.0} MB of {:.0} MB  {:.1} s",
            "#".repeat(filled),
            ".".repeat(width - filled),
            done as f64 / 1e6,
            total as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr();
        if tty {
            let _ = write!(err, "\r{line}");
            if pct >= 100 {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
    }
}

/// A line per step of a long job's end as it starts, with the seconds
/// since the job began and what the step before took (named: the first
/// step's "before" is the reading of the rows).
pub fn step_printer(what: &'static str) -> impl Fn(&str) + Sync {
    let started = std::time::Instant::now();
    let last = std::sync::Mutex::new((started, "reading the rows".to_string()));
    move |step: &str| {
        let now = std::time::Instant::now();
        let (before, name) = last
            .lock()
            .map(|mut l| std::mem::replace(&mut *l, (now, step.to_string())))
            .unwrap_or((now, String::new()));
        eprintln!(
            "{what}: {step}  ({:.1} s in; {name} took {:.1} s)",
            now.duration_since(started).as_secs_f64(),
            now.duration_since(before).as_secs_f64()
        );
    }
}

async fn run_bulk(app: &App, actor: &Actor, args: &ImportArgs) -> Result<()> {
    if args.dry_run {
        bail!("--dry-run is for one file; a bulk load checks every row and writes nothing when one is wrong");
    }
    let progress = progress_printer("import");
    let steps = step_printer("import");
    let s = app
        .bulk_import_reporting(actor, &args.file, &progress, &steps)
        .await?;
    for f in &s.files {
        println!(
            "{}: {} {} in {:.1} s ({:.0} rows/s)",
            f.file,
            f.rows,
            f.kind.as_str(),
            f.seconds,
            f.rows as f64 / f.seconds.max(1e-9)
        );
    }
    println!(
        "imported {} rows in {:.1} s: {:.0} rows/s",
        s.rows,
        s.seconds,
        s.rows_per_second()
    );
    Ok(())
}

pub async fn run(app: &App, actor: &Actor, args: ImportArgs) -> Result<()> {
    if args.bulk || args.file.is_dir() {
        return run_bulk(app, actor, &args).await;
    }
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args.file.to_string_lossy();
    let kind_name = |k: Option<ImportKind>| k.map_or("unknown kind", ImportKind::as_str);
    if args.dry_run {
        let p = app.import_preview(actor, args.kind, &bytes, &name).await?;
        println!(
            "{}: {}, {} rows, {} with problems",
            args.file.display(),
            kind_name(p.kind),
            p.rows,
            p.errors.len()
        );
        print_errors(&p.errors);
        if !p.is_ok() {
            bail!("{}; nothing would be written", problems(p.errors.len()));
        }
        println!("dry run: every row is good; nothing written");
        return Ok(());
    }
    let s = app.import_commit(actor, args.kind, &bytes, &name).await?;
    if !s.errors.is_empty() || s.kind.is_none() {
        print_errors(&s.errors);
        bail!("{}; nothing written", problems(s.errors.len()));
    }
    println!(
        "{}: {} {} written",
        args.file.display(),
        s.written,
        kind_name(s.kind)
    );
    Ok(())
}
