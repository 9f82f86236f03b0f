//! The data subject's rights (issue 17, part 5; Decree 13/2023/NĐ-CP):
//! a person's data in one export with the audit of who read and changed
//! it, consent given and withdrawn, and the retention rule that erases the
//! personal data of people never admitted while the audit chain still
//! verifies and the statistics stay.

use super::pipeline::{d, person, setup, step};
use ranks_app::auth::Role;
use ranks_app::pipeline::{PersonRef, Proposal, Proposed};
use ranks_app::{Actor, App, AppError, Scope};
use ranks_store::records::audit::Fault;
use ranks_testkit::{both_backends, TestDb};
use sqlx::Row;

const MAI: &str = "Lò Thị Mai";
const MAI_FOLDED: &str = "lo thi mai";
const MAI_ID: &str = "012345678901";
const OTHER: &str = "Vi Văn Khác";

/// Proposes a new person to cell A1 on `on`, with an ID number.
async fn propose(app: &App, name: &str, birth: &str, id_number: Option<&str>, on: &str) -> i64 {
    let p = Proposal {
        who: PersonRef::New {
            person: person(name, birth),
            general_grade: 12,
            area: format!("Xóm của {name}"),
        },
        cell: "A1".into(),
        movement: None,
        on: Some(d(on)),
        id_number: id_number.map(str::to_string),
        confirm_duplicate: true,
    };
    match app.propose_candidate(&Actor::system(), p).await.unwrap() {
        Proposed::Added(id) => id,
        Proposed::Duplicates(_) => panic!("no duplicates here"),
    }
}

async fn actor(app: &App, name: &str, unit: &str, role: Role) -> Actor {
    Actor {
        name: name.into(),
        scope: Scope::Subtree(app.unit(&Actor::system(), unit).await.unwrap().path),
        role,
    }
}

async fn person_of(app: &App, candidate: i64) -> i64 {
    app.candidate_file(&Actor::system(), candidate)
        .await
        .unwrap()
        .person_id
}

/// Every text of every column of every table (the audit log included) that
/// contains `needle`, as `table.column`.
async fn found_anywhere(app: &App, needle: &str) -> Vec<String> {
    let mut conn = app.db().read().await.unwrap();
    let pg = conn.backend_name() == "PostgreSQL";
    let columns: Vec<(String, String)> = if pg {
        sqlx::query("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.try_get(0).unwrap(), r.try_get(1).unwrap()))
            .collect()
    } else {
        let tables: Vec<String> = sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
        let mut out = Vec::new();
        for t in tables {
            for r in sqlx::query(&format!("SELECT name FROM pragma_table_info('{t}')"))
                .fetch_all(&mut *conn)
                .await
                .unwrap()
            {
                out.push((t.clone(), r.try_get(0).unwrap()));
            }
        }
        out
    };
    assert!(columns.len() > 50, "{columns:?}");
    let mut found = Vec::new();
    for (t, c) in columns {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM {t} WHERE CAST({c} AS TEXT) LIKE $1"
        ))
        .bind(format!("%{needle}%"))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        if n > 0 {
            found.push(format!("{t}.{c}"));
        }
    }
    found
}

