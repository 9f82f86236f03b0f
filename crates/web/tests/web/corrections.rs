//! Correcting a mistake and warning of duplicates, over the forms and the
//! API (issue 15), on SQLite and PostgreSQL.

use axum::http::StatusCode;
use ranks_app::auth::Role;
use ranks_testkit::http::{sign_in, values_of};
use ranks_testkit::{both_backends, demo_with_users, TestDb};
use serde_json::json;

const PW: &str = "demo-ranks-2025";

async fn demo_users(db: &TestDb) -> axum::Router {
    let users = [
        ("canbo", Role::Staff, "BVPHCN"),
        ("bithu", Role::Secretary, "BVPHCN.CB1"),
        ("khac", Role::Staff, "BVSN"),
    ];
    ranks_web::router(demo_with_users(db, PW, &users).await)
}

async fn duplicates_are_warned_confirmed_and_not_leaked(db: TestDb) {
    let router = demo_users(&db).await;
    let staff = sign_in(&router, "canbo", PW).await.unwrap();
    let body = json!({"cell": "BVPHCN.CB1", "full_name": "Lò Thị Bốn", "birth_date": "2001-02-03", "date": "2026-11-02", "id_number": "001301002003"});
    let first = staff.post("/api/v1/candidates", body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let id = first.json()["id"].as_i64().unwrap();
    // The same name without marks and in capitals, the same birth date: 409
    // with the existing record, until confirmed.
    let again =
        json!({"cell": "BVPHCN.CB1", "full_name": "LO THI  BON", "birth_date": "2001-02-03"});
    let warned = staff.post("/api/v1/candidates", again.clone()).await;
    assert_eq!(warned.status, StatusCode::CONFLICT, "{}", warned.body);
    let w = warned.json();
    assert_eq!(w["existing"], json!([w["duplicates"][0]["person_id"]]));
    assert_eq!(w["duplicates"][0]["candidate_id"], id);
    assert!(w["error"].is_string());
    // The same ID number: warned, then refused even when confirmed.
    let warned = staff
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVPHCN.CB1", "full_name": "Lò Văn Năm", "birth_date": "1990-01-01", "id_number": "001 301 002 003"}),
        )
        .await;
    assert_eq!(warned.status, StatusCode::CONFLICT, "{}", warned.body);
    assert_eq!(warned.json()["duplicates"][0]["matched"], "id_number");
    assert_eq!(warned.json()["duplicates"][0]["candidate_id"], id);
    let same_id = staff
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVPHCN.CB1", "full_name": "Lò Văn Năm", "birth_date": "1990-01-01", "id_number": "001301002003", "confirm_duplicate": true}),
        )
        .await;
    assert_eq!(same_id.status, StatusCode::CONFLICT, "{}", same_id.body);
    assert!(same_id.body.contains("Lò Thị Bốn"), "{}", same_id.body);
    // The form: the warning with a link to the record, and a second
    // submit that confirms.
    let fields = [
        ("csrf", staff.csrf.as_str()),
        ("full_name", "lò thị bốn"),
        ("birth_date", "2001-02-03"),
        ("general_grade", "12"),
    ];
    let page = staff.form("/units/BVPHCN.CB1/candidates", &fields).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("id=\"duplicates\""), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/candidates/{id}\"")));
    assert_eq!(values_of(&page.body, "confirm_duplicate"), ["1"]);
    // The confirmation carries the values, and the form keeps them.
    assert_eq!(
        values_of(&page.body, "full_name"),
        ["lò thị bốn", "lò thị bốn"]
    );
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm_duplicate", "1"));
    let done = staff.form("/units/BVPHCN.CB1/candidates", &confirmed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let ok = staff
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVPHCN.CB1", "full_name": "LO THI  BON", "birth_date": "2001-02-03", "confirm_duplicate": true}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    // Outside BVPHCN: a name and birth date say nothing; an ID number only
    // that it exists outside the user's units.
    let other = sign_in(&router, "khac", PW).await.unwrap();
    let beside = other
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVSN.CB2", "full_name": "Lò Thị Bốn", "birth_date": "2001-02-03"}),
        )
        .await;
    assert_eq!(beside.status, StatusCode::CREATED, "{}", beside.body);
    let by_id = other
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVSN.CB2", "full_name": "Lò Thị Sáu", "birth_date": "2002-02-03", "id_number": "001301002003"}),
        )
        .await;
    assert_eq!(by_id.status, StatusCode::CONFLICT);
    assert!(by_id.body.contains("outside your units"), "{}", by_id.body);
    assert!(!by_id.body.contains("Bốn"), "{}", by_id.body);
}

