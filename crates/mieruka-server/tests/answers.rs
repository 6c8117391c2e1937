//! Real answers against the document: on the demo, each route of organisations, the catalogue,
//! KPIs, plans, status, measurements, benchmarks, the audit log, the loss model, the simulation,
//! the risk register, the board report, sessions, API tokens and accounts answers JSON holding
//! every property its documented schema requires, at every depth, of the types and codes the
//! schema allows, and nothing a closed schema does not list. Every route whose typed answer the
//! document shows without an example (`mieruka_server::answers_without_example`) is among them.

mod common;

use std::collections::BTreeSet;

use axum::http::Method;
use common::seed::{self, ADMIN, sqlite_url, today};
use common::{Client, Reply, Server, settings};
use mieruka_store::Store;
use serde_json::{Value, json};

/// The schema a `$ref` names, followed until it is not a reference.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(r) = schema["$ref"].as_str() {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}: not a component schema"));
        schema = &doc["components"]["schemas"][name];
        assert!(!schema.is_null(), "{r} does not resolve");
    }
    schema
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn allows(types: &Value, v: &Value) -> bool {
    let t = type_of(v);
    let ok = |name: &str| name == t || (name == "number" && t == "integer");
    match types {
        Value::String(name) => ok(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(ok),
        _ => true,
    }
}

/// What in `value` the schema does not allow, each named by its path in the answer.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(doc, s, value, at, problems);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(any) = schema[key].as_array() {
            let fits = any.iter().any(|s| {
                let mut found = Vec::new();
                check(doc, s, value, at, &mut found);
                found.is_empty()
            });
            if !fits {
                problems.push(format!("{at}: none of {key} fits {value}"));
            }
        }
    }
    if !allows(&schema["type"], value) {
        problems.push(format!("{at}: {value} is not of type {}", schema["type"]));
        return;
    }
    if let Some(codes) = schema["enum"].as_array()
        && !codes.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {codes:?}"));
    }
    if let Some(constant) = schema.get("const")
        && constant != value
    {
        problems.push(format!("{at}: {value} is not {constant}"));
    }
    match value {
        Value::Object(object) => {
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                if !object.contains_key(name) {
                    problems.push(format!("{at}: `{name}` is required but missing"));
                }
            }
            let properties = schema["properties"].as_object();
            for (name, v) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => check(doc, s, v, &format!("{at}.{name}"), problems),
                    None if schema["additionalProperties"] == json!(false) => {
                        problems.push(format!("{at}: `{name}` is not in the schema"));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for (i, v) in items.iter().enumerate() {
                check(doc, &schema["items"], v, &format!("{at}[{i}]"), problems);
            }
        }
        _ => {}
    }
}

/// The answers checked so far, by route.
struct Checker {
    doc: Value,
    checked: BTreeSet<(String, String)>,
}

impl Checker {
    /// Checks a reply of `method path` (the documented path) against the document's schema of
    /// its status, which must be a success.
    fn check(&mut self, method: &str, path: &str, reply: &Reply) {
        let at = format!("{method} {path}");
        assert!(
            (200..300).contains(&reply.status),
            "{at}: {} {}",
            reply.status,
            reply.text
        );
        let op = &self.doc["paths"][path][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{at} is not documented");
        let schema =
            &op["responses"][reply.status.to_string()]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{at}: no schema for {}", reply.status);
        let mut problems = Vec::new();
        check(&self.doc, schema, &reply.json, "answer", &mut problems);
        assert!(
            problems.is_empty(),
            "{at}:\n{}\n{:#}",
            problems.join("\n"),
            reply.json
        );
        self.checked.insert((method.to_string(), path.to_string()));
    }
}

#[tokio::test]
async fn real_answers_hold_what_their_schemas_require() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let doc = Client::new(server.addr)
        .get("/api/v1/openapi.json")
        .await
        .json;
    let mut c = Checker {
        doc,
        checked: BTreeSet::new(),
    };

    // Sessions.
    let (signed_in, admin) = Client::sign_in(server.addr, ADMIN.0, ADMIN.1).await;
    c.check("POST", "/api/v1/session", &signed_in);
    c.check("GET", "/api/v1/me", &admin.get("/api/v1/me").await);

