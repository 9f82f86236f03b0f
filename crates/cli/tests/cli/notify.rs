//! `ranks notify` and `ranks user reminders` (issue 17, part 1), on SQLite
//! and PostgreSQL; the sending run against a real SMTP server (aiosmtpd).

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

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "ranks failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

async fn notify_run_dry_run_shows_who_gets_what(db: TestDb) {
    let url = db.url_string();
    let d = ["--database", url.as_str()];
    ok(&ranks(&cat(&d, &["demo"]), ""));
    ok(&ranks(
        &cat(
            &d,
            &[
                "user",
                "add",
                "--username",
                "bithu.cb1",
                "--role",
                "secretary",
                "--org",
                "CDC.CB1",
                "--password-stdin",
            ],
        ),
        "mật khẩu bí thư chi bộ\n",
    ));
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

both_backends!(notify_run_dry_run_shows_who_gets_what);
