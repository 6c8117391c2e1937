//! The loss report of an organisation: setting its inputs (checked, then recorded as a new
//! revision), its inputs in force, its facts, and every open plan with effects at its
//! achievement as of a date; the cyber risk's impact for the risk matrix; and the public JSON
//! of a breakdown and of the report (`mieruka loss --json`).

use mieruka_domain::loss::{
    Breakdown, CompanyFacts, Figure, LossInputs, LossReport, PlanLever, breakdown, report,
};
use mieruka_domain::org::UnitKind;
use mieruka_domain::plan::FieldError;
use mieruka_domain::plan::PlanState;
use mieruka_domain::{Date, Timestamp};
use mieruka_store::Store;
use mieruka_store::loss::StoredLossInputs;
use mieruka_store::orgs::StoredOrg;
use serde_json::{Value, json};

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

pub fn figure_json(f: &Figure) -> serde_json::Value {
    json!({
        "key": f.key,
        "label": f.label,
        "amount_yen": f.amount_yen.round(),
        "formula": f.formula,
        "terms": f.terms,
        "source": f.source,
    })
}

pub fn breakdown_json(b: &Breakdown) -> serde_json::Value {
    json!({
        "categories": b.categories.iter().map(figure_json).collect::<Vec<_>>(),
        "total_yen": b.total_yen.round(),
        "indirect": b.indirect.iter().map(figure_json).collect::<Vec<_>>(),
    })
}

/// The loss report, as `mieruka loss --json` prints it.
pub fn loss_json(org: &StoredOrg, as_of: Date, loss: &OrgLoss) -> Value {
    let plans: Vec<Value> = loss
        .report
        .plans
        .iter()
        .zip(&loss.plan_names)
        .map(|(p, (id, _))| {
            json!({
                "plan": id,
                "key": p.key,
                "effects": p.effects,
                "achievement": p.achievement,
                "reduction_today_yen": p.reduction_today_yen.round(),
                "reduction_at_target_yen": p.reduction_at_target_yen.round(),
            })
        })
        .collect();
    json!({
        "org": org.org.slug,
        "as_of": as_of,
        "inputs_revision": loss.inputs.revision,
        "now": breakdown_json(&loss.report.now),
        "today": breakdown_json(&loss.report.today),
        "after": breakdown_json(&loss.report.after),
        "plans": plans,
    })
}
