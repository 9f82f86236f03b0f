//! `ranks privacy`: the retention rule on the demo (people never admitted,
//! withdrawn long ago), the audit verified afterwards by `ranks audit
//! verify`, and a person's export written to a private file.

use super::ok;
use ranks_testkit::{both_backends, TestDb};
use std::process::{Command, Output};

fn ranks(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(args)
        .env_remove("RANKS_CONFIG")
        .env("RANKS_DATABASE_URL", url)
        .output()
        .expect("run ranks")
}

/// The person ids of the lines starting with `word`.
fn people(out: &str, word: &str) -> Vec<i64> {
    out.lines()
        .filter(|l| l.starts_with(word))
        .map(|l| {
            l.split_whitespace()
                .nth(2)
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{l}"))
        })
        .collect()
}

async fn retention_on_the_demo_and_the_audit_verifies(db: TestDb) {
    let url = db.url_string();
    ok(&ranks(&url, &["demo"]));
    let dry = ok(&ranks(&url, &["privacy", "retention", "--dry-run"]));
    let due = people(&dry, "due");
    assert!(due.len() >= 5, "{dry}");
    assert!(dry.contains("nothing erased (--dry-run)"), "{dry}");
    let first = due[0];
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.json");
    ok(&ranks(
        &url,
        &[
            "privacy",
            "export",
            &first.to_string(),
            "--out",
            before.to_str().unwrap(),
        ],
    ));
    let x: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&before).unwrap()).unwrap();
    let name = x["person"]["full_name"].as_str().unwrap().to_string();
    assert!(!name.starts_with("[đã xóa]"), "{name}");
    assert_eq!(x["candidate_files"][0]["stage"], "withdrawn");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&before).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let run = ok(&ranks(&url, &["privacy", "retention"]));
    assert_eq!(people(&run, "erased"), due, "{run}");
    // On SQLite not even the file's bytes hold the name any more: deleted
    // content is zeroed and the write-ahead log emptied after the run.
    if let Some(path) = url.strip_prefix("sqlite://") {
        let needle = name.as_bytes();
        for file in [path.to_string(), format!("{path}-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{name} still in the bytes of {file}"
            );
        }
    }
    let verified = ok(&ranks(&url, &["audit", "verify"]));
    assert!(verified.starts_with("audit log verified"), "{verified}");
    assert!(verified.contains("redacted by an erasure"), "{verified}");
    let after = ok(&ranks(&url, &["privacy", "export", &first.to_string()]));
    let x: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert!(x["person"]["full_name"]
        .as_str()
        .unwrap()
        .starts_with("[đã xóa]"));
    assert_eq!(x["erased"]["ground"], "retention");
    assert!(!after.contains(&name), "{after}");
    let again = ok(&ranks(&url, &["privacy", "retention", "--dry-run"]));
    assert!(people(&again, "due").is_empty(), "{again}");
    // A person who is a member is not erased on request.
    let err = ranks(&url, &["privacy", "erase", "1"]);
    assert!(!err.status.success());
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("cannot be erased"),
        "{}",
        String::from_utf8_lossy(&err.stderr)
    );
}

both_backends!(retention_on_the_demo_and_the_audit_verifies);
