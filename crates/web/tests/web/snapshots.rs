//! Snapshots (insta) of what a reader or a script gets whole: the OpenAPI
//! document, two exports, the text of the dashboard's tables. One snapshot
//! per name for both engines, under `tests/snapshots/`, so SQLite and
//! PostgreSQL must give the same bytes. What varies between runs, releases
//! or engines is redacted or left out: the crate version in the document;
//! pages are snapshotted as text ([`text`]) of chosen elements, without
//! the CSRF tokens, session cookies, record ids (in links) and times the
//! whole page carries. To snapshot more, pick a stable part the same way.
//!
//! A changed answer fails the test and leaves `<name>.snap.new` beside the
//! snapshot; review it with `cargo insta review` (or rename it by hand)
//! and commit the `.snap`. CI never accepts new snapshots: do not set
//! `INSTA_UPDATE=always` (or `INSTA_FORCE_PASS`) for `cargo test`.

use super::*;
use ranks_testkit::http::text;

/// Asserts `value` equals the committed snapshot `tests/snapshots/<name>.snap`.
fn snapshot(name: &str, value: &str) {
    let accepting = std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always")
        || std::env::var_os("INSTA_FORCE_PASS").is_some();
    assert!(
        !(accepting && std::env::var_os("CI").is_some()),
        "CI compares snapshots, it does not accept them: unset INSTA_UPDATE=always / INSTA_FORCE_PASS"
    );
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

/// The part of `page` from the first `<{tag} class="{class}"` to its
/// `</{tag}>` (not nested in one of its own kind).
fn element<'a>(page: &'a str, tag: &str, class: &str) -> &'a str {
    let start = page
        .find(&format!("<{tag} class=\"{class}\""))
        .unwrap_or_else(|| panic!("no <{tag} class=\"{class}\"> in {page}"));
    let end = page[start..]
        .find(&format!("</{tag}>"))
        .map(|e| start + e + tag.len() + 3)
        .unwrap();
    &page[start..end]
}

/// The document the API describes itself with, as served.
async fn the_openapi_document(db: TestDb) {
    let c = demo_router(&db).await;
    let resp = c.get("/api/openapi.json", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.content_type.starts_with("application/json"));
    let mut doc = resp.json();
    // The crate's version changes with a release, not with the document.
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    doc["info"]["version"] = "[version]".into();
    let pretty = serde_json::to_string_pretty(&doc).unwrap();
    snapshot("openapi", &pretty);
    let v1 = c.get("/api/v1/openapi.json", None).await;
    assert_eq!(v1.body, resp.body, "both addresses serve one document");
}

/// Two small lists exported as CSV on the demo data: header and every row.
async fn an_export_as_csv(db: TestDb) {
    let c = demo_router(&db).await;
    let csv = c
        .get(
            "/export/members?format=csv&q=&org=BVPHCN&status=probationary",
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    snapshot("export_members_csv", &csv.body);
    let report = c
        .get(
            "/export/achievement?format=csv&org=BVPHCN&term=2020-2025",
            None,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    snapshot("export_achievement_csv", &report.body);
}

/// The dashboard's table and the unit page's members, as text.
async fn pages_as_text(db: TestDb) {
    let c = demo_router(&db).await;
    let page = c.get("/?term=2020-2025", None).await;
    assert_eq!(page.status, StatusCode::OK);
    snapshot(
        "dashboard_tree",
        &text(element(&page.body, "table", "tree")),
    );
    let en = c.get("/?term=2020-2025&lang=en", None).await;
    snapshot(
        "dashboard_tree_en",
        &text(element(&en.body, "table", "tree")),
    );
    snapshot(
        "dashboard_pipeline_en",
        &text(element(&en.body, "table", "pipeline")),
    );
}

both_backends!(the_openapi_document, an_export_as_csv, pages_as_text);
