//! Sign-in for the web: the session cookie, the signed-in actor, CSRF.
//!
//! Every page and API route but `/healthz` and `/login` needs a session.
//! A page without one redirects to the sign-in form; the API answers 401.
//! Every state-changing request must carry the session's CSRF token in the
//! `X-CSRF-Token` header (or a `csrf` form field), or it is refused.
//!
//! The sign-in form has its own CSRF token (no session yet): a random value
//! in a `SameSite=Strict` cookie for `/login` that the form must send back
//! in its `csrf` field, so another site cannot sign a browser in to an
//! account of its choosing. After signing in, the browser goes only to a
//! path on this site (`next`), never elsewhere.

use crate::error::WebError;
use crate::extract::PageLang;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use ranks_app::{Actor, AppError};
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "ranks_session";
/// The sign-in form's CSRF token (before there is a session).
pub const LOGIN_CSRF_COOKIE: &str = "ranks_login_csrf";

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct Auth {
    pub actor: Actor,
    pub csrf: String,
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| {
            kv.trim()
                .strip_prefix(&format!("{name}="))
                .map(str::to_string)
        })
        .next()
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let unauthenticated = || -> Response {
            if api {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": "sign in first"})),
                )
                    .into_response()
            } else {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
            }
        };
        // A script's token: no cookie, so no CSRF to fear; scoped like its user.
        if let Some(bearer) = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            let api_unauthorized = || {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": "unknown, expired or revoked token"})),
                )
                    .into_response()
            };
            return match st.app.token_actor(bearer.trim()).await {
                Ok(Some(actor)) => Ok(Auth {
                    actor,
                    csrf: String::new(),
                }),
                Ok(None) => Err(api_unauthorized()),
                Err(e) => Err(WebError::from_app(e, None).into_response()),
            };
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(unauthenticated());
        };
        let found = st
            .app
            .session_actor(&token)
            .await
            .map_err(|e| WebError::from_app(e, None).into_response())?;
        let Some((actor, csrf)) = found else {
            return Err(unauthenticated());
        };
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(WebError::from_app(
                    AppError::Forbidden("missing or wrong CSRF token".into()),
                    None,
                )
                .into_response());
            }
        }
        Ok(Auth { actor, csrf })
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    tr: Tr,
    next: &'a str,
    /// `next` for the language links' query.
    next_q: String,
    error: &'a str,
    csrf: &'a str,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub next: Option<String>,
    /// The sign-in form's CSRF token (see [`LOGIN_CSRF_COOKIE`]).
    #[serde(default)]
    pub csrf: String,
}

/// Where to go after signing in: a path on this site, else `/`. Refused:
/// anything not starting with one `/` (`//host`, `https://…`), any
/// backslash (browsers read `/\host` as `//host`), and anything but
/// printable ASCII (browsers drop tabs and newlines, and a header cannot
/// carry them); a path with other characters arrives percent-encoded.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n
        }
        _ => "/",
    }
}

/// Whether cookies set in answer to this request are marked `Secure`.
pub fn secure_cookies(st: &AppState, uri: &Uri, headers: &HeaderMap) -> bool {
    use crate::CookieSecure;
    match st.server.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => {
            uri.scheme_str() == Some("https") || (st.server.trust_proxy && forwarded_https(headers))
        }
    }
}

/// The proxy's word that the client came over HTTPS: the first (client-side)
/// entry of `X-Forwarded-Proto` or of `Forwarded`'s `proto=`.
fn forwarded_https(headers: &HeaderMap) -> bool {
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if let Some(proto) = first("x-forwarded-proto") {
        return proto == "https";
    }
    first("forwarded").is_some_and(|f| {
        f.split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .any(|(k, v)| k.trim() == "proto" && v.trim().trim_matches('"') == "https")
    })
}

/// The sign-in form's token: the browser's, if it has a well-formed one, or a new one.
fn login_csrf_of(headers: &HeaderMap) -> String {
    cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(ranks_app::auth::random_token)
}

