//! The business-risk register (Fig. 8): keeping it (setting and removing risks, one cyber risk
//! at most), each risk placed on the matrix — the cyber risk twice, now and after the plans,
//! from the loss model — and its public JSON (`RiskItem`, `RegisterSummary`: `mieruka risks --json`,
//! `/api/v1/orgs/{org}/risks`) and SVG matrix.

use mieruka_charts::{MatrixPoint, PointKind, risk_matrix_svg};
use mieruka_domain::loss::LossInputs;
use mieruka_domain::risk::{
    Cell, CyberLevels, Impact, Placement, RawRisk, Risk, other_cyber, place,
};
use mieruka_domain::{Date, Lang, Timestamp};
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{Store, StoreError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::loss::{CyberImpact, OrgLoss, cyber_impact};
use crate::{AppError, Result};

/// The register with everything its views need: the risks, the money bands, the cyber risk's
/// figures and each risk's place.
pub struct Register {
    pub risks: Vec<Risk>,
    /// The inputs in force, or the template's (default bands) before any are set.
    pub inputs: LossInputs,
    /// Whether the organisation has loss inputs (otherwise the bands are the defaults).
    pub has_loss_inputs: bool,
    pub cyber: Option<CyberImpact>,
    pub placed: Vec<Placement>,
}

/// The organisation's risks, in the register's order.
pub async fn risks(store: &Store, org: &StoredOrg) -> Result<Vec<Risk>> {
    Ok(store
        .risks(org.id)
        .await?
        .into_iter()
        .map(|s| s.risk)
        .collect())
}

/// Adds the risk or replaces the one with the same code; returns it as checked and whether it
/// is new. The register holds one cyber risk at most (a conflict names the one it has).
pub async fn set(
    store: &Store,
    org: &StoredOrg,
    raw: RawRisk,
    now: Timestamp,
) -> Result<(Risk, bool)> {
    let risk = raw.validate()?;
    let existing = risks(store, org).await?;
    if let Some(other) = other_cyber(&existing, &risk) {
        return Err(AppError::Conflict(format!(
            "risk `{}` already takes its impact from the loss model (one per organisation; remove it first)",
            other.code
        )));
    }
    let new = !existing.iter().any(|r| r.code == risk.code);
    store.upsert_risk(org.id, &risk, now).await?;
    Ok((risk, new))
}

/// Removes the risk with this code.
pub async fn remove(store: &Store, org: &StoredOrg, code: &str) -> Result<()> {
    match store.remove_risk(org.id, code).await {
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(format!(
            "risk `{code}` was not found in organisation {}",
            org.org.slug
        ))),
        other => Ok(other?),
    }
}

/// Loads the register and places each risk as of a date; the loss model (which evaluates every
/// plan) runs only if a risk needs it.
pub async fn load(store: &Store, org: &StoredOrg, as_of: Date) -> Result<Register> {
    let risks = risks(store, org).await?;
    let stored_inputs = store.loss_inputs(org.id).await?;
    let cyber = if risks.iter().any(Risk::is_cyber) {
        cyber_impact(store, org, as_of).await?
    } else {
        None
    };
    Ok(register(risks, stored_inputs.map(|s| s.inputs), cyber))
}

/// Loads the register and places each risk with a loss report the caller already computed
/// (`None` when the organisation has no loss inputs), so a page showing both runs the loss
/// model once.
pub async fn load_with_loss(
    store: &Store,
    org: &StoredOrg,
    loss: Option<&OrgLoss>,
) -> Result<Register> {
    let risks = risks(store, org).await?;
    let cyber = loss
        .filter(|_| risks.iter().any(Risk::is_cyber))
        .map(CyberImpact::of);
    Ok(register(
        risks,
        loss.map(|l| l.inputs.inputs.clone()),
        cyber,
    ))
}

fn register(risks: Vec<Risk>, stored: Option<LossInputs>, cyber: Option<CyberImpact>) -> Register {
    let has_loss_inputs = stored.is_some();
    let inputs = stored.unwrap_or_else(LossInputs::template);
    let levels = cyber.as_ref().map(|c| CyberLevels {
        now: c.now_level,
        after: c.after_level,
    });
    let placed = place(&risks, &inputs, levels);
    Register {
        risks,
        inputs,
        has_loss_inputs,
        cyber,
        placed,
    }
}

