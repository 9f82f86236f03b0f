//! Transfers seen from both ends (issue 17, part 4), on SQLite and PostgreSQL.

use crate::pipeline::{d, person, setup};
use ranks_app::auth::Role;
use ranks_app::pipeline::Movement;
use ranks_app::transfers::{
    ArrivalInput, Arriving, Destination, End, TransferAction, TransferInput,
};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::calendar::{OverrideDay, YearOverride};
use ranks_domain::{Date, MemberStatus};
use ranks_testkit::pipeline::{create_units, B_AND_B1};
use ranks_testkit::{both_backends, TestDb};

/// `setup`'s tree plus a second committee B with a cell B1, and staff of
/// A1 (the sender), of B1 (the receiver) and of A2 (neither end).
async fn ends(app: &App) -> (Vec<i64>, Actor, Actor, Actor) {
    let members = setup(app).await;
    let sys = Actor::system();
    create_units(app, &B_AND_B1).await;
    let staff = |name: &str, path| Actor {
        name: name.into(),
        scope: Scope::Subtree(path),
        role: Role::Staff,
    };
    let a1 = staff("cán bộ A1", app.unit(&sys, "A1").await.unwrap().path);
    let b1 = staff("cán bộ B1", app.unit(&sys, "B1").await.unwrap().path);
    let a2 = staff("cán bộ A2", app.unit(&sys, "A2").await.unwrap().path);
    (members, a1, b1, a2)
}

fn official(member_id: i64, to: Destination, sent: &str, documents: &[&str]) -> TransferInput {
    TransferInput {
        member_id,
        temporary: false,
        to,
        sent_on: Some(d(sent)),
        decided_on: Some(d("2026-10-01")),
        until: None,
        study: false,
        documents: documents.iter().map(|s| s.to_string()).collect(),
    }
}

/// `official`, sent by `by` to the cell `cell`.
async fn to_cell(
    app: &App,
    by: &Actor,
    member_id: i64,
    cell: &str,
    sent: &str,
    documents: &[&str],
) -> Result<i64, AppError> {
    let to = Destination::Cell(cell.into());
    app.create_transfer(by, official(member_id, to, sent, documents))
        .await
}

/// The answering end records the receipt of file `id` with `documents`.
async fn receive(
    app: &App,
    by: &Actor,
    id: i64,
    documents: &[&str],
    on: Option<Date>,
) -> Result<(), AppError> {
    let documents = documents.iter().map(|s| s.to_string()).collect();
    let action = TransferAction::Receive { documents };
    app.transfer_action(by, id, action, on).await
}

/// The answering end refuses file `id`, giving `reason`.
async fn refuse(app: &App, by: &Actor, id: i64, reason: &str) -> Result<(), AppError> {
    let action = TransferAction::Refuse {
        reason: reason.into(),
    };
    app.transfer_action(by, id, action, None).await
}

/// Current members of a unit, counted by SQL and by the roll-up index.
async fn counts(app: &App, code: &str) -> (u64, u64) {
    let sys = Actor::system();
    let sql = app.member_count(&sys, Some(code)).await.unwrap();
    let index = app.unit_page(&sys, code, None).await.unwrap().member_total;
    (sql, index)
}

fn statuses(f: &ranks_app::transfers::TransferFile) -> Vec<String> {
    f.history.iter().map(|h| h.status.clone()).collect()
}

