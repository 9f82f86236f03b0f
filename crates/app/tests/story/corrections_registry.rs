//! Correcting the latest step's date, withdrawing a step that changed the
//! member registry, and dated entries moved past the step that relied on
//! them (issue 15, item 4): each on both engines.

use super::pipeline::{d, person, setup, step, to_comments, voted};
use ranks_app::pipeline::{Corrected, Entry, Movement, PersonRef};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::MemberStatus;
use ranks_store::records::corrections::member_events;
use ranks_store::records::{audit, members};
use ranks_testkit::{both_backends, TestDb};

fn refused_naming(err: &AppError, stage: &str) -> bool {
    matches!(err, AppError::Refused(r) if r.rule == "correction.relied_on" && r.message.contains(stage))
}

fn refused_with(err: &AppError, key: &str) -> bool {
    matches!(err, AppError::Refused(r) if r.rule == "correction.relied_on" && r.key == key)
}

fn stage(s: &str) -> Entry {
    Entry::Step { stage: s.into() }
}

/// The admissions of A between two days, from the roll-up index, checked
/// against the database.
async fn admitted(app: &App, from: &str, to: &str) -> u64 {
    let sys = Actor::system();
    let r = app.rollup(&sys, Some("A"), d(from), d(to)).await.unwrap();
    let indexed = r.row(0).3;
    let sql = app.rollup_sql(d(from), d(to)).await.unwrap();
    assert_eq!(
        sql.get("A").copied().unwrap_or(0),
        indexed,
        "the index follows the database ({from}..{to})"
    );
    indexed
}

/// The cell's and the grassroots committee's votes and the admission
/// decision, on a file at the comments.
async fn admit(app: &App, c: i64, decision: &str) {
    let sys = Actor::system();
    for (code, stage, on, vote) in [
        ("6-KNĐ", "cell_vote", "2025-06-23", Some((3, 3, 3, 0))),
        ("8-KNĐ", "grassroots_vote", "2025-07-07", Some((7, 6, 6, 0))),
        ("9-KNĐ", "decision", decision, None),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
        let s = match vote {
            Some(v) => voted(stage, on, v),
            None => step(stage, on),
        };
        app.record_step(&sys, c, s).await.unwrap();
    }
}

async fn events(app: &App, member: i64) -> Vec<(i64, String, ranks_domain::Date)> {
    let mut conn = app.db().read().await.unwrap();
    member_events(&mut conn, member).await.unwrap()
}

async fn audit_replays_clean(app: &App) {
    let report = app.verify_audit().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.differences.is_empty(), "{:?}", report.differences);
}

