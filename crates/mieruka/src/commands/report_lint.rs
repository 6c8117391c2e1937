//! `mieruka report lint`: checks a report's words before it reaches the board — the
//! organisation's report for a period (both languages), or any text file. Prints each finding
//! (where, the term, why, what to write instead), or JSON; exits with status 1 when there are
//! findings, so a script can stop on them.

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use clap::Args;
use mieruka_domain::Lang;
use mieruka_domain::report::glossary::Glossary;
use mieruka_domain::report::lint::{Finding, lint_text};

use super::{Ctx, find_org, today};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The organisation whose report (story, ask, KPIs, summary) is checked
    #[arg(long, value_name = "CODE", required_unless_present = "file")]
    pub org: Option<String>,
    /// The period (default: the schedule's period containing today)
    #[arg(long, conflicts_with = "file")]
    pub period: Option<String>,
    /// Check this text file instead (with --org, the organisation's glossary terms too)
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

fn print(ctx: &Ctx, findings: &[(Lang, Finding)], json: bool) -> Result<()> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "clean": findings.is_empty(),
                "findings": mieruka_app::report::LintedFinding::all(findings),
            }))?
        );
    } else if findings.is_empty() {
        println!("{}", ctx.t("cli_report_lint_clean", &[]));
    } else {
        for (lang, f) in findings {
            let tag = match lang {
                Lang::Ja => "ja",
                Lang::En => "en",
            };
            println!("[{tag}] {}", f.message);
        }
    }
    if !findings.is_empty() {
        bail!(
            "{}",
            ctx.t("cli_report_lint_findings", &[("count", &findings.len())])
        );
    }
    Ok(())
}

pub async fn run(ctx: &Ctx, args: LintArgs) -> Result<()> {
    if let Some(file) = &args.file {
        let text = crate::files::read_text_limited(file, &format!("--file {}", file.display()))?;
        let glossary = match &args.org {
            Some(org) => {
                let store = ctx.store().await?;
                let o = find_org(&store, org).await?;
                let g = mieruka_app::report::glossary(&store, &o).await?;
                store.close().await;
                g
            }
            None => Glossary::builtin(),
        };
        let findings: Vec<(Lang, Finding)> = lint_text(&glossary, &text, ctx.lang)
            .into_iter()
            .map(|f| (ctx.lang, f))
            .collect();
        return print(ctx, &findings, args.json);
    }
    let org = args
        .org
        .as_deref()
        .ok_or_else(|| anyhow!("--org or --file: what to check"))?;
    let store = ctx.store().await?;
    let o = find_org(&store, org).await?;
    let period =
        mieruka_app::report::resolve_period(&store, &o, args.period.as_deref(), today(&o)).await?;
    let findings = mieruka_app::report::lint(&store, &o, &period, today(&o)).await?;
    store.close().await;
    print(ctx, &findings, args.json)
}
