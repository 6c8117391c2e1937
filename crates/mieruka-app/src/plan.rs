//! Plans, the one workflow both front ends use: create (with the KPI's own targets when none
//! are given), revise with a reason, record the executives' agreement, close, list; how many
//! KPIs a period has chosen; and the public JSON of a plan (`mieruka plan list/show --json`,
//! `/api/v1/…/plans`). Content is checked by `PlanContent::validate`, a plan's state by
//! `PlanState::after` (again inside the store's transaction); errors name the fields as the
//! API's JSON does (`targets[0]`, `purpose.text`, `units[1]`, `by`).

use mieruka_domain::loss::Effect;
use mieruka_domain::period::Period;
use mieruka_domain::plan::{
    Agreement, FieldError, LossCategory, PlanContent, PlanEvent, PlanState, PlanTarget,
    PlanTransitionError, Purpose, TrajectoryPoint,
};
use mieruka_domain::{Date, KpiDefinition, Lang, Text, Timestamp};
use mieruka_store::orgs::{StoredOrg, StoredUnit};
use mieruka_store::plans::{PlanContext, PlanRevision, StoredPlan};
use mieruka_store::{PlanId, Store, StoreError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::status::resolve_period;
use crate::{AppError, Result};

/// A new plan (the API's `POST …/plans` body, the wizard's plans, `mieruka plan create`).
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
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
    /// Default: the one acting.
    pub owner: Option<String>,
}

/// What a new plan is for, as it is given; the plan keeps it as a [`Purpose`].
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Purpose")]
pub struct PurposeInput {
    /// The purpose in words.
    pub text: String,
    /// The kinds of loss the plan should reduce.
    #[serde(default)]
    pub reduces: Vec<LossCategory>,
    /// The levers of the loss model the plan moves when it meets its target.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

impl From<PurposeInput> for Purpose {
    fn from(p: PurposeInput) -> Purpose {
        Purpose {
            text: p.text,
            reduces: p.reduces,
            effects: p.effects,
        }
    }
}

/// A change to a plan (the API's `PATCH` body, `mieruka plan revise`): every field but `reason`
/// is optional and replaces the current value.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
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

/// A change to what a plan is for: each part given replaces the current one.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurposeChange {
    pub text: Option<String>,
    pub reduces: Option<Vec<LossCategory>>,
    pub effects: Option<Vec<Effect>>,
}

/// The executives' agreement.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Agreement")]
pub struct AgreementInput {
    pub by: String,
    /// Default: today.
    pub on: Option<Date>,
}

/// A domain error, with the field named as the API's JSON names it.
fn plan_field(e: FieldError) -> AppError {
    let field = match e.field.as_str() {
        "purpose" => "purpose.text".to_string(),
        "effects" => "purpose.effects".to_string(),
        "agreement.by" => "by".to_string(),
        other => other.to_string(),
    };
    AppError::Invalid {
        field,
        reason: e.reason,
    }
}

/// Whether the plan's state takes `event` (checked again inside the store's transaction).
fn may(ctx: &PlanContext, event: PlanEvent) -> Result<()> {
    ctx.plan
        .state
        .after(event)
        .map(|_| ())
        .map_err(|e| refused(ctx.plan.id, e))
}

/// An event the plan's state does not take, said as the store says it.
fn refused(plan: PlanId, e: PlanTransitionError) -> AppError {
    AppError::Store(StoreError::State {
        what: format!("plan {plan}"),
        done: e.event.done(),
        reason: e.to_string(),
    })
}

/// Checks that every code names a unit of the organisation.
fn check_units(units: &[StoredUnit], codes: &[String]) -> Result<()> {
    for (i, c) in codes.iter().enumerate() {
        if !units.iter().any(|u| u.unit.code.as_str() == c) {
            let known: Vec<_> = units.iter().map(|u| u.unit.code.as_str()).collect();
            return Err(AppError::invalid(
                format!("units[{i}]"),
                format!("there is no unit `{c}` (units: {})", known.join(", ")),
            ));
        }
    }
    Ok(())
}

/// The period a new plan is for: a custom one with `from` and `to`, or a stored or fiscal one.
async fn period_of(store: &Store, org: &StoredOrg, p: &NewPlan, today: Date) -> Result<Period> {
    match (p.from, p.to) {
        (Some(from), Some(to)) => {
            Period::custom(&p.period, from, to).map_err(|e| AppError::invalid("period", e))
        }
        (None, None) => resolve_period(store, org, Some(&p.period), today).await,
        (Some(_), None) => Err(AppError::invalid("to", "give both from and to, or neither")),
        (None, Some(_)) => Err(AppError::invalid(
            "from",
            "give both from and to, or neither",
        )),
    }
}

