//! The JSON API under `/api/v1`.

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
) -> Result<Json<Vec<AchievementJson>>, WebError> {
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
    let report = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let day = ranks_domain::parse_date("as_of", s)
                .map_err(|e| WebError::from_app(e.into(), None))?;
            st.app
                .achievement_as_of(&auth.actor, Some(&code), &term, depth, day)
                .await
        }
        None => {
            st.app
                .achievement(&auth.actor, Some(&code), &term, depth)
                .await
        }
    }
    .map_err(|e| WebError::from_app(e, None))?;
    Ok(Json(
        report.rows.iter().map(AchievementJson::from).collect(),
    ))
}

pub async fn terms(
    State(st): State<AppState>,
    _auth: crate::auth::Auth,
) -> Result<Json<Value>, WebError> {
    let terms = st
        .app
        .terms()
        .await
        .map_err(|e| WebError::from_app(e, None))?;
    Ok(Json(json!(terms
        .iter()
        .map(
            |t| json!({"name": t.name.to_string(), "starts_on": t.starts_on, "ends_on": t.ends_on})
        )
        .collect::<Vec<_>>())))
}

pub async fn healthz(State(st): State<AppState>) -> Result<Json<Value>, WebError> {
    let version = st
        .app
        .db()
        .schema_version()
        .await
        .map_err(|e| WebError::from_app(e.into(), None))?;
    Ok(Json(json!({
        "status": "ok",
        "database": st.app.db().backend().name(),
        "schema_version": version,
    })))
}

pub async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// The OpenAPI document, built from [`crate::api_routes`]: paths, methods,
/// path and query parameters, request bodies (the JSON Schema of the types
/// the handlers deserialise) and the statuses each can answer.
pub fn openapi_document() -> Value {
    let mut gen = schemars::generate::SchemaSettings::openapi3().into_generator();
    let mut paths = serde_json::Map::new();
    let error = json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}});
    for route in crate::api_routes() {
        let mut params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let schema = match name {
                    "code" => json!({"type": "string"}),
                    _ => json!({"type": "integer", "format": "int64"}),
                };
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        if let Some(query) = route.query {
            let schema = query(&mut gen).to_value();
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (name, s) in props {
                    let mut s = s.clone();
                    // A query parameter is either there or not: no null.
                    if let Some(o) = s.as_object_mut() {
                        o.remove("nullable");
                    }
                    params.push(json!({
                        "name": name, "in": "query",
                        "required": required.contains(&name.as_str()),
                        "schema": s,
                    }));
                }
            }
        }
        let mut responses = json!({
            route.success.to_string(): {"description": "done"},
            "400": {"description": "malformed input, naming the field", "content": error},
            "401": {"description": "not signed in", "content": error},
            "403": {"description": "not allowed for this role, or a missing CSRF token", "content": error},
            "404": {"description": "unknown, or outside the user's subtree", "content": error},
        });
        let mut op = json!({
            "summary": route.summary,
            "parameters": params,
            "security": [{"session": []}, {"token": []}],
        });
        if route.method == "post" {
            responses["409"] = json!({"description": "the record changed since it was read; nothing was saved", "content": error});
            responses["413"] = json!({"description": "the body is too large", "content": error});
            responses["415"] = json!({"description": "the body is not of a type this route reads", "content": error});
            responses["422"] = json!({"description": "a step the procedure refuses, with its rule and source", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}});
            let content = match route.body {
                Some(body) => json!({"application/json": {"schema": body(&mut gen).to_value()}}),
                None => Value::Object(
                    route
                        .raw_body
                        .iter()
                        .map(|m| {
                            (
                                m.to_string(),
                                json!({"schema": {"type": "string", "format": "binary"}}),
                            )
                        })
                        .collect(),
                ),
            };
            if !content.as_object().is_some_and(|c| c.is_empty()) {
                op["requestBody"] = json!({"required": true, "content": content});
            }
        }
        if route.path == "/api/v1/import" {
            responses["413"] = json!({"description": "the file is over an import limit; error names it, limit and max give its name and value", "content": error});
            responses["503"] = json!({"description": "too many imports in progress; try again after Retry-After seconds", "content": error});
        }
        op["responses"] = responses;
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        entry[route.method] = op;
    }
    paths.insert("/healthz".into(), json!({"get": {"summary": "Liveness and database check", "responses": {"200": {"description": "ok"}}}}));
    let mut schemas = gen.take_definitions(true);
    schemas.insert("AchievementRow".into(), json!({"type": "object", "required": ["code", "name", "target", "admitted", "percent"], "properties": {
        "code": {"type": "string"}, "name": {"type": "string"},
        "target": {"type": "integer", "nullable": true}, "admitted": {"type": "integer"},
        "percent": {"type": "number", "nullable": true, "description": "admitted / target × 100, exact"}
    }}));
    schemas.insert("Error".into(), json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "string", "minLength": 1}}}));
    schemas.insert("Refusal".into(), json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "rule": {"type": "string"}, "source": {"type": "string"}}}));
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Ranks API", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
                "token": {"type": "http", "scheme": "bearer", "description": "a script token (ranks token create)"}
            },
            "schemas": schemas
        }
    })
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
    let rows: Vec<Value> = (0..r.len())
        .filter(|i| r.row(*i).2 <= depth)
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
        json!({ "from": from, "to": to, "units": r.len(), "rows": rows }),
    ))
}
