//! Re-admission of former members (294-QĐ/TW mục 3.5.1–3.5.2): the ground of
//! leaving, the waiting time, the provincial consent before the decision,
//! only once.

use super::pipeline::{d, person, setup, step, voted};
use ranks_app::pipeline::{Movement, PersonRef};
use ranks_app::{Actor, App, AppError};
use ranks_domain::MemberStatus;
use ranks_testkit::{both_backends, TestDb};

/// A former member of A1: admitted in 2005, then removed or expelled on `left`.
async fn former(app: &App, name: &str, left: &str, expel: bool) -> (i64, i64) {
    let sys = Actor::system();
    let m = app
        .add_member(
            &sys,
            person(name, "1985-02-01"),
            "A1",
            MemberStatus::Official,
            d("2005-03-01"),
            Some(d("2006-03-01")),
        )
        .await
        .unwrap();
    let reason = "quyết định của cấp ủy".to_string();
    let movement = if expel {
        Movement::Expel { reason }
    } else {
        Movement::Remove { reason }
    };
    app.member_movement(&sys, m, movement, Some(d(left)))
        .await
        .unwrap();
    let mut conn = app.db().read().await.unwrap();
    let row = ranks_store::records::members::row(&mut conn, m)
        .await
        .unwrap()
        .unwrap();
    (m, row.person_id)
}

fn refused(err: &AppError) -> &ranks_domain::procedure::Refusal {
    match err {
        AppError::Refused(r) if r.rule == "readmission" => r,
        other => panic!("expected a readmission refusal, got {other}"),
    }
}

