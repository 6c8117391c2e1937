//! `mieruka simulate` as a user runs it: a riskquant scenario file or an organisation, text and
//! JSON output, the SVG chart, and one clear line for every bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A private home folder and database for one test.
struct Env {
    home: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    fn write(&self, name: &str, contents: &[u8]) -> String {
        let p = self.path(name);
        std::fs::write(&p, contents).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        let url = format!("sqlite://{}", self.path("m.sqlite3").display());
        Command::new(env!("CARGO_BIN_EXE_mieruka"))
            .args(["--database", &url])
            .args(args)
            .env("MIERUKA_HOME", self.home.path())
            .env_remove("MIERUKA_DATABASE_URL")
            .env_remove("MIERUKA_LANG")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("mieruka runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "mieruka {args:?} failed: {stderr}");
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON output")
    }

    /// Runs a command that must fail; its stderr must be one line containing every needle.
    fn fails(&self, args: &[&str], needles: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "mieruka {args:?} should fail");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for n in needles {
            assert!(stderr.contains(n), "`{n}` missing from: {stderr}");
        }
        stderr
    }
}

/// riskquant's format, no header: a quoted name with a comma, rates 0.05–2.
const PORTFOLIO: &str = "\
r1,\"Ransomware, main site\",0.05,10000,1000000
r2,Business email compromise,0.5,20000,500000
r3,Lost laptop,2,10000,100000
r4,Cloud misconfiguration,0.2,50000,800000
r5,Insider theft,0.1,10000,1000000
";

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is a number in {v}"))
}

#[test]
fn simulated_mean_agrees_with_the_analytic_mean_within_1_percent() {
    let env = Env::new();
    let file = env.write("portfolio.csv", PORTFOLIO.as_bytes());
    let v = env.json(&["simulate", "--scenarios", &file, "--json"]);
    assert_eq!(v["trials"], 1_000_000);
    assert_eq!(v["seed"], 2019);
    let (mean, analytic) = (num(&v, "mean"), num(&v, "analytic_mean"));
    assert!(
        (mean - analytic).abs() / analytic < 0.01,
        "mean {mean} vs analytic {analytic}"
    );
    let p: Vec<f64> = ["p50", "p90", "p95", "p99"]
        .iter()
        .map(|k| num(&v, k))
        .collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 5);
    assert_eq!(scenarios[0]["id"], "r1");
    assert_eq!(scenarios[0]["name"], "Ransomware, main site");
    for s in scenarios {
        for key in ["annual_rate", "low_p5", "high_p95", "mean", "analytic_mean"] {
            num(s, key);
        }
    }
    let total: f64 = scenarios.iter().map(|s| num(s, "analytic_mean")).sum();
    assert!((total - analytic).abs() < 1e-6 * analytic);
    let curve = v["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 100);
    let probs: Vec<f64> = curve.iter().map(|p| num(p, "probability")).collect();
    assert!(probs.windows(2).all(|w| w[1] <= w[0]), "non-increasing");
    assert!(
        curve
            .windows(2)
            .all(|w| num(&w[1], "loss") > num(&w[0], "loss"))
    );
}

#[test]
fn the_same_seed_gives_the_same_json_and_another_seed_does_not() {
    let env = Env::new();
    let file = env.write("portfolio.csv", PORTFOLIO.as_bytes());
    let args = [
        "simulate",
        "--scenarios",
        &file,
        "--json",
        "--trials",
        "200000",
    ];
    let a = env.ok(&args);
    assert_eq!(a, env.ok(&args));
    let b = env.ok(&[&args[..], &["--seed", "7"]].concat());
    assert_ne!(a, b);
    let b: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(b["seed"], 7);
}

#[test]
fn text_output_reads_in_japanese_by_default_and_in_english_on_request() {
    let env = Env::new();
    let file = env.write("portfolio.csv", PORTFOLIO.as_bytes());
    let ja = env.ok(&["simulate", "--scenarios", &file, "--trials", "100000"]);
    assert!(
        ja.contains("100,000 年分") && ja.contains("シード 2019"),
        "{ja}"
    );
    assert!(
        ja.contains("平均") && ja.contains("P99") && ja.contains("万円"),
        "{ja}"
    );
    assert!(ja.contains("Ransomware, main site"), "{ja}");
    let en = env.ok(&[
        "--lang",
        "en",
        "simulate",
        "--scenarios",
        &file,
        "--trials",
        "100000",
    ]);
    assert!(en.contains("100,000 simulated years, seed 2019"), "{en}");
    assert!(en.contains("mean") && en.contains("analytic"), "{en}");
    assert!(!en.contains("万円"), "{en}");
}

