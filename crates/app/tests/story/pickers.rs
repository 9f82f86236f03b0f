//! The unit pickers at any scale: what a typed name or code resolves to,
//! and the suggestions, answered from the roll-up index's preorder with
//! names folded once per tree, are what the plain rules give over the
//! units read from the tables (`pick` over a scan of the actor's subtrees),
//! for every actor's scope, and again after the tree changes.

use ranks_app::auth::Role;
use ranks_app::pickers::{pick, Choice, Picked};
use ranks_app::{Actor, App, Scope};
use ranks_domain::text::fold;
use ranks_domain::{Date, UnitKind};
use ranks_testkit::{both_backends, TestDb};

/// The actor's units from the tables, in the order the pickers list them
/// (the roots by code, each subtree by path), with whether each holds members.
async fn scan(db: &TestDb, actor: &Actor) -> Vec<(Choice, bool)> {
    use ranks_store::records::units;
    let store = db.open().await;
    let mut conn = store.read().await.unwrap();
    let roots = match &actor.scope {
        Scope::All => units::roots(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.path)
            .collect(),
        Scope::Subtree(p) => vec![p.clone()],
        Scope::Units(ps) => ps.clone(),
    };
    let mut out: Vec<(Choice, bool)> = Vec::new();
    for root in roots {
        for u in units::subtree(&mut conn, &root).await.unwrap() {
            let code = u.code.to_string();
            if !out.iter().any(|(c, _)| c.code == code) {
                out.push((Choice { code, name: u.name }, u.kind.holds_members()));
            }
        }
    }
    out
}

/// What a person might type, from the units' own names and codes.
fn typed_values(all: &[(Choice, bool)]) -> Vec<String> {
    let mut out = vec![
        String::new(),
        "  ".into(),
        "nothing like a unit".into(),
        "chi bo".into(),
        "Đảng".into(),
        "bv".into(),
    ];
    for (c, _) in all.iter().step_by(3) {
        let folded = fold(&c.name);
        out.push(c.name.clone());
        out.push(folded.clone());
        out.push(
            folded
                .split(' ')
                .next_back()
                .unwrap_or_default()
                .to_string(),
        );
        out.push(c.code.to_lowercase());
        out.push(c.label());
        out.push(folded.chars().take(5).collect());
    }
    out
}

/// The suggestions by the plain rule over the scan.
fn suggestions(all: &[(Choice, bool)], typed: &str, cells: bool, limit: usize) -> Vec<Choice> {
    let want = fold(typed);
    let words: Vec<&str> = want.split(' ').filter(|w| !w.is_empty()).collect();
    let upper = typed.trim().to_uppercase();
    all.iter()
        .filter(|(_, cell)| !cells || *cell)
        .map(|(c, _)| c)
        .filter(|c| {
            (!upper.is_empty() && c.code.starts_with(&upper))
                || words
                    .iter()
                    .all(|w| fold(&c.name).split(' ').any(|t| t.starts_with(w)))
        })
        .take(limit)
        .cloned()
        .collect()
}

async fn check(db: &TestDb, app: &App, actor: &Actor) {
    let all = scan(db, actor).await;
    for cells in [false, true] {
        let choices: Vec<Choice> = all
            .iter()
            .filter(|(_, cell)| !cells || *cell)
            .map(|(c, _)| c.clone())
            .collect();
        assert_eq!(
            app.unit_choices(actor, cells, 1000).await.unwrap(),
            choices,
            "{}: the choices, cells {cells}",
            actor.name
        );
        assert_eq!(
            app.unit_choices(actor, cells, 3).await.unwrap(),
            choices.iter().take(3).cloned().collect::<Vec<_>>()
        );
        for t in typed_values(&all) {
            let got = app.pick_unit(actor, &t, cells).await.unwrap();
            let want = pick(&t, &choices);
            assert_eq!(got, want, "{}: {t:?}, cells {cells}", actor.name);
            if !t.trim().is_empty() {
                assert_eq!(
                    app.unit_suggestions(actor, &t, cells, 30).await.unwrap(),
                    suggestions(&all, &t, cells, 30),
                    "{}: suggestions for {t:?}, cells {cells}",
                    actor.name
                );
            }
        }
    }
}

async fn pickers_equal_a_scan_of_the_scope(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let path = |code: &'static str| {
        let app = app.clone();
        async move { app.unit(&Actor::system(), code).await.unwrap().path }
    };
    let staff = Actor {
        name: "staff".into(),
        scope: Scope::Subtree(path("BVPHCN").await),
        role: Role::Staff,
    };
    let supervisor = Actor {
        name: "supervisor".into(),
        scope: Scope::Units(vec![
            path("CDC").await,
            path("BVPHCN").await,
            path("BVPHCN").await,
        ]),
        role: Role::Viewer,
    };
    for actor in [&sys, &staff, &supervisor] {
        check(&db, &app, actor).await;
    }
    // A picker never names a unit outside the scope, even typed exactly.
    let outside = app.pick_unit(&staff, "CDC", false).await.unwrap();
    assert_eq!(outside, Picked::None);

    // The tree changes: a new cell with a name like others, and a move.
    let on = Date::from_ymd_opt(2026, 1, 5).unwrap();
    app.create_unit(
        &sys,
        "BVPHCN.CB9",
        "Chi bộ Lâm sàng mới",
        UnitKind::Cell,
        Some("BVPHCN"),
        on,
    )
    .await
    .unwrap();
    assert_eq!(
        app.pick_unit(&staff, "chi bo lam sang moi", true)
            .await
            .unwrap(),
        Picked::One("BVPHCN.CB9".into())
    );
    for actor in [&sys, &staff, &supervisor] {
        check(&db, &app, actor).await;
    }
}
both_backends!(pickers_equal_a_scan_of_the_scope);
