//! The calendar feed (issue 17, part 2): made and revoked on its page, read
//! without a session by its secret address, parsed by a real iCalendar
//! parser (Python's `icalendar`), each user's events exactly the deadlines
//! of their scope.

use super::admin;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use ranks_app::auth::Role;
use ranks_app::Actor;
use ranks_testkit::http::{send, sign_in, Client, Resp};
use ranks_testkit::TestDb;
use std::collections::BTreeSet;

/// Whether the parser must be there (CI): then its absence fails the test.
fn parser_required() -> bool {
    ["RANKS_REQUIRE_POSTGRES", "RANKS_REQUIRE_PYTHON"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| s == "1"))
}

/// The events of an iCalendar text as Python's `icalendar` reads them,
/// with the calendar's own properties as the first element; None when the
/// parser is not installed and not required.
fn parse(ics: &str) -> Option<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, ics).unwrap();
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
events = []
for e in cal.walk('VEVENT'):
    s, t = e.decoded('DTSTART'), e.decoded('DTEND')
    events.append({
        'uid': str(e['UID']), 'summary': str(e['SUMMARY']),
        'start': s.isoformat(), 'end': t.isoformat(),
        'offset': s.utcoffset().total_seconds(),
        'tz': str(e['DTSTART'].params.get('TZID')),
        'url': str(e['URL']), 'description': str(e['DESCRIPTION']),
        'location': str(e['LOCATION']),
    })
tz = [str(z['TZID']) for z in cal.walk('VTIMEZONE')]
print(json.dumps({'name': str(cal['X-WR-CALNAME']), 'tz': tz, 'events': events}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(serde_json::from_slice(&o.stdout).unwrap()),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            if err.contains("No module named 'icalendar'") && !parser_required() {
                eprintln!(
                    "skipped: Python's icalendar is not installed (.ci/install-python-tools)"
                );
                return None;
            }
            panic!("icalendar refused the feed: {err}\n{ics}");
        }
        Err(e) if !parser_required() => {
            eprintln!("skipped: no python3 ({e})");
            None
        }
        Err(e) => panic!("python3: {e}"),
    }
}

