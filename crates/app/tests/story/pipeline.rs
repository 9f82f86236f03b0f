//! The procedure through the use cases, on SQLite and PostgreSQL.

use ranks_app::pipeline::{Movement, PersonRef, StepInput};
use ranks_app::{Actor, App, AppError};
use ranks_domain::calendar::{OverrideDay, YearOverride};
use ranks_domain::procedure::Vote;
use ranks_domain::{MemberStatus, Term, TermName};
use ranks_store::records::{audit, candidates};
use ranks_testkit::{both_backends, TestDb};

use ranks_testkit::pipeline::{create_units, members_of_a1, TREE};
pub(crate) use ranks_testkit::pipeline::{d, person, step, to_comments_in, Newcomer};

/// R > A > cells A1, A2 with official members; term 2025-2030.
pub(crate) async fn setup(app: &App) -> Vec<i64> {
    let sys = Actor::system();
    create_units(app, &TREE).await;
    let term = Term::new(
        TermName::parse("2025-2030").unwrap(),
        d("2025-07-01"),
        d("2030-06-30"),
    )
    .unwrap();
    app.create_term(&sys, term).await.unwrap();
    app.set_term_target(&sys, "A", &TermName::parse("2025-2030").unwrap(), 4)
        .await
        .unwrap();
    members_of_a1(app).await
}

pub(crate) fn voted(stage: &str, on: &str, v: (u32, u32, u32, u32)) -> StepInput {
    StepInput {
        vote: Some(Vote {
            eligible: v.0,
            present: v.1,
            in_favour: v.2,
            against: v.3,
        }),
        ..step(stage, on)
    }
}

/// Takes a new candidate of A1 through to the stage before the cell vote.
pub(crate) async fn to_comments(app: &App, members: &[i64]) -> i64 {
    let who = Newcomer {
        name: "Lăng Thị Giang",
        birth: "1998-04-10",
        grade: 12,
        area: "",
    };
    to_comments_in(app, members, "A1", who).await
}

