//! `mieruka risks` as a user runs it: the cyber risk placed by the loss model now and after the
//! KPIs, the register kept by `risks set` / `risks remove`, the JSON contract, the SVG file, the
//! text matrix, and one clear line for every bad input.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

/// A private home folder and SQLite database for one test.
struct Env {
    home: tempfile::TempDir,
    url: String,
}

/// Arguments written as one line; no argument in these tests contains a space.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

impl Env {
    fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", home.path().join("m.sqlite3").display());
        Env { home, url }
    }

    fn dir(&self) -> &Path {
        self.home.path()
    }

    fn run(&self, args: &[String]) -> Output {
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

    fn ok_args(&self, args: &[String]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "mieruka {args:?} failed: {stderr}");
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn ok(&self, line: &str) -> String {
        self.ok_args(&words(line))
    }

    fn json(&self, line: &str) -> Value {
        serde_json::from_str(&self.ok(line)).expect("JSON output")
    }

    /// Runs a command that must fail with one line on stderr containing `expected`.
    fn fails_args(&self, args: &[String], expected: &str) {
        let out = self.run(args);
        assert!(!out.status.success(), "mieruka {args:?} should fail");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let lines = stderr.trim_end().lines().count();
        assert_eq!(lines, 1, "one line, got: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{args:?}: expected `{expected}` in {stderr}"
        );
    }

    fn fails(&self, line: &str, expected: &str) {
        self.fails_args(&words(line), expected);
    }

    /// The demo company, with its loss inputs, and the report's cyber risk set through the CLI
    /// (replacing the demo's own cyber risk when `mieruka demo` already loaded the register).
    fn demo_with_cyber(&self) {
        self.ok("demo --no-serve");
        self.ok(
            "risks set --org demo cyber --name サイバーリスク・個人情報の保護 \
             --category 情報セキュリティ --probability 4 --cyber --owner 情報セキュリティ担当役員",
        );
    }
}

fn risk<'a>(v: &'a Value, code: &str) -> &'a Value {
    let risks = v["risks"].as_array().unwrap();
    risks
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("risk {code} in {v}"))
}

#[test]
fn the_cyber_risk_sits_at_impact_5_now_and_4_after_the_kpis() {
    let env = Env::new();
    env.demo_with_cyber();
    let v = env.json("risks --org demo --json");
    assert_eq!(v["org"], "demo");
    let bands = json!([
        100_000_000i64,
        1_000_000_000i64,
        5_000_000_000i64,
        10_000_000_000i64
    ]);
    assert_eq!(v["bands_yen"], bands);
    // The demo's loss model: 141億円 now (≥ 100億: level 5), 97億円 after (level 4).
    let (now, after) = (&v["cyber"]["now"], &v["cyber"]["after"]);
    assert_eq!(
        (now["impact"].as_i64(), after["impact"].as_i64()),
        (Some(5), Some(4)),
        "{v}"
    );
    let now_yen = now["loss_yen"].as_i64().unwrap();
    let after_yen = after["loss_yen"].as_i64().unwrap();
    assert!(
        (14_050_000_000..14_150_000_000).contains(&now_yen),
        "{now_yen}"
    );
    assert!(
        (9_610_000_000..9_710_000_000).contains(&after_yen),
        "{after_yen}"
    );
    let c = risk(&v, "cyber");
    assert_eq!(
        (c["cyber"].clone(), c["probability"].clone()),
        (json!(true), json!(4))
    );
    assert_eq!(c["cell"], json!({"probability": 4, "impact": 5}));
    assert_eq!(c["cell_after"], json!({"probability": 4, "impact": 4}));
    assert_eq!(c["impact_yen"], now_yen);
    let risks = v["risks"].as_array().unwrap();
    let cybers = risks.iter().filter(|r| r["cyber"] == true).count();
    assert_eq!(
        cybers, 1,
        "one cyber risk, whether or not `demo` loaded the register"
    );

    let text = env.ok("risks --org demo");
    for words in [
        "サイバーリスク・個人情報の保護",
        "5 甚大 → 4 大",
        "141億円",
        "97億円",
    ] {
        assert!(text.contains(words), "`{words}` in\n{text}");
    }
    let en = env.ok("--lang en risks --org demo");
    for words in ["5 Severe → 4 Major", "¥14.1bn", "Probability: 1 Rare"] {
        assert!(en.contains(words), "`{words}` in\n{en}");
    }
}

