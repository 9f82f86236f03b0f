//! The national-scale path on a small tree: bulk import of a folder (all
//! files or none), the in-memory roll-up checked against the plain
//! recursive-CTE SQL, and exactness after ordinary writes.

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

use ranks_app::Actor;
use ranks_domain::Date;
use ranks_testkit::{both_backends, TestDb};
use std::collections::HashMap;
use std::path::Path;

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A small national tree: 2 provinces, 5 grassroots committees, 13 cells, 40
/// members with admissions 1990–2026, 6 candidates, targets.
fn write_folder(dir: &Path) {
    let mut units = String::from("\u{feff}code,name,kind,parent,created_on\n");
    units.push_str("TW,Trung ương,central,,03/02/1930\n");
    let mut cells = Vec::new();
    for p in 1..=2 {
        units.push_str(&format!(
            "P{p:02},Đảng bộ tỉnh {p},provincial,TW,1990-01-01\n"
        ));
        for g in 1..=(p + 1) {
            let gc = format!("P{p:02}.G{g}");
            units.push_str(&format!(
                "{gc},\"Đảng bộ cơ sở {g}, tỉnh {p}\",grassroots_committee,P{p:02},01/01/1995\n"
            ));
            for c in 1..=(g + 1).min(3) {
                let cc = format!("{gc}.CB{c}");
                units.push_str(&format!("{cc},Chi bộ {c},cell,{gc},01/01/1995\n"));
                cells.push(cc);
            }
        }
    }
    std::fs::write(dir.join("units.csv"), units).unwrap();
    let mut members = String::from(
        "unit;full_name;gender;birth_date;id_number;phone;status;admitted_on;official_on\n",
    );
    for i in 0..40 {
        let cell = &cells[i % cells.len()];
        let year = 1990 + (i * 7) % 36;
        members.push_str(&format!(
            "{cell};Nguyễn Văn {i};Nam;01/02/{};{:012};0912{:06};official;{:02}/03/{year};\n",
            year - 25,
            i + 1,
            i,
            1 + i % 28
        ));
    }
    std::fs::write(dir.join("members.csv"), members).unwrap();
    let mut cands = String::from("cell,full_name,gender,birth_date,stage,history\n");
    for (i, cell) in cells.iter().enumerate().take(6) {
        cands.push_str(&format!(
            "{},Trần Thị {i},Nữ,2000-01-0{},course,pool:2025-01-0{};sympathiser:2025-03-0{};course:2025-06-0{}\n",
            cell,
            i + 1,
            i + 1,
            i + 1,
            i + 1
        ));
    }
    std::fs::write(dir.join("candidates.csv"), cands).unwrap();
    std::fs::write(
        dir.join("targets.csv"),
        "unit,period,target\nP01,2020-2025,4\nP02,2020-2025,6\nP01.G1,2020-2025,1\nP02,2026,2\n",
    )
    .unwrap();
}

