//! The plan page of a big subtree stays small: its forecast and allocation
//! are the unit and its direct subordinates (the first 200), its counted
//! candidates the first 50 by chance, and the API pages through the rest.

use axum::http::StatusCode;
use ranks_app::Actor;
use ranks_testkit::{both_backends, TestDb};
use std::path::Path;

/// Provinces under the centre (more than a page of 200).
const PROVINCES: usize = 210;
/// Candidates in course, spread over the provinces' cells.
const CANDIDATES: usize = 8_000;

/// A centre with 210 provinces, each with a committee and a cell, and
/// 8,000 candidates in course: the old page listed every one of them.
fn write_folder(dir: &Path) {
    let mut units = String::from("code,name,kind,parent,created_on\n");
    units.push_str("TW,Trung ương,central,,1930-02-03\n");
    for p in 1..=PROVINCES {
        units.push_str(&format!(
            "P{p:03},Đảng bộ tỉnh {p},provincial,TW,1990-01-01\n\
             P{p:03}.G1,Đảng bộ cơ sở {p},grassroots_committee,P{p:03},1995-01-01\n\
             P{p:03}.G1.CB1,Chi bộ {p},cell,P{p:03}.G1,1995-01-01\n"
        ));
    }
    std::fs::write(dir.join("units.csv"), units).unwrap();
    let mut cands = String::from("cell,full_name,gender,birth_date,stage,history\n");
    for i in 0..CANDIDATES {
        let p = 1 + i % PROVINCES;
        cands.push_str(&format!(
            "P{p:03}.G1.CB1,Trần Thị Quần Chúng Số {i},Nữ,{}-0{}-1{},course,pool:2025-01-0{};sympathiser:2025-03-0{};course:2025-06-0{}\n",
            1980 + i % 20,
            1 + i % 9,
            i % 10,
            1 + i % 9,
            1 + i % 9,
            1 + i % 9,
        ));
    }
    std::fs::write(dir.join("candidates.csv"), cands).unwrap();
    std::fs::write(
        dir.join("targets.csv"),
        "unit,period,target\nTW,2025-2030,900\nP001,2025-2030,4\n",
    )
    .unwrap();
}

async fn the_plan_page_of_a_big_subtree_stays_under_a_megabyte(db: TestDb) {
    let app = db.app().await;
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path());
    app.bulk_import(&Actor::system(), dir.path(), &|_, _| {})
        .await
        .unwrap();
    let r = super::admin(&app).await;
    let page = r.get("/units/TW/plan?term=2025-2030&lang=en", None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.len() < 1_000_000, "{} bytes", page.body.len());
    let shown = format!("200 of {} units shown", PROVINCES + 1);
    assert_eq!(
        page.body.matches(&shown).count(),
        2,
        "forecast and allocation"
    );
    assert!(page.body.contains(&format!("(50 / {CANDIDATES})")));

    // The API pages through the unit and its 210 provinces, each once.
    for path in [
        "/api/v1/forecast?term=2025-2030&org=TW&limit=200",
        "/api/v1/allocation?period=2025-2030&org=TW&limit=200",
    ] {
        let mut codes: Vec<String> = Vec::new();
        let mut next = String::new();
        loop {
            let got = r.get(&format!("{path}{next}"), None).await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.body);
            assert!(got.body.len() < 1_000_000);
            assert_eq!(got.header("x-total-count"), Some("211"));
            let json = got.json();
            let rows = json
                .get("rows")
                .unwrap_or(&json)
                .as_array()
                .unwrap()
                .clone();
            codes.extend(rows.iter().map(|x| x["code"].as_str().unwrap().to_string()));
            match got.header("x-next-cursor") {
                Some(c) => next = format!("&cursor={c}"),
                None => break,
            }
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((codes.len(), unique.len()), (211, 211), "{path}");
        assert_eq!(codes[0], "TW");
    }
    let f = r
        .get("/api/v1/forecast?term=2025-2030&org=TW", None)
        .await
        .json();
    assert_eq!(f["candidates"].as_array().unwrap().len(), 50);
    assert_eq!(f["candidates_total"], CANDIDATES);
    assert_eq!(f["total"], 211);
    assert_eq!(
        f["rows"].as_array().unwrap().len(),
        50,
        "a page of 50 by default"
    );
}

both_backends!(the_plan_page_of_a_big_subtree_stays_under_a_megabyte);
