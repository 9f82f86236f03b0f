//! The write side of `ranks bench --pages`: what keeping the roll-up index
//! and the pipeline summaries exact costs a write. Open files of the
//! country are withdrawn and the withdrawal taken back (two audited writes
//! through the use cases, which leave the file as it was), first alone,
//! then each followed by the national due list's first page and the
//! country's analytics (the reads that bring the summaries up to date with
//! the writes). The figures: writes per second alone, reads per second
//! alone, and the time the interleaved run took beyond the two alone: the
//! cost per write that the summaries put on the next read. Then members are
//! moved to another cell and back (two audited transfers each, which leave
//! a movement in the member's history): the writes that rewrite a person's
//! search postings in their own transaction, with the time that upkeep took.

use anyhow::Result;
use ranks_app::pipeline::{Entry, StepInput};
use ranks_app::{Actor, App};
use std::time::{Duration, Instant};

/// The exit stage whose `from` list says which files may be withdrawn.
const EXIT: &str = "withdrawn";

/// Files withdrawn and restored: up to `n` open files the exit applies to.
async fn files(app: &App, n: usize) -> Result<Vec<i64>> {
    let from: Vec<String> = app
        .profile()
        .exits
        .iter()
        .find(|e| e.key == EXIT)
        .map(|e| e.from.clone())
        .unwrap_or_default();
    let sys = Actor::system();
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    while out.len() < n {
        let page = app
            .due_page(&sys, None, None, Some(200), cursor.as_deref())
            .await?;
        out.extend(
            page.rows
                .iter()
                .filter(|r| from.contains(&r.stage))
                .map(|r| r.candidate_id),
        );
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    out.sort_unstable();
    out.dedup();
    out.truncate(n);
    Ok(out)
}

/// One write pair: the file withdrawn today, and the withdrawal taken back.
async fn write_pair(app: &App, id: i64) -> Result<(), ranks_app::AppError> {
    let sys = Actor::system();
    app.record_step(
        &sys,
        id,
        StepInput {
            stage: EXIT.into(),
            on: None,
            vote: None,
            skip_reason: None,
            eligible_reason: None,
            version: None,
        },
    )
    .await?;
    app.withdraw_entry(
        &sys,
        id,
        Entry::Step { stage: EXIT.into() },
        "ranks bench: the write is taken back",
    )
    .await
}

/// The reads a write's summaries are brought up to date by.
async fn reads(app: &App) -> Result<()> {
    let sys = Actor::system();
    app.due_page(&sys, None, None, None, None).await?;
    app.analytics(&sys, None).await?;
    Ok(())
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

/// Up to `n` current members of the country, each with its cell and another
/// cell to move to (the next member's in list order with a different one).
async fn movers(app: &App, n: usize) -> Result<Vec<(i64, String, String)>> {
    let paging = ranks_app::search::Paging {
        limit: 200,
        cursor: None,
    };
    let page = app
        .member_page(&Actor::system(), None, "", None, &paging)
        .await?;
    let cells: Vec<(i64, String)> = page
        .rows
        .iter()
        .map(|m| (m.id, m.unit_code.to_string()))
        .collect();
    let mut out = Vec::new();
    for (i, (id, home)) in cells.iter().enumerate() {
        let other = cells[i + 1..]
            .iter()
            .chain(cells[..i].iter())
            .map(|(_, c)| c)
            .find(|c| *c != home);
        if let Some(other) = other {
            out.push((*id, home.clone(), other.clone()));
        }
        if out.len() == n {
            break;
        }
    }
    Ok(out)
}

/// One member's pair of writes: to the other cell, and home again.
async fn move_pair(
    app: &App,
    (id, home, other): &(i64, String, String),
) -> Result<(), ranks_app::AppError> {
    use ranks_app::pipeline::Movement;
    let sys = Actor::system();
    for cell in [other, home] {
        app.member_movement(&sys, *id, Movement::TransferTo { cell: cell.clone() }, None)
            .await?;
    }
    Ok(())
}

/// The member round: transfers, and what the search postings' upkeep
/// (inside each write's transaction) took of them.
async fn member_round(app: &App, n: usize) -> Result<()> {
    let upkeep = ranks_app::storage::search_postings_upkeep;
    let (calls, spent) = upkeep();
    let t = Instant::now();
    let mut k = 0;
    for m in movers(app, n).await? {
        if move_pair(app, &m).await.is_ok() {
            k += 1;
        }
    }
    let took = t.elapsed();
    if k == 0 {
        println!("writes: no member could be moved; not measured");
        return Ok(());
    }
    let (calls2, spent2) = upkeep();
    let upkept = spent2.saturating_sub(spent);
    println!(
        "writes: {k} members moved to another cell and back ({} writes) in {:.2} s: {:.0} writes/s, \
         {:.2} ms a write, of which the search postings' upkeep {:.2} ms ({} upkeeps, {:.0} % of the write time)",
        2 * k,
        took.as_secs_f64(),
        per_second(2 * k, took),
        took.as_secs_f64() * 1e3 / (2 * k) as f64,
        upkept.as_secs_f64() * 1e3 / (2 * k) as f64,
        calls2 - calls,
        upkept.as_secs_f64() * 100.0 / took.as_secs_f64().max(1e-9),
    );
    Ok(())
}

/// Runs the three rounds on `n` files, then the member round on `n`
/// members, and prints the figures.
pub async fn run(app: &App, n: usize) -> Result<()> {
    reads(app).await?;
    // A file whose withdrawal the procedure refuses today is left out.
    let mut ids = Vec::new();
    let t = Instant::now();
    for id in files(app, n).await? {
        if write_pair(app, id).await.is_ok() {
            ids.push(id);
        }
    }
    let writes = t.elapsed();
    if ids.is_empty() {
        println!("writes: no open file could be withdrawn; not measured");
        return Ok(());
    }
    reads(app).await?;
    let t = Instant::now();
    for _ in &ids {
        reads(app).await?;
    }
    let alone = t.elapsed();
    let t = Instant::now();
    for id in &ids {
        write_pair(app, *id).await?;
        reads(app).await?;
    }
    let both = t.elapsed();
    let k = ids.len();
    let extra = both.saturating_sub(writes + alone);
    println!(
        "writes: {} withdrawals taken back ({} writes) alone in {:.2} s: {:.0} writes/s; \
         the national due page and analytics {k} times alone in {:.2} s; \
         interleaved (a read after each pair) {:.2} s: {:.1} ms more per write at the next read, \
         {:.0} writes/s with a read after every pair",
        k,
        2 * k,
        writes.as_secs_f64(),
        per_second(2 * k, writes),
        alone.as_secs_f64(),
        both.as_secs_f64(),
        extra.as_secs_f64() * 1e3 / (2 * k) as f64,
        per_second(2 * k, both),
    );
    member_round(app, n).await
}
