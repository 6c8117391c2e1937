//! Evaluating plans: every plan of a period, or one plan, as of a date, with the previous
//! period's actual for comparison; and the public JSON of a plan's status (docs/status.md).

use mieruka_domain::evaluation::{Assessment, Evaluation, Reading, Status, evaluate};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{LossCategory, PlanState, Purpose};
use mieruka_domain::{Date, Direction, Formula, KpiDefinition, Text};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::plans::PlanContext;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// Every plan's status in a period, as `mieruka status --json` prints it (docs/status.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Status")]
#[schemars(example = StatusView::example())]
pub struct StatusView {
    /// The organisation's code.
    pub org: String,
    /// The period's name.
    pub period: String,
    pub period_start: Date,
    pub period_end: Date,
    /// The day the plans are evaluated as of.
    pub as_of: Date,
    pub plans: Vec<PlanStatusView>,
}

impl StatusView {
    pub fn new(org: &StoredOrg, period: &Period, as_of: Date, list: &[PlanStatus]) -> StatusView {
        StatusView {
            org: org.org.slug.as_str().to_string(),
            period: period.id.clone(),
            period_start: period.start,
            period_end: period.end,
            as_of,
            plans: list.iter().map(PlanStatusView::from).collect(),
        }
    }

    fn example() -> StatusView {
        let day = |m, d| Date::new(2026, m, d).expect("a date");
        let assessment = AssessmentView {
            part: None,
            target: 90.0,
            actual: Some(72.0),
            achievement: Some(0.8),
            status: Status::OnTrack,
            planned: Some(70.0),
            as_of: Some(day(11, 30)),
            forecast: Some(91.0),
            forecast_achievement: Some(1.01),
            trend: vec![Reading {
                date: day(11, 30),
                value: 72.0,
            }],
        };
        StatusView {
            org: "acme".into(),
            period: "FY2026-H2".into(),
            period_start: day(10, 1),
            period_end: Date::new(2027, 3, 31).expect("a date"),
            as_of: day(12, 1),
            plans: vec![PlanStatusView {
                plan: 1,
                kpi_id: "1.2.2".into(),
                name: Text {
                    ja: "標的型メール訓練での報告率".into(),
                    en: "Reporting rate in phishing drills".into(),
                },
                direction: Direction::HigherIsBetter,
                unit_of_measure: "percent".into(),
                state: PlanState::Agreed,
                deadline: Date::new(2027, 3, 31).expect("a date"),
                purpose: Purpose {
                    text: "訓練で報告する人を増やす".into(),
                    reduces: vec![LossCategory::Theft],
                    effects: Vec::new(),
                },
                target: Some(90.0),
                actual: Some(72.0),
                achievement: Some(0.8),
                status: Status::OnTrack,
                planned: Some(70.0),
                as_of: Some(day(11, 30)),
                forecast: Some(91.0),
                forecast_achievement: Some(1.01),
                change_from_previous_period: None,
                parts: vec![assessment.clone()],
                units: vec![UnitStatusView {
                    unit: "security".into(),
                    name: Some("情報セキュリティ室".into()),
                    target: Some(90.0),
                    actual: Some(72.0),
                    achievement: Some(0.8),
                    status: Status::OnTrack,
                    as_of: Some(day(11, 30)),
                    parts: vec![assessment],
                }],
            }],
        }
    }
}

/// One plan's status. For a single-target KPI, `target`, `actual`, `achievement` and `status`
/// are the KPI's; for a compound one, `target` and `actual` are null and `parts` holds each part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "PlanStatus")]
pub struct PlanStatusView {
    /// The plan's number.
    pub plan: i64,
    pub kpi_id: String,
    /// The KPI's name.
    pub name: Text,
    pub direction: Direction,
    /// What the readings count: `percent`, `hours`, `count` or `score`.
    pub unit_of_measure: String,
    pub state: PlanState,
    pub deadline: Date,
    pub purpose: Purpose,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    /// The lowest achievement rate over the parts, as a fraction (1.0 = 100%).
    pub achievement: Option<f64>,
    pub status: Status,
    pub planned: Option<f64>,
    pub as_of: Option<Date>,
    pub forecast: Option<f64>,
    pub forecast_achievement: Option<f64>,
    /// Actual minus the previous period's actual, when both are known.
    pub change_from_previous_period: Option<f64>,
    /// Each target's evaluation (one for a single-target KPI).
    pub parts: Vec<AssessmentView>,
    /// The evaluation per unit in scope.
    pub units: Vec<UnitStatusView>,
}

