//! The data subject's rights over the API and the readable page (issue 17,
//! part 5), on SQLite and PostgreSQL.

use axum::http::StatusCode;
use ranks_app::auth::Role;
use ranks_testkit::http::sign_in;
use ranks_testkit::{both_backends, demo_with_users, TestDb};
use serde_json::json;

const PW: &str = "demo-ranks-2025";

async fn export_consent_and_page(db: TestDb) {
    let users = [
        ("canbo", Role::Staff, "BVPHCN"),
        ("khac", Role::Staff, "BVSN"),
        ("xem", Role::Viewer, "BVPHCN"),
    ];
    let app = demo_with_users(&db, PW, &users).await;
    let router = ranks_web::router(app);
    let staff = sign_in(&router, "canbo", PW).await.unwrap();
    let body = json!({"cell": "BVPHCN.CB1", "full_name": "Sầm Thị Riêng", "birth_date": "2000-04-05", "date": "2026-11-02", "id_number": "001300004005"});
    let created = staff.post("/api/v1/candidates", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let c = created.json()["id"].as_i64().unwrap();
    let person = staff
        .get(&format!("/api/v1/candidates/{c}"), None)
        .await
        .json()["person_id"]
        .as_i64()
        .unwrap();

    let given = staff
        .post(
            &format!("/api/v1/candidates/{c}/consents"),
            json!({"date": "2026-11-02"}),
        )
        .await;
    assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
    let consent = given.json()["id"].as_i64().unwrap();
    let again = staff
        .post(&format!("/api/v1/candidates/{c}/consents"), json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let bad = staff
        .post(
            &format!("/api/v1/candidates/{c}/consents"),
            json!({"date": "2026-13-01"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("date"), "{}", bad.body);

    let x = staff
        .get(&format!("/api/v1/people/{person}/export"), None)
        .await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.body);
    let x = x.json();
    assert_eq!(x["person"]["full_name"], "Sầm Thị Riêng");
    assert_eq!(x["person"]["id_number"], "001300004005");
    assert_eq!(x["candidate_files"][0]["unit"], "BVPHCN.CB1");
    assert_eq!(x["consents"][0]["id"], consent);
    assert!(x["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "give" && e["actor"] == "canbo"));

    // Another unit's staff: not found; a viewer: forbidden.
    let other = sign_in(&router, "khac", PW).await.unwrap();
    let r = other
        .get(&format!("/api/v1/people/{person}/export"), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains("Riêng"));
    let r = other
        .post(&format!("/api/v1/consents/{consent}/withdrawal"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let viewer = sign_in(&router, "xem", PW).await.unwrap();
    for what in ["export", "consents"] {
        let r = viewer
            .get(&format!("/api/v1/people/{person}/{what}"), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
    }

    let w = staff
        .post(
            &format!("/api/v1/consents/{consent}/withdrawal"),
            json!({"date": "2026-11-20", "reason": "không muốn tiếp tục"}),
        )
        .await;
    assert_eq!(w.status, StatusCode::NO_CONTENT, "{}", w.body);
    let list = staff
        .get(&format!("/api/v1/people/{person}/consents"), None)
        .await
        .json();
    assert_eq!(list[0]["withdrawn_on"], "2026-11-20");
    assert_eq!(list[0]["withdrawal_reason"], "không muốn tiếp tục");
    let unknown = staff
        .post(
            &format!("/api/v1/consents/{consent}/withdrawal"),
            json!({"why": "x"}),
        )
        .await;
    assert!(unknown.status.is_client_error(), "{}", unknown.body);

    // The readable page, in each language; reading it is audited.
    let page = staff
        .get(&format!("/people/{person}/data"), Some("lang=vi"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "Dữ liệu cá nhân — Sầm Thị Riêng",
        "Sự đồng ý xử lý dữ liệu cá nhân",
        "Ghi nhận sự đồng ý",
        "không muốn tiếp tục",
        "Trích xuất dữ liệu cá nhân",
        "05/04/2000",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let en = staff
        .get(&format!("/people/{person}/data"), Some("lang=en"))
        .await;
    assert!(
        en.body.contains("Consent to processing") && en.body.contains("Personal data exported")
    );
    let de = staff
        .get(&format!("/people/{person}/data"), Some("lang=de"))
        .await;
    assert!(de.body.contains("Einwilligung in die Verarbeitung"));
    let r = other.get(&format!("/people/{person}/data"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Riêng"));
}

both_backends!(export_consent_and_page);
