//! A browser and a script driving a router in-process: the shared test
//! client of the web tests.
//!
//! The caller gives the [`axum::Router`] (`ranks_web::router(app)`), so this
//! crate does not depend on `ranks-web` (that would be a dev-dependency
//! cycle). [`sign_in`] goes through the sign-in form as a browser does and
//! gives a [`Client`] holding the session cookie and the CSRF token; its
//! methods send JSON, forms and uploads as that signed-in user. [`bearer`]
//! is a script with a token, no cookie. Every answer is read into a [`Resp`].
//!
//! ```ignore
//! let c = sign_in(&ranks_web::router(app), "admin", "password").await.unwrap();
//! let page = c.get("/?term=2020-2025", None).await;
//! assert_eq!(page.status, StatusCode::OK);
//! ```

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// An answer, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    /// The `Set-Cookie` header, if any.
    pub cookie: Option<String>,
    pub content_type: String,
    /// The `Location` header, empty without one.
    pub location: String,
    /// The body as text (lossy UTF-8).
    pub body: String,
    /// The body as it came, for binary downloads.
    pub bytes: Vec<u8>,
    /// Every header of the answer.
    pub headers: header::HeaderMap,
}

impl Resp {
    /// A header's value as text, if the answer has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The body parsed as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A signed-in browser: the router, the session cookie and the CSRF token.
#[derive(Clone)]
pub struct Client {
    pub router: axum::Router,
    pub cookie: String,
    pub csrf: String,
    /// What this client has sent, shared by its clones.
    pub tally: std::sync::Arc<Tally>,
}

/// The pages a client loaded (GET) and the forms and bodies it sent
/// (POST): a user's page loads and clicks, counted by a test.
#[derive(Debug, Default)]
pub struct Tally {
    pub gets: std::sync::atomic::AtomicUsize,
    pub posts: std::sync::atomic::AtomicUsize,
}

impl Tally {
    /// (pages loaded, forms sent) so far.
    pub fn now(&self) -> (usize, usize) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.gets.load(Relaxed), self.posts.load(Relaxed))
    }
}

/// Reads a response whole.
pub async fn read(resp: axum::response::Response) -> Resp {
    let status = resp.status();
    let cookie = header_text(&resp, header::SET_COOKIE);
    let content_type = header_text(&resp, header::CONTENT_TYPE).unwrap_or_default();
    let location = header_text(&resp, header::LOCATION).unwrap_or_default();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        cookie,
        content_type,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
        headers,
    }
}

fn header_text(resp: &axum::response::Response, name: header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

/// Sends one request through the router and reads the answer.
pub async fn send(router: &axum::Router, req: Request<Body>) -> Resp {
    read(router.clone().oneshot(req).await.unwrap()).await
}

impl Client {
    /// Sends a request built by the caller (cookies as the caller set them).
    pub async fn send(&self, req: Request<Body>) -> Resp {
        send(&self.router, req).await
    }

    /// GET with the session cookie, and `cookie` (e.g. `lang=en`) besides.
    pub async fn get(&self, uri: &str, cookie: Option<&str>) -> Resp {
        self.tally
            .gets
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let all = match cookie {
            Some(extra) => format!("{}; {extra}", self.cookie),
            None => self.cookie.clone(),
        };
        let req = Request::get(uri).header(header::COOKIE, all);
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// POST of a JSON body with the session cookie and the CSRF header.
    pub async fn post(&self, uri: &str, body: serde_json::Value) -> Resp {
        self.tally
            .posts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// Posts an HTML form (urlencoded), as a browser without JavaScript
    /// does: the caller puts the form's `csrf` field among `fields`.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.tally
            .posts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &self.cookie)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// An upload to the import preview as the browser's form sends it:
    /// `fields`, then the file as `(file name, bytes)`; the request is
    /// returned to be sent (or changed) by the caller.
    pub fn multipart(&self, fields: &[(&str, &str)], file: (&str, &[u8])) -> Request<Body> {
        let b = "----ranksboundary7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        Request::post("/import/preview")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={b}"),
            )
            .header(header::COOKIE, &self.cookie)
            .body(Body::from(body))
            .unwrap()
    }
}

