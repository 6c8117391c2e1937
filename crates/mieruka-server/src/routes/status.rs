//! Plan against actual for a period, and entering a measurement.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use mieruka_app::status::{resolve_period, status_json, statuses};
use mieruka_domain::plan::{MeasurementInput, MeasurementSource};
use serde::Deserialize;
use serde_json::{Value, json};

use super::visible_org;
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{org}/status", get(status))
        .route("/api/v1/plans/{plan}/measurements", post(add_measurement))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusQuery {
    period: Option<String>,
    as_of: Option<String>,
}

async fn status(
    State(state): State<AppState>,
    who: Principal,
    Path(code): Path<String>,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let as_of = match &q.as_of {
        Some(d) => mieruka_domain::Date::parse(d).map_err(|e| ApiError::invalid("as_of", e))?,
        None => now().date(),
    };
    let period = resolve_period(&state.store, &org, q.period.as_deref(), as_of).await?;
    let list = statuses(&state.store, &org, &period, as_of).await?;
    Ok(Json(json!({
        "org": org.org.slug,
        "period": period.id,
        "period_start": period.start,
        "period_end": period.end,
        "as_of": as_of,
        "plans": list.iter().map(status_json).collect::<Vec<_>>(),
    })))
}

async fn add_measurement(
    State(state): State<AppState>,
    who: Principal,
    Path(plan): Path<i64>,
    Body(input): Body<MeasurementInput>,
) -> Result<Json<Value>, ApiError> {
    let ctx = state
        .store
        .plan_context(mieruka_store::PlanId(plan))
        .await
        .map_err(|_| ApiError::NotFound)?;
    if !who.sees(ctx.org.id) {
        return Err(ApiError::NotFound);
    }
    let unit = ctx
        .unit(input.unit.trim())
        .ok_or_else(|| ApiError::invalid("unit", format!("there is no unit `{}`", input.unit)))?;
    who.require(&state.store, ctx.org.id, Need::Measure(unit.id))
        .await?;
    let source = if who.token_scopes.is_some() {
        MeasurementSource::Api
    } else {
        MeasurementSource::Manual
    };
    let m = mieruka_app::measure::to_new_measurement(&ctx, &input, source, &who.actor(), None)?;
    let store = state.store.with_actor(&who.actor());
    let id = store.add_measurement(&m, now()).await?;
    let stored = store
        .current_measurements(ctx.plan.id)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::Internal("a new measurement could not be read back".into()))?;
    Ok(Json(mieruka_app::measure::measurement_json(&stored)))
}
