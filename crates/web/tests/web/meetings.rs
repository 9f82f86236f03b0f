//! Issue 17, part 3 over the web: a meeting opened, its attendance taken and
//! three candidates voted through the pages, the same over the JSON API,
//! the minutes as a PDF (reproducible, with the Vietnamese names), and the
//! scope (the cell beside: not found; a viewer: not allowed).

use super::meeting_setup::{meeting_setup, CANDIDATES};
use axum::http::StatusCode;
use ranks_app::auth::Role;
use ranks_app::Actor;
use ranks_testkit::http::sign_in;
use ranks_testkit::{both_backends, TestDb};
use serde_json::json;

async fn a_meeting_votes_three_candidates_and_prints_its_minutes(db: TestDb) {
    let app = db.app().await;
    let (members, cands) = meeting_setup(&app).await;
    let r = super::admin(&app).await;
    let page = r.get("/units/A1/meetings", None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Chưa có cuộc họp nào"), "{}", page.body);
    let unit = r.get("/units/A1", None).await;
    assert!(unit.body.contains(r#"href="/units/A1/meetings""#));

    // A meeting without its agenda: shown again, naming the field.
    let bad = r
        .form(
            "/units/A1/meetings",
            &[("csrf", &r.csrf), ("date", "2025-06-23"), ("agenda", " ")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Nội dung cuộc họp"), "{}", bad.body);
    let made = r
        .form(
            "/units/A1/meetings",
            &[
                ("csrf", &r.csrf),
                ("date", "2025-06-23"),
                (
                    "agenda",
                    "Xét đề nghị kết nạp đảng viên cho ba quần chúng ưu tú",
                ),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id: i64 = made
        .location
        .strip_prefix("/meetings/")
        .unwrap()
        .parse()
        .unwrap();
    let page = r.get(&format!("/meetings/{id}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["Nông Văn Một", "Hoàng Thị Hai", "Lương Văn Ba"] {
        assert!(page.body.contains(name), "{name}");
    }
    assert!(
        !page.body.contains("Vi Thị Dự"),
        "admitted after the meeting: not on its roll"
    );
    // Absent without a reason: refused, naming the reason.
    let (p2, r2) = (format!("p{}", members[2]), format!("r{}", members[2]));
    let bad = r
        .form(
            &format!("/meetings/{id}/attendance"),
            &[("csrf", &r.csrf), (&p2, "absent"), (&r2, "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Lý do"), "{}", bad.body);
    let ok = r
        .form(
            &format!("/meetings/{id}/attendance"),
            &[
                ("csrf", &r.csrf),
                (&p2, "absent"),
                (&r2, "Đi công tác tại Hà Nội"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // Three votes at one sitting: only the counts are typed.
    let vote = |c: i64, yes: &'static str, no: &'static str| {
        let r = r.clone();
        async move {
            let c = c.to_string();
            r.form(
                &format!("/meetings/{id}/votes"),
                &[
                    ("csrf", &r.csrf),
                    ("candidate", &c),
                    ("stage", "cell_vote"),
                    ("in_favour", yes),
                    ("against", no),
                ],
            )
            .await
        }
    };
    // More in favour than official members present: refused, shown again.
    let bad = vote(cands[0], "3", "0").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="vote-error""#), "{}", bad.body);
    for (c, yes, no) in [
        (cands[0], "2", "0"),
        (cands[1], "1", "1"),
        (cands[2], "2", "0"),
    ] {
        let resp = vote(c, yes, no).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    }
    let page = r.get(&format!("/meetings/{id}"), None).await;
    assert!(page.body.contains(r#"id="official-eligible">3<"#));
    assert!(page.body.contains(r#"id="official-present">2<"#));
    assert_eq!(page.body.matches(r#"<tr class="vote">"#).count(), 3);
    assert_eq!(page.body.matches("Không đạt").count(), 1);
    assert!(page.body.contains("cell_vote_two_thirds"));
    // The attendance is fixed once votes were taken: no form any more.
    assert!(!page.body.contains(r#"id="attendance-save""#));
    let late = r
        .form(
            &format!("/meetings/{id}/attendance"),
            &[("csrf", &r.csrf), (&p2, "present"), (&r2, "")],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.body.contains("không thể sửa điểm danh nữa"),
        "{}",
        late.body
    );
    let file = app
        .candidate_file(&Actor::system(), cands[0])
        .await
        .unwrap();
    assert_eq!(file.stage, "cell_vote");
    let v = file.votes.last().unwrap();
    assert_eq!((v.eligible, v.present, v.in_favour), (3, 2, 2));

    // The minutes: Vietnamese by default, the same bytes each time.
    let uri = format!("/meetings/{id}/minutes.pdf");
    let one = r.get(&uri, None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.content_type, "application/pdf");
    let two = r.get(&uri, None).await;
    assert_eq!(
        one.bytes, two.bytes,
        "the minutes are made from the data alone"
    );
    let text = super::pdf_text::text_of(&one.bytes);
    for needle in CANDIDATES.iter().copied().chain([
        "BIÊN BẢN HỌP",
        "Chi bộ A1",
        "Nông Văn Một",
        "Đi công tác tại Hà Nội",
        "Xét đề nghị kết nạp đảng viên cho ba quần chúng ưu tú",
        "Không đạt",
        "Tổng số đảng viên chính thức: 3, có mặt: 2",
    ]) {
        assert!(
            text.contains(needle),
            "{needle} not in the minutes:\n{text}"
        );
    }
    assert!(!text.contains("Vi Thị Dự"));
    let en = r.get(&uri, Some("lang=en")).await;
    let en_text = super::pdf_text::text_of(&en.bytes);
    assert!(en_text.contains("MINUTES OF THE MEETING"), "{en_text}");
    assert!(
        en_text.contains("Chi bộ A1 (A1) met on 2025-06-23."),
        "{en_text}"
    );

    // The same over the API.
    let j = r.get(&format!("/api/v1/meetings/{id}"), None).await.json();
    let carried: Vec<bool> = j["votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["carried"].as_bool().unwrap())
        .collect();
    assert_eq!(carried, vec![true, false, true]);
    assert_eq!(j["official_eligible"], 3);
    let made = r
        .post(
            "/api/v1/units/A1/meetings",
            json!({"date": "2025-07-07", "agenda": "Biểu quyết lại",
                   "absent": [{"member": members[0], "reason": "Nghỉ ốm"}]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id2 = made.json()["id"].as_i64().unwrap();
    let bad = r
        .post(
            "/api/v1/units/A1/meetings",
            json!({"date": "2025-07-07", "agenda": "x".repeat(2001)}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.json()["error"].as_str().unwrap().contains("agenda"));
    let resp = r
        .post(
            &format!("/api/v1/meetings/{id2}/attendance"),
            json!({"attendance": [{"member": members[0], "present": true}]}),
        )
        .await;
    assert_eq!(resp.status, StatusCode::NO_CONTENT, "{}", resp.body);
    let out = r
        .post(
            &format!("/api/v1/meetings/{id2}/votes"),
            json!({"candidate": cands[1], "stage": "cell_vote", "in_favour": 3, "against": 0}),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let out = out.json();
    assert_eq!(
        (out["carried"].as_bool(), out["present"].as_i64()),
        (Some(true), Some(3))
    );
    let list = r.get("/api/v1/units/A1/meetings", None).await.json();
    let ids: Vec<i64> = list["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id2, id]);
    let doc = r.get("/api/v1/openapi.json", None).await.json();
    assert!(doc["paths"]["/api/v1/meetings/{id}/votes"]["post"].is_object());

    // The cell beside sees nothing of it; a viewer is not allowed.
    let sys = Actor::system();
    for (user, role, unit) in [
        ("bt-a2", Role::Secretary, "A2"),
        ("xem-a", Role::Viewer, "A"),
    ] {
        app.add_user(&sys, user, "meetings-pass-2025", role, Some(unit), None)
            .await
            .unwrap();
    }
    let router = ranks_web::router(app.clone());
    let pw = "meetings-pass-2025";
    let beside = sign_in(&router, "bt-a2", pw).await.unwrap();
    for uri in [
        format!("/meetings/{id}"),
        format!("/meetings/{id}/minutes.pdf"),
        format!("/api/v1/meetings/{id}"),
        "/units/A1/meetings".to_string(),
    ] {
        assert_eq!(
            beside.get(&uri, None).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    let resp = beside
        .post(
            &format!("/api/v1/meetings/{id}/votes"),
            json!({"candidate": cands[2], "stage": "cell_vote", "in_favour": 1, "against": 0}),
        )
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    let viewer = sign_in(&router, "xem-a", pw).await.unwrap();
    for uri in [
        format!("/api/v1/meetings/{id}"),
        "/api/v1/units/A1/meetings".to_string(),
        format!("/meetings/{id}"),
        format!("/meetings/{id}/minutes.pdf"),
    ] {
        assert_eq!(
            viewer.get(&uri, None).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    // Printed on another day by another server over the same data: the
    // same bytes (nothing of the clock or the printing goes in). Last: a
    // sign-in on a later day ends the sessions that day finds stale.
    let later = db.app_on(super::meeting_setup::d("2027-03-15")).await;
    let other = sign_in(
        &ranks_web::router(later),
        "admin",
        "m%E1%BA%ADt%20kh%E1%BA%A9u%20qu%E1%BA%A3n%20tr%E1%BB%8B",
    )
    .await
    .unwrap();
    assert_eq!(other.get(&uri, None).await.bytes, one.bytes);
}

both_backends!(a_meeting_votes_three_candidates_and_prints_its_minutes);
