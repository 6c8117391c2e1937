//! `mieruka measure import | export` as a user runs them: CSV in UTF-8 and Shift_JIS, Excel files,
//! all-or-nothing imports that name every bad row and column, re-imports that add nothing, and
//! exports that import back into a fresh database with the same readings.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A private database and home folder.
struct Env {
    home: tempfile::TempDir,
    url: String,
}

impl Env {
    fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", home.path().join("test.sqlite3").display());
        Env { home, url }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_mieruka"))
            .args(args)
            .args(["--database", &self.url])
            .env("MIERUKA_HOME", self.home.path())
            .env_remove("MIERUKA_DATABASE_URL")
            .env_remove("MIERUKA_LANG")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("mieruka runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "mieruka {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    /// Runs a command that must fail; returns its stderr, whose last line is the error.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "mieruka {args:?} should fail");
        let last = stderr.trim_end().lines().last().unwrap_or("");
        assert!(last.starts_with("error: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }

    /// The demo company and a plan for KPI 1.1.1 (a ratio) over security and manufacturing.
    fn with_plan() -> (Env, i64) {
        let env = Env::new();
        env.ok(&["demo", "--no-serve"]);
        let args = "plan create --org demo --period FY2026-H2 --kpi 1.1.1 --target 95 \
                    --deadline 2027-03-31 --purpose 資産を把握して情報盗難を防ぐ \
                    --units security,manufacturing --owner ciso --json";
        let plan = env.json(&args.split_whitespace().collect::<Vec<_>>());
        let id = plan["id"].as_i64().expect("plan id");
        (env, id)
    }

    /// A plan's measurements in force as (unit, date, part, value, evidence), in order.
    fn readings(&self, plan: i64) -> Vec<(String, String, Value, Value, Value)> {
        let list = self.json(&["measure", "list", "--plan", &plan.to_string(), "--json"]);
        let mut rows: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["unit"].as_str().unwrap().to_string(),
                    m["date"].as_str().unwrap().to_string(),
                    m["part"].clone(),
                    m["value"].clone(),
                    m["evidence"].clone(),
                )
            })
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    fn import(&self, file: &str, extra: &[&str]) -> Value {
        let mut args = vec!["measure", "import", file, "--json"];
        args.extend_from_slice(extra);
        self.json(&args)
    }
}

fn good_csv(plan: i64) -> String {
    format!(
        "plan,unit,date,numerator,denominator,evidence\n\
         {plan},security,2026-10-31,\"1,200\",1500,棚卸台帳 10月分\n\
         {plan},manufacturing,2026-10-31,800,1000,\n\
         {plan},security,2026-11-30,1350,1500,\"台帳, 11月分\"\n"
    )
}

#[test]
fn a_utf8_csv_imports_once_and_again_adds_nothing() {
    let (env, plan) = Env::with_plan();
    let file = env.write("good.csv", good_csv(plan).as_bytes());
    let first = env.import(&file, &[]);
    assert_eq!(
        (
            &first["rows"],
            &first["added"],
            &first["already_recorded"],
            &first["dry_run"]
        ),
        (
            &Value::from(3),
            &Value::from(3),
            &Value::from(0),
            &Value::from(false)
        )
    );
    assert_eq!(first["invalid"], Value::Array(vec![]));
    let readings = env.readings(plan);
    assert_eq!(readings.len(), 3);
    assert_eq!(readings[0].0, "manufacturing");
    assert_eq!(readings[0].3["numerator"], 800.0);
    assert_eq!(readings[1].3["numerator"], 1200.0, "thousands separator");
    assert_eq!(readings[1].4, "棚卸台帳 10月分");
    assert_eq!(readings[2].4, "台帳, 11月分");

    let again = env.import(&file, &[]);
    assert_eq!(
        (&again["added"], &again["already_recorded"]),
        (&0.into(), &3.into())
    );
    assert_eq!(env.readings(plan), readings);

    let summary = env.ok(&["--lang", "en", "measure", "import", &file]);
    assert!(
        summary.contains("added 0, already recorded 3 (skipped), invalid 0"),
        "{summary}"
    );
}

#[test]
fn shift_jis_with_japanese_headers_imports_exactly_like_utf8() {
    let (env, plan) = Env::with_plan();
    // Japanese headers, a unit given by its name, full-width digits: what Japanese Excel saves.
    let text = format!(
        "目標,ユニット,日付,分子,分母,証跡\r\n\
         {plan},セキュリティ部門,2026/10/31,\"1,200\",１５００,棚卸台帳 10月分\r\n\
         {plan},manufacturing,2026-10-31,800,1000,\r\n\
         {plan},security,2026/11/30,1350,1500,\"台帳, 11月分\"\r\n"
    );
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&sjis).is_err(), "really Shift_JIS");
    let sjis_file = env.write("sjis.csv", &sjis);
    let report = env.import(&sjis_file, &[]);
    assert_eq!(report["added"], 3, "{report}");

