//! What is remembered between requests, on SQLite and PostgreSQL: the
//! actor behind a session or a token is read once and then kept while
//! nothing is written, yet a session or token still ends on time, a
//! sign-out on one server ends it on another, and looking a session up
//! writes nothing. The audit generation every cache is checked against is
//! polled once for many concurrent requests and never misses a write
//! committed before the request.

use chrono::{DateTime, Duration, Utc};
use ranks_app::auth::Role;
use ranks_app::{Actor, App, Clock};
use ranks_store::records::{audit, users};
use ranks_testkit::{both_backends, TestDb};
use std::sync::{Arc, Mutex};

/// A clock the test moves.
struct Hands(Mutex<DateTime<Utc>>);

impl Clock for Hands {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl Hands {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

const PW: &str = "mật khẩu của cán bộ";

async fn app_on(db: &TestDb, hands: &Arc<Hands>) -> App {
    App::new(
        db.open().await,
        hands.clone(),
        Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    )
}

/// (audit entries, (sessions, attempts)) as stored.
async fn stored(app: &App) -> (i64, (i64, i64)) {
    let mut conn = app.db().read().await.unwrap();
    let entries = audit::count(&mut conn).await.unwrap();
    (entries, users::stored_counts(&mut conn).await.unwrap())
}

/// Two servers on one database. Looking a session up many times writes
/// nothing; signing out on one ends the session on the other at once; a
/// remembered session and token still end when their time is up.
async fn remembered_sessions_still_end(db: TestDb) {
    let hands = Arc::new(Hands(Mutex::new(
        "2026-11-24T03:00:00Z".parse().expect("instant"),
    )));
    let a = app_on(&db, &hands).await;
    let b = app_on(&db, &hands).await;
    a.add_user(&Actor::system(), "canbo", PW, Role::Admin, None, None)
        .await
        .unwrap();

    let s = a.sign_in("canbo", PW).await.unwrap();
    let before = stored(&a).await;
    for app in [&a, &b, &a, &b] {
        for _ in 0..10 {
            let (actor, csrf) = app.session_actor(&s.token).await.unwrap().unwrap();
            assert_eq!(
                (actor.name.as_str(), csrf.as_str()),
                ("canbo", s.csrf.as_str())
            );
        }
    }
    assert_eq!(stored(&a).await, before, "a lookup writes nothing");

    // Signed out on A: B, which remembers the session, no longer takes it.
    a.sign_out(&s.token).await.unwrap();
    assert!(b.session_actor(&s.token).await.unwrap().is_none());
    assert!(a.session_actor(&s.token).await.unwrap().is_none());
    let mut conn = a.db().read().await.unwrap();
    let trail = audit::for_entity(&mut conn, "sign_in", "canbo")
        .await
        .unwrap();
    drop(conn);
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["sign_in", "sign_out"]);
    // Signing out again (an ended session) writes nothing more.
    let after_out = stored(&a).await;
    a.sign_out(&s.token).await.unwrap();
    assert_eq!(stored(&a).await, after_out);