#[test]
fn bad_scenario_files_give_one_line_naming_row_and_column() {
    let env = Env::new();
    let cases: [(&str, &[&str]); 6] = [
        (
            "a,A,0.1,1000,2000\nb,B,-0.5,1000,2000\n",
            &["row 2", "annual_rate", "≥ 0"],
        ),
        (
            "a,A,0.1,5000,2000\n",
            &["row 1", "high_p95", "above low_p5"],
        ),
        ("a,A,0.1,0,2000\n", &["row 1", "low_p5"]),
        (
            "a,A,sometimes,1000,2000\n",
            &["row 1", "annual_rate", "not a number"],
        ),
        ("a,A,0.1,1000\n", &["row 1", "high_p95", "missing"]),
        (
            "id,name,annual_rate,low_p5,high_p95\na,A,0.1,1000,2000\n",
            &["row 1", "annual_rate", "header"],
        ),
    ];
    for (i, (text, needles)) in cases.iter().enumerate() {
        let file = env.write(&format!("bad{i}.csv"), text.as_bytes());
        let err = env.fails(&["simulate", "--scenarios", &file], needles);
        assert!(
            err.contains(&format!("bad{i}.csv")),
            "names the file: {err}"
        );
    }
    // Several bad rows: all of them, still on one line.
    let file = env.write("many.csv", b"a,A,-1,1,2\nb,B,0.1,1,2\nc,C,0.1,3,2\n");
    env.fails(
        &["simulate", "--scenarios", &file],
        &["row 1, column annual_rate", "row 3, column high_p95"],
    );
    let file = env.write("latin1.csv", b"a,Caf\xe9,0.1,1,2\n");
    env.fails(
        &["simulate", "--scenarios", &file],
        &["latin1.csv", "UTF-8"],
    );
    let file = env.write("empty.csv", b"\n\n");
    env.fails(&["simulate", "--scenarios", &file], &["no scenarios"]);
    let missing = env.path("missing.csv");
    env.fails(
        &["simulate", "--scenarios", missing.to_str().unwrap()],
        &["cannot read", "missing.csv"],
    );
}

#[test]
fn bad_options_give_one_line() {
    let env = Env::new();
    let file = env.write("portfolio.csv", PORTFOLIO.as_bytes());
    env.fails(
        &["simulate", "--scenarios", &file, "--trials", "0"],
        &["--trials"],
    );
    env.fails(&["simulate"], &["--scenarios", "--org"]);
    env.fails(&["simulate", "--org", "nosuch"], &["nosuch", "not found"]);
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn svg_chart_is_written_whole() {
    let env = Env::new();
    let file = env.write("portfolio.csv", PORTFOLIO.as_bytes());
    let svg = env.path("curve.svg");
    env.ok(&[
        "simulate",
        "--scenarios",
        &file,
        "--trials",
        "100000",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    let text = read(&svg);
    assert!(text.starts_with("<svg"), "{}", &text[..80]);
    assert!(text.contains("<polyline") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("超過確率") && text.contains("portfolio"));
    // No temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(env.home.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".mieruka"))
        .collect();
    assert!(leftovers.is_empty());
    let nowhere = env.path("no/such/dir/curve.svg");
    env.fails(
        &[
            "simulate",
            "--scenarios",
            &file,
            "--svg",
            nowhere.to_str().unwrap(),
        ],
        &["--svg", "curve.svg"],
    );
}

#[test]
fn an_organisation_is_simulated_now_and_after_on_shared_thresholds() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve"]);
    let svg = env.path("org.svg");
    let v = env.json(&[
        "simulate",
        "--org",
        "demo",
        "--json",
        "--trials",
        "200000",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(v["org"], "demo");
    assert_eq!(v["trials"], 200_000);
    let portfolios = v["portfolios"].as_array().unwrap();
    let labels: Vec<&str> = portfolios
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["now", "after"]);
    let losses = |p: &Value| -> Vec<f64> {
        p["curve"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| num(c, "loss"))
            .collect()
    };
    assert_eq!(losses(&portfolios[0]), losses(&portfolios[1]));
    assert_eq!(losses(&portfolios[0]).len(), 100);
    for p in portfolios {
        let (mean, analytic) = (num(p, "mean"), num(p, "analytic_mean"));
        assert!(
            (mean - analytic).abs() / analytic < 0.05,
            "{mean} vs {analytic}"
        );
        assert!(!p["scenarios"].as_array().unwrap().is_empty());
    }
    assert!(num(&portfolios[1], "analytic_mean") <= num(&portfolios[0], "analytic_mean"));
    let text = read(&svg);
    assert_eq!(text.matches("<polyline").count(), 2);
    assert!(text.contains("現在") && text.contains("KPI 達成後"));
}
