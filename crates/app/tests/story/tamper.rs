//! Someone with the database file (but not the audit key, kept outside it)
//! tampers with it; `verify_audit` names what was done (issue 12, item 5).
//! Each case prints one `tamper:` line with what was found.

use ranks_app::{Actor, App};
use ranks_store::anchor::{AuditFiles, AuditKey};
use ranks_store::records::audit::{entry_hash, Fault};
use ranks_store::Db;
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

async fn one_i64(app: &App, sql: &str) -> i64 {
    let mut conn = app.db().read().await.unwrap();
    sqlx::query(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// The demo, with its head written to the checkpoint file (as the CLI
/// does after the command and the server every minute).
async fn demo(db: &TestDb) -> App {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    app.checkpoint().await.unwrap().expect("a head");
    app
}

fn target_2026() -> ranks_app::targets::Period {
    ranks_app::targets::Period::parse("2026").unwrap()
}

async fn a_cut_tail_is_detected(db: TestDb) {
    let app = demo(&db).await;
    let all = ids(&app).await;
    let last = *all.last().unwrap();
    let cut = all[all.len() - 500];
    exec(&app, &format!("DELETE FROM audit_log WHERE id >= {cut}")).await;
    let r = app.verify_audit().await.unwrap();
    assert!(r.names(last, Fault::Missing), "{:?}", r.problems);
    eprintln!("tamper: 500 entries cut from the tail: {}", r.problems[0]);
    // Writing on does not hide the cut: the checkpoint still names the entry.
    app.set_target(&Actor::system(), "BVPHCN", &target_2026(), 4)
        .await
        .unwrap();
    let r = app.verify_audit().await.unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| p.fault == Fault::Missing || p.fault == Fault::CheckpointDiffers),
        "{:?}",
        r.problems
    );
}

/// Rewrites the entries from `from` on with `hash` (given prev, id and
/// fields), as a script would: the link and the hash recomputed.
async fn recompute(app: &App, from: i64, hash: impl Fn(&str, i64, [Option<&str>; 7]) -> String) {
    let mut conn = app.db().read().await.unwrap();
    let rows = sqlx::query("SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash FROM audit_log WHERE id >= $1 ORDER BY id")
        .bind(from)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let mut prev: String = rows[0].try_get(8).unwrap();
    let mut tx = app.db().begin_write().await.unwrap();
    for r in &rows {
        let id: i64 = r.try_get(0).unwrap();
        let f: Vec<Option<String>> = (1..8).map(|i| r.try_get(i).unwrap()).collect();
        let h = hash(
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
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&prev)
            .bind(&h)
            .bind(id)
            .execute(tx.conn())
            .await
            .unwrap();
        prev = h;
    }
    tx.commit().await.unwrap();
}

async fn a_rewritten_row_with_recomputed_hashes_is_detected(db: TestDb) {
    let app = demo(&db).await;
    let all = ids(&app).await;
    let target = all[all.len() / 2];
    let after = (all.len() - all.len() / 2) as u64;
    exec(
        &app,
        &format!("UPDATE audit_log SET actor = 'mallory' WHERE id = {target}"),
    )
    .await;
    // The unkeyed SHA-256 chain of earlier versions, dressed as MACs.
    recompute(&app, target, |p, id, f| {
        format!("hmac:{}", entry_hash(p, id, f))
    })
    .await;
    let r = app.verify_audit().await.unwrap();
    let changed = r
        .problems
        .iter()
        .find(|p| p.fault == Fault::Changed)
        .expect("changed entries named");
    assert_eq!((changed.first, changed.count), (target, after), "{changed}");
    assert_eq!(r.verified, r.entries - after);
    eprintln!("tamper: a row rewritten, SHA-256 chain recomputed: {changed}");

    // With a key of the attacker's own: the same.
    let dir = tempfile::tempdir().unwrap();
    let other = AuditKey::create(&dir.path().join("k")).unwrap();
    recompute(&app, target, |p, id, f| other.mac(p, id, f)).await;
    let r = app.verify_audit().await.unwrap();
    assert!(r.names(target, Fault::Changed), "{:?}", r.problems);
    assert!(r.names(*all.last().unwrap(), Fault::Changed));
    assert!(
        r.names(*all.last().unwrap(), Fault::CheckpointDiffers),
        "the head differs from the checkpoint: {:?}",
        r.problems
    );
    eprintln!(
        "tamper: a row rewritten, chain recomputed with another key: {}",
        r.problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    );
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
    // A normal write afterwards seals its own entry only.
    app.set_target(&Actor::system(), "BVPHCN", &target_2026(), 4)
        .await
        .unwrap();
    assert_eq!(
        one_i64(&app, "SELECT COUNT(*) FROM audit_log WHERE hash IS NULL").await,
        300,
        "not sealed by the write"
    );
    let r = app.verify_audit().await.unwrap();
    let unsealed = r
        .problems
        .iter()
        .find(|p| p.fault == Fault::Unsealed)
        .expect("unsealed entries named");
    assert_eq!(
        (unsealed.first, unsealed.last, unsealed.count),
        (from, *all.last().unwrap(), 300)
    );
    assert_eq!(r.verified, r.entries - 300, "the new entry verifies");
    eprintln!("tamper: hash = NULL on 300 entries, then a write: {unsealed}");
}

