//! A finished simulation and what is read off it: mean, percentiles and loss-exceedance curves.
//!
//! Percentiles follow numpy's default ("linear"): for `n` sorted losses `x₀ ≤ … ≤ xₙ₋₁` and
//! `q` in [0, 1], let `h = (n − 1)·q`; the percentile is `x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋)`.
//! They are found by selection (see `select`), never by sorting everything.

use crate::scenario::Scenario;
use crate::{engine, select};

/// One point of a loss-exceedance curve: the share of simulated years whose loss is strictly
/// above `loss`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    pub loss: f64,
    pub probability: f64,
}

/// The annual losses of `trials` simulated years and their summary.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub trials: u64,
    pub seed: u64,
    /// The mean annual loss.
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// The largest simulated annual loss.
    pub max: f64,
    /// The share of years with any loss at all.
    pub probability_of_loss: f64,
    /// Per scenario (in input order), its id and its mean annual loss.
    pub scenario_means: Vec<(String, f64)>,
    /// The 1st percentile of the positive losses: where default curves start.
    curve_low: f64,
    totals: Vec<f64>,
}

/// Simulates `trials` years of the portfolio. The same inputs and seed give bit-identical
/// results on any number of threads. With `trials = 0` every statistic is 0 and curves are empty.
pub fn simulate(scenarios: &[Scenario], trials: u64, seed: u64) -> Simulation {
    let n = usize::try_from(trials).expect("a trial count that fits in memory");
    let raw = engine::run(scenarios, n, seed);
    let positives = n - raw.zeros;
    // The summary percentiles and the curve's starting point are all order statistics of the
    // same losses (zeros sort first), so one selection pass finds them all.
    let mut wanted: Vec<Rank> = [0.5, 0.9, 0.95, 0.99]
        .iter()
        .map(|&q| Rank::of(n, 0, q))
        .collect();
    wanted.push(Rank::of(positives, raw.zeros, 0.01));
    let values = interpolate(&raw.totals, &wanted);
    let per_trial = |sum: f64| if n == 0 { 0.0 } else { sum / n as f64 };
    Simulation {
        trials,
        seed,
        mean: per_trial(raw.scenario_sums.iter().sum()),
        p50: values[0],
        p90: values[1],
        p95: values[2],
        p99: values[3],
        max: raw.max,
        probability_of_loss: per_trial(positives as f64),
        scenario_means: scenarios
            .iter()
            .zip(&raw.scenario_sums)
            .map(|(s, &sum)| (s.id.clone(), per_trial(sum)))
            .collect(),
        curve_low: values[4],
        totals: raw.totals,
    }
}

/// Where a linear-interpolation percentile sits among `count` sorted values that start at
/// position `offset` of the whole sorted array.
#[derive(Debug, Clone, Copy)]
struct Rank {
    lower: usize,
    fraction: f64,
    empty: bool,
}

impl Rank {
    fn of(count: usize, offset: usize, q: f64) -> Rank {
        if count == 0 {
            return Rank {
                lower: 0,
                fraction: 0.0,
                empty: true,
            };
        }
        let h = (count - 1) as f64 * q;
        let lower = (h.floor() as usize).min(count - 1);
        Rank {
            lower: offset + lower,
            fraction: h - lower as f64,
            empty: false,
        }
    }
}

/// The percentiles at `ranks` of `values` (empty ranks give 0).
fn interpolate(values: &[f64], ranks: &[Rank]) -> Vec<f64> {
    let mut needed: Vec<usize> = Vec::new();
    for r in ranks.iter().filter(|r| !r.empty) {
        needed.push(r.lower);
        if r.fraction > 0.0 {
            needed.push(r.lower + 1);
        }
    }
    needed.sort_unstable();
    needed.dedup();
    let stats = select::order_statistics(values, &needed);
    let at = |i: usize| stats[needed.binary_search(&i).expect("selected")];
    ranks
        .iter()
        .map(|r| {
            if r.empty {
                0.0
            } else if r.fraction > 0.0 {
                let (a, b) = (at(r.lower), at(r.lower + 1));
                a + r.fraction * (b - a)
            } else {
                at(r.lower)
            }
        })
        .collect()
}

