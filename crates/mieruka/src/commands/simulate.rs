//! `mieruka simulate`: Monte Carlo simulation of annual loss — a riskquant scenario file, or an
//! organisation's loss model now and after its plans — printed as text or JSON, with the
//! loss-exceedance curve optionally written as a standalone SVG.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use mieruka_app::simulation::{OrgSimulation, Portfolio, org_scenarios, simulate_all};
use mieruka_charts::{Exceedance, ExceedanceCurve, TickFormat, exceedance_svg};
use mieruka_domain::Lang;
use mieruka_domain::figures::{grouped, percent, yen};
use mieruka_domain::i18n::tr;
use mieruka_sim::{CurvePoint, Scenario, Simulation, analytic_mean, parse_riskquant_csv};
use serde_json::json;

use super::{Ctx, find_org, today};
use crate::cli::SimulateArgs;
use crate::render::{pad, table, width};

/// The most trials accepted: every simulated year's loss is kept in memory (8 bytes each).
const MAX_TRIALS: u64 = 100_000_000;

/// Bad rows listed in the one-line error before the rest are only counted.
const ROWS_SHOWN: usize = 10;

/// Where the portfolios come from, as the JSON says.
enum Source {
    /// A riskquant scenario file.
    File(String),
    /// An organisation's loss model as of a date.
    Org(Box<mieruka_store::orgs::StoredOrg>, mieruka_domain::Date),
}

pub async fn run(ctx: &Ctx, args: SimulateArgs) -> Result<()> {
    if args.trials == 0 {
        bail!("--trials: must be at least 1");
    }
    if args.trials > MAX_TRIALS {
        bail!(
            "--trials: at most {} (every simulated year is kept in memory)",
            grouped(MAX_TRIALS as f64)
        );
    }
    // The portfolios, and what the JSON says about where they came from.
    let (portfolios, source) = match (&args.scenarios, &args.org) {
        (Some(path), _) => {
            let label = path
                .file_stem()
                .map_or("scenarios".into(), |s| s.to_string_lossy().into_owned());
            let source = Source::File(path.display().to_string());
            (vec![(label, read_scenarios(path)?)], source)
        }
        (None, Some(code)) => {
            let store = ctx.store().await?;
            let org = find_org(&store, code).await?;
            let as_of = today(&org);
            let portfolios = org_scenarios(&store, &org, as_of).await?;
            store.close().await;
            (portfolios, Source::Org(Box::new(org), as_of))
        }
        (None, None) => bail!(
            "say what to simulate: --scenarios FILE (riskquant CSV: id,name,annual_rate,low_p5,high_p95) or --org CODE"
        ),
    };
    // One set of thresholds for all portfolios, so their curves compare point by point.
    let (sims, curves): (Vec<Simulation>, Vec<Vec<CurvePoint>>) =
        simulate_all(&portfolios, args.trials, args.seed)
            .into_iter()
            .unzip();

    if args.json {
        let mut done: Vec<(String, Portfolio)> = portfolios
            .iter()
            .zip(&sims)
            .zip(&curves)
            .map(|(((label, scenarios), sim), curve)| {
                (label.clone(), Portfolio::new(scenarios, sim, curve))
            })
            .collect();
        // A file is one portfolio, at the top level; an organisation's are listed by label.
        // Through a JSON value, which writes the keys sorted, as ever.
        let v = match source {
            Source::File(path) => {
                let mut v = serde_json::to_value(done.remove(0).1)?;
                v["file"] = json!(path);
                v
            }
            Source::Org(org, as_of) => serde_json::to_value(OrgSimulation::new(
                &org,
                as_of,
                args.trials,
                args.seed,
                done,
            ))?,
        };
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let multiple = portfolios.len() > 1;
        for (i, ((label, scenarios), sim)) in portfolios.iter().zip(&sims).enumerate() {
            if i > 0 {
                println!();
            }
            let title = multiple.then(|| label_text(ctx.lang, label));
            print!("{}", render(ctx.lang, title.as_deref(), scenarios, sim));
        }
    }

    if let Some(path) = &args.svg {
        let labelled: Vec<(String, Vec<CurvePoint>)> = portfolios
            .iter()
            .map(|(label, _)| label_text(ctx.lang, label))
            .zip(curves)
            .collect();
        crate::files::write_whole(
            path,
            exceedance_chart(ctx.lang, &labelled).as_bytes(),
            Some("--svg"),
        )?;
    }
    Ok(())
}

