//! What to do next after a refusal: each refusal of the procedure names
//! the form of the dossier that remedies it (by the gate kind its key
//! stands for), with a sentence in the page's language. A rule that waits
//! for a date says the earliest date.

use crate::i18n::{tr_args, Tr};
use crate::wording::refusal_text;
use ranks_app::AppError;
use ranks_domain::procedure::Refusal;

/// A message shown next to a form of the dossier, with what to do next.
#[derive(Debug, Clone, Default)]
pub struct FormError {
    /// The form it belongs to (`step`, `document`, `mentor`, …).
    pub form: String,
    pub message: String,
    /// The rule refused, for the `title` attribute (a reference, not text).
    pub rule: String,
    /// `#anchor` of the form that remedies it, and the sentence of the link.
    pub fix_href: String,
    pub fix_text: String,
}

impl FormError {
    /// An error of a form in the page's language; a refusal with its
    /// legal source and the way forward.
    pub fn of(tr: Tr, form: &str, e: &AppError) -> FormError {
        match e {
            AppError::Refused(r) => {
                let (fix_href, fix_text) = fix(tr, r).unwrap_or_default();
                FormError {
                    form: form.to_string(),
                    message: format!("{} ({})", refusal_text(tr.lang, r), r.source),
                    rule: r.rule.clone(),
                    fix_href,
                    fix_text,
                }
            }
            e => FormError {
                form: form.to_string(),
                message: crate::i18n::error_message(tr.lang, e),
                ..FormError::default()
            },
        }
    }
}

fn arg<'a>(r: &'a Refusal, name: &str) -> Option<&'a str> {
    r.args
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The anchor of the form that remedies a refusal, and its sentence.
pub fn fix(tr: Tr, r: &Refusal) -> Option<(String, String)> {
    let plain = |key: &str| tr.get(key).to_string();
    let wait = |date: Option<&str>| {
        let date = date.and_then(|d| d.parse::<ranks_domain::Date>().ok())?;
        Some((
            "#date".to_string(),
            tr_args(tr.lang, "fix-wait", &[("date", tr.date(&date).into())]),
        ))
    };
    let key = r.key.as_str();
    match key {
        "refusal-documents" => {
            let first = arg(r, "documents")?.split(", ").next()?.to_string();
            let text = tr_args(
                tr.lang,
                "fix-documents",
                &[("document", first.as_str().into())],
            );
            Some((format!("#doc-{first}"), text))
        }
        "refusal-mentors" | "refusal-probation-mentors" => {
            Some(("#mentors".into(), plain("fix.mentors")))
        }
        "refusal-youth-route-not-member" => Some(("#memberships".into(), plain("fix.memberships"))),
        k if k.starts_with("refusal-introducers") || k.starts_with("refusal-youth-route") => {
            Some(("#introducers".into(), plain("fix.introducers")))
        }
        k if k.starts_with("refusal-certificate") => {
            Some(("#certificate".into(), plain("fix.certificate")))
        }
        k if k.starts_with("refusal-vote") => Some(("#next".into(), plain("fix.vote"))),
        "refusal-probation-wait" => wait(arg(r, "until")),
        "refusal-readmit-wait" | "refusal-readmit-record-wait" => wait(arg(r, "from")),
        "refusal-date-order" => wait(arg(r, "since")),
        "refusal-interval" => wait(arg(r, "earliest")),
        "refusal-document-too-early" => {
            let (_, text) = wait(arg(r, "earliest"))?;
            Some(("#next".into(), text))
        }
        "refusal-vote-eligible" => Some(("#next".into(), plain("fix.vote"))),
        "refusal-date-future" => Some(("#date".into(), plain("fix.date"))),
        "refusal-sequence-missing" => Some(("#next".into(), plain("fix.step"))),
        "refusal-age-old"
        | "refusal-age-old-decision"
        | "refusal-education-consent"
        | "refusal-readmit-consent" => Some((
            "#next".into(),
            tr_args(
                tr.lang,
                "fix-documents",
                &[("document", arg(r, "document").unwrap_or_default().into())],
            ),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use ranks_domain::procedure::Said;

    fn refusal(key: &'static str, args: &[(&'static str, &str)]) -> Refusal {
        Refusal::new(
            "r",
            "s".into(),
            Said {
                key,
                args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
                text: String::new(),
            },
        )
    }

    /// Each kind of refusal names its form; a rule that waits names the day.
    #[test]
    fn each_refusal_names_its_form() {
        let vi = Tr { lang: Lang::Vi };
        let docs = refusal("refusal-documents", &[("documents", "NQ-GIUPDO, 2-KNĐ")]);
        assert_eq!(
            fix(vi, &docs).unwrap(),
            (
                "#doc-NQ-GIUPDO".to_string(),
                "Ghi nhận giấy tờ NQ-GIUPDO".to_string()
            )
        );
        for (key, anchor) in [
            ("refusal-mentors", "#mentors"),
            ("refusal-probation-mentors", "#mentors"),
            ("refusal-introducers", "#introducers"),
            ("refusal-youth-route-no-resolution", "#introducers"),
            ("refusal-youth-route-not-member", "#memberships"),
            ("refusal-certificate-missing", "#certificate"),
            ("refusal-certificate-expired", "#certificate"),
            ("refusal-vote-share", "#next"),
        ] {
            let (href, text) = fix(vi, &refusal(key, &[])).unwrap();
            assert_eq!(href, anchor, "{key}");
            assert!(!text.is_empty() && text != "?", "{key}");
        }
        let wait = refusal(
            "refusal-probation-wait",
            &[("until", "2027-12-01"), ("ceremony", "2026-12-01")],
        );
        assert_eq!(
            fix(vi, &wait).unwrap(),
            (
                "#date".to_string(),
                "Ghi nhận bước này vào hoặc sau ngày 01/12/2027".to_string()
            )
        );
    }
}
