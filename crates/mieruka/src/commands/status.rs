//! `mieruka status`: plan against actual for a period — achievement, status, forecast and the
//! previous period, overall and per unit.

use anyhow::Result;
pub use mieruka_app::status::{PlanStatus, resolve_period, status_json, statuses, unit_of};
use mieruka_domain::period::Period;
use mieruka_domain::{Date, KpiDefinition, Lang};
use mieruka_store::orgs::StoredOrg;
use serde_json::json;

use super::measure::trim_number;
use super::{Ctx, find_org, parse_date, today};
use crate::cli::StatusArgs;
use crate::render::{pad, width};

fn bar(fraction: Option<f64>, w: usize) -> String {
    let f = fraction.unwrap_or(0.0).clamp(0.0, 1.0);
    let filled = (f * w as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(w - filled))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("－".into(), |v| format!("{:.0}%", v * 100.0))
}

fn value(kpi: &KpiDefinition, v: Option<f64>) -> String {
    match (v, unit_of(kpi)) {
        (None, _) => "－".into(),
        (Some(v), "percent") => format!("{v:.1}%"),
        (Some(v), "hours") => format!("{} h", trim_number((v * 10.0).round() / 10.0)),
        (Some(v), _) => trim_number((v * 100.0).round() / 100.0),
    }
}

fn render(
    lang: Lang,
    org: &StoredOrg,
    period: &Period,
    as_of: Date,
    list: &[PlanStatus],
) -> String {
    let l = |ja: &'static str, en: &'static str| if lang == Lang::Ja { ja } else { en };
    let mut out = format!(
        "{} {} — {} {} ({} {as_of})\n",
        org.org.slug,
        org.org.name,
        period.id,
        l("の達成状況", "status"),
        l("基準日", "as of"),
    );
    if list.is_empty() {
        out.push_str(l(
            "  この期の目標はまだありません。\n",
            "  No plans for this period yet.\n",
        ));
    }
    for s in list {
        let e = &s.evaluation;
        let k = &s.ctx.kpi;
        out.push_str(&format!(
            "\n{} {} #{} {} {}\n",
            e.status.icon(),
            e.status.label(lang),
            s.ctx.plan.id,
            k.id,
            k.name.get(lang)
        ));
        for a in &e.parts {
            let part = a
                .part
                .as_deref()
                .map(|p| format!("[{p}] "))
                .unwrap_or_default();
            out.push_str(&format!(
                "   {part}{} {}  {} {}  {} {}  {} {}  {} {}\n",
                l("目標", "target"),
                value(k, Some(a.target)),
                l("実績", "actual"),
                value(k, a.actual),
                l("計画", "plan"),
                value(k, a.planned),
                l("達成率", "achievement"),
                pct(a.achievement),
                l("期限時点の予測", "forecast at deadline"),
                value(k, a.forecast),
            ));
        }
        if let Some(c) = e.change {
            out.push_str(&format!(
                "   {}: {:+.1}\n",
                l("前期からの変化", "change from previous period"),
                c
            ));
        }
        let name_w = e
            .units
            .iter()
            .map(|u| {
                width(
                    s.ctx
                        .unit(&u.unit)
                        .map_or(u.unit.as_str(), |x| x.unit.name.as_str()),
                )
            })
            .max()
            .unwrap_or(0);
        for u in &e.units {
            let name = s
                .ctx
                .unit(&u.unit)
                .map_or(u.unit.clone(), |x| x.unit.name.clone());
            let a = u.parts.first();
            out.push_str(&format!(
                "   {} {} {} {:>5}  {} {}\n",
                pad(&name, name_w),
                bar(a.and_then(|a| a.achievement), 20),
                u.status.icon(),
                pct(a.and_then(|a| a.achievement)),
                value(k, a.and_then(|a| a.actual)),
                u.status.label(lang),
            ));
        }
    }
    out
}

pub async fn run(ctx: &Ctx, args: StatusArgs) -> Result<()> {
    let store = ctx.store().await?;
    let org = find_org(&store, &args.org.org).await?;
    let as_of = match &args.as_of {
        Some(d) => parse_date("--as-of", d)?,
        None => today(),
    };
    let period = resolve_period(&store, &org, args.period.as_deref(), as_of).await?;
    let list = statuses(&store, &org, &period, as_of).await?;
    if args.json {
        let v = json!({
            "org": org.org.slug,
            "period": period.id,
            "period_start": period.start,
            "period_end": period.end,
            "as_of": as_of,
            "plans": list.iter().map(status_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", render(ctx.lang, &org, &period, as_of, &list));
    }
    store.close().await;
    Ok(())
}