async fn export_holds_the_person_and_the_audit_and_nothing_of_others(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = propose(&app, MAI, "1996-05-06", Some(MAI_ID), "2026-09-07").await;
    let other = propose(&app, OTHER, "1990-01-01", None, "2026-09-07").await;
    app.record_document(&sys, c, "NQ-GIUPDO", Some(d("2026-09-08")))
        .await
        .unwrap();
    app.assign_mentor(&sys, c, members[0], false, Some(d("2026-09-08")))
        .await
        .unwrap();
    app.record_step(&sys, c, step("sympathiser", "2026-09-14"))
        .await
        .unwrap();
    app.record_certificate(&sys, c, d("2026-09-18"), "77/CN")
        .await
        .unwrap();
    let consent = app
        .give_consent(&sys, c, Some(d("2026-09-07")))
        .await
        .unwrap();
    // The superior committee's staff reads her file: a read is logged.
    let superior = actor(&app, "to-chuc-R", "R", Role::Staff).await;
    app.candidate_file(&superior, c).await.unwrap();
    let mai = person_of(&app, c).await;

    let staff = actor(&app, "van-phong-A", "A", Role::Staff).await;
    let x = app.subject_export(&staff, mai).await.unwrap();
    assert_eq!(x.person["full_name"], MAI);
    assert_eq!(x.person["id_number"], MAI_ID);
    assert_eq!(x.person["birth_date"], "1996-05-06");
    assert_eq!(x.candidate_files.len(), 1);
    let file = &x.candidate_files[0];
    assert_eq!(file["unit"], "A1");
    assert_eq!(file["stage"], "sympathiser");
    assert_eq!(file["stages"].as_array().unwrap().len(), 2);
    let docs: Vec<&str> = file["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(docs, ["CN-NTVĐ", "NQ-GIUPDO"]);
    assert_eq!(file["certificates"][0]["number"], "77/CN");
    assert_eq!(file["mentors"][0]["member_id"], members[0].to_string());
    assert_eq!(x.consents.len(), 1);
    assert_eq!(x.consents[0].id, consent);
    assert!(
        x.consents[0].purpose.contains("kết nạp"),
        "{:?}",
        x.consents
    );
    // The audit: her creation, her file's steps, the superior's read, the consent.
    let has = |action: &str, entity: &str, who: &str| {
        x.audit
            .iter()
            .any(|e| e.action == action && e.entity == entity && e.actor == who)
    };
    assert!(has("create", "person", "system"), "{:?}", x.audit);
    assert!(has("create", "candidate", "system"));
    assert!(has("stage", "candidate", "system"));
    assert!(has("read", "candidate", "to-chuc-R"));
    assert!(has("give", "consent", "system"));
    // Nothing of anyone else: not the other candidate, not her mentor's name.
    let text = serde_json::to_string(&x).unwrap();
    assert!(text.contains(MAI));
    for name in [OTHER, "Nông Văn Một", "Hoàng Thị Hai", "Lương Văn Ba"] {
        assert!(!text.contains(name), "{name} in the export: {text}");
    }
    assert!(x
        .audit
        .iter()
        .all(|e| !(e.entity == "candidate" && e.entity_id == other.to_string())));
    // The export itself is audited.
    let again = app.subject_export(&sys, mai).await.unwrap();
    assert!(again.audit.iter().any(|e| e.action == "export"
        && e.actor == "van-phong-A"
        && e.entity_id == mai.to_string()));

    // A member's export: the membership with its history and the card.
    app.member_movement(
        &sys,
        members[1],
        ranks_app::pipeline::Movement::Card {
            number: "09876543".into(),
        },
        Some(d("2026-10-01")),
    )
    .await
    .unwrap();
    let hai = app.member_record(&sys, members[1]).await.unwrap().person_id;
    let m = app.subject_export(&staff, hai).await.unwrap();
    assert_eq!(m.person["full_name"], "Hoàng Thị Hai");
    assert!(m.candidate_files.is_empty());
    assert_eq!(m.memberships.len(), 1);
    assert_eq!(m.memberships[0]["unit"], "A1");
    assert_eq!(m.memberships[0]["status"], "official");
    assert_eq!(m.memberships[0]["card_number"], "09876543");
    assert!(!m.memberships[0]["events"].as_array().unwrap().is_empty());
    assert!(m
        .audit
        .iter()
        .any(|e| e.entity == "member" && e.action == "create"));
    let text = serde_json::to_string(&m).unwrap();
    assert!(
        !text.contains(MAI) && !text.contains("Nông Văn Một"),
        "{text}"
    );

    // Outside the reader's part of the tree the person does not exist; a
    // viewer sees no personal details.
    let a2 = actor(&app, "van-phong-A2", "A2", Role::Staff).await;
    let err = app.subject_export(&a2, mai).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let viewer = actor(&app, "xem-A", "A", Role::Viewer).await;
    let err = app.subject_export(&viewer, mai).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let before = app.subject_export(&sys, mai).await.unwrap().audit.len();
    assert_eq!(
        before,
        again.audit.len() + 1,
        "refused exports are not logged, the system's is"
    );
}

async fn consent_is_recorded_and_withdrawn(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    let c = propose(&app, MAI, "1996-05-06", None, "2026-09-07").await;
    let mai = person_of(&app, c).await;
    let secretary = actor(&app, "bt-A1", "A1", Role::Secretary).await;
    let id = app
        .give_consent(&secretary, c, Some(d("2026-09-07")))
        .await
        .unwrap();
    // One standing consent per purpose.
    let err = app.give_consent(&secretary, c, None).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    // Not in the future, not before it was given; nothing outside the tree.
    let err = app
        .give_consent(&secretary, c, Some(d("2026-12-01")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("date"), "{err}");
    let err = app
        .withdraw_consent(&secretary, id, Some(d("2026-09-01")), "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("date"), "{err}");
    let a2 = actor(&app, "bt-A2", "A2", Role::Secretary).await;
    let err = app.withdraw_consent(&a2, id, None, "").await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app.give_consent(&a2, c, None).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let viewer = actor(&app, "xem-A", "A", Role::Viewer).await;
    let err = app.give_consent(&viewer, c, None).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err = app
        .withdraw_consent(&secretary, id, None, &"x".repeat(400))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("reason"), "{err}");

    app.withdraw_consent(&secretary, id, Some(d("2026-10-05")), "chuyển công tác")
        .await
        .unwrap();
    let list = app.consents(&secretary, mai).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].given_on, d("2026-09-07"));
    assert_eq!(list[0].recorded_by, "bt-A1");
    assert_eq!(list[0].withdrawn_on, Some(d("2026-10-05")));
    assert_eq!(
        list[0].withdrawal_reason.as_deref(),
        Some("chuyển công tác")
    );
    let err = app
        .withdraw_consent(&secretary, id, None, "")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    // Given again after the withdrawal: a new consent.
    let again = app.give_consent(&sys, c, None).await.unwrap();
    assert_ne!(again, id);
    let x = app.subject_export(&sys, mai).await.unwrap();
    assert_eq!(x.consents.len(), 2);
    assert_eq!(
        x.audit
            .iter()
            .filter(|e| e.entity == "consent")
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["give", "withdraw", "give"]
    );
}

