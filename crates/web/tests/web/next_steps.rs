//! What to do next, on the candidate's page: a refused step says why in
//! the page's language and links to the form of the same page that
//! remedies it; a file in probation says the earliest day of the
//! recognition vote; a finished file says so, links to the member page and
//! offers no forms.

use super::*;

/// The first file of the demo at `stage`.
async fn file_at(app: &ranks_app::App, stage: &str) -> ranks_app::pipeline::CandidateFile {
    for id in 1..400 {
        if let Ok(f) = app.candidate_file(&Actor::system(), id).await {
            if f.stage == stage {
                return f;
            }
        }
    }
    panic!("no file of the demo at {stage}");
}

/// The `id="…"` a fragment link points to exists on the page.
fn anchor_of(body: &str) -> String {
    let href = body
        .split("class=\"fix\" href=\"#")
        .nth(1)
        .unwrap_or_else(|| panic!("no link to a form: {body}"))
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(
        body.contains(&format!("id=\"{href}\"")),
        "the link #{href} goes nowhere on the page"
    );
    href
}

async fn a_refused_step_says_what_to_do_next(db: TestDb) {
    let c = demo_router(&db).await;
    let app = db.app().await;
    let profile = app.profile().clone();
    // In the pool: the next step needs its documents first.
    let f = file_at(&app, &profile.stages[0].key).await;
    let next = &profile.stages[1];
    let missing = next
        .documents
        .iter()
        .find(|d| !f.documents.iter().any(|(c, _)| c == *d))
        .expect("a document the next step needs")
        .clone();
    let today = app.clock().today().to_string();
    for (lang, words) in [
        ("vi", "cần ghi nhận trước giấy tờ"),
        ("de", "braucht zuerst"),
        ("en", "recorded first"),
    ] {
        // The version the page carries (a refusal is logged, so it moves).
        let page = c.get(&format!("/candidates/{}", f.id), None).await;
        let version = values_of(&page.body, "version").pop().unwrap();
        let refused = c
            .form(
                &format!("/candidates/{}/step?lang={lang}", f.id),
                &[
                    ("csrf", &c.csrf),
                    ("stage", &next.key),
                    ("date", &today),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains(words) && refused.body.contains(&missing),
            "{lang}: {}",
            refused.body
        );
        // The link goes to the document's own form (the document chosen).
        assert_eq!(anchor_of(&refused.body), format!("doc-{missing}"));
        let form = refused
            .body
            .split(&format!("id=\"doc-{missing}\""))
            .nth(1)
            .unwrap();
        assert!(
            form.split("</tr>")
                .next()
                .unwrap()
                .contains(&format!("name=\"code\" value=\"{missing}\"")),
            "{form}"
        );
        // The rule's id is a reference in a title, not in the text.
        assert!(refused.body.contains("title=\"documents\""));
    }

    // The file's history words the refusal in the reader's language too.
    let hist = c
        .get(&format!("/history/candidate/{}?lang=vi", f.id), None)
        .await;
    assert!(
        hist.body.contains("Bị từ chối") && hist.body.contains("cần ghi nhận trước giấy tờ"),
        "{}",
        hist.body
    );

    // In probation: the earliest day of the recognition vote.
    let ceremony = &profile.ceremony_stage().key;
    let f = file_at(&app, ceremony).await;
    let page = c.get(&format!("/candidates/{}?lang=vi", f.id), None).await;
    assert!(page.body.contains("id=\"earliest\""), "{}", page.body);
    let since = f
        .history
        .iter()
        .rev()
        .find(|h| &h.stage == ceremony)
        .unwrap()
        .on;
    let end = since
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .format("%d/%m/%Y")
        .to_string();
    assert!(
        page.body.contains(&format!("sớm nhất từ ngày {end}")),
        "{}",
        page.body
    );

    // Finished: says so, links to the member page, no forms.
    let f = file_at(&app, &profile.recognition_stage().key).await;
    let page = c.get(&format!("/candidates/{}?lang=vi", f.id), None).await;
    assert!(page.body.contains("Hồ sơ đã hoàn tất"), "{}", page.body);
    let member = f.member_id.expect("an official member");
    assert!(page.body.contains(&format!("href=\"/members/{member}\"")));
    assert!(!page.body.contains("method=\"post\" action=\"/candidates/"));
}

both_backends!(a_refused_step_says_what_to_do_next);
