//! The `mieruka` command as a user runs it: output, the JSON contract, the shared database, and
//! one clear line for every bad input.

use std::path::Path;
use std::process::{Command, Output};

use mieruka_store::testing::{FreshDatabase, postgres_server};
use serde_json::Value;

/// Runs mieruka with a private home folder and no inherited mieruka settings.
fn mieruka(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mieruka"))
        .args(args)
        .env("MIERUKA_HOME", home)
        .env_remove("MIERUKA_DATABASE_URL")
        .env_remove("MIERUKA_LANG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("mieruka runs")
}

fn ok(home: &Path, args: &[&str]) -> String {
    let out = mieruka(home, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mieruka {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs a command that must fail, and returns its stderr, checked to be one line.
fn fails(home: &Path, args: &[&str]) -> String {
    let out = mieruka(home, args);
    assert!(!out.status.success(), "mieruka {args:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line, got: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    stderr
}

fn catalog_json(home: &Path) -> Vec<Value> {
    let out = ok(home, &["catalog", "--json"]);
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn catalog_json_holds_the_contract_fields_for_every_entry() {
    let home = tempfile::tempdir().unwrap();
    let entries = catalog_json(home.path());
    for e in &entries {
        for key in [
            "id",
            "name",
            "measure_kind",
            "maturity",
            "direction",
            "targets",
            "formula",
            "source",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
        assert!(
            e["name"]["ja"].is_string() && e["name"]["en"].is_string(),
            "{e}"
        );
        assert!(
            e["targets"].is_array() && e["formula"]["kind"].is_string(),
            "{e}"
        );
        let kind = e["measure_kind"].as_str().unwrap();
        assert!(
            [
                "compliance",
                "education",
                "organisation",
                "assessment",
                "information_sharing"
            ]
            .contains(&kind)
        );
        let maturity = e["maturity"].as_str().unwrap();
        assert!(["initial", "improving", "optimising"].contains(&maturity));
        let direction = e["direction"].as_str().unwrap();
        assert!(["higher_is_better", "lower_is_better"].contains(&direction));
    }
    let count = |source: &str| entries.iter().filter(|e| e["source"] == source).count();
    assert_eq!(count("appendix"), 27);
    assert!(count("model_grid") >= 8);
    assert_eq!(count("example"), 11);
    assert_eq!(count("us_federal"), 4);
    let find = |id: &str| {
        entries
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let staffing = find("1.4.1");
    assert_eq!(staffing["targets"].as_array().unwrap().len(), 2);
    assert_eq!(staffing["formula"]["kind"], "compound");
    let inventory = find("1.1.1");
    assert_eq!(inventory["targets"][0]["rule"], "at_least");
    assert_eq!(inventory["targets"][0]["value"], 95.0);
    assert_eq!(
        inventory["formula"]["numerator"]["ja"],
        "棚卸を実施した情報資産数"
    );
    assert_eq!(find("1.12.2")["direction"], "lower_is_better");
    assert_eq!(find("1.13.1")["maturity"], "optimising");
}

#[test]
fn catalog_filters_and_speaks_english_on_request() {
    let home = tempfile::tempdir().unwrap();
    let ja = ok(home.path(), &["catalog"]);
    assert!(
        ja.contains("ハードウェア資産棚卸進捗率") && ja.contains("施策の種類"),
        "{ja}"
    );
    let en = ok(
        home.path(),
        &["catalog", "--lang", "en", "--source", "us_federal"],
    );
    assert!(en.contains("Source") && !en.contains("1.1.1 "), "{en}");
    assert_eq!(
        en.lines().filter(|l| l.starts_with("US.")).count(),
        4,
        "{en}"
    );
    let out = ok(
        home.path(),
        &[
            "catalog",
            "--json",
            "--kind",
            "information_sharing",
            "--maturity",
            "optimising",
        ],
    );
    let ids: Vec<String> = serde_json::from_str::<Vec<Value>>(&out)
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.contains(&"1.13.1".to_string()) && ids.contains(&"1.13.2".to_string()),
        "{ids:?}"
    );
}

#[test]
fn grid_has_five_kinds_by_three_stages() {
    let home = tempfile::tempdir().unwrap();
    let grid: Value =
        serde_json::from_str(&ok(home.path(), &["catalog", "--grid", "--json"])).unwrap();
    let rows = grid["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in rows {
        assert_eq!(row["cells"].as_array().unwrap().len(), 3, "{row}");
    }
    assert_eq!(rows[4]["measure_kind"], "information_sharing");
    assert_eq!(
        rows[4]["cells"][2]["kpis"],
        serde_json::json!(["1.13.1", "1.13.2"])
    );

    let text = ok(home.path(), &["catalog", "--grid"]);
    for label in [
        "法令順守",
        "教育・トレーニング",
        "組織・プロセス",
        "評価・アセスメント",
        "業界内の情報共有・連携",
    ] {
        assert!(text.contains(label), "{label}");
    }
    for stage in ["初期段階", "改善段階", "最適化段階"] {
        assert!(text.contains(stage), "{stage}");
    }
    // Five row separators: one under the header and one above each of the other four kinds.
    assert_eq!(text.lines().filter(|l| l.starts_with('├')).count(), 5);
    let en = ok(home.path(), &["catalog", "--grid", "--lang", "en"]);
    assert!(
        en.contains("Compliance") && en.contains("Optimising"),
        "{en}"
    );
    assert!(en.contains("Regulatory compliance rate"), "{en}");
}

#[test]
fn demo_prepares_the_default_database_that_later_commands_read() {
    let home = tempfile::tempdir().unwrap();
    let out = ok(home.path(), &["demo", "--no-serve"]);
    let db = home.path().join("mieruka.sqlite3");
    assert!(db.exists(), "demo creates {}", db.display());
    assert!(
        out.contains(&db.display().to_string()),
        "demo says where the data is: {out}"
    );
    assert!(out.contains("追加 50") || out.contains("追加"), "{out}");
    let again = ok(home.path(), &["demo", "--no-serve", "--lang", "en"]);
    assert!(
        again.contains("0 added") && again.contains("already exists"),
        "{again}"
    );
    let info = ok(home.path(), &["db", "info", "--lang", "en"]);
    assert!(info.contains("demo") && info.contains("5 units"), "{info}");
    assert!(
        info.contains("KPI definitions: 50") || info.contains("KPI definitions:"),
        "{info}"
    );
}

#[test]
fn a_reader_that_stops_early_gets_no_error() {
    use std::process::Stdio;
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mieruka"))
        .args(["catalog", "--json"])
        .env("MIERUKA_HOME", home.path())
        .env_remove("MIERUKA_DATABASE_URL")
        .env_remove("MIERUKA_LANG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the first line is written (as `| head -0` would be).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert!(stderr.trim().is_empty(), "nothing on stderr: {stderr}");
    assert_eq!(out.status.code(), Some(141), "the status of a closed pipe");
}

#[test]
fn database_flag_and_environment_select_the_same_file() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("elsewhere/custom.sqlite3");
    let url = format!("sqlite://{}", file.display());
    ok(home.path(), &["demo", "--no-serve", "--database", &url]);
    assert!(file.exists());
    let out = Command::new(env!("CARGO_BIN_EXE_mieruka"))
        .args(["db", "info"])
        .env("MIERUKA_HOME", home.path())
        .env("MIERUKA_DATABASE_URL", &url)
        .output()
        .unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    assert!(
        info.contains("custom.sqlite3") && info.contains("demo"),
        "{info}"
    );
    assert!(
        !home.path().join("mieruka.sqlite3").exists(),
        "the default file is not touched"
    );
}

#[test]
fn demo_runs_on_postgres() {
    let Some(server) = postgres_server("demo_runs_on_postgres") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(FreshDatabase::create(&server)).unwrap();
    let url = db.url.to_string();
    let home = tempfile::tempdir().unwrap();
    let out = ok(
        home.path(),
        &["demo", "--no-serve", "--database", &url, "--lang", "en"],
    );
    assert!(
        out.contains("PostgreSQL") && out.contains("50 added"),
        "{out}"
    );
    let info = ok(
        home.path(),
        &["db", "info", "--database", &url, "--lang", "en"],
    );
    assert!(info.contains("demo") && info.contains("5 units"), "{info}");
    rt.block_on(db.drop_now()).unwrap();
}

#[test]
fn bad_input_gives_one_clear_line() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let e = fails(h, &["catalog", "--lang", "fr"]);
    assert!(
        e.contains("fr") && e.contains("ja") && e.contains("en"),
        "{e}"
    );
    let e = fails(h, &["catalog", "--source", "rumour"]);
    assert!(e.contains("rumour") && e.contains("us_federal"), "{e}");
    let e = fails(h, &["catalog", "--frobnicate"]);
    assert!(e.contains("--frobnicate"), "{e}");
    let e = fails(h, &["db", "info", "--database", "mysql://me:secret@db/x"]);
    assert!(e.contains("sqlite://") && !e.contains("secret"), "{e}");
    let e = fails(
        h,
        &[
            "demo",
            "--no-serve",
            "--database",
            "postgres://nobody@127.0.0.1:1/none",
        ],
    );
    assert!(
        e.contains("cannot connect to the database at postgres://nobody@127.0.0.1:1/none"),
        "{e}"
    );
    let blocker = h.join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let e = fails(
        h,
        &[
            "demo",
            "--no-serve",
            "--database",
            &format!("sqlite://{}/db.sqlite3", blocker.display()),
        ],
    );
    assert!(e.contains("cannot use the database file"), "{e}");
    let e = fails(
        h,
        &[
            "db",
            "info",
            "--database",
            &format!("sqlite://{}", h.display()),
        ],
    );
    assert!(e.contains("folder"), "{e}");
    let out = mieruka(h, &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no subcommand shows help and fails"
    );
}
