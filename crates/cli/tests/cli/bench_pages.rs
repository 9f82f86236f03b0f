//! `ranks bench --pages` at a tiny size on both engines: it signs in as the
//! five users, prints a row for every page and user, checks what the pages
//! say against plain SQL, and passes (every page answered 200, every check
//! agreed). No timing is asserted.

use ranks_testkit::{both_backends, TestDb};
use std::process::{Command, Output};

fn ranks(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .output()
        .expect("run ranks")
}

fn ok(o: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}

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

const USERS: [&str; 5] = [
    "national admin",
    "provincial admin",
    "superior committee staff",
    "grassroots staff",
    "cell secretary",
];

async fn bench_pages_rows(db: TestDb) {
    let url = db.url_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tiny");
    let out_s = out.to_str().unwrap();
    ok(
        &ranks(&["gen", "--members", "3000", "--seed", "5", "--out", out_s]),
        "gen",
    );
    ok(&ranks(&["--database", &url, "import", out_s]), "import");
    let args = [
        "--database",
        &url,
        "bench",
        "--pages",
        "--quick",
        "--requests",
        "2",
        "--seconds",
        "1",
        "--connections",
        "4",
    ];
    let due = |what: &str| ok(&ranks(&["--database", &url, "due", "--all"]), what);
    let bench = ok(&ranks(&args), "bench --pages");
    println!("{bench}");
    // A write line of the bench (the first holding `what`) and its count
    // (the number after "writes: ").
    let writes_line = |what: &str| -> (&str, usize) {
        let line = bench
            .lines()
            .find(|l| l.starts_with("writes: ") && l.contains(what))
            .unwrap_or_else(|| panic!("no writes line with {what}:\n{bench}"));
        let n = line["writes: ".len()..]
            .split(' ')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        (line, n)
    };
    // The write figures: withdrawals taken back, which leave every file
    // (and so every deadline) as it was.
    let (writes, n) = writes_line("withdrawals taken back");
    assert!(n > 0 && writes.contains("writes/s"), "{writes}");
    // Members moved and back: writes that rewrite search postings, whose
    // upkeep was timed (two upkeeps at least per member moved).
    let (moved, k) = writes_line("members moved to another cell and back");
    let upkeeps: usize = moved
        .split(" upkeeps")
        .next()
        .and_then(|h| h.rsplit('(').next())
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    assert!(k > 0 && upkeeps >= 2 * k, "{moved}");
    let engine = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    for page in PAGES {
        for user in USERS {
            let row = bench
                .lines()
                .find(|l| l.starts_with(page) && l.contains(user))
                .unwrap_or_else(|| panic!("no row for {page} as {user}:\n{bench}"));
            assert!(row.contains(engine), "{row}");
            // Requests were made: n is a positive count, times are numbers.
            let cells: Vec<&str> = row[page.len()..].split_whitespace().collect();
            let n_at = cells.iter().position(|c| *c == engine).unwrap() + 1;
            let n: usize = cells[n_at].parse().unwrap();
            assert!(n > 0 || row.contains("nothing to open"), "{row}");
            if n > 0 {
                let med: f64 = cells[n_at + 1].parse().unwrap();
                assert!(med > 0.0, "{row}");
            }
        }
    }
    assert!(bench.contains("0 differ"), "{bench}");
    assert!(
        bench.contains("peak memory of the server's process"),
        "{bench}"
    );
    assert!(bench.contains("requests/s"), "{bench}");
    assert!(bench.contains("every check agreed"), "{bench}");
    // The bench's users (and the supervisors it assigned) exist now; a
    // second run signs them in again and leaves every file as it was.
    let due_before = due("due before");
    let again = ok(&ranks(&args), "bench --pages again");
    assert!(again.contains("every check agreed"), "{again}");
    assert_eq!(due("due after"), due_before, "the writes were taken back");
    // --only words: the rows of the pages whose names hold them, the writes
    // and the load, no checks.
    let mut only = args.to_vec();
    only.extend(["--only", "plan,analytics"]);
    let some = ok(&ranks(&only), "bench --pages --only");
    let rows: Vec<&str> = some
        .lines()
        .filter(|l| l.contains(engine) && !l.starts_with("ranks bench"))
        .collect();
    assert_eq!(rows.len(), 2 * USERS.len(), "{some}");
    assert!(rows
        .iter()
        .all(|r| r.starts_with("/units/{code}/plan") || r.starts_with("api analytics")));
    assert!(
        some.contains("writes/s") && some.contains("requests/s") && some.contains("no checks"),
        "{some}"
    );
    assert!(
        some.contains("over 200 ms: ") && some.contains(" of 10\n"),
        "{some}"
    );
    // A page's whole name: that page's rows only (not the plan's, whose
    // name begins the same), as the five users.
    let mut one = args.to_vec();
    one.extend(["--only", "/units/{code}"]);
    let only = ok(&ranks(&one), "bench --pages --only page");
    for user in USERS {
        assert!(
            only.lines()
                .any(|l| l.starts_with("/units/{code} ") && l.contains(user)),
            "{user}:\n{only}"
        );
    }
    assert!(!only.contains("/units/{code}/plan"), "{only}");
    assert!(only.contains("no checks"), "{only}");
    assert!(only.contains("requests/s"), "{only}");
    one.extend(["--only", "/no/such/page"]);
    let refused = ranks(&one);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no page '/no/such/page'"));
}

both_backends!(bench_pages_rows);
