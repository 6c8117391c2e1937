//! Monte Carlo simulation of annual loss: scenarios sent in the request, or an organisation's
//! loss model now and after its plans.

use axum::Json;
use axum::extract::State;
use mieruka_app::simulation::{
    self, DEFAULT_SEED, MAX_TRIALS, OrgSimulation, Portfolio, org_scenarios, scenarios, trials,
};
use serde::Deserialize;
use serde_json::json;

use super::route::{Answer, Kind, Param, Route, who};
use super::status::AS_OF;
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::Principal;
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

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
            .answers(Answer::without_example::<Portfolio>())
            .simulates(),
        Route::get("/api/v1/orgs/{org}/simulation", org_simulation)
            .doc(
                "simulation",
                "Simulate the organisation's loss model, now and after its plans meet their targets",
            )
            .query(&[TRIALS, SEED, AS_OF])
            .answers(Answer::without_example::<OrgSimulation>())
            .simulates(),
    ]
}

/// A scenario in riskquant's terms, as a request gives it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scenario")]
pub struct ScenarioInput {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Events per year, 0–10,000.
    pub annual_rate: f64,
    /// One event's loss at its 5th percentile (> 0).
    pub low_p5: f64,
    /// One event's loss at its 95th percentile (> low_p5).
    pub high_p95: f64,
}

/// Scenarios to simulate, with the number of simulated years and the seed.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    /// 1–200 scenarios.
    #[schemars(length(min = 1, max = simulation::MAX_SCENARIOS))]
    pub scenarios: Vec<ScenarioInput>,
    /// Simulated years, from 1 to the server's bound for the caller (simulate.max_trials for
    /// owners and administrators, default 1,000,000; simulate.max_trials_reader for others,
    /// default 100,000). Default 100,000, or the caller's bound when lower.
    #[schemars(range(min = 1, max = MAX_TRIALS))]
    pub trials: Option<u64>,
    /// Default 2019.
    #[schemars(range(min = 0, max = u64::MAX))]
    pub seed: Option<u64>,
}

async fn simulate(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<SimulationRequest>,
) -> Result<Json<Portfolio>, ApiError> {
    let trials = trials(body.trials, state.trials_limit(&who, None))?;
    let given: Vec<simulation::ScenarioInput> = body
        .scenarios
        .into_iter()
        .map(|s| simulation::ScenarioInput {
            id: s.id,
            name: s.name,
            annual_rate: s.annual_rate,
            low_p5: s.low_p5,
            high_p95: s.high_p95,
        })
        .collect();
    let portfolio = scenarios(&given)?;
    let seed = body.seed.unwrap_or(DEFAULT_SEED);
    let permit = state.simulation_permit()?;
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
) -> Result<Json<OrgSimulation>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let trials = trials(q.trials, state.trials_limit(&who, Some(org.id)))?;
    let seed = q.seed.unwrap_or(DEFAULT_SEED);
    let as_of = date_or_today(&org, "as_of", q.as_of.as_deref())?;
    let portfolios = org_scenarios(&state.store, &org, as_of).await?;
    let permit = state.simulation_permit()?;
    let done = simulation::run(permit, portfolios, trials, seed).await?;
    Ok(Json(OrgSimulation::new(&org, as_of, trials, seed, done)))
}
