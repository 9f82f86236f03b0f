//! Uploads against the import limits, through the router as a browser and
//! a script send them, on SQLite and PostgreSQL: every refusal a 413 (or
//! 503 when too many imports run) naming the limit, in the page's language
//! on the import page; /healthz answering while big imports run; and the
//! work of a request whose client went away stopping.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ranks_app::import::ImportLimits;
use ranks_app::{Actor, App};
use ranks_testkit::http::{send, Resp};
use ranks_testkit::{both_backends, hostile, TestDb};
use std::time::{Duration, Instant};

/// The demo, a staff user of BVPHCN, the router, an API token and a
/// signed-in session (cookie, CSRF token).
async fn setup(app: &App) -> (axum::Router, String, String, String) {
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
    let token = app.create_token("canbo", "import", 1).await.unwrap();
    // Signed in through the form, as a browser does (with the form's token).
    let client = super::sign_in(&router, "canbo", "demo-ranks-2025")
        .await
        .unwrap_or_else(|r| panic!("sign-in: {}", r.status));
    let (cookie, csrf) = (client.cookie, client.csrf);
    (router, token, cookie, csrf)
}

fn api(token: &str, name: &str, file: Vec<u8>) -> Request<Body> {
    Request::post(format!("/api/v1/import?filename={name}&dry_run=true"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(file))
        .unwrap()
}

fn form(cookie: &str, csrf: &str, lang: &str, name: &str, file: &[u8]) -> Request<Body> {
    let b = "----ranksboundary7MA4YWxkTrZu0gW";
    let mut body: Vec<u8> = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nauto\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Request::post("/import/preview")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .header(header::COOKIE, format!("{cookie}; lang={lang}"))
        .body(Body::from(body))
        .unwrap()
}

fn json(r: &Resp) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

async fn healthz(router: &axum::Router) -> StatusCode {
    let req = Request::get("/healthz").body(Body::empty()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), send(router, req))
        .await
        .expect("/healthz answers")
        .status
}

