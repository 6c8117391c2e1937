//! The API story, on SQLite and on PostgreSQL (one function, two backends): from the first
//! administrator's one-time password to an organisation with units, accounts, an agreed plan,
//! measurements entered and imported by a contributor, status, loss in money, simulation,
//! risks and the audit log — served by two instances of the server sharing one database and
//! the sessions in it.

mod common;

use common::seed::{self, today};
use common::{Client, Server, expect, settings};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};
use serde_json::{Value, json};

/// Two servers on one database, as two instances behind a load balancer.
async fn two_instances(url: &DatabaseUrl) -> (Store, Store, Server, Server) {
    let first = Store::open(url).await.unwrap();
    let second = Store::open(url).await.unwrap();
    let a = Server::start(settings(), first.clone()).await;
    let b = Server::start(settings(), second.clone()).await;
    (first, second, a, b)
}

async fn sessions_are_shared(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    seed::seed(&store).await;
    store.close().await;
    let (first, second, a, b) = two_instances(url).await;
    let on_a = Client::signed_in(a.addr, seed::OWNER.0, seed::OWNER.1).await;
    let on_b = on_a.on(b.addr);
    expect(
        &on_b.get("/api/v1/me").await,
        200,
        "the cookie on the other instance",
    );
    let r = on_b
        .post(
            "/api/v1/orgs/demo/units",
            json!({"code": "lab", "name": "研究所", "kind": "department", "parent": "hq"}),
        )
        .await;
    expect(&r, 201, "a write with the CSRF token on the other instance");
    expect(&on_b.delete("/api/v1/session").await, 200, "sign out on B");
    expect(&on_a.get("/api/v1/me").await, 401, "signed out on A too");
    a.stop().await;
    b.stop().await;
    first.close().await;
    second.close().await;
}

/// Each instance keeps who a token's sender is, their roles and the plans' contexts between
/// requests; a change made through the other instance must reach it at the next request.
async fn changes_reach_the_other_instance(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let seeded = seed::seed(&store).await;
    store.close().await;
    let (first, second, a, b) = two_instances(url).await;
    let plan = seeded.exercise.0;
    let write =
        |units: &str| json!({"unit": units, "date": today().to_string(), "actual": 1, "plan": 2});
    let path = format!("/api/v1/plans/{plan}/measurements");

    // The owner's token, made on B, used on A (which then keeps it).
    let owner_b = Client::signed_in(b.addr, seed::OWNER.0, seed::OWNER.1).await;
    let r = owner_b
        .post(
            "/api/v1/me/tokens",
            json!({"name": "nightly", "scope": "write"}),
        )
        .await;
    expect(&r, 201, "a token");
    let id = r.json["id"].as_i64().unwrap();
    let token_a = Client::with_token(a.addr, r.json["token"].as_str().unwrap());
    for _ in 0..2 {
        expect(
            &token_a.get("/api/v1/orgs/demo/status").await,
            200,
            "read on A",
        );
        expect(
            &token_a.post(&path, write("security")).await,
            201,
            "write on A",
        );
    }
    // Revoked on B: refused on A at once.
    expect(
        &owner_b.delete(&format!("/api/v1/me/tokens/{id}")).await,
        200,
        "revoke on B",
    );
    expect(
        &token_a.get("/api/v1/orgs/demo/status").await,
        401,
        "revoked token on A",
    );
    expect(
        &token_a.post(&path, write("security")).await,
        401,
        "revoked token writes on A",
    );

    // A contributor writes on A; the role taken away on B ends that on A.
    let lead_a = Client::signed_in(a.addr, seed::CONTRIBUTOR.0, seed::CONTRIBUTOR.1).await;
    expect(
        &lead_a.post(&path, write("manufacturing")).await,
        201,
        "contributor on A",
    );
    let admin_b = Client::signed_in(b.addr, seed::ADMIN.0, seed::ADMIN.1).await;
    let r = admin_b
        .delete(&format!("/api/v1/users/{}/roles/demo", seed::CONTRIBUTOR.0))
        .await;
    expect(&r, 200, "role revoked on B");
    expect(
        &lead_a.post(&path, write("manufacturing")).await,
        404,
        "no longer a member: the plan is not found",
    );

    // A plan's scope changed on B: A validates the next write against the new scope.
    let owner_a = Client::signed_in(a.addr, seed::OWNER.0, seed::OWNER.1).await;
    expect(
        &owner_a.post(&path, write("support")).await,
        201,
        "support is in scope",
    );
    let units: Vec<Value> = first
        .plan_context(mieruka_store::PlanId(plan))
        .await
        .unwrap()
        .plan
        .content
        .units
        .iter()
        .filter(|u| u.as_str() != "support")
        .map(|u| json!(u))
        .collect();
    let r = owner_b
        .post(
            &format!("/api/v1/plans/{plan}/revisions"),
            json!({"units": units, "reason": "サポート部門は別の目標で管理する"}),
        )
        .await;
    expect(&r, 201, "the plan revised on B");
    let r = owner_a.post(&path, write("support")).await;
    expect(&r, 400, "support is out of the plan's scope now");
    assert_eq!(r.field(), Some("unit"), "{}", r.text);
    a.stop().await;
    b.stop().await;
    first.close().await;
    second.close().await;
}

