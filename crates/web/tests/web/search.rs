//! Issue 16: the registry's pages and API are paged (limit, cursor, total,
//! a link to the next page) and the members' export streams.

use super::*;
use ranks_app::auth::Role;
use ranks_testkit::demo_with_users;

const PW: &str = "mật khẩu tìm kiếm";

async fn staff_of_bvphcn(db: &TestDb) -> Client {
    let app = demo_with_users(db, PW, &[("canbo", Role::Staff, "BVPHCN")]).await;
    let router = ranks_web::router(app.clone());
    sign_in(&router, "canbo", PW).await.unwrap()
}

/// The member ids linked in the registry's results.
fn member_ids(body: &str) -> Vec<i64> {
    body.split("id=\"members\"")
        .nth(1)
        .unwrap_or_default()
        .split("<tr><td><a href=\"/members/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// The next-page link of the members' list, as a request path.
fn next_link(body: &str) -> Option<String> {
    body.split("id=\"next-page\" href=\"")
        .nth(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
}

async fn the_registry_page_links_to_the_next_page(db: TestDb) {
    let c = staff_of_bvphcn(&db).await;
    let api = c.get("/api/v1/members?limit=200", None).await.json();
    let total = api["members"].as_array().unwrap().len();
    assert!(total > 12, "{total}");
    assert_eq!(api["total"]["count"], total);

    // Page by page through the links: every member once, in the API's order.
    let mut uri = Some("/members?q=&limit=5".to_string());
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(u) = uri {
        let page = c.get(&u, None).await;
        assert_eq!(page.status, StatusCode::OK, "{u}");
        let ids = member_ids(&page.body);
        assert!(ids.len() <= 5);
        if pages == 0 {
            assert!(page.body.contains("rel=\"next\""));
            assert!(
                page.body.contains(&format!("Tìm thấy {total}")),
                "the total is shown"
            );
        } else {
            assert!(page.body.contains("id=\"first-page\""), "a way back");
        }
        seen.extend(ids);
        pages += 1;
        uri = next_link(&page.body);
    }
    assert_eq!(pages, total.div_ceil(5));
    let want: Vec<i64> = api["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, want);

    // The API walks the same way with its cursor.
    let mut cursor = String::new();
    let mut walked = Vec::new();
    loop {
        let r = c
            .get(&format!("/api/v1/members?limit=7&cursor={cursor}"), None)
            .await
            .json();
        walked.extend(
            r["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_i64().unwrap()),
        );
        match r["next"].as_str() {
            Some(n) => cursor = n.to_string(),
            None => break,
        }
    }
    assert_eq!(walked, want);

    // Bad paging is refused naming the field, on the page and the API.
    for (uri, field) in [
        ("/api/v1/members?limit=0", "limit"),
        ("/api/v1/members?limit=201", "limit"),
        ("/api/v1/members?limit=ten", "limit"),
        ("/api/v1/members?cursor=garbage", "cursor"),
        ("/api/v1/members?status=expelled", "status"),
    ] {
        let r = c.get(uri, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            r.json()["error"].as_str().unwrap().contains(field),
            "{uri}: {}",
            r.body
        );
    }
    let page = c.get("/members?limit=500&lang=en", None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("limit: &#39;500&#39;"), "{}", page.body);
    assert!(
        page.body.contains("a whole number from 1 to 200"),
        "{}",
        page.body
    );
    let page = c.get("/members?limit=500", None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Số dòng mỗi trang"), "{}", page.body);
    assert!(
        page.body.contains("một số nguyên từ 1 đến 200"),
        "{}",
        page.body
    );

    // The export streams every member of the subtree, whatever the page size.
    let csv = c.get("/export/members?format=csv&org=BVPHCN", None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(csv.body.lines().count() - 1, total);
    let xlsx = c.get("/export/members?format=xlsx&org=BVPHCN", None).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx.bytes)).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert_eq!(
        sheet.matches("<row ").count(),
        total + 1,
        "the header and every member"
    );
}

both_backends!(the_registry_page_links_to_the_next_page);
