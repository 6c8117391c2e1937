//! Monte Carlo simulation of annual loss, as both front ends run it: scenarios given by a
//! person (checked, naming the first bad field) or an organisation's loss model as scenarios
//! (now, and after its plans meet their targets), portfolios simulated with one set of
//! loss-exceedance thresholds so their curves compare point by point — off the async threads,
//! within a bound on the loss events one run may draw — and the public JSON of a simulated
//! portfolio (`Portfolio`, `OrgSimulation`: `mieruka simulate --json`, `/api/v1/…/simulation`).

use mieruka_domain::Date;
use mieruka_domain::loss::Breakdown;
use mieruka_sim::{CurvePoint, Scenario, Simulation, analytic_mean, log_thresholds, simulate};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use schemars::JsonSchema;
use serde::Serialize;

use crate::{AppError, Result};

/// Points on every loss-exceedance curve.
pub const CURVE_POINTS: usize = 100;

/// The most simulated years a request to the server may ask for, whatever its settings: the
/// documented maximum of `trials`.
pub const MAX_TRIALS: u64 = 1_000_000;
/// Simulated years when the request does not say.
pub const DEFAULT_TRIALS: u64 = 100_000;
/// The seed when none is given (the command line's default too).
pub const DEFAULT_SEED: u64 = 2019;
/// The most scenarios one request may hold.
pub const MAX_SCENARIOS: usize = 200;
/// The most loss events one run may expect to draw (trials × the scenarios' annual rates).
pub const MAX_EVENTS: f64 = 200_000_000.0;

/// A scenario in riskquant's terms, as a person gives it.
#[derive(Debug, Clone)]
pub struct ScenarioInput {
    pub id: String,
    pub name: String,
    pub annual_rate: f64,
    pub low_p5: f64,
    pub high_p95: f64,
}

/// The number of trials asked for (the default when none is), checked against `limit`.
pub fn trials(given: Option<u64>, limit: u64) -> Result<u64> {
    match given.unwrap_or(DEFAULT_TRIALS.min(limit)) {
        0 => Err(AppError::invalid("trials", "must be at least 1")),
        t if t > limit => Err(AppError::invalid(
            "trials",
            format!("at most {limit} for you on this server, got {t}"),
        )),
        t => Ok(t),
    }
}

/// Checks the scenarios given, naming the first bad field (`scenarios[2].low_p5`).
pub fn scenarios(given: &[ScenarioInput]) -> Result<Vec<Scenario>> {
    if given.is_empty() {
        return Err(AppError::invalid("scenarios", "give at least one scenario"));
    }
    if given.len() > MAX_SCENARIOS {
        return Err(AppError::invalid(
            "scenarios",
            format!("at most {MAX_SCENARIOS} scenarios, got {}", given.len()),
        ));
    }
    given
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Scenario::new(&s.id, &s.name, s.annual_rate, s.low_p5, s.high_p95)
                .map_err(|e| AppError::invalid(format!("scenarios[{i}].{}", e.field), e.reason))
        })
        .collect()
}

