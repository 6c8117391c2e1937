//! Monte Carlo simulation of annual loss for the API and the pages: scenarios given in a request,
//! or an organisation's loss model now and after its plans (`mieruka_app::simulation`). The server
//! bounds the work one request may ask for (simulated years by role, `settings.simulate`), runs
//! at most `simulate.max_concurrent` simulations at once (a request beyond is answered 429 with
//! `Retry-After`, not queued behind the cores), and runs each off the async threads.

use mieruka_app::simulation::{portfolio_json, simulate_all};
use mieruka_sim::Scenario;
use mieruka_store::OrgId;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::OwnedSemaphorePermit;

use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;

/// The most simulated years any request may ask for, whatever the settings: the documented
/// maximum of `trials`.
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
    #[schemars(length(min = 1, max = MAX_SCENARIOS))]
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

/// The most simulated years this principal may ask for: the server's `simulate.max_trials` for
/// administrators and owners (of `org`, or of any organisation for scenarios sent in the request),
/// `simulate.max_trials_reader` for everyone else.
pub fn trials_limit(state: &AppState, who: &Principal, org: Option<OrgId>) -> u64 {
    let bounds = &state.settings.simulate;
    let owner = who
        .memberships
        .iter()
        .any(|m| m.role == "owner" && org.is_none_or(|o| m.org_id == o));
    if who.is_admin || owner {
        bounds.max_trials
    } else {
        bounds.max_trials_reader
    }
}

/// The number of trials asked for (the default when none is), checked against `limit`.
pub fn trials(given: Option<u64>, limit: u64) -> Result<u64, ApiError> {
    match given.unwrap_or(DEFAULT_TRIALS.min(limit)) {
        0 => Err(ApiError::invalid("trials", "must be at least 1")),
        t if t > limit => Err(ApiError::invalid(
            "trials",
            format!("at most {limit} for you on this server, got {t}"),
        )),
        t => Ok(t),
    }
}

/// A place among the simulations allowed to run at once, or 429 with `Retry-After` when all are
/// taken. Held until the simulation ends, even when the caller goes away.
pub fn permit(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    state
        .simulations
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy {
            retry_after: state.settings.simulate.retry_after_seconds,
        })
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

/// Simulates each labelled portfolio off the async threads, holding `permit` until done, with
/// one set of curve thresholds for all so their curves compare point by point; returns each
/// portfolio's JSON (as `mieruka simulate --json` prints one).
pub async fn run(
    permit: OwnedSemaphorePermit,
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
        let _permit = permit;
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
