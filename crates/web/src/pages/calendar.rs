//! The calendar feed: its page (`/calendar`: make a new address, shown
//! once, or revoke it) and the feed itself (`/calendar/{token}.ics`, read
//! by calendar programs without a session: the token is the credential).

use super::render;
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::{Arg, Lang, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarTemplate {
    tr: Tr,
    path: String,
    term: String,
    csrf: String,
    /// "since … (language)" of the live feed, empty when there is none.
    active: String,
    /// The new address, right after it was made (shown once).
    created: String,
    /// A message after a revocation.
    notice: String,
    langs: Vec<(String, String, bool)>,
}

/// The server's address as this request reached it, for links in the feed
/// and on the page. The Host header is kept only when it is a plain host
/// name or address with an optional port.
fn base_url(st: &AppState, uri: &Uri, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if crate::auth::secure_cookies(st, uri, headers) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

async fn page(
    st: &AppState,
    auth: &Auth,
    lang: &PageLang,
    created: String,
    notice: String,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let status = st.app.calendar_feed_status(&auth.actor).await.page(lang)?;
    let active = status
        .as_ref()
        .map(|s| {
            let since = s.created_at.get(..10).unwrap_or(&s.created_at).to_string();
            let in_lang = match Lang::parse(&s.lang) {
                Some(l) => tr.get(&format!("calendar.lang_{}", l.code())),
                None => "",
            };
            tr.args(
                "calendar.active",
                &[("since", Arg::from(since)), ("lang", Arg::from(in_lang))],
            )
        })
        .unwrap_or_default();
    let t = CalendarTemplate {
        tr,
        path: "/calendar".into(),
        term: String::new(),
        csrf: auth.csrf.clone(),
        active,
        created,
        notice,
        langs: Lang::all()
            .into_iter()
            .map(|l| {
                (
                    l.code().to_string(),
                    tr.get(&format!("calendar.lang_{}", l.code())).to_string(),
                    l == lang.lang,
                )
            })
            .collect(),
    };
    render(&t, lang)
}

/// The feed's page.
pub async fn calendar_page(
    State(st): State<AppState>,
    auth: Auth,
    lang: PageLang,
) -> Result<Response, WebError> {
    page(&st, &auth, &lang, String::new(), String::new()).await
}

#[derive(Deserialize)]
pub struct FeedForm {
    /// `new` or `revoke`.
    pub action: String,
    pub lang: Option<String>,
}

/// Makes a new address (shown once on the answer) or revokes the live one.
pub async fn calendar_form(
    State(st): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    lang: PageLang,
    CsrfForm { auth, form }: CsrfForm<FeedForm>,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    match form.action.as_str() {
        "new" => {
            let feed_lang = form.lang.as_deref().unwrap_or(lang.lang.code());
            let token = st
                .app
                .new_calendar_feed(&auth.actor, feed_lang)
                .await
                .page(&lang)?;
            let url = format!("{}/calendar/{token}.ics", base_url(&st, &uri, &headers));
            page(&st, &auth, &lang, url, String::new()).await
        }
        "revoke" => {
            let had = st.app.revoke_calendar_feed(&auth.actor).await.page(&lang)?;
            let notice = tr.get(if had {
                "calendar.revoked"
            } else {
                "calendar.none"
            });
            page(&st, &auth, &lang, String::new(), notice.to_string()).await
        }
        other => {
            Err(lang
                .error(ranks_domain::DomainError::invalid("action", other, "new or revoke").into()))
        }
    }
}

/// The feed (`/calendar/{token}.ics`): 404 alike for a malformed, unknown
/// or revoked token, or a disabled user.
pub async fn calendar_feed(
    State(st): State<AppState>,
    Path(file): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found\n").into_response();
    let Some(token) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let feed = match st.app.calendar_feed(token).await {
        Ok(Some(feed)) => feed,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response();
        }
    };
    let tr = Tr {
        lang: Lang::parse(&feed.lang).unwrap_or(Lang::Vi),
    };
    let body = crate::ical::render(&feed, st.app.profile(), &tr, &base_url(&st, &uri, &headers));
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"ranks-deadlines.ics\"",
            ),
        ],
        body,
    )
        .into_response()
}