async fn bulk_import_and_the_rollup(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path());
    // A first load that fails leaves the empty tables as they were,
    // secondary indexes included (they are dropped for a first load).
    let broken = tempfile::tempdir().unwrap();
    write_folder(broken.path());
    let members = std::fs::read_to_string(broken.path().join("members.csv")).unwrap();
    std::fs::write(
        broken.path().join("members.csv"),
        members.replacen(";01/02/", ";31/02/", 1),
    )
    .unwrap();
    assert!(app
        .bulk_import(&sys, broken.path(), &|_, _| {})
        .await
        .is_err());
    let indexes = {
        let mut conn = app.db().read().await.unwrap();
        let sql = if db.is_postgres() {
            "SELECT COUNT(*) FROM pg_indexes WHERE indexname IN ('people_id_number', 'members_unit_admitted')"
        } else {
            "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('people_id_number', 'members_unit_admitted')"
        };
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    };
    assert_eq!(indexes, 2, "the indexes are back after the rollback");
    // So are the foreign keys (dropped for a first load on PostgreSQL).
    let foreign_keys = || {
        let app = app.clone();
        let sql = if db.is_postgres() {
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('members', 'candidates', 'candidate_stages')"
        } else {
            "SELECT (SELECT COUNT(*) FROM pragma_foreign_key_list('members')) + (SELECT COUNT(*) FROM pragma_foreign_key_list('candidates')) + (SELECT COUNT(*) FROM pragma_foreign_key_list('candidate_stages'))"
        };
        async move {
            use sqlx::Row;
            let mut conn = app.db().read().await.unwrap();
            sqlx::query(sql)
                .fetch_one(&mut *conn)
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap()
        }
    };
    let fks = foreign_keys().await;
    assert!(fks >= 7, "{fks} foreign keys on the people tables");
    let search_indexes = || {
        let app = app.clone();
        let sql = if db.is_postgres() {
            "SELECT indexname::text, indexdef FROM pg_indexes \
             WHERE tablename IN ('name_order', 'name_postings') ORDER BY 1"
        } else {
            "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('name_order', 'name_postings') ORDER BY 1"
        };
        async move {
            use sqlx::Row;
            let mut conn = app.db().read().await.unwrap();
            sqlx::query(sql)
                .fetch_all(&mut *conn)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
                .collect::<Vec<_>>()
        }
    };
    let before = search_indexes().await;
    assert!(before.len() >= 2, "{before:?}");
    let steps = std::sync::Mutex::new(Vec::<String>::new());
    let s = app
        .bulk_import_reporting(&sys, dir.path(), &|_, _| {}, &|step| {
            steps.lock().unwrap().push(step.to_string())
        })
        .await
        .unwrap();
    // The load's end was reported step by step, numbered, the search
    // tables' indexes among them (dropped for a first load, built again).
    let steps = steps.into_inner().unwrap();
    let n = steps.len();
    for (i, step) in steps.iter().enumerate() {
        assert!(step.starts_with(&format!("{}/{n} ", i + 1)), "{steps:?}");
    }
    for what in [
        "index members_person",
        "search words: members",
        "index name_order_sort",
        "commit and planner statistics",
    ] {
        assert!(steps.iter().any(|s| s.ends_with(what)), "{what}: {steps:?}");
    }
    assert_eq!(
        search_indexes().await,
        before,
        "the search indexes are back"
    );
    crate::search::check_postings(&app, "after a first bulk load").await;
    assert_eq!(
        foreign_keys().await,
        fks,
        "the foreign keys are back after the load"
    );
    // The load sealed its audit entries with the key in its own transaction.
    let chain = app.verify_audit().await.unwrap();
    assert!(chain.is_clean(), "{chain:?}");
    assert_eq!(chain.verified, chain.entries);
    let by: HashMap<&str, u64> = s.files.iter().map(|f| (f.kind.as_str(), f.rows)).collect();
    assert_eq!(by["units"], 1 + 2 + 5 + 13);
    assert_eq!(by["members"], 40);
    assert_eq!(by["candidates"], 6);
    assert_eq!(by["targets"], 4);

    // The index's roll-up equals the recursive CTE's, for several ranges.
    for (from, to) in [
        ("1900-01-01", "2100-01-01"),
        ("2020-07-01", "2025-06-30"),
        ("2001-03-05", "2003-03-04"),
    ] {
        let r = app.rollup(&sys, None, d(from), d(to)).await.unwrap();
        let sql = app.rollup_sql(d(from), d(to)).await.unwrap();
        assert_eq!(r.len(), sql.len());
        for i in 0..r.len() {
            let (code, _, _, n) = r.row(i);
            assert_eq!(n, sql[code], "{code} {from}..{to}");
        }
        if from == "1900-01-01" {
            assert_eq!(r.row(0).3, 40, "every admission under the root");
        }
    }
    // One province's subtree, with the term's targets.
    let r = app
        .rollup(&sys, Some("P02"), d("2020-07-01"), d("2025-06-30"))
        .await
        .unwrap();
    assert_eq!(r.row(0).0, "P02");
    assert_eq!(r.row(0).2, 0);
    let rep = app
        .achievement(&sys, Some("P02"), "2020-2025", None)
        .await
        .unwrap();
    assert_eq!(
        r.row(0).3,
        rep.rows[0].admitted,
        "the index agrees with the report"
    );
    let term_id = {
        let mut conn = app.db().read().await.unwrap();
        ranks_store::records::terms::by_name(
            &mut conn,
            &ranks_domain::TermName::parse("2020-2025").unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .id
    };
    assert_eq!(r.target(term_id, 0), Some(6));

    // A second load whose rows the database refuses (an ID number already
    // registered, which only the unique index can tell): an error naming
    // it, and nothing of the load is kept.
    let again = tempfile::tempdir().unwrap();
    std::fs::write(
        again.path().join("members.csv"),
        "unit;full_name;gender;birth_date;id_number;status;admitted_on\n\
         P01.G1.CB1;Hà Văn Mới;Nam;01/02/1990;000000000077;official;01/03/2020\n\
         P01.G1.CB1;Hà Văn Trùng;Nam;01/02/1990;000000000001;official;01/03/2020\n",
    )
    .unwrap();
    let count = |sql: &'static str| {
        let app = app.clone();
        async move {
            use sqlx::Row;
            let mut conn = app.db().read().await.unwrap();
            sqlx::query(sql)
                .fetch_one(&mut *conn)
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap()
        }
    };
    let people = count("SELECT COUNT(*) FROM people").await;
    let audit = count("SELECT COUNT(*) FROM audit_log").await;
    let err = app
        .bulk_import(&sys, again.path(), &|_, _| {})
        .await
        .unwrap_err();
    eprintln!("second load refused: {err}");
    assert!(
        err.to_string().to_lowercase().contains("unique") || err.to_string().contains("id_number"),
        "{err}"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM people").await,
        people,
        "rolled back"
    );
    assert_eq!(count("SELECT COUNT(*) FROM audit_log").await, audit);

    // Candidates came with their stage history.
    let found = app
        .search_candidates(&sys, Some("P01"), "tran thi 0")
        .await
        .unwrap();
    let f = app.candidate_file(&sys, found[0].id).await.unwrap();
    assert_eq!(
        f.history
            .iter()
            .map(|h| h.stage.as_str())
            .collect::<Vec<_>>(),
        ["pool", "sympathiser", "course"]
    );

    // Exact after writes: a member admitted now, and one transferred, show
    // in the next roll-up.
    let before = app
        .rollup(&sys, None, d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    let p01_before = before.row(before.index.position("P01").unwrap()).3;
    let cell = "P01.G1.CB1";
    let id = app
        .add_member(
            &sys,
            ranks_store::records::members::NewPerson {
                full_name: "Lò Văn Mới".into(),
                gender: "Nam".into(),
                birth_date: d("1998-05-05"),
                ethnicity: "Thái".into(),
                education: "12/12".into(),
                occupation: String::new(),
            },
            cell,
            ranks_domain::MemberStatus::Probationary,
            d("2026-11-20"),
            None,
        )
        .await
        .unwrap();
    let after = app
        .rollup(&sys, None, d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    assert_eq!(after.row(0).3, before.row(0).3 + 1);
    assert_eq!(
        after.row(after.index.position("P01").unwrap()).3,
        p01_before + 1
    );
    app.member_movement(
        &sys,
        id,
        ranks_app::pipeline::Movement::TransferTo {
            cell: "P02.G1.CB1".into(),
        },
        None,
    )
    .await
    .unwrap();
    let moved = app
        .rollup(&sys, None, d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    let sql = app
        .rollup_sql(d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    for i in 0..moved.len() {
        let (code, _, _, n) = moved.row(i);
        assert_eq!(n, sql[code], "{code} after the transfer");
    }
    assert_eq!(
        moved.row(moved.index.position("P01").unwrap()).3,
        p01_before
    );

    // All or nothing: a folder with one bad row writes nothing at all.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("units.csv"),
        "code,name,kind,parent,created_on\nP03,Tỉnh 3,provincial,TW,2000-01-01\n",
    )
    .unwrap();
    std::fs::write(
        bad.path().join("members.csv"),
        "unit,full_name,gender,birth_date,admitted_on\nP03,Hà Văn A,Nam,01/01/1990,01/01/2010\nP03,Hà Văn B,Nam,31/02/1990,01/01/2010\n",
    )
    .unwrap();
    let err = app
        .bulk_import(&sys, bad.path(), &|_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("members.csv: row 3, birth_date"), "{err}");
    assert!(
        app.unit(&sys, "P03").await.is_err(),
        "the units file was rolled back too"
    );
    // Only an administrator of the whole tree loads in bulk.
    let staff = Actor {
        name: "canbo".into(),
        scope: ranks_app::Scope::Subtree(app.unit(&sys, "P01").await.unwrap().path),
        role: ranks_app::auth::Role::Staff,
    };
    assert!(app
        .bulk_import(&staff, dir.path(), &|_, _| {})
        .await
        .is_err());
}

both_backends!(bulk_import_and_the_rollup);

/// The two importers judge a person's values alike (ranks_domain::value):
/// what the checked import refuses, the national load refuses, in the same
/// column, and what one takes the other takes.
async fn both_importers_judge_person_values_alike(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(
        tree.path().join("units.csv"),
        "code,name,kind,parent,created_on\nTW,Trung ương,central,,1930-02-03\nP01,Tỉnh 1,provincial,TW,1990-01-01\nP01.G1,Cơ sở 1,grassroots_committee,P01,1995-01-01\nP01.G1.CB1,Chi bộ 1,cell,P01.G1,1995-01-01\n",
    )
    .unwrap();
    app.bulk_import(&sys, tree.path(), &|_, _| {})
        .await
        .unwrap();
    let header = "unit,full_name,gender,birth_date,id_number,phone,status,admitted_on\n";
    let row = |gender: &str, birth: &str, id: &str, phone: &str, status: &str| {
        format!("{header}P01.G1.CB1,Hà Văn An,{gender},{birth},{id},{phone},{status},01/01/2010\n")
    };
    let refused = [
        ("gender", row("NAM", "01/01/1990", "", "", "official")),
        ("birth_date", row("Nam", "01/01/1890", "", "", "official")),
        (
            "id_number",
            row("Nam", "01/01/1990", "12345", "", "official"),
        ),
        ("phone", row("Nam", "01/01/1990", "", "12345", "official")),
        (
            "status",
            row("Nam", "01/01/1990", "", "", "Đảng viên chính thức"),
        ),
    ];
    for (column, csv) in refused {
        let preview = app
            .import_preview(&sys, None, csv.as_bytes(), "members.csv")
            .await
            .unwrap();
        assert!(
            preview
                .errors
                .iter()
                .any(|e| e.row == Some(2) && e.column.as_deref() == Some(column)),
            "checked import, {column}: {:?}",
            preview.errors
        );
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("members.csv"), &csv).unwrap();
        let err = app
            .bulk_import(&sys, folder.path(), &|_, _| {})
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("members.csv: row 2, {column}")),
            "national load, {column}: {err}"
        );
    }
    let taken = row(
        "nu",
        "01/01/1990",
        "001 203 004 567",
        "0912 345 678",
        "dự bị",
    );
    let preview = app
        .import_preview(&sys, None, taken.as_bytes(), "members.csv")
        .await
        .unwrap();
    assert!(preview.is_ok(), "{:?}", preview.errors);
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("members.csv"), &taken).unwrap();
    let done = app
        .bulk_import(&sys, folder.path(), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(done.rows, 1);
}

both_backends!(both_importers_judge_person_values_alike);