/// Creates a draft plan; returns its id and its content as stored.
pub async fn create(
    store: &Store,
    org: &StoredOrg,
    p: NewPlan,
    actor: &str,
    now: Timestamp,
) -> Result<(PlanId, PlanContent)> {
    let period = period_of(store, org, &p, org.org.today(now)).await?;
    let kpi = match store.kpi_definition(Some(org.id), p.kpi.trim()).await {
        Ok(k) => k,
        Err(StoreError::NotFound { .. }) => {
            return Err(AppError::invalid(
                "kpi",
                format!(
                    "no KPI `{}` in the catalogue of organisation {}",
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
        purpose: p.purpose.into(),
        units: p.units,
        owner: p.owner.unwrap_or_else(|| actor.to_string()),
        agreement: None,
    }
    .validate(&kpi.definition, &period)
    .map_err(plan_field)?;
    let period_id = store.ensure_period(org.id, &period).await?;
    let id = store
        .create_plan(org.id, period_id, kpi.id, &content, actor, now)
        .await?;
    Ok((id, content))
}

/// Records a new revision with the changes; returns its number. A closed plan is not changed,
/// and a change that changes nothing is refused.
pub async fn revise(
    store: &Store,
    ctx: &PlanContext,
    change: PlanChange,
    actor: &str,
    now: Timestamp,
) -> Result<i64> {
    let id = ctx.plan.id;
    may(ctx, PlanEvent::Revise)?;
    if change.reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "say why the plan changes"));
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
    let purpose = change.purpose.unwrap_or_default();
    if let Some(text) = purpose.text {
        c.purpose.text = text;
    }
    if let Some(r) = purpose.reduces {
        c.purpose.reduces = r;
    }
    if let Some(e) = purpose.effects {
        c.purpose.effects = e;
    }
    if let Some(units) = change.units {
        check_units(&ctx.units, &units)?;
        c.units = units;
    }
    if let Some(o) = change.owner {
        c.owner = o;
    }
    let c = c.validate(&ctx.kpi, &ctx.period).map_err(plan_field)?;
    if c == ctx.plan.content {
        return Err(AppError::invalid(
            "reason",
            format!("plan {id}: nothing to change"),
        ));
    }
    Ok(store
        .revise_plan(id, &c, &change.reason, actor, now)
        .await?)
}

/// Records who agreed and when, and marks the draft agreed: the revision and the state change
/// in one transaction that checks the plan is still a draft, so of several agreements at once
/// exactly one is recorded. Returns the agreement as recorded.
pub async fn agree(
    store: &Store,
    ctx: &PlanContext,
    a: AgreementInput,
    actor: &str,
    now: Timestamp,
) -> Result<Agreement> {
    let id = ctx.plan.id;
    may(ctx, PlanEvent::Agree)?;
    let mut c = ctx.plan.content.clone();
    c.agreement = Some(Agreement {
        by: a.by,
        on: a.on.unwrap_or_else(|| ctx.org.org.today(now)),
    });
    let c = c.validate(&ctx.kpi, &ctx.period).map_err(plan_field)?;
    let agreement = c.agreement.clone().expect("the agreement was just set");
    store
        .agree_plan(id, &c, &format!("agreed by {}", agreement.by), actor, now)
        .await?;
    Ok(agreement)
}

/// Closes a plan that is not closed yet.
pub async fn close(store: &Store, ctx: &PlanContext) -> Result<()> {
    let id = ctx.plan.id;
    may(ctx, PlanEvent::Close)?;
    Ok(store.close_plan(id).await?)
}

/// An organisation's plans (of one period, or all), each with its KPI and its period's code.
pub async fn list(
    store: &Store,
    org: &StoredOrg,
    period: Option<&str>,
) -> Result<Vec<(StoredPlan, KpiDefinition, String)>> {
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
                _ => Err(AppError::Internal(format!(
                    "plan {} refers to a missing KPI or period",
                    p.id
                ))),
            }
        })
        .collect()
}

