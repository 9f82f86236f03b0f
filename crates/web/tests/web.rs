//! The router driven in-process, on SQLite and PostgreSQL.

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ranks_app::Actor;
use ranks_testkit::http::{
    bearer, login_form, options_of, post_login, send, sign_in, values_of, Client, Resp,
};
use ranks_testkit::{both_backends, TestDb};
use ranks_web::api::AchievementJson;

#[path = "web/calendar.rs"]
mod calendar;
#[path = "web/corrections.rs"]
mod corrections;
#[path = "web/corrections_dates.rs"]
mod corrections_dates;
#[path = "web/hardening.rs"]
mod hardening;
#[path = "web/import_limits.rs"]
mod import_limits;
#[path = "web/languages.rs"]
mod languages;
#[path = "web/look.rs"]
mod look;
#[path = "web/meeting_setup.rs"]
mod meeting_setup;
#[path = "web/meetings.rs"]
mod meetings;
#[path = "web/next_steps.rs"]
mod next_steps;
#[path = "web/pages.rs"]
mod pages;
#[path = "web/pdf_text.rs"]
mod pdf_text;
#[path = "web/pickers.rs"]
mod pickers;
#[path = "web/plan_size.rs"]
mod plan_size;
#[path = "web/reminders.rs"]
mod reminders;
#[path = "web/search.rs"]
mod search;
#[path = "web/snapshots.rs"]
mod snapshots;
#[path = "web/subject.rs"]
mod subject;
#[path = "web/transfers.rs"]
mod transfers;

async fn admin(app: &ranks_app::App) -> Client {
    app.add_user(
        &Actor::system(),
        "admin",
        "mật khẩu quản trị",
        ranks_app::auth::Role::Admin,
        None,
        None,
    )
    .await
    .unwrap();
    sign_in(
        &ranks_web::router(app.clone()),
        "admin",
        "m%E1%BA%ADt%20kh%E1%BA%A9u%20qu%E1%BA%A3n%20tr%E1%BB%8B",
    )
    .await
    .unwrap_or_else(|r| panic!("admin sign-in failed: {} {}", r.status, r.body))
}

async fn demo_router(db: &TestDb) -> Client {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    admin(&app).await
}

