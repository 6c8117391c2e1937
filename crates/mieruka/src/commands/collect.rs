//! `mieruka collect`: figures computed from files exported by other tools, printed as a table
//! or JSON with the counts of rows read, accepted and rejected; with `--write`, recorded as
//! measurements of the organisation's plans for the catalogue KPIs the file feeds. One
//! subcommand per connector; the column mapping (`--map FILE.toml`, `--column OURS=THEIRS`)
//! is shared by all.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use mieruka_connectors::datetime::Zone;
use mieruka_connectors::figures::KpiFigure;
use mieruka_connectors::vulns::{self, Severity, SlaPolicy};
use mieruka_connectors::{
    ColumnMap, assets, coverage, defectdojo, gophish, incidents, openscap, training,
};

use super::Ctx;
use super::collect_input::{columns, name, one_file, open, open_table, with_progress};
use super::collect_render as render;
use super::collect_write::{self, Target};

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(subcommand)]
    pub command: CollectCommand,
}

/// What every connector takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The exported file (openscap: repeat for several result files)
    #[arg(long, required = true)]
    pub file: Vec<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Refuse the whole file at the first bad row
    #[arg(long)]
    pub strict: bool,
    /// A TOML file naming the file's columns, one table per connector ([vulnerabilities],
    /// [gophish]…) of our_name = "Their header"
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// One column mapping, such as finding_id="Finding ID"; repeatable, over --map
    #[arg(long = "column", value_name = "OURS=THEIRS")]
    pub columns: Vec<String>,
    /// Record the figures as measurements of the organisation's plans for the KPIs they feed,
    /// per unit whose code or name is the business unit; a file counts once
    #[arg(long, requires = "org")]
    pub write: bool,
    /// The organisation to write to
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// The period whose plans receive the measurements (default: the half-year containing the date)
    #[arg(long)]
    pub period: Option<String>,
    /// Date of the measurements, and the as-of date of "seen recently" (YYYY-MM-DD), default today
    /// in the organisation's time zone (Asia/Tokyo without --org), which also counts the file's
    /// times written without a zone
    #[arg(long)]
    pub date: Option<String>,
    /// The unit that receives figures when the data has no business unit
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// Vulnerability findings CSV: time to start and to resolve, share within SLA, per business
    /// unit and severity
    Vulnerabilities {
        #[command(flatten)]
        common: Common,
        /// SLA in days for a severity (default critical=7, high=30); repeatable
        #[arg(long = "sla", value_name = "SEVERITY=DAYS")]
        sla: Vec<String>,
        /// Severity the KPIs 1.12.1 and 1.12.2 are recorded for
        #[arg(long, default_value = "critical")]
        severity: String,
    },
    /// DefectDojo findings JSON (the API's answer with related_fields=true): the same figures
    Defectdojo {
        #[command(flatten)]
        common: Common,
        #[arg(long = "sla", value_name = "SEVERITY=DAYS")]
        sla: Vec<String>,
        #[arg(long, default_value = "critical")]
        severity: String,
    },
    /// GoPhish campaign results CSV: open, click, submit and report rates, and the retest rates
    Gophish {
        #[command(flatten)]
        common: Common,
        /// The results CSV of an earlier campaign: who failed it is retested by this one
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
    /// OpenSCAP XCCDF results (oscap xccdf eval --results): standard system policy compliance
    Openscap {
        #[command(flatten)]
        common: Common,
        /// CSV of hostname,business_unit placing each system in a unit
        #[arg(long, value_name = "FILE")]
        hosts: Option<PathBuf>,
    },
    /// Asset inventory CSV: inventoried and managed shares per unit and kind
    Assets {
        #[command(flatten)]
        common: Common,
        /// Days since last seen after which an asset no longer counts as managed
        #[arg(long, default_value_t = 30)]
        stale_days: u32,
    },
    /// EDR agent list CSV against the asset inventory: monitoring coverage per unit
    Edr {
        #[command(flatten)]
        common: Common,
        /// The asset inventory CSV (its columns mapped by the [assets] table of --map)
        #[arg(long, value_name = "FILE")]
        inventory: PathBuf,
        #[arg(long, default_value_t = 30)]
        stale_days: u32,
    },
    /// Incident tickets CSV: time to detect and to contain, effort
    Incidents {
        #[command(flatten)]
        common: Common,
    },
    /// Training completions CSV: completion rate per unit
    Training {
        #[command(flatten)]
        common: Common,
        /// Count only this course
        #[arg(long)]
        course: Option<String>,
    },
}

fn sla_policy(sla: &[String]) -> Result<SlaPolicy> {
    let mut policy = SlaPolicy::default();
    for s in sla {
        policy.apply(s).map_err(|e| anyhow!("--sla {e}"))?;
    }
    Ok(policy)
}

fn severity(s: &str) -> Result<Severity> {
    s.parse().map_err(|e| anyhow!("--severity: {e}"))
}

