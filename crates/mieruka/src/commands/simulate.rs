//! `mieruka simulate`: Monte Carlo simulation of annual loss — a riskquant scenario file, or an
//! organisation's loss model now and after its plans — printed as text or JSON, with the
//! loss-exceedance curve optionally written as a standalone SVG.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use mieruka_app::simulation::{org_scenarios, portfolio_json, simulate_all};
use mieruka_domain::Lang;
use mieruka_domain::money::grouped;
use mieruka_sim::{CurvePoint, Scenario, Simulation, analytic_mean, parse_riskquant_csv};
use serde_json::{Value, json};

use super::{Ctx, find_org, today};
use crate::cli::SimulateArgs;
use crate::render::{pad, table, width};

/// The most trials accepted: every simulated year's loss is kept in memory (8 bytes each).
const MAX_TRIALS: u64 = 100_000_000;

/// Bad rows listed in the one-line error before the rest are only counted.
const ROWS_SHOWN: usize = 10;

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
            let source = ("file", json!(path.display().to_string()));
            (vec![(label, read_scenarios(path)?)], vec![source])
        }
        (None, Some(code)) => {
            let store = ctx.store().await?;
            let org = find_org(&store, code).await?;
            let as_of = today();
            let portfolios = org_scenarios(&store, &org, as_of).await?;
            store.close().await;
            (
                portfolios,
                vec![("org", json!(org.org.slug)), ("as_of", json!(as_of))],
            )
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
        let mut objects: Vec<Value> = portfolios
            .iter()
            .zip(&sims)
            .zip(&curves)
            .map(|(((label, scenarios), sim), curve)| {
                let mut o = portfolio_json(scenarios, sim, curve);
                o["label"] = json!(label);
                o
            })
            .collect();
        // A file is one portfolio, at the top level; an organisation's are listed by label.
        let mut v = if args.scenarios.is_some() {
            let mut o = objects.remove(0);
            o.as_object_mut().expect("an object").remove("label");
            o
        } else {
            json!({ "trials": args.trials, "seed": args.seed, "portfolios": objects })
        };
        for (key, value) in source {
            v[key] = value;
        }
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
            exceedance_svg(ctx.lang, &labelled).as_bytes(),
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
    let ja = lang == Lang::Ja;
    match label {
        "now" if ja => "現在".into(),
        "today" if ja => "今日時点".into(),
        "after" if ja => "KPI 達成後".into(),
        "after" => "after KPIs".into(),
        other => other.into(),
    }
}

/// An amount for people: `2.39億円`, `4,500万円`, `800円` in Japanese; `238,970,913` in English.
fn amount(lang: Lang, yen: f64) -> String {
    match lang {
        Lang::Ja if yen >= 1e8 => {
            // In hundredths of 億 (1e6 yen), rounded once, so 1.999億 becomes 2.00億.
            let hundredths = (yen / 1e6).round();
            format!(
                "{}.{:02}億円",
                grouped((hundredths / 100.0).trunc()),
                (hundredths % 100.0) as u64
            )
        }
        Lang::Ja if yen >= 1e4 => format!("{}万円", grouped((yen / 1e4).round())),
        Lang::Ja => format!("{}円", grouped(yen)),
        Lang::En => grouped(yen),
    }
}

