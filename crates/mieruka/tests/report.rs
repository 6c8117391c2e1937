//! `mieruka report` as a user runs it on the demo: the PDF says the summary, the money (141億円
//! → 97億円) and the four KPIs of Fig. 9 in Japanese with its font embedded, and renders to
//! images; the lint names each technical term with a business phrasing and finds the demo
//! clean; the workbook holds every measurement of the period, corrections marked; an issued
//! report renders again byte for byte; the schedule is quarterly, never yearly.
//!
//! The PDF checks use poppler's tools. Without them the checks print `SKIPPED: …` and pass,
//! unless `MIERUKA_REQUIRE_TOOLS=1` (as CI sets it).

mod common;

use std::process::Command;

use common::Env;

/// The names of Fig. 9's KPIs as the demo's board reads them.
const FIG9: [&str; 4] = [
    "個人情報等の匿名化プロジェクト進捗率",
    "主要部門のサイバー演習進捗率",
    "事故対応ができるセキュリティ部員数",
    "PC端末の監視強化プロジェクト進捗率",
];

fn demo() -> Env {
    let env = Env::new();
    env.ok(&["demo", "--no-serve"]);
    env
}

/// Whether a poppler tool is here; when it is not and tools are not required, says so.
fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("MIERUKA_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{tool} is required (MIERUKA_REQUIRE_TOOLS=1): apt-get install poppler-utils"
        );
        println!("SKIPPED: {tool} is not installed (poppler-utils)");
    }
    found
}

fn tool(args: &[&str]) -> String {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_demo_report_as_pdf_says_the_summary_the_money_and_the_kpis() {
    let env = demo();
    let pdf = env.home().join("board.pdf");
    let pdf_s = pdf.to_str().unwrap();
    env.ok(&["report", "--org", "demo", "--format", "pdf", "-o", pdf_s]);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if !(have("pdftotext") && have("pdffonts") && have("pdftoppm")) {
        return;
    }
    // Layout may break a line anywhere; compare without whitespace.
    let text: String = tool(&["pdftotext", pdf_s, "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for needle in [
        "要約",
        "経営層へのお願い",
        "141億円",
        "97億円",
        "戦略",
        "付録",
    ]
    .iter()
    .chain(FIG9.iter())
    {
        assert!(text.contains(needle), "`{needle}` is not in the PDF's text");
    }
    let fonts = tool(&["pdffonts", pdf_s]);
    assert!(fonts.contains("IPAexGothic"), "{fonts}");
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "fonts are embedded: {fonts}"
    );
    let prefix = env.home().join("page");
    tool(&[
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-f",
        "1",
        "-l",
        "1",
        pdf_s,
        prefix.to_str().unwrap(),
    ]);
    let png = std::fs::read_dir(env.home())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("page"))
        .expect("page 1 rendered");
    let size = png.metadata().unwrap().len();
    assert!(size > 10_000, "page 1 is nearly blank ({size} bytes)");
}

