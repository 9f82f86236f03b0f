//! The import's limits against hostile files (issue 12): each refused
//! before the reader allocates what the file claims, with the limit named;
//! imports taking turns; an import whose caller goes away stopping. Each
//! story runs on SQLite and on PostgreSQL.

use ranks_app::auth::Role;
use ranks_app::import::{ImportLimits, Limit, TooLarge};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_store::records::{members, units};
use ranks_testkit::hostile;
use ranks_testkit::{both_backends, TestDb};
use std::time::{Duration, Instant};

async fn staff(app: &App) -> Actor {
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let bvdk = app.unit(&sys, "BVDK").await.unwrap();
    Actor {
        name: "organiser of BVDK".into(),
        scope: Scope::Subtree(bvdk.path.clone()),
        role: Role::Staff,
    }
}

async fn people(app: &App) -> (i64, i64) {
    let mut conn = app.db().read().await.unwrap();
    (
        units::count(&mut conn).await.unwrap(),
        members::count_people(&mut conn).await.unwrap(),
    )
}

/// The refusal of a preview and of a commit of the same file, which must
/// be the same and leave the database as it was.
async fn refused(app: &App, actor: &Actor, bytes: &[u8], name: &str) -> TooLarge {
    let before = people(app).await;
    let p = app.import_preview(actor, None, bytes, name).await;
    let Err(AppError::TooLarge(t)) = p else {
        panic!("{name}: preview not refused as too large: {p:?}")
    };
    let c = app.import_commit(actor, None, bytes, name).await;
    match c {
        Err(AppError::TooLarge(u)) => assert_eq!(u, t, "{name}"),
        other => panic!("{name}: commit not refused as too large: {other:?}"),
    }
    assert_eq!(people(app).await, before, "{name}: nothing written");
    assert_eq!(
        app.imports_in_progress(),
        0,
        "{name}: the turn is given back"
    );
    t
}

/// A 1.5 KB sheet holding A1 and XFD1048576 made the server abort (a
/// reader building the sheet as a rectangle asked for 512 GiB); one
/// holding A1 and ZZ200000 took 34 s of CPU. Each is refused by the row or
/// column limit, from the used range the sheet declares or, without one,
/// at the far cell, before anything is allocated for it.
async fn far_cells_are_refused_before_anything_is_allocated(db: TestDb) {
    let app = db.app().await;
    let staff = staff(&app).await;
    for (far, declared, limit, says) in [
        (
            "XFD1048576",
            true,
            Limit::Rows,
            "the sheet's used range A1:XFD1048576: row 1,048,576 is past the limit of 200,000 rows under the header (import.max_rows)",
        ),
        (
            "XFD1048576",
            false,
            Limit::Rows,
            "cell XFD1048576: row 1,048,576 is past the limit of 200,000 rows under the header (import.max_rows)",
        ),
        (
            "ZZ200000",
            true,
            Limit::Columns,
            "the sheet's used range A1:ZZ200000: column 702 (ZZ) is past the limit of 256 columns (import.max_columns)",
        ),
        (
            "ZZ200000",
            false,
            Limit::Columns,
            "cell ZZ200000: column 702 (ZZ) is past the limit of 256 columns (import.max_columns)",
        ),
    ] {
        let file = hostile::two_far_cells(far, declared);
        assert!(file.len() < 2500, "{}", file.len());
        let t = refused(&app, &staff, &file, "x.xlsx").await;
        assert_eq!(t.limit, limit, "{far}");
        assert!(t.message.starts_with(says), "{far}: {}", t.message);
    }
    // Within the limits the same shape of file is read: a far cell is one
    // cell, not a rectangle.
    let app = app.with_import_limits(ImportLimits {
        rows: 2_000_000,
        columns: 20_000,
        ..ImportLimits::default()
    });
    let p = app
        .import_preview(
            &staff,
            None,
            &hostile::two_far_cells("XFD1048576", true),
            "x.xlsx",
        )
        .await
        .unwrap();
    assert!(
        p.errors
            .iter()
            .any(|e| e.row == Some(1_048_576) && e.message.contains("column 16384")),
        "{:?}",
        p.errors
    );
}

/// A deflate bomb: 1 GiB of sheet in 6.5 MB. Declaring its size, it is
/// refused before anything is unpacked; lying about it (1 KB), it is cut
/// off where the lie shows, long before the limit. (What comes out is
/// counted against the limit all the same, whatever the zip reader checks.)
async fn a_deflate_bomb_is_cut_off_at_the_unpacked_limit(db: TestDb) {
    let app = db.app().await.with_import_limits(ImportLimits {
        unpacked_bytes: 8 << 20,
        ..ImportLimits::default()
    });
    let staff = staff(&app).await;
    let bomb = hostile::deflate_bomb(1 << 30, 1 << 30);
    assert!(bomb.len() < 7 << 20, "{}", bomb.len());
    let t = refused(&app, &staff, &bomb, "bomb.xlsx").await;
    assert_eq!((t.limit, t.max), (Limit::UnpackedBytes, 8 << 20));
    assert_eq!(
        t.message,
        "the XLSX file unpacks to more than 8 MB (its parts declare 1024.0 MB); the limit is 8 MB (import.max_unpacked_mb)"
    );
    let liar = hostile::deflate_bomb(1 << 30, 1024);
    let p = app
        .import_preview(&staff, None, &liar, "bomb.xlsx")
        .await
        .unwrap();
    assert_eq!(
        p.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
        vec!["not a readable XLSX file: xl/worksheets/sheet1.xml cannot be unpacked: File is larger than its declared uncompressed size"]
    );
    // The same encoder, a small sheet: read, it holds no rows.
    let small = hostile::deflate_bomb(100_000, 100_000);
    let p = app
        .import_preview(&staff, None, &small, "x.xlsx")
        .await
        .unwrap();
    assert_eq!(
        p.errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        vec!["the file holds no rows"]
    );
}

