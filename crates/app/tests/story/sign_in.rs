//! Sign-in against a real attack, on SQLite and PostgreSQL: the lockout
//! counted atomically under parallel attempts, unknown names costing the
//! same Argon2 check as known ones, no transaction held while a password is
//! checked, expired rows purged, credentials revoked with a new password or
//! a disabled user, and every sign-in and token change in the audit log.

use chrono::{DateTime, Duration, Utc};
use ranks_app::auth::Role;
use ranks_app::{Actor, App, AppError, Clock};
use ranks_store::records::{audit, users};
use ranks_testkit::{both_backends, TestDb};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
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

async fn app_with_clock(db: &TestDb) -> (App, Arc<Hands>) {
    let hands = Arc::new(Hands(Mutex::new(
        "2026-11-24T03:00:00Z".parse().expect("instant"),
    )));
    let app = App::new(
        db.open().await,
        hands.clone(),
        Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    );
    app.add_user(&Actor::system(), "canbo", PW, Role::Admin, None, None)
        .await
        .unwrap();
    (app, hands)
}

async fn trail(app: &App, entity: &str, id: &str) -> Vec<audit::AuditEntry> {
    let mut conn = app.db().read().await.unwrap();
    audit::for_entity(&mut conn, entity, id).await.unwrap()
}

/// Forty wrong passwords at once for one name: exactly five are checked
/// (and answered "wrong"), the other 35 are refused unchecked; then even the
/// right password waits until the window has passed.
async fn forty_parallel_wrong_passwords_check_exactly_five(db: TestDb) {
    let (app, hands) = app_with_clock(&db).await;
    let before = app.password_checks();
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move { app.sign_in("CanBo", &format!("đoán sai số {i}")).await })
        })
        .collect();
    let (mut wrong, mut limited) = (0, 0);
    for a in attempts {
        match a.await.unwrap() {
            Err(AppError::Forbidden(_)) => wrong += 1,
            Err(AppError::RateLimited) => limited += 1,
            other => panic!("unexpected answer: {:?}", other.map(|_| "a session")),
        }
    }
    assert_eq!((wrong, limited), (5, 35));
    assert_eq!(app.password_checks() - before, 5, "Argon2 ran five times");
    assert!(matches!(
        app.sign_in("canbo", PW).await,
        Err(AppError::RateLimited)
    ));
    assert_eq!(app.password_checks() - before, 5);
    hands.advance(Duration::minutes(14));
    assert!(matches!(
        app.sign_in("canbo", PW).await,
        Err(AppError::RateLimited)
    ));
    hands.advance(Duration::minutes(2));
    app.sign_in("canbo", PW)
        .await
        .expect("the window has passed");
    // Five failures and one sign-in in the audit log, chained.
    let entries = trail(&app, "sign_in", "canbo").await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in"
        ]
    );
    assert_eq!(entries[0].actor, "anonymous");
    assert_eq!(
        entries[0].after.as_ref().unwrap()["reason"],
        "wrong password"
    );
    assert_eq!(entries[5].actor, "canbo");
    let report = app.verify_audit().await.unwrap();
    assert!(report.is_clean(), "{report:?}");
}

