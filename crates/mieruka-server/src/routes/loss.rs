//! The maximum loss in money (想定損失額) now, today and after the plans, and the loss model's
//! inputs.

use axum::Json;
use axum::extract::State;
use mieruka_app::loss::{loss_json, org_loss, set_inputs};
use mieruka_domain::loss::LossInputs;
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, Route, who};
use super::status::AS_OF;
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};
use crate::views::loss_inputs_json;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/loss", report)
            .doc(
                "loss",
                "The maximum loss now, today (plans at their achievement) and after (plans at target), with every formula (as `mieruka loss --json`)",
            )
            .query(&[AS_OF])
            .answers(Answer::Object("LossReport")),
        Route::get("/api/v1/orgs/{org}/loss/inputs", inputs)
            .doc(
                "loss",
                "The loss model's inputs in force, or the template to start from when none are set",
            )
            .answers(Answer::Object("LossInputsRevision")),
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
            .answers(Answer::Object("LossInputsRevision")),
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
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let as_of = date_or_today(&org, "as_of", q.as_of.as_deref())?;
    let loss = org_loss(&state.store, &org, as_of).await?;
    Ok(Json(loss_json(&org, as_of, &loss)))
}

async fn inputs(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let stored = state.store.loss_inputs(org.id).await?;
    Ok(Json(loss_inputs_json(stored.as_ref())))
}

async fn replace_inputs(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(body): Body<InputsChange>,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(loss_inputs_json(
        store.loss_inputs(org.id).await?.as_ref(),
    )))
}
