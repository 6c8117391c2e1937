//! Who may do what: for every role (and a user of another organisation), a representative read
//! and write of every resource, with the status each must get — 200/201 when allowed, 403 for a
//! member without the right, 404 for anything of an organisation the caller has no part in.

mod common;

use axum::http::Method;
use common::seed::{
    self, ADMIN, AUDITOR, CONTRIBUTOR, OUTSIDER, OWNER, Seeded, VIEWER, sqlite_url, today,
};
use common::{Client, Reply, Server, settings};
use mieruka_store::Store;
use serde_json::{Value, json};

/// Admin, owner, contributor (manufacturing), viewer, auditor, outsider.
const ROLES: [(&str, &str); 6] = [ADMIN, OWNER, CONTRIBUTOR, VIEWER, AUDITOR, OUTSIDER];

const READ: [u16; 6] = [200, 200, 200, 200, 200, 404];
const AUDIT: [u16; 6] = [200, 200, 403, 403, 200, 404];

/// Owners and administrators only.
fn manage(ok: u16) -> [u16; 6] {
    [ok, ok, 403, 403, 403, 404]
}
/// Owners, administrators and the contributor (for a unit in their subtree).
fn measure(ok: u16) -> [u16; 6] {
    [ok, ok, ok, 403, 403, 404]
}
fn admin_only(ok: u16) -> [u16; 6] {
    [ok, 403, 403, 403, 403, 403]
}
fn anyone(ok: u16) -> [u16; 6] {
    [ok; 6]
}

/// One role's run through the resources, collecting every mismatch.
struct Run<'a> {
    client: Client,
    role: usize,
    name: &'a str,
    failures: &'a mut Vec<String>,
}

impl Run<'_> {
    async fn check(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expected: [u16; 6],
    ) -> Reply {
        let reply = self.client.send(method.clone(), path, body).await;
        self.verify(reply, method, path, expected)
    }

    /// Uploads `file` as the body (a connector's input).
    async fn upload(&mut self, path: &str, file: &str, expected: [u16; 6]) -> Reply {
        let reply = self
            .client
            .raw(
                Method::POST,
                path,
                Some("text/csv"),
                file.as_bytes().to_vec(),
                &[],
            )
            .await;
        self.verify(reply, Method::POST, path, expected)
    }

    fn verify(&mut self, reply: Reply, method: Method, path: &str, expected: [u16; 6]) -> Reply {
        let want = expected[self.role];
        if reply.status != want {
            let text: String = reply.text.chars().take(300).collect();
            self.failures.push(format!(
                "{}: {method} {path}: expected {want}, got {} {text}",
                self.name, reply.status
            ));
        }
        if reply.status == 404 && self.role == 5 {
            // Outsiders learn nothing: the answer is the one for what does not exist.
            assert_eq!(reply.code(), "not_found", "{path}");
        }
        reply
    }

    async fn get(&mut self, path: &str, expected: [u16; 6]) -> Reply {
        self.check(Method::GET, path, None, expected).await
    }
}