async fn the_latest_steps_date_is_corrected_and_judged_again(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    // Before its document (5-KNĐ of 02/09/2024): refused with the
    // step's own rule, nothing changed.
    let err = app
        .correct_entry(
            &sys,
            c,
            stage("comments"),
            Corrected::Date(d("2024-08-20")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "documents"),
        "{err}"
    );
    // Before the step before it: refused by the engine too.
    let err = app
        .correct_entry(
            &sys,
            c,
            stage("comments"),
            Corrected::Date(d("2024-08-01")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule != "correction.relied_on"),
        "{err}"
    );
    // In the future: the date itself is refused.
    let err = app
        .correct_entry(
            &sys,
            c,
            stage("comments"),
            Corrected::Date(d("2027-01-04")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    // Only the latest step.
    let err = app
        .correct_entry(
            &sys,
            c,
            stage("introduction"),
            Corrected::Date(d("2024-08-06")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Conflict(m) if m.contains("only the latest") && m.contains("comments")),
        "{err}"
    );
    assert_eq!(
        app.candidate_file(&sys, c).await.unwrap().stage_since,
        d("2024-09-02")
    );
    app.correct_entry(
        &sys,
        c,
        stage("comments"),
        Corrected::Date(d("2024-09-10")),
        "the minutes are of the 10th",
    )
    .await
    .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "comments");
    assert_eq!(file.stage_since, d("2024-09-10"));
    assert_eq!(file.history.last().unwrap().on, d("2024-09-10"));
    let kept = file.corrections.last().unwrap();
    assert_eq!(
        (kept.kind.as_str(), kept.action.as_str()),
        ("stage", "corrected")
    );
    assert_eq!(kept.entry["on"], "2024-09-02");
    assert_eq!(kept.replaced_by.as_ref().unwrap()["on"], "2024-09-10");
    assert_eq!(kept.reason, "the minutes are of the 10th");
    let mut conn = app.db().read().await.unwrap();
    let trail = audit::for_entity(&mut conn, "candidate", &c.to_string())
        .await
        .unwrap();
    let e = trail.iter().rfind(|e| e.action == "correct").unwrap();
    assert_eq!(e.before.as_ref().unwrap()["entry"]["on"], "2024-09-02");
    assert_eq!(e.after.as_ref().unwrap()["on"], "2024-09-10");
    drop(conn);
    audit_replays_clean(&app).await;

    // A vote's step: its vote moves with it, and the cell's secretary may
    // move the cell's own vote but not the grassroots committee's.
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
    let secretary = Actor {
        name: "bt".into(),
        scope: Scope::Subtree(app.unit(&sys, "A1").await.unwrap().path),
        role: ranks_app::auth::Role::Secretary,
    };
    let err = app
        .correct_entry(
            &secretary,
            c,
            stage("cell_vote"),
            Corrected::Date(d("2025-06-19")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "documents"),
        "{err}"
    );
    app.correct_entry(
        &secretary,
        c,
        stage("cell_vote"),
        Corrected::Date(d("2025-06-25")),
        "the meeting was on the 25th",
    )
    .await
    .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.votes[0].on, d("2025-06-25"));
    assert_eq!(file.stage_since, d("2025-06-25"));
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
    let err = app
        .correct_entry(
            &secretary,
            c,
            stage("grassroots_vote"),
            Corrected::Date(d("2025-07-08")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "recorder"),
        "{err}"
    );
    let staff = Actor {
        name: "staff".into(),
        scope: Scope::Subtree(app.unit(&sys, "A").await.unwrap().path),
        role: ranks_app::auth::Role::Staff,
    };
    app.correct_entry(
        &staff,
        c,
        stage("grassroots_vote"),
        Corrected::Date(d("2025-07-08")),
        "the resolution's date",
    )
    .await
    .unwrap();
    // A viewer corrects nothing; outside the actor's tree the file is unknown.
    let viewer = Actor {
        role: ranks_app::auth::Role::Viewer,
        ..staff.clone()
    };
    let err = app
        .correct_entry(
            &viewer,
            c,
            stage("grassroots_vote"),
            Corrected::Date(d("2025-07-09")),
            "x",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let other = Actor {
        scope: Scope::Subtree(app.unit(&sys, "A2").await.unwrap().path),
        ..staff.clone()
    };
    let err = app
        .correct_entry(
            &other,
            c,
            stage("grassroots_vote"),
            Corrected::Date(d("2025-07-09")),
            "x",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.votes[1].on, d("2025-07-08"));
    audit_replays_clean(&app).await;
}

async fn the_admission_decision_is_withdrawn_with_its_member(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    admit(&app, c, "2025-08-04").await;
    let member = app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .member_id
        .unwrap();
    assert_eq!(admitted(&app, "2025-08-01", "2025-08-05").await, 1);
    // Its date corrected: the admission day follows, and the roll-up.
    app.correct_entry(
        &sys,
        c,
        stage("decision"),
        Corrected::Date(d("2025-08-06")),
        "the decision is of the 6th",
    )
    .await
    .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(row.admitted_on, d("2025-08-06"));
    assert_eq!(admitted(&app, "2025-08-01", "2025-08-05").await, 0);
    assert_eq!(admitted(&app, "2025-08-06", "2025-08-06").await, 1);
    // Before the grassroots committee's vote it relied on: refused.
    let err = app
        .correct_entry(
            &sys,
            c,
            stage("decision"),
            Corrected::Date(d("2025-07-01")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)), "{err}");
    audit_replays_clean(&app).await;

    // Withdrawn: the member made by it goes, in the same transaction.
    app.withdraw_entry(&sys, c, stage("decision"), "decided for another person")
        .await
        .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "grassroots_vote");
    assert_eq!(file.member_id, None);
    let mut conn = app.db().read().await.unwrap();
    assert!(members::row(&mut conn, member).await.unwrap().is_none());
    let trail = audit::for_entity(&mut conn, "member", &member.to_string())
        .await
        .unwrap();
    let gone = trail.last().unwrap();
    assert_eq!(gone.action, "withdraw");
    assert_eq!(gone.before.as_ref().unwrap()["admitted_on"], "2025-08-06");
    drop(conn);
    assert_eq!(admitted(&app, "2025-08-01", "2025-08-31").await, 0);
    let kept = file.corrections.last().unwrap();
    assert_eq!(kept.entry["member"]["id"], member);
    audit_replays_clean(&app).await;

    // Recorded again: a new member. Moved since: the decision stays.
    app.record_step(&sys, c, step("decision", "2025-08-04"))
        .await
        .unwrap();
    let again = app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .member_id
        .unwrap();
    // (SQLite may give the new row the freed id: the same person, and
    // the audit log tells the two apart by the withdrawal between them.)
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, again).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(
        (row.status, row.admitted_on),
        (MemberStatus::Probationary, d("2025-08-04"))
    );
    assert_eq!(admitted(&app, "2025-08-01", "2025-08-05").await, 1);
    app.member_movement(
        &sys,
        again,
        Movement::TransferTo { cell: "A2".into() },
        Some(d("2025-08-11")),
    )
    .await
    .unwrap();
    let err = app
        .withdraw_entry(&sys, c, stage("decision"), "typo")
        .await
        .unwrap_err();
    assert!(refused_with(&err, "refusal-registry-changed"), "{err}");
    let err = app
        .correct_entry(
            &sys,
            c,
            stage("decision"),
            Corrected::Date(d("2025-08-05")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_with(&err, "refusal-registry-changed"), "{err}");
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, again).await.unwrap().unwrap();
    assert_eq!(row.admitted_on, d("2025-08-04"), "nothing half-written");
    drop(conn);
    assert_eq!(app.candidate_file(&sys, c).await.unwrap().stage, "decision");
    audit_replays_clean(&app).await;
}