fn item<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i[key] == value)
        .unwrap_or_else(|| panic!("no item with {key} = {value}: {list}"))
}

async fn story(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    seed::catalogue(&store).await;
    let one_time = mieruka_server::ensure_admin(&store).await.unwrap().unwrap();
    store.close().await;
    let (first, second, a, b) = two_instances(url).await;

    // The administrator signs in on A, changes the one-time password on B.
    let (r, admin) = Client::sign_in(a.addr, "admin", &one_time).await;
    expect(&r, 200, "first sign-in");
    let admin_b = admin.on(b.addr);
    let r = admin_b
        .post(
            "/api/v1/me/password",
            json!({"current": one_time, "new": "admin-password-2026"}),
        )
        .await;
    expect(&r, 200, "password change on the other instance");

    // An organisation, its units, its people.
    let r = admin_b
        .post(
            "/api/v1/orgs",
            json!({"code": "acme", "name": "アクメ工業", "maturity": "improving"}),
        )
        .await;
    expect(&r, 201, "create organisation");
    assert_eq!(r.json["fiscal_start_month"], 4);
    expect(
        &admin_b
            .post("/api/v1/orgs", json!({"code": "acme", "name": "x"}))
            .await,
        409,
        "the same code again",
    );
    for (code, kind, parent, revenue) in [
        ("hq", "company", None, Some(10_000_000_000_i64)),
        ("sec", "department", Some("hq"), None),
        ("plant", "department", Some("hq"), None),
        ("line", "department", Some("plant"), None),
    ] {
        let r = admin
            .post(
                "/api/v1/orgs/acme/units",
                json!({"code": code, "name": code.to_uppercase(), "kind": kind, "parent": parent,
                       "annual_revenue_yen": revenue}),
            )
            .await;
        expect(&r, 201, code);
    }
    for (username, role, unit) in [
        ("cso", "owner", None),
        ("plant-lead", "contributor", Some("plant")),
        ("board", "viewer", None),
    ] {
        let r = admin
            .post(
                "/api/v1/users",
                json!({"username": username, "name": username, "password": format!("{username}-password-2026")}),
            )
            .await;
        expect(&r, 201, username);
        assert!(r.json["one_time_password"].is_null());
        let r = admin
            .post(
                &format!("/api/v1/users/{username}/roles"),
                json!({"org": "acme", "role": role, "unit": unit}),
            )
            .await;
        expect(&r, 200, role);
        assert_eq!(r.json["roles"][0]["role"], role);
    }
    let cso = Client::signed_in(b.addr, "cso", "cso-password-2026").await;
    let lead = Client::signed_in(a.addr, "plant-lead", "plant-lead-password-2026").await;
    let board = Client::signed_in(a.addr, "board", "board-password-2026").await;

    // A plan: created, agreed, revised with a reason.
    let period = cso.get("/api/v1/orgs/acme/status").await.json["period"]
        .as_str()
        .unwrap()
        .to_string();
    let r = cso
        .post(
            "/api/v1/orgs/acme/plans",
            json!({
                "period": period, "kpi": "M.2.1", "targets": [{"value": 95}],
                "purpose": {"text": "標的型攻撃への備え", "reduces": ["theft"],
                            "effects": [{"lever": "identifiability", "to": 3}]},
                "units": ["plant", "sec"],
            }),
        )
        .await;
    expect(&r, 201, "create plan");
    assert_eq!(
        (
            r.json["state"].as_str(),
            r.json["content"]["owner"].as_str()
        ),
        (Some("draft"), Some("cso"))
    );
    let plan = r.json["id"].as_i64().unwrap();
    let r = cso
        .post(
            &format!("/api/v1/plans/{plan}/agreement"),
            json!({"by": "代表取締役社長"}),
        )
        .await;
    expect(&r, 200, "agreement");
    assert_eq!(r.json["state"], "agreed");
    let r = cso
        .post(
            &format!("/api/v1/plans/{plan}/revisions"),
            json!({"reason": "ラインも対象に", "units": ["plant", "sec", "line"]}),
        )
        .await;
    expect(&r, 201, "revision");
    assert_eq!(r.json["revision"], 3);
    let shown = board.get(&format!("/api/v1/plans/{plan}")).await;
    let reasons: Vec<&str> = shown.json["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 3);
    assert_eq!(reasons[2], "ラインも対象に");
    let listed = board
        .get(&format!("/api/v1/orgs/acme/plans?period={period}"))
        .await;
    assert_eq!(listed.json["total"], 1);

    // The contributor enters for the plant and the line under it, not for security.
    let today = today().to_string();
    let path = format!("/api/v1/plans/{plan}/measurements");
    let m = |unit: &str, n: i64| json!({"unit": unit, "date": today, "numerator": n, "denominator": 100});
    expect(&lead.post(&path, m("line", 40)).await, 201, "the line");
    expect(&lead.post(&path, m("sec", 40)).await, 403, "security");
    expect(&board.post(&path, m("plant", 40)).await, 403, "a viewer");
    let rows = json!([m("plant", 60), m("line", 45)]);
    let r = lead.post(&format!("{path}/import"), rows.clone()).await;
    expect(&r, 200, "import");
    assert_eq!(r.json["added"], 2);
    let r = lead.on(b.addr).post(&format!("{path}/import"), rows).await;
    assert_eq!(
        (
            r.json["added"].as_u64(),
            r.json["already_recorded"].as_u64()
        ),
        (Some(0), Some(2))
    );
    let status = board.get("/api/v1/orgs/acme/status").await;
    let units = &status.json["plans"][0]["units"];
    assert!(
        units
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit"] == "plant" && u["actual"] == 60.0),
        "{units}"
    );

    // Money: no inputs yet, then the owner sets them.
    expect(
        &board.get("/api/v1/orgs/acme/loss").await,
        409,
        "no loss inputs yet",
    );
    let template = board.get("/api/v1/orgs/acme/loss/inputs").await;
    assert!(template.json["revision"].is_null());
    let mut inputs = template.json["inputs"].clone();
    inputs["people_held"] = json!(50_000);
    expect(
        &board
            .put(
                "/api/v1/orgs/acme/loss/inputs",
                json!({"inputs": inputs, "reason": "初版"}),
            )
            .await,
        403,
        "a viewer sets inputs",
    );
    let r = cso
        .put(
            "/api/v1/orgs/acme/loss/inputs",
            json!({"inputs": inputs, "reason": "初版"}),
        )
        .await;
    expect(&r, 200, "set inputs");
    assert_eq!(r.json["reason"], "初版");
    let loss = board
        .get(&format!("/api/v1/orgs/acme/loss?as_of={today}"))
        .await;
    expect(&loss, 200, "loss");
    let total = |when: &str| loss.json[when]["total_yen"].as_f64().unwrap();
    assert!(
        total("now") > 0.0 && total("after") < total("now"),
        "{}",
        loss.text
    );
    assert_eq!(loss.json["plans"][0]["plan"], plan);
    let sim = |s: u64| format!("/api/v1/orgs/acme/simulation?trials=3000&seed={s}");
    let one = board.get(&sim(7)).await;
    expect(&one, 200, "simulation");
    assert_eq!(one.json["portfolios"][0]["label"], "now");
    assert_eq!(
        one.json,
        board.on(b.addr).get(&sim(7)).await.json,
        "the same seed, the same numbers"
    );

    // Risks: one cyber risk, placed now and after.
    let risk = |cyber: bool| json!({"name": "サイバー攻撃", "category": "情報", "probability": 3, "cyber": cyber});
    expect(
        &cso.put("/api/v1/orgs/acme/risks/cyber", risk(true)).await,
        201,
        "cyber risk",
    );
    expect(
        &cso.put("/api/v1/orgs/acme/risks/cyber", risk(true)).await,
        200,
        "replaced",
    );
    expect(
        &cso.put("/api/v1/orgs/acme/risks/cyber-2", risk(true)).await,
        409,
        "a second cyber risk",
    );
    let risks = board.get("/api/v1/orgs/acme/risks").await;
    let cyber = item(&risks.json, "code", "cyber");
    assert!(
        cyber["cell"].is_object() && cyber["cell_after"].is_object(),
        "{cyber}"
    );
    assert!(risks.json["cyber"]["now"]["loss_yen"].as_i64().unwrap() > 0);
    let svg = board.get("/api/v1/orgs/acme/risks/matrix.svg").await;
    assert!(
        svg.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(svg.text.contains("サイバー攻撃"));

    // The plan is closed; a closed plan does not change.
    expect(
        &cso.post(&format!("/api/v1/plans/{plan}/close"), json!(null))
            .await,
        200,
        "close",
    );
    let r = cso
        .post(
            &format!("/api/v1/plans/{plan}/revisions"),
            json!({"reason": "x", "owner": "y"}),
        )
        .await;
    expect(&r, 409, "revise a closed plan");

    // Who did what is in the audit log, for the owner, not the viewer.
    expect(
        &board.get("/api/v1/orgs/acme/audit").await,
        403,
        "a viewer reads the log",
    );
    let log = cso.get("/api/v1/orgs/acme/audit?limit=1000").await;
    let actors: Vec<&str> = log.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    for who in ["admin", "cso", "plant-lead"] {
        assert!(actors.contains(&who), "{who}: {actors:?}");
    }
    let verdict = admin.get("/api/v1/audit/verify").await;
    assert_eq!(verdict.json["ok"], true, "{}", verdict.text);

    a.stop().await;
    b.stop().await;
    first.close().await;
    second.close().await;
}

#[tokio::test]
async fn api_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&seed::sqlite_url(&dir)).await;
}

#[tokio::test]
async fn api_story_on_postgres() {
    let Some(server) = postgres_server("api_story_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    story(&db.url).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn sessions_are_shared_between_instances_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    sessions_are_shared(&seed::sqlite_url(&dir)).await;
}

#[tokio::test]
async fn sessions_are_shared_between_instances_on_postgres() {
    let Some(server) = postgres_server("sessions_are_shared_between_instances_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    sessions_are_shared(&db.url).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn changes_reach_the_other_instance_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    changes_reach_the_other_instance(&seed::sqlite_url(&dir)).await;
}

#[tokio::test]
async fn changes_reach_the_other_instance_on_postgres() {
    let Some(server) = postgres_server("changes_reach_the_other_instance_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    changes_reach_the_other_instance(&db.url).await;
    db.drop_now().await.unwrap();
}
