//! Monte Carlo simulation of annual loss: scenarios sent in the request, or an organisation's
//! loss model now and after its plans.

use axum::Json;
use axum::extract::State;
use mieruka_app::simulation::org_scenarios;
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, Param, Route, who};
use super::status::AS_OF;
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::Principal;
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};
use crate::usecase::simulation::{self, DEFAULT_SEED, SimulationRequest, scenarios, trials};

const TRIALS: Param = Param {
    name: "trials",
    kind: "integer",
    description: "Simulated years, 1–1,000,000 (default 100,000).",
    example: "100000",
};
const SEED: Param = Param {
    name: "seed",
    kind: "integer",
    description: "Random seed: the same seed gives the same numbers (default 2019).",
    example: "2019",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/v1/simulate", simulate)
            .doc(
                "simulation",
                "Simulate annual loss for scenarios in riskquant's terms: mean, percentiles, loss-exceedance curve",
            )
            .who(who::SIGNED_IN)
            .body("SimulationRequest")
            .answers(Answer::Object("Simulation")),
        Route::get("/api/v1/orgs/{org}/simulation", org_simulation)
            .doc(
                "simulation",
                "Simulate the organisation's loss model, now and after its plans meet their targets",
            )
            .query(&[TRIALS, SEED, AS_OF])
            .answers(Answer::Object("OrgSimulation")),
    ]
}

async fn simulate(
    _who: Principal,
    Body(body): Body<SimulationRequest>,
) -> Result<Json<Value>, ApiError> {
    let trials = trials(body.trials)?;
    let portfolio = scenarios(&body.scenarios)?;
    let seed = body.seed.unwrap_or(DEFAULT_SEED);
    let mut done = simulation::run(vec![(String::new(), portfolio)], trials, seed).await?;
    Ok(Json(done.remove(0).1))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgQuery {
    trials: Option<u64>,
    seed: Option<u64>,
    as_of: Option<String>,
}

async fn org_simulation(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<OrgQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let trials = trials(q.trials)?;
    let seed = q.seed.unwrap_or(DEFAULT_SEED);
    let as_of = date_or_today("as_of", q.as_of.as_deref())?;
    let portfolios = org_scenarios(&state.store, &org, as_of).await?;
    let done = simulation::run(portfolios, trials, seed).await?;
    let portfolios: Vec<Value> = done
        .into_iter()
        .map(|(label, mut v)| {
            v["label"] = json!(label);
            v
        })
        .collect();
    Ok(Json(json!({
        "trials": trials,
        "seed": seed,
        "portfolios": portfolios,
        "org": org.org.slug,
        "as_of": as_of,
    })))
}