/// The cells of the text matrix's row for an impact label: `["", "1", "", "[9]", ""]`.
fn matrix_row(text: &str, label: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("{label}"));
    line.split('|')
        .skip(1)
        .take(5)
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn the_text_matrix_shows_each_risk_by_number_and_the_cyber_risk_now_and_after() {
    let env = Env::new();
    env.ok("org create acme --name Acme");
    // Without loss inputs the default bands apply and the cyber risk has no place yet.
    env.ok("risks set --org acme fx --name 為替 --category 財務 --probability 5 --impact-yen 2000000000");
    env.ok("risks set --org acme ip --name 知財 --category 知財 --probability 2 --impact 2");
    env.ok("risks set --org acme pl --name 製造物責任 --category 品質 --probability 2 --impact 2");
    let text = env.ok("risks --org acme");
    assert!(text.contains("影響度の区分（既定）"), "{text}");
    assert_eq!(matrix_row(&text, "3 中"), ["", "", "", "", "1"]);
    assert_eq!(matrix_row(&text, "2 小"), ["", "2,3", "", "", ""]);
    assert_eq!(matrix_row(&text, "5 甚大"), ["", "", "", "", ""]);

    let env = Env::new();
    env.demo_with_cyber();
    let v = env.json("risks --org demo --json");
    let n = risk(&v, "cyber")["number"].as_i64().unwrap();
    let text = env.ok("risks --org demo");
    assert!(
        matrix_row(&text, "5 甚大")[3].contains(&format!("[{n}]")),
        "{text}"
    );
    assert!(
        matrix_row(&text, "4 大")[3].contains(&format!("({n})")),
        "{text}"
    );
}

/// The `(cx, cy)` of the first circle after `data-kind="{kind}"`.
fn marker(svg: &str, kind: &str) -> (f64, f64) {
    let at = svg
        .find(&format!("data-kind=\"{kind}\""))
        .unwrap_or_else(|| panic!("{kind}"));
    let c = &svg[at..];
    let c = &c[c.find("<circle").unwrap()..c.find("/>").unwrap()];
    (number_attr(c, "cx"), number_attr(c, "cy"))
}

fn number_attr(tag: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    tag[start..].split('"').next().unwrap().parse().unwrap()
}

fn in_cell(svg: &str, (x, y): (f64, f64), cell: &str) -> bool {
    let at = svg.find(&format!("data-cell=\"{cell}\"")).unwrap();
    let tag = &svg[at..at + svg[at..].find("/>").unwrap()];
    let (rx, ry) = (number_attr(tag, "x"), number_attr(tag, "y"));
    let (w, h) = (number_attr(tag, "width"), number_attr(tag, "height"));
    x > rx && x < rx + w && y > ry && y < ry + h
}

#[test]
fn svg_puts_the_cyber_risk_upper_right_now_and_lower_after() {
    let env = Env::new();
    env.demo_with_cyber();
    env.ok("risks set --org demo fx --name 為替レートの変動 --category 財務 --probability 5 --impact 3");
    let folder = env.dir().join("charts");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("matrix.svg");
    std::fs::write(&file, "old").unwrap();
    let out = env.ok(&format!("risks --org demo --svg {}", file.display()));
    assert!(out.contains("matrix.svg"), "says where it wrote: {out}");
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<title") && svg.contains("サンプル空調株式会社"));
    let now = marker(&svg, "cyber-now");
    let after = marker(&svg, "cyber-after");
    assert!(
        in_cell(&svg, now, "4,5"),
        "now {now:?} is in the upper right cell (4,5)"
    );
    assert!(
        in_cell(&svg, after, "4,4"),
        "after {after:?} is in cell (4,4)"
    );
    assert!(after.1 > now.1, "after is lower");
    assert!(svg.contains("為替レートの変動") && svg.contains("サイバーリスク・個人情報の保護"));
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["matrix.svg"], "no temporary file is left behind");

    // With --json the SVG is still written and stdout stays pure JSON.
    let second = folder.join("again.svg");
    let v = env.json(&format!(
        "risks --org demo --json --svg {}",
        second.display()
    ));
    assert_eq!(v["org"], "demo");
    assert_eq!(
        std::fs::read_to_string(&second).unwrap(),
        svg,
        "same input, same bytes"
    );
}

