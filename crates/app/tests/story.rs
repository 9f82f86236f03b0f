//! Story tests of the use cases, each run on SQLite and on PostgreSQL.
//!
//! One test binary for the whole crate (linking dominates on two cores):
//! each file under `tests/story/` is a module of it, with its own helpers.

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

#[path = "story/audit_chain.rs"]
mod audit_chain;
#[path = "story/backup.rs"]
mod backup;
#[path = "story/corrections.rs"]
mod corrections;
#[path = "story/corrections_registry.rs"]
mod corrections_registry;
#[path = "story/duplicates.rs"]
mod duplicates;
#[path = "story/fresh.rs"]
mod fresh;
#[path = "story/import.rs"]
mod import;
#[path = "story/import_limits.rs"]
mod import_limits;
#[path = "story/lite.rs"]
mod lite;
#[path = "story/meetings.rs"]
mod meetings;
#[path = "story/national.rs"]
mod national;
#[path = "story/pages.rs"]
mod pages;
#[path = "story/pickers.rs"]
mod pickers;
#[path = "story/pipeline.rs"]
mod pipeline;
#[path = "story/plan.rs"]
mod plan;
#[path = "story/races.rs"]
mod races;
#[path = "story/readmission.rs"]
mod readmission;
#[path = "story/rebuilds.rs"]
mod rebuilds;
#[path = "story/routes.rs"]
mod routes;
#[path = "story/search.rs"]
mod search;
#[path = "story/sign_in.rs"]
mod sign_in;
#[path = "story/subject.rs"]
mod subject;
#[path = "story/summaries.rs"]
mod summaries;
#[path = "story/tamper.rs"]
mod tamper;
#[path = "story/texts.rs"]
mod texts;
#[path = "story/transfers.rs"]
mod transfers;
#[path = "story/votes.rs"]
mod votes;

use ranks_app::{Actor, AppError, Scope};
use ranks_domain::{Date, MemberStatus, Term, TermName, UnitKind};
use ranks_store::records::members::NewPerson;
use ranks_store::records::{audit, members, units};
use ranks_testkit::{both_backends, TestDb};

fn d(s: &str) -> Date {
    ranks_domain::parse_date("date", s).unwrap()
}

fn person(name: &str) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        gender: "Nữ".into(),
        birth_date: d("1995-03-04"),
        ethnicity: "Tày".into(),
        education: "12/12".into(),
        occupation: "Điều dưỡng".into(),
    }
}