    // The loss model and its inputs.
    let loss = admin.get("/api/v1/orgs/demo/loss").await;
    c.check("GET", "/api/v1/orgs/{org}/loss", &loss);
    assert!(
        !loss.json["plans"].as_array().unwrap().is_empty(),
        "the demo's plans reduce the loss"
    );
    let inputs = admin.get("/api/v1/orgs/demo/loss/inputs").await;
    c.check("GET", "/api/v1/orgs/{org}/loss/inputs", &inputs);
    let replaced = admin
        .put(
            "/api/v1/orgs/demo/loss/inputs",
            json!({ "inputs": inputs.json["inputs"], "reason": "見直し" }),
        )
        .await;
    c.check("PUT", "/api/v1/orgs/{org}/loss/inputs", &replaced);
    let stranger_template = Client::signed_in(server.addr, seed::OUTSIDER.0, seed::OUTSIDER.1)
        .await
        .get("/api/v1/orgs/other/loss/inputs")
        .await;
    c.check("GET", "/api/v1/orgs/{org}/loss/inputs", &stranger_template);

    // The simulation.
    let simulated = admin
        .post(
            "/api/v1/simulate",
            json!({
                "scenarios": [{ "id": "ransomware", "name": "ランサムウェア", "annual_rate": 0.1,
                                "low_p5": 10_000_000.0, "high_p95": 2_000_000_000.0 }],
                "trials": 2000,
            }),
        )
        .await;
    c.check("POST", "/api/v1/simulate", &simulated);
    let org_sim = admin.get("/api/v1/orgs/demo/simulation?trials=2000").await;
    c.check("GET", "/api/v1/orgs/{org}/simulation", &org_sim);
    assert_eq!(org_sim.json["portfolios"].as_array().unwrap().len(), 2);

    // The risk register.
    let risks = admin.get("/api/v1/orgs/demo/risks").await;
    c.check("GET", "/api/v1/orgs/{org}/risks", &risks);
    // The keys beside the list are documented too, so the check above covers them.
    let listed = c.doc["paths"]["/api/v1/orgs/{org}/risks"]["get"]["responses"]["200"].to_string();
    assert!(listed.contains("RegisterSummary"), "{listed}");
    assert!(risks.json["cyber"].is_object(), "{}", risks.json);
    let risk = json!({ "name": "主要取引先の倒産", "category": "財務", "probability": 2,
                       "impact_yen": 3_000_000_000_i64, "owner": "CFO", "note": "与信" });
    let added = admin.put("/api/v1/orgs/demo/risks/r-answer", risk).await;
    assert_eq!(added.status, 201);
    c.check("PUT", "/api/v1/orgs/{org}/risks/{code}", &added);

    // The board report.
    let period = mieruka_domain::report::schedule::Schedule::default()
        .period_containing(today(), 4)
        .id;
    let lint = admin
        .get(&format!("/api/v1/orgs/demo/reports/{period}/lint"))
        .await;
    c.check("GET", "/api/v1/orgs/{org}/reports/{period}/lint", &lint);
    let issued = admin
        .send(
            Method::POST,
            &format!("/api/v1/orgs/demo/reports/{period}/issue"),
            None,
        )
        .await;
    c.check("POST", "/api/v1/orgs/{org}/reports/{period}/issue", &issued);
    let listed = admin.get("/api/v1/orgs/demo/issued-reports").await;
    c.check("GET", "/api/v1/orgs/{org}/issued-reports", &listed);
    assert_eq!(listed.json["issued"].as_array().unwrap().len(), 1);
    let schedule = admin.get("/api/v1/orgs/demo/report-schedule").await;
    c.check("GET", "/api/v1/orgs/{org}/report-schedule", &schedule);
    let set = admin
        .put(
            "/api/v1/orgs/demo/report-schedule",
            json!({ "cadence": "half_yearly", "due_days": 45 }),
        )
        .await;
    c.check("PUT", "/api/v1/orgs/{org}/report-schedule", &set);

