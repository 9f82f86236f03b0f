//! Backup while the application runs, restore, and every report and the
//! audit chain compared (SQLite; PostgreSQL is backed up with pg_dump).

use ranks_app::integrity::restore_sqlite;
use ranks_app::{Actor, App};
use ranks_store::anchor::AuditFiles;
use ranks_testkit::TestDb;

async fn reports(app: &App) -> String {
    let sys = Actor::system();
    let mut out = String::new();
    for term in ["2015-2020", "2020-2025", "2025-2030"] {
        let r = app.achievement(&sys, None, term, None).await.unwrap();
        out.push_str(&format!("{:?}\n", r.rows));
        let f = app.forecast(&sys, term, None, None).await.unwrap();
        out.push_str(&format!(
            "{:?}\n",
            f.rows
                .iter()
                .map(|r| (&r.code, r.admitted))
                .collect::<Vec<_>>()
        ));
    }
    out.push_str(&format!(
        "{:?}\n",
        app.statistics(&sys, None, 2025)
            .await
            .unwrap()
            .iter()
            .map(|s| (&s.code, s.members, s.admitted))
            .collect::<Vec<_>>()
    ));
    out.push_str(&format!("{:?}\n", app.due(&sys, None, None).await.unwrap()));
    out.push_str(&format!(
        "{:?}\n",
        app.evaluate(&sys, None, 2025).await.unwrap().rows
    ));
    out
}

fn app_on(
    url: &ranks_store::DatabaseUrl,
    files: &AuditFiles,
) -> impl std::future::Future<Output = App> {
    let (url, files) = (url.clone(), files.clone());
    async move {
        let db = ranks_store::Db::open(&url, "2026-11-24T00:00:00Z")
            .await
            .unwrap()
            .attach_audit(&files, true)
            .await
            .unwrap()
            .0;
        App::new(
            db,
            std::sync::Arc::new(ranks_app::FixedClock::on(ranks_testkit::test_today())),
            std::sync::Arc::new(ranks_domain::procedure::Profile::default_cpv()),
        )
    }
}

fn sqlite(path: &std::path::Path) -> ranks_store::DatabaseUrl {
    ranks_store::DatabaseUrl::Sqlite {
        path: path.to_string_lossy().into_owned(),
    }
}

#[tokio::test]
async fn backup_then_restore_gives_back_every_report_and_the_chain() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let before = reports(&app).await;
    let chain = app.verify_audit().await.unwrap();
    assert!(chain.is_clean());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ranks-backup.db");
    let bytes = app.backup(&file).await.unwrap();
    assert!(bytes > 100_000, "{bytes}");
    assert!(app.backup(&file).await.is_err(), "never overwrites a file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is private");
    }

    // Life goes on after the backup.
    app.set_target(
        &sys,
        "BVPHCN",
        &ranks_app::targets::Period::parse("2020-2025").unwrap(),
        99,
    )
    .await
    .unwrap();
    assert_ne!(reports(&app).await, before);

    // Restored elsewhere with this installation's key.
    let restored = dir.path().join("restored.db");
    let files = AuditFiles {
        key: db.audit_files().key,
        checkpoint: dir.path().join("restored.db.checkpoint"),
    };
    let r = restore_sqlite(&file, &restored, false, &files)
        .await
        .unwrap();
    assert_eq!((r.entries, r.kept.as_ref()), (chain.entries, None));
    assert!(
        restore_sqlite(&file, &restored, false, &files)
            .await
            .is_err(),
        "an existing database is not replaced without --force"
    );
    let app2 = app_on(&sqlite(&restored), &files).await;
    assert_eq!(
        reports(&app2).await,
        before,
        "every report as it was at the backup"
    );
    let chain2 = app2.verify_audit().await.unwrap();
    assert!(chain2.is_clean());
    assert_eq!((chain2.entries, &chain2.head), (chain.entries, &chain.head));
    assert_eq!(
        chain2.checkpoints, 1,
        "a checkpoint file starting at the restored head"
    );

    // A damaged backup is refused before anything is replaced.
    let bad = dir.path().join("damaged.db");
    let mut data = std::fs::read(&file).unwrap();
    data.truncate(data.len() / 2);
    std::fs::write(&bad, data).unwrap();
    let target = dir.path().join("other.db");
    assert!(restore_sqlite(&bad, &target, false, &files).await.is_err());
    assert!(!target.exists());

    // A backup of another installation (another key) is refused.
    let stranger = TestDb::sqlite();
    let app3 = stranger.app().await;
    assert!(app3.load_demo(&sys).await.unwrap().loaded);
    let theirs = dir.path().join("theirs.db");
    app3.backup(&theirs).await.unwrap();
    let e = restore_sqlite(&theirs, &target, false, &files)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not verify"), "{e}");
    assert!(!target.exists());
}

