//! Real answers against the schemas the document derives from their types: on the demo, each
//! route of organisations, the catalogue, KPIs, plans, status, measurements, benchmarks and the
//! audit log answers JSON holding every property its schema requires, of the types it says, at
//! every depth. (The documented examples are invented; these answers are not.)

mod common;

use common::seed::{self, ADMIN, sqlite_url};
use common::{Server, settings};
use mieruka_store::Store;
use serde_json::{Value, json};

/// The schema a `$ref` names, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(
            doc,
            &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        ),
        None => schema,
    }
}

fn type_fits(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

/// What in `v` the schema does not allow (empty: it fits): missing required properties, wrong
/// types, codes outside an enumeration, at any depth.
fn misfits(doc: &Value, schema: &Value, v: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut out = Vec::new();
    if schema == &json!(true) || schema.is_null() {
        return out;
    }
    match &schema["type"] {
        Value::String(t) if !type_fits(t, v) => out.push(format!("{at}: not {t}: {v}")),
        Value::Array(ts) if !ts.iter().any(|t| type_fits(t.as_str().unwrap_or(""), v)) => {
            out.push(format!("{at}: none of {ts:?}: {v}"))
        }
        _ => {}
    }
    if let Some(codes) = schema["enum"].as_array()
        && !codes.contains(v)
    {
        out.push(format!("{at}: {v} is not one of {codes:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        out.push(format!("{at}: {v} is not {c}"));
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        out.extend(misfits(doc, part, v, at));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema[key].as_array()
            && !options.iter().any(|o| misfits(doc, o, v, at).is_empty())
        {
            out.push(format!("{at}: fits none of its {key}: {v}"));
        }
    }
    if let Some(object) = v.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                out.push(format!("{at}: no `{name}`"));
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            for (name, value) in object {
                if let Some(p) = props.get(name) {
                    out.extend(misfits(doc, p, value, &format!("{at}.{name}")));
                }
            }
        }
    }
    if let (Some(items), Some(values)) = (schema.get("items"), v.as_array()) {
        for (i, value) in values.iter().enumerate() {
            out.extend(misfits(doc, items, value, &format!("{at}[{i}]")));
        }
    }
    out
}

/// The schema of the route's success answer.
fn answer_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is documented");
    &op["responses"][status.to_string()]["content"]["application/json"]["schema"]
}

#[tokio::test]
async fn real_answers_hold_what_their_schemas_require() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let admin = common::Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let doc = admin.get("/api/v1/openapi.json").await.json;

    // Something in each list: a benchmark, an own KPI.
    let benchmark = json!([{
        "kpi": "1.2.2", "as_of": "2026-03-31", "median": 80.0, "lower": 70.0, "upper": 90.0,
        "peers": 40, "source": "調査", "industry": null,
    }]);
    let kpi_example =
        doc["paths"]["/api/v1/orgs/{org}/kpis"]["post"]["requestBody"]["content"]
            ["application/json"]["example"]
            .clone();
    let plan = seeded.exercise.0;
    let measurement = store.current_measurements(seeded.exercise).await.unwrap()[0]
        .id
        .0;
    let calls: Vec<(&str, &str, String, Option<Value>)> = vec![
        (
            "put",
            "/api/v1/benchmarks",
            "/api/v1/benchmarks".into(),
            Some(benchmark),
        ),
        (
            "get",
            "/api/v1/benchmarks",
            "/api/v1/benchmarks".into(),
            None,
        ),
        (
            "post",
            "/api/v1/orgs/{org}/kpis",
            "/api/v1/orgs/demo/kpis".into(),
            Some(kpi_example),
        ),
        (
            "get",
            "/api/v1/orgs/{org}/kpis",
            "/api/v1/orgs/demo/kpis?limit=1000".into(),
            None,
        ),
        (
            "get",
            "/api/v1/catalog",
            "/api/v1/catalog?limit=1000".into(),
            None,
        ),
        (
            "get",
            "/api/v1/catalog/grid",
            "/api/v1/catalog/grid".into(),
            None,
        ),
        ("get", "/api/v1/orgs", "/api/v1/orgs".into(), None),
        (
            "get",
            "/api/v1/orgs/{org}",
            "/api/v1/orgs/demo".into(),
            None,
        ),
        (
            "patch",
            "/api/v1/orgs/{org}",
            "/api/v1/orgs/demo".into(),
            Some(json!({ "maturity": "improving" })),
        ),
        (
            "get",
            "/api/v1/orgs/{org}/units",
            "/api/v1/orgs/demo/units".into(),
            None,
        ),
        (
            "get",
            "/api/v1/orgs/{org}/recommendations",
            "/api/v1/orgs/demo/recommendations".into(),
            None,
        ),
        (
            "get",
            "/api/v1/orgs/{org}/periods",
            "/api/v1/orgs/demo/periods".into(),
            None,
        ),
        (
            "get",
            "/api/v1/orgs/{org}/plans",
            "/api/v1/orgs/demo/plans?limit=1000".into(),
            None,
        ),
        (
            "get",
            "/api/v1/plans/{plan}",
            format!("/api/v1/plans/{plan}"),
            None,
        ),
        (
            "post",
            "/api/v1/plans/{plan}/revisions",
            format!("/api/v1/plans/{plan}/revisions"),
            Some(json!({ "reason": "見直し", "targets": [{ "value": 95.0 }] })),
        ),
        (
            "get",
            "/api/v1/orgs/{org}/status",
            "/api/v1/orgs/demo/status".into(),
            None,
        ),
        (
            "get",
            "/api/v1/plans/{plan}/measurements",
            format!("/api/v1/plans/{plan}/measurements?history=true"),
            None,
        ),
        (
            "post",
            "/api/v1/measurements/{id}/correction",
            format!("/api/v1/measurements/{measurement}/correction"),
            Some(json!({ "actual": 2.0, "plan": 4.0, "evidence": "再集計" })),
        ),
        (
            "get",
            "/api/v1/orgs/{org}/audit",
            "/api/v1/orgs/demo/audit?limit=50".into(),
            None,
        ),
        (
            "get",
            "/api/v1/audit/verify",
            "/api/v1/audit/verify".into(),
            None,
        ),
    ];
    for (method, path, url, body) in calls {
        let r = admin
            .send(method.to_uppercase().parse().unwrap(), &url, body)
            .await;
        assert!(
            (200..300).contains(&r.status),
            "{method} {url}: {} {}",
            r.status,
            r.text
        );
        let schema = answer_schema(&doc, method, path, r.status);
        assert!(schema.is_object(), "{method} {path}: {schema}");
        let wrong = misfits(&doc, schema, &r.json, "answer");
        assert!(wrong.is_empty(), "{method} {url}:\n{}", wrong.join("\n"));
        if let Some(items) = r.json["items"].as_array() {
            assert!(
                !items.is_empty(),
                "{method} {url}: an empty list checks nothing"
            );
        }
    }
    // The check sees a property missing deep down, and a code outside its vocabulary.
    let mut org = admin.get("/api/v1/orgs/demo").await.json;
    org["units"][0].as_object_mut().unwrap().remove("kind");
    org["maturity"] = json!("legendary");
    let schema = answer_schema(&doc, "get", "/api/v1/orgs/{org}", 200);
    let wrong = misfits(&doc, schema, &org, "answer");
    assert!(
        wrong.iter().any(|w| w == "answer.units[0]: no `kind`")
            && wrong.iter().any(|w| w.starts_with("answer.maturity:")),
        "{wrong:?}"
    );
    server.stop().await;
}
