//! The OpenAPI document, built from the route table ([`super::api_routes`]).

use axum::Json;
use serde_json::{json, Value};

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
    schemas.insert("Refusal".into(), json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "rule": {"type": "string"}, "source": {"type": "string"}, "key": {"type": "string", "description": "the message id of the refusal (refusal-…), for a client that words it in its language"}, "args": {"type": "object", "additionalProperties": {"type": "string"}, "description": "the message's arguments: stage keys, ISO dates, counts"}}}));
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
