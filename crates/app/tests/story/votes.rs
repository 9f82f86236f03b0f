//! Issue 15: the cell vote's eligible from the registry, who records which
//! step, dates the texts space in time, and the certificate's document.

use crate::pipeline::{d, setup, step, to_comments, voted};
use ranks_app::pipeline::{Movement, StepInput};
use ranks_app::refusals::RefusalQuery;
use ranks_app::{Actor, AppError, Scope};
use ranks_store::records::audit;
use ranks_testkit::{both_backends, TestDb};

fn refused(err: &AppError, rule: &str) -> bool {
    matches!(err, AppError::Refused(r) if r.rule == rule)
}

async fn a_cell_votes_eligible_is_the_registrys(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    // The certificate ticked its document on its day; recording another
    // certificate leaves that one as it is.
    let docs = app.candidate_file(&sys, c).await.unwrap().documents;
    assert!(
        docs.contains(&("CN-NTVĐ".into(), d("2024-04-12"))),
        "{docs:?}"
    );
    app.record_certificate(&sys, c, d("2024-05-02"), "16/CN")
        .await
        .unwrap();
    let docs = app.candidate_file(&sys, c).await.unwrap().documents;
    assert_eq!(docs.iter().filter(|(k, _)| k == "CN-NTVĐ").count(), 1);
    assert!(docs.contains(&("CN-NTVĐ".into(), d("2024-04-12"))));

    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    // A1 has three official members (and a probationary one).
    let on = d("2025-06-23");
    assert_eq!(
        app.registry_eligible(&sys, c, "cell_vote", on)
            .await
            .unwrap(),
        Some(3)
    );
    // A member gone after the vote still counts on its day, not after.
    app.member_movement(&sys, members[1], Movement::Death, Some(d("2025-09-01")))
        .await
        .unwrap();
    assert_eq!(
        app.registry_eligible(&sys, c, "cell_vote", on)
            .await
            .unwrap(),
        Some(3)
    );
    assert_eq!(
        app.registry_eligible(&sys, c, "cell_vote", d("2025-09-02"))
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        app.registry_eligible(&sys, c, "grassroots_vote", on)
            .await
            .unwrap(),
        None,
        "the committee's members are entered, not counted from the registry"
    );
    // Another number without a reason is refused, naming the registry's.
    for v in [(9, 9, 9, 0), (2, 2, 2, 0)] {
        let err = app
            .record_step(&sys, c, voted("cell_vote", "2025-06-23", v))
            .await
            .unwrap_err();
        assert!(refused(&err, "vote.eligible"), "{err}");
        assert!(err.to_string().contains("3 official members"), "{err}");
    }
    // With a reason, a smaller number is accepted but the two thirds count
    // on the registry's three.
    let with_reason = |v, why: &str| StepInput {
        eligible_reason: Some(why.into()),
        ..voted("cell_vote", "2025-06-23", v)
    };
    let err = app
        .record_step(&sys, c, with_reason((2, 2, 1, 0), "one is abroad"))
        .await
        .unwrap_err();
    assert!(refused(&err, "cell_vote_two_thirds"), "{err}");
    assert!(
        err.to_string().contains("1 in favour of 3 eligible"),
        "{err}"
    );
    // Present above eligible, or more votes than present: refused.
    let err = app
        .record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 4, 3, 0)))
        .await
        .unwrap_err();
    assert!(refused(&err, "vote.counts"), "{err}");
    let err = app
        .record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 1)))
        .await
        .unwrap_err();
    assert!(refused(&err, "vote.counts"), "{err}");
    let why = "a member transferred in on 2025-06-01, not yet in the registry";
    app.record_step(&sys, c, with_reason((4, 4, 3, 0), why))
        .await
        .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let trail = audit::for_entity(&mut conn, "candidate", &c.to_string())
        .await
        .unwrap();
    let stage = trail.iter().rev().find(|e| e.action == "stage").unwrap();
    let after = stage.after.as_ref().unwrap().to_string();
    assert!(after.contains(why), "{after}");
    assert!(after.contains("\"registry_eligible\":3"), "{after}");
    let file = app.candidate_file(&sys, c).await.unwrap();
    let v = file.votes.last().unwrap();
    assert_eq!(
        (v.eligible, v.present, v.in_favour, v.against),
        (4, 4, 3, 0)
    );
}