async fn entries_are_corrected_and_withdrawn_from_the_dossier(db: TestDb) {
    let router = demo_users(&db).await;
    let staff = sign_in(&router, "canbo", PW).await.unwrap();
    let sec = sign_in(&router, "bithu", PW).await.unwrap();
    let created = sec
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVPHCN.CB1", "full_name": "Mã Thị Chín", "birth_date": "2001-02-03", "date": "2026-11-02"}),
        )
        .await;
    let cid = created.json()["id"].as_i64().unwrap();
    let doc = |code: &str, date: &str| json!({"code": code, "date": date});
    for (code, date) in [("NQ-GIUPDO", "2026-11-03"), ("8-KNĐ", "2026-11-03")] {
        let r = staff
            .post(
                &format!("/api/v1/candidates/{cid}/documents"),
                doc(code, date),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    let dossier = sec.get(&format!("/candidates/{cid}"), None).await;
    assert!(dossier.body.contains("action=\"/candidates/"), "forms");
    assert!(dossier.body.contains("/withdraw\""));
    // The secretary may not withdraw the grassroots committee's resolution.
    let w = |c: &ranks_testkit::http::Client,
             kind: &'static str,
             key: &'static str,
             reason: &'static str| {
        let c = c.clone();
        async move {
            c.form(
                &format!("/candidates/{cid}/withdraw"),
                &[
                    ("csrf", c.csrf.as_str()),
                    ("kind", kind),
                    ("key", key),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    let r = w(&sec, "document", "8-KNĐ", "ghi nhầm").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("id=\"corrections\" open") && r.body.contains("Đảng ủy cơ sở xét, đề nghị"),
        "told next to the corrections: {}",
        r.body
    );
    // No reason: shown by the form.
    let r = w(&staff, "document", "8-KNĐ", " ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w(&staff, "document", "8-KNĐ", "ghi nhầm hồ sơ").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dossier = sec.get(&format!("/candidates/{cid}"), None).await;
    assert!(
        dossier.body.contains("ghi nhầm hồ sơ"),
        "the reason is shown"
    );
    assert!(dossier.body.contains("canbo"), "and who withdrew it");

    // A step relied on NQ-GIUPDO: withdrawing it is refused by the form,
    // naming the step; after the step is withdrawn, allowed.
    let member = staff.get("/api/v1/members?q=&limit=200", None).await.json()["members"]
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
    let r = w(&sec, "document", "NQ-GIUPDO", "nhầm ngày").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Cảm tình Đảng, có đảng viên giúp đỡ"),
        "names the step, in Vietnamese: {}",
        r.body
    );
    let api = staff
        .post(
            &format!("/api/v1/candidates/{cid}/withdrawals"),
            json!({"kind": "document", "key": "NQ-GIUPDO", "reason": "nhầm"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.json()["rule"], "correction.relied_on");
    // A correction of the date that keeps the step valid is accepted.
    let r = sec
        .form(
            &format!("/candidates/{cid}/correct"),
            &[
                ("csrf", sec.csrf.as_str()),
                ("kind", "document"),
                ("key", "NQ-GIUPDO"),
                ("date", "2026-11-02"),
                ("reason", "ngày của nghị quyết"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = w(&sec, "step", "sympathiser", "ghi quá sớm").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let api = staff
        .post(
            &format!("/api/v1/candidates/{cid}/withdrawals"),
            json!({"kind": "document", "key": "NQ-GIUPDO", "reason": "nhầm"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::NO_CONTENT, "{}", api.body);
    let kept = staff
        .get(&format!("/api/v1/candidates/{cid}/corrections"), None)
        .await
        .json();
    let actions: Vec<(&str, &str)> = kept
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["kind"].as_str().unwrap(), k["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("document", "withdrawn"),
            ("document", "corrected"),
            ("stage", "withdrawn"),
            ("document", "withdrawn")
        ]
    );
    let file = staff
        .get(&format!("/api/v1/candidates/{cid}"), None)
        .await
        .json();
    assert_eq!(file["stage"], "pool");
}

async fn the_import_preview_lists_probable_duplicates(db: TestDb) {
    let router = demo_users(&db).await;
    let staff = sign_in(&router, "canbo", PW).await.unwrap();
    let first = staff
        .post(
            "/api/v1/candidates",
            json!({"cell": "BVPHCN.CB1", "full_name": "Lò Thị Bốn", "birth_date": "2001-02-03", "date": "2026-11-02"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // In another cell: a warning, the row imported; in her own cell
    // without an ID number: refused, naming the row.
    let csv = "cell,full_name,gender,birth_date\n\
               BVPHCN.CB2,lo thi bon,Nữ,03/02/2001\n";
    let r = ranks_testkit::http::send(
        &router,
        staff.multipart(
            &[("csrf", &staff.csrf), ("kind", "auto")],
            ("nguon.csv", csv.as_bytes()),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"import-warnings\""), "{}", r.body);
    assert!(r.body.contains("Lò Thị Bốn"), "{}", r.body);
    let again = csv.replace("BVPHCN.CB2", "BVPHCN.CB1");
    let r = ranks_testkit::http::send(
        &router,
        staff.multipart(
            &[("csrf", &staff.csrf), ("kind", "auto")],
            ("nguon.csv", again.as_bytes()),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("Dòng 2, cột Họ và tên (<code>full_name</code>)"),
        "{}",
        r.body
    );
    ranks_testkit::wording::assert_vietnamese("import refused as a duplicate", &r.body);
    assert!(r.body.contains("đã có trong BVPHCN.CB1"), "{}", r.body);
}

both_backends!(
    duplicates_are_warned_confirmed_and_not_leaked,
    entries_are_corrected_and_withdrawn_from_the_dossier,
    the_import_preview_lists_probable_duplicates,
);