    // A session (12 hours) and a token (1 day), remembered by both servers,
    // end on time though nothing was written since.
    let s = a.sign_in("canbo", PW).await.unwrap();
    let t = a.create_token("canbo", "báo cáo đêm", 1).await.unwrap();
    for app in [&a, &b] {
        assert!(app.session_actor(&s.token).await.unwrap().is_some());
        assert!(app.token_actor(&t).await.unwrap().is_some());
    }
    let quiet = stored(&a).await;
    hands.advance(Duration::hours(11));
    for app in [&a, &b] {
        assert!(app.session_actor(&s.token).await.unwrap().is_some());
    }
    hands.advance(Duration::hours(1));
    for app in [&a, &b] {
        assert!(app.session_actor(&s.token).await.unwrap().is_none());
        assert!(app.token_actor(&t).await.unwrap().is_some());
    }
    hands.advance(Duration::hours(12));
    for app in [&a, &b] {
        assert!(app.token_actor(&t).await.unwrap().is_none());
    }
    assert_eq!(stored(&a).await, quiet, "ended without a write");
}

/// Fifty requests at once share a few polls of the audit generation, not
/// fifty; a generation asked for after a write commits always shows it,
/// on the server that wrote and on another.
async fn one_poll_serves_many_and_misses_no_write(db: TestDb) {
    let hands = Arc::new(Hands(Mutex::new(
        "2026-11-24T03:00:00Z".parse().expect("instant"),
    )));
    let a = app_on(&db, &hands).await;
    let b = app_on(&db, &hands).await;
    a.add_user(&Actor::system(), "canbo", PW, Role::Admin, None, None)
        .await
        .unwrap();
    let first = a.audit_generation().await.unwrap();
    let polls = a.generation_polls();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let a = a.clone();
            tokio::spawn(async move { a.audit_generation().await.unwrap() })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap(), first, "nothing was written");
    }
    let made = a.generation_polls() - polls;
    // On PostgreSQL a poll is a round trip, shared by the requests that
    // arrive while it runs. On SQLite it is two index lookups stepped
    // inline (`Db::page_conn`), done before another request can join it:
    // at most one per request, never more.
    let most = match a.db().backend() {
        ranks_store::Backend::Postgres => 10,
        ranks_store::Backend::Sqlite => 50,
    };
    assert!((1..=most).contains(&made), "{made} polls for 50 requests");

    let mut seen = vec![first];
    for i in 0..5 {
        let writer = if i % 2 == 0 { &a } else { &b };
        writer
            .create_token("canbo", &format!("lần {i}"), 1)
            .await
            .unwrap();
        // Readers already waiting keep asking while the write commits.
        let waiting: Vec<_> = (0..8)
            .map(|_| {
                let b = b.clone();
                tokio::spawn(async move { b.audit_generation().await.unwrap() })
            })
            .collect();
        let on_a = a.audit_generation().await.unwrap();
        let on_b = b.audit_generation().await.unwrap();
        assert_eq!(on_a, on_b);
        assert!(!seen.contains(&on_a), "write {i} seen as new");
        for w in waiting {
            assert_eq!(w.await.unwrap(), on_a);
        }
        seen.push(on_a);
    }
}

/// A read run as of the generation its request polled (`at_generation`)
/// takes the index and the summary kept at that generation, and still
/// sees a write committed by another server before the request: the next
/// request's generation differs, so both are brought up to date.
async fn reads_at_a_generation_see_every_earlier_write(db: TestDb) {
    let hands = Arc::new(Hands(Mutex::new(
        "2026-11-24T03:00:00Z".parse().expect("instant"),
    )));
    let a = app_on(&db, &hands).await;
    let b = app_on(&db, &hands).await;
    let sys = Actor::system();
    assert!(a.load_demo(&sys).await.unwrap().loaded);
    let page = |app: App, g| async move {
        let s = Actor::system();
        app.at_generation(g, async {
            let p = app.unit_page(&s, "BVSN.CB1", None).await.unwrap();
            let due = app.due_overview(&s, "BVSN.CB1", 20, 50).await.unwrap();
            (p, due)
        })
        .await
    };
    let g1 = a.audit_generation().await.unwrap();
    let (before, due_before) = page(a.clone(), g1).await;
    // The same generation again: the same page, from the kept versions.
    let (again, _) = page(a.clone(), g1).await;
    assert_eq!(again.stage_totals, before.stage_totals);
    assert_eq!(again.member_total, before.member_total);
    let who = ranks_app::pipeline::PersonRef::New {
        person: super::pipeline::person("Người Mới Đến", "1999-09-09"),
        general_grade: 12,
        area: String::new(),
    };
    let day = hands.now().date_naive();
    let id = b
        .add_candidate(&sys, who, "BVSN.CB1", None, Some(day))
        .await
        .unwrap();
    let g2 = a.audit_generation().await.unwrap();
    assert_ne!(g2, g1);
    let (after, due_after) = page(a.clone(), g2).await;
    let pool = |p: &ranks_app::reports::UnitPage| p.stage_totals.get("pool").copied();
    assert_eq!(pool(&after), Some(pool(&before).unwrap_or(0) + 1));
    assert!(after
        .candidates_by_stage
        .iter()
        .any(|s| s.1.iter().any(|c| c.id == id)));
    assert!(due_after.total >= due_before.total);
    // And equal to the page read outside any generation.
    let plain = a.unit_page(&sys, "BVSN.CB1", None).await.unwrap();
    assert_eq!(plain.stage_totals, after.stage_totals);
    assert_eq!(plain.candidates_by_stage, after.candidates_by_stage);
}

both_backends!(
    remembered_sessions_still_end,
    one_poll_serves_many_and_misses_no_write,
    reads_at_a_generation_see_every_earlier_write,
);
