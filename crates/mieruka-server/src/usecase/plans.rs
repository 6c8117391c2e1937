//! Plans from API requests: create (with the KPI's own target when none is given), revise with
//! a reason, record the executives' agreement, close. Content is checked by
//! `PlanContent::validate`; errors name the request's fields.

use mieruka_app::plan::default_targets;
use mieruka_app::status::resolve_period;
use mieruka_domain::loss::Effect;
use mieruka_domain::period::Period;
use mieruka_domain::plan::{
    Agreement, FieldError, LossCategory, PlanContent, PlanState, PlanTarget, Purpose,
    TrajectoryPoint,
};
use mieruka_domain::{Date, KpiDefinition};
use mieruka_store::orgs::{StoredOrg, StoredUnit};
use mieruka_store::plans::{PlanContext, StoredPlan};
use mieruka_store::{PlanId, Store, StoreError};
use serde::Deserialize;

use crate::auth::now;
use crate::error::ApiError;

/// What a plan is for, as a request gives it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Purpose")]
pub struct PurposeInput {
    pub text: String,
    #[serde(default)]
    pub reduces: Vec<LossCategory>,
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// A new plan.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// FY2026, FY2026-H1, FY2026-Q3, a stored custom period, or a new custom one with `from`/`to`.
    pub period: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub kpi: String,
    /// Default: the KPI's own targets, when the catalogue gives numbers.
    pub targets: Option<Vec<PlanTarget>>,
    pub baseline: Option<f64>,
    /// Default: the period's last day.
    pub deadline: Option<Date>,
    #[serde(default)]
    pub trajectory: Vec<TrajectoryPoint>,
    pub purpose: PurposeInput,
    pub units: Vec<String>,
    /// Default: the caller.
    pub owner: Option<String>,
}

/// A change to a plan: every field but `reason` is optional and replaces the current value.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanChange {
    pub reason: String,
    pub targets: Option<Vec<PlanTarget>>,
    pub baseline: Option<f64>,
    pub deadline: Option<Date>,
    pub trajectory: Option<Vec<TrajectoryPoint>>,
    pub purpose: Option<PurposeChange>,
    pub units: Option<Vec<String>>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurposeChange {
    pub text: Option<String>,
    pub reduces: Option<Vec<LossCategory>>,
    pub effects: Option<Vec<Effect>>,
}

/// The executives' agreement.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Agreement")]
pub struct AgreementInput {
    pub by: String,
    /// Default: today.
    pub on: Option<Date>,
}

/// A domain error, with the field named as the request names it.
fn request_field(e: FieldError) -> ApiError {
    let field = match e.field.as_str() {
        "purpose" => "purpose.text".to_string(),
        "effects" => "purpose.effects".to_string(),
        "agreement.by" => "by".to_string(),
        other => other.to_string(),
    };
    ApiError::invalid(field, e.reason)
}

/// Checks that every code names a unit of the organisation.
fn check_units(units: &[StoredUnit], codes: &[String]) -> Result<(), ApiError> {
    for (i, c) in codes.iter().enumerate() {
        if !units.iter().any(|u| u.unit.code.as_str() == c) {
            let known: Vec<_> = units.iter().map(|u| u.unit.code.as_str()).collect();
            return Err(ApiError::invalid(
                format!("units[{i}]"),
                format!("there is no unit `{c}` (units: {})", known.join(", ")),
            ));
        }
    }
    Ok(())
}

/// The period a new plan is for: a custom one with `from` and `to`, or a stored or fiscal one.
async fn period_of(store: &Store, org: &StoredOrg, p: &NewPlan) -> Result<Period, ApiError> {
    match (p.from, p.to) {
        (Some(from), Some(to)) => {
            Period::custom(&p.period, from, to).map_err(|e| ApiError::invalid("period", e))
        }
        (None, None) => Ok(resolve_period(store, org, Some(&p.period), now().date()).await?),
        (Some(_), None) => Err(ApiError::invalid("to", "give both from and to, or neither")),
        (None, Some(_)) => Err(ApiError::invalid(
            "from",
            "give both from and to, or neither",
        )),
    }
}

