//! Correcting a mistake in a file (issue 15): every entry withdrawn or
//! corrected with a reason, audited, by the roles that record it, never
//! rewriting what a later step relied on.

use super::pipeline::{d, setup, step, to_comments, voted};
use ranks_app::pipeline::{Corrected, Entry};
use ranks_app::{Actor, AppError, Scope};
use ranks_domain::procedure::Vote;
use ranks_store::records::audit;
use ranks_testkit::{both_backends, TestDb};

fn refused_naming(err: &AppError, stage: &str) -> bool {
    matches!(err, AppError::Refused(r) if r.rule == "correction.relied_on" && r.message.contains(stage))
}

async fn an_introducer_date_is_corrected_not_added_twice(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    let file = app.candidate_file(&sys, c).await.unwrap();
    let before = file.introducers.len();
    let member = file
        .introducers
        .iter()
        .find(|i| i.kind == "member")
        .unwrap()
        .id;
    let entry = Entry::Introducer { id: member };
    // Worked together only a month before the introduction: the
    // introduction already recorded relied on the twelve months.
    let err = app
        .correct_entry(
            &sys,
            c,
            entry.clone(),
            Corrected::Introducer {
                together_since: Some(d("2024-07-01")),
                on: d("2024-08-01"),
            },
            "wrong year",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "introduction"), "{err}");
    // A reason is required.
    let err = app
        .correct_entry(
            &sys,
            c,
            entry.clone(),
            Corrected::Introducer {
                together_since: Some(d("2019-09-01")),
                on: d("2024-08-01"),
            },
            "  ",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    app.correct_entry(
        &sys,
        c,
        entry,
        Corrected::Introducer {
            together_since: Some(d("2019-09-01")),
            on: d("2024-08-01"),
        },
        "typed 2020 for 2019",
    )
    .await
    .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(
        file.introducers.len(),
        before,
        "corrected, not listed twice"
    );
    let i = file.introducers.iter().find(|i| i.id == member).unwrap();
    assert_eq!(i.together_since, Some(d("2019-09-01")));
    assert_eq!(file.corrections.len(), 1);
    assert_eq!(file.corrections[0].action, "corrected");
    assert_eq!(file.corrections[0].reason, "typed 2020 for 2019");
    assert_eq!(file.corrections[0].entry["together_since"], "2020-01-01");
    // The audit chain holds the old value, the new one and the reason.
    let mut conn = app.db().read().await.unwrap();
    let trail = audit::for_entity(&mut conn, "candidate", &c.to_string())
        .await
        .unwrap();
    let e = trail.iter().find(|e| e.action == "correct").unwrap();
    assert_eq!(
        e.before.as_ref().unwrap()["entry"]["together_since"],
        "2020-01-01"
    );
    assert_eq!(
        e.after.as_ref().unwrap()["entry"]["together_since"],
        "2019-09-01"
    );
    assert_eq!(e.after.as_ref().unwrap()["reason"], "typed 2020 for 2019");
    drop(conn);

    // A step that changed the member registry (the admission decision
    // made a member) is withdrawn with its change (see
    // corrections_registry.rs for the whole story).
    for (code, stage, on, vote) in [
        ("6-KNĐ", "cell_vote", "2025-06-23", Some((3, 3, 3, 0))),
        ("8-KNĐ", "grassroots_vote", "2025-07-07", Some((7, 6, 6, 0))),
        ("9-KNĐ", "decision", "2025-08-04", None),
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
    assert!(app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .member_id
        .is_some());
    app.withdraw_entry(
        &sys,
        c,
        Entry::Step {
            stage: "decision".into(),
        },
        "wrong date",
    )
    .await
    .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "grassroots_vote");
    assert_eq!(file.member_id, None);
}

