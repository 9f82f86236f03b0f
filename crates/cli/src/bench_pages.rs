//! `ranks bench --pages`: every read a person waits for, as each of five
//! users (a national admin; staff of a province, of a superior committee
//! and of a grassroots organisation; a cell secretary), created here with
//! the app's own user and token use cases, each request at a random unit of
//! the user's level, over HTTP against the real router on a local port, one
//! request at a time with a deadline. Prints median, p95 and the largest
//! body per page and user, and the server's peak memory; then checks what
//! the pages say against plain computations (the achievement roll-up
//! against the recursive-CTE SQL, the dashboard's member totals against a
//! COUNT, a search's hits against a scan) and fails on any difference, any
//! answer other than 200, any request past its deadline and any answer
//! over 1 MB (rows whose p95 passes 200 ms are marked). Ends with the
//! 64-connection grassroots figure of `ranks bench`.

use crate::bench::{self, Pick};
use crate::bench_http::{Client, Got};
use anyhow::{bail, Context, Result};
use ranks_app::auth::Role;
use ranks_app::checks::UnitSample;
use ranks_app::{Actor, App};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct PagesArgs {
    pub quick: bool,
    /// Requests per page and user (at most).
    pub requests: usize,
    /// Deadline of one request.
    pub timeout: Duration,
    /// The grassroots throughput figure: seconds and connections.
    pub seconds: f64,
    pub connections: usize,
    /// Only the pages whose names contain one of these (all when empty);
    /// then the checks against SQL are skipped.
    pub only: Vec<String>,
}

impl PagesArgs {
    /// From the command line: `requests` per page and user (default 20, 5
    /// with --quick), `timeout` seconds per request; a quick run loads the
    /// grassroots page for at most 3 s.
    pub fn of(b: bench::BenchArgs, requests: Option<usize>, timeout: f64) -> PagesArgs {
        PagesArgs {
            quick: b.quick,
            requests: requests.unwrap_or(if b.quick { 5 } else { 20 }).max(1),
            timeout: Duration::from_secs_f64(timeout.clamp(0.1, 3600.0)),
            seconds: if b.quick {
                b.seconds.min(3.0)
            } else {
                b.seconds
            },
            connections: b.connections,
            only: Vec::new(),
        }
    }

    /// Only the rows of the pages whose names (as the table prints them)
    /// contain one of `words`; a word no name contains is refused.
    pub fn only(mut self, words: Vec<String>) -> Result<PagesArgs> {
        if let Some(p) = words
            .iter()
            .find(|p| p.is_empty() || !PAGES.iter().any(|name| name.contains(p.as_str())))
        {
            bail!(
                "no page '{p}' in the bench; its pages: {}",
                PAGES.join(", ")
            );
        }
        self.only = words;
        Ok(self)
    }
}

/// The five users the bench signs in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    National,
    Provincial,
    Superior,
    Grassroots,
    Secretary,
}

impl Who {
    const ALL: [Who; 5] = [
        Who::National,
        Who::Provincial,
        Who::Superior,
        Who::Grassroots,
        Who::Secretary,
    ];

    fn label(self) -> &'static str {
        match self {
            Who::National => "national admin",
            Who::Provincial => "provincial admin",
            Who::Superior => "superior committee staff",
            Who::Grassroots => "grassroots staff",
            Who::Secretary => "cell secretary",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Who::National => "national",
            Who::Provincial => "province",
            Who::Superior => "superior",
            Who::Grassroots => "grassroots",
            Who::Secretary => "secretary",
        }
    }

    fn depth(self) -> u8 {
        match self {
            Who::National => 0,
            Who::Provincial => 1,
            Who::Superior => 2,
            Who::Grassroots => 3,
            Who::Secretary => 4,
        }
    }

    fn role(self) -> Role {
        match self {
            Who::National => Role::Admin,
            Who::Secretary => Role::Secretary,
            _ => Role::Staff,
        }
    }
}

/// One signed-in user at one unit, with what the bench read of its subtree.
struct Seat {
    who: Who,
    code: String,
    token: String,
    sample: UnitSample,
    supervisor: Option<i64>,
}

/// The most rows a sample reads: a subtree with no more members than this
/// is scanned whole (and its searches checked against the scan).
const SAMPLE: i64 = 5_000;

/// The pages, in the order of the table.
const PAGES: [&str; 17] = [
    "/ (dashboard)",
    "/units/{code}",
    "/units/{code}/plan",
    "/members?q=",
    "/members/{id}",
    "/candidates/{id}",
    "/supervisors/{member}",
    "api due",
    "api achievement",
    "api rollup",
    "api allocation",
    "api members",
    "api candidate",
    "api forecast",
    "api analytics",
    "api evaluation",
    "api supervisor",
];

