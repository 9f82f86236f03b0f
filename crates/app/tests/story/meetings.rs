//! Issue 17, part 3: the cell meeting as the record of the vote. Eligible
//! and present come from the registry and the attendance on the day; the
//! profile's two thirds count against the registry on that day.

use crate::pipeline::{d, person, setup, to_comments, to_comments_in, Newcomer};
use ranks_app::meetings::{Attendance, NewMeeting, VoteInput};
use ranks_app::pipeline::Movement;
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::{DomainError, MemberStatus};
use ranks_testkit::{both_backends, TestDb};

fn invalid_field(err: &AppError) -> &'static str {
    match err {
        AppError::Invalid(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

fn absent(member_id: i64, reason: &str) -> Attendance {
    Attendance {
        member_id,
        present: false,
        reason: Some(reason.into()),
    }
}

fn vote(candidate_id: i64, in_favour: u32, against: u32) -> VoteInput {
    VoteInput {
        candidate_id,
        stage: "cell_vote".into(),
        in_favour,
        against,
    }
}

/// Adds a member of `cell`, `who` being a name and a birth date, admitted
/// on `admitted`: official from `official` on, probationary without it.
async fn member(
    app: &App,
    who: (&str, &str),
    cell: &str,
    admitted: &str,
    official: Option<&str>,
) -> i64 {
    let status = match official {
        Some(_) => MemberStatus::Official,
        None => MemberStatus::Probationary,
    };
    app.add_member(
        &Actor::system(),
        person(who.0, who.1),
        cell,
        status,
        d(admitted),
        official.map(d),
    )
    .await
    .unwrap()
}

/// Three candidates of A1 at the stage before the cell's vote, each with
/// the cell's resolution form dated before the meeting.
async fn three_candidates(app: &App, members: &[i64]) -> [i64; 3] {
    let sys = Actor::system();
    let c1 = to_comments(app, members).await;
    let c2 = to_comments_in(
        app,
        members,
        "A1",
        Newcomer {
            name: "Hoàng Văn Khánh",
            birth: "1990-02-14",
            grade: 12,
            area: "",
        },
    )
    .await;
    let c3 = to_comments_in(
        app,
        members,
        "A1",
        Newcomer {
            name: "Đinh Thị Ngọc Ánh",
            birth: "1991-09-02",
            grade: 12,
            area: "",
        },
    )
    .await;
    for c in [c1, c2, c3] {
        app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
            .await
            .unwrap();
    }
    [c1, c2, c3]
}

async fn a_meeting_votes_from_its_attendance_and_the_registry(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    // A probationary member admitted before the meeting: on the roll, does
    // not vote; one recognised only after it: probationary on its day.
    let early = member(&app, ("Hà Thị Sáu", "1995-05-05"), "A1", "2025-03-03", None).await;
    let later = member(
        &app,
        ("Sầm Văn Bảy", "1993-03-03"),
        "A1",
        "2024-08-01",
        Some("2025-08-01"),
    )
    .await;
    let [c1, c2, c3] = three_candidates(&app, &members).await;
    let id = app
        .create_meeting(
            &sys,
            NewMeeting {
                unit: "A1".into(),
                on: d("2025-06-23"),
                agenda: "Xét đề nghị kết nạp đảng viên cho ba quần chúng ưu tú".into(),
                absent: vec![absent(members[2], "Đi công tác tại Hà Nội")],
            },
        )
        .await
        .unwrap();
    let m = app.meeting(&sys, id).await.unwrap();
    let roll: Vec<(i64, &str, bool)> = m
        .roll
        .iter()
        .map(|a| (a.member_id, a.status.as_str(), a.present))
        .collect();
    assert_eq!(
        roll,
        vec![
            (members[0], "official", true),
            (members[1], "official", true),
            (members[2], "official", false),
            (early, "probationary", true),
            (later, "probationary", true),
        ],
        "the roll is the registry on the day: Vi Thị Dự (admitted 2026) is not on it"
    );
    assert!(!m.roll.iter().any(|a| a.member_id == members[3]));
    assert_eq!(
        m.roll[2].absence_reason.as_deref(),
        Some("Đi công tác tại Hà Nội")
    );
    assert_eq!((m.official_eligible, m.official_present), (3, 2));
    assert_eq!((m.probationary_on_roll, m.probationary_present), (2, 2));
    assert_eq!(m.vote_stages, vec!["cell_vote", "recognition_cell_vote"]);
    let next: Vec<_> = m.candidates.iter().map(|c| c.next_vote.as_str()).collect();
    assert_eq!(next, vec!["cell_vote"; 3]);

    // Two of three official members in favour: two thirds of the registry's
    // three, carried; the step is the candidate's, with the meeting's counts.
    let out = app.meeting_vote(&sys, id, vote(c1, 2, 0)).await.unwrap();
    assert!(out.carried, "{out:?}");
    assert_eq!((out.eligible, out.present), (3, 2));
    let f = app.candidate_file(&sys, c1).await.unwrap();
    assert_eq!(f.stage, "cell_vote");
    let v = f.votes.last().unwrap();
    assert_eq!(
        (v.eligible, v.present, v.in_favour, v.against),
        (3, 2, 2, 0)
    );
    // One in favour: short of two thirds of three; kept as not carried, the
    // candidate stays where they were.
    let out = app.meeting_vote(&sys, id, vote(c2, 1, 1)).await.unwrap();
    assert!(!out.carried);
    assert_eq!(out.rule.as_deref(), Some("cell_vote_two_thirds"));
    assert!(out.source.unwrap().contains("Điều 4"));
    assert!(out.message.unwrap().contains("1 in favour of 3 eligible"));
    assert_eq!(
        app.candidate_file(&sys, c2).await.unwrap().stage,
        "comments"
    );
    // Three in favour with two present (probationary members do not vote):
    // refused by the profile, nothing written, kept for the supervisors.
    let err = app
        .meeting_vote(&sys, id, vote(c3, 3, 0))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "vote.counts"),
        "{err}"
    );
    assert_eq!(app.meeting(&sys, id).await.unwrap().votes.len(), 2);
    let log = app
        .refusal_log(
            &sys,
            ranks_app::refusals::RefusalQuery {
                org: Some("A1".into()),
                rule: Some("vote.counts".into()),
                page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let kept: Vec<(i64, &str, ranks_domain::Date)> = log
        .rows
        .iter()
        .map(|r| (r.candidate_id, r.stage.as_str(), r.on))
        .collect();
    assert_eq!(
        kept,
        vec![(c3, "cell_vote", d("2025-06-23"))],
        "kept for the supervisors"
    );
    app.meeting_vote(&sys, id, vote(c3, 2, 0)).await.unwrap();
    // The same candidate twice at one sitting: a conflict.
    let err = app
        .meeting_vote(&sys, id, vote(c2, 2, 0))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    let m = app.meeting(&sys, id).await.unwrap();
    let votes: Vec<(i64, bool)> = m
        .votes
        .iter()
        .map(|v| (v.candidate_id, v.carried))
        .collect();
    assert_eq!(votes, vec![(c1, true), (c2, false), (c3, true)]);
    // The vote form offers those whose next step is the cell's vote: the
    // candidate not carried, no longer those carried.
    let offered: Vec<i64> = m.candidates.iter().map(|c| c.candidate_id).collect();
    assert_eq!(offered, vec![c2]);
    assert_eq!(m.votes[1].full_name, "Hoàng Văn Khánh");
    // The attendance the votes counted is fixed.
    assert!(m.attendance_fixed);
    let err = app
        .set_attendance(&sys, id, vec![absent(members[0], "ốm")])
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    // A member gone after the meeting still counted on its day.
    app.member_movement(&sys, members[1], Movement::Death, Some(d("2025-09-01")))
        .await
        .unwrap();
    let m = app.meeting(&sys, id).await.unwrap();
    assert_eq!((m.official_eligible, m.official_present), (3, 2));
    // The meeting's votes are in the audit log.
    let mut conn = app.db().read().await.unwrap();
    let trail = ranks_store::records::audit::for_entity(&mut conn, "meeting", &id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["create", "vote", "vote", "vote"]);
    // The candidate's step names the meeting its vote was taken at.
    let trail = ranks_store::records::audit::for_entity(&mut conn, "candidate", &c1.to_string())
        .await
        .unwrap();
    let stage = trail.iter().rev().find(|e| e.action == "stage").unwrap();
    let after = stage.after.as_ref().unwrap();
    assert_eq!(after["detail"]["meeting"], id, "{after}");
}

async fn a_later_meeting_counts_the_registry_of_its_own_day(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let [c1, _, _] = three_candidates(&app, &members).await;
    // A member recognised after the first meeting: four official members on
    // the later day, so two in favour no longer make two thirds.
    member(
        &app,
        ("Sầm Văn Bảy", "1993-03-03"),
        "A1",
        "2024-06-01",
        Some("2025-06-01"),
    )
    .await;
    let before = app
        .create_meeting(
            &sys,
            NewMeeting {
                unit: "A1".into(),
                on: d("2025-05-26"),
                agenda: "Sinh hoạt chi bộ thường kỳ".into(),
                absent: vec![],
            },
        )
        .await
        .unwrap();
    let after = app
        .create_meeting(
            &sys,
            NewMeeting {
                unit: "A1".into(),
                on: d("2025-06-23"),
                agenda: "Xét kết nạp".into(),
                absent: vec![
                    absent(members[0], "nghỉ ốm"),
                    absent(members[1], "nghỉ phép"),
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        app.meeting(&sys, before).await.unwrap().official_eligible,
        3
    );
    let m = app.meeting(&sys, after).await.unwrap();
    assert_eq!((m.official_eligible, m.official_present), (4, 2));
    let out = app.meeting_vote(&sys, after, vote(c1, 2, 0)).await.unwrap();
    assert!(!out.carried);
    assert!(out.message.unwrap().contains("2 in favour of 4 eligible"));
    let list = app.unit_meetings(&sys, "A1").await.unwrap();
    let ids: Vec<i64> = list.meetings.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![after, before], "the latest first");
    assert_eq!((list.meetings[0].on_roll, list.meetings[0].present), (4, 2));
}

async fn meetings_are_the_units_staffs_and_name_only_its_people(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let [c1, _, _] = three_candidates(&app, &members).await;
    let a2_member = member(
        &app,
        ("Lý Văn Tám", "1980-08-08"),
        "A2",
        "2005-01-01",
        Some("2006-01-01"),
    )
    .await;
    let a2_other = member(
        &app,
        ("Lý Thị Mười", "1981-08-08"),
        "A2",
        "2005-01-01",
        Some("2006-01-01"),
    )
    .await;
    let a2_candidate = to_comments_in(
        &app,
        &[a2_member, a2_other],
        "A2",
        Newcomer {
            name: "Mã Thị Chín",
            birth: "1992-01-01",
            grade: 12,
            area: "",
        },
    )
    .await;
    let path = |code: &'static str| {
        let app = &app;
        async move { app.unit(&Actor::system(), code).await.unwrap().path }
    };
    let as_role = |name: &str, code_path, role| Actor {
        name: name.into(),
        scope: Scope::Subtree(code_path),
        role,
    };
    use ranks_app::auth::Role;
    let staff_a = as_role("vp-a", path("A").await, Role::Staff);
    let sec_a1 = as_role("bt-a1", path("A1").await, Role::Secretary);
    let sec_a2 = as_role("bt-a2", path("A2").await, Role::Secretary);
    let viewer = as_role("xem-a", path("A").await, Role::Viewer);
    let new = |absent| NewMeeting {
        unit: "A1".into(),
        on: d("2025-06-23"),
        agenda: "Xét kết nạp".into(),
        absent,
    };
    let id = app.create_meeting(&sec_a1, new(vec![])).await.unwrap();
    // Above the cell: seen; beside it: not found; a viewer: not allowed.
    assert_eq!(app.meeting(&staff_a, id).await.unwrap().roll.len(), 3);
    for err in [
        app.meeting(&sec_a2, id).await.unwrap_err(),
        app.create_meeting(&sec_a2, new(vec![])).await.unwrap_err(),
        app.unit_meetings(&sec_a2, "A1").await.unwrap_err(),
    ] {
        assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    }
    for err in [
        app.meeting(&viewer, id).await.unwrap_err(),
        app.unit_meetings(&viewer, "A1").await.unwrap_err(),
    ] {
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    }
    // A member of another cell: not on the roll (seen from above), not
    // found (from the cell beside).
    let err = app
        .set_attendance(&staff_a, id, vec![absent(a2_member, "ốm")])
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "member", "{err}");
    let err = app
        .set_attendance(&sec_a1, id, vec![absent(a2_member, "ốm")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::NotFound { what: "member", .. }),
        "{err}"
    );
    let err = app
        .create_meeting(&sec_a1, new(vec![absent(a2_member, "ốm")]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::NotFound { what: "member", .. }),
        "{err}"
    );
    // A candidate of another cell: not of this meeting.
    let err = app
        .meeting_vote(&staff_a, id, vote(a2_candidate, 1, 0))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "candidate", "{err}");
    let err = app
        .meeting_vote(&sec_a1, id, vote(a2_candidate, 1, 0))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::NotFound {
                what: "candidate",
                ..
            }
        ),
        "{err}"
    );
    // Bad input names its field; nothing half-written.
    let before = app.unit_meetings(&sys, "A1").await.unwrap().meetings.len();
    let long = "x".repeat(2001);
    let cases: Vec<(NewMeeting, &str)> = vec![
        (
            NewMeeting {
                agenda: long,
                ..new(vec![])
            },
            "agenda",
        ),
        (
            NewMeeting {
                agenda: "  ".into(),
                ..new(vec![])
            },
            "agenda",
        ),
        (
            NewMeeting {
                on: d("2026-11-25"),
                ..new(vec![])
            },
            "date",
        ),
        (new(vec![absent(members[0], " ")]), "reason"),
        (new(vec![absent(members[0], &"y".repeat(301))]), "reason"),
        (new(vec![absent(members[3], "ốm")]), "member"),
    ];
    for (m, field) in cases {
        let err = app.create_meeting(&sec_a1, m).await.unwrap_err();
        assert_eq!(invalid_field(&err), field, "{err}");
    }
    assert_eq!(
        app.unit_meetings(&sys, "A1").await.unwrap().meetings.len(),
        before,
        "a refused meeting leaves nothing"
    );
    let err = app
        .meeting_vote(
            &sec_a1,
            id,
            VoteInput {
                stage: "grassroots_vote".into(),
                ..vote(c1, 3, 0)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "stage", "{err}");
    // The cell's secretary takes the cell's vote at its meeting.
    assert!(
        app.meeting_vote(&sec_a1, id, vote(c1, 3, 0))
            .await
            .unwrap()
            .carried
    );
}

