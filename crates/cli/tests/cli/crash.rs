//! Nothing acknowledged is lost: the real server, under concurrent writes,
//! killed with SIGKILL again and again; after each kill every write it had
//! answered 201 to is in the database, the engine's integrity check passes
//! and the audit chain verifies; on SQLite and on PostgreSQL.

use ranks_testkit::{both_backends, TestDb};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn ranks(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .output()
        .expect("run ranks")
}

/// One HTTP/1.1 request on a fresh connection; the status, or None if the
/// server is gone.
fn request(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<u16> {
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

fn start(db: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args([
            "--database",
            db,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("RANKS_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let until = Instant::now() + Duration::from_secs(30);
    while request(port, "GET", "/healthz", "", "") != Some(200) {
        assert!(Instant::now() < until, "the server did not come up");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Adds an administrator with a password and returns a script token for it.
fn admin_token(db: &str, user: &str, password: &str) -> String {
    let mut add = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args([
            "--database",
            db,
            "user",
            "add",
            "--username",
            user,
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
    let token = String::from_utf8(
        ranks(&[
            "--database",
            db,
            "token",
            "create",
            "--username",
            user,
            "--name",
            "test",
        ])
        .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    assert!(token.starts_with("rk_"), "{token}");
    token
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What the database holds after a kill: the candidates' names, and the
/// engine's own integrity check ("ok" when sound): SQLite's
/// `PRAGMA integrity_check`; on PostgreSQL amcheck's `bt_index_check` with
/// `heapallindexed` on every B-tree index of the schema (each index against
/// its table), plus the table rows counted by a sequential scan.
async fn after_the_kill(db: &TestDb) -> (HashSet<String>, String) {
    use sqlx::Row;
    let store = db.open().await;
    let mut c = store.read().await.unwrap();
    let names: HashSet<String> =
        sqlx::query("SELECT p.full_name FROM candidates c JOIN people p ON p.id = c.person_id")
            .fetch_all(&mut *c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
    let integrity = if db.is_postgres() {
        sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
            .execute(&mut *c)
            .await
            .unwrap();
        let indexes: Vec<String> = sqlx::query(
            "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE a.amname = 'btree' AND n.nspname = current_schema()",
        )
        .fetch_all(&mut *c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
        assert!(indexes.len() > 10, "indexes found: {indexes:?}");
        let mut problems = Vec::new();
        for index in &indexes {
            if let Err(e) =
                sqlx::raw_sql(&format!("SELECT bt_index_check('{index}'::regclass, true)"))
                    .execute(&mut *c)
                    .await
            {
                problems.push(format!("{index}: {e}"));
            }
        }
        if problems.is_empty() {
            "ok".to_string()
        } else {
            problems.join("; ")
        }
    } else {
        sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut *c)
            .await
            .unwrap()
            .get(0)
    };
    (names, integrity)
}

async fn killed_twenty_times_nothing_acknowledged_is_lost(db: TestDb) {
    let cycles: usize = std::env::var("RANKS_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let url = db.url_string();
    let url = url.as_str();
    assert!(ranks(&["--database", url, "demo"]).status.success());
    let token = admin_token(url, "crash", "crash-test-password");
    assert!(token.starts_with("rk_"), "{token}");

    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut checked = 0;
    let started = Instant::now();
    for cycle in 0..cycles {
        let port = free_port();
        let mut server = start(url, port);
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (stop, acked, token) = (stop.clone(), acknowledged.clone(), token.clone());
                std::thread::spawn(move || {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let name = format!("Thử Nghiệm {cycle} {w} {n}");
                        let body = format!(
                            r#"{{"cell": "BVPHCN.CB{}", "full_name": "{name}", "birth_date": "2001-01-01"}}"#,
                            1 + w % 3
                        );
                        match request(port, "POST", "/api/v1/candidates", &token, &body) {
                            Some(201) => acked.lock().unwrap().push(name),
                            Some(other) => panic!("write refused with {other}"),
                            None => break,
                        }
                        n += 1;
                    }
                })
            })
            .collect();
        // Let the writes run, then kill the server mid-flight.
        std::thread::sleep(Duration::from_millis(150 + (cycle as u64 * 37) % 250));
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        // Every acknowledged write is there; the data and the chain are sound.
        let (names, integrity) = after_the_kill(&db).await;
        assert_eq!(integrity, "ok", "cycle {cycle}");
        let acked = acknowledged.lock().unwrap().clone();
        let missing: Vec<&String> = acked.iter().filter(|n| !names.contains(*n)).collect();
        assert!(
            missing.is_empty(),
            "cycle {cycle}: acknowledged but lost: {missing:?}"
        );
        checked = acked.len();
        let verify = ranks(&["--database", url, "audit", "verify"]);
        assert!(
            verify.status.success(),
            "cycle {cycle}: {}{}",
            String::from_utf8_lossy(&verify.stdout),
            String::from_utf8_lossy(&verify.stderr)
        );
    }
    let engine = if db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    eprintln!(
        "crash test ({engine}): {cycles} SIGKILL cycles, {checked} acknowledged writes all present, integrity ok, audit chain verified, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(checked > cycles, "writes were made: {checked}");
}

both_backends!(killed_twenty_times_nothing_acknowledged_is_lost);

/// Passwords and tokens never reach the log, even at the most verbose level.
#[test]
fn passwords_and_tokens_are_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ranks.db").display());
    assert!(ranks(&["--database", &db, "demo"]).status.success());
    let password = "mật-khẩu-bí-mật-9271";
    let token = admin_token(&db, "logcheck", password);
    let log = dir.path().join("server.log");
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args([
            "--database",
            &db,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RANKS_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    while request(port, "GET", "/healthz", "", "") != Some(200) {
        assert!(Instant::now() < until);
        std::thread::sleep(Duration::from_millis(20));
    }
    // A sign-in with the right password and one with a wrong one, API calls
    // with the token and with a wrong token.
    // (The sign-in form's CSRF token: the same value in cookie and field.)
    let csrf = "5a".repeat(32);
    let form = format!(
        "username=logcheck&password={}&csrf={csrf}",
        "m%E1%BA%ADt-kh%E1%BA%A9u-b%C3%AD-m%E1%BA%ADt-9271"
    );
    for body in [form.clone(), form.replace("9271", "0000")] {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let req = format!("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: ranks_login_csrf={csrf}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        s.write_all(req.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let status = String::from_utf8_lossy(&out);
        assert!(
            status.starts_with("HTTP/1.1 303") || status.starts_with("HTTP/1.1 401"),
            "the sign-in was answered, not refused for its form: {status}"
        );
    }
    assert_eq!(request(port, "GET", "/api/v1/terms", &token, ""), Some(200));
    assert_eq!(
        request(port, "GET", "/api/v1/terms", "rk_wrong", ""),
        Some(401)
    );
    let _ = request(
        port,
        "POST",
        "/api/v1/candidates",
        &token,
        r#"{"cell": "BVPHCN.CB1", "full_name": "Nhật Ký", "birth_date": "2000-01-01"}"#,
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.len() > 1000,
        "the trace log was written: {} bytes",
        text.len()
    );
    let encoded = "m%E1%BA%ADt-kh%E1%BA%A9u-b%C3%AD-m%E1%BA%ADt";
    for secret in [password, encoded, &token[3..], &token[3..20]] {
        assert!(!text.contains(secret), "{secret:?} is in the log");
    }
}
