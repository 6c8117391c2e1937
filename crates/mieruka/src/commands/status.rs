//! `mieruka status`: plan against actual for a period — achievement, status, forecast and the
//! previous period, overall and per unit.

use anyhow::{Result, anyhow};
use mieruka_domain::evaluation::{Assessment, Evaluation, evaluate};
use mieruka_domain::period::Period;
use mieruka_domain::{Date, Formula, KpiDefinition, Lang};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::plans::PlanContext;
use serde_json::{Value, json};

use super::measure::trim_number;
use super::{Ctx, find_org, parse_date, today};
use crate::cli::StatusArgs;
use crate::render::{pad, width};

/// A plan and its evaluation.
pub struct PlanStatus {
    pub ctx: PlanContext,
    pub evaluation: Evaluation,
}

/// The period a command is about: a stored period with this id (fiscal or custom), a fiscal id,
/// or, without an id, the half-year containing `today`.
pub async fn resolve_period(
    store: &Store,
    org: &StoredOrg,
    id: Option<&str>,
    today: Date,
) -> Result<Period> {
    let Some(id) = id else {
        return Ok(Period::half_containing(today, org.org.fiscal_start_month));
    };
    if let Some(stored) = store.period(org.id, id).await? {
        return Ok(stored.to_period(org.org.fiscal_start_month)?);
    }
    Period::parse(id, org.org.fiscal_start_month).map_err(|e| {
        anyhow!("--period: {e}, or the name of a custom period (plan create --from … --to …)")
    })
}

/// The same KPI's actual at the end of the period just before `period` (same length), if planned.
async fn previous_actual(store: &Store, ctx: &PlanContext) -> Result<Option<f64>> {
    let periods = store.periods(ctx.org.id).await?;
    let length = ctx.period.start.days_until(ctx.period.end);
    let Some(prev) = periods.iter().find(|p| {
        p.end.add_days(1) == ctx.period.start && (p.start.days_until(p.end) - length).abs() <= 3
    }) else {
        return Ok(None);
    };
    for plan in store.plans(ctx.org.id, prev.id).await? {
        if plan.kpi != ctx.plan.kpi {
            continue;
        }
        let pctx = store.plan_context(plan.id).await?;
        let obs: Vec<_> = store
            .current_measurements(plan.id)
            .await?
            .iter()
            .map(|m| m.observation())
            .collect();
        let e = evaluate(
            &pctx.kpi,
            &pctx.plan.content,
            &pctx.period,
            &obs,
            prev.end,
            None,
        );
        return Ok(e.parts.first().and_then(|a| a.actual));
    }
    Ok(None)
}

/// Evaluates every plan of an organisation in a period, as of a date.
pub async fn statuses(
    store: &Store,
    org: &StoredOrg,
    period: &Period,
    as_of: Date,
) -> Result<Vec<PlanStatus>> {
    let Some(stored) = store.period(org.id, &period.id).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for plan in store.plans(org.id, stored.id).await? {
        out.push(evaluate_plan(store, plan.id, as_of).await?);
    }
    Ok(out)
}

/// Evaluates one plan from its measurements in force, as of a date.
pub async fn evaluate_plan(
    store: &Store,
    plan: mieruka_store::PlanId,
    as_of: Date,
) -> Result<PlanStatus> {
    let ctx = store.plan_context(plan).await?;
    let obs: Vec<_> = store
        .current_measurements(plan)
        .await?
        .iter()
        .map(|m| m.observation())
        .collect();
    let previous = previous_actual(store, &ctx).await?;
    let evaluation = evaluate(
        &ctx.kpi,
        &ctx.plan.content,
        &ctx.period,
        &obs,
        as_of,
        previous,
    );
    Ok(PlanStatus { ctx, evaluation })
}

fn unit_of(kpi: &KpiDefinition) -> &'static str {
    match kpi.formula {
        Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. } => "percent",
        Formula::MeanDuration { .. } => "hours",
        Formula::Count { .. } => "count",
        Formula::Score { .. } => "score",
    }
}

fn assessment_json(a: &Assessment) -> Value {
    json!({
        "part": a.part,
        "target": a.target,
        "actual": a.actual,
        "achievement": a.achievement,
        "status": a.status,
        "planned": a.planned,
        "as_of": a.as_of,
        "forecast": a.forecast,
        "forecast_achievement": a.forecast_achievement,
        "trend": a.trend,
    })
}

/// The public JSON of one plan's status. For a single-target KPI, `target`, `actual`,
/// `achievement` and `status` are the KPI's; for a compound one, `target` and `actual` are null
/// and `parts` holds each part.
pub fn status_json(s: &PlanStatus) -> Value {
    let c = &s.ctx.plan.content;
    let e = &s.evaluation;
    let single = (e.parts.len() == 1).then(|| &e.parts[0]);
    let units: Vec<Value> = e
        .units
        .iter()
        .map(|u| {
            let one = (u.parts.len() == 1).then(|| &u.parts[0]);
            json!({
                "unit": u.unit,
                "name": s.ctx.unit(&u.unit).map(|x| x.unit.name.clone()),
                "target": one.map(|a| a.target),
                "actual": one.and_then(|a| a.actual),
                "achievement": one.and_then(|a| a.achievement),
                "status": u.status,
                "as_of": one.and_then(|a| a.as_of),
                "parts": u.parts.iter().map(assessment_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "plan": s.ctx.plan.id,
        "kpi_id": s.ctx.kpi.id,
        "name": s.ctx.kpi.name,
        "direction": s.ctx.kpi.direction,
        "unit_of_measure": unit_of(&s.ctx.kpi),
        "state": s.ctx.plan.state,
        "deadline": c.deadline,
        "purpose": c.purpose,
        "target": single.map(|a| a.target),
        "actual": single.and_then(|a| a.actual),
        "achievement": e.achievement,
        "status": e.status,
        "planned": single.and_then(|a| a.planned),
        "as_of": single.and_then(|a| a.as_of),
        "forecast": single.and_then(|a| a.forecast),
        "forecast_achievement": single.and_then(|a| a.forecast_achievement),
        "change_from_previous_period": e.change,
        "parts": e.parts.iter().map(assessment_json).collect::<Vec<_>>(),
        "units": units,
    })
}

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
