//! The business-risk register (Fig. 8) for the API: each risk placed on the matrix — the cyber
//! risk twice, now and after the plans, from the loss model — as JSON (the shape of
//! `mieruka risks --json`) or as the SVG matrix; and setting and removing risks.

use mieruka_app::loss::{CyberImpact, cyber_impact};
use mieruka_charts::{MatrixPoint, PointKind, risk_matrix_svg};
use mieruka_domain::loss::LossInputs;
use mieruka_domain::risk::{
    Cell, CyberLevels, Impact, Placement, RawRisk, Risk, other_cyber, place,
};
use mieruka_domain::{Date, Lang};
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::now;
use crate::error::ApiError;

/// The register with everything its views need.
pub struct Register {
    pub risks: Vec<Risk>,
    pub inputs: LossInputs,
    pub cyber: Option<CyberImpact>,
    pub placed: Vec<Placement>,
}

/// Loads the register and places each risk; the loss model runs only if a risk needs it.
pub async fn load(store: &Store, org: &StoredOrg, as_of: Date) -> Result<Register, ApiError> {
    let risks: Vec<Risk> = store
        .risks(org.id)
        .await?
        .into_iter()
        .map(|s| s.risk)
        .collect();
    let inputs = store
        .loss_inputs(org.id)
        .await?
        .map_or_else(LossInputs::template, |s| s.inputs);
    let cyber = if risks.iter().any(Risk::is_cyber) {
        cyber_impact(store, org, as_of).await?
    } else {
        None
    };
    let levels = cyber.as_ref().map(|c| CyberLevels {
        now: c.now_level,
        after: c.after_level,
    });
    let placed = place(&risks, &inputs, levels);
    Ok(Register {
        risks,
        inputs,
        cyber,
        placed,
    })
}

fn cell_json(c: Option<Cell>) -> Value {
    c.map_or(
        Value::Null,
        |c| json!({"probability": c.probability, "impact": c.impact}),
    )
}

/// Each risk as `mieruka risks --json` lists it, numbered as on the matrix.
pub fn risk_items(reg: &Register) -> Vec<Value> {
    let round = |v: f64| v.round() as i64;
    reg.risks
        .iter()
        .zip(&reg.placed)
        .enumerate()
        .map(|(i, (r, p))| {
            let impact_yen = match r.impact {
                Impact::Yen(y) => Some(y),
                Impact::Cyber => reg.cyber.as_ref().map(|c| round(c.now_yen)),
                Impact::Level(_) => None,
            };
            json!({
                "number": i + 1,
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "probability": r.probability,
                "impact": p.at.map(|c| c.impact),
                "impact_yen": impact_yen,
                "cyber": r.is_cyber(),
                "owner": r.owner,
                "note": r.note,
                "cell": cell_json(p.at),
                "cell_after": cell_json(p.after),
            })
        })
        .collect()
}

/// The register's other keys in `mieruka risks --json`: the money bands and the cyber risk.
pub fn register_json(org: &StoredOrg, reg: &Register) -> Value {
    let round = |v: f64| v.round() as i64;
    let cyber = reg.cyber.as_ref().map_or(Value::Null, |c| {
        json!({
            "now": {"impact": c.now_level, "loss_yen": round(c.now_yen)},
            "after": {"impact": c.after_level, "loss_yen": round(c.after_yen)},
        })
    });
    json!({
        "org": org.org.slug,
        "bands_yen": reg.inputs.impact_bands_yen.iter().map(|b| round(*b)).collect::<Vec<_>>(),
        "cyber": cyber,
    })
}

/// The matrix as a standalone SVG, titled with the organisation's name.
pub fn matrix_svg(lang: Lang, org: &StoredOrg, reg: &Register) -> String {
    let points: Vec<MatrixPoint> = reg
        .risks
        .iter()
        .zip(&reg.placed)
        .map(|(r, p)| MatrixPoint {
            label: r.name.clone(),
            at: p.at,
            kind: if r.is_cyber() {
                PointKind::Cyber { after: p.after }
            } else {
                PointKind::Normal
            },
        })
        .collect();
    let subtitle = match lang {
        Lang::Ja => "事業リスクの評価（発生確率 × 影響度）",
        Lang::En => "Business risks (probability × impact)",
    };
    let title = format!("{} — {subtitle}", org.org.name);
    risk_matrix_svg(lang, &points, &title, Some(&reg.inputs.impact_bands_yen))
}

/// A risk as a request gives it; its code is the path's. Exactly one of `impact` (1–5),
/// `impact_yen` and `cyber: true` says where the impact comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    pub name: String,
    pub category: String,
    pub probability: i64,
    pub impact: Option<i64>,
    pub impact_yen: Option<i64>,
    #[serde(default)]
    pub cyber: bool,
    pub owner: Option<String>,
    pub note: Option<String>,
}

/// Adds the risk or replaces the one with the same code; returns whether it is new. The
/// register holds one cyber risk at most.
pub async fn set(
    store: &Store,
    org: &StoredOrg,
    code: &str,
    input: RiskInput,
) -> Result<bool, ApiError> {
    let raw = RawRisk {
        code: code.to_string(),
        name: input.name,
        category: input.category,
        probability: input.probability,
        impact: input.impact,
        impact_yen: input.impact_yen,
        cyber: input.cyber,
        owner: input.owner,
        note: input.note,
    };
    let risk = raw.validate()?;
    let existing: Vec<Risk> = store
        .risks(org.id)
        .await?
        .into_iter()
        .map(|s| s.risk)
        .collect();
    if let Some(other) = other_cyber(&existing, &risk) {
        return Err(ApiError::Conflict(format!(
            "risk `{}` already takes its impact from the loss model (one per organisation; remove it first)",
            other.code
        )));
    }
    let new = !existing.iter().any(|r| r.code == risk.code);
    store.upsert_risk(org.id, &risk, now()).await?;
    Ok(new)
}

/// Removes the risk with this code (404 when there is none).
pub async fn remove(store: &Store, org: &StoredOrg, code: &str) -> Result<(), ApiError> {
    match store.remove_risk(org.id, code).await {
        Err(StoreError::NotFound { .. }) => Err(ApiError::NotFound),
        other => Ok(other?),
    }
}