/// Where the file's times written without a zone were written: the organisation's time zone
/// (`--org`), else Asia/Tokyo.
async fn zone(ctx: &Ctx, common: &Common) -> Result<Zone> {
    let Some(code) = &common.org else {
        return Ok(Zone::default());
    };
    let store = ctx.store().await?;
    let org = super::find_org(&store, code).await;
    store.close().await;
    Ok(org?.org.time_zone)
}

/// The as-of instant: the end of `--date` (or today) in `zone`, in seconds since 1970.
fn as_of(common: &Common, zone: &Zone) -> Result<i64> {
    let date = match &common.date {
        Some(d) => super::parse_date("--date", d)?,
        None => zone.date_of(super::now()),
    };
    Ok(zone.end_of(date).unix_seconds())
}

/// Computes, prints, and with `--write` records.
/// The KPIs both vulnerability readers (the generic CSV and DefectDojo's JSON) compute.
const VULN_KPIS: [&str; 2] = ["1.12.1", "1.12.2"];

/// The options of both vulnerability readers.
async fn vuln_options(
    ctx: &Ctx,
    common: &Common,
    sla: &[String],
    connector: &str,
    fields: &[mieruka_connectors::mapping::Field],
) -> Result<vulns::Options> {
    Ok(vulns::Options {
        sla: sla_policy(sla)?,
        strict: common.strict,
        columns: columns(common, connector, fields)?,
        zone: zone(ctx, common).await?,
        ..vulns::Options::default()
    })
}

/// What both vulnerability readers print and record: the groups as JSON, as a table, the
/// counts, and the KPI figures at severity `sev` and above.
fn vuln_answer(
    lang: mieruka_domain::Lang,
    r: &vulns::Report,
    sev: Severity,
) -> Result<(String, String, String, Vec<KpiFigure>)> {
    Ok((
        serde_json::to_string_pretty(&r.groups)?,
        render::vulns(lang, r),
        render::vuln_counts(lang, r),
        r.figures(sev),
    ))
}

async fn finish(
    ctx: &Ctx,
    common: &Common,
    files: Vec<&Path>,
    kpis: &[&str],
    compute: impl FnOnce() -> Result<(String, String, String, Vec<KpiFigure>)>,
) -> Result<()> {
    let prepared = match (common.write, &common.org) {
        (true, Some(org)) => Some(
            collect_write::prepare(
                ctx,
                &Target {
                    org: org.clone(),
                    period: common.period.clone(),
                    date: common.date.clone(),
                    unit: common.unit.clone(),
                },
                kpis,
            )
            .await?,
        ),
        _ => None,
    };
    let (json, text, counts, figures) = compute()?;
    if common.json {
        println!("{json}");
        eprint!("{counts}");
    } else {
        print!("{text}\n{counts}");
    }
    if let Some(p) = prepared {
        collect_write::write(ctx, p, &files, &figures).await?;
    }
    Ok(())
}

