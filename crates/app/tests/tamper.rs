//! Someone with the database file tampers with it; `verify_audit` names
//! what was done (issue 12, item 5). Old-API version: run against the
//! unkeyed chain to show that every case went undetected before.

use ranks_app::{Actor, App};
use ranks_testkit::{both_backends, TestDb};
use sqlx::Row;

async fn exec(app: &App, sql: &str) {
    let mut tx = app.db().begin_write().await.unwrap();
    sqlx::query(sql).execute(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn ids(app: &App) -> Vec<i64> {
    let mut conn = app.db().read().await.unwrap();
    sqlx::query("SELECT id FROM audit_log ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect()
}

async fn demo(db: &TestDb) -> App {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    app
}

async fn detected(app: &App) -> bool {
    app.verify_audit().await.unwrap().broken.is_some()
}

async fn a_cut_tail_is_detected(db: TestDb) {
    let app = demo(&db).await;
    let all = ids(&app).await;
    let cut = all[all.len() - 500];
    exec(&app, &format!("DELETE FROM audit_log WHERE id >= {cut}")).await;
    assert!(detected(&app).await, "500 entries cut from the tail");
}

async fn a_rewritten_row_with_recomputed_hashes_is_detected(db: TestDb) {
    let app = demo(&db).await;
    let all = ids(&app).await;
    let target = all[all.len() / 2];
    exec(
        &app,
        &format!("UPDATE audit_log SET actor = 'mallory' WHERE id = {target}"),
    )
    .await;
    // What an attacker does with 20 lines of Python: recompute the chain.
    let mut conn = app.db().read().await.unwrap();
    let rows = sqlx::query("SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash FROM audit_log WHERE id >= $1 ORDER BY id")
        .bind(target)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let mut prev: String = rows[0].try_get(8).unwrap();
    let mut updates = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get(0).unwrap();
        let f: Vec<Option<String>> = (1..8).map(|i| r.try_get(i).unwrap()).collect();
        let h = ranks_store::records::audit::entry_hash(
            &prev,
            id,
            [
                f[0].as_deref(),
                f[1].as_deref(),
                f[2].as_deref(),
                f[3].as_deref(),
                f[4].as_deref(),
                f[5].as_deref(),
                f[6].as_deref(),
            ],
        );
        updates.push(format!(
            "UPDATE audit_log SET prev_hash = '{prev}', hash = '{h}' WHERE id = {id}"
        ));
        prev = h;
    }
    drop(conn);
    for u in updates {
        exec(&app, &u).await;
    }
    assert!(detected(&app).await, "a rewritten entry, chain recomputed");
}

async fn unsealed_rows_are_reported_not_resealed(db: TestDb) {
    let app = demo(&db).await;
    let all = ids(&app).await;
    let from = all[all.len() - 300];
    exec(
        &app,
        &format!("UPDATE audit_log SET actor = 'mallory', hash = NULL WHERE id >= {from}"),
    )
    .await;
    // A normal write afterwards.
    app.set_target(
        &Actor::system(),
        "BVPHCN",
        &ranks_app::targets::Period::parse("2026").unwrap(),
        4,
    )
    .await
    .unwrap();
    assert!(detected(&app).await, "rows without hash, then a write");
}

async fn a_data_table_edit_is_detected(db: TestDb) {
    let app = demo(&db).await;
    let mut conn = app.db().read().await.unwrap();
    let member: i64 = sqlx::query("SELECT id FROM members WHERE status = 'official' ORDER BY id LIMIT 1")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    drop(conn);
    exec(
        &app,
        &format!("UPDATE members SET status = 'expelled' WHERE id = {member}"),
    )
    .await;
    assert!(detected(&app).await, "a member marked expelled in SQL");
}

both_backends!(
    a_cut_tail_is_detected,
    a_rewritten_row_with_recomputed_hashes_is_detected,
    unsealed_rows_are_reported_not_resealed,
    a_data_table_edit_is_detected
);
