//! Static files (the style sheet, htmx) and the security headers every
//! response carries. Nothing inline: the CSP allows scripts and styles
//! from this server only.

use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const CSS: &str = include_str!("../../../assets/static/ranks.css");
const HTMX: &str = include_str!("../../../assets/static/htmx-2.0.11.min.js");
const JS: &str = include_str!("../../../assets/static/ranks.js");

/// The style sheet, with the classes pages use instead of inline styles:
/// `w0`…`w100` for bar widths, `i0`…`i9` for tree indentation (less on
/// phones).
pub fn css() -> &'static str {
    static FULL: OnceLock<String> = OnceLock::new();
    FULL.get_or_init(|| {
        let mut s = String::from(CSS);
        for w in 0..=100 {
            s.push_str(&format!(".bar span.w{w}{{width:{w}%}}\n"));
        }
        for i in 0..10 {
            s.push_str(&format!("td.i{i}{{padding-left:{}px}}\n", i * 18 + 8));
        }
        // Phones: the tree indents less.
        s.push_str("@media (max-width:600px){");
        for i in 0..10 {
            s.push_str(&format!(
                "table.tree td.i{i}{{padding-left:{}px}}",
                i * 8 + 4
            ));
        }
        s.push_str("}\n");
        s
    })
}

fn cached(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    cached(css(), "text/css; charset=utf-8")
}

pub async fn htmx() -> Response {
    cached(HTMX, "text/javascript; charset=utf-8")
}

/// The page enhancements (column names on table cells for narrow screens).
pub async fn script() -> Response {
    cached(JS, "text/javascript; charset=utf-8")
}

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds the security headers to every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, v: &'static str| {
        h.insert(
            header::HeaderName::from_static(name),
            HeaderValue::from_static(v),
        );
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        // Pages hold personal data: not to be kept by shared caches.
        set(h, "cache-control", "no-store");
    }
    resp
}
