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

/// An inventory run as of 2026-09-30, the last day of FY2026-H1 (fiscal years start in April;
/// H2 starts on 1 October). With the staleness window of 30 days, an asset counts as managed
/// when seen after the end of 31 August in the organisation's time zone: in Tokyo,
/// 2026-08-31T23:59:59+09:00 (14:59:59 UTC). The three assets were last seen at 23:30 on
/// 31 August written three ways: pc-1 without a zone, pc-2 with Tokyo's offset, pc-3 in UTC.
/// In a Tokyo organisation pc-1 is pc-2's moment, stale; read as UTC (as once), it was pc-3's,
/// nine hours later and managed.
fn zone_less_inventory(tail: &str) -> String {
    format!(
        "asset_id,kind,business_unit,in_cmdb,last_seen\n\
         pc-1,hardware,manufacturing,yes,2026-08-31T23:30:00\n\
         pc-2,hardware,manufacturing,yes,2026-08-31T23:30:00+09:00\n\
         pc-3,hardware,manufacturing,yes,2026-08-31T23:30:00Z\n{tail}"
    )
}

#[tokio::test]
async fn zone_less_times_count_in_the_organisations_zone_at_a_fiscal_boundary_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    zone_boundary(&sqlite_url(&dir)).await;
}

#[tokio::test]
async fn zone_less_times_count_in_the_organisations_zone_at_a_fiscal_boundary_on_postgres() {
    let name = "zone_less_times_count_in_the_organisations_zone_at_a_fiscal_boundary_on_postgres";
    let Some(server) = postgres_server(name) else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    zone_boundary(&db.url).await;
    db.drop_now().await.unwrap();
}

async fn zone_boundary(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let org = owner.get("/api/v1/orgs/demo").await;
    assert_eq!(
        org.json["time_zone"], "Asia/Tokyo",
        "the default: {}",
        org.text
    );

    let plan = owner
        .post(
            "/api/v1/orgs/demo/plans",
            serde_json::json!({
                "period": "FY2026-H1", "kpi": "US.1", "targets": [{"value": 90}],
                "purpose": {"text": "管理されている資産"}, "units": ["manufacturing"],
            }),
        )
        .await;
    assert_eq!(plan.status, 201, "{}", plan.text);
    let plan = plan.json["id"].as_i64().unwrap();
    // The US.1 figures (managed hardware): numerator and denominator.
    let managed = |r: &Reply| -> Vec<(f64, f64)> {
        r.json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kpi"] == "US.1")
            .map(|f| {
                let v = &f["value"];
                (
                    v["numerator"].as_f64().unwrap(),
                    v["denominator"].as_f64().unwrap(),
                )
            })
            .collect()
    };

    // Tokyo (the default): pc-1 is stale like pc-2; only pc-3 is managed, recorded in FY2026-H1.
    let path = "/api/v1/orgs/demo/collect/assets?write=true&date=2026-09-30&name=tokyo.csv";
    let r = upload(&owner, path, &zone_less_inventory("")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["period"], "FY2026-H1", "{}", r.text);
    assert_eq!(r.json["written"]["added"], 1, "{}", r.text);
    assert_eq!(managed(&r), [(1.0, 3.0)], "{}", r.text);
    let ms = owner
        .get(&format!("/api/v1/plans/{plan}/measurements?limit=100"))
        .await;
    let readings: Vec<(String, i64)> = ms.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["date"].as_str().unwrap().to_string(),
                (m["reading"].as_f64().unwrap() * 3.0).round() as i64,
            )
        })
        .collect();
    assert_eq!(readings, [("2026-09-30".to_string(), 100)], "{}", ms.text);

    // The organisation says its tools write UTC: its day, and so the window, ends nine hours
    // later; pc-1 now stands with pc-3, 30 minutes short of the window, and pc-2 is further out.
    let r = owner
        .patch("/api/v1/orgs/demo", serde_json::json!({"time_zone": "utc"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["time_zone"], "UTC");
    assert_eq!(
        r.json["maturity"], org.json["maturity"],
        "the stage is kept"
    );
    let path = "/api/v1/orgs/demo/collect/assets?date=2026-09-30&name=utc.csv";
    let r = upload(&owner, path, &zone_less_inventory("\n")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(managed(&r), [(0.0, 3.0)], "{}", r.text);

    // A zone that does not exist is refused, naming the field.
    let r = owner
        .patch(
            "/api/v1/orgs/demo",
            serde_json::json!({"time_zone": "Asia/Atlantis"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json["field"], "time_zone", "{}", r.text);
    let r = owner
        .patch("/api/v1/orgs/demo", serde_json::json!({}))
        .await;
    assert_eq!(
        (r.status, r.json["time_zone"].as_str()),
        (200, Some("UTC")),
        "{}",
        r.text
    );
    server.stop().await;
}

/// The server's collect reads what the command line reads: an Excel workbook (rows keep their
/// numbers, a blank row counted) and a CSV saved in Shift_JIS by Japanese Excel, both through
/// the one table reader. Once an Excel file was parsed as CSV text and Shift_JIS was refused.
#[tokio::test]
async fn a_workbook_and_a_shift_jis_export_are_read_like_a_utf8_csv() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let server = Server::start(settings(), store.clone()).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [&[&str]; 4] = [
        &["asset_id", "kind", "business_unit", "in_cmdb", "last_seen"],
        &["pc-1", "hardware", "製造部門", "yes", "2026-11-19"],
        &[],
        &["pc-2", "printer", "製造部門", "no"],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let r = owner
        .raw(
            Method::POST,
            "/api/v1/orgs/demo/collect/assets?date=2026-11-20&name=inventory.xlsx",
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            bytes,
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let report = &r.json["report"];
    assert_eq!(
        report["groups"][0]["business_unit"], "製造部門",
        "{}",
        r.text
    );
    assert_eq!(report["groups"][0]["managed"], 1, "{}", r.text);
    assert_eq!(report["first_rejected"][0]["line"], 4, "{}", r.text);

    let text = "asset_id,kind,business_unit,in_cmdb,last_seen\n\
                pc-1,hardware,製造部門,はい,2026-11-19\n\n\
                pc-2,プリンター,製造部門,いいえ,\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let r = owner
        .raw(
            Method::POST,
            "/api/v1/orgs/demo/collect/assets?date=2026-11-20&name=inventory.csv",
            Some("text/csv"),
            sjis.into_owned(),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let report = &r.json["report"];
    assert_eq!(
        report["groups"][0]["business_unit"], "製造部門",
        "{}",
        r.text
    );
    assert_eq!(report["groups"][0]["in_cmdb"], 1, "{}", r.text);
    assert_eq!(report["first_rejected"][0]["line"], 4, "{}", r.text);
    assert!(
        report["first_rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("プリンター"),
        "{}",
        r.text
    );
    server.stop().await;
}
