//! The sampling core: per-trial annual losses for a portfolio, computed in fixed-size chunks in
//! parallel, each chunk with its own random stream so the numbers depend on the seed only —
//! never on the number of threads or on scheduling.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson, StandardNormal};
use rayon::prelude::*;

use crate::scenario::Scenario;

/// Trials per chunk. Part of the reproducibility contract: changing it changes every result.
/// 16,384 totals are 128 KiB, which stay in a core's L2 cache while all scenarios add to them.
pub const CHUNK: usize = 16_384;

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
        exp(self.mu + self.sigma * z)
    }
}

/// `2^(j/32)` for j = 0..32, correctly rounded.
const EXP2_32THS: [f64; 32] = [
    1.0,
    1.021_897_148_654_116_6,
    1.044_273_782_427_413_8,
    1.067_140_400_676_823_7,
    1.090_507_732_665_257_7,
    1.114_386_742_595_892_4,
    1.138_788_634_756_691_6,
    1.163_724_858_777_577_5,
    1.189_207_115_002_721,
    1.215_247_359_980_469,
    1.241_857_812_073_484,
    1.269_050_957_191_733_2,
    1.296_839_554_651_009_6,
    1.325_236_643_159_741_3,
    1.354_255_546_936_892_7,
    1.383_909_881_963_832,
    std::f64::consts::SQRT_2,
    1.445_180_806_977_046_7,
    1.476_826_145_939_499_3,
    1.509_164_427_593_422_8,
    1.542_210_825_407_940_7,
    1.575_980_845_107_886_5,
    1.610_490_331_949_254_3,
    1.645_755_478_153_965,
    1.681_792_830_507_429,
    1.718_619_298_122_478,
    1.756_252_160_373_299_5,
    1.794_709_075_003_107_2,
    1.834_008_086_409_342_4,
    1.874_167_634_110_3,
    1.915_206_561_397_147_4,
    1.957_144_124_175_400_2,
];

/// `e^x` to within 1e-15 relative for `x` in [−708, 709]; outside, `x` is clamped to that range
/// (an event loss below 3e−308 or above 8e307 is not a meaningful amount).
///
/// Written out because the simulation spends most of its time here and the C library's `exp`
/// is an opaque call: this form has no branches, so the compiler vectorises the loop over a
/// batch of events, and it uses only basic IEEE operations, so it gives the same bits on every
/// platform. Method: `x = (32m + j)·ln2/32 + r` with `32m + j` the nearest integer to
/// `32x/ln2` and |r| ≤ ln2/64; then `e^x = 2^m · 2^(j/32) · e^r` with `2^(j/32)` from a table,
/// `e^r` from its Taylor series to degree 6 (the first omitted term is below 2e−18) and `2^m`
/// built in the exponent bits.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const THIRTY_TWO_OVER_LN2: f64 = 46.166_241_308_446_83;
    // ln2/32 split so that k·HI is exact for |k| < 2^22.
    const LN2_OVER_32_HI: f64 = 0.021_660_849_379_259_16;
    const LN2_OVER_32_LO: f64 = 1.323_912_926_815_401_2e-11;
    // Adding 1.5·2^52 rounds to an integer and leaves it in the low mantissa bits, which avoids
    // a float-to-integer conversion the baseline x86-64 vector instructions do not have.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let x = x.clamp(-708.0, 709.0);
    let t = x * THIRTY_TWO_OVER_LN2 + SHIFT;
    let k = t - SHIFT;
    let r = (x - k * LN2_OVER_32_HI) - k * LN2_OVER_32_LO;
    // k as a two's-complement integer; k ≥ −32·1022, so adding 32·1023 makes it positive
    // before the shift that divides by 32.
    let k_bits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let j = (k_bits & 31) as usize;
    let scale = f64::from_bits((k_bits.wrapping_add(32 * 1023) >> 5) << 52);
    // Estrin's scheme keeps the chain of dependent operations short.
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = (1.0 + r)
        + (0.5 + r * (1.0 / 6.0)) * r2
        + ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0)) * r4;
    EXP2_32THS[j] * p * scale
}

/// Buffers a batch of events goes through, reused from batch to batch.
#[derive(Debug)]
struct Events {
    trial: Vec<u32>,
    loss: Vec<f64>,
}

impl Events {
    fn new() -> Events {
        Events {
            trial: Vec::with_capacity(BATCH),
            loss: Vec::with_capacity(BATCH),
        }
    }
}

/// Adds one scenario's losses to a chunk's totals and returns the scenario's sum.
///
/// Rather than drawing a count for every trial, it draws the chunk's total number of events,
/// `N ~ Poisson(λ·n)`, and gives each event a trial chosen uniformly. This is exact: independent
/// Poisson counts conditioned on their sum are multinomial with equal shares, so each trial's
/// count is Poisson(λ) independently. The work is then proportional to the number of events,
/// with nothing to do for the many trials without one.
fn add_scenario(
    rate: f64,
    m: Magnitude,
    totals: &mut [f64],
    rng: &mut Xoshiro256PlusPlus,
    events: &mut Events,
) -> f64 {
    let n = totals.len();
    if rate == 0.0 || n == 0 {
        return 0.0;
    }
    let mut remaining = Poisson::new(rate * n as f64)
        .expect("a finite positive mean")
        .sample(rng) as usize;
    let mut total = 0.0;
    // In batches, so that memory stays bounded however many events a chunk has.
    while remaining > 0 {
        let batch = remaining.min(BATCH);
        remaining -= batch;
        total += add_events(batch, m, totals, rng, events);
    }
    total
}

