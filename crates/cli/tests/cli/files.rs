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
    for must in [
        "ranks.db",
        "bk.db",
        "ranks.db.audit-key",
        "ranks.db.checkpoint",
        "ranks.db.lock",
    ] {
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
    send(port, method, path, "", "")
}

fn send(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
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

/// The newest audit entry (id, MAC), read straight from the file.
fn head(dir: &Path) -> (i64, String) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::{Connection, Row};
            sqlx::any::install_default_drivers();
            let url = format!("sqlite://{}?mode=ro", dir.join("ranks.db").display());
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            let r = sqlx::query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_one(&mut c)
                .await
                .unwrap();
            let h = (r.try_get(0).unwrap(), r.try_get(1).unwrap());
            c.close().await.unwrap();
            h
        })
}

fn last_checkpoint(dir: &Path) -> (i64, String) {
    let text = std::fs::read_to_string(dir.join("ranks.db.checkpoint")).unwrap();
    let line = text.lines().last().unwrap();
    let (id, mac) = line.split_once(' ').unwrap();
    (id.parse().unwrap(), mac.to_string())
}

fn token(dir: &Path) -> String {
    let mut add = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args([
            "user",
            "add",
            "--username",
            "cp",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"checkpoint-test-pw")
        .unwrap();
    assert!(add.wait().unwrap().success());
    ok(&ranks(
        &["token", "create", "--username", "cp", "--name", "t"],
        dir,
        &[],
    ))
    .trim()
    .to_string()
}

fn add_candidate(port: u16, token: &str, name: &str) {
    let body =
        format!(r#"{{"cell": "BVPHCN.CB1", "full_name": "{name}", "birth_date": "2001-01-01"}}"#);
    assert_eq!(
        send(port, "POST", "/api/v1/candidates", token, &body),
        Some(201)
    );
}

/// Every command that writes leaves the head in the checkpoint file; the
/// server writes it every interval and at shutdown.
#[test]
fn the_head_is_checkpointed_by_commands_and_the_server() {
    let dir = tempfile::tempdir().unwrap();
    ok(&ranks(&["demo"], dir.path(), &[]));
    assert_eq!(last_checkpoint(dir.path()), head(dir.path()), "after demo");
    let token = token(dir.path());
    assert_eq!(
        last_checkpoint(dir.path()),
        head(dir.path()),
        "after token create"
    );

    // Every second while it runs.
    let (mut server, port) = serve(dir.path(), &[("RANKS_CHECKPOINT_INTERVAL", "1")]);
    let before = head(dir.path());
    add_candidate(port, &token, "Lê Văn Một");
    let now = head(dir.path());
    assert!(now.0 > before.0);
    let until = Instant::now() + Duration::from_secs(10);
    while last_checkpoint(dir.path()) != now {
        assert!(Instant::now() < until, "no checkpoint within 10 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    server.kill().unwrap();
    server.wait().unwrap();

    // At shutdown (the interval far away).
    let (mut server, port) = serve(dir.path(), &[("RANKS_CHECKPOINT_INTERVAL", "3600")]);
    add_candidate(port, &token, "Lê Văn Hai");
    let now = head(dir.path());
    assert_ne!(last_checkpoint(dir.path()), now);
    let stopped = Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success());
    assert_eq!(last_checkpoint(dir.path()), now, "written at shutdown");
    let out = ok(&ranks(&["audit", "verify"], dir.path(), &[]));
    assert!(out.contains("audit log verified"), "{out}");
}

/// `ranks audit verify` names what was changed and fails; with the wrong
/// key it says so.
#[test]
fn audit_verify_names_tampering() {
    let dir = tempfile::tempdir().unwrap();
    ok(&ranks(&["demo"], dir.path(), &[]));
    let out = ok(&ranks(&["audit", "verify"], dir.path(), &[]));
    assert!(
        out.starts_with("audit log verified: ") && out.contains("records replayed"),
        "{out}"
    );
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let url = format!("sqlite://{}", dir.path().join("ranks.db").display());
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(
                "UPDATE members SET status = 'expelled' WHERE id = 1; \
                 DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 10 FROM audit_log)",
            )
            .execute(&mut c)
            .await
            .unwrap();
            c.close().await.unwrap();
        });
    let o = ranks(&["audit", "verify"], dir.path(), &[]);
    let err = failed(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("does not verify"), "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("members 1 status"), "{out}");
    assert!(out.contains("missing from the log"), "{out}");

    // Another key: no entry verifies, and the message says so.
    let other = dir.path().join("other.key");
    std::fs::write(&other, format!("ranks-audit-key-v1 {}\n", "ab".repeat(32))).unwrap();
    let err = failed(&ranks(
        &["audit", "verify", "--audit-key", other.to_str().unwrap()],
        dir.path(),
        &[],
    ));
    assert!(err.contains("is it the right key"), "{err}");
    // No key at all.
    std::fs::remove_file(dir.path().join("ranks.db.audit-key")).unwrap();
    let err = failed(&ranks(&["audit", "verify"], dir.path(), &[]));
    assert!(err.contains("is missing"), "{err}");
    let err = failed(&ranks(&["demo"], dir.path(), &[]));
    assert!(err.contains("is missing"), "{err}");
}

#[test]
fn restore_keeps_the_replaced_database() {
    let dir = tempfile::tempdir().unwrap();
    ok(&ranks(&["demo"], dir.path(), &[]));
    ok(&ranks(&["backup", "bk.db"], dir.path(), &[]));
    ok(&ranks(
        &[
            "target", "set", "--org", "BVPHCN", "--period", "2026", "--value", "3",
        ],
        dir.path(),
        &[],
    ));
    let out = ok(&ranks(&["restore", "bk.db", "--force"], dir.path(), &[]));
    assert!(out.contains("kept as ranks.db.before-restore-"), "{out}");
    let out = ok(&ranks(&["audit", "verify"], dir.path(), &[]));
    assert!(out.contains("audit log verified"), "{out}");
    // A file that is not a Ranks database is refused, untouched.
    std::fs::write(dir.path().join("empty.db"), b"").unwrap();
    let err = failed(&ranks(&["restore", "empty.db", "--force"], dir.path(), &[]));
    assert!(err.contains("not a Ranks database"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("empty.db")).unwrap(), b"");
}