/// `points` thresholds spaced evenly in log scale from `low` to `high` (both > 0), ending
/// exactly at `high`. One point gives `[low]`.
pub fn log_thresholds(low: f64, high: f64, points: usize) -> Vec<f64> {
    match points {
        0 => Vec::new(),
        1 => vec![low],
        _ => {
            let step = (high / low).ln() / (points - 1) as f64;
            let mut t: Vec<f64> = (0..points).map(|i| low * (step * i as f64).exp()).collect();
            t[points - 1] = high;
            t
        }
    }
}

impl Simulation {
    /// Each simulated year's loss, in trial order.
    pub fn totals(&self) -> &[f64] {
        &self.totals
    }

    /// The percentile at `q` (0 ≤ q ≤ 1), by the convention in the module documentation.
    /// Each call makes two passes over the losses and selects among the few near `q`: O(trials).
    pub fn percentile(&self, q: f64) -> f64 {
        assert!(
            (0.0..=1.0).contains(&q),
            "a percentile's q is in [0, 1], got {q}"
        );
        interpolate(&self.totals, &[Rank::of(self.totals.len(), 0, q)])[0]
    }

    /// The loss range a default curve covers: from the 1st percentile of the positive losses to
    /// the largest loss. `None` when no year had a loss.
    pub fn curve_range(&self) -> Option<(f64, f64)> {
        (self.max > 0.0).then_some((self.curve_low, self.max))
    }

    /// The loss-exceedance curve at `points` thresholds spaced evenly in log scale over
    /// [`Simulation::curve_range`]; empty when no year had a loss. The first point is close to
    /// [`Simulation::probability_of_loss`] and the last, at the largest loss, is 0.
    pub fn exceedance_curve(&self, points: usize) -> Vec<CurvePoint> {
        match self.curve_range() {
            Some((low, high)) => self.exceedance_at(&log_thresholds(low, high, points)),
            None => Vec::new(),
        }
    }

    /// The share of years with a loss strictly above each threshold, in the order given — for
    /// comparing portfolios on the same thresholds. A NaN threshold gets probability 0.
    pub fn exceedance_at(&self, thresholds: &[f64]) -> Vec<CurvePoint> {
        let mut order: Vec<usize> = (0..thresholds.len())
            .filter(|&i| !thresholds[i].is_nan())
            .collect();
        order.sort_by(|&a, &b| thresholds[a].total_cmp(&thresholds[b]));
        let sorted: Vec<f64> = order.iter().map(|&i| thresholds[i]).collect();
        let above = select::count_above(&self.totals, &sorted);
        let n = self.totals.len().max(1) as f64;
        let mut out: Vec<CurvePoint> = thresholds
            .iter()
            .map(|&loss| CurvePoint {
                loss,
                probability: 0.0,
            })
            .collect();
        for (&i, &count) in order.iter().zip(&above) {
            out[i].probability = count as f64 / n;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_numpys_linear_convention() {
        let v = [4.0, 1.0, 3.0, 2.0];
        let p = |q| interpolate(&v, &[Rank::of(4, 0, q)])[0];
        assert_eq!(p(0.0), 1.0);
        assert_eq!(p(0.5), 2.5);
        assert!((p(0.9) - 3.7).abs() < 1e-12);
        assert_eq!(p(1.0), 4.0);
        assert_eq!(interpolate(&[7.0], &[Rank::of(1, 0, 0.99)]), vec![7.0]);
        assert_eq!(interpolate(&[], &[Rank::of(0, 0, 0.5)]), vec![0.0]);
    }

    #[test]
    fn a_percentile_of_the_positive_values_skips_the_zeros() {
        // Zeros sort first: the positives are ranks 3.. of the whole.
        let v = [0.0, 5.0, 0.0, 1.0, 0.0, 3.0];
        let r = Rank::of(3, 3, 0.5);
        assert_eq!(interpolate(&v, &[r]), vec![3.0]);
        assert_eq!(interpolate(&v, &[Rank::of(3, 3, 0.0)]), vec![1.0]);
    }
}
