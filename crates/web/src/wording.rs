//! What the pages say beyond plain messages: refusals of the procedure
//! from their keys and arguments, form errors by the field's label, a
//! stale-page conflict, and the names of what the program keeps as codes
//! (rules, criteria, grades, the system as recorder, days to a deadline).
//! All of it in the page's language through the Fluent messages of
//! [`crate::i18n`].

use crate::i18n::{fluent_id, known_sentence, messages, tr_args, Arg, Lang, Tr};
use ranks_domain::procedure::Profile;
use ranks_domain::Date;
use std::sync::LazyLock;

/// A field's value that is not valid: the field by its label in Vietnamese and German
/// (`field.<name>`), what was expected when that sentence has a
/// translation (`error.expected.*`), else without it (no English sentence
/// in a Vietnamese or German page).
pub(crate) fn invalid_message(lang: Lang, field: &str, value: &str, expected: &str) -> String {
    let plain = |id: String| messages(lang).plain.get(&fluent_id(&id)).cloned();
    // English keeps the field's name, as the API says it.
    let label = match lang {
        Lang::En => None,
        _ => plain(format!("field.{field}")),
    }
    .unwrap_or_else(|| field.to_string());
    let expected_here = known_sentence(lang, "error.expected.", expected);
    let args = [
        ("field", Arg::from(label)),
        ("value", Arg::from(value)),
        ("expected", Arg::from(expected_here.as_str())),
    ];
    if lang != Lang::En && expected_here == expected {
        tr_args(lang, "error.invalid_value", &args[..2])
    } else {
        tr_args(lang, "error.invalid", &args)
    }
}

/// The procedure profile whose stage names refusals use: the server's,
/// set when its router is built, else the shipped one.
static PROFILE: std::sync::OnceLock<std::sync::Arc<Profile>> = std::sync::OnceLock::new();

/// Names the stages of refusals after `profile` (the first call wins).
pub fn use_profile(profile: std::sync::Arc<Profile>) {
    let _ = PROFILE.set(profile);
}

pub(crate) fn profile() -> &'static Profile {
    static SHIPPED: LazyLock<Profile> = LazyLock::new(Profile::default_cpv);
    PROFILE.get().map(|p| p.as_ref()).unwrap_or(&SHIPPED)
}

/// A refusal of the procedure in `lang`, from its key and arguments:
/// stage keys (`stage…`) become the stage's name, ISO dates the language's
/// dates, integers numbers (which select plural forms), an exit ground its
/// name. Without a message for the key, the English text.
pub fn refusal_text(lang: Lang, r: &ranks_domain::procedure::Refusal) -> String {
    let id = fluent_id(&r.key);
    if r.key.is_empty() || !messages(lang).ids.contains(&id) {
        return r.message.clone();
    }
    let tr = Tr { lang };
    let args: Vec<(&str, Arg)> = r
        .args
        .iter()
        .map(|(name, value)| {
            let arg = if name.starts_with("stage") {
                Arg::Text(tr.stage(profile(), value))
            } else if name.starts_with("level") {
                Arg::Text(tr.named(&["level"], value).unwrap_or_else(|| value.clone()))
            } else if name == "rule" {
                Arg::Text(tr.rule(value))
            } else if name == "area" {
                Arg::Text(tr.named(&["area"], value).unwrap_or_else(|| value.clone()))
            } else if name == "ground" {
                Arg::Text(
                    messages(lang)
                        .plain
                        .get(&fluent_id(&format!("ground.{value}")))
                        .cloned()
                        .unwrap_or_else(|| value.clone()),
                )
            } else if let Ok(d) = value.parse::<Date>() {
                Arg::Text(tr.date(&d))
            } else if let Ok(n) = value.parse::<i64>() {
                Arg::from(n)
            } else {
                Arg::Text(value.clone())
            };
            (name.as_str(), arg)
        })
        .collect();
    let mut text = tr_args(lang, &r.key, &args);
    let invalid = r.args.iter().find(|(k, v)| k == "invalid" && !v.is_empty());
    if let Some((_, names)) = invalid {
        text.push_str("; ");
        text.push_str(&tr_args(
            lang,
            "refusal-not-valid",
            &[("names", names.as_str().into())],
        ));
    }
    text
}