#[test]
fn set_replaces_by_code_and_remove_deletes() {
    let env = Env::new();
    env.ok("org create acme --name Acme空調");
    assert!(
        env.ok("risks --org acme")
            .contains("まだ登録されていません")
    );
    let said = env.ok(
        "risks set --org acme fx --name 為替レートの変動 --category 財務 --probability 5 \
         --impact-yen 2000000000 --owner 財務部長",
    );
    assert!(said.contains("登録しました"), "{said}");
    env.ok("risks set --org acme ip --name 知的財産の保護 --category 知的財産 --probability 2 --impact 2");
    let v = env.json("risks --org acme --json");
    let fx = risk(&v, "fx");
    let got = (
        fx["impact"].as_i64(),
        fx["impact_yen"].as_i64(),
        fx["number"].as_i64(),
    );
    assert_eq!(got, (Some(3), Some(2_000_000_000), Some(1)));
    assert_eq!(fx["owner"], "財務部長");
    assert_eq!(v["cyber"], Value::Null);

    let said = env.ok(
        "risks set --org acme fx --name 為替レートの変動 --category 財務 --probability 4 --impact 4",
    );
    assert!(said.contains("更新しました"), "{said}");
    let v = env.json("risks --org acme --json");
    let fx = risk(&v, "fx");
    assert_eq!(fx["number"], 1, "keeps its number");
    assert_eq!(fx["cell"], json!({"probability": 4, "impact": 4}));
    assert_eq!(
        (fx["impact_yen"].clone(), fx["owner"].clone()),
        (Value::Null, Value::Null)
    );

    env.ok("risks remove --org acme fx");
    let v = env.json("risks --org acme --json");
    assert_eq!(v["risks"].as_array().unwrap().len(), 1);
    env.fails(
        "risks remove --org acme fx",
        "risk `fx` was not found in organisation acme",
    );
}

#[test]
fn without_loss_inputs_the_cyber_risk_is_left_off_with_a_note() {
    let env = Env::new();
    env.ok("org create acme --name Acme");
    env.ok(
        "risks set --org acme cyber --name サイバーリスク --category IT --probability 4 --cyber",
    );
    let v = env.json("risks --org acme --json");
    assert_eq!(v["cyber"], Value::Null);
    assert_eq!(risk(&v, "cyber")["cell"], Value::Null);
    let text = env.ok("risks --org acme");
    assert!(text.contains("損失額の入力がない"), "{text}");
    assert!(text.contains("mieruka loss set --org acme"), "{text}");
    let svg_file = env.dir().join("m.svg");
    env.ok(&format!("risks --org acme --svg {}", svg_file.display()));
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    assert!(svg.contains("（未配置）") && !svg.contains("cyber-now"));
    // One cyber risk per organisation.
    env.fails(
        "risks set --org acme cyber-2 --name x --category IT --probability 3 --cyber",
        "--cyber: risk `cyber` already takes its impact from the loss model",
    );
}

#[test]
fn bad_input_gives_one_line_naming_the_option() {
    let env = Env::new();
    env.ok("org create acme --name Acme");
    let set = "risks set --org acme fx --name 為替 --category 財務";
    env.fails(
        &format!("{set} --probability 7 --impact 2"),
        "--probability: 7 is outside 1–5",
    );
    env.fails(
        &format!("{set} --probability 3 --impact 6"),
        "--impact: 6 is outside 1–5",
    );
    let one = "--impact, --impact-yen, --cyber: give exactly one";
    env.fails(&format!("{set} --probability 3"), one);
    env.fails(&format!("{set} --probability 3 --impact 2 --cyber"), one);
    env.fails(
        &format!("{set} --probability 3 --impact 2 --impact-yen 5"),
        one,
    );
    let mut blank_name = words("risks set --org acme fx --category b --probability 1 --impact 1");
    blank_name.extend(["--name".to_string(), " ".to_string()]);
    env.fails_args(&blank_name, "--name: is empty");
    env.fails(
        "risks set --org acme FX --name a --category b --probability 1 --impact 1",
        "`FX` is not a valid risk code",
    );
    env.fails(
        "risks set --org nope fx --name a --category b --probability 1 --impact 1",
        "organisation `nope` was not found",
    );
    env.fails("risks --org nope", "organisation `nope` was not found");
    env.fails("risks", "--org");
    env.fails("risks --org acme --svg /nonexistent-folder/m.svg", "--svg");
    let v = env.json("risks --org acme --json");
    assert!(
        v["risks"].as_array().unwrap().is_empty(),
        "nothing was written"
    );
}
