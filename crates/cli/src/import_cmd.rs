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
    /// A .csv (UTF-8, `,` or `;`) or .xlsx file (its first sheet); see docs/import.md.
    pub file: PathBuf,
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

pub async fn run(app: &App, actor: &Actor, args: ImportArgs) -> Result<()> {
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