/// A write refused because the record changed meanwhile ("this record
/// changed since you opened it: stage by canbo at 2026-11-30 09:12:03;
/// nothing was saved, reload it and try again"), in `lang`.
pub(crate) fn stale_conflict(lang: Lang, text: &str) -> Option<String> {
    if lang == Lang::En {
        return None;
    }
    let head = text.strip_suffix("; nothing was saved, reload it and try again")?;
    let (what, change) = head.split_once(": ")?;
    let (action, rest) = change.split_once(" by ")?;
    let (who, at) = rest.rsplit_once(" at ")?;
    let what = known_sentence(lang, "error.conflict.", what);
    let tr = Tr { lang };
    let action = tr
        .named(&["history.action"], action)
        .unwrap_or_else(|| action.to_string());
    // An audit stamp (2026-11-24T05:00:00Z): the day as the language
    // writes it, the time to the minute, in UTC.
    let at = match at.get(..10).and_then(|d| d.parse::<Date>().ok()) {
        Some(d) => {
            let time = at[10..].trim_start_matches(['T', ' ']);
            let utc = time.ends_with('Z');
            let hm = time.get(..5).unwrap_or(time);
            format!("{} {hm}{}", tr.date(&d), if utc { " UTC" } else { "" })
        }
        None => at.to_string(),
    };
    Some(tr_args(
        lang,
        "error.conflict.stale",
        &[
            ("what", what.into()),
            ("action", action.into()),
            ("who", tr.who(who).into()),
            ("at", at.into()),
        ],
    ))
}

