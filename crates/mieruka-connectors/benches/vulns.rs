//! Benchmark of the vulnerability connector on 10,000,000 generated findings (about 1.2 GB):
//! median of 3 runs, peak memory (`VmHWM`) of a child process running one computation, and —
//! when `python3 -c "import duckdb"` works — the same query in DuckDB, its time, the ratio and a
//! check that every figure agrees to 1e-9 relative.
//!
//! `MIERUKA_VULNS_CSV` sets the file (generated when absent, default in the temp folder);
//! `MIERUKA_VULNS_ROWS` the number of rows generated (default 10,000,000).

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mieruka_connectors::vulns::{GroupSummary, Options, analyse_file};
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // The child process: one computation, then its peak memory.
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let report = analyse_file(Path::new(&args[i + 1]), &Options::default()).expect("runs");
        println!("{} {}", report.accepted, vm_hwm_kib());
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let rows: u64 = std::env::var("MIERUKA_VULNS_ROWS")
        .ok()
        .and_then(|r| r.replace('_', "").parse().ok())
        .unwrap_or(10_000_000);
    let path = std::env::var_os("MIERUKA_VULNS_CSV").map_or_else(
        || std::env::temp_dir().join(format!("mieruka-vulns-{rows}.csv")),
        PathBuf::from,
    );
    if !path.exists() {
        eprintln!("generating {rows} rows into {}", path.display());
        let tmp = path.with_extension("partial");
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).unwrap());
        mieruka_connectors::vulns::generate::write_findings(&mut out, rows, 2026).unwrap();
        out.flush().unwrap();
        drop(out);
        std::fs::rename(&tmp, &path).unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    println!("file: {} ({:.2} GB)", path.display(), size as f64 / 1e9);

    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..3 {
        let t = Instant::now();
        report = Some(analyse_file(&path, &Options::default()).unwrap());
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let ours = times[1];
    let report = report.unwrap();
    println!(
        "mieruka: median {ours:.3} s of {times:.3?}, {} rows accepted, {} rejected, {} groups",
        report.accepted,
        report.rejected,
        report.groups.len()
    );
    let child = Command::new(&args[0])
        .args(["--child", path.to_str().unwrap()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout);
    let peak_kib: u64 = out
        .split_whitespace()
        .nth(1)
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    println!(
        "mieruka peak memory (VmHWM of one run): {:.1} MiB",
        peak_kib as f64 / 1024.0
    );

    let has_duckdb = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_duckdb {
        println!("DuckDB: not available (pip install duckdb to compare)");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/duckdb_vulns.py");
    let mut duck_times = Vec::new();
    let mut duck: Value = Value::Null;
    for _ in 0..3 {
        let out = Command::new("python3")
            .arg(&script)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        duck = serde_json::from_slice(&out.stdout).unwrap();
        duck_times.push(duck["seconds"].as_f64().unwrap());
    }
    duck_times.sort_by(f64::total_cmp);
    let theirs = duck_times[1];
    println!(
        "DuckDB: median {theirs:.3} s of {duck_times:.3?}; mieruka is {:.2}× faster",
        theirs / ours
    );
    compare(&report.groups, &duck["groups"]);
}

fn compare(ours: &[GroupSummary], duck: &Value) {
    let duck: HashMap<(String, String), &Value> = duck
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                (
                    g["business_unit"].as_str().unwrap().to_string(),
                    g["severity"].as_str().unwrap().to_string(),
                ),
                g,
            )
        })
        .collect();
    assert_eq!(duck.len(), ours.len(), "group counts differ");
    let mut worst = 0f64;
    for g in ours {
        let d = duck[&(g.business_unit.clone(), g.severity.code().to_string())];
        assert_eq!(d["findings"].as_u64(), Some(g.findings));
        assert_eq!(d["started"].as_u64(), Some(g.started));
        assert_eq!(d["resolved"].as_u64(), Some(g.resolved));
        for (name, v) in [
            ("mean_hours_to_start", g.mean_hours_to_start),
            ("p90_hours_to_start", g.p90_hours_to_start),
            ("mean_hours_to_resolve", g.mean_hours_to_resolve),
            ("p90_hours_to_resolve", g.p90_hours_to_resolve),
            ("sla_share", g.sla_share),
        ] {
            match (v, d[name].as_f64()) {
                (Some(a), Some(b)) => {
                    let rel = (a - b).abs() / b.abs().max(1e-300);
                    worst = worst.max(if a == b { 0.0 } else { rel });
                    assert!(
                        rel <= 1e-9,
                        "{} {} {name}: {a} vs DuckDB {b}",
                        g.business_unit,
                        g.severity
                    );
                }
                (a, b) => assert_eq!(a, b, "{} {} {name}", g.business_unit, g.severity),
            }
        }
    }
    println!(
        "all {} groups agree with DuckDB (largest relative difference {worst:.1e})",
        ours.len()
    );
}

/// Peak resident memory of this process, in KiB.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
