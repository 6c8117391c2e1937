//! `mieruka report`: the board report for a period as PDF, HTML or Excel (`--issue` also records
//! it as issued, with the snapshot it can be rendered from again), `report reissue` to render an
//! issued report exactly as it was, `report list`, and the narrative, schedule and lint
//! subcommands (in `report_narrative` and `report_lint`).

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use mieruka_app::report;
use mieruka_report::Format;
use mieruka_store::StoreError;

use super::report_lint::LintArgs;
use super::report_narrative::{
    AskArgs, ChecklistArgs, GlossaryCommand, KpiNameArgs, ScheduleArgs, StoryCommand,
};
use super::{Ctx, find_org, now, today};
use crate::files::write_whole;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
    /// The organisation's code
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// The period (FY2026-Q3, FY2026-H2…); default: the schedule's period containing today
    #[arg(long)]
    pub period: Option<String>,
    /// pdf, html or xlsx (default: from the output file's extension, else pdf)
    #[arg(long)]
    pub format: Option<String>,
    /// Where to write the report
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Record the report as issued to the board (kept with the data version it was made from,
    /// so `mieruka report reissue` renders it again exactly)
    #[arg(long)]
    pub issue: bool,
    /// Print the view model as JSON instead of writing a file
    #[arg(long, conflicts_with = "output")]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Check a report's words: technical terms, board-irrelevant metrics, missing money, summary,
    /// trend or ask. Exits with 1 when there are findings
    Lint(LintArgs),
    /// The report schedule (quarterly by default, at least half-yearly) and the next due date
    Schedule(ScheduleArgs),
    /// Reports issued to the board, newest first
    List {
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Render an issued report again, byte for byte as it was issued
    Reissue {
        #[arg(long, value_name = "CODE")]
        org: String,
        /// The issued report's number (`mieruka report list`)
        #[arg(long)]
        id: i64,
        #[arg(long)]
        format: Option<String>,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// The strategy story (Fig. 7: strategy, challenge, solution and effect, investment)
    Story {
        #[command(subcommand)]
        command: StoryCommand,
    },
    /// What a period's report asks the board to decide or note
    Ask(AskArgs),
    /// The five-step approach checklist (Fig. 6) of a period
    Checklist(ChecklistArgs),
    /// The board's name (and purpose) of a KPI, in business words
    KpiName(KpiNameArgs),
    /// The organisation's own glossary terms for the lint
    Glossary {
        #[command(subcommand)]
        command: GlossaryCommand,
    },
}

/// The format asked for, else the output file's extension, else PDF.
fn format_of(format: Option<&str>, output: Option<&PathBuf>) -> Result<Format> {
    if let Some(f) = format {
        return Format::parse(f).map_err(|e| anyhow!("--format: {e}"));
    }
    let ext = output
        .and_then(|o| o.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match ext.as_deref() {
        Some("html" | "htm") => Format::Html,
        Some("xlsx") => Format::Xlsx,
        _ => Format::Pdf,
    })
}

pub async fn run(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    match args.command {
        Some(ReportCommand::Lint(a)) => super::report_lint::run(ctx, a).await,
        Some(ReportCommand::Schedule(a)) => super::report_narrative::schedule(ctx, a).await,
        Some(ReportCommand::List { org, json }) => list(ctx, &org, json).await,
        Some(ReportCommand::Reissue {
            org,
            id,
            format,
            output,
        }) => reissue(ctx, &org, id, format.as_deref(), &output).await,
        Some(ReportCommand::Story { command }) => {
            super::report_narrative::story(ctx, command).await
        }
        Some(ReportCommand::Ask(a)) => super::report_narrative::ask(ctx, a).await,
        Some(ReportCommand::Checklist(a)) => super::report_narrative::checklist(ctx, a).await,
        Some(ReportCommand::KpiName(a)) => super::report_narrative::kpi_name(ctx, a).await,
        Some(ReportCommand::Glossary { command }) => {
            super::report_narrative::glossary(ctx, command).await
        }
        None => make(ctx, args).await,
    }
}

async fn make(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    let org = args
        .org
        .ok_or_else(|| anyhow!("--org: which organisation (e.g. --org demo)"))?;
    if args.output.is_none() && !args.json {
        bail!("-o/--output: where to write the report (e.g. -o report.pdf), or --json");
    }
    let format = format_of(args.format.as_deref(), args.output.as_ref())?;
    let store = ctx.store().await?;
    let o = find_org(&store, &org).await?;
    let period = report::resolve_period(&store, &o, args.period.as_deref(), today(&o)).await?;
    let (issued, model) = if args.issue {
        let (i, m) = report::issue(&store, &o, &period, ctx.lang, now()).await?;
        (Some(i), m)
    } else {
        (
            None,
            report::build(&store, &o, &period, ctx.lang, today(&o)).await?,
        )
    };
    store.close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&model)?);
        return Ok(());
    }
    let output = args.output.expect("checked above");
    let bytes = mieruka_report::render(&model, format)?;
    write_whole(&output, &bytes, Some("--output"))?;
    match issued {
        Some(i) => eprintln!(
            "{}",
            ctx.t(
                "cli_report_issued",
                &[
                    ("id", &i.id),
                    ("period", &period.id),
                    ("version", &i.data_version),
                    ("file", &output.display()),
                ],
            )
        ),
        None => eprintln!(
            "{}",
            ctx.t(
                "cli_report_written",
                &[("period", &period.id), ("file", &output.display())],
            )
        ),
    }
    Ok(())
}

async fn list(ctx: &Ctx, org: &str, json: bool) -> Result<()> {
    let store = ctx.store().await?;
    let o = find_org(&store, org).await?;
    let listed = report::IssuedReports::read(&store, &o, today(&o)).await?;
    store.close().await;
    if json {
        println!("{}", super::json_text(&listed)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = listed
        .issued
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.period.clone(),
                i.lang.clone(),
                i.data_version.to_string(),
                i.issued_by.clone(),
                i.issued_at.clone(),
                i.sha256[..12].to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("{}", ctx.t("cli_report_none_issued", &[]));
    } else {
        let head: Vec<String> = ["id", "period", "lang", "data", "by", "at", "sha256"]
            .map(String::from)
            .to_vec();
        print!("{}", crate::render::table(&head, &rows));
    }
    println!("{}", super::report_narrative::next_line(ctx, &listed.next));
    Ok(())
}

async fn reissue(
    ctx: &Ctx,
    org: &str,
    id: i64,
    format: Option<&str>,
    output: &PathBuf,
) -> Result<()> {
    let format = format_of(format, Some(output))?;
    let store = ctx.store().await?;
    let o = find_org(&store, org).await?;
    let (issued, model) = match report::issued(&store, &o, id).await {
        Err(mieruka_app::AppError::Store(StoreError::NotFound { .. })) => bail!(
            "--id: organisation {org} has no issued report {id} (`mieruka report list --org {org}`)"
        ),
        other => other?,
    };
    store.close().await;
    let bytes = mieruka_report::render(&model, format)?;
    write_whole(output, &bytes, Some("--output"))?;
    eprintln!(
        "{}",
        ctx.t(
            "cli_report_written_as_issued",
            &[
                ("id", &issued.id),
                ("period", &issued.period),
                ("version", &issued.data_version),
                ("file", &output.display()),
            ],
        )
    );
    Ok(())
}