/// Where page `i` is for this seat, with a random word, member and
/// candidate of its sample (`None`: the seat has nothing to open there).
fn url(i: usize, s: &Seat, p: &mut Pick, term: &str, year: i32) -> Option<String> {
    let code = &s.code;
    let names = &s.sample.names;
    let member = (!names.is_empty()).then(|| names[p.below(names.len())].0);
    let cands = &s.sample.candidates;
    let cand = (!cands.is_empty()).then(|| cands[p.below(cands.len())]);
    let word = enc(&random_word(names, p).unwrap_or_else(|| "nguyen".into()));
    Some(match i {
        0 => "/".into(),
        1 => format!("/units/{code}"),
        2 => format!("/units/{code}/plan"),
        3 => format!("/members?q={word}"),
        4 => format!("/members/{}", member?),
        5 => format!("/candidates/{}", cand?),
        6 => format!("/supervisors/{}", s.supervisor?),
        7 => format!("/api/v1/due?org={code}"),
        8 => format!("/api/v1/units/{code}/achievement?term={term}&depth=1"),
        9 => format!("/api/v1/rollup?org={code}&term={term}&depth=1"),
        10 => format!("/api/v1/allocation?period={term}&org={code}"),
        11 => format!("/api/v1/members?q={word}&org={code}"),
        12 => format!("/api/v1/candidates/{}", cand?),
        13 => format!("/api/v1/forecast?term={term}&org={code}"),
        14 => format!("/api/v1/analytics?org={code}"),
        15 => format!("/api/v1/evaluation?year={year}&org={code}"),
        _ => format!("/api/v1/supervisors/{}?term={term}", s.supervisor?),
    })
}

/// A word (folded, as a person types it) of a random sampled name.
fn random_word(names: &[(i64, String)], p: &mut Pick) -> Option<String> {
    let (_, name) = names.get(p.below(names.len()))?;
    let folded = ranks_domain::text::fold(name);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    words.get(p.below(words.len())).map(|w| w.to_string())
}

/// Percent-encoding for a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Units of the tree at `depth`; at depth 3 those with cells, at 4 the leaves.
fn units_at(index: &ranks_app::index::TreeIndex, depth: u8) -> Vec<String> {
    let b = &index.b;
    (0..b.codes.len())
        .filter(|i| b.depth[*i] == depth)
        .filter(|i| match depth {
            3 => b.end[*i] as usize > *i + 1,
            4 => b.end[*i] as usize == *i + 1,
            _ => true,
        })
        .map(|i| b.codes[i].to_string())
        .collect()
}

/// Signs the bench's users in (creating them the first time): one national
/// admin, and `per_level` users at random units of each other level.
async fn seats(app: &App, per_level: usize, pick: &mut Pick) -> Result<Vec<Seat>> {
    let index = app.tree_index().await?;
    let existing: BTreeSet<String> = app.users().await?.into_iter().map(|u| u.username).collect();
    let mut out = Vec::new();
    for who in Who::ALL {
        let units = units_at(&index, who.depth());
        if units.is_empty() {
            bail!(
                "the tree has no unit at depth {} for the {}",
                who.depth(),
                who.label()
            );
        }
        let n = if who == Who::National { 1 } else { per_level };
        let mut chosen = BTreeSet::new();
        while chosen.len() < n.min(units.len()) {
            chosen.insert(units[pick.below(units.len())].clone());
        }
        for code in chosen {
            let clean: String = code
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let username = format!("bench-{}-{clean}", who.slug());
            if !existing.contains(&username) {
                let org = (who != Who::National).then_some(code.as_str());
                let pw = ranks_app::auth::random_token();
                app.add_user(&Actor::system(), &username, &pw, who.role(), org, None)
                    .await
                    .with_context(|| format!("creating the bench user {username}"))?;
            }
            let token = app
                .create_token(&username, "ranks bench --pages", 1)
                .await?;
            let sample = app.check_sample(&code, SAMPLE).await?;
            let supervisor = app.bench_supervisor(&code).await?;
            out.push(Seat {
                who,
                code,
                token,
                sample,
                supervisor,
            });
        }
    }
    Ok(out)
}

/// One row of the table.
#[derive(Default)]
struct Row {
    times: Vec<Duration>,
    max_bytes: usize,
    timed_out: usize,
    failed: Vec<String>,
    skipped: bool,
}

