//! The simulation against closed-form answers: the portfolio mean, the quantiles of a compound
//! Poisson–lognormal loss, and the fit of one event's loss to its 90% interval.

use mieruka_sim::{Scenario, Z95, analytic_mean, simulate};

fn scenario(id: &str, rate: f64, low: f64, high: f64) -> Scenario {
    Scenario::new(id, id, rate, low, high).unwrap()
}

/// riskquant-like values: rates from 0.05 to 2 a year, 90% intervals from 10,000 to 1,000,000.
fn portfolio() -> Vec<Scenario> {
    vec![
        scenario("a", 0.05, 1e4, 1e6),
        scenario("b", 0.1, 5e4, 5e5),
        scenario("c", 0.2, 2e4, 8e5),
        scenario("d", 0.3, 1e4, 2e5),
        scenario("e", 0.5, 1e4, 1e5),
        scenario("f", 1.0, 1e4, 5e4),
        scenario("g", 2.0, 1e4, 3e4),
        scenario("h", 0.8, 2e4, 4e5),
    ]
}

#[test]
fn portfolio_mean_agrees_with_the_analytic_mean_within_1_percent() {
    // The standard error of the mean here is about 0.11%, so 1% is about 9 of them.
    let scenarios = portfolio();
    let sim = simulate(&scenarios, 1_000_000, 2019);
    let expected = analytic_mean(&scenarios);
    let rel = (sim.mean - expected).abs() / expected;
    assert!(
        rel < 0.01,
        "mean {} vs analytic {expected}: {rel:.4}",
        sim.mean
    );
    // Per scenario too, where the tails allow: the three with the most events.
    for (s, (id, mean)) in scenarios.iter().zip(&sim.scenario_means).skip(5) {
        assert_eq!(&s.id, id);
        let rel = (mean - s.analytic_mean()).abs() / s.analytic_mean();
        assert!(rel < 0.01, "scenario {id}: {mean} vs {}", s.analytic_mean());
    }
}

#[test]
fn analytic_mean_is_rate_times_the_lognormal_mean() {
    let s = scenario("x", 0.5, 1e4, 1e6);
    let mu = (1e4f64.ln() + 1e6f64.ln()) / 2.0;
    let sigma = (1e6f64.ln() - 1e4f64.ln()) / (2.0 * 1.644_853_626_951_472_2);
    let expected = 0.5 * (mu + sigma * sigma / 2.0).exp();
    assert!((s.analytic_mean() - expected).abs() < 1e-9 * expected);
    assert!((analytic_mean(&[s.clone(), s]) - 2.0 * expected).abs() < 1e-9 * expected);
}

/// erfc with fractional error below 1.2e−7 everywhere (Numerical Recipes' Chebyshev fit).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ans = t * poly.exp();
    if x >= 0.0 { ans } else { 2.0 - ans }
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// One event's loss CDF.
fn f1(s: &Scenario, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else {
        normal_cdf((x.ln() - s.mu()) / s.sigma())
    }
}

/// The CDF of the sum of two events' losses: ∫ φ(z) F1(x − e^{μ+σz}) dz over the z where the
/// first loss is below x, by Simpson's rule.
fn f2(s: &Scenario, x: f64) -> f64 {
    let (lo, hi) = (-12.0, (x.ln() - s.mu()) / s.sigma());
    if hi <= lo {
        return 0.0;
    }
    let steps = 4_000;
    let h = (hi - lo) / steps as f64;
    let g = |z: f64| {
        let phi = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        phi * f1(s, x - (s.mu() + s.sigma() * z).exp())
    };
    let mut sum = g(lo) + g(hi);
    for i in 1..steps {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * g(lo + i as f64 * h);
    }
    sum * h / 3.0
}

/// The annual-loss CDF of a single scenario: e^{−λ}[1 + λF1 + λ²/2·F2]. The omitted terms
/// (three or more events) weigh under λ³/6 ≈ 2e−5 at λ = 0.05, which moves the quantiles
/// below by less than 0.4%.
fn compound_cdf(s: &Scenario, x: f64) -> f64 {
    let l = s.annual_rate;
    (-l).exp() * (1.0 + l * f1(s, x) + l * l / 2.0 * f2(s, x))
}

fn compound_quantile(s: &Scenario, q: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 40.0f64); // in ln(loss)
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if compound_cdf(s, mid.exp()) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    ((lo + hi) / 2.0).exp()
}

#[test]
fn the_reference_cdf_is_sound() {
    let s = scenario("x", 0.05, 1e4, 1e6);
    // F1 at the interval's ends, F2 below F1 and rising to 1.
    assert!((f1(&s, 1e4) - 0.05).abs() < 1e-6);
    assert!((f1(&s, 1e6) - 0.95).abs() < 1e-6);
    for x in [1e4, 1e5, 1e6, 1e7] {
        assert!(f2(&s, x) < f1(&s, x), "F2 ≤ F1 at {x}");
    }
    assert!(f2(&s, 1e12) > 0.999_999);
    assert!((compound_cdf(&s, 1e-3) - (-0.05f64).exp()).abs() < 1e-12);
}

#[test]
fn tail_quantiles_of_a_rare_scenario_match_the_compound_distribution() {
    let s = scenario("rare", 0.05, 1e4, 1e6);
    // 4,000,000 trials put the sampling error of these quantiles near 0.5%.
    let sim = simulate(std::slice::from_ref(&s), 4_000_000, 7);
    for (q, got) in [(0.99, sim.p99), (0.995, sim.percentile(0.995))] {
        let want = compound_quantile(&s, q);
        let rel = (got - want).abs() / want;
        assert!(
            rel < 0.02,
            "P{}: simulated {got:.0}, analytic {want:.0} ({rel:.4})",
            q * 100.0
        );
    }
    // With e^{−λ} ≈ 0.951 > 0.9, at least 90% of years have no loss at all.
    assert_eq!(sim.p50, 0.0);
    assert_eq!(sim.p90, 0.0);
    let no_loss = 1.0 - sim.probability_of_loss;
    assert!((no_loss - (-0.05f64).exp()).abs() < 0.001, "{no_loss}");
}

#[test]
fn one_event_has_the_given_5th_and_95th_percentiles() {
    let s = scenario("x", 1.0, 25_000.0, 4_000_000.0);
    // Exactly, from the fitted parameters…
    assert!((s.magnitude_at_z(-Z95) - 25_000.0).abs() < 1e-6);
    assert!((s.magnitude_at_z(Z95) - 4_000_000.0).abs() < 1e-3);
    assert!(
        (s.magnitude_at_z(0.0) - 316_227.766_016_838).abs() < 1e-3,
        "median"
    );
    // …and from the sampler the simulation uses.
    let mut draws = s.event_magnitudes(1_000_000, 3);
    draws.sort_by(f64::total_cmp);
    let at = |q: f64| draws[(q * (draws.len() - 1) as f64).round() as usize];
    assert!((at(0.05) / 25_000.0 - 1.0).abs() < 0.01, "P5 {}", at(0.05));
    assert!(
        (at(0.95) / 4_000_000.0 - 1.0).abs() < 0.01,
        "P95 {}",
        at(0.95)
    );
    let mean = draws.iter().sum::<f64>() / draws.len() as f64;
    assert!((mean / s.event_mean() - 1.0).abs() < 0.01, "mean {mean}");
}