    // API tokens.
    let made = admin
        .post(
            "/api/v1/me/tokens",
            json!({ "name": "answers", "scope": "write", "expires_in_days": 30 }),
        )
        .await;
    c.check("POST", "/api/v1/me/tokens", &made);
    let tokens = admin.get("/api/v1/me/tokens").await;
    c.check("GET", "/api/v1/me/tokens", &tokens);
    let with_token = Client::with_token(server.addr, made.json["token"].as_str().unwrap());
    c.check("GET", "/api/v1/me", &with_token.get("/api/v1/me").await);
    let id = made.json["id"].as_i64().unwrap();
    let revoked = admin.delete(&format!("/api/v1/me/tokens/{id}")).await;
    c.check("DELETE", "/api/v1/me/tokens/{id}", &revoked);
    assert_eq!(revoked.json["revoked"], true);
    c.check(
        "DELETE",
        "/api/v1/me/tokens",
        &admin.delete("/api/v1/me/tokens").await,
    );

    // Accounts.
    let created = admin
        .post(
            "/api/v1/users",
            json!({ "username": "answers", "name": "回答 太郎" }),
        )
        .await;
    c.check("POST", "/api/v1/users", &created);
    let one_time = created.json["one_time_password"].as_str().unwrap();
    let given = admin
        .post(
            "/api/v1/users",
            json!({ "username": "given", "name": "指定", "password": "a long passphrase of words" }),
        )
        .await;
    c.check("POST", "/api/v1/users", &given);
    assert_eq!(given.json["one_time_password"], Value::Null);
    c.check("GET", "/api/v1/users", &admin.get("/api/v1/users").await);
    let granted = admin
        .post(
            "/api/v1/users/answers/roles",
            json!({ "org": "demo", "role": "contributor", "unit": "security" }),
        )
        .await;
    c.check("POST", "/api/v1/users/{username}/roles", &granted);
    assert!(
        granted.json["roles"][0]["unit"].is_i64(),
        "{}",
        granted.json
    );
    let (first, newcomer) = Client::sign_in(server.addr, "answers", one_time).await;
    c.check("POST", "/api/v1/session", &first);
    assert_eq!(first.json["must_change_password"], true);
    let changed = newcomer
        .post(
            "/api/v1/me/password",
            json!({ "current": one_time, "new": "another long passphrase" }),
        )
        .await;
    c.check("POST", "/api/v1/me/password", &changed);
    c.check(
        "PATCH",
        "/api/v1/users/{username}",
        &admin
            .patch("/api/v1/users/answers", json!({ "disabled": true }))
            .await,
    );
    c.check(
        "POST",
        "/api/v1/users/{username}/password",
        &admin
            .post("/api/v1/users/answers/password", json!({}))
            .await,
    );
    c.check(
        "DELETE",
        "/api/v1/users/{username}/roles/{org}",
        &admin.delete("/api/v1/users/answers/roles/demo").await,
    );

