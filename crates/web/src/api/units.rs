//! Units over the API: achievement of a subtree, admissions rolled up the tree.

use crate::error::WebError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Deserialize, schemars::JsonSchema)]
pub struct AchievementQuery {
    pub term: Option<String>,
    pub depth: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub as_of: Option<String>,
    /// Rows per page: 1 to 200, default 50. The total is in the
    /// `X-Total-Count` header; a next page's cursor in `X-Next-Cursor`
    /// (and a `Link: <…>; rel="next"`).
    pub limit: Option<String>,
    /// The `X-Next-Cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One row of the achievement report, as JSON: exactly the CLI's keys.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct AchievementJson {
    pub code: String,
    pub name: String,
    pub target: Option<u64>,
    pub admitted: u64,
    /// The exact value (109.0909…), or null without a target.
    pub percent: Option<f64>,
}

impl From<&ranks_domain::AchievementRow> for AchievementJson {
    fn from(r: &ranks_domain::AchievementRow) -> Self {
        AchievementJson {
            code: r.code.to_string(),
            name: r.name.clone(),
            target: r.target,
            admitted: r.admitted,
            percent: r.percent.map(|p| p.exact()),
        }
    }
}

pub async fn achievement(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(code): Path<String>,
    Query(q): Query<AchievementQuery>,
) -> Result<axum::response::Response, WebError> {
    let limit = ranks_app::overview::page_limit(q.limit.as_deref())
        .map_err(|e| WebError::from_app(e, None))?;
    let term = q.term.ok_or_else(|| {
        WebError::bad_request("term: missing; expected a term like 2020-2025", None)
    })?;
    let depth = match q.depth.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<usize>().map_err(|_| {
            WebError::bad_request(
                format!("depth: '{s}' is not valid; expected a whole number"),
                None,
            )
        })?),
    };
    let cursor = q.cursor.as_deref().filter(|c| !c.is_empty());
    let (report, total, more) = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let day = ranks_domain::parse_date("as_of", s)
                .map_err(|e| WebError::from_app(e.into(), None))?;
            let mut report = st
                .app
                .achievement_as_of(&auth.actor, Some(&code), &term, depth, day)
                .await
                .map_err(|e| WebError::from_app(e, None))?;
            // The cursor is the code of the last row of the previous page.
            let from = match cursor {
                None => 0,
                Some(c) => {
                    report
                        .rows
                        .iter()
                        .position(|r| r.code.as_str() == c)
                        .ok_or_else(|| {
                            WebError::from_app(
                                ranks_domain::DomainError::invalid(
                                    "cursor",
                                    c,
                                    "the cursor of the previous page",
                                )
                                .into(),
                                None,
                            )
                        })?
                        + 1
                }
            };
            let total = report.rows.len();
            report.rows = report.rows.into_iter().skip(from).take(limit).collect();
            (report, total, from + limit < total)
        }
        None => {
            let p = st
                .app
                .achievement_page(&auth.actor, Some(&code), &term, depth, cursor, limit)
                .await
                .map_err(|e| WebError::from_app(e, None))?;
            (p.report, p.total, p.more)
        }
    };
    let page = &report.rows;
    let body: Vec<AchievementJson> = page.iter().map(AchievementJson::from).collect();
    let mut resp = axum::response::IntoResponse::into_response(Json(body));
    let h = resp.headers_mut();
    h.insert("x-total-count", total.into());
    if more {
        if let Some(last) = page.last() {
            let next = last.code.to_string();
            let mut query = vec![format!("term={}", report.term.name)];
            if let Some(d) = depth {
                query.push(format!("depth={d}"));
            }
            if let Some(a) = q.as_of.as_deref().filter(|s| !s.is_empty()) {
                query.push(format!("as_of={a}"));
            }
            query.push(format!("limit={limit}"));
            query.push(format!("cursor={next}"));
            let link = format!(
                "</api/v1/units/{}/achievement?{}>; rel=\"next\"",
                report.root.code,
                query.join("&")
            );
            if let (Ok(c), Ok(l)) = (next.parse(), link.parse()) {
                h.insert("x-next-cursor", c);
                h.insert(axum::http::header::LINK, l);
            }
        }
    }
    Ok(resp)
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct RollupQuery {
    #[schemars(extend("format" = "date"))]
    pub from: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub to: Option<String>,
    pub term: Option<String>,
    pub org: Option<String>,
    /// Levels below the root to list (default 1; the root is depth 0).
    pub depth: Option<usize>,
    /// Rows per page: 1 to 200, default 50; `total` counts every row and
    /// `next_cursor` (null on the last page) asks for the next.
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Admissions of every unit of a subtree between two dates (or over a
/// term, with its targets), rolled up, from the in-memory index: exact
/// after every write, milliseconds for the whole country.
pub async fn rollup(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    axum::extract::Query(q): axum::extract::Query<RollupQuery>,
) -> Result<Json<Value>, WebError> {
    let bad = |e: ranks_domain::DomainError| WebError::from_app(e.into(), None);
    let date =
        |field: &'static str, v: &Option<String>| -> Result<Option<ranks_domain::Date>, WebError> {
            v.as_deref()
                .map(|s| ranks_domain::parse_date(field, s))
                .transpose()
                .map_err(bad)
        };
    let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
    let (from, to, term_id) = match &q.term {
        Some(_) if q.from.is_some() || q.to.is_some() => {
            return Err(WebError::bad_request(
                "term: give from and to, or term, not both",
                None,
            ))
        }
        Some(t) => {
            let terms = st
                .app
                .terms()
                .await
                .map_err(|e| WebError::from_app(e, None))?;
            let name = ranks_domain::TermName::parse(t).map_err(bad)?;
            let term = terms.iter().find(|x| x.name == name).ok_or_else(|| {
                WebError::from_app(
                    ranks_app::AppError::NotFound {
                        what: "term",
                        key: t.clone(),
                    },
                    None,
                )
            })?;
            let id = st
                .app
                .term_id(&name)
                .await
                .map_err(|e| WebError::from_app(e, None))?;
            (term.starts_on, term.ends_on, Some(id))
        }
        None => match (from, to) {
            (Some(f), Some(t)) => (f, t, None),
            _ => {
                return Err(WebError::bad_request(
                    "from and to (yyyy-mm-dd), or term, are needed",
                    None,
                ))
            }
        },
    };
    let r = st
        .app
        .rollup(&auth.actor, q.org.as_deref(), from, to)
        .await
        .map_err(|e| WebError::from_app(e, None))?;
    let depth = q.depth.unwrap_or(1);
    let limit = ranks_app::overview::page_limit(q.limit.as_deref())
        .map_err(|e| WebError::from_app(e, None))?;
    let cursor = q.cursor.as_deref().filter(|c| !c.is_empty());
    let (total, mut page) = r.page(depth, cursor, limit + 1).ok_or_else(|| {
        let c = cursor.unwrap_or_default();
        WebError::from_app(
            ranks_domain::DomainError::invalid("cursor", c, "the cursor of the previous page")
                .into(),
            None,
        )
    })?;
    let more = page.len() > limit;
    page.truncate(limit);
    let next = page
        .last()
        .filter(|_| more)
        .map(|last| r.row(*last).0.to_string());
    let rows: Vec<Value> = page
        .into_iter()
        .map(|i| {
            let (code, name, d, admitted) = r.row(i);
            let target = term_id.and_then(|t| r.target(t, i));
            json!({
                "code": code, "name": name, "depth": d, "admitted": admitted,
                "target": target,
                "percent": target.filter(|t| *t > 0).map(|t| admitted as f64 * 100.0 / t as f64),
            })
        })
        .collect();
    Ok(Json(
        json!({ "from": from, "to": to, "units": r.len(), "total": total, "limit": limit,
                "next_cursor": next, "rows": rows }),
    ))
}
