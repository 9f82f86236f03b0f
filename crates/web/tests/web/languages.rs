//! Every page and every export of the demo, in Vietnamese and German, has
//! no English word and no raw message key or internal code: the admin
//! walks every page the demo links to (a few of each kind: unit pages of
//! each level, candidates at several stages, members, history,
//! supervisors, plans), a candidate's page with a refused step, the sign-in
//! and import pages, and every export as CSV and XLSX. What is found is
//! printed, page by page.

use super::*;
use ranks_testkit::http::text;
use ranks_testkit::wording::{offences, page_text};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The kind of a link, to visit a few of each (`/candidates/N`, `/units/X`).
fn kind_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i >= 2 && *p != "plan" { "*" } else { p })
        .collect::<Vec<_>>()
        .join("/")
}

/// The links of a page to other pages (not files, not the API, not sign-out).
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|p| p.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| {
            !h.starts_with("/static")
                && !h.starts_with("/api")
                && !h.starts_with("/logout")
                && !h.starts_with("/export")
                && !h.contains(".pdf")
                && !h.contains("lang=")
        })
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .collect()
}

/// The pages of the demo an admin reaches by links: up to `per_kind` of
/// each kind (unit pages: more, to reach every level).
async fn crawl(c: &Client, lang: &str) -> BTreeMap<String, String> {
    let mut seen = BTreeMap::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut queue: VecDeque<String> = ["/", "/members", "/import"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    while let Some(path) = queue.pop_front() {
        if seen.contains_key(&path) || seen.len() >= 80 {
            continue;
        }
        let kind = kind_of(path.split('?').next().unwrap_or(""));
        let limit = if kind.starts_with("/units/*") { 14 } else { 4 };
        let n = per_kind.entry(kind).or_default();
        if *n >= limit {
            continue;
        }
        *n += 1;
        let sep = if path.contains('?') { '&' } else { '?' };
        let resp = c.get(&format!("{path}{sep}lang={lang}"), None).await;
        assert!(
            resp.status.is_success(),
            "{path} in {lang}: {}",
            resp.status
        );
        for l in links(&resp.body) {
            if !seen.contains_key(&l) {
                queue.push_back(l);
            }
        }
        seen.insert(path, resp.body);
    }
    seen
}

/// The text of an XLSX: its shared strings and inline strings.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        // Text only: numbers are numbers (`<v>16.7</v>`), written as the
        // reader's spreadsheet writes numbers.
        if name.contains("sharedStrings") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).unwrap();
            out.push_str(&text(&s));
            out.push('\n');
        }
    }
    out
}

