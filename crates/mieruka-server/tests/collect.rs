//! Collecting figures from an export sent to the server, and from files dropped in the inbox
//! folder: the figures answered as JSON, measurements recorded for the matching plan and unit
//! once per file, nothing written for a bad file, and inbox files moved to `done/` or `failed/`
//! with a log.

mod common;

use std::path::Path;
use std::time::Duration;

use axum::http::Method;
use common::seed::{self, OWNER, sqlite_url, today};
use common::{Client, Reply, Server, settings};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};
use serde_json::Value;

async fn upload(client: &Client, path: &str, file: &str) -> Reply {
    client
        .raw(
            Method::POST,
            path,
            Some("text/csv"),
            file.as_bytes().to_vec(),
            &[],
        )
        .await
}

/// The current half's plan for KPI 1.1.1 (hardware inventory) and its measurements in force.
async fn inventory_measurements(client: &Client, period: &str) -> Vec<Value> {
    let plans = client
        .get(&format!("/api/v1/orgs/demo/plans?period={period}"))
        .await;
    let plan = plans.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kpi_id"] == "1.1.1")
        .expect("the demo plans 1.1.1")["id"]
        .as_i64()
        .unwrap();
    let r = client
        .get(&format!("/api/v1/plans/{plan}/measurements?limit=1000"))
        .await;
    r.json["items"].as_array().unwrap().clone()
}

fn inventory() -> String {
    format!(
        "asset_id,kind,business_unit,in_cmdb,last_seen\n\
         pc-1,hardware,製造部門,yes,{}\n\
         pc-2,hardware,manufacturing,no,\n\
         m-1,mobile,manufacturing,yes,\n",
        today()
    )
}

#[tokio::test]
async fn an_upload_is_computed_recorded_once_and_a_bad_one_writes_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    uploads(&sqlite_url(&dir)).await;
}

#[tokio::test]
async fn an_upload_is_computed_recorded_once_and_a_bad_one_writes_nothing_on_postgres() {
    let name = "an_upload_is_computed_recorded_once_and_a_bad_one_writes_nothing_on_postgres";
    let Some(server) = postgres_server(name) else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    uploads(&db.url).await;
    db.drop_now().await.unwrap();
}

async fn uploads(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let seeded = seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let before = inventory_measurements(&owner, &seeded.period).await.len();

    // Computing only: the figures, nothing written.
    let r = upload(&owner, "/api/v1/orgs/demo/collect/assets", &inventory()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The file's business units are its own words: 製造部門 and manufacturing are two groups.
    let groups: Vec<(String, String, u64, u64)> = r.json["report"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["business_unit"].as_str().unwrap().to_string(),
                g["kind"].as_str().unwrap().to_string(),
                g["assets"].as_u64().unwrap(),
                g["in_cmdb"].as_u64().unwrap(),
            )
        })
        .collect();
    let own = |u: &str, k: &str, a, c| (u.to_string(), k.to_string(), a, c);
    assert_eq!(
        groups,
        [
            own("manufacturing", "hardware", 1, 0),
            own("manufacturing", "mobile", 1, 1),
            own("製造部門", "hardware", 1, 1),
        ]
    );
    let f = r.json["figures"].as_array().unwrap();
    assert_eq!(f.iter().filter(|f| f["kpi"] == "1.1.1").count(), 2);
    assert!(r.json["written"].is_null());
    assert_eq!(
        inventory_measurements(&owner, &seeded.period).await.len(),
        before
    );

    // Writing: the plan for 1.1.1 gets manufacturing's share, with the file as evidence; the
    // unit named in Japanese (製造部門) is the same unit as its code, so their counts add up to
    // one measurement: 1 of 2 hardware assets inventoried.
    let path = "/api/v1/orgs/demo/collect/assets?write=true&name=inventory.csv";
    let r = upload(&owner, path, &inventory()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["written"]["added"], 1, "{}", r.text);
    let ms = inventory_measurements(&owner, &seeded.period).await;
    let m = ms
        .iter()
        .find(|m| {
            m["evidence"]
                .as_str()
                .is_some_and(|e| e.starts_with("inventory.csv sha256:"))
        })
        .expect("the measurement from the file");
    assert_eq!(
        (m["unit"].as_str(), m["source"].as_str()),
        (Some("manufacturing"), Some("connector"))
    );
    assert_eq!(m["reading"], 50.0);
    // The same file again adds nothing.
    let r = upload(&owner, path, &inventory()).await;
    assert_eq!(
        (
            r.json["written"]["added"].as_u64(),
            r.json["written"]["already_recorded"].as_u64()
        ),
        (Some(0), Some(1))
    );

    // A bad row refuses the file in strict mode, naming the line; nothing is written.
    let bad = format!("{}pc-9,toaster,manufacturing,yes,\n", inventory());
    let r = upload(
        &owner,
        "/api/v1/orgs/demo/collect/assets?write=true&strict=true",
        &bad,
    )
    .await;
    assert_eq!((r.status, r.field()), (400, Some("file")), "{}", r.text);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("line 5: unknown kind `toaster`"),
        "{}",
        r.text
    );
    let r = upload(
        &owner,
        "/api/v1/orgs/demo/collect/assets?write=true",
        "asset_id,kind\nx,hardware\n",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("missing columns `business_unit`, `in_cmdb`"),
        "{}",
        r.text
    );
    assert_eq!(
        inventory_measurements(&owner, &seeded.period).await.len(),
        ms.len()
    );

    // An unknown connector, a connector whose KPIs have no plan, a file over the limit.
    let r = upload(&owner, "/api/v1/orgs/demo/collect/nessus", "x").await;
    assert_eq!((r.status, r.field()), (400, Some("connector")));
    let vulns = "finding_id,asset_id,business_unit,severity,published_at,detected_at,started_at,resolved_at\n";
    let r = upload(
        &owner,
        "/api/v1/orgs/demo/collect/vulnerabilities?write=true",
        vulns,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.json["message"].as_str().unwrap().contains("1.12.1"));
    let huge = "x".repeat(300 * 1024);
    let r = upload(&owner, "/api/v1/orgs/demo/collect/assets", &huge).await;
    assert_eq!(r.status, 413);
    server.stop().await;
    store.close().await;
}

