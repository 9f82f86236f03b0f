//! The audit history of one record.

use super::render;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

/// An audit entry: when, who, what, and the fields before and after.
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryTemplate {
    tr: Tr,
    path: String,
    term: String,
    title: String,
    back: String,
    rows: Vec<AuditLine>,
}

/// A value of an audit entry as the page's language writes it: a stage,
/// a status or a unit kind by its name, a date as a date, none as a dash.
fn value_text(tr: Tr, profile: &ranks_domain::procedure::Profile, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Bool(b) => tr.yes_no(*b).into(),
        serde_json::Value::String(s) => {
            if let Ok(d) = s.parse::<ranks_domain::Date>() {
                tr.date(&d)
            } else if profile.stage(s).is_some() {
                tr.stage(profile, s)
            } else {
                tr.named(&["status", "kind", "ground"], s)
                    .unwrap_or_else(|| s.clone())
            }
        }
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| value_text(tr, profile, x))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, x)| {
                let label = tr.named(&["field"], k).unwrap_or_else(|| k.clone());
                format!("{label} {}", value_text(tr, profile, x))
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Number(n) => n.to_string(),
    }
}

/// A refused step's reason, worded in the page's language from the key and
/// arguments its audit entry keeps.
fn refusal_line(tr: Tr, m: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let key = m.get("key")?.as_str()?;
    let args = m
        .get("args")?
        .as_object()?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let r = ranks_domain::procedure::Refusal {
        rule: String::new(),
        source: String::new(),
        message: String::new(),
        key: key.to_string(),
        args,
    };
    Some(format!(
        "{}: {}",
        tr.get("refusals.reason"),
        crate::wording::refusal_text(tr.lang, &r)
    ))
}

/// The fields of an audit entry's JSON, one per line, each by its label;
/// with `other`, only the fields whose value differs from it (what an
/// update changed).
pub(crate) fn json_lines(
    tr: Tr,
    profile: &ranks_domain::procedure::Profile,
    v: &Option<serde_json::Value>,
    other: &Option<serde_json::Value>,
) -> String {
    let other = match other {
        Some(serde_json::Value::Object(o)) => Some(o),
        _ => None,
    };
    match v {
        None => String::new(),
        Some(serde_json::Value::Object(m)) => refusal_line(tr, m)
            .into_iter()
            .chain(
                m.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "key" | "args"))
                    .filter(|(k, v)| other.is_none_or(|o| o.get(*k) != Some(*v)))
                    .map(|(k, v)| {
                        let label = tr.named(&["field"], k).unwrap_or_else(|| k.clone());
                        let value = match (k.as_str(), v) {
                            // A refused step's rule by its name.
                            ("rule", serde_json::Value::String(r)) => tr.rule(r),
                            _ => value_text(tr, profile, v),
                        };
                        format!("{label}: {value}")
                    }),
            )
            .collect::<Vec<_>>()
            .join("\n"),
        Some(other) => other.to_string(),
    }
}

/// The audit history of one record: who changed what, when, before and after.
pub async fn history(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path((entity, id)): Path<(String, i64)>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let kind = ranks_app::history::Entity::parse(&entity).ok_or_else(|| {
        lang.error(ranks_app::AppError::NotFound {
            what: "record kind",
            key: entity.clone(),
        })
    })?;
    let entries = st.app.history(&auth.actor, kind, id).await.page(&lang)?;
    let profile = st.app.profile();
    let back = match kind {
        ranks_app::history::Entity::Candidate => format!("/candidates/{id}"),
        _ => "/".to_string(),
    };
    let t = HistoryTemplate {
        tr,
        path: format!("/history/{entity}/{id}"),
        term: String::new(),
        title: format!(
            "{} — {} {id}",
            tr.get("history"),
            tr.named(&["history.entity"], &entity)
                .unwrap_or_else(|| entity.clone())
        ),
        back,
        rows: entries
            .iter()
            .map(|e| AuditLine {
                at: e.at.clone(),
                actor: tr.who(&e.actor),
                action: tr
                    .named(&["history.action"], &e.action)
                    .unwrap_or_else(|| e.action.clone()),
                before: json_lines(tr, profile, &e.before, &e.after),
                after: json_lines(tr, profile, &e.after, &e.before),
            })
            .collect(),
    };
    render(&t, &lang)
}
