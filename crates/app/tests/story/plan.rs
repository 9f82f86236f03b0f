//! The plan page's reports from memory (the maintained summary and the
//! roll-up index): the forecast, the allocation check and the year-end
//! evaluation of a unit and its direct subordinates, a page at a time,
//! equal to the from-scratch computations (`*_reference`) after steps,
//! withdrawals, corrections, targets, scores and a unit move, on both engines.

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

use ranks_app::forecast::{ForecastReport, ForecastRow};
use ranks_app::pipeline::{Entry, StepInput};
use ranks_app::targets::{AllocationRow, Period};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::Date;
use ranks_testkit::{both_backends, TestDb};

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Every page of the forecast, `limit` rows at a time, following the cursors.
async fn forecast_pages(
    app: &App,
    actor: &Actor,
    term: &str,
    as_of: Option<Date>,
    org: Option<&str>,
    limit: usize,
) -> (Vec<ForecastRow>, ForecastReport) {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    let mut first = None;
    loop {
        let p = app
            .forecast_page(actor, term, as_of, org, cursor.as_deref(), limit)
            .await
            .unwrap();
        assert!(p.rows.len() <= limit);
        rows.extend(p.rows.iter().cloned());
        let next = p.more.then(|| p.rows.last().unwrap().code.clone());
        if let Some(f) = &first {
            let f: &ForecastReport = f;
            assert_eq!(f.total, p.total, "the total is stable");
            assert_eq!(f.candidates, p.candidates, "the candidates are the unit's");
        } else {
            first = Some(p);
        }
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    (rows, first.unwrap())
}

/// Every page of the allocation check, `limit` rows at a time.
async fn allocation_pages(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    period: &Period,
    limit: usize,
) -> (usize, Vec<AllocationRow>) {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    let mut total = None;
    loop {
        let p = app
            .allocation_page(actor, org, period, cursor.as_deref(), limit)
            .await
            .unwrap();
        assert!(p.rows.len() <= limit);
        assert!(total.is_none_or(|t| t == p.total), "the total is stable");
        total = Some(p.total);
        let next = p.more.then(|| p.rows.last().unwrap().code.clone());
        rows.extend(p.rows);
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    (total.unwrap(), rows)
}

/// Two forecast rows alike: every count and flag equal, the expectations
/// and chances within 1e-9 (the laws add the same chances in another
/// order: the reference orders files by their stage's day in the table).
fn same_row(got: &ForecastRow, want: &ForecastRow, at: &str) {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let key = |r: &ForecastRow| {
        (
            r.code.clone(),
            r.name.clone(),
            r.depth,
            r.target,
            r.admitted,
            (r.low, r.high, r.at_risk, r.counted),
            r.year
                .as_ref()
                .map(|y| (y.year, y.target, y.admitted, y.low, y.high, y.at_risk)),
        )
    };
    assert_eq!(key(got), key(want), "{at}");
    assert!(close(got.expected, want.expected), "{at}: {got:?} {want:?}");
    assert!(close(got.from_inflow, want.from_inflow), "{at}: {got:?}");
    match (got.chance_of_target, want.chance_of_target) {
        (Some(a), Some(b)) => assert!(close(a, b), "{at}: {a} {b}"),
        (a, b) => assert_eq!(a, b, "{at}"),
    }
    if let (Some(a), Some(b)) = (&got.year, &want.year) {
        assert!(close(a.expected, b.expected), "{at}: {a:?} {b:?}");
    }
}

/// The paged reports equal the from-scratch ones for several subtrees,
/// page sizes, terms, days and years.
async fn same_as_from_scratch(app: &App, actor: &Actor, orgs: &[Option<&str>], what: &str) {
    let today = app.clock().today();
    for org in orgs {
        for (term, as_of) in [
            ("2025-2030", None),
            ("2020-2025", Some(d("2023-01-02"))),
            ("2025-2030", Some(today)),
        ] {
            let want = app
                .forecast_reference(actor, term, as_of, *org)
                .await
                .unwrap();
            let rows: Vec<&ForecastRow> = want
                .iter()
                .filter(|r| r.row.depth <= 1)
                .map(|r| &r.row)
                .collect();
            let mut codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), rows.len(), "{what}: a unit once");
            for limit in [1, 3, 200] {
                let (got, first) = forecast_pages(app, actor, term, as_of, *org, limit).await;
                let at = format!("{what}: {org:?} {term} {as_of:?} limit {limit}");
                assert_eq!(got.len(), rows.len(), "{at}");
                for (g, w) in got.iter().zip(&rows) {
                    same_row(g, w, &at);
                }
                assert_eq!(first.total, rows.len(), "{what}: {org:?}");
                let all = &want[0].candidates;
                assert_eq!(
                    first.candidates_total as usize,
                    all.len(),
                    "{what}: {org:?}"
                );
                let n = all.len().min(ranks_app::forecast::CANDIDATES_SHOWN);
                assert_eq!(first.candidates, all[..n], "{what}: {org:?} {term}");
            }
        }
        for period in ["2025-2030", "2020-2025", "2025", "2026"] {
            let period = Period::parse(period).unwrap();
            let want: Vec<AllocationRow> = app
                .allocation_reference(actor, *org, &period)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.depth <= 1)
                .collect();
            for limit in [1, 3, 200] {
                let (total, got) = allocation_pages(app, actor, *org, &period, limit).await;
                assert_eq!(got, want, "{what}: {org:?} {period:?} limit {limit}");
                assert_eq!(total, want.len());
            }
            assert_eq!(
                app.allocation(actor, *org, &period).await.unwrap(),
                want,
                "{what}"
            );
        }
        // The burn-up's admissions and target: the index against the SQL.
        let code = app
            .forecast(actor, "2025-2030", None, *org)
            .await
            .unwrap()
            .rows[0]
            .code
            .clone();
        for term in ["2020-2025", "2025-2030"] {
            let bu = app.burn_up(actor, &code, term).await.unwrap();
            let unit = app.unit(actor, &code).await.unwrap();
            let mut conn = app.db().read().await.unwrap();
            let want = ranks_store::records::members::admission_dates(
                &mut conn,
                &unit.path,
                bu.term.starts_on,
                bu.term.ends_on,
            )
            .await
            .unwrap();
            assert_eq!(bu.admissions, want, "{what}: burn-up of {code} {term}");
            let t = ranks_store::records::terms::by_name(&mut conn, &bu.term.name)
                .await
                .unwrap()
                .unwrap();
            let targets = ranks_store::records::terms::term_targets(&mut conn, t.id)
                .await
                .unwrap();
            assert_eq!(bu.target, targets.get(&unit.id).copied(), "{what}: {code}");
        }
        for year in [2024, 2025] {
            let want = app.evaluate_reference(actor, *org, year).await.unwrap();
            let got = app.evaluate(actor, *org, year).await.unwrap();
            assert_eq!(got, want, "{what}: {org:?} {year}");
        }
    }
}