/// Makes a feed on the page; returns its path (`/calendar/cal_….ics`).
async fn make_feed(c: &Client, lang: &str) -> String {
    let page = c
        .form(
            "/calendar",
            &[("csrf", &c.csrf), ("action", "new"), ("lang", lang)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let url = ranks_testkit::http::values_of(&page.body, "calendar-url")
        .into_iter()
        .next()
        .unwrap_or_else(|| {
            // The input has an id, not a name: read its value attribute.
            let at = page
                .body
                .find("id=\"calendar-url\"")
                .expect("the new address");
            let rest = &page.body[at..];
            let v = rest.find("value=\"").unwrap() + 7;
            rest[v..v + rest[v..].find('"').unwrap()].to_string()
        });
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .expect("an absolute address");
    assert!(
        path.starts_with("/calendar/cal_") && path.ends_with(".ics"),
        "{path}"
    );
    path
}

/// Reads a feed as a calendar program does: no cookie, no header.
async fn fetch(router: &axum::Router, path: &str) -> Resp {
    send(
        router,
        Request::get(path)
            .header("host", "ranks.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// The candidates whose deadlines the JSON API lists for this user within
/// the feed's window (every page).
async fn due_ids(c: &Client) -> BTreeSet<i64> {
    let mut ids = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let r = c
            .get(
                &format!("/api/v1/due?within=60&limit=200&cursor={cursor}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let j = r.json();
        for row in j["rows"].as_array().unwrap() {
            ids.insert(row["candidate_id"].as_i64().unwrap());
        }
        match j["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return ids,
        }
    }
}

fn event_ids(parsed: &serde_json::Value) -> BTreeSet<i64> {
    parsed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let url = e["url"].as_str().unwrap();
            url.rsplit('/').next().unwrap().parse().unwrap()
        })
        .collect()
}

pub(crate) async fn calendar_feed_is_the_scope_s_deadlines(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let boss = admin(&app).await;
    let router = boss.router.clone();

    let page = boss.get("/calendar", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Bạn chưa có địa chỉ lịch"),
        "{}",
        page.body
    );

    // The administrator's feed, in Vietnamese: every deadline of the tree.
    let path = make_feed(&boss, "vi").await;
    let feed = fetch(&router, &path).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert!(
        feed.content_type.starts_with("text/calendar"),
        "{}",
        feed.content_type
    );
    assert!(feed.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(
        feed.body.lines().all(|l| l.len() <= 76),
        "folded at 75 octets"
    );
    if let Ok(to) = std::env::var("RANKS_DUMP_ICS") {
        std::fs::write(to, &feed.body).unwrap();
    }
    let want = due_ids(&boss).await;
    assert!(!want.is_empty(), "the demo has open deadlines");
    let Some(parsed) = parse(&feed.body) else {
        return;
    };
    assert_eq!(
        event_ids(&parsed),
        want,
        "one event per deadline of the scope"
    );
    assert_eq!(parsed["tz"], serde_json::json!(["Asia/Ho_Chi_Minh"]));
    assert!(parsed["name"].as_str().unwrap().contains("admin"));
    for e in parsed["events"].as_array().unwrap() {
        assert_eq!(e["offset"], 7.0 * 3600.0, "Vietnam's time: {e}");
        assert_eq!(e["tz"], "Asia/Ho_Chi_Minh");
        assert!(
            e["start"].as_str().unwrap().contains("T08:00:00+07:00"),
            "{e}"
        );
        let summary = e["summary"].as_str().unwrap();
        assert!(
            summary.starts_with("Hạn ") || summary.starts_with("Quá hạn "),
            "{summary}"
        );
        assert!(e["url"]
            .as_str()
            .unwrap()
            .starts_with("http://ranks.example/candidates/"));
        assert!(
            e["description"].as_str().unwrap().contains("Đơn vị: "),
            "{e}"
        );
        assert!(!e["location"].as_str().unwrap().is_empty());
    }
    let uids: BTreeSet<&str> = parsed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids.len(), want.len(), "unique UIDs");

    // A cell secretary's feed, in English: only the cell's deadlines.
    let pw = "demo-ranks-2025";
    app.add_user(&sys, "bithu", pw, Role::Secretary, Some("BVPHCN.CB1"), None)
        .await
        .unwrap();
    let sec = sign_in(&router, "bithu", pw)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let sec_path = make_feed(&sec, "en").await;
    let sec_feed = parse(&fetch(&router, &sec_path).await.body).unwrap();
    let sec_want = due_ids(&sec).await;
    assert_eq!(event_ids(&sec_feed), sec_want);
    assert!(sec_want.is_subset(&want) && sec_want.len() < want.len());
    for e in sec_feed["events"].as_array().unwrap() {
        let s = e["summary"].as_str().unwrap();
        assert!(s.starts_with("Due: ") || s.starts_with("Overdue: "), "{s}");
    }
    // The secretary's page says a feed is active; the address is not shown again.
    let again = sec.get("/calendar?lang=en", None).await;
    assert!(
        again.body.contains("You have an active calendar address"),
        "{}",
        again.body
    );
    assert!(
        !again.body.contains(&sec_path[10..]),
        "the token is shown once"
    );

    // A new address revokes the old; revoking ends the new one.
    let renewed = make_feed(&boss, "de").await;
    assert_eq!(fetch(&router, &path).await.status, StatusCode::NOT_FOUND);
    let de = fetch(&router, &renewed).await;
    assert_eq!(de.status, StatusCode::OK);
    assert!(
        de.body.contains("Fristen der Mitgliederentwicklung"),
        "German feed"
    );
    let r = boss
        .form("/calendar", &[("csrf", &boss.csrf), ("action", "revoke")])
        .await;
    assert!(r.body.contains("Đã thu hồi địa chỉ lịch"), "{}", r.body);
    assert_eq!(fetch(&router, &renewed).await.status, StatusCode::NOT_FOUND);
    // Forms without the session's CSRF token change nothing.
    let forged = boss
        .form("/calendar", &[("csrf", "x"), ("action", "new")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let bad = boss
        .form(
            "/calendar",
            &[("csrf", &boss.csrf), ("action", "new"), ("lang", "fr")],
        )
        .await;
    assert!(bad.body.contains("lang"), "{}", bad.body);

    // Malformed, unknown and foreign-looking addresses: 404 alike.
    for p in [
        "/calendar/x.ics".to_string(),
        format!("/calendar/cal_{}.ics", "0".repeat(64)),
        sec_path.trim_end_matches(".ics").to_string(),
        format!("/calendar/rk_{}.ics", "0".repeat(64)),
    ] {
        assert_eq!(
            fetch(&router, &p).await.status,
            StatusCode::NOT_FOUND,
            "{p}"
        );
    }

    // A disabled user's feed stops, and stays stopped when enabled again.
    assert_eq!(fetch(&router, &sec_path).await.status, StatusCode::OK);
    app.set_user_disabled(&sys, "bithu", true).await.unwrap();
    assert_eq!(
        fetch(&router, &sec_path).await.status,
        StatusCode::NOT_FOUND
    );
    app.set_user_disabled(&sys, "bithu", false).await.unwrap();
    assert_eq!(
        fetch(&router, &sec_path).await.status,
        StatusCode::NOT_FOUND
    );
    // A new password revokes the feed too.
    let sec = sign_in(&router, "bithu", pw)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let third = make_feed(&sec, "vi").await;
    assert_eq!(fetch(&router, &third).await.status, StatusCode::OK);
    app.set_password(&sys, "bithu", "một mật khẩu mới dài")
        .await
        .unwrap();
    assert_eq!(fetch(&router, &third).await.status, StatusCode::NOT_FOUND);
    // Made, renewed and revoked feeds are in the audit log, which verifies.
    assert!(app.verify_audit().await.unwrap().is_clean());
}
