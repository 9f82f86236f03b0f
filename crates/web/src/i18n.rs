//! Interface languages: Vietnamese first, English, German. The messages
//! are Fluent resources, `locales/{vi,en,de}/*.ftl` (main and one per feature), compiled into the
//! binary; a key asked for in code (`nav.dashboard`) is the Fluent id with
//! hyphens for dots (`nav-dashboard`). A missing key shows "?", and tests
//! check that every key used exists and that every id exists in all three
//! languages. Arguments are Fluent variables; counts select plural forms.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use ranks_app::AppError;
use ranks_domain::procedure::Profile;
use ranks_domain::{Date, DomainError, MemberStatus, UnitKind};
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
    De,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn all() -> [Lang; 3] {
        [Lang::Vi, Lang::En, Lang::De]
    }
}

/// The Fluent sources of one language: `main.ftl` and one file per larger
/// feature (so that work on two features does not touch the same file),
/// joined in this order into one resource.
macro_rules! sources {
    ($lang:literal) => {
        concat!(
            include_str!(concat!("../locales/", $lang, "/main.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/deadlines.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/meetings.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/transfers.ftl")),
            "\n",
            include_str!(concat!("../locales/", $lang, "/subject.ftl")),
        )
    };
}

/// The Fluent sources, compiled into the binary, in the order of `Lang`.
const SOURCES: [&str; 3] = [sources!("vi"), sources!("en"), sources!("de")];

/// The Fluent id of a key: `nav.dashboard` is `nav-dashboard` (Fluent ids
/// have no dots; no key has a hyphen, so the mapping is one to one).
pub(crate) fn fluent_id(key: &str) -> String {
    key.replace('.', "-")
}

/// The messages of one language.
pub(crate) struct Messages {
    bundle: FluentBundle<FluentResource>,
    /// Every message without arguments, formatted once at first use, so
    /// that `Tr::get` hands templates a `&'static str`.
    pub(crate) plain: HashMap<String, String>,
    /// The ids of all messages, in the order of the source.
    pub(crate) ids: Vec<String>,
    /// What the source did not parse (a test asserts none).
    errors: Vec<String>,
}

/// The three languages' messages, built on first use (about 250 short
/// messages each: 8 ms for all three in an unoptimised build).
static MESSAGES: LazyLock<[Messages; 3]> = LazyLock::new(|| Lang::all().map(Messages::load));

pub(crate) fn messages(lang: Lang) -> &'static Messages {
    &MESSAGES[lang as usize]
}

/// What the Fluent sources did not parse, per language ("vi: …"); empty
/// when all is well (a test asserts it; a server may check it at start).
pub fn source_errors() -> Vec<String> {
    Lang::all()
        .into_iter()
        .flat_map(|lang| {
            messages(lang)
                .errors
                .iter()
                .map(move |e| format!("{}: {e}", lang.code()))
        })
        .collect()
}

impl Messages {
    fn load(lang: Lang) -> Messages {
        let mut errors = Vec::new();
        let resource = match FluentResource::try_new(SOURCES[lang as usize].to_string()) {
            Ok(r) => r,
            Err((r, errs)) => {
                errors.extend(errs.iter().map(|e| format!("{e:?}")));
                r
            }
        };
        let ids: Vec<String> = message_ids(&resource).map(str::to_string).collect();
        let locale: LanguageIdentifier = lang.code().parse().expect("a language code");
        let mut bundle = FluentBundle::new_concurrent(vec![locale]);
        // No Unicode isolation marks (FSI/PDI) around arguments: they would
        // land in the HTML, the PDF and the CSV.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(number_formatter(lang)));
        if let Err(errs) = bundle.add_resource(resource) {
            errors.extend(errs.iter().map(|e| format!("{e:?}")));
        }
        let mut plain = HashMap::new();
        for id in ids.iter().cloned() {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errs = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errs);
            // A message that needs arguments is only formatted with them.
            if errs.is_empty() {
                plain.insert(id, text.into_owned());
            }
        }
        for e in &errors {
            tracing::error!(lang = lang.code(), error = %e, "broken Fluent message");
        }
        Messages {
            bundle,
            plain,
            ids,
            errors,
        }
    }

    fn format(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let id = fluent_id(key);
        let Some(pattern) = self.bundle.get_message(&id).and_then(|m| m.value()) else {
            tracing::warn!(key, "missing translation");
            return "?".into();
        };
        let mut fargs = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            match value {
                Arg::Text(s) => fargs.set(*name, FluentValue::from(s.as_str())),
                Arg::Number(n) => fargs.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errs = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(&fargs), &mut errs);
        if !errs.is_empty() {
            tracing::warn!(key, errors = ?errs, "message formatted with errors");
        }
        text.into_owned()
    }
}

