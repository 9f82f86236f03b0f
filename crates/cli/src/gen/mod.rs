//! `ranks gen --members N [--seed S] [--out DIR]`: a synthetic national
//! organisation in the import formats (docs/import.md): `units.csv`,
//! `members.csv`, `candidates.csv` and `targets.csv`.
//!
//! The tree is Central → 34 provinces → superior committees → grassroots
//! committees → cells, with the counts below the provinces scaled to
//! N / 5,600,000 of the national ones (about 700 superior committees, 52,000
//! grassroots committees, 260,000 cells and 250,000 candidates). The run is
//! deterministic for a seed (its own SplitMix64 generator, one stream per
//! file) and streams every row to a buffered writer: only the tree (a few
//! bytes per cell) is held in memory. The data are as of 31 December 2025.

mod days;
mod names;
mod progress;
mod rng;
mod tree;
mod write;

use anyhow::{bail, Context, Result};
use clap::Args;
use names::{IdNumbers, PROVINCES};
use progress::Progress;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tree::build_tree;
use write::{write_candidates, write_members, write_targets, write_units};

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Members to generate (5600000 is the national size).
    #[arg(long)]
    pub members: u64,
    /// Seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write the CSV files into (created if missing).
    #[arg(long, default_value = "national")]
    pub out: PathBuf,
}

/// Writes the four files; returns (file, rows, bytes) for each.
pub fn generate(members: u64, seed: u64, dir: &Path) -> Result<Vec<(&'static str, u64, u64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tree = build_tree(members, seed);
    let units =
        1 + PROVINCES.len() + tree.superiors.len() + tree.grassroots.len() + tree.cells.len();
    let candidates: u64 = tree.cells.iter().map(|c| u64::from(c.candidates)).sum();
    let targets = 2 * (PROVINCES.len() + tree.superiors.len() + tree.grassroots.len());
    let total = units as u64 + members + candidates + targets as u64;
    let mut progress = Progress::new(total);
    let mut ids = IdNumbers::new();
    let files = vec![
        write_units(dir, &tree, seed, &mut progress)?,
        write_members(dir, &tree, seed, &mut ids, &mut progress)?,
        write_candidates(dir, &tree, seed, &mut ids, &mut progress)?,
        write_targets(dir, &tree, seed, &mut progress)?,
    ];
    progress.show("done", true);
    Ok(files)
}

pub fn run(args: &GenArgs) -> Result<()> {
    if args.members == 0 {
        bail!("members: give at least 1");
    }
    let started = Instant::now();
    let files = generate(args.members, args.seed, &args.out)?;
    let secs = started.elapsed().as_secs_f64();
    let rows: u64 = files.iter().map(|f| f.1).sum();
    for (name, n, bytes) in &files {
        println!(
            "{:<15} {:>10} rows {:>10.1} MB",
            name,
            n,
            *bytes as f64 / 1e6
        );
    }
    println!(
        "{rows} rows in {secs:.1} s ({:.0} rows/s), seed {}, into {}",
        rows as f64 / secs.max(1e-9),
        args.seed,
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests;