/// Simulates each labelled portfolio off the async threads, holding `permit` (whatever bounds
/// how many run at once) until done, with one set of curve thresholds for all; returns each
/// portfolio (as `mieruka simulate --json` prints one). Refused when the run would draw
/// more than [`MAX_EVENTS`] loss events.
pub async fn run<P: Send + 'static>(
    permit: P,
    portfolios: Vec<(String, Vec<Scenario>)>,
    trials: u64,
    seed: u64,
) -> Result<Vec<(String, Portfolio)>> {
    let events: f64 = portfolios
        .iter()
        .flat_map(|(_, s)| s.iter().map(|x| x.annual_rate))
        .sum::<f64>()
        * trials as f64;
    if events > MAX_EVENTS {
        return Err(AppError::invalid(
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
                (label, Portfolio::new(&scenarios, sim, curve))
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("simulation: {e}")))
}

/// The organisation's loss model as scenarios: `now`, and `after` its plans meet their targets.
pub async fn org_scenarios(
    store: &Store,
    org: &StoredOrg,
    as_of: Date,
) -> Result<Vec<(String, Vec<Scenario>)>> {
    let loss = crate::loss::org_loss(store, org, as_of).await?;
    let to_sim = |b: &Breakdown| -> Result<Vec<Scenario>> {
        mieruka_domain::loss::scenarios(&loss.inputs.inputs, b)
            .into_iter()
            .map(|s| {
                Scenario::new(s.id, s.name.ja.clone(), s.annual_rate, s.low_p5, s.high_p95)
                    .map_err(|e| AppError::Conflict(format!("loss scenario {}: {e}", s.id)))
            })
            .collect()
    };
    Ok(vec![
        ("now".to_string(), to_sim(&loss.report.now)?),
        ("after".to_string(), to_sim(&loss.report.after)?),
    ])
}

/// Simulates each portfolio; each curve is taken at the same thresholds, spanning every
/// portfolio's losses, so the curves compare point by point.
pub fn simulate_all(
    portfolios: &[(String, Vec<Scenario>)],
    trials: u64,
    seed: u64,
) -> Vec<(Simulation, Vec<CurvePoint>)> {
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
    sims.into_iter()
        .map(|sim| {
            let curve = sim.exceedance_at(&thresholds);
            (sim, curve)
        })
        .collect()
}

/// One scenario of a simulated portfolio, with its simulated and analytic mean.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "SimulatedScenario")]
pub struct ScenarioResult {
    pub id: String,
    pub name: String,
    /// Events per year.
    pub annual_rate: f64,
    /// One event's loss at its 5th percentile.
    pub low_p5: f64,
    /// One event's loss at its 95th percentile.
    pub high_p95: f64,
    /// The scenario's simulated annual loss, on average.
    pub mean: f64,
    /// The scenario's annual loss expected from its parameters.
    pub analytic_mean: f64,
}

/// A point of the loss-exceedance curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "ExceedancePoint")]
pub struct ExceedancePoint {
    /// An annual loss, yen.
    pub loss: f64,
    /// The share of simulated years losing more.
    pub probability: f64,
}

/// One simulated portfolio, amounts in plain yen: `mieruka simulate --json` and the API.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "Simulation")]
pub struct Portfolio {
    /// Simulated years.
    pub trials: u64,
    pub seed: u64,
    /// The mean annual loss.
    pub mean: f64,
    /// The mean annual loss expected from the scenarios' parameters.
    pub analytic_mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// The largest simulated annual loss.
    pub max: f64,
    /// The share of simulated years with any loss.
    pub probability_of_loss: f64,
    pub scenarios: Vec<ScenarioResult>,
    /// The loss-exceedance curve.
    pub curve: Vec<ExceedancePoint>,
}

impl Portfolio {
    pub fn new(scenarios: &[Scenario], sim: &Simulation, curve: &[CurvePoint]) -> Portfolio {
        Portfolio {
            trials: sim.trials,
            seed: sim.seed,
            mean: sim.mean,
            analytic_mean: analytic_mean(scenarios),
            p50: sim.p50,
            p90: sim.p90,
            p95: sim.p95,
            p99: sim.p99,
            max: sim.max,
            probability_of_loss: sim.probability_of_loss,
            scenarios: scenarios
                .iter()
                .zip(&sim.scenario_means)
                .map(|(s, (_, mean))| ScenarioResult {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    annual_rate: s.annual_rate,
                    low_p5: s.low_p5,
                    high_p95: s.high_p95,
                    mean: *mean,
                    analytic_mean: s.analytic_mean(),
                })
                .collect(),
            curve: curve
                .iter()
                .map(|p| ExceedancePoint {
                    loss: p.loss,
                    probability: p.probability,
                })
                .collect(),
        }
    }
}

/// A simulated portfolio of an organisation, with its label.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LabelledPortfolio {
    /// `now`, or `after` the plans meet their targets.
    #[schemars(extend("enum" = ["now", "after"]))]
    pub label: String,
    #[serde(flatten)]
    pub portfolio: Portfolio,
}

/// An organisation's loss model simulated now and after its plans: `mieruka simulate --org
/// --json` and the API.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct OrgSimulation {
    /// Simulated years.
    pub trials: u64,
    pub seed: u64,
    pub portfolios: Vec<LabelledPortfolio>,
    /// The organisation's code.
    pub org: String,
    /// The date the plans' achievement is taken at.
    pub as_of: Date,
}

impl OrgSimulation {
    /// The portfolios [`run`] or [`simulate_all`] simulated, with their labels.
    pub fn new(
        org: &StoredOrg,
        as_of: Date,
        trials: u64,
        seed: u64,
        portfolios: Vec<(String, Portfolio)>,
    ) -> OrgSimulation {
        OrgSimulation {
            trials,
            seed,
            portfolios: portfolios
                .into_iter()
                .map(|(label, portfolio)| LabelledPortfolio { label, portfolio })
                .collect(),
            org: org.org.slug.to_string(),
            as_of,
        }
    }
}
