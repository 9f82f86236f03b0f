//! `ranks notify` and `ranks user reminders` (issue 17, part 1), on SQLite
//! and PostgreSQL; the sending run against a real SMTP server (aiosmtpd).

use super::ok;
use ranks_testkit::smtp::{self, free_port, SmtpSink};
use ranks_testkit::{both_backends, TestDb};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ranks(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(args)
        .env_remove("RANKS_DATABASE_URL")
        .env_remove("RANKS_CONFIG")
        .env_remove("RANKS_SMTP_HOST")
        .env("RANKS_SMTP_PASSWORD", "bí-mật-smtp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ranks");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().expect("ranks ends")
}

/// The arguments, then the database's.
fn cat<'a>(d: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    [args, d].concat()
}

/// `ranks user add` with `args`, the password given on standard input.
fn user_add(d: &[&str], args: &[&str], password: &str) {
    let args = [&["user", "add"][..], args, &["--password-stdin"]].concat();
    ok(&ranks(&cat(d, &args), &format!("{password}\n")));
}

async fn notify_run_dry_run_shows_who_gets_what(db: TestDb) {
    let url = db.url_string();
    let d = ["--database", url.as_str()];
    ok(&ranks(&cat(&d, &["demo"]), ""));
    let secretary = [
        "--username",
        "bithu.cb1",
        "--role",
        "secretary",
        "--org",
        "CDC.CB1",
    ];
    user_add(&d, &secretary, "mật khẩu bí thư chi bộ");
    let set = ok(&ranks(
        &cat(
            &d,
            &[
                "user",
                "reminders",
                "bithu.cb1",
                "--email",
                "bithu@cdc.vn",
                "--digest",
                "daily",
                "--days",
                "10",
            ],
        ),
        "",
    ));
    assert_eq!(
        set.trim(),
        "bithu.cb1: digest daily, 10 working days ahead, in vi, to bithu@cdc.vn"
    );
    // A wrong value names its field; nothing changes.
    let bad = ranks(
        &cat(&d, &["user", "reminders", "bithu.cb1", "--lang", "fr"]),
        "",
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("lang: 'fr'"));

    let dry = ok(&ranks(
        &cat(&d, &["notify", "run", "--dry-run", "--on", "2026-11-24"]),
        "",
    ));
    assert!(
        dry.contains("would send: bithu.cb1 <bithu@cdc.vn> (vi, 2026-11-24): 1 deadlines"),
        "{dry}"
    );
    assert!(
        dry.contains("  subject: Ranks: 1 thời hạn cần theo dõi (24/11/2026)"),
        "{dry}"
    );
    assert!(
        dry.contains("  - Nguyễn Hồng Lan (CDC.CB1), 2026-03-15"),
        "{dry}"
    );
    assert!(dry.contains("dry run: 1 digests would be sent, 0 empty; nothing sent or recorded"));
    // Nothing recorded: the list is empty, and a dry run again shows the same.
    assert_eq!(ok(&ranks(&cat(&d, &["notify", "list"]), "")), "");
    // A Sunday: no digest.
    let sunday = ok(&ranks(
        &cat(&d, &["notify", "run", "--dry-run", "--on", "2026-11-22"]),
        "",
    ));
    assert!(sunday.contains("dry run: 0 digests"), "{sunday}");
    // Sending needs a server.
    let none = ranks(&cat(&d, &["notify", "run", "--on", "2026-11-24"]), "");
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("no SMTP server configured"));
    // The password never shows in the configuration.
    let cfg = ok(&ranks(
        &cat(&d, &["config", "--smtp-host", "mail.cdc.vn"]),
        "",
    ));
    assert!(
        cfg.contains("[mail]") && cfg.contains("mail.cdc.vn"),
        "{cfg}"
    );
    assert!(!cfg.contains("bí-mật-smtp"), "{cfg}");

    if !smtp::available() {
        return;
    }
    let sink = SmtpSink::start(free_port(), None);
    let port = sink.port.to_string();
    let send = |args: &[&str]| {
        ok(&ranks(
            &cat(
                &d,
                &[
                    args,
                    &[
                        "--smtp-host",
                        "127.0.0.1",
                        "--smtp-port",
                        &port,
                        "--smtp-tls",
                        "off",
                    ],
                ]
                .concat(),
            ),
            "",
        ))
    };
    let first = send(&["notify", "run", "--on", "2026-11-24"]);
    assert!(
        first.contains("sent: bithu.cb1 <bithu@cdc.vn> (vi, 2026-11-24): 1 deadlines"),
        "{first}"
    );
    assert!(first.contains("1 digests: 1 sent, 0 failed"), "{first}");
    let again = send(&["notify", "run", "--on", "2026-11-24"]);
    assert!(again.contains("0 digests: 0 sent"), "{again}");
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(sink.messages()[0]["rcpt_tos"][0], "bithu@cdc.vn");
    let list = ok(&ranks(&cat(&d, &["notify", "list"]), ""));
    assert!(
        list.starts_with("2026-11-24 sent bithu.cb1 <bithu@cdc.vn> vi 1 deadlines, attempt 1"),
        "{list}"
    );
}