/// Equal, in a time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn login_page(
    tr: Tr,
    next: &str,
    error: &str,
    csrf: &str,
    secure: bool,
    status: StatusCode,
) -> Response {
    let mut resp = match (LoginPage {
        tr,
        next,
        next_q: urlencode(next),
        error,
        csrf,
    })
    .render()
    {
        Ok(b) => (status, Html(b)).into_response(),
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "template").into_response(),
    };
    let secure = if secure { "; Secure" } else { "" };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=86400{secure}"
    )) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

pub async fn login_form(
    State(st): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
    lang: PageLang,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut resp = login_page(
        Tr { lang: lang.lang },
        safe_next(q.next.as_deref()),
        "",
        &login_csrf_of(&headers),
        secure_cookies(&st, &uri, &headers),
        StatusCode::OK,
    );
    // The language chosen on the sign-in page is kept for the pages after it.
    if let Some(v) = lang.remember {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

pub async fn login(
    State(st): State<AppState>,
    lang: PageLang,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let tr = Tr { lang: lang.lang };
    let next = safe_next(f.next.as_deref()).to_string();
    let secure = secure_cookies(&st, &uri, &headers);
    let csrf = login_csrf_of(&headers);
    if !same_secret(&csrf, &f.csrf) {
        // No password is checked for a form this site did not serve.
        return login_page(
            tr,
            &next,
            tr.get("login.csrf"),
            &csrf,
            secure,
            StatusCode::FORBIDDEN,
        );
    }
    match st.app.sign_in(&f.username, &f.password).await {
        Ok(session) => {
            let mut resp = Redirect::to(&next).into_response();
            let secure = if secure { "; Secure" } else { "" };
            let c = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200{secure}",
                session.token
            );
            if let Ok(v) = c.parse() {
                resp.headers_mut().insert(SET_COOKIE, v);
            }
            let done = format!(
                "{LOGIN_CSRF_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
            );
            if let Ok(v) = done.parse() {
                resp.headers_mut().append(SET_COOKIE, v);
            }
            resp
        }
        Err(AppError::RateLimited) => login_page(
            tr,
            &next,
            tr.get("login.rate_limited"),
            &csrf,
            secure,
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(AppError::Forbidden(_)) => login_page(
            tr,
            &next,
            tr.get("login.wrong"),
            &csrf,
            secure,
            StatusCode::UNAUTHORIZED,
        ),
        Err(e) => lang.error(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    pub csrf: String,
}

/// Ends the session (a form post carrying the CSRF token).
pub async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LogoutForm>,
) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Ok(Some((_, csrf))) = st.app.session_actor(&token).await {
            if csrf != f.csrf {
                return WebError::from_app(
                    AppError::Forbidden("missing or wrong CSRF token".into()),
                    None,
                )
                .into_response();
            }
            let _ = st.app.sign_out(&token).await;
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0").parse() {
        resp.headers_mut().insert(SET_COOKIE, v);
    }
    resp
}

/// The signed-in user of an HTML form post, whose CSRF token travels in the
/// form body: the handler must call [`FormAuth::check`] before acting.
pub struct FormAuth {
    pub actor: Actor,
    csrf: String,
}

impl FormAuth {
    /// The signed-in user, if the form's `csrf` field is the session's.
    pub fn check(self, sent: &str) -> Option<Auth> {
        (sent == self.csrf).then_some(Auth {
            actor: self.actor,
            csrf: self.csrf,
        })
    }
}

/// The refusal of a form without the session's CSRF token.
pub fn csrf_error() -> WebError {
    WebError::from_app(
        AppError::Forbidden("missing or wrong CSRF token".into()),
        None,
    )
}

/// The answer to a form without the session's CSRF token.
pub fn csrf_refused() -> Response {
    csrf_error().into_response()
}

impl FromRequestParts<AppState> for FormAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        // Read the session as for a GET; the token is checked from the body.
        let method = std::mem::replace(&mut parts.method, Method::GET);
        let got = Auth::from_request_parts(parts, st).await;
        parts.method = method;
        got.map(|a| FormAuth {
            actor: a.actor,
            csrf: a.csrf,
        })
    }
}
