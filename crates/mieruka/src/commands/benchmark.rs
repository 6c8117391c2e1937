//! `mieruka benchmark import | list | remove`: peer figures for the board report's comparison
//! with other organisations, kept server-wide.
//!
//! Import reads a CSV or Excel file through the same reader as measurement files, maps its header
//! (`mieruka_app::benchmarks::Columns`) and checks every row — the domain's rules, a known KPI the
//! figures fit, one row per KPI and date — before anything is written. Any bad row refuses the
//! whole file: each is listed with its line, column and reason, and nothing changes.

use anyhow::{Result, anyhow, bail};
use mieruka_app::benchmarks::{self, BenchmarkView, Checked, Columns};
use mieruka_app::measure_file::{self, Problem};
use mieruka_domain::Lang;
use mieruka_domain::benchmark::Benchmark;
use mieruka_domain::i18n::tr;
use mieruka_store::StoreError;
use mieruka_store::benchmarks::StoredBenchmark;
use serde_json::{Value, json};

use super::{Ctx, now, parse_date};
use crate::cli::BenchmarkCommand;
use crate::render::table;

pub async fn run(ctx: &Ctx, command: BenchmarkCommand) -> Result<()> {
    match command {
        BenchmarkCommand::Import {
            file,
            dry_run,
            json,
        } => import(ctx, &file, dry_run, json).await,
        BenchmarkCommand::List { json } => list(ctx, json).await,
        BenchmarkCommand::Remove { kpi, as_of } => remove(ctx, &kpi, &as_of).await,
    }
}

/// What importing a row would do to the stored figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Add,
    Replace,
    Unchanged,
}

impl Effect {
    fn of(b: &Benchmark, stored: &[StoredBenchmark]) -> Effect {
        match stored
            .iter()
            .find(|s| s.benchmark.kpi == b.kpi && s.benchmark.as_of == b.as_of)
        {
            None => Effect::Add,
            Some(s) if s.benchmark == *b => Effect::Unchanged,
            Some(_) => Effect::Replace,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Effect::Add => "add",
            Effect::Replace => "replace",
            Effect::Unchanged => "unchanged",
        }
    }

    fn label(self, lang: Lang) -> String {
        tr(lang, &format!("benchmark_change_{}", self.code()), &[])
    }
}

/// A number as typed: `60`, `92.5`; empty when absent.
fn number(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn import(ctx: &Ctx, path: &std::path::Path, dry_run: bool, json: bool) -> Result<()> {
    let lang = ctx.lang;
    let file = path.display().to_string();
    let limits = crate::files::limits()?;
    let bytes = limits.read_file(path, &file).map_err(|e| anyhow!(e))?;
    let sheet = measure_file::read(&file, &bytes, &limits).map_err(|e| anyhow!(e))?;
    let columns = Columns::from_header(&sheet.header).map_err(|e| anyhow!("{file}: {e}"))?;
    let store = ctx.store().await?;
    let checked = benchmarks::check_file(&store, &sheet, &columns).await?;
    if !checked.problems.is_empty() {
        store.close().await;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report_json(&file, &checked, dry_run, None))?
            );
        } else {
            for p in &checked.problems {
                eprintln!("  {}", problem_line(lang, p));
            }
        }
        bail!(
            "{}",
            tr(
                lang,
                "benchmark_refused",
                &[
                    ("file", &file),
                    ("rows", &checked.rows),
                    ("invalid", &checked.invalid_rows()),
                ],
            )
        );
    }
    let stored = store.benchmarks().await?;
    let effects: Vec<Effect> = checked
        .good
        .iter()
        .map(|g| Effect::of(&g.benchmark, &stored))
        .collect();
    let count = |e: Effect| effects.iter().filter(|x| **x == e).count();
    let (added, replaced, unchanged) = if dry_run {
        (
            count(Effect::Add),
            count(Effect::Replace),
            count(Effect::Unchanged),
        )
    } else {
        let rows: Vec<Benchmark> = checked.good.iter().map(|g| g.benchmark.clone()).collect();
        let c = store
            .set_benchmarks(&rows, now())
            .await
            .map_err(|e| anyhow!("{file}: nothing was imported: {e}"))?;
        (c.added, c.replaced, c.unchanged)
    };
    store.close().await;
    if json {
        let mut out = report_json(&file, &checked, dry_run, Some(&effects));
        out["added"] = json!(added);
        out["replaced"] = json!(replaced);
        out["unchanged"] = json!(unchanged);
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let args: [(&str, &dyn std::fmt::Display); 5] = [
        ("file", &file),
        ("rows", &checked.rows),
        ("added", &added),
        ("replaced", &replaced),
        ("unchanged", &unchanged),
    ];
    if dry_run {
        print!("{}", preview(lang, &checked, &effects));
        println!("{}", tr(lang, "benchmark_dry_run", &args));
    } else {
        println!("{}", tr(lang, "benchmark_imported", &args));
    }
    Ok(())
}