async fn dashboard_shows_the_seed_in_three_languages(db: TestDb) {
    let r = demo_router(&db).await;
    let page = r.get("/?term=2020-2025", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("Đảng bộ Sở Y tế tỉnh Lạng Sơn"));
    assert!(page.body.contains("<html lang=\"vi\">"));
    assert!(page.body.contains("Kết quả phát triển đảng viên"));
    assert!(
        page.body.contains(r#"id="total-members">328<"#),
        "member total"
    );
    assert!(page.body.contains(r#"id="root-admitted">54<"#));
    assert!(page.body.contains(r#"id="root-percent">135 %<"#));
    // The unit and its direct subordinates have a row, with its progress
    // bar; the units below them are on the subordinates' pages (issue 16).
    assert_eq!(page.body.matches("<tr class=\"d1\"").count(), 10);
    assert_eq!(page.body.matches("<tr class=\"d2\"").count(), 0);
    let rehab = page
        .body
        .split("data-code=\"BVPHCN\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(rehab.contains(">109 %<"), "{rehab}");
    assert!(
        rehab.contains("role=\"progressbar\" aria-valuenow=\"100\""),
        "{rehab}"
    );
    assert!(rehab.contains("title=\"109.0909 %\""), "{rehab}");

    // ?lang=en switches and is remembered in a cookie.
    let en = r.get("/?lang=en&term=2020-2025", None).await;
    assert!(en.body.contains("Member development results"));
    let cookie = en.cookie.expect("language cookie");
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    let again = r.get("/?term=2020-2025", Some("lang=en")).await;
    assert!(again.body.contains("<html lang=\"en\">"));
    let de = r.get("/?lang=de&term=2020-2025", Some("lang=en")).await;
    assert!(de.body.contains("Ergebnisse der Mitgliederentwicklung"));
    assert!(de.cookie.unwrap().starts_with("lang=de"));

    // Without a term the current one (2025-2030 on the test day) is shown, with a tab for each term.
    let current = r.get("/", None).await;
    assert!(current
        .body
        .contains("class=\"on\" aria-selected=\"true\" title=\"01/07/2025 – 30/06/2030\""));
    for t in ["2015-2020", "2020-2025", "2025-2030"] {
        assert!(current.body.contains(&format!("/?term={t}")), "{t}");
    }
}

async fn unit_page_lists_members_candidates_supervisors(db: TestDb) {
    let r = demo_router(&db).await;
    let page = r.get("/units/BVPHCN?term=2020-2025", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("Đảng bộ Bệnh viện Phục hồi chức năng tỉnh"));
    assert!(page.body.contains(">109 %<"));
    assert!(
        page.body.contains("Triệu Quang Phú"),
        "the hospital's secretary is a member"
    );
    assert!(page.body.contains("Cấp ủy viên phụ trách"));
    assert!(page.body.contains("Đảng ủy viên Đảng bộ Sở phụ trách"));
    assert!(page.body.contains("data-stage=\"recognised\""));
    assert!(
        page.body.contains("Thầy thuốc trẻ làm theo lời Bác")
            || page.body.contains("Học tập và làm theo")
    );
    assert!(page
        .body
        .contains("<a href=\"/\">Tổng quan</a> › <a href=\"/units/DBSYT\">"));
    // Members of the subtree only: nobody registered in another unit's cells.
    let members = page.body.split("id=\"members\"").nth(1).unwrap();
    let members = members.split("</table>").next().unwrap();
    assert_eq!(members.matches("<tr data-member=").count(), 34);
    let cell = r.get("/units/bvphcn.cb1?lang=de", None).await;
    assert_eq!(cell.status, StatusCode::OK, "codes are case-insensitive");
    assert!(cell.body.contains("Parteizelle"));
}

async fn errors_are_pages_not_traces(db: TestDb) {
    let r = demo_router(&db).await;
    let missing = r.get("/units/NOPE", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.content_type.starts_with("text/html"));
    // In the page's language (Vietnamese by default), and in English on request.
    assert!(
        missing.body.contains("không tìm thấy đơn vị: NOPE"),
        "{}",
        missing.body
    );
    let missing_en = r.get("/units/NOPE?lang=en", None).await;
    assert!(missing_en.body.contains("unknown unit: NOPE"));
    let bad_term = r.get("/?term=20-25", None).await;
    assert_eq!(bad_term.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_term.body.contains(
            "Nhiệm kỳ: giá trị &#39;20-25&#39; không hợp lệ; cần một nhiệm kỳ như 2020-2025"
        ),
        "{}",
        bad_term.body
    );
    let bad_term_en = r.get("/?term=20-25&lang=en", None).await;
    assert!(
        bad_term_en
            .body
            .contains("term: &#39;20-25&#39; is not valid")
            || bad_term_en.body.contains("term: '20-25' is not valid"),
        "{}",
        bad_term_en.body
    );
    let bad_unit_term = r.get("/units/BVP?term=abc", None).await;
    assert_eq!(bad_unit_term.status, StatusCode::BAD_REQUEST);
    let nowhere = r.get("/no/such/page", None).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    for p in [&missing, &bad_term, &nowhere] {
        assert!(!p.body.contains("panicked") && !p.body.contains("src/"));
    }
    // The API answers in JSON.
    let api = r
        .get("/api/v1/units/NOPE/achievement?term=2020-2025", None)
        .await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.body, r#"{"error":"unknown unit: NOPE"}"#);
    let api = r
        .get("/api/v1/units/DBSYT/achievement?term=2020", None)
        .await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert!(api.body.contains("term: '2020' is not valid"));
    let api = r
        .get("/api/v1/units/DBSYT/achievement?term=2040-2045", None)
        .await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.body, r#"{"error":"unknown term: 2040-2045"}"#);
    let api = r.get("/api/v1/units/DBSYT/achievement", None).await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    let api = r
        .get(
            "/api/v1/units/DBSYT/achievement?term=2020-2025&depth=x",
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
}

async fn api_rows_have_the_report_shape(db: TestDb) {
    let r = demo_router(&db).await;
    let resp = r
        .get(
            "/api/v1/units/DBSYT/achievement?term=2020-2025&depth=1",
            None,
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.content_type.starts_with("application/json"));
    let raw: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&resp.body).unwrap();
    assert_eq!(raw.len(), 11);
    for row in &raw {
        let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["admitted", "code", "name", "percent", "target"]);
    }
    let rows: Vec<AchievementJson> = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(rows[0].code, "DBSYT");
    assert_eq!(
        (rows[0].target, rows[0].admitted, rows[0].percent),
        (Some(40), 54, Some(135.0))
    );
    let rehab = rows.iter().find(|r| r.code == "BVPHCN").unwrap();
    assert!((rehab.percent.unwrap() - 109.0909).abs() < 1e-4);
    let cells = r
        .get("/api/v1/units/BVPHCN/achievement?term=2020-2025", None)
        .await;
    let cells: Vec<AchievementJson> = serde_json::from_str(&cells.body).unwrap();
    assert!(cells[1..]
        .iter()
        .all(|c| c.percent.is_none() && c.target.is_none()));
    assert_eq!(cells[1..].iter().map(|c| c.admitted).sum::<u64>(), 12);

    let health = r.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    let h: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(
        h["database"],
        if db.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );
    let spec = r.get("/api/v1/openapi.json", None).await;
    assert!(spec.body.contains("/api/v1/units/{code}/achievement"));
}

async fn an_empty_database_says_what_to_do(db: TestDb) {
    let r = admin(&db.app().await).await;
    let page = r.get("/", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("ranks demo"));
}

async fn the_pipeline_over_the_api(db: TestDb) {
    let r = demo_router(&db).await;
    let created = r.post("/api/v1/candidates", serde_json::json!({"cell": "BVSN.CB2", "full_name": "Lộc Thị Hằng", "birth_date": "2000-07-07", "movement": "HCM", "date": "2026-11-02"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = serde_json::from_str::<serde_json::Value>(&created.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    // A refused step: 422 with the rule and its legal source.
    let refused = r
        .post(
            &format!("/api/v1/candidates/{id}/steps"),
            serde_json::json!({"stage": "sympathiser", "date": "2026-11-03"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["rule"], "documents", "{body}");
    assert!(
        body["source"].as_str().unwrap().contains("Điều lệ"),
        "{body}"
    );
    assert!(body["error"].as_str().unwrap().contains("NQ-GIUPDO"));
    // And its message key with arguments, for a client in another language.
    assert_eq!(body["key"], "refusal-documents", "{body}");
    assert_eq!(body["args"]["stage"], "sympathiser", "{body}");
    assert_eq!(body["args"]["documents"], "NQ-GIUPDO", "{body}");
    let doc = r
        .post(
            &format!("/api/v1/candidates/{id}/documents"),
            serde_json::json!({"code": "NQ-GIUPDO", "date": "2026-11-03"}),
        )
        .await;
    assert_eq!(doc.status, StatusCode::NO_CONTENT, "{}", doc.body);
    let dup = r
        .post(
            &format!("/api/v1/candidates/{id}/documents"),
            serde_json::json!({"code": "NQ-GIUPDO"}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let app = db.app().await;
    let page = app
        .unit_page(&ranks_app::Actor::system(), "BVSN.CB2", None)
        .await
        .unwrap();
    let mentor = page
        .members
        .iter()
        .find(|m| m.status == ranks_domain::MemberStatus::Official)
        .unwrap()
        .id;
    let m = r
        .post(
            &format!("/api/v1/candidates/{id}/mentors"),
            serde_json::json!({"member_id": mentor, "date": "2026-11-03"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::NO_CONTENT, "{}", m.body);
    let ok = r
        .post(
            &format!("/api/v1/candidates/{id}/steps"),
            serde_json::json!({"stage": "sympathiser", "date": "2026-11-04"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let file = r.get(&format!("/api/v1/candidates/{id}"), None).await;
    let file: serde_json::Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(file["stage"], "sympathiser");
    assert_eq!(file["mentors"].as_array().unwrap().len(), 1);
    // The trade union's resolution as an introducer records its form 4A-KNĐ.
    let tu = r
        .post(
            &format!("/api/v1/candidates/{id}/introducers"),
            serde_json::json!({"trade_union": true, "date": "2026-11-04"}),
        )
        .await;
    assert_eq!(tu.status, StatusCode::NO_CONTENT, "{}", tu.body);
    let both = r
        .post(
            &format!("/api/v1/candidates/{id}/introducers"),
            serde_json::json!({"trade_union": true, "youth_union": true}),
        )
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST, "{}", both.body);
    let file = r.get(&format!("/api/v1/candidates/{id}"), None).await;
    let file: serde_json::Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(file["introducers"][0]["kind"], "trade_union", "{file}");
    assert!(
        file["documents"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["4A-KNĐ", "2026-11-04"])),
        "{file}"
    );
    // Bad input names the field.
    let bad = r
        .post(
            "/api/v1/candidates",
            serde_json::json!({"cell": "BVSN.CB2", "full_name": "X Y", "birth_date": "07/07/2000"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("birth_date"), "{}", bad.body);
    let bad = r
        .post(
            "/api/v1/candidates",
            serde_json::json!({"cell": "BVSN.CB2", "nme": "X"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("nme"), "{}", bad.body);
    let vote = r
        .post(
            &format!("/api/v1/candidates/{id}/steps"),
            serde_json::json!({"stage": "course", "date": "2030-01-01"}),
        )
        .await;
    assert_eq!(vote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(vote.body.contains("date.future"));
    // Deadlines and the calendar.
    let due = r.get("/api/v1/due?within=10", None).await;
    let page: serde_json::Value = serde_json::from_str(&due.body).unwrap();
    let due = page["rows"].as_array().unwrap();
    assert!(due
        .iter()
        .any(|d| d["overdue"] == true && !d["escalated_to"].as_array().unwrap().is_empty()));
    assert_eq!(page["total"].as_u64().unwrap() as usize, due.len());
    assert_eq!(
        r.get("/api/v1/due?within=soon", None).await.status,
        StatusCode::BAD_REQUEST
    );
    // Paged: a page of one, then the next from its cursor, with the total.
    let first: serde_json::Value =
        serde_json::from_str(&r.get("/api/v1/due?within=10&limit=1", None).await.body).unwrap();
    assert_eq!(first["rows"].as_array().unwrap().len(), 1);
    assert_eq!(first["total"], page["total"]);
    assert_eq!(first["rows"][0], due[0]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: serde_json::Value = serde_json::from_str(
        &r.get(
            &format!("/api/v1/due?within=10&limit=1&cursor={cursor}"),
            None,
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(second["rows"][0], due[1]);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("cursor=nonsense", "cursor"),
    ] {
        let bad = r.get(&format!("/api/v1/due?{query}"), None).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(bad.body.contains(field), "{query}: {}", bad.body);
    }
    let cal = r.get("/api/v1/calendar/2026", None).await;
    assert!(cal.body.contains("\"2026-02-17\"") && cal.body.contains("Tết Nguyên đán"));
    assert_eq!(
        r.get("/api/v1/calendar/1800", None).await.status,
        StatusCode::BAD_REQUEST
    );
    let profile = r.get("/api/v1/profile", None).await;
    assert!(profile.body.contains("cell_vote_two_thirds"));
    // Member movements over the API.
    let mv = r
        .post(
            &format!("/api/v1/members/{mentor}/movements"),
            serde_json::json!({"kind": "card", "number": "0099"}),
        )
        .await;
    assert_eq!(mv.status, StatusCode::NO_CONTENT, "{}", mv.body);
    let mv = r
        .post(
            &format!("/api/v1/members/{mentor}/movements"),
            serde_json::json!({"kind": "fly"}),
        )
        .await;
    assert_eq!(mv.status, StatusCode::BAD_REQUEST);
    // The ground of leaving: only for a member who left, only from the list.
    let ground = |g: &str| serde_json::json!({"ground": g, "record_cleared_on": "2025-01-06"});
    let gr = r
        .post(
            &format!("/api/v1/members/{mentor}/exit-ground"),
            ground("minor_crime_conviction"),
        )
        .await;
    assert_eq!(gr.status, StatusCode::CONFLICT, "{}", gr.body);
    let mv = r
        .post(
            &format!("/api/v1/members/{mentor}/movements"),
            serde_json::json!({"kind": "remove", "reason": "x"}),
        )
        .await;
    assert_eq!(mv.status, StatusCode::NO_CONTENT, "{}", mv.body);
    let gr = r
        .post(
            &format!("/api/v1/members/{mentor}/exit-ground"),
            ground("laziness"),
        )
        .await;
    assert_eq!(gr.status, StatusCode::BAD_REQUEST, "{}", gr.body);
    let gr = r
        .post(
            &format!("/api/v1/members/{mentor}/exit-ground"),
            ground("minor_crime_conviction"),
        )
        .await;
    assert_eq!(gr.status, StatusCode::NO_CONTENT, "{}", gr.body);
}

async fn the_unit_page_shows_due_overdue_and_refused(db: TestDb) {
    // (Refused attempts: in the supervisors' view, not on the unit page.)
    let r = demo_router(&db).await;
    let page = r.get("/units/CDC", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let due = page
        .body
        .split("id=\"due\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(due.matches("class=\"overdue\"").count(), 2, "{due}");
    assert!(
        due.contains("quá hạn") && due.contains("ngày làm việc"),
        "{due}"
    );
    assert!(!due.contains("Quá hạn -"), "no negative count: {due}");
    // Rules by their names; their ids stay as a reference in the title.
    assert!(due.contains("Giấy chứng nhận hết hạn") && due.contains("decision_after_cell_vote"));
    // Escalated: the committee member in charge of CDC is named on the overdue rows.
    let app = db.app().await;
    let sups = app
        .unit_page(&ranks_app::Actor::system(), "CDC", None)
        .await
        .unwrap()
        .supervisors;
    let in_charge = sups.iter().find(|s| s.unit_code.as_str() == "CDC").unwrap();
    assert!(due.contains(&in_charge.full_name), "{due}");
    // Refused attempts are not published on the unit page (issue 15.7)…
    assert!(!page.body.contains("id=\"refusals\""));
    assert!(
        !page.body.contains("expired after"),
        "no refusal on the unit page"
    );
    assert!(
        page.body.contains("href=\"/refusals?org=CDC\""),
        "a link for the staff"
    );
    // The supervisor's own page lists the unit with its overdue items.
    let link = format!("/supervisors/{}", in_charge.member_id);
    assert!(
        page.body.contains(&format!("href=\"{link}")),
        "supervisors link to their page"
    );
    let sup = r.get(&link, None).await;
    assert_eq!(sup.status, StatusCode::OK);
    let section = sup
        .body
        .split("data-code=\"CDC\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert_eq!(section.matches("class=\"overdue\"").count(), 2, "{section}");
    // …but in the supervisors' view: linked from it, dated, filtered, paged.
    assert!(section.contains("href=\"/refusals?org=CDC\""), "{section}");
    let list = r.get("/refusals?org=CDC", None).await;
    assert_eq!(list.status, StatusCode::OK);
    let rows = |body: &str| body.matches("<tr><td>").count();
    let table = list.body.split("id=\"refusal-list\"").nth(1).unwrap();
    assert!(
        table.contains("Giấy chứng nhận học lớp bồi dưỡng"),
        "refused at the certificate gate, by the rule's name: {table}"
    );
    let today = ranks_testkit::test_today();
    assert!(
        table.contains(&today.format("%d/%m/%Y").to_string()),
        "dated: {table}"
    );
    assert!(table.contains("hệ thống"), "who tried: {table}");
    // The reason itself, worded in Vietnamese from its kept key and
    // arguments (not only the rule's name).
    assert!(
        table.contains("giấy chứng nhận ngày") && table.contains("đã hết hạn sau 60 tháng"),
        "the reason in Vietnamese: {table}"
    );
    assert!(!table.contains("không đáp ứng quy định"), "{table}");
    let all = rows(table);
    assert!(all >= 1);
    let q = |extra: &str| format!("/refusals?org=CDC&{extra}");
    for (extra, expected) in [
        ("rule=certificate".to_string(), all),
        ("rule=recorder".to_string(), 0),
        ("stage=cell_vote".to_string(), all),
        ("stage=decision".to_string(), 0),
        (format!("from={today}&to={today}"), all),
        (format!("from={}", today.succ_opt().unwrap()), 0),
        ("page=2".to_string(), 0),
    ] {
        let body = r.get(&q(&extra), None).await.body;
        let n = body.split("id=\"refusal-list\"").nth(1).map_or(0, rows);
        assert_eq!(n, expected, "{extra}");
    }
    assert_eq!(
        r.get("/refusals?org=CDC&from=31-12-2025", None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        r.get("/supervisors/999999", None).await.status,
        StatusCode::NOT_FOUND
    );
    let en = r.get("/units/CDC?lang=en", None).await;
    assert!(en.body.contains("Deadlines due and overdue") && !en.body.contains("refusal-list"));
    let en = r.get("/refusals?org=CDC&lang=en", None).await;
    assert!(en.body.contains("Refused steps"));
    assert!(
        en.body.contains("certificate") && en.body.contains("expired"),
        "in English, the refusal as the engine wrote it"
    );
    // Not for the cells: a secretary is told whom the list is for.
    app.add_user(
        &Actor::system(),
        "bt.cb1",
        "demo-ranks-2025",
        ranks_app::auth::Role::Secretary,
        Some("BVPHCN.CB1"),
        None,
    )
    .await
    .unwrap();
    let secretary = sign_in(&ranks_web::router(app.clone()), "bt.cb1", "demo-ranks-2025")
        .await
        .unwrap();
    let cell = secretary.get("/units/BVPHCN.CB1", None).await.body;
    assert!(!cell.contains("id=\"refusals-link\""), "no link for a cell");
    let denied = secretary.get("/refusals", None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    // (In Vietnamese once error pages translate the reasons: issue 15.2.)
    assert!(
        denied.body.contains("dành cho cán bộ tổ chức")
            || denied.body.contains("staff and supervisors"),
        "{}",
        denied.body
    );
    assert!(
        en.body.contains("Cell resolution"),
        "stage names come from the profile in English"
    );
}

async fn the_plan_page_with_its_charts(db: TestDb) {
    let r = demo_router(&db).await;
    let page = r
        .get("/units/DBSYT/plan?term=2020-2025&year=2025", None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.matches("<svg").count() >= 4,
        "burn-up, stage funnel and one funnel per movement"
    );
    let burnup = page
        .body
        .split("class=\"chart burnup wide\"")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    // One step per day with admissions (54 admissions of the term, some
    // on the same day), and the total written at its end.
    let steps = burnup.matches(" V").count();
    assert!((40..=54).contains(&steps), "{steps} steps");
    assert!(burnup.contains("fill=\"#1a7f37\">54</text>"), "{burnup}");
    assert!(burnup.contains("class=\"target\""));
    let forecast = page
        .body
        .split("id=\"forecast\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(
        forecast.contains("data-code=\"DBSYT\"") && forecast.contains(">54,0<"),
        "a finished term forecasts what happened, in the Vietnamese number format"
    );
    assert!(page.body.contains("id=\"allocation\"") && page.body.contains(">+0<"));
    assert!(page.body.contains("Kế hoạch, dự báo, phân tích"));
    let now = r.get("/units/CDC/plan?lang=en", None).await;
    assert_eq!(now.status, StatusCode::OK);
    assert!(now.body.contains("Year-end evaluation 2025"));
    assert_eq!(
        r.get("/units/NOPE/plan", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        r.get("/units/CDC/plan?year=last", None).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        r.get("/units/CDC/plan?term=2020", None).await.status,
        StatusCode::BAD_REQUEST
    );
}

async fn sign_in_roles_and_access_by_subtree(db: TestDb) {
    use ranks_app::auth::Role;
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    let anon = Client {
        router: router.clone(),
        cookie: String::new(),
        csrf: String::new(),
        tally: Default::default(),
    };
    // Without a session: pages redirect to the sign-in form, the API answers 401, health stays open.
    let page = anon.get("/units/CDC", None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location, "/login?next=/units/CDC");
    assert_eq!(
        anon.get("/api/v1/units/CDC/achievement?term=2020-2025", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(anon.get("/healthz", None).await.status, StatusCode::OK);
    assert!(anon
        .get("/login", None)
        .await
        .body
        .contains("name=\"password\""));

    let pw = "demo-ranks-2025";
    app.add_user(&sys, "canbo", pw, Role::Staff, Some("BVPHCN"), None)
        .await
        .unwrap();
    app.add_user(&sys, "xem", pw, Role::Viewer, Some("BVPHCN"), None)
        .await
        .unwrap();
    app.add_user(&sys, "bithu", pw, Role::Secretary, Some("BVPHCN.CB1"), None)
        .await
        .unwrap();
    let err = app
        .add_user(&sys, "bithu2", pw, Role::Secretary, Some("BVPHCN"), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cell"), "{err}");
    assert!(app
        .add_user(&sys, "ngan", "1234", Role::Viewer, Some("BVP"), None)
        .await
        .unwrap_err()
        .to_string()
        .starts_with("password:"));

    // Wrong passwords: refused alike for unknown users; blocked after five failures.
    assert_eq!(
        sign_in(&router, "canbo", "sai-mat-khau")
            .await
            .err()
            .unwrap()
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&router, "khongco", "sai-mat-khau")
            .await
            .err()
            .unwrap()
            .status,
        StatusCode::UNAUTHORIZED
    );
    for _ in 0..4 {
        let _ = sign_in(&router, "canbo", "sai-mat-khau").await;
    }
    let blocked = sign_in(&router, "canbo", pw).await.err().expect("blocked");
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);

    // A viewer of BVPHCN: its subtree, names without birth dates, no writes.
    let viewer = sign_in(&router, "xem", pw).await.unwrap();
    let mine = viewer.get("/units/BVPHCN", None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Triệu Quang Phú"));
    let members = mine.body.split("id=\"members\"").nth(1).unwrap();
    assert_eq!(
        members.matches("<td>—</td><td></td>").count(),
        34,
        "no birth date or gender for a viewer"
    );
    for outside in [
        "/units/CDC",
        "/units/DBSYT",
        "/units/CDC/plan",
        "/api/v1/units/CDC/achievement?term=2020-2025",
        "/api/v1/due?org=CDC",
    ] {
        assert_eq!(
            viewer.get(outside, None).await.status,
            StatusCode::NOT_FOUND,
            "{outside}"
        );
    }
    let due: serde_json::Value =
        serde_json::from_str(&viewer.get("/api/v1/due", None).await.body).unwrap();
    assert!(due["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["unit"].as_str().unwrap().starts_with("BVPHCN")));
    let write = viewer.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB1", "full_name": "Hà Thị Một", "birth_date": "2000-01-01"})).await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);

    // A secretary of cell BVPHCN.CB1 writes in the cell, not beside it; CSRF is required.
    let sec = sign_in(&router, "bithu", pw).await.unwrap();
    let ok = sec.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB1", "full_name": "Hà Thị Một", "birth_date": "2000-01-01"})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let beside = sec.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB2", "full_name": "Hà Thị Hai", "birth_date": "2000-01-01"})).await;
    assert_eq!(beside.status, StatusCode::NOT_FOUND);
    let forged = Client {
        csrf: "forged".into(),
        ..sec.clone()
    };
    let no_csrf = forged.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB1", "full_name": "Hà Thị Ba", "birth_date": "2000-01-01"})).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);

    // Search ignores tone marks and case, within the user's subtree only.
    let some = app
        .unit_page(&sys, "BVPHCN.CB1", None)
        .await
        .unwrap()
        .members[0]
        .full_name
        .clone();
    let typed = ranks_domain::text::fold(&some).to_uppercase();
    let hits: serde_json::Value = serde_json::from_str(
        &sec.get(
            &format!("/api/v1/members?q={}", typed.replace(' ', "%20")),
            None,
        )
        .await
        .body,
    )
    .unwrap();
    let hits = hits["members"].as_array().unwrap();
    assert!(
        hits.iter().any(|h| h["full_name"] == some.as_str()),
        "{typed} should find {some}: {hits:?}"
    );
    assert!(hits.iter().all(|h| h["unit"] == "BVPHCN.CB1"));
    let everyone: serde_json::Value =
        serde_json::from_str(&viewer.get("/api/v1/members?q=", None).await.body).unwrap();
    assert_eq!(
        everyone["total"],
        serde_json::json!({"kind": "exact", "count": 34})
    );
    assert!(everyone["next"].is_null());
    let everyone = everyone["members"].as_array().unwrap();
    assert_eq!(everyone.len(), 34);
    assert!(
        everyone.iter().all(|h| h.get("birth_date").is_none()),
        "a viewer gets names, not birth dates"
    );
    let page = sec.get("/members?q=nguyen", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"q\" value=\"nguyen\""));

    // The dossier in the browser: checklist, a refused step shown by the form, then the step.
    let created = sec.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB1", "full_name": "Lò Thị Bốn", "birth_date": "2001-02-03", "date": "2026-11-02"})).await;
    let cid = serde_json::from_str::<serde_json::Value>(&created.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let form = |c: &Client, path: String, body: String| {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &c.cookie)
            .body(Body::from(body))
            .unwrap();
        let router = c.router.clone();
        async move { send(&router, req).await }
    };
    let dossier = sec.get(&format!("/candidates/{cid}"), None).await;
    assert_eq!(dossier.status, StatusCode::OK);
    assert!(
        dossier.body.contains("NQ-GIUPDO")
            && dossier
                .body
                .contains("name=\"stage\" value=\"sympathiser\"")
    );
    let doc = form(
        &sec,
        format!("/candidates/{cid}/document"),
        format!("csrf={}&code=NQ-GIUPDO", sec.csrf),
    )
    .await;
    assert_eq!(doc.status, StatusCode::SEE_OTHER);
    let refused = form(
        &sec,
        format!("/candidates/{cid}/step"),
        format!("csrf={}&stage=sympathiser&date=", sec.csrf),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = refused
        .body
        .split("id=\"refusal\">")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(msg.contains("mentor"), "{msg}");
    let forged = form(
        &sec,
        format!("/candidates/{cid}/step"),
        "csrf=nope&stage=sympathiser".into(),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let official = app
        .unit_page(&sys, "BVPHCN.CB1", None)
        .await
        .unwrap()
        .members
        .iter()
        .find(|m| m.status == ranks_domain::MemberStatus::Official)
        .unwrap()
        .id;
    assert_eq!(
        sec.post(
            &format!("/api/v1/candidates/{cid}/mentors"),
            serde_json::json!({"member_id": official, "date": "2026-11-03"})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let ok = form(
        &sec,
        format!("/candidates/{cid}/step"),
        format!("csrf={}&stage=sympathiser", sec.csrf),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = sec.get(&format!("/candidates/{cid}"), None).await;
    assert!(
        after.body.contains("name=\"stage\" value=\"course\""),
        "the next step is now the course"
    );
    assert_eq!(
        viewer.get(&format!("/candidates/{cid}"), None).await.status,
        StatusCode::OK
    );
    let other = app
        .unit_page(&sys, "CDC", None)
        .await
        .unwrap()
        .candidates_by_stage[0]
        .1[0]
        .id;
    assert_eq!(
        sec.get(&format!("/candidates/{other}"), None).await.status,
        StatusCode::NOT_FOUND
    );

    // Signing out ends the session.
    let req = Request::post("/logout")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &sec.cookie)
        .body(Body::from(format!("csrf={}", sec.csrf)))
        .unwrap();
    let out = send(&router, req).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sec.get("/units/BVPHCN.CB1", None).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn the_openapi_document_matches_the_routes(db: TestDb) {
    let c = demo_router(&db).await;
    let doc: serde_json::Value =
        serde_json::from_str(&c.get("/api/openapi.json", None).await.body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let listed = ranks_web::api_routes();
    assert_eq!(
        paths.len(),
        listed
            .iter()
            .map(|r| r.path)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            + 1
    );
    for route in &listed {
        let (method, path) = (&route.method, &route.path);
        assert!(
            paths[*path].get(*method).is_some(),
            "{method} {path} documented"
        );
        // Each documented route answers as a route (not the fallback, not 405).
        let uri = path
            .replace("{code}", "DBSYT")
            .replace("{id}", "1")
            .replace("{year}", "2025")
            .replace("{member}", "1");
        let r = if *method == "get" {
            c.get(&uri, None).await
        } else {
            c.post(&uri, serde_json::json!({})).await
        };
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !r.body.contains("Không tìm thấy: /api"),
            "{method} {path} is not routed: {}",
            r.body
        );
    }
    // And the fallback does answer for a path nobody documented.
    let missing = c.get("/api/v1/nothing-here", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing
            .body
            .contains("Không tìm thấy: /api/v1/nothing-here"),
        "{}",
        missing.body
    );
}

/// The document describes what each route reads (the JSON Schema of the
/// handler's own types), and every API refusal is JSON with a message,
/// including axum's own (a bad query string, path or content type, a
/// method the route does not have).
async fn api_bodies_are_documented_and_refusals_explained(db: TestDb) {
    let c = demo_router(&db).await;
    let doc: serde_json::Value =
        serde_json::from_str(&c.get("/api/openapi.json", None).await.body).unwrap();
    for route in ranks_web::api_routes() {
        let op = &doc["paths"][route.path][route.method];
        if route.method == "post" {
            assert!(
                op["requestBody"]["content"]
                    .as_object()
                    .is_some_and(|c| !c.is_empty()),
                "{} {} documents its body",
                route.method,
                route.path
            );
            assert!(op["responses"]["409"].is_object(), "{}", route.path);
        }
        assert!(
            op["responses"][route.success.to_string()].is_object(),
            "{} {}",
            route.method,
            route.path
        );
    }
    let schemas = &doc["components"]["schemas"];
    let step = &schemas["StepBody"];
    assert_eq!(step["required"], serde_json::json!(["stage"]), "{step}");
    assert_eq!(
        step["additionalProperties"], false,
        "unknown fields are refused"
    );
    assert_eq!(step["properties"]["date"]["format"], "date");
    assert_eq!(
        step["properties"]["vote"]["anyOf"][0]["$ref"], "#/components/schemas/VoteBody",
        "{step}"
    );
    assert!(schemas["VoteBody"]["required"].as_array().unwrap().len() == 4);
    let rollup = doc["paths"]["/api/v1/rollup"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = rollup.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["cursor", "depth", "from", "limit", "org", "term", "to"]
    );
    assert_eq!(rollup[1]["schema"]["type"], "integer", "depth");
    // What the schema calls invalid is refused, each with a message naming
    // what was wrong.
    let cases: Vec<(Resp, StatusCode, &str)> = vec![
        (
            c.get("/api/v1/rollup?depth=-1", None).await,
            StatusCode::BAD_REQUEST,
            "depth",
        ),
        (
            c.get("/api/v1/rollup?term=2020-2025&from=x", None).await,
            StatusCode::BAD_REQUEST,
            "from",
        ),
        (
            c.get("/api/v1/rollup?term=2020-2025&from=2021-01-01", None)
                .await,
            StatusCode::BAD_REQUEST,
            "not both",
        ),
        (
            c.get("/api/v1/candidates/abc", None).await,
            StatusCode::BAD_REQUEST,
            "abc",
        ),
        (
            c.get("/api/v1/nothing", None).await,
            StatusCode::NOT_FOUND,
            "/api/v1/nothing",
        ),
        (
            c.post("/api/v1/terms", serde_json::json!({})).await,
            StatusCode::METHOD_NOT_ALLOWED,
            "POST",
        ),
        (
            c.post(
                "/api/v1/candidates/1/steps",
                serde_json::json!({"stage": "pool", "colour": 1}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "colour",
        ),
        (
            c.post("/api/v1/candidates/1/documents", serde_json::json!({}))
                .await,
            StatusCode::BAD_REQUEST,
            "code",
        ),
    ];
    for (r, status, needle) in cases {
        assert_eq!(r.status, status, "{}", r.body);
        assert!(r.content_type.starts_with("application/json"), "{r:?}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let msg = v["error"].as_str().unwrap_or_default();
        assert!(msg.contains(needle), "{msg:?} names {needle}");
    }
    // Without a JSON content type: 400 with the reason, not an empty 415.
    let req = Request::post("/api/v1/candidates/1/documents")
        .header(header::COOKIE, &c.cookie)
        .header("x-csrf-token", &c.csrf)
        .body(Body::from("code=6-KND"))
        .unwrap();
    let r = c.send(req).await;
    assert!(r.status.is_client_error(), "{r:?}");
    assert!(r.body.contains("Content-Type"), "{}", r.body);
    // The import's refusal carries the sentence and every row's problem.
    let req = Request::post("/api/v1/import?kind=members&dry_run=true")
        .header(header::COOKIE, &c.cookie)
        .header("x-csrf-token", &c.csrf)
        .body(Body::from(vec![0x89u8, b'P', b'N', b'G', 0xff, 0xfe]))
        .unwrap();
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        v["error"].as_str().unwrap().contains("nothing was written"),
        "{v}"
    );
    assert!(v["errors"].as_array().is_some_and(|e| !e.is_empty()), "{v}");
}

/// Every route that names a unit or a candidate, for every role, inside and
/// outside what the role may see: 200 inside, 404 outside.
async fn the_access_matrix(db: TestDb) {
    use ranks_app::auth::Role;
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    let pw = "demo-ranks-2025";
    let cdc = app.unit_page(&sys, "CDC", None).await.unwrap();
    let cdc_supervisor = cdc
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .unwrap()
        .member_id;
    app.add_user(&sys, "admin", pw, Role::Admin, None, None)
        .await
        .unwrap();
    app.add_user(&sys, "staff", pw, Role::Staff, Some("BVPHCN"), None)
        .await
        .unwrap();
    app.add_user(&sys, "viewer", pw, Role::Viewer, Some("BVPHCN"), None)
        .await
        .unwrap();
    app.add_user(
        &sys,
        "secretary",
        pw,
        Role::Secretary,
        Some("BVPHCN.CB1"),
        None,
    )
    .await
    .unwrap();
    app.add_user(
        &sys,
        "supervisor",
        pw,
        Role::Supervisor,
        None,
        Some(cdc_supervisor),
    )
    .await
    .unwrap();
    let candidate_in = |code: &str| {
        let app = app.clone();
        let code = code.to_string();
        async move {
            let page = app.unit_page(&Actor::system(), &code, None).await.unwrap();
            page.candidates_by_stage
                .iter()
                .flat_map(|(_, c)| c)
                .find(|c| c.unit_code.as_str() == code || !code.contains('.'))
                .unwrap()
                .id
        }
    };
    // (user, a unit inside, a unit outside)
    let cases = [
        ("admin", "CDC", None),
        ("staff", "BVPHCN", Some("CDC")),
        ("viewer", "BVPHCN", Some("CDC")),
        ("secretary", "BVPHCN.CB1", Some("BVPHCN.CB2")),
        ("supervisor", "CDC", Some("BVPHCN")),
    ];
    let routes = [
        "/units/{u}",
        "/units/{u}/plan",
        "/members?org={u}",
        "/candidates/{c}",
        "/history/candidate/{c}",
        "/export/achievement?org={u}&term=2020-2025",
        "/export/members?org={u}",
        "/export/candidates?org={u}&format=xlsx",
        "/export/due?org={u}",
        "/export/forecast?org={u}&term=2025-2030",
        "/export/evaluation?org={u}&year=2025",
        "/export/statistics?org={u}&year=2025",
        "/units/{u}/achievement.pdf?term=2020-2025",
        "/candidates/{c}/checklist.pdf",
        "/api/v1/units/{u}/achievement?term=2020-2025",
        "/api/v1/due?org={u}",
        "/api/v1/analytics?org={u}",
        "/api/v1/forecast?term=2025-2030&org={u}",
        "/api/v1/allocation?period=2025&org={u}",
        "/api/v1/members?org={u}",
        "/api/v1/evaluation?year=2025&org={u}",
        "/api/v1/candidates/{c}",
    ];
    // Writes: bodies that would be refused anyway, so nothing is written;
    // what matters is 404 outside (nothing confirmed), 403 for a role that
    // does not write, and inside a validation answer (4xx, not 404).
    let writes: [(&str, serde_json::Value); 6] = [
        (
            "/api/v1/candidates/{c}/documents",
            serde_json::json!({"code": "NO-SUCH-FORM"}),
        ),
        (
            "/api/v1/candidates/{c}/steps",
            serde_json::json!({"stage": "no_such_stage"}),
        ),
        (
            "/api/v1/candidates/{c}/mentors",
            serde_json::json!({"member_id": -1}),
        ),
        (
            "/api/v1/candidates/{c}/certificates",
            serde_json::json!({"issued_on": "2099-01-01", "number": "x"}),
        ),
        (
            "/api/v1/units/{u}/targets",
            serde_json::json!({"period": "2025", "value": -1}),
        ),
        (
            "/api/v1/candidates",
            serde_json::json!({"cell": "{u}", "full_name": "", "birth_date": "not a date"}),
        ),
    ];
    let mut checked = 0;
    let mut with_token = 0;
    for (user, inside, outside) in cases {
        let client = sign_in(&router, user, pw)
            .await
            .unwrap_or_else(|r| panic!("{user}: {}", r.status));
        let token = app.create_token(user, "matrix", 1).await.unwrap();
        let role = Role::parse(user).unwrap();
        for (unit, is_inside) in [(Some(inside), true), (outside, false)] {
            let Some(unit) = unit else { continue };
            let cand = candidate_in(unit).await;
            for route in routes {
                let uri = route.replace("{u}", unit).replace("{c}", &cand.to_string());
                let picker = uri.starts_with("/members?org=");
                let expect = match (is_inside, role) {
                    // The registry's unit picker says "not found" on its page,
                    // as for a unit that does not exist (issue 15).
                    (false, _) if picker => StatusCode::OK,
                    (false, _) => StatusCode::NOT_FOUND,
                    // A viewer sees no personal details: the history is closed to it.
                    (true, Role::Viewer) if uri.starts_with("/history/") => StatusCode::FORBIDDEN,
                    (true, _) => StatusCode::OK,
                };
                let r = client.get(&uri, None).await;
                assert_eq!(
                    r.status,
                    expect,
                    "{user} {uri}: {}",
                    &r.body[..r.body.len().min(200)]
                );
                if picker {
                    assert_eq!(
                        r.body.contains("id=\"org-error\""),
                        !is_inside,
                        "{user} {uri}"
                    );
                }
                checked += 1;
                if uri.starts_with("/api/") || uri.starts_with("/export/") {
                    let r = bearer(&router, "GET", &uri, &token, None).await;
                    assert_eq!(r.status, expect, "{user} token {uri}");
                    with_token += 1;
                }
            }
            for (route, body) in &writes {
                let fill = |u: &str, c: &str| {
                    let uri = route.replace("{u}", u).replace("{c}", c);
                    let body: serde_json::Value =
                        serde_json::from_str(&body.to_string().replace("{u}", u)).unwrap();
                    (uri, body)
                };
                let (uri, body) = fill(unit, &cand.to_string());
                // The same request about a record that does not exist at all.
                let (ghost_uri, ghost_body) = fill("KHONGCO.CB9", "999999");
                let ghost = client.post(&ghost_uri, ghost_body).await;
                for r in [
                    client.post(&uri, body.clone()).await,
                    bearer(&router, "POST", &uri, &token, Some(body.clone())).await,
                ] {
                    let s = r.status;
                    if !role.writes() {
                        // Refused for the role (or for a malformed body, alike for any record).
                        assert!(
                            s == StatusCode::FORBIDDEN
                                || (s == StatusCode::BAD_REQUEST && ghost.status == s),
                            "{user} POST {uri}: {s} {}",
                            r.body
                        );
                    } else if is_inside {
                        // Reached the record: refused for its body, not "unknown".
                        assert!(
                            s.is_client_error()
                                && !r.body.contains("unknown candidate")
                                && !r.body.contains("unknown unit"),
                            "{user} POST {uri}: {s} {}",
                            r.body
                        );
                    } else {
                        // Outside answers exactly as if the record did not exist.
                        assert_eq!(
                            (
                                s,
                                r.body
                                    .replace(unit, "KHONGCO.CB9")
                                    .replace(&cand.to_string(), "999999")
                            ),
                            (ghost.status, ghost.body.clone()),
                            "{user} POST {uri} outside"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, (routes.len() + writes.len() * 2) * 9);
    eprintln!(
        "access matrix: {checked} requests ({} GET routes and {} write routes × 5 roles × inside/outside, \
         {with_token} more with script tokens)",
        routes.len(),
        writes.len()
    );
    // Nothing was written by the refused writes.
    let garbage = bearer(&router, "GET", "/api/v1/terms", "rk_not_a_token", None).await;
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
}

/// Script tokens act as their user, need no CSRF token, and stop working
/// when revoked or expired.
async fn script_tokens(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    app.add_user(
        &sys,
        "canbo",
        "demo-ranks-2025",
        ranks_app::auth::Role::Staff,
        Some("BVPHCN"),
        None,
    )
    .await
    .unwrap();
    assert!(
        app.create_token("canbo", "", 30).await.is_err(),
        "a token needs a name"
    );
    assert!(app.create_token("canbo", "x", 0).await.is_err());
    assert!(app.create_token("nobody", "x", 1).await.is_err());
    let token = app
        .create_token("canbo", "nightly export", 30)
        .await
        .unwrap();
    assert!(token.starts_with("rk_") && token.len() > 40);
    let ok = bearer(
        &router,
        "GET",
        "/api/v1/units/BVPHCN/achievement?term=2020-2025",
        &token,
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        bearer(
            &router,
            "GET",
            "/api/v1/units/CDC/achievement?term=2020-2025",
            &token,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let created = bearer(
        &router,
        "POST",
        "/api/v1/candidates",
        &token,
        Some(serde_json::json!({"cell": "BVPHCN.CB2", "full_name": "Hà Văn Tư", "birth_date": "1999-09-09"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let csv = bearer(
        &router,
        "GET",
        "/export/candidates?q=ha%20van%20tu",
        &token,
        None,
    )
    .await;
    assert!(csv.body.contains("Hà Văn Tư"), "{}", csv.body);
    // The audit log names the token's user.
    let id = serde_json::from_str::<serde_json::Value>(&created.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let hist = app
        .history(&sys, ranks_app::history::Entity::Candidate, id)
        .await
        .unwrap();
    assert_eq!(hist[0].actor, "canbo");
    let listed = app.tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        !format!("{listed:?}").contains(&token[3..]),
        "the list never shows the token"
    );
    app.revoke_token(listed[0].id).await.unwrap();
    assert_eq!(
        bearer(&router, "GET", "/api/v1/terms", &token, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Expired: the same token a year later.
    let token = app.create_token("canbo", "short", 1).await.unwrap();
    let later = db
        .app_on(chrono::NaiveDate::from_ymd_opt(2027, 11, 24).unwrap())
        .await;
    assert_eq!(
        bearer(
            &ranks_web::router(later),
            "GET",
            "/api/v1/terms",
            &token,
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
}

/// A newcomer's journey with nothing but the HTML forms: add a person to a
/// cell's pool, then every step of the profile to recognition, with the
/// documents, mentors, certificate and introducers each step needs; a
/// failing vote is refused and shown; the history and the exports show it.
async fn a_candidate_through_the_whole_procedure_in_forms(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    app.add_user(
        &sys,
        "staff",
        "demo-ranks-2025",
        ranks_app::auth::Role::Staff,
        Some("BVPHCN"),
        None,
    )
    .await
    .unwrap();
    let staff = sign_in(&router, "staff", "demo-ranks-2025").await.unwrap();
    // The decisions are the competent committee's, above the grassroots
    // (profile `recorded_by`): its staff records them.
    app.add_user(
        &sys,
        "btc",
        "demo-ranks-2025",
        ranks_app::auth::Role::Staff,
        Some("DBSYT"),
        None,
    )
    .await
    .unwrap();
    let superior = sign_in(&router, "btc", "demo-ranks-2025").await.unwrap();
    // The cell's own steps are its secretary's.
    app.add_user(
        &sys,
        "bithu",
        "demo-ranks-2025",
        ranks_app::auth::Role::Secretary,
        Some("BVPHCN.CB1"),
        None,
    )
    .await
    .unwrap();
    let secretary = sign_in(&router, "bithu", "demo-ranks-2025").await.unwrap();
    let before = app.unit_page(&sys, "BVPHCN", None).await.unwrap();
    let admitted_before = before.rows[0].admitted;
    let count = |p: &ranks_app::reports::UnitPage| {
        p.candidates_by_stage
            .iter()
            .map(|(_, c)| c.len())
            .sum::<usize>()
    };

    // The unit page offers the form; bad input names the field and writes nothing.
    let unit = staff.get("/units/BVPHCN.CB1", None).await;
    assert!(unit
        .body
        .contains("action=\"/units/BVPHCN.CB1/candidates\""));
    let csrf = staff.csrf.clone();
    let bad = staff
        .form(
            "/units/BVPHCN.CB1/candidates",
            &[
                ("csrf", &csrf),
                ("full_name", "Đinh Thị Thu"),
                ("birth_date", "2000-13-06"),
                ("general_grade", "11"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("role=\"alert\">") && bad.body.contains("birth_date"),
        "{}",
        bad.body
    );
    // What was entered stays in the form, to be corrected, not retyped.
    assert_eq!(
        values_of(&bad.body, "full_name"),
        vec!["Đinh Thị Thu".to_string()]
    );
    assert_eq!(
        values_of(&bad.body, "birth_date"),
        vec!["2000-13-06".to_string()]
    );
    assert_eq!(
        values_of(&bad.body, "general_grade"),
        vec!["11".to_string()]
    );
    assert_eq!(
        count(&app.unit_page(&sys, "BVPHCN", None).await.unwrap()),
        count(&before)
    );
    let added = staff
        .form(
            "/units/BVPHCN.CB1/candidates",
            &[
                ("csrf", &csrf),
                ("full_name", "Đinh Thị Thu"),
                ("birth_date", "2000-05-06"),
                ("gender", "Nữ"),
                ("general_grade", "12"),
                ("date", "2025-01-06"),
                // Of youth age, where the cell has a Youth Union organisation.
                ("youth_union_member", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let path = added.location.clone();
    let id: i64 = path.trim_start_matches("/candidates/").parse().unwrap();

    let page = staff.get(&path, None).await.body;
    let choices = options_of(&page, "mentor-member");
    assert!(choices.len() >= 3, "official members offered: {choices:?}");
    assert!(!choices.iter().any(|(_, l)| l.contains("Đinh Thị Thu")));
    let ok =
        |r: &Resp, what: &str| assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}: {}", r.body);
    ok(
        &staff
            .form(
                &format!("{path}/mentor"),
                &[
                    ("csrf", &csrf),
                    ("member", &choices[0].0),
                    ("date", "2025-01-06"),
                ],
            )
            .await,
        "mentor",
    );
    ok(
        &staff
            .form(
                &format!("{path}/mentor"),
                &[
                    ("csrf", &csrf),
                    ("member", &choices[1].0),
                    ("date", "2025-01-06"),
                ],
            )
            .await,
        "mentor 2",
    );
    let bad_cert = staff
        .form(
            &format!("{path}/certificate"),
            &[("csrf", &csrf), ("issued", ""), ("number", "12/CN")],
        )
        .await;
    assert_eq!(bad_cert.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_cert.body.contains("issued"));

    let mut day = chrono::NaiveDate::from_ymd_opt(2025, 1, 20).unwrap();
    let mut ceremony = None;
    let mut walked = vec![];
    // Page loads and forms sent per stage, by every role together.
    let tallied = || {
        [&secretary, &staff, &superior]
            .iter()
            .map(|c| c.tally.now())
            .fold((0, 0), |(g, p), (cg, cp)| (g + cg, p + cp))
    };
    let mut per_stage = vec![];
    loop {
        let start = tallied();
        // Each step by the lowest body that records it: the cell's
        // secretary, the grassroots committee's staff, the superior
        // committee's staff. A body below sees who records it and no form.
        let mut by = None;
        for client in [&secretary, &staff, &superior] {
            let page = client.get(&path, None).await.body;
            ranks_testkit::wording::assert_vietnamese(&path, &page);
            if page.contains("id=\"recorded-by\"") {
                assert!(!page.contains(&format!("action=\"{path}/step\"")), "{page}");
                continue;
            }
            by = Some((client, page));
            break;
        }
        let (client, page) = by.expect("some body records the step");
        let csrf = client.csrf.clone();
        let Some(stage) = values_of(&page, "stage").into_iter().next() else {
            break;
        };
        if stage == "recognition_cell_vote" {
            day = ceremony.unwrap() + chrono::Months::new(12) + chrono::Days::new(7);
        }
        let date = day.to_string();
        match stage.as_str() {
            "course" => ok(
                &client
                    .form(
                        &format!("{path}/certificate"),
                        &[
                            ("csrf", &csrf),
                            ("issued", &date),
                            ("number", "125/GCN-TTCT"),
                        ],
                    )
                    .await,
                "certificate",
            ),
            "introduction" => {
                // Of youth age where there is a Youth Union organisation:
                // two official members alone are refused, naming the route.
                for m in &choices[..2] {
                    ok(
                        &client
                            .form(
                                &format!("{path}/introducer"),
                                &[
                                    ("csrf", &csrf),
                                    ("member", &m.0),
                                    ("since", "2023-01-02"),
                                    ("date", &date),
                                ],
                            )
                            .await,
                        "introducer",
                    );
                }
                ok(
                    &client
                        .form(
                            &format!("{path}/document"),
                            &[("csrf", &csrf), ("code", "3-KNĐ"), ("date", &date)],
                        )
                        .await,
                    "3-KNĐ",
                );
                let refused = client
                    .form(
                        &format!("{path}/step"),
                        &[("csrf", &csrf), ("stage", "introduction"), ("date", &date)],
                    )
                    .await;
                assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
                ranks_testkit::wording::assert_vietnamese("refused introduction", &refused.body);
                ranks_testkit::wording::assert_way_forward("refused introduction", &refused.body);
                assert!(
                    refused.body.contains("ban chấp hành Đoàn cơ sở")
                        && refused.body.contains("4-KNĐ"),
                    "{}",
                    refused.body
                );
                // What to do next: a link to the introducer form on the page.
                assert!(
                    refused.body.contains("href=\"#introducers\"")
                        && refused.body.contains("id=\"introducers\""),
                    "{}",
                    refused.body
                );
                // The form offers the Youth Union's resolution; recording it
                // records its form 4-KNĐ on that day (no dead end).
                let intro = options_of(&page, "intro-member");
                assert_eq!(intro[0].0, "", "{intro:?}");
                assert!(intro[0].1.contains("4-KNĐ"), "{intro:?}");
                assert!(
                    intro
                        .iter()
                        .any(|(v, l)| v == "trade_union" && l.contains("4A-KNĐ")),
                    "{intro:?}"
                );
                ok(
                    &client
                        .form(
                            &format!("{path}/introducer"),
                            &[("csrf", &csrf), ("member", ""), ("date", &date)],
                        )
                        .await,
                    "Youth Union introducer",
                );
                let f = app.candidate_file(&sys, id).await.unwrap();
                assert!(
                    f.documents.iter().any(|(c, on)| c == "4-KNĐ" && *on == day),
                    "{:?}",
                    f.documents
                );
                assert_eq!(f.memberships, (true, false));
                let shown = client.get(&path, None).await.body;
                assert!(shown.contains("4-KNĐ) — "), "{shown}");
            }
            "ceremony" => {
                // The decision's receipt is assumed until recorded (issue
                // 14.5); the form next to the deadline records it.
                assert!(
                    page.contains(&format!("action=\"{path}/receipt\"")),
                    "{page}"
                );
                ok(
                    &client
                        .form(
                            &format!("{path}/receipt"),
                            &[("csrf", &csrf), ("received_on", &date)],
                        )
                        .await,
                    "receipt",
                );
                let recorded = client.get(&path, None).await.body;
                assert!(!recorded.contains(&format!("action=\"{path}/receipt\"")));
                // Whom the recording body may choose (a cell's secretary
                // sees the cell's members).
                let own = options_of(&page, "mentor-member");
                ok(
                    &client
                        .form(
                            &format!("{path}/mentor"),
                            &[
                                ("csrf", &csrf),
                                ("member", &own.last().expect("a probation mentor offered").0),
                                ("probation", "1"),
                                ("date", &date),
                            ],
                        )
                        .await,
                    "probation mentor",
                );
            }
            _ => {}
        }
        let recorded = app.candidate_file(&sys, id).await.unwrap().documents;
        for code in values_of(&page, "code") {
            if recorded.iter().any(|(c, _)| *c == code) {
                continue;
            }
            ok(
                &client
                    .form(
                        &format!("{path}/document"),
                        &[("csrf", &csrf), ("code", &code), ("date", &date)],
                    )
                    .await,
                &code,
            );
        }
        let mut fields = vec![
            ("csrf", csrf.clone()),
            ("stage", stage.clone()),
            ("date", date.clone()),
        ];
        if page.contains("name=\"eligible\"") {
            // A vote of the cell proposes the registry's official members
            // on the day; a committee's vote leaves its members to enter.
            // The form proposes it for today; changing the date asks for
            // the count on that day (htmx swaps the field in).
            assert!(page.contains(&format!(
                "hx-get=\"/candidates/{id}/eligible?stage={stage}\""
            )));
            let field = client
                .get(&format!("{path}/eligible?stage={stage}&date={date}"), None)
                .await
                .body;
            let proposed = values_of(&field, "eligible").into_iter().next().unwrap();
            let eligible: u32 = if stage.ends_with("cell_vote") {
                assert!(field.contains("id=\"registry-hint\""), "{field}");
                assert!(page.contains("Số đảng viên chính thức của chi bộ"));
                proposed
                    .parse()
                    .expect("eligible proposed from the registry")
            } else {
                assert_eq!(proposed, "", "{stage}");
                assert!(
                    page.contains("Số cấp ủy viên")
                        && !page.contains("Số đảng viên chính thức của chi bộ")
                );
                9
            };
            if stage == "cell_vote" {
                // Another number than the registry's, without a reason:
                // refused, and the form keeps what was entered.
                let wrong = (eligible + 6).to_string();
                let refused = client
                    .form(
                        &format!("{path}/step"),
                        &[
                            ("csrf", &csrf),
                            ("stage", &stage),
                            ("date", &date),
                            ("eligible", &wrong),
                            ("present", "4"),
                            ("in_favour", "3"),
                            ("against", "1"),
                        ],
                    )
                    .await;
                assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
                ranks_testkit::wording::assert_vietnamese("refused eligible", &refused.body);
                ranks_testkit::wording::assert_way_forward("refused eligible", &refused.body);
                assert!(refused.body.contains("vote.eligible"), "{}", refused.body);
                assert_eq!(values_of(&refused.body, "eligible"), vec![wrong.clone()]);
                assert_eq!(values_of(&refused.body, "present"), vec!["4".to_string()]);
                assert_eq!(values_of(&refused.body, "in_favour"), vec!["3".to_string()]);
                assert_eq!(values_of(&refused.body, "against"), vec!["1".to_string()]);
                assert_eq!(values_of(&refused.body, "date"), vec![date.clone()]);
                // Under two thirds of the registry's: refused, shown, nothing written.
                let half = (eligible / 2).to_string();
                let refused = client
                    .form(
                        &format!("{path}/step"),
                        &[
                            ("csrf", &csrf),
                            ("stage", &stage),
                            ("date", &date),
                            ("eligible", &eligible.to_string()),
                            ("present", &eligible.to_string()),
                            ("in_favour", &half),
                            ("against", "0"),
                        ],
                    )
                    .await;
                assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
                ranks_testkit::wording::assert_vietnamese("refused vote", &refused.body);
                ranks_testkit::wording::assert_way_forward("refused vote", &refused.body);
                let msg = refused
                    .body
                    .split("id=\"refusal\">")
                    .nth(1)
                    .unwrap()
                    .split("</p>")
                    .next()
                    .unwrap()
                    .to_string();
                assert!(
                    msg.contains("2/3") || msg.contains("two thirds") || msg.contains("vote"),
                    "{msg}"
                );
            }
            for (k, v) in [
                ("eligible", eligible),
                ("present", eligible),
                ("in_favour", eligible),
                ("against", 0),
            ] {
                fields.push((k, v.to_string()));
            }
        }
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ok(&client.form(&format!("{path}/step"), &refs).await, &stage);
        if stage == "ceremony" {
            ceremony = Some(day);
        }
        let end = tallied();
        per_stage.push(format!(
            "{stage}: {} page loads, {} forms sent",
            end.0 - start.0,
            end.1 - start.1
        ));
        walked.push(stage);
        day = day + chrono::Days::new(14);
        assert!(walked.len() < 30, "the walk does not end: {walked:?}");
    }
    eprintln!("the forms walk, per stage:\n  {}", per_stage.join("\n  "));
    assert_eq!(walked.first().map(String::as_str), Some("sympathiser"));
    assert_eq!(
        walked.last().map(String::as_str),
        Some("recognised"),
        "{walked:?}"
    );
    let f = app.candidate_file(&sys, id).await.unwrap();
    assert_eq!(f.stage, "recognised");
    // The votes on the dossier: in its header and with each vote's step.
    let done = staff.get(&path, None).await.body;
    assert!(done.contains("id=\"last-vote\""), "{done}");
    assert_eq!(
        done.matches("tán thành (100,0%)").count(),
        1 + f.votes.len(),
        "{done}"
    );
    let member = f.member_id.expect("the decision made a member");
    let after = app.unit_page(&sys, "BVPHCN", None).await.unwrap();
    let m = after
        .members
        .iter()
        .find(|m| m.id == member)
        .expect("listed as a member");
    assert_eq!(m.status, ranks_domain::MemberStatus::Official);
    assert!(
        after.rows[0].admitted >= admitted_before,
        "admissions never drop"
    );

    // The history shows every write with who made it.
    let hist = staff.get(&format!("/history/candidate/{id}"), None).await;
    assert_eq!(hist.status, StatusCode::OK);
    assert!(
        hist.body.matches("<tr>").count() > walked.len(),
        "{}",
        hist.body
    );
    assert!(hist.body.contains("staff"));
    // Exports carry the person, in CSV with a BOM and in XLSX.
    let csv = staff
        .get("/export/members?format=csv&org=BVPHCN", None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(
        csv.body.starts_with('\u{feff}') && csv.body.contains("Đinh Thị Thu,06/05/2000"),
        "{}",
        &csv.body[..200]
    );
    let xlsx = staff
        .get("/export/candidates?format=xlsx&q=dinh%20thi", None)
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type.contains("spreadsheetml"));
    // The package is compressed: the name is in it once unpacked.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx.bytes)).unwrap();
    let mut unpacked = String::new();
    for i in 0..zip.len() {
        std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut unpacked).unwrap();
    }
    assert!(unpacked.contains("Đinh Thị Thu"));
    assert_eq!(
        staff.get("/export/members?format=pdf", None).await.status,
        StatusCode::BAD_REQUEST
    );
    // The printable dossier and report.
    for (uri, title) in [
        (
            format!("/candidates/{id}/checklist.pdf"),
            "Danh mục hồ sơ kết nạp: Đinh Thị Thu",
        ),
        (
            "/units/BVPHCN/achievement.pdf?term=2025-2030".to_string(),
            "Báo cáo kết quả phát triển đảng viên",
        ),
    ] {
        let pdf = staff.get(&uri, None).await;
        assert_eq!(pdf.status, StatusCode::OK, "{uri}");
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(
            pdf.body.starts_with("%PDF-") && pdf.body.contains("/FontFile2"),
            "{uri}"
        );
        // The text reads back, tone marks and all, through the embedded font's ToUnicode map.
        let text = pdf_text::text_of(&pdf.bytes);
        assert!(text.contains(title), "{uri}: {text}");
        if uri.contains("checklist") {
            assert!(text.contains("tán thành (100,0%)"), "{uri}: {text}");
        }
    }
}

/// Import in the browser: a file with bad rows is previewed with each
/// problem and writes nothing; a good one is previewed, confirmed, written;
/// the confirmation works once and only for its uploader. The API does the same.
async fn import_with_preview(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    for (u, unit) in [("canbo", "BVPHCN"), ("canbo2", "CDC")] {
        app.add_user(
            &sys,
            u,
            "demo-ranks-2025",
            ranks_app::auth::Role::Staff,
            Some(unit),
            None,
        )
        .await
        .unwrap();
    }
    let staff = sign_in(&router, "canbo", "demo-ranks-2025").await.unwrap();
    let other = sign_in(&router, "canbo2", "demo-ranks-2025").await.unwrap();
    let members = || async { app.member_count(&sys, None).await.unwrap() };
    let before = members().await;
    assert_eq!(staff.get("/import", None).await.status, StatusCode::OK);

    let bad = "\u{feff}unit,full_name,gender,birth_date,id_number,phone,admitted_on,status\n\
               BVPHCN.CB1,Vi Văn Mười,Nam,31/02/1990,001090001234,0912345678,15/03/2024,dự bị\n\
               CDC.CB1,Hà Thị Mười Một,Nữ,01/01/1991,,,15/03/2024,dự bị\n\
               BVPHCN.CB2,Lục Thị Mười Hai,Nữ,02/02/1992,,,15/03/2024,dự bị\n";
    let r = send(
        &router,
        staff.multipart(
            &[("csrf", &staff.csrf), ("kind", "auto")],
            ("dang-vien.csv", bad.as_bytes()),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // In the page's language, the column by its name and as the file has it.
    assert!(
        r.body
            .contains("Dòng 2, cột Ngày sinh (<code>birth_date</code>)")
            && r.body.contains("“31/02/1990” không phải là ngày"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("Dòng 3, cột") && r.body.contains("không có đơn vị “CDC.CB1”"),
        "outside the subtree: {}",
        r.body
    );
    ranks_testkit::wording::assert_vietnamese("import preview with errors", &r.body);
    assert!(
        !r.body.contains("import-confirm"),
        "no confirmation for a file with errors"
    );
    assert_eq!(members().await, before, "nothing written");

    let good = bad
        .replace("31/02/1990", "28/02/1990")
        .replace("CDC.CB1", "BVPHCN.CB3");
    let r = send(
        &router,
        staff.multipart(
            &[("csrf", &staff.csrf), ("kind", "members")],
            ("dang-vien.csv", good.as_bytes()),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("001090001234") && r.body.contains("0912345678"),
        "leading zeros kept"
    );
    assert_eq!(members().await, before, "a preview writes nothing");
    let upload = r
        .body
        .split("name=\"upload\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // Another user cannot confirm someone else's upload.
    let stolen = other
        .form(
            "/import/commit",
            &[("csrf", &other.csrf), ("upload", &upload)],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::GONE);
    let done = staff
        .form(
            "/import/commit",
            &[("csrf", &staff.csrf), ("upload", &upload)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"import-done\""));
    assert_eq!(members().await, before + 3);
    let again = staff
        .form(
            "/import/commit",
            &[("csrf", &staff.csrf), ("upload", &upload)],
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE, "an upload is written once");
    assert_eq!(members().await, before + 3);
    let forged = staff
        .form("/import/commit", &[("csrf", "x"), ("upload", &upload)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The API: dry run, then the import; a token works as the user.
    let token = app.create_token("canbo", "import", 1).await.unwrap();
    let csv = "cell,full_name,gender,birth_date\nBVPHCN.CB2,Nông Văn Ba,Nam,03/03/2003\n";
    let req = |dry: bool| {
        Request::post(format!("/api/v1/import?filename=nguon.csv&dry_run={dry}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv))
            .unwrap()
    };
    let dry = send(&router, req(true)).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&dry.body).unwrap()["kind"],
        "candidates"
    );
    assert!(app
        .search_candidates(&sys, None, "nong van ba")
        .await
        .unwrap()
        .is_empty());
    let wet = send(&router, req(false)).await;
    assert_eq!(wet.status, StatusCode::OK, "{}", wet.body);
    assert_eq!(
        app.search_candidates(&sys, None, "nong van ba")
            .await
            .unwrap()
            .len(),
        1
    );
}

/// The member page: details for those who may see them, a movement form,
/// and a trace of every read of the full record by anyone but the member's
/// own unit staff.
async fn member_page_movements_and_read_log(db: TestDb) {
    use ranks_app::auth::Role;
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    for (u, role, unit) in [
        ("canbo", Role::Staff, Some("BVPHCN")),
        ("xem", Role::Viewer, Some("BVPHCN")),
        ("tinh", Role::Staff, Some("DBSYT")),
    ] {
        app.add_user(&sys, u, "demo-ranks-2025", role, unit, None)
            .await
            .unwrap();
    }
    let page = app.unit_page(&sys, "BVPHCN.CB1", None).await.unwrap();
    let m = page
        .members
        .iter()
        .find(|m| m.status == ranks_domain::MemberStatus::Official)
        .unwrap();
    let reads = |who: &'static str| {
        let app = app.clone();
        let id = m.id;
        async move {
            app.history(&Actor::system(), ranks_app::history::Entity::Member, id)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.action == "read" && e.actor == who)
                .count()
        }
    };
    let own = sign_in(&router, "canbo", "demo-ranks-2025").await.unwrap();
    let viewer = sign_in(&router, "xem", "demo-ranks-2025").await.unwrap();
    let above = sign_in(&router, "tinh", "demo-ranks-2025").await.unwrap();
    let uri = format!("/members/{}", m.id);
    let p = own.get(&uri, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains(&m.full_name)
            && p.body
                .contains(&m.birth_date.unwrap().format("%d/%m/%Y").to_string())
    );
    assert_eq!(
        reads("canbo").await,
        0,
        "the member's own unit staff leave no read trace"
    );
    let p = above.get(&uri, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(
        reads("tinh").await,
        1,
        "the province's staff reading it is logged"
    );
    above
        .get(
            &format!("/api/v1/candidates/{}", page.candidates_by_stage[0].1[0].id),
            None,
        )
        .await;
    let v = viewer.get(&uri, None).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(
        !v.body
            .contains(&m.birth_date.unwrap().format("%d/%m/%Y").to_string()),
        "no birth date for a viewer"
    );
    assert!(!v.body.contains("mv-kind"), "no movement form for a viewer");
    assert_eq!(
        reads("xem").await,
        0,
        "a viewer does not get the full record"
    );

    // A movement with a missing field is shown by the form; nothing changes.
    let bad = own
        .form(
            &format!("{uri}/movement"),
            &[("csrf", &own.csrf), ("kind", "transfer"), ("cell", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"movement-error\"") && bad.body.contains("cell"),
        "{}",
        bad.body
    );
    let outside = own
        .form(
            &format!("{uri}/movement"),
            &[
                ("csrf", &own.csrf),
                ("kind", "transfer"),
                ("cell", "CDC.CB1"),
            ],
        )
        .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Outside the subtree: said like an unknown cell, by the picker.
    assert!(
        outside.body.contains("id=\"movement-error\"") && outside.body.contains("CDC.CB1"),
        "{}",
        outside.body
    );
    let ok = own
        .form(
            &format!("{uri}/movement"),
            &[
                ("csrf", &own.csrf),
                ("kind", "transfer"),
                ("cell", "BVPHCN.CB2"),
                ("date", "2026-11-20"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = app.member_record(&sys, m.id).await.unwrap();
    assert_eq!(after.unit, "BVPHCN.CB2");
    let hist = own.get(&format!("/history/member/{}", m.id), None).await;
    assert_eq!(hist.status, StatusCode::OK);
    assert!(
        hist.body
            .contains("<td>canbo</td><td>Chuyển sinh hoạt chính thức</td>"),
        "{}",
        hist.body
    );
    // Only what changed is shown for an update: the unit, not the admission date.
    let row = hist
        .body
        .split("<td>Chuyển sinh hoạt chính thức</td>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("Mã đơn vị") && !row.contains("Ngày kết nạp"),
        "{row}"
    );

    // The ground of leaving: offered once the member has left, from the list.
    let before = own.get(&uri, None).await;
    assert!(
        !before.body.contains("id=\"eg-ground\""),
        "not for a current member"
    );
    let removed = own
        .form(
            &format!("{uri}/movement"),
            &[
                ("csrf", &own.csrf),
                ("kind", "remove"),
                ("date", "2026-11-23"),
            ],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let left = own.get(&uri, None).await;
    assert!(
        left.body.contains("id=\"eg-ground\"")
            && left
                .body
                .contains("value=\"abandoned_activities\">Tự bỏ sinh hoạt đảng</option>"),
        "{}",
        left.body
    );
    let bad = own
        .form(
            &format!("{uri}/exit-ground"),
            &[("csrf", &own.csrf), ("ground", "laziness")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"exit-ground-error\""),
        "{}",
        bad.body
    );
    let ok = own
        .form(
            &format!("{uri}/exit-ground"),
            &[
                ("csrf", &own.csrf),
                ("ground", "minor_crime_conviction"),
                ("record_cleared_on", "2025-01-06"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let hist = own.get(&format!("/history/member/{}", m.id), None).await;
    assert!(
        hist.body.contains("Ghi lý do ra khỏi Đảng"),
        "{}",
        hist.body
    );
    assert!(
        hist.body
            .contains("Bị án hình sự về tội phạm ít nghiêm trọng"),
        "{}",
        hist.body
    );
}

/// The search answers htmx with the results fragment, and a browser with
/// the whole page, from the same handler; every response carries the
/// security headers, and no page holds an inline script or style.
async fn fragments_and_security_headers(db: TestDb) {
    let c = demo_router(&db).await;
    let req = Request::get("/members?q=nong%20hong")
        .header(header::COOKIE, &c.cookie)
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let frag = c.send(req).await;
    let h = frag.headers.clone();
    assert_eq!(frag.status, StatusCode::OK);
    assert!(
        frag.body.trim_start().starts_with("<div id=\"results\""),
        "{}",
        &frag.body[..100]
    );
    assert!(!frag.body.contains("<html") && frag.body.contains("Nông Hồng Thủy"));
    // Filters: status and unit, and the export follows them.
    let prob = c
        .get("/members?q=&org=BVPHCN&status=probationary", None)
        .await;
    let official = c.get("/members?q=&org=BVPHCN&status=official", None).await;
    let count = |b: &str| {
        b.split("id=\"members\"")
            .nth(1)
            .unwrap()
            .matches("<tr><td><a href=\"/members/")
            .count()
    };
    let all = c.get("/members?q=&org=BVPHCN", None).await;
    assert!(count(&prob.body) > 0 && count(&official.body) > 0);
    assert_eq!(count(&prob.body) + count(&official.body), count(&all.body));
    assert!(prob
        .body
        .contains("/export/members?format=csv&amp;q=&amp;org=BVPHCN&amp;status=probationary"));
    let csv = c
        .get(
            "/export/members?format=csv&q=&org=BVPHCN&status=probationary",
            None,
        )
        .await;
    assert_eq!(csv.body.lines().count() - 1, count(&prob.body));
    // In the page's language: the status by its name.
    assert!(!csv.body.contains(",Chính thức,"), "{}", csv.body);
    assert!(csv.body.contains(",Dự bị,"), "{}", csv.body);
    let full = c.get("/members?q=nong%20hong", None).await;
    assert!(full.body.contains("<html") && full.body.contains("<div id=\"results\""));
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    // No inline script or style anywhere the CSP would block.
    for uri in [
        "/",
        "/units/BVPHCN",
        "/units/BVPHCN/plan",
        "/members",
        "/import",
        "/login",
    ] {
        let p = c.get(uri, None).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}");
        assert!(
            !p.body.contains(" style=\"") && !p.body.contains("<style"),
            "{uri} has an inline style"
        );
        for script in p.body.split("<script").skip(1) {
            assert!(
                script.trim_start().starts_with("src="),
                "{uri} has an inline script"
            );
        }
    }
    let css = c.get("/static/ranks.css", None).await;
    assert!(
        css.content_type.starts_with("text/css") && css.body.contains(".bar span.w37{width:37%}")
    );
    let js = c.get("/static/htmx-2.0.11.min.js", None).await;
    assert!(js.content_type.starts_with("text/javascript") && js.body.len() > 40_000);
}

/// Targets and evaluation scores from the plan page's forms; the burn-up
/// chart has its words and its table.
async fn plan_forms_targets_and_scores(db: TestDb) {
    use ranks_app::auth::Role;
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    let cdc = app.unit_page(&sys, "CDC", None).await.unwrap();
    let sup = cdc
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .unwrap()
        .member_id;
    app.add_user(
        &sys,
        "canbo",
        "demo-ranks-2025",
        Role::Staff,
        Some("BVPHCN"),
        None,
    )
    .await
    .unwrap();
    app.add_user(
        &sys,
        "phutrach",
        "demo-ranks-2025",
        Role::Supervisor,
        None,
        Some(sup),
    )
    .await
    .unwrap();
    let staff = sign_in(&router, "canbo", "demo-ranks-2025").await.unwrap();
    let supervisor = sign_in(&router, "phutrach", "demo-ranks-2025")
        .await
        .unwrap();

    let plan = staff.get("/units/BVPHCN/plan?term=2025-2030", None).await;
    assert!(
        plan.body.contains("id=\"burnup-text\"") && plan.body.contains("<td>2026</td>"),
        "the chart in words and as a table"
    );
    assert!(plan.body.contains("action=\"/units/BVPHCN/plan/target\""));
    assert!(!plan.body.contains("/plan/score\"") || plan.body.contains("s-criterion"));
    // Without a yearly target the member-development criterion is unscored:
    // the page says so and links to the target form (issue 15.1).
    let cb1 = app.unit(&sys, "BVPHCN.CB1").await.unwrap().name;
    let note = |body: &str| {
        body.split("id=\"target-missing\">")
            .nth(1)
            .map(|n| n.split("</p>").next().unwrap().to_string())
    };
    let missing = note(&plan.body).expect("the missing target is said");
    // (The evaluation is of the last year ended, 2025.)
    assert!(
        missing.contains(&cb1) && missing.contains("2025"),
        "{missing}"
    );
    assert!(missing.contains("href=\"#t-org\""), "{missing}");
    let bad = staff
        .form(
            "/units/BVPHCN/plan/target",
            &[
                ("csrf", &staff.csrf),
                ("org", "BVPHCN.CB1"),
                ("period", "2026"),
                ("value", "ba"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"target-error\""), "{}", bad.body);
    let ok = staff
        .form(
            "/units/BVPHCN/plan/target",
            &[
                ("csrf", &staff.csrf),
                ("org", "BVPHCN.CB1"),
                ("period", "2026"),
                ("value", "3"),
                ("term", "2025-2030"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location, "/units/BVPHCN/plan?term=2025-2030#allocation");
    let target_2025 = staff
        .form(
            "/units/BVPHCN/plan/target",
            &[
                ("csrf", &staff.csrf),
                ("org", "BVPHCN.CB1"),
                ("period", "2025"),
                ("value", "2"),
                ("term", "2025-2030"),
            ],
        )
        .await;
    assert_eq!(
        target_2025.status,
        StatusCode::SEE_OTHER,
        "{}",
        target_2025.body
    );
    let plan = staff.get("/units/BVPHCN/plan?term=2025-2030", None).await;
    assert!(
        note(&plan.body).is_none_or(|n| !n.contains(&cb1)),
        "the target set, the criterion is scored"
    );
    let alloc = app
        .allocation(
            &sys,
            Some("BVPHCN"),
            &ranks_app::targets::Period::parse("2026").unwrap(),
        )
        .await
        .unwrap();
    assert!(format!("{alloc:?}").contains("BVPHCN.CB1"), "{alloc:?}");
    let outside = staff
        .form(
            "/units/BVPHCN/plan/target",
            &[
                ("csrf", &staff.csrf),
                ("org", "CDC"),
                ("period", "2026"),
                ("value", "3"),
            ],
        )
        .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        outside.body.contains("không tìm thấy đơn vị"),
        "{}",
        outside.body
    );

    // A supervisor scores the unit in their charge; over the weight is refused by the field.
    let over = supervisor
        .form(
            "/units/CDC/plan/score",
            &[
                ("csrf", &supervisor.csrf),
                ("org", "CDC"),
                ("criterion", "inspection"),
                ("year", "2025"),
                ("value", "12"),
            ],
        )
        .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.body.contains("id=\"score-error\""), "{}", over.body);
    let ok = supervisor
        .form(
            "/units/CDC/plan/score",
            &[
                ("csrf", &supervisor.csrf),
                ("org", "CDC"),
                ("criterion", "inspection"),
                ("year", "2025"),
                ("value", "8,5"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let ev = app.evaluate(&sys, Some("DBSYT"), 2025).await.unwrap();
    let row = ev.rows.iter().find(|r| r.code == "CDC").unwrap();
    assert!(
        format!("{:?}", row.criteria).contains("8.5"),
        "{:?}",
        row.criteria
    );
    // A supervisor does not set targets.
    let no = supervisor
        .form(
            "/units/CDC/plan/target",
            &[
                ("csrf", &supervisor.csrf),
                ("org", "CDC"),
                ("period", "2026"),
                ("value", "3"),
            ],
        )
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
}

/// The roll-up API answers from the index what the report counts.
async fn rollup_api_matches_the_report(db: TestDb) {
    let c = demo_router(&db).await;
    let r = c.get("/api/v1/rollup?term=2020-2025&depth=1", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows[0]["code"], "DBSYT");
    assert_eq!(rows[0]["admitted"], 54);
    assert_eq!(rows[0]["target"], 40);
    assert_eq!(rows.len(), 11, "the committee and its 10 units");
    let rep: serde_json::Value = serde_json::from_str(
        &c.get(
            "/api/v1/units/DBSYT/achievement?term=2020-2025&depth=1",
            None,
        )
        .await
        .body,
    )
    .unwrap();
    for row in rows {
        let same = rep
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == row["code"])
            .unwrap();
        assert_eq!(same["admitted"], row["admitted"], "{}", row["code"]);
    }
    // Paged: every row of the whole tree once, in the order of one page.
    let whole = c
        .get("/api/v1/rollup?term=2020-2025&depth=9&limit=200", None)
        .await;
    let whole: serde_json::Value = serde_json::from_str(&whole.body).unwrap();
    let all: Vec<String> = whole["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    assert!(all.len() > 11, "cells are listed at depth 9: {}", all.len());
    assert_eq!(whole["total"], all.len());
    assert!(whole["next_cursor"].is_null());
    let (mut walked, mut cursor) = (Vec::new(), String::new());
    loop {
        let page = c
            .get(
                &format!("/api/v1/rollup?term=2020-2025&depth=9&limit=4&cursor={cursor}"),
                None,
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let v: serde_json::Value = serde_json::from_str(&page.body).unwrap();
        assert_eq!(v["total"], all.len());
        let rows = v["rows"].as_array().unwrap();
        assert!(rows.len() <= 4);
        walked.extend(rows.iter().map(|r| r["code"].as_str().unwrap().to_string()));
        match v["next_cursor"].as_str() {
            Some(n) => cursor = n.to_string(),
            None => break,
        }
    }
    assert_eq!(walked, all, "the pages give every row once, in order");
    for bad in ["NOPE", "BVPHCN"] {
        // Unknown, or a unit not listed at depth 0.
        let r = c
            .get(
                &format!("/api/v1/rollup?term=2020-2025&depth=0&cursor={bad}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert!(r.body.contains("cursor"), "{}", r.body);
    }
    assert_eq!(
        c.get("/api/v1/rollup?term=2020-2025&limit=0", None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let bvphcn = c
        .get(
            "/api/v1/rollup?from=2020-07-01&to=2025-06-30&org=BVPHCN&depth=0",
            None,
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&bvphcn.body).unwrap();
    assert_eq!(v["rows"][0]["admitted"], 12);
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
    assert_eq!(
        c.get("/api/v1/rollup?from=2020-07-01", None).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/api/v1/rollup?term=2020-2025&org=NOPE", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The unit page's data is cached, and never stale: a write shows at once.
    let before = c.get("/units/BVPHCN.CB2", None).await;
    assert!(!before.body.contains("Hà Văn Mới"));
    let again = c.get("/units/BVPHCN.CB2", None).await;
    assert_eq!(
        again.body.len(),
        before.body.len(),
        "the same page from the cache"
    );
    let created = c.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB2", "full_name": "Hà Văn Mới", "birth_date": "2001-01-01"})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let after = c.get("/units/BVPHCN.CB2", None).await;
    assert!(
        after.body.contains("Hà Văn Mới"),
        "the new candidate is on the next page"
    );
    let parent = c.get("/units/BVPHCN", None).await;
    assert!(
        parent.body.contains("Hà Văn Mới"),
        "and on the page of the unit above"
    );
}

/// Two organisers on the same file: the second, working from a stale page,
/// gets a conflict saying what changed, and nothing of theirs is written.
async fn no_silent_overwrite(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let router = ranks_web::router(app.clone());
    for u in ["an", "binh"] {
        app.add_user(
            &sys,
            u,
            "demo-ranks-2025",
            ranks_app::auth::Role::Staff,
            Some("BVPHCN"),
            None,
        )
        .await
        .unwrap();
    }
    let an = sign_in(&router, "an", "demo-ranks-2025").await.unwrap();
    let binh = sign_in(&router, "binh", "demo-ranks-2025").await.unwrap();
    let created = an.post("/api/v1/candidates", serde_json::json!({"cell": "BVPHCN.CB1", "full_name": "Tô Thị Xuân", "birth_date": "2000-02-02", "date": "2026-11-02"})).await;
    let id = serde_json::from_str::<serde_json::Value>(&created.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    // Both open the dossier.
    let page = an.get(&format!("/candidates/{id}"), None).await.body;
    let version = values_of(&page, "version")[0].clone();
    let file: serde_json::Value = serde_json::from_str(
        &binh
            .get(&format!("/api/v1/candidates/{id}"), None)
            .await
            .body,
    )
    .unwrap();
    assert_eq!(file["version"].to_string(), version);
    // Bình records the document and a mentor first.
    let official = app
        .unit_page(&sys, "BVPHCN.CB1", None)
        .await
        .unwrap()
        .members
        .iter()
        .find(|m| m.status == ranks_domain::MemberStatus::Official)
        .unwrap()
        .id;
    assert_eq!(
        binh.post(
            &format!("/api/v1/candidates/{id}/documents"),
            serde_json::json!({"code": "NQ-GIUPDO"})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        binh.post(
            &format!("/api/v1/candidates/{id}/mentors"),
            serde_json::json!({"member_id": official, "date": "2026-11-03"})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    // An, from the page opened before, records the step: a conflict, shown by the form.
    let stale = an
        .form(
            &format!("/candidates/{id}/step"),
            &[
                ("csrf", &an.csrf),
                ("version", &version),
                ("stage", "sympathiser"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let msg = stale
        .body
        .split("id=\"refusal\">")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        msg.contains("đã thay đổi từ khi bạn mở trang") && msg.contains("binh"),
        "{msg}"
    );
    assert_eq!(
        app.candidate_file(&sys, id).await.unwrap().stage,
        "pool",
        "nothing written"
    );
    // The API says 409 the same way; with the fresh version it goes through.
    let api = an
        .post(
            &format!("/api/v1/candidates/{id}/steps"),
            serde_json::json!({"stage": "sympathiser", "version": version.parse::<i64>().unwrap()}),
        )
        .await;
    assert_eq!(api.status, StatusCode::CONFLICT, "{}", api.body);
    assert!(api.body.contains("binh"));
    let fresh = app.candidate_file(&sys, id).await.unwrap().version;
    let ok = an
        .post(
            &format!("/api/v1/candidates/{id}/steps"),
            serde_json::json!({"stage": "sympathiser", "version": fresh}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    // A member's movement on a stale page: 409 with what changed.
    let member = app.member_record(&sys, official).await.unwrap();
    let v = member.version.to_string();
    assert_eq!(
        binh.post(
            &format!("/api/v1/members/{official}/movements"),
            serde_json::json!({"kind": "card", "number": "0123456"})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let stale = an
        .form(
            &format!("/members/{official}/movement"),
            &[
                ("csrf", &an.csrf),
                ("version", &v),
                ("kind", "transfer"),
                ("cell", "BVPHCN.CB2"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale.body.contains("đã thay đổi từ khi bạn mở trang"),
        "{}",
        stale.body
    );
    assert_eq!(
        app.member_record(&sys, official).await.unwrap().unit,
        member.unit,
        "not moved"
    );

    // Targets on the plan page, which shows many: both open it, Bình sets
    // cell 1's target, An's form from the page opened before is refused for
    // cell 1 (naming Bình) but not for cell 2, which nobody changed.
    let plan_an = an.get("/units/BVPHCN/plan", None).await.body;
    let seen_an = values_of(&plan_an, "seen")[0].clone();
    let term = values_of(&plan_an, "term")[0].clone();
    let plan_binh = binh.get("/units/BVPHCN/plan", None).await.body;
    let seen_binh = values_of(&plan_binh, "seen")[0].clone();
    let target_form = |c: Client, seen: String, org: &'static str, value: &'static str| {
        let term = term.clone();
        async move {
            c.form(
                "/units/BVPHCN/plan/target",
                &[
                    ("csrf", &c.csrf),
                    ("seen", &seen),
                    ("term", &term),
                    ("org", org),
                    ("period", &term),
                    ("value", value),
                ],
            )
            .await
        }
    };
    let target_of = |code: &'static str| {
        let (an, term) = (an.clone(), term.clone());
        async move {
            let rows: serde_json::Value = serde_json::from_str(
                &an.get(
                    &format!("/api/v1/allocation?org=BVPHCN&period={term}"),
                    None,
                )
                .await
                .body,
            )
            .unwrap();
            rows.as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == code)
                .unwrap()["target"]
                .clone()
        }
    };
    let r = target_form(binh.clone(), seen_binh, "BVPHCN.CB1", "3").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stale = target_form(an.clone(), seen_an.clone(), "BVPHCN.CB1", "5").await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let msg = stale.body.split("id=\"target-error\">").nth(1).unwrap();
    assert!(
        msg.contains("giá trị này đã thay đổi từ khi bạn mở trang") && msg.contains("binh"),
        "{msg}"
    );
    assert_eq!(target_of("BVPHCN.CB1").await, 3, "Bình's target kept");
    let other = target_form(an.clone(), seen_an, "BVPHCN.CB2", "2").await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);
    let fresh = values_of(&an.get("/units/BVPHCN/plan", None).await.body, "seen")[0].clone();
    let r = target_form(an.clone(), fresh, "BVPHCN.CB1", "5").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(target_of("BVPHCN.CB1").await, 5);
    // The API: the audit position from the session, read before the data.
    let position = |c: Client| async move {
        serde_json::from_str::<serde_json::Value>(&c.get("/api/v1/session", None).await.body)
            .unwrap()["audit_position"]
            .as_i64()
            .unwrap()
    };
    let seen = position(binh.clone()).await;
    let r = an
        .post(
            "/api/v1/units/BVPHCN.CB1/targets",
            serde_json::json!({"period": term, "target": 6}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = binh
        .post(
            "/api/v1/units/BVPHCN.CB1/targets",
            serde_json::json!({"period": term, "target": 7, "seen": seen}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("\"error\"") && r.body.contains("an"),
        "{}",
        r.body
    );
    assert_eq!(target_of("BVPHCN.CB1").await, 6);
    let seen = position(binh.clone()).await;
    let r = binh
        .post(
            "/api/v1/units/BVPHCN.CB1/targets",
            serde_json::json!({"period": term, "target": 7, "seen": seen}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(target_of("BVPHCN.CB1").await, 7);
}

/// Session fixation: a session id the browser brings to the sign-in is
/// never adopted; every sign-in gets a new one; signing out ends it.
async fn session_fixation_is_impossible(db: TestDb) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    app.add_user(
        &sys,
        "canbo",
        "demo-ranks-2025",
        ranks_app::auth::Role::Staff,
        Some("BVPHCN"),
        None,
    )
    .await
    .unwrap();
    let router = ranks_web::router(app.clone());
    let planted = "ranks_session=attacker-chosen-value";
    let (csrf_cookie, csrf) = login_form(&router).await;
    let resp = post_login(
        &router,
        &format!("{planted}; {csrf_cookie}"),
        &format!("username=canbo&password=demo-ranks-2025&next=/&csrf={csrf}"),
    )
    .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let set = resp.cookie.unwrap();
    let issued = set.split(';').next().unwrap().to_string();
    assert_ne!(issued, planted, "a new session id at sign-in");
    assert!(issued.len() > 60);
    let attacker = Client {
        router: router.clone(),
        cookie: planted.into(),
        csrf: String::new(),
        tally: Default::default(),
    };
    assert_eq!(
        attacker.get("/api/v1/session", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in(&router, "canbo", "demo-ranks-2025").await.unwrap();
    assert_ne!(again.cookie, issued, "each sign-in its own session");
    let first = Client {
        router: router.clone(),
        cookie: issued.clone(),
        csrf: String::new(),
        tally: Default::default(),
    };
    assert_eq!(
        first.get("/api/v1/session", None).await.status,
        StatusCode::OK
    );
}

// ---- Sign-in hardening (issue 12): next, the form's CSRF token, the
// lockout over HTTP, Secure cookies.

async fn staff_app(db: &TestDb) -> ranks_app::App {
    let app = db.app().await;
    assert!(app.load_demo(&Actor::system()).await.unwrap().loaded);
    app.add_user(
        &Actor::system(),
        "canbo",
        "demo-ranks-2025",
        ranks_app::auth::Role::Staff,
        Some("BVPHCN"),
        None,
    )
    .await
    .unwrap();
    app
}

/// After signing in the browser goes only to a path on this site.
async fn sign_in_goes_nowhere_off_site(db: TestDb) {
    let app = staff_app(&db).await;
    let router = ranks_web::router(app.clone());
    for (next, expected) in [
        ("%2F%5C127.0.0.1%3A18084%2Fhealthz", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example%2F", "/"),
        ("https%3A%2F%2Fevil.example%2F", "/"),
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%0D%0ASet-Cookie%3A+x%3D1", "/"),
        ("javascript%3Aalert(1)", "/"),
        ("evil.example", "/"),
        (
            "%2Funits%2FCDC%3Fterm%3D2020-2025",
            "/units/CDC?term=2020-2025",
        ),
        (
            "%2Fmembers%3Fq%3Dnguy%25E1%25BB%2585n",
            "/members?q=nguy%E1%BB%85n",
        ),
    ] {
        let (cookie, csrf) = login_form(&router).await;
        let resp = post_login(
            &router,
            &cookie,
            &format!("username=canbo&password=demo-ranks-2025&next={next}&csrf={csrf}"),
        )
        .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{next}: {}", resp.body);
        assert_eq!(resp.location, expected, "{next}");
    }
    // The form does not carry an off-site target either.
    let anon = Client {
        router: router.clone(),
        cookie: String::new(),
        csrf: String::new(),
        tally: Default::default(),
    };
    let form = anon
        .get("/login?next=%2F%5C127.0.0.1%3A18084%2Fhealthz", None)
        .await;
    assert!(
        form.body.contains("name=\"next\" value=\"/\""),
        "{}",
        form.body
    );
}

/// The sign-in form carries its own CSRF token: a post without it, or with
/// another browser's, is refused before any password is checked.
async fn the_sign_in_form_has_its_csrf_token(db: TestDb) {
    let app = staff_app(&db).await;
    let router = ranks_web::router(app.clone());
    let body = |csrf: &str| format!("username=canbo&password=demo-ranks-2025&next=/&csrf={csrf}");
    let (cookie, csrf) = login_form(&router).await;
    let (other_cookie, other_csrf) = login_form(&router).await;
    assert_ne!(csrf, other_csrf, "a token per browser");
    let checks = app.password_checks();
    for (cookie, form) in [
        // A cross-site form: no cookie (SameSite=Strict), a token it guessed.
        ("", body(&csrf)),
        (
            "",
            "username=canbo&password=demo-ranks-2025&next=/".to_string(),
        ),
        // The cookie but not the field, or another browser's field.
        (
            cookie.as_str(),
            "username=canbo&password=demo-ranks-2025&next=/".to_string(),
        ),
        (cookie.as_str(), body(&other_csrf)),
        (other_cookie.as_str(), body(&csrf)),
    ] {
        let resp = post_login(&router, cookie, &form).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{cookie} {form}");
        assert!(
            resp.body.contains("Biểu mẫu đăng nhập đã hết hạn"),
            "{}",
            resp.body
        );
        assert!(
            resp.cookie
                .as_deref()
                .is_some_and(|c| c.starts_with("ranks_login_csrf=")),
            "a fresh form to try again"
        );
    }
    assert_eq!(app.password_checks(), checks, "no password checked");
    let resp = post_login(&router, &cookie, &body(&csrf)).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert!(resp.cookie.unwrap().starts_with("ranks_session="));
}

/// Forty wrong passwords at once over HTTP: five are checked and answered
/// 401, 35 are answered 429; then even the right password gets 429.
async fn forty_parallel_wrong_passwords_over_http(db: TestDb) {
    let app = staff_app(&db).await;
    let router = ranks_web::router(app.clone());
    let checks = app.password_checks();
    let mut forms = Vec::new();
    for _ in 0..40 {
        forms.push(login_form(&router).await);
    }
    let posts: Vec<_> = forms
        .into_iter()
        .enumerate()
        .map(|(i, (cookie, csrf))| {
            let router = router.clone();
            tokio::spawn(async move {
                let form = format!("username=canbo&password=sai-mat-khau-{i}&next=/&csrf={csrf}");
                post_login(&router, &cookie, &form).await.status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for p in posts {
        statuses.push(p.await.unwrap());
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(
        (
            count(StatusCode::UNAUTHORIZED),
            count(StatusCode::TOO_MANY_REQUESTS)
        ),
        (5, 35),
        "{statuses:?}"
    );
    assert_eq!(app.password_checks() - checks, 5);
    let blocked = sign_in(&router, "canbo", "demo-ranks-2025")
        .await
        .err()
        .unwrap();
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.password_checks() - checks, 5);
}

/// `Secure` cookies: always, never, or (auto) when the request came over
/// HTTPS as a trusted proxy says.
async fn secure_cookies_follow_the_settings(db: TestDb) {
    use ranks_web::{CookieSecure, ServerConfig};
    let app = staff_app(&db).await;
    for (cookie_secure, trust_proxy, header, secure) in [
        (CookieSecure::Auto, false, None, false),
        (
            CookieSecure::Auto,
            false,
            Some(("x-forwarded-proto", "https")),
            false,
        ),
        (CookieSecure::Auto, true, None, false),
        (
            CookieSecure::Auto,
            true,
            Some(("x-forwarded-proto", "http")),
            false,
        ),
        (
            CookieSecure::Auto,
            true,
            Some(("x-forwarded-proto", "https")),
            true,
        ),
        (
            CookieSecure::Auto,
            true,
            Some(("x-forwarded-proto", "HTTPS, http")),
            true,
        ),
        (
            CookieSecure::Auto,
            true,
            Some(("forwarded", "for=192.0.2.1;proto=https")),
            true,
        ),
        (CookieSecure::Always, false, None, true),
        (
            CookieSecure::Never,
            true,
            Some(("x-forwarded-proto", "https")),
            false,
        ),
    ] {
        let router = ranks_web::router_with(
            app.clone(),
            ServerConfig {
                cookie_secure,
                trust_proxy,
            },
        );
        let with = |req: axum::http::request::Builder| match header {
            Some((k, v)) => req.header(k, v),
            None => req,
        };
        let form = send(
            &router,
            with(Request::get("/login")).body(Body::empty()).unwrap(),
        )
        .await;
        let csrf_cookie = form.cookie.unwrap();
        let csrf = form
            .body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        let resp = send(
            &router,
            with(Request::post("/login"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, csrf_cookie.split(';').next().unwrap())
                .body(Body::from(format!(
                    "username=canbo&password=demo-ranks-2025&next=/&csrf={csrf}"
                )))
                .unwrap(),
        )
        .await;
        let session = resp.cookie.unwrap();
        let case = format!("{cookie_secure:?} trust_proxy={trust_proxy} {header:?}");
        assert!(session.starts_with("ranks_session="), "{case}: {session}");
        assert_eq!(session.contains("; Secure"), secure, "{case}: {session}");
        assert_eq!(
            csrf_cookie.contains("; Secure"),
            secure,
            "{case}: {csrf_cookie}"
        );
    }
    assert_eq!(CookieSecure::parse("always"), Ok(CookieSecure::Always));
    assert!(CookieSecure::parse("yes")
        .unwrap_err()
        .contains("cookie_secure: 'yes'"));
}

use calendar::calendar_feed_is_the_scope_s_deadlines;
both_backends!(calendar_feed_is_the_scope_s_deadlines);

both_backends!(
    sign_in_goes_nowhere_off_site,
    the_sign_in_form_has_its_csrf_token,
    forty_parallel_wrong_passwords_over_http,
    secure_cookies_follow_the_settings,
);

both_backends!(
    session_fixation_is_impossible,
    no_silent_overwrite,
    rollup_api_matches_the_report,
    plan_forms_targets_and_scores,
    fragments_and_security_headers,
    member_page_movements_and_read_log,
    import_with_preview,
    script_tokens,
    a_candidate_through_the_whole_procedure_in_forms,
    the_access_matrix,
    the_openapi_document_matches_the_routes,
    api_bodies_are_documented_and_refusals_explained,
    sign_in_roles_and_access_by_subtree,
    the_plan_page_with_its_charts,
    the_pipeline_over_the_api,
    the_unit_page_shows_due_overdue_and_refused,
    dashboard_shows_the_seed_in_three_languages,
    unit_page_lists_members_candidates_supervisors,
    errors_are_pages_not_traces,
    api_rows_have_the_report_shape,
    an_empty_database_says_what_to_do,
);
