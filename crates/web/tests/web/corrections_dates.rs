//! Correcting the latest step's date, a mentor's date moved past the step
//! that needed a mentor, and withdrawing the admission decision with its
//! member, from the dossier's forms in Vietnamese (issue 15), on SQLite and
//! PostgreSQL.

use axum::http::StatusCode;
use ranks_app::auth::Role;
use ranks_app::Actor;
use ranks_testkit::http::{sign_in, Client, Resp};
use ranks_testkit::wording::{assert_vietnamese, assert_way_forward};
use ranks_testkit::{both_backends, demo_with_users, TestDb};
use serde_json::json;

const PW: &str = "demo-ranks-2025";

async fn fix(c: &Client, cid: i64, action: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", c.csrf.as_str())];
    all.extend_from_slice(fields);
    c.form(&format!("/candidates/{cid}/{action}"), &all).await
}

async fn a_steps_date_is_corrected_from_the_dossier_in_vietnamese(db: TestDb) {
    let users = [
        ("canbo", Role::Staff, "BVPHCN"),
        ("bithu", Role::Secretary, "BVPHCN.CB1"),
    ];
    let app = demo_with_users(&db, PW, &users).await;
    let router = ranks_web::router(app);
    let staff = sign_in(&router, "canbo", PW).await.unwrap();
    let sec = sign_in(&router, "bithu", PW).await.unwrap();
    let created = sec
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVPHCN.CB1", "full_name": "Mã Thị Mười", "birth_date": "2001-02-03", "date": "2026-11-02"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let cid = created.json()["id"].as_i64().unwrap();
    let r = staff
        .post(
            &format!("/api/v1/candidates/{cid}/documents"),
            json!({"code": "NQ-GIUPDO", "date": "2026-11-03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let member = staff
        .get(
            "/api/v1/members?q=&org=BVPHCN.CB1&status=official&limit=200",
            None,
        )
        .await
        .json()["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["unit"] == "BVPHCN.CB1" && m["status"] == "official")
        .map(|m| m["id"].as_i64().unwrap())
        .unwrap();
    let r = staff
        .post(
            &format!("/api/v1/candidates/{cid}/mentors"),
            json!({"member_id": member, "date": "2026-11-03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = staff
        .post(
            &format!("/api/v1/candidates/{cid}/steps"),
            json!({"stage": "sympathiser", "date": "2026-11-04"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The latest step has a date form among the corrections.
    let dossier = sec.get(&format!("/candidates/{cid}"), None).await;
    let step_form =
        "name=\"kind\" value=\"step\"><input type=\"hidden\" name=\"key\" value=\"sympathiser\">";
    assert_eq!(
        dossier.body.matches(step_form).count(),
        2,
        "a correction and a withdrawal form for the latest step"
    );
    assert!(dossier
        .body
        .contains("name=\"date\" type=\"date\" value=\"2026-11-04\""));
    // Before its mentor and document: refused with the step's rule, in
    // Vietnamese, next to the corrections.
    let r = fix(
        &sec,
        cid,
        "correct",
        &[
            ("kind", "step"),
            ("key", "sympathiser"),
            ("date", "2026-11-02"),
            ("reason", "nhầm ngày"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"corrections\" open"), "{}", r.body);
    assert!(
        r.body.contains("NQ-GIUPDO"),
        "names the document: {}",
        r.body
    );
    assert_vietnamese("a step's date refused", &r.body);
    assert_way_forward("a step's date refused", &r.body);
    // A date that holds: taken, the reason shown.
    let r = fix(
        &sec,
        cid,
        "correct",
        &[
            ("kind", "step"),
            ("key", "sympathiser"),
            ("date", "2026-11-05"),
            ("reason", "biên bản ghi ngày 05"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dossier = sec.get(&format!("/candidates/{cid}"), None).await;
    assert!(
        dossier.body.contains("biên bản ghi ngày 05"),
        "the reason is shown"
    );
    assert!(dossier.body.contains("05/11/2026"), "the new date is shown");
    assert_vietnamese("the dossier after a step's date corrected", &dossier.body);
    let file = staff
        .get(&format!("/api/v1/candidates/{cid}"), None)
        .await
        .json();
    assert_eq!(file["stage_since"], "2026-11-05");
    // The mentor the step needed, moved past it: refused, naming the step.
    let key = member.to_string();
    let r = fix(
        &sec,
        cid,
        "correct",
        &[
            ("kind", "mentor"),
            ("key", &key),
            ("date", "2026-11-06"),
            ("reason", "nhầm ngày"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("Cảm tình Đảng, có đảng viên giúp đỡ"),
        "names the step, in Vietnamese: {}",
        r.body
    );
    assert_vietnamese("a mentor's date refused", &r.body);
    // Over the API: the step's date, and the rule of a refusal.
    let api = staff
        .post(
            &format!("/api/v1/candidates/{cid}/corrections"),
            json!({"kind": "mentor", "key": key, "date": "2026-11-06", "reason": "nhầm"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    assert_eq!(api.json()["rule"], "correction.relied_on");
    let api = staff
        .post(
            &format!("/api/v1/candidates/{cid}/corrections"),
            json!({"kind": "step", "key": "sympathiser", "date": "2026-11-04", "reason": "đúng là ngày 04"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::NO_CONTENT, "{}", api.body);
    let kept = staff
        .get(&format!("/api/v1/candidates/{cid}/corrections"), None)
        .await
        .json();
    let last = kept.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["action"].as_str()),
        (Some("stage"), Some("corrected"))
    );
    assert_eq!(last["entry"]["on"], "2026-11-05");
    assert_eq!(last["replaced_by"]["on"], "2026-11-04");
}

async fn the_admission_decision_is_withdrawn_from_the_dossier(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    app.add_user(&sys, "quantri", PW, Role::Admin, None, None)
        .await
        .unwrap();
    // A file of the demo whose latest step is the admission decision.
    let mut found = None;
    for code in [
        "BVPHCN", "BVDK", "CDC", "BTXH", "CQSYT", "BVYHCT", "BVP", "BVSN",
    ] {
        let page = app.unit_page(&sys, code, None).await.unwrap();
        found = page
            .candidates_by_stage
            .iter()
            .find(|(s, _)| s == "decision")
            .and_then(|(_, l)| l.first().map(|c| c.id));
        if found.is_some() {
            break;
        }
    }
    let cid = found.expect("the demo holds a file at the admission decision");
    let router = ranks_web::router(app);
    let admin = sign_in(&router, "quantri", PW).await.unwrap();
    let file = admin
        .get(&format!("/api/v1/candidates/{cid}"), None)
        .await
        .json();
    let member = file["member_id"].as_i64().expect("admitted: a member");
    let page = admin.get(&format!("/members/{member}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let r = fix(
        &admin,
        cid,
        "withdraw",
        &[
            ("kind", "step"),
            ("key", "decision"),
            ("reason", "quyết định ghi nhầm hồ sơ"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dossier = admin.get(&format!("/candidates/{cid}"), None).await;
    assert!(
        dossier.body.contains("quyết định ghi nhầm hồ sơ"),
        "the reason is shown"
    );
    assert_vietnamese("the dossier after the decision withdrawn", &dossier.body);
    let file = admin
        .get(&format!("/api/v1/candidates/{cid}"), None)
        .await
        .json();
    assert!(file["member_id"].is_null(), "{file}");
    let gone = admin.get(&format!("/members/{member}"), None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    // Recorded again on its day, then an exemption in the member's
    // history: the decision is relied on, and the form says so in
    // Vietnamese.
    let kept = admin
        .get(&format!("/api/v1/candidates/{cid}/corrections"), None)
        .await
        .json();
    let on = kept.as_array().unwrap().last().unwrap()["entry"]["on"]
        .as_str()
        .unwrap()
        .to_string();
    let r = admin
        .post(
            &format!("/api/v1/candidates/{cid}/steps"),
            json!({"stage": "decision", "date": on}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let file = admin
        .get(&format!("/api/v1/candidates/{cid}"), None)
        .await
        .json();
    let member = file["member_id"].as_i64().expect("a member again");
    let r = admin
        .post(
            &format!("/api/v1/members/{member}/movements"),
            json!({"kind": "exempt", "level": "partial", "date": "2026-11-20"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = fix(
        &admin,
        cid,
        "withdraw",
        &[
            ("kind", "step"),
            ("key", "decision"),
            ("reason", "ghi nhầm"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("20/11/2026"), "{}", r.body);
    assert!(r.body.contains("hồ sơ đảng viên do bước"), "{}", r.body);
    assert_vietnamese("the decision's withdrawal refused", &r.body);
    assert_way_forward("the decision's withdrawal refused", &r.body);
}

both_backends!(
    a_steps_date_is_corrected_from_the_dossier_in_vietnamese,
    the_admission_decision_is_withdrawn_from_the_dossier,
);
