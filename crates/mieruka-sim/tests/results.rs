//! What a simulation promises beyond its accuracy: the same seed gives the same bits on any
//! number of threads, percentiles follow the documented convention, and loss-exceedance curves
//! are well formed and comparable across portfolios.

use mieruka_sim::{CHUNK, Scenario, Simulation, log_thresholds, simulate};

fn scenarios(scale: f64) -> Vec<Scenario> {
    vec![
        Scenario::new("ransom", "Ransomware, main site", 0.1 * scale, 5e6, 5e8).unwrap(),
        Scenario::new("bec", "Business email compromise", 0.6 * scale, 1e6, 3e7).unwrap(),
        Scenario::new("laptop", "Lost laptop", 2.0 * scale, 1e5, 5e6).unwrap(),
        Scenario::new("ddos", "DDoS", 45.0 * scale, 1e4, 1e5).unwrap(),
    ]
}

fn in_pool(threads: usize, f: impl FnOnce() -> Simulation + Send) -> Simulation {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn bits(sim: &Simulation) -> Vec<u64> {
    let mut v: Vec<u64> = sim.totals().iter().map(|x| x.to_bits()).collect();
    v.extend(
        [sim.mean, sim.p50, sim.p90, sim.p95, sim.p99, sim.max]
            .iter()
            .map(|x| x.to_bits()),
    );
    v.extend(sim.scenario_means.iter().map(|(_, m)| m.to_bits()));
    v.extend(
        sim.exceedance_curve(100)
            .iter()
            .flat_map(|p| [p.loss.to_bits(), p.probability.to_bits()]),
    );
    v
}

#[test]
fn same_seed_gives_identical_bits_on_one_and_two_threads() {
    let s = scenarios(1.0);
    // Several chunks, the last one partial.
    let trials = (CHUNK * 9 + 123) as u64;
    let one = in_pool(1, || simulate(&s, trials, 2019));
    let two = in_pool(2, || simulate(&s, trials, 2019));
    let four = in_pool(4, || simulate(&s, trials, 2019));
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(bits(&one), bits(&four));
    assert_eq!((one.trials, one.seed), (trials, 2019));
}

#[test]
fn different_seeds_give_different_years() {
    let s = scenarios(1.0);
    let a = simulate(&s, 50_000, 1);
    let b = simulate(&s, 50_000, 2);
    assert_ne!(a.totals(), b.totals());
    assert_ne!(a.mean, b.mean);
}

#[test]
fn no_trials_or_no_events_give_zeros_and_an_empty_curve() {
    let none = simulate(&scenarios(1.0), 0, 1);
    assert_eq!((none.mean, none.p99, none.max), (0.0, 0.0, 0.0));
    assert!(none.exceedance_curve(100).is_empty());
    let idle = simulate(&scenarios(0.0), 10_000, 1);
    assert_eq!(
        (idle.mean, idle.p99, idle.probability_of_loss),
        (0.0, 0.0, 0.0)
    );
    assert!(idle.exceedance_curve(100).is_empty());
    assert!(simulate(&[], 10, 1).totals().iter().all(|&x| x == 0.0));
}

/// numpy's default ("linear") percentile of sorted values.
fn numpy_linear(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[test]
fn percentiles_interpolate_linearly_between_order_statistics() {
    let sim = simulate(&scenarios(0.3), 30_001, 5);
    let mut sorted = sim.totals().to_vec();
    sorted.sort_by(f64::total_cmp);
    for q in [0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
        let want = numpy_linear(&sorted, q);
        let got = sim.percentile(q);
        assert!(
            (got - want).abs() <= 1e-9 * want.max(1.0),
            "q {q}: {got} vs {want}"
        );
    }
    assert_eq!(sim.p50, sim.percentile(0.5));
    assert_eq!(sim.p90, sim.percentile(0.9));
    assert_eq!(sim.p95, sim.percentile(0.95));
    assert_eq!(sim.p99, sim.percentile(0.99));
    assert_eq!(sim.max, *sorted.last().unwrap());
    assert!(sim.p50 <= sim.p90 && sim.p90 <= sim.p95 && sim.p95 <= sim.p99);
}

#[test]
fn exceedance_curve_falls_from_the_chance_of_any_loss_to_zero_at_the_maximum() {
    let trials = 200_000;
    let sim = simulate(&scenarios(0.05), trials, 9);
    let curve = sim.exceedance_curve(100);
    assert_eq!(curve.len(), 100);
    for w in curve.windows(2) {
        assert!(w[1].loss > w[0].loss, "thresholds rise");
        assert!(
            w[1].probability <= w[0].probability,
            "probabilities do not rise"
        );
    }
    let first = curve[0];
    assert!(first.loss > 0.0);
    // The curve starts at the 1st percentile of the positive losses.
    assert!(first.probability <= sim.probability_of_loss);
    assert!(
        first.probability >= 0.985 * sim.probability_of_loss,
        "{first:?}"
    );
    let last = curve[99];
    assert_eq!(last.loss, sim.max);
    assert!(last.probability <= 1.0 / trials as f64);
    // Thresholds are evenly spaced in log scale.
    let ratio = curve[1].loss / curve[0].loss;
    assert!((curve[60].loss / curve[59].loss - ratio).abs() < 1e-9);
}

#[test]
fn exceedance_at_counts_losses_strictly_above_each_threshold_in_the_order_given() {
    let sim = simulate(&scenarios(1.0), 40_000, 3);
    let some_loss = sim.totals()[17];
    let thresholds = [
        5e7,
        -1.0,
        0.0,
        some_loss,
        f64::NAN,
        1e6,
        5e7,
        f64::INFINITY,
        1e12,
    ];
    let points = sim.exceedance_at(&thresholds);
    assert_eq!(points.len(), thresholds.len());
    for (t, p) in thresholds.iter().zip(&points) {
        let direct = sim.totals().iter().filter(|&&x| x > *t).count() as f64 / 40_000.0;
        assert!(p.loss.to_bits() == t.to_bits(), "the threshold is echoed");
        assert_eq!(p.probability, direct, "threshold {t}");
    }
}

#[test]
fn two_portfolios_compare_on_shared_thresholds() {
    let now = simulate(&scenarios(1.0), 100_000, 2019);
    let after = simulate(&scenarios(0.5), 100_000, 2019);
    let (low_now, high_now) = now.curve_range().unwrap();
    let (low_after, high_after) = after.curve_range().unwrap();
    let shared = log_thresholds(low_now.min(low_after), high_now.max(high_after), 100);
    assert_eq!(shared.len(), 100);
    let a = now.exceedance_at(&shared);
    let b = after.exceedance_at(&shared);
    assert!(a.iter().zip(&b).all(|(x, y)| x.loss == y.loss));
    // Halving every rate lowers the chance of exceeding every mid-range loss.
    for i in 10..90 {
        assert!(
            b[i].probability <= a[i].probability,
            "threshold {}",
            a[i].loss
        );
    }
    assert!(after.mean < now.mean);
}

#[test]
fn log_thresholds_span_the_range_exactly() {
    let t = log_thresholds(1e3, 1e6, 4);
    assert_eq!(t[0], 1e3);
    assert_eq!(t[3], 1e6);
    assert!((t[1] - 1e4).abs() < 1e-6 && (t[2] - 1e5).abs() < 1e-5);
    assert_eq!(log_thresholds(5.0, 9.0, 1), vec![5.0]);
    assert!(log_thresholds(5.0, 9.0, 0).is_empty());
}
