//! A person's data as a readable page (Decree 13/2023; docs/privacy.md):
//! what `GET /api/v1/people/{id}/export` answers, for printing or handing
//! to the person. Reading it is audited as an export.

use super::render;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

pub struct Pair {
    pub label: String,
    pub value: String,
}

pub struct Block {
    pub title: String,
    pub fields: Vec<Pair>,
    /// Each part of the file (stages, documents, …): its title and lines.
    pub parts: Vec<(String, Vec<String>)>,
}

pub struct ConsentLine {
    pub purpose: String,
    pub given: String,
    pub withdrawn: String,
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "subject.html")]
struct SubjectTemplate {
    tr: Tr,
    path: String,
    term: String,
    title: String,
    json: String,
    erased: Option<String>,
    person: Vec<Pair>,
    blocks: Vec<Block>,
    consents: Vec<ConsentLine>,
    audit: Vec<AuditRow>,
}

fn text(tr: Tr, v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => match s.parse::<ranks_domain::Date>() {
            Ok(d) => tr.date(&d),
            Err(_) => s.clone(),
        },
        other => other.to_string(),
    }
}

fn label(tr: Tr, key: &str) -> String {
    tr.named(&["field", "subject.field"], key)
        .unwrap_or_else(|| key.to_string())
}

/// The scalar fields of an object, each by its label.
fn fields(tr: Tr, v: &Value) -> Vec<Pair> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter(|(_, x)| !x.is_array() && !x.is_object())
        .map(|(k, x)| Pair {
            label: label(tr, k),
            value: text(tr, x),
        })
        .collect()
}

/// The lists of an object (a file's stages, documents, …), each row one line.
fn parts(tr: Tr, v: &Value) -> Vec<(String, Vec<String>)> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, x)| x.as_array().map(|a| (k, a)))
        .filter(|(_, a)| !a.is_empty())
        .map(|(k, a)| {
            let lines = a
                .iter()
                .map(|row| {
                    fields(tr, row)
                        .into_iter()
                        .map(|p| format!("{}: {}", p.label, p.value))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .collect();
            (label(tr, k), lines)
        })
        .collect()
}

pub async fn person_data(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let x = st.app.subject_export(&auth.actor, id).await.page(&lang)?;
    let profile = st.app.profile();
    let name = x.person["full_name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut blocks = Vec::new();
    for f in &x.candidate_files {
        blocks.push(Block {
            title: format!("{} {}", tr.get("subject.file"), text(tr, &f["id"])),
            fields: fields(tr, f),
            parts: parts(tr, f),
        });
    }
    for m in &x.memberships {
        blocks.push(Block {
            title: format!("{} {}", tr.get("subject.membership"), text(tr, &m["id"])),
            fields: fields(tr, m),
            parts: parts(tr, m),
        });
    }
    let t = SubjectTemplate {
        tr,
        path: format!("/people/{id}/data"),
        term: String::new(),
        title: format!("{} — {name}", tr.get("subject.title")),
        json: format!("/api/v1/people/{id}/export"),
        erased: x.erased.as_ref().map(|e| {
            tr.args(
                "subject.erased",
                &[
                    ("at", e.at.clone().into()),
                    (
                        "ground",
                        tr.get(&format!("subject.ground.{}", e.ground)).into(),
                    ),
                ],
            )
        }),
        person: fields(tr, &x.person),
        blocks,
        consents: x
            .consents
            .iter()
            .map(|c| ConsentLine {
                purpose: c.purpose.clone(),
                given: format!("{} ({})", tr.date(&c.given_on), tr.who(&c.recorded_by)),
                withdrawn: match (&c.withdrawn_on, &c.withdrawal_reason) {
                    (Some(d), r) => format!(
                        "{}{}",
                        tr.date(d),
                        r.as_deref()
                            .filter(|r| !r.is_empty())
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ),
                    (None, _) => "—".into(),
                },
            })
            .collect(),
        audit: x
            .audit
            .iter()
            .map(|e| AuditRow {
                at: e.at.clone(),
                actor: tr.who(&e.actor),
                action: tr
                    .named(&["history.action"], &e.action)
                    .unwrap_or_else(|| e.action.clone()),
                record: format!(
                    "{} {}",
                    tr.named(&["history.entity", "subject.entity"], &e.entity)
                        .unwrap_or_else(|| e.entity.clone()),
                    e.entity_id
                ),
                before: super::history::json_lines(tr, profile, &e.before, &e.after),
                after: super::history::json_lines(tr, profile, &e.after, &e.before),
            })
            .collect(),
    };
    render(&t, &lang)
}
