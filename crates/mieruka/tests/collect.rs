//! `mieruka collect vulnerabilities` as a user runs it: the table in Japanese and English, JSON,
//! configurable SLAs, rejected rows with their line numbers, strict mode, and files refused
//! with one line naming them.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const FILE: &str = "\
finding_id,asset_id,business_unit,severity,published_at,detected_at,started_at,resolved_at
F1,A1,finance,critical,2026-03-01T00:00:00Z,2026-03-01T02:00:00Z,2026-03-01T10:00:00Z,2026-03-03T10:00:00Z
F2,A2,finance,critical,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-02T04:00:00Z,2026-03-10T04:00:00Z
F3,A3,finance,info,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,
F4,A4,営業本部,Low,2026-03-01T00:00:00Z,2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,2026-03-04T00:00:00Z
";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mieruka"))
        .args([
            "--database",
            &format!("sqlite://{}", dir.join("m.sqlite3").display()),
        ])
        .args(args)
        .env("MIERUKA_HOME", dir)
        .env_remove("MIERUKA_DATABASE_URL")
        .env_remove("MIERUKA_LANG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("mieruka runs")
}

fn setup(contents: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.csv");
    std::fs::write(&path, contents).unwrap();
    (dir, path.to_str().unwrap().to_string())
}

fn ok(dir: &Path, args: &[&str]) -> (String, String) {
    let out = run(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "mieruka {args:?} failed: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(!out.status.success(), "mieruka {args:?} should fail");
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn json_figures_and_counts() {
    let (dir, file) = setup(FILE.as_bytes());
    let (out, err) = ok(
        dir.path(),
        &["collect", "vulnerabilities", "--file", &file, "--json"],
    );
    let v: Value = serde_json::from_str(&out).expect("stdout is only the JSON array");
    let groups = v.as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let c = &groups[0];
    assert_eq!(
        (c["business_unit"].as_str(), c["severity"].as_str()),
        (Some("finance"), Some("critical"))
    );
    assert_eq!(c["findings"], 2);
    assert_eq!(c["started"], 2);
    // to start 10 h and 28 h: mean 19, P90 10 + 0.9 × 18 = 26.2
    assert!((c["mean_hours_to_start"].as_f64().unwrap() - 19.0).abs() < 1e-9);
    assert!((c["p90_hours_to_start"].as_f64().unwrap() - 26.2).abs() < 1e-9);
    // to resolve 48 h and 192 h: P90 48 + 0.9 × 144 = 177.6
    assert!((c["p90_hours_to_resolve"].as_f64().unwrap() - 177.6).abs() < 1e-9);
    // resolved − detected: 56 h (within 7 days), 196 h (not)
    assert_eq!(c["sla_share"], 0.5);
    assert_eq!(groups[1]["business_unit"], "営業本部");
    assert!(groups[1]["sla_share"].is_null());
    assert!(
        err.contains("4") && err.contains("3") && err.contains("1"),
        "{err}"
    );

    let (out, _) = ok(
        dir.path(),
        &[
            "collect",
            "vulnerabilities",
            "--file",
            &file,
            "--json",
            "--sla",
            "low=2",
            "--sla",
            "critical=9",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["sla_share"], 1.0);
    assert_eq!(v[1]["sla_share"], 1.0);
}

#[test]
fn text_in_japanese_and_english() {
    let (dir, file) = setup(FILE.as_bytes());
    let (ja, _) = ok(dir.path(), &["collect", "vulnerabilities", "--file", &file]);
    assert!(ja.contains("事業部門") && ja.contains("緊急"), "{ja}");
    assert!(ja.contains("26.2") && ja.contains("50.0%"), "{ja}");
    assert!(ja.contains("読み込み 4 行、採用 3 行、除外 1 行"), "{ja}");
    assert!(ja.contains("4 行目: unknown severity `info`"), "{ja}");
    let (en, _) = ok(
        dir.path(),
        &[
            "--lang",
            "en",
            "collect",
            "vulnerabilities",
            "--file",
            &file,
        ],
    );
    assert!(
        en.contains("Business unit") && en.contains("critical"),
        "{en}"
    );
    assert!(en.contains("read 4 rows, accepted 3, rejected 1"), "{en}");
    assert!(en.contains("line 4: unknown severity `info`"), "{en}");
}

#[test]
fn refusals_are_one_line_naming_the_file() {
    let (dir, file) = setup(FILE.as_bytes());
    let e = fails(
        dir.path(),
        &["collect", "vulnerabilities", "--file", &file, "--strict"],
    );
    assert!(
        e.contains("findings.csv: line 4: unknown severity `info`"),
        "{e}"
    );
    let e = fails(
        dir.path(),
        &[
            "collect",
            "vulnerabilities",
            "--file",
            &file,
            "--sla",
            "urgent=3",
        ],
    );
    assert!(e.contains("urgent=3"), "{e}");

    let (dir, file) = setup(b"finding_id,asset_id,business_unit,severity\nF1,A1,x,low\n");
    let e = fails(dir.path(), &["collect", "vulnerabilities", "--file", &file]);
    assert!(
        e.contains("findings.csv: line 1 (header): missing columns `published_at`"),
        "{e}"
    );

    let (dir, file) = setup(format!("{FILE}F5,A5,finance,high,2026-03-0").as_bytes());
    let e = fails(dir.path(), &["collect", "vulnerabilities", "--file", &file]);
    assert!(
        e.contains("findings.csv: line 6: the file is truncated"),
        "{e}"
    );

    // Text in neither UTF-8 nor Shift_JIS (Shift_JIS itself is read: tests/collect_tools.rs).
    let mut neither = FILE.as_bytes().to_vec();
    neither.extend_from_slice(b"F5,A5,\x82\xff,low,2026-03-01T00:00:00Z,2026-03-01T00:00:00Z,,\n");
    let (dir, file) = setup(&neither);
    let e = fails(dir.path(), &["collect", "vulnerabilities", "--file", &file]);
    assert!(e.contains("findings.csv: line 6 is not UTF-8"), "{e}");

    let e = fails(
        dir.path(),
        &["collect", "vulnerabilities", "--file", "/nonexistent/f.csv"],
    );
    assert!(e.contains("/nonexistent/f.csv"), "{e}");
}

/// `--write` records the critical findings' mean times as measurements of the plans for 1.12.1
/// and 1.12.2, per unit named in the file (by code or by name), with the file's digest as
/// evidence; running the same file again adds nothing.
#[test]
fn write_records_mean_times_for_the_plans_once() {
    let file_text = "\
finding_id,asset_id,business_unit,severity,published_at,detected_at,started_at,resolved_at
F1,A1,manufacturing,critical,2026-11-01T00:00:00Z,2026-11-01T02:00:00Z,2026-11-01T10:00:00Z,2026-11-03T10:00:00Z
F2,A2,manufacturing,critical,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,2026-11-01T20:00:00Z,
F3,A3,セキュリティ部門,critical,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z,2026-11-01T04:00:00Z,2026-11-01T08:00:00Z
F4,A4,manufacturing,high,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,2026-11-01T02:00:00Z
F5,A5,finance,critical,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,2026-11-01T02:00:00Z
";
    let (dir, file) = setup(file_text.as_bytes());
    let d = dir.path();
    ok(d, &["demo", "--no-serve", "--today", "2026-11-26"]);
    let plan = |kpi: &str| -> String {
        let (out, _) = ok(
            d,
            &[
                "plan",
                "create",
                "--org",
                "demo",
                "--period",
                "FY2026-H2",
                "--kpi",
                kpi,
                "--target",
                "72",
                "--units",
                "security,manufacturing",
                "--purpose",
                "脆弱性対応を早める",
                "--json",
            ],
        );
        serde_json::from_str::<Value>(&out).unwrap()["id"].to_string()
    };
    let (to_start, to_resolve) = (plan("1.12.1"), plan("1.12.2"));
    let write = [
        "collect",
        "vulnerabilities",
        "--file",
        &file,
        "--write",
        "--org",
        "demo",
        "--date",
        "2026-11-20",
        "--json",
    ];
    let (_, err) = ok(d, &write);
    assert!(
        err.contains("finance"),
        "the unmatched business unit is named: {err}"
    );
    let measurements = |plan: &str| -> Vec<Value> {
        let (out, _) = ok(d, &["measure", "list", "--plan", plan, "--json"]);
        serde_json::from_str::<Vec<Value>>(&out).unwrap()
    };
    let start = measurements(&to_start);
    let reading = |ms: &[Value], unit: &str| -> f64 {
        ms.iter()
            .find(|m| m["unit"] == unit)
            .unwrap_or_else(|| panic!("{unit}: {ms:?}"))["reading"]
            .as_f64()
            .unwrap()
    };
    // manufacturing, critical: started after 10 h and 20 h → mean 15 h; security: 4 h.
    assert_eq!(start.len(), 2, "{start:?}");
    assert_eq!(reading(&start, "manufacturing"), 15.0);
    assert_eq!(reading(&start, "security"), 4.0);
    assert_eq!(start[0]["source"], "connector");
    assert!(
        start[0]["evidence"]
            .as_str()
            .unwrap()
            .contains("findings.csv sha256:")
    );
    // Resolved: manufacturing F1 only (48 h); security F3 (4 h).
    let resolve = measurements(&to_resolve);
    assert_eq!(reading(&resolve, "manufacturing"), 48.0);
    assert_eq!(reading(&resolve, "security"), 4.0);
    // The same file again adds nothing.
    ok(d, &write);
    assert_eq!(measurements(&to_start).len(), 2);
    assert_eq!(measurements(&to_resolve).len(), 2);
    // An organisation with no such plan is told so, and nothing is written.
    ok(d, &["org", "create", "acme", "--name", "Acme"]);
    let err = fails(
        d,
        &[
            "collect",
            "vulnerabilities",
            "--file",
            &file,
            "--write",
            "--org",
            "acme",
            "--json",
        ],
    );
    assert!(err.contains("1.12.1"), "{err}");
}
