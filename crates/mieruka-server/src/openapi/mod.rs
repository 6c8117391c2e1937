//! The OpenAPI 3 document, built from the same route table as the router (`routes::table`):
//! every served route is documented with its method, path and query parameters, and nothing
//! else is. Request bodies are described by the types their handlers read
//! (`schemars::JsonSchema`, derived beside `Deserialize`: fields, bounds, the vocabularies'
//! codes), each with an example the type reads. Answers are described by the types their
//! handlers answer with (`Answer::of`, `Answer::list`: serde's writing side), each with an
//! example the type reads back or, for the large ones (`Answer::without_example`), with their
//! real answers checked on the demo (`tests/answers.rs`); a page of a list, any object and an
//! uploaded file are the only schemas written by hand (`schemas`).

mod schemas;

use std::sync::OnceLock;

use axum::http::Method;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::auth::{COOKIE, CSRF_HEADER};
use crate::error::ErrorBody;
use crate::routes::route::{Answer, BodyDoc, Kind, Route};

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| build(&crate::routes::table()))
}

/// Builds the document for a route table.
pub fn build(routes: &[Route]) -> Value {
    let mut paths = Map::new();
    let mut tags: Vec<&str> = Vec::new();
    let mut bodies = settings().for_deserialize().into_generator();
    // Answers as serde writes them.
    let mut answers = settings().for_serialize().into_generator();
    answers.subschema_for::<ErrorBody>();
    for r in routes {
        if !tags.contains(&r.tag) {
            tags.push(r.tag);
        }
        let item = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        item[r.method.as_str().to_ascii_lowercase()] = operation(r, &mut bodies, &mut answers);
    }
    let mut components = schemas::all();
    let read = bodies.take_definitions(true);
    let written = written_apart(answers.take_definitions(true), &read, &mut paths);
    for (name, schema) in read.into_iter().chain(written) {
        assert!(
            components.insert(name.clone(), schema).is_none(),
            "two component schemas are named {name}"
        );
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
            "schemas": components,
            "responses": {
                "Error": {
                    "description": "An error: a stable code, a message a person can act on, and the field at fault.",
                    "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Error" },
                        "example": error_example(),
                    } },
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

/// The answers' schemas beside the bodies' ones. A type both read in a body and written in an
/// answer has one schema when both sides agree; when they differ (a field with a default may be
/// left out of a body but is always written), the written one is `<Name>Answer`, and the
/// answers in `paths` refer to it by that name.
fn written_apart(
    mut written: Map<String, Value>,
    read: &Map<String, Value>,
    paths: &mut Map<String, Value>,
) -> Map<String, Value> {
    written.retain(|name, schema| read.get(name) != Some(schema));
    let differ: Vec<String> = written
        .keys()
        .filter(|name| read.contains_key(*name))
        .cloned()
        .collect();
    if differ.is_empty() {
        return written;
    }
    fn rename(v: &mut Value, differ: &[String]) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get_mut("$ref") {
                    let name = r.trim_start_matches("#/components/schemas/");
                    if differ.iter().any(|d| d == name) {
                        r.push_str("Answer");
                    }
                }
                m.values_mut().for_each(|x| rename(x, differ));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| rename(x, differ)),
            _ => {}
        }
    }
    for item in paths.values_mut() {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut())
        {
            rename(&mut op["responses"], &differ);
        }
    }
    written
        .into_iter()
        .map(|(name, mut schema)| {
            rename(&mut schema, &differ);
            let name = if differ.contains(&name) {
                format!("{name}Answer")
            } else {
                name
            };
            (name, schema)
        })
        .collect()
}

/// JSON Schema 2020-12 (OpenAPI 3.1's dialect) with the named schemas among the components.
/// Bodies are described as the handlers' types read them (serde's deserialising side), answers
/// as serde writes them.
fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
        s.meta_schema = None;
    })
}

