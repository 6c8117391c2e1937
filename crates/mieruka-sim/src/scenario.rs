//! One loss scenario — how often it happens and how much one occurrence costs — with its
//! validation and the closed-form quantities derived from it (lognormal parameters, mean).

use std::fmt;

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use crate::engine::{Magnitude, seed_state};

/// The standard normal quantile at 0.95: a 90% interval spans ±this many standard deviations.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// The largest annual rate accepted. Every event is drawn, so the work grows with the rate;
/// a loss that frequent is better modelled as a cost than as a risk.
pub const MAX_RATE: f64 = 10_000.0;

/// A loss scenario in riskquant's terms: events arrive as a Poisson process with `annual_rate`
/// per year, and each event's loss is lognormal with 5th percentile `low_p5` and 95th percentile
/// `high_p95`. Build one with [`Scenario::new`], which checks the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub name: String,
    pub annual_rate: f64,
    pub low_p5: f64,
    pub high_p95: f64,
}

/// The largest single-event amount (its mean, and a draw ten standard deviations up) a scenario
/// may imply: far beyond any real loss, and far enough below `f64::MAX` that sums of a simulated
/// year's events stay finite.
pub const MAX_AMOUNT: f64 = 1e280;

/// A scenario value that cannot be simulated, naming the field.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// `id`, `annual_rate`, `low_p5` or `high_p95`.
    pub field: &'static str,
    pub reason: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// A checked scenario: a non-empty id, a rate from 0 to [`MAX_RATE`], and 0 < `low_p5` < `high_p95`,
    /// both finite, whose event mean and far tail stay within [`MAX_AMOUNT`]. The first problem found is returned, naming its field.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        annual_rate: f64,
        low_p5: f64,
        high_p95: f64,
    ) -> Result<Scenario, ScenarioError> {
        let id = id.into();
        let err = |field, reason: String| Err(ScenarioError { field, reason });
        if id.trim().is_empty() {
            return err("id", "must not be empty".into());
        }
        if !annual_rate.is_finite() || annual_rate < 0.0 {
            return err(
                "annual_rate",
                format!("must be a finite number ≥ 0 (events per year), got {annual_rate}"),
            );
        }
        if annual_rate > MAX_RATE {
            return err(
                "annual_rate",
                format!(
                    "at most {MAX_RATE} events per year (each event is drawn), got {annual_rate}"
                ),
            );
        }

        if !low_p5.is_finite() || low_p5 <= 0.0 {
            return err(
                "low_p5",
                format!("must be a finite amount > 0 (a lognormal loss is never 0), got {low_p5}"),
            );
        }
        if !high_p95.is_finite() || high_p95 <= 0.0 {
            return err(
                "high_p95",
                format!("must be a finite amount > 0, got {high_p95}"),
            );
        }
        if high_p95 <= low_p5 {
            return err(
                "high_p95",
                format!("must be above low_p5 ({low_p5}), got {high_p95}"),
            );
        }
        let scenario = Scenario {
            id,
            name: name.into(),
            annual_rate,
            low_p5,
            high_p95,
        };
        // A lognormal fitted to a very wide or very high interval has a mean, or draws, beyond
        // what a double can hold: the figures would come out infinite. Refused, so every figure
        // a simulation reports is a number.
        if !(scenario.event_mean() <= MAX_AMOUNT && scenario.magnitude_at_z(10.0) <= MAX_AMOUNT) {
            return err(
                "high_p95",
                format!(
                    "the interval from low_p5 ({low_p5}) to high_p95 ({high_p95}) is too wide or too high: one event's expected or extreme loss is beyond {MAX_AMOUNT:e}"
                ),
            );
        }
        Ok(scenario)
    }

    /// The lognormal's `mu`: the log of the interval's geometric midpoint, which is the median.
    pub fn mu(&self) -> f64 {
        (self.low_p5.ln() + self.high_p95.ln()) / 2.0
    }

    /// The lognormal's `sigma`: the 90% interval is `mu ± Z95·sigma` in log space.
    pub fn sigma(&self) -> f64 {
        (self.high_p95.ln() - self.low_p5.ln()) / (2.0 * Z95)
    }

    /// The expected loss of one event, `exp(mu + sigma²/2)`.
    pub fn event_mean(&self) -> f64 {
        let s = self.sigma();
        (self.mu() + s * s / 2.0).exp()
    }

    /// The expected annual loss, `annual_rate × event_mean` (a compound Poisson mean).
    pub fn analytic_mean(&self) -> f64 {
        self.annual_rate * self.event_mean()
    }

    /// One event's loss `z` standard deviations from the median in log space,
    /// `exp(mu + sigma·z)`: `z = ∓Z95` gives back `low_p5` and `high_p95`.
    pub fn magnitude_at_z(&self, z: f64) -> f64 {
        (self.mu() + self.sigma() * z).exp()
    }

    /// `n` single-event losses drawn with the sampler the simulation uses, so the magnitude fit
    /// can be checked (or shown) on its own.
    pub fn event_magnitudes(&self, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::from_seed(seed_state(seed, 0));
        let m = Magnitude::of(self);
        (0..n).map(|_| m.sample(&mut rng)).collect()
    }
}

/// The expected annual loss of a portfolio: `Σ annual_rate · exp(mu + sigma²/2)`.
pub fn analytic_mean(scenarios: &[Scenario]) -> f64 {
    scenarios.iter().map(Scenario::analytic_mean).sum()
}
