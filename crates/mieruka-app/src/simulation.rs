//! Monte Carlo simulation of annual loss, as both front ends run it: an organisation's loss
//! model as scenarios (now, and after its plans meet their targets), portfolios simulated with
//! one set of loss-exceedance thresholds so their curves compare point by point, and the public
//! JSON of a simulated portfolio (`mieruka simulate --json`, `/api/v1/…/simulation`).

use mieruka_domain::Date;
use mieruka_domain::loss::Breakdown;
use mieruka_sim::{CurvePoint, Scenario, Simulation, analytic_mean, log_thresholds, simulate};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use serde_json::{Value, json};

use crate::{AppError, Result};

/// Points on every loss-exceedance curve.
pub const CURVE_POINTS: usize = 100;

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

/// The public JSON of one simulated portfolio: amounts in plain yen.
pub fn portfolio_json(scenarios: &[Scenario], sim: &Simulation, curve: &[CurvePoint]) -> Value {
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