async fn data_table_edits_are_detected(db: TestDb) {
    let app = demo(&db).await;
    let member = one_i64(
        &app,
        "SELECT id FROM members WHERE status = 'official' ORDER BY id LIMIT 1",
    )
    .await;
    let person = one_i64(&app, "SELECT MAX(id) FROM people").await;
    let unit = one_i64(&app, "SELECT id FROM units WHERE code = 'BVPHCN'").await;
    let candidate = one_i64(&app, "SELECT MIN(id) FROM candidates").await;
    app.set_target(&Actor::system(), "BVPHCN", &target_2026(), 4)
        .await
        .unwrap();
    let edits = [
        format!("UPDATE members SET status = 'expelled' WHERE id = {member}"),
        format!("UPDATE people SET full_name = 'Nguyễn Văn Giả' WHERE id = {person}"),
        format!("UPDATE units SET name = 'Chi bộ khác' WHERE id = {unit}"),
        format!("UPDATE candidates SET stage = 'forged' WHERE id = {candidate}"),
        format!("UPDATE year_targets SET target = 40 WHERE unit_id = {unit} AND year = 2026"),
        "DELETE FROM term_targets WHERE term_id = (SELECT MIN(id) FROM terms) AND unit_id = (SELECT MIN(unit_id) FROM term_targets WHERE term_id = (SELECT MIN(id) FROM terms))".to_string(),
    ];
    for e in &edits {
        exec(&app, e).await;
    }
    let r = app.verify_audit().await.unwrap();
    assert!(
        r.problems.is_empty(),
        "the log itself is sound: {:?}",
        r.problems
    );
    for d in &r.differences {
        eprintln!("tamper: data edited in SQL: {d}");
    }
    let found = |table: &str, id: &str, field: &str| {
        r.differences
            .iter()
            .any(|d| d.table == table && d.id == id && d.field == field)
    };
    let m = member.to_string();
    assert!(found("members", &m, "status"), "{:?}", r.differences);
    let d = r
        .differences
        .iter()
        .find(|d| d.table == "members" && d.id == m)
        .unwrap();
    assert_eq!(
        (d.logged.as_deref(), d.current.as_deref()),
        (Some("official"), Some("expelled"))
    );
    assert!(found("people", &person.to_string(), "full_name"));
    assert!(found("units", &unit.to_string(), "name"));
    assert!(found("candidates", &candidate.to_string(), "stage"));
    assert!(found("year_targets", "BVPHCN:2026", "target"));
    assert!(r
        .differences
        .iter()
        .any(|d| d.table == "term_targets" && d.field == "*"));
    assert_eq!(r.differences.len(), edits.len(), "{:?}", r.differences);
}

async fn a_missing_or_wrong_key_is_reported(db: TestDb) {
    let app = demo(&db).await;
    let files = db.audit_files();
    let open = |create: bool| {
        let (url, files) = (db.url.clone(), files.clone());
        async move {
            Db::open(&url, "2026-11-24T00:00:00Z")
                .await
                .unwrap()
                .attach_audit(&files, create)
                .await
        }
    };
    // The key file gone: refused, whether writing or verifying; no new key.
    let saved = std::fs::read(&files.key).unwrap();
    std::fs::remove_file(&files.key).unwrap();
    for create in [true, false] {
        let e = open(create).await.unwrap_err().to_string();
        assert!(
            e.contains("is missing") && e.contains("docs/audit.md"),
            "{e}"
        );
        eprintln!("tamper: key file removed: {e}");
    }
    assert!(!files.key.exists(), "no new key made over a sealed log");
    // Another key in its place: refused for writing; verification names it.
    let dir = tempfile::tempdir().unwrap();
    let wrong = AuditKey::create(&dir.path().join("k")).unwrap();
    std::fs::copy(wrong.path(), &files.key).unwrap();
    let e = open(true).await.unwrap_err().to_string();
    assert!(e.contains("verifies none"), "{e}");
    eprintln!("tamper: wrong key: {e}");
    let (db2, _) = open(false).await.unwrap();
    let app2 = App::new(
        db2,
        std::sync::Arc::new(ranks_app::FixedClock::on(ranks_testkit::test_today())),
        app.profile().clone(),
    );
    let r = app2.verify_audit().await.unwrap();
    assert_eq!(r.verified, 0);
    assert_eq!(
        (r.problems[0].fault, r.problems[0].count),
        (Fault::Changed, r.entries),
        "{:?}",
        r.problems
    );
    // The right key back: all is well again.
    std::fs::write(&files.key, saved).unwrap();
    let (db3, _) = open(true).await.unwrap();
    let app3 = App::new(
        db3,
        std::sync::Arc::new(ranks_app::FixedClock::on(ranks_testkit::test_today())),
        app.profile().clone(),
    );
    assert!(app3.verify_audit().await.unwrap().is_clean());
}