async fn each_body_records_its_own_steps(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    let path = |code: &'static str| {
        let app = &app;
        let sys = &sys;
        async move { app.unit(sys, code).await.unwrap().path }
    };
    let secretary = Actor {
        name: "bt-a1".into(),
        scope: Scope::Subtree(path("A1").await),
        role: ranks_app::auth::Role::Secretary,
    };
    let grassroots = Actor {
        name: "vp-a".into(),
        scope: Scope::Subtree(path("A").await),
        role: ranks_app::auth::Role::Staff,
    };
    let superior = Actor {
        name: "btc-r".into(),
        scope: Scope::Subtree(path("R").await),
        role: ranks_app::auth::Role::Staff,
    };
    for (code, on) in [
        ("6-KNĐ", "2025-06-20"),
        ("8-KNĐ", "2025-06-23"),
        ("9-KNĐ", "2025-08-04"),
        ("BB-KN", "2025-08-04"),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
    }
    app.record_step(
        &secretary,
        c,
        voted("cell_vote", "2025-06-23", (3, 3, 3, 0)),
    )
    .await
    .unwrap();
    // The grassroots committee's vote: not the cell secretary's step.
    let err = app
        .record_step(
            &secretary,
            c,
            voted("grassroots_vote", "2025-07-07", (7, 6, 6, 0)),
        )
        .await
        .unwrap_err();
    assert!(refused(&err, "recorder"), "{err}");
    assert!(
        err.to_string().contains("grassroots party committee"),
        "{err}"
    );
    // Nor on the day of the cell's vote: the committee meets on it later.
    let err = app
        .record_step(
            &grassroots,
            c,
            voted("grassroots_vote", "2025-06-23", (7, 6, 6, 0)),
        )
        .await
        .unwrap_err();
    assert!(refused(&err, "grassroots_after_cell"), "{err}");
    assert!(err.to_string().contains("2025-06-24"), "{err}");
    app.record_step(
        &grassroots,
        c,
        voted("grassroots_vote", "2025-07-07", (7, 6, 6, 0)),
    )
    .await
    .unwrap();
    // The decision: the competent committee's, above the grassroots.
    for who in [&secretary, &grassroots] {
        let err = app
            .record_step(who, c, step("decision", "2025-08-04"))
            .await
            .unwrap_err();
        assert!(refused(&err, "recorder"), "{err}");
        assert!(err.to_string().contains("competent committee"), "{err}");
    }
    app.record_step(&superior, c, step("decision", "2025-08-04"))
        .await
        .unwrap();
    // The ceremony is the cell's (294 mục 4.1: "chi bộ phải tổ chức lễ kết
    // nạp"), not on the decision's day.
    app.assign_mentor(&sys, c, members[2], true, Some(d("2025-08-04")))
        .await
        .unwrap();
    let err = app
        .record_step(&secretary, c, step("ceremony", "2025-08-04"))
        .await
        .unwrap_err();
    assert!(refused(&err, "ceremony_after_decision"), "{err}");
    app.record_step(&secretary, c, step("ceremony", "2025-08-18"))
        .await
        .unwrap();
    // The refusals are kept for the supervisors and the committees' staff,
    // filtered and paged; not for the cell secretary.
    let log = |rule: Option<&str>, page: u32| RefusalQuery {
        org: Some("A".into()),
        rule: rule.map(str::to_string),
        page,
        ..RefusalQuery::default()
    };
    let all = app.refusal_log(&grassroots, log(None, 1)).await.unwrap();
    assert_eq!(all.total, 5, "{:?}", all.rows);
    assert!(all
        .rows
        .iter()
        .any(|r| r.rule == "recorder" && r.stage == "decision" && r.by == "vp-a"));
    assert!(all
        .rows
        .iter()
        .all(|r| r.at.starts_with(&ranks_testkit::test_today().to_string())));
    let recorder = app
        .refusal_log(&superior, log(Some("recorder"), 1))
        .await
        .unwrap();
    assert_eq!(recorder.total, 3);
    assert!(recorder.rows.iter().all(|r| r.rule == "recorder"));
    // The log read from the refusals outwards (a wide subtree) is the log
    // read from the units inwards, for a unit and the whole tree.
    {
        use ranks_store::records::refusals::{rules, RefusalFilter};
        let a = app.unit(&sys, "A").await.unwrap().path;
        let mut conn = app.db().read().await.unwrap();
        for root in [a.parent().unwrap(), a] {
            let filters = [
                RefusalFilter::default(),
                RefusalFilter {
                    rule: "recorder".into(),
                    ..RefusalFilter::default()
                },
            ];
            for f in &filters {
                let narrow = log_page(&mut conn, &root, f, false).await;
                assert!(narrow.1 >= 3, "{narrow:?}");
                assert_eq!(narrow, log_page(&mut conn, &root, f, true).await);
            }
            assert_eq!(
                rules(&mut conn, &root, false).await.unwrap(),
                rules(&mut conn, &root, true).await.unwrap()
            );
        }
    }
    assert!(app
        .refusal_log(&sys, log(None, 2))
        .await
        .unwrap()
        .rows
        .is_empty());
    let err = app.refusal_log(&secretary, log(None, 1)).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
}

/// The second page of three of a refusal log read one way or the other:
/// (candidate, rule, stage, when) of each row, and the total.
async fn log_page(
    conn: &mut ranks_store::Conn,
    root: &ranks_domain::OrgPath,
    f: &ranks_store::records::refusals::RefusalFilter,
    wide: bool,
) -> (Vec<(i64, String, String, String)>, i64) {
    let (rows, total) = ranks_store::records::refusals::page(conn, root, f, 3, 1, wide)
        .await
        .unwrap();
    let rows = rows
        .into_iter()
        .map(|r| (r.candidate_id, r.rule, r.stage, r.recorded_at))
        .collect();
    (rows, total)
}

both_backends!(
    a_cell_votes_eligible_is_the_registrys,
    each_body_records_its_own_steps
);
