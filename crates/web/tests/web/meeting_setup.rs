//! A small tree for the meeting tests (web and browser): Đảng bộ R > Đảng
//! bộ A > Chi bộ A1 with three official members and one probationary
//! member admitted after the meeting's day, and three candidates of A1 at
//! the stage before the cell's vote, each with the cell's resolution form.

use ranks_app::pipeline::{PersonRef, StepInput};
use ranks_app::{Actor, App};
use ranks_domain::member::NewPerson;
use ranks_domain::{Date, MemberStatus, UnitKind};

pub fn d(s: &str) -> Date {
    ranks_domain::parse_date("date", s).unwrap()
}

fn person(name: &str, birth: &str) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        gender: "Nữ".into(),
        birth_date: d(birth),
        ethnicity: "Tày".into(),
        education: "12/12".into(),
        occupation: "Điều dưỡng".into(),
    }
}

fn step(stage: &str, on: &str) -> StepInput {
    StepInput {
        stage: stage.into(),
        on: Some(d(on)),
        ..Default::default()
    }
}

/// The names of the three candidates, in the order of their ids.
pub const CANDIDATES: [&str; 3] = ["Lăng Thị Giang", "Hoàng Văn Khánh", "Đinh Thị Ngọc Ánh"];

/// The members of A1 (three official, one probationary admitted in 2026)
/// and the three candidates.
pub async fn meeting_setup(app: &App) -> (Vec<i64>, Vec<i64>) {
    let sys = Actor::system();
    for (code, name, kind, parent) in [
        ("R", "Đảng bộ R", UnitKind::Superior, None),
        ("A", "Đảng bộ A", UnitKind::GrassrootsCommittee, Some("R")),
        ("A1", "Chi bộ A1", UnitKind::Cell, Some("A")),
        ("A2", "Chi bộ A2", UnitKind::Cell, Some("A")),
    ] {
        app.create_unit(&sys, code, name, kind, parent, d("2000-01-01"))
            .await
            .unwrap();
    }
    let mut members = Vec::new();
    for (i, name) in ["Nông Văn Một", "Hoàng Thị Hai", "Lương Văn Ba"]
        .iter()
        .enumerate()
    {
        let official = d(&format!("2006-03-0{}", i + 1));
        members.push(
            app.add_member(
                &sys,
                person(name, "1980-01-01"),
                "A1",
                MemberStatus::Official,
                d("2005-03-01"),
                Some(official),
            )
            .await
            .unwrap(),
        );
    }
    members.push(
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
    let mut candidates = Vec::new();
    for (name, birth) in CANDIDATES
        .iter()
        .zip(["1988-04-10", "1990-02-14", "1991-09-02"])
    {
        candidates.push(to_comments(app, &members, name, birth).await);
    }
    (members, candidates)
}

async fn to_comments(app: &App, members: &[i64], name: &str, birth: &str) -> i64 {
    let sys = Actor::system();
    let c = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person: person(name, birth),
                general_grade: 12,
                area: String::new(),
            },
            "A1",
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
    for (m, since) in [(members[0], "2020-01-01"), (members[1], "2021-06-01")] {
        app.add_introducer(&sys, c, Some((m, d(since))), Some(d("2024-08-01")))
            .await
            .unwrap();
    }
    for (code, stage, on) in [
        ("3-KNĐ", "introduction", "2024-08-05"),
        ("5-KNĐ", "comments", "2024-09-02"),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
        app.record_step(&sys, c, step(stage, on)).await.unwrap();
    }
    app.record_document(&sys, c, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    c
}
