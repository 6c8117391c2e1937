//! The OpenAPI 3 document, built from the same route table as the router (`routes::table`):
//! every served route is documented with its method, path and query parameters, and nothing
//! else is. Request and answer bodies refer to the component schemas in `schemas`.

mod schemas;

use std::sync::OnceLock;

use axum::http::Method;
use serde_json::{Map, Value, json};

use crate::auth::{COOKIE, CSRF_HEADER};
use crate::routes::route::{Answer, Kind, Route};

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| build(&crate::routes::table()))
}

/// Builds the document for a route table.
pub fn build(routes: &[Route]) -> Value {
    let mut paths = Map::new();
    let mut tags: Vec<&str> = Vec::new();
    for r in routes {
        if !tags.contains(&r.tag) {
            tags.push(r.tag);
        }
        let item = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        item[r.method.as_str().to_ascii_lowercase()] = operation(r);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "mieruka API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Cybersecurity KPIs made visible: the catalogue, organisations, plans, measurements, evaluation, loss in money, simulation and the business-risk register. \
                Sign in with POST /api/v1/session (a session cookie; send the returned CSRF token as `x-csrf-token` on every write), or send an API token as `Authorization: Bearer mk_…`. \
                Errors are JSON `{code, message, field}`; `field` names the request field at fault. Lists take `limit` and `offset` and answer `{items, total, limit, offset}`. \
                Someone with no part in an organisation gets 404 for everything in it.",
        },
        "tags": tags.iter().map(|t| json!({ "name": t })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": COOKIE,
                    "description": "The session cookie set by POST /api/v1/session.",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": CSRF_HEADER,
                    "description": "The session's CSRF token (from the sign-in answer), required with the cookie on every write.",
                },
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (mk_<prefix>_<secret>) from POST /api/v1/me/tokens; a read-scope token cannot write.",
                },
            },
            "schemas": schemas::all(),
            "responses": {
                "Error": {
                    "description": "An error: a stable code, a message a person can act on, and the field at fault.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
                },
                "SignInThrottled": {
                    "description": "Too many failed sign-ins for this account or from this address: try again after the seconds in Retry-After.",
                    "headers": { "Retry-After": { "description": "Seconds to wait.", "schema": { "type": "integer", "minimum": 1 } } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
                },
            },
        },
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The `{name}` segments of a path.
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn path_param(name: &str) -> Value {
    let (kind, description) = match name {
        "org" => ("string", "The organisation's code, e.g. demo."),
        "plan" => ("integer", "The plan's number."),
        "id" => ("integer", "The number of the measurement or API token."),
        "unit" => ("string", "The unit's code."),
        "code" => ("string", "The risk's code (a–z, 0–9, -)."),
        "username" => ("string", "The account's username."),
        "connector" => (
            "string",
            "The connector: vulnerabilities, defectdojo, gophish, openscap, assets, incidents or training.",
        ),
        _ => ("string", ""),
    };
    if name == "connector" {
        return json!({
            "name": name,
            "in": "path",
            "required": true,
            "description": description,
            "schema": {
                "type": "string",
                "enum": mieruka_app::collect::CONNECTORS.map(|(n, _)| n),
            },
        });
    }
    // A number in a path is read as a signed 64-bit integer.
    let schema = if kind == "integer" {
        json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX })
    } else {
        json!({ "type": kind })
    };
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": description,
        "schema": schema,
    })
}