    let (utf8_env, utf8_plan) = Env::with_plan();
    assert_eq!(utf8_plan, plan);
    let utf8_file = utf8_env.write("good.csv", good_csv(plan).as_bytes());
    utf8_env.import(&utf8_file, &[]);
    assert_eq!(env.readings(plan), utf8_env.readings(plan));

    // The same rows: importing the UTF-8 file where the Shift_JIS one went adds nothing.
    let utf8_here = env.write("good.csv", good_csv(plan).as_bytes());
    let again = env.import(&utf8_here, &[]);
    assert_eq!(
        (&again["added"], &again["already_recorded"]),
        (&0.into(), &3.into())
    );
}

#[test]
fn a_bad_row_rejects_the_file_naming_row_and_column_unless_skipped() {
    let (env, plan) = Env::with_plan();
    let csv = format!(
        "plan,unit,date,numerator,分母,value\n\
         {plan},security,2026-10-31,5,10\n\
         {plan},manufacturing,2026-10-31,3,0\n\
         {plan},support,2026-11-30,1,2\n\
         {plan},security,2027-04-30,1,2\n\
         {plan},manufacturing,2026-11-30,x,2\n\
         {plan},security,2026-12-31,1,2,7\n"
    );
    let file = env.write("bad.csv", csv.as_bytes());
    let stderr = env.fails(&["measure", "import", &file]);
    for expected in [
        "row 3, column 分母: must be greater than 0",
        "row 4, column unit: unit `support` is not in the plan's scope",
        "row 5, column date: 2027-04-30 is outside the period FY2026-H2",
        "row 6, column numerator: `x` is not a number",
        "row 7, column value: KPI 1.1.1 (ratio) does not use `value`",
    ] {
        assert!(stderr.contains(expected), "{expected} missing in: {stderr}");
    }
    let last = stderr.trim_end().lines().last().unwrap();
    assert!(
        last.contains("bad.csv: 5 of 6 rows are invalid; nothing was imported (use --skip-invalid to import the 1 good rows)"),
        "{last}"
    );
    assert_eq!(env.readings(plan).len(), 0, "nothing was written");

    let report = env.import(&file, &["--skip-invalid"]);
    assert_eq!(report["added"], 1);
    let invalid = report["invalid"].as_array().unwrap();
    assert_eq!(invalid.len(), 5);
    assert_eq!(
        (
            &invalid[0]["row"],
            &invalid[0]["column"],
            &invalid[0]["field"]
        ),
        (&3.into(), &"分母".into(), &"denominator".into())
    );
    let readings = env.readings(plan);
    assert_eq!(readings.len(), 1);
    assert_eq!(
        (readings[0].0.as_str(), readings[0].1.as_str()),
        ("security", "2026-10-31")
    );
}

#[test]
fn a_repeated_row_is_reported_as_a_duplicate() {
    let (env, plan) = Env::with_plan();
    let csv = format!(
        "plan,unit,date,numerator,denominator\n\
         {plan},security,2026-10-31,5,10\n\
         {plan},security,2026-10-31,5,10\n"
    );
    let file = env.write("twice.csv", csv.as_bytes());
    let stderr = env.fails(&["measure", "import", &file]);
    assert!(stderr.contains("row 3: same as row 2"), "{stderr}");
    assert_eq!(env.readings(plan).len(), 0);
}

