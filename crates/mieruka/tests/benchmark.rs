//! `mieruka benchmark` as a user runs it: peer figures imported from CSV (UTF-8 or Shift_JIS,
//! Japanese headers) or Excel after a dry run that writes nothing, listed, replaced by importing
//! again, removed; a file with a bad row refused whole, every bad row named by line, column and
//! reason; and the figures appearing in the board report's summary.

mod common;

use common::Env;
use serde_json::Value;

/// The demo company, whose report shows KPIs 1.1.1, 1.2.2 and 1.10.2 among others.
/// The demo, without the invented peer figures it ships with (checked, then removed), so each
/// test starts from a server that has none.
fn demo() -> Env {
    let env = Env::new();
    env.ok(&["demo", "--no-serve"]);
    let shipped = listed(&env);
    assert_eq!(
        shipped
            .iter()
            .map(|(k, _, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["1.1.1", "1.2.2"],
        "the demo's own figures"
    );
    let html = env.home().join("demo-report.html");
    let path = html.display().to_string();
    env.ok(&["report", "--org", "demo", "--format", "html", "-o", &path]);
    let report = std::fs::read_to_string(&html).unwrap();
    assert!(
        report.contains("デモ用の架空の数値"),
        "the demo's report compares with peers"
    );
    for (kpi, as_of, _) in shipped {
        env.ok(&["benchmark", "remove", "--kpi", &kpi, "--as-of", &as_of]);
    }
    assert!(listed(&env).is_empty());
    env
}

fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let path = env.home().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

const GOOD: &str = "\
KPI,基準日,中央値,第1四分位,第3四分位,社数,出典,業種
1.2.2,2025-03-31,60,40,80,52,JCIC 会員調査 2025,製造業
1.10.2,2025/9/30,70%,,,12,業界団体の調査,
";

fn listed(env: &Env) -> Vec<(String, String, f64)> {
    let v = env.json(&["benchmark", "list", "--json"]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["kpi"].as_str().unwrap().to_string(),
                b["as_of"].as_str().unwrap().to_string(),
                b["median"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn figures_are_imported_listed_replaced_removed_and_reach_the_report() {
    let env = demo();
    let file = write(&env, "peers.csv", GOOD.as_bytes());
    let out = env.ok(&["benchmark", "list"]);
    assert!(out.contains("まだありません"), "{out}");

    // A dry run shows what would happen and writes nothing.
    let out = env.ok(&["benchmark", "import", &file, "--dry-run"]);
    assert!(out.contains("何も書き込んでいません"), "{out}");
    assert!(out.contains("追加 2 件"), "{out}");
    assert!(out.contains("業界団体の調査"), "{out}");
    assert!(listed(&env).is_empty());
    let dry = env.json(&["benchmark", "import", &file, "--dry-run", "--json"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["added"], 2);
    assert_eq!(dry["benchmarks"][1]["median"], 70.0, "70% is 70 percent");
    assert_eq!(dry["benchmarks"][1]["as_of"], "2025-09-30");
    assert_eq!(dry["benchmarks"][0]["line"], 2);

    let out = env.ok(&["benchmark", "import", &file]);
    assert!(out.contains("追加 2 件、更新 0 件、変更なし 0 件"), "{out}");
    assert_eq!(
        listed(&env),
        vec![
            ("1.10.2".into(), "2025-09-30".into(), 70.0),
            ("1.2.2".into(), "2025-03-31".into(), 60.0),
        ]
    );
    let all = env.json(&["benchmark", "list", "--json"]);
    assert_eq!(all[1]["lower"], 40.0);
    assert_eq!(all[1]["industry"], "製造業");
    assert_eq!(all[0]["lower"], Value::Null);
    let out = env.ok(&["--lang", "en", "benchmark", "list"]);
    assert!(
        out.contains("Median") && out.contains("JCIC 会員調査 2025"),
        "{out}"
    );

    // Importing again changes nothing; a changed median replaces the row.
    let out = env.ok(&["--lang", "en", "benchmark", "import", &file]);
    assert!(out.contains("0 added, 0 replaced, 2 unchanged"), "{out}");
    let changed = write(
        &env,
        "changed.csv",
        GOOD.replace(",60,40,", ",65,40,").as_bytes(),
    );
    let report = env.json(&["benchmark", "import", &changed, "--json"]);
    assert_eq!(
        (&report["added"], &report["replaced"], &report["unchanged"]),
        (&Value::from(0), &Value::from(1), &Value::from(1))
    );
    assert_eq!(listed(&env)[1].2, 65.0);

    // The report's summary compares with the peers, in the board's words.
    let model = env.json(&["report", "--org", "demo", "--json"]);
    let peers = model["summary"]["peers"].as_array().expect("peer rows");
    assert_eq!(peers.len(), 2, "{peers:?}");
    let anonymisation = peers
        .iter()
        .find(|p| p["peers"].as_str().unwrap().contains("JCIC 会員調査 2025"))
        .unwrap();
    let text = anonymisation["peers"].as_str().unwrap();
    // KPI values read as the pages show them (`mieruka_domain::figures::kpi_value`).
    assert!(
        text.starts_with("中央値 65.0%（中位の半数 40.0%〜80.0%）"),
        "{text}"
    );
    assert!(text.contains("52社（製造業）"), "{text}");
    assert!(text.contains("2025年3月31日時点"), "{text}");
    assert!(text.contains(" — 中央値"), "placement words: {text}");
    assert!(anonymisation["ours"].as_str().unwrap().ends_with('%'));
    let html = env.home().join("board.html");
    env.ok(&["report", "--org", "demo", "-o", html.to_str().unwrap()]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("他社との比較") && page.contains("<th>当社</th>"));

    // Removing.
    let out = env.ok(&[
        "benchmark",
        "remove",
        "--kpi",
        "1.2.2",
        "--as-of",
        "2025-03-31",
    ]);
    assert!(out.contains("削除しました"), "{out}");
    assert_eq!(listed(&env).len(), 1);
    env.fails(
        &[
            "benchmark",
            "remove",
            "--kpi",
            "1.2.2",
            "--as-of",
            "2025-03-31",
        ],
        "ありません",
    );
    env.fails(
        &[
            "--lang",
            "en",
            "benchmark",
            "remove",
            "--kpi",
            "1.2.2",
            "--as-of",
            "2025-02-30",
        ],
        "--as-of:",
    );
    let model = env.json(&["report", "--org", "demo", "--json"]);
    assert_eq!(model["summary"]["peers"].as_array().unwrap().len(), 1);
    env.ok(&[
        "benchmark",
        "remove",
        "--kpi",
        "1.10.2",
        "--as-of",
        "2025-09-30",
    ]);
    let model = env.json(&["report", "--org", "demo", "--json"]);
    assert_eq!(
        model["summary"]["peers"],
        Value::Null,
        "no figures: no section"
    );
}

#[test]
fn a_file_with_a_bad_row_changes_nothing_and_names_every_bad_row() {
    let env = demo();
    let good = write(&env, "peers.csv", GOOD.as_bytes());
    env.ok(&["benchmark", "import", &good]);
    let before = listed(&env);

    // The first row would replace a stored figure; the file is refused whole all the same.
    let bad = "\
kpi,as_of,median,lower,upper,peers,source
1.2.2,2025-03-31,75,40,80,52,JCIC
1.2.2,2025-06-30,60,70,80,52,JCIC
9.9.9,2025-03-31,60,,,52,JCIC
1.4.1,2025-03-31,60,,,52,JCIC
1.1.1,2025-02-30,many,,,0.5,
1.1.1,2025-03-31,160,,,5,JCIC
1.1.1,2025-06-30,60,,,5,JCIC
1.1.1,2025-06-30,61,,,5,JCIC
";
    let file = write(&env, "bad.csv", bad.as_bytes());
    for dry in [false, true] {
        let mut args = vec!["--lang", "en", "benchmark", "import", &file];
        if dry {
            args.push("--dry-run");
        }
        let out = env.run(&args);
        assert!(!out.status.success(), "dry run {dry}: a bad file fails");
        let stderr = String::from_utf8(out.stderr).unwrap();
        for needle in [
            "line 3, column lower: the lower quartile 70 is above the median 60",
            "line 4, column kpi: KPI 9.9.9 is neither in the catalogue",
            "line 5, column kpi: KPI 1.4.1 has several parts",
            "line 6, column as_of: 2025-02 has no day 30",
            "line 6, column median: `many` is not a number",
            "line 6, column peers: 0.5 is not a whole number",
            "line 6, column source: missing",
            "line 7, column median: 160% is above 100%",
            "line 9, column as_of: KPI 1.1.1 on 2025-06-30 is also on line 8",
        ] {
            assert!(stderr.contains(needle), "`{needle}` in:\n{stderr}");
        }
        let last = stderr.trim_end().lines().last().unwrap();
        assert_eq!(
            last,
            format!("error: {file}: 6 of 8 rows are invalid; nothing was imported")
        );
    }
    assert_eq!(listed(&env), before, "nothing changed");

    // In Japanese, and as JSON for scripts.
    let out = env.run(&["benchmark", "import", &file]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("3 行目、列「lower」"), "{stderr}");
    assert!(stderr.contains("8 行中 6 行に誤りがある"), "{stderr}");
    let out = env.run(&["benchmark", "import", &file, "--json"]);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["imported"], false);
    assert_eq!(v["invalid"][0]["line"], 3);
    assert_eq!(v["invalid"][0]["field"], "lower");
    assert_eq!(listed(&env), before);

    // Whole-file problems are one line.
    let unknown = write(
        &env,
        "unknown.csv",
        b"kpi,as_of,mean,peers,source\n1.2.2,2025-03-31,1,2,x\n",
    );
    env.fails(
        &["benchmark", "import", &unknown],
        "unknown column `mean` (column 3)",
    );
    let missing = write(
        &env,
        "missing.csv",
        b"kpi,as_of,median,source\n1.2.2,2025-03-31,1,x\n",
    );
    env.fails(&["benchmark", "import", &missing], "no `peers` column");
    let text = write(&env, "peers.pdf", b"%PDF-");
    env.fails(
        &["benchmark", "import", &text],
        "cannot import a `.pdf` file",
    );
    env.fails(
        &[
            "benchmark",
            "import",
            &env.home().join("none.csv").display().to_string(),
        ],
        "cannot read the file",
    );
}

#[test]
fn shift_jis_and_excel_files_import() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let env = demo();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(GOOD);
    let file = write(&env, "peers-sjis.csv", &sjis);
    let out = env.ok(&["benchmark", "import", &file]);
    assert!(out.contains("追加 2 件"), "{out}");
    assert_eq!(
        env.json(&["benchmark", "list", "--json"])[1]["source"],
        "JCIC 会員調査 2025"
    );

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["指標", "時点", "中央値", "社数", "出典", "業種"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = ExcelDateTime::from_ymd(2025, 12, 31).unwrap();
    sheet.write_string(1, 0, "1.1.1").unwrap();
    sheet
        .write_date_with_format(1, 1, &date, &Format::new().set_num_format("yyyy/mm/dd"))
        .unwrap();
    sheet.write_number(1, 2, 88.5).unwrap();
    sheet.write_number(1, 3, 40.0).unwrap();
    sheet.write_string(1, 4, "ＪＣＩＣ 調査").unwrap();
    sheet.write_string(1, 5, "製造業").unwrap();
    let xlsx = env.home().join("peers.xlsx");
    book.save(&xlsx).unwrap();
    let out = env.ok(&[
        "--lang",
        "en",
        "benchmark",
        "import",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.contains("1 added"), "{out}");
    let all = env.json(&["benchmark", "list", "--json"]);
    let row = all
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kpi"] == "1.1.1")
        .unwrap();
    assert_eq!(row["as_of"], "2025-12-31");
    assert_eq!(row["median"], 88.5);
    assert_eq!(row["peers"], 40);
    assert_eq!(row["source"], "JCIC 調査", "NFKC");
}
