//! What `ranks serve` (and `ranks bench --pages`, which measures the same
//! server) builds before it accepts a connection: the roll-up index, the
//! due summary and the unit pickers' names, so that no request waits for a
//! whole build; and the next day's summary, made before midnight.

use anyhow::Result;
use ranks_app::{Actor, App};
use std::io::Write;
use std::time::Instant;

/// Builds the index and the summary now, saying so on the console with a
/// progress line per step.
pub async fn warm_up(app: &App) -> Result<()> {
    let t = Instant::now();
    print!("building the roll-up index before accepting connections… ");
    let _ = std::io::stdout().flush();
    let ix = app.tree_index().await?;
    println!(
        "{} units, {} members in {:.1} s",
        ix.units(),
        ix.admissions(),
        t.elapsed().as_secs_f64()
    );
    let root = (ix.units() > 0).then(|| ix.code(0).to_string());
    drop(ix);
    let t = Instant::now();
    print!("building the due summary… ");
    let _ = std::io::stdout().flush();
    let (_, sum) = app.due_summary().await?;
    println!(
        "{} candidates' files in {:.1} s",
        sum.files_count(),
        t.elapsed().as_secs_f64()
    );
    // Every unit's kind, read once for the pickers: the registry page's
    // first request waited 2–3 s for it at national scale.
    let t = Instant::now();
    print!("building the unit pickers' names… ");
    let _ = std::io::stdout().flush();
    app.unit_choices(&Actor::system(), false, 1).await?;
    println!("{:.1} s", t.elapsed().as_secs_f64());
    // The whole tree's forecast (its model and laws, kept per summary)
    // and analytics: the national plan page's first request computed them
    // (about 0.3 s at national scale); a write makes the next request
    // compute them again, for that write's summary.
    if let Some(root) = root {
        let t = Instant::now();
        print!("preparing the whole tree's forecast and analytics… ");
        let _ = std::io::stdout().flush();
        let system = Actor::system();
        let head = app.unit_head(&system, &root, None).await?;
        if let Some(term) = head.term {
            app.forecast(&system, &term.name.to_string(), None, Some(&root))
                .await?;
        }
        app.analytics(&system, Some(&root)).await?;
        println!("{:.1} s", t.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Every minute, from 23:00 in Vietnam, has tomorrow's due summary built
/// in the background (`App::prepare_next_day`).
pub fn keep_tomorrow_ready(app: &App) -> tokio::task::JoinHandle<()> {
    let app = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            app.prepare_next_day();
        }
    })
}