/// From the ceremony to the recognition, on an admitted file.
async fn to_recognised(app: &App, c: i64) {
    let sys = Actor::system();
    for code in ["10-KNĐ", "11-KNĐ", "12-KNĐ"] {
        app.record_document(&sys, c, code, Some(d("2026-08-10")))
            .await
            .unwrap();
    }
    app.record_document(&sys, c, "13-KNĐ", Some(d("2026-08-24")))
        .await
        .unwrap();
    app.record_step(
        &sys,
        c,
        voted("recognition_cell_vote", "2026-08-24", (3, 3, 3, 0)),
    )
    .await
    .unwrap();
    app.record_document(&sys, c, "15-KNĐ", Some(d("2026-09-01")))
        .await
        .unwrap();
    app.record_step(
        &sys,
        c,
        voted("recognition_grassroots_vote", "2026-09-07", (7, 7, 7, 0)),
    )
    .await
    .unwrap();
    app.record_document(&sys, c, "16-KNĐ", Some(d("2026-11-02")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("recognised", "2026-11-02"))
        .await
        .unwrap();
}

async fn the_recognition_is_withdrawn_back_to_probation(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    admit(&app, c, "2025-08-04").await;
    let member = app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .member_id
        .unwrap();
    app.record_document(&sys, c, "BB-KN", Some(d("2025-08-18")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[2], true, Some(d("2025-08-18")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("ceremony", "2025-08-18"))
        .await
        .unwrap();
    // The probation mentor the ceremony needed, dated after it: refused.
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Mentor {
                member_id: members[2],
                probation: true,
            },
            Corrected::Date(d("2025-08-20")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "ceremony"), "{err}");
    // The decision received after the ceremony held on it: refused.
    let err = app
        .record_receipt(&sys, c, "decision", d("2025-08-20"))
        .await
        .unwrap_err();
    assert!(refused_with(&err, "refusal-relied-on-receipt"), "{err}");
    assert!(refused_naming(&err, "ceremony"), "{err}");
    app.record_receipt(&sys, c, "decision", d("2025-08-11"))
        .await
        .unwrap();
    to_recognised(&app, c).await;
    assert_eq!(
        events(&app, member).await.last().unwrap().2,
        d("2026-11-02")
    );
    // Its date corrected: the history follows; recognition still takes
    // effect twelve months after the ceremony.
    app.correct_entry(
        &sys,
        c,
        stage("recognised"),
        Corrected::Date(d("2026-11-03")),
        "signed on the 3rd",
    )
    .await
    .unwrap();
    assert_eq!(
        events(&app, member).await.last().unwrap().2,
        d("2026-11-03")
    );
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(
        (row.status, row.official_on),
        (MemberStatus::Official, Some(d("2026-08-18")))
    );
    // Withdrawn: a probationary member again, the file open again.
    app.withdraw_entry(&sys, c, stage("recognised"), "the decision was not signed")
        .await
        .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(
        (row.status, row.official_on),
        (MemberStatus::Probationary, None)
    );
    assert!(!events(&app, member)
        .await
        .iter()
        .any(|e| e.1 == "recognised"));
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "recognition_grassroots_vote");
    assert_eq!(file.member_id, Some(member));
    audit_replays_clean(&app).await;

    // Recognised again, then an introducer of someone: the recognition
    // the introduction relied on stays.
    app.record_step(&sys, c, step("recognised", "2026-11-02"))
        .await
        .unwrap();
    let other = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person: person("Đinh Văn Mới", "1990-02-02"),
                general_grade: 12,
                area: String::new(),
            },
            "A1",
            None,
            Some(d("2026-11-05")),
        )
        .await
        .unwrap();
    app.add_introducer(
        &sys,
        other,
        Some((member, d("2025-08-18"))),
        Some(d("2026-11-10")),
    )
    .await
    .unwrap();
    let err = app
        .withdraw_entry(&sys, c, stage("recognised"), "typo")
        .await
        .unwrap_err();
    assert!(refused_with(&err, "refusal-registry-used"), "{err}");
    assert!(
        matches!(&err, AppError::Refused(r) if r.args.iter().any(|(k, v)| k == "what" && v == "introducer")),
        "{err}"
    );
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    assert_eq!(row.status, MemberStatus::Official, "nothing half-written");
}

