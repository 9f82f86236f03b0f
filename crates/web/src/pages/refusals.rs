//! The refused attempts of a subtree, for its supervisors and organising
//! staff: filtered by unit, stage, rule and day, dated, a page at a time.
//! (They are not shown on the unit pages: they are the cells' trial and
//! error, not their record.)

use super::render;
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ranks_app::refusals::RefusalQuery;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RefusalParams {
    pub org: Option<String>,
    pub stage: Option<String>,
    pub rule: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u32>,
}

pub struct RefusalLine {
    pub at: String,
    pub candidate_id: i64,
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub on: String,
    pub rule: String,
    pub source: String,
    pub message: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "refusals.html")]
struct RefusalsTemplate {
    tr: Tr,
    path: String,
    term: String,
    org: String,
    /// The unit typed matches no unit, or several (issue 15: pickers).
    org_error: String,
    /// The unit picker's suggestions.
    units: Vec<ranks_app::pickers::Choice>,
    stage: String,
    rule: String,
    from: String,
    to: String,
    stages: Vec<(String, String)>,
    /// The rules refused so far: id, name.
    rules: Vec<(String, String)>,
    rows: Vec<RefusalLine>,
    total: i64,
    page: u32,
    pages: u32,
    /// The query string without the page, for the page links.
    query: String,
}

fn date_param(
    lang: &PageLang,
    field: &'static str,
    v: &Option<String>,
) -> Result<Option<ranks_domain::Date>, WebError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| ranks_domain::parse_date(field, s))
        .transpose()
        .map_err(|e| lang.error(e.into()))
}

/// The supervisors' list of refused attempts.
pub async fn refusals(
    State(st): State<AppState>,
    auth: Auth,
    Query(p): Query<RefusalParams>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let profile = st.app.profile();
    let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    // The unit by its name or code, among the units the user sees.
    let (org, org_error) = match some(&p.org) {
        None => (None, String::new()),
        Some(typed) => match super::pick::unit(&st, &auth, &lang, &typed, false).await? {
            Ok(code) => (Some(code), String::new()),
            Err(msg) => (None, msg),
        },
    };
    let q = RefusalQuery {
        org,
        stage: some(&p.stage),
        rule: some(&p.rule),
        from: date_param(&lang, "from", &p.from)?,
        to: date_param(&lang, "to", &p.to)?,
        page: p.page.unwrap_or(1),
    };
    let log = st.app.refusal_log(&auth.actor, q).await.page(&lang)?;
    let enc = |s: &Option<String>| crate::auth::urlencode(s.as_deref().unwrap_or(""));
    let query = format!(
        "org={}&stage={}&rule={}&from={}&to={}",
        enc(&Some(log.root.clone())),
        enc(&p.stage),
        enc(&p.rule),
        enc(&p.from),
        enc(&p.to)
    );
    let units = st
        .app
        .unit_choices(&auth.actor, false, super::pick::UNIT_SUGGESTIONS)
        .await
        .page(&lang)?;
    let mut t = RefusalsTemplate {
        tr,
        path: "/refusals".into(),
        term: String::new(),
        org: log.root.clone(),
        org_error,
        units,
        stage: p.stage.clone().unwrap_or_default(),
        rule: p.rule.clone().unwrap_or_default(),
        from: p.from.clone().unwrap_or_default(),
        to: p.to.clone().unwrap_or_default(),
        stages: profile
            .stages
            .iter()
            .chain(&profile.exits)
            .map(|s| (s.key.clone(), s.name(lang.lang.code()).to_string()))
            .collect(),
        rules: log.rules.iter().map(|r| (r.clone(), tr.rule(r))).collect(),
        rows: log
            .rows
            .iter()
            .map(|r| RefusalLine {
                at: r
                    .at
                    .get(..10)
                    .and_then(|d| ranks_domain::parse_date("at", d).ok())
                    .map(|d| format!("{} {}", tr.date(&d), r.at.get(11..16).unwrap_or("")))
                    .unwrap_or_else(|| r.at.clone()),
                candidate_id: r.candidate_id,
                name: r.full_name.clone(),
                unit: r.unit_code.clone(),
                stage: tr.stage(profile, &r.stage),
                on: tr.date(&r.on),
                rule: tr.rule(&r.rule),
                source: r.source.clone(),
                // The English text is the engine's; other languages name the rule.
                message: match tr.lang {
                    crate::i18n::Lang::En => r.message.clone(),
                    // Attempts refused before their key was kept name the rule.
                    _ if r.key.is_empty() => {
                        tr.args("refusal.stored", &[("rule", tr.rule(&r.rule).into())])
                    }
                    lang => crate::wording::refusal_text(
                        lang,
                        &ranks_domain::procedure::Refusal {
                            rule: r.rule.clone(),
                            source: r.source.clone(),
                            message: r.message.clone(),
                            key: r.key.clone(),
                            args: r.args.clone(),
                        },
                    ),
                },
                by: tr.who(&r.by),
            })
            .collect(),
        total: log.total,
        page: log.page,
        pages: log.pages,
        query,
    };
    if !t.org_error.is_empty() {
        // Nothing listed for a unit that was not found.
        t.org = p.org.clone().unwrap_or_default();
        t.rows.clear();
        (t.total, t.page, t.pages) = (0, 1, 1);
    }
    render(&t, &lang)
}