/// A log written by an earlier version (the unkeyed chain) is checked and
/// sealed with a new key once; a broken one is refused; MACs replaced by
/// unkeyed hashes on a log that had a key are refused too.
async fn an_unkeyed_log_is_sealed_once(db: TestDb) {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    let files: AuditFiles = db.audit_files();
    let entries = ids(&app).await.len() as u64;
    // What an earlier version left: the SHA-256 chain, no key file.
    let first = ids(&app).await[0];
    exec(
        &app,
        &format!(
            "UPDATE audit_log SET prev_hash = '{}' WHERE id = {first}",
            ranks_store::records::audit::GENESIS
        ),
    )
    .await;
    recompute(&app, first, entry_hash).await;
    std::fs::remove_file(&files.key).unwrap();
    let open = |create: bool| {
        let (url, files) = (db.url.clone(), files.clone());
        async move {
            Db::open(&url, "2026-11-24T00:00:00Z")
                .await
                .unwrap()
                .attach_audit(&files, create)
                .await
        }
    };
    // Broken first: refused, nothing created.
    let third = ids(&app).await[2];
    exec(
        &app,
        &format!("UPDATE audit_log SET actor = 'x' WHERE id = {third}"),
    )
    .await;
    let e = open(true).await.unwrap_err().to_string();
    assert!(e.contains("unkeyed chain is broken at entry"), "{e}");
    assert!(!files.key.exists(), "no key left by the refused upgrade");
    exec(
        &app,
        &format!("UPDATE audit_log SET actor = 'system' WHERE id = {third}"),
    )
    .await;
    // Sound: sealed with a new key, and it says so.
    let (db2, notice) = open(true).await.unwrap();
    let notice = notice.unwrap();
    assert!(
        notice.contains(&format!("{entries} entries verified and was sealed")),
        "{notice}"
    );
    let app2 = App::new(
        db2,
        std::sync::Arc::new(ranks_app::FixedClock::on(ranks_testkit::test_today())),
        app.profile().clone(),
    );
    let r = app2.verify_audit().await.unwrap();
    assert!(r.is_clean() && r.verified == entries, "{:?}", r.problems);
    app2.checkpoint().await.unwrap();
    // Someone turns the MACs back into the unkeyed chain: refused at open,
    // named by verify.
    recompute(&app2, first, entry_hash).await;
    let e = open(true).await.unwrap_err().to_string();
    assert!(e.contains("checkpoint"), "{e}");
    let r = app2.verify_audit().await.unwrap();
    assert!(r.names(first, Fault::Unkeyed), "{:?}", r.problems);
    eprintln!("tamper: MACs replaced by the unkeyed chain: {e}");
}

/// The application's own writes never show as differences: member
/// movements, a unit moved with its subtree, targets; the log and the rows
/// agree.
async fn the_applications_own_writes_replay_clean(db: TestDb) {
    use ranks_app::pipeline::Movement;
    let app = demo(&db).await;
    let sys = Actor::system();
    let officials: Vec<i64> = {
        let mut conn = app.db().read().await.unwrap();
        sqlx::query("SELECT m.id FROM members m JOIN units u ON u.id = m.unit_id WHERE m.status = 'official' AND u.code LIKE 'BVPHCN.%' ORDER BY m.id LIMIT 4")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get(0).unwrap())
            .collect()
    };
    let moves = [
        Movement::Card {
            number: "012345".into(),
        },
        Movement::Exempt {
            level: "partial".into(),
        },
        Movement::TransferTo {
            cell: "BVDK.CB1".into(),
        },
        Movement::Remove {
            reason: "chuyển công tác".into(),
        },
    ];
    for (m, mv) in officials.iter().zip(moves) {
        app.member_movement(&sys, *m, mv, None).await.unwrap();
    }
    app.move_unit(&sys, "BVPHCN.CB1", "BVDK", ranks_testkit::test_today())
        .await
        .unwrap();
    app.set_target(&sys, "BVPHCN", &target_2026(), 5)
        .await
        .unwrap();
    let r = app.verify_audit().await.unwrap();
    assert!(r.is_clean(), "{:?} {:?}", r.problems, r.differences);
    assert!(r.records > 900, "{}", r.records);
}

both_backends!(
    a_cut_tail_is_detected,
    a_rewritten_row_with_recomputed_hashes_is_detected,
    unsealed_rows_are_reported_not_resealed,
    data_table_edits_are_detected,
    a_missing_or_wrong_key_is_reported,
    an_unkeyed_log_is_sealed_once,
    the_applications_own_writes_replay_clean
);