/// The sign-in form as a browser gets it: its CSRF cookie and field.
pub async fn login_form(router: &axum::Router) -> (String, String) {
    let resp = send(router, Request::get("/login").body(Body::empty()).unwrap()).await;
    let cookie = resp.cookie.expect("the form sets its CSRF cookie");
    assert!(
        cookie.starts_with("ranks_login_csrf=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let field = resp
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the form carries the token")
        .to_string();
    (cookie.split(';').next().unwrap().to_string(), field)
}

/// Posts the sign-in form with the given cookies and body.
pub async fn post_login(router: &axum::Router, cookie: &str, form: &str) -> Resp {
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(form.to_string()))
        .unwrap();
    send(router, req).await
}

/// Signs in through the form, as a browser does; `password` is given
/// urlencoded. The refusal's answer is the error.
pub async fn sign_in(
    router: &axum::Router,
    username: &str,
    password: &str,
) -> Result<Client, Resp> {
    let (csrf_cookie, csrf) = login_form(router).await;
    let form = format!("username={username}&password={password}&next=/&csrf={csrf}");
    let resp = post_login(router, &csrf_cookie, &form).await;
    let Some(set) = resp
        .cookie
        .clone()
        .filter(|_| resp.status == StatusCode::SEE_OTHER)
    else {
        return Err(resp);
    };
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let mut c = Client {
        router: router.clone(),
        cookie,
        csrf: String::new(),
        tally: Default::default(),
    };
    let session = c.get("/api/v1/session", None).await.json();
    c.csrf = session["csrf"].as_str().unwrap().to_string();
    Ok(c)
}

/// A script's request with `Authorization: Bearer`, no cookie, no CSRF token.
pub async fn bearer(
    router: &axum::Router,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> Resp {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
        .unwrap();
    send(router, req).await
}

/// Percent-encodes a form value (everything but unreserved ASCII).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every `value` of the elements named `name` on the page, in order.
pub fn values_of(page: &str, name: &str) -> Vec<String> {
    page.split(&format!("name=\"{name}\" value=\""))
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// The options of a select, as (value, label).
pub fn options_of(page: &str, select_id: &str) -> Vec<(String, String)> {
    let Some(sel) = page.split(&format!("id=\"{select_id}\"")).nth(1) else {
        return vec![];
    };
    let sel = sel.split("</select>").next().unwrap();
    sel.split("<option value=\"")
        .skip(1)
        .map(|o| {
            let (v, rest) = o.split_once('"').unwrap();
            let label = rest
                .trim_start_matches('>')
                .split("</option>")
                .next()
                .unwrap();
            (v.to_string(), label.to_string())
        })
        .collect()
}

/// The text of an HTML fragment as a reader sees it, for snapshots: tags
/// removed, one line per table row (`<tr>`) and per heading or paragraph,
/// cells separated by ` | `, whitespace collapsed, entities for `&`, `<`,
/// `>`, `"` and `'` decoded.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // The source's own line breaks are spaces; lines come from the tags.
    let flat = |t: &str| t.replace(['\n', '\r'], " ");
    while let Some(open) = rest.find('<') {
        out.push_str(&flat(&rest[..open]));
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        match name {
            "tr" | "p" | "h1" | "h2" | "h3" | "li" | "br" | "table" | "thead" | "tbody" => {
                out.push('\n')
            }
            "td" | "th" if !tag.starts_with('/') => out.push_str(" | "),
            _ => out.push(' '),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(&flat(rest));
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded
        .lines()
        .map(|l| {
            let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
            l.trim_matches(|c: char| c == '|' || c.is_whitespace())
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