impl Row {
    fn cell(&self) -> String {
        if self.skipped {
            return "nothing to open".into();
        }
        let mut note = Vec::new();
        if self.timed_out > 0 {
            note.push(format!("{} TIMED OUT", self.timed_out));
        }
        if let Some(f) = self.failed.first() {
            note.push(format!("{} failed ({f})", self.failed.len()));
        }
        if self.max_bytes > MAX_PAGE_BYTES {
            note.push(format!("OVER {MAX_PAGE_BYTES} bytes"));
        }
        if quantiles(&self.times).1 > P95_BOUND_MS {
            note.push(format!("p95 over {P95_BOUND_MS:.0} ms"));
        }
        note.join("; ")
    }
}

/// Issue 16: no page or API answer over 1 MB, whatever the subtree (a
/// failure: it does not depend on the machine).
const MAX_PAGE_BYTES: usize = 1_000_000;
/// Issue 16: every read within 200 ms at p95, on the national data with a
/// release build (marked, not failed: a debug build at CI size says
/// nothing about it).
const P95_BOUND_MS: f64 = 200.0;

/// p50 and p95 of the times, in ms.
fn quantiles(v: &[Duration]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut v = v.to_vec();
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.5), at(0.95))
}

/// Requests page `page` as `who`, each time at a random seat of that level,
/// until `requests` are done, the first time-out, or twice the deadline
/// spent on the row.
#[allow(clippy::too_many_arguments)]
async fn measure(
    clients: &mut [Client],
    seats: &[Seat],
    who: Who,
    page: usize,
    args: &PagesArgs,
    pick: &mut Pick,
    term: &str,
    year: i32,
) -> Row {
    let mine: Vec<usize> = (0..seats.len()).filter(|i| seats[*i].who == who).collect();
    let mut row = Row::default();
    let started = Instant::now();
    let mut tried = 0;
    for _ in 0..args.requests {
        if started.elapsed() > args.timeout * 2 {
            break;
        }
        let s = mine[pick.below(mine.len())];
        let Some(path) = url(page, &seats[s], pick, term, year) else {
            continue;
        };
        tried += 1;
        let t = Instant::now();
        match clients[s].get(&path, args.timeout).await {
            Got::Answer(200, body) => {
                row.times.push(t.elapsed());
                row.max_bytes = row.max_bytes.max(body.len());
            }
            Got::Answer(status, _) => row.failed.push(format!("HTTP {status} for {path}")),
            Got::Broken(e) => row.failed.push(format!("{e} for {path}")),
            Got::TimedOut => {
                row.timed_out += 1;
                break;
            }
        }
    }
    row.skipped = tried == 0;
    row
}