/// Events handled at a time. 4,096 events use 48 KiB of buffers, which the allocator serves
/// from memory it already has: larger buffers came fresh from the system each time, and the
/// page faults of touching them took a third of a million-trial simulation.
const BATCH: usize = 4_096;

/// Draws `count` events, each in a uniformly chosen trial, adds their losses to `totals` and
/// returns their sum.
fn add_events(
    count: usize,
    m: Magnitude,
    totals: &mut [f64],
    rng: &mut Xoshiro256PlusPlus,
    events: &mut Events,
) -> f64 {
    let n = totals.len();
    events.trial.resize(count, 0);
    events.loss.resize(count, 0.0);
    // A local copy of the generator stays in registers; the buffers are written by index, not
    // pushed, so nothing in the loop can reallocate.
    let mut local = rng.clone();
    // Trials: two per 64-bit draw, each by Lemire's multiply-shift with rejection (exactly
    // uniform; a draw is rejected with probability below n/2^32, about 4e−6).
    let n32 = u32::try_from(n).expect("a chunk has fewer than 2^32 trials");
    let reject_below = n32.wrapping_neg() % n32;
    let uniform = |x: u32, rng: &mut Xoshiro256PlusPlus| -> u32 {
        let mut m = u64::from(x) * u64::from(n32);
        while (m as u32) < reject_below {
            m = u64::from(rng.next_u32()) * u64::from(n32);
        }
        (m >> 32) as u32
    };
    let mut pairs = events.trial.chunks_exact_mut(2);
    for pair in &mut pairs {
        let x = local.next_u64();
        pair[0] = uniform(x as u32, &mut local);
        pair[1] = uniform((x >> 32) as u32, &mut local);
    }
    for last in pairs.into_remainder() {
        *last = uniform(local.next_u32(), &mut local);
    }
    for z in events.loss.iter_mut() {
        *z = StandardNormal.sample(&mut local);
    }
    *rng = local;
    // Separate loops so that this one, the costly one, is vectorised.
    for z in events.loss.iter_mut() {
        *z = exp(m.mu + m.sigma * *z);
    }
    for (&t, &loss) in events.trial.iter().zip(&events.loss) {
        totals[t as usize] += loss;
    }
    sum(&events.loss)
}

/// A sum with eight independent accumulators: one running total would wait on every addition
/// in turn. The order of additions is fixed, so the result is reproducible.
fn sum(values: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let mut blocks = values.chunks_exact(8);
    for block in &mut blocks {
        for (lane, v) in lanes.iter_mut().zip(block) {
            *lane += v;
        }
    }
    let tail: f64 = blocks.remainder().iter().sum();
    lanes.iter().sum::<f64>() + tail
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
    let plans: Vec<(f64, Magnitude)> = scenarios
        .iter()
        .map(|s| (s.annual_rate, Magnitude::of(s)))
        .collect();
    let mut totals = vec![0.0f64; trials];
    let per_chunk: Vec<(Vec<f64>, f64, usize)> = totals
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map_init(Events::new, |events, (c, chunk)| {
            // Freshly allocated zeros are mapped lazily: a page first read maps the shared zero
            // page and the first write faults again to copy it. Writing first halves the faults.
            chunk.fill(0.0);
            let mut rng = Xoshiro256PlusPlus::from_seed(seed_state(seed, c as u64));
            let sums: Vec<f64> = plans
                .iter()
                .map(|&(rate, m)| add_scenario(rate, m, chunk, &mut rng, events))
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
    fn exp_matches_the_c_library_to_1e15() {
        let mut worst = 0.0f64;
        for i in 0..=200_000 {
            let x = -708.0 + 1417.0 * f64::from(i) / 200_000.0;
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            worst = worst.max(rel);
        }
        for x in [0.0, 1e-12, -1e-12, 0.5, -0.5, 1.0, 20.0, -20.0] {
            worst = worst.max((exp(x) - x.exp()).abs() / x.exp());
        }
        assert!(worst < 1e-15, "worst relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
        assert!(
            exp(1e6).is_finite() && exp(-1e6) > 0.0,
            "clamped, not overflowing"
        );
    }

    #[test]
    fn eight_lane_sum_adds_everything() {
        let v: Vec<f64> = (1..=21).map(f64::from).collect();
        assert_eq!(sum(&v), 231.0);
        assert_eq!(sum(&[]), 0.0);
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
        for rate in [1e-4, 0.05, 0.5, 3.0, 45.0] {
            let s = Scenario::new("x", "x", rate, 0.999_999, 1.000_001).unwrap();
            let raw = run(&[s], 200_000, 11);
            let mean = raw.scenario_sums[0] / 200_000.0;
            let se = (rate / 200_000.0).sqrt();
            assert!(
                (mean - rate).abs() < 5.0 * se,
                "rate {rate}: mean count {mean}"
            );
            // Spreading a chunk's events over its trials must leave each trial Poisson(λ):
            // the share of trials without events is e^{−λ}.
            let p0 = (-rate).exp();
            let zeros = raw.zeros as f64 / 200_000.0;
            let se0 = (p0 * (1.0 - p0) / 200_000.0).sqrt().max(1e-9);
            assert!(
                (zeros - p0).abs() < 5.0 * se0,
                "rate {rate}: zero share {zeros}"
            );
        }
    }
}
