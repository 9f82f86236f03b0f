//! Issue 15 (9): the dossier's header and stepper, the unit page in
//! sections with its counts on top, the language switch of the sign-in
//! page, the script and styles served by the app under its CSP.

use super::*;

async fn the_dossier_has_a_header_and_a_stepper(db: TestDb) {
    let c = demo_router(&db).await;
    let sys = Actor::system();
    let app = db.app().await;
    let found = app
        .search_candidates(&sys, Some("BVPHCN.CB1"), "nong hong thuy")
        .await
        .unwrap();
    let f = app.candidate_file(&sys, found[0].id).await.unwrap();
    let page = c.get(&format!("/candidates/{}", f.id), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let head = page
        .body
        .split("<header class=\"dossier-head\">")
        .nth(1)
        .unwrap()
        .split("</header>")
        .next()
        .unwrap();
    let birth = f.birth_date.unwrap().format("%d/%m/%Y").to_string();
    assert!(
        head.contains(&format!("id=\"dossier-birth\">{birth}<")),
        "{head}"
    );
    assert!(head.contains(&format!(
        "<a href=\"/units/{}\">{}</a>",
        f.unit, f.unit_name
    )));
    // One step per stage of the profile: those before the file's stage
    // done, its stage current, the rest to come.
    let stages = app.profile().stages.len();
    let at = app.profile().position(&f.stage).unwrap();
    assert_eq!(head.matches("<li class=\"").count(), stages);
    assert_eq!(head.matches("<li class=\"done\"").count(), at);
    assert_eq!(head.matches("aria-current=\"step\"").count(), 1);
    assert_eq!(head.matches("<li class=\"todo\"").count(), stages - at - 1);
    // The next step's form is open; the others are folded.
    assert!(page.body.contains("<section class=\"next-step\">"));
    assert!(page.body.contains("<details class=\"form\"><summary>"));
}

/// A form the next step needs is open: a file in the pool needs its
/// mentors before it becomes a sympathiser.
async fn the_form_the_next_step_needs_is_open(db: TestDb) {
    let c = demo_router(&db).await;
    let app = db.app().await;
    let sys = Actor::system();
    let pool = app
        .search_candidates(&sys, None, "")
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.stage == "pool" && x.mentors.is_empty())
        .expect("a file in the pool without mentors");
    let page = c.get(&format!("/candidates/{}", pool.id), None).await;
    let open = page
        .body
        .split("<details class=\"form\" open>")
        .nth(1)
        .unwrap_or_else(|| panic!("no open form: {}", page.body));
    assert!(
        open.split("</details>")
            .next()
            .unwrap()
            .contains("/mentor\""),
        "{open}"
    );
    assert_eq!(
        page.body.matches("<details class=\"form\" open>").count(),
        1
    );
}

async fn the_unit_page_is_in_sections(db: TestDb) {
    let c = demo_router(&db).await;
    let page = c.get("/units/BVPHCN", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let counts = page.body.split("id=\"counts\"").nth(1).unwrap();
    assert!(counts.contains("id=\"count-candidates\""));
    // The units below open; the long lists folded, each with its count.
    assert!(page
        .body
        .contains("<details class=\"section\" id=\"sec-units\" open>"));
    for id in [
        "sec-members",
        "sec-supervisors",
        "sec-movements",
        "sec-moves",
    ] {
        assert!(
            page.body
                .contains(&format!("<details class=\"section\" id=\"{id}\">")),
            "{id}"
        );
    }
    // A cell opens its candidates.
    let cell = c.get("/units/BVPHCN.CB1", None).await;
    assert!(cell
        .body
        .contains("<details class=\"section\" id=\"sec-candidates\" open>"));
}

async fn the_sign_in_page_switches_language(db: TestDb) {
    let app = db.app().await;
    let router = ranks_web::router(app);
    let vi = send(&router, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert!(vi.body.contains("<html lang=\"vi\">"));
    for l in ["vi", "en", "de"] {
        assert!(
            vi.body.contains(&format!("href=\"/login?lang={l}\"")),
            "{l}: {}",
            vi.body
        );
    }
    let en = send(
        &router,
        Request::get("/login?lang=en&next=%2Fmembers")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en
        .body
        .contains("href=\"/login?lang=de&amp;next=/members\""));
    let kept = en
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().unwrap_or_default().starts_with("lang=en"));
    assert!(kept, "the choice is remembered for the pages after sign-in");
    let js = send(
        &router,
        Request::get("/static/ranks.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(js.content_type.starts_with("text/javascript") && js.body.contains("data-label"));
}

both_backends!(
    the_dossier_has_a_header_and_a_stepper,
    the_form_the_next_step_needs_is_open,
    the_unit_page_is_in_sections,
    the_sign_in_page_switches_language
);
