//! Pages a person can take in (issue 16), over HTTP: the dashboard's
//! direct subordinates, the unit page's paged members (htmx fragments and
//! no-script pages), the subordinate table's sort and pages, the
//! achievement API's limit and cursor.

use super::demo_router;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ranks_app::Actor;
use ranks_testkit::http::{Client, Resp};
use ranks_testkit::{both_backends, TestDb};
use std::collections::HashSet;

/// The values of `attr="…"` in a page, in order.
fn attrs(body: &str, attr: &str) -> Vec<String> {
    let pat = format!("{attr}=\"");
    body.split(&pat)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

async fn fragment(r: &Client, uri: &str) -> Resp {
    r.send(
        Request::get(uri)
            .header(header::COOKIE, r.cookie.clone())
            .header("hx-request", "true")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn the_dashboard_shows_the_direct_subordinates(db: TestDb) {
    let r = demo_router(&db).await;
    let app = db.app().await;
    let sys = Actor::system();
    let page = r.get("/?term=2020-2025", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let root = app
        .dashboard(&sys, None)
        .await
        .unwrap()
        .root
        .code
        .to_string();
    let mut kids: Vec<String> = app
        .children(&sys, &root, None)
        .await
        .unwrap()
        .iter()
        .map(|u| u.code.to_string())
        .collect();
    kids.sort();
    let mut expected = vec![root.clone()];
    expected.extend(kids.iter().cloned());
    assert_eq!(attrs(&page.body, "data-code"), expected);
    // Each links to its unit page to drill down.
    for k in &kids {
        assert!(page
            .body
            .contains(&format!("href=\"/units/{k}?term=2020-2025\"")));
    }
    // Sorted by members, largest first, the same units.
    let by_members = r.get("/?term=2020-2025&sort=members", None).await;
    let codes = attrs(&by_members.body, "data-code");
    let mut counts = Vec::new();
    for c in &codes[1..] {
        counts.push(app.member_count(&sys, Some(c)).await.unwrap());
    }
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let set: HashSet<&String> = codes[1..].iter().collect();
    assert_eq!(set, kids.iter().collect());
    for (bad, field) in [
        ("sort=size", "sort"),
        ("page=0", "page"),
        ("page=x", "page"),
    ] {
        let resp = r.get(&format!("/?{bad}&lang=en"), None).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(resp.body.contains(field), "{bad}: {}", resp.body);
    }
}

both_backends!(the_dashboard_shows_the_direct_subordinates);

async fn the_unit_page_pages_its_members(db: TestDb) {
    let r = demo_router(&db).await;
    let app = db.app().await;
    let sys = Actor::system();
    let root = app
        .dashboard(&sys, None)
        .await
        .unwrap()
        .root
        .code
        .to_string();
    let total = app.member_count(&sys, Some(&root)).await.unwrap();
    assert!(total > 60, "{total}");
    let page = r.get(&format!("/units/{root}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.len() < 1_000_000);
    let first = attrs(&page.body, "data-member");
    assert_eq!(first.len(), 50, "the first page only");
    assert!(page
        .body
        .contains(&format!("<div class=\"v\">{total}</div>")));
    // The "more" row fetches the next rows; walking them gives each member once.
    let mut seen: Vec<String> = first.clone();
    let mut more = attrs(&page.body, "hx-get")
        .into_iter()
        .find(|h| h.contains("/members?cursor="))
        .expect("a more row");
    let mut steps = 0;
    loop {
        let f = fragment(&r, &more.replace("&amp;", "&")).await;
        assert_eq!(f.status, StatusCode::OK, "{}", f.body);
        assert!(!f.body.contains("<html"), "a fragment");
        seen.extend(attrs(&f.body, "data-member"));
        steps += 1;
        match attrs(&f.body, "hx-get").into_iter().next() {
            Some(next) => more = next,
            None => break,
        }
        assert!(steps < 1000);
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no member twice");
    assert_eq!(seen.len() as u64, total, "every member");
    // Without script: a whole page with the next page's link; limit bounded.
    let whole = r
        .get(&format!("/units/{root}/members?limit=10"), None)
        .await;
    assert!(whole.body.contains("<html"));
    assert_eq!(attrs(&whole.body, "data-member").len(), 10);
    assert_eq!(attrs(&whole.body, "data-member")[..], first[..10]);
    for bad in [
        "limit=0",
        "limit=201",
        "limit=abc",
        "cursor=zz",
        "status=gone",
    ] {
        let resp = r
            .get(&format!("/units/{root}/members?{bad}&lang=en"), None)
            .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}");
        let field = bad.split('=').next().unwrap();
        assert!(resp.body.contains(field), "{bad}: {}", resp.body);
    }
    let probationary = r
        .get(
            &format!("/units/{root}/members?status=probationary&limit=200"),
            None,
        )
        .await;
    assert!(probationary.body.contains("pill prob"));
    assert!(!probationary.body.contains("<span class=\"pill\">"));
    // A stage's candidates, a page at a time.
    let unit = app.unit_page(&sys, &root, None).await.unwrap();
    let (stage, _) = &unit.candidates_by_stage[0];
    let s = r
        .get(&format!("/units/{root}/stages/{stage}?limit=1"), None)
        .await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(attrs(&s.body, "data-candidate").len(), 1);
    let none = r.get(&format!("/units/{root}/stages/nope"), None).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.get("/units/NOPE/members", None).await.status,
        StatusCode::NOT_FOUND
    );
}

both_backends!(the_unit_page_pages_its_members);

async fn the_achievement_api_is_paged(db: TestDb) {
    let r = demo_router(&db).await;
    let app = db.app().await;
    let sys = Actor::system();
    let root = app
        .dashboard(&sys, None)
        .await
        .unwrap()
        .root
        .code
        .to_string();
    let all = app
        .achievement_sql(&sys, Some(&root), "2020-2025", None)
        .await
        .unwrap()
        .rows;
    assert!(all.len() > 5);
    let mut got: Vec<String> = Vec::new();
    let mut uri = format!("/api/v1/units/{root}/achievement?term=2020-2025&limit=4");
    loop {
        let resp = r.get(&uri, None).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        assert_eq!(
            resp.headers["x-total-count"].to_str().unwrap(),
            all.len().to_string()
        );
        let rows: Vec<ranks_web::api::AchievementJson> = serde_json::from_str(&resp.body).unwrap();
        assert!(rows.len() <= 4);
        got.extend(rows.into_iter().map(|r| r.code));
        match resp.headers.get(header::LINK) {
            Some(l) => {
                let l = l.to_str().unwrap();
                uri = l[1..l.find('>').unwrap()].to_string();
            }
            None => break,
        }
    }
    let expected: Vec<String> = all.iter().map(|r| r.code.to_string()).collect();
    assert_eq!(got, expected, "every row once, in the report's order");
    // The default page is 50 rows; bad values are refused naming the field.
    let one = r
        .get(
            &format!("/api/v1/units/{root}/achievement?term=2020-2025"),
            None,
        )
        .await;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&one.body).unwrap();
    assert_eq!(rows.len(), all.len().min(50));
    for bad in ["limit=0", "limit=201", "limit=x", "cursor=NOPE"] {
        let resp = r
            .get(
                &format!("/api/v1/units/{root}/achievement?term=2020-2025&{bad}"),
                None,
            )
            .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}");
        let field = bad.split('=').next().unwrap();
        assert!(
            resp.body.starts_with(&format!("{{\"error\":\"{field}")),
            "{}",
            resp.body
        );
    }
}

both_backends!(the_achievement_api_is_paged);