async fn the_whole_lifecycle_is_recordable(db: TestDb) {
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
    app.record_step(&sys, c, step("decision", "2025-08-04"))
        .await
        .unwrap();
    // The decision made the person a probationary member, counted in the term.
    let file = app.candidate_file(&sys, c).await.unwrap();
    let member_id = file.member_id.expect("member created at the decision");
    let report = app
        .achievement(&sys, Some("A"), "2025-2030", None)
        .await
        .unwrap();
    assert_eq!(
        report.rows[0].admitted,
        1 + 1,
        "the new admission and the probationary member of 2026"
    );
    // Ceremony: needs a probation mentor first.
    app.record_document(&sys, c, "BB-KN", Some(d("2025-08-18")))
        .await
        .unwrap();
    let err = app
        .record_step(&sys, c, step("ceremony", "2025-08-18"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "probation_mentor"),
        "{err}"
    );
    app.assign_mentor(&sys, c, members[2], true, Some(d("2025-08-18")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("ceremony", "2025-08-18"))
        .await
        .unwrap();
    // Recognition: the probationer's papers as probation ends (not on the
    // ceremony day), the cell's resolution not before its twelve months.
    let err = app
        .record_document(&sys, c, "10-KNĐ", Some(d("2025-08-18")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "probation_papers" && r.message.contains("2026-07-18")),
        "{err}"
    );
    for code in ["10-KNĐ", "11-KNĐ", "12-KNĐ"] {
        app.record_document(&sys, c, code, Some(d("2026-08-10")))
            .await
            .unwrap();
    }
    let err = app
        .record_document(&sys, c, "13-KNĐ", Some(d("2026-08-14")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "recognition_papers" && r.message.contains("2026-08-18")),
        "{err}"
    );
    let err = app
        .record_step(
            &sys,
            c,
            voted("recognition_cell_vote", "2026-08-14", (3, 3, 3, 0)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "documents"),
        "{err}"
    );
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
    // Recorded late (November), effective exactly twelve months after the ceremony.
    app.record_step(&sys, c, step("recognised", "2026-11-02"))
        .await
        .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let m = ranks_store::records::members::row(&mut conn, member_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.status, MemberStatus::Official);
    assert_eq!(m.official_on, Some(d("2026-08-18")));
    assert_eq!(
        m.admitted_on,
        d("2025-08-04"),
        "seniority counts from the decision"
    );
    let file = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(file.stage, "recognised");
    assert_eq!(file.history.len(), 15);
    assert!(file.deadlines.is_empty(), "a closed file has no deadline");
    assert_eq!(file.votes.len(), 4);
    let trail = audit::for_entity(&mut conn, "candidate", &c.to_string())
        .await
        .unwrap();
    assert!(trail.iter().filter(|e| e.action == "stage").count() >= 14);
    // Closed: nothing more can be recorded.
    let err = app
        .record_step(&sys, c, step("not_recognised", "2026-11-20"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "stage.closed"),
        "{err}"
    );
}

async fn impossible_steps_are_refused_and_write_nothing(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let before = (
        candidates::history(&mut conn, c).await.unwrap().len(),
        candidates::votes(&mut conn, c).await.unwrap().len(),
        audit::count(&mut conn).await.unwrap(),
    );
    drop(conn);

    // More votes than members.
    let err = app
        .record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 4, 4, 0)))
        .await
        .unwrap_err();
    let AppError::Refused(r) = &err else {
        panic!("{err}")
    };
    assert_eq!(r.rule, "vote.counts");
    assert!(r.source.contains("Điều 4"), "{r}");
    // Short of two thirds.
    let err = app
        .record_step(&sys, c, voted("cell_vote", "2025-06-23", (3, 3, 1, 2)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "cell_vote_two_thirds"),
        "{err}"
    );
    // A step the profile requires is skipped.
    let err = app
        .record_step(&sys, c, step("decision", "2025-06-23"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "sequence" && r.message.contains("cell_vote")),
        "{err}"
    );
    // A date after today.
    let err = app
        .record_step(&sys, c, voted("cell_vote", "2026-11-25", (3, 3, 3, 0)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "date.future"),
        "{err}"
    );
    let err = app
        .record_document(&sys, c, "8-KNĐ", Some(d("2027-01-01")))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("date:"), "{err}");
    // Nothing of the refused steps was written; the refusals are listed for
    // supervisors, and each refusal is audited like every other write.
    let mut conn = app.db().read().await.unwrap();
    let after = (
        candidates::history(&mut conn, c).await.unwrap().len(),
        candidates::votes(&mut conn, c).await.unwrap().len(),
        audit::count(&mut conn).await.unwrap(),
    );
    assert_eq!((before.0, before.1), (after.0, after.1));
    let refused: Vec<_> = audit::for_entity(&mut conn, "candidate", &c.to_string())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "refused")
        .collect();
    assert_eq!(after.2 - before.2, refused.len() as i64);
    assert_eq!(refused.len(), 4);
    assert!(refused
        .iter()
        .any(|e| e.after.as_ref().unwrap()["rule"] == "cell_vote_two_thirds"));
    drop(conn);
    let refusals = app
        .refusal_log(
            &sys,
            ranks_app::refusals::RefusalQuery {
                org: Some("A".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .rows;
    assert_eq!(refusals.len(), 4);
    assert_eq!(
        refusals.iter().filter(|r| r.rule == "vote.counts").count(),
        1
    );

    // A probationary introducer is refused (at the introduction of another candidate).
    let c2 = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person: person("Chu Văn Năm", "1997-02-02"),
                general_grade: 12,
                area: String::new(),
            },
            "A2",
            None,
            Some(d("2025-01-06")),
        )
        .await
        .unwrap();
    app.add_introducer(
        &sys,
        c2,
        Some((members[3], d("2020-01-01"))),
        Some(d("2026-06-01")),
    )
    .await
    .unwrap();
    let dossier_refusal = app.candidate_file(&sys, c2).await.unwrap();
    assert_eq!(
        dossier_refusal.introducers[0].status.as_deref(),
        Some("probationary")
    );

    // One cell at a time: the same person cannot be proposed by a second cell.
    let file = app.candidate_file(&sys, c).await.unwrap();
    let err = app
        .add_candidate(
            &sys,
            PersonRef::Existing(file.person_id),
            "A2",
            None,
            Some(d("2025-07-01")),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("already a candidate of A1"),
        "{err}"
    );
    // A mentor must be an official member.
    let err = app
        .assign_mentor(&sys, c2, members[3], false, Some(d("2025-02-01")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("probationary"), "{err}");
    // Unknown stage, unknown document.
    let err = app
        .record_step(&sys, c, step("party", "2025-06-23"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "stage.unknown"),
        "{err}"
    );
    let err = app
        .record_document(&sys, c, "99-KNĐ", None)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("document: '99-KNĐ'"), "{err}");
}

