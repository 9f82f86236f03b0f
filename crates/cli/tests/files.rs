//! The files `ranks` leaves behind (issue 12, items 6 and 9): a failing
//! command creates no database, `audit verify` needs one, `config` masks
//! passwords, everything it creates is mode 0600, and restore refuses to
//! replace the database of a running server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn ranks(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ranks"));
    cmd.args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ranks")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "ranks failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn failed(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected a failure, got: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_failing_command_leaves_no_database_behind() {
    let dir = tempfile::tempdir().unwrap();
    let err = failed(&ranks(&["import", "/nonexistent.csv"], dir.path(), &[]));
    assert!(err.contains("/nonexistent.csv"), "{err}");
    assert_eq!(listing(dir.path()), Vec::<String>::new(), "nothing created");
    let err = failed(&ranks(&["audit", "verify"], dir.path(), &[]));
    assert!(
        err.contains("ranks.db") && err.contains("does not exist"),
        "{err}"
    );
    let err = failed(&ranks(
        &["report", "achievement", "--term", "2020-2025"],
        dir.path(),
        &[],
    ));
    assert!(err.contains("does not exist"), "{err}");
    assert_eq!(listing(dir.path()), Vec::<String>::new(), "nothing created");
}

#[test]
fn config_masks_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&ranks(
        &["config"],
        dir.path(),
        &[(
            "RANKS_DATABASE_URL",
            "postgres://ranks:s3cret-pw@db.example:5432/ranks",
        )],
    ));
    assert!(!out.contains("s3cret-pw"), "{out}");
    assert!(
        out.contains("postgres://ranks:***@db.example:5432/ranks"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn files_are_created_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    ok(&ranks(&["demo"], dir.path(), &[]));
    ok(&ranks(&["backup", "bk.db"], dir.path(), &[]));
    let names = listing(dir.path());
    for must in ["ranks.db", "bk.db"] {
        assert!(names.iter().any(|n| n == must), "{must} in {names:?}");
    }
    for name in &names {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name} is {mode:o}");
    }
}

fn request(port: u16, method: &str, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out);
    text.split_whitespace().nth(1)?.parse().ok()
}

fn serve(dir: &Path, env: &[(&str, &str)]) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ranks"));
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("start the server");
    let until = Instant::now() + Duration::from_secs(30);
    while request(port, "GET", "/healthz") != Some(200) {
        assert!(Instant::now() < until, "the server did not come up");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, port)
}

#[test]
fn restore_is_refused_while_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    ok(&ranks(&["demo"], dir.path(), &[]));
    ok(&ranks(&["backup", "bk.db"], dir.path(), &[]));
    let before = std::fs::read(dir.path().join("ranks.db")).unwrap();
    let (mut server, port) = serve(dir.path(), &[]);
    let err = failed(&ranks(&["restore", "bk.db", "--force"], dir.path(), &[]));
    assert!(err.contains("in use"), "{err}");
    assert_eq!(request(port, "GET", "/healthz"), Some(200));
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("ranks.db")).unwrap().len(),
        before.len()
    );
}
