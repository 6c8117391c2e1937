//! The OpenAPI document is served without signing in, is OpenAPI 3 with the security schemes
//! and the error shape, documents exactly the routes the router serves, and every documented
//! operation answers (never the router's 404 or 405), accepting every documented parameter.

mod common;

use std::collections::BTreeSet;

use axum::http::Method;
use common::seed::{self, ADMIN, sqlite_url, today};
use common::{Client, Server, settings};
use mieruka_store::Store;
use serde_json::{Value, json};

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

#[tokio::test]
async fn the_document_and_the_router_agree() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;

    let r = Client::new(server.addr).get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200, "served without signing in");
    let doc: Value = serde_json::from_str(&r.text).expect("the document is JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "mieruka_session");
    assert_eq!(schemes["csrf"]["name"], "x-csrf-token");
    assert_eq!(
        (&schemes["bearer"]["type"], &schemes["bearer"]["scheme"]),
        (&json!("http"), &json!("bearer"))
    );
    let error = &doc["components"]["schemas"]["Error"];
    for field in ["code", "message", "field"] {
        assert!(error["properties"][field].is_object(), "Error.{field}");
        assert!(
            error["required"]
                .as_array()
                .unwrap()
                .contains(&json!(field))
        );
    }

    // Documented = served, route for route.
    let ops = operations(&doc);
    let documented: BTreeSet<(String, String)> =
        ops.iter().map(|(m, p, _)| (m.clone(), p.clone())).collect();
    let served: BTreeSet<(String, String)> = mieruka_server::served_routes().into_iter().collect();
    assert_eq!(documented, served);
    assert!(served.len() >= 50, "{} routes", served.len());
    for (method, path, op) in &ops {
        let public = ["/api/v1/health", "/api/v1/openapi.json"].contains(&path.as_str())
            || (method == "POST" && path == "/api/v1/session");
        assert_eq!(
            op["security"].as_array().unwrap().is_empty(),
            public,
            "{method} {path}"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{method} {path}"
        );
        assert!(responses.contains_key("400"), "{method} {path}");
    }

    // Every documented operation answers, with the ids of real things in its path.
    let admin = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let token = admin
        .post("/api/v1/me/tokens", json!({"name": "doc"}))
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let risk = json!({"name": "文書化", "category": "運用", "probability": 2, "impact": 2});
    assert_eq!(
        admin
            .put("/api/v1/orgs/demo/risks/r-doc", risk)
            .await
            .status,
        201
    );
    let measurement = store.current_measurements(seeded.exercise).await.unwrap()[0]
        .id
        .0;
    let concrete = |path: &str| {
        let id = if path.starts_with("/api/v1/me/tokens") {
            token
        } else {
            measurement
        };
        path.replace("{org}", "demo")
            .replace("{plan}", &seeded.exercise.0.to_string())
            .replace("{id}", &id.to_string())
            .replace("{unit}", "us")
            .replace("{code}", "r-doc")
            .replace("{username}", "exec")
            .replace("{connector}", "assets")
            .replace(
                "{period}",
                &mieruka_domain::report::schedule::Schedule::default()
                    .period_containing(today(), 4)
                    .id,
            )
    };
    // Deletions last, so what they remove was there for the rest.
    let mut ordered: Vec<&(String, String, Value)> = ops.iter().collect();
    ordered.sort_by_key(|(m, _, _)| m == "DELETE");
    for (method, path, op) in ordered {
        let client = if path == "/api/v1/session" && method == "DELETE" {
            Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await
        } else {
            admin.clone()
        };
        let body = op.get("requestBody").map(|_| json!({}));
        let method: Method = method.parse().unwrap();
        let url = concrete(path);
        let r = client.send(method.clone(), &url, body.clone()).await;
        assert!(
            ![404, 405].contains(&r.status),
            "{method} {url}: {} {}",
            r.status,
            r.text
        );
        // Each documented query parameter is accepted, with the document's example value.
        for p in op["parameters"].as_array().unwrap() {
            if p["in"] != "query" {
                continue;
            }
            let name = p["name"].as_str().unwrap();
            let example = match &p["example"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let r = client
                .send(
                    method.clone(),
                    &format!("{url}?{name}={example}"),
                    body.clone(),
                )
                .await;
            assert!(
                !(r.status == 400 && r.field() == Some(name)),
                "{method} {url}?{name}={example}: {}",
                r.text
            );
        }
    }
    server.stop().await;
}

/// Every integer a request body may hold, at any depth of the component it names.
fn body_integers(
    doc: &Value,
    schema: &Value,
    at: &str,
    seen: &mut Vec<String>,
    out: &mut Vec<(String, Value)>,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/").to_string();
        if !seen.contains(&name) {
            seen.push(name.clone());
            body_integers(doc, &doc["components"]["schemas"][&name], &name, seen, out);
        }
        return;
    }
    let is_integer = match &schema["type"] {
        Value::String(t) => t == "integer",
        Value::Array(ts) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    if is_integer {
        out.push((at.to_string(), schema.clone()));
    }
    if let Some(props) = schema["properties"].as_object() {
        for (k, v) in props {
            body_integers(doc, v, &format!("{at}.{k}"), seen, out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if schema[key].is_object() {
            body_integers(doc, &schema[key], &format!("{at}[]"), seen, out);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for v in schema[key].as_array().into_iter().flatten() {
            body_integers(doc, v, at, seen, out);
        }
    }
}

/// The document allows only what the server accepts: every integer parameter and body field
/// declares its minimum and maximum (a negative `limit` was allowed), sign-in declares its 401,
/// simulations their 429 with `Retry-After`, and the simulation's figures are numbers (an
/// interval too wide to compute answered `analytic_mean: null`; it is refused now).
#[tokio::test]
async fn the_document_allows_only_what_the_server_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let server = Server::start(settings(), store).await;
    let doc = Client::new(server.addr)
        .get("/api/v1/openapi.json")
        .await
        .json;

    // A risk is added (201) or replaced (200) by the same PUT; both are documented.
    let risk = &doc["paths"]["/api/v1/orgs/{org}/risks/{code}"]["put"]["responses"];
    assert!(risk["200"].is_object() && risk["201"].is_object(), "{risk}");
    let sign_in = &doc["paths"]["/api/v1/session"]["post"]["responses"];
    for status in ["200", "400", "401", "429"] {
        assert!(sign_in[status].is_object(), "sign-in documents {status}");
    }
    let mut integers = Vec::new();
    for (method, path, op) in operations(&doc) {
        for p in op["parameters"].as_array().unwrap() {
            if p["schema"]["type"] == "integer" {
                integers.push((
                    format!("{method} {path} {}", p["name"]),
                    p["schema"].clone(),
                ));
            }
            if p["name"] == "limit" {
                assert_eq!(
                    (&p["schema"]["minimum"], &p["schema"]["maximum"]),
                    (&json!(1), &json!(1000)),
                    "{method} {path}"
                );
            }
        }
        if let Some(body) = op["requestBody"]["content"].as_object() {
            for media in body.values() {
                body_integers(
                    &doc,
                    &media["schema"],
                    &format!("{method} {path} body"),
                    &mut Vec::new(),
                    &mut integers,
                );
            }
        }
        if path.contains("simulat") {
            let busy = &op["responses"]["429"];
            assert!(
                busy["headers"]["Retry-After"].is_object(),
                "{method} {path}: {busy}"
            );
        }
    }
    assert!(integers.len() > 10, "{integers:?}");
    for (at, schema) in &integers {
        assert!(
            schema["minimum"].is_number() && schema["maximum"].is_number(),
            "{at}: {schema}"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["Simulation"]["properties"]["analytic_mean"]["type"],
        "number"
    );

    let admin = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let r = admin.get("/api/v1/orgs?limit=-1").await;
    assert_eq!((r.status, r.field()), (400, Some("limit")), "{}", r.text);
    let r = admin
        .post(
            "/api/v1/simulate",
            json!({"trials": 100, "scenarios": [
                {"id": "wide", "annual_rate": 1.0, "low_p5": 1e-300, "high_p95": 1e300}
            ]}),
        )
        .await;
    assert_eq!(
        (r.status, r.field()),
        (400, Some("scenarios[0].high_p95")),
        "{}",
        r.text
    );
    let r = admin
        .post(
            "/api/v1/simulate",
            json!({"trials": 100, "scenarios": [
                {"id": "real", "annual_rate": 2.0, "low_p5": 1.0, "high_p95": 1e12}
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for key in ["mean", "analytic_mean", "p50", "p99", "max"] {
        assert!(r.json[key].is_number(), "{key}: {}", r.text);
    }
    server.stop().await;
}