/// The files, by API and by form: each refused with 413 naming the
/// limit, on the page in the user's language; the server answers after.
async fn hostile_uploads_are_refused_with_413_naming_the_limit(db: TestDb) {
    let app = db.app().await.with_import_limits(ImportLimits {
        upload_bytes: 4 << 20,
        ..ImportLimits::default()
    });
    let (router, token, cookie, csrf) = setup(&app).await;
    let far = hostile::two_far_cells("XFD1048576", true);
    let r = send(&router, api(&token, "x.xlsx", far.clone())).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    let v = json(&r);
    assert_eq!(
        (v["limit"].as_str(), v["max"].as_u64()),
        (Some("rows"), Some(200_000))
    );
    assert!(
        v["error"].as_str().unwrap().contains(
            "row 1,048,576 is past the limit of 200,000 rows under the header (import.max_rows)"
        ),
        "{v}"
    );
    for (file, limit) in [
        (hostile::two_far_cells("ZZ200000", false), "columns"),
        (hostile::many_attributes(100_000), "tag_attributes"),
        (hostile::many_namespaces(100_000), "tag_attributes"),
        (hostile::deflate_bomb(1 << 30, 1 << 30), "upload_bytes"),
        (vec![b'a'; (4 << 20) + 1], "upload_bytes"),
    ] {
        let r = send(&router, api(&token, "x.xlsx", file)).await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{limit}: {}",
            r.body
        );
        assert_eq!(json(&r)["limit"], limit, "{}", r.body);
    }
    let r = send(&router, api(&token, "x.xlsx", vec![b'a'; (4 << 20) + 1])).await;
    assert_eq!(
        json(&r)["error"],
        "the file is larger than the limit of 4 MB (import.max_upload_mb)"
    );

    // The import page, in each language.
    for (lang, says) in [
        (
            "vi",
            "Tệp vượt quá giới hạn 200.000 dòng dưới dòng tiêu đề; hãy chia nhỏ tệp.",
        ),
        (
            "en",
            "The file goes past the limit of 200,000 rows under the header; split the file.",
        ),
        (
            "de",
            "Die Datei geht über die Grenze von 200.000 Zeilen unter der Kopfzeile hinaus; teilen Sie die Datei.",
        ),
    ] {
        let r = send(&router, form(&cookie, &csrf, lang, "x.xlsx", &far)).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{lang}");
        assert!(r.body.contains("id=\"import-error\""), "{lang}: {}", r.body);
        assert!(r.body.contains(says), "{lang}: {}", r.body);
        // The detail says where: in English with the setting's name (for
        // the administrator), in Vietnamese and German in their words.
        let detail = match lang {
            "vi" => "trang tính A1:XFD1048576: dòng 1.048.576 vượt quá",
            "de" => "Blatts A1:XFD1048576: Zeile 1.048.576 liegt über",
            _ => "import.max_rows",
        };
        assert!(r.body.contains(detail), "{lang}: the detail: {}", r.body);
        if lang == "vi" {
            ranks_testkit::wording::assert_vietnamese("a limit's detail", &r.body);
        }
    }
    let big = vec![b'a'; (4 << 20) + 100 * 1024];
    let r = send(&router, form(&cookie, &csrf, "vi", "x.csv", &big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body.contains("Tệp quá lớn: giới hạn là 4 MB."),
        "{}",
        r.body
    );
    let r = send(
        &router,
        form(
            &cookie,
            &csrf,
            "de",
            "x.xlsx",
            &hostile::many_attributes(100_000),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body
            .contains("Die XLSX-Datei hat ein XML-Tag mit mehr als 512 Attributen"),
        "{}",
        r.body
    );
    assert_eq!(healthz(&router).await, StatusCode::OK);
    assert_eq!(app.imports_in_progress(), 0);
}

/// Two big imports (one running, one waiting): a third is refused with 503
/// and Retry-After, /healthz answers meanwhile; when their clients go away
/// (the request futures are dropped) the work stops and the turns are free.
async fn healthz_answers_while_imports_run_and_their_work_stops_with_the_client(db: TestDb) {
    let app = db.app().await.with_import_limits(ImportLimits {
        running: 1,
        waiting: 1,
        ..ImportLimits::default()
    });
    let (router, token, _, _) = setup(&app).await;
    let big = hostile::members_csv("BVPHCN.CB1", 200_000, 1_090_000_000).into_bytes();
    let requests: Vec<_> = (0..2)
        .map(|_| {
            let (router, req) = (router.clone(), api(&token, "big.csv", big.clone()));
            tokio::spawn(async move { send(&router, req).await.status })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.imports_in_progress() < 2 || app.import_rows_processed() < 1000 {
        assert!(Instant::now() < deadline, "the imports never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let r = send(
        &router,
        api(&token, "small.csv", b"code,name,kind\n".to_vec()),
    )
    .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("60"));
    assert!(
        json(&r)["error"]
            .as_str()
            .unwrap()
            .starts_with("too many imports in progress (1 running, 1 waiting"),
        "{}",
        r.body
    );
    assert_eq!(healthz(&router).await, StatusCode::OK);
    assert_eq!(
        app.imports_in_progress(),
        2,
        "/healthz answered while the imports ran"
    );
    for r in requests {
        r.abort();
        assert!(r.await.unwrap_err().is_cancelled());
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.imports_in_progress() > 0 {
        assert!(Instant::now() < deadline, "the turns were never given back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopped = app.import_rows_processed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.import_rows_processed(), stopped, "the work stopped");
    assert!(stopped < 4 * 200_000, "{stopped}");
    assert_eq!(healthz(&router).await, StatusCode::OK);
}

both_backends!(
    hostile_uploads_are_refused_with_413_naming_the_limit,
    healthz_answers_while_imports_run_and_their_work_stops_with_the_client,
);