#[test]
fn an_unknown_column_is_rejected_by_name() {
    let (env, plan) = Env::with_plan();
    let csv = format!(
        "plan,unit,date,numerator,denominator,colour\n{plan},security,2026-10-31,5,10,red\n"
    );
    let file = env.write("colour.csv", csv.as_bytes());
    let stderr = env.fails(&["measure", "import", &file]);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("colour.csv: unknown column `colour` (column 6)"),
        "{stderr}"
    );
    assert!(stderr.contains("accepted: plan"), "{stderr}");
    assert_eq!(env.readings(plan).len(), 0);
}

#[test]
fn dry_run_previews_and_writes_nothing() {
    let (env, plan) = Env::with_plan();
    let file = env.write("good.csv", good_csv(plan).as_bytes());
    let out = env.ok(&["--lang", "en", "measure", "import", &file, "--dry-run"]);
    assert!(out.contains("80.0% (1200/1500)"), "{out}");
    assert!(out.contains("nothing was written"), "{out}");
    let json = env.import(&file, &["--dry-run"]);
    assert_eq!(
        (&json["dry_run"], &json["would_add"]),
        (&true.into(), &3.into())
    );
    assert_eq!(json["preview"][0]["kpi"], "1.1.1");
    assert_eq!(env.readings(plan).len(), 0, "a dry run writes nothing");
}

#[test]
fn a_file_about_one_plan_can_leave_out_the_plan_column() {
    let (env, plan) = Env::with_plan();
    let csv = "unit,date,numerator,denominator\nsecurity,2026-10-31,5,10\n";
    let file = env.write("one.csv", csv.as_bytes());
    let stderr = env.fails(&["measure", "import", &file]);
    assert!(stderr.contains("no `plan` (目標) column"), "{stderr}");
    let report = env.import(&file, &["--plan", &plan.to_string()]);
    assert_eq!(report["added"], 1);
    let stderr = env.fails(&["measure", "import", &file, "--plan", "999"]);
    assert!(stderr.contains("plan 999 was not found"), "{stderr}");
}

#[test]
fn file_level_problems_are_one_line_naming_the_file() {
    let env = Env::new();
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("notes.pdf", b"x", "cannot import a `.pdf` file"),
        (
            "header.csv",
            b"unit,date,value\n",
            "header.csv: the file has a header but no data rows",
        ),
        (
            "binary.csv",
            b"unit,date\n\x82\xff\xfe,\x80\n",
            "binary.csv: the text is neither UTF-8 nor Shift_JIS",
        ),
        (
            "sheet.xlsx",
            b"unit,date\n",
            "sheet.xlsx: not a readable Excel workbook",
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = env.write(name, bytes);
        let stderr = env.fails(&["measure", "import", &file, "--plan", "1"]);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{expected} missing in: {stderr}");
    }
    let missing = env.path("missing.csv").display().to_string();
    let stderr = env.fails(&["measure", "import", &missing]);
    assert!(
        stderr.contains("missing.csv: cannot read the file"),
        "{stderr}"
    );
}

#[test]
fn exports_import_into_a_fresh_database_with_the_same_readings() {
    let (env, plan) = Env::with_plan();
    let file = env.write("good.csv", good_csv(plan).as_bytes());
    env.import(&file, &[]);
    // A correction: the exported history holds both, the export in force only the new one.
    let list = env.json(&["measure", "list", "--plan", &plan.to_string(), "--json"]);
    let old = list[0]["id"].as_i64().unwrap().to_string();
    env.ok(&[
        "measure",
        "correct",
        &old,
        "--numerator",
        "850",
        "--denominator",
        "1000",
    ]);
    let readings = env.readings(plan);
    assert_eq!(readings.len(), 3);

    let csv = env.path("out.csv").display().to_string();
    let xlsx = env.path("out.xlsx").display().to_string();
    let history = env.path("history.csv").display().to_string();
    let period = ["--org", "demo", "--period", "FY2026-H2"];
    for (out, extra) in [(&csv, None), (&xlsx, None), (&history, Some("--history"))] {
        let mut args = vec!["measure", "export", "-o", out.as_str()];
        args.extend(period);
        args.extend(extra);
        env.ok(&args);
    }
    let csv_bytes = std::fs::read(&csv).unwrap();
    assert!(csv_bytes.starts_with(b"\xEF\xBB\xBFplan,kpi,unit,date,part,numerator"));
    let history_text = std::fs::read_to_string(&history).unwrap();
    assert!(
        history_text
            .lines()
            .next()
            .unwrap()
            .ends_with("id,supersedes,superseded_by,recorded_by,recorded_at,source")
    );

    // The workbook: numbers as numbers, dates as text.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..4], ["plan", "kpi", "unit", "date"]);
    let mine = range
        .rows()
        .find(|r| r[0] == Data::Float(plan as f64))
        .expect("a row of the plan");
    assert!(
        matches!(&mine[3], Data::String(d) if d.starts_with("2026-")),
        "{mine:?}"
    );
    assert!(matches!(mine[5], Data::Float(_)), "{mine:?}");

    for (name, file) in [("csv", &csv), ("xlsx", &xlsx), ("history", &history)] {
        let (fresh, fresh_plan) = Env::with_plan();
        assert_eq!(fresh_plan, plan);
        let report = fresh.import(file, &[]);
        assert_eq!(report["invalid"], Value::Array(vec![]), "{name}: {report}");
        assert_eq!(fresh.readings(plan), readings, "{name} round trip");
        if name == "history" {
            assert!(report["superseded"].as_u64().unwrap() >= 1, "{report}");
        }
        // Importing the other export of the same data adds nothing.
        let other = if name == "csv" { &xlsx } else { &csv };
        let again = fresh.import(other, &[]);
        assert_eq!(again["added"], 0, "{name}: {again}");
    }
}

