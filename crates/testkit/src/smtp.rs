//! A real SMTP server for tests: Python's aiosmtpd (`smtp_sink.py`), started
//! as a child process on a port of 127.0.0.1, writing every message it
//! accepts as a JSON line the test reads back. `.ci/install-python-tools`
//! installs aiosmtpd; without it a test skips, unless
//! `RANKS_REQUIRE_POSTGRES=1` (CI), where it fails.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

const SCRIPT: &str = include_str!("smtp_sink.py");

pub struct SmtpSink {
    pub port: u16,
    child: Child,
    _stdin: ChildStdin,
    dir: tempfile::TempDir,
}

/// A port of 127.0.0.1 nothing listens on (taken from the system, then let go).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    l.local_addr().expect("its address").port()
}

fn python() -> String {
    std::env::var("RANKS_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Whether aiosmtpd can be imported; a missing one fails the test in CI.
pub fn available() -> bool {
    let ok = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("RANKS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
            panic!("aiosmtpd is missing (RANKS_REQUIRE_POSTGRES=1): run .ci/install-python-tools");
        }
        eprintln!("aiosmtpd missing: SMTP test skipped (.ci/install-python-tools installs it)");
    }
    ok
}

impl SmtpSink {
    /// Starts the server on `port`, requiring AUTH with `auth` when given.
    pub fn start(port: u16, auth: Option<(&str, &str)>) -> SmtpSink {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("smtp_sink.py");
        std::fs::write(&script, SCRIPT).expect("write the script");
        let mut cmd = Command::new(python());
        cmd.arg(&script)
            .arg(port.to_string())
            .arg(dir.path().join("messages.jsonl"))
            .arg(dir.path().join("control"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some((u, p)) = auth {
            cmd.env("SINK_USER", u).env("SINK_PASSWORD", p);
        }
        let mut child = cmd.spawn().expect("start python3 smtp_sink.py");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the server's first line");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        SmtpSink {
            port,
            child,
            _stdin: stdin,
            dir,
        }
    }

    fn control(&self) -> PathBuf {
        self.dir.path().join("control")
    }

    /// Refuse every message with this SMTP answer (`451 4.3.0 …`), or accept again (`None`).
    pub fn refuse(&self, answer: Option<&str>) {
        let mut f = std::fs::File::create(self.control()).expect("control file");
        f.write_all(answer.unwrap_or("").as_bytes())
            .expect("write the control file");
    }

    /// The messages accepted so far, oldest first.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("messages.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
