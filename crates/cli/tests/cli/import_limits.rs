//! The import limits as an operator sets them: ranks.toml's `[import]`,
//! then `RANKS_IMPORT_*`, then `--import-*`; a value out of range is
//! refused naming it; `ranks import` refuses a file over a limit in one line.

use std::path::Path;
use std::process::{Command, Output};

fn ranks(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ranks"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("RANKS_")) {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ranks")
}

fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let e = String::from_utf8_lossy(&o.stderr).trim_end().to_string();
    assert_eq!(e.lines().count(), 1, "{e}");
    e
}

#[test]
fn limits_from_file_environment_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = out(&ranks(&["config"], dir.path(), &[]));
    assert!(
        cfg.contains("[import]\nmax_upload_mb = 32\nmax_unpacked_mb = 256\nmax_rows = 200000\n"),
        "{cfg}"
    );
    std::fs::write(
        dir.path().join("ranks.toml"),
        "[import]\nmax_rows = 1000\nmax_running = 3\n",
    )
    .unwrap();
    let cfg = out(&ranks(&["config"], dir.path(), &[]));
    assert!(
        cfg.contains("max_rows = 1000\n") && cfg.contains("max_running = 3\n"),
        "{cfg}"
    );
    let env = [("RANKS_IMPORT_MAX_ROWS", "500")];
    let cfg = out(&ranks(&["config"], dir.path(), &env));
    assert!(
        cfg.contains("max_rows = 500\n") && cfg.contains("max_running = 3\n"),
        "{cfg}"
    );
    let cfg = out(&ranks(
        &["config", "--import-max-rows", "20"],
        dir.path(),
        &env,
    ));
    assert!(cfg.contains("max_rows = 20\n"), "{cfg}");
    let e = err(&ranks(
        &["config", "--import-max-running", "0"],
        dir.path(),
        &[],
    ));
    assert_eq!(e, "error: import.max_running: 0 is not between 1 and 64");
    std::fs::write(dir.path().join("ranks.toml"), "[import]\nmax_rowz = 3\n").unwrap();
    let e = err(&ranks(&["config"], dir.path(), &[]));
    assert!(e.contains("ranks.toml") && e.contains("max_rowz"), "{e}");
}

#[test]
fn an_import_over_a_limit_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    out(&ranks(&["demo"], dir.path(), &[]));
    let mut csv = String::from("code,name,kind,parent\n");
    for i in 0..30 {
        csv.push_str(&format!("X{i},Chi bộ {i},cell,BVDK\n"));
    }
    std::fs::write(dir.path().join("u.csv"), &csv).unwrap();
    let e = err(&ranks(
        &["import", "u.csv", "--dry-run"],
        dir.path(),
        &[("RANKS_IMPORT_MAX_ROWS", "20")],
    ));
    assert_eq!(
        e,
        "error: the file: row 22 is past the limit of 20 rows under the header (import.max_rows); split the file"
    );
    let ok = out(&ranks(&["import", "u.csv", "--dry-run"], dir.path(), &[]));
    assert!(ok.contains("30 rows"), "{ok}");
}