async fn withdrawals_respect_later_steps(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    let doc = || Entry::Document {
        code: "3-KNĐ".into(),
    };
    // The introduction relied on 3-KNĐ: refused, naming the step.
    let err = app
        .withdraw_entry(&sys, c, doc(), "recorded for the wrong person")
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "introduction"), "{err}");
    // A step: only the latest.
    let err = app
        .withdraw_entry(
            &sys,
            c,
            Entry::Step {
                stage: "introduction".into(),
            },
            "too early",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Conflict(m) if m.contains("only the latest") && m.contains("comments")),
        "{err}"
    );
    for stage in ["comments", "introduction"] {
        app.withdraw_entry(
            &sys,
            c,
            Entry::Step {
                stage: stage.into(),
            },
            "recorded before the papers were in",
        )
        .await
        .unwrap();
    }
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "verification");
    assert_eq!(file.stage_since, d("2024-07-01"));
    let report = app.verify_audit().await.unwrap();
    assert!(report.differences.is_empty(), "{:?}", report.differences);
    // Now nothing relies on the document.
    app.withdraw_entry(&sys, c, doc(), "recorded for the wrong person")
        .await
        .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert!(!file.documents.iter().any(|(code, _)| code == "3-KNĐ"));
    let kept: Vec<_> = file
        .corrections
        .iter()
        .map(|k| (k.kind.as_str(), k.action.as_str()))
        .collect();
    assert_eq!(
        kept,
        [
            ("stage", "withdrawn"),
            ("stage", "withdrawn"),
            ("document", "withdrawn")
        ]
    );
    assert_eq!(file.corrections[2].entry["on"], "2024-08-01");
    // It can be recorded again, and the introduction taken again.
    app.record_document(&sys, c, "3-KNĐ", Some(d("2024-08-02")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("introduction", "2024-08-05"))
        .await
        .unwrap();
    // No recorded step checks the certificate's validity yet (the cell's
    // vote will): it may go; the mentor the sympathiser step needed may not.
    let cert = file.certificate_id.unwrap();
    app.withdraw_entry(&sys, c, Entry::Certificate { id: cert }, "wrong number")
        .await
        .unwrap();
    assert!(app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .certificate
        .is_none());
    let err = app
        .withdraw_entry(
            &sys,
            c,
            Entry::Mentor {
                member_id: members[0],
                probation: false,
            },
            "wrong mentor",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "sympathiser"), "{err}");
    // A document date moved after the step that needed it: refused.
    let err = app
        .correct_entry(
            &sys,
            c,
            Entry::Document {
                code: "1-KNĐ".into(),
            },
            Corrected::Date(d("2024-05-20")),
            "date of the form",
        )
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "application"), "{err}");
    let mut conn = app.db().read().await.unwrap();
    let trail = audit::for_entity(&mut conn, "candidate", &c.to_string())
        .await
        .unwrap();
    let withdrawn: Vec<_> = trail.iter().filter(|e| e.action == "withdraw").collect();
    assert_eq!(withdrawn.len(), 4);
    assert!(withdrawn
        .iter()
        .all(|e| e.after.as_ref().unwrap()["reason"].is_string()));
}