fn render(lang: Lang, title: Option<&str>, scenarios: &[Scenario], sim: &Simulation) -> String {
    let l = |ja: &'static str, en: &'static str| if lang == Lang::Ja { ja } else { en };
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(&format!("[{t}]\n"));
    }
    let years = grouped(sim.trials as f64);
    out.push_str(&match lang {
        Lang::Ja => format!(
            "年間損失のシミュレーション（{years} 年分、シード {}）\n",
            sim.seed
        ),
        Lang::En => format!(
            "Annual loss simulation (yen): {years} simulated years, seed {}\n",
            sim.seed
        ),
    });
    let rows = [
        (l("平均", "mean"), sim.mean),
        (l("平均の理論値", "analytic mean"), analytic_mean(scenarios)),
        (l("中央値 P50", "median P50"), sim.p50),
        ("P90", sim.p90),
        ("P95", sim.p95),
        ("P99", sim.p99),
        (l("最大", "max"), sim.max),
    ];
    let label_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let values: Vec<String> = rows.iter().map(|(_, v)| amount(lang, *v)).collect();
    let value_w = values.iter().map(|v| width(v)).max().unwrap_or(0);
    for ((k, _), v) in rows.iter().zip(&values) {
        let gap = " ".repeat(value_w - width(v));
        out.push_str(&format!("  {}  {gap}{v}\n", pad(k, label_w)));
    }
    out.push_str(&format!(
        "  {}: {:.1}%\n",
        l("損失が出る年の割合", "years with any loss"),
        sim.probability_of_loss * 100.0
    ));
    out.push('\n');
    let header: Vec<String> = [
        l("ID", "id"),
        l("シナリオ", "scenario"),
        l("頻度/年", "events/year"),
        l("1 件の P5", "one event P5"),
        l("1 件の P95", "one event P95"),
        l("年間平均", "mean/year"),
        l("理論値", "analytic"),
    ]
    .iter()
    .map(ToString::to_string)
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
                amount(lang, s.low_p5),
                amount(lang, s.high_p95),
                amount(lang, *mean),
                amount(lang, s.analytic_mean()),
            ]
        })
        .collect();
    out.push_str(&table(&header, &rows));
    out
}

/// Text made safe inside SVG (XML) text and attributes.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A power of ten as an axis label: `1万円`, `10億円`; `¥10k`, `¥1B`.
fn decade_label(lang: Lang, power: i32) -> String {
    let units: &[(i32, &str)] = match lang {
        Lang::Ja => &[(12, "兆円"), (8, "億円"), (4, "万円"), (0, "円")],
        Lang::En => &[(12, "T"), (9, "B"), (6, "M"), (3, "k"), (0, "")],
    };
    let (n, unit) = match units.iter().find(|(b, _)| power >= *b) {
        Some(&(base, unit)) => (grouped(10f64.powi(power - base)), unit),
        // Below one yen: 0.1, 0.01…
        None => (
            format!("{:.*}", power.unsigned_abs() as usize, 10f64.powi(power)),
            units.last().expect("units").1,
        ),
    };
    match lang {
        Lang::Ja => format!("{n}{unit}"),
        Lang::En => format!("¥{n}{unit}"),
    }
}

/// Line colours, distinguishable in colour and in grey.
const COLOURS: [&str; 4] = ["#d1495b", "#00798c", "#edae49", "#30638e"];