impl Tr {
    /// A message of `prefix.key` if there is one, else `None`.
    pub(crate) fn maybe(&self, prefix: &str, key: &str) -> Option<&'static str> {
        messages(self.lang)
            .plain
            .get(&fluent_id(&format!("{prefix}.{key}")))
            .map(String::as_str)
    }

    /// The message `prefix.key` of the first prefix that has one.
    pub fn named(&self, prefixes: &[&str], key: &str) -> Option<String> {
        prefixes
            .iter()
            .find_map(|p| self.maybe(p, key))
            .map(str::to_string)
    }

    /// A rule of the procedure (a gate, a deadline, an order check) by its
    /// name; its id where none is written (shown in a `title` as reference).
    pub fn rule(&self, id: &str) -> String {
        self.maybe("rule", id)
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    }

    /// An evaluation criterion's name: the message, else the profile's
    /// Vietnamese name, else its key.
    pub fn criterion(&self, profile: &Profile, key: &str) -> String {
        if let Some(m) = self.maybe("criterion", key) {
            return m.to_string();
        }
        profile
            .evaluation
            .as_ref()
            .and_then(|e| e.criteria.iter().find(|c| c.key == key))
            .map(|c| c.vi.clone())
            .unwrap_or_else(|| key.to_string())
    }

    /// An evaluation grade's name (`excellent` → "Hoàn thành xuất sắc nhiệm vụ").
    pub fn grade(&self, profile: &Profile, key: &str) -> String {
        if let Some(m) = self.maybe("grade", key) {
            return m.to_string();
        }
        profile
            .evaluation
            .as_ref()
            .and_then(|e| e.bands.iter().find(|b| b.grade == key))
            .map(|b| b.vi.clone())
            .unwrap_or_else(|| key.to_string())
    }

    /// Who recorded something: a user's name, or "the system" for what the
    /// demo, an import or the server recorded itself.
    pub fn who(&self, name: &str) -> String {
        match name {
            "system" | "(system)" => self.get("who.system").to_string(),
            other => other.to_string(),
        }
    }

    /// Working days to a deadline in words: "còn 5 ngày làm việc", or
    /// "quá hạn 182 ngày làm việc" when passed (never a negative count).
    pub fn days_left(&self, left: i64) -> String {
        if left < 0 {
            self.args("due.overdue_days", &[("count", left.unsigned_abs().into())])
        } else {
            self.args("due.days_left", &[("count", left.into())])
        }
    }

    /// Yes or no.
    pub fn yes_no(&self, v: bool) -> &'static str {
        self.get(if v { "yes" } else { "no" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tests::files;

    /// Refusals of the procedure in each language, from their keys: stage
    /// names, dates and counts as each language writes them.
    #[test]
    fn refusals_in_each_language() {
        let profile = Profile::default_cpv();
        let d = |s: &str| s.parse::<Date>().unwrap();
        let dossier = ranks_domain::procedure::Dossier {
            birth_date: Some(d("1999-01-01")),
            general_grade: 12,
            history: vec![("pool".into(), d("2025-01-02"))],
            ..Default::default()
        };
        let step = ranks_domain::procedure::Step {
            stage: "sympathiser".into(),
            on: d("2025-03-01"),
            vote: None,
            skip_reason: None,
        };
        let r = profile.check(&dossier, &step, d("2025-06-01")).unwrap_err();
        assert_eq!(r.key, "refusal-documents");
        assert!(r.message.contains("needs document(s)"), "{}", r.message);
        let vi = refusal_text(Lang::Vi, &r);
        assert!(vi.starts_with("bước “Cảm tình Đảng"), "{vi}");
        let de = refusal_text(Lang::De, &r);
        assert!(
            de.contains("Sympathisant") && de.contains("Unterlage"),
            "{de}"
        );
        let en = refusal_text(Lang::En, &r);
        assert!(en.contains("needs the document"), "{en}");
        let late = ranks_domain::procedure::Refusal::new(
            "probation",
            "Điều lệ".into(),
            ranks_domain::procedure::Said {
                key: "refusal-probation-wait",
                args: vec![
                    ("months", "12".into()),
                    ("ceremony", "2026-12-01".into()),
                    ("until", "2027-12-01".into()),
                ],
                text: "probation runs".into(),
            },
        );
        assert_eq!(
            refusal_text(Lang::Vi, &late),
            "thời gian dự bị là 12 tháng kể từ lễ kết nạp ngày 01/12/2026, đến ngày 01/12/2027"
        );
    }

    /// Every value a form field expects (the last text of a
    /// `DomainError::invalid` call) has its words in Vietnamese and German.
    #[test]
    fn every_expected_value_has_its_words() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        for dir in ["domain/src", "app/src", "web/src"] {
            files(&root.join(dir), &mut paths);
        }
        let mut missing = Vec::new();
        let mut seen = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for call in text.split("invalid(").skip(1) {
                // The call's literal texts, up to its closing parenthesis.
                let (mut texts, mut inside, mut current) = (Vec::new(), false, String::new());
                for c in call.chars() {
                    match (inside, c) {
                        (false, ')') => break,
                        (false, '"') => inside = true,
                        (true, '"') => {
                            inside = false;
                            texts.push(std::mem::take(&mut current));
                        }
                        (true, c) => current.push(c),
                        _ => {}
                    }
                }
                if texts.len() < 2 {
                    continue; // a call with a computed expectation
                }
                let expected = texts.last().unwrap();
                seen += 1;
                for lang in [Lang::Vi, Lang::De] {
                    if known_sentence(lang, "error.expected.", expected) == *expected {
                        missing.push(format!("{expected} ({}, {})", lang.code(), path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "no words for: {missing:#?}");
        assert!(seen > 20, "{seen}");
    }

    /// Every refusal key of the engine and the app has a message.
    #[test]
    fn every_refusal_key_has_a_message() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        files(&root.join("domain/src/procedure"), &mut paths);
        files(&root.join("app/src"), &mut paths);
        let mut seen = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("\"refusal-").skip(1) {
                let name = part.split('"').next().unwrap();
                if name.is_empty() {
                    continue; // the prefix itself, in a check
                }
                let key = format!("refusal-{name}");
                seen += 1;
                for lang in Lang::all() {
                    assert!(
                        messages(lang).ids.contains(&key),
                        "{key} ({}) of {}",
                        lang.code(),
                        path.display()
                    );
                }
            }
        }
        assert!(seen > 30, "{seen}");
    }
}
