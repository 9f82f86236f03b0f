//! Issue 17, part 3 in a real browser: the cell's secretary opens a meeting
//! from the unit page, marks a member absent with a reason, takes the votes
//! on three candidates with only the counts typed, and prints the minutes
//! (fetched by the browser's session, read back: the Vietnamese names).

use super::{artifacts, browser_tools, runtime, serve, Browser, Driver};
use crate::meeting_setup::{meeting_setup, CANDIDATES};
use ranks_app::Actor;
use ranks_testkit::TestDb;
use serde_json::Value;
use std::time::Instant;

/// The bytes of a download, fetched by the page's own session.
fn fetch_bytes(b: &Browser<'_>, path: &str) -> (u64, String, Vec<u8>) {
    let v = b.js(&format!(
        "const x = new XMLHttpRequest(); x.open('GET', {}, false); \
         x.overrideMimeType('text/plain; charset=x-user-defined'); x.send(); \
         const bytes = []; for (let i = 0; i < x.responseText.length; i++) bytes.push(x.responseText.charCodeAt(i) & 255); \
         return [x.status, x.getResponseHeader('content-type'), bytes]",
        serde_json::to_string(path).unwrap()
    ));
    let bytes = v[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|n: &Value| n.as_u64().unwrap() as u8)
        .collect();
    (
        v[0].as_u64().unwrap(),
        v[1].as_str().unwrap_or_default().to_string(),
        bytes,
    )
}

#[test]
fn a_meeting_with_three_candidates_voted_and_its_minutes_printed() {
    let Some((chromium, chromedriver)) = browser_tools("the meeting journey") else {
        return;
    };
    let started = Instant::now();
    let rt = runtime();
    let db = TestDb::sqlite();
    let (app, base, members, cands) = rt.block_on(async {
        let app = db.app().await;
        let (members, cands) = meeting_setup(&app).await;
        app.add_user(
            &Actor::system(),
            "bithu.a1",
            "demo-ranks-2025",
            ranks_app::auth::Role::Secretary,
            Some("A1"),
            None,
        )
        .await
        .unwrap();
        let base = serve(&app).await;
        (app, base, members, cands)
    });
    let driver = Driver::start(&chromedriver);
    let b = Browser::open(&driver, &chromium, base);
    b.go("/");
    b.type_into("#username", "bithu.a1");
    b.type_into("#password", "demo-ranks-2025");
    b.press_enter("button[type=submit]");
    assert_eq!(b.path(), "/");

    // From the cell's page to its meetings, and a new one.
    b.go("/units/A1");
    b.click("#meetings-link");
    assert_eq!(b.path(), "/units/A1/meetings");
    assert_eq!(b.count("#no-meetings"), 1);
    b.js("document.getElementById('m-date').value = '2025-06-23'; return 0");
    b.type_into(
        "#m-agenda",
        "Xét đề nghị kết nạp đảng viên cho ba quần chúng ưu tú",
    );
    b.click("#m-create");
    let path = b.path();
    let id: i64 = path
        .strip_prefix("/meetings/")
        .unwrap_or_else(|| panic!("{path}"))
        .parse()
        .unwrap();
    // The roll is the registry's on the day: three official members.
    assert_eq!(b.count("#roll tbody tr"), 3);
    assert_eq!(b.text("#official-eligible"), "3");

    // One member away on business.
    let m = members[2];
    b.js(&format!(
        "document.getElementById('p{m}').value = 'absent'; return 0"
    ));
    b.type_into(&format!("#r{m}"), "Đi công tác tại Hà Nội");
    b.click("#attendance-save");
    assert_eq!(b.text("#official-present"), "2");

    // Three votes at one sitting: the candidate chosen, the counts typed.
    for (c, yes, no) in [
        (cands[0], "2", "0"),
        (cands[1], "1", "1"),
        (cands[2], "2", "0"),
    ] {
        b.js(&format!(
            "document.getElementById('v-candidate').value = '{c}'; return 0"
        ));
        b.type_into("#v-for", yes);
        b.type_into("#v-against", no);
        b.click("#v-submit");
        assert!(
            b.path().starts_with(&format!("/meetings/{id}")),
            "{}",
            b.path()
        );
        assert_eq!(b.count("#vote-error"), 0, "{}", b.text("main"));
    }
    assert_eq!(b.count("#vote-list tr.vote"), 3);
    let votes = b.text("#vote-list");
    for name in CANDIDATES {
        assert!(votes.contains(name), "{name}: {votes}");
    }
    assert_eq!(votes.matches("Không đạt").count(), 1, "{votes}");
    b.full_screenshot(&artifacts().join("meeting.png"));
    // On a phone: nothing wider than the window.
    b.resize(375, 812);
    for page in [format!("/meetings/{id}"), "/units/A1/meetings".to_string()] {
        b.go(&page);
        let (doc, view, _) = super::measure(&b);
        assert!(
            doc <= view,
            "{page} at 375 px: {doc} px wide in a {view} px window"
        );
    }
    b.full_screenshot(&artifacts().join("meeting-375.png"));
    b.resize(1280, 900);
    b.go(&format!("/meetings/{id}"));

    // The minutes printed: the link, and the PDF it gives.
    let href = b.href("#minutes-link").unwrap();
    assert_eq!(href, format!("/meetings/{id}/minutes.pdf"));
    let (status, kind, pdf) = fetch_bytes(&b, &href);
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    std::fs::write(artifacts().join("minutes.pdf"), &pdf).unwrap();
    let text = crate::pdf_text::text_of(&pdf);
    for needle in CANDIDATES
        .iter()
        .copied()
        .chain(["BIÊN BẢN HỌP", "Đi công tác tại Hà Nội"])
    {
        assert!(
            text.contains(needle),
            "{needle} not in the minutes:\n{text}"
        );
    }
    let (_, _, again) = fetch_bytes(&b, &href);
    assert_eq!(pdf, again, "the same minutes twice");

    // The votes are the candidates' steps.
    let stages: Vec<String> = rt.block_on(async {
        let mut out = Vec::new();
        for c in &cands {
            out.push(
                app.candidate_file(&Actor::system(), *c)
                    .await
                    .unwrap()
                    .stage,
            );
        }
        out
    });
    assert_eq!(stages, vec!["cell_vote", "comments", "cell_vote"]);
    eprintln!("meeting journey: {:?}", started.elapsed());
}
