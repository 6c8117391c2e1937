//! The API's JSON shapes for what the store returns. Where the command line prints JSON for the
//! same thing (`--json`), the shape is the same, field for field.

use mieruka_domain::grid::Grid;
use mieruka_domain::recommend::Recommendation;
use mieruka_domain::{KpiDefinition, Lang, Maturity, MeasureKind};
use mieruka_store::access::{ApiToken, Membership};
use mieruka_store::orgs::{StoredOrg, StoredUnit};
use mieruka_store::periods::StoredPeriod;
use mieruka_store::plans::{PlanRevision, StoredPlan};
use serde_json::{Value, json};

/// An organisation, as `mieruka org show --json` prints it without its units.
pub fn org_json(o: &StoredOrg) -> Value {
    json!({
        "code": o.org.slug,
        "name": o.org.name,
        "maturity": o.org.maturity,
        "fiscal_start_month": o.org.fiscal_start_month,
        "created_at": o.created_at,
    })
}

/// An organisation with its units, as `mieruka org show --json` prints it.
pub fn org_with_units_json(o: &StoredOrg, units: &[StoredUnit]) -> Value {
    let mut v = org_json(o);
    v["units"] = units.iter().map(unit_json).collect();
    v
}

/// A unit, as `mieruka unit list --json` prints it.
pub fn unit_json(u: &StoredUnit) -> Value {
    json!({
        "id": u.id,
        "code": u.unit.code,
        "name": u.unit.name,
        "kind": u.unit.kind,
        "parent": u.parent_id,
        "maturity": u.unit.maturity,
        "facts": u.unit.facts,
    })
}

pub fn period_json(p: &StoredPeriod) -> Value {
    json!({ "code": p.code, "kind": p.kind, "start": p.start, "end": p.end })
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

/// The Fig. 1 grid, as `mieruka catalog --grid --json` prints it.
pub fn grid_json(grid: &Grid<'_>) -> Value {
    let rows: Vec<Value> = grid
        .rows()
        .map(|(kind, cells)| {
            let cells: Vec<Value> = Maturity::ALL
                .iter()
                .zip(cells)
                .map(|(m, defs)| {
                    json!({
                        "maturity": m,
                        "kpis": defs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "measure_kind": kind,
                "name": {"ja": kind.label(Lang::Ja), "en": kind.label(Lang::En)},
                "cells": cells,
            })
        })
        .collect();
    json!({ "rows": rows, "columns": Maturity::ALL, "row_order": MeasureKind::ALL })
}

/// What `mieruka recommend --json` prints, except the sentence of advice, which is the command
/// line's wording in one language: `advice` is its code.
pub fn recommendation_json(org: &StoredOrg, period: &str, rec: &Recommendation<'_>) -> Value {
    let groups: Vec<Value> = rec
        .groups
        .iter()
        .map(|(kind, defs)| {
            json!({
                "measure_kind": kind,
                "kpis": defs.iter().map(|d| json!({
                    "id": d.id, "name": d.name, "maturity": d.maturity,
                    "targets": d.targets, "source": d.source,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "org": org.org.slug,
        "maturity": rec.stage,
        "stages": rec.stages,
        "period": period,
        "chosen": rec.chosen,
        "suggested": {"min": rec.suggested.0, "max": rec.suggested.1},
        "advice": rec.advice,
        "groups": groups,
    })
}

/// A role, as `mieruka user list --json` prints it.
pub fn membership_json(m: &Membership) -> Value {
    json!({ "org": m.org_code, "role": m.role, "unit": m.unit })
}

/// An API token as listed: never its secret.
pub fn token_json(t: &ApiToken) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "prefix": t.prefix,
        "scopes": t.scopes,
        "created_at": t.created_at,
        "last_used_at": t.last_used_at,
        "revoked": t.revoked,
    })
}

/// The loss report, as `mieruka loss --json` prints it.
pub fn loss_json(
    org: &StoredOrg,
    as_of: mieruka_domain::Date,
    loss: &mieruka_app::loss::OrgLoss,
) -> Value {
    use mieruka_app::loss::breakdown_json;
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

/// The loss model's inputs in force (or, before any are set, the template to start from).
pub fn loss_inputs_json(stored: Option<&mieruka_store::loss::StoredLossInputs>) -> Value {
    match stored {
        Some(s) => json!({
            "revision": s.revision,
            "inputs": s.inputs,
            "reason": s.reason,
            "created_by": s.created_by,
            "created_at": s.created_at,
        }),
        None => json!({
            "revision": null,
            "inputs": mieruka_domain::loss::LossInputs::template(),
            "reason": null,
            "created_by": null,
            "created_at": null,
        }),
    }
}
