//! Figures for the import's limits (issue 12): how fast the hostile files
//! are refused, how long the largest accepted ones take, and /healthz's
//! answer time while two big imports run. In-process (the router as the
//! server runs it), on a fresh SQLite database with the demo loaded.
//!
//! `cargo run --release -p ranks-web --example import_figures`

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use ranks_app::Actor;
use ranks_testkit::{hostile, TestDb};
use std::time::{Duration, Instant};
use tower::ServiceExt;

async fn post(
    router: &axum::Router,
    token: &str,
    name: &str,
    file: Vec<u8>,
) -> (StatusCode, String, Duration) {
    let req = Request::post(format!("/api/v1/import?filename={name}&dry_run=true"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(file))
        .unwrap();
    let t = Instant::now();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let took = t.elapsed();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let what = match v["error"].as_str() {
        Some(e) => e.chars().take(250).collect(),
        None => format!(
            "{} rows, {} problems",
            v["rows"],
            v["errors"].as_array().map_or(0, Vec::len)
        ),
    };
    (status, what, took)
}

/// The process's peak resident memory so far, in MB.
fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn row(what: &str, size: usize, r: (StatusCode, String, Duration)) {
    println!(
        "{what:<44} {:>9} KB  {:>4}  {:>9.3} s  {:>5} MB  {}",
        size / 1024,
        r.0.as_u16(),
        r.2.as_secs_f64(),
        peak_mb(),
        r.1
    );
}

/// A members sheet of `n` rows as Excel saves it (deflated), one
/// ID number each.
fn members_xlsx(n: usize) -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F"#,
    );
    x.push_str(&format!(r#"{}"/><sheetData>"#, n + 1));
    let cell = |x: &mut String, c: char, r: usize, v: &str| {
        x.push_str(&format!(
            r#"<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>"#
        ));
    };
    let header = [
        "unit",
        "full_name",
        "gender",
        "birth_date",
        "id_number",
        "admitted_on",
    ];
    x.push_str(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        cell(&mut x, (b'A' + i as u8) as char, 1, h);
    }
    x.push_str("</row>");
    for i in 0..n {
        let r = i + 2;
        x.push_str(&format!(r#"<row r="{r}">"#));
        cell(&mut x, 'A', r, "BVPHCN.CB1");
        cell(&mut x, 'B', r, &format!("Nguyễn Văn Số {i}"));
        cell(&mut x, 'C', r, "Nam");
        cell(&mut x, 'D', r, "01/01/1990");
        cell(&mut x, 'E', r, &format!("{:012}", 1_090_000_000 + i));
        cell(&mut x, 'F', r, "19/05/2015");
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    let entry = hostile::Entry {
        name: "xl/worksheets/sheet1.xml".into(),
        data: miniz_oxide::deflate::compress_to_vec(x.as_bytes(), 6),
        deflated: true,
        declared_size: x.len() as u32,
        crc: hostile::crc32(x.as_bytes()),
    };
    hostile::zip(&hostile::workbook_parts(entry))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let sys = Actor::system();
    app.load_demo(&sys).await.unwrap();
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
    let token = app.create_token("canbo", "figures", 1).await.unwrap();
    let router = ranks_web::router(app.clone());
    println!(
        "{:<44} {:>12}  {:>4}  {:>11}  {:>8}  answer",
        "file", "size", "http", "time", "peak RSS"
    );

    let files: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "A1 + XFD1048576, used range declared",
            "x.xlsx",
            hostile::two_far_cells("XFD1048576", true),
        ),
        (
            "A1 + XFD1048576, no used range",
            "x.xlsx",
            hostile::two_far_cells("XFD1048576", false),
        ),
        (
            "A1 + ZZ200000, no used range",
            "x.xlsx",
            hostile::two_far_cells("ZZ200000", false),
        ),
        (
            "100,000 attributes in a tag",
            "x.xlsx",
            hostile::many_attributes(100_000),
        ),
        (
            "100,000 namespace declarations",
            "x.xlsx",
            hostile::many_namespaces(100_000),
        ),
        (
            "deflate bomb 3 MB -> 477 MB, declared",
            "x.xlsx",
            hostile::deflate_bomb(477 << 20, 477 << 20),
        ),
        (
            "deflate bomb 3 MB -> 477 MB, declares 1 KB",
            "x.xlsx",
            hostile::deflate_bomb(477 << 20, 1024),
        ),
        (
            "deflate bomb 31 MB -> 4.9 GB, declared",
            "x.xlsx",
            hostile::deflate_bomb(4900 << 20, u32::MAX),
        ),
        (
            "sheet of 255 MB unpacked (under the limit)",
            "x.xlsx",
            hostile::spaces_sheet(255 << 20),
        ),
        (
            "CSV 33 MB (over the upload limit)",
            "m.csv",
            vec![b'a'; 33 << 20],
        ),
    ];
    for (what, name, file) in files {
        let size = file.len();
        row(what, size, post(&router, &token, name, file).await);
    }
    let over = hostile::members_csv("BVPHCN.CB1", 400_000, 1_090_000_000).into_bytes();
    row(
        "CSV 400,000 rows (over the row limit)",
        over.len(),
        post(&router, &token, "m.csv", over).await,
    );
    for n in [50_000, 100_000, 200_000] {
        let csv = hostile::members_csv("BVPHCN.CB1", n, 1_090_000_000).into_bytes();
        row(
            &format!("members CSV, {n} rows, all checked"),
            csv.len(),
            post(&router, &token, "m.csv", csv).await,
        );
    }
    for n in [100_000, 200_000] {
        let file = members_xlsx(n);
        row(
            &format!("members XLSX, {n} rows, all checked"),
            file.len(),
            post(&router, &token, "m.xlsx", file).await,
        );
    }
    for n in [50_000, 100_000, 200_000] {
        // Every row refused (an unknown cell): the case that was quadratic.
        let csv = hostile::members_csv("NOPE.CB1", n, 1_090_000_000)
            .replacen("unit,", "cell,", 1)
            .into_bytes();
        row(
            &format!("candidates CSV, {n} rows, every row bad"),
            csv.len(),
            post(&router, &token, "c.csv", csv).await,
        );
    }

    // /healthz while two 200,000-row previews run.
    let big = hostile::members_csv("BVPHCN.CB1", 200_000, 1_090_000_000).into_bytes();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let (router, token, big) = (router.clone(), token.clone(), big.clone());
            tokio::spawn(async move { post(&router, &token, "m.csv", big).await })
        })
        .collect();
    while app.imports_in_progress() < 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut worst = Duration::ZERO;
    let mut n = 0;
    while app.imports_in_progress() > 0 {
        let t = Instant::now();
        let r = router
            .clone()
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        worst = worst.max(t.elapsed());
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for r in runs {
        let r = r.await.unwrap();
        println!(
            "two 200,000-row previews at once: {} in {:.3} s",
            r.0.as_u16(),
            r.2.as_secs_f64()
        );
    }
    println!(
        "/healthz meanwhile: {n} answers, the slowest in {:.1} ms",
        worst.as_secs_f64() * 1e3
    );
}
