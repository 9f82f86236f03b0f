//! The procedure as the texts say it (issue 14), through the use cases, on
//! SQLite and PostgreSQL: each story fails on the profile before the fix.

use super::pipeline::{d, person, setup, step, to_comments_in, voted, Newcomer};
use ranks_app::{Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::{MemberStatus, UnitKind};
use ranks_store::records::audit;
use ranks_testkit::{both_backends, TestDb};

fn refused_by(err: &AppError, rule: &str, words: &str) -> bool {
    matches!(err, AppError::Refused(r) if r.rule == rule && r.message.contains(words))
}

/// A grassroots cell B under R, with three official members.
async fn grassroots_cell(app: &App) -> Vec<i64> {
    let sys = Actor::system();
    app.create_unit(
        &sys,
        "B",
        "Chi bộ cơ sở B",
        UnitKind::GrassrootsCell,
        Some("R"),
        d("2000-01-01"),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for name in ["Đinh Văn Bảy", "Lò Thị Tám", "Quách Văn Chín"] {
        ids.push(
            app.add_member(
                &sys,
                person(name, "1980-01-01"),
                "B",
                MemberStatus::Official,
                d("2005-03-01"),
                Some(d("2006-03-01")),
            )
            .await
            .unwrap(),
        );
    }
    ids
}

/// 14.6: a grassroots cell's resolution goes to the superior committee
/// directly; 14.5: the ceremony's 30 working days count from the day the
/// cell received the decision.
async fn a_grassroots_cell_and_the_receipt_of_the_decision(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    let members = grassroots_cell(&app).await;
    let who = Newcomer {
        name: "Hà Thị Năm",
        birth: "1990-02-02",
        grade: 12,
        area: "",
    };
    let c = to_comments_in(&app, &members, "B", who).await;
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
    // No committee vote to record: the grassroots committee's step is refused…
    app.record_document(&sys, c, "8-KNĐ", Some(d("2025-07-01")))
        .await
        .unwrap();
    let err = app
        .record_step(
            &sys,
            c,
            voted("grassroots_vote", "2025-07-07", (5, 5, 5, 0)),
        )
        .await
        .unwrap_err();
    assert!(
        refused_by(&err, "sequence.unit_kind", "chi bộ cơ sở"),
        "{err}"
    );
    // … and the decision follows the cell's vote directly.
    app.record_document(&sys, c, "9-KNĐ", Some(d("2025-07-14")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("decision", "2025-07-14"))
        .await
        .unwrap();

    let cal = WorkCalendar::new();
    let ceremony = |file: &ranks_app::pipeline::CandidateFile| {
        file.deadlines
            .iter()
            .find(|x| x.rule == "ceremony_after_decision")
            .cloned()
            .expect("the ceremony's deadline runs")
    };
    let assumed = ceremony(&app.candidate_file(&sys, c).await.unwrap());
    assert!(assumed.assumed_start);
    assert_eq!(assumed.started, d("2025-07-14"));
    assert_eq!(assumed.due, cal.add_working_days(d("2025-07-14"), 30));

    // A receipt before the decision, or of a stage no deadline counts from, is refused.
    let err = app
        .record_receipt(&sys, c, "decision", d("2025-07-10"))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("received_on:"), "{err}");
    let err = app
        .record_receipt(&sys, c, "cell_vote", d("2025-07-10"))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("stage:"), "{err}");
    app.record_receipt(&sys, c, "decision", d("2025-07-28"))
        .await
        .unwrap();
    let counted = ceremony(&app.candidate_file(&sys, c).await.unwrap());
    assert!(!counted.assumed_start);
    assert_eq!(counted.started, d("2025-07-28"));
    assert_eq!(counted.due, cal.add_working_days(d("2025-07-28"), 30));
    // The subtree's due list counts from the receipt too.
    let due = app.due(&sys, Some("B"), None).await.unwrap();
    let row = due
        .iter()
        .find(|r| r.candidate_id == c)
        .expect("the candidate is due");
    assert_eq!(row.due, counted.due, "{row:?}");
    let trail = audit::for_entity(
        &mut app.db().read().await.unwrap(),
        "candidate",
        &c.to_string(),
    )
    .await
    .unwrap();
    assert!(trail.iter().any(|e| e.action == "receipt"), "{trail:?}");
}

/// 14.2: over 60, the conditions before the cell's vote and the provincial
/// standing committee's written consent before the admission decision; 14.7:
/// fishermen have the primary-school exception.
async fn over_sixty_and_the_education_exceptions(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let who = Newcomer {
        name: "Ma Văn Sáu",
        birth: "1963-05-05",
        grade: 12,
        area: "",
    };
    let c = to_comments_in(&app, &members, "A1", who).await;
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    let err = app
        .record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap_err();
    assert!(refused_by(&err, "age", "DK-TREN60"), "{err}");
    app.record_document(&sys, c, "DK-TREN60", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
    app.record_document(&sys, c, "8-KNĐ", Some(d("2025-07-01")))
        .await
        .unwrap();
    app.record_step(
        &sys,
        c,
        voted("grassroots_vote", "2025-07-07", (7, 6, 6, 0)),
    )
    .await
    .unwrap();
    app.record_document(&sys, c, "9-KNĐ", Some(d("2025-08-04")))
        .await
        .unwrap();
    let err = app
        .record_step(&sys, c, step("decision", "2025-08-04"))
        .await
        .unwrap_err();
    assert!(refused_by(&err, "age", "DY-TREN60"), "{err}");
    app.record_document(&sys, c, "DY-TREN60", Some(d("2025-07-30")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("decision", "2025-08-04"))
        .await
        .unwrap();

    // A fisherman with primary school passes the education gate.
    let who = Newcomer {
        name: "Trần Văn Biển",
        birth: "1985-09-09",
        grade: 5,
        area: "fishermen",
    };
    let f = to_comments_in(&app, &members, "A1", who).await;
    app.record_document(&sys, f, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, f, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
}

both_backends!(
    a_grassroots_cell_and_the_receipt_of_the_decision,
    over_sixty_and_the_education_exceptions,
);