/// Candidates per unit, year and stage: what the statistics need.
async fn statistics(app: &App) -> Vec<(i64, String, String, i64)> {
    let mut conn = app.db().read().await.unwrap();
    sqlx::query("SELECT unit_id, SUBSTR(stage_since, 1, 4), stage, COUNT(*) FROM candidates GROUP BY unit_id, SUBSTR(stage_since, 1, 4), stage ORDER BY 1, 2, 3")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get(0).unwrap(),
                r.try_get(1).unwrap(),
                r.try_get(2).unwrap(),
                r.try_get(3).unwrap(),
            )
        })
        .collect()
}

async fn retention_erases_after_the_period_and_the_audit_still_verifies(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    setup(&app).await;
    // Withdrawn on 2024-06-03: due on 2026-06-03 (24 months).
    let c = propose(&app, MAI, "1996-05-06", Some(MAI_ID), "2024-01-08").await;
    let consent = app
        .give_consent(&sys, c, Some(d("2024-01-08")))
        .await
        .unwrap();
    app.withdraw_consent(
        &sys,
        consent,
        Some(d("2024-05-27")),
        "Lò Thị Mai chuyển vùng",
    )
    .await
    .unwrap();
    // A document recorded by mistake and withdrawn with a reason naming
    // her; a step refused (kept with its message).
    app.record_document(&sys, c, "1-KNĐ", Some(d("2024-02-05")))
        .await
        .unwrap();
    app.withdraw_entry(
        &sys,
        c,
        ranks_app::pipeline::Entry::Document {
            code: "1-KNĐ".into(),
        },
        "đơn của Lò Thị Mai nộp nhầm chi bộ",
    )
    .await
    .unwrap();
    app.record_step(&sys, c, step("sympathiser", "2024-03-04"))
        .await
        .unwrap_err();
    app.record_step(&sys, c, step("withdrawn", "2024-06-03"))
        .await
        .unwrap();
    let superior = actor(&app, "to-chuc-R", "R", Role::Staff).await;
    app.candidate_file(&superior, c).await.unwrap();
    let mai = person_of(&app, c).await;
    // Withdrawn later: not due yet. Open: never due.
    let late = propose(&app, "Đinh Văn Muộn", "1994-02-02", None, "2025-01-06").await;
    app.record_step(&sys, late, step("withdrawn", "2025-06-02"))
        .await
        .unwrap();
    propose(&app, "Hà Thị Mở", "1998-03-03", None, "2026-03-02").await;
    let stats = statistics(&app).await;
    app.checkpoint().await.unwrap().expect("a head");

    // Not before the period: on 2026-05-29 nothing is due.
    let early = db.app_on(d("2026-05-29")).await;
    let run = early.retention(&sys, false).await.unwrap();
    assert!(run.due.is_empty() && run.erased.is_empty(), "{run:?}");
    // Only the system (an administrator over the whole tree) runs it.
    let staff = actor(&app, "van-phong-A", "A", Role::Admin).await;
    let err = app.retention(&staff, true).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    let dry = app.retention(&sys, true).await.unwrap();
    assert_eq!(dry.cutoff, d("2024-11-24"));
    assert_eq!(dry.due.len(), 1, "{dry:?}");
    assert_eq!(
        (dry.due[0].person_id, dry.due[0].closed_on),
        (mai, d("2024-06-03"))
    );
    assert!(dry.erased.is_empty());
    assert!(
        !found_anywhere(&app, MAI).await.is_empty(),
        "a dry run erases nothing"
    );

    let run = app.retention(&sys, false).await.unwrap();
    assert_eq!(run.erased.len(), 1);
    assert!(run.erased[0].entries_redacted >= 4, "{run:?}");
    // No erased value remains in any table, the audit log included.
    for needle in [
        MAI,
        MAI_FOLDED,
        MAI_ID,
        "1996-05-06",
        "Xóm của Lò",
        "Lò Thị",
    ] {
        let found = found_anywhere(&app, needle).await;
        assert!(found.is_empty(), "{needle} still in {found:?}");
    }
    // The others are untouched; the statistics are the same.
    assert!(!found_anywhere(&app, "Đinh Văn Muộn").await.is_empty());
    assert!(!found_anywhere(&app, "Hà Thị Mở").await.is_empty());
    assert_eq!(statistics(&app).await, stats);
    // The audit chain verifies (with the checkpoint written before the
    // erasure), and the replay holds the person as erased.
    let report = app.verify_audit().await.unwrap();
    assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.problems,
        report.differences
    );
    assert_eq!(report.redacted as usize, run.erased[0].entries_redacted);
    assert_eq!(report.verified, report.entries);
    app.checkpoint().await.unwrap().expect("a head");
    // The export says that and when, and still lists the file and consent.
    let x = app.subject_export(&sys, mai).await.unwrap();
    let erased = x.erased.clone().expect("erased");
    assert_eq!(erased.ground, "retention");
    assert!(x.person["full_name"]
        .as_str()
        .unwrap()
        .starts_with("[đã xóa]"));
    assert_eq!(x.candidate_files[0]["stage"], "withdrawn");
    assert_eq!(x.consents[0].withdrawn_on, Some(d("2024-05-27")));
    assert!(x.audit.iter().any(|e| e.action == "erase"));
    assert!(x
        .audit
        .iter()
        .any(|e| e.action == "read" && e.actor == "to-chuc-R"));
    // A second run finds no one.
    let again = app.retention(&sys, false).await.unwrap();
    assert!(again.due.is_empty() && again.erased.is_empty(), "{again:?}");

    // A redacted entry is not a free pass: an erased value put back, it is named.
    let entry = x
        .audit
        .iter()
        .find(|e| e.entity == "person" && e.action == "create")
        .unwrap()
        .id;
    let mut tx = app.db().begin_write().await.unwrap();
    sqlx::query("UPDATE audit_log SET after_json = REPLACE(after_json, '\"ethnicity\":\"[đã xóa]\"', '\"ethnicity\":\"Tày\"') WHERE id = $1")
        .bind(entry)
        .execute(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let report = app.verify_audit().await.unwrap();
    assert!(report.names(entry, Fault::Changed), "{:?}", report.problems);
}

