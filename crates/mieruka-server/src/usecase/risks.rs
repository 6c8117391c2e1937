//! Keeping the business-risk register (Fig. 8) from API requests: setting and removing risks.
//! The register's views (JSON, SVG matrix) are `mieruka_app::risks`.

use mieruka_app::risks::risks;
use mieruka_domain::risk::{RawRisk, other_cyber};
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{Store, StoreError};
use serde::Deserialize;

use crate::auth::now;
use crate::error::ApiError;

/// A risk as a request gives it; its code is the path's. Exactly one of `impact` (1–5),
/// `impact_yen` and `cyber: true` says where the impact comes from.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    pub name: String,
    pub category: String,
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub probability: i64,
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub impact: Option<i64>,
    #[schemars(range(min = 0, max = mieruka_domain::risk::MAX_YEN))]
    pub impact_yen: Option<i64>,
    /// The impact is the loss model's (one risk per organisation).
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
    let existing = risks(store, org).await?;
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