async fn a_transfer_seen_from_both_ends(db: TestDb) {
    let app = db.app().await;
    let (members, sender, receiver, outsider) = ends(&app).await;
    assert_eq!(counts(&app, "A1").await, (4, 4));
    assert_eq!(counts(&app, "B1").await, (0, 0));
    let all = [
        "letter",
        "member_sheet",
        "card_or_admission",
        "dossier",
        "self_review",
    ];
    // The sending unit's staff name a cell outside their own subtree.
    let id = to_cell(&app, &sender, members[0], "B1", "2026-11-02", &all)
        .await
        .unwrap();
    // Both ends see it; nobody else, answered as for a file that does not exist.
    let seen = app.transfer_file(&sender, id).await.unwrap();
    assert_eq!(seen.status, "sent");
    assert!(seen.sender && !seen.receiver && !seen.answers);
    assert_eq!(seen.member.member_id, Some(members[0]));
    let theirs = app.transfer_file(&receiver, id).await.unwrap();
    assert!(theirs.receiver && !theirs.sender && theirs.answers);
    assert_eq!(theirs.member.full_name, "Nông Văn Một");
    assert_eq!(
        theirs.member.member_id, None,
        "the receiver cannot open the record yet"
    );
    assert_eq!(theirs.from, Some(("A1".into(), "Chi bộ A1".into())));
    let hidden = app.transfer_file(&outsider, id).await.unwrap_err();
    let missing = app.transfer_file(&outsider, 999_999).await.unwrap_err();
    assert_eq!(hidden.to_string(), format!("unknown transfer: {id}"));
    assert_eq!(missing.to_string(), "unknown transfer: 999999");
    assert!(app
        .unit_transfers(&outsider, "B1", End::Incoming)
        .await
        .is_err());
    // The lists of both ends.
    let out = app
        .unit_transfers(&sender, "A1", End::Outgoing)
        .await
        .unwrap();
    assert_eq!(out.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
    let inc = app
        .unit_transfers(&receiver, "B1", End::Incoming)
        .await
        .unwrap();
    assert_eq!(inc.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
    assert!(app
        .unit_transfers(&receiver, "B1", End::Outgoing)
        .await
        .unwrap()
        .is_empty());
    // The checklist of an official transfer, and its deadlines in working
    // days: letter presented within 30 working days of 2 Nov 2026 (a
    // Monday): six weeks of weekdays, 14 Dec, not 2 Dec.
    assert_eq!(seen.checklist.len(), 5);
    assert!(seen
        .checklist
        .iter()
        .all(|c| c.handed_over && c.received.is_none()));
    let present = seen.deadlines.iter().find(|x| x.key == "present").unwrap();
    assert_eq!((present.working_days, present.due), (30, d("2026-12-14")));
    assert!(!present.overdue && present.met_on.is_none());
    assert_eq!(present.working_days_left, 14, "24 Nov to 14 Dec");
    let start = seen.deadlines.iter().find(|x| x.key == "start").unwrap();
    assert_eq!((start.working_days, start.due), (60, d("2026-12-24")));
    assert_eq!(start.met_on, Some(d("2026-11-02")));
    assert!(!start.late);
    // Only the receiving end answers; receipt first, then registration.
    let err = app
        .transfer_action(&sender, id, TransferAction::Register, None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err = app
        .transfer_action(&receiver, id, TransferAction::Register, None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    let err = app
        .transfer_action(&outsider, id, TransferAction::Register, None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), format!("unknown transfer: {id}"));
    // Nothing else moves the member while the file is open.
    let err = app
        .member_movement(
            &Actor::system(),
            members[0],
            Movement::TransferTo { cell: "A2".into() },
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("open transfer"), "{err}");
    let err = to_cell(&app, &sender, members[0], "A2", "2026-11-02", &[])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("open transfer"), "{err}");
    receive(
        &app,
        &receiver,
        id,
        &["letter", "dossier"],
        Some(d("2026-11-10")),
    )
    .await
    .unwrap();
    let seen = app.transfer_file(&sender, id).await.unwrap();
    assert_eq!(seen.status, "received");
    let sheet = seen
        .checklist
        .iter()
        .find(|c| c.key == "member_sheet")
        .unwrap();
    assert_eq!((sheet.handed_over, sheet.received), (true, Some(false)));
    let present = seen.deadlines.iter().find(|x| x.key == "present").unwrap();
    assert_eq!(present.met_on, Some(d("2026-11-10")));
    // Received is not registered: the count has not moved.
    assert_eq!(counts(&app, "A1").await, (4, 4));
    assert_eq!(counts(&app, "B1").await, (0, 0));
    app.transfer_action(
        &receiver,
        id,
        TransferAction::Register,
        Some(d("2026-11-12")),
    )
    .await
    .unwrap();
    assert_eq!(counts(&app, "A1").await, (3, 3));
    assert_eq!(counts(&app, "B1").await, (1, 1));
    assert_eq!(
        counts(&app, "R").await,
        (4, 4),
        "the whole tree keeps its count"
    );
    // The sender sees the whole history; the member's record is now the receiver's.
    let seen = app.transfer_file(&sender, id).await.unwrap();
    assert_eq!(statuses(&seen), ["sent", "received", "registered"]);
    assert_eq!(seen.history[2].on, d("2026-11-12"));
    assert_eq!(seen.member.member_id, None);
    assert_eq!(
        app.transfer_file(&receiver, id)
            .await
            .unwrap()
            .member
            .member_id,
        Some(members[0])
    );
    let err = refuse(&app, &receiver, id, "muộn").await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    // Every step is in the audit log, under the file and under the member.
    let audit = ranks_testkit::audit_of(&app, "transfer", &id.to_string()).await;
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["create", "received", "registered"]);
    let moved = ranks_testkit::audit_of(&app, "member", &members[0].to_string()).await;
    assert_eq!(moved.last().unwrap().action, "transfer");
}

async fn a_refused_transfer_leaves_the_member_home(db: TestDb) {
    let app = db.app().await;
    let (members, sender, receiver, _) = ends(&app).await;
    let id = to_cell(&app, &sender, members[1], "B1", "2026-10-02", &["letter"])
        .await
        .unwrap();
    // Still sent after 30 working days: overdue on both ends.
    let f = app.transfer_file(&receiver, id).await.unwrap();
    let present = f.deadlines.iter().find(|x| x.key == "present").unwrap();
    assert!(present.overdue, "{present:?}");
    assert!(present.working_days_left < 0);
    assert!(
        app.unit_transfers(&sender, "A1", End::Outgoing)
            .await
            .unwrap()[0]
            .overdue
    );
    // A refusal needs its reason, and changes nothing in the registry.
    let err = refuse(&app, &receiver, id, "  ").await.unwrap_err();
    assert!(err.to_string().starts_with("reason:"), "{err}");
    let before = app.transfer_file(&sender, id).await.unwrap();
    assert_eq!(before.status, "sent", "the refused refusal wrote nothing");
    refuse(
        &app,
        &receiver,
        id,
        "Thiếu phiếu đảng viên và hồ sơ đảng viên",
    )
    .await
    .unwrap();
    let f = app.transfer_file(&sender, id).await.unwrap();
    assert_eq!(f.status, "refused");
    assert_eq!(
        f.reason.as_deref(),
        Some("Thiếu phiếu đảng viên và hồ sơ đảng viên")
    );
    assert_eq!(statuses(&f), ["sent", "refused"]);
    assert!(
        !f.deadlines.iter().any(|x| x.overdue),
        "a closed file is not overdue"
    );
    assert_eq!(counts(&app, "A1").await, (4, 4));
    assert_eq!(counts(&app, "B1").await, (0, 0));
    // The member is free to move again.
    to_cell(&app, &sender, members[1], "A2", "2026-11-20", &[])
        .await
        .unwrap();
}

async fn out_of_the_system_and_back_in(db: TestDb) {
    let app = db.app().await;
    let (members, sender, _, outsider) = ends(&app).await;
    let id = app
        .create_transfer(
            &sender,
            official(
                members[2],
                Destination::Outside("Đảng bộ Quân sự tỉnh Cao Bằng".into()),
                "2026-11-02",
                &["letter", "dossier"],
            ),
        )
        .await
        .unwrap();
    let f = app.transfer_file(&sender, id).await.unwrap();
    assert!(
        f.sender && f.answers,
        "the sender records the destination's answer"
    );
    assert_eq!(
        f.destination.as_deref(),
        Some("Đảng bộ Quân sự tỉnh Cao Bằng")
    );
    assert!(app.transfer_file(&outsider, id).await.is_err());
    receive(&app, &sender, id, &["letter"], Some(d("2026-11-09")))
        .await
        .unwrap();
    assert_eq!(counts(&app, "A1").await, (4, 4));
    app.transfer_action(&sender, id, TransferAction::Register, Some(d("2026-11-16")))
        .await
        .unwrap();
    assert_eq!(counts(&app, "A1").await, (3, 3));
    assert_eq!(counts(&app, "R").await, (3, 3), "gone from the tree");
    let rec = app
        .member_record(&Actor::system(), members[2])
        .await
        .unwrap();
    assert_eq!(rec.status, "transferred_out");
    // Back in: the same member row is taken up again (counted once in the
    // term's admissions), registered by the cell that takes them.
    let err = app
        .record_arrival(
            &outsider,
            ArrivalInput {
                cell: "A2".into(),
                origin: "Đảng bộ Quân sự tỉnh Cao Bằng".into(),
                who: Arriving::Former {
                    member_id: members[2],
                },
                sent_on: d("2026-11-18"),
                received_on: None,
                documents: vec![],
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("unknown member: {}", members[2]),
        "a former member of a unit A2 does not see"
    );
    let back = app
        .record_arrival(
            &sender,
            ArrivalInput {
                cell: "A1".into(),
                origin: "Đảng bộ Quân sự tỉnh Cao Bằng".into(),
                who: Arriving::Former {
                    member_id: members[2],
                },
                sent_on: d("2026-11-18"),
                received_on: Some(d("2026-11-20")),
                documents: vec!["letter".into(), "dossier".into()],
            },
        )
        .await
        .unwrap();
    let f = app.transfer_file(&sender, back).await.unwrap();
    assert_eq!(
        (f.status.as_str(), f.origin.as_deref()),
        ("received", Some("Đảng bộ Quân sự tỉnh Cao Bằng"))
    );
    assert!(f.receiver && f.answers && f.from.is_none());
    assert_eq!(counts(&app, "A1").await, (3, 3), "not before registration");
    app.transfer_action(&sender, back, TransferAction::Register, None)
        .await
        .unwrap();
    assert_eq!(counts(&app, "A1").await, (4, 4));
    let rec = app
        .member_record(&Actor::system(), members[2])
        .await
        .unwrap();
    assert_eq!(rec.status, "official");
    // Someone Ranks never held arrives with their papers.
    let new = app
        .record_arrival(
            &sender,
            ArrivalInput {
                cell: "A1".into(),
                origin: "Chi bộ Trường THPT Hòa An, Cao Bằng".into(),
                who: Arriving::New {
                    person: person("Hà Thị Mới", "1990-02-02"),
                    status: MemberStatus::Official,
                    admitted_on: d("2012-05-19"),
                    official_on: Some(d("2013-05-19")),
                },
                sent_on: d("2026-11-16"),
                received_on: None,
                documents: vec!["letter".into()],
            },
        )
        .await
        .unwrap();
    let listed = app
        .unit_transfers(&sender, "A1", End::Incoming)
        .await
        .unwrap();
    assert!(listed
        .iter()
        .any(|t| t.id == new && t.full_name == "Hà Thị Mới" && t.status == "received"));
    assert_eq!(counts(&app, "A1").await, (4, 4));
    app.transfer_action(&sender, new, TransferAction::Register, None)
        .await
        .unwrap();
    assert_eq!(counts(&app, "A1").await, (5, 5));
    let f = app.transfer_file(&sender, new).await.unwrap();
    let mid = f.member.member_id.expect("registered: a member of A1");
    let rec = app.member_record(&sender, mid).await.unwrap();
    assert_eq!(
        (rec.full_name.as_str(), rec.admitted_on),
        ("Hà Thị Mới", d("2012-05-19"))
    );
    // An arrival refused creates nobody.
    let refused = app
        .record_arrival(
            &sender,
            ArrivalInput {
                cell: "A1".into(),
                origin: "nơi khác".into(),
                who: Arriving::New {
                    person: person("Đỗ Văn Không", "1991-03-03"),
                    status: MemberStatus::Official,
                    admitted_on: d("2012-05-19"),
                    official_on: None,
                },
                sent_on: d("2026-11-16"),
                received_on: None,
                documents: vec![],
            },
        )
        .await
        .unwrap();
    refuse(&app, &sender, refused, "Giấy giới thiệu không hợp lệ")
        .await
        .unwrap();
    assert_eq!(counts(&app, "A1").await, (5, 5));
}

async fn temporary_transfers_and_bad_input(db: TestDb) {
    let app = db.app().await;
    let (members, sender, receiver, _) = ends(&app).await;
    let temp = |until: &str, study: bool, docs: &[&str]| TransferInput {
        member_id: members[0],
        temporary: true,
        to: Destination::Cell("B1".into()),
        sent_on: Some(d("2026-11-02")),
        decided_on: None,
        until: Some(d(until)),
        study,
        documents: docs.iter().map(|s| s.to_string()).collect(),
    };
    // The profile's band: 3 to 11 whole months for work, to 24 for study.
    let err = app
        .create_transfer(&sender, temp("2028-05-02", false, &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Refused(r) if r.rule == "temporary_transfer"),
        "{err}"
    );
    // A paper of the official checklist is not one of the temporary one.
    let err = app
        .create_transfer(&sender, temp("2027-05-02", false, &["dossier"]))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("documents:"), "{err}");
    let err = to_cell(&app, &sender, members[0], "NOPE", "2026-11-02", &[])
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown unit: NOPE");
    let err = app
        .create_transfer(
            &sender,
            official(
                members[0],
                Destination::Outside(" ".into()),
                "2026-11-02",
                &[],
            ),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("destination:"), "{err}");
    let err = to_cell(&app, &sender, members[0], "B1", "2026-12-30", &[])
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("sent_on:"), "{err}");
    // Nor before the Party's papers (the calendar holds from 1900 only).
    let err = to_cell(&app, &sender, members[0], "B1", "0001-01-01", &[])
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("sent_on:"), "{err}");
    let err = to_cell(&app, &receiver, members[0], "A2", "2026-11-02", &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("unknown member: {}", members[0]),
        "only the sending unit starts it"
    );
    let id = app
        .create_transfer(
            &sender,
            temp("2028-05-02", true, &["temporary_letter", "self_review"]),
        )
        .await
        .unwrap();
    let f = app.transfer_file(&receiver, id).await.unwrap();
    assert_eq!(
        f.checklist
            .iter()
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>(),
        ["temporary_letter", "self_review"]
    );
    receive(&app, &receiver, id, &["temporary_letter"], None)
        .await
        .unwrap();
    app.transfer_action(&receiver, id, TransferAction::Register, None)
        .await
        .unwrap();
    // Temporarily active in B1, still counted at home (DOMAIN.md §4).
    assert_eq!(counts(&app, "A1").await, (4, 4));
    assert_eq!(counts(&app, "B1").await, (0, 0));
    let rec = app.member_record(&sender, members[0]).await.unwrap();
    assert_eq!(rec.host, Some(("B1".into(), d("2028-05-02"))));
    // A day off recorded later moves an open file's deadline: 30 working
    // days from 2 Nov end on 15 Dec once 1 Dec 2026 is off.
    let open = to_cell(&app, &sender, members[1], "B1", "2026-11-02", &[])
        .await
        .unwrap();
    app.set_calendar_override(
        &Actor::system(),
        YearOverride {
            year: 2026,
            days_off: vec![OverrideDay {
                date: d("2026-12-01"),
                name: "Nghỉ bù".into(),
            }],
            not_off: vec![],
            working_days: vec![],
        },
    )
    .await
    .unwrap();
    let f = app.transfer_file(&sender, open).await.unwrap();
    let present = f.deadlines.iter().find(|x| x.key == "present").unwrap();
    assert_eq!(present.due, d("2026-12-15"));
    // A viewer sees the file but records nothing.
    let viewer = Actor {
        name: "xem".into(),
        scope: receiver.scope.clone(),
        role: Role::Viewer,
    };
    let f = app.transfer_file(&viewer, open).await.unwrap();
    assert!(!f.answers && f.member.birth_date.is_none());
    let err = app
        .transfer_action(&viewer, open, TransferAction::Register, None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
}

both_backends!(
    a_transfer_seen_from_both_ends,
    a_refused_transfer_leaves_the_member_home,
    out_of_the_system_and_back_in,
    temporary_transfers_and_bad_input,
);
