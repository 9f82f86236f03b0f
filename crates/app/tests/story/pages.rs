//! Pages a person can take in (issue 16): the dashboard's direct
//! subordinates and totals, the achievement report from the index, the
//! unit page's paged lists: each checked against a count from scratch,
//! also after writes (the index's overlay).

use ranks_app::overview::{page_limit, MemberFilter};
use ranks_app::{Actor, App};
use ranks_domain::{Date, MemberStatus};
use ranks_testkit::{both_backends, TestDb};
use std::collections::{HashMap, HashSet};

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Current members of a subtree from scratch: the SQL count per unit.
async fn members_from_scratch(app: &App, code: &str) -> u64 {
    app.member_count(&Actor::system(), Some(code))
        .await
        .unwrap()
}

/// The current members' ids of a subtree, straight from the tables.
async fn member_ids(db: &TestDb, app: &App, code: &str) -> HashSet<i64> {
    let unit = app.unit(&Actor::system(), code).await.unwrap();
    let store = db.open().await;
    let mut conn = store.read().await.unwrap();
    ranks_store::records::members::current_in_subtree(&mut conn, &unit.path)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect()
}

/// The dashboard lists the root and exactly its direct subordinates, each
/// with totals equal to the SQL computation, and its pipeline (open files
/// per stage, from the due summary) equal to a `GROUP BY`.
pub(crate) async fn check_dashboard(app: &App, term: &str) {
    let sys = Actor::system();
    let dash = app.dashboard(&sys, Some(term)).await.unwrap();
    let sql = app.stage_counts_sql(&sys, None).await.unwrap();
    for (stage, n) in &dash.pipeline {
        assert_eq!(
            *n,
            sql.get(stage).copied().unwrap_or(0),
            "the pipeline at {stage}"
        );
    }
    let root = dash.root.code.to_string();
    let mut kids: Vec<String> = app
        .children(&sys, &root, None)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code.to_string())
        .collect();
    kids.sort();
    let shown: Vec<String> = dash
        .rows
        .iter()
        .filter(|r| r.depth == 1)
        .map(|r| r.code.to_string())
        .collect();
    assert_eq!(shown, kids, "exactly the direct subordinates, by code");
    assert_eq!(dash.rows[0].code.as_str(), root);
    assert!(dash.rows.iter().all(|r| r.depth <= 1));
    let sql = app
        .achievement_sql(&sys, None, term, Some(1))
        .await
        .unwrap();
    assert_eq!(dash.rows, sql.rows, "admitted and targets as the SQL says");
    assert_eq!(
        dash.total_members,
        members_from_scratch(app, &root).await,
        "{root}"
    );
    for r in &dash.rows {
        assert_eq!(
            dash.members[&r.code],
            members_from_scratch(app, r.code.as_str()).await,
            "members of {}",
            r.code
        );
    }
}

/// The index's report equals the SQL's for every unit, term and depth.
async fn check_reports(app: &App) {
    let sys = Actor::system();
    let units: Vec<String> = app
        .achievement(&sys, None, "2020-2025", None)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.code.to_string())
        .collect();
    assert!(units.len() > 10, "{}", units.len());
    for term in ["2020-2025", "2025-2030"] {
        for org in &units {
            for depth in [None, Some(0), Some(1), Some(2)] {
                let ix = app.achievement(&sys, Some(org), term, depth).await.unwrap();
                let sql = app
                    .achievement_sql(&sys, Some(org), term, depth)
                    .await
                    .unwrap();
                assert_eq!(ix.rows, sql.rows, "{org} {term} {depth:?}");
                // A page at a time, only the page's rows made: the same rows.
                let (mut walked, mut cursor) = (Vec::new(), None::<String>);
                loop {
                    let p = app
                        .achievement_page(&sys, Some(org), term, depth, cursor.as_deref(), 7)
                        .await
                        .unwrap();
                    assert_eq!(p.total, sql.rows.len());
                    assert!(p.report.rows.len() <= 7);
                    walked.extend(p.report.rows.iter().cloned());
                    if !p.more {
                        break;
                    }
                    cursor = walked.last().map(|r| r.code.to_string());
                }
                assert_eq!(walked, sql.rows, "pages of {org} {term} {depth:?}");
            }
        }
    }
}

async fn dashboard_and_reports_equal_a_count_from_scratch(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    for term in ["2020-2025", "2025-2030"] {
        check_dashboard(&app, term).await;
    }
    check_reports(&app).await;

    // The overlay path: a member added, moved, and dead; each time the
    // totals follow, equal to the SQL computation.
    let dash = app.dashboard(&sys, Some("2025-2030")).await.unwrap();
    let root = dash.root.code.to_string();
    let cells: Vec<String> = app
        .achievement(&sys, None, "2025-2030", None)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.code.to_string())
        .filter(|c| c.contains(".CB"))
        .collect();
    let (home, away) = (&cells[0], &cells[cells.len() - 1]);
    let total = dash.total_members;
    let id = app
        .add_member(
            &sys,
            ranks_store::records::members::NewPerson {
                full_name: "Lò Văn Trang".into(),
                gender: "Nam".into(),
                birth_date: d("1999-04-04"),
                ethnicity: "Thái".into(),
                education: "12/12".into(),
                occupation: String::new(),
            },
            home,
            MemberStatus::Probationary,
            app.clock().today(),
            None,
        )
        .await
        .unwrap();
    let after = app.dashboard(&sys, Some("2025-2030")).await.unwrap();
    assert_eq!(after.total_members, total + 1);
    check_dashboard(&app, "2025-2030").await;
    app.member_movement(
        &sys,
        id,
        ranks_app::pipeline::Movement::TransferTo { cell: away.clone() },
        None,
    )
    .await
    .unwrap();
    check_dashboard(&app, "2025-2030").await;
    let page = app.unit_page(&sys, away, None).await.unwrap();
    assert_eq!(page.member_total, members_from_scratch(&app, away).await);
    assert!(page.members.iter().any(|m| m.id == id));
    app.member_movement(&sys, id, ranks_app::pipeline::Movement::Death, None)
        .await
        .unwrap();
    check_dashboard(&app, "2025-2030").await;
    let gone = app.dashboard(&sys, Some("2025-2030")).await.unwrap();
    assert_eq!(gone.total_members, total, "a death leaves the count");
    assert_eq!(
        app.unit_page(&sys, away, None).await.unwrap().member_total,
        members_from_scratch(&app, away).await
    );
    check_reports(&app).await;
    assert_eq!(root, after.root.code.to_string());
}

