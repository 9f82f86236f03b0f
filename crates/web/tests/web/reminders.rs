//! Issue 17, part 1: reminders by e-mail, sent to a real SMTP server
//! (Python's aiosmtpd, started by the test), on SQLite and PostgreSQL.

use super::*;
use chrono::{DateTime, Duration, Utc};
use ranks_app::auth::Role;
use ranks_app::notify::{Every, ReminderPrefs};
use ranks_app::App;
use ranks_testkit::smtp::{self, free_port, SmtpSink};
use ranks_web::notify::{run, MailSettings, RunOptions, TlsMode};
use std::sync::{Arc, Mutex};

const PW: &str = "mật khẩu nhắc hạn";

/// A clock the test moves forward.
struct StepClock(Mutex<DateTime<Utc>>);

impl ranks_app::Clock for StepClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl StepClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

/// The demo on 24/11/2026 (a Tuesday), at noon in Vietnam.
async fn demo_app(db: &TestDb) -> (App, Arc<StepClock>) {
    let clock = Arc::new(StepClock(Mutex::new(
        "2026-11-24T05:00:00Z".parse().unwrap(),
    )));
    let app = App::new(
        db.open().await,
        clock.clone(),
        Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    );
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    (app, clock)
}

fn settings(port: u16, auth: Option<(&str, &str)>) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".into(),
        port,
        tls: TlsMode::Off,
        user: auth.map(|a| a.0.to_string()),
        password: auth.map(|a| a.1.to_string()),
        from: "Ranks <nhac-han@ranks.example.vn>".into(),
        helo: "ranks.example.vn".into(),
        timeout: std::time::Duration::from_secs(10),
        base_url: "https://ranks.example.vn/".into(),
    }
}

const NOW: RunOptions = RunOptions {
    dry_run: false,
    on: None,
    send_hour: 7,
};

async fn user_with(
    app: &App,
    name: &str,
    role: Role,
    org: Option<&str>,
    member: Option<i64>,
    p: ReminderPrefs,
) {
    let sys = Actor::system();
    app.add_user(&sys, name, PW, role, org, member)
        .await
        .unwrap();
    app.set_user_reminders(&sys, name, p).await.unwrap();
}

fn prefs(email: &str, lang: &str, every: Every) -> ReminderPrefs {
    ReminderPrefs {
        email: email.into(),
        lang: lang.into(),
        every,
        days_ahead: 10,
    }
}

fn text_of(m: &serde_json::Value) -> String {
    let t = m["text"].as_str().unwrap();
    assert!(t.contains("\r\n"), "SMTP's line ends");
    t.replace("\r\n", "\n")
}

fn to_of(m: &serde_json::Value) -> String {
    m["rcpt_tos"][0].as_str().unwrap().to_string()
}

