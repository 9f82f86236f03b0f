//! Writers racing on the same record (issue 12): on both engines, exactly
//! one of N parallel clients gets through and the others are told 409
//! (a conflict), never a duplicate, never a server error.

use crate::pipeline::{d, person, setup, step, to_comments, voted};
use ranks_app::pipeline::{Movement, PersonRef};
use ranks_app::targets::Period;
use ranks_app::{Actor, App, AppError, Scope};
use ranks_domain::UnitKind;
use ranks_store::records::candidates;
use ranks_testkit::pipeline::{create_units, B_AND_B1};
use ranks_testkit::{both_backends, TestDb};
use std::future::Future;
use std::pin::Pin;

const N: usize = 8;

type Attempt = Pin<Box<dyn Future<Output = Result<(), AppError>> + Send>>;

/// Runs `n` copies of a write at once; (succeeded, conflicts). Anything
/// else (a refusal, a server error) fails the test, naming the write.
async fn race(what: &str, n: usize, make: impl Fn(App) -> Attempt, app: &App) -> (usize, usize) {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (fut, start) = (make(app.clone()), start.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            fut.await
        }));
    }
    let (mut ok, mut conflict) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(AppError::Conflict(_)) => conflict += 1,
            Err(e) => panic!("{what}: neither done nor a conflict: {e:?}"),
        }
    }
    (ok, conflict)
}

async fn exactly_one(what: &str, make: impl Fn(App) -> Attempt, app: &App) {
    let (ok, conflict) = race(what, N, make, app).await;
    assert_eq!((ok, conflict), (1, N - 1), "{what}: one wins, the rest 409");
}

/// Every kind of write, raced by eight clients: the step (no version sent),
/// the document, the mentor, the introducer, the certificate, the decision
/// (which creates the member), the same person into several cells, a
/// member's transfer, a target edited from the same view.
async fn every_write_kind_is_won_by_exactly_one(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let pool = |name: &'static str| {
        let app = app.clone();
        async move {
            app.add_candidate(
                &Actor::system(),
                PersonRef::New {
                    person: person(name, "1999-05-06"),
                    general_grade: 12,
                    area: String::new(),
                },
                "A1",
                None,
                Some(d("2025-01-06")),
            )
            .await
            .unwrap()
        }
    };
    let c = pool("Hà Thị Đua").await;

    exactly_one(
        "document",
        move |a| {
            Box::pin(async move {
                a.record_document(&Actor::system(), c, "NQ-GIUPDO", Some(d("2025-02-03")))
                    .await
            })
        },
        &app,
    )
    .await;
    let m0 = members[0];
    exactly_one(
        "mentor",
        move |a| {
            Box::pin(async move {
                a.assign_mentor(&Actor::system(), c, m0, false, Some(d("2025-02-03")))
                    .await
            })
        },
        &app,
    )
    .await;
    exactly_one(
        "step",
        move |a| {
            Box::pin(async move {
                a.record_step(&Actor::system(), c, step("sympathiser", "2025-02-05"))
                    .await
                    .map(|_| ())
            })
        },
        &app,
    )
    .await;
    let root = app.unit(&sys, "R").await.unwrap().path;
    let mut conn = app.db().read().await.unwrap();
    let history = candidates::history(&mut conn, c).await.unwrap();
    assert_eq!(
        history.iter().filter(|h| h.0 == "sympathiser").count(),
        1,
        "the step recorded once"
    );
    for wide in [false, true] {
        assert_eq!(
            ranks_store::records::refusals::page(
                &mut conn,
                &root,
                &Default::default(),
                50,
                0,
                wide
            )
            .await
            .unwrap()
            .1,
            0,
            "a step sent twice is not a refusal"
        );
    }
    drop(conn);
    exactly_one(
        "certificate",
        move |a| {
            Box::pin(async move {
                a.record_certificate(&Actor::system(), c, d("2025-04-10"), "7/CN")
                    .await
            })
        },
        &app,
    )
    .await;
    let m1 = members[1];
    exactly_one(
        "introducer",
        move |a| {
            Box::pin(async move {
                a.add_introducer(
                    &Actor::system(),
                    c,
                    Some((m1, d("2020-01-01"))),
                    Some(d("2025-04-14")),
                )
                .await
            })
        },
        &app,
    )
    .await;

    // The decision: it creates the member (one person, one member row).
    let c2 = to_comments(&app, &members).await;
    app.record_document(&sys, c2, "6-KNĐ", Some(d("2025-06-20")))
        .await
        .unwrap();
    app.record_step(&sys, c2, voted("cell_vote", "2025-06-23", (3, 3, 3, 0)))
        .await
        .unwrap();
    app.record_document(&sys, c2, "8-KNĐ", Some(d("2025-07-01")))
        .await
        .unwrap();
    app.record_step(
        &sys,
        c2,
        voted("grassroots_vote", "2025-07-07", (7, 6, 6, 0)),
    )
    .await
    .unwrap();
    app.record_document(&sys, c2, "9-KNĐ", Some(d("2025-08-04")))
        .await
        .unwrap();
    exactly_one(
        "decision",
        move |a| {
            Box::pin(async move {
                a.record_step(&Actor::system(), c2, step("decision", "2025-08-04"))
                    .await
                    .map(|_| ())
            })
        },
        &app,
    )
    .await;
    assert!(app
        .candidate_file(&sys, c2)
        .await
        .unwrap()
        .member_id
        .is_some());

    // One person proposed by several cells at once: one open file.
    for code in ["A3", "A4", "A5"] {
        app.create_unit(
            &sys,
            code,
            &format!("Chi bộ {code}"),
            UnitKind::Cell,
            Some("A"),
            d("2000-01-01"),
        )
        .await
        .unwrap();
    }
    let c3 = pool("Đàm Văn Lại").await;
    app.record_step(&sys, c3, step("withdrawn", "2025-03-03"))
        .await
        .unwrap();
    let person_id = app.candidate_file(&sys, c3).await.unwrap().person_id;
    let cells = ["A1", "A2", "A3", "A4", "A5"];
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (ok, conflict) = race(
        "same person into several cells",
        cells.len(),
        move |a| {
            let cell = cells[next.fetch_add(1, std::sync::atomic::Ordering::SeqCst)];
            Box::pin(async move {
                a.add_candidate(
                    &Actor::system(),
                    PersonRef::Existing(person_id),
                    cell,
                    None,
                    Some(d("2025-09-01")),
                )
                .await
                .map(|_| ())
            })
        },
        &app,
    )
    .await;
    assert_eq!((ok, conflict), (1, cells.len() - 1));

    // A member transferred by several clerks at once.
    let m2 = members[2];
    exactly_one(
        "transfer",
        move |a| {
            Box::pin(async move {
                a.member_movement(
                    &Actor::system(),
                    m2,
                    Movement::TransferTo { cell: "A2".into() },
                    Some(d("2025-10-01")),
                )
                .await
            })
        },
        &app,
    )
    .await;

    // A target edited by several people from the same view of the page.
    let seen = app.audit_position().await.unwrap();
    let value = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(5));
    exactly_one(
        "target",
        move |a| {
            let v = value.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(async move {
                a.set_target_seen(
                    &Actor::system(),
                    "A",
                    &Period::parse("2025-2030").unwrap(),
                    v,
                    Some(seen),
                )
                .await
            })
        },
        &app,
    )
    .await;
    // A secretary's scope does not change the outcome.
    let secretary = Actor {
        name: "bt".into(),
        scope: Scope::Subtree(app.unit(&sys, "A1").await.unwrap().path),
        role: ranks_app::auth::Role::Secretary,
    };
    let c4 = pool("Chu Thị Bốn").await;
    exactly_one(
        "document by a secretary",
        move |a| {
            let who = secretary.clone();
            Box::pin(async move {
                a.record_document(&who, c4, "NQ-GIUPDO", Some(d("2025-02-03")))
                    .await
            })
        },
        &app,
    )
    .await;
}

