//! Whole rebuilds that readers do not wait for, on SQLite and PostgreSQL:
//! past a size of overlay the roll-up index and the due summary are built
//! again in the background while readers go on with the overlaid version,
//! and tomorrow's due summary is made before midnight. Every answer stays
//! equal to the from-scratch computation before, during and after.

use chrono::{DateTime, Duration, Utc};
use ranks_app::pipeline::StepInput;
use ranks_app::{Actor, App, Clock};
use ranks_domain::{Date, MemberStatus};
use ranks_testkit::{both_backends, TestDb};
use std::sync::{Arc, Mutex};

/// A clock the test moves.
struct Hands(Mutex<DateTime<Utc>>);

impl Clock for Hands {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Everything the index and the summary answer, against plain SQL and the
/// from-scratch due list.
async fn exact(app: &App, what: &str) {
    crate::pages::check_dashboard(app, "2025-2030").await;
    crate::summaries::same_as_from_scratch(app, what).await;
}

fn person(name: &str) -> ranks_store::records::members::NewPerson {
    ranks_store::records::members::NewPerson {
        full_name: name.into(),
        gender: "Nữ".into(),
        birth_date: Date::from_ymd_opt(1998, 3, 8).unwrap(),
        ethnicity: "Kinh".into(),
        education: "12/12".into(),
        occupation: String::new(),
    }
}

async fn rebuilds_in_the_background_stay_exact(db: TestDb) {
    // Noon in Vietnam.
    let hands = Arc::new(Hands(Mutex::new(
        "2026-11-24T05:00:00Z".parse().expect("instant"),
    )));
    let app = App::new(
        db.open().await,
        hands.clone(),
        Arc::new(ranks_domain::procedure::Profile::default_cpv()),
    );
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    // Any overlay starts a rebuild in the background.
    app.set_rebuild_limits(1, 1);
    exact(&app, "after the demo").await;
    let (index_builds, summary_builds) = app.whole_builds();

    // Members written: the index's overlay grows, a rebuild starts aside;
    // the counts are exact while it runs and once it is taken.
    let cells: Vec<String> = app
        .achievement(&sys, None, "2025-2030", None)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.code.to_string())
        .filter(|c| c.contains(".CB"))
        .collect();
    let today = app.clock().today();
    for (i, name) in ["Lò Thị Mai", "Hà Văn Sơn", "Vi Thị Lan"]
        .iter()
        .enumerate()
    {
        app.add_member(
            &sys,
            person(name),
            &cells[i % cells.len()],
            MemberStatus::Probationary,
            today,
            None,
        )
        .await
        .unwrap();
        exact(&app, "after a member was added").await;
    }
    app.settle_rebuilds().await;
    exact(&app, "with the index rebuilt in the background").await;
    let (ib, sb) = app.whole_builds();
    assert!(ib > index_builds, "the index was rebuilt in the background");
    assert_eq!(
        sb, summary_builds,
        "an index rebuilt for its members leaves the summary laid out as it was"
    );

    // Files written: the summary's overlay grows, it is rebuilt aside.
    let due = app.due_as_of(&sys, None, None, None).await.unwrap();
    for r in due.iter().filter(|r| r.stage != "decision").take(2) {
        app.record_step(
            &sys,
            r.candidate_id,
            StepInput {
                stage: "withdrawn".into(),
                ..StepInput::default()
            },
        )
        .await
        .unwrap();
        exact(&app, "after a withdrawal").await;
    }
    app.settle_rebuilds().await;
    exact(&app, "with the summary rebuilt in the background").await;
    let (_, sb) = app.whole_builds();
    assert!(
        sb > summary_builds,
        "the summary was rebuilt in the background"
    );

    // Tomorrow's summary made before midnight; a write after it was made;
    // the day turns: the first reader takes it and applies the write, and
    // nothing is built while it waits.
    app.set_rebuild_limits(0, 0);
    app.settle_rebuilds().await;
    exact(&app, "settled").await;
    let (_, settled) = app.whole_builds();
    *hands.0.lock().unwrap() = "2026-11-24T16:30:00Z".parse().expect("instant");
    app.prepare_next_day();
    app.settle_rebuilds().await;
    exact(&app, "with tomorrow's summary waiting").await;
    let (_, before) = app.whole_builds();
    assert_eq!(before, settled + 1, "tomorrow's summary was made");
    let due = app.due_as_of(&sys, None, None, None).await.unwrap();
    let last = due.iter().rfind(|r| r.stage != "decision").unwrap();
    app.record_step(
        &sys,
        last.candidate_id,
        StepInput {
            stage: "withdrawn".into(),
            ..StepInput::default()
        },
    )
    .await
    .unwrap();
    *hands.0.lock().unwrap() += Duration::hours(1);
    assert_eq!(app.clock().today(), today.succ_opt().unwrap());
    exact(&app, "the next day").await;
    let (_, after) = app.whole_builds();
    assert_eq!(
        after, before,
        "the summary made the day before was taken, not a new one built"
    );
}

both_backends!(rebuilds_in_the_background_stay_exact);