fn stamp(p: &std::path::Path) -> (Vec<u8>, std::time::SystemTime) {
    (
        std::fs::read(p).unwrap(),
        std::fs::metadata(p).unwrap().modified().unwrap(),
    )
}

#[tokio::test]
async fn a_non_ranks_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // An empty file is an empty SQLite database; another holds someone else's table.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let other = dir.path().join("other.db");
    {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=rwc", other.display()))
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x')")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    for file in [&empty, &other] {
        let before = stamp(file);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let target = dir.path().join("target.db");
        let files = AuditFiles::default_for(&sqlite(&target)).unwrap();
        let err = restore_sqlite(file, &target, false, &files)
            .await
            .expect_err("not a Ranks database");
        assert!(err.to_string().contains("not a Ranks database"), "{err}");
        assert!(!target.exists());
        assert_eq!(stamp(file), before, "{} unchanged", file.display());
    }
}

#[tokio::test]
async fn restore_is_refused_while_an_app_holds_the_database() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bk.db");
    app.backup(&file).await.unwrap();
    let ranks_store::DatabaseUrl::Sqlite { path } = &db.url else {
        unreachable!()
    };
    let target = std::path::Path::new(path);
    let err = restore_sqlite(&file, target, true, &db.audit_files())
        .await
        .expect_err("the database is in use");
    assert!(err.to_string().contains("in use"), "{err}");
    // The running application still writes into the database it opened.
    app.set_target(
        &sys,
        "BVPHCN",
        &ranks_app::targets::Period::parse("2026").unwrap(),
        7,
    )
    .await
    .unwrap();
    assert!(app.verify_audit().await.unwrap().is_clean());
}

/// Restoring over a database: the backup is checked, the old database (with
/// its write-ahead log) is kept aside until the copy is in place and
/// verified, and it is not touched when the backup does not verify.
#[tokio::test]
async fn the_old_database_is_kept() {
    let db = TestDb::sqlite();
    let ranks_store::DatabaseUrl::Sqlite { path } = &db.url else {
        unreachable!()
    };
    let target = std::path::PathBuf::from(path);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bk.db");
    let sys = Actor::system();
    {
        let app = db.app().await;
        assert!(app.load_demo(&sys).await.unwrap().loaded);
        app.backup(&file).await.unwrap();
        app.set_target(
            &sys,
            "BVPHCN",
            &ranks_app::targets::Period::parse("2026").unwrap(),
            7,
        )
        .await
        .unwrap();
        app.checkpoint().await.unwrap();
        app.db().close().await;
    }
    // A backup that does not verify leaves the database as it was.
    let forged = dir.path().join("forged.db");
    std::fs::copy(&file, &forged).unwrap();
    {
        use sqlx::Connection;
        let mut c = sqlx::AnyConnection::connect(&format!("sqlite://{}", forged.display()))
            .await
            .unwrap();
        sqlx::raw_sql("UPDATE members SET status = 'forged' WHERE id = 1")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    let old = stamp(&target);
    let e = restore_sqlite(&forged, &target, true, &db.audit_files())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("members 1 status"), "{e}");
    assert_eq!(stamp(&target), old, "the database untouched");

    let r = restore_sqlite(&file, &target, true, &db.audit_files())
        .await
        .unwrap();
    let kept = r.kept.expect("the old database is kept");
    assert!(r.checkpoint_kept.is_some());
    // The kept database has the write made after the backup; the restored one not.
    let count = |p: std::path::PathBuf| async move {
        use sqlx::{Connection, Row};
        let mut c = sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=ro", p.display()))
            .await
            .unwrap();
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM year_targets WHERE year = 2026")
            .fetch_one(&mut c)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        c.close().await.unwrap();
        n
    };
    assert_eq!(count(kept.clone()).await, 1);
    assert_eq!(count(target.clone()).await, 0);
    let app = db.app().await;
    let chain = app.verify_audit().await.unwrap();
    assert!(chain.is_clean(), "{:?}", chain.problems);
    assert_eq!(chain.entries, r.entries);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the restored database is private");
    }
}