fn healthz(port: u16) -> bool {
    use std::io::Read;
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200")
}

/// `ranks serve` sends the digests due on its own schedule, once.
async fn serve_sends_digests_on_its_schedule(db: TestDb) {
    let url = db.url_string();
    let d = ["--database", url.as_str()];
    ok(&ranks(&cat(&d, &["demo"]), ""));
    user_add(
        &d,
        &["--username", "quantri", "--role", "admin"],
        "mật khẩu quản trị viên",
    );
    ok(&ranks(
        &cat(
            &d,
            &[
                "user",
                "reminders",
                "quantri",
                "--email",
                "quantri@tinhuy.vn",
                "--digest",
                "daily",
                "--lang",
                "de",
                "--days",
                "60",
            ],
        ),
        "",
    ));
    // Digests go out on working days: on a weekend or a holiday there is
    // nothing for the schedule to send today.
    let today = ok(&ranks(
        &cat(&d, &["notify", "run", "--dry-run", "--notify-hour", "0"]),
        "",
    ));
    if today.contains("dry run: 0 digests would be sent") {
        eprintln!("today is not a working day: the schedule has nothing to send");
        return;
    }
    if !smtp::available() {
        return;
    }
    let sink = SmtpSink::start(free_port(), None);
    let (port, smtp_port) = (free_port(), sink.port.to_string());
    let listen = format!("127.0.0.1:{port}");
    let mail = [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &smtp_port,
        "--smtp-tls",
        "off",
        "--notify-hour",
        "0",
    ];
    let mut server = Command::new(env!("CARGO_BIN_EXE_ranks"))
        .args(cat(
            &d,
            &[
                &["serve", "--listen", &listen, "--notify-every", "1"][..],
                &mail,
            ]
            .concat(),
        ))
        .env_remove("RANKS_CONFIG")
        .env_remove("RANKS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sink.messages().is_empty() {
        if std::time::Instant::now() > until {
            let _ = server.kill();
            panic!("the schedule sent nothing within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(healthz(port), "the server answers while the schedule runs");
    let _ = server.kill();
    let _ = server.wait();
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["rcpt_tos"][0], "quantri@tinhuy.vn");
    assert_eq!(got[0]["content_language"], "de");
    assert!(
        got[0]["subject"].as_str().unwrap().contains("im Blick"),
        "{}",
        got[0]
    );
    // Recorded: a run now (another process) sends nothing new.
    let again = ok(&ranks(
        &cat(&d, &[&["notify", "run"][..], &mail].concat()),
        "",
    ));
    assert!(again.contains("0 digests: 0 sent"), "{again}");
    assert_eq!(sink.messages().len(), 1);
}

both_backends!(
    notify_run_dry_run_shows_who_gets_what,
    serve_sends_digests_on_its_schedule
);
