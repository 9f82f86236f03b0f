//! The national-scale path at CI size, as the README runs it: `ranks gen`,
//! `ranks import DIR`, `ranks bench --quick`, on SQLite and PostgreSQL. A
//! smoke test: no timing is asserted; the bench itself fails if the index
//! and the plain SQL disagree.

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

async fn gen_import_bench(db: TestDb) {
    // RANKS_BENCH_MEMBERS sets the size (default 200,000, the CI size).
    let n = std::env::var("RANKS_BENCH_MEMBERS").unwrap_or_else(|_| "200000".into());
    let url = db.url_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("national");
    let out_s = out.to_str().unwrap();
    ok(
        &ranks(&["gen", "--members", &n, "--seed", "3", "--out", out_s]),
        "gen",
    );
    let load = ranks(&["--database", &url, "import", out_s]);
    let imported = ok(&load, "import");
    assert!(imported.contains("rows/s"), "{imported}");
    // The load's end is told step by step (minutes at national size), each
    // with what the step before took, the last the commit.
    let told = String::from_utf8_lossy(&load.stderr);
    let steps: Vec<&str> = told.lines().filter(|l| l.starts_with("import: ")).collect();
    assert!(
        steps.len() > 5
            && steps[0].contains("reading the rows took")
            && steps[1].contains(&format!(
                "{} took",
                &steps[0]["import: ".len()..].split("  (").next().unwrap()
            ))
            && steps
                .last()
                .unwrap()
                .contains("commit and planner statistics")
            && steps.iter().any(|s| s.contains("index name_order_sort")),
        "{told}"
    );
    assert!(
        imported.contains(&format!("members.csv: {n} members")),
        "{imported}"
    );
    // A second load of the same folder is refused whole: the units exist.
    let again = ranks(&["--database", &url, "import", out_s]);
    assert!(!again.status.success());
    let bench = ok(
        &ranks(&[
            "--database",
            &url,
            "bench",
            "--quick",
            "--seconds",
            "2",
            "--connections",
            "16",
        ]),
        "bench",
    );
    println!("{bench}");
    let last = bench.lines().last().unwrap_or_default();
    assert!(last.starts_with("SUMMARY "), "{bench}");
    assert!(last.contains(&format!("{n} members")), "{last}");
    assert!(
        bench.contains("the same") && bench.contains("faster"),
        "{bench}"
    );
    assert!(!bench.contains(" 0 requests/s"), "{bench}");
}

both_backends!(gen_import_bench);