async fn introducer_gate_refuses_a_probationary_member(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = app
        .add_candidate(
            &sys,
            PersonRef::New {
                // Outside youth age: two official members introduce.
                person: person("Mã Thị Sáu", "1990-02-02"),
                general_grade: 12,
                area: String::new(),
            },
            "A1",
            None,
            Some(d("2025-01-06")),
        )
        .await
        .unwrap();
    app.record_document(&sys, c, "NQ-GIUPDO", Some(d("2025-02-01")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[0], false, Some(d("2025-02-01")))
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
    app.add_introducer(
        &sys,
        c,
        Some((members[0], d("2020-01-01"))),
        Some(d("2026-06-01")),
    )
    .await
    .unwrap();
    app.add_introducer(
        &sys,
        c,
        Some((members[3], d("2020-01-01"))),
        Some(d("2026-06-01")),
    )
    .await
    .unwrap();
    app.record_document(&sys, c, "3-KNĐ", Some(d("2026-06-01")))
        .await
        .unwrap();
    let err = app
        .record_step(&sys, c, step("introduction", "2026-06-02"))
        .await
        .unwrap_err();
    let AppError::Refused(r) = &err else {
        panic!("{err}")
    };
    assert_eq!(r.rule, "introducers");
    assert!(
        r.message.contains("Vi Thị Dự is a probationary member"),
        "{r}"
    );
    assert!(r.source.contains("Điều lệ"), "{r}");
}

async fn member_movements(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    assert_eq!(app.member_count(&sys, Some("A1")).await.unwrap(), 4);
    // A temporary transfer keeps the member counted at home, not in the host.
    app.member_movement(
        &sys,
        members[0],
        Movement::Temporary {
            cell: "A2".into(),
            until: d("2027-05-01"),
            study: false,
        },
        Some(d("2026-11-02")),
    )
    .await
    .unwrap();
    assert_eq!(app.member_count(&sys, Some("A1")).await.unwrap(), 4);
    assert_eq!(app.member_count(&sys, Some("A2")).await.unwrap(), 0);
    let err = app
        .member_movement(
            &sys,
            members[1],
            Movement::Temporary {
                cell: "A2".into(),
                until: d("2026-12-01"),
                study: false,
            },
            Some(d("2026-11-02")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "temporary_transfer"),
        "{err}"
    );
    // Eighteen months: too long for work or residence (under a year), within
    // the study band (3 months to 2 years, 24-QĐ/TW mục 6.3.2 a).
    let eighteen = |study| Movement::Temporary {
        cell: "A2".into(),
        until: d("2028-05-02"),
        study,
    };
    let err = app
        .member_movement(&sys, members[1], eighteen(false), Some(d("2026-11-02")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "temporary_transfer" && r.message.contains("for work or residence lasts 3 to 11 whole months")),
        "{err}"
    );
    app.member_movement(&sys, members[1], eighteen(true), Some(d("2026-11-02")))
        .await
        .unwrap();
    app.member_movement(
        &sys,
        members[1],
        Movement::ReturnHome,
        Some(d("2026-11-03")),
    )
    .await
    .unwrap();
    // An official transfer moves the count.
    app.member_movement(
        &sys,
        members[1],
        Movement::TransferTo { cell: "A2".into() },
        None,
    )
    .await
    .unwrap();
    assert_eq!(app.member_count(&sys, Some("A2")).await.unwrap(), 1);
    // The party card only for official members.
    let err = app
        .member_movement(
            &sys,
            members[3],
            Movement::Card {
                number: "123".into(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("official members only"), "{err}");
    app.member_movement(
        &sys,
        members[2],
        Movement::Card {
            number: "0912345".into(),
        },
        None,
    )
    .await
    .unwrap();
    app.member_movement(
        &sys,
        members[2],
        Movement::Exempt {
            level: "partial".into(),
        },
        None,
    )
    .await
    .unwrap();
    // Removal; re-admission no earlier than 36 months after leaving.
    app.member_movement(
        &sys,
        members[2],
        Movement::Remove {
            reason: "xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn".into(),
        },
        Some(d("2024-01-10")),
    )
    .await
    .unwrap();
    // Re-admission judges the ground of leaving (294-QĐ/TW mục 3.5.2).
    app.record_exit_ground(
        &sys,
        members[2],
        "asked_to_leave_family_hardship",
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(app.member_count(&sys, Some("A1")).await.unwrap(), 2);
    let err = app
        .member_movement(&sys, members[2], Movement::Death, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("removed"), "{err}");
    let mut conn = app.db().read().await.unwrap();
    let removed = ranks_store::records::members::row(&mut conn, members[2])
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    let err = app
        .add_candidate(
            &sys,
            PersonRef::Existing(removed.person_id),
            "A1",
            None,
            Some(d("2026-11-20")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "readmission" && r.message.contains("2027-01-10")),
        "{err}"
    );
    let later = db.app_on(d("2027-01-11")).await;
    later
        .add_candidate(
            &sys,
            PersonRef::Existing(removed.person_id),
            "A1",
            None,
            Some(d("2027-01-11")),
        )
        .await
        .unwrap();
    // Death.
    app.member_movement(&sys, members[3], Movement::Death, Some(d("2026-10-01")))
        .await
        .unwrap();
    assert_eq!(app.member_count(&sys, Some("A1")).await.unwrap(), 1);
}

async fn due_lists_deadlines_and_escalates_the_overdue(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let due = app.due(&sys, None, None).await.unwrap();
    assert!(!due.is_empty());
    // Soonest first, overdue at the top, each with its rule and source.
    assert!(due.windows(2).all(|w| w[0].due <= w[1].due));
    let overdue: Vec<_> = due.iter().filter(|r| r.overdue).collect();
    assert!(overdue.len() >= 2, "{overdue:?}");
    for o in &overdue {
        assert!(o.working_days_left < 0);
        assert!(
            !o.escalated_to.is_empty(),
            "overdue items reach the supervisors: {o:?}"
        );
        assert!(!o.source.is_empty());
    }
    assert!(overdue.iter().any(|o| o.rule == "certificate_expiry"));
    assert!(overdue.iter().any(|o| o.rule == "decision_after_cell_vote"));
    let soon: Vec<_> = due
        .iter()
        .filter(|r| !r.overdue && r.working_days_left <= 10)
        .collect();
    assert!(!soon.is_empty(), "a few are due soon");
    // --within keeps the overdue and those due within the window.
    let within = app.due(&sys, None, Some(10)).await.unwrap();
    assert!(within
        .iter()
        .all(|r| r.overdue || r.working_days_left <= 10));
    assert_eq!(within.len(), overdue.len() + soon.len());
    // The stalled file's cell vote was refused at the certificate gate, and the refusal is kept.
    let refusals = app
        .refusal_log(
            &sys,
            ranks_app::refusals::RefusalQuery {
                org: Some("CDC".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .rows;
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].rule, "certificate");
    // As of an earlier day, the file whose decision is overdue today was not yet late.
    let decision_late = overdue
        .iter()
        .find(|o| o.rule == "decision_after_cell_vote")
        .unwrap();
    let back = app
        .due_as_of(&sys, None, None, Some(decision_late.due))
        .await
        .unwrap();
    let then = back
        .iter()
        .find(|r| r.candidate_id == decision_late.candidate_id)
        .unwrap();
    assert_eq!(then.working_days_left, 0);
    assert!(!then.overdue);
    let a_then = app
        .analytics_as_of(
            &sys,
            None,
            Some(ranks_domain::parse_date("d", "2022-01-03").unwrap()),
        )
        .await
        .unwrap();
    let a_now = app.analytics(&sys, None).await.unwrap();
    assert!(a_then.stages[0].entered < a_now.stages[0].entered);
    // Scoped: another unit's overdue items do not show.
    let bvsn = app.due(&sys, Some("BVSN"), None).await.unwrap();
    assert!(bvsn.iter().all(|r| r.unit.starts_with("BVSN")));
}

async fn calendar_overrides_change_working_days(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let cal = app.calendar().await.unwrap();
    assert!(cal.is_working_day(d("2026-12-28")));
    let ov = YearOverride {
        year: 2026,
        days_off: vec![OverrideDay {
            date: d("2026-12-28"),
            name: "Nghỉ bù".into(),
        }],
        not_off: vec![],
        working_days: vec![d("2026-12-26")],
    };
    app.set_calendar_override(&sys, ov).await.unwrap();
    let cal = app.calendar().await.unwrap();
    assert!(!cal.is_working_day(d("2026-12-28")));
    assert!(cal.is_working_day(d("2026-12-26")));
    let bad = YearOverride {
        year: 2026,
        days_off: vec![OverrideDay {
            date: d("2027-01-01"),
            name: "x".into(),
        }],
        not_off: vec![],
        working_days: vec![],
    };
    assert!(app.set_calendar_override(&sys, bad).await.is_err());
    assert!(
        app.calendar()
            .await
            .unwrap()
            .is_working_day(d("2026-12-29")),
        "the refused override wrote nothing"
    );
}

async fn forecasts_from_the_pipeline(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let r = app.forecast(&sys, "2025-2030", None, None).await.unwrap();
    assert_eq!(r.rows[0].code, "DBSYT");
    let achievement = app
        .achievement(&sys, None, "2025-2030", Some(1))
        .await
        .unwrap();
    assert_eq!(
        r.rows.len(),
        achievement.rows.len(),
        "the unit and its children"
    );
    assert_eq!(r.total, r.rows.len());
    assert!(!r.more);
    for (f, a) in r.rows.iter().zip(&achievement.rows) {
        assert_eq!(f.code, a.code.as_str());
        assert_eq!(
            f.admitted, a.admitted,
            "admissions so far are the achievement's"
        );
        assert!(f.expected >= f.admitted as f64 && f.low >= f.admitted);
        assert!(
            f.low as f64 <= f.expected + 1e-9 && f.expected <= f.high as f64 + 1.0,
            "{f:?}"
        );
        assert_eq!(f.at_risk, f.chance_of_target.is_some_and(|c| c < 0.5));
    }
    assert!(r
        .candidates
        .iter()
        .all(|c| c.chance > 0.0 && c.chance <= 1.0));
    assert!(r.candidates.windows(2).all(|w| w[0].chance >= w[1].chance));
    // The committee's pipeline is the sum of its units'.
    let units: f64 = r
        .rows
        .iter()
        .filter(|x| x.depth == 1)
        .map(|x| x.expected - x.from_inflow)
        .sum();
    assert!((units - (r.rows[0].expected - r.rows[0].from_inflow)).abs() < 1e-6);
    let counted: u64 = r
        .rows
        .iter()
        .filter(|x| x.depth == 1)
        .map(|x| x.counted)
        .sum();
    assert_eq!(counted, r.rows[0].counted);
    assert_eq!(r.candidates_total, r.rows[0].counted);
    // As of mid-term, admissions so far are those decided by then.
    let mid = app
        .forecast(&sys, "2020-2025", Some(d("2023-01-02")), Some("BVPHCN"))
        .await
        .unwrap();
    let by_then = app
        .achievement(&sys, Some("BVPHCN"), "2020-2025", Some(0))
        .await
        .unwrap();
    assert!(mid.rows[0].admitted < by_then.rows[0].admitted);
    assert_eq!(mid.as_of, d("2023-01-02"));
    // Bad input.
    let err = app
        .forecast(&sys, "2025-2030", Some(d("1980-01-01")), None)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("as_of: '1980-01-01'"), "{err}");
    let err = app
        .forecast(&sys, "2025-2030", Some(d("2027-01-01")), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not after today"), "{err}");
    let err = app
        .forecast(&sys, "2040-2045", None, None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown term: 2040-2045");
}

async fn targets_and_the_allocation_check(db: TestDb) {
    use ranks_app::targets::{parse_target, Period};
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    let term = Period::parse("2025-2030").unwrap();
    app.set_target(&sys, "R", &term, 5).await.unwrap();
    app.set_target(&sys, "A1", &term, 3).await.unwrap();
    app.set_target(&sys, "A2", &term, 2).await.unwrap();
    let rows = app.allocation(&sys, None, &term).await.unwrap();
    let by = |c: &str| rows.iter().find(|r| r.code == c).unwrap().clone();
    // R's child A has target 4 (set up): 4 - 5 = -1, under-allocated; A's cells 3 + 2 = 5 against 4: +1.
    assert_eq!(
        (by("R").target, by("R").children, by("R").difference),
        (Some(5), Some(4), Some(-1))
    );
    assert_eq!(
        (by("A").target, by("A").children, by("A").difference),
        (Some(4), Some(5), Some(1))
    );
    // The unit asked and its direct subordinates only; a cell is a row under A.
    assert!(rows.iter().all(|r| r.code != "A1"));
    let under_a = app.allocation(&sys, Some("A"), &term).await.unwrap();
    let a1 = under_a.iter().find(|r| r.code == "A1").unwrap();
    assert_eq!((a1.target, a1.children), (Some(3), None));
    let year = Period::parse("2026").unwrap();
    app.set_target(&sys, "A", &year, 2).await.unwrap();
    let rows = app.allocation(&sys, Some("A"), &year).await.unwrap();
    assert_eq!(rows[0].target, Some(2));
    assert_eq!(rows.len(), 3);
    // Bad input: negative, fractional, unknown period.
    for bad in ["-1", "2.5", "x"] {
        assert!(
            parse_target(bad)
                .unwrap_err()
                .to_string()
                .starts_with("target:"),
            "{bad}"
        );
    }
    assert!(Period::parse("20-25")
        .unwrap_err()
        .to_string()
        .starts_with("period:"));
    let err = app
        .allocation(&sys, None, &Period::parse("2040-2045").unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown term: 2040-2045");
    let mut conn = app.db().read().await.unwrap();
    let trail = audit::for_entity(&mut conn, "year_target", "A:2026")
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
}

async fn year_end_evaluation_with_the_cap(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let r = app.evaluate(&sys, None, 2025).await.unwrap();
    assert_eq!(r.rows.len(), 10);
    // Nothing entered yet: only the target achievement is filled in.
    assert!(r
        .rows
        .iter()
        .all(|x| x.score.is_none() && x.missing.len() == 4));
    let auto = |row: &ranks_app::evaluation::EvaluationRow| {
        row.criteria.iter().find(|c| c.auto).unwrap().score
    };
    assert!(r
        .rows
        .iter()
        .all(|x| auto(x).is_some_and(|s| (0.0..=20.0).contains(&s))));
    // Scores making six units good and two excellent: the cap (20 % of 6 = 1) is exceeded.
    let codes: Vec<String> = r.rows.iter().map(|x| x.code.clone()).collect();
    for (i, code) in codes.iter().enumerate() {
        let share = match i {
            0 | 1 => 1.0,
            2..=7 => 0.7,
            _ => 0.3,
        };
        for (key, weight) in [
            ("political_tasks", 30.0),
            ("party_building", 25.0),
            ("organisation_cadres", 15.0),
            ("inspection", 10.0),
        ] {
            app.set_score(&sys, code, 2025, key, weight * share)
                .await
                .unwrap();
        }
    }
    let r = app.evaluate(&sys, None, 2025).await.unwrap();
    for row in &r.rows {
        let total = row.score.expect("all criteria scored");
        let expect = if total >= 90.0 {
            "excellent"
        } else if total >= 70.0 {
            "good"
        } else if total >= 50.0 {
            "fulfilled"
        } else {
            "not_fulfilled"
        };
        assert_eq!(row.grade.as_deref(), Some(expect), "{row:?}");
        let sum: f64 = row.criteria.iter().filter_map(|c| c.score).sum();
        assert!((sum - total).abs() < 0.01);
    }
    assert_eq!(
        r.excellent + r.good,
        r.rows
            .iter()
            .filter(|x| matches!(x.grade.as_deref(), Some("excellent" | "good")))
            .count()
    );
    assert_eq!(
        r.cap_exceeded,
        r.excellent as f64 > (r.good as f64 * 0.2).floor()
    );
    assert!(r.excellent >= 1);
    // Bad input.
    let err = app
        .set_score(&sys, "BVP", 2025, "political_tasks", 31.0)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("score: '31'"), "{err}");
    let err = app
        .set_score(&sys, "BVP", 2025, "member_development", 10.0)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("target achievement"), "{err}");
    let err = app
        .set_score(&sys, "BVP", 2025, "charm", 1.0)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("criterion: 'charm'"), "{err}");
    assert!(app.evaluate(&sys, None, 2099).await.is_err());
    // Leaders: half their unit's score plus their personal score (at most 50).
    assert_eq!(r.leaders.len(), 10);
    let phu = r.leaders.iter().find(|l| l.unit == "BVPHCN").unwrap();
    assert_eq!(phu.name, "Triệu Quang Phú");
    assert!(phu.score.is_none(), "no personal score yet");
    app.set_leader_score(&sys, "BVPHCN", phu.member_id, 2025, 45.0)
        .await
        .unwrap();
    let again = app.evaluate(&sys, None, 2025).await.unwrap();
    let phu = again.leaders.iter().find(|l| l.unit == "BVPHCN").unwrap();
    let unit = again
        .rows
        .iter()
        .find(|r| r.code == "BVPHCN")
        .unwrap()
        .score
        .unwrap();
    assert!(
        (phu.score.unwrap() - (unit / 2.0 + 45.0)).abs() < 0.01,
        "{phu:?}"
    );
    assert!(phu.grade.is_some());
    // Scores are edited in place: a write from a view older than someone
    // else's change is a conflict, and nothing is written.
    let seen = app.audit_position().await.unwrap();
    app.set_leader_score(&sys, "BVPHCN", phu.member_id, 2025, 40.0)
        .await
        .unwrap();
    let err = app
        .set_leader_score_seen(&sys, "BVPHCN", phu.member_id, 2025, 30.0, Some(seen))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict(_)) && err.to_string().contains("changed since"),
        "{err}"
    );
    let seen = app.audit_position().await.unwrap();
    app.set_score(&sys, "BVP", 2025, "political_tasks", 30.0)
        .await
        .unwrap();
    let err = app
        .set_score_seen(&sys, "BVP", 2025, "political_tasks", 20.0, Some(seen))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    // Another unit's score from the same view is not a conflict.
    app.set_score_seen(&sys, "BVPHCN", 2025, "political_tasks", 25.0, Some(seen))
        .await
        .unwrap();
    let now = app.audit_position().await.unwrap();
    app.set_score_seen(&sys, "BVP", 2025, "political_tasks", 29.0, Some(now))
        .await
        .unwrap();
    let err = app
        .set_leader_score(&sys, "BVPHCN", phu.member_id, 2025, 51.0)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("score: '51'"), "{err}");
    let err = app
        .set_leader_score(&sys, "BVP", phu.member_id, 2025, 40.0)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("unknown leader"), "{err}");
}