async fn every_page_and_export_in_vietnamese_and_german(db: TestDb) {
    let c = demo_router(&db).await;
    let mut report = Vec::new();
    let mut pages = 0;
    let mut kinds = BTreeSet::new();
    for lang in ["vi", "de"] {
        let mut texts: Vec<(String, String)> = crawl(&c, lang)
            .await
            .into_iter()
            .map(|(path, body)| (path, page_text(&body)))
            .collect();
        pages += texts.len();
        kinds.extend(
            texts
                .iter()
                .map(|(p, _)| kind_of(p.split('?').next().unwrap_or(""))),
        );
        // A candidate's page with a refused step (the next step without its
        // documents or gates).
        let cand = texts
            .iter()
            .find(|(p, _)| p.starts_with("/candidates/"))
            .map(|(p, _)| p.clone())
            .expect("a candidate page");
        let page = c.get(&format!("{cand}?lang={lang}"), None).await;
        let next = values_of(&page.body, "stage");
        if let Some(stage) = next.first() {
            let refused = c
                .form(
                    &format!("{cand}/step?lang={lang}"),
                    &[
                        ("csrf", &c.csrf),
                        ("stage", stage),
                        ("date", "2026-01-05"),
                        ("eligible", "9"),
                        ("present", "3"),
                        ("in_favour", "1"),
                        ("against", "2"),
                    ],
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{cand}");
            assert!(refused.body.contains("id=\"refusal\""), "{}", refused.body);
            texts.push((format!("{cand} (refused step)"), page_text(&refused.body)));
            // The refusal in the file's history, and on the unit pages.
            let id = cand.trim_start_matches("/candidates/");
            let hist = c
                .get(&format!("/history/candidate/{id}?lang={lang}"), None)
                .await;
            texts.push((
                format!("/history/candidate/{id} (after a refusal)"),
                page_text(&hist.body),
            ));
        }
        let login = send(
            &c.router,
            Request::get(format!("/login?lang={lang}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        texts.push(("/login".into(), page_text(&login.body)));
        // The printable dossiers and the report (PDF), read back as text.
        let mut pdfs: Vec<String> = texts
            .iter()
            .filter(|(p, _)| p.starts_with("/candidates/") && !p.contains(' '))
            .map(|(p, _)| format!("{p}/checklist.pdf"))
            .collect();
        pdfs.push("/units/BVPHCN/achievement.pdf".into());
        for uri in pdfs {
            let resp = c.get(&format!("{uri}?lang={lang}"), None).await;
            assert_eq!(resp.status, StatusCode::OK, "{uri}");
            texts.push((uri, super::pdf_text::text_of(&resp.bytes)));
        }
        for list in ranks_web::export::LISTS {
            for format in ["csv", "xlsx"] {
                let uri = format!("/export/{list}?format={format}&lang={lang}");
                let resp = c.get(&uri, None).await;
                assert_eq!(resp.status, StatusCode::OK, "{uri}: {}", resp.body);
                if format == "xlsx" && *list == "members" {
                    // Dates are dates, shown as the language writes them;
                    // the columns have widths.
                    let mut zip =
                        zip::ZipArchive::new(std::io::Cursor::new(&resp.bytes[..])).unwrap();
                    let mut all = String::new();
                    for i in 0..zip.len() {
                        std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut all)
                            .unwrap();
                    }
                    let want = if lang == "vi" {
                        "dd/mm/yyyy"
                    } else {
                        "dd.mm.yyyy"
                    };
                    assert!(all.contains(want) && all.contains("<cols>"), "{uri}");
                }
                let body = if format == "csv" {
                    resp.body.replace([',', ';'], " ")
                } else {
                    xlsx_text(&resp.bytes)
                };
                texts.push((uri, body));
            }
        }
        for (path, body) in &texts {
            let found = offences(body);
            if !found.is_empty() {
                let first: Vec<&String> = found.iter().take(12).collect();
                let more = found.len().saturating_sub(12);
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                report.push(format!("{lang} {path}: {first:?}{more}"));
            }
        }
    }
    assert!(pages > 40, "only {pages} pages reached");
    for kind in [
        "/",
        "/units/*",
        "/units/*/plan",
        "/candidates/*",
        "/members",
        "/members/*",
        "/history/*/*",
        "/supervisors/*",
        "/import",
    ] {
        assert!(kinds.contains(kind), "no page of {kind} reached: {kinds:?}");
    }
    assert!(
        report.is_empty(),
        "English or raw keys in {} pages:\n{}",
        report.len(),
        report.join("\n")
    );
}

both_backends!(every_page_and_export_in_vietnamese_and_german);

#[test]
fn the_checker_finds_what_it_should() {
    let found = offences("Xuất sắc: excellent · mục 3.1 · certificate_expiry · (system) · cand.date · refusal-documents · 4-KNĐ · CDC.CB1 · 01.12.2026 · 2 mentor(s) · 2026-12-01 · 94.50 · 1.234 · 11,5 · 2025-2030");
    let want: BTreeSet<String> = [
        "excellent",
        "certificate_expiry",
        "system",
        "cand.date",
        "refusal-documents",
        "mentor(s)",
        "2026-12-01",
        "94.50",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(found, want);
    assert!(
        offences("Nguồn (quần chúng ưu tú) · Pool (herausragende Personen) · System").is_empty()
    );
}