/// The evaluation of one target over some units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Assessment")]
pub struct AssessmentView {
    /// The part of a compound KPI; null for a single target.
    pub part: Option<String>,
    pub target: f64,
    /// The latest rolled-up reading.
    pub actual: Option<f64>,
    /// Achievement rate as a fraction (1.0 = 100%).
    pub achievement: Option<f64>,
    pub status: Status,
    /// The plan (計画) at the date of the latest measurement.
    pub planned: Option<f64>,
    /// The date of the latest measurement used.
    pub as_of: Option<Date>,
    /// The value expected at the deadline at the current pace.
    pub forecast: Option<f64>,
    pub forecast_achievement: Option<f64>,
    /// The readings over the period, oldest first.
    pub trend: Vec<Reading>,
}

impl From<&Assessment> for AssessmentView {
    fn from(a: &Assessment) -> AssessmentView {
        AssessmentView {
            part: a.part.clone(),
            target: a.target,
            actual: a.actual,
            achievement: a.achievement,
            status: a.status,
            planned: a.planned,
            as_of: a.as_of,
            forecast: a.forecast,
            forecast_achievement: a.forecast_achievement,
            trend: a.trend.clone(),
        }
    }
}

/// A unit's status for a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "UnitStatus")]
pub struct UnitStatusView {
    /// The unit's code.
    pub unit: String,
    /// The unit's name, if it still exists.
    pub name: Option<String>,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub achievement: Option<f64>,
    pub status: Status,
    pub as_of: Option<Date>,
    pub parts: Vec<AssessmentView>,
}

impl From<&PlanStatus> for PlanStatusView {
    fn from(s: &PlanStatus) -> PlanStatusView {
        let c = &s.ctx.plan.content;
        let e = &s.evaluation;
        let single = (e.parts.len() == 1).then(|| &e.parts[0]);
        let units = e
            .units
            .iter()
            .map(|u| {
                let one = (u.parts.len() == 1).then(|| &u.parts[0]);
                UnitStatusView {
                    unit: u.unit.clone(),
                    name: s.ctx.unit(&u.unit).map(|x| x.unit.name.clone()),
                    target: one.map(|a| a.target),
                    actual: one.and_then(|a| a.actual),
                    achievement: one.and_then(|a| a.achievement),
                    status: u.status,
                    as_of: one.and_then(|a| a.as_of),
                    parts: u.parts.iter().map(AssessmentView::from).collect(),
                }
            })
            .collect();
        PlanStatusView {
            plan: s.ctx.plan.id.0,
            kpi_id: s.ctx.kpi.id.as_str().to_string(),
            name: s.ctx.kpi.name.clone(),
            direction: s.ctx.kpi.direction,
            unit_of_measure: unit_of(&s.ctx.kpi).to_string(),
            state: s.ctx.plan.state,
            deadline: c.deadline,
            purpose: c.purpose.clone(),
            target: single.map(|a| a.target),
            actual: single.and_then(|a| a.actual),
            achievement: e.achievement,
            status: e.status,
            planned: single.and_then(|a| a.planned),
            as_of: single.and_then(|a| a.as_of),
            forecast: single.and_then(|a| a.forecast),
            forecast_achievement: single.and_then(|a| a.forecast_achievement),
            change_from_previous_period: e.change,
            parts: e.parts.iter().map(AssessmentView::from).collect(),
            units,
        }
    }
}