async fn demo_reproduces_the_seed_figures(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let first = app.load_demo(&sys).await.unwrap();
    assert!(first.loaded);
    assert_eq!(first.members, 328);

    let report = app
        .achievement(&sys, None, "2020-2025", None)
        .await
        .unwrap();
    let root = &report.rows[0];
    assert_eq!(root.code.as_str(), "DBSYT");
    assert_eq!((root.target, root.admitted), (Some(40), 54));
    assert_eq!(root.percent.unwrap().rounded(), 135);
    let rehab = report
        .rows
        .iter()
        .find(|r| r.name.contains("Phục hồi chức năng"))
        .unwrap();
    assert_eq!((rehab.target, rehab.admitted), (Some(11), 12));
    assert!((rehab.percent.unwrap().exact() - 109.0909).abs() < 1e-3);
    assert_eq!(rehab.percent.unwrap().rounded(), 109);

    let subordinate = app
        .children(&sys, "DBSYT", Some(UnitKind::GrassrootsCommittee))
        .await
        .unwrap();
    assert_eq!(subordinate.len(), 10);
    assert_eq!(app.member_count(&sys, None).await.unwrap(), 328);

    // The children's targets add up to the committee's, and the admissions of
    // the units add up to the committee's figure.
    let depth1: Vec<_> = report.rows.iter().filter(|r| r.depth == 1).collect();
    assert_eq!(depth1.iter().map(|r| r.admitted).sum::<u64>(), 54);
    assert_eq!(depth1.iter().filter_map(|r| r.target).sum::<u64>(), 40);
    // Cells have no target of their own: no percent, no division error.
    let cell = report.rows.iter().find(|r| r.depth == 2).unwrap();
    assert_eq!(cell.target, None);
    assert!(cell.percent.is_none());

    // Every stage of the open pipeline has somebody in it, with mentors.
    let page = app
        .unit_page(&sys, "DBSYT", Some("2020-2025"))
        .await
        .unwrap();
    let stages: Vec<_> = page
        .candidates_by_stage
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    for s in [
        "pool",
        "sympathiser",
        "course",
        "application",
        "personal_history",
        "verification",
        "introduction",
        "comments",
        "cell_vote",
        "grassroots_vote",
        "decision",
        "ceremony",
        "recognised",
        "withdrawn",
    ] {
        assert!(stages.contains(&s), "no candidate at stage {s}: {stages:?}");
    }
    let mentored = page
        .candidates_by_stage
        .iter()
        .flat_map(|(_, c)| c)
        .filter(|c| !c.mentors.is_empty())
        .count();
    assert!(mentored > 50, "{mentored}");
    assert_eq!(
        page.sources.len(),
        2,
        "both emulation movements feed candidates"
    );
    assert_eq!(
        page.supervisors.len(),
        10 + 28,
        "one per unit and one per cell"
    );

    // Idempotent: a second load writes nothing.
    let audit_before = audit::count(&mut app.db().read().await.unwrap())
        .await
        .unwrap();
    let second = app.load_demo(&sys).await.unwrap();
    assert!(!second.loaded);
    let audit_after = audit::count(&mut app.db().read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(audit_before, audit_after);
    assert_eq!(app.member_count(&sys, None).await.unwrap(), 328);
    let again = app
        .achievement(&sys, None, "2020-2025", None)
        .await
        .unwrap();
    assert_eq!(again.rows[0].admitted, 54);
}

/// A small tree: R with A and B; cell A1 under A holds three admissions.
async fn small_tree(app: &ranks_app::App) {
    let sys = Actor::system();
    app.create_unit(
        &sys,
        "R",
        "Đảng bộ R",
        UnitKind::Superior,
        None,
        d("2000-01-01"),
    )
    .await
    .unwrap();
    for (c, p, k) in [
        ("A", "R", UnitKind::GrassrootsCommittee),
        ("B", "R", UnitKind::GrassrootsCommittee),
        ("A1", "A", UnitKind::Cell),
        ("B1", "B", UnitKind::Cell),
    ] {
        app.create_unit(&sys, c, &format!("Đơn vị {c}"), k, Some(p), d("2000-01-01"))
            .await
            .unwrap();
    }
    let term = Term::new(
        TermName::parse("2020-2025").unwrap(),
        d("2020-07-01"),
        d("2025-06-30"),
    )
    .unwrap();
    app.create_term(&sys, term).await.unwrap();
    for (u, t) in [("R", 5), ("A", 4), ("B", 2)] {
        app.set_term_target(&sys, u, &TermName::parse("2020-2025").unwrap(), t)
            .await
            .unwrap();
    }
    for (i, when) in ["2021-03-01", "2022-05-02", "2024-01-15"]
        .iter()
        .enumerate()
    {
        app.add_member(
            &sys,
            person(&format!("Nguyễn Thị A{i}")),
            "A1",
            MemberStatus::Official,
            d(when),
            None,
        )
        .await
        .unwrap();
    }
    // Outside the term: does not count.
    app.add_member(
        &sys,
        person("Lê Văn Cũ"),
        "A1",
        MemberStatus::Official,
        d("2019-12-31"),
        None,
    )
    .await
    .unwrap();
    app.add_member(
        &sys,
        person("Hoàng Thị Bê"),
        "B1",
        MemberStatus::Official,
        d("2023-06-30"),
        None,
    )
    .await
    .unwrap();
}

fn figures(rows: &[ranks_domain::AchievementRow]) -> Vec<(String, u64, Option<u64>)> {
    rows.iter()
        .map(|r| {
            (
                r.code.to_string(),
                r.admitted,
                r.percent.map(|p| p.rounded()),
            )
        })
        .collect()
}

async fn roll_up_follows_a_unit_moved_mid_term(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    small_tree(&app).await;
    let before = app
        .achievement(&sys, Some("R"), "2020-2025", None)
        .await
        .unwrap();
    assert_eq!(
        figures(&before.rows),
        vec![
            ("R".into(), 4, Some(80)),
            ("A".into(), 3, Some(75)),
            ("A1".into(), 3, None),
            ("B".into(), 1, Some(50)),
            ("B1".into(), 1, None)
        ]
    );
    let old_path = app.unit(&sys, "A1").await.unwrap().path;
    let moved = app
        .move_unit(&sys, "A1", "B", d("2023-01-01"))
        .await
        .unwrap();
    let b_unit = app.unit(&sys, "B").await.unwrap();
    assert_eq!(moved.parent_id, Some(b_unit.id));
    assert_eq!(moved.path, b_unit.path.child(moved.id));
    let after = app
        .achievement(&sys, Some("R"), "2020-2025", None)
        .await
        .unwrap();
    assert_eq!(
        figures(&after.rows),
        vec![
            ("R".into(), 4, Some(80)),
            ("A".into(), 0, Some(0)),
            ("B".into(), 4, Some(200)),
            ("A1".into(), 3, None),
            ("B1".into(), 1, None)
        ]
    );
    // --depth and --org narrow the report.
    let shallow = app
        .achievement(&sys, Some("R"), "2020-2025", Some(1))
        .await
        .unwrap();
    assert_eq!(shallow.rows.len(), 3);
    let b = app
        .achievement(&sys, Some("B"), "2020-2025", None)
        .await
        .unwrap();
    assert_eq!(figures(&b.rows)[0], ("B".into(), 4, Some(200)));
    // The move is recorded with its effective date and audited.
    let page = app.unit_page(&sys, "B", None).await.unwrap();
    assert_eq!(page.moves.len(), 1);
    assert_eq!(page.moves[0].1.effective_on, d("2023-01-01"));
    assert_eq!(page.moves[0].1.from_parent.as_ref().unwrap().as_str(), "A");
    let mut conn = app.db().read().await.unwrap();
    let a1 = units::by_code(&mut conn, &ranks_domain::UnitCode::parse("A1").unwrap())
        .await
        .unwrap()
        .unwrap();
    let trail = audit::for_entity(&mut conn, "unit", &a1.id.to_string())
        .await
        .unwrap();
    assert_eq!(
        trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["create", "move"]
    );
    let (before, after) = (
        trail[1].before.as_ref().unwrap(),
        trail[1].after.as_ref().unwrap(),
    );
    assert_eq!(before["path"], old_path.as_str());
    assert_eq!(after["path"], a1.path.as_str());
    assert_eq!(after["effective_on"], "2023-01-01");
    assert_eq!(trail[1].actor, "system");
    // As of a day before the move, A1 still counts under A; admissions after that day do not count.
    let before_move = app
        .achievement_as_of(&sys, Some("R"), "2020-2025", None, d("2022-12-31"))
        .await
        .unwrap();
    assert_eq!(
        figures(&before_move.rows),
        vec![
            ("R".into(), 2, Some(40)),
            ("A".into(), 2, Some(50)),
            ("A1".into(), 2, None),
            ("B".into(), 0, Some(0)),
            ("B1".into(), 0, None)
        ]
    );
    let after_move = app
        .achievement_as_of(&sys, Some("B"), "2020-2025", None, d("2024-06-30"))
        .await
        .unwrap();
    assert_eq!(figures(&after_move.rows)[0], ("B".into(), 4, Some(200)));
    // From the index as from the tables, for every unit, day and depth
    // (before and after the move; before and after B2 was created).
    app.create_unit(
        &sys,
        "B2",
        "Đơn vị B2",
        UnitKind::Cell,
        Some("B"),
        d("2024-01-01"),
    )
    .await
    .unwrap();
    for org in ["R", "A", "B", "A1", "B1", "B2"] {
        for day in [
            "2021-06-30",
            "2022-12-31",
            "2023-01-01",
            "2024-06-30",
            "2025-06-30",
        ] {
            for depth in [None, Some(0), Some(1)] {
                let index = app
                    .achievement_as_of(&sys, Some(org), "2020-2025", depth, d(day))
                    .await;
                let sql = app
                    .achievement_as_of_sql(&sys, Some(org), "2020-2025", depth, d(day))
                    .await;
                match (index, sql) {
                    (Ok(i), Ok(s)) => assert_eq!(i.rows, s.rows, "{org} on {day}, {depth:?}"),
                    (Err(i), Err(s)) => assert_eq!(i.to_string(), s.to_string()),
                    (i, s) => panic!(
                        "{org} on {day}: {:?} against {:?}",
                        i.map(|r| r.rows),
                        s.map(|r| r.rows)
                    ),
                }
            }
        }
    }
    let err = app
        .achievement_as_of(&sys, Some("R"), "2020-2025", None, d("1999-12-31"))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("as_of: '1999-12-31'"), "{err}");
    // A unit cannot move under its own descendant.
    let err = app
        .move_unit(&sys, "B", "A1", d("2023-02-01"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
}

async fn bad_input_is_named_and_nothing_is_half_written(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    small_tree(&app).await;
    let err = app
        .achievement(&sys, Some("NOPE"), "2020-2025", None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown unit: NOPE");
    let err = app
        .achievement(&sys, Some("R"), "2030-2035", None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown term: 2030-2035");
    let err = app
        .achievement(&sys, Some("R"), "twenty", None)
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("term: 'twenty' is not valid"),
        "{err}"
    );

    // A member can only be registered in a cell: the person written first
    // in the same transaction must vanish with the refusal.
    let people_before = members::count_people(&mut app.db().read().await.unwrap())
        .await
        .unwrap();
    let audit_before = audit::count(&mut app.db().read().await.unwrap())
        .await
        .unwrap();
    let err = app
        .add_member(
            &sys,
            person("Trần Văn Sai"),
            "A",
            MemberStatus::Official,
            d("2021-01-01"),
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cell"), "{err}");
    assert_eq!(
        members::count_people(&mut app.db().read().await.unwrap())
            .await
            .unwrap(),
        people_before
    );
    assert_eq!(
        audit::count(&mut app.db().read().await.unwrap())
            .await
            .unwrap(),
        audit_before
    );

    let err = app
        .create_unit(
            &sys,
            "A",
            "Trùng",
            UnitKind::Cell,
            Some("R"),
            d("2000-01-01"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    let err = app
        .create_unit(
            &sys,
            "bad code!",
            "X",
            UnitKind::Cell,
            Some("R"),
            d("2000-01-01"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("code:"), "{err}");
}

async fn an_actor_sees_only_its_subtree(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    small_tree(&app).await;
    let a = app.unit(&sys, "A").await.unwrap();
    let actor = Actor {
        name: "organiser of A".into(),
        scope: Scope::Subtree(a.path.clone()),
        role: ranks_app::auth::Role::Staff,
    };
    let mine = app
        .achievement(&actor, None, "2020-2025", None)
        .await
        .unwrap();
    assert_eq!(mine.rows[0].code.as_str(), "A");
    assert!(app.unit_page(&actor, "A1", None).await.is_ok());
    // B and R exist, but for this actor they do not.
    for other in ["B", "B1", "R"] {
        let err = app.unit_page(&actor, other, None).await.unwrap_err();
        assert_eq!(err.to_string(), format!("unknown unit: {other}"));
    }
    let page = app.unit_page(&actor, "A", None).await.unwrap();
    assert!(page.members.iter().all(|m| m.unit_code.as_str() == "A1"));
    assert!(
        page.ancestors.is_empty(),
        "R lies outside the actor's scope"
    );
    let err = app
        .add_member(
            &actor,
            person("Vi Văn Ngoài"),
            "B1",
            MemberStatus::Official,
            d("2021-01-01"),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown unit: B1");
}

async fn schema_reaches_the_latest_version(db: TestDb) {
    let database = db.open().await;
    let backend = database.backend();
    assert_eq!(
        database.schema_version().await.unwrap(),
        ranks_store::latest_version(backend)
    );
    // Opening again migrates nothing and keeps the data.
    drop(database);
    let again = db.open().await;
    assert_eq!(
        again.schema_version().await.unwrap(),
        ranks_store::latest_version(backend)
    );
}

both_backends!(
    demo_reproduces_the_seed_figures,
    roll_up_follows_a_unit_moved_mid_term,
    bad_input_is_named_and_nothing_is_half_written,
    an_actor_sees_only_its_subtree,
    schema_reaches_the_latest_version,
);

#[test]
fn both_dialects_have_the_same_migrations() {
    use ranks_store::{MIGRATIONS_POSTGRES, MIGRATIONS_SQLITE};
    let v =
        |ms: &[ranks_store::Migration]| ms.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
    assert_eq!(v(MIGRATIONS_SQLITE), v(MIGRATIONS_POSTGRES));
    // Same tables in both dialects.
    // A table rebuilt (SQLite cannot drop a constraint) is created under
    // another name, the old one dropped and the new one renamed.
    let tables = |ms: &[ranks_store::Migration]| {
        let mut t: Vec<String> = Vec::new();
        for l in ms.iter().flat_map(|m| m.sql.lines()).map(str::trim) {
            let word = |r: &str| r.split_whitespace().next().unwrap().to_string();
            if let Some(r) = l.strip_prefix("CREATE TABLE ") {
                t.push(word(r));
            } else if let Some(r) = l.strip_prefix("DROP TABLE ") {
                let gone = word(r).trim_end_matches(';').to_string();
                t.retain(|x| *x != gone);
            } else if let Some((a, b)) = l
                .strip_prefix("ALTER TABLE ")
                .and_then(|r| r.split_once(" RENAME TO "))
            {
                let (a, b) = (
                    a.trim().to_string(),
                    b.trim_end_matches(';').trim().to_string(),
                );
                for x in t.iter_mut().filter(|x| **x == a) {
                    *x = b.clone();
                }
            }
        }
        t.sort();
        t
    };
    assert_eq!(tables(MIGRATIONS_SQLITE), tables(MIGRATIONS_POSTGRES));
}