/// A place on the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "MatrixCell")]
pub struct CellView {
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub probability: u8,
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub impact: u8,
}

impl From<Cell> for CellView {
    fn from(c: Cell) -> CellView {
        CellView {
            probability: c.probability,
            impact: c.impact,
        }
    }
}

fn round(v: f64) -> i64 {
    v.round() as i64
}

/// A risk of the register as listed, numbered as on the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Risk")]
#[schemars(example = RiskItem::example())]
pub struct RiskItem {
    /// Its number on the matrix, from 1.
    pub number: usize,
    /// The risk's code (a–z, 0–9, -).
    pub code: String,
    pub name: String,
    pub category: String,
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub probability: u8,
    /// The impact level, 1–5; null for the cyber risk before the loss inputs are set.
    #[schemars(range(min = 1, max = 5))]
    pub impact: Option<u8>,
    /// The impact in yen: the one given, or the loss model's maximum loss now for the cyber
    /// risk; null when the impact was given as a level.
    pub impact_yen: Option<i64>,
    /// The impact is the loss model's.
    pub cyber: bool,
    pub owner: Option<String>,
    /// Where the risk is on the matrix; null when it cannot be placed yet.
    pub cell: Option<CellView>,
    /// The cyber risk's place once the plans meet their targets; null for the others.
    pub cell_after: Option<CellView>,
    /// A note on the risk (absent from the command line's list, which neither sets nor shows
    /// notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub note: Option<Option<String>>,
}

impl RiskItem {
    fn example() -> RiskItem {
        RiskItem {
            number: 1,
            code: "supplier-failure".into(),
            name: "主要取引先の倒産".into(),
            category: "財務".into(),
            probability: 2,
            impact: Some(4),
            impact_yen: Some(3_000_000_000),
            cyber: false,
            owner: Some("CFO".into()),
            cell: Some(CellView {
                probability: 2,
                impact: 4,
            }),
            cell_after: None,
            note: Some(Some("与信管理の見直しを検討中".into())),
        }
    }
}

/// Each risk as listed, numbered as on the matrix. The API's items carry the risk's `note`; the
/// command line, which neither sets nor shows notes, lists them without (`with_note: false`).
pub fn risk_items(reg: &Register, with_note: bool) -> Vec<RiskItem> {
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
            RiskItem {
                number: i + 1,
                code: r.code.to_string(),
                name: r.name.clone(),
                category: r.category.clone(),
                probability: r.probability,
                impact: p.at.map(|c| c.impact),
                impact_yen,
                cyber: r.is_cyber(),
                owner: r.owner.clone(),
                cell: p.at.map(CellView::from),
                cell_after: p.after.map(CellView::from),
                note: with_note.then(|| r.note.clone()),
            }
        })
        .collect()
}

/// The cyber risk's impact level and maximum loss, at one time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct CyberLevel {
    /// 1–5, by the money bands.
    #[schemars(range(min = 1, max = 5))]
    pub impact: u8,
    pub loss_yen: i64,
}

/// The cyber risk now and once the plans meet their targets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct CyberPlacement {
    pub now: CyberLevel,
    pub after: CyberLevel,
}

/// The register's keys besides its risks: the organisation, the money bands and the cyber risk.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RegisterSummary {
    /// The organisation's code.
    pub org: String,
    /// The bounds in yen between impact levels 1|2|3|4|5.
    pub bands_yen: Vec<i64>,
    /// The cyber risk from the loss model; null without a cyber risk or loss inputs.
    pub cyber: Option<CyberPlacement>,
}

impl RegisterSummary {
    pub fn new(org: &StoredOrg, reg: &Register) -> RegisterSummary {
        RegisterSummary {
            org: org.org.slug.to_string(),
            bands_yen: reg
                .inputs
                .impact_bands_yen
                .iter()
                .map(|b| round(*b))
                .collect(),
            cyber: reg.cyber.as_ref().map(|c| CyberPlacement {
                now: CyberLevel {
                    impact: c.now_level,
                    loss_yen: round(c.now_yen),
                },
                after: CyberLevel {
                    impact: c.after_level,
                    loss_yen: round(c.after_yen),
                },
            }),
        }
    }
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
