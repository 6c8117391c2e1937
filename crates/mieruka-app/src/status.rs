//! Evaluating plans: every plan of a period, or one plan, as of a date, with the previous
//! period's actual for comparison; and the public JSON of a plan's status (docs/status.md).

use mieruka_domain::evaluation::{Assessment, Evaluation, evaluate};
use mieruka_domain::period::Period;
use mieruka_domain::{Date, Formula, KpiDefinition};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::plans::PlanContext;
use serde_json::{Value, json};

use crate::{AppError, Result};

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
    Period::parse(id, org.org.fiscal_start_month).map_err(|e| AppError::Invalid {
        field: "period".into(),
        reason: format!("{e}, or the name of a custom period"),
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

pub fn unit_of(kpi: &KpiDefinition) -> &'static str {
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