async fn digests_reach_a_real_smtp_server(db: TestDb) {
    if !smtp::available() {
        return;
    }
    let (app, _clock) = demo_app(&db).await;
    let sys = Actor::system();
    let cdc = app.unit_page(&sys, "CDC", None).await.unwrap();
    let loan = cdc
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .expect("the committee member in charge of CDC");
    let users = [
        ("bithu.cb1", Role::Secretary, Some("CDC.CB1"), None),
        ("canbo.cdc", Role::Staff, Some("CDC"), None),
        ("phutrach.cdc", Role::Supervisor, None, Some(loan.member_id)),
        // Asked for nothing, or disabled: no mail.
        ("tat", Role::Staff, Some("CDC"), None),
        ("nghi", Role::Staff, Some("CDC"), None),
    ];
    let asked = [
        ("bithu.cb1@cdc.vn", "vi", Every::Daily),
        ("canbo@cdc.vn", "en", Every::Weekly),
        ("phutrach@tinhuy.vn", "vi", Every::Daily),
        ("tat@cdc.vn", "vi", Every::Off),
        ("nghi@cdc.vn", "vi", Every::Daily),
    ];
    for ((name, role, org, member), (email, lang, every)) in users.into_iter().zip(asked) {
        user_with(&app, name, role, org, member, prefs(email, lang, every)).await;
    }
    app.set_user_disabled(&sys, "nghi", true).await.unwrap();

    // What each should be told: the due list of their scope.
    let cell = app
        .due_as_of(&sys, Some("CDC.CB1"), Some(10), None)
        .await
        .unwrap();
    let whole = app
        .due_as_of(&sys, Some("CDC"), Some(10), None)
        .await
        .unwrap();
    assert!(
        cell.iter().any(|r| r.overdue),
        "the demo has an overdue file in CDC.CB1"
    );
    assert!(whole.len() > cell.len());

    let sink = SmtpSink::start(free_port(), Some(("ranks", "mật-khẩu-smtp")));
    let s = settings(sink.port, Some(("ranks", "mật-khẩu-smtp")));
    let lines = run(&app, &s, NOW).await.unwrap();
    let sent: Vec<&str> = lines
        .iter()
        .filter(|l| l.outcome == "sent")
        .map(|l| l.username.as_str())
        .collect();
    assert_eq!(
        sent,
        ["bithu.cb1", "canbo.cdc", "phutrach.cdc"],
        "{lines:?}"
    );

    let got = sink.messages();
    let mut to: Vec<String> = got.iter().map(to_of).collect();
    to.sort();
    assert_eq!(
        to,
        ["bithu.cb1@cdc.vn", "canbo@cdc.vn", "phutrach@tinhuy.vn"]
    );
    for m in &got {
        assert_eq!(m["authenticated"], true, "AUTH was used");
        assert_eq!(m["mail_from"], "nhac-han@ranks.example.vn");
        assert_eq!(m["to"], m["rcpt_tos"][0]);
    }
    let by = |addr: &str| got.iter().find(|m| to_of(m) == addr).unwrap().clone();

    // The secretary: Vietnamese, the cell's files only, each with its link.
    let vi = by("bithu.cb1@cdc.vn");
    // As received: CRLF line ends (SMTP's), read as lines here.
    let text = &text_of(&vi);
    assert_eq!(vi["content_language"], "vi");
    assert_eq!(
        vi["subject"],
        format!("Ranks: {} thời hạn cần theo dõi (24/11/2026)", cell.len())
    );
    assert!(text.starts_with("Kính gửi đồng chí bithu.cb1,"), "{text}");
    assert!(text.contains("QUÁ HẠN ("), "{text}");
    assert!(text.contains("ngày làm việc"), "{text}");
    for r in &cell {
        assert!(text.contains(&r.name), "{} in {text}", r.name);
        assert!(
            text.contains(&format!(
                "https://ranks.example.vn/candidates/{}\n",
                r.candidate_id
            )),
            "{text:?}"
        );
    }
    let outside = whole
        .iter()
        .find(|r| !r.unit.starts_with("CDC.CB1"))
        .unwrap();
    assert!(
        !text.contains(&outside.name),
        "another cell's file is not in the cell's digest"
    );
    assert!(text.contains("https://ranks.example.vn/account/reminders"));
    let html = vi["html"].as_str().unwrap();
    assert!(html.contains(&format!(
        "<a href=\"https://ranks.example.vn/candidates/{}\">",
        cell[0].candidate_id
    )));
    assert!(html.starts_with("<!doctype html><html lang=\"vi\">"));

    // The staff of the committee: English, weekly, the whole subtree.
    let en = by("canbo@cdc.vn");
    let text = &text_of(&en);
    assert_eq!(en["content_language"], "en");
    assert_eq!(
        en["subject"],
        format!("Ranks: {} deadlines to follow (2026-11-24)", whole.len())
    );
    assert!(
        text.starts_with("Dear canbo.cdc,\n\nYour weekly digest of 2026-11-24"),
        "{text}"
    );
    assert!(text.contains("OVERDUE ("));
    assert!(
        !text.contains("Quá hạn"),
        "nothing Vietnamese but the names"
    );
    for r in &whole {
        assert!(text.contains(&r.name));
    }

    // The committee member in charge: the overdue files escalated to her first.
    let sup = by("phutrach@tinhuy.vn");
    let text = &text_of(&sup);
    let escalated = "QUÁ HẠN, BÁO CÁO ĐỒNG CHÍ (CẤP ỦY VIÊN PHỤ TRÁCH)";
    assert!(text.contains(escalated), "{text}");
    let late = whole.iter().filter(|r| r.overdue).count();
    assert!(text.contains(&format!("{escalated} ({late})")), "{text}");
    let first_late = whole.iter().find(|r| r.overdue).unwrap();
    assert!(
        text.find(escalated).unwrap() < text.find(&first_late.name).unwrap(),
        "escalated first"
    );

    // Recorded: the idempotence key, the Message-ID the server saw.
    let records = app.digest_records(10).await.unwrap();
    assert_eq!(records.len(), 3);
    for r in &records {
        assert_eq!(r.status, "sent");
        assert_eq!(r.attempts, 1);
        assert!(r.next_try_at.is_none() && r.last_error.is_none());
        let m = by(&r.recipient);
        assert_eq!(m["message_id"], r.message_id.as_str());
    }
    let weekly = records.iter().find(|r| r.username == "canbo.cdc").unwrap();
    assert_eq!(weekly.period, "2026-W48");
    let daily = records.iter().find(|r| r.username == "bithu.cb1").unwrap();
    assert_eq!(daily.period, "2026-11-24");

    // A second run, and another application on the same database (a
    // restarted server): nothing new.
    assert!(run(&app, &s, NOW).await.unwrap().is_empty());
    let restarted = App::new(
        db.open().await,
        Arc::new(ranks_app::FixedClock(
            "2026-11-24T09:00:00Z".parse().unwrap(),
        )),
        Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    );
    assert!(run(&restarted, &s, NOW).await.unwrap().is_empty());
    assert_eq!(sink.messages().len(), 3, "no digest sent twice");
    // Before the sending hour (06:59 in Vietnam) nothing is due at all.
    let early = App::new(
        db.open().await,
        Arc::new(ranks_app::FixedClock(
            "2026-11-24T23:59:00Z".parse().unwrap(),
        )),
        Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    );
    assert!(early.digests_due(None, 7).await.unwrap().is_empty());
}