async fn a_probationers_recognition_is_voted_at_a_later_meeting(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = to_comments(&app, &members).await;
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    let meeting = |on: &str, agenda: &str| NewMeeting {
        unit: "A1".into(),
        on: d(on),
        agenda: agenda.into(),
        absent: vec![],
    };
    let first = app
        .create_meeting(&sys, meeting("2025-06-23", "Xét kết nạp"))
        .await
        .unwrap();
    assert!(
        app.meeting_vote(&sys, first, vote(c, 3, 0))
            .await
            .unwrap()
            .carried
    );
    for (code, on) in [("8-KNĐ", "2025-07-01"), ("9-KNĐ", "2025-08-04")] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
    }
    app.record_step(
        &sys,
        c,
        crate::pipeline::voted("grassroots_vote", "2025-07-07", (7, 6, 6, 0)),
    )
    .await
    .unwrap();
    app.record_step(&sys, c, crate::pipeline::step("decision", "2025-08-04"))
        .await
        .unwrap();
    app.record_document(&sys, c, "BB-KN", Some(d("2025-08-18")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[2], true, Some(d("2025-08-18")))
        .await
        .unwrap();
    app.record_step(&sys, c, crate::pipeline::step("ceremony", "2025-08-18"))
        .await
        .unwrap();
    for (code, on) in [
        ("10-KNĐ", "2026-08-10"),
        ("11-KNĐ", "2026-08-10"),
        ("12-KNĐ", "2026-08-10"),
        ("13-KNĐ", "2026-08-24"),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
    }
    let probationer = app
        .candidate_file(&sys, c)
        .await
        .unwrap()
        .member_id
        .unwrap();
    // A year later the probationer is on the roll, as probationary, beside
    // Vi Thị Dự (admitted in May 2026); neither is counted as a voter.
    let second = app
        .create_meeting(
            &sys,
            meeting("2026-08-24", "Xét công nhận đảng viên chính thức"),
        )
        .await
        .unwrap();
    let m = app.meeting(&sys, second).await.unwrap();
    let on_roll: Vec<(i64, &str)> = m
        .roll
        .iter()
        .filter(|a| a.status == "probationary")
        .map(|a| (a.member_id, a.status.as_str()))
        .collect();
    assert_eq!(
        on_roll,
        vec![(members[3], "probationary"), (probationer, "probationary")]
    );
    assert_eq!((m.official_eligible, m.official_present), (3, 3));
    let offered: Vec<(i64, &str)> = m
        .candidates
        .iter()
        .map(|v| (v.candidate_id, v.next_vote.as_str()))
        .collect();
    assert_eq!(offered, vec![(c, "recognition_cell_vote")]);
    let out = app
        .meeting_vote(
            &sys,
            second,
            VoteInput {
                stage: "recognition_cell_vote".into(),
                ..vote(c, 3, 0)
            },
        )
        .await
        .unwrap();
    assert!(
        out.carried && out.eligible == 3 && out.present == 3,
        "{out:?}"
    );
    let f = app.candidate_file(&sys, c).await.unwrap();
    assert_eq!(f.stage, "recognition_cell_vote");
    let v = f.votes.last().unwrap();
    assert_eq!(
        (v.stage.as_str(), v.eligible, v.present),
        ("recognition_cell_vote", 3, 3)
    );
}

both_backends!(
    a_meeting_votes_from_its_attendance_and_the_registry,
    a_later_meeting_counts_the_registry_of_its_own_day,
    meetings_are_the_units_staffs_and_name_only_its_people,
    a_probationers_recognition_is_voted_at_a_later_meeting
);
