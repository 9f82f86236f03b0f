//! `ranks gen`: the synthetic national organisation, run as a user runs it;
//! its files read back for their shape, and imported into a fresh database.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};

fn ranks(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .output()
        .expect("run ranks")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn gen(dir: &Path, members: &str, seed: &str) {
    let text = ok(&ranks(&[
        "gen",
        "--members",
        members,
        "--seed",
        seed,
        "--out",
        dir.to_str().unwrap(),
    ]));
    for file in ["units.csv", "members.csv", "candidates.csv", "targets.csv"] {
        assert!(text.contains(file), "{text}");
    }
    assert!(text.contains("rows/s"), "{text}");
}

const FILES: [&str; 4] = ["units.csv", "members.csv", "candidates.csv", "targets.csv"];

/// A CSV file's rows as maps from column to value (fields in quotes may
/// hold `;`, never `,`).
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            let fields: Vec<&str> = l.split(',').collect();
            assert_eq!(fields.len(), header.len(), "{l}");
            header
                .iter()
                .cloned()
                .zip(fields.iter().map(|f| f.trim_matches('"').to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_same_seed_writes_the_same_bytes_and_another_seed_differs() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    gen(a.path(), "20000", "7");
    gen(b.path(), "20000", "7");
    gen(c.path(), "20000", "8");
    for f in FILES {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        let z = std::fs::read(c.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between two runs with seed 7");
        assert!(x != z, "{f} is the same for seeds 7 and 8");
    }
}

#[test]
fn a_small_organisation_has_the_national_shape() {
    let dir = tempfile::tempdir().unwrap();
    gen(dir.path(), "20000", "7");

    let units = rows(&dir.path().join("units.csv"));
    let mut kinds: HashMap<String, String> = HashMap::new();
    for u in &units {
        let parent = &u["parent"];
        if u["kind"] == "central" {
            assert_eq!(parent, "");
        } else {
            assert!(
                kinds.contains_key(parent),
                "{}: parent {parent} not listed before it",
                u["code"]
            );
        }
        assert!(
            kinds.insert(u["code"].clone(), u["kind"].clone()).is_none(),
            "{} twice",
            u["code"]
        );
        assert!(u["code"].len() <= 40);
    }
    let count = |k: &str| kinds.values().filter(|v| *v == k).count();
    assert_eq!(count("central"), 1);
    assert_eq!(count("provincial"), 34);
    assert!(count("superior") >= 34);
    assert!(count("grassroots_committee") >= count("superior"));
    assert!(count("cell") >= 2 * count("grassroots_committee"));
    // 20,000 of 5.6 million: about 186 grassroots committees and 929 cells.
    assert!((150..=220).contains(&count("grassroots_committee")));
    assert!((800..=1100).contains(&count("cell")));

    let members = rows(&dir.path().join("members.csv"));
    assert_eq!(members.len(), 20_000);
    let mut ids = HashSet::new();
    let (mut recent, mut probationary) = (0, 0);
    for m in &members {
        assert_eq!(
            kinds.get(&m["unit"]).map(String::as_str),
            Some("cell"),
            "{m:?}"
        );
        let id = &m["id_number"];
        assert!(
            id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
        assert!(ids.insert(id.clone()), "{id} twice");
        assert!(m["phone"].starts_with('0') && m["phone"].len() == 10);
        assert!(m["full_name"].split(' ').count() >= 3, "{m:?}");
        let admitted = m["admitted_on"].as_str();
        assert!(m["birth_date"].as_str() < admitted);
        let age =
            admitted[..4].parse::<i32>().unwrap() - m["birth_date"][..4].parse::<i32>().unwrap();
        assert!((18..=46).contains(&age), "{m:?}");
        if ("2020-01-01".."2026-01-01").contains(&admitted) {
            recent += 1;
        }
        assert!(("1960-01-01".."2026-01-01").contains(&admitted), "{m:?}");
        match m["status"].as_str() {
            "probationary" => {
                probationary += 1;
                assert!(admitted > "2024-12-31", "{m:?}");
                assert_eq!(m["official_on"], "");
            }
            "official" => {
                assert!(admitted <= "2024-12-31", "{m:?}");
                let year = admitted[..4].parse::<i32>().unwrap() + 1;
                assert_eq!(m["official_on"][..4], year.to_string());
                // 12 months later: the same day, or 28 February after a 29th.
                let same = if &admitted[4..] == "-02-29" {
                    "-02-28"
                } else {
                    &admitted[4..]
                };
                assert_eq!(&m["official_on"][4..], same, "{m:?}");
            }
            other => panic!("status {other}"),
        }
    }
    let share = recent as f64 / members.len() as f64;
    assert!(
        (0.15..=0.25).contains(&share),
        "{share} admitted in 2020-2025"
    );
    assert!(probationary > 0);
    assert!(ids.iter().any(|id| id.starts_with('0')));

    let candidates = rows(&dir.path().join("candidates.csv"));
    // 250,000 × 20,000 / 5.6 million.
    assert!(
        (850..=930).contains(&candidates.len()),
        "{}",
        candidates.len()
    );
    let mut at: HashMap<String, usize> = HashMap::new();
    for c in &candidates {
        assert_eq!(kinds.get(&c["cell"]).map(String::as_str), Some("cell"));
        assert!(
            ids.insert(c["id_number"].clone()),
            "{} twice",
            c["id_number"]
        );
        let history: Vec<(&str, &str)> = c["history"]
            .split(';')
            .map(|i| i.split_once(':').unwrap())
            .collect();
        assert_eq!(history[0].0, "pool");
        assert_eq!(
            *history.last().unwrap(),
            (c["stage"].as_str(), c["since"].as_str())
        );
        assert!(history.windows(2).all(|w| w[0].1 <= w[1].1), "{c:?}");
        assert!(c["birth_date"].as_str() < history[0].1);
        *at.entry(c["stage"].clone()).or_default() += 1;
    }
    assert!(at["pool"] > at["grassroots_vote"], "{at:?}");
    assert!(!at.contains_key("decision") && !at.contains_key("ceremony"));

    let targets = rows(&dir.path().join("targets.csv"));
    let expected = 2 * (34 + count("superior") + count("grassroots_committee"));
    assert_eq!(targets.len(), expected);
    for t in &targets {
        assert!(matches!(
            kinds[&t["unit"]].as_str(),
            "provincial" | "superior" | "grassroots_committee"
        ));
        assert!(["2020-2025", "2025-2030"].contains(&t["period"].as_str()));
        assert!(t["target"].parse::<u32>().unwrap() >= 1);
    }
}

#[test]
fn the_small_set_imports_into_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    gen(dir.path(), "3000", "1");
    let db = format!("sqlite://{}", dir.path().join("ranks.db").display());
    for (file, kind) in [
        ("units.csv", "units"),
        ("members.csv", "members"),
        ("candidates.csv", "candidates"),
        ("targets.csv", "targets"),
    ] {
        let path = dir.path().join(file);
        let text = ok(&ranks(&[
            "--database",
            &db,
            "import",
            path.to_str().unwrap(),
        ]));
        assert!(text.contains(&format!(" {kind} written")), "{text}");
    }
    let json = ok(&ranks(&[
        "--database",
        &db,
        "report",
        "achievement",
        "--term",
        "2020-2025",
        "--depth",
        "1",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v
        .as_array()
        .or_else(|| v["rows"].as_array())
        .expect("a list of rows");
    let provinces: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| {
            r["code"]
                .as_str()
                .is_some_and(|c| c.len() == 3 && c.starts_with('P'))
        })
        .collect();
    assert_eq!(provinces.len(), 34, "{json}");
    assert!(
        provinces
            .iter()
            .all(|p| p["target"].as_u64().is_some_and(|t| t >= 1)),
        "{json}"
    );
    assert!(
        provinces
            .iter()
            .any(|p| p["admitted"].as_u64().is_some_and(|a| a > 0)),
        "{json}"
    );
}
