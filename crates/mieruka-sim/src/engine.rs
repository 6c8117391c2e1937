//! The sampling core: per-trial annual losses for a portfolio, computed in fixed-size chunks in
//! parallel, each chunk with its own random stream so the numbers depend on the seed only —
//! never on the number of threads or on scheduling.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Poisson, StandardNormal};
use rayon::prelude::*;

use crate::scenario::Scenario;

/// Trials per chunk. Part of the reproducibility contract: changing it changes every result.
/// 16,384 totals are 128 KiB, which stay in a core's L2 cache while all scenarios add to them.
pub const CHUNK: usize = 16_384;

/// Below this rate the sampler jumps from one trial with events to the next (a geometric gap,
/// one logarithm) instead of drawing a count for every trial: at λ = 0.05 that is one draw per
/// twenty trials. Above it most trials have events and a count per trial is cheaper.
const SPARSE_BELOW: f64 = 0.35;

/// Above this rate the inversion table gets long; rand_distr's Poisson sampler is O(1) there.
const TABLE_UP_TO: f64 = 30.0;

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 256-bit generator state for one chunk. The seed is hashed before the chunk index is
/// mixed in, so seed `s`, chunk `c + 1` is not the stream of seed `s + 1`, chunk `c`.
pub fn seed_state(seed: u64, chunk: u64) -> [u8; 32] {
    let mut s = seed;
    let mut state = splitmix64(&mut s) ^ chunk;
    let mut out = [0u8; 32];
    for word in out.chunks_exact_mut(8) {
        word.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    out
}

/// One event's loss: `exp(mu + sigma·Z)` with `Z` standard normal (ziggurat).
#[derive(Debug, Clone, Copy)]
pub struct Magnitude {
    mu: f64,
    sigma: f64,
}

impl Magnitude {
    pub fn of(s: &Scenario) -> Magnitude {
        Magnitude {
            mu: s.mu(),
            sigma: s.sigma(),
        }
    }

    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        (self.mu + self.sigma * z).exp()
    }
}

/// How the number of events in one year is drawn, chosen per scenario by its rate.
#[derive(Debug)]
enum Frequency {
    /// Rate 0: no events ever.
    Never,
    /// Small rate: geometric gaps between trials with events, then the count given it is ≥ 1.
    /// `tail[i]` = P(K ≤ i + 1 | K ≥ 1), the last entry +∞.
    Sparse { rate: f64, tail: Vec<f64> },
    /// Moderate rate: inversion of the cumulative table, `cdf[k]` = P(K ≤ k), the last +∞.
    Dense { cdf: Vec<f64> },
    /// Large rate: rand_distr's Poisson sampler.
    Large(Poisson<f64>),
}

/// P(K = k) for k = 0, 1, … until the remaining mass is below f64 resolution.
fn poisson_pmf(rate: f64) -> Vec<f64> {
    let mut p = (-rate).exp();
    let mut pmf = vec![p];
    let mut k = 1.0;
    // Past the mode the terms shrink faster than geometrically; once one is below 1e-17 the
    // rest cannot change a cumulative probability held in an f64.
    while k <= rate || p > 1e-17 {
        p *= rate / k;
        pmf.push(p);
        k += 1.0;
    }
    pmf
}

impl Frequency {
    fn of(rate: f64) -> Frequency {
        if rate == 0.0 {
            return Frequency::Never;
        }
        if rate > TABLE_UP_TO {
            return Frequency::Large(Poisson::new(rate).expect("a finite positive rate"));
        }
        let pmf = poisson_pmf(rate);
        if rate < SPARSE_BELOW {
            // P(K ≥ 1) = 1 − e^{−λ}, computed without cancellation for small λ.
            let at_least_one = -(-rate).exp_m1();
            let mut cum = 0.0;
            let mut tail: Vec<f64> = pmf[1..]
                .iter()
                .map(|p| {
                    cum += p;
                    cum / at_least_one
                })
                .collect();
            *tail.last_mut().expect("at least one term") = f64::INFINITY;
            Frequency::Sparse { rate, tail }
        } else {
            let mut cum = 0.0;
            let mut cdf: Vec<f64> = pmf
                .iter()
                .map(|p| {
                    cum += p;
                    cum
                })
                .collect();
            *cdf.last_mut().expect("at least one term") = f64::INFINITY;
            Frequency::Dense { cdf }
        }
    }
}

/// The smallest index `i` with `u < table[i]`; the table ends with +∞ so the search stops.
#[inline]
fn invert(table: &[f64], u: f64) -> usize {
    let mut k = 0;
    while u >= table[k] {
        k += 1;
    }
    k
}

/// A scenario ready to sample.
#[derive(Debug)]
struct Plan {
    frequency: Frequency,
    magnitude: Magnitude,
}