const ORGS: [Option<&str>; 5] = [
    None,
    Some("BVDK"),
    Some("BVSN"),
    Some("BVPHCN"),
    Some("BVPHCN.CB1"),
];

async fn plan_reports_equal_from_scratch_after_writes(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    same_as_from_scratch(&app, &sys, &ORGS, "after the demo").await;
    // Subtrees of more than two open files combine their subordinates'
    // laws (as a country's do, past 4,096 files): the same rows.
    app.set_forecast_direct_limit(2);
    same_as_from_scratch(&app, &sys, &ORGS, "laws combined up the tree").await;
    app.set_forecast_direct_limit(0);
    let first = app.forecast(&sys, "2025-2030", None, None).await.unwrap();
    assert!(first.candidates_total > 0 && first.rows.len() > 3);
    // A write that touches no file (a user) keeps the model learned from
    // the files; one that does (below) has it learned again.
    let learned = app.forecast_models_learned();
    app.add_user(
        &sys,
        "doc.gia",
        "mật khẩu đủ dài",
        ranks_app::auth::Role::Admin,
        None,
        None,
    )
    .await
    .unwrap();
    let again = app.forecast(&sys, "2025-2030", None, None).await.unwrap();
    assert_eq!(app.forecast_models_learned(), learned, "no file changed");
    assert_eq!(again.candidates_total, first.candidates_total);
    same_as_from_scratch(&app, &sys, &ORGS, "after a user was added").await;

    // A withdrawal closes a file: the forecast no longer counts it.
    let gone = first.candidates[0].id;
    app.record_step(
        &sys,
        gone,
        StepInput {
            stage: "withdrawn".into(),
            ..StepInput::default()
        },
    )
    .await
    .unwrap();
    let now = app.forecast(&sys, "2025-2030", None, None).await.unwrap();
    assert!(app.forecast_models_learned() > learned, "a file changed");
    assert!(now.candidates.iter().all(|c| c.id != gone));
    assert_eq!(now.candidates_total + 1, first.candidates_total);
    same_as_from_scratch(&app, &sys, &ORGS, "after a withdrawal").await;

    // The withdrawal withdrawn: it counts again.
    app.withdraw_entry(
        &sys,
        gone,
        Entry::Step {
            stage: "withdrawn".into(),
        },
        "recorded for the wrong person",
    )
    .await
    .unwrap();
    same_as_from_scratch(&app, &sys, &ORGS, "after a correction").await;

    // A step forward changes the file's stage and chance.
    let next = now.candidates.last().unwrap().clone();
    let stages = app.profile().stages.clone();
    let at = stages.iter().position(|s| s.key == next.stage).unwrap();
    let _ = app
        .record_step(
            &sys,
            next.id,
            StepInput {
                stage: stages[at + 1].key.clone(),
                ..StepInput::default()
            },
        )
        .await;
    same_as_from_scratch(&app, &sys, &ORGS, "after a step").await;

    // Targets (a term's and a year's) and scores change the rows.
    let term = Period::parse("2025-2030").unwrap();
    app.set_target(&sys, "BVSN", &term, 7).await.unwrap();
    app.set_target(&sys, "BVPHCN.CB1", &term, 2).await.unwrap();
    app.set_target(&sys, "BVSN", &Period::Year(2025), 3)
        .await
        .unwrap();
    app.set_target(&sys, "BVPHCN.CB1", &Period::Year(2026), 1)
        .await
        .unwrap();
    app.set_score(&sys, "BVSN", 2025, "political_tasks", 30.0)
        .await
        .unwrap();
    let ev = app.evaluate(&sys, None, 2025).await.unwrap();
    if let Some(l) = ev.leaders.first() {
        app.set_leader_score(&sys, &l.unit, l.member_id, 2025, 1.0)
            .await
            .unwrap();
    }
    same_as_from_scratch(&app, &sys, &ORGS, "after targets and scores").await;

    // A cell moved under another committee: its files and admissions follow.
    app.move_unit(&sys, "BVPHCN.CB1", "BVSN", app.clock().today())
        .await
        .unwrap();
    let orgs = [None, Some("BVSN"), Some("BVPHCN"), Some("BVDK")];
    same_as_from_scratch(&app, &sys, &orgs, "after a move").await;
    app.set_forecast_direct_limit(1);
    same_as_from_scratch(&app, &sys, &orgs, "after a move, laws combined").await;
    app.set_forecast_direct_limit(0);

    // A staff member of a committee sees its subtree only; the model is
    // learned from that subtree.
    let path = app.unit(&sys, "BVSN").await.unwrap().path;
    let staff = Actor {
        name: "staff".into(),
        scope: Scope::Subtree(path),
        role: ranks_app::auth::Role::Staff,
    };
    same_as_from_scratch(&app, &staff, &[None, Some("BVSN")], "as staff").await;
    for e in [
        app.forecast(&staff, "2025-2030", None, Some("BVDK"))
            .await
            .unwrap_err(),
        app.allocation(&staff, Some("BVDK"), &term)
            .await
            .unwrap_err(),
        app.evaluate(&staff, Some("BVDK"), 2025).await.unwrap_err(),
    ] {
        assert!(matches!(e, AppError::NotFound { .. }), "{e}");
    }
    // A cursor that is no row of the report is refused naming the field.
    let e = app
        .forecast_page(&sys, "2025-2030", None, None, Some("NOPE"), 5)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cursor"), "{e}");
    let e = app
        .allocation_page(&sys, None, &term, Some("NOPE"), 5)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cursor"), "{e}");
}

both_backends!(plan_reports_equal_from_scratch_after_writes);