/// The ids of the messages a resource defines (terms and comments aside).
fn message_ids(resource: &FluentResource) -> impl Iterator<Item = &str> {
    resource.entries().filter_map(|e| match e {
        ast::Entry::Message(m) => Some(m.id.name),
        _ => None,
    })
}

/// Numbers in messages are written as the language writes them (`1.234`
/// in Vietnamese and German, `1,234` in English), like `Tr::num`.
fn number_formatter<M>(lang: Lang) -> fn(&FluentValue, &M) -> Option<String> {
    match lang {
        Lang::Vi => |v, _| format_number(Lang::Vi, v),
        Lang::En => |v, _| format_number(Lang::En, v),
        Lang::De => |v, _| format_number(Lang::De, v),
    }
}

fn format_number(lang: Lang, v: &FluentValue) -> Option<String> {
    let FluentValue::Number(n) = v else {
        return None;
    };
    let decimals = n
        .options
        .minimum_fraction_digits
        .or(n.options.maximum_fraction_digits)
        .unwrap_or_else(|| {
            let s = n.value.to_string();
            s.split_once('.').map_or(0, |(_, f)| f.len().min(6))
        });
    Some(Tr { lang }.num(n.value, decimals))
}

/// An argument of a message: a text, or a number, which selects the
/// plural form (`{ $count -> [one] … *[other] … }`) and is written as the
/// language writes numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize);

impl From<f64> for Arg {
    fn from(n: f64) -> Self {
        Arg::Number(n)
    }
}

/// A message with arguments in one language, e.g. an error for the error
/// path: `tr_args(lang, "error.unknown", &[("what", …), ("key", …)])`.
/// A missing key gives "?" (and a warning in the log), like `Tr::get`.
pub fn tr_args(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    messages(lang).format(key, args)
}

/// The message of an application error in a language, for the error path
/// (`WebError::from_app` shows `e.to_string()` today; English here gives
/// exactly that text, but "internal error" for an outage, as `from_app`
/// does). What the app hands over as English text (a refusal's reason, a
/// conflict) is translated when it is one of the sentences that have a
/// key (`error.forbidden.*`, `error.conflict.*`) and passed on as it is
/// otherwise; a busy import, an import limit and an importer's conflict
/// are worded by the importer's sentences (`import_wording`).
pub fn error_message(lang: Lang, e: &AppError) -> String {
    let t = |key: &str, args: &[(&str, Arg)]| tr_args(lang, key, args);
    match e {
        AppError::NotFound { what, key } => {
            let what_key = format!("error.what.{}", what.replace(' ', "_"));
            let what = match messages(lang).plain.get(&fluent_id(&what_key)) {
                Some(w) => w.clone(),
                None => what.to_string(),
            };
            t(
                "error.unknown",
                &[("what", what.into()), ("key", key.as_str().into())],
            )
        }
        AppError::Invalid(DomainError::Invalid {
            field,
            value,
            expected,
        }) => crate::wording::invalid_message(lang, field, value, expected),
        AppError::Conflict(text) => crate::wording::stale_conflict(lang, text)
            .or_else(|| crate::import_wording::importer_conflict(lang, text))
            .unwrap_or_else(|| known_sentence(lang, "error.conflict.", text)),
        AppError::Refused(r) => t(
            "error.refused",
            &[
                ("message", crate::wording::refusal_text(lang, r).into()),
                ("source", r.source.as_str().into()),
            ],
        ),
        AppError::Forbidden(reason) => t(
            "error.forbidden",
            &[(
                "reason",
                known_sentence(lang, "error.forbidden.", reason).into(),
            )],
        ),
        AppError::RateLimited => t("error.rate_limited", &[]),
        AppError::Empty => t("error.empty", &[]),
        AppError::Store(_) => t("error.internal", &[]),
        AppError::TooLarge(_) | AppError::Busy(_) => {
            let text = e.to_string();
            crate::import_wording::importer_sentence(lang, &text).unwrap_or(text)
        }
    }
}