async fn a_refusing_server_is_retried_with_backoff(db: TestDb) {
    if !smtp::available() {
        return;
    }
    let (app, clock) = demo_app(&db).await;
    user_with(
        &app,
        "bithu.cb1",
        Role::Secretary,
        Some("CDC.CB1"),
        None,
        prefs("bithu.cb1@cdc.vn", "en", Every::Daily),
    )
    .await;
    let port = free_port();
    let s = settings(port, None);

    // 1. Nothing listens on the port.
    let lines = run(&app, &s, NOW).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].outcome, "failed", "{lines:?}");
    let r = &app.digest_records(1).await.unwrap()[0];
    assert_eq!((r.status.as_str(), r.attempts), ("failed", 1));
    assert_eq!(
        r.next_try_at.as_deref(),
        Some("2026-11-24T05:01:00Z"),
        "60 s later"
    );
    assert!(
        r.last_error.as_deref().unwrap().contains("onnection"),
        "{r:?}"
    );

    // 2. Before the next try: nothing is attempted.
    clock.advance(Duration::seconds(30));
    assert!(run(&app, &s, NOW).await.unwrap().is_empty());

    // 3. A server that answers 451: the second failure waits twice as long.
    let sink = SmtpSink::start(port, None);
    sink.refuse(Some("451 4.3.0 Hệ thống bận, thử lại sau"));
    clock.advance(Duration::seconds(31));
    let lines = run(&app, &s, NOW).await.unwrap();
    assert_eq!(lines[0].outcome, "failed");
    assert_eq!(lines[0].attempt, 2);
    let r = &app.digest_records(1).await.unwrap()[0];
    assert_eq!((r.status.as_str(), r.attempts), ("failed", 2));
    assert_eq!(
        r.next_try_at.as_deref(),
        Some("2026-11-24T05:03:01Z"),
        "120 s later"
    );
    assert!(r.last_error.as_deref().unwrap().contains("451"), "{r:?}");
    assert!(sink.messages().is_empty());

    // 4. The server accepts again: sent on the third attempt, once.
    sink.refuse(None);
    clock.advance(Duration::seconds(119));
    assert!(run(&app, &s, NOW).await.unwrap().is_empty(), "not yet");
    clock.advance(Duration::seconds(1));
    let lines = run(&app, &s, NOW).await.unwrap();
    assert_eq!((lines[0].outcome.as_str(), lines[0].attempt), ("sent", 3));
    let r = &app.digest_records(1).await.unwrap()[0];
    assert_eq!((r.status.as_str(), r.attempts), ("sent", 3));
    assert!(r.next_try_at.is_none() && r.last_error.is_none());
    assert!(run(&app, &s, NOW).await.unwrap().is_empty());
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["content_language"], "en");
    assert_eq!(got[0]["message_id"], r.message_id.as_str());

    // The next working day is a new period: a new digest.
    clock.advance(Duration::days(1));
    let lines = run(&app, &s, NOW).await.unwrap();
    assert_eq!(lines[0].outcome, "sent");
    assert_eq!(lines[0].period, "2026-11-25");
    assert_eq!(sink.messages().len(), 2);
}