both_backends!(dashboard_and_reports_equal_a_count_from_scratch);

async fn unit_lists_are_paged(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let root = app
        .dashboard(&sys, None)
        .await
        .unwrap()
        .root
        .code
        .to_string();
    let all = member_ids(&db, &app, &root).await;
    assert!(all.len() > 100, "{}", all.len());
    // Walking the pages gives each member once, whatever the page size.
    for limit in [1, 7, 50, 200] {
        let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
        loop {
            let p = app
                .unit_members(&sys, &root, MemberFilter::Current, cursor.as_deref(), limit)
                .await
                .unwrap();
            assert!(p.members.len() <= limit);
            assert_eq!(p.total, Some(all.len() as u64));
            seen.extend(p.members.iter().map(|m| m.id));
            pages += 1;
            match p.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
            assert!(pages < 10_000);
        }
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no member twice (limit {limit})");
        assert_eq!(unique, all, "every member (limit {limit})");
    }
    // The filter: only probationary members, all of them.
    let (mut prob, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let p = app
            .unit_members(
                &sys,
                &root,
                MemberFilter::Probationary,
                cursor.as_deref(),
                5,
            )
            .await
            .unwrap();
        assert!(p
            .members
            .iter()
            .all(|m| m.status == MemberStatus::Probationary));
        prob.extend(p.members.iter().map(|m| m.id));
        match p.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    let page = app.unit_page(&sys, &root, None).await.unwrap();
    assert!(page.members.len() <= ranks_app::reports::LIST_FIRST);
    assert_eq!(page.member_total, all.len() as u64);
    assert!(!prob.is_empty() && prob.len() < all.len());
    // Bad cursors and sizes are refused naming the field.
    for bad in ["x", "12-NOPE", "-", "1-", &"9".repeat(500)] {
        let e = app
            .unit_members(&sys, &root, MemberFilter::Current, Some(bad), 10)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("cursor"), "{bad}: {e}");
    }
    for bad in ["0", "201", "x", "-1"] {
        let e = page_limit(Some(bad)).unwrap_err().to_string();
        assert!(e.contains("limit"), "{bad}: {e}");
    }
    assert_eq!(page_limit(None).unwrap(), 50);
    assert_eq!(page_limit(Some("200")).unwrap(), 200);
    assert!(MemberFilter::parse(Some("left")).is_err());
    // A cursor naming a unit outside the subtree reads as a bad cursor.
    let kids = app.children(&sys, &root, None).await.unwrap();
    let (a, b) = (kids[0].code.to_string(), kids[1].code.to_string());
    let first_b = app
        .unit_members(&sys, &b, MemberFilter::Current, None, 1)
        .await
        .unwrap();
    if let Some(next) = first_b.next {
        assert!(app
            .unit_members(&sys, &a, MemberFilter::Current, Some(&next), 1)
            .await
            .is_err());
    }

    // Candidates, stage by stage: each once, the total as counted.
    let mut per_stage: HashMap<String, usize> = HashMap::new();
    for (stage, first) in &page.candidates_by_stage {
        let total = page.stage_totals[stage];
        let (mut seen, mut cursor) = (Vec::new(), None::<String>);
        loop {
            let p = app
                .unit_candidates(&sys, &root, stage, cursor.as_deref(), 2)
                .await
                .unwrap();
            assert_eq!(p.total, total);
            assert!(p.candidates.len() <= 2);
            assert!(p.candidates.iter().all(|c| &c.stage == stage));
            seen.extend(p.candidates.iter().map(|c| c.id));
            match p.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len());
        assert_eq!(seen.len() as u64, total, "{stage}");
        assert_eq!(
            &seen[..first.len()],
            &first.iter().map(|c| c.id).collect::<Vec<_>>()[..]
        );
        per_stage.insert(stage.clone(), seen.len());
    }
    assert!(!per_stage.is_empty());
    assert!(app
        .unit_candidates(&sys, &root, "no_such_stage", None, 5)
        .await
        .is_err());
    // Out of scope reads as unknown.
    let staff = Actor {
        name: "canbo".into(),
        scope: ranks_app::Scope::Subtree(app.unit(&sys, &a).await.unwrap().path),
        role: ranks_app::auth::Role::Staff,
    };
    let outside = app
        .unit_members(&staff, &b, MemberFilter::Current, None, 5)
        .await
        .unwrap_err();
    let unknown = app
        .unit_members(&staff, "NO-SUCH", MemberFilter::Current, None, 5)
        .await
        .unwrap_err();
    assert_eq!(
        outside.to_string().replace(&b, "X"),
        unknown.to_string().replace("NO-SUCH", "X")
    );
}

both_backends!(unit_lists_are_paged);