async fn a_refused_recognition_is_withdrawn_back_to_probation(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    admit(&app, c, "2025-08-04").await;
    let member = app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .member_id
        .unwrap();
    app.record_document(&sys, c, "BB-KN", Some(d("2025-08-18")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[2], true, Some(d("2025-08-18")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("ceremony", "2025-08-18"))
        .await
        .unwrap();
    app.record_step(&sys, c, step("not_recognised", "2026-11-02"))
        .await
        .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(row.status, MemberStatus::Removed);
    app.correct_entry(
        &sys,
        c,
        stage("not_recognised"),
        Corrected::Date(d("2026-11-03")),
        "signed on the 3rd",
    )
    .await
    .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(
        row.left_on,
        Some(d("2026-11-03")),
        "the removal's day follows"
    );
    app.withdraw_entry(
        &sys,
        c,
        stage("not_recognised"),
        "recorded for the wrong file",
    )
    .await
    .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let row = members::row(&mut conn, member).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(
        (row.status, row.left_on),
        (MemberStatus::Probationary, None)
    );
    assert_eq!(app.candidate_file(&sys, c).await.unwrap().stage, "ceremony");
    audit_replays_clean(&app).await;
}

async fn every_dated_entry_is_held_to_the_steps_that_relied_on_it(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    let file = app.candidate_file(&sys, c).await.unwrap();
    // The mentor the sympathiser step (05/02/2024) needed, assigned after it.
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Mentor {
                member_id: members[0],
                probation: false,
            },
            Corrected::Date(d("2024-02-10")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "sympathiser"), "{err}");
    // Its document, dated after it.
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Document {
                code: "NQ-GIUPDO".into(),
            },
            Corrected::Date(d("2024-02-10")),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "sympathiser"), "{err}");
    // The member introducer of the introduction (05/08/2024), after it.
    let introducer = file
        .introducers
        .iter()
        .find(|i| i.kind == "member")
        .unwrap()
        .id;
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Introducer { id: introducer },
            Corrected::Introducer {
                together_since: Some(d("2020-01-01")),
                on: d("2024-08-10"),
            },
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "introduction"), "{err}");
    // Earlier dates that still hold are taken.
    app.correct_entry(
        &sys,
        c,
        Entry::Mentor {
            member_id: members[0],
            probation: false,
        },
        Corrected::Date(d("2024-02-03")),
        "the resolution's date",
    )
    .await
    .unwrap();
    // The certificate the cell's vote relied on, issued after it.
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
    let cert = app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .certificate_id
        .unwrap();
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Certificate { id: cert },
            Corrected::Certificate {
                issued_on: d("2025-07-01"),
                number: "15/CN".into(),
            },
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "cell_vote"), "{err}");
    // The vote's counts that would not have carried it.
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Vote {
                stage: "cell_vote".into(),
            },
            Corrected::Vote(ranks_domain::procedure::Vote {
                eligible: 3,
                present: 3,
                in_favour: 1,
                against: 2,
            }),
            "typo",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "cell_vote"), "{err}");
    // Nothing of the refused corrections was kept.
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.corrections.len(), 1);
    audit_replays_clean(&app).await;
}

both_backends!(
    the_latest_steps_date_is_corrected_and_judged_again,
    the_admission_decision_is_withdrawn_with_its_member,
    the_recognition_is_withdrawn_back_to_probation,
    a_refused_recognition_is_withdrawn_back_to_probation,
    every_dated_entry_is_held_to_the_steps_that_relied_on_it,
);
