//! The small tree and the candidate's road that story and web tests share:
//! units R > A > cells A1, A2, the members of A1, and a new candidate taken
//! through to the stage before the cell's vote.

use ranks_app::pipeline::{PersonRef, StepInput};
use ranks_app::{Actor, App};
use ranks_domain::member::NewPerson;
use ranks_domain::{Date, MemberStatus, UnitKind};

/// A date written as in the tests, `YYYY-MM-DD`.
pub fn d(s: &str) -> Date {
    ranks_domain::parse_date("date", s).unwrap()
}

/// A person of the tests' usual particulars, with a name and a birth date.
pub fn person(name: &str, birth: &str) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        gender: "Nữ".into(),
        birth_date: d(birth),
        ethnicity: "Tày".into(),
        education: "12/12".into(),
        occupation: "Điều dưỡng".into(),
    }
}

/// A step of the procedure on a day, without vote, skip or version.
pub fn step(stage: &str, on: &str) -> StepInput {
    StepInput {
        stage: stage.into(),
        on: Some(d(on)),
        vote: None,
        skip_reason: None,
        eligible_reason: None,
        version: None,
    }
}

/// A unit to create: code, name, kind and parent.
pub type NewUnit<'a> = (&'a str, &'a str, UnitKind, Option<&'a str>);

/// The tree of most tests: Đảng bộ R > Đảng bộ A > Chi bộ A1, Chi bộ A2.
pub const TREE: [NewUnit<'static>; 4] = [
    ("R", "Đảng bộ R", UnitKind::Superior, None),
    ("A", "Đảng bộ A", UnitKind::GrassrootsCommittee, Some("R")),
    ("A1", "Chi bộ A1", UnitKind::Cell, Some("A")),
    ("A2", "Chi bộ A2", UnitKind::Cell, Some("A")),
];

/// A second committee beside A: Đảng bộ B under R, with Chi bộ B1.
pub const B_AND_B1: [NewUnit<'static>; 2] = [
    ("B", "Đảng bộ B", UnitKind::GrassrootsCommittee, Some("R")),
    ("B1", "Chi bộ B1", UnitKind::Cell, Some("B")),
];

/// Creates `units` in order, each founded on 1 Jan 2000.
pub async fn create_units(app: &App, units: &[NewUnit<'_>]) {
    let sys = Actor::system();
    for (code, name, kind, parent) in units {
        app.create_unit(&sys, code, name, *kind, *parent, d("2000-01-01"))
            .await
            .unwrap();
    }
}

/// The members of A1: three official (Nông Văn Một, Hoàng Thị Hai, Lương
/// Văn Ba) and Vi Thị Dự, probationary since 4 May 2026; their ids in that
/// order.
pub async fn members_of_a1(app: &App) -> Vec<i64> {
    let sys = Actor::system();
    let mut ids = Vec::new();
    for (i, name) in ["Nông Văn Một", "Hoàng Thị Hai", "Lương Văn Ba"]
        .iter()
        .enumerate()
    {
        ids.push(
            app.add_member(
                &sys,
                person(name, "1980-01-01"),
                "A1",
                MemberStatus::Official,
                d("2005-03-01"),
                Some(d(&format!("2006-03-0{}", i + 1))),
            )
            .await
            .unwrap(),
        );
    }
    ids.push(
        app.add_member(
            &sys,
            person("Vi Thị Dự", "1999-01-01"),
            "A1",
            MemberStatus::Probationary,
            d("2026-05-04"),
            None,
        )
        .await
        .unwrap(),
    );
    ids
}

/// Who a test adds to a pool.
pub struct Newcomer<'a> {
    pub name: &'a str,
    pub birth: &'a str,
    pub grade: u8,
    pub area: &'a str,
}

/// Takes a new candidate of `cell` through to the stage before the cell
/// vote, with `members` of the cell as mentor and introducers.
pub async fn to_comments_in(app: &App, members: &[i64], cell: &str, who: Newcomer<'_>) -> i64 {
    let sys = Actor::system();
    let c = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person: person(who.name, who.birth),
                general_grade: who.grade,
                area: who.area.into(),
            },
            cell,
            None,
            Some(d("2024-01-08")),
        )
        .await
        .unwrap();
    app.record_document(&sys, c, "NQ-GIUPDO", Some(d("2024-02-01")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[0], false, Some(d("2024-02-01")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("sympathiser", "2024-02-05"))
        .await
        .unwrap();
    // The certificate ticks its document (CN-NTVĐ) on its day of issue.
    app.record_certificate(&sys, c, d("2024-04-12"), "15/CN")
        .await
        .unwrap();
    app.record_step(&sys, c, step("course", "2024-04-15"))
        .await
        .unwrap();
    for (code, stage, on) in [
        ("1-KNĐ", "application", "2024-05-06"),
        ("2-KNĐ", "personal_history", "2024-06-03"),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
        app.record_step(&sys, c, step(stage, on)).await.unwrap();
    }
    // The verification is left out: a parent is a member (the legal skip).
    app.record_step(
        &sys,
        c,
        StepInput {
            skip_reason: Some("relative_member".into()),
            ..step("verification", "2024-07-01")
        },
    )
    .await
    .unwrap();
    app.add_introducer(
        &sys,
        c,
        Some((members[0], d("2020-01-01"))),
        Some(d("2024-08-01")),
    )
    .await
    .unwrap();
    if ranks_domain::procedure::whole_months(d(who.birth), d("2024-08-05")) < 31 * 12 {
        // Of youth age where the cell has a Youth Union organisation: a
        // Youth Union member, introduced by its committee's resolution
        // (4-KNĐ, recorded with it) and one official member (Charter Điều 4
        // khoản 1).
        app.set_memberships(&sys, c, Some(true), None)
            .await
            .unwrap();
        app.add_introducer(&sys, c, None, Some(d("2024-08-01")))
            .await
            .unwrap();
    } else {
        app.add_introducer(
            &sys,
            c,
            Some((members[1], d("2021-06-01"))),
            Some(d("2024-08-01")),
        )
        .await
        .unwrap();
    }
    app.record_document(&sys, c, "3-KNĐ", Some(d("2024-08-01")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("introduction", "2024-08-05"))
        .await
        .unwrap();
    app.record_document(&sys, c, "5-KNĐ", Some(d("2024-09-02")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("comments", "2024-09-02"))
        .await
        .unwrap();
    c
}