/// Creates a draft plan; returns its id.
pub async fn create(
    store: &Store,
    org: &StoredOrg,
    p: NewPlan,
    actor: &str,
) -> Result<PlanId, ApiError> {
    let period = period_of(store, org, &p).await?;
    let kpi = match store.kpi_definition(Some(org.id), p.kpi.trim()).await {
        Ok(k) => k,
        Err(StoreError::NotFound { .. }) => {
            return Err(ApiError::invalid(
                "kpi",
                format!(
                    "no KPI `{}` (GET /api/v1/orgs/{}/kpis lists them)",
                    p.kpi, org.org.slug
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    check_units(&store.units(org.id).await?, &p.units)?;
    let content = PlanContent {
        targets: match p.targets {
            Some(t) => t,
            None => default_targets(&kpi.definition)?,
        },
        baseline: p.baseline,
        deadline: p.deadline.unwrap_or(period.end),
        trajectory: p.trajectory,
        purpose: Purpose {
            text: p.purpose.text,
            reduces: p.purpose.reduces,
            effects: p.purpose.effects,
        },
        units: p.units,
        owner: p.owner.unwrap_or_else(|| actor.to_string()),
        agreement: None,
    }
    .validate(&kpi.definition, &period)
    .map_err(request_field)?;
    let period_id = store.ensure_period(org.id, &period).await?;
    Ok(store
        .create_plan(org.id, period_id, kpi.id, &content, actor, now())
        .await?)
}

/// Records a new revision with the changes; returns its number. A closed plan is not changed,
/// and a change that changes nothing is refused.
pub async fn revise(
    store: &Store,
    ctx: &PlanContext,
    change: PlanChange,
    actor: &str,
) -> Result<i64, ApiError> {
    if ctx.plan.state == PlanState::Closed {
        return Err(ApiError::Conflict(format!(
            "plan {} is closed",
            ctx.plan.id
        )));
    }
    if change.reason.trim().is_empty() {
        return Err(ApiError::invalid("reason", "say why the plan changes"));
    }
    let mut c = ctx.plan.content.clone();
    if let Some(t) = change.targets {
        c.targets = t;
    }
    if change.baseline.is_some() {
        c.baseline = change.baseline;
    }
    if let Some(d) = change.deadline {
        c.deadline = d;
    }
    if let Some(t) = change.trajectory {
        c.trajectory = t;
    }
    if let Some(p) = change.purpose {
        if let Some(text) = p.text {
            c.purpose.text = text;
        }
        if let Some(r) = p.reduces {
            c.purpose.reduces = r;
        }
        if let Some(e) = p.effects {
            c.purpose.effects = e;
        }
    }
    if let Some(units) = change.units {
        check_units(&ctx.units, &units)?;
        c.units = units;
    }
    if let Some(o) = change.owner {
        c.owner = o;
    }
    let c = c.validate(&ctx.kpi, &ctx.period).map_err(request_field)?;
    if c == ctx.plan.content {
        return Err(ApiError::invalid(
            "reason",
            format!("plan {}: nothing to change", ctx.plan.id),
        ));
    }
    Ok(store
        .revise_plan(ctx.plan.id, &c, &change.reason, actor, now())
        .await?)
}

/// Records who agreed and when (a new revision), and marks the draft plan agreed.
pub async fn agree(
    store: &Store,
    ctx: &PlanContext,
    a: AgreementInput,
    actor: &str,
) -> Result<(), ApiError> {
    if ctx.plan.state != PlanState::Draft {
        return Err(ApiError::Conflict(format!(
            "plan {} is {}, not a draft",
            ctx.plan.id, ctx.plan.state
        )));
    }
    let mut c = ctx.plan.content.clone();
    c.agreement = Some(Agreement {
        by: a.by,
        on: a.on.unwrap_or_else(|| now().date()),
    });
    let c = c.validate(&ctx.kpi, &ctx.period).map_err(request_field)?;
    let by = c.agreement.as_ref().map_or("", |a| a.by.as_str());
    store
        .revise_plan(ctx.plan.id, &c, &format!("agreed by {by}"), actor, now())
        .await?;
    store.set_plan_state(ctx.plan.id, PlanState::Agreed).await?;
    Ok(())
}

/// Closes a plan that is not closed yet.
pub async fn close(store: &Store, ctx: &PlanContext) -> Result<(), ApiError> {
    if ctx.plan.state == PlanState::Closed {
        return Err(ApiError::Conflict(format!(
            "plan {} is already closed",
            ctx.plan.id
        )));
    }
    Ok(store.set_plan_state(ctx.plan.id, PlanState::Closed).await?)
}

/// An organisation's plans (of one period, or all), each with its KPI and its period's code.
pub async fn list(
    store: &Store,
    org: &StoredOrg,
    period: Option<&str>,
) -> Result<Vec<(StoredPlan, KpiDefinition, String)>, ApiError> {
    let periods = store.periods(org.id).await?;
    let plans = match period {
        Some(code) => match periods.iter().find(|p| p.code == code) {
            Some(p) => store.plans(org.id, p.id).await?,
            None => Vec::new(),
        },
        None => store.all_plans(org.id).await?,
    };
    let defs = store.kpi_definitions(Some(org.id)).await?;
    plans
        .into_iter()
        .map(|p| {
            let kpi = defs
                .iter()
                .find(|d| d.id == p.kpi)
                .map(|d| d.definition.clone());
            let code = periods
                .iter()
                .find(|x| x.id == p.period_id)
                .map(|x| x.code.clone());
            match (kpi, code) {
                (Some(k), Some(c)) => Ok((p, k, c)),
                _ => Err(ApiError::Internal(format!(
                    "plan {} refers to a missing KPI or period",
                    p.id
                ))),
            }
        })
        .collect()
}
