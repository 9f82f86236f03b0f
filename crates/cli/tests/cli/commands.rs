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

async fn pipeline_commands(db: TestDb) {
    let url = db.url_string();
    stdout(&ranks(&["demo", "--database", &url], None, &[]));
    // A new candidate in a cell's pool, from a movement.
    let out = stdout(&ranks(
        &[
            "candidate",
            "add",
            "--cell",
            "bvphcn.cb1",
            "--name",
            "Hoàng Thị Mai",
            "--birth",
            "2001-03-04",
            "--movement",
            "TTTRE",
            "--date",
            "2026-11-02",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let id: i64 = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(out.contains("BVPHCN.CB1"), "{out}");
    // Skipping ahead is refused with the rule and its source; nothing written.
    let err = one_line_error(&ranks(
        &[
            "candidate",
            "step",
            &id.to_string(),
            "course",
            "--date",
            "2026-11-10",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(
        err.contains("'sympathiser' is required before 'course'") && err.contains("rule sequence"),
        "{err}"
    );
    let err = one_line_error(&ranks(
        &[
            "candidate",
            "step",
            &id.to_string(),
            "sympathiser",
            "--date",
            "2026-11-10",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(
        err.contains("NQ-GIUPDO") && err.contains("rule documents"),
        "{err}"
    );
    stdout(&ranks(
        &[
            "candidate",
            "doc",
            &id.to_string(),
            "NQ-GIUPDO",
            "--date",
            "2026-11-09",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let err = one_line_error(&ranks(
        &[
            "candidate",
            "step",
            &id.to_string(),
            "sympathiser",
            "--date",
            "2026-11-10",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("rule mentors"), "{err}");
    let file: serde_json::Value = serde_json::from_str(&stdout(&ranks(
        &[
            "candidate",
            "show",
            "1",
            "--format",
            "json",
            "--database",
            &url,
        ],
        None,
        &[],
    )))
    .unwrap();
    let mentor_candidates = file["history"].as_array().unwrap().len();
    assert!(mentor_candidates > 3);
    // An official member of the cell mentors her.
    let members = app_members(&db, "BVPHCN.CB1").await;
    stdout(&ranks(
        &[
            "candidate",
            "mentor",
            &id.to_string(),
            "--member",
            &members.to_string(),
            "--date",
            "2026-11-09",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    stdout(&ranks(
        &[
            "candidate",
            "step",
            &id.to_string(),
            "sympathiser",
            "--date",
            "2026-11-10",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let show = stdout(&ranks(
        &["candidate", "show", &id.to_string(), "--database", &url],
        None,
        &[],
    ));
    assert!(
        show.contains("Hoàng Thị Mai")
            && show.contains("sympathiser")
            && show.contains("NQ-GIUPDO"),
        "{show}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&ranks(
        &[
            "candidate",
            "show",
            &id.to_string(),
            "--format",
            "json",
            "--database",
            &url,
        ],
        None,
        &[],
    )))
    .unwrap();
    assert_eq!(json["stage"], "sympathiser");
    assert_eq!(json["history"].as_array().unwrap().len(), 2);
    // A date after today is refused.
    let err = one_line_error(&ranks(
        &[
            "candidate",
            "doc",
            &id.to_string(),
            "CN-NTVĐ",
            "--date",
            "2099-01-01",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.starts_with("error: date: '2099-01-01'"), "{err}");

    // The introducers' routes: a unit's organisations, the candidate's
    // memberships, the Youth Union's resolution with its form 4-KNĐ.
    let unit = stdout(&ranks(
        &["unit", "show", "BVPHCN.CB1", "--database", &url],
        None,
        &[],
    ));
    assert!(
        unit.contains("Youth Union organisation yes, trade union yes"),
        "{unit}"
    );
    let unit = stdout(&ranks(
        &[
            "unit",
            "set",
            "BVPHCN.CB1",
            "--trade-union",
            "no",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(
        unit.contains("Youth Union organisation yes, trade union no"),
        "{unit}"
    );
    let bad = ranks(
        &[
            "unit",
            "set",
            "BVPHCN.CB1",
            "--youth-union",
            "maybe",
            "--database",
            &url,
        ],
        None,
        &[],
    );
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && err.contains("'maybe' is not yes or no"),
        "{err}"
    );
    let out = stdout(&ranks(
        &[
            "candidate",
            "memberships",
            &id.to_string(),
            "--youth-union",
            "yes",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(
        out.contains("Youth Union member yes, trade-union member no"),
        "{out}"
    );
    stdout(&ranks(
        &[
            "candidate",
            "introducer",
            &id.to_string(),
            "--youth-union",
            "--date",
            "2026-11-10",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let json: serde_json::Value = serde_json::from_str(&stdout(&ranks(
        &[
            "candidate",
            "show",
            &id.to_string(),
            "--format",
            "json",
            "--database",
            &url,
        ],
        None,
        &[],
    )))
    .unwrap();
    assert_eq!(json["memberships"], serde_json::json!([true, false]));
    assert_eq!(json["unit_organisations"], serde_json::json!([true, false]));
    assert!(
        json["documents"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["4-KNĐ", "2026-11-10"])),
        "{json}"
    );

    // Deadlines: the demo's overdue items come first and name who they escalate to.
    let due = stdout(&ranks(
        &["due", "--within", "10", "--database", &url],
        None,
        &[],
    ));
    let lines: Vec<&str> = due.lines().collect();
    assert!(
        lines[2].contains("OVERDUE") && lines[2].contains("certificate_expiry"),
        "{due}"
    );
    let page: serde_json::Value = serde_json::from_str(&stdout(&ranks(
        &[
            "due",
            "--org",
            "CDC",
            "--format",
            "json",
            "--database",
            &url,
        ],
        None,
        &[],
    )))
    .unwrap();
    let json = page["rows"].as_array().unwrap();
    assert_eq!(
        page["total"].as_u64().unwrap() as usize,
        json.len(),
        "{page}"
    );
    assert!(json
        .iter()
        .all(|r| r["unit"].as_str().unwrap().starts_with("CDC")));
    assert!(json
        .iter()
        .any(|r| r["overdue"] == true && !r["escalated_to"].as_array().unwrap().is_empty()));

    // The forecast: the columns, one row per unit, the committee first.
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&stdout(&ranks(
            &[
                "forecast",
                "--term",
                "2025-2030",
                "--format",
                "json",
                "--database",
                &url,
            ],
            None,
            &[],
        )))
        .unwrap();
    assert_eq!(rows[0]["code"], "DBSYT");
    for k in [
        "code", "target", "admitted", "expected", "low", "high", "at_risk",
    ] {
        assert!(rows.iter().all(|r| r.contains_key(k)), "{k}");
    }
    let table = stdout(&ranks(
        &[
            "forecast",
            "--term",
            "2025-2030",
            "--org",
            "BVSN",
            "--explain",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(
        table.contains("80 % interval") && table.contains("  · "),
        "{table}"
    );

    // Year-end evaluation: scores entered, graded by the profile's bands.
    for (k, v) in [
        ("political_tasks", "29"),
        ("party_building", "24"),
        ("organisation_cadres", "14"),
        ("inspection", "10"),
    ] {
        stdout(&ranks(
            &[
                "score",
                "--org",
                "BVPHCN",
                "--year",
                "2025",
                "--criterion",
                k,
                "--score",
                v,
                "--database",
                &url,
            ],
            None,
            &[],
        ));
    }
    let err = one_line_error(&ranks(
        &[
            "score",
            "--org",
            "BVPHCN",
            "--year",
            "2025",
            "--criterion",
            "inspection",
            "--score",
            "-1",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("score: '-1'"), "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&ranks(
        &[
            "evaluate",
            "--year",
            "2025",
            "--format",
            "json",
            "--database",
            &url,
        ],
        None,
        &[],
    )))
    .unwrap();
    let rehab = rows.iter().find(|r| r["code"] == "BVPHCN").unwrap();
    for k in ["code", "name", "score", "grade"] {
        assert!(rehab.get(k).is_some(), "{k}");
    }
    let auto = rehab["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["auto"] == true)
        .unwrap()["score"]
        .as_f64()
        .unwrap();
    assert!(
        (rehab["score"].as_f64().unwrap() - (77.0 + auto)).abs() < 0.01,
        "{rehab}"
    );
    assert_eq!(
        rehab["grade"],
        if 77.0 + auto >= 90.0 {
            "excellent"
        } else {
            "good"
        }
    );

    // Member movements.
    let err = one_line_error(&ranks(
        &[
            "member",
            "card",
            &members.to_string(),
            "--number",
            "",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("number"), "{err}");
    stdout(&ranks(
        &[
            "member",
            "card",
            &members.to_string(),
            "--number",
            "0123456",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    stdout(&ranks(
        &[
            "member",
            "exempt",
            &members.to_string(),
            "--level",
            "partial",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    // Removed, then the ground of leaving re-admission judges.
    stdout(&ranks(
        &["member", "remove", &members.to_string(), "--database", &url],
        None,
        &[],
    ));
    let err = one_line_error(&ranks(
        &[
            "member",
            "exit-ground",
            &members.to_string(),
            "--ground",
            "laziness",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("abandoned_activities"), "{err}");
    let out = stdout(&ranks(
        &[
            "member",
            "exit-ground",
            &members.to_string(),
            "--ground",
            "minor_crime_conviction",
            "--record-cleared",
            "2025-01-06",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(out.contains("ground of leaving recorded"), "{out}");

    // The calendar: one day per line starting with the ISO date, marked with
    // its source; 2026 comes from the announced schedule, with its working
    // Saturdays; a year without one from the Labour Code's rule; overrides recorded.
    let cal = stdout(&ranks(
        &["calendar", "show", "2026", "--database", &url],
        None,
        &[],
    ));
    assert!(
        cal.lines()
            .filter(|l| !l.starts_with('#'))
            .all(|l| ranks_domain::parse_date("d", &l[..10]).is_ok()),
        "{cal}"
    );
    assert!(
        cal.starts_with("# 2026: the government's announced schedule (")
            && cal.contains("2026-02-17  Tết Nguyên đán  [announced: Thông báo 9441/TB-BNV")
            && cal.contains("2026-04-27  Giỗ Tổ Hùng Vương")
            && cal.contains("# working Saturdays:\n2026-01-10  ")
            && cal.contains("2026-08-22  Làm bù cho thứ Hai 31/8  [announced"),
        "{cal}"
    );
    let cal2027 = stdout(&ranks(
        &["calendar", "show", "2027", "--database", &url],
        None,
        &[],
    ));
    assert!(
        cal2027.starts_with("# 2027: no announced schedule shipped")
            && cal2027.contains("[law: Bộ luật Lao động 2019, Điều 112 khoản 1]")
            && cal2027.contains("# working Saturdays: none"),
        "{cal2027}"
    );
    stdout(&ranks(
        &[
            "calendar",
            "set",
            "2026",
            "--off",
            "2026-12-31=Nghỉ thử",
            "--working",
            "2026-12-26",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let cal = stdout(&ranks(
        &["calendar", "show", "2026", "--database", &url],
        None,
        &[],
    ));
    assert!(
        cal.contains("2026-12-31  Nghỉ thử  [set locally]")
            && cal.contains("2026-12-26  Ngày làm việc (do đơn vị ghi)  [set locally]")
            && cal.contains("2026-02-17  Tết Nguyên đán  [announced"),
        "{cal}"
    );
    let err = one_line_error(&ranks(
        &[
            "calendar",
            "set",
            "2026",
            "--working",
            "2026-12-28",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("working_days: '2026-12-28'"), "{err}");
}

async fn app_members(db: &TestDb, cell: &str) -> i64 {
    let app = db.app().await;
    let page = app
        .unit_page(&ranks_app::Actor::system(), cell, None)
        .await
        .unwrap();
    let m = page
        .members
        .iter()
        .find(|m| m.status == ranks_domain::MemberStatus::Official)
        .unwrap();
    m.id
}

/// Correcting a mistake and the duplicate warning from the command line
/// (issue 15).
async fn correction_commands(db: TestDb) {
    let url = db.url_string();
    stdout(&ranks(&["demo", "--database", &url], None, &[]));
    let add = |name: &str, confirm: bool| {
        let mut args = vec![
            "candidate",
            "add",
            "--cell",
            "bvphcn.cb1",
            "--name",
            name,
            "--birth",
            "2001-03-04",
            "--date",
            "2026-11-02",
            "--database",
            &url,
        ];
        if confirm {
            args.push("--confirm-duplicate");
        }
        ranks(&args, None, &[])
    };
    let out = stdout(&add("Hoàng Thị Mai", false));
    let id: i64 = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    let err = one_line_error(&add("HOANG THI MAI", false));
    assert!(
        err.contains("probably already registered: Hoàng Thị Mai")
            && err.contains(&format!("candidate {id}"))
            && err.contains("--confirm-duplicate"),
        "{err}"
    );
    stdout(&add("HOANG THI MAI", true));
    let id = id.to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["candidate"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database", &url]);
        ranks(&all, None, &[])
    };
    stdout(&run(&["doc", &id, "NQ-GIUPDO", "--date", "2026-11-09"]));
    let out = stdout(&run(&[
        "correct",
        &id,
        "document",
        "NQ-GIUPDO",
        "--date",
        "2026-11-05",
        "--reason",
        "ngày ký",
    ]));
    assert!(out.contains("corrected"), "{out}");
    // A reason is required.
    assert!(!run(&["withdraw", &id, "document", "NQ-GIUPDO"])
        .status
        .success());
    let out = stdout(&run(&[
        "withdraw",
        &id,
        "document",
        "NQ-GIUPDO",
        "--reason",
        "ghi nhầm",
    ]));
    assert!(out.contains("withdrawn"), "{out}");
    let show = stdout(&run(&["show", &id]));
    assert!(
        show.contains("document withdrawn") && show.contains("ghi nhầm"),
        "{show}"
    );
    assert!(
        show.contains("document corrected") && show.contains("ngày ký"),
        "{show}"
    );
    let err = one_line_error(&run(&["withdraw", &id, "step", "pool", "--reason", "x"]));
    assert!(err.contains("first step"), "{err}");
    // The latest step's date is corrected in place, judged again.
    let out = stdout(&run(&[
        "correct",
        &id,
        "step",
        "pool",
        "--date",
        "2026-11-03",
        "--reason",
        "ngày của nghị quyết",
    ]));
    assert!(out.contains("corrected"), "{out}");
    let show = stdout(&run(&["show", &id]));
    assert!(show.contains("ngày của nghị quyết"), "{show}");
    let err = one_line_error(&run(&["correct", &id, "step", "pool", "--reason", "x"]));
    assert!(err.contains("date"), "{err}");
}

both_backends!(
    member_export_streams_with_progress,
    demo_and_reports,
    pipeline_commands,
    correction_commands,
    transfer_files
);

#[test]
fn a_broken_profile_stops_the_program_with_line_numbers() {
    let dir = tempfile_dir();
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../profiles/cpv.toml"
    ))
    .unwrap();
    let bad = good.replacen("kind = \"age\"", "kind = \"height\"", 1);
    let line = bad.lines().position(|l| l.contains("\"height\"")).unwrap() + 1;
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let p = path.to_str().unwrap();
    for args in [
        vec!["serve", "--profile", p],
        vec!["demo", "--profile", p],
        vec!["profile", "check", p],
    ] {
        let err = one_line_error(&ranks(&args, Some(dir.path()), &[]));
        // The line of the gate's [[gates]] header, two above its `kind`.
        assert!(
            err.contains("is invalid") && err.contains(&format!("line {}:", line - 2)),
            "{err}"
        );
        assert!(err.contains("height"), "{err}");
    }
    assert!(
        !dir.path().join("ranks.db").exists(),
        "nothing started on a broken profile"
    );
    let ok = stdout(&ranks(
        &[
            "profile",
            "check",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../profiles/cpv.toml"),
        ],
        Some(dir.path()),
        &[],
    ));
    assert!(ok.contains("is valid"));
    let rules = stdout(&ranks(&["profile", "rules"], Some(dir.path()), &[]));
    assert!(
        rules.contains("gate cell_vote_two_thirds: Điều lệ Đảng"),
        "{rules}"
    );
    assert!(rules.contains("[unconfirmed]"));
    // Each rule is followed by the passage it rests on, or "inferred".
    let lines: Vec<&str> = rules.lines().collect();
    assert!(lines.len().is_multiple_of(2), "{rules}");
    for pair in lines.chunks(2) {
        assert!(
            pair[1] == "    inferred" || pair[1].starts_with("    \""),
            "{pair:?}"
        );
    }
    assert!(
        rules.contains("deadline ceremony_after_decision: Quy định 294-QĐ/TW ngày 26/5/2025 về thi hành Điều lệ Đảng, mục 4.1")
            && rules.contains("kể từ ngày nhận được quyết định kết nạp"),
        "{rules}"
    );
}

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
fn users_are_added_with_a_password_from_stdin() {
    use std::io::Write;
    let dir = tempfile_dir();
    stdout(&ranks(&["demo"], Some(dir.path()), &[]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args([
            "user",
            "add",
            "--username",
            "CanBo.CDC",
            "--role",
            "staff",
            "--org",
            "CDC",
            "--password-stdin",
        ])
        .current_dir(dir.path())
        .env_remove("RANKS_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("mật khẩu mới 2026\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = stdout(&ranks(&["user", "list"], Some(dir.path()), &[]));
    assert!(
        list.contains("canbo.cdc") && list.contains("staff"),
        "{list}"
    );
    let err = one_line_error(&ranks(
        &[
            "user",
            "add",
            "--username",
            "x",
            "--role",
            "chief",
            "--password-stdin",
        ],
        Some(dir.path()),
        &[],
    ));
    assert!(err.contains("role: 'chief'"), "{err}");
}

/// The cookie settings go through defaults, file, environment and flags like
/// the others; a bad value stops with its name. `user disable` and `enable`.
#[test]
fn cookie_settings_and_disabling_users() {
    use std::io::Write;
    let dir = tempfile_dir();
    let cfg = stdout(&ranks(&["config"], Some(dir.path()), &[]));
    assert!(
        cfg.contains("cookie_secure = \"auto\"") && cfg.contains("trust_proxy = false"),
        "{cfg}"
    );
    std::fs::write(
        dir.path().join("ranks.toml"),
        "cookie_secure = \"always\"\ntrust_proxy = true\n",
    )
    .unwrap();
    let cfg = stdout(&ranks(&["config"], Some(dir.path()), &[]));
    assert!(
        cfg.contains("cookie_secure = \"always\"") && cfg.contains("trust_proxy = true"),
        "{cfg}"
    );
    let cfg = stdout(&ranks(
        &["config"],
        Some(dir.path()),
        &[
            ("RANKS_COOKIE_SECURE", "never"),
            ("RANKS_TRUST_PROXY", "false"),
        ],
    ));
    assert!(
        cfg.contains("cookie_secure = \"never\"") && cfg.contains("trust_proxy = false"),
        "{cfg}"
    );
    let err = one_line_error(&ranks(
        &["config"],
        Some(dir.path()),
        &[("RANKS_COOKIE_SECURE", "sometimes")],
    ));
    assert!(err.contains("cookie_secure: 'sometimes'"), "{err}");
    std::fs::remove_file(dir.path().join("ranks.toml")).unwrap();

    stdout(&ranks(&["demo"], Some(dir.path()), &[]));
    let add = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ranks"))
            .args([
                "user",
                "add",
                "--username",
                "xem",
                "--role",
                "viewer",
                "--org",
                "CDC",
                "--password-stdin",
            ])
            .current_dir(dir.path())
            .env_remove("RANKS_DATABASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let err = one_line_error(&add("matkhau123456"));
    assert!(err.contains("commonly used passwords"), "{err}");
    stdout(&add("một mật khẩu đủ dài"));
    let out = stdout(&ranks(&["user", "disable", "xem"], Some(dir.path()), &[]));
    assert!(out.contains("disabled"), "{out}");
    let list = stdout(&ranks(&["user", "list"], Some(dir.path()), &[]));
    assert!(
        list.lines()
            .any(|l| l.starts_with("xem") && l.contains("disabled")),
        "{list}"
    );
    stdout(&ranks(&["user", "enable", "xem"], Some(dir.path()), &[]));
    let list = stdout(&ranks(&["user", "list"], Some(dir.path()), &[]));
    assert!(!list.contains("disabled"), "{list}");
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

/// Issue 16: `report members` streams a subtree's members to a file (CSV or
/// XLSX) with a progress counter on stderr.
async fn member_export_streams_with_progress(db: TestDb) {
    let url = db.url_string();
    stdout(&ranks(&["demo", "--database", &url], None, &[]));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("m.csv");
    let o = ranks(
        &[
            "report",
            "members",
            "--org",
            "DBSYT",
            "--output",
            csv.to_str().unwrap(),
            "--database",
            &url,
        ],
        None,
        &[],
    );
    let said = stdout(&o);
    assert_eq!(
        said.trim(),
        format!("328 members written to {}", csv.display())
    );
    let progress = String::from_utf8(o.stderr).unwrap();
    assert!(
        progress.contains("members: 328 / 328 (100 %)"),
        "{progress}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}name,birth_date,gender,unit,"));
    assert_eq!(text.lines().count(), 1 + 328);
    let xlsx = dir.path().join("m.xlsx");
    let o = ranks(
        &[
            "report",
            "members",
            "--q",
            "nguyen",
            "--format",
            "xlsx",
            "--output",
            xlsx.to_str().unwrap(),
            "--database",
            &url,
        ],
        None,
        &[],
    );
    let said = stdout(&o);
    let n: usize = said.split(' ').next().unwrap().parse().unwrap();
    assert!(n > 0 && n < 328, "{said}");
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK");
}

/// A transfer file from the command line (issue 17, part 4): started,
/// shown with its deadlines, received and registered; the count moves at
/// registration only.
async fn transfer_files(db: TestDb) {
    let url = db.url_string();
    stdout(&ranks(&["demo", "--database", &url], None, &[]));
    let member = app_members(&db, "BVPHCN.CB1").await;
    let count = |code: &'static str| {
        let db = &db;
        async move {
            db.app()
                .await
                .member_count(&ranks_app::Actor::system(), Some(code))
                .await
                .unwrap()
        }
    };
    let (home, away) = (count("BVPHCN.CB1").await, count("BVSN.CB1").await);
    let err = one_line_error(&ranks(
        &[
            "member",
            "file",
            "start",
            &member.to_string(),
            "--to",
            "BVSN.CB1",
            "--doc",
            "nope",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    assert!(err.contains("documents"), "{err}");
    let sent = stdout(&ranks(
        &[
            "member",
            "file",
            "start",
            &member.to_string(),
            "--to",
            "BVSN.CB1",
            "--sent-on",
            "2026-11-02",
            "--doc",
            "letter",
            "--doc",
            "dossier",
            "--database",
            &url,
        ],
        None,
        &[],
    ));
    let id = sent
        .trim()
        .strip_prefix("transfer ")
        .and_then(|s| s.strip_suffix(": sent"))
        .unwrap_or_else(|| panic!("{sent}"))
        .to_string();
    let shown = stdout(&ranks(
        &["member", "file", "show", &id, "--database", &url],
        None,
        &[],
    ));
    assert!(shown.contains("— sent"), "{shown}");
    assert!(
        shown.contains("deadline present: 30 working days from 2026-11-02 → 2026-12-14 ("),
        "{shown}"
    );
    assert!(
        shown.contains("paper member_sheet: not handed over"),
        "{shown}"
    );
    for action in ["receive", "register"] {
        let mut args = vec!["member", "file", "answer", &id, action];
        if action == "receive" {
            args.extend(["--doc", "letter"]);
        }
        args.extend(["--database", &url]);
        assert_eq!(
            (count("BVPHCN.CB1").await, count("BVSN.CB1").await),
            (home, away),
            "{action}"
        );
        stdout(&ranks(&args, None, &[]));
    }
    assert_eq!(
        (count("BVPHCN.CB1").await, count("BVSN.CB1").await),
        (home - 1, away + 1)
    );
    let shown = stdout(&ranks(
        &["member", "file", "show", &id, "--database", &url],
        None,
        &[],
    ));
    assert!(shown.contains("— registered"), "{shown}");
    assert!(
        shown.contains("paper dossier: handed over NOT received"),
        "{shown}"
    );
}