/// The KPI's own targets, when the catalogue gives a number for each; otherwise an error on
/// `targets` asking for the organisation's.
pub fn default_targets(kpi: &KpiDefinition) -> Result<Vec<PlanTarget>> {
    let defaults: Vec<PlanTarget> = kpi
        .targets
        .iter()
        .filter_map(|t| {
            t.value.map(|value| PlanTarget {
                part: t.part.clone(),
                value,
            })
        })
        .collect();
    if defaults.len() == kpi.targets.len() && !defaults.is_empty() {
        Ok(defaults)
    } else {
        Err(AppError::Invalid {
            field: "targets".into(),
            reason: format!(
                "KPI {} has no default target ({}); give the organisation's",
                kpi.id,
                kpi.describe_targets(Lang::En)
            ),
        })
    }
}

/// A plan, as `mieruka plan list --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Plan")]
#[schemars(example = PlanView::example())]
pub struct PlanView {
    /// The plan's number.
    pub id: i64,
    /// The KPI it sets targets for.
    pub kpi_id: String,
    pub kpi_name: Text,
    /// The period's name (`FY2026-H2`, or a custom period's).
    pub period: String,
    pub state: PlanState,
    /// The current revision's number, from 1.
    pub revision: i64,
    /// What the plan aims for, at its current revision.
    pub content: PlanContent,
}

impl PlanView {
    pub fn new(p: &StoredPlan, kpi: &KpiDefinition, period: &str) -> PlanView {
        PlanView {
            id: p.id.0,
            kpi_id: kpi.id.as_str().to_string(),
            kpi_name: kpi.name.clone(),
            period: period.to_string(),
            state: p.state,
            revision: p.revision,
            content: p.content.clone(),
        }
    }

    fn example() -> PlanView {
        PlanView {
            id: 1,
            kpi_id: "1.2.2".into(),
            kpi_name: Text {
                ja: "標的型メール訓練での報告率".into(),
                en: "Reporting rate in phishing drills".into(),
            },
            period: "FY2026-H2".into(),
            state: PlanState::Draft,
            revision: 1,
            content: PlanContent {
                targets: vec![PlanTarget {
                    part: None,
                    value: 90.0,
                }],
                baseline: None,
                deadline: Date::new(2027, 3, 31).expect("a date"),
                trajectory: Vec::new(),
                purpose: Purpose {
                    text: "訓練で報告する人を増やし、情報漏えいの損失を減らす".into(),
                    reduces: vec![LossCategory::Theft],
                    effects: Vec::new(),
                },
                units: vec!["security".into()],
                owner: "owner".into(),
                agreement: None,
            },
        }
    }
}

/// A plan with every revision, as `mieruka plan show --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "PlanWithRevisions")]
#[schemars(example = PlanWithRevisions::example())]
pub struct PlanWithRevisions {
    #[serde(flatten)]
    pub plan: PlanView,
    /// Every revision, the first first.
    pub revisions: Vec<RevisionView>,
}

/// One revision of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "PlanRevision")]
pub struct RevisionView {
    /// The revision's number, from 1.
    pub revision: i64,
    /// Why the plan was changed.
    pub reason: String,
    /// Who changed it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// What the plan aimed for from this revision on.
    pub content: PlanContent,
}

impl PlanWithRevisions {
    pub fn new(
        p: &StoredPlan,
        kpi: &KpiDefinition,
        period: &str,
        revisions: &[PlanRevision],
    ) -> PlanWithRevisions {
        PlanWithRevisions {
            plan: PlanView::new(p, kpi, period),
            revisions: revisions
                .iter()
                .map(|r| RevisionView {
                    revision: r.revision,
                    reason: r.reason.clone(),
                    created_by: r.created_by.clone(),
                    created_at: r.created_at.clone(),
                    content: r.content.clone(),
                })
                .collect(),
        }
    }

    fn example() -> PlanWithRevisions {
        let plan = PlanView::example();
        let revisions = vec![RevisionView {
            revision: 1,
            reason: "作成".into(),
            created_by: "owner".into(),
            created_at: "2026-10-01T09:00:00Z".into(),
            content: plan.content.clone(),
        }];
        PlanWithRevisions { plan, revisions }
    }
}

/// How many KPIs are chosen for a period: its plans that are not closed.
pub async fn chosen_in(store: &Store, org: &StoredOrg, period: &str) -> Result<usize> {
    Ok(match store.period(org.id, period).await? {
        Some(p) => store
            .plans(org.id, p.id)
            .await?
            .iter()
            .filter(|p| p.state != PlanState::Closed)
            .count(),
        None => 0,
    })
}