/// Adds one scenario's losses to a chunk's totals and returns the scenario's sum.
fn add_scenario(plan: &Plan, totals: &mut [f64], rng: &mut Xoshiro256PlusPlus) -> f64 {
    let m = plan.magnitude;
    let mut sum = 0.0;
    match &plan.frequency {
        Frequency::Never => {}
        Frequency::Sparse { rate, tail } => {
            let n = totals.len();
            let mut i = 0;
            loop {
                // Trials without events form runs with P(run ≥ g) = e^{−λg}: the run length is
                // ⌊ln U / −λ⌋ for U uniform on (0, 1]. A run reaching past the chunk ends it,
                // which is exact because the process has no memory.
                let u = 1.0 - rng.random::<f64>();
                let gap = u.ln() / -rate;
                if gap >= (n - i) as f64 {
                    break;
                }
                i += gap as usize;
                let k = 1 + invert(tail, rng.random::<f64>());
                let mut loss = 0.0;
                for _ in 0..k {
                    loss += m.sample(rng);
                }
                totals[i] += loss;
                sum += loss;
                i += 1;
            }
        }
        Frequency::Dense { cdf } => {
            let p0 = cdf[0];
            for t in totals.iter_mut() {
                let u = rng.random::<f64>();
                if u < p0 {
                    continue;
                }
                let k = invert(cdf, u);
                let mut loss = 0.0;
                for _ in 0..k {
                    loss += m.sample(rng);
                }
                *t += loss;
                sum += loss;
            }
        }
        Frequency::Large(poisson) => {
            for t in totals.iter_mut() {
                let k = poisson.sample(rng) as u64;
                let mut loss = 0.0;
                for _ in 0..k {
                    loss += m.sample(rng);
                }
                *t += loss;
                sum += loss;
            }
        }
    }
    sum
}

/// What one pass over the trials produces.
#[derive(Debug)]
pub struct Raw {
    /// Each trial's annual loss.
    pub totals: Vec<f64>,
    /// Per scenario, the sum of its losses over all trials.
    pub scenario_sums: Vec<f64>,
    /// The largest annual loss (0 with no trials).
    pub max: f64,
    /// How many trials had no loss at all.
    pub zeros: usize,
}

/// Simulates `trials` years. Chunk `c` always covers trials `c·CHUNK ..` with the stream
/// `seed_state(seed, c)`, and chunk results are combined in chunk order, so floating-point sums
/// come out bit-identical whatever the thread count.
pub fn run(scenarios: &[Scenario], trials: usize, seed: u64) -> Raw {
    let plans: Vec<Plan> = scenarios
        .iter()
        .map(|s| Plan {
            frequency: Frequency::of(s.annual_rate),
            magnitude: Magnitude::of(s),
        })
        .collect();
    let mut totals = vec![0.0f64; trials];
    let per_chunk: Vec<(Vec<f64>, f64, usize)> = totals
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut rng = Xoshiro256PlusPlus::from_seed(seed_state(seed, c as u64));
            let sums: Vec<f64> = plans
                .iter()
                .map(|p| add_scenario(p, chunk, &mut rng))
                .collect();
            // While the chunk is still in cache.
            let max = chunk.iter().copied().fold(0.0, f64::max);
            let zeros = chunk.iter().filter(|&&x| x == 0.0).count();
            (sums, max, zeros)
        })
        .collect();
    let mut scenario_sums = vec![0.0; scenarios.len()];
    let mut max = 0.0f64;
    let mut zeros = 0;
    for (sums, m, z) in per_chunk {
        for (total, s) in scenario_sums.iter_mut().zip(sums) {
            *total += s;
        }
        max = max.max(m);
        zeros += z;
    }
    Raw {
        totals,
        scenario_sums,
        max,
        zeros,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tables_sum_to_one_and_end_at_infinity() {
        for rate in [1e-9, 0.05, 0.34, 0.35, 2.0, 29.9] {
            let pmf = poisson_pmf(rate);
            let total: f64 = pmf.iter().sum();
            assert!((total - 1.0).abs() < 1e-12, "rate {rate}: {total}");
            match Frequency::of(rate) {
                Frequency::Sparse { tail, .. } => assert_eq!(*tail.last().unwrap(), f64::INFINITY),
                Frequency::Dense { cdf } => {
                    assert_eq!(*cdf.last().unwrap(), f64::INFINITY);
                    assert!((cdf[0] - (-rate).exp()).abs() < 1e-15);
                }
                other => panic!("rate {rate}: unexpected {other:?}"),
            }
        }
        assert!(matches!(Frequency::of(0.0), Frequency::Never));
        assert!(matches!(Frequency::of(31.0), Frequency::Large(_)));
    }

    #[test]
    fn inversion_finds_the_first_entry_above() {
        let t = [0.5, 0.8, f64::INFINITY];
        assert_eq!(invert(&t, 0.0), 0);
        assert_eq!(invert(&t, 0.5), 1);
        assert_eq!(invert(&t, 0.79), 1);
        assert_eq!(invert(&t, 0.999), 2);
    }

    #[test]
    fn chunk_streams_differ_by_seed_and_index() {
        assert_ne!(seed_state(1, 0), seed_state(0, 1));
        assert_ne!(seed_state(7, 3), seed_state(7, 4));
        assert_eq!(seed_state(7, 3), seed_state(7, 3));
    }

    #[test]
    fn event_counts_have_the_poisson_mean_in_every_regime() {
        // The count sampler is checked through the loss of a scenario whose events cost ~1.
        for rate in [0.05, 0.5, 3.0, 45.0] {
            let s = Scenario::new("x", "x", rate, 0.999_999, 1.000_001).unwrap();
            let raw = run(&[s], 200_000, 11);
            let mean = raw.scenario_sums[0] / 200_000.0;
            let se = (rate / 200_000.0).sqrt();
            assert!(
                (mean - rate).abs() < 5.0 * se,
                "rate {rate}: mean count {mean}"
            );
        }
    }
}
