//! Files someone else made: a workbook built to exhaust memory is refused with its reason by the
//! import page and the upload API, and the server goes on answering; the `[limits]` settings
//! take effect; the inbox never follows a symbolic link out of its folder and refuses a file
//! larger than the limit without reading it.

mod admin;
mod common;

use std::path::Path;
use std::time::Duration;

use admin::Browser;
use axum::http::Method;
use common::seed::{self, CONTRIBUTOR, OWNER, sqlite_url};
use common::{Client, Reply, Server, expect, settings};
use mieruka_store::{PlanId, Store};

/// A workbook of about 5 KB whose first sheet has a header and one cell at the far corner
/// (XFD1048576), so it declares the whole sheet (`A1:XFD1048576`) as its range: 17 billion
/// cells when read as a range.
fn corner_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "unit").unwrap();
    sheet.write_string(0, 1, "date").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 8_000, "{} bytes", bytes.len());
    assert!(zip_sheet(&bytes).contains(r#"<dimension ref="A1:XFD1048576"/>"#));
    bytes
}

/// The first worksheet's XML of a workbook.
fn zip_sheet(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
    let mut xml = String::new();
    sheet.read_to_string(&mut xml).unwrap();
    xml
}

/// Posts a `multipart/form-data` body with the file.
async fn upload_form(who: &Browser, path: &str, name: &str, data: &[u8]) -> Reply {
    const B: &str = "mierukaBoundary9c2";
    let mut body = Vec::new();
    for (k, v) in [("action", "preview"), ("csrf_token", who.csrf.as_str())] {
        body.extend_from_slice(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={B}");
    who.client
        .raw(Method::POST, path, Some(&content_type), body, &[])
        .await
}

async fn readings(store: &Store, plan: PlanId) -> usize {
    store.current_measurements(plan).await.unwrap().len()
}

#[tokio::test]
async fn a_workbook_declaring_the_whole_sheet_is_refused_and_the_server_survives() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded_plan = seed::seed(&store).await.exercise;
    let server = Server::start(settings(), store.clone()).await;
    let before = readings(&store, seeded_plan).await;
    let bytes = corner_workbook();
    let contributor = Browser::sign_in(server.addr, CONTRIBUTOR).await;
    let path = format!("/orgs/demo/plans/{}/import", seeded_plan.0);

    let r = upload_form(&contributor, &path, "corner.xlsx", &bytes).await;
    expect(&r, 400, "the far-corner workbook on the import page");
    assert!(
        r.text.contains(
            "corner.xlsx: worksheet `Sheet1`: row 1048576 is past the 1000000 rows a file may have (limits.max_rows)"
        ),
        "{}",
        r.text
    );
    assert_eq!(
        readings(&store, seeded_plan).await,
        before,
        "nothing written"
    );

    // The upload API refuses it as the export it is not, naming the file.
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let r = owner
        .raw(
            Method::POST,
            "/api/v1/orgs/demo/collect/assets?write=true&name=corner.xlsx",
            Some("application/octet-stream"),
            bytes.clone(),
            &[],
        )
        .await;
    assert!((400..500).contains(&r.status), "{} {}", r.status, r.text);
    assert!(r.json["message"].as_str().is_some(), "{}", r.text);

    // The server is still there.
    let page = contributor.get(&path).await;
    expect(&page, 200, "the import page after the refusal");
    server.stop().await;
}

#[tokio::test]
async fn the_limits_settings_take_effect_on_the_import_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    let mut s = settings();
    s.limits.max_cells = 6;
    let server = Server::start(s, store.clone()).await;
    let contributor = Browser::sign_in(server.addr, CONTRIBUTOR).await;
    let path = format!("/orgs/demo/plans/{}/import", seeded.exercise.0);
    let csv = b"unit,date,actual\nmanufacturing,2026-10-01,1\nmanufacturing,2026-10-02,2\n";
    let r = upload_form(&contributor, &path, "three.csv", csv).await;
    expect(&r, 400, "a file over the cell budget");
    assert!(
        r.text.contains(
            "three.csv: the sheet holds more than the 6 cells allowed (limits.max_cells)"
        ),
        "{}",
        r.text
    );
    server.stop().await;
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

fn inventory() -> String {
    "asset_id,kind,business_unit,in_cmdb,last_seen\npc-1,hardware,manufacturing,yes,\n".into()
}

/// Every file under `dir`, as paths relative to it.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
#[tokio::test]
async fn the_inbox_does_not_follow_links_out_of_its_folder() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let inbox = dir.path().join("inbox");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("assets")).unwrap();
    std::fs::write(outside.join("secret.csv"), inventory()).unwrap();
    std::fs::write(outside.join("assets").join("march.csv"), inventory()).unwrap();
    std::fs::create_dir_all(outside.join("elsewhere")).unwrap();
    let outside_before = tree(&outside);

    let assets = inbox.join("demo").join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    // A file that is a link, an organisation folder and a connector folder that are links, and
    // a connector folder whose `done/` leads outside.
    symlink(outside.join("secret.csv"), assets.join("secret.csv")).unwrap();
    symlink(&outside, inbox.join("linked-org")).unwrap();
    symlink(outside.join("assets"), inbox.join("demo").join("training")).unwrap();
    let gophish = inbox.join("demo").join("gophish");
    std::fs::create_dir_all(&gophish).unwrap();
    symlink(outside.join("elsewhere"), gophish.join("done")).unwrap();
    std::fs::write(gophish.join("results.csv"), "email,status\n").unwrap();

    let mut s = settings();
    s.collect.inbox = Some(inbox.clone());
    s.collect.poll_seconds = 1;
    let server = Server::start(s, store.clone()).await;
    // A plain file, dropped after the links: once it is filed away, the links were seen twice.
    std::fs::write(assets.join("plain.csv"), inventory()).unwrap();
    wait_for(&assets.join("done").join("plain.csv.log")).await;
    // Two more polls, so the links have had every chance to be taken.
    let later = assets.join("later.csv");
    std::fs::write(&later, inventory()).unwrap();
    wait_for(&assets.join("done").join("later.csv.log")).await;

    assert_eq!(
        tree(&outside),
        outside_before,
        "nothing moved or written outside"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.csv")).unwrap(),
        inventory()
    );
    assert!(
        std::fs::symlink_metadata(assets.join("secret.csv"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the linked file is left where it is"
    );
    assert!(
        gophish.join("results.csv").exists(),
        "a folder whose done/ is a link is left alone"
    );
    assert!(!assets.join("failed").join("secret.csv").exists());
    assert!(!assets.join("done").join("secret.csv").exists());
    server.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_inbox_writes_no_log_through_a_planted_link() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let inbox = dir.path().join("inbox");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "untouched").unwrap();
    let assets = inbox.join("demo").join("assets");
    std::fs::create_dir_all(assets.join("done")).unwrap();
    // Where the log of `plain.csv` would go, a link to a file outside.
    symlink(&victim, assets.join("done").join("plain.csv.log")).unwrap();

    let mut s = settings();
    s.collect.inbox = Some(inbox.clone());
    s.collect.poll_seconds = 1;
    let server = Server::start(s, store.clone()).await;
    std::fs::write(assets.join("plain.csv"), inventory()).unwrap();
    wait_for(&assets.join("done").join("1-plain.csv.log")).await;
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert!(assets.join("done").join("1-plain.csv").exists());
    server.stop().await;
}

#[tokio::test]
async fn an_inbox_file_over_the_limit_fails_unread() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    let inbox = dir.path().join("inbox");
    let assets = inbox.join("demo").join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    let mut s = settings();
    s.collect.inbox = Some(inbox.clone());
    s.collect.poll_seconds = 1;
    s.limits.max_file_bytes = 64;
    let server = Server::start(s, store.clone()).await;
    let big = format!(
        "{}{}",
        inventory(),
        "pc-2,hardware,manufacturing,yes,\n".repeat(4)
    );
    assert!(big.len() > 64);
    std::fs::write(assets.join("big.csv"), &big).unwrap();
    wait_for(&assets.join("failed").join("big.csv.log")).await;
    let log = std::fs::read_to_string(assets.join("failed").join("big.csv.log")).unwrap();
    assert_eq!(
        log.trim(),
        format!(
            "big.csv: the file is {} bytes, more than the 64 allowed (limits.max_file_bytes)",
            big.len()
        )
    );
    assert_eq!(
        std::fs::read_to_string(assets.join("failed").join("big.csv")).unwrap(),
        big,
        "the file is kept as it was"
    );
    server.stop().await;
}
