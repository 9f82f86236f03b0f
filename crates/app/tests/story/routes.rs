//! The introducers' routes of the Charter (Điều 4 khoản 1): the Youth Union
//! route in youth age, the trade-union route outside it, two official
//! members otherwise; on SQLite and PostgreSQL.

use crate::pipeline::{d, person, setup, step};
use ranks_app::pipeline::PersonRef;
use ranks_app::{Actor, App, AppError};
use ranks_testkit::{both_backends, TestDb};

/// A candidate of `cell` born on `birth`, taken to the verification, with
/// the introduction letter (3-KNĐ) recorded.
async fn to_verification(app: &App, name: &str, birth: &str, cell: &str, mentor: i64) -> i64 {
    let sys = Actor::system();
    let c = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person: person(name, birth),
                general_grade: 12,
                area: String::new(),
            },
            cell,
            None,
            Some(d("2025-01-06")),
        )
        .await
        .unwrap();
    app.record_document(&sys, c, "NQ-GIUPDO", Some(d("2025-02-01")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, mentor, false, Some(d("2025-02-01")))
        .await
        .unwrap();
    for (doc, stage, on) in [
        ("NQ-GIUPDO", "sympathiser", "2025-02-03"),
        ("CN-NTVĐ", "course", "2025-03-03"),
        ("1-KNĐ", "application", "2025-04-01"),
        ("2-KNĐ", "personal_history", "2025-05-05"),
        ("TTLL", "verification", "2025-06-02"),
    ] {
        if doc != "NQ-GIUPDO" {
            app.record_document(&sys, c, doc, Some(d(on)))
                .await
                .unwrap();
        }
        app.record_step(&sys, c, step(stage, on)).await.unwrap();
    }
    app.record_document(&sys, c, "3-KNĐ", Some(d("2026-06-01")))
        .await
        .unwrap();
    c
}

async fn member(app: &App, c: i64, m: i64) {
    app.add_introducer(
        &Actor::system(),
        c,
        Some((m, d("2020-01-01"))),
        Some(d("2026-06-01")),
    )
    .await
    .unwrap();
}

async fn introduce(app: &App, c: i64) -> Result<(), AppError> {
    app.record_step(&Actor::system(), c, step("introduction", "2026-06-02"))
        .await
        .map(|_| ())
}

fn refusal(r: Result<(), AppError>) -> String {
    match r {
        Err(AppError::Refused(r)) => {
            assert_eq!(r.rule, "introducers");
            assert!(r.source.contains("Điều 4, khoản 1"), "{r}");
            r.message
        }
        other => panic!("expected the introducers' refusal, got {other:?}"),
    }
}

async fn youth_age_takes_the_youth_union_route(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    // 28 years old at the introduction; A1 has a Youth Union organisation
    // (the default): two official members alone are refused, naming the route.
    let c = to_verification(&app, "Hà Thị Tám", "1998-03-10", "A1", members[0]).await;
    assert_eq!(
        app.unit_organisations(&sys, "A1").await.unwrap(),
        (true, true)
    );
    member(&app, c, members[0]).await;
    member(&app, c, members[1]).await;
    let msg = refusal(introduce(&app, c).await);
    assert!(msg.contains("Youth Union member"), "{msg}");
    app.set_memberships(&sys, c, Some(true), None)
        .await
        .unwrap();
    let msg = refusal(introduce(&app, c).await);
    assert!(
        msg.contains("Youth Union committee's resolution (form 4-KNĐ)"),
        "{msg}"
    );
    assert!(msg.contains("alone do not suffice"), "{msg}");
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "verification");
    assert_eq!(file.memberships, (true, false));

    // Another, with the Youth Union's resolution and one official member:
    // recording the resolution records its form 4-KNĐ on the same day.
    let c2 = to_verification(&app, "Hà Văn Chín", "1998-05-05", "A1", members[0]).await;
    app.set_memberships(&sys, c2, Some(true), None)
        .await
        .unwrap();
    app.add_introducer(&sys, c2, None, Some(d("2026-06-01")))
        .await
        .unwrap();
    let msg = refusal(introduce(&app, c2).await);
    assert!(msg.contains("0 valid official member(s) besides"), "{msg}");
    member(&app, c2, members[1]).await;
    introduce(&app, c2).await.unwrap();
    let file = app.candidate_file(&sys, c2).await.unwrap();
    assert!(file
        .documents
        .contains(&("4-KNĐ".to_string(), d("2026-06-01"))));
    assert_eq!(file.stage, "introduction");

    // In a cell without a Youth Union organisation, two official members.
    assert_eq!(
        app.set_unit_organisations(&sys, "A1", Some(false), None)
            .await
            .unwrap(),
        (false, true)
    );
    introduce(&app, c).await.unwrap();
}

async fn outside_youth_age_the_trade_union_route(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    // 35 years old: the trade-union committee's resolution (4A-KNĐ) and one
    // official member.
    let c = to_verification(&app, "Lò Văn Mười", "1991-01-15", "A1", members[0]).await;
    app.add_trade_union_introducer(&sys, c, Some(d("2026-06-01")))
        .await
        .unwrap();
    member(&app, c, members[0]).await;
    // Not a trade-union member yet: the resolution does not count.
    let msg = refusal(introduce(&app, c).await);
    assert!(msg.contains("trade-union resolution counts only"), "{msg}");
    app.set_memberships(&sys, c, None, Some(true))
        .await
        .unwrap();
    introduce(&app, c).await.unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert!(file
        .documents
        .contains(&("4A-KNĐ".to_string(), d("2026-06-01"))));
    assert!(file.introducers.iter().any(|i| i.kind == "trade_union"));
    // Recorded twice: a conflict, nothing saved.
    let err = app
        .add_trade_union_introducer(&sys, c, Some(d("2026-06-01")))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");

    // Two official members remain accepted outside youth age.
    let c2 = to_verification(&app, "Lò Thị Mười Một", "1990-04-04", "A1", members[0]).await;
    member(&app, c2, members[0]).await;
    member(&app, c2, members[1]).await;
    introduce(&app, c2).await.unwrap();
}

both_backends!(
    youth_age_takes_the_youth_union_route,
    outside_youth_age_the_trade_union_route,
);
