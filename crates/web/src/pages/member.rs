//! A member's record and the movement form.

use super::{render, with_status};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A kind of movement the form offers, with its label.
pub struct MovementKind {
    pub key: &'static str,
    pub label: &'static str,
}

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
    kinds: Vec<MovementKind>,
    /// The target cell picker's suggestions.
    cells: Vec<ranks_app::pickers::Choice>,
    error: String,
    /// Removed or expelled: the ground of leaving may be recorded.
    left: bool,
    grounds: Vec<MovementKind>,
    ground_error: String,
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
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    error: String,
) -> Result<Response, WebError> {
    member_page_with(st, auth, id, lang, error, String::new()).await
}

async fn member_page_with(
    st: &AppState,
    auth: &Auth,
    id: i64,
    lang: &PageLang,
    error: String,
    ground_error: String,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let m = st.app.member_record(&auth.actor, id).await.page(lang)?;
    let status = ranks_domain::MemberStatus::parse(&m.status)
        .map(|s| tr.status(&s).to_string())
        .unwrap_or_else(|_| m.status.clone());
    let dash = || "—".to_string();
    let writable = auth.actor.role.writes();
    let cells = if writable {
        let mut c = st
            .app
            .unit_choices(&auth.actor, true, super::pick::UNIT_SUGGESTIONS)
            .await
            .page(lang)?;
        c.retain(|u| u.code != m.unit);
        c
    } else {
        Vec::new()
    };
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
        writable,
        cells,
        csrf: auth.csrf.clone(),
        kinds: MOVEMENTS
            .iter()
            .map(|k| MovementKind {
                key: k,
                label: tr.get(&format!("mv.{k}")),
            })
            .collect(),
        error,
        left: matches!(m.status.as_str(), "removed" | "expelled"),
        grounds: ranks_domain::procedure::EXIT_GROUNDS
            .iter()
            .map(|(k, _)| MovementKind {
                key: k,
                label: tr.get(&format!("ground.{k}")),
            })
            .collect(),
        ground_error,
        m,
    };
    render(&t, lang)
}

/// A member's record: details (personal ones for roles that may see them),
/// the movement form, the change history.
pub async fn member(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    member_page(&st, &auth, id, &lang, String::new()).await
}

#[derive(Deserialize)]
pub struct MovementForm {
    pub kind: String,
    pub cell: Option<String>,
    pub destination: Option<String>,
    pub until: Option<String>,
    pub study: Option<String>,
    pub level: Option<String>,
    pub reason: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub version: Option<i64>,
}

pub async fn member_movement(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<MovementForm>,
) -> Result<Response, WebError> {
    // The target cell by its name (or code), among the cells the user sees.
    let typed = f.cell.as_deref().map(str::trim).unwrap_or_default();
    let cell = if typed.is_empty() || !matches!(f.kind.as_str(), "transfer" | "temporary") {
        f.cell
    } else {
        match super::pick::unit(&st, &auth, &lang, typed, true).await? {
            Ok(code) => Some(code),
            Err(msg) => {
                return with_status(
                    member_page(&st, &auth, id, &lang, msg).await,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            }
        }
    };
    let body = crate::api::MovementBody {
        kind: f.kind,
        cell,
        destination: f.destination,
        until: f.until,
        study: f.study.is_some(),
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
            .page(&lang),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}")).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            // Shown by the form (an unknown target cell too); a member the
            // user cannot see is the page's own 404.
            let status = if e.status == StatusCode::CONFLICT {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            with_status(member_page(&st, &auth, id, &lang, e.message).await, status)
        }
        Err(mut e) => {
            e.html = Some(lang.lang);
            Err(e)
        }
    }
}

#[derive(Deserialize)]
pub struct ExitGroundForm {
    pub ground: String,
    pub record_cleared_on: Option<String>,
    pub version: Option<i64>,
}

/// The ground on which a removed or expelled member left (re-admission judges it).
pub async fn member_exit_ground(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<ExitGroundForm>,
) -> Result<Response, WebError> {
    let cleared = f.record_cleared_on.filter(|s| !s.trim().is_empty());
    let result = match crate::api::opt_date("record_cleared_on", &cleared) {
        Ok(cleared) => st
            .app
            .record_exit_ground(&auth.actor, id, &f.ground, cleared, f.version)
            .await
            .page(&lang),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}")).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            let status = if e.status == StatusCode::CONFLICT {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            with_status(
                member_page_with(&st, &auth, id, &lang, String::new(), e.message).await,
                status,
            )
        }
        Err(mut e) => {
            e.html = Some(lang.lang);
            Err(e)
        }
    }
}
