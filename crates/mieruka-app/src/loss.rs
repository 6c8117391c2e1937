//! The loss report of an organisation: setting its inputs (checked, then recorded as a new
//! revision), its inputs in force, its facts, and every open plan with effects at its
//! achievement as of a date; the cyber risk's impact for the risk matrix; and the public JSON
//! of the report (`LossAnswer`: the API's answer and `mieruka loss --json`).

use mieruka_domain::loss::{
    Breakdown, CompanyFacts, Effect, Figure, LossInputs, LossReport, PlanLever, Term, breakdown,
    report,
};
use mieruka_domain::org::UnitKind;
use mieruka_domain::plan::FieldError;
use mieruka_domain::plan::PlanState;
use mieruka_domain::{Date, Text, Timestamp};
use mieruka_store::Store;
use mieruka_store::loss::StoredLossInputs;
use mieruka_store::orgs::StoredOrg;
use schemars::JsonSchema;
use serde::Serialize;

use crate::{AppError, Result};

/// The organisation's loss report as of a date, with the inputs it used and the plans' keys.
pub struct OrgLoss {
    pub inputs: StoredLossInputs,
    pub report: LossReport,
    /// Per plan in `report.plans`: its id and KPI name.
    pub plan_names: Vec<(i64, mieruka_domain::Text)>,
}

/// A refusal of the inputs, naming the field inside them (`inputs.identifiability`).
fn in_inputs(e: FieldError) -> AppError {
    AppError::invalid(format!("inputs.{}", e.field), e.reason)
}

/// Checks the inputs field by field, then against the organisation's facts (the model must
/// compute with them), and records them as a new revision; returns its number.
pub async fn set_inputs(
    store: &Store,
    org: &StoredOrg,
    inputs: LossInputs,
    reason: &str,
    actor: &str,
    now: Timestamp,
) -> Result<i64> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "say why the inputs change"));
    }
    let inputs = inputs.validate().map_err(in_inputs)?;
    breakdown(&inputs, company_facts(store, org).await?).map_err(in_inputs)?;
    Ok(store
        .set_loss_inputs(org.id, &inputs, reason, actor, now)
        .await?)
}

/// The company's facts: the annual revenue of its top company unit.
pub async fn company_facts(store: &Store, org: &StoredOrg) -> Result<CompanyFacts> {
    let units = store.units(org.id).await?;
    let company = units
        .iter()
        .find(|u| u.parent_id.is_none() && u.unit.kind == UnitKind::Company);
    Ok(CompanyFacts {
        annual_revenue_yen: company
            .and_then(|u| u.unit.facts.annual_revenue_yen)
            .map(|r| r as f64),
    })
}

/// Computes the loss report: the inputs in force, and every open plan with effects at its
/// achievement as of `as_of`.
pub async fn org_loss(store: &Store, org: &StoredOrg, as_of: Date) -> Result<OrgLoss> {
    let inputs = store
        .loss_inputs(org.id)
        .await?
        .ok_or_else(|| AppError::NoLossInputs(org.org.slug.to_string()))?;
    let facts = company_facts(store, org).await?;
    let mut levers = Vec::new();
    let mut plan_names = Vec::new();
    for plan in store.all_plans(org.id).await? {
        if plan.state == PlanState::Closed || plan.content.purpose.effects.is_empty() {
            continue;
        }
        let s = crate::status::evaluate_plan(store, plan.id, as_of).await?;
        levers.push(PlanLever {
            key: format!("#{} {}", plan.id, s.ctx.kpi.id),
            effects: plan.content.purpose.effects.clone(),
            achievement: s.evaluation.achievement.map(|a| a.min(1.0)),
        });
        plan_names.push((plan.id.0, s.ctx.kpi.name.clone()));
    }
    let report = report(&inputs.inputs, facts, &levers).map_err(|e| AppError::Invalid {
        field: format!("loss inputs: {}", e.field),
        reason: e.reason,
    })?;
    Ok(OrgLoss {
        inputs,
        report,
        plan_names,
    })
}

/// The cyber risk's impact for the risk matrix: the total now and after, and the bands.
pub struct CyberImpact {
    pub now_yen: f64,
    pub after_yen: f64,
    pub now_level: u8,
    pub after_level: u8,
}