async fn analytics_on_the_demo(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let a = app.analytics(&sys, None).await.unwrap();
    assert_eq!(a.stages[0].stage, "pool");
    // Every file enters the pool; each stage keeps or loses what the previous passed on.
    for w in a.stages.windows(2) {
        assert_eq!(
            w[0].advanced, w[1].entered,
            "{} -> {}",
            w[0].stage, w[1].stage
        );
        assert!(w[0].advanced + w[0].lost + w[0].waiting <= w[0].entered);
    }
    assert!(
        a.stages.iter().any(|s| s.lost > 0),
        "the demo has withdrawn files"
    );
    assert!(a
        .stages
        .iter()
        .all(|s| s.median_days.is_none_or(|m| s.p90_days.unwrap() >= m)));
    assert!(!a.bottlenecks.is_empty());
    let worst = a
        .stages
        .iter()
        .find(|s| s.stage == a.bottlenecks[0])
        .unwrap();
    assert!(a
        .stages
        .iter()
        .all(|s| s.bottleneck_score <= worst.bottleneck_score));
    assert!(a.mentors.windows(2).all(|w| w[0].current >= w[1].current));
    assert!(a
        .mentors
        .iter()
        .all(|m| m.admitted + m.lost + m.current == m.total));
    assert_eq!(a.movements.len(), 2);
    for m in &a.movements {
        assert!(
            m.pool >= m.course && m.course >= m.admitted && m.admitted >= m.official,
            "{m:?}"
        );
        assert_eq!(m.admitted_by_unit.values().sum::<u64>(), m.admitted);
    }
    // Scoped to one unit, the numbers are that unit's.
    let one = app.analytics(&sys, Some("BVPHCN")).await.unwrap();
    assert!(one.stages[0].entered < a.stages[0].entered);
}

