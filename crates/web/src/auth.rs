//! Sign-in for the web: the session cookie, the signed-in actor, CSRF.
//!
//! Every page and API route but `/healthz` and `/login` needs a session.
//! A page without one redirects to the sign-in form; the API answers 401.
//! Every state-changing request must carry the session's CSRF token in the
//! `X-CSRF-Token` header (or a `csrf` form field), or it is refused.

use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use ranks_app::{Actor, AppError};
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "ranks_session";

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
    error: &'a str,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    pub next: Option<String>,
    pub lang: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub next: Option<String>,
}

fn safe_next(next: Option<&str>) -> &str {
    // Only local paths: no open redirect.
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n,
        _ => "/",
    }
}

fn login_page(tr: Tr, next: &str, error: &str, status: StatusCode) -> Response {
    match (LoginPage { tr, next, error }).render() {
        Ok(b) => (status, Html(b)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "template").into_response(),
    }
}

pub async fn login_form(
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = crate::pages::lang_of(q.lang.as_deref(), &headers);
    login_page(
        Tr { lang },
        safe_next(q.next.as_deref()),
        "",
        StatusCode::OK,
    )
}

pub async fn login(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = crate::pages::lang_of(None, &headers);
    let tr = Tr { lang };
    let next = safe_next(f.next.as_deref()).to_string();
    match st.app.sign_in(&f.username, &f.password).await {
        Ok(session) => {
            let mut resp = Redirect::to(&next).into_response();
            let secure = if st.secure_cookies { "; Secure" } else { "" };
            let c = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200{secure}",
                session.token
            );
            if let Ok(v) = c.parse() {
                resp.headers_mut().insert(SET_COOKIE, v);
            }
            resp
        }
        Err(AppError::RateLimited) => login_page(
            tr,
            &next,
            tr.get("login.rate_limited"),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(AppError::Forbidden(_)) => {
            login_page(tr, &next, tr.get("login.wrong"), StatusCode::UNAUTHORIZED)
        }
        Err(e) => WebError::from_app(e, Some(lang)).into_response(),
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

/// The answer to a form without the session's CSRF token.
pub fn csrf_refused() -> Response {
    WebError::from_app(
        AppError::Forbidden("missing or wrong CSRF token".into()),
        None,
    )
    .into_response()
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
