//! The maintained pipeline summaries: the due list a page at a time from
//! the earliest-deadline summary, equal to the from-scratch computation
//! after every kind of write (steps, withdrawals, corrections, receipts,
//! unit moves, calendar changes), on both engines.

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

use ranks_app::pipeline::{DueRow, Entry, StepInput};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::Date;
use ranks_testkit::{both_backends, TestDb};

/// Every page of the due list, `limit` at a time, following the cursors.
pub(crate) async fn all_pages(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    within: Option<i64>,
    limit: usize,
) -> (u64, Vec<DueRow>) {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    let mut total = None;
    loop {
        let p = app
            .due_page(actor, org, within, Some(limit), cursor.as_deref())
            .await
            .unwrap();
        assert!(p.rows.len() <= limit);
        assert!(total.is_none_or(|t| t == p.total), "the total is stable");
        total = Some(p.total);
        rows.extend(p.rows);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    (total.unwrap(), rows)
}

/// The paged list equals the from-scratch computation for several
/// subtrees and filters, row for row, total included; so do the
/// dashboards' pipelines (open files per stage) of the whole tree's and of
/// two committees' staff.
pub(crate) async fn same_as_from_scratch(app: &App, what: &str) {
    let sys = Actor::system();
    for org in [None, Some("CDC"), Some("BVSN")] {
        let actor = match org {
            None => sys.clone(),
            Some(code) => Actor {
                name: "staff".into(),
                scope: Scope::Subtree(app.unit(&sys, code).await.unwrap().path),
                role: ranks_app::auth::Role::Staff,
            },
        };
        let dash = app.dashboard(&actor, None).await.unwrap();
        let sql = app.stage_counts_sql(&actor, None).await.unwrap();
        for (stage, n) in &dash.pipeline {
            let want = sql.get(stage).copied().unwrap_or(0);
            assert_eq!(*n, want, "{what}: the pipeline of {org:?} at {stage}");
        }
        assert!(dash.pipeline.iter().any(|p| p.1 > 0) || org.is_some());
    }
    // A unit page's stage totals and deadlines (counts and first rows).
    let root = app
        .dashboard(&sys, None)
        .await
        .unwrap()
        .root
        .code
        .to_string();
    let (mut any_supervisor, mut any_source) = (false, false);
    for org in [root.as_str(), "CDC", "BVSN", "BVPHCN", "BVPHCN.CB1"] {
        let page = app.unit_page(&sys, org, None).await.unwrap();
        let mut sql = app.stage_counts_sql(&sys, Some(org)).await.unwrap();
        sql.retain(|_, n| *n > 0);
        assert_eq!(page.stage_totals, sql, "{what}: stage totals of {org}");
        // Its lists (stage lists and movements from the summary,
        // supervisors and moves by the subtree's unit ids) equal the
        // same lists read by path range, one statement per stage.
        let lists = app.unit_lists_sql(&sys, org).await.unwrap();
        assert_eq!(
            page.candidates_by_stage, lists.candidates_by_stage,
            "{what}: stage lists of {org}"
        );
        assert_eq!(page.stage_next, lists.stage_next, "{what}: {org}");
        assert_eq!(page.sources, lists.sources, "{what}: sources of {org}");
        let (mut sups, mut moves) = (lists.supervisors, lists.moves);
        assert_eq!(page.supervisors_more, sups.len() > 50, "{what}: {org}");
        assert_eq!(page.moves_more, moves.len() > 50, "{what}: {org}");
        sups.truncate(50);
        moves.truncate(50);
        assert_eq!(page.supervisors, sups, "{what}: supervisors of {org}");
        assert_eq!(page.moves, moves, "{what}: moves of {org}");
        any_supervisor |= !page.supervisors.is_empty();
        any_source |= !page.sources.is_empty();
        let want = app
            .due_as_of(&sys, Some(org), Some(20), None)
            .await
            .unwrap();
        let got = app.due_overview(&sys, org, 20, 3).await.unwrap();
        assert_eq!(got.total as usize, want.len(), "{what}: due at {org}");
        let late = want.iter().filter(|r| r.overdue).count();
        assert_eq!(got.overdue as usize, late, "{what}: overdue at {org}");
        assert_eq!(
            got.rows,
            want[..want.len().min(3)],
            "{what}: first rows at {org}"
        );
    }
    assert!(any_supervisor && any_source, "{what}: lists to compare");
    // Today's analytics (from the summary, kept for it: asked twice) equal
    // those computed from the files; the mentors' links read from the
    // mentors outwards (a country's way) equal those read from the units.
    let today = app.clock().today();
    let mut linked = 0;
    for org in [None, Some("CDC"), Some("BVSN"), Some("BVPHCN.CB1")] {
        let want = app.analytics_as_of(&sys, org, Some(today)).await.unwrap();
        for _ in 0..2 {
            let got = app.analytics(&sys, org).await.unwrap();
            assert_eq!(got, want, "{what}: analytics of {org:?}");
        }
        let path = app.unit(&sys, org.unwrap_or("CDC")).await.unwrap().path;
        let mut conn = app.db().read().await.unwrap();
        let mut links = Vec::new();
        for wide in [false, true] {
            let mut l =
                ranks_store::records::candidates::mentor_links_in_subtree(&mut conn, &path, wide)
                    .await
                    .unwrap();
            l.sort_unstable();
            links.push(l);
        }
        assert_eq!(links[0], links[1], "{what}: mentors of {org:?}");
        linked += links[0].len();
    }
    assert!(linked > 0, "{what}: the demo's files have mentors");
    for org in [
        None,
        Some("CDC"),
        Some("BVSN"),
        Some("BVPHCN"),
        Some("BVPHCN.CB1"),
    ] {
        for within in [None, Some(10), Some(0), Some(-3)] {
            let want = app.due_as_of(&sys, org, within, None).await.unwrap();
            for limit in [1, 3, 200] {
                let (total, got) = all_pages(app, &sys, org, within, limit).await;
                assert_eq!(got, want, "{what}: {org:?} within {within:?} limit {limit}");
                assert_eq!(total as usize, want.len(), "{what}: {org:?} {within:?}");
            }
        }
    }
}

async fn due_pages_and_analytics_equal_from_scratch_after_writes(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    same_as_from_scratch(&app, "after the demo").await;
    let all = app.due_as_of(&sys, None, None, None).await.unwrap();
    assert!(all.len() > 3 && all.iter().any(|r| r.overdue));

    // A withdrawal from the pipeline closes a file: it leaves the list.
    let gone = all.iter().find(|r| r.stage != "decision").unwrap().clone();
    app.record_step(
        &sys,
        gone.candidate_id,
        StepInput {
            stage: "withdrawn".into(),
            ..StepInput::default()
        },
    )
    .await
    .unwrap();
    let (_, now) = all_pages(&app, &sys, None, None, 200).await;
    assert!(now.iter().all(|r| r.candidate_id != gone.candidate_id));
    same_as_from_scratch(&app, "after a withdrawal").await;

    // The withdrawal withdrawn (a correction of the file): it comes back.
    app.withdraw_entry(
        &sys,
        gone.candidate_id,
        Entry::Step {
            stage: "withdrawn".into(),
        },
        "recorded for the wrong person",
    )
    .await
    .unwrap();
    let (_, now) = all_pages(&app, &sys, None, None, 200).await;
    assert!(now.iter().any(|r| r.candidate_id == gone.candidate_id));
    same_as_from_scratch(&app, "after a correction").await;

    // A receipt recorded for an admission decision moves that deadline.
    let decided = all.iter().find(|r| r.stage == "decision");
    if let Some(r) = decided {
        app.record_receipt(&sys, r.candidate_id, "decision", app.clock().today())
            .await
            .unwrap();
        same_as_from_scratch(&app, "after a receipt").await;
    }

    // A cell moved to another committee: its files follow it.
    let cell = all
        .iter()
        .find(|r| r.unit.starts_with("CDC."))
        .map(|r| r.unit.clone())
        .unwrap_or_else(|| "CDC.CB1".into());
    app.move_unit(&sys, &cell, "BVSN", app.clock().today())
        .await
        .unwrap();
    let bvsn = app
        .due_page(&sys, Some("BVSN"), None, None, None)
        .await
        .unwrap();
    assert!(bvsn.rows.iter().any(|r| r.unit == cell) || !all.iter().any(|r| r.unit == cell));
    same_as_from_scratch(&app, "after a move").await;

    // The government's decision for a year changes working days: deadlines move.
    let this_year = app.clock().today().format("%Y").to_string();
    let year: i32 = this_year.parse().unwrap();
    let dates: Vec<Date> = all
        .iter()
        .map(|r| r.due)
        .filter(|d| d.format("%Y").to_string() == this_year)
        .collect();
    assert!(!dates.is_empty(), "some deadlines fall this year");
    let ov = ranks_domain::calendar::YearOverride {
        year,
        days_off: dates
            .iter()
            .take(3)
            .map(|d| ranks_domain::calendar::OverrideDay {
                date: *d,
                name: "nghỉ".into(),
            })
            .collect(),
        ..Default::default()
    };
    app.set_calendar_override(&sys, ov).await.unwrap();
    same_as_from_scratch(&app, "after a calendar override").await;

    // Bad paging is refused naming the field; another unit's files stay hidden.
    for bad in [0usize, 201] {
        let e = app
            .due_page(&sys, None, None, Some(bad), None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
    }
    for bad in ["garbage", "2026-01-01", "2026-13-01.4", &"9".repeat(60)] {
        let e = app
            .due_page(&sys, None, None, None, Some(bad))
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Invalid(_)) && e.to_string().contains("cursor"),
            "{e}"
        );
    }
    let bvsn_path = app.unit(&sys, "BVSN").await.unwrap().path;
    let staff = Actor {
        name: "staff".into(),
        scope: Scope::Subtree(bvsn_path),
        role: ranks_app::auth::Role::Staff,
    };
    let e = app
        .due_page(&staff, Some("CDC"), None, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound { .. }), "{e}");
    let (_, mine) = all_pages(&app, &staff, None, None, 2).await;
    assert!(mine
        .iter()
        .all(|r| r.unit.starts_with("BVSN") || r.unit == cell));
    assert_eq!(mine, app.due_as_of(&staff, None, None, None).await.unwrap());
}

