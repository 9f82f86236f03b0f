//! Issue 15 (3): pickers by name where a code is wanted: the registry's
//! unit filter, the add form's movement, the transfer's target cell. A
//! name typed with or without tone marks resolves to the code when it is
//! the only match; no match or several are said on the same page, never a
//! bare 404.

use super::*;
use ranks_app::auth::Role;
use ranks_testkit::demo_with_users;

const PW: &str = "mật khẩu chọn theo tên";

async fn staff_of_bvphcn(db: &TestDb) -> (ranks_app::App, Client) {
    let app = demo_with_users(db, PW, &[("canbo", Role::Staff, "BVPHCN")]).await;
    let router = ranks_web::router(app.clone());
    let c = sign_in(&router, "canbo", PW).await.unwrap();
    (app, c)
}

/// The member links in the registry's results.
fn member_links(body: &str) -> usize {
    body.split("id=\"members\"")
        .nth(1)
        .unwrap_or_default()
        .matches("<tr><td><a href=\"/members/")
        .count()
}

async fn the_registry_unit_filter_takes_a_name(db: TestDb) {
    let (_app, c) = staff_of_bvphcn(&db).await;
    let by_code = c.get("/members?q=&org=BVPHCN.CB1", None).await;
    assert_eq!(by_code.status, StatusCode::OK);
    let n = member_links(&by_code.body);
    assert!(n > 0);
    // The suggestions: the units of the user's subtree by name, only those.
    assert!(
        by_code
            .body
            .contains("<option value=\"Chi bộ Lâm sàng (BVPHCN.CB1)\">"),
        "{}",
        by_code.body
    );
    assert!(!by_code.body.contains("(CDC"), "outside the subtree");
    // The whole name without tone marks, any case; the suggestion as sent.
    for typed in [
        "chi%20bo%20lam%20sang",
        "CHI%20B%E1%BB%98%20L%C3%82M%20S%C3%80NG",
        "Chi%20b%E1%BB%99%20L%C3%A2m%20s%C3%A0ng%20(BVPHCN.CB1)",
    ] {
        let r = c.get(&format!("/members?q=&org={typed}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{typed}");
        assert!(!r.body.contains("id=\"org-error\""), "{typed}: {}", r.body);
        assert_eq!(member_links(&r.body), n, "{typed}");
        assert!(
            r.body.contains("org=BVPHCN.CB1"),
            "the exports follow the code"
        );
    }
    // Ambiguous: said with the choices, in the results (htmx swaps them).
    let req = Request::get("/members?q=&org=lam%20sang")
        .header(header::COOKIE, &c.cookie)
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let frag = c.send(req).await;
    assert_eq!(frag.status, StatusCode::OK);
    assert!(frag.body.trim_start().starts_with("<div id=\"results\""));
    assert!(frag.body.contains("id=\"org-error\""), "{}", frag.body);
    assert!(
        frag.body.contains("BVPHCN.CB1") && frag.body.contains("BVPHCN.CB2"),
        "{}",
        frag.body
    );
    // Unknown, and a unit outside the subtree: the same message, no 404.
    for typed in ["khong%20co%20don%20vi%20nay", "CDC"] {
        let r = c.get(&format!("/members?q=&org={typed}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{typed}");
        assert!(r.body.contains("id=\"org-error\""), "{typed}");
        assert!(r.body.contains("Không tìm thấy"), "{typed}: {}", r.body);
        assert_eq!(member_links(&r.body), 0);
    }
}

async fn the_movement_is_chosen_by_name(db: TestDb) {
    let (app, c) = staff_of_bvphcn(&db).await;
    let sys = Actor::system();
    let page = c.get("/units/BVPHCN.CB1", None).await;
    assert!(
        page.body
            .contains("<option value=\"Thầy thuốc trẻ làm theo lời Bác (TTTRE)\">"),
        "the movement's suggestions"
    );
    let pool = || async {
        app.search_candidates(&sys, Some("BVPHCN.CB1"), "")
            .await
            .unwrap()
            .len()
    };
    let before = pool().await;
    let add = |name: &'static str, movement: &'static str| {
        let c = &c;
        async move {
            c.form(
                "/units/BVPHCN.CB1/candidates",
                &[
                    ("csrf", &c.csrf),
                    ("full_name", name),
                    ("birth_date", "2000-05-06"),
                    ("gender", "Nữ"),
                    ("general_grade", "12"),
                    ("movement", movement),
                ],
            )
            .await
        }
    };
    // Several match "lam theo": both listed, nothing written.
    let many = add("Hà Thị Chọn", "lam theo").await;
    assert_eq!(many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        many.body.contains("(HCM)") && many.body.contains("(TTTRE)"),
        "{}",
        many.body
    );
    let none = add("Hà Thị Chọn", "phong trao khong co").await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("role=\"alert\"") && none.body.contains("Không tìm thấy"));
    assert_eq!(pool().await, before, "nothing written");
    // Without tone marks, and by code as before.
    for (name, typed, movement) in [
        (
            "Hà Thị Chọn",
            "thay thuoc tre",
            "Thầy thuốc trẻ làm theo lời Bác",
        ),
        (
            "Hà Thị Mã",
            "hcm",
            "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        ),
    ] {
        let r = add(name, typed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{typed}: {}", r.body);
        let found = app
            .search_candidates(&sys, Some("BVPHCN.CB1"), name)
            .await
            .unwrap();
        assert_eq!(found[0].movement.as_deref(), Some(movement), "{typed}");
    }
}

async fn the_transfer_target_is_chosen_by_name(db: TestDb) {
    let (app, c) = staff_of_bvphcn(&db).await;
    let sys = Actor::system();
    let m = app
        .search_members(&sys, Some("BVPHCN.CB1"), "")
        .await
        .unwrap()[0]
        .id;
    let page = c.get(&format!("/members/{m}"), None).await;
    assert!(page
        .body
        .contains("<option value=\"Chi bộ Hành chính (BVPHCN.CB3)\">"));
    let transfer = |cell: &'static str| {
        let c = &c;
        async move {
            c.form(
                &format!("/members/{m}/movement"),
                &[("csrf", &c.csrf), ("kind", "transfer"), ("cell", cell)],
            )
            .await
        }
    };
    let many = transfer("lam sang").await;
    assert_eq!(many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(many.body.contains("id=\"movement-error\"") && many.body.contains("BVPHCN.CB2"));
    let outside = transfer("CDC.CB1").await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY, "no 404");
    assert!(outside.body.contains("Không tìm thấy"));
    let ok = transfer("chi bo hanh chinh").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let moved = app
        .search_members(&sys, Some("BVPHCN.CB3"), "")
        .await
        .unwrap();
    assert!(moved.iter().any(|x| x.id == m), "moved to BVPHCN.CB3");
}

async fn suggestions_follow_what_is_typed(db: TestDb) {
    let (_app, c) = staff_of_bvphcn(&db).await;
    let r = c.get("/pick/units?org=lam%20s", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.starts_with("<datalist id=\"org-list\">"),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains("<option value=\"Chi bộ Lâm sàng (BVPHCN.CB1)\">"));
    assert!(r.body.contains("(BVPHCN.CB2)") && !r.body.contains("(BVPHCN.CB3)"));
    // Only the user's subtree, and for a transfer only cells.
    let outside = c.get("/pick/units?org=kiem%20soat", None).await;
    assert_eq!(outside.body, "<datalist id=\"org-list\"></datalist>");
    let cells = c.get("/pick/units?cell=BVPHCN", None).await;
    assert!(cells.body.starts_with("<datalist id=\"cell-list\">"));
    assert_eq!(cells.body.matches("<option").count(), 3, "{}", cells.body);
    let page = c.get("/members", None).await;
    assert!(page.body.contains("hx-get=\"/pick/units\""));
}

/// The refused attempts' unit filter takes a name the same way.
async fn the_refusals_unit_filter_takes_a_name(db: TestDb) {
    let (_app, c) = staff_of_bvphcn(&db).await;
    let by_name = c.get("/refusals?org=chi%20bo%20lam%20sang", None).await;
    assert_eq!(by_name.status, StatusCode::OK, "{}", by_name.body);
    assert!(!by_name.body.contains("id=\"org-error\""));
    assert!(
        by_name.body.contains("value=\"BVPHCN.CB1\""),
        "resolved to the code"
    );
    for typed in ["lam%20sang", "CDC", "khong%20co"] {
        let r = c.get(&format!("/refusals?org={typed}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{typed}: never a 404");
        assert!(r.body.contains("id=\"org-error\""), "{typed}");
        assert!(
            !r.body.contains("id=\"refusal-list\""),
            "{typed}: nothing listed"
        );
    }
}

both_backends!(
    the_refusals_unit_filter_takes_a_name,
    suggestions_follow_what_is_typed,
    the_registry_unit_filter_takes_a_name,
    the_movement_is_chosen_by_name,
    the_transfer_target_is_chosen_by_name
);