both_backends!(every_write_kind_is_won_by_exactly_one);

/// A person the actor may see (a closed file of theirs lies in the actor's
/// organisation) with an open file in another organisation: refused, and
/// the refusal names nothing of that file. A person held only elsewhere is
/// unknown, word for word like one that does not exist.
async fn conflicts_name_nothing_outside_the_scope(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    create_units(&app, &B_AND_B1).await;
    let first = app
        .add_candidate(
            &sys,
            PersonRef::New {
                person: person("Mạc Thị Xa", "1998-02-02"),
                general_grade: 12,
                area: String::new(),
            },
            "A1",
            None,
            Some(d("2024-01-08")),
        )
        .await
        .unwrap();
    app.record_step(&sys, first, step("withdrawn", "2024-06-03"))
        .await
        .unwrap();
    let p = app.candidate_file(&sys, first).await.unwrap().person_id;
    let open_elsewhere = app
        .add_candidate(
            &sys,
            PersonRef::Existing(p),
            "B1",
            None,
            Some(d("2025-03-03")),
        )
        .await
        .unwrap();
    let staff_a = Actor {
        name: "cán bộ A".into(),
        scope: Scope::Subtree(app.unit(&sys, "A").await.unwrap().path),
        role: ranks_app::auth::Role::Staff,
    };
    let err = app
        .add_candidate(
            &staff_a,
            PersonRef::Existing(p),
            "A2",
            None,
            Some(d("2025-09-01")),
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    for leak in [
        "B1",
        "Chi bộ B1",
        &open_elsewhere.to_string(),
        "pool",
        "candidate ",
    ] {
        assert!(!text.contains(leak), "{leak:?} disclosed: {text}");
    }
    // The system, which sees both, is told where.
    let err = app
        .add_candidate(
            &sys,
            PersonRef::Existing(p),
            "A2",
            None,
            Some(d("2025-09-01")),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("B1"), "{err}");

    // Someone held only in B: unknown to A's staff, as a ghost is.
    let q = app
        .add_member(
            &sys,
            person("Ma Văn Bê", "1980-03-03"),
            "B1",
            ranks_domain::MemberStatus::Official,
            d("2005-01-01"),
            Some(d("2006-01-01")),
        )
        .await
        .unwrap();
    let q_person = app.member_record(&sys, q).await.unwrap().person_id;
    let outside = app
        .add_candidate(&staff_a, PersonRef::Existing(q_person), "A2", None, None)
        .await
        .unwrap_err()
        .to_string();
    let ghost = app
        .add_candidate(&staff_a, PersonRef::Existing(987654), "A2", None, None)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(outside.replace(&q_person.to_string(), "987654"), ghost);
}

both_backends!(conflicts_name_nothing_outside_the_scope);
