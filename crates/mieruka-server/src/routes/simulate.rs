//! Monte Carlo simulation of annual loss: scenarios sent in the request, or an organisation's
//! loss model now and after its plans.

use axum::Json;
use axum::extract::State;
use mieruka_app::simulation::org_scenarios;
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, Kind, Param, Route, who};
use super::status::AS_OF;
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::Principal;
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};
use crate::usecase::simulation::{
    self, DEFAULT_SEED, MAX_TRIALS, SimulationRequest, scenarios, trials, trials_limit,
};

const TRIALS: Param = Param {
    name: "trials",
    kind: Kind::Integer {
        min: 1,
        max: MAX_TRIALS,
    },
    description: "Simulated years, from 1 to the server's bound for the caller (simulate.max_trials for owners and administrators, default 1,000,000; simulate.max_trials_reader for others, default 100,000). Default 100,000, or the caller's bound when lower.",
    example: "10000",
};
const SEED: Param = Param {
    name: "seed",
    kind: Kind::Integer {
        min: 0,
        max: u64::MAX,
    },
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
            .body::<SimulationRequest>()
            .example(json!({
                "scenarios": [{
                    "id": "ransomware",
                    "name": "ランサムウェア",
                    "annual_rate": 0.1,
                    "low_p5": 10_000_000.0,
                    "high_p95": 2_000_000_000.0,
                }],
                "trials": 10000,
                "seed": 2019,
            }))
            .answers(Answer::Object("Simulation"))
            .simulates(),
        Route::get("/api/v1/orgs/{org}/simulation", org_simulation)
            .doc(
                "simulation",
                "Simulate the organisation's loss model, now and after its plans meet their targets",
            )
            .query(&[TRIALS, SEED, AS_OF])
            .answers(Answer::Object("OrgSimulation"))
            .simulates(),
    ]
}

async fn simulate(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<SimulationRequest>,
) -> Result<Json<Value>, ApiError> {
    let trials = trials(body.trials, trials_limit(&state, &who, None))?;
    let portfolio = scenarios(&body.scenarios)?;
    let seed = body.seed.unwrap_or(DEFAULT_SEED);
    let permit = simulation::permit(&state)?;
    let mut done = simulation::run(permit, vec![(String::new(), portfolio)], trials, seed).await?;
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
    let trials = trials(q.trials, trials_limit(&state, &who, Some(org.id)))?;
    let seed = q.seed.unwrap_or(DEFAULT_SEED);
    let as_of = date_or_today("as_of", q.as_of.as_deref())?;
    let portfolios = org_scenarios(&state.store, &org, as_of).await?;
    let permit = simulation::permit(&state)?;
    let done = simulation::run(permit, portfolios, trials, seed).await?;
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
