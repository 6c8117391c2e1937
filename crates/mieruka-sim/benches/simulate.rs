//! Benchmark: 20 scenarios × 1,000,000 trials with the percentiles and the 100-point
//! loss-exceedance curve, median of 3 runs; then, if Python has numpy, the same model written
//! plainly in numpy (`numpy_baseline.py`, same scenario file) for comparison.
//!
//! Run with `cargo bench -p mieruka-sim`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use mieruka_sim::{parse_riskquant_csv, simulate};

const TRIALS: u64 = 1_000_000;
const SEED: u64 = 2019;
const RUNS: usize = 3;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    let csv = dir.join("portfolio.csv");
    let text = std::fs::read_to_string(&csv).expect("benches/portfolio.csv is readable");
    let scenarios = parse_riskquant_csv(&text).expect("benches/portfolio.csv is valid");

    let mut times = Vec::new();
    for run in 1..=RUNS {
        let start = Instant::now();
        let sim = simulate(&scenarios, TRIALS, SEED);
        let curve = sim.exceedance_curve(100);
        let elapsed = start.elapsed();
        println!(
            "run {run}: {:7.1} ms  (mean {:.0}, P50 {:.0}, P90 {:.0}, P95 {:.0}, P99 {:.0}, {} curve points)",
            elapsed.as_secs_f64() * 1e3,
            sim.mean,
            sim.p50,
            sim.p90,
            sim.p95,
            sim.p99,
            curve.len()
        );
        times.push(elapsed);
    }
    let ours = median(times).as_secs_f64();
    println!(
        "mieruka-sim: {} scenarios x {TRIALS} trials, {} threads: median {:.1} ms",
        scenarios.len(),
        rayon::current_num_threads(),
        ours * 1e3
    );

    let has_numpy = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_numpy {
        println!("numpy baseline: skipped (python3 with numpy is not available)");
        return;
    }
    let out = Command::new("python3")
        .arg(dir.join("numpy_baseline.py"))
        .arg(&csv)
        .arg(TRIALS.to_string())
        .arg(RUNS.to_string())
        .output()
        .expect("python3 runs");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        println!(
            "numpy baseline failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return;
    }
    // The script's last line is `median_seconds <value>`.
    let numpy = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("median_seconds "))
        .next_back()
        .and_then(|v| v.trim().parse::<f64>().ok());
    match numpy {
        Some(numpy) => println!(
            "numpy median {:.1} ms, mieruka-sim median {:.1} ms: {:.1}x faster",
            numpy * 1e3,
            ours * 1e3,
            numpy / ours
        ),
        None => println!("numpy baseline printed no median"),
    }
}
