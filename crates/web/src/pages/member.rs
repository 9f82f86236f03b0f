//! A member's record and the movement form.

use super::{lang_of, respond};
use crate::error::WebError;
use crate::i18n::{Lang, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "member.html")]
struct MemberTemplate {
    tr: Tr,
    path: String,
    term: String,
    m: ranks_app::history::MemberRecord,
    status: String,
    personal: bool,
    birth: String,
    gender: String,
    id_number: String,
    phone: String,
    admitted: String,
    official: String,
    card: String,
    host: String,
    writable: bool,
    csrf: String,
    kinds: Vec<(&'static str, &'static str)>,
    error: String,
}

const MOVEMENTS: [&str; 9] = [
    "transfer",
    "temporary",
    "return",
    "transfer_out",
    "exempt",
    "card",
    "remove",
    "expel",
    "death",
];

async fn member_page(
    st: &AppState,
    auth: &crate::auth::Auth,
    id: i64,
    lang: Lang,
    error: String,
) -> Response {
    let tr = Tr { lang };
    let m = match st.app.member_record(&auth.actor, id).await {
        Ok(m) => m,
        Err(e) => return WebError::from_app(e, Some(lang)).into_response(),
    };
    let status = ranks_domain::MemberStatus::parse(&m.status)
        .map(|s| tr.status(&s).to_string())
        .unwrap_or_else(|_| m.status.clone());
    let dash = || "—".to_string();
    let t = MemberTemplate {
        tr,
        path: format!("/members/{id}"),
        term: String::new(),
        status,
        personal: ranks_app::privacy::sees_personal(&auth.actor),
        birth: m.birth_date.map(|d| tr.date(&d)).unwrap_or_else(dash),
        gender: m.gender.clone().unwrap_or_else(dash),
        id_number: m.id_number.clone().unwrap_or_else(dash),
        phone: m.phone.clone().unwrap_or_else(dash),
        admitted: tr.date(&m.admitted_on),
        official: m.official_on.map(|d| tr.date(&d)).unwrap_or_else(dash),
        card: m.card_number.clone().unwrap_or_else(dash),
        host: m
            .host
            .as_ref()
            .map(|(u, until)| {
                format!(
                    "{u} ({} {})",
                    tr.get("member.until").to_lowercase(),
                    tr.date(until)
                )
            })
            .unwrap_or_default(),
        writable: auth.actor.role.writes(),
        csrf: auth.csrf.clone(),
        kinds: MOVEMENTS
            .iter()
            .map(|k| (*k, tr.get(&format!("mv.{k}"))))
            .collect(),
        error,
        m,
    };
    respond(t.render(), None, lang)
}

/// A member's record: details (personal ones for roles that may see them),
/// the movement form, the change history.
pub async fn member(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(None, &headers);
    member_page(&st, &auth, id, lang, String::new()).await
}

#[derive(Deserialize)]
pub struct MovementForm {
    pub csrf: String,
    pub kind: String,
    pub cell: Option<String>,
    pub destination: Option<String>,
    pub until: Option<String>,
    pub level: Option<String>,
    pub reason: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub version: Option<i64>,
}

pub async fn member_movement(
    State(st): State<AppState>,
    auth: crate::auth::FormAuth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<MovementForm>,
) -> Response {
    let Some(auth) = auth.check(&f.csrf) else {
        return crate::auth::csrf_refused();
    };
    let lang = lang_of(None, &headers);
    let body = crate::api::MovementBody {
        kind: f.kind,
        cell: f.cell,
        destination: f.destination,
        until: f.until,
        level: f.level,
        reason: f.reason,
        number: f.number,
        date: f.date,
        version: f.version,
    };
    let result = match crate::api::movement_of(&body) {
        Ok((m, date)) => st
            .app
            .member_movement_at(&auth.actor, id, m, date, body.version)
            .await
            .map_err(|e| WebError::from_app(e, Some(lang))),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => axum::response::Redirect::to(&format!("/members/{id}")).into_response(),
        Err(e) if e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN => {
            // Shown by the form (an unknown target cell too); a member the
            // user cannot see is the page's own 404.
            let status = if e.status == axum::http::StatusCode::CONFLICT {
                axum::http::StatusCode::CONFLICT
            } else {
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut resp = member_page(&st, &auth, id, lang, e.message).await;
            if resp.status() == axum::http::StatusCode::OK {
                *resp.status_mut() = status;
            }
            resp
        }
        Err(mut e) => {
            e.html = Some(lang);
            e.into_response()
        }
    }
}