async fn run_role(run: &mut Run<'_>, s: &Seeded, store: &Store) {
    let me = run.name;
    let today = today().to_string();
    let exercise = s.exercise.0;
    let current = store.current_measurements(s.exercise).await.unwrap();
    let seeded_mfg = current
        .iter()
        .find(|m| m.unit_code == "manufacturing")
        .unwrap()
        .id
        .0;
    let seeded_security = current
        .iter()
        .find(|m| m.unit_code == "security")
        .unwrap()
        .id
        .0;

    // Organisations and units.
    run.get("/api/v1/orgs/demo", READ).await;
    run.get("/api/v1/orgs/other", [200, 404, 404, 404, 404, 200])
        .await;
    let orgs = run.get("/api/v1/orgs", anyone(200)).await;
    let codes: Vec<&str> = orgs.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.contains(&"demo"), run.role != 5, "{me}: {codes:?}");
    run.check(
        Method::PATCH,
        "/api/v1/orgs/demo",
        Some(json!({"maturity": "initial"})),
        manage(200),
    )
    .await;
    run.check(
        Method::POST,
        "/api/v1/orgs",
        Some(json!({"code": format!("new-{me}"), "name": "新しい組織"})),
        admin_only(201),
    )
    .await;
    run.get("/api/v1/orgs/demo/units", READ).await;
    run.check(
        Method::POST,
        "/api/v1/orgs/demo/units",
        Some(json!({"code": format!("u-{me}"), "name": "部門", "kind": "department", "parent": "hq"})),
        manage(201),
    )
    .await;
    run.check(
        Method::PATCH,
        "/api/v1/orgs/demo/units/us",
        Some(json!({"maturity": "improving"})),
        manage(200),
    )
    .await;

    // The catalogue, KPIs, recommendations, periods.
    run.get("/api/v1/catalog?source=appendix", anyone(200))
        .await;
    run.get("/api/v1/catalog/grid", anyone(200)).await;
    run.get("/api/v1/orgs/demo/kpis", READ).await;
    let mut own = serde_json::to_value(&mieruka_domain::demo::own_kpis()[0]).unwrap();
    own["id"] = json!(format!("own.m-{me}"));
    run.check(
        Method::POST,
        "/api/v1/orgs/demo/kpis",
        Some(own),
        manage(201),
    )
    .await;
    run.get("/api/v1/orgs/demo/recommendations", READ).await;
    run.get("/api/v1/orgs/demo/periods", READ).await;

    // Plans.
    run.get(
        &format!("/api/v1/orgs/demo/plans?period={}", s.period),
        READ,
    )
    .await;
    let created = run
        .check(
            Method::POST,
            "/api/v1/orgs/demo/plans",
            Some(json!({
                "period": s.period, "kpi": "1.10.2", "targets": [{"value": 90}],
                "purpose": {"text": format!("訓練 ({me})"), "reduces": ["response"]},
                "units": ["security"],
            })),
            manage(201),
        )
        .await;
    let my_plan = created.json["id"].as_i64().unwrap_or(exercise);
    run.get(&format!("/api/v1/plans/{exercise}"), READ).await;
    run.check(
        Method::POST,
        &format!("/api/v1/plans/{exercise}/revisions"),
        Some(json!({"reason": "matrix", "purpose": {"text": format!("目的 ({me})")}})),
        manage(201),
    )
    .await;
    run.check(
        Method::POST,
        &format!("/api/v1/plans/{my_plan}/agreement"),
        Some(json!({"by": "代表取締役社長"})),
        manage(200),
    )
    .await;
    run.check(
        Method::POST,
        &format!("/api/v1/plans/{my_plan}/close"),
        None,
        manage(200),
    )
    .await;
    run.get(
        &format!("/api/v1/plans/{}", s.other_plan.0),
        [200, 404, 404, 404, 404, 200],
    )
    .await;

    // Measurements: the contributor's unit is manufacturing.
    run.get(
        &format!("/api/v1/plans/{exercise}/measurements?history=true"),
        READ,
    )
    .await;
    let added = run
        .check(
            Method::POST,
            &format!("/api/v1/plans/{exercise}/measurements"),
            Some(json!({"unit": "manufacturing", "date": today, "actual": 1, "plan": 4})),
            measure(201),
        )
        .await;
    let mine = added.json["id"].as_i64().unwrap_or(seeded_mfg);
    let mut security = seeded_security;
    for other_unit in ["security", "support"] {
        let r = run
            .check(
                Method::POST,
                &format!("/api/v1/plans/{exercise}/measurements"),
                Some(json!({"unit": other_unit, "date": today, "actual": 1, "plan": 4})),
                [201, 201, 403, 403, 403, 404],
            )
            .await;
        if other_unit == "security" {
            security = r.json["id"].as_i64().unwrap_or(seeded_security);
        }
    }
    run.check(
        Method::POST,
        &format!("/api/v1/measurements/{mine}/correction"),
        Some(json!({"actual": 2, "plan": 4})),
        measure(201),
    )
    .await;
    run.check(
        Method::POST,
        &format!("/api/v1/measurements/{security}/correction"),
        Some(json!({"actual": 2, "plan": 4, "evidence": me})),
        [201, 201, 403, 403, 403, 404],
    )
    .await;
    let rows =
        json!([{"unit": "manufacturing", "date": today, "actual": 3, "plan": 4, "evidence": me}]);
    run.check(
        Method::POST,
        &format!("/api/v1/plans/{exercise}/measurements/import"),
        Some(rows),
        measure(200),
    )
    .await;
    let mixed = json!([
        {"unit": "manufacturing", "date": today, "actual": 1, "plan": 5, "evidence": me},
        {"unit": "support", "date": today, "actual": 1, "plan": 5, "evidence": me},
    ]);
    run.check(
        Method::POST,
        &format!("/api/v1/plans/{exercise}/measurements/import"),
        Some(mixed),
        [200, 200, 403, 403, 403, 404],
    )
    .await;

    // Collecting from an uploaded export: an inventory of manufacturing's hardware feeds 1.1.1.
    let mine = format!(
        "asset_id,kind,business_unit,in_cmdb\npc-{me}-1,hardware,manufacturing,yes\npc-{me}-2,hardware,manufacturing,no\n"
    );
    run.upload("/api/v1/orgs/demo/collect/assets", &mine, measure(200))
        .await;
    let written = run
        .upload(
            "/api/v1/orgs/demo/collect/assets?write=true",
            &mine,
            measure(200),
        )
        .await;
    if written.status == 200 {
        assert_eq!(
            written.json["written"]["added"], 1,
            "{me}: {}",
            written.text
        );
    }
    let support = format!("asset_id,kind,business_unit,in_cmdb\npc-{me}-3,hardware,support,yes\n");
    run.upload(
        "/api/v1/orgs/demo/collect/assets?write=true",
        &support,
        [200, 200, 403, 403, 403, 404],
    )
    .await;

    // Status, loss, simulation.
    run.get("/api/v1/orgs/demo/status", READ).await;
    run.get("/api/v1/orgs/demo/loss", READ).await;
    run.get("/api/v1/orgs/demo/loss/inputs", READ).await;
    let inputs = serde_json::to_value(mieruka_domain::demo::loss_inputs()).unwrap();
    run.check(
        Method::PUT,
        "/api/v1/orgs/demo/loss/inputs",
        Some(json!({"inputs": inputs, "reason": format!("reviewed by {me}")})),
        manage(200),
    )
    .await;
    run.get("/api/v1/orgs/demo/simulation?trials=2000", READ)
        .await;
    let scenarios = json!({"scenarios": [{"id": "a", "name": "A", "annual_rate": 0.5, "low_p5": 1e6, "high_p95": 1e8}], "trials": 2000});
    run.check(
        Method::POST,
        "/api/v1/simulate",
        Some(scenarios),
        anyone(200),
    )
    .await;

    // Risks.
    run.get("/api/v1/orgs/demo/risks", READ).await;
    let svg = run
        .get("/api/v1/orgs/demo/risks/matrix.svg?lang=en", READ)
        .await;
    if svg.status == 200 {
        assert!(svg.text.starts_with("<svg"), "{me}: not SVG");
    }
    let risk = format!("/api/v1/orgs/demo/risks/r-{me}");
    run.check(
        Method::PUT,
        &risk,
        Some(json!({"name": "調達の遅れ", "category": "調達", "probability": 3, "impact": 2})),
        manage(201),
    )
    .await;
    run.check(Method::DELETE, &risk, None, manage(200)).await;

    // The board report: everyone in the organisation reads and downloads it; owners issue it and
    // set the schedule.
    let quarter = mieruka_domain::report::schedule::Schedule::default()
        .period_containing(seed::today(), 4)
        .id;
    let html = run
        .get(
            &format!("/api/v1/orgs/demo/reports/{quarter}?format=html"),
            READ,
        )
        .await;
    if html.status == 200 {
        assert!(html.text.contains("<!DOCTYPE html>"), "{me}: not HTML");
    }
    run.get(&format!("/api/v1/orgs/demo/reports/{quarter}/lint"), READ)
        .await;
    let issued = run
        .check(
            Method::POST,
            &format!("/api/v1/orgs/demo/reports/{quarter}/issue"),
            None,
            manage(201),
        )
        .await;
    run.get("/api/v1/orgs/demo/issued-reports", READ).await;
    if issued.status == 201 {
        let id = issued.json["id"].as_i64().unwrap();
        run.get(
            &format!("/api/v1/orgs/demo/issued-reports/{id}?format=xlsx"),
            READ,
        )
        .await;
    }
    run.get("/api/v1/orgs/demo/report-schedule", READ).await;
    run.check(
        Method::PUT,
        "/api/v1/orgs/demo/report-schedule",
        Some(json!({"cadence": "quarterly", "due_days": 30})),
        manage(200),
    )
    .await;

    // Benchmark figures are the server's, not an organisation's: anyone signed in reads them,
    // administrators set them.
    run.get("/api/v1/benchmarks", anyone(200)).await;
    run.check(
        Method::PUT,
        "/api/v1/benchmarks",
        Some(
            json!([{"kpi": "1.2.2", "as_of": "2026-03-31", "median": 60, "peers": 52,
            "source": format!("調査 ({me})")}]),
        ),
        admin_only(200),
    )
    .await;

    // The audit log, accounts, tokens.
    run.get("/api/v1/orgs/demo/audit?limit=5", AUDIT).await;
    run.get("/api/v1/audit/verify", admin_only(200)).await;
    run.get("/api/v1/users", admin_only(200)).await;
    run.check(
        Method::POST,
        "/api/v1/users",
        Some(json!({"username": format!("new-{me}"), "name": "新人", "password": "a-long-password-2026"})),
        admin_only(201),
    )
    .await;
    run.check(
        Method::POST,
        "/api/v1/users/exec/roles",
        Some(json!({"org": "demo", "role": "viewer"})),
        admin_only(200),
    )
    .await;
    run.get("/api/v1/me/tokens", anyone(200)).await;
    run.check(
        Method::POST,
        "/api/v1/me/tokens",
        Some(json!({"name": "matrix", "scope": "read"})),
        anyone(201),
    )
    .await;
}