async fn votes_are_corrected_within_the_rules_and_roles_hold(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
    let vote = |e, p, f, a| {
        Corrected::Vote(Vote {
            eligible: e,
            present: p,
            in_favour: f,
            against: a,
        })
    };
    let cell_vote = || Entry::Vote {
        stage: "cell_vote".into(),
    };
    // Two of nine in favour would not have carried the step.
    let err = app
        .correct_entry(&sys, c, cell_vote(), vote(9, 3, 2, 1), "counted wrong")
        .await
        .unwrap_err();
    assert!(refused_naming(&err, "cell_vote"), "{err}");
    app.correct_entry(&sys, c, cell_vote(), vote(3, 3, 3, 0), "the minutes say so")
        .await
        .unwrap();
    app.correct_entry(&sys, c, cell_vote(), vote(4, 4, 4, 0), "one more present")
        .await
        .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.votes[0].eligible, 4);
    // A vote goes only with its step.
    let err = app
        .withdraw_entry(&sys, c, cell_vote(), "no")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");

    // The grassroots committee's resolution is its staff's to record: the
    // cell secretary may not withdraw its document, the staff may.
    app.record_document(&sys, c, "8-KNĐ", Some(d("2025-07-01")))
        .await
        .unwrap();
    let secretary = Actor {
        name: "bt".into(),
        scope: Scope::Subtree(app.unit(&sys, "A1").await.unwrap().path),
        role: ranks_app::auth::Role::Secretary,
    };
    let staff = Actor {
        name: "staff".into(),
        scope: Scope::Subtree(app.unit(&sys, "A").await.unwrap().path),
        role: ranks_app::auth::Role::Staff,
    };
    let doc8 = || Entry::Document {
        code: "8-KNĐ".into(),
    };
    let err = app
        .withdraw_entry(&secretary, c, doc8(), "early")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "recorder" && r.message.contains("grassroots_vote")),
        "{err}"
    );
    // The cell's own entries stay the secretary's.
    app.correct_entry(
        &secretary,
        c,
        Entry::Document {
            code: "6-KNĐ".into(),
        },
        Corrected::Date(d("2025-06-19")),
        "the resolution's date",
    )
    .await
    .unwrap();
    // A viewer records nothing, and corrects nothing.
    let viewer = Actor {
        role: ranks_app::auth::Role::Viewer,
        ..staff.clone()
    };
    let err = app
        .withdraw_entry(&viewer, c, doc8(), "early")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    app.withdraw_entry(&staff, c, doc8(), "early")
        .await
        .unwrap();
    // Outside the actor's subtree the file does not exist.
    let other = Actor {
        scope: Scope::Subtree(app.unit(&sys, "A2").await.unwrap().path),
        ..staff.clone()
    };
    let err = app
        .withdraw_entry(
            &other,
            c,
            Entry::Step {
                stage: "cell_vote".into(),
            },
            "x",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    // The latest step goes with its vote.
    app.withdraw_entry(
        &staff,
        c,
        Entry::Step {
            stage: "cell_vote".into(),
        },
        "vote annulled",
    )
    .await
    .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "comments");
    assert!(file.votes.is_empty());
    // The audit log still describes the rows: no difference on replay.
    let report = app.verify_audit().await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.differences.is_empty(), "{:?}", report.differences);
    let w = file.corrections.last().unwrap();
    assert_eq!(w.entry["vote"]["eligible"], 4);
    assert_eq!(w.by, "staff");
}

async fn withdrawing_an_exit_reopens_the_file_only_alone(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    let who = |name: &str| ranks_app::pipeline::PersonRef::New {
        person: super::pipeline::person(name, "1999-05-05"),
        general_grade: 12,
        area: String::new(),
    };
    let c = app
        .add_candidate(&sys, who("Tô Thị Mười"), "A1", None, Some(d("2025-01-06")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("withdrawn", "2025-02-03"))
        .await
        .unwrap();
    let exit = || Entry::Step {
        stage: "withdrawn".into(),
    };
    app.withdraw_entry(&sys, c, exit(), "she did not leave")
        .await
        .unwrap();
    assert_eq!(app.candidate_file(&sys, c).await.unwrap().stage, "pool");
    // Left again, then proposed by another cell: the first file stays closed.
    app.record_step(&sys, c, step("withdrawn", "2025-02-04"))
        .await
        .unwrap();
    let person = app.candidate_file(&sys, c).await.unwrap().person_id;
    app.add_candidate(
        &sys,
        ranks_app::pipeline::PersonRef::Existing(person),
        "A2",
        None,
        Some(d("2025-03-03")),
    )
    .await
    .unwrap();
    let err = app
        .withdraw_entry(&sys, c, exit(), "typo")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Conflict(m) if m.contains("another open")),
        "{err}"
    );
    let members = app.unit_page(&sys, "A1", None).await.unwrap().members.len();
    assert!(members > 0);
}

both_backends!(
    an_introducer_date_is_corrected_not_added_twice,
    withdrawals_respect_later_steps,
    votes_are_corrected_within_the_rules_and_roles_hold,
    withdrawing_an_exit_reopens_the_file_only_alone,
);