pub async fn run(app: &App, args: PagesArgs) -> Result<()> {
    let engine = app.db().backend().name();
    println!("ranks bench --pages on {} ({engine})", app.db().url());
    let mut pick = Pick(20261201);
    // As `ranks serve`: the index and the summary are built before the
    // server accepts connections.
    crate::warm::warm_up(app).await?;
    let index = app.tree_index().await?;
    let seats = seats(app, if args.quick { 2 } else { 4 }, &mut pick).await?;
    let today = app.clock().today();
    let terms = app.terms().await?;
    let term = terms
        .iter()
        .find(|t| t.starts_on <= today && today <= t.ends_on)
        .or(terms.last())
        .map(|t| t.name.to_string())
        .unwrap_or_else(|| "2025-2030".into());
    let year = chrono::Datelike::year(&today);

    // The server runs on a runtime of its own: a handler that computes for
    // minutes without yielding must not stop the client's clocks.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(8)
        .thread_name("ranks-bench-server")
        .enable_all()
        .build()?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let router = ranks_web::router(app.clone());
    server_rt.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router).await
    });
    let mut clients: Vec<Client> = seats.iter().map(|s| Client::new(addr, &s.token)).collect();
    let mut problems = Vec::new();
    // The users whose dashboard did not answer in time: not computed again.
    let mut slow_dashboards = Vec::new();
    let mut over = 0;

    println!(
        "\n{:<24} {:<26} {:<10} {:>4} {:>11} {:>11} {:>12}  note",
        "page", "user", "engine", "n", "median ms", "p95 ms", "max bytes"
    );
    // A page's whole name selects it alone; another word, every page
    // whose name holds it.
    let wanted = |name: &str| {
        args.only.is_empty()
            || args
                .only
                .iter()
                .any(|o| o == name || (!PAGES.contains(&o.as_str()) && name.contains(o.as_str())))
    };
    for (page, name) in PAGES.iter().enumerate().filter(|p| wanted(p.1)) {
        for who in Who::ALL {
            let row = measure(
                &mut clients,
                &seats,
                who,
                page,
                &args,
                &mut pick,
                &term,
                year,
            )
            .await;
            let (med, p95) = quantiles(&row.times);
            println!(
                "{name:<24} {:<26} {engine:<10} {:>4} {med:>11.1} {p95:>11.1} {:>12}  {}",
                who.label(),
                row.times.len(),
                row.max_bytes,
                row.cell()
            );
            if page == 0 && row.timed_out > 0 {
                slow_dashboards.push(who);
            }
            if row.timed_out > 0 || !row.failed.is_empty() || row.max_bytes > MAX_PAGE_BYTES {
                problems.push(format!("{name} as {}: {}", who.label(), row.cell()));
            }
            if quantiles(&row.times).1 > P95_BOUND_MS {
                over += 1;
            }
        }
    }
    println!(
        "rows with p95 over {P95_BOUND_MS:.0} ms: {over} of {}",
        PAGES.iter().filter(|p| wanted(p)).count() * Who::ALL.len()
    );
    println!(
        "peak memory of the server's process (VmHWM): {:.0} MiB",
        bench::peak_memory_mib()
    );

    if args.only.is_empty() {
        problems.extend(check_rollup(app).await?);
        let seats_in_time: Vec<&Seat> = seats
            .iter()
            .filter(|s| !slow_dashboards.contains(&s.who))
            .collect();
        problems
            .extend(check_dashboards(app, &seats_in_time, args.timeout, server_rt.handle()).await?);
        problems.extend(check_searches(&mut clients, &seats, &mut pick, args.timeout).await);
    } else {
        println!("only {}: no checks", args.only.join(", "));
    }
    crate::bench_writes::run(app, if args.quick { 10 } else { 50 }).await?;

    let token = bench::bench_token(app).await?;
    let grassroots = Arc::new(units_at(&index, 3));
    let load_args = bench::BenchArgs {
        seconds: args.seconds,
        connections: args.connections,
        quick: args.quick,
    };
    let loaded = bench::load(addr, &token, grassroots, &load_args).await;
    // Handlers still computing past their deadline are not waited for.
    server_rt.shutdown_background();
    let (rps, med, p99, failed) = loaded?;
    println!(
        "grassroots page (HTML), a random organisation each time, {} connections for {:.0} s: {rps:.0} requests/s, median {med:.1} ms, p99 {p99:.1} ms, {failed} failed",
        args.connections, args.seconds
    );
    println!(
        "peak memory of the server's process (VmHWM): {:.0} MiB",
        bench::peak_memory_mib()
    );
    if !problems.is_empty() {
        bail!("{} problem(s):\n{}", problems.len(), problems.join("\n"));
    }
    println!(
        "all pages answered 200 within {:.0} s and under {MAX_PAGE_BYTES} bytes; every check agreed",
        args.timeout.as_secs_f64()
    );
    Ok(())
}

/// The whole-tree roll-up of the index against the recursive-CTE SQL.
async fn check_rollup(app: &App) -> Result<Vec<String>> {
    let from = ranks_domain::Date::from_ymd_opt(2020, 7, 1).context("date")?;
    let to = ranks_domain::Date::from_ymd_opt(2025, 6, 30).context("date")?;
    let t = Instant::now();
    let sql = app.rollup_sql(from, to).await?;
    let sql_ms = t.elapsed().as_secs_f64() * 1e3;
    let r = app.rollup(&Actor::system(), None, from, to).await?;
    let differ = (0..r.len())
        .filter(|i| {
            let (code, _, _, n) = r.row(*i);
            sql.get(code).copied().unwrap_or(0) != n
        })
        .count();
    println!(
        "check: achievement roll-up of {} units against the recursive-CTE SQL ({sql_ms:.0} ms): {differ} differ",
        r.len()
    );
    Ok(if differ > 0 || sql.len() != r.len() {
        vec![format!(
            "the roll-up index and the plain SQL disagree on {differ} units"
        )]
    } else {
        vec![]
    })
}