/// An unknown name, a wrong password and a disabled user each cost exactly
/// one Argon2 check (the unknown name against the dummy hash), so the
/// answer's time tells nothing; a blocked name costs none.
async fn unknown_and_known_names_cost_the_same_check(db: TestDb) {
    let (app, _) = app_with_clock(&db).await;
    let sys = Actor::system();
    app.add_user(&sys, "tatmay", PW, Role::Admin, None, None)
        .await
        .unwrap();
    app.set_user_disabled(&sys, "tatmay", true).await.unwrap();
    for (name, pw, reason) in [
        ("khongco", "mật khẩu bất kỳ", "unknown user"),
        ("canbo", "mật khẩu sai rồi", "wrong password"),
        ("tatmay", PW, "disabled user"),
    ] {
        let before = app.password_checks();
        let err = app.sign_in(name, pw).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{name}: {err}");
        assert_eq!(err.to_string(), "not allowed: wrong username or password");
        assert_eq!(app.password_checks() - before, 1, "{name}");
        let last = trail(&app, "sign_in", name).await.pop().unwrap();
        assert_eq!(last.action, "sign_in_failed");
        assert_eq!(last.after.unwrap()["reason"], reason);
    }
    // A name of 10,000 characters: refused alike; only its start is recorded.
    let long = "x".repeat(10_000);
    let before = app.password_checks();
    assert!(matches!(
        app.sign_in(&long, PW).await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(app.password_checks() - before, 1);
    assert_eq!(trail(&app, "sign_in", &long[..65]).await.len(), 1);
    let err = app
        .add_user(&sys, &long[..65], PW, Role::Admin, None, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at most 64"), "{err}");
    let before = app.password_checks();
    app.sign_in("canbo", PW).await.unwrap();
    assert_eq!(app.password_checks() - before, 1);
    for _ in 0..5 {
        let _ = app.sign_in("khongco", "mật khẩu bất kỳ").await;
    }
    let before = app.password_checks();
    assert!(matches!(
        app.sign_in("khongco", "mật khẩu bất kỳ").await,
        Err(AppError::RateLimited)
    ));
    assert_eq!(
        app.password_checks(),
        before,
        "a blocked name is not checked"
    );
}

/// While passwords are being checked, other requests can write: a sign-in
/// holds no transaction then (not SQLite's single writer, nor one of the
/// eight connections of PostgreSQL's write pool). Eight sign-ins at once;
/// each check waits until all eight attempts are recorded (committed), then
/// writes from inside the check.
async fn checking_a_password_holds_no_write_lock(db: TestDb) {
    const AT_ONCE: usize = 8;
    let (app, _) = app_with_clock(&db).await;
    let wrote: Arc<Mutex<Vec<bool>>> = Arc::default();
    let handle = tokio::runtime::Handle::current();
    let (db2, log) = (app.db().clone(), wrote.clone());
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (now2, most2) = (now.clone(), most.clone());
    app.set_password_check_hook(Some(Arc::new(move || {
        most2.fetch_max(now2.fetch_add(1, SeqCst) + 1, SeqCst);
        let ok = handle.block_on(async {
            let in_time = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                loop {
                    let mut conn = db2.read().await.unwrap();
                    if users::stored_counts(&mut conn).await.unwrap().1 >= AT_ONCE as i64 {
                        break;
                    }
                    drop(conn);
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                // In the middle of a sign-in, a write of our own must get a
                // write transaction and commit.
                let tx = db2.begin_write().await.unwrap();
                tx.commit().await.is_ok()
            });
            in_time.await.unwrap_or(false)
        });
        log.lock().unwrap().push(ok);
        now2.fetch_sub(1, SeqCst);
    })));
    let attempts: Vec<_> = (0..AT_ONCE)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                // (Attempts in progress count against a name's five.)
                match i {
                    0 | 1 => app.sign_in("canbo", PW).await.is_ok(),
                    2 | 3 => app.sign_in("canbo", "mật khẩu sai rồi").await.is_err(),
                    _ => app.sign_in(&format!("khongco{i}"), PW).await.is_err(),
                }
            })
        })
        .collect();
    for a in attempts {
        assert!(a.await.unwrap());
    }
    app.set_password_check_hook(None);
    assert_eq!(*wrote.lock().unwrap(), [true; AT_ONCE]);
    // And at most half the cores checked passwords at once, leaving the
    // rest to the other requests.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert!(
        most.load(SeqCst) <= (cores / 2).max(1),
        "{most:?} at once on {cores} cores"
    );
}

/// Expired sessions and attempts older than the lockout window are purged
/// (by the next sign-in, at most once a minute, or on demand).
async fn expired_sessions_and_old_attempts_are_purged(db: TestDb) {
    let (app, hands) = app_with_clock(&db).await;
    let counts = |app: App| async move {
        let mut conn = app.db().read().await.unwrap();
        users::stored_counts(&mut conn).await.unwrap()
    };
    app.sign_in("canbo", PW).await.unwrap();
    let _ = app.sign_in("canbo", "mật khẩu sai rồi").await;
    let _ = app.sign_in("khongco", "mật khẩu sai rồi").await;
    assert_eq!(counts(app.clone()).await, (1, 3));
    // Within the window nothing goes.
    hands.advance(Duration::minutes(10));
    assert_eq!(app.purge_expired().await.unwrap(), (0, 0));
    // Past the session's 12 hours: the next sign-in clears the old rows.
    hands.advance(Duration::hours(12));
    let session = app.sign_in("canbo", PW).await.unwrap();
    assert_eq!(
        counts(app.clone()).await,
        (1, 1),
        "only the new session and attempt"
    );
    assert!(app.session_actor(&session.token).await.unwrap().is_some());
    hands.advance(Duration::hours(13));
    assert_eq!(app.purge_expired().await.unwrap(), (1, 1));
    assert_eq!(counts(app.clone()).await, (0, 0));
}