/// The loss-exceedance curves as a standalone SVG: loss on a log scale (yen), probability of
/// exceeding it from 0 to 100%, one line per labelled curve with a legend.
pub fn exceedance_svg(lang: Lang, curves: &[(String, Vec<CurvePoint>)]) -> String {
    let l = |ja: &'static str, en: &'static str| if lang == Lang::Ja { ja } else { en };
    let (w, h) = (760.0, 460.0);
    let (left, right, top, bottom) = (70.0, 44.0, 48.0, 70.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let title = l(
        "年間損失の超過確率曲線",
        "Loss exceedance curve (annual loss)",
    );
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         role=\"img\" aria-label=\"{title}\" font-family=\"system-ui, -apple-system, 'Segoe UI', \
         'Hiragino Sans', 'Noto Sans JP', 'Yu Gothic', Meiryo, sans-serif\" font-size=\"12\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n\
         <text x=\"{left}\" y=\"28\" font-size=\"16\" font-weight=\"bold\" fill=\"#1a1a1a\">{title}</text>\n"
    );
    let losses = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.loss))
        .filter(|&x| x > 0.0 && x.is_finite());
    let (min, max) = losses.fold((f64::INFINITY, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    if max <= 0.0 {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\">{}</text>\n</svg>\n",
            w / 2.0,
            h / 2.0,
            l(
                "損失が出た年はありませんでした",
                "No simulated year had a loss"
            )
        ));
        return svg;
    }
    let lo = min.log10().floor() as i32;
    let hi = (max.log10().ceil() as i32).max(lo + 1);
    let x_of = |loss: f64| left + (loss.log10() - f64::from(lo)) / f64::from(hi - lo) * pw;
    let y_of = |p: f64| top + (1.0 - p) * ph;
    // Grid and axes.
    let step = ((hi - lo) as usize).div_ceil(8).max(1);
    for power in (lo..=hi).step_by(step) {
        let x = x_of(10f64.powi(power));
        svg.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e3e3e3\"/>\n\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333333\">{}</text>\n",
            top + ph,
            top + ph + 18.0,
            escape(&decade_label(lang, power))
        ));
    }
    for pct in (0..=100).step_by(20) {
        let y = y_of(f64::from(pct) / 100.0);
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e3e3e3\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#333333\">{pct}%</text>\n",
            left + pw,
            left - 8.0,
            y + 4.0
        ));
    }
    svg.push_str(&format!(
        "<rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#888888\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>\n\
         <text transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>\n",
        left + pw / 2.0,
        h - 22.0,
        l("年間損失額（対数目盛）", "Annual loss in yen (log scale)"),
        top + ph / 2.0,
        l("この額を超える確率", "Probability of exceeding")
    ));
    // One line per curve, then the legend on top.
    for (i, (_, curve)) in curves.iter().enumerate() {
        let points: Vec<String> = curve
            .iter()
            .filter(|p| p.loss > 0.0 && p.loss.is_finite())
            .map(|p| format!("{:.1},{:.1}", x_of(p.loss), y_of(p.probability)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n",
            COLOURS[i % COLOURS.len()],
            points.join(" ")
        ));
    }
    let legend_w = curves
        .iter()
        .map(|(label, _)| width(label))
        .max()
        .unwrap_or(0) as f64
        * 7.0
        + 40.0;
    let (lx, ly) = (left + pw - legend_w - 8.0, top + 10.0);
    svg.push_str(&format!(
        "<rect x=\"{lx:.1}\" y=\"{ly:.1}\" width=\"{legend_w:.1}\" height=\"{:.1}\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n",
        curves.len() as f64 * 20.0 + 8.0
    ));
    for (i, (label, _)) in curves.iter().enumerate() {
        let y = ly + 16.0 + i as f64 * 20.0;
        svg.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"2\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1a1a1a\">{}</text>\n",
            lx + 8.0,
            y - 4.0,
            lx + 28.0,
            y - 4.0,
            COLOURS[i % COLOURS.len()],
            lx + 34.0,
            y,
            escape(label)
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_people_write_them() {
        assert_eq!(amount(Lang::Ja, 123_456_789.0), "1.23億円");
        assert_eq!(amount(Lang::Ja, 123_456_789_012.0), "1,234.57億円");
        assert_eq!(amount(Lang::Ja, 199_999_999.0), "2.00億円");
        assert_eq!(amount(Lang::Ja, 101_000_000.0), "1.01億円");
        assert_eq!(amount(Lang::Ja, 45_000_000.0), "4,500万円");
        assert_eq!(amount(Lang::Ja, 800.0), "800円");
        assert_eq!(amount(Lang::En, 238_970_913.4), "238,970,913");
    }

    #[test]
    fn decades_are_labelled_in_the_readers_units() {
        assert_eq!(decade_label(Lang::Ja, 4), "1万円");
        assert_eq!(decade_label(Lang::Ja, 7), "1,000万円");
        assert_eq!(decade_label(Lang::Ja, 9), "10億円");
        assert_eq!(decade_label(Lang::Ja, 2), "100円");
        assert_eq!(decade_label(Lang::En, 6), "¥1M");
        assert_eq!(decade_label(Lang::En, 10), "¥10B");
        assert_eq!(decade_label(Lang::En, -1), "¥0.1");
        assert_eq!(decade_label(Lang::Ja, -2), "0.01円");
    }

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
        let svg = exceedance_svg(
            Lang::Ja,
            &[("現在".into(), curve(1.0)), ("A & <B>".into(), curve(0.5))],
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">現在</text>") && svg.contains("A &amp; &lt;B&gt;"));
        assert!(svg.contains("1億円") && svg.contains("100%"));
        assert!(svg.contains("sans-serif"));
        assert!(!svg.contains("href"), "no external resources");
        let empty = exceedance_svg(Lang::En, &[("now".into(), vec![])]);
        assert!(empty.contains("No simulated year had a loss"));
    }
}
