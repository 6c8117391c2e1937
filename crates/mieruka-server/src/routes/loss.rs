//! The maximum loss in money (想定損失額) now, today and after the plans, and the loss model's
//! inputs.

use axum::Json;
use axum::extract::State;
use mieruka_app::loss::{LossAnswer, org_loss, set_inputs};
use mieruka_domain::loss::LossInputs;
use mieruka_store::loss::StoredLossInputs;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::route::{Answer, Route, who};
use super::status::AS_OF;
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/loss", report)
            .doc(
                "loss",
                "The maximum loss now, today (plans at their achievement) and after (plans at target), with every formula (as `mieruka loss --json`)",
            )
            .query(&[AS_OF])
            .answers(Answer::without_example::<LossAnswer>()),
        Route::get("/api/v1/orgs/{org}/loss/inputs", inputs)
            .doc(
                "loss",
                "The loss model's inputs in force, or the template to start from when none are set",
            )
            .answers(Answer::of::<LossInputsRevision>()),
        Route::put("/api/v1/orgs/{org}/loss/inputs", replace_inputs)
            .doc(
                "loss",
                "Replace the loss model's inputs (a new revision with its reason; the old ones are kept)",
            )
            .who(who::OWNER)
            .body::<InputsChange>()
            .example(json!({
                "inputs": mieruka_domain::loss::LossInputs::template(),
                "reason": "保有する個人情報の件数を見直した",
            }))
            .answers(Answer::of::<LossInputsRevision>()),
    ]
}

/// New loss inputs and why they change, as a request gives them.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "LossInputsChange")]
pub struct InputsChange {
    pub inputs: LossInputs,
    pub reason: String,
}

/// The loss model's inputs in force, with their revision; before any are set, the template to
/// start from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = LossInputsRevision::from(None))]
pub struct LossInputsRevision {
    /// The revision in force; null: none set yet, and `inputs` is the template.
    pub revision: Option<i64>,
    pub inputs: LossInputs,
    /// Why the inputs changed.
    pub reason: Option<String>,
    /// Who set them.
    pub created_by: Option<String>,
    /// When they were set (RFC 3339, UTC).
    pub created_at: Option<String>,
}

impl From<Option<StoredLossInputs>> for LossInputsRevision {
    fn from(stored: Option<StoredLossInputs>) -> LossInputsRevision {
        match stored {
            Some(s) => LossInputsRevision {
                revision: Some(s.revision),
                inputs: s.inputs,
                reason: Some(s.reason),
                created_by: Some(s.created_by),
                created_at: Some(s.created_at),
            },
            None => LossInputsRevision {
                revision: None,
                inputs: LossInputs::template(),
                reason: None,
                created_by: None,
                created_at: None,
            },
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AsOf {
    as_of: Option<String>,
}

async fn report(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<AsOf>,
) -> Result<Json<LossAnswer>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let as_of = date_or_today(&org, "as_of", q.as_of.as_deref())?;
    let loss = org_loss(&state.store, &org, as_of).await?;
    Ok(Json(LossAnswer::new(&org, as_of, &loss)))
}

async fn inputs(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
) -> Result<Json<LossInputsRevision>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let stored = state.store.loss_inputs(org.id).await?;
    Ok(Json(stored.into()))
}

async fn replace_inputs(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(body): Body<InputsChange>,
) -> Result<Json<LossInputsRevision>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    set_inputs(
        &store,
        &org,
        body.inputs,
        &body.reason,
        store.actor(),
        now(),
    )
    .await?;
    Ok(Json(store.loss_inputs(org.id).await?.into()))
}