/// An English sentence of the app in `lang`: the message under `prefix`
/// whose English text it is (with a role as `$role`, for the sentences
/// that name one), or the sentence itself when none is.
pub(crate) fn known_sentence(lang: Lang, prefix: &str, english: &str) -> String {
    let prefix = fluent_id(prefix);
    let en = messages(Lang::En);
    for (id, text) in &en.plain {
        if id.starts_with(&prefix) && text == english {
            return messages(lang).plain[id].clone();
        }
    }
    let roles: Vec<&String> = en
        .plain
        .keys()
        .filter(|id| id.starts_with("error-role-"))
        .collect();
    let with_args = en
        .ids
        .iter()
        .filter(|id| id.starts_with(&prefix) && !en.plain.contains_key(*id));
    for id in with_args {
        for role in &roles {
            let as_arg = |l: Lang| [("role", Arg::from(messages(l).plain[*role].as_str()))];
            if en.format(id, &as_arg(Lang::En)) == english {
                return messages(lang).format(id, &as_arg(lang));
            }
        }
    }
    english.to_string()
}

/// The strings of one language, handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// A message without arguments; "?" (and a warning in the log) for a
    /// key that does not exist or that needs arguments (see `args`).
    pub fn get(&self, key: &str) -> &'static str {
        match messages(self.lang).plain.get(&fluent_id(key)) {
            Some(text) => text,
            None => {
                tracing::warn!(key, "missing translation");
                "?"
            }
        }
    }

    /// A message with arguments, in this language (see `tr_args`).
    pub fn args(&self, key: &str, args: &[(&str, Arg)]) -> String {
        tr_args(self.lang, key, args)
    }

    pub fn kind(&self, k: &UnitKind) -> &'static str {
        self.get(&format!("kind.{}", k.as_str()))
    }

    /// A stage's name from the procedure profile, in this language.
    pub fn stage(&self, profile: &Profile, key: &str) -> String {
        profile
            .stage(key)
            .map(|s| s.name(self.lang.code()).to_string())
            .unwrap_or_else(|| key.to_string())
    }

    pub fn status(&self, s: &MemberStatus) -> &'static str {
        self.get(&format!("status.{}", s.as_str()))
    }

    /// A number as each language writes it: `1.234,5` in Vietnamese and
    /// German, `1,234.5` in English.
    pub fn num(&self, v: f64, decimals: usize) -> String {
        let (thousands, point) = match self.lang {
            Lang::En => (',', '.'),
            Lang::Vi | Lang::De => ('.', ','),
        };
        let s = format!("{:.*}", decimals, v.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(thousands);
            }
            grouped.push(c);
        }
        let sign = if v < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        }
    }

    /// A date that may be withheld (a personal detail): a dash when absent.
    pub fn opt_date(&self, d: &Option<Date>) -> String {
        d.as_ref()
            .map(|d| self.date(d))
            .unwrap_or_else(|| "—".into())
    }

    /// Dates as each language writes them.
    pub fn date(&self, d: &Date) -> String {
        use chrono::Datelike;
        match self.lang {
            // Written out rather than through chrono's format strings,
            // which are parsed again for every date (a unit page shows
            // hundreds).
            Lang::Vi => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
            Lang::En => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Lang::De => format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The files under `dir`, in its subdirectories too.
    pub(crate) fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// Every key a template or handler asks for exists without arguments in
    /// every language (else the page shows "?").
    #[test]
    fn every_key_used_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut used = 0;
        let mut paths = Vec::new();
        for dir in ["templates", "src"] {
            files(&root.join(dir), &mut paths);
        }
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("tr.args(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if !messages(Lang::Vi).ids.contains(&fluent_id(key)) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
            for part in text.split("tr.get(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                used += 1;
                for lang in Lang::all() {
                    if !messages(lang).plain.contains_key(&fluent_id(key)) {
                        missing.push(format!("{}: {key} ({})", path.display(), lang.code()));
                    }
                }
            }
        }
        assert!(used > 100, "found only {used} uses");
        assert!(missing.is_empty(), "keys without translations: {missing:?}");
    }

    #[test]
    fn numbers_in_each_locale() {
        let vi = Tr { lang: Lang::Vi };
        let en = Tr { lang: Lang::En };
        let de = Tr { lang: Lang::De };
        assert_eq!(vi.num(5_600_000.0, 0), "5.600.000");
        assert_eq!(en.num(5_600_000.0, 0), "5,600,000");
        assert_eq!(de.num(56.66, 1), "56,7");
        assert_eq!(en.num(56.66, 1), "56.7");
        assert_eq!(vi.num(-1234.5, 1), "-1.234,5");
        assert_eq!(vi.num(-0.01, 1), "0,0");
        assert_eq!(en.num(999.0, 0), "999");
    }

    /// The three sources parse, define no id twice, and define the same ids:
    /// a key in one language and not in the others fails here.
    #[test]
    fn every_id_in_every_language() {
        let mut sets = Vec::new();
        assert!(source_errors().is_empty(), "{:?}", source_errors());
        for lang in Lang::all() {
            let m = messages(lang);
            let resource = FluentResource::try_new(SOURCES[lang as usize].to_string()).unwrap();
            let ids: Vec<&str> = message_ids(&resource).collect();
            let set: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
            assert_eq!(set.len(), ids.len(), "{}: an id defined twice", lang.code());
            for id in &set {
                assert!(!id.contains('.'), "{id}");
            }
            for text in m.plain.values() {
                assert!(!text.trim().is_empty());
            }
            sets.push((lang, set));
        }
        let (_, vi) = &sets[0];
        for (lang, set) in &sets[1..] {
            let only_vi: Vec<_> = vi.difference(set).collect();
            let only_here: Vec<_> = set.difference(vi).collect();
            assert!(
                only_vi.is_empty() && only_here.is_empty(),
                "only in vi, not in {0}: {only_vi:?}; only in {0}: {only_here:?}",
                lang.code()
            );
        }
        assert!(vi.len() > 250, "{} ids", vi.len());
    }

    #[test]
    fn stages_kinds_and_statuses_are_named() {
        let tr = Tr { lang: Lang::De };
        let profile = Profile::default_cpv();
        for s in profile.stages.iter().chain(&profile.exits) {
            assert_eq!(tr.stage(&profile, &s.key), s.de);
        }
        for lang in Lang::all() {
            let tr = Tr { lang };
            for k in UnitKind::ALL {
                assert_ne!(tr.kind(&k), "?", "{k:?}");
            }
            for s in MemberStatus::ALL {
                assert_ne!(tr.status(&s), "?", "{s:?}");
            }
            for (g, _) in ranks_domain::procedure::EXIT_GROUNDS {
                assert_ne!(tr.get(&format!("ground.{g}")), "?", "{g}");
            }
        }
    }

    /// Existing texts are kept, in each language.
    #[test]
    fn texts_as_before() {
        let (vi, en, de) = (
            Tr { lang: Lang::Vi },
            Tr { lang: Lang::En },
            Tr { lang: Lang::De },
        );
        assert_eq!(vi.get("nav.dashboard"), "Tổng quan");
        assert_eq!(en.get("dashboard.title"), "Member development results");
        assert_eq!(de.get("plan.cap"), "Obergrenze „ausgezeichnet“");
        assert_eq!(
            en.get("empty"),
            "The database holds no units yet. Run `ranks demo` to load the demo."
        );
        assert_eq!(vi.get("plan.interval"), "Khoảng 80 %");
        assert_eq!(en.get("no.such.key"), "?");
        // A message with arguments is not handed out without them.
        assert_eq!(en.get("import.limit.rows"), "?");
    }

    /// Counts select the plural form in English and German; Vietnamese
    /// has one form. Numbers are written as each language writes them.
    #[test]
    fn plurals_in_en_and_de() {
        let count = |lang, n: u64| tr_args(lang, "candidates.count", &[("count", n.into())]);
        assert_eq!(count(Lang::En, 1), "1 candidate");
        assert_eq!(count(Lang::En, 2), "2 candidates");
        assert_eq!(count(Lang::En, 0), "0 candidates");
        assert_eq!(count(Lang::En, 1234), "1,234 candidates");
        assert_eq!(count(Lang::De, 1), "1 Kandidat");
        assert_eq!(count(Lang::De, 2), "2 Kandidaten");
        assert_eq!(count(Lang::De, 1234), "1.234 Kandidaten");
        assert_eq!(count(Lang::Vi, 1), "1 quần chúng");
        assert_eq!(count(Lang::Vi, 2), "2 quần chúng");
        let en = Tr { lang: Lang::En };
        assert_eq!(
            en.args("import.written.count", &[("count", 1.into())]),
            "1 row written."
        );
        assert_eq!(
            en.args("import.written.count", &[("count", 3.into())]),
            "3 rows written."
        );
        let de = Tr { lang: Lang::De };
        assert_eq!(
            de.args("members.count", &[("count", 1.into())]),
            "1 Mitglied"
        );
        assert_eq!(
            de.args("members.count", &[("count", 21.into())]),
            "21 Mitglieder"
        );
    }

    /// Arguments are set in without Unicode isolation marks (FSI, PDI).
    #[test]
    fn arguments_without_isolation_marks() {
        for lang in Lang::all() {
            let text = tr_args(lang, "import.limit.rows", &[("max", "100.000".into())]);
            assert!(text.contains("100.000"), "{text}");
            assert!(!text.contains(['\u{2068}', '\u{2069}']), "{text:?}");
        }
        assert_eq!(
            tr_args(
                Lang::En,
                "import.limit.upload_bytes",
                &[("max", "20 MB".into())]
            ),
            "The file is too large: the limit is 20 MB."
        );
        assert_eq!(tr_args(Lang::En, "no.such.key", &[]), "?");
    }

    /// Application errors in each language; English keeps today's text.
    #[test]
    fn app_errors_in_each_language() {
        use ranks_domain::procedure::Refusal;
        let same_time = "someone else recorded the same thing at the same time; nothing was saved, reload and try again";
        let forbidden = |s: &str| AppError::Forbidden(s.to_string());
        let cases = [
            AppError::NotFound {
                what: "unit",
                key: "X1".into(),
            },
            AppError::NotFound {
                what: "record kind",
                key: "k".into(),
            },
            AppError::NotFound {
                what: "thing without a key",
                key: "7".into(),
            },
            AppError::Invalid(DomainError::invalid("gender", "x", "one of nam, nữ")),
            AppError::Conflict(same_time.into()),
            AppError::Conflict("term 2020-2025 already exists".into()),
            AppError::Refused(Refusal {
                rule: "R1".into(),
                source: "Điều 4".into(),
                message: "too young".into(),
                key: String::new(),
                args: Vec::new(),
            }),
            forbidden("missing or wrong CSRF token"),
            forbidden("a viewer does not record data"),
            forbidden("a supervisor does not enter evaluations"),
            forbidden("something new"),
            AppError::RateLimited,
            AppError::Empty,
            AppError::Busy("too many imports in progress (1 running, 2 waiting: import.max_running, import.max_waiting); try again in a minute".into()),
        ];
        // A refusal names its rule only in the title of the page's message.
        for e in cases.iter().filter(|e| !matches!(e, AppError::Refused(_))) {
            assert_eq!(error_message(Lang::En, e), e.to_string());
        }
        assert_eq!(
            error_message(Lang::En, &cases[6]),
            "refused: too young (Điều 4)"
        );
        let vi = |e: &AppError| error_message(Lang::Vi, e);
        let de = |e: &AppError| error_message(Lang::De, e);
        assert_eq!(vi(&cases[0]), "không tìm thấy đơn vị: X1");
        assert_eq!(de(&cases[0]), "Einheit unbekannt: X1");
        assert_eq!(de(&cases[1]), "Datensatzart unbekannt: k");
        assert_eq!(de(&cases[2]), "thing without a key unbekannt: 7");
        // The field by its label; an expectation without a translation is
        // left out rather than shown in English.
        assert_eq!(
            vi(&cases[3]),
            "Giới tính: giá trị 'x' không hợp lệ; cần nam hoặc nữ"
        );
        assert_eq!(
            vi(&AppError::Invalid(DomainError::invalid(
                "since",
                "",
                "the date the two began to work together"
            ))),
            "Ngày bắt đầu cùng công tác: giá trị '' không hợp lệ; cần ngày hai người bắt đầu cùng công tác"
        );
        assert_eq!(
            de(&cases[4]),
            "jemand anderes hat gleichzeitig dasselbe erfasst; nichts wurde gespeichert, neu laden und erneut versuchen"
        );
        assert_eq!(de(&cases[5]), "term 2020-2025 already exists");
        let stale = AppError::Conflict("this record changed since you opened it: stage by canbo at 2026-11-30T09:12:03Z; nothing was saved, reload it and try again".into());
        assert_eq!(
            vi(&stale),
            "hồ sơ này đã thay đổi từ khi bạn mở trang: Ghi bước bởi canbo lúc 30/11/2026 09:12 UTC; chưa lưu gì, hãy tải lại trang và thử lại"
        );
        assert_eq!(error_message(Lang::En, &stale), stale.to_string());
        assert_eq!(vi(&cases[6]), "bị từ chối: too young (Điều 4)");
        assert_eq!(
            vi(&cases[7]),
            "không được phép: thiếu mã CSRF hoặc mã không đúng"
        );
        assert_eq!(
            de(&cases[8]),
            "nicht erlaubt: die Rolle Betrachter erfasst keine Daten"
        );
        assert_eq!(
            vi(&cases[9]),
            "không được phép: cấp ủy viên phụ trách không nhập đánh giá"
        );
        assert_eq!(de(&cases[10]), "nicht erlaubt: something new");
        assert_eq!(
            vi(&AppError::RateLimited),
            "đăng nhập sai quá nhiều lần; thử lại sau 15 phút"
        );
        // An outage, as `WebError::from_app` words it.
        assert_eq!(
            tr_args(Lang::En, "error.internal", &[]),
            "internal error; the details are in the server log"
        );
        // Every role has its name for the refusals that name one.
        for role in ["admin", "staff", "supervisor", "secretary", "viewer"] {
            let role = ranks_app::auth::Role::parse(role).unwrap();
            for lang in Lang::all() {
                let key = format!("error.role.{}", role.as_str());
                assert_ne!(tr_args(lang, &key, &[]), "?", "{key}");
            }
        }
    }
}
