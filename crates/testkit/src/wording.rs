//! What a page says to a Vietnamese (or German) reader: no English word, no
//! raw message key, no ISO date or decimal point; and no refusal without a
//! way forward. Shared by the router tests and the browser journeys.

use crate::http::text;
use std::collections::BTreeSet;

/// English words that are not Vietnamese or German words (matched whole,
/// case-sensitively, so German nouns such as "System" or "Pool" pass).
const ENGLISH: &[&str] = &[
    "needs",
    "recorded",
    "official",
    "Official",
    "excellent",
    "Excellent",
    "good",
    "Good",
    "poor",
    "system",
    "comments",
    "first",
    "probation",
    "probationary",
    "Probationary",
    "deadline",
    "deadlines",
    "required",
    "assigned",
    "valid",
    "refused",
    "unknown",
    "expected",
    "mentor",
    "mentors",
    "introducer",
    "introducers",
    "candidate",
    "candidates",
    "members",
    "working",
    "overdue",
    "pool",
    "sympathiser",
    "application",
    "verification",
    "ceremony",
    "admitted",
    "transferred",
    "left",
    "days",
    "until",
    "after",
    "before",
    "with",
    "from",
    "the",
    "true",
    "false",
    "none",
    "null",
    "yes",
];

/// What a text shows that it should not: English words, raw keys
/// (`certificate_expiry`, `refusal-documents`, `cand.date`).
pub fn offences(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let words = text.split(|c: char| {
        !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '(' || c == ')')
    });
    let mut previous = "";
    for raw in words {
        if raw.ends_with("(s)") || raw.ends_with("(s).") {
            found.insert(raw.trim_end_matches('.').to_string());
            continue;
        }
        let word = raw.trim_matches(|c: char| c == '.' || c == '-' || c == '(' || c == ')');
        if word.is_empty() {
            continue;
        }
        // A section of a legal text ("mục 3.1") is not a decimal.
        let section = ["mục", "Điều", "khoản", "điểm"].contains(&previous);
        previous = word;
        // Dates as dd/mm/yyyy (Vietnamese) or dd.mm.yyyy (German), never
        // ISO; decimals with a comma (a point before one or two digits is
        // an English decimal: thousands come in groups of three).
        let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        let parts: Vec<&str> = word.split('-').collect();
        if parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| digits(p)) {
            found.insert(word.to_string());
            continue;
        }
        if let Some((int, frac)) = word.split_once('.') {
            if digits(int) && digits(frac) && frac.len() <= 2 && !section {
                found.insert(word.to_string());
                continue;
            }
        }
        if ENGLISH.contains(&word) {
            found.insert(word.to_string());
            continue;
        }
        // A raw key: lowercase ASCII parts joined by _ . or - (not a code:
        // codes are upper case, dates and numbers start with a digit).
        let ascii_key = word.starts_with(|c: char| c.is_ascii_lowercase())
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
            && word.contains(['_', '.', '-'])
            && word
                .split(['_', '.', '-'])
                .all(|p| !p.is_empty() && p.len() > 1);
        if ascii_key {
            found.insert(word.to_string());
        }
    }
    found
}

/// The text of a page without what is shown as a code (`<code>`: the
/// column names an import file must have, rule ids shown for reference).
pub fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<code") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once("</code>").map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    text(&out)
}

/// Fails when a Vietnamese page shows English words, raw keys, ISO dates
/// or decimal points, naming the page and what it found.
pub fn assert_vietnamese(what: &str, html: &str) {
    let found = offences(&page_text(html));
    assert!(
        found.is_empty(),
        "{what}: English or raw keys on a Vietnamese page: {found:?}"
    );
}

/// Fails on a dead end: a refusal on the page that neither links to a
/// form of the same page nor names the day from which it will pass.
pub fn assert_way_forward(what: &str, html: &str) {
    let Some(refusal) = html.split("id=\"refusal\"").nth(1) else {
        return;
    };
    let refusal = refusal.split("</p>").next().unwrap_or_default();
    let target = refusal
        .split("class=\"fix\" href=\"#")
        .nth(1)
        .and_then(|r| r.split('"').next());
    if let Some(anchor) = target {
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "{what}: the refusal links to #{anchor}, which is not on the page: {refusal}"
        );
        return;
    }
    // A rule that makes one wait says from when (dd/mm/yyyy).
    let dated = refusal
        .split(|c: char| !(c.is_ascii_digit() || c == '/'))
        .any(|w| {
            let p: Vec<&str> = w.split('/').collect();
            p.len() == 3 && p[0].len() == 2 && p[1].len() == 2 && p[2].len() == 4
        });
    assert!(
        dated,
        "{what}: a refusal without a way forward (no link to a form, no date): {refusal}"
    );
}