#[test]
fn the_english_report_and_html_are_made_from_the_same_model() {
    let env = demo();
    let html = env.home().join("board.html");
    env.ok(&[
        "report",
        "--org",
        "demo",
        "--lang",
        "en",
        "-o",
        html.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("lang=\"en\""));
    assert!(
        page.contains("¥14.1bn") && page.contains("¥9.7bn"),
        "money in English"
    );
    assert!(page.contains("Progress of the personal-data anonymisation project"));
    assert!(
        !page.contains("<script") && !page.contains("<link"),
        "self-contained"
    );
}

#[test]
fn the_lint_names_each_term_and_finds_the_demo_clean() {
    let env = demo();
    let clean = env.ok(&["report", "lint", "--org", "demo"]);
    assert!(clean.contains("問題は見つかりませんでした"), "{clean}");

    let file = env.home().join("draft.txt");
    std::fs::write(
        &file,
        "今期はEDRとSIEMを導入しました。\nブロックした攻撃は1,200件、脆弱性件数は340件です。\nSQLインジェクションとゼロデイに備え、WAFのパッチ適用を終えました。\n",
    )
    .unwrap();
    let out = env.run(&["report", "lint", "--file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "findings exit with 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (term, phrasing) in [
        ("EDR", "PC端末の監視"),
        ("SIEM", "ログの一元監視"),
        ("ブロックした攻撃", "事業への影響を防いだ結果"),
        ("脆弱性件数", "期限内に解消できた割合"),
        ("SQLインジェクション", "Webサイトからの情報盗難"),
        ("ゼロデイ", "対策が出る前の弱点を突く攻撃"),
        ("WAF", "Webサイトの防御"),
        ("パッチ適用", "ソフトウェアの更新"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("「{term}」")))
            .unwrap_or_else(|| panic!("{term} is not named: {stdout}"));
        assert!(line.contains(phrasing), "{line}");
    }
    assert!(stdout.contains("2行目"), "where each term is: {stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    // The organisation's own term is found too; in the report, it makes the demo unclean.
    env.ok(&[
        "report",
        "glossary",
        "add",
        "--org",
        "demo",
        "--term",
        "演習",
        "--category",
        "jargon",
        "--ja",
        "訓練",
        "--en",
        "drill",
    ]);
    let json = env.run(&["report", "lint", "--org", "demo", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["clean"], false);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["term"] == "演習")
    );
}

#[test]
fn the_workbook_holds_every_measurement_of_the_period() {
    use calamine::{Reader, Xlsx, open_workbook};
    let env = demo();
    let model = env.json(&["report", "--org", "demo", "--json"]);
    // Correct one measurement: both rows must be in the workbook, the old one marked.
    let m = model["data"]["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["kpi_id"] == "1.4.2")
        .expect("a measurement of 1.4.2 in the period");
    let id = m["id"].as_i64().unwrap();
    env.ok(&["measure", "correct", &id.to_string(), "--value", "1"]);
    let model = env.json(&["report", "--org", "demo", "--json"]);
    let (start, end) = (
        model["period"]["start"].as_str().unwrap().to_string(),
        model["period"]["end"].as_str().unwrap().to_string(),
    );
    let xlsx = env.home().join("board.xlsx");
    env.ok(&["report", "--org", "demo", "-o", xlsx.to_str().unwrap()]);

    // Every measurement the database holds for the period, from the database itself.
    let path = env.url.trim_start_matches("sqlite://").to_string();
    let expected: Vec<i64> = tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
            .await
            .unwrap();
        sqlx::query_scalar(
            "SELECT m.id FROM measurements m JOIN plans p ON p.id = m.plan_id \
             JOIN organisations o ON o.id = p.org_id \
             WHERE o.slug = 'demo' AND m.measured_on BETWEEN ?1 AND ?2 AND p.state <> 'draft' \
             ORDER BY m.id",
        )
        .bind(&start)
        .bind(&end)
        .fetch_all(&mut c)
        .await
        .unwrap()
    });
    assert!(expected.len() > 10, "{}", expected.len());
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("実績").unwrap();
    let mut ids: Vec<i64> = Vec::new();
    let mut superseded = None;
    for row in sheet.rows().skip(1) {
        let id = row[0].to_string().parse::<i64>().unwrap();
        if id == m["id"].as_i64().unwrap() {
            superseded = Some(row[12].to_string());
        }
        ids.push(id);
    }
    ids.sort_unstable();
    assert_eq!(
        ids, expected,
        "every measurement of the period, and only those"
    );
    let by = superseded.expect("the corrected measurement is kept");
    assert!(
        !by.is_empty(),
        "the corrected measurement is marked as superseded"
    );
}

#[test]
fn an_issued_report_renders_again_byte_for_byte_and_feeds_the_next() {
    let env = demo();
    let first = env.home().join("first.pdf");
    env.ok(&[
        "report",
        "--org",
        "demo",
        "--issue",
        "-o",
        first.to_str().unwrap(),
    ]);
    let list = env.json(&["report", "list", "--org", "demo", "--json"]);
    let issued = &list["issued"][0];
    let id = issued["id"].as_i64().unwrap();
    assert!(issued["data_version"].as_i64().unwrap() > 0);
    assert_eq!(issued["sha256"].as_str().unwrap().len(), 64);

    // The data changes after issuing; the issued report does not.
    env.ok(&["report", "ask", "--org", "demo", "--note", "追加の報告事項"]);
    let again = env.home().join("again.pdf");
    env.ok(&[
        "report",
        "reissue",
        "--org",
        "demo",
        "--id",
        &id.to_string(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let now = env.home().join("now.pdf");
    env.ok(&["report", "--org", "demo", "-o", now.to_str().unwrap()]);
    assert_ne!(std::fs::read(&first).unwrap(), std::fs::read(&now).unwrap());

    env.fails(
        &[
            "report", "reissue", "--org", "demo", "--id", "999", "-o", "x.pdf",
        ],
        "--id",
    );
}

#[test]
fn the_schedule_is_quarterly_by_default_and_never_yearly() {
    let env = demo();
    let s = env.json(&["report", "schedule", "--org", "demo", "--json"]);
    assert_eq!(s["schedule"]["cadence"], "quarterly");
    assert!(s["next"]["due"].is_string());
    env.fails(
        &[
            "report",
            "schedule",
            "set",
            "--org",
            "demo",
            "--cadence",
            "yearly",
        ],
        "six months",
    );
    let out = env.ok(&[
        "report",
        "schedule",
        "set",
        "--org",
        "demo",
        "--cadence",
        "half_yearly",
        "--due-days",
        "45",
    ]);
    assert!(out.contains("半期ごと"), "{out}");
    env.fails(
        &[
            "report",
            "schedule",
            "set",
            "--org",
            "demo",
            "--cadence",
            "quarterly",
            "--due-days",
            "120",
        ],
        "--due-days",
    );
}

#[test]
fn bad_input_gets_one_clear_line() {
    let env = demo();
    env.fails(
        &[
            "report", "--org", "demo", "--format", "docx", "-o", "x.docx",
        ],
        "--format",
    );
    env.fails(&["report", "--org", "demo"], "--output");
    env.fails(&["report", "--org", "nope", "-o", "x.pdf"], "nope");
    env.fails(
        &[
            "report",
            "--org",
            "demo",
            "--period",
            "FY2099-Q1",
            "-o",
            "x.pdf",
        ],
        "not started",
    );
    env.fails(
        &[
            "report",
            "checklist",
            "--org",
            "demo",
            "--done",
            "vision,lunch",
        ],
        "lunch",
    );
    env.fails(
        &[
            "report", "kpi-name", "--org", "demo", "--kpi", "9.9.9", "--ja", "x",
        ],
        "--kpi",
    );
}