both_backends!(due_pages_and_analytics_equal_from_scratch_after_writes);

/// The unit page's stage lists (from the summary, then one statement for
/// every stage) past their first page: 55 files proposed in one cell, most
/// on one day (the order falls to the id), some from a movement, equal the
/// lists read by path range stage by stage, with the same next cursor, in
/// the cell, its organisation and the whole tree; after a step moves one.
async fn unit_page_lists_equal_the_path_range_past_the_first_page(db: TestDb) {
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
    let mut added = Vec::new();
    for i in 0..55u32 {
        let who = ranks_app::pipeline::PersonRef::New {
            person: super::pipeline::person(
                &format!("Người Thử Số {i}"),
                &format!("1990-01-{:02}", 1 + i % 28),
            ),
            general_grade: 12,
            area: String::new(),
        };
        let day = if i % 5 == 0 {
            "2025-02-03"
        } else {
            "2025-01-06"
        };
        let movement = (i % 3 == 0).then_some("HCM");
        let id = app
            .add_candidate(&sys, who, "BVSN.CB1", movement, Some(d(day)))
            .await
            .unwrap();
        added.push(id);
    }
    let check = |what: &'static str| {
        let (app, sys, root) = (&app, &sys, &root);
        async move {
            for org in [root.as_str(), "BVSN", "BVSN.CB1"] {
                let page = app.unit_page(sys, org, None).await.unwrap();
                let lists = app.unit_lists_sql(sys, org).await.unwrap();
                assert_eq!(
                    page.candidates_by_stage, lists.candidates_by_stage,
                    "{what}: {org}"
                );
                assert_eq!(page.stage_next, lists.stage_next, "{what}: {org}");
                assert_eq!(page.sources, lists.sources, "{what}: {org}");
                let pool = &page.candidates_by_stage.iter().find(|s| s.0 == "pool");
                assert_eq!(pool.map(|p| p.1.len()), Some(50), "{what}: {org}");
                assert!(page.stage_next.contains_key("pool"), "{what}: {org}");
            }
        }
    };
    check("55 proposed").await;
    app.record_step(
        &sys,
        added[7],
        StepInput {
            stage: "withdrawn".into(),
            on: Some(d("2025-03-03")),
            ..StepInput::default()
        },
    )
    .await
    .unwrap();
    check("one withdrawn").await;
}

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

both_backends!(unit_page_lists_equal_the_path_range_past_the_first_page);
