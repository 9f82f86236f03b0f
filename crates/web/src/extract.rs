//! What a page handler extracts from its request before the one use case it
//! calls: the language ([`PageLang`]) and, for a form post, the signed-in
//! user whose CSRF token the form carried ([`CsrfForm`]).

use crate::auth::{Auth, FormAuth};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use ranks_app::AppError;
use serde::de::DeserializeOwned;
use std::convert::Infallible;

/// The language of a request: `?lang=` (then remembered in a cookie), else
/// the `lang` cookie, else Vietnamese.
#[derive(Clone, Debug)]
pub struct PageLang {
    pub lang: Lang,
    /// The `Set-Cookie` that remembers an explicit `?lang=`.
    pub remember: Option<HeaderValue>,
}

impl PageLang {
    /// From an explicit choice (the query's `lang`), else the cookie.
    pub fn negotiate(explicit: Option<&str>, headers: &HeaderMap) -> PageLang {
        if let Some(l) = explicit.and_then(Lang::parse) {
            let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", l.code());
            return PageLang {
                lang: l,
                remember: HeaderValue::from_str(&cookie).ok(),
            };
        }
        let from_cookie = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix("lang="))
            .find_map(Lang::parse);
        PageLang {
            lang: from_cookie.unwrap_or(Lang::Vi),
            remember: None,
        }
    }

    /// The response with the cookie that remembers the choice, if one was made.
    pub fn remembered(&self, mut resp: Response) -> Response {
        if let Some(c) = &self.remember {
            resp.headers_mut().insert(SET_COOKIE, c.clone());
        }
        resp
    }

    /// An error of the application, as this language's error page.
    pub fn error(&self, e: AppError) -> WebError {
        WebError::from_app(e, Some(self.lang))
    }
}

/// The `lang` parameter of a query string, if any.
fn query_lang(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let explicit = query_lang(parts.uri.query());
        Ok(PageLang::negotiate(explicit.as_deref(), &parts.headers))
    }
}

/// Gives a page handler's result in the page's language: `.page(&lang)?`.
pub trait PageResult<T> {
    fn page(self, lang: &PageLang) -> Result<T, WebError>;
}

impl<T> PageResult<T> for Result<T, AppError> {
    fn page(self, lang: &PageLang) -> Result<T, WebError> {
        self.map_err(|e| lang.error(e))
    }
}

/// A form post of the signed-in user, its fields read as `T`, refused
/// (403) unless its `csrf` field is the session's token. The session is
/// read as for a page (no session: to the sign-in form); a body that is
/// not a form of `T` is refused as axum's `Form` refuses it.
pub struct CsrfForm<T> {
    pub auth: Auth,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let signed_in = FormAuth::from_request_parts(&mut parts, st).await?;
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(IntoResponse::into_response)?;
        // The fields as `axum::Form` reads them (and refuses them).
        let mut again = Request::new(Body::from(bytes.clone()));
        *again.method_mut() = Method::POST;
        again.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let axum::Form(form) = axum::Form::<T>::from_request(again, st)
            .await
            .map_err(IntoResponse::into_response)?;
        let sent = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let auth = signed_in
            .check(&sent)
            .ok_or_else(crate::auth::csrf_refused)?;
        Ok(CsrfForm { auth, form })
    }
}

/// Whether htmx asks for a part of a page (`HX-Request: true`, not a
/// history restore): the handler then renders the fragment alone, the
/// same data as the whole page.
pub struct Htmx {
    pub partial: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Htmx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let h = &parts.headers;
        Ok(Htmx {
            partial: h.get("hx-request").is_some_and(|v| v == "true")
                && !h.contains_key("hx-history-restore-request"),
        })
    }
}

/// The JSON body of an API request, as `T`; a body that is not (missing,
/// not JSON, not of `T`'s shape) is refused with 400 and `body: …` saying why.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, st: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, st)
            .await
            .map(|axum::Json(t)| ApiJson(t))
            .map_err(|e| WebError::bad_request(format!("body: {}", e.body_text()), None))
    }
}
