"""The benchmark's model written plainly in numpy, as a user would: Poisson event counts per
scenario, lognormal magnitudes fitted to the 90% interval, summed per trial; mean, P50/P90/P95/P99
and a 100-point loss-exceedance curve. Prints each run's compute time and the median of the runs.

Usage: python3 numpy_baseline.py SCENARIOS.csv [TRIALS] [RUNS]
"""

import csv
import sys
import time

import numpy as np

Z95 = 1.6448536269514722


def read_scenarios(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, skipinitialspace=True) if r]
    return [(r[0], r[1], float(r[2]), float(r[3]), float(r[4])) for r in rows]


def simulate(scenarios, trials, rng):
    losses = np.zeros(trials)
    for _id, _name, rate, low, high in scenarios:
        mu = (np.log(low) + np.log(high)) / 2
        sigma = (np.log(high) - np.log(low)) / (2 * Z95)
        counts = rng.poisson(rate, trials)
        magnitudes = rng.lognormal(mu, sigma, counts.sum())
        trial_of_event = np.repeat(np.arange(trials), counts)
        losses += np.bincount(trial_of_event, weights=magnitudes, minlength=trials)
    mean = losses.mean()
    p50, p90, p95, p99 = np.percentile(losses, [50, 90, 95, 99])
    positive = losses[losses > 0]
    low = np.percentile(positive, 1)
    thresholds = np.logspace(np.log10(low), np.log10(losses.max()), 100)
    ordered = np.sort(losses)
    probability = 1 - np.searchsorted(ordered, thresholds, side="right") / trials
    return mean, (p50, p90, p95, p99), np.column_stack([thresholds, probability])


def main():
    path = sys.argv[1]
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    scenarios = read_scenarios(path)
    rng = np.random.default_rng(2019)
    times = []
    for run in range(1, runs + 1):
        start = time.perf_counter()
        mean, (p50, p90, p95, p99), curve = simulate(scenarios, trials, rng)
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        print(
            f"numpy run {run}: {elapsed * 1e3:7.1f} ms  (mean {mean:.0f}, P50 {p50:.0f}, "
            f"P90 {p90:.0f}, P95 {p95:.0f}, P99 {p99:.0f}, {len(curve)} curve points)"
        )
    times.sort()
    print(f"median_seconds {times[len(times) // 2]:.6f}")


if __name__ == "__main__":
    main()