/// Each user's dashboard: its total and its units' totals against a COUNT.
async fn check_dashboards(
    app: &App,
    seats: &[&Seat],
    deadline: Duration,
    server: &tokio::runtime::Handle,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut checked = 0;
    for who in Who::ALL {
        let Some(seat) = seats.iter().find(|s| s.who == who) else {
            println!(
                "check: dashboard of the {}: not computed again (its page timed out)",
                who.label()
            );
            continue;
        };
        let actor = app
            .token_actor(&seat.token)
            .await?
            .context("the bench's token was refused")?;
        let task = {
            let app = app.clone();
            server.spawn(async move { app.dashboard(&actor, None).await })
        };
        let d = match tokio::time::timeout(deadline, task).await {
            Ok(d) => d.context("the dashboard's task")??,
            Err(_) => {
                problems.push(format!(
                    "dashboard of the {}: not computed within the deadline",
                    who.label()
                ));
                continue;
            }
        };
        let mut shown: Vec<(String, u64)> = vec![(seat.code.clone(), d.total_members)];
        let mut units: Vec<_> = d.members.iter().map(|(c, n)| (c.to_string(), *n)).collect();
        units.sort();
        shown.extend(units.into_iter().take(5));
        for (code, n) in shown {
            let want = app.check_member_count(&code).await?;
            checked += 1;
            if want != n {
                problems.push(format!(
                    "dashboard of the {}: {code} shows {n} members, a COUNT says {want}",
                    who.label()
                ));
            }
        }
    }
    println!(
        "check: {checked} dashboard member totals against a COUNT: {} differ",
        problems.len()
    );
    Ok(problems)
}

/// Searches in subtrees scanned whole, against the scan.
async fn check_searches(
    clients: &mut [Client],
    seats: &[Seat],
    pick: &mut Pick,
    deadline: Duration,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (i, seat) in seats.iter().enumerate() {
        let names = &seat.sample.names;
        if names.is_empty() || names.len() as u64 != seat.sample.members {
            continue;
        }
        for _ in 0..3 {
            let Some(word) = random_word(names, pick) else {
                continue;
            };
            let want: BTreeSet<i64> = names
                .iter()
                .filter(|(_, n)| name_matches(&word, n))
                .map(|(id, _)| *id)
                .collect();
            let first = format!(
                "/api/v1/members?q={}&org={}&limit=200",
                enc(&word),
                seat.code
            );
            checked += 1;
            if let Err(e) = walk_hits(&mut clients[i], &first, &want, deadline).await {
                problems.push(format!("{first} as the {}: {e}", seat.who.label()));
            }
        }
    }
    println!(
        "check: {checked} searches against a scan of their subtree: {} differ",
        problems.len()
    );
    problems
}

/// Every word of the query starts a word of the name, both folded (the
/// registry's documented rule, here by a plain scan).
fn name_matches(query: &str, name: &str) -> bool {
    let name = ranks_domain::text::fold(name);
    let tokens: Vec<&str> = name.split(' ').collect();
    ranks_domain::text::fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|w| tokens.iter().any(|t| t.starts_with(w)))
}

/// Every page of a search, followed by its `next` cursor, against the scan:
/// each hit once, none missing, none outside.
async fn walk_hits(
    client: &mut Client,
    first: &str,
    want: &BTreeSet<i64>,
    deadline: Duration,
) -> Result<(), String> {
    let mut got: Vec<i64> = Vec::new();
    let mut path = first.to_string();
    for _ in 0..=want.len() / 200 + 1 {
        let body = match client.get(&path, deadline).await {
            Got::Answer(200, body) => body,
            Got::Answer(s, _) => return Err(format!("{path}: HTTP {s}")),
            Got::TimedOut => return Err(format!("{path}: timed out")),
            Got::Broken(e) => return Err(format!("{path}: {e}")),
        };
        let v: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| format!("not JSON: {e}"))?;
        let rows = v["members"].as_array().ok_or("no members in the answer")?;
        got.extend(rows.iter().filter_map(|m| m["id"].as_i64()));
        match v["next"].as_str() {
            Some(next) => path = format!("{first}&cursor={}", enc(next)),
            None => {
                let set: BTreeSet<i64> = got.iter().copied().collect();
                if set.len() != got.len() {
                    return Err(format!("{} hits listed twice", got.len() - set.len()));
                }
                if set != *want {
                    return Err(format!("hits {set:?}, the scan finds {want:?}"));
                }
                if let (Some("exact"), Some(n)) =
                    (v["total"]["kind"].as_str(), v["total"]["count"].as_u64())
                {
                    if n != want.len() as u64 {
                        return Err(format!("total {n}, the scan finds {}", want.len()));
                    }
                }
                return Ok(());
            }
        }
    }
    Err(format!("more pages than {} hits need", want.len()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_rule_is_prefix_of_a_word_without_tone_marks() {
        assert!(super::name_matches("nguy", "Nguyễn Văn An"));
        assert!(super::name_matches("van an", "Nguyễn Văn An"));
        assert!(!super::name_matches("guyen", "Nguyễn Văn An"));
        assert!(!super::name_matches("an binh", "Nguyễn Văn An"));
    }
}
