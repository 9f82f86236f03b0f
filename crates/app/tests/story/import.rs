//! Import of units, members and candidates from CSV and XLSX, each story run
//! on SQLite and on PostgreSQL.

use ranks_app::auth::Role;
use ranks_app::import::{FileFormat, ImportKind};
use ranks_app::targets::Period;
use ranks_app::xlsx::{workbook, Cell};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::{Date, MemberStatus, TermName, UnitKind};
use ranks_store::records::{audit, candidates, members, terms, units};
use ranks_testkit::{both_backends, TestDb};

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::from_ymd_opt(y, m, day).unwrap()
}

/// Units, people and audit entries: what an import writes.
async fn counts(app: &App) -> (i64, i64, i64) {
    let mut conn = app.db().read().await.unwrap();
    (
        units::count(&mut conn).await.unwrap(),
        members::count_people(&mut conn).await.unwrap(),
        audit::count(&mut conn).await.unwrap(),
    )
}

async fn contact(app: &App, person_id: i64) -> (Option<String>, Option<String>) {
    let mut conn = app.db().read().await.unwrap();
    members::contact(&mut conn, person_id)
        .await
        .unwrap()
        .unwrap()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn errors(list: &[ranks_app::import::RowError]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

async fn a_tree_with_members_and_candidates_on_an_empty_database(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    // Comma-separated, parents before their units, ISO and Vietnamese dates.
    let units_csv = "code,name,kind,parent,created_on\n\
        SYT,Đảng bộ Sở Y tế,superior,,1990-01-01\n\
        BV,Đảng bộ Bệnh viện,grassroots_committee,SYT,01/02/2000\n\
        BV.CB1,\"Chi bộ Khoa Nội, tầng 2\",cell,BV,\n\
        VP,Chi bộ Văn phòng Sở,grassroots_cell,SYT,15/03/2001\n";
    let preview = app
        .import_preview(&sys, None, units_csv.as_bytes(), "units.csv")
        .await
        .unwrap();
    assert_eq!(preview.kind, Some(ImportKind::Units));
    assert_eq!(preview.format, FileFormat::Csv);
    assert_eq!(preview.rows, 4);
    assert!(preview.is_ok(), "{:?}", errors(&preview.errors));
    assert_eq!(preview.records[2].row, 4);
    assert_eq!(preview.records[2].values[1], "Chi bộ Khoa Nội, tầng 2");
    assert_eq!(counts(&app).await.0, 0, "a preview writes nothing");

    let done = app
        .import_commit(&sys, None, units_csv.as_bytes(), "units.csv")
        .await
        .unwrap();
    assert_eq!((done.written, done.ids.len()), (4, 4), "{:?}", done.errors);
    let cell = app.unit(&sys, "BV.CB1").await.unwrap();
    assert_eq!(cell.kind, UnitKind::Cell);
    assert_eq!(cell.created_on, db_today());
    let bv = app.unit(&sys, "BV").await.unwrap();
    assert!(bv.path.contains(&cell.path));
    assert_eq!(bv.created_on, d(2000, 2, 1));
    assert_eq!(app.unit(&sys, "SYT").await.unwrap().parent_id, None);
    // Each unit has its audit entry.
    let mut conn = app.db().read().await.unwrap();
    let entries = audit::for_entity(&mut conn, "unit", &cell.id.to_string())
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "create");
    drop(conn);

    // Members: semicolons, a BOM, Vietnamese dates and statuses.
    let members_csv = "\u{feff}unit;full_name;gender;birth_date;id_number;phone;ethnicity;education;occupation;status;admitted_on;official_on\n\
        BV.CB1;Hoàng Thị Lan;Nữ;04/03/1990;001203004567;0912345678;Tày;12/12;Bác sĩ;chính thức;19/05/2015;19/05/2016\n\
        VP;Lương Văn Đức;nam;1985-11-30;;;Nùng;;;;02/09/2025;\n";
    let done = app
        .import_commit(&sys, None, members_csv.as_bytes(), "members.csv")
        .await
        .unwrap();
    assert_eq!(done.kind, Some(ImportKind::Members));
    assert_eq!(done.written, 2, "{:?}", errors(&done.errors));
    let mut conn = app.db().read().await.unwrap();
    let lan = members::row(&mut conn, done.ids[0]).await.unwrap().unwrap();
    assert_eq!(lan.status, MemberStatus::Official);
    assert_eq!(
        (lan.admitted_on, lan.official_on),
        (d(2015, 5, 19), Some(d(2016, 5, 19)))
    );
    let view = members::by_id(&mut conn, done.ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.birth_date, d(1990, 3, 4));
    assert_eq!(view.gender, "Nữ");
    let duc = members::row(&mut conn, done.ids[1]).await.unwrap().unwrap();
    assert_eq!(duc.status, MemberStatus::Probationary);
    drop(conn);
    assert_eq!(
        contact(&app, lan.person_id).await,
        (Some("001203004567".into()), Some("0912345678".into()))
    );
    assert_eq!(contact(&app, duc.person_id).await, (None, None));

    // Candidates from an XLSX sheet, the kind given explicitly.
    let sheet = workbook(
        "Nguồn",
        &[
            vec![
                text("cell"),
                text("full_name"),
                text("gender"),
                text("birth_date"),
                text("general_grade"),
                text("area"),
                text("since"),
            ],
            vec![
                text("BV.CB1"),
                text("Vi Thị Mai"),
                text("Nữ"),
                text("12/08/1998"),
                Cell::Number(9.0),
                text("mountain"),
                text("02/01/2026"),
            ],
        ],
    );
    let done = app
        .import_commit(&sys, Some(ImportKind::Candidates), &sheet, "nguon.xlsx")
        .await
        .unwrap();
    assert_eq!(done.written, 1, "{:?}", errors(&done.errors));
    let mut conn = app.db().read().await.unwrap();
    let c = candidates::by_id(&mut conn, done.ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.stage.as_str(), c.stage_since), ("pool", d(2026, 1, 2)));
    let p = members::person(&mut conn, c.person_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((p.general_grade, p.area.as_str()), (9, "mountain"));
    assert_eq!(candidates::history(&mut conn, c.id).await.unwrap().len(), 1);
    let entries = audit::for_entity(&mut conn, "candidate", &c.id.to_string())
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
}

fn db_today() -> Date {
    ranks_testkit::test_today()
}

async fn a_good_import_on_top_of_the_demo(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let before = app.member_count(&sys, Some("BVDK")).await.unwrap();
    let units_csv = "code;name;kind;parent\n\
        BVDK.CB9;Chi bộ Khoa Ung bướu;cell;BVDK\n";
    let done = app
        .import_commit(&sys, None, units_csv.as_bytes(), "units.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 1, "{:?}", errors(&done.errors));
    let members_csv = "unit,full_name,gender,birth_date,admitted_on,official_on,status\n\
        BVDK.CB9,Phùng Văn Khải,Nam,01/01/1980,03/02/2010,03/02/2011,official\n\
        BVDK.CB9,Triệu Thị Hằng,Nữ,20/10/1995,10/10/2026,,probationary\n\
        BVDK.CB1,Hà Thị Thu,Nữ,05/06/1992,10/10/2026,,\n";
    let done = app
        .import_commit(&sys, None, members_csv.as_bytes(), "members.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 3, "{:?}", errors(&done.errors));
    assert_eq!(
        app.member_count(&sys, Some("BVDK")).await.unwrap(),
        before + 3
    );
    let candidates_csv = "cell,full_name,gender,birth_date,movement,stage,since\n\
        BVDK.CB9,Lộc Văn Tùng,Nam,15/07/2000,TTTRE,sympathiser,01/09/2026\n\
        BVDK.CB9,Mã Thị Duyên,Nữ,15/07/1999,hcm,,\n";
    let preview = app
        .import_preview(&sys, None, candidates_csv.as_bytes(), "candidates.csv")
        .await
        .unwrap();
    assert!(preview.is_ok(), "{:?}", errors(&preview.errors));
    let done = app
        .import_commit(&sys, None, candidates_csv.as_bytes(), "candidates.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 2, "{:?}", errors(&done.errors));
    let page = app.unit_page(&sys, "BVDK.CB9", None).await.unwrap();
    let stages: Vec<(&str, usize)> = page
        .candidates_by_stage
        .iter()
        .map(|(s, list)| (s.as_str(), list.len()))
        .collect();
    assert!(stages.contains(&("sympathiser", 1)), "{stages:?}");
    assert!(stages.contains(&("pool", 1)), "{stages:?}");
}

async fn bad_rows_are_each_reported_and_nothing_is_written(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let before = counts(&app).await;

    let members_csv =
        "unit,full_name,gender,birth_date,id_number,phone,admitted_on,official_on,status\n\
        BVDK.CB1,Nông Văn Bình,Nam,01/01/1980,001203004567,,03/02/2010,03/02/2011,official\n\
        BVDK.CB1,Nông Thị Ba,Nữ,31/02/1990,,,03/02/2010,03/02/2011,official\n\
        NOPE,Nông Thị Bốn,Nữ,01/01/1990,,,03/02/2010,,\n\
        BVDK.CB1,Nông Văn Năm,Nam,01/01/1990,001203004567,,03/02/2010,,\n\
        BVDK.CB1,,Nữ,01/01/1990,,,03/02/2010,,\n\
        BVDK.CB1,Nông Thị Bảy,X,01/01/1990,,12345,03/02/2010,,\n\
        BVDK,Nông Văn Tám,Nam,01/01/1990,,,03/02/2010,,official\n\
        BVDK.CB1,Nông Văn Chín,Nam,01/01/1990,,,03/02/2010,01/01/2009,deceased\n\
        \n\
        BVDK.CB1,Nông Văn Mười,Nam,01/01/1990,,,2027-01-01,,\n";
    let preview = app
        .import_preview(&sys, None, members_csv.as_bytes(), "members.csv")
        .await
        .unwrap();
    assert_eq!(preview.rows, 9, "the empty row 10 is not a row");
    let list = errors(&preview.errors);
    for expected in [
        "row 3, birth_date: \"31/02/1990\" is not a date (dd/mm/yyyy)",
        "row 4, unit: unknown unit \"NOPE\"",
        "row 5, id_number: 001203004567 is already in row 2 of this file",
        "row 6, full_name: a value is required",
        "row 7, gender: \"X\" is not a gender (Nam or Nữ)",
        "row 7, phone: \"12345\" is not a phone number (10 digits starting with 0, or +84)",
        "row 8, unit: BVDK is a grassroots_committee; members and candidates belong to a cell",
        "row 8, official_on: an official member needs the date of recognition",
        "row 9, status: \"deceased\": only current members are imported (probationary or official)",
        "row 11, admitted_on: 01/01/2027 is after today",
    ] {
        assert!(
            list.contains(&expected.to_string()),
            "{expected}\n{list:#?}"
        );
    }
    assert!(
        !list.iter().any(|e| e.starts_with("row 2,")),
        "row 2 is good: {list:#?}"
    );
    let done = app
        .import_commit(&sys, None, members_csv.as_bytes(), "members.csv")
        .await
        .unwrap();
    assert_eq!((done.written, done.ids.len()), (0, 0));
    assert_eq!(errors(&done.errors), list, "the commit reports the same");
    assert_eq!(counts(&app).await, before, "nothing written");

    // Units: an existing code, an unknown parent, a parent listed too late,
    // a cell as parent, an unknown kind, a duplicate in the file.
    let units_csv = "code,name,kind,parent,created_on\n\
        BVDK,Đảng bộ trùng,grassroots_committee,DBSYT,\n\
        NEW1,Chi bộ mới,cell,NOWHERE,\n\
        NEW2,Chi bộ mới 2,cell,LATER,\n\
        LATER,Đảng bộ sau,grassroots_committee,DBSYT,\n\
        NEW3,Chi bộ mới 3,cell,BVDK.CB1,\n\
        NEW4,Đơn vị,department,DBSYT,\n\
        LATER,Đảng bộ sau lần nữa,grassroots_committee,DBSYT,\n\
        NEW5,Chi bộ,cell,DBSYT,31/12/2030\n";
    let done = app
        .import_commit(&sys, None, units_csv.as_bytes(), "units.csv")
        .await
        .unwrap();
    let list = errors(&done.errors);
    for expected in [
        "row 2, code: BVDK already exists",
        "row 3, parent: unknown unit \"NOWHERE\"",
        "row 4, parent: LATER is defined in row 5, after this row; list a unit after its parent",
        "row 6, parent: BVDK.CB1 is a cell, which has no units under it",
        "row 7, kind: \"department\" is not a unit kind (central, provincial, superior, grassroots_committee, grassroots_cell or cell)",
        "row 8, code: LATER is already in row 5 of this file",
        "row 9, created_on: 31/12/2030 is after today",
    ] {
        assert!(list.contains(&expected.to_string()), "{expected}\n{list:#?}");
    }
    assert_eq!(done.written, 0);
    assert_eq!(counts(&app).await, before, "nothing written");

    // A header alone; an unknown column reported with the rows' problems, by the commit too.
    let p = app
        .import_preview(&sys, None, b"code,name,kind\n", "x.csv")
        .await
        .unwrap();
    assert_eq!(
        errors(&p.errors),
        vec!["row 1: the header has no rows under it"]
    );
    let file = "code,name,kind,parent,colour\nNEW9,Chi b\u{1ed9},cell,NOWHERE,red\n";
    let done = app
        .import_commit(&sys, None, file.as_bytes(), "x.csv")
        .await
        .unwrap();
    let list = errors(&done.errors);
    assert_eq!(list.len(), 2, "{list:#?}");
    assert!(list[0]
        .starts_with("row 1, colour: unknown column for units; the columns are code, name, kind"));
    assert_eq!(list[1], "row 2, parent: unknown unit \"NOWHERE\"");

    // A header that names no kind, and a file that is not text.
    let p = app
        .import_preview(&sys, None, b"name,gender\nA,B\n", "x.csv")
        .await
        .unwrap();
    assert_eq!(p.kind, None);
    assert!(errors(&p.errors)[0].starts_with("row 1: the header names no single kind"));
    let p = app
        .import_preview(&sys, None, b"PK\x03\x04garbage", "x.xlsx")
        .await
        .unwrap();
    assert!(errors(&p.errors)[0].starts_with("not a readable XLSX file"));
    assert_eq!(counts(&app).await, before);
}

/// A members sheet with the same person's ID number and phone as text and as numbers.
fn members_sheet(id: Cell, phone: Cell, name: &str) -> Vec<u8> {
    workbook(
        "Đảng viên",
        &[
            [
                "unit",
                "full_name",
                "gender",
                "birth_date",
                "id_number",
                "phone",
                "admitted_on",
            ]
            .iter()
            .map(|h| text(h))
            .collect(),
            vec![
                text("BVDK.CB1"),
                text(name),
                text("Nữ"),
                text("04/03/1990"),
                id,
                phone,
                text("19/05/2026"),
            ],
        ],
    )
}

async fn leading_zeros_and_nfc_survive_csv_and_xlsx(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let decomposed = "Nguye\u{302}\u{303}n Thị Hoa";
    let composed = "Nguyễn Thị Hoa";
    assert_ne!(decomposed, composed);

    let csv = format!(
        "unit,full_name,gender,birth_date,id_number,phone,admitted_on\n\
         BVDK.CB1,{decomposed},Nữ,04/03/1990,001203004567,0912345678,19/05/2026\n"
    );
    let from_csv = app
        .import_commit(&sys, None, csv.as_bytes(), "a.csv")
        .await
        .unwrap();
    assert_eq!(from_csv.written, 1, "{:?}", errors(&from_csv.errors));

    let text_cells = members_sheet(text("001203004568"), text("0912345679"), decomposed);
    let numbers = members_sheet(
        Cell::Number(1203004569.0),
        Cell::Number(912345670.0),
        "Nguyễn Thị Hoà",
    );
    let preview = app
        .import_preview(&sys, None, &numbers, "so.xlsx")
        .await
        .unwrap();
    assert_eq!(preview.format, FileFormat::Xlsx);
    assert!(preview.is_ok(), "{:?}", errors(&preview.errors));
    assert_eq!(preview.records[0].values[4], "001203004569");
    assert_eq!(preview.records[0].values[5], "0912345670");
    let mut ids = from_csv.ids.clone();
    for (bytes, name) in [(text_cells, "chu.xlsx"), (numbers, "so.xlsx")] {
        let done = app.import_commit(&sys, None, &bytes, name).await.unwrap();
        assert_eq!(done.written, 1, "{name}: {:?}", errors(&done.errors));
        ids.extend(done.ids);
    }
    let mut got = Vec::new();
    for id in ids {
        let mut conn = app.db().read().await.unwrap();
        let m = members::by_id(&mut conn, id).await.unwrap().unwrap();
        drop(conn);
        assert_eq!(m.birth_date, d(1990, 3, 4));
        got.push((m.full_name.clone(), contact(&app, m.person_id).await));
    }
    let c = |id: &str, phone: &str| (Some(id.to_string()), Some(phone.to_string()));
    assert_eq!(
        got,
        vec![
            (composed.to_string(), c("001203004567", "0912345678")),
            (composed.to_string(), c("001203004568", "0912345679")),
            (
                "Nguyễn Thị Hoà".to_string(),
                c("001203004569", "0912345670")
            ),
        ]
    );
    // The NFC name is found by the composed spelling.
    let found = app.search_members(&sys, None, composed).await.unwrap();
    assert_eq!(found.iter().filter(|m| m.full_name == composed).count(), 2);

    // The same ID number again is refused, from either format.
    let again = members_sheet(Cell::Number(1203004567.0), Cell::Empty, "Lê Thị Hoa");
    let p = app
        .import_preview(&sys, None, &again, "x.xlsx")
        .await
        .unwrap();
    let found = errors(&p.errors);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("row 2, id_number: 001203004567 is already registered: "),
        "inside the actor's tree the holder is named: {found:?}"
    );
    // From another organisation: refused, and nothing said of the holder.
    let cdc = app.unit(&sys, "CDC").await.unwrap();
    let other = Actor {
        name: "organiser of CDC".into(),
        scope: Scope::Subtree(cdc.path),
        role: Role::Staff,
    };
    let csv = "unit,full_name,gender,birth_date,id_number,admitted_on\n\
        CDC.CB1,Lê Thị Hoa,Nữ,04/03/1990,001203004567,19/05/2026\n";
    let p = app
        .import_preview(&other, None, csv.as_bytes(), "m.csv")
        .await
        .unwrap();
    let found = errors(&p.errors);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("outside your part of the tree"),
        "{found:?}"
    );
    for leak in ["BVDK", "person", "Nguyễn"] {
        assert!(!found[0].contains(leak), "{leak} disclosed: {found:?}");
    }
}

async fn rows_outside_the_actors_subtree_are_unknown(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let bvdk = app.unit(&sys, "BVDK").await.unwrap();
    let staff = Actor {
        name: "organiser of BVDK".into(),
        scope: Scope::Subtree(bvdk.path.clone()),
        role: Role::Staff,
    };
    let before = counts(&app).await;
    let csv = "unit,full_name,gender,birth_date,admitted_on\n\
        BVDK.CB1,Vy Văn Một,Nam,01/01/1990,01/06/2026\n\
        BVPHCN.CB1,Vy Văn Hai,Nam,01/01/1990,01/06/2026\n\
        ZZZ.CB1,Vy Văn Ba,Nam,01/01/1990,01/06/2026\n";
    let p = app
        .import_preview(&staff, None, csv.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert_eq!(
        errors(&p.errors),
        vec![
            "row 3, unit: unknown unit \"BVPHCN.CB1\"",
            "row 4, unit: unknown unit \"ZZZ.CB1\"",
        ],
        "a unit outside the subtree reads exactly like one that does not exist"
    );
    let done = app
        .import_commit(&staff, None, csv.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 0);
    assert_eq!(counts(&app).await, before);

    // Units: a parent outside the subtree is unknown; a root needs the whole tree.
    let units_csv = "code,name,kind,parent\n\
        BVDK.CB20,Chi bộ mới,cell,BVDK\n\
        BVPHCN.CB20,Chi bộ khác,cell,BVPHCN\n\
        ROOT2,Đảng bộ khác,superior,\n";
    let done = app
        .import_commit(&staff, None, units_csv.as_bytes(), "u.csv")
        .await
        .unwrap();
    assert_eq!(
        errors(&done.errors),
        vec![
            "row 3, parent: unknown unit \"BVPHCN\"",
            "row 4, parent: a parent unit is required (only a top-level administrator creates a root unit)",
        ]
    );
    assert_eq!(counts(&app).await, before);

    // Inside the subtree, the staff member imports.
    let mine = "code,name,kind,parent\nBVDK.CB20,Chi bộ mới,cell,BVDK\n";
    let done = app
        .import_commit(&staff, None, mine.as_bytes(), "u.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 1, "{:?}", errors(&done.errors));
    let mut conn = app.db().read().await.unwrap();
    let entries = audit::for_entity(&mut conn, "unit", &done.ids[0].to_string())
        .await
        .unwrap();
    assert_eq!(entries[0].actor, "organiser of BVDK");
    drop(conn);

    // A viewer records nothing, not even a preview.
    let viewer = Actor {
        role: Role::Viewer,
        ..staff
    };
    let err = app
        .import_preview(&viewer, None, mine.as_bytes(), "u.csv")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err = app
        .import_commit(&viewer, None, mine.as_bytes(), "u.csv")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
}

async fn candidate_histories_are_checked_and_written(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let before = counts(&app).await;

    // Each row has one problem with its history; nothing is written.
    let bad = "cell,full_name,gender,birth_date,stage,since,history\n\
        BVDK.CB1,Lò Văn Một,Nam,01/02/2000,,,\"pool:2026-01-05;dancing:2026-02-01\"\n\
        BVDK.CB1,Lò Văn Hai,Nam,01/02/2000,,,\"pool:2026-01-05;course:2026-02-01;sympathiser:2026-03-01\"\n\
        BVDK.CB1,Lò Văn Ba,Nam,01/02/2000,course,,\"pool:2026-01-05;sympathiser:2026-03-01\"\n\
        BVDK.CB1,Lò Văn Bốn,Nam,01/02/2000,,,\"pool:2026-03-05;sympathiser:2026-02-01\"\n\
        BVDK.CB1,Lò Văn Năm,Nam,01/02/2000,sympathiser,2026-03-02,\"pool:2026-01-05;sympathiser:2026-03-01\"\n\
        BVDK.CB1,Lò Văn Sáu,Nam,01/02/2000,,,\"pool:2026-01-05;decision:2026-03-01\"\n\
        BVDK.CB1,Lò Văn Bảy,Nam,01/02/2000,,,pool 2026-01-05\n\
        BVDK.CB1,Lò Văn Tám,Nam,01/02/2000,,,\"pool:2026-01-05;sympathiser:2027-01-01\"\n\
        BVDK.CB1,Lò Văn Chín,Nam,01/02/2000,,,pool:1999-01-05\n";
    let p = app
        .import_preview(&sys, None, bad.as_bytes(), "c.csv")
        .await
        .unwrap();
    assert_eq!(p.kind, Some(ImportKind::Candidates));
    let list = errors(&p.errors);
    assert_eq!(
        list,
        vec![
            "row 2, history: item 2: \"dancing\" is not a stage of the procedure before the admission decision",
            "row 3, history: item 3: sympathiser does not come after course in the procedure; list the stages in their order",
            "row 4, history: the last item is sympathiser, not the stage course",
            "row 5, history: item 2: sympathiser on 01/02/2026 is before pool on 05/03/2026",
            "row 6, history: the last item is dated 01/03/2026, not the day in since (02/03/2026)",
            "row 7, history: item 2: decision comes at or after the admission decision; import admitted people as members",
            "row 8, history: item 1 \"pool 2026-01-05\" is not stage:date",
            "row 9, history: item 2: 01/01/2027 is after today",
            "row 10, history: the date comes before the birth date",
        ]
    );
    let done = app
        .import_commit(&sys, None, bad.as_bytes(), "c.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 0);
    assert_eq!(errors(&done.errors), list);
    assert_eq!(counts(&app).await, before, "nothing written");

    // Good rows: the stage and since given and agreeing, or taken from the history.
    let good = "cell,full_name,gender,birth_date,stage,since,history\n\
        BVDK.CB1,Lò Văn Sáng,Nam,01/02/2000,course,10/06/2026,\"pool:2026-01-05;sympathiser:2026-03-02;course:2026-06-10\"\n\
        BVDK.CB1,Lò Thị Hoa,Nữ,01/02/2001,,,\"pool:05/02/2026; sympathiser:02/04/2026\"\n\
        BVDK.CB1,Lò Thị Mai,Nữ,01/02/2001,pool,2026-05-01,\n";
    let done = app
        .import_commit(&sys, None, good.as_bytes(), "c.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 3, "{:?}", errors(&done.errors));
    let mut conn = app.db().read().await.unwrap();
    let expected: [&[(&str, Date)]; 3] = [
        &[
            ("pool", d(2026, 1, 5)),
            ("sympathiser", d(2026, 3, 2)),
            ("course", d(2026, 6, 10)),
        ],
        &[("pool", d(2026, 2, 5)), ("sympathiser", d(2026, 4, 2))],
        &[("pool", d(2026, 5, 1))],
    ];
    for (id, want) in done.ids.iter().zip(expected) {
        let c = candidates::by_id(&mut conn, *id).await.unwrap().unwrap();
        let last = want.last().unwrap();
        assert_eq!((c.stage.as_str(), c.stage_since), (last.0, last.1));
        let history: Vec<(String, Date)> = candidates::history(&mut conn, *id)
            .await
            .unwrap()
            .into_iter()
            .map(|(s, on, _)| (s, on))
            .collect();
        let want: Vec<(String, Date)> = want.iter().map(|(s, on)| (s.to_string(), *on)).collect();
        assert_eq!(history, want);
        let entries = audit::for_entity(&mut conn, "candidate", &id.to_string())
            .await
            .unwrap();
        assert_eq!(
            entries.len(),
            want.len(),
            "a create and a stage entry for each later stage"
        );
    }
}

async fn targets_are_imported_within_the_actors_subtree(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
    let bvdk = app.unit(&sys, "BVDK").await.unwrap();
    let staff = Actor {
        name: "organiser of BVDK".into(),
        scope: Scope::Subtree(bvdk.path.clone()),
        role: Role::Staff,
    };
    let before = counts(&app).await;
    let bad = "Unit,Period,Target\n\
        BVDK,2025-2030,-3\n\
        BVPHCN,2025-2030,4\n\
        BVDK.CB1,2025/2030,2\n\
        BVDK.CB1,2026,2\n\
        bvdk.cb1,2026,3\n\
        BVDK,2035-2040,9\n\
        NOPE,2026,1\n";
    let p = app
        .import_preview(&staff, None, bad.as_bytes(), "t.csv")
        .await
        .unwrap();
    assert_eq!(
        p.kind,
        Some(ImportKind::Targets),
        "recognised by its period column"
    );
    let list = errors(&p.errors);
    assert_eq!(
        list,
        vec![
            "row 2, target: \"-3\" is not a whole number of new members, 0 or more",
            "row 3, unit: unknown unit \"BVPHCN\"",
            "row 4, period: \"2025/2030\" is not a period (a term like 2025-2030 or a year like 2026)",
            "row 6, period: BVDK.CB1 2026 is already in row 5 of this file",
            "row 7, period: unknown term 2035-2040 (a top-level administrator creates it)",
            "row 8, unit: unknown unit \"NOPE\"",
        ]
    );
    let done = app
        .import_commit(&staff, None, bad.as_bytes(), "t.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 0);
    assert_eq!(errors(&done.errors), list);
    assert_eq!(counts(&app).await, before, "nothing written");

    // The staff member sets their units' targets for a term and a year.
    let good = "unit,period,target\nBVDK,2025-2030,12\nBVDK.CB1,2026,3\nBVDK.CB1,2025-2030,0\n";
    let done = app
        .import_commit(&staff, None, good.as_bytes(), "t.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 3, "{:?}", errors(&done.errors));
    let term = app
        .allocation(&sys, Some("BVDK"), &Period::parse("2025-2030").unwrap())
        .await
        .unwrap();
    let target = |rows: &[ranks_app::targets::AllocationRow], code: &str| {
        rows.iter().find(|r| r.code == code).and_then(|r| r.target)
    };
    assert_eq!(target(&term, "BVDK"), Some(12));
    assert_eq!(target(&term, "BVDK.CB1"), Some(0));
    let year = app
        .allocation(&sys, Some("BVDK"), &Period::Year(2026))
        .await
        .unwrap();
    assert_eq!(target(&year, "BVDK.CB1"), Some(3));
    let mut conn = app.db().read().await.unwrap();
    let entries = audit::for_entity(&mut conn, "term_target", "BVDK:2025-2030")
        .await
        .unwrap();
    assert_eq!(entries.last().unwrap().actor, "organiser of BVDK");
    drop(conn);

    // A top-level administrator's file may name a term not yet recorded: it
    // is created from 1 July of its first year to 30 June of its last.
    let next = "unit,period,target\nBVDK,2030-2035,15\nBVPHCN,2030-2035,6\n";
    let done = app
        .import_commit(&sys, None, next.as_bytes(), "t.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 2, "{:?}", errors(&done.errors));
    let mut conn = app.db().read().await.unwrap();
    let t = terms::by_name(&mut conn, &TermName::parse("2030-2035").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.term.starts_on, t.term.ends_on),
        (d(2030, 7, 1), d(2035, 6, 30))
    );
    drop(conn);
    let rows = app
        .allocation(&sys, Some("BVPHCN"), &Period::parse("2030-2035").unwrap())
        .await
        .unwrap();
    assert_eq!(target(&rows, "BVPHCN"), Some(6));
}

both_backends!(
    a_tree_with_members_and_candidates_on_an_empty_database,
    a_good_import_on_top_of_the_demo,
    bad_rows_are_each_reported_and_nothing_is_written,
    leading_zeros_and_nfc_survive_csv_and_xlsx,
    rows_outside_the_actors_subtree_are_unknown,
    candidate_histories_are_checked_and_written,
    targets_are_imported_within_the_actors_subtree,
);
