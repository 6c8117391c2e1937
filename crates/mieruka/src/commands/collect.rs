//! `mieruka collect`: figures computed from files exported by other tools. `vulnerabilities`
//! reads a findings CSV and prints, per business unit × severity, the hours to start and to
//! resolve (mean and P90) and the share resolved within SLA, as a table or JSON, with the
//! counts of rows read, accepted and rejected.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use mieruka_connectors::vulns::{GroupSummary, Options, Report, Severity, SlaPolicy, analyse_file};
use mieruka_domain::Lang;

use super::Ctx;
use crate::render::table;

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(subcommand)]
    pub command: CollectCommand,
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// Vulnerability findings CSV: time to start and to resolve, share within SLA, per business
    /// unit and severity
    Vulnerabilities {
        /// CSV with finding_id, asset_id, business_unit, severity, published_at, detected_at,
        /// started_at, resolved_at (UTF-8, timestamps like 2026-03-01T12:34:56Z)
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Refuse the whole file at the first bad row
        #[arg(long)]
        strict: bool,
        /// SLA in days for a severity (default critical=7, high=30); repeatable
        #[arg(long = "sla", value_name = "SEVERITY=DAYS")]
        sla: Vec<String>,
        /// Record the results as measurements of the organisation's plans for KPIs 1.12.1 (time to
        /// start) and 1.12.2 (time to resolve), per unit whose code or name is the business unit
        #[arg(long, requires = "org")]
        write: bool,
        /// The organisation to write to
        #[arg(long, value_name = "CODE")]
        org: Option<String>,
        /// The period whose plans receive the measurements (default: the half-year containing the date)
        #[arg(long)]
        period: Option<String>,
        /// Date of the measurements (YYYY-MM-DD), default today
        #[arg(long)]
        date: Option<String>,
        /// Severity the KPIs are about (the report's 1.12.x concern urgent vulnerabilities)
        #[arg(long, default_value = "critical")]
        severity: String,
    },
}

pub async fn run(ctx: &Ctx, args: CollectArgs) -> Result<()> {
    match args.command {
        CollectCommand::Vulnerabilities {
            file,
            json,
            strict,
            sla,
            write,
            org,
            period,
            date,
            severity,
        } => {
            let mut policy = SlaPolicy::default();
            for s in &sla {
                policy.apply(s).map_err(|e| anyhow!("--sla {e}"))?;
            }
            let options = Options {
                sla: policy,
                strict,
                ..Options::default()
            };
            let severity = Severity::from_bytes(severity.trim().to_ascii_lowercase().as_bytes())
                .ok_or_else(|| {
                    anyhow!("--severity: `{severity}` is not critical, high, medium or low")
                })?;
            let target = match (write, org) {
                (true, Some(org)) => Some(
                    super::collect_write::prepare(
                        ctx,
                        &super::collect_write::Target {
                            org,
                            period,
                            date,
                            severity,
                        },
                    )
                    .await?,
                ),
                _ => None,
            };
            let report = with_progress(&file, options)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report.groups)?);
                eprint!("{}", counts(ctx.lang, &report));
            } else {
                print!("{}", text(ctx.lang, &report));
            }
            if let Some(prepared) = target {
                super::collect_write::write(ctx, prepared, &file, &report).await?;
            }
            Ok(())
        }
    }
}

/// Runs the computation, showing the share of the file read on stderr when it is a terminal.
fn with_progress(file: &std::path::Path, mut options: Options) -> Result<Report> {
    let total = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if !std::io::stderr().is_terminal() || total < (64 << 20) {
        return Ok(analyse_file(file, &options)?);
    }
    let done = Arc::new(AtomicU64::new(0));
    options.progress = Some(done.clone());
    let finished = Arc::new(AtomicBool::new(false));
    let shower = {
        let finished = finished.clone();
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                let pct = done.load(Ordering::Relaxed) as f64 * 100.0 / total as f64;
                eprint!("\r{pct:5.1}%");
                std::thread::sleep(Duration::from_millis(200));
            }
            eprint!("\r       \r");
        })
    };
    let result = analyse_file(file, &options);
    finished.store(true, Ordering::Relaxed);
    let _ = shower.join();
    Ok(result?)
}

fn severity_label(lang: Lang, s: Severity) -> &'static str {
    match (lang, s) {
        (Lang::Ja, Severity::Critical) => "緊急",
        (Lang::Ja, Severity::High) => "高",
        (Lang::Ja, Severity::Medium) => "中",
        (Lang::Ja, Severity::Low) => "低",
        (_, s) => s.code(),
    }
}

fn hours(v: Option<f64>) -> String {
    v.map_or("—".into(), |h| format!("{h:.1}"))
}

fn row(lang: Lang, g: &GroupSummary) -> Vec<String> {
    vec![
        g.business_unit.clone(),
        severity_label(lang, g.severity).into(),
        g.findings.to_string(),
        g.started.to_string(),
        hours(g.mean_hours_to_start),
        hours(g.p90_hours_to_start),
        g.resolved.to_string(),
        hours(g.mean_hours_to_resolve),
        hours(g.p90_hours_to_resolve),
        g.sla_share
            .map_or("—".into(), |s| format!("{:.1}%", s * 100.0)),
    ]
}

/// The table, then the counts and the first rejected rows.
pub fn text(lang: Lang, report: &Report) -> String {
    let header: Vec<String> = match lang {
        Lang::Ja => [
            "事業部門",
            "深刻度",
            "件数",
            "着手済",
            "着手まで平均(時間)",
            "着手まで P90(時間)",
            "解決済",
            "解決まで平均(時間)",
            "解決まで P90(時間)",
            "SLA 内",
        ],
        Lang::En => [
            "Business unit",
            "Severity",
            "Findings",
            "Started",
            "Mean h to start",
            "P90 h to start",
            "Resolved",
            "Mean h to resolve",
            "P90 h to resolve",
            "Within SLA",
        ],
    }
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = report.groups.iter().map(|g| row(lang, g)).collect();
    let mut out = if rows.is_empty() {
        match lang {
            Lang::Ja => "集計できる行がありません。\n".to_string(),
            Lang::En => "No rows to summarise.\n".to_string(),
        }
    } else {
        table(&header, &rows)
    };
    out.push('\n');
    out.push_str(&counts(lang, report));
    out
}

/// The counts line and the first rejected rows.
pub fn counts(lang: Lang, r: &Report) -> String {
    let mut out = match lang {
        Lang::Ja => format!(
            "読み込み {} 行、採用 {} 行、除外 {} 行\n",
            r.read, r.accepted, r.rejected
        ),
        Lang::En => format!(
            "read {} rows, accepted {}, rejected {}\n",
            r.read, r.accepted, r.rejected
        ),
    };
    if !r.first_rejected.is_empty() {
        out.push_str(match lang {
            Lang::Ja => "除外した行 (最初の 10 行まで):\n",
            Lang::En => "rejected rows (the first 10):\n",
        });
        for b in &r.first_rejected {
            match lang {
                Lang::Ja => out.push_str(&format!("  {} 行目: {}\n", b.line, b.reason)),
                Lang::En => out.push_str(&format!("  line {}: {}\n", b.line, b.reason)),
            }
        }
    }
    out
}