pub async fn run(ctx: &Ctx, args: CollectArgs) -> Result<()> {
    let lang = ctx.lang;
    match args.command {
        CollectCommand::Vulnerabilities {
            common,
            sla,
            severity: sev,
        } => {
            let file = one_file(&common)?;
            let options =
                vuln_options(ctx, &common, &sla, "vulnerabilities", &vulns::FIELDS).await?;
            let sev = severity(&sev)?;
            finish(ctx, &common, vec![file], &VULN_KPIS, || {
                vuln_answer(lang, &with_progress(file, options)?, sev)
            })
            .await
        }
        CollectCommand::Defectdojo {
            common,
            sla,
            severity: sev,
        } => {
            let file = one_file(&common)?;
            let options =
                vuln_options(ctx, &common, &sla, "defectdojo", &defectdojo::FIELDS).await?;
            let sev = severity(&sev)?;
            finish(ctx, &common, vec![file], &VULN_KPIS, || {
                let r = defectdojo::analyse(open(file)?, &name(file), &options)?;
                vuln_answer(lang, &r, sev)
            })
            .await
        }
        CollectCommand::Gophish { common, previous } => {
            let file = one_file(&common)?;
            let options = gophish::Options {
                strict: common.strict,
                columns: columns(&common, "gophish", &gophish::FIELDS)?,
            };
            let mut files = vec![file];
            files.extend(previous.as_deref());
            finish(ctx, &common, files, &["M.2.3"], || {
                let before = previous
                    .as_deref()
                    .map(|p| -> Result<_> {
                        Ok(gophish::failed_before(open_table(p)?, &name(p), &options)?)
                    })
                    .transpose()?;
                let r = gophish::analyse(open_table(file)?, &name(file), &options, before)?;
                let mut counts = render::counts(lang, &r.tally);
                if let Some(p) = &r.previous {
                    counts.push_str(&render::tr(lang, "collect_previous_counts", &[]));
                    counts.push_str(&render::counts(lang, p));
                }
                Ok((
                    serde_json::to_string_pretty(&r)?,
                    render::gophish(lang, &r),
                    counts,
                    r.figures(),
                ))
            })
            .await
        }
        CollectCommand::Openscap { common, hosts } => {
            let host_columns = columns(&common, "openscap", &openscap::HOST_FIELDS)?;
            let mut files: Vec<&Path> = common.file.iter().map(PathBuf::as_path).collect();
            files.extend(hosts.as_deref());
            finish(ctx, &common, files, &["M.3.3"], || {
                let mut tally = mieruka_connectors::Tally::default();
                let mut systems = Vec::new();
                for f in &common.file {
                    systems.extend(openscap::read_systems(
                        open(f)?,
                        &name(f),
                        common.strict,
                        &mut tally,
                    )?);
                }
                let mut counts = render::counts(lang, &tally);
                let list = match &hosts {
                    Some(h) => {
                        let (list, t) = openscap::read_hosts(
                            open_table(h)?,
                            &name(h),
                            &host_columns,
                            common.strict,
                        )?;
                        counts.push_str(&render::tr(lang, "collect_hosts_counts", &[]));
                        counts.push_str(&render::counts(lang, &t));
                        Some(list)
                    }
                    None => None,
                };
                let r = openscap::summarise(systems, list.as_ref(), tally)
                    .map_err(|e| anyhow!("--hosts: {e}"))?;
                Ok((
                    serde_json::to_string_pretty(&r)?,
                    render::openscap(lang, &r),
                    counts,
                    r.figures(),
                ))
            })
            .await
        }
        CollectCommand::Assets { common, stale_days } => {
            let file = one_file(&common)?;
            let zone = zone(ctx, &common).await?;
            let mut options = assets::Options::new(as_of(&common, &zone)?);
            options.zone = zone;
            options.strict = common.strict;
            options.stale_days = stale_days;
            options.columns = columns(&common, "assets", &assets::FIELDS)?;
            finish(
                ctx,
                &common,
                vec![file],
                &["1.1.1", "1.1.2", "1.1.3", "1.1.4", "US.1", "US.2", "US.4"],
                || {
                    let r = assets::analyse(open_table(file)?, &name(file), &options)?;
                    Ok((
                        serde_json::to_string_pretty(&r)?,
                        render::assets(lang, &r),
                        render::counts(lang, &r.tally),
                        r.figures(),
                    ))
                },
            )
            .await
        }
        CollectCommand::Edr {
            common,
            inventory,
            stale_days,
        } => {
            let file = one_file(&common)?;
            let zone = zone(ctx, &common).await?;
            let mut options = assets::Options::new(as_of(&common, &zone)?);
            options.zone = zone;
            options.strict = common.strict;
            options.stale_days = stale_days;
            if let Some(path) = &common.map {
                let text =
                    crate::files::read_text_limited(path, &format!("--map {}", path.display()))?;
                options.columns = ColumnMap::from_toml(&text, "assets")
                    .and_then(|m| m.check(&assets::FIELDS).map(|()| m))
                    .map_err(|e| anyhow!("--map {} [assets]: {e}", path.display()))?;
            }
            let agent_columns = columns(&common, "edr", &coverage::FIELDS)?;
            finish(
                ctx,
                &common,
                vec![file, inventory.as_path()],
                &["1.9.2"],
                || {
                    let r = coverage::analyse(
                        open_table(file)?,
                        &name(file),
                        open_table(&inventory)?,
                        &name(&inventory),
                        &options,
                        &agent_columns,
                    )?;
                    let mut counts = render::counts(lang, &r.tally);
                    counts.push_str(&render::tr(lang, "collect_inventory_counts", &[]));
                    counts.push_str(&render::counts(lang, &r.inventory));
                    if r.unknown_hosts > 0 {
                        counts.push_str(&render::tr(
                            lang,
                            "collect_unknown_hosts",
                            &[("count", &r.unknown_hosts)],
                        ));
                        counts.push('\n');
                    }
                    Ok((
                        serde_json::to_string_pretty(&r)?,
                        render::coverage(lang, &r),
                        counts,
                        r.figures(),
                    ))
                },
            )
            .await
        }
        CollectCommand::Incidents { common } => {
            let file = one_file(&common)?;
            let options = incidents::Options {
                strict: common.strict,
                columns: columns(&common, "incidents", &incidents::FIELDS)?,
                zone: zone(ctx, &common).await?,
            };
            finish(ctx, &common, vec![file], &["1.11.1", "1.11.2"], || {
                let r = incidents::analyse(open_table(file)?, &name(file), &options)?;
                Ok((
                    serde_json::to_string_pretty(&r)?,
                    render::incidents(lang, &r),
                    render::counts(lang, &r.tally),
                    r.figures(),
                ))
            })
            .await
        }
        CollectCommand::Training { common, course } => {
            let file = one_file(&common)?;
            let options = training::Options {
                strict: common.strict,
                columns: columns(&common, "training", &training::FIELDS)?,
                course,
                zone: zone(ctx, &common).await?,
            };
            finish(ctx, &common, vec![file], &["M.2.1", "X.3.1"], || {
                let r = training::analyse(open_table(file)?, &name(file), &options)?;
                Ok((
                    serde_json::to_string_pretty(&r)?,
                    render::training(lang, &r),
                    render::counts(lang, &r.tally),
                    r.figures(),
                ))
            })
            .await
        }
    }
}