/// The example of an error answer.
fn error_example() -> Value {
    json!({
        "code": "invalid",
        "message": "invalid type: string \"x\", expected f64",
        "field": "targets[0].value",
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

fn operation(r: &Route, bodies: &mut SchemaGenerator, answers: &mut SchemaGenerator) -> Value {
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
        Answer::Typed { schema, .. } => json!({
            "description": "OK",
            "content": { "application/json": { "schema": schema(answers) } },
        }),
        Answer::Object(name) => json!({
            "description": "OK",
            "content": { "application/json": { "schema": schema_ref(name) } },
        }),
        Answer::TypedList { item, beside } => {
            let mut all = vec![
                schema_ref("Page"),
                json!({ "type": "object", "properties": { "items": { "type": "array", "items": item(answers) } } }),
            ];
            all.extend(beside.map(|b| json!(b(answers))));
            json!({
                "description": "One page of the list",
                "content": { "application/json": { "schema": { "allOf": all } } },
            })
        }
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
    match &r.body {
        Some(BodyDoc::Json {
            schema, example, ..
        }) => {
            let mut media = json!({ "schema": schema(bodies) });
            if let Some(example) = example {
                media["example"] = example.clone();
            }
            op["requestBody"] = json!({
                "required": true,
                "content": { "application/json": media },
            });
        }
        Some(BodyDoc::File) => {
            op["requestBody"] = json!({
                "required": true,
                "content": { "application/octet-stream": { "schema": schema_ref("UploadedFile") } },
            });
        }
        None => {}
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

    /// Every JSON body a route takes is documented with an example, and the example is read by
    /// the route's own type through the same checks as a request's body; the same example with
    /// one unknown field more is refused, naming the field (so the reading is the type's).
    #[test]
    fn every_body_example_is_read_by_its_type() {
        let doc = document();
        let mut checked = 0;
        for r in crate::routes::table() {
            let Some(BodyDoc::Json { read, example, .. }) = &r.body else {
                continue;
            };
            let at = format!("{} {}", r.method, r.path);
            let example = example
                .clone()
                .unwrap_or_else(|| panic!("{at}: no example"));
            if let Err(e) = read(example.clone()) {
                panic!("{at}: the example is refused: {e:?}\n{example:#}");
            }
            let op = &doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()];
            assert_eq!(
                op["requestBody"]["content"]["application/json"]["example"], example,
                "{at}: the document shows the example"
            );
            let mut spoiled = example.clone();
            let (object, field) = match &mut spoiled {
                Value::Array(items) => (items[0].as_object_mut().unwrap(), "[0].colour"),
                Value::Object(map) => (map, "colour"),
                other => panic!("{at}: {other}"),
            };
            object.insert("colour".into(), json!("red"));
            match read(spoiled) {
                Err(crate::error::ApiError::Invalid { field: Some(f), .. }) if f == field => {}
                other => panic!("{at}: an unknown field: {other:?}"),
            }
            checked += 1;
        }
        assert!(checked >= 20, "{checked} bodies");
    }

    /// The examples of bodies whose types serde also writes (the domain's measurement, benchmark
    /// and loss inputs) read back the same after being written: the documented shape is the one
    /// both directions use.
    #[test]
    fn examples_of_written_types_read_back_the_same() {
        fn round_trip<T>(example: &Value)
        where
            T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
        {
            let read: T = serde_json::from_value(example.clone()).unwrap();
            let written = serde_json::to_value(&read).unwrap();
            let again: T = serde_json::from_value(written).unwrap();
            assert_eq!(read, again, "{example}");
        }
        let doc = document();
        let example = |path: &str, method: &str| {
            doc["paths"][path][method]["requestBody"]["content"]["application/json"]["example"]
                .clone()
        };
        round_trip::<mieruka_domain::plan::MeasurementInput>(&example(
            "/api/v1/plans/{plan}/measurements",
            "post",
        ));
        round_trip::<Vec<mieruka_domain::plan::MeasurementInput>>(&example(
            "/api/v1/plans/{plan}/measurements/import",
            "post",
        ));
        round_trip::<Vec<mieruka_domain::benchmark::RawBenchmark>>(&example(
            "/api/v1/benchmarks",
            "put",
        ));
        round_trip::<mieruka_domain::loss::LossInputs>(
            &example("/api/v1/orgs/{org}/loss/inputs", "put")["inputs"],
        );
    }

    /// Every answer described by its type shows an example, which the type reads and writes
    /// back unchanged (unless the route says it has none: `Answer::without_example`).
    #[test]
    fn every_typed_answer_example_is_read_by_its_type() {
        let doc = document();
        let mut checked = 0;
        for r in crate::routes::table() {
            // An answer without an example has its real answers checked (`tests/answers.rs`).
            let Answer::Typed {
                round_trip: Some(round_trip),
                ..
            } = r.answer
            else {
                continue;
            };
            let at = format!("{} {}", r.method, r.path);
            let op = &doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()];
            let mut schema =
                &op["responses"][r.status.as_str()]["content"]["application/json"]["schema"];
            if let Some(name) = schema["$ref"].as_str() {
                schema =
                    &doc["components"]["schemas"][name.trim_start_matches("#/components/schemas/")];
            }
            let examples = schema["examples"]
                .as_array()
                .unwrap_or_else(|| panic!("{at}: no example in {schema}"));
            assert!(!examples.is_empty(), "{at}");
            for example in examples {
                assert_eq!(
                    round_trip(example.clone()).as_ref(),
                    Ok(example),
                    "{at}: the example read and written again"
                );
                checked += 1;
            }
        }
        assert!(checked >= 6, "{checked} answers");
    }

    /// The error answer's example is read by its type and written back the same, and every
    /// code an error is answered with is one the document lists.
    #[test]
    fn the_error_answer_is_its_type() {
        let doc = document();
        let example =
            &doc["components"]["responses"]["Error"]["content"]["application/json"]["example"];
        let read: ErrorBody = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(&serde_json::to_value(&read).unwrap(), example);
        let codes = doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .clone();
        use crate::error::{ApiError, RowProblem};
        let every = [
            ApiError::Unauthenticated,
            ApiError::Forbidden(String::new()),
            ApiError::NotFound,
            ApiError::invalid("f", "r"),
            ApiError::Conflict(String::new()),
            ApiError::Throttled(1),
            ApiError::Busy { retry_after: 1 },
            ApiError::TooLarge,
            ApiError::Csrf,
            ApiError::InvalidRows {
                message: String::new(),
                problems: vec![RowProblem {
                    row: 1,
                    field: None,
                    reason: String::new(),
                }],
            },
            ApiError::NoRoute,
            ApiError::MethodNotAllowed,
            ApiError::Internal(String::new()),
        ];
        assert_eq!(every.len(), codes.len());
        for e in every {
            let code = e.parts().1;
            assert!(codes.contains(&json!(code)), "{code}");
        }
        let error = &doc["components"]["schemas"]["Error"];
        assert_eq!(
            error["required"],
            json!(["code", "message", "field"]),
            "{error}"
        );
    }

    /// The derived schemas keep the bounds and codes the server reads with: a schema allowing
    /// less than the handler would fail schemathesis' negative checks, more its positive ones.
    #[test]
    fn derived_body_schemas_keep_bounds_and_codes() {
        let doc = document();
        let schema = |name: &str| doc["components"]["schemas"][name].clone();
        let org = schema("NewOrganisation");
        assert_eq!(org["additionalProperties"], json!(false));
        assert_eq!(org["required"], json!(["code", "name"]));
        let month = &org["properties"]["fiscal_start_month"];
        assert_eq!(
            (&month["minimum"], &month["maximum"]),
            (&json!(1), &json!(12))
        );
        assert_eq!(
            org["properties"]["maturity"]["enum"],
            json!(["initial", "improving", "optimising", null]),
            "{org:#}"
        );
        let unit = schema("NewUnit");
        assert_eq!(
            unit["properties"]["kind"]["enum"],
            json!(["company", "subsidiary", "overseas_subsidiary", "department"])
        );
        assert_eq!(unit["properties"]["employees"]["minimum"], json!(0));
        let risk = schema("RiskInput");
        assert_eq!(risk["properties"]["probability"]["maximum"], json!(5));
        assert_eq!(
            risk["properties"]["impact_yen"]["maximum"],
            json!(mieruka_domain::risk::MAX_YEN)
        );
        let token = schema("NewToken");
        assert_eq!(
            token["properties"]["expires_in_days"]["maximum"],
            json!(mieruka_app::users::MAX_TOKEN_DAYS)
        );
        assert_eq!(
            token["properties"]["scope"]["enum"],
            json!(["read", "write", null])
        );
        let sim = schema("SimulationRequest");
        assert_eq!(sim["properties"]["scenarios"]["minItems"], json!(1));
        assert_eq!(
            sim["properties"]["scenarios"]["maxItems"],
            json!(mieruka_app::simulation::MAX_SCENARIOS)
        );
        let schedule = schema("ReportScheduleInput");
        assert_eq!(
            schedule["properties"]["cadence"]["enum"],
            json!(["quarterly", "half_yearly"])
        );
        let purpose = schema("Purpose");
        assert_eq!(
            purpose["properties"]["reduces"]["items"]["enum"],
            json!(["theft", "interruption", "fine", "response"])
        );
        let effect = schema("Effect");
        assert_eq!(
            effect["properties"]["lever"]["enum"],
            json!([
                "identifiability",
                "people_held",
                "outage_days",
                "affected_revenue_share",
                "response_cost_factor"
            ])
        );
        let mut rows = &doc["paths"]["/api/v1/plans/{plan}/measurements/import"]["post"]["requestBody"]
            ["content"]["application/json"]["schema"];
        if let Some(name) = rows["$ref"].as_str() {
            rows = &doc["components"]["schemas"][name.trim_start_matches("#/components/schemas/")];
        }
        assert_eq!(
            (&rows["type"], &rows["minItems"]),
            (&json!("array"), &json!(1)),
            "{rows}"
        );
        let new_plan = schema("NewPlan");
        assert_eq!(
            new_plan["properties"]["deadline"]["format"],
            json!("date"),
            "{new_plan:#}"
        );
        let benchmark = schema("BenchmarkInput");
        assert_eq!(
            benchmark["properties"]["as_of"]["format"],
            json!("date"),
            "{benchmark:#}"
        );
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