/// A new password or a disabled user ends the user's sessions and revokes
/// their tokens; enabling them again brings none back. Token creation and
/// revocation are audited.
async fn new_password_or_disabling_revokes_sessions_and_tokens(db: TestDb) {
    let (app, _) = app_with_clock(&db).await;
    let sys = Actor::system();
    let live = |app: App, session: String, token: String| async move {
        (
            app.session_actor(&session).await.unwrap().is_some(),
            app.token_actor(&token).await.unwrap().is_some(),
        )
    };
    let s = app.sign_in("canbo", PW).await.unwrap().token;
    let t = app.create_token("canbo", "xuất báo cáo", 30).await.unwrap();
    assert_eq!(live(app.clone(), s.clone(), t.clone()).await, (true, true));
    let new_pw = "một mật khẩu mới hẳn";
    app.set_password(&sys, "canbo", new_pw).await.unwrap();
    assert_eq!(live(app.clone(), s, t).await, (false, false));

    let s = app.sign_in("canbo", new_pw).await.unwrap().token;
    let t = app.create_token("canbo", "lần hai", 30).await.unwrap();
    assert_eq!(live(app.clone(), s.clone(), t.clone()).await, (true, true));
    app.set_user_disabled(&sys, "canbo", true).await.unwrap();
    assert_eq!(
        live(app.clone(), s.clone(), t.clone()).await,
        (false, false)
    );
    assert!(app.create_token("canbo", "bị khoá", 1).await.is_err());
    app.set_user_disabled(&sys, "canbo", false).await.unwrap();
    assert_eq!(
        live(app.clone(), s, t).await,
        (false, false),
        "enabling brings no old credential back"
    );
    assert!(app.tokens().await.unwrap().iter().all(|t| t.revoked));

    let id = app.users().await.unwrap()[0].id.to_string();
    let user_trail: Vec<_> = trail(&app, "user", &id)
        .await
        .into_iter()
        .map(|e| (e.action, e.after.map(|a| a["tokens_revoked"].clone())))
        .collect();
    assert_eq!(
        user_trail,
        [
            ("create".to_string(), Some(serde_json::Value::Null)),
            ("passwd".to_string(), Some(serde_json::json!(1))),
            ("disable".to_string(), Some(serde_json::json!(1))),
            ("enable".to_string(), Some(serde_json::json!(0))),
        ]
    );

    // Tokens: creation and revocation audited, never the token itself.
    let t = app.create_token("canbo", "đêm", 7).await.unwrap();
    let listed = app.tokens().await.unwrap();
    let newest = listed.last().unwrap();
    app.revoke_token(newest.id).await.unwrap();
    app.revoke_token(newest.id).await.unwrap();
    assert!(matches!(
        app.revoke_token(9999).await,
        Err(AppError::NotFound { .. })
    ));
    let entries = trail(&app, "api_token", &newest.id.to_string()).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "revoke"],
        "a second revoke changes nothing"
    );
    assert_eq!(entries[0].after.as_ref().unwrap()["name"], "đêm");
    assert!(!format!("{entries:?}").contains(&t[3..]));
    assert!(app.token_actor(&t).await.unwrap().is_none());
}

/// The policy applies to every new password: length, whitespace, the list
/// of common ones; the error names the rule.
async fn weak_passwords_are_refused_with_their_rule(db: TestDb) {
    let (app, _) = app_with_clock(&db).await;
    let sys = Actor::system();
    for (pw, rule) in [
        ("ngắn quá", "at least 12 characters"),
        ("               ", "not only spaces"),
        ("MatKhau123456", "commonly used passwords"),
        ("qwerty123456", "commonly used passwords"),
    ] {
        let add = app
            .add_user(&sys, "moi", pw, Role::Admin, None, None)
            .await
            .unwrap_err()
            .to_string();
        assert!(add.starts_with("password:") && add.contains(rule), "{add}");
        let change = app
            .set_password(&sys, "canbo", pw)
            .await
            .unwrap_err()
            .to_string();
        assert!(change.contains(rule), "{change}");
    }
    assert!(app.users().await.unwrap().len() == 1, "nothing written");
    app.sign_in("canbo", PW)
        .await
        .expect("the old password stands");
}

both_backends!(
    forty_parallel_wrong_passwords_check_exactly_five,
    unknown_and_known_names_cost_the_same_check,
    checking_a_password_holds_no_write_lock,
    expired_sessions_and_old_attempts_are_purged,
    new_password_or_disabling_revokes_sessions_and_tokens,
    weak_passwords_are_refused_with_their_rule,
);
