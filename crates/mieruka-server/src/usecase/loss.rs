//! The loss model's inputs from an API request: checked field by field, then against the
//! organisation's facts (the model must compute with them), and recorded as a new revision.

use mieruka_app::loss::company_facts;
use mieruka_domain::loss::{LossInputs, breakdown};
use mieruka_domain::plan::FieldError;
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use serde::Deserialize;

use crate::auth::now;
use crate::error::ApiError;

/// New loss inputs and why they change.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "LossInputsChange")]
pub struct InputsChange {
    pub inputs: LossInputs,
    pub reason: String,
}

fn in_inputs(e: FieldError) -> ApiError {
    ApiError::invalid(format!("inputs.{}", e.field), e.reason)
}

/// Checks and records the inputs; returns the new revision's number.
pub async fn set_inputs(
    store: &Store,
    org: &StoredOrg,
    change: InputsChange,
) -> Result<i64, ApiError> {
    let reason = change.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid("reason", "say why the inputs change"));
    }
    let inputs = change.inputs.validate().map_err(in_inputs)?;
    breakdown(&inputs, company_facts(store, org).await?).map_err(in_inputs)?;
    Ok(store
        .set_loss_inputs(org.id, &inputs, reason, store.actor(), now())
        .await?)
}