/// Tags no spreadsheet program writes (issue 18): a start tag with 100,000
/// attributes, a root with 100,000 namespace declarations. Refused by the
/// scan that runs before the XML parser sees the part.
async fn hostile_xml_is_refused_before_it_is_parsed(db: TestDb) {
    let app = db.app().await;
    let staff = staff(&app).await;
    for (what, file) in [
        ("attributes", hostile::many_attributes(100_000)),
        ("namespaces", hostile::many_namespaces(100_000)),
    ] {
        let t = refused(&app, &staff, &file, "x.xlsx").await;
        assert_eq!(t.limit, Limit::TagAttributes, "{what}");
        assert!(
            t.message.starts_with(
                "the XLSX part xl/worksheets/sheet1.xml has a tag with more than 512 attributes"
            ),
            "{what}: {}",
            t.message
        );
    }
    // Excel's own tags are far below: a real workbook is read.
    let file = hostile::many_attributes(20);
    let p = app
        .import_preview(&staff, None, &file, "x.xlsx")
        .await
        .unwrap();
    assert!(!p.errors.is_empty() && p.rows == 0, "{:?}", p.errors);
}

/// CSV: the bytes, rows, columns, cells and characters of a cell, each
/// refused naming its limit; at the limit the file is read.
async fn csv_files_are_held_to_the_limits(db: TestDb) {
    let app = db.app().await.with_import_limits(ImportLimits {
        upload_bytes: 64 * 1024,
        rows: 50,
        columns: 12,
        cell_chars: 100,
        ..ImportLimits::default()
    });
    let staff = staff(&app).await;
    let ok = hostile::members_csv("BVDK.CB1", 50, 1_090_000_000);
    let p = app
        .import_preview(&staff, None, ok.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert_eq!(p.rows, 50);
    let t = refused(
        &app,
        &staff,
        hostile::members_csv("BVDK.CB1", 51, 1_090_000_000).as_bytes(),
        "m.csv",
    )
    .await;
    assert_eq!((t.limit, t.max), (Limit::Rows, 50));
    assert!(t.message.contains("row 52"), "{}", t.message);
    let wide = format!("{}x\n", "a,".repeat(12));
    let t = refused(&app, &staff, wide.as_bytes(), "m.csv").await;
    assert_eq!((t.limit, t.max), (Limit::Columns, 12));
    let long = format!("unit,full_name\nBVDK.CB1,\"{}\"\n", "ư".repeat(101));
    let t = refused(&app, &staff, long.as_bytes(), "m.csv").await;
    assert_eq!((t.limit, t.max), (Limit::CellChars, 100));
    assert!(
        t.message
            .starts_with("row 2, column 2: the cell holds 101 characters"),
        "{}",
        t.message
    );
    let big = "a".repeat(64 * 1024 + 1);
    let t = refused(&app, &staff, big.as_bytes(), "m.csv").await;
    assert_eq!(t.limit, Limit::UploadBytes);
    assert_eq!(
        t.message,
        "the file is 64.0 KB; the limit is 64 KB (import.max_upload_mb)"
    );
}

/// Imports take turns: with one running and none waiting, a second is
/// refused as busy, naming the limits; when the caller of the running one
/// goes away (its future is dropped), its work stops and its turn is free.
async fn imports_take_turns_and_stop_when_their_caller_goes(db: TestDb) {
    let app = db.app().await.with_import_limits(ImportLimits {
        running: 1,
        waiting: 0,
        ..ImportLimits::default()
    });
    let staff = staff(&app).await;
    let big = hostile::members_csv("BVDK.CB1", 200_000, 1_090_000_000);
    let running = {
        let (app, staff, big) = (app.clone(), staff.clone(), big.clone());
        tokio::spawn(async move {
            app.import_preview(&staff, None, big.as_bytes(), "big.csv")
                .await
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.import_rows_processed() < 1000 {
        assert!(Instant::now() < deadline, "the big import never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(app.imports_in_progress(), 1);
    let second = app
        .import_preview(&staff, None, b"code,name,kind\n", "u.csv")
        .await;
    match second {
        Err(AppError::Busy(m)) => assert!(
            m.starts_with("too many imports in progress (1 running, 0 waiting"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    // The caller goes away.
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.imports_in_progress() > 0 {
        assert!(Instant::now() < deadline, "the turn was never given back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopped = app.import_rows_processed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.import_rows_processed(), stopped, "the work stopped");
    assert!(
        stopped < 2 * 200_000,
        "stopped before reading and checking every row ({stopped})"
    );
    // And the next one has its turn.
    let p = app
        .import_preview(
            &staff,
            None,
            hostile::members_csv("BVDK.CB1", 3, 1_090_000_000).as_bytes(),
            "m.csv",
        )
        .await
        .unwrap();
    assert_eq!(p.rows, 3);
}

both_backends!(
    far_cells_are_refused_before_anything_is_allocated,
    a_deflate_bomb_is_cut_off_at_the_unpacked_limit,
    hostile_xml_is_refused_before_it_is_parsed,
    csv_files_are_held_to_the_limits,
    imports_take_turns_and_stop_when_their_caller_goes,
);
