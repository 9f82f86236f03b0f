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

/// The fields of an audit entry's JSON, one per line; with `other`, only
/// the fields whose value differs from it (what an update changed).
fn json_lines(v: &Option<serde_json::Value>, other: &Option<serde_json::Value>) -> String {
    let other = match other {
        Some(serde_json::Value::Object(o)) => Some(o),
        _ => None,
    };
    match v {
        None => String::new(),
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .filter(|(k, v)| other.is_none_or(|o| o.get(*k) != Some(*v)))
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
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
    let back = match kind {
        ranks_app::history::Entity::Candidate => format!("/candidates/{id}"),
        _ => "/".to_string(),
    };
    let t = HistoryTemplate {
        tr,
        path: format!("/history/{entity}/{id}"),
        term: String::new(),
        title: format!("{} — {entity} {id}", tr.get("history")),
        back,
        rows: entries
            .iter()
            .map(|e| AuditLine {
                at: e.at.clone(),
                actor: e.actor.clone(),
                action: e.action.clone(),
                before: json_lines(&e.before, &e.after),
                after: json_lines(&e.after, &e.before),
            })
            .collect(),
    };
    render(&t, &lang)
}
