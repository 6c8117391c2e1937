//! Monte Carlo simulation of annual loss for the API: scenarios given in a request, or an
//! organisation's loss model now and after its plans. The server bounds the work one request
//! may ask for, and runs the simulation off the async threads.

use mieruka_domain::Date;
use mieruka_domain::loss::Breakdown;
use mieruka_sim::{CurvePoint, Scenario, Simulation, analytic_mean, log_thresholds, simulate};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use serde::Deserialize;
use serde_json::{Value, json};

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
/// Points on every loss-exceedance curve.
const CURVE_POINTS: usize = 100;

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

/// The organisation's loss model as scenarios: now, and after its plans meet their targets.
pub async fn org_scenarios(
    store: &Store,
    org: &StoredOrg,
    as_of: Date,
) -> Result<Vec<(String, Vec<Scenario>)>, ApiError> {
    let loss = mieruka_app::loss::org_loss(store, org, as_of).await?;
    let to_sim = |b: &Breakdown| -> Result<Vec<Scenario>, ApiError> {
        mieruka_domain::loss::scenarios(&loss.inputs.inputs, b)
            .into_iter()
            .map(|s| {
                Scenario::new(s.id, s.name.ja.clone(), s.annual_rate, s.low_p5, s.high_p95)
                    .map_err(|e| ApiError::Conflict(format!("loss scenario {}: {e}", s.id)))
            })
            .collect()
    };
    Ok(vec![
        ("now".to_string(), to_sim(&loss.report.now)?),
        ("after".to_string(), to_sim(&loss.report.after)?),
    ])
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
        let sims: Vec<Simulation> = portfolios
            .iter()
            .map(|(_, s)| simulate(s, trials, seed))
            .collect();
        let range = sims
            .iter()
            .filter_map(Simulation::curve_range)
            .reduce(|(l1, h1), (l2, h2)| (l1.min(l2), h1.max(h2)));
        let thresholds = range.map_or(Vec::new(), |(low, high)| {
            log_thresholds(low, high, CURVE_POINTS)
        });
        portfolios
            .into_iter()
            .zip(&sims)
            .map(|((label, scenarios), sim)| {
                let curve = sim.exceedance_at(&thresholds);
                (label, portfolio_json(&scenarios, sim, &curve))
            })
            .collect()
    })
    .await
    .map_err(|e| ApiError::Internal(format!("simulation: {e}")))
}

/// The public JSON of one simulated portfolio: amounts in plain yen.
fn portfolio_json(scenarios: &[Scenario], sim: &Simulation, curve: &[CurvePoint]) -> Value {
    json!({
        "trials": sim.trials,
        "seed": sim.seed,
        "mean": sim.mean,
        "analytic_mean": analytic_mean(scenarios),
        "p50": sim.p50,
        "p90": sim.p90,
        "p95": sim.p95,
        "p99": sim.p99,
        "max": sim.max,
        "probability_of_loss": sim.probability_of_loss,
        "scenarios": scenarios.iter().zip(&sim.scenario_means).map(|(s, (_, mean))| json!({
            "id": s.id,
            "name": s.name,
            "annual_rate": s.annual_rate,
            "low_p5": s.low_p5,
            "high_p95": s.high_p95,
            "mean": mean,
            "analytic_mean": s.analytic_mean(),
        })).collect::<Vec<_>>(),
        "curve": curve.iter().map(|p| json!({
            "loss": p.loss,
            "probability": p.probability,
        })).collect::<Vec<_>>(),
    })
}
