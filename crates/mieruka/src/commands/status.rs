//! `mieruka status`: plan against actual for a period — achievement, status, forecast and the
//! previous period, overall and per unit.

use anyhow::Result;
pub use mieruka_app::status::{PlanStatus, StatusView, resolve_period, statuses};
use mieruka_domain::figures::{kpi_value, percent};
use mieruka_domain::i18n::tr;
use mieruka_domain::period::Period;
use mieruka_domain::{Date, KpiDefinition, Lang};
use mieruka_store::orgs::StoredOrg;

use super::{Ctx, find_org, parse_date, today};
use crate::cli::StatusArgs;
use crate::render::{pad, width};

fn bar(fraction: Option<f64>, w: usize) -> String {
    let f = fraction.unwrap_or(0.0).clamp(0.0, 1.0);
    let filled = (f * w as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(w - filled))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("－".into(), percent)
}

fn value(kpi: &KpiDefinition, v: Option<f64>, lang: Lang) -> String {
    v.map_or("－".into(), |v| kpi_value(kpi, v, lang))
}

fn render(
    lang: Lang,
    org: &StoredOrg,
    period: &Period,
    as_of: Date,
    list: &[PlanStatus],
) -> String {
    let l = |key: &str| tr(lang, &format!("status_{key}"), &[]);
    let mut out = tr(
        lang,
        "status_heading",
        &[
            ("org", &org.org.slug),
            ("name", &org.org.name),
            ("period", &period.id),
            ("as_of", &as_of),
        ],
    );
    out.push('\n');
    if list.is_empty() {
        out.push_str(&format!("  {}\n", l("no_plans")));
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
                l("target"),
                value(k, Some(a.target), lang),
                l("actual"),
                value(k, a.actual, lang),
                l("plan"),
                value(k, a.planned, lang),
                l("achievement"),
                pct(a.achievement),
                l("forecast"),
                value(k, a.forecast, lang),
            ));
        }
        if let Some(c) = e.change {
            out.push_str(&format!("   {}: {:+.1}\n", l("change"), c));
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
                value(k, a.and_then(|a| a.actual), lang),
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
        None => today(&org),
    };
    let period = resolve_period(&store, &org, args.period.as_deref(), as_of).await?;
    let list = statuses(&store, &org, &period, as_of).await?;
    if args.json {
        let v = StatusView::new(&org, &period, as_of, &list);
        println!("{}", super::json_text(&v)?);
    } else {
        print!("{}", render(ctx.lang, &org, &period, as_of, &list));
    }
    store.close().await;
    Ok(())
}