fn problem_line(lang: Lang, p: &Problem) -> String {
    if p.column.is_empty() {
        tr(
            lang,
            "benchmark_problem_line",
            &[("line", &p.row), ("reason", &p.reason)],
        )
    } else {
        tr(
            lang,
            "benchmark_problem",
            &[
                ("line", &p.row),
                ("column", &p.column),
                ("reason", &p.reason),
            ],
        )
    }
}

fn report_json(file: &str, c: &Checked, dry_run: bool, effects: Option<&[Effect]>) -> Value {
    let invalid: Vec<Value> = c
        .problems
        .iter()
        .map(|p| json!({"line": p.row, "column": p.column, "field": p.field, "reason": p.reason}))
        .collect();
    let rows: Vec<Value> = c
        .good
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut v = json!(g.benchmark);
            v["line"] = json!(g.row);
            if let Some(e) = effects.and_then(|e| e.get(i)) {
                v["change"] = json!(e.code());
            }
            v
        })
        .collect();
    json!({
        "file": file,
        "rows": c.rows,
        "dry_run": dry_run,
        "imported": !dry_run && c.problems.is_empty(),
        "invalid": invalid,
        "benchmarks": rows,
    })
}

fn header(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| tr(lang, &format!("benchmark_col_{k}"), &[]))
        .collect()
}

fn cells(b: &Benchmark) -> Vec<String> {
    vec![
        b.kpi.to_string(),
        b.as_of.to_string(),
        b.median.to_string(),
        number(b.lower),
        number(b.upper),
        b.peers.to_string(),
        b.source.clone(),
        b.industry.clone().unwrap_or_default(),
    ]
}

const COLUMNS: [&str; 8] = [
    "kpi", "as_of", "median", "lower", "upper", "peers", "source", "industry",
];

fn preview(lang: Lang, c: &Checked, effects: &[Effect]) -> String {
    let mut keys = vec!["line"];
    keys.extend(COLUMNS);
    keys.push("change");
    let body: Vec<Vec<String>> = c
        .good
        .iter()
        .zip(effects)
        .map(|(g, e)| {
            let mut row = vec![g.row.to_string()];
            row.extend(cells(&g.benchmark));
            row.push(e.label(lang));
            row
        })
        .collect();
    table(&header(lang, &keys), &body)
}

async fn list(ctx: &Ctx, json: bool) -> Result<()> {
    let store = ctx.store().await?;
    let all = store.benchmarks().await?;
    store.close().await;
    if json {
        let items: Vec<BenchmarkView> = all.iter().map(BenchmarkView::from).collect();
        println!("{}", super::json_text(&items)?);
        return Ok(());
    }
    if all.is_empty() {
        println!("{}", tr(ctx.lang, "benchmark_none", &[]));
        return Ok(());
    }
    let body: Vec<Vec<String>> = all.iter().map(|s| cells(&s.benchmark)).collect();
    print!("{}", table(&header(ctx.lang, &COLUMNS), &body));
    Ok(())
}

async fn remove(ctx: &Ctx, kpi: &str, as_of: &str) -> Result<()> {
    let lang = ctx.lang;
    let kpi = kpi.trim();
    let as_of = parse_date("--as-of", as_of)?;
    let store = ctx.store().await?;
    let removed = store.remove_benchmark(kpi, as_of).await;
    store.close().await;
    let args: [(&str, &dyn std::fmt::Display); 2] = [("kpi", &kpi), ("as_of", &as_of)];
    match removed {
        Err(StoreError::NotFound { .. }) => {
            bail!("{}", tr(lang, "benchmark_not_found", &args))
        }
        other => other?,
    }
    println!("{}", tr(lang, "benchmark_removed", &args));
    Ok(())
}