/// Reads and checks a riskquant-format file; every bad row is named in the one-line error.
fn read_scenarios(path: &Path) -> Result<Vec<Scenario>> {
    let name = path.display();
    let bytes = crate::files::read_limited(path, &format!("--scenarios {name}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("--scenarios: {name} is not UTF-8 text (save it as \"CSV UTF-8\")"))?;
    let scenarios = parse_riskquant_csv(&text).map_err(|errors| {
        let mut shown: Vec<String> = errors
            .iter()
            .take(ROWS_SHOWN)
            .map(ToString::to_string)
            .collect();
        if errors.len() > ROWS_SHOWN {
            shown.push(format!("and {} more", errors.len() - ROWS_SHOWN));
        }
        anyhow!("{name}: {}", shown.join("; "))
    })?;
    if scenarios.is_empty() {
        bail!(
            "{name}: no scenarios (expected rows of id,name,annual_rate,low_p5,high_p95, no header)"
        );
    }
    Ok(scenarios)
}

/// A portfolio label from the loss model, in the reader's language.
fn label_text(lang: Lang, label: &str) -> String {
    match label {
        "now" | "today" | "after" => tr(lang, &format!("simulate_portfolio_{label}"), &[]),
        other => other.into(),
    }
}

fn render(lang: Lang, title: Option<&str>, scenarios: &[Scenario], sim: &Simulation) -> String {
    let l = |key: &str| tr(lang, &format!("simulate_{key}"), &[]);
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(&format!("[{t}]\n"));
    }
    out.push_str(&tr(
        lang,
        "simulate_heading",
        &[("years", &grouped(sim.trials as f64)), ("seed", &sim.seed)],
    ));
    out.push('\n');
    let rows = [
        (l("mean"), sim.mean),
        (l("analytic_mean"), analytic_mean(scenarios)),
        (l("p50"), sim.p50),
        ("P90".to_string(), sim.p90),
        ("P95".to_string(), sim.p95),
        ("P99".to_string(), sim.p99),
        (l("max"), sim.max),
    ];
    let label_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let values: Vec<String> = rows.iter().map(|(_, v)| yen(*v, lang)).collect();
    let value_w = values.iter().map(|v| width(v)).max().unwrap_or(0);
    for ((k, _), v) in rows.iter().zip(&values) {
        let gap = " ".repeat(value_w - width(v));
        out.push_str(&format!("  {}  {gap}{v}\n", pad(k, label_w)));
    }
    out.push_str(&format!(
        "  {}: {}\n",
        l("years_with_loss"),
        percent(sim.probability_of_loss)
    ));
    out.push('\n');
    let header: Vec<String> = [
        "id",
        "scenario",
        "rate",
        "p5",
        "p95",
        "mean_per_year",
        "analytic",
    ]
    .iter()
    .map(|c| l(&format!("col_{c}")))
    .collect();
    let rows: Vec<Vec<String>> = scenarios
        .iter()
        .zip(&sim.scenario_means)
        .map(|(s, (_, mean))| {
            vec![
                s.id.clone(),
                s.name.clone(),
                // `Display` is the shortest text that reads back as the number: 0.05, 2.
                s.annual_rate.to_string(),
                yen(s.low_p5, lang),
                yen(s.high_p95, lang),
                yen(*mean, lang),
                yen(s.analytic_mean(), lang),
            ]
        })
        .collect();
    out.push_str(&table(&header, &rows));
    out
}

/// The loss-exceedance curves as a standalone SVG, drawn by `mieruka-charts` as the pages and
/// the report draw theirs: loss on a log scale in the reader's units, the probability of a year
/// with at least that loss, one line per labelled curve with a legend.
pub fn exceedance_chart(lang: Lang, curves: &[(String, Vec<CurvePoint>)]) -> String {
    exceedance_svg(&Exceedance {
        title: tr(lang, "simulate_chart_title", &[]),
        x_label: tr(lang, "simulate_chart_x", &[]),
        y_label: tr(lang, "simulate_chart_y", &[]),
        x_ticks: TickFormat::new(move |v| yen(v, lang)),
        curves: curves
            .iter()
            .map(|(label, points)| ExceedanceCurve {
                label: label.clone(),
                points: points.iter().map(|p| (p.loss, p.probability)).collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_standalone_svg_with_a_line_and_legend_entry_per_curve() {
        let curve = |scale: f64| -> Vec<CurvePoint> {
            (0..100)
                .map(|i| CurvePoint {
                    loss: 1e5 * scale * 1.1f64.powi(i),
                    probability: 1.0 - f64::from(i) / 100.0,
                })
                .collect()
        };
        let svg = exceedance_chart(
            Lang::Ja,
            &[("現在".into(), curve(1.0)), ("A & <B>".into(), curve(0.5))],
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">現在</text>") && svg.contains("A &amp; &lt;B&gt;"));
        assert!(svg.contains(">1億円</text>") && svg.contains("100%"));
        assert!(svg.contains("年間損失の超過確率曲線") && svg.contains("sans-serif"));
        assert!(!svg.contains("href"), "no external resources");
        let empty = exceedance_chart(Lang::En, &[("now".into(), vec![])]);
        assert!(empty.contains("Loss exceedance curve") && !empty.contains("<polyline"));
        assert!(empty.trim_end().ends_with("</svg>"));
    }
}
