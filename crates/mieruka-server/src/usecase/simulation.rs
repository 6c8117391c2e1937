//! Monte Carlo simulation of annual loss for the API: scenarios given in a request, or an
//! organisation's loss model now and after its plans (`mieruka_app::simulation`). The server
//! bounds the work one request may ask for, and runs the simulation off the async threads.

use mieruka_app::simulation::{portfolio_json, simulate_all};
use mieruka_sim::Scenario;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;

/// The most simulated years one request may ask for.
pub const MAX_TRIALS: u64 = 1_000_000;
/// Simulated years when the request does not say.
pub const DEFAULT_TRIALS: u64 = 100_000;
/// The seed when the request does not say (the command line's default too).
pub const DEFAULT_SEED: u64 = 2019;
/// The most scenarios one request may hold.
pub const MAX_SCENARIOS: usize = 200;
/// The most loss events one request may expect to draw (trials × the scenarios' annual rates).
pub const MAX_EVENTS: f64 = 200_000_000.0;

/// A scenario in riskquant's terms, as a request gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInput {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub annual_rate: f64,
    pub low_p5: f64,
    pub high_p95: f64,
}

/// Scenarios to simulate, with the number of simulated years and the seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    pub scenarios: Vec<ScenarioInput>,
    pub trials: Option<u64>,
    pub seed: Option<u64>,
}

/// The number of trials asked for, checked against the server's bounds.
pub fn trials(given: Option<u64>) -> Result<u64, ApiError> {
    match given.unwrap_or(DEFAULT_TRIALS) {
        0 => Err(ApiError::invalid("trials", "must be at least 1")),
        t if t > MAX_TRIALS => Err(ApiError::invalid(
            "trials",
            format!("at most {MAX_TRIALS} on this server, got {t}"),
        )),
        t => Ok(t),
    }
}

/// Checks the request's scenarios, naming the first bad field.
pub fn scenarios(given: &[ScenarioInput]) -> Result<Vec<Scenario>, ApiError> {
    if given.is_empty() {
        return Err(ApiError::invalid("scenarios", "give at least one scenario"));
    }
    if given.len() > MAX_SCENARIOS {
        return Err(ApiError::invalid(
            "scenarios",
            format!("at most {MAX_SCENARIOS} scenarios, got {}", given.len()),
        ));
    }
    given
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Scenario::new(&s.id, &s.name, s.annual_rate, s.low_p5, s.high_p95)
                .map_err(|e| ApiError::invalid(format!("scenarios[{i}].{}", e.field), e.reason))
        })
        .collect()
}

/// Simulates each labelled portfolio off the async threads, with one set of curve thresholds
/// for all so their curves compare point by point; returns each portfolio's JSON (as
/// `mieruka simulate --json` prints one).
pub async fn run(
    portfolios: Vec<(String, Vec<Scenario>)>,
    trials: u64,
    seed: u64,
) -> Result<Vec<(String, Value)>, ApiError> {
    let events: f64 = portfolios
        .iter()
        .flat_map(|(_, s)| s.iter().map(|x| x.annual_rate))
        .sum::<f64>()
        * trials as f64;
    if events > MAX_EVENTS {
        return Err(ApiError::invalid(
            "trials",
            format!(
                "about {events:.0} loss events would be drawn; this server draws at most {MAX_EVENTS:.0} per request (fewer trials or lower rates)"
            ),
        ));
    }
    tokio::task::spawn_blocking(move || {
        let done = simulate_all(&portfolios, trials, seed);
        portfolios
            .into_iter()
            .zip(&done)
            .map(|((label, scenarios), (sim, curve))| {
                (label, portfolio_json(&scenarios, sim, curve))
            })
            .collect()
    })
    .await
    .map_err(|e| ApiError::Internal(format!("simulation: {e}")))
}
