//! Backup while the application runs, restore, and every report and the
//! audit chain compared (SQLite; PostgreSQL is backed up with pg_dump).

use ranks_app::{Actor, App};
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

#[tokio::test]
async fn backup_then_restore_gives_back_every_report_and_the_chain() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let before = reports(&app).await;
    let chain = app.verify_audit().await.unwrap();
    assert_eq!(chain.broken, None);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ranks-backup.db");
    let bytes = app.backup(&file).await.unwrap();
    assert!(bytes > 100_000, "{bytes}");
    assert!(app.backup(&file).await.is_err(), "never overwrites a file");

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

    let restored = dir.path().join("restored.db");
    ranks_app::bulk::restore_sqlite(&file, &restored, false)
        .await
        .unwrap();
    assert!(
        ranks_app::bulk::restore_sqlite(&file, &restored, false)
            .await
            .is_err(),
        "an existing database is not replaced without --force"
    );
    let url = ranks_store::DatabaseUrl::Sqlite {
        path: restored.to_string_lossy().into_owned(),
    };
    let db2 = ranks_store::Db::open(&url, "2026-11-24T00:00:00Z")
        .await
        .unwrap();
    let app2 = App::new(
        db2,
        std::sync::Arc::new(ranks_app::FixedClock::on(ranks_testkit::test_today())),
        std::sync::Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    );
    assert_eq!(
        reports(&app2).await,
        before,
        "every report as it was at the backup"
    );
    let chain2 = app2.verify_audit().await.unwrap();
    assert_eq!(chain2.broken, None);
    assert_eq!((chain2.entries, chain2.head), (chain.entries, chain.head));

    // A damaged backup is refused before anything is replaced.
    let bad = dir.path().join("damaged.db");
    let mut data = std::fs::read(&file).unwrap();
    data.truncate(data.len() / 2);
    std::fs::write(&bad, data).unwrap();
    let target = dir.path().join("other.db");
    assert!(ranks_app::bulk::restore_sqlite(&bad, &target, false)
        .await
        .is_err());
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
        let err = ranks_app::bulk::restore_sqlite(file, &target, false)
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
    let err = ranks_app::bulk::restore_sqlite(&file, target, true)
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
}