async fn a_supervisor_sees_their_units_overdue_items(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let page = app.unit_page(&sys, "CDC", None).await.unwrap();
    let in_charge = page
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .unwrap();
    let v = app
        .supervisor_view(&sys, in_charge.member_id, "2025-2030")
        .await
        .unwrap();
    assert_eq!(v.name, in_charge.full_name);
    let cdc = v
        .units
        .iter()
        .find(|u| u.code == "CDC")
        .expect("CDC is supervised");
    assert_eq!(cdc.overdue.len(), 2);
    assert_eq!(cdc.overdue_total, 2);
    // Every unit's counts and first items equal the due list computed from
    // scratch for that unit.
    let days = ranks_app::supervision::DUE_SOON_DAYS;
    let few = ranks_app::supervision::FIRST_ITEMS;
    for u in &v.units {
        let all = app.due(&sys, Some(&u.code), Some(days)).await.unwrap();
        let (late, soon): (Vec<_>, Vec<_>) = all.into_iter().partition(|d| d.overdue);
        assert_eq!(u.overdue_total, late.len() as u64, "{}", u.code);
        assert_eq!(u.due_soon_total, soon.len() as u64, "{}", u.code);
        let ids = |l: &[ranks_app::pipeline::DueRow]| {
            let mut k: Vec<(ranks_domain::Date, i64)> =
                l.iter().map(|d| (d.due, d.candidate_id)).collect();
            k.sort();
            k.truncate(few);
            k
        };
        assert_eq!(ids(&u.overdue), ids(&late), "{}", u.code);
        assert_eq!(ids(&u.due_soon), ids(&soon), "{}", u.code);
        assert_eq!(u.overdue.len(), late.len().min(few));
    }
    // A page of one unit at a time walks them all, by code.
    let mut cursor: Option<String> = None;
    let mut walked = Vec::new();
    loop {
        let p = app
            .supervisor_page(
                &sys,
                in_charge.member_id,
                "2025-2030",
                cursor.as_deref(),
                Some(1),
            )
            .await
            .unwrap();
        assert_eq!(p.units_total, v.units_total);
        assert!(p.units.len() <= 1);
        walked.extend(p.units.iter().map(|u| (u.code.clone(), u.role.clone())));
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(walked.len() as u64, v.units_total);
    assert!(walked.windows(2).all(|w| w[0] < w[1]), "{walked:?}");
    assert!(matches!(
        app.supervisor_page(&sys, in_charge.member_id, "2025-2030", None, Some(0))
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(cdc.overdue.iter().all(|d| d.overdue
        && d.escalated_to
            .iter()
            .any(|e| e.starts_with(&in_charge.full_name))));
    let ach = app
        .achievement(&sys, Some("CDC"), "2025-2030", Some(0))
        .await
        .unwrap();
    assert_eq!(cdc.achievement.admitted, ach.rows[0].admitted);
    // Someone in charge of nothing has no view.
    let m = page
        .members
        .iter()
        .find(|m| !page.supervisors.iter().any(|s| s.member_id == m.id))
        .unwrap();
    let err = app
        .supervisor_view(&sys, m.id, "2025-2030")
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("unknown supervisor"), "{err}");
}

both_backends!(
    a_supervisor_sees_their_units_overdue_items,
    analytics_on_the_demo,
    year_end_evaluation_with_the_cap,
    targets_and_the_allocation_check,
    forecasts_from_the_pipeline,
    the_whole_lifecycle_is_recordable,
    impossible_steps_are_refused_and_write_nothing,
    introducer_gate_refuses_a_probationary_member,
    member_movements,
    due_lists_deadlines_and_escalates_the_overdue,
    calendar_overrides_change_working_days,
);
