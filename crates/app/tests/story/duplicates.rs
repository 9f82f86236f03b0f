//! Probable duplicate people (issue 15): warned when adding to a pool and
//! when importing, only within what the actor may see; re-importing rows
//! without ID numbers does not register anyone twice.

use super::pipeline::{d, person, setup};
use ranks_app::auth::Role;
use ranks_app::pipeline::{PersonRef, Proposal, Proposed};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_store::records::members;
use ranks_testkit::{both_backends, TestDb};

fn proposal(name: &str, birth: &str, cell: &str, id_number: Option<&str>) -> Proposal {
    Proposal {
        who: PersonRef::New {
            person: person(name, birth),
            general_grade: 12,
            area: String::new(),
        },
        cell: cell.into(),
        movement: None,
        on: Some(d("2025-01-06")),
        id_number: id_number.map(str::to_string),
        confirm_duplicate: false,
    }
}

async fn people(app: &App) -> i64 {
    let mut conn = app.db().read().await.unwrap();
    members::count_people(&mut conn).await.unwrap()
}

async fn staff_of(app: &App, code: &str) -> Actor {
    Actor {
        name: format!("staff {code}"),
        scope: Scope::Subtree(app.unit(&Actor::system(), code).await.unwrap().path),
        role: Role::Staff,
    }
}

async fn a_probable_duplicate_is_warned_then_confirmed(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members_ids = setup(&app).await;
    let before = people(&app).await;
    // "Nông Văn Một", born 1980-01-01, is a member of A1: the same name
    // without marks, in other case and spacing, is probably them.
    let out = app
        .propose_candidate(&sys, proposal("NONG  van   Mot", "1980-01-01", "A2", None))
        .await
        .unwrap();
    let Proposed::Duplicates(found) = out else {
        panic!("a duplicate expected, got {out:?}")
    };
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].full_name, "Nông Văn Một");
    assert_eq!(found[0].matched, "name_birth_date");
    assert_eq!(found[0].member_id, Some(members_ids[0]));
    assert_eq!(found[0].units, ["A1"]);
    assert_eq!(people(&app).await, before, "nothing written");
    // Another birth date: another person.
    let out = app
        .propose_candidate(&sys, proposal("Nông Văn Một", "1980-01-02", "A2", None))
        .await
        .unwrap();
    assert!(matches!(out, Proposed::Added(_)), "{out:?}");
    // Confirmed: added.
    let out = app
        .propose_candidate(
            &sys,
            Proposal {
                confirm_duplicate: true,
                ..proposal("NONG  van   Mot", "1980-01-01", "A2", None)
            },
        )
        .await
        .unwrap();
    assert!(matches!(out, Proposed::Added(_)), "{out:?}");
    assert_eq!(people(&app).await, before + 2);

    // By ID number: refused even when confirmed, naming the person inside
    // the actor's units, and only saying it exists outside them.
    let out = app
        .propose_candidate(
            &sys,
            proposal("Đàm Thị Sáu", "2000-02-02", "A1", Some("001203004567")),
        )
        .await
        .unwrap();
    let Proposed::Added(six) = out else {
        panic!("{out:?}")
    };
    let again = Proposal {
        confirm_duplicate: true,
        ..proposal("Đàm Thị Bảy", "2001-03-03", "A1", Some("001203004567"))
    };
    let out = app
        .propose_candidate(
            &sys,
            Proposal {
                confirm_duplicate: false,
                ..again.clone()
            },
        )
        .await
        .unwrap();
    assert!(
        matches!(&out, Proposed::Duplicates(d) if d[0].matched == "id_number" && d[0].candidate_id == Some(six)),
        "{out:?}"
    );
    let err = app
        .propose_candidate(&sys, again.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Conflict(m) if m.contains("Đàm Thị Sáu")),
        "{err}"
    );
    let a2 = staff_of(&app, "A2").await;
    let err = app
        .propose_candidate(
            &a2,
            Proposal {
                cell: "A2".into(),
                ..again
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Conflict(m) if m.contains("outside your units") && !m.contains("Sáu")),
        "{err}"
    );
    // A name and birth date outside the actor's units are not mentioned.
    let out = app
        .propose_candidate(&a2, proposal("dam thi sau", "2000-02-02", "A2", None))
        .await
        .unwrap();
    assert!(matches!(out, Proposed::Added(_)), "{out:?}");
    let file = app.candidate_file(&sys, six).await.unwrap();
    assert_eq!(file.full_name, "Đàm Thị Sáu");
    let report = app.verify_audit().await.unwrap();
    assert!(report.differences.is_empty(), "{:?}", report.differences);
}

async fn reimporting_rows_without_id_numbers_adds_no_one_twice(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    let csv = "unit,full_name,gender,birth_date,admitted_on,official_on,status\n\
        A2,Lý Văn Năm,Nam,01/01/1990,01/02/2010,01/02/2011,official\n\
        A2,Lò Thị Tám,Nữ,02/02/1991,01/02/2012,01/02/2013,official\n";
    let done = app
        .import_commit(&sys, None, csv.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 2, "{:?}", done.errors);
    let before = people(&app).await;
    let preview = app
        .import_preview(&sys, None, csv.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert_eq!(preview.errors.len(), 2, "{:?}", preview.errors);
    assert_eq!(preview.errors[0].row, Some(2));
    assert!(
        preview.errors[0]
            .message
            .contains("already registered in A2"),
        "{:?}",
        preview.errors
    );
    let done = app
        .import_commit(&sys, None, csv.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert_eq!(done.written, 0);
    assert_eq!(people(&app).await, before, "no one registered twice");
    // The same person in another unit: a warning with the row, imported.
    let other = "unit,full_name,gender,birth_date,admitted_on,status\n\
        A1,ly van nam,Nam,01/01/1990,01/02/2020,probationary\n";
    let preview = app
        .import_preview(&sys, None, other.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert!(preview.is_ok(), "{:?}", preview.errors);
    assert_eq!(preview.warnings.len(), 1);
    assert_eq!(preview.warnings[0].row, Some(2));
    assert!(preview.warnings[0].message.contains("Lý Văn Năm"));
    // Staff of A1 see nothing of A2's people.
    let a1 = staff_of(&app, "A1").await;
    let preview = app
        .import_preview(&a1, None, other.as_bytes(), "m.csv")
        .await
        .unwrap();
    assert!(preview.is_ok(), "{:?}", preview.errors);
    assert!(preview.warnings.is_empty(), "{:?}", preview.warnings);
}

both_backends!(
    a_probable_duplicate_is_warned_then_confirmed,
    reimporting_rows_without_id_numbers_adds_no_one_twice,
);