async fn the_reminders_page_saves_and_names_a_wrong_field(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    app.add_user(&sys, "xem", PW, Role::Viewer, Some("CDC"), None)
        .await
        .unwrap();
    let router = ranks_web::router(app.clone());
    let c = sign_in(&router, "xem", &ranks_testkit::http::enc(PW))
        .await
        .unwrap();
    let page = c.get("/account/reminders", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Nhắc hạn qua thư điện tử"),
        "{}",
        page.body
    );
    assert!(page.body.contains("name=\"email\""));

    // A wrong address: the form again, naming the field; nothing saved.
    let bad = c
        .form(
            "/account/reminders",
            &[
                ("csrf", c.csrf.as_str()),
                ("email", "không phải địa chỉ"),
                ("lang", "en"),
                ("every", "daily"),
                ("days_ahead", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let error = bad
        .body
        .split("id=\"reminders-error\" role=\"alert\">")
        .nth(1)
        .and_then(|e| e.split("</p>").next())
        .expect("the error paragraph")
        .to_string();
    assert!(
        error.starts_with("Địa chỉ thư điện tử: ")
            && error.contains("không phải địa chỉ")
            && error.contains("ten@example.vn"),
        "{error}"
    );
    let viewer = Actor {
        name: "xem".into(),
        scope: ranks_app::Scope::Units(vec![]),
        role: Role::Viewer,
    };
    assert_eq!(
        app.my_reminders(&viewer).await.unwrap(),
        ReminderPrefs::default()
    );
    let bad = c
        .form(
            "/account/reminders",
            &[
                ("csrf", c.csrf.as_str()),
                ("email", "xem@cdc.vn"),
                ("lang", "en"),
                ("every", "daily"),
                ("days_ahead", "61"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(
            "Số ngày làm việc báo trước: giá trị &#39;61&#39; không hợp lệ; cần số nguyên ngày làm việc từ 0 đến 60"
        ),
        "{}",
        bad.body
    );

    // A viewer may choose their own reminders; saved and audited.
    let ok = c
        .form(
            "/account/reminders",
            &[
                ("csrf", c.csrf.as_str()),
                ("email", " xem@cdc.vn "),
                ("lang", "en"),
                ("every", "weekly"),
                ("days_ahead", "5"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("id=\"reminders-saved\""));
    assert!(ok.body.contains("value=\"xem@cdc.vn\""));
    let saved = app.my_reminders(&viewer).await.unwrap();
    assert_eq!(
        saved,
        ReminderPrefs {
            email: "xem@cdc.vn".into(),
            lang: "en".into(),
            every: Every::Weekly,
            days_ahead: 5
        }
    );
    let users = app.users().await.unwrap();
    let id = users.iter().find(|u| u.username == "xem").unwrap().id;
    let audit = ranks_testkit::audit_of(&app, "reminders", &id.to_string()).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "xem");

    // Without the form's CSRF token: refused, nothing changed.
    let forged = c
        .send(
            Request::post("/account/reminders")
                .header(header::COOKIE, c.cookie.clone())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "email=x%40evil.vn&lang=vi&every=daily&days_ahead=1",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.my_reminders(&viewer).await.unwrap(), saved);
    // Someone else's settings are the administrator's to change.
    let e = app
        .set_user_reminders(&viewer, "admin", saved.clone())
        .await
        .unwrap_err();
    assert!(matches!(e, ranks_app::AppError::Forbidden(_)), "{e}");
}

both_backends!(
    digests_reach_a_real_smtp_server,
    a_refusing_server_is_retried_with_backoff,
    the_reminders_page_saves_and_names_a_wrong_field
);