pub async fn cyber_impact(
    store: &Store,
    org: &StoredOrg,
    as_of: Date,
) -> Result<Option<CyberImpact>> {
    if store.loss_inputs(org.id).await?.is_none() {
        return Ok(None);
    }
    let loss = org_loss(store, org, as_of).await?;
    Ok(Some(CyberImpact::of(&loss)))
}

impl CyberImpact {
    /// The cyber risk's impact from a loss report already computed.
    pub fn of(loss: &OrgLoss) -> CyberImpact {
        let i = &loss.inputs.inputs;
        CyberImpact {
            now_yen: loss.report.now.total_yen,
            after_yen: loss.report.after.total_yen,
            now_level: i.impact_level(loss.report.now.total_yen),
            after_level: i.impact_level(loss.report.after.total_yen),
        }
    }
}

/// One figure of the loss model with how it is computed, amounts rounded to the yen.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "LossFigure")]
pub struct FigureView {
    /// `theft`, `interruption`, `fine`, `response` (the categories) or `net_profit`,
    /// `market_value` (the indirect effects).
    pub key: String,
    pub label: Text,
    pub amount_yen: f64,
    /// The formula in words.
    pub formula: Text,
    /// The inputs the formula is computed with.
    pub terms: Vec<Term>,
    /// Where the formula comes from.
    pub source: Text,
}

impl From<&Figure> for FigureView {
    fn from(f: &Figure) -> FigureView {
        FigureView {
            key: f.key.to_string(),
            label: f.label.clone(),
            amount_yen: f.amount_yen.round(),
            formula: f.formula.clone(),
            terms: f.terms.clone(),
            source: f.source.clone(),
        }
    }
}

/// The four categories of loss, their total and the indirect effects, for one set of lever
/// values.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "LossBreakdown")]
pub struct BreakdownView {
    /// ① theft, ② interruption, ③ fine, ④ response.
    pub categories: Vec<FigureView>,
    /// The sum of the categories.
    pub total_yen: f64,
    /// Effects on net profit and market value, not in the total.
    pub indirect: Vec<FigureView>,
}

impl From<&Breakdown> for BreakdownView {
    fn from(b: &Breakdown) -> BreakdownView {
        BreakdownView {
            categories: b.categories.iter().map(FigureView::from).collect(),
            total_yen: b.total_yen.round(),
            indirect: b.indirect.iter().map(FigureView::from).collect(),
        }
    }
}

/// What a plan takes off the maximum loss.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PlanReduction {
    /// The plan's number.
    pub plan: i64,
    /// `#<plan> <KPI id>`.
    pub key: String,
    /// What the plan does to the model when it meets its target.
    pub effects: Vec<Effect>,
    /// The plan's achievement as of the date (at most 1), if measured.
    pub achievement: Option<f64>,
    /// The reduction at today's achievement.
    pub reduction_today_yen: f64,
    /// The reduction once the plan meets its target.
    pub reduction_at_target_yen: f64,
}

/// The loss report, as the API answers it and `mieruka loss --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "LossReport")]
pub struct LossAnswer {
    /// The organisation's code.
    pub org: String,
    /// The date the plans' achievement is taken at.
    pub as_of: Date,
    /// The revision of the loss inputs used.
    pub inputs_revision: i64,
    /// Before any plan.
    pub now: BreakdownView,
    /// With the plans at their achievement as of the date.
    pub today: BreakdownView,
    /// With the plans at their targets.
    pub after: BreakdownView,
    /// Every open plan with effects on the model.
    pub plans: Vec<PlanReduction>,
}

impl LossAnswer {
    pub fn new(org: &StoredOrg, as_of: Date, loss: &OrgLoss) -> LossAnswer {
        let plans = loss
            .report
            .plans
            .iter()
            .zip(&loss.plan_names)
            .map(|(p, (id, _))| PlanReduction {
                plan: *id,
                key: p.key.clone(),
                effects: p.effects.clone(),
                achievement: p.achievement,
                reduction_today_yen: p.reduction_today_yen.round(),
                reduction_at_target_yen: p.reduction_at_target_yen.round(),
            })
            .collect();
        LossAnswer {
            org: org.org.slug.to_string(),
            as_of,
            inputs_revision: loss.inputs.revision,
            now: (&loss.report.now).into(),
            today: (&loss.report.today).into(),
            after: (&loss.report.after).into(),
            plans,
        }
    }
}