#[tokio::test]
async fn every_role_gets_what_it_may_and_outsiders_get_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let mut failures = Vec::new();
    for (role, (name, password)) in ROLES.iter().enumerate() {
        let client = Client::signed_in(server.addr, name, password).await;
        let mut run = Run {
            client,
            role,
            name,
            failures: &mut failures,
        };
        run_role(&mut run, &seeded, &store).await;
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // An outsider cannot tell a hidden organisation or plan from one that does not exist.
    let outsider = Client::signed_in(server.addr, OUTSIDER.0, OUTSIDER.1).await;
    let hidden = outsider.get("/api/v1/orgs/demo/status").await;
    let missing = outsider.get("/api/v1/orgs/nope/status").await;
    assert_eq!(
        (hidden.status, &hidden.json),
        (missing.status, &missing.json)
    );
    let hidden = outsider
        .get(&format!("/api/v1/plans/{}", seeded.exercise.0))
        .await;
    let missing = outsider.get("/api/v1/plans/999999").await;
    assert_eq!(
        (hidden.status, &hidden.json),
        (missing.status, &missing.json)
    );

    // Every write above is in the audit log under the name of who made it.
    let auditor = Client::signed_in(server.addr, AUDITOR.0, AUDITOR.1).await;
    let log = auditor.get("/api/v1/orgs/demo/audit?limit=1000").await;
    let actors: Vec<&str> = log.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    for who in ["admin", "ciso", "manufacturing"] {
        assert!(actors.contains(&who), "{who} is not in the log: {actors:?}");
    }
    for who in ["exec", "auditor", "rival"] {
        assert!(
            !actors.contains(&who),
            "{who} changed something: {actors:?}"
        );
    }
    server.stop().await;
}
