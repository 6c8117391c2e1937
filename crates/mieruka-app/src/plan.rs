//! Plans as both front ends create and count them: the KPI's own targets when none are given,
//! how many KPIs a period has chosen, and the public JSON of a plan (`mieruka plan list/show
//! --json`, `/api/v1/…/plans`).

use mieruka_domain::plan::{PlanState, PlanTarget};
use mieruka_domain::{KpiDefinition, Lang};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::plans::{PlanRevision, StoredPlan};
use serde_json::{Value, json};

use crate::{AppError, Result};

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
pub fn plan_json(p: &StoredPlan, kpi: &KpiDefinition, period: &str) -> Value {
    json!({
        "id": p.id,
        "kpi_id": kpi.id,
        "kpi_name": kpi.name,
        "period": period,
        "state": p.state,
        "revision": p.revision,
        "content": p.content,
    })
}

/// A plan with every revision, as `mieruka plan show --json` prints it.
pub fn plan_with_revisions_json(
    p: &StoredPlan,
    kpi: &KpiDefinition,
    period: &str,
    revisions: &[PlanRevision],
) -> Value {
    let mut v = plan_json(p, kpi, period);
    v["revisions"] = revisions
        .iter()
        .map(|r| {
            json!({
                "revision": r.revision,
                "reason": r.reason,
                "created_by": r.created_by,
                "created_at": r.created_at,
                "content": r.content,
            })
        })
        .collect();
    v
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