/// Takes a re-admission candidate of A1 from the pool on 2026-07-06 to the
/// grassroots committee's vote on 2026-09-21.
async fn to_grassroots_vote(app: &App, members: &[i64], person_id: i64) -> i64 {
    let sys = Actor::system();
    let c = app
        .add_candidate(
            &sys,
            PersonRef::Existing(person_id),
            "A1",
            None,
            Some(d("2026-07-06")),
        )
        .await
        .unwrap();
    app.record_document(&sys, c, "NQ-GIUPDO", Some(d("2026-07-08")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[0], false, Some(d("2026-07-08")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("sympathiser", "2026-07-13"))
        .await
        .unwrap();
    app.record_certificate(&sys, c, d("2026-07-17"), "21/CN")
        .await
        .unwrap();
    app.record_step(&sys, c, step("course", "2026-07-20"))
        .await
        .unwrap();
    for (code, stage, on) in [
        ("1-KNĐ", "application", "2026-07-27"),
        ("2-KNĐ", "personal_history", "2026-08-03"),
        ("TTLL", "verification", "2026-08-10"),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
        app.record_step(&sys, c, step(stage, on)).await.unwrap();
    }
    for m in &members[..2] {
        app.add_introducer(&sys, c, Some((*m, d("2020-01-01"))), Some(d("2026-08-14")))
            .await
            .unwrap();
    }
    for (code, stage, on) in [
        ("3-KNĐ", "introduction", "2026-08-17"),
        ("5-KNĐ", "comments", "2026-08-24"),
    ] {
        app.record_document(&sys, c, code, Some(d(on)))
            .await
            .unwrap();
        app.record_step(&sys, c, step(stage, on)).await.unwrap();
    }
    // The cell votes before the provincial consent arrives: the consent is
    // needed before the competent committee considers and decides.
    app.record_document(&sys, c, "6-KNĐ", Some(d("2026-09-07")))
        .await
        .unwrap();
    app.record_step(&sys, c, voted("cell_vote", "2026-09-07", (3, 3, 3, 0)))
        .await
        .unwrap();
    app.record_document(&sys, c, "8-KNĐ", Some(d("2026-09-21")))
        .await
        .unwrap();
    app.record_step(
        &sys,
        c,
        voted("grassroots_vote", "2026-09-21", (7, 7, 7, 0)),
    )
    .await
    .unwrap();
    c
}

async fn readmission_follows_the_grounds_the_consent_and_only_once(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;

    // Left ten years ago for abandoning party activities: never re-admitted.
    let (gone, gone_person) = former(&app, "Bế Văn Bỏ", "2016-01-04", false).await;
    // The ground must be recorded first.
    let err = app
        .add_candidate(
            &sys,
            PersonRef::Existing(gone_person),
            "A1",
            None,
            Some(d("2026-11-02")),
        )
        .await
        .unwrap_err();
    assert!(
        refused(&err)
            .message
            .contains("ground of leaving is not recorded"),
        "{err}"
    );
    // Only a ground of the list, only on someone who left.
    let err = app
        .record_exit_ground(&sys, gone, "laziness", None, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("abandoned_activities"), "{err}");
    let err = app
        .record_exit_ground(&sys, members[0], "other", None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    app.record_exit_ground(&sys, gone, "abandoned_activities", None, None)
        .await
        .unwrap();
    let err = app
        .add_candidate(
            &sys,
            PersonRef::Existing(gone_person),
            "A1",
            None,
            Some(d("2026-11-02")),
        )
        .await
        .unwrap_err();
    let r = refused(&err);
    assert!(
        r.message.contains("abandoned_activities") && r.message.contains("3.5.2"),
        "{err}"
    );
    assert!(
        r.source.contains("294-QĐ/TW") && r.source.contains("mục 3.5.1–3.5.2"),
        "{err}"
    );

    // Expelled 40 months before the pool on another ground: re-admitted
    // with the provincial standing committee's written consent.
    let (_, back_person) = former(&app, "Hà Văn Lại", "2023-03-06", true).await;
    let mut conn = app.db().read().await.unwrap();
    let first = ranks_store::records::members::memberships(&mut conn, back_person)
        .await
        .unwrap();
    drop(conn);
    app.record_exit_ground(&sys, first[0].id, "other", None, None)
        .await
        .unwrap();
    let c = to_grassroots_vote(&app, &members, back_person).await;
    app.record_document(&sys, c, "9-KNĐ", Some(d("2026-10-05")))
        .await
        .unwrap();
    let err = app
        .record_step(&sys, c, step("decision", "2026-10-05"))
        .await
        .unwrap_err();
    assert!(refused(&err).message.contains("DY-KNL"), "{err}");
    app.record_document(&sys, c, "DY-KNL", Some(d("2026-10-12")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("decision", "2026-10-19"))
        .await
        .unwrap();
    let file = app.candidate_file(&sys, c).await.unwrap();
    let again = file.member_id.expect("re-admitted: a new membership");
    assert_ne!(again, first[0].id);
    let mut conn = app.db().read().await.unwrap();
    let all = ranks_store::records::members::memberships(&mut conn, back_person)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(all.len(), 2, "one membership per admission");
    assert_eq!(all[1].status, MemberStatus::Probationary);

    // Not recognised after the ceremony, struck off: a second re-admission
    // is refused, however long after.
    app.record_document(&sys, c, "BB-KN", Some(d("2026-10-26")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[2], true, Some(d("2026-10-26")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("ceremony", "2026-10-26"))
        .await
        .unwrap();
    app.record_step(&sys, c, step("not_recognised", "2026-11-02"))
        .await
        .unwrap();
    app.record_exit_ground(&sys, again, "other", None, None)
        .await
        .unwrap();
    let later = db.app_on(d("2030-01-06")).await;
    let err = later
        .add_candidate(
            &sys,
            PersonRef::Existing(back_person),
            "A1",
            None,
            Some(d("2030-01-06")),
        )
        .await
        .unwrap_err();
    let r = refused(&err);
    assert!(
        r.message.contains("only once") && r.message.contains("2026-10-19"),
        "{err}"
    );

    // The grounds are in the audit log: the log and the rows agree, and a
    // ground changed behind the application's back is found.
    let r = app.verify_audit().await.unwrap();
    assert!(r.is_clean(), "{:?} {:?}", r.problems, r.differences);
    let mut tx = app.db().begin_write().await.unwrap();
    sqlx::query("UPDATE members SET left_ground = 'other' WHERE id = $1")
        .bind(gone)
        .execute(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = app.verify_audit().await.unwrap();
    assert!(
        r.differences
            .iter()
            .any(|d| d.table == "members" && d.id == gone.to_string() && d.field == "left_ground"),
        "{:?}",
        r.differences
    );
}

both_backends!(readmission_follows_the_grounds_the_consent_and_only_once,);
