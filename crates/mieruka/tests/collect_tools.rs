//! `mieruka collect` for the connectors of other tools' exports, as a user runs them: GoPhish
//! results with a retest, OpenSCAP results with a host list, inventories mapped with `--map`,
//! incident tickets and training completions, and `--write` recording each to the plans of the
//! catalogue KPIs it feeds, once per file.

mod common;

use std::path::{Path, PathBuf};

use common::Env;
use serde_json::Value;

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../mieruka-connectors/tests/samples")
        .join(name)
        .display()
        .to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// The demo as of 2026-11-26 (period FY2026-H2), with a plan for `kpi` over `units`.
fn demo_with_plan(env: &Env, kpi: &str, units: &str) -> String {
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let plan = env.json(&[
        "plan",
        "create",
        "--org",
        "demo",
        "--period",
        "FY2026-H2",
        "--kpi",
        kpi,
        "--target",
        "10",
        "--units",
        units,
        "--purpose",
        "数字を自動で集める",
        "--json",
    ]);
    plan["id"].to_string()
}

fn measurements(env: &Env, plan: &str) -> Vec<Value> {
    serde_json::from_value(env.json(&["measure", "list", "--plan", plan, "--json"])).unwrap()
}

#[test]
fn gophish_rates_and_retest_in_both_languages() {
    let env = Env::new();
    let (results, previous) = (
        sample("gophish_results.csv"),
        sample("gophish_previous.csv"),
    );
    let ja = env.ok(&[
        "collect",
        "gophish",
        "--file",
        &results,
        "--previous",
        &previous,
        "--column",
        "business_unit=position",
    ]);
    assert!(
        ja.contains("開封率") && ja.contains("再テスト開封率"),
        "{ja}"
    );
    assert!(ja.contains("Finance") && ja.contains("66.7%"), "{ja}");
    assert!(ja.contains("前回のキャンペーン: 読み込み 6 行"), "{ja}");
    let v = env.json(&[
        "collect",
        "gophish",
        "--file",
        &results,
        "--previous",
        &previous,
        "--json",
    ]);
    let u = &v["units"][0];
    assert_eq!(
        (
            u["sent"].as_u64(),
            u["opened"].as_u64(),
            u["retested"].as_u64()
        ),
        (Some(7), Some(5), Some(3))
    );
    assert!((u["retest_open_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let en = env.ok(&["--lang", "en", "collect", "gophish", "--file", &results]);
    assert!(
        en.contains("Opened") && en.contains("(all)") && !en.contains("Retest"),
        "{en}"
    );
    env.fails(
        &["collect", "gophish", "--file", &results, "--column", "colour=position"],
        "--column `colour` is not a field of this connector (its fields: email, status, reported, business_unit)",
    );
}

#[test]
fn gophish_retest_open_rate_is_recorded_as_m_2_3() {
    let env = Env::new();
    let plan = demo_with_plan(&env, "M.2.3", "security");
    let (results, previous) = (
        sample("gophish_results.csv"),
        sample("gophish_previous.csv"),
    );
    let args = [
        "collect",
        "gophish",
        "--file",
        &results,
        "--previous",
        &previous,
        "--write",
        "--org",
        "demo",
        "--date",
        "2026-11-20",
        "--unit",
        "security",
    ];
    env.ok(&args);
    let ms = measurements(&env, &plan);
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert!(
        (ms[0]["reading"].as_f64().unwrap() - 200.0 / 3.0).abs() < 1e-9,
        "{ms:?}"
    );
    assert!(
        ms[0]["evidence"]
            .as_str()
            .unwrap()
            .starts_with("gophish_results.csv+gophish_previous.csv sha256:")
    );
    env.ok(&args);
    assert_eq!(
        measurements(&env, &plan).len(),
        1,
        "the same files count once"
    );
    // Without --unit, figures without a business unit have nowhere to go: nothing is written.
    env.fails(
        &[
            "collect",
            "gophish",
            "--file",
            &results,
            "--previous",
            &sample("gophish_results.csv"),
            "--write",
            "--org",
            "demo",
            "--date",
            "2026-11-20",
        ],
        "unit",
    );
}

#[test]
fn openscap_with_a_host_list_and_its_write() {
    let env = Env::new();
    let plan = demo_with_plan(&env, "M.3.3", "security,manufacturing");
    let dir = env.home().to_path_buf();
    let hosts = write(
        &dir,
        "hosts.csv",
        "Host,Dept\nweb01.example.jp,security\ndb01.example.jp,セキュリティ部門\napp01.example.jp,manufacturing\n",
    );
    let (a, b) = (sample("xccdf_results.xml"), sample("xccdf_app01.xml"));
    let v = env.json(&[
        "collect",
        "openscap",
        "--file",
        &a,
        "--file",
        &b,
        "--hosts",
        &hosts,
        "--column",
        "hostname=Host",
        "--column",
        "business_unit=Dept",
        "--json",
    ]);
    assert_eq!(v["systems"].as_array().unwrap().len(), 3);
    assert_eq!(v["rejected"], 1);
    assert_eq!(v["first_rejected"][0]["line"], 119);
    env.ok(&[
        "collect",
        "openscap",
        "--file",
        &a,
        "--file",
        &b,
        "--hosts",
        &hosts,
        "--column",
        "hostname=Host",
        "--column",
        "business_unit=Dept",
        "--write",
        "--org",
        "demo",
        "--date",
        "2026-11-20",
    ]);
    let ms = measurements(&env, &plan);
    let reading = |unit: &str| {
        ms.iter().find(|m| m["unit"] == unit).unwrap()["reading"]
            .as_f64()
            .unwrap()
    };
    // security: web01 fails a rule, db01 meets the policy (named by the unit's name) → 50%;
    // manufacturing: app01 has an error → 0%.
    assert_eq!((reading("security"), reading("manufacturing")), (50.0, 0.0));
    let cut = write(
        &dir,
        "cut.xml",
        &std::fs::read_to_string(&a).unwrap()[..3000],
    );
    env.fails(
        &["collect", "openscap", "--file", &cut],
        "cut.xml: the file is cut off",
    );
}

#[test]
fn an_inventory_mapped_by_a_file_feeds_1_1_1() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let dir = env.home().to_path_buf();
    let map = write(
        &dir,
        "map.toml",
        "[assets]\nasset_id = \"Asset Tag\"\nkind = \"Type\"\nbusiness_unit = \"Department\"\nin_cmdb = \"Registered\"\nlast_seen = \"Last Seen\"\n",
    );
    let inv = write(
        &dir,
        "inventory.csv",
        "Asset Tag,Type,Department,Registered,Last Seen\n\
         pc-1,hardware,manufacturing,yes,2026-11-19\n\
         pc-2,hardware,manufacturing,yes,2026-09-01\n\
         pc-3,hardware,manufacturing,no,2026-11-19\n\
         pc-4,hardware,support,yes,2026-11-19\n\
         tv-1,television,support,yes,\n",
    );
    let v = env.json(&[
        "collect",
        "assets",
        "--file",
        &inv,
        "--map",
        &map,
        "--date",
        "2026-11-20",
        "--json",
    ]);
    let g = &v["groups"][0];
    assert_eq!(
        (
            g["business_unit"].as_str(),
            g["assets"].as_u64(),
            g["in_cmdb"].as_u64(),
            g["managed"].as_u64()
        ),
        (Some("manufacturing"), Some(3), Some(2), Some(1))
    );
    assert_eq!(v["first_rejected"][0]["line"], 6);
    let plans = env.json(&[
        "plan",
        "list",
        "--org",
        "demo",
        "--period",
        "FY2026-H2",
        "--json",
    ]);
    let plan = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kpi_id"] == "1.1.1")
        .unwrap()["id"]
        .to_string();
    let before = measurements(&env, &plan).len();
    env.ok(&[
        "collect",
        "assets",
        "--file",
        &inv,
        "--map",
        &map,
        "--write",
        "--org",
        "demo",
        "--date",
        "2026-11-20",
    ]);
    let ms = measurements(&env, &plan);
    let mine: Vec<&Value> = ms.iter().filter(|m| m["source"] == "connector").collect();
    assert_eq!((ms.len(), mine.len()), (before + 2, 2), "{ms:?}");
    let reading = |unit: &str| {
        mine.iter().find(|m| m["unit"] == unit).unwrap()["reading"]
            .as_f64()
            .unwrap()
    };
    assert!((reading("manufacturing") - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(reading("support"), 100.0);
    // A mapped column the file lacks is named both ways.
    let other = write(
        &dir,
        "other.csv",
        "Asset Tag,Type,Department\nx,hardware,support\n",
    );
    env.fails(
        &["collect", "assets", "--file", &other, "--map", &map],
        "other.csv: line 1 (header): missing column `Registered` (for in_cmdb)",
    );
}

#[test]
fn incidents_and_training_with_their_kpis() {
    let env = Env::new();
    let detect = demo_with_plan(&env, "1.11.1", "security");
    let dir = env.home().to_path_buf();
    let tickets = write(
        &dir,
        "tickets.csv",
        "incident_id,business_unit,intrusion_at,detected_at,contained_at,closed_at,effort_hours\n\
         I-1,security,2026-11-01T00:00:00Z,2026-11-01T10:00:00Z,2026-11-02T10:00:00Z,,12\n\
         I-2,security,2026-11-03T00:00:00+09:00,2026-11-03T20:00:00+09:00,,,\n",
    );
    let v = env.json(&["collect", "incidents", "--file", &tickets, "--json"]);
    assert_eq!(v["units"][0]["mean_hours_to_detect"], 15.0);
    env.ok(&[
        "collect",
        "incidents",
        "--file",
        &tickets,
        "--write",
        "--org",
        "demo",
        "--date",
        "2026-11-20",
    ]);
    let ms = measurements(&env, &detect);
    assert_eq!(ms[0]["reading"], 15.0, "{ms:?}");

    let completions = write(
        &dir,
        "lms.csv",
        "person_id,business_unit,course,completed_at\nu1,support,basics,2026-10-01\nu2,support,basics,\n",
    );
    let en = env.ok(&[
        "--lang",
        "en",
        "collect",
        "training",
        "--file",
        &completions,
    ]);
    assert!(
        en.contains("Completion rate") && en.contains("50.0%"),
        "{en}"
    );
    env.fails(
        &[
            "collect",
            "training",
            "--file",
            &completions,
            "--write",
            "--org",
            "demo",
        ],
        "no open plan for KPI M.2.1, X.3.1",
    );
}

#[test]
fn an_excel_inventory_keeps_its_row_numbers() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let env = Env::new();
    let path = env.home().join("inventory.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["asset_id", "kind", "business_unit", "in_cmdb", "last_seen"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy/mm/dd");
    let seen = ExcelDateTime::from_ymd(2026, 11, 19).unwrap();
    // Rows 2 and 4 of the sheet; row 3 is empty; row 5 has an unknown kind.
    for (r, id, kind) in [
        (1, 1001.0, "hardware"),
        (3, 1002.0, "hardware"),
        (4, 1003.0, "printer"),
    ] {
        sheet.write_number(r, 0, id).unwrap();
        sheet.write_string(r, 1, kind).unwrap();
        sheet.write_string(r, 2, "support").unwrap();
        sheet
            .write_string(r, 3, if r == 1 { "yes" } else { "no" })
            .unwrap();
        sheet
            .write_date_with_format(r, 4, &seen, &date_format)
            .unwrap();
    }
    book.save(&path).unwrap();
    let v = env.json(&[
        "collect",
        "assets",
        "--file",
        path.to_str().unwrap(),
        "--date",
        "2026-11-20",
        "--json",
    ]);
    let g = &v["groups"][0];
    assert_eq!(
        (
            g["assets"].as_u64(),
            g["in_cmdb"].as_u64(),
            g["managed"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(v["first_rejected"][0]["line"], 5, "{v}");
}

#[test]
fn a_shift_jis_inventory_is_read_like_utf8() {
    // As Japanese Excel saves "CSV (comma delimited)"; once refused as not UTF-8.
    let env = Env::new();
    let path = env.home().join("inventory.csv");
    let text = "asset_id,kind,business_unit,in_cmdb,last_seen\n\
                pc-1,hardware,製造部門,はい,2026-11-19\n\n\
                pc-2,プリンター,製造部門,いいえ,\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    std::fs::write(&path, &sjis).unwrap();
    let v = env.json(&[
        "collect",
        "assets",
        "--file",
        path.to_str().unwrap(),
        "--date",
        "2026-11-20",
        "--json",
    ]);
    assert_eq!(v["groups"][0]["business_unit"], "製造部門", "{v}");
    assert_eq!(v["groups"][0]["managed"], 1, "{v}");
    assert_eq!(v["first_rejected"][0]["line"], 4, "{v}");
}