#[test]
fn an_excel_file_with_date_cells_imports() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let (env, plan) = Env::with_plan();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy/mm/dd");
    for (c, h) in ["目標", "ユニット", "日付", "分子", "分母", "証跡"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("security", (2026, 12, 15), 90.0, 100.0),
        ("manufacturing", (2027, 1, 31), 45.5, 50.0),
    ];
    for (i, (unit, (y, m, d), num, den)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, plan as f64).unwrap();
        sheet.write_string(r, 1, *unit).unwrap();
        let date = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet
            .write_date_with_format(r, 2, &date, &date_format)
            .unwrap();
        sheet.write_number(r, 3, *num).unwrap();
        sheet.write_number(r, 4, *den).unwrap();
    }
    sheet.write_string(1, 5, "資産管理台帳").unwrap();
    // Row 4 of the sheet: a denominator of 0.
    sheet.write_number(3, 0, plan as f64).unwrap();
    sheet.write_string(3, 1, "security").unwrap();
    let date = ExcelDateTime::from_ymd(2027, 2, 1).unwrap();
    sheet
        .write_date_with_format(3, 2, &date, &date_format)
        .unwrap();
    sheet.write_number(3, 3, 1.0).unwrap();
    sheet.write_number(3, 4, 0.0).unwrap();
    let file = env.path("dates.xlsx");
    book.save(&file).unwrap();
    let file = file.display().to_string();

    let stderr = env.fails(&["measure", "import", &file]);
    assert!(
        stderr.contains("row 4, column 分母: must be greater than 0"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 3 rows are invalid"), "{stderr}");
    assert_eq!(env.readings(plan).len(), 0);
    let report = env.import(&file, &["--skip-invalid"]);
    assert_eq!(report["added"], 2, "{report}");
    let readings = env.readings(plan);
    assert_eq!(
        readings
            .iter()
            .map(|r| (
                r.0.as_str(),
                r.1.as_str(),
                r.3["numerator"].as_f64().unwrap()
            ))
            .collect::<Vec<_>>(),
        [
            ("manufacturing", "2027-01-31", 45.5),
            ("security", "2026-12-15", 90.0)
        ]
    );
    assert_eq!(readings[1].4, "資産管理台帳");
}

#[test]
fn export_names_what_is_missing() {
    let (env, _) = Env::with_plan();
    let out = env.path("x.csv").display().to_string();
    let stderr = env.fails(&[
        "measure",
        "export",
        "--org",
        "nobody",
        "--period",
        "FY2026-H2",
        "-o",
        &out,
    ]);
    assert!(
        stderr.contains("organisation `nobody` was not found"),
        "{stderr}"
    );
    let stderr = env.fails(&[
        "measure",
        "export",
        "--org",
        "demo",
        "--period",
        "FY2031-H1",
        "-o",
        &out,
    ]);
    assert!(
        stderr.contains("period FY2031-H1 has no plans for demo"),
        "{stderr}"
    );
    let pdf = env.path("x.pdf").display().to_string();
    let stderr = env.fails(&[
        "measure",
        "export",
        "--org",
        "demo",
        "--period",
        "FY2026-H2",
        "-o",
        &pdf,
    ]);
    assert!(stderr.contains("name it .csv or .xlsx"), "{stderr}");
    assert!(!Path::new(&out).exists() && !Path::new(&pdf).exists());
}

/// A workbook of about 5 KB with a header and one cell at the far corner (XFD1048576): it
/// declares the whole sheet as its range, 17 billion cells when read as a range.
fn corner_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "unit").unwrap();
    sheet.write_string(0, 1, "date").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn a_workbook_declaring_the_whole_sheet_is_refused_in_one_line_and_changes_nothing() {
    let (env, plan) = Env::with_plan();
    let bytes = corner_workbook();
    assert!(bytes.len() < 8_000, "{} bytes", bytes.len());
    let file = env.write("corner.xlsx", &bytes);
    let stderr = env.fails(&["measure", "import", &file, "--plan", &plan.to_string()]);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "corner.xlsx: worksheet `Sheet1`: row 1048576 is past the 1000000 rows a file may have (limits.max_rows)"
        ),
        "{stderr}"
    );
    assert!(env.readings(plan).is_empty(), "nothing written");

    // The budget is the user's to change: a smaller one refuses an ordinary file, by name.
    let good = env.write("good.csv", good_csv(plan).as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_mieruka"))
        .args(["measure", "import", &good, "--database", &env.url])
        .env("MIERUKA_HOME", env.home.path())
        .env("MIERUKA_LIMITS_MAX_FILE_BYTES", "100")
        .env_remove("MIERUKA_LANG")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("more than the 100 allowed (limits.max_file_bytes)"),
        "{stderr}"
    );
    assert!(env.readings(plan).is_empty(), "nothing written");
}

