//! The `ranks` binary, run as a user runs it, against SQLite and PostgreSQL.

use ranks_testkit::{both_backends, TestDb};
use std::path::Path;
use std::process::{Command, Output};

fn ranks(args: &[&str], dir: Option<&Path>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ranks"));
    cmd.args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.output().expect("run ranks")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "ranks failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A failure: non-zero exit and exactly one line on stderr.
fn one_line_error(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected failure, got: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8(o.stderr.clone()).unwrap();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    err.trim_end().to_string()
}

async fn demo_and_reports(db: TestDb) {
    let url = db.url_string();
    let first = stdout(&ranks(&["demo", "--database", &url], None, &[]));
    assert!(
        first.contains("demo loaded") && first.contains("328 members"),
        "{first}"
    );
    // The global option is accepted before the subcommand too, and a second load is a no-op.
    let second = stdout(&ranks(&["--database", &url, "demo"], None, &[]));
    assert!(second.contains("already loaded"), "{second}");

    let table = stdout(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2020-2025",
            "--depth",
            "1",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2 + 11, "{table}");
    assert!(
        lines[2].starts_with("DBSYT") && lines[2].ends_with("40        54    135 %"),
        "{}",
        lines[2]
    );
    let rehab = lines.iter().find(|l| l.starts_with("BVPHCN")).unwrap();
    assert!(
        rehab.contains("Đảng bộ Bệnh viện Phục hồi chức năng tỉnh")
            && rehab.ends_with("11        12    109 %"),
        "{rehab}"
    );
    // Aligned: every percent column ends at the same display column.
    let width = |s: &str| s.chars().count();
    assert!(
        lines[2..].iter().all(|l| width(l) == width(lines[2])),
        "{table}"
    );

    let json = stdout(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2020-2025",
            "--format",
            "json",
        ],
        None,
        &[("RANKS_DATABASE_URL", &url)],
    ));
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&json).unwrap();
    assert_eq!(rows.len(), 1 + 10 + 28);
    assert_eq!(rows[0]["code"], "DBSYT");
    assert_eq!(rows[0]["percent"], 135.0);
    for r in &rows {
        let mut keys: Vec<&str> = r.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["admitted", "code", "name", "percent", "target"]);
    }
    let rehab = rows.iter().find(|r| r["code"] == "BVPHCN").unwrap();
    assert!((rehab["percent"].as_f64().unwrap() - 109.0909).abs() < 1e-4);
    assert!(rows
        .iter()
        .filter(|r| r["target"].is_null())
        .all(|r| r["percent"].is_null()));

    // The API serves the same rows as the CLI.
    let app = db.app().await;
    let report = app
        .achievement(&ranks_app::Actor::system(), None, "2020-2025", None)
        .await
        .unwrap();
    let api: Vec<ranks_web::api::AchievementJson> = report.rows.iter().map(Into::into).collect();
    let cli: Vec<ranks_web::api::AchievementJson> = serde_json::from_str(&json).unwrap();
    assert_eq!(api, cli);

    let csv = stdout(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2020-2025",
            "--org",
            "bvphcn",
            "--format",
            "csv",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(csv.starts_with("\u{feff}code,name,target,admitted,percent\n"));
    assert!(
        csv.contains("BVPHCN,Đảng bộ Bệnh viện Phục hồi chức năng tỉnh,11,12,109.09"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 4);

    let err = one_line_error(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2020-2025",
            "--org",
            "NOPE",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert_eq!(err, "error: unknown unit: NOPE");
    let err = one_line_error(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2040-2045",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert_eq!(err, "error: unknown term: 2040-2045");
    let err = one_line_error(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "sometime",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("term: 'sometime' is not valid"), "{err}");
}

both_backends!(demo_and_reports);

#[test]
fn default_database_is_ranks_db_in_the_current_directory() {
    let dir = tempfile_dir();
    stdout(&ranks(&["demo"], Some(dir.path()), &[]));
    assert!(dir.path().join("ranks.db").exists());
    let out = stdout(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2020-2025",
            "--org",
            "BVPHCN",
            "--depth",
            "0",
        ],
        Some(dir.path()),
        &[],
    ));
    assert!(out.contains("109 %"), "{out}");
    let cfg = stdout(&ranks(&["config"], Some(dir.path()), &[]));
    assert!(
        cfg.contains("database = \"ranks.db\"") && cfg.contains("listen = \"127.0.0.1:8080\""),
        "{cfg}"
    );
    // A ranks.toml is read; the environment wins over it; a flag wins over both.
    std::fs::write(
        dir.path().join("ranks.toml"),
        "database = \"other.db\"\nlisten = \"127.0.0.1:9999\"\n",
    )
    .unwrap();
    let cfg = stdout(&ranks(&["config"], Some(dir.path()), &[]));
    assert!(
        cfg.contains("database = \"other.db\"") && cfg.contains("127.0.0.1:9999"),
        "{cfg}"
    );
    let cfg = stdout(&ranks(
        &["config"],
        Some(dir.path()),
        &[("RANKS_DATABASE_URL", "env.db")],
    ));
    assert!(cfg.contains("database = \"env.db\""), "{cfg}");
    let cfg = stdout(&ranks(
        &["config", "--database", "flag.db"],
        Some(dir.path()),
        &[("RANKS_DATABASE_URL", "env.db")],
    ));
    assert!(cfg.contains("database = \"flag.db\""), "{cfg}");
    std::fs::write(dir.path().join("ranks.toml"), "databse = \"typo.db\"\n").unwrap();
    let err = one_line_error(&ranks(&["config"], Some(dir.path()), &[]));
    assert!(
        err.contains("ranks.toml") && err.contains("databse"),
        "{err}"
    );
}

#[test]
fn bad_database_urls_get_a_clear_message() {
    let err = one_line_error(&ranks(
        &[
            "report",
            "achievement",
            "--term",
            "2020-2025",
            "--database",
            "mysql://x/y",
        ],
        None,
        &[],
    ));
    assert!(
        err.contains("'mysql://x/y' is not understood") && err.contains("mysql"),
        "{err}"
    );
    let err = one_line_error(&ranks(
        &["demo", "--database", "postgres://u@127.0.0.1:1/none"],
        None,
        &[],
    ));
    assert!(
        err.starts_with("error: cannot open database postgres://u@127.0.0.1:1/none"),
        "{err}"
    );
    let err = one_line_error(&ranks(
        &[
            "demo",
            "--database",
            "postgres://u:secret@127.0.0.1:port/db",
        ],
        None,
        &[],
    ));
    assert!(err.contains("port") && !err.contains("secret"), "{err}");
    let err = one_line_error(&ranks(
        &["demo", "--database", "/no/such/directory/ranks.db"],
        None,
        &[],
    ));
    assert!(
        err.starts_with("error: cannot open database sqlite:///no/such/directory/ranks.db"),
        "{err}"
    );
}

fn tempfile_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}
