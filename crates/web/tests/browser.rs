//! Real-browser journeys: headless Chromium driven through ChromeDriver
//! (W3C WebDriver over HTTP), against the real server on a local port.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/install-browser`
//! installs them; `.ci/run` calls it and sets `RANKS_REQUIRE_BROWSER=1`, so
//! a missing browser fails CI instead of skipping). `RANKS_CHROMIUM` and
//! `RANKS_CHROMEDRIVER` point elsewhere. The run saves a screenshot of the
//! dashboard to `target/browser-artifacts/dashboard.png` (and one at 375
//! pixels wide).

// A story reads top to bottom; its length is its plot.
#![allow(clippy::too_many_lines)]

#[path = "browser/meeting_journey.rs"]
mod meeting_journey;
#[path = "web/meeting_setup.rs"]
mod meeting_setup;
#[path = "web/pdf_text.rs"]
mod pdf_text;

use ranks_app::{Actor, App};
use ranks_testkit::TestDb;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// A minimal WebDriver client: JSON over HTTP/1.1 to chromedriver on loopback.

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    // ChromeDriver keeps the connection open: read the header, then exactly
    // Content-Length bytes (or chunks up to the last one).
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let body = loop {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed early".into());
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        let rest = &raw[end + 4..];
        if head.contains("transfer-encoding: chunked") {
            if rest.ends_with(b"0\r\n\r\n") {
                break dechunk(&String::from_utf8_lossy(rest));
            }
            continue;
        }
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse().unwrap_or(0))
            .unwrap_or(0);
        if rest.len() >= len {
            break String::from_utf8_lossy(&rest[..len]).into_owned();
        }
    };
    let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    match v["value"].get("error") {
        Some(err) => Err(format!("{err}: {}", v["value"]["message"])),
        None => Ok(v["value"].clone()),
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let d = Driver { child, port };
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if http(port, "GET", "/status", None).is_ok_and(|v| v["ready"] == true) {
                return d;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not become ready on port {port}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Browser<'a> {
    d: &'a Driver,
    session: String,
    base: String,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl<'a> Browser<'a> {
    fn open(d: &'a Driver, chromium: &Path, base: String) -> Browser<'a> {
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--lang=vi",
                         "--window-size=1280,900",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let v = http(d.port, "POST", "/session", Some(&caps)).expect("new session");
        std::mem::forget(profile); // Chromium still uses it; the OS temp dir is cleaned later.
        Browser {
            d,
            session: v["sessionId"].as_str().unwrap().to_string(),
            base,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let p = format!("/session/{}{path}", self.session);
        http(self.d.port, method, &p, body.as_ref())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn go(&self, path: &str) {
        self.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("{}{path}", self.base)})),
        );
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT].as_str().unwrap().to_string()
    }

    fn count(&self, css: &str) -> usize {
        self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map(Vec::len)
        .unwrap_or(0)
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/clear"), Some(json!({})));
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Clicks, and waits for the page it leads to.
    fn click(&self, css: &str) {
        let e = self.find(css);
        self.navigating(|| {
            self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
        });
    }

    /// Presses Enter on an element (submits its form), and waits for the new page.
    fn press_enter(&self, css: &str) {
        let e = self.find(css);
        self.navigating(|| {
            self.cmd(
                "POST",
                &format!("/element/{e}/value"),
                Some(json!({"text": "\u{E007}"})),
            );
        });
    }

    /// Runs an action that loads a new document, and waits until it has.
    fn navigating(&self, action: impl FnOnce()) {
        self.js("window.__ranksOld = true; return 0");
        action();
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let done = http(
                self.d.port,
                "POST",
                &format!("/session/{}/execute/sync", self.session),
                Some(
                    &json!({"script": "return window.__ranksOld === undefined && document.readyState === 'complete'", "args": []}),
                ),
            );
            if done.is_ok_and(|v| v == json!(true)) {
                return;
            }
            assert!(Instant::now() < until, "the page did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.cmd("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn path(&self) -> String {
        let url = self.cmd("GET", "/url", None);
        url.as_str()
            .unwrap()
            .trim_start_matches(&self.base)
            .to_string()
    }

    fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    fn screenshot(&self, file: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64_decode(b64.as_str().unwrap());
        assert_eq!(&png[1..4], b"PNG");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, png).unwrap();
    }

    /// A screenshot of the whole page (beyond the window), through the
    /// DevTools protocol; the window's part if that is not available.
    fn full_screenshot(&self, file: &Path) {
        let p = format!("/session/{}/goog/cdp/execute", self.session);
        let shot = http(
            self.d.port,
            "POST",
            &p,
            Some(&json!({"cmd": "Page.captureScreenshot",
                         "params": {"format": "png", "captureBeyondViewport": true}})),
        );
        match shot {
            Ok(v) if v["data"].is_string() => {
                let png = base64_decode(v["data"].as_str().unwrap());
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, png).unwrap();
            }
            _ => self.screenshot(file),
        }
    }

    /// The `href` of the first element matching `css`, if any.
    fn href(&self, css: &str) -> Option<String> {
        let css = serde_json::to_string(css).unwrap();
        self.js(&format!(
            "const e = document.querySelector({css}); return e ? e.getAttribute('href') : null"
        ))
        .as_str()
        .map(str::to_string)
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let _ = http(
            self.d.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Chromium and its driver; `None`, with `what` said to be skipped, when
/// either is missing (a failure under RANKS_REQUIRE_BROWSER=1).
fn browser_tools(what: &str) -> Option<(PathBuf, PathBuf)> {
    let required = std::env::var("RANKS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let (Some(chromium), Some(chromedriver)) = (
        tool("RANKS_CHROMIUM", "/usr/bin/chromium"),
        tool("RANKS_CHROMEDRIVER", "/usr/bin/chromedriver"),
    ) else {
        assert!(
            !required,
            "RANKS_REQUIRE_BROWSER=1 but chromium/chromedriver are missing (run .ci/install-browser)"
        );
        eprintln!("chromium or chromedriver not installed: {what} skipped");
        return None;
    };
    Some((chromium, chromedriver))
}

/// The runtime the app is served on while the browser drives it.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Serves `app` on a free local port; its base address.
async fn serve(app: &App) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = ranks_web::router(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

fn tool(env: &str, default: &str) -> Option<PathBuf> {
    let p = std::env::var(env)
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(default));
    p.exists().then_some(p)
}

fn artifacts() -> PathBuf {
    // crates/web → the workspace's target directory.
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("browser-artifacts")
}

// ---------------------------------------------------------------------------
// The scenario.

/// Takes the secretary's candidate Nông Hồng Thủy (BVPHCN.CB1, at the
/// application) to the comments stage, so that the next step is the cell's vote.
async fn prepare(app: &App) -> i64 {
    let sys = Actor::system();
    let found = app
        .search_candidates(&sys, Some("BVPHCN.CB1"), "nong hong thuy")
        .await
        .unwrap();
    let id = found[0].id;
    let choices = app.member_choices(&sys, id).await.unwrap();
    for (stage, doc) in [
        ("personal_history", "2-KNĐ"),
        ("verification", "TTLL"),
        ("introduction", "3-KNĐ"),
        ("comments", "5-KNĐ"),
    ] {
        if stage == "introduction" {
            // 28 years old, a Youth Union member: introduced by its
            // committee's resolution (4-KNĐ) and one official member.
            let since = chrono::NaiveDate::from_ymd_opt(2020, 1, 6).unwrap();
            app.add_introducer(&sys, id, Some((choices[0].id, since)), None)
                .await
                .unwrap();
            app.add_introducer(&sys, id, None, None).await.unwrap();
        }
        app.record_document(&sys, id, doc, None).await.unwrap();
        app.record_step(
            &sys,
            id,
            ranks_app::pipeline::StepInput {
                stage: stage.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{stage}: {e}"));
    }
    id
}

#[test]
fn browser_journeys() {
    let Some((chromium, chromedriver)) = browser_tools("browser journeys") else {
        return;
    };
    let started = Instant::now();
    let rt = runtime();
    let db = TestDb::sqlite();
    let (app, base, candidate) = rt.block_on(async {
        let app = db.app().await;
        let sys = Actor::system();
        assert!(app.load_demo(&sys).await.unwrap().loaded);
        app.add_user(
            &sys,
            "bithu.bvphcn.cb1",
            "demo-ranks-2025",
            ranks_app::auth::Role::Secretary,
            Some("BVPHCN.CB1"),
            None,
        )
        .await
        .unwrap();
        app.add_user(
            &sys,
            "quantri",
            "demo-ranks-2025",
            ranks_app::auth::Role::Admin,
            None,
            None,
        )
        .await
        .unwrap();
        let candidate = prepare(&app).await;
        let base = serve(&app).await;
        (app, base, candidate)
    });
    let driver = Driver::start(&chromedriver);
    let b = Browser::open(&driver, &chromium, base.clone());

    // Sign in as the cell secretary (a page asks for sign-in first).
    b.go("/");
    assert!(b.path().starts_with("/login"), "{}", b.path());
    b.type_into("#username", "bithu.bvphcn.cb1");
    b.type_into("#password", "demo-ranks-2025");
    b.press_enter("button[type=submit]");
    assert_eq!(b.path(), "/");
    let before: u64 = b.text("#stage-cell_vote").parse().unwrap();
    let comments_before: u64 = b.text("#stage-comments").parse().unwrap();

    // The style sheet and htmx load under the CSP (nothing inline).
    assert_eq!(
        b.js("return document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 50 && typeof htmx === 'object'"),
        json!(true)
    );
    // Find the candidate by a name typed without tone marks: the results
    // come while typing (htmx), and again with Enter (no JavaScript needed).
    b.go("/members");
    b.type_into("#q", "nong hong thuy");
    let link = format!("a[href='/candidates/{candidate}']");
    let until = Instant::now() + Duration::from_secs(5);
    while b.count(&link) == 0 || b.count("#results tbody tr") > 2 {
        assert!(
            Instant::now() < until,
            "live search did not narrow the list"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    b.press_enter("#q");
    assert!(b.path().starts_with("/members?q=nong"), "{}", b.path());
    assert_eq!(b.text(&link), "Nông Hồng Thủy");
    b.click(&link);
    assert_eq!(b.path(), format!("/candidates/{candidate}"));

    // The cell's vote: its form 6-KNĐ first, then a vote under two thirds.
    assert!(
        b.text("#next").contains("Chi bộ xét"),
        "{}",
        b.text("#next")
    );
    b.click("form[action$='/document'] button");
    assert_eq!(b.count("form[action$='/document']"), 0, "6-KNĐ recorded");
    let vote = |e: &str, p: &str, f: &str, a: &str| {
        for (field, v) in [
            ("eligible", e),
            ("present", p),
            ("in_favour", f),
            ("against", a),
        ] {
            b.type_into(&format!("form.step input[name={field}]"), v);
        }
        b.click("form.step button[type=submit]");
    };
    // Eligible is proposed from the registry: the cell's official members.
    let n: u32 = b
        .js("return document.querySelector('form.step input[name=eligible]').value")
        .as_str()
        .unwrap()
        .parse()
        .expect("eligible proposed");
    let (all, half) = (n.to_string(), (n / 2).to_string());
    vote(&all, &all, &half, "0");
    let refusal = b.text("#refusal");
    assert!(refusal.contains("2/3"), "{refusal}");
    // The values entered are kept after the refusal.
    assert_eq!(
        b.js("return document.querySelector('form.step input[name=in_favour]').value"),
        json!(half)
    );
    assert_eq!(
        rt.block_on(app.candidate_file(&Actor::system(), candidate))
            .unwrap()
            .stage,
        "comments",
        "a refused vote writes nothing"
    );
    // …then one that passes.
    vote(&all, &all, &all, "0");
    assert_eq!(
        b.path(),
        format!("/candidates/{candidate}"),
        "{}",
        b.text("main")
    );
    assert_eq!(b.count("#refusal"), 0);
    assert!(
        b.text("#next").contains("Đảng ủy cơ sở"),
        "{}",
        b.text("#next")
    );

    // The dashboard's figure moved with it.
    b.go("/");
    assert_eq!(
        b.text("#stage-cell_vote").parse::<u64>().unwrap(),
        before + 1
    );
    assert_eq!(
        b.text("#stage-comments").parse::<u64>().unwrap(),
        comments_before - 1
    );
    let dir = artifacts();
    b.screenshot(&dir.join("dashboard.png"));

    // Every form field has a label; nothing is wider than a 375-pixel phone.
    for page in [
        "/",
        &format!("/candidates/{candidate}"),
        "/members?q=nguyen",
        "/units/BVPHCN.CB1/plan",
        "/import",
    ] {
        b.go(page);
        let unlabelled = b.js(
            "return [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]\
             .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))\
             .map(e => e.name)",
        );
        assert_eq!(unlabelled, json!([]), "{page}: inputs without a label");
    }
    b.resize(375, 812);
    for page in [
        "/",
        &format!("/candidates/{candidate}"),
        "/units/BVPHCN.CB1",
    ] {
        b.go(page);
        let (doc, view) = (
            b.js("return document.documentElement.scrollWidth"),
            b.js("return window.innerWidth"),
        );
        assert!(
            doc.as_u64().unwrap() <= view.as_u64().unwrap(),
            "{page}: {doc} px wide in a {view} px window"
        );
    }
    b.go("/");
    b.screenshot(&dir.join("dashboard-375.png"));

    // A unit outside the subtree is refused without saying it exists.
    b.go("/units/CDC");
    assert!(b.text("h1").contains("404") || b.text("main").contains("404"));
    b.go("/units/KHONGCO");
    let unknown = b.text("main");
    b.go("/units/CDC");
    let outside = b.text("main").replace("CDC", "KHONGCO");
    assert_eq!(outside, unknown, "outside looks exactly like nonexistent");

    // Every main page at 1280 and 375 pixels, as an administrator.
    drop(b);
    let admin = Browser::open(&driver, &chromium, base);
    let overflow = layout_tour(&admin, candidate);
    assert!(
        overflow.is_empty(),
        "horizontal overflow or English on Vietnamese pages:\n{}",
        overflow.join("\n")
    );

    eprintln!(
        "browser journeys: {:.1} s (screenshots in {})",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
}

/// The journeys' user names (shown as who recorded a step).
const USERS: [&str; 2] = ["bithu.bvphcn.cb1", "quantri"];

/// The widths every main page is checked at.
const WIDTHS: [(u32, u32); 2] = [(1280, 900), (375, 812)];

/// Measures the page the browser shows: (document width, window width,
/// document height).
fn measure(b: &Browser) -> (u64, u64, u64) {
    let v = b.js(
        "return [document.documentElement.scrollWidth, window.innerWidth, document.documentElement.scrollHeight]",
    );
    let n = |i: usize| v[i].as_u64().unwrap_or(0);
    (n(0), n(1), n(2))
}

/// Checks the page now shown: records an overflow, prints its height,
/// saves `page-width.png`.
fn check_page(b: &Browser, name: &str, width: u32, problems: &mut Vec<String>) {
    let (doc, view, height) = measure(b);
    let line = format!("layout: {name} at {width} px: {height} px high, {doc} px wide in {view}");
    eprintln!("{line}");
    // The heights, for the note of the change (target/browser-artifacts/layout.txt).
    let log = artifacts().join("layout.txt");
    let mut all = std::fs::read_to_string(&log).unwrap_or_default();
    if name == "login" && width == WIDTHS[0].0 {
        all.clear();
    }
    all.push_str(&line);
    all.push('\n');
    std::fs::write(&log, all).unwrap();
    if doc > view {
        problems.push(format!(
            "{name} at {width} px: {doc} px wide in a {view} px window"
        ));
    }
    // A Vietnamese page says everything in Vietnamese (as the browser
    // shows it, after the script has run).
    if b.js("return document.documentElement.lang") == json!("vi") {
        let html = b.js("return document.documentElement.outerHTML");
        let mut found = ranks_testkit::wording::offences(&ranks_testkit::wording::page_text(
            html.as_str().unwrap_or_default(),
        ));
        // Who recorded a step is shown by user name, which is no key.
        found.retain(|w| !USERS.contains(&w.as_str()));
        if !found.is_empty() {
            problems.push(format!(
                "{name} at {width} px: English or raw keys on a Vietnamese page: {found:?}"
            ));
        }
    }
    b.full_screenshot(&artifacts().join(format!("{name}-{width}.png")));
    // What a person sees first, without scrolling.
    b.screenshot(&artifacts().join(format!("top/{name}-{width}.png")));
}

/// Login, dashboard, unit pages at each level, plan, candidates at several
/// stages, member, members, refused attempts, supervisor and an import
/// preview, at each width.
/// Returns the overflows found.
fn layout_tour(b: &Browser, candidate: i64) -> Vec<String> {
    let mut problems = Vec::new();
    for (w, h) in WIDTHS {
        b.resize(w, h);
        b.go("/login");
        check_page(b, "login", w, &mut problems);
    }
    // The sign-in page switches language, and keeps it.
    b.go("/login");
    b.click("header nav.lang a[hreflang=en]");
    assert_eq!(b.js("return document.documentElement.lang"), json!("en"));
    b.go("/login");
    assert_eq!(b.js("return document.documentElement.lang"), json!("en"));
    b.click("header nav.lang a[hreflang=vi]");
    assert_eq!(b.js("return document.documentElement.lang"), json!("vi"));
    b.type_into("#username", "quantri");
    b.type_into("#password", "demo-ranks-2025");
    b.press_enter("button[type=submit]");
    assert_eq!(b.path(), "/");

    // The registry's unit filter by name: several matches are said in
    // the results, the suggestion's "Name (CODE)" filters.
    b.go("/members");
    let all = b.count("#org-list option");
    b.type_into("#org", "lam sang");
    // The suggestions follow what is typed (htmx replaces the list).
    let until = Instant::now() + Duration::from_secs(5);
    while b.count("#org-list option") == all || b.count("#org-list option") == 0 {
        assert!(Instant::now() < until, "the suggestions did not follow");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(b
        .js("return [...document.querySelectorAll('#org-list option')].every(o => /lâm sàng/i.test(o.value))")
        .as_bool()
        .unwrap_or(false));
    b.press_enter("#org");
    assert_eq!(b.count("#org-error"), 1, "{}", b.text("main"));
    b.type_into("#org", "Chi bộ Lâm sàng (BVPHCN.CB1)");
    b.press_enter("#org");
    assert_eq!(b.count("#org-error"), 0, "{}", b.text("main"));
    assert!(b.path().contains("org="), "{}", b.path());
    assert!(b.count("#results a[href^='/members/']") > 0);
    // Results swapped in by the live search are labelled for phones too.
    b.type_into("#q", "nguyen");
    let until = Instant::now() + Duration::from_secs(5);
    while !b.path().contains("q=nguyen") {
        assert!(Instant::now() < until, "live search did not answer");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        b.count("#results table:not(.reflow):not(.fits)"),
        0,
        "every table of the swapped results is labelled"
    );

    // Pages found by following the links the pages themselves show.
    let mut pages: Vec<(String, String)> = vec![
        ("dashboard".into(), "/".into()),
        ("unit-root".into(), "/units/DBSYT".into()),
        ("unit-grassroots".into(), "/units/BVPHCN".into()),
        ("unit-cell".into(), "/units/BVPHCN.CB1".into()),
        ("plan".into(), "/units/BVPHCN/plan".into()),
        ("candidate-vote".into(), format!("/candidates/{candidate}")),
        ("members".into(), "/members?q=nguyen".into()),
        ("refusals".into(), "/refusals?org=DBSYT".into()),
    ];
    b.go("/units/DBSYT");
    let stages = b.js(
        "return [...document.querySelectorAll('[data-stage]')].map(g => { \
           const a = g.querySelector('a[href^=\"/candidates/\"]'); \
           return a ? [g.dataset.stage, a.getAttribute('href')] : null }).filter(x => x)",
    );
    for s in stages.as_array().into_iter().flatten().take(4) {
        pages.push((
            format!("candidate-{}", s[0].as_str().unwrap_or("x")),
            s[1].as_str().unwrap_or("/").to_string(),
        ));
    }
    b.go("/units/BVPHCN.CB1");
    if let Some(m) = b.href("a[href^='/members/']") {
        pages.push(("member".into(), m));
    }
    b.go("/units/BVPHCN");
    if let Some(s) = b.href("a[href^='/supervisors/']") {
        pages.push(("supervisor".into(), s));
    }
    let csv = artifacts().join("import-sample.csv");
    std::fs::create_dir_all(csv.parent().unwrap()).unwrap();
    std::fs::write(
        &csv,
        "\u{feff}unit,full_name,gender,birth_date,id_number,phone,admitted_on,status\n\
         BVPHCN.CB1,Vi Văn Mười,Nam,31/02/1990,001090001234,0912345678,15/03/2024,dự bị\n\
         BVPHCN.CB2,Hà Thị Mười Một Nguyễn Hoàng Phương Thảo,Nữ,01/01/1991,,,15/03/2024,dự bị\n\
         BVPHCN.CB2,Lục Thị Mười Hai,Nữ,02/02/1992,001092004321,0987654321,15/03/2024,chính thức\n",
    )
    .unwrap();
    let csv = csv.canonicalize().unwrap();
    for (w, h) in WIDTHS {
        b.resize(w, h);
        for (name, path) in &pages {
            b.go(path);
            check_page(b, name, w, &mut problems);
        }
        b.go("/import");
        let file = b.find("#import-file");
        b.cmd(
            "POST",
            &format!("/element/{file}/value"),
            Some(json!({"text": csv.to_string_lossy()})),
        );
        b.click("form[action='/import/preview'] button[type=submit]");
        assert!(b.count("#preview") == 1, "the import preview shows");
        check_page(b, "import-preview", w, &mut problems);
    }
    // Longer words in English and German: no overflow on a phone either.
    b.resize(375, 812);
    for lang in ["en", "de"] {
        b.go(&format!("/?lang={lang}"));
        for (name, path) in &pages {
            b.go(path);
            let (doc, view, _) = measure(b);
            if doc > view {
                problems.push(format!(
                    "{name} in {lang} at 375 px: {doc} px wide in a {view} px window"
                ));
            }
        }
    }
    b.go("/?lang=vi");
    problems
}