async fn wait_for(path: &Path) {
    for _ in 0..100 {
        if path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} did not appear", path.display());
}

#[tokio::test]
async fn files_dropped_in_the_inbox_are_recorded_and_filed_away() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    let inbox = dir.path().join("inbox");
    let mut s = settings();
    s.collect.inbox = Some(inbox.clone());
    s.collect.poll_seconds = 1;
    let server = Server::start(s, store.clone()).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let before = inventory_measurements(&owner, &seeded.period).await.len();

    let assets = inbox.join("demo").join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    std::fs::write(assets.join(".partial.csv"), "still being copied").unwrap();
    std::fs::write(assets.join("march.csv"), inventory()).unwrap();
    std::fs::write(assets.join("broken.csv"), "asset_id,kind\nx,hardware\n").unwrap();
    let nowhere = inbox.join("nobody").join("assets");
    std::fs::create_dir_all(&nowhere).unwrap();
    std::fs::write(nowhere.join("march.csv"), inventory()).unwrap();

    wait_for(&assets.join("done").join("march.csv.log")).await;
    wait_for(&assets.join("failed").join("broken.csv.log")).await;
    wait_for(&nowhere.join("failed").join("march.csv.log")).await;
    assert!(!assets.join("march.csv").exists());
    assert!(assets.join("done").join("march.csv").exists());
    assert!(
        assets.join(".partial.csv").exists(),
        "hidden files are left alone"
    );
    let log = std::fs::read_to_string(assets.join("done").join("march.csv.log")).unwrap();
    let answer: Value = serde_json::from_str(&log).unwrap();
    assert_eq!(answer["written"]["added"], 1, "{log}");
    let log = std::fs::read_to_string(assets.join("failed").join("broken.csv.log")).unwrap();
    assert!(log.contains("missing columns"), "{log}");
    let log = std::fs::read_to_string(nowhere.join("failed").join("march.csv.log")).unwrap();
    assert!(log.contains("no organisation `nobody`"), "{log}");

    let ms = inventory_measurements(&owner, &seeded.period).await;
    assert_eq!(ms.len(), before + 1);
    let m = ms
        .iter()
        .find(|m| {
            m["evidence"]
                .as_str()
                .is_some_and(|e| e.starts_with("march.csv sha256:"))
        })
        .expect("the inbox file's measurement");
    assert_eq!(m["recorded_by"], "inbox");
    server.stop().await;
}
