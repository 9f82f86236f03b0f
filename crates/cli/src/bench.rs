//! `ranks bench`: the national-scale figures, measured on the configured
//! database (built by `ranks gen` and `ranks import`).
//!
//! For each operation: median and 99th percentile latency. The whole-tree
//! roll-up is also run as the plain recursive-CTE SQL on the same database,
//! checked equal, and the ratio printed. The grassroots page is served by
//! the real router on a local port and loaded by 64 keep-alive connections.
//! Peak memory is this process's (it is the server: index, pools, router).

use anyhow::{bail, Context, Result};
use ranks_app::{Actor, App};
use ranks_domain::Date;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct BenchArgs {
    pub seconds: f64,
    pub connections: usize,
    pub quick: bool,
}

/// A small deterministic generator for picking ranges and units.
pub(crate) struct Pick(pub u64);

impl Pick {
    fn next(&mut self) -> u64 {
        ranks_domain::rng::splitmix64(&mut self.0)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median and 99th percentile, in milliseconds.
fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |q: f64| ms(v[((v.len() as f64 - 1.0) * q).round() as usize]);
    (at(0.5), at(0.99))
}

pub(crate) fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn random_range(p: &mut Pick) -> (Date, Date) {
    let base = Date::from_ymd_opt(1960, 1, 1).expect("date");
    let a = p.below(66 * 365) as u64;
    let len = 30 + p.below(20 * 365) as u64;
    let from = base + chrono::Days::new(a);
    (from, from + chrono::Days::new(len))
}

pub async fn run(app: &App, args: BenchArgs) -> Result<()> {
    let sys = Actor::system();
    let mut pick = Pick(20261125);
    println!(
        "ranks bench on {} ({})",
        app.db().url(),
        app.db().backend().name()
    );

    // The import rate of the last bulk load, from its audit entries.
    let import = app.bulk_import_rates().await?;

    let t = Instant::now();
    let index = app.tree_index().await?;
    let build = t.elapsed();
    let units = index.units();
    let members = index.admissions();
    if units == 0 {
        bail!("the database holds no units: run `ranks gen` and `ranks import DIR` first");
    }
    println!(
        "index: {units} units, {members} admissions, built in {:.2} s",
        build.as_secs_f64()
    );
    let root = index.b.codes[0].to_string();
    let provinces: Vec<String> = (0..units)
        .filter(|i| index.b.depth[*i] == 1)
        .map(|i| index.b.codes[i].to_string())
        .collect();
    let grassroots: Vec<String> = (0..units)
        .filter(|i| index.b.depth[*i] == 3 && index.b.end[*i] as usize > *i + 1)
        .map(|i| index.b.codes[i].to_string())
        .collect();
    let (n_whole, n_prov) = if args.quick { (20, 100) } else { (200, 2000) };

    // 1. Whole-tree roll-up for random date ranges.
    let mut times = Vec::new();
    for _ in 0..n_whole {
        let (from, to) = random_range(&mut pick);
        let t = Instant::now();
        let r = app.rollup(&sys, None, from, to).await?;
        times.push(t.elapsed());
        std::hint::black_box(r.counts.len());
    }
    let whole = stats(times);
    println!(
        "whole-tree roll-up, any date range ({units} units): median {:.2} ms, p99 {:.2} ms",
        whole.0, whole.1
    );

    // 2. One province's subtree.
    let mut times = Vec::new();
    for _ in 0..n_prov {
        let (from, to) = random_range(&mut pick);
        let prov = provinces.get(pick.below(provinces.len())).unwrap_or(&root);
        let t = Instant::now();
        let r = app.rollup(&sys, Some(prov), from, to).await?;
        times.push(t.elapsed());
        std::hint::black_box(r.counts.len());
    }
    let prov = stats(times);
    println!(
        "one province's subtree roll-up: median {:.3} ms, p99 {:.3} ms",
        prov.0, prov.1
    );

    // 3. The same whole-tree roll-up as plain SQL, checked equal.
    let (from, to) = (
        Date::from_ymd_opt(2020, 7, 1).expect("date"),
        Date::from_ymd_opt(2025, 6, 30).expect("date"),
    );
    let t = Instant::now();
    let sql = app.rollup_sql(from, to).await?;
    let sql_time = t.elapsed();
    let r = app.rollup(&sys, None, from, to).await?;
    let mut differ = 0;
    for i in 0..r.len() {
        let (code, _, _, n) = r.row(i);
        if sql.get(code).copied().unwrap_or(0) != n {
            differ += 1;
        }
    }
    if differ > 0 || sql.len() != r.len() {
        bail!("the index and the plain SQL disagree on {differ} units");
    }
    println!(
        "plain SQL (recursive CTE) whole-tree roll-up 2020-07-01..2025-06-30: {:.0} ms; the same {} rows from the index; {:.0}× faster",
        ms(sql_time),
        r.len(),
        ms(sql_time) / whole.0.max(1e-6)
    );

    // 4. A province's due and overdue list.
    let mut times = Vec::new();
    let mut listed = 0;
    for i in 0..if args.quick { 3 } else { 10 } {
        let prov = provinces.get(i % provinces.len().max(1)).unwrap_or(&root);
        let t = Instant::now();
        let due = app.due(&sys, Some(prov), None).await?;
        times.push(t.elapsed());
        listed = due.len();
    }
    let due = stats(times);
    println!(
        "a province's due and overdue list ({listed} files): median {:.0} ms, p99 {:.0} ms",
        due.0, due.1
    );

    // 5. A grassroots organisation's page over HTTP, 64 connections.
    let token = bench_token(app).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = ranks_web::router(app.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let codes = Arc::new(grassroots);
    // Hot: one grassroots organisation's page, as its staff keep opening it
    // (served from the page-data cache while nothing is written). Cold: a
    // different organisation at random on every request.
    let hot = load(
        addr,
        &token,
        Arc::new(vec![codes[codes.len() / 2].clone()]),
        &args,
    )
    .await?;
    let cold = load(addr, &token, codes.clone(), &args).await?;
    server.abort();
    for (what, (rps, med, p99, failed)) in [
        ("one organisation's page, repeated", hot),
        ("a random organisation's page each time", cold),
    ] {
        println!(
            "grassroots page (HTML), {what}, {} connections for {:.0} s: {rps:.0} requests/s, median {med:.1} ms, p99 {p99:.1} ms, {failed} failed",
            args.connections, args.seconds
        );
    }
    let rps = hot.0;
    let cold_rps = cold.0;
    match &import {
        Some((rows, secs)) => println!(
            "last bulk import: {rows} rows in {secs:.1} s = {:.0} rows/s",
            *rows as f64 / secs.max(1e-9)
        ),
        None => println!("last bulk import: none recorded"),
    }
    let mem = peak_memory_mib();
    println!("peak memory of this process (server, index, pools): {mem:.0} MiB");
    println!(
        "SUMMARY {}: {units} units, {members} members; whole-tree roll-up median {:.2} ms (plain SQL {:.0} ms, {:.0}×); province {:.3} ms; grassroots page {rps:.0} req/s (random organisations {cold_rps:.0}) at {} connections; import {}; peak memory {mem:.0} MiB",
        app.db().backend().name(),
        whole.0,
        ms(sql_time),
        ms(sql_time) / whole.0.max(1e-6),
        prov.0,
        args.connections,
        import
            .map(|(r, s)| format!("{:.0} rows/s", r as f64 / s.max(1e-9)))
            .unwrap_or_else(|| "not recorded".into()),
    );
    Ok(())
}

/// Reads one HTTP/1.1 response (Content-Length or chunked); its status.
async fn read_response(s: &mut tokio::net::TcpStream, buf: &mut [u8]) -> Option<u16> {
    let mut data: Vec<u8> = Vec::with_capacity(1 << 16);
    loop {
        let n = s.read(buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
        let body = end + 4;
        if let Some(len) = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            while data.len() < body + len {
                let n = s.read(buf).await.ok()?;
                if n == 0 {
                    return None;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Some(status);
        }
        if head.contains("transfer-encoding: chunked") {
            while !data.ends_with(b"0\r\n\r\n") {
                let n = s.read(buf).await.ok()?;
                if n == 0 {
                    return None;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Some(status);
        }
        return Some(status);
    }
}

/// A token for the bench's requests, as an administrator `bench`.
pub(crate) async fn bench_token(app: &App) -> Result<String> {
    let sys = Actor::system();
    if !app.users().await?.iter().any(|u| u.username == "bench") {
        let pw = ranks_app::auth::random_token();
        app.add_user(&sys, "bench", &pw, ranks_app::auth::Role::Admin, None, None)
            .await
            .context("creating the bench user")?;
    }
    Ok(app.create_token("bench", "ranks bench", 1).await?)
}

/// Loads the page of one of `codes` (at random) over `args.connections`
/// keep-alive connections: (requests/s, median ms, p99 ms, failures).
pub(crate) async fn load(
    addr: std::net::SocketAddr,
    token: &str,
    codes: Arc<Vec<String>>,
    args: &BenchArgs,
) -> Result<(f64, f64, f64, u64)> {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    let started = Instant::now();
    for c in 0..args.connections {
        let (codes, stop, done, failed, token) = (
            codes.clone(),
            stop.clone(),
            done.clone(),
            failed.clone(),
            token.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut p = Pick(c as u64 + 1);
            let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                failed.fetch_add(1, Ordering::Relaxed);
                return lat;
            };
            let _ = s.set_nodelay(true);
            let mut buf = vec![0u8; 1 << 16];
            while !stop.load(Ordering::Relaxed) {
                let code = &codes[p.below(codes.len())];
                let req = format!(
                    "GET /units/{code} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n"
                );
                let t = Instant::now();
                if s.write_all(req.as_bytes()).await.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                match read_response(&mut s, &mut buf).await {
                    Some(200) => {
                        lat.push(t.elapsed());
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
            lat
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    if lat.is_empty() {
        bail!(
            "no grassroots page was served ({} failures)",
            failed.load(Ordering::Relaxed)
        );
    }
    let (med, p99) = stats(lat);
    Ok((
        done.load(Ordering::Relaxed) as f64 / elapsed,
        med,
        p99,
        failed.load(Ordering::Relaxed),
    ))
}