    // Something in each list: a benchmark, an own KPI.
    let benchmark = json!([{
        "kpi": "1.2.2", "as_of": "2026-03-31", "median": 80.0, "lower": 70.0, "upper": 90.0,
        "peers": 40, "source": "調査", "industry": null,
    }]);
    let kpi_example =
        c.doc["paths"]["/api/v1/orgs/{org}/kpis"]["post"]["requestBody"]["content"]
            ["application/json"]["example"]
            .clone();
    let plan = seeded.exercise.0;
    let measurement = store.current_measurements(seeded.exercise).await.unwrap()[0]
        .id
        .0;
    let calls: Vec<(&str, &str, String, Option<Value>)> = vec![
        (
            "PUT",
            "/api/v1/benchmarks",
            "/api/v1/benchmarks".into(),
            Some(benchmark),
        ),
        (
            "GET",
            "/api/v1/benchmarks",
            "/api/v1/benchmarks".into(),
            None,
        ),
        (
            "POST",
            "/api/v1/orgs/{org}/kpis",
            "/api/v1/orgs/demo/kpis".into(),
            Some(kpi_example),
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/kpis",
            "/api/v1/orgs/demo/kpis?limit=1000".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/catalog",
            "/api/v1/catalog?limit=1000".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/catalog/grid",
            "/api/v1/catalog/grid".into(),
            None,
        ),
        ("GET", "/api/v1/orgs", "/api/v1/orgs".into(), None),
        (
            "GET",
            "/api/v1/orgs/{org}",
            "/api/v1/orgs/demo".into(),
            None,
        ),
        (
            "PATCH",
            "/api/v1/orgs/{org}",
            "/api/v1/orgs/demo".into(),
            Some(json!({ "maturity": "improving" })),
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/units",
            "/api/v1/orgs/demo/units".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/recommendations",
            "/api/v1/orgs/demo/recommendations".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/periods",
            "/api/v1/orgs/demo/periods".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/plans",
            "/api/v1/orgs/demo/plans?limit=1000".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/plans/{plan}",
            format!("/api/v1/plans/{plan}"),
            None,
        ),
        (
            "POST",
            "/api/v1/plans/{plan}/revisions",
            format!("/api/v1/plans/{plan}/revisions"),
            Some(json!({ "reason": "見直し", "targets": [{ "value": 95.0 }] })),
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/status",
            "/api/v1/orgs/demo/status".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/plans/{plan}/measurements",
            format!("/api/v1/plans/{plan}/measurements?history=true"),
            None,
        ),
        (
            "POST",
            "/api/v1/measurements/{id}/correction",
            format!("/api/v1/measurements/{measurement}/correction"),
            Some(json!({ "actual": 2.0, "plan": 4.0, "evidence": "再集計" })),
        ),
        (
            "GET",
            "/api/v1/orgs/{org}/audit",
            "/api/v1/orgs/demo/audit?limit=50".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/audit/verify",
            "/api/v1/audit/verify".into(),
            None,
        ),
    ];
    for (method, path, url, body) in calls {
        let reply = admin.send(method.parse().unwrap(), &url, body).await;
        c.check(method, path, &reply);
        if let Some(items) = reply.json["items"].as_array() {
            assert!(
                !items.is_empty(),
                "{method} {url}: an empty list checks nothing"
            );
        }
    }

    // Signing out, last.
    let other = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    c.check(
        "DELETE",
        "/api/v1/session",
        &other.delete("/api/v1/session").await,
    );
    c.check(
        "DELETE",
        "/api/v1/me/sessions",
        &admin.delete("/api/v1/me/sessions").await,
    );

    for route in mieruka_server::answers_without_example() {
        assert!(
            c.checked.contains(&route),
            "{} {}: shown without an example, so its real answers must be checked here",
            route.0,
            route.1
        );
    }
    let _ = seeded;
    server.stop().await;
}

/// The check notices a missing required property, a wrong type, a code outside the list and a
/// property a closed schema does not list, through references and nullable unions.
#[test]
fn the_check_notices_what_a_schema_does_not_allow() {
    let doc = json!({ "components": { "schemas": {
        "Cell": {
            "type": "object",
            "required": ["impact"],
            "additionalProperties": false,
            "properties": {
                "impact": { "type": "integer" },
                "kind": { "type": "string", "enum": ["now", "after"] },
            },
        },
        "Risk": {
            "type": "object",
            "required": ["code", "cell"],
            "properties": {
                "code": { "type": "string" },
                "cell": { "anyOf": [{ "$ref": "#/components/schemas/Cell" }, { "type": "null" }] },
            },
        },
    } } });
    let schema = json!({ "type": "array", "items": { "$ref": "#/components/schemas/Risk" } });
    let problems = |value: Value| {
        let mut found = Vec::new();
        check(&doc, &schema, &value, "answer", &mut found);
        found
    };
    assert!(
        problems(json!([{ "code": "a", "cell": null }, { "code": "b", "cell": { "impact": 2 } }]))
            .is_empty()
    );
    for spoiled in [
        json!([{ "cell": null }]),
        json!([{ "code": 1, "cell": null }]),
        json!([{ "code": "a", "cell": { "impact": 2.5 } }]),
        json!([{ "code": "a", "cell": { "impact": 2, "kind": "later" } }]),
        json!([{ "code": "a", "cell": { "impact": 2, "colour": "red" } }]),
    ] {
        assert!(!problems(spoiled.clone()).is_empty(), "{spoiled}");
    }
}