async fn erasure_on_request_is_for_people_never_admitted(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    let members = setup(&app).await;
    let c = propose(&app, MAI, "1996-05-06", None, "2026-09-07").await;
    let mai = person_of(&app, c).await;
    // An open file: refused.
    let err = app.erase_person(&sys, mai).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    // A member: refused (the registry's records are kept).
    let member_person = app.member_record(&sys, members[0]).await.unwrap().person_id;
    let err = app.erase_person(&sys, member_person).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
    app.record_step(&sys, c, step("withdrawn", "2026-10-05"))
        .await
        .unwrap();
    // Staff may not erase; an administrator of another part of the tree
    // does not see her.
    let staff = actor(&app, "van-phong-A", "A", Role::Staff).await;
    let err = app.erase_person(&staff, mai).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let admin_a2 = actor(&app, "quan-tri-A2", "A2", Role::Admin).await;
    let err = app.erase_person(&admin_a2, mai).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    // A namesake, a member of A2: her data is hers, and stays.
    let namesake = app
        .add_member(
            &sys,
            person(MAI, "1970-07-07"),
            "A2",
            ranks_domain::MemberStatus::Official,
            d("2000-05-19"),
            Some(d("2001-05-19")),
        )
        .await
        .unwrap();
    let admin_a = actor(&app, "quan-tri-A", "A", Role::Admin).await;
    let n = app.erase_person(&admin_a, mai).await.unwrap();
    assert!(n >= 2, "{n}");
    let mut found = found_anywhere(&app, MAI).await;
    found.sort();
    assert_eq!(
        found,
        ["audit_log.after_json", "people.full_name"],
        "only the namesake's row and her own creation entry"
    );
    assert_eq!(
        app.member_record(&sys, namesake).await.unwrap().full_name,
        MAI
    );
    assert!(
        app.subject_export(&sys, mai).await.unwrap().person["full_name"]
            .as_str()
            .unwrap()
            .starts_with("[đã xóa]")
    );
    let report = app.verify_audit().await.unwrap();
    assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.problems,
        report.differences
    );
    let err = app.erase_person(&admin_a, mai).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "erased once: {err}");
}

both_backends!(
    export_holds_the_person_and_the_audit_and_nothing_of_others,
    consent_is_recorded_and_withdrawn,
    retention_erases_after_the_period_and_the_audit_still_verifies,
    erasure_on_request_is_for_people_never_admitted,
);
