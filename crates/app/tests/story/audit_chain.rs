//! The audit log's keyed chain: every write sealed in order; an entry
//! changed, removed or reordered afterwards is named by `verify`.

use ranks_app::{Actor, App};
use ranks_store::records::audit::Fault;
use ranks_testkit::{both_backends, TestDb};
use sqlx::Row;

async fn exec(app: &App, sql: &str) {
    let mut tx = app.db().begin_write().await.unwrap();
    sqlx::query(sql).execute(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn nth_id(app: &App, n: i64) -> i64 {
    let mut conn = app.db().read().await.unwrap();
    sqlx::query("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET $1")
        .bind(n)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn a_tampered_log_is_named(db: TestDb) {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    let r = app.verify_audit().await.unwrap();
    assert!(r.entries > 1000, "{r:?}");
    assert!(r.is_clean(), "{:?} {:?}", r.problems, r.differences);
    assert_eq!(r.verified, r.entries);
    assert!(r.records > 500, "records replayed: {}", r.records);
    let (_, head) = r.head.unwrap();
    assert!(head.starts_with("hmac:") && head.len() == 5 + 64, "{head}");

    // Changed: an entry's actor rewritten.
    let changed = nth_id(&app, 500).await;
    exec(
        &app,
        &format!("UPDATE audit_log SET actor = 'someone else' WHERE id = {changed}"),
    )
    .await;
    let r = app.verify_audit().await.unwrap();
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.names(changed, Fault::Changed), "{:?}", r.problems);
}

async fn a_removed_or_reordered_entry_is_named(db: TestDb) {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    // Removed: the entry after the gap is named.
    let gone = nth_id(&app, 300).await;
    let next = nth_id(&app, 301).await;
    exec(&app, &format!("DELETE FROM audit_log WHERE id = {gone}")).await;
    let r = app.verify_audit().await.unwrap();
    assert!(r.names(next, Fault::Gap), "{:?}", r.problems);

    // Reordered: two entries swap places.
    let db2 = TestDb::sqlite();
    let app = db2.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    let (a, b) = (nth_id(&app, 100).await, nth_id(&app, 101).await);
    exec(
        &app,
        &format!("UPDATE audit_log SET id = -1 WHERE id = {a}"),
    )
    .await;
    exec(
        &app,
        &format!("UPDATE audit_log SET id = {a} WHERE id = {b}"),
    )
    .await;
    exec(
        &app,
        &format!("UPDATE audit_log SET id = {b} WHERE id = -1"),
    )
    .await;
    let r = app.verify_audit().await.unwrap();
    assert!(
        r.names(a, Fault::Changed) && r.names(b, Fault::Changed),
        "{:?}",
        r.problems
    );
}

async fn writes_keep_the_chain(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let before = app.verify_audit().await.unwrap();
    app.set_target(
        &sys,
        "BVPHCN",
        &ranks_app::targets::Period::parse("2026").unwrap(),
        4,
    )
    .await
    .unwrap();
    let after = app.verify_audit().await.unwrap();
    assert!(
        after.is_clean(),
        "{:?} {:?}",
        after.problems,
        after.differences
    );
    assert!(after.entries > before.entries);
    assert_ne!(after.head, before.head);
}

both_backends!(
    a_tampered_log_is_named,
    a_removed_or_reordered_entry_is_named,
    writes_keep_the_chain
);