#[test]
fn exported_csv_cells_never_start_a_formula_and_import_back_unchanged() {
    let (env, plan) = Env::with_plan();
    let evidence = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1+1",
        "@SUM(A1)",
        "-2+3",
        "-12.5",
    ];
    let rows = [
        ("security", "2026-10-31"),
        ("manufacturing", "2026-10-31"),
        ("security", "2026-11-30"),
        ("manufacturing", "2026-11-30"),
        ("security", "2026-12-31"),
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "plan",
        "unit",
        "date",
        "numerator",
        "denominator",
        "evidence",
    ])
    .unwrap();
    for ((unit, date), e) in rows.iter().zip(evidence) {
        w.write_record([&plan.to_string(), *unit, *date, "3", "4", e])
            .unwrap();
    }
    let file = env.write("formulas.csv", &w.into_inner().unwrap());
    let report = env.import(&file, &[]);
    assert_eq!(report["added"], 5, "{report}");
    let readings = env.readings(plan);
    let mut stored: Vec<&str> = readings.iter().map(|r| r.4.as_str().unwrap()).collect();
    stored.sort();
    let mut given = evidence.to_vec();
    given.sort();
    assert_eq!(stored, given, "stored as given");

    let out = env.path("out.csv").display().to_string();
    env.ok(&[
        "measure",
        "export",
        "-o",
        &out,
        "--org",
        "demo",
        "--period",
        "FY2026-H2",
    ]);
    let bytes = std::fs::read(&out).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (plan_at, evidence_at, numerator_at) = (at("plan"), at("evidence"), at("numerator"));
    let mut written = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        if record[plan_at] != plan.to_string() {
            continue;
        }
        assert_eq!(&record[numerator_at], "3", "numbers stay numbers");
        written.push(record[evidence_at].to_string());
    }
    written.sort();
    let mut expected = vec![
        "'=HYPERLINK(\"http://x\",\"y\")",
        "'+1+1",
        "'@SUM(A1)",
        "'-2+3",
        "-12.5",
    ];
    expected.sort();
    assert_eq!(written, expected);
    for cell in &written {
        assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
    }

    // Read back, the quote is gone: a fresh database holds the same evidence.
    let (fresh, fresh_plan) = Env::with_plan();
    assert_eq!(fresh_plan, plan);
    let report = fresh.import(&out, &[]);
    assert_eq!(report["invalid"], Value::Array(vec![]), "{report}");
    assert_eq!(fresh.readings(plan), readings);
}