fn operation(r: &Route) -> Value {
    let mut parameters: Vec<Value> = path_params(r.path).into_iter().map(path_param).collect();
    parameters.extend(r.query.iter().map(|p| {
        let example = match p.kind {
            Kind::Integer { .. } => p
                .example
                .parse::<i64>()
                .map_or(json!(p.example), |n| json!(n)),
            Kind::Boolean => json!(p.example == "true"),
            _ => json!(p.example),
        };
        json!({
            "name": p.name,
            "in": "query",
            "required": false,
            "description": p.description,
            "schema": p.kind.schema(),
            "example": example,
        })
    }));
    let security = if r.is_public() {
        json!([])
    } else if is_safe(&r.method) {
        json!([{ "session": [] }, { "bearer": [] }])
    } else {
        json!([{ "session": [], "csrf": [] }, { "bearer": [] }])
    };
    let success = match r.answer {
        Answer::Object(name) => json!({
            "description": "OK",
            "content": { "application/json": { "schema": schema_ref(name) } },
        }),
        Answer::List(name) => json!({
            "description": "One page of the list",
            "content": { "application/json": { "schema": {
                "allOf": [
                    schema_ref("Page"),
                    { "type": "object", "properties": { "items": { "type": "array", "items": schema_ref(name) } } },
                ],
            } } },
        }),
        Answer::Svg => json!({
            "description": "An SVG image",
            "content": { "image/svg+xml": { "schema": { "type": "string" } } },
        }),
        Answer::Download => json!({
            "description": "The file, in the format asked for",
            "content": {
                "application/pdf": { "schema": { "type": "string", "format": "binary" } },
                "text/html": { "schema": { "type": "string" } },
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                    { "schema": { "type": "string", "format": "binary" } },
            },
        }),
    };
    let error = json!({ "$ref": "#/components/responses/Error" });
    let mut responses = Map::new();
    if r.may_create {
        responses.insert("201".into(), success.clone());
    }
    responses.insert(r.status.as_u16().to_string(), success);
    responses.insert("400".into(), error.clone());
    let signs_in = r.path == "/api/v1/session" && r.method == Method::POST;
    if !r.is_public() {
        responses.insert("401".into(), error.clone());
        responses.insert("403".into(), error.clone());
    } else if signs_in {
        // A wrong username or password; a refused cross-site sign-in.
        responses.insert("401".into(), error.clone());
        responses.insert("403".into(), error.clone());
    }
    if !path_params(r.path).is_empty() {
        responses.insert("404".into(), error.clone());
    }
    // Reading the loss model, its simulation or the board report of an organisation without
    // loss inputs conflicts with what is stored, as writes may.
    let reads_loss = ["/loss", "/simulation", "/reports/"]
        .iter()
        .any(|p| r.path.contains(p));
    if (!is_safe(&r.method) || reads_loss) && !r.is_public() {
        responses.insert("409".into(), error.clone());
    }
    if r.body.is_some() {
        responses.insert("413".into(), error.clone());
    }
    if signs_in {
        responses.insert(
            "429".into(),
            json!({ "$ref": "#/components/responses/SignInThrottled" }),
        );
    }
    if r.busy {
        responses.insert(
            "429".into(),
            json!({
                "description": "As many simulations as the server runs at once are running: try again after `Retry-After` seconds.",
                "headers": { "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": { "type": "integer", "minimum": 0 },
                } },
                "content": { "application/json": { "schema": schema_ref("Error") } },
            }),
        );
    }
    responses.insert("500".into(), error);
    let mut op = json!({
        "operationId": operation_id(r),
        "summary": r.summary,
        "description": format!("Who may call it: {}", r.who),
        "tags": [r.tag],
        "security": security,
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = r.body {
        // An uploaded export is sent as it is, whatever its format.
        let media = if body == "UploadedFile" {
            "application/octet-stream"
        } else {
            "application/json"
        };
        op["requestBody"] = json!({
            "required": true,
            "content": { media: { "schema": schema_ref(body) } },
        });
    }
    op
}

/// `get_orgs_org_units` for GET /api/v1/orgs/{org}/units.
fn operation_id(r: &Route) -> String {
    let path: Vec<&str> = r
        .path
        .trim_start_matches("/api/v1/")
        .split('/')
        .map(|s| s.trim_matches(['{', '}']))
        .collect();
    format!(
        "{}_{}",
        r.method.as_str().to_ascii_lowercase(),
        path.join("_").replace(['.', '-'], "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` in the document names a component that exists.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_and_operation_ids_are_unique() {
        let doc = document();
        let mut found = Vec::new();
        refs(doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let path: Vec<&str> = r.trim_start_matches("#/").split('/').collect();
            let mut at = doc;
            for p in &path {
                at = at.get(p).unwrap_or_else(|| panic!("{r} does not resolve"));
            }
        }
        let mut ids: Vec<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .map(|op| op["operationId"].as_str().unwrap())
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "operation ids repeat");
    }

    #[test]
    fn every_route_is_summarised_and_tagged() {
        for r in crate::routes::table() {
            assert!(
                !r.summary.is_empty() && !r.tag.is_empty(),
                "{} {}",
                r.method,
                r.path
            );
        }
    }
}
