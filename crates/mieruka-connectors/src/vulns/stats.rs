//! Per-group accumulation (counts and durations in whole seconds) and the summary figures:
//! means and exact P90s with linear interpolation, as numpy's `percentile` does by default.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{GroupSummary, Severity};

/// Durations of one business unit × severity, in seconds (never negative: rows whose end is
/// before their start are rejected; longer than `u32::MAX` seconds, about 136 years, too).
#[derive(Debug, Default)]
pub struct Group {
    pub findings: u64,
    pub to_start: Vec<u32>,
    pub start_sum: u64,
    pub to_resolve: Vec<u32>,
    pub resolve_sum: u64,
    pub within_sla: u64,
}

impl Group {
    fn merge(&mut self, mut other: Group) {
        self.findings += other.findings;
        self.start_sum += other.start_sum;
        self.resolve_sum += other.resolve_sum;
        self.within_sla += other.within_sla;
        if self.to_start.len() < other.to_start.len() {
            std::mem::swap(&mut self.to_start, &mut other.to_start);
        }
        self.to_start.extend_from_slice(&other.to_start);
        if self.to_resolve.len() < other.to_resolve.len() {
            std::mem::swap(&mut self.to_resolve, &mut other.to_resolve);
        }
        self.to_resolve.extend_from_slice(&other.to_resolve);
    }
}

/// A small, fast hash for the business-unit keys (FxHash's multiply-rotate).
#[derive(Default)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Groups by business unit (its UTF-8 bytes), four severities each.
#[derive(Debug, Default)]
pub struct Groups {
    index: HashMap<Box<[u8]>, usize, BuildHasherDefault<FxHasher>>,
    units: Vec<(Box<[u8]>, [Group; 4])>,
    /// Recently used units of at most 16 bytes, found without hashing the bytes.
    cache: Cache,
}

/// A direct-mapped cache from a short key (its length and two 8-byte words, which together
/// identify a string of at most 16 bytes) to its unit's position.
#[derive(Debug)]
struct Cache([(u64, u64, usize, usize); 64]);

impl Default for Cache {
    fn default() -> Cache {
        Cache([(0, 0, usize::MAX, 0); 64])
    }
}

/// The words identifying a key of at most 16 bytes: its first and last eight bytes (they
/// overlap below 16), or its bytes packed into one word below 8.
fn words(k: &[u8]) -> Option<(u64, u64)> {
    let n = k.len();
    if n > 16 {
        return None;
    }
    if n >= 8 {
        let first = u64::from_le_bytes(k[..8].try_into().ok()?);
        let last = u64::from_le_bytes(k[n - 8..].try_into().ok()?);
        return Some((first, last));
    }
    Some((k.iter().rev().fold(0, |w, &b| (w << 8) | u64::from(b)), 0))
}

impl Groups {
    pub fn get(&mut self, unit: &[u8], severity: Severity) -> &mut Group {
        let i = match words(unit) {
            Some((a, b)) => {
                let h = ((a ^ b.rotate_left(29) ^ unit.len() as u64)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    >> 58) as usize;
                let slot = self.cache.0[h];
                if slot.2 == unit.len() && slot.0 == a && slot.1 == b {
                    slot.3
                } else {
                    let i = self.position(unit);
                    self.cache.0[h] = (a, b, unit.len(), i);
                    i
                }
            }
            None => self.position(unit),
        };
        &mut self.units[i].1[severity as usize]
    }

    fn position(&mut self, unit: &[u8]) -> usize {
        match self.index.get(unit) {
            Some(&i) => i,
            None => {
                self.index.insert(unit.into(), self.units.len());
                self.units.push((unit.into(), Default::default()));
                self.units.len() - 1
            }
        }
    }

    pub fn merge(&mut self, other: Groups) {
        for (unit, groups) in other.units {
            let i = self.position(&unit);
            for (m, o) in self.units[i].1.iter_mut().zip(groups) {
                m.merge(o);
            }
        }
    }

    /// The summaries, sorted by business unit then severity; empty groups are left out. The
    /// percentiles are computed on two threads when `parallel` and there are many durations.
    pub fn summarise(self, has_sla: [bool; 4], parallel: bool) -> Vec<GroupSummary> {
        let mut units = self.units;
        units.sort_by(|a, b| a.0.cmp(&b.0));
        let mut lists: Vec<&mut Vec<u32>> = units
            .iter_mut()
            .flat_map(|(_, gs)| gs.iter_mut())
            .flat_map(|g| [&mut g.to_start, &mut g.to_resolve])
            .collect();
        let mut p90s = p90_all(&mut lists, parallel).into_iter();
        let mut out = Vec::new();
        for (unit, groups) in units {
            let unit = String::from_utf8(unit.into_vec()).expect("lines are checked as UTF-8");
            for (severity, g) in Severity::ALL.into_iter().zip(groups) {
                let (p90_start, p90_resolve) = (p90s.next().flatten(), p90s.next().flatten());
                if g.findings == 0 {
                    continue;
                }
                out.push(GroupSummary {
                    business_unit: unit.clone(),
                    severity,
                    findings: g.findings,
                    started: g.to_start.len() as u64,
                    mean_hours_to_start: mean_hours(g.start_sum, g.to_start.len()),
                    p90_hours_to_start: p90_start,
                    resolved: g.to_resolve.len() as u64,
                    mean_hours_to_resolve: mean_hours(g.resolve_sum, g.to_resolve.len()),
                    p90_hours_to_resolve: p90_resolve,
                    sla_share: has_sla[severity as usize]
                        .then(|| g.within_sla as f64 / g.findings as f64),
                });
            }
        }
        out
    }
}

/// The P90 of every list, in order; split in two parts of about equal total length, one per
/// thread, when `parallel` and the lists are long.
fn p90_all(lists: &mut [&mut Vec<u32>], parallel: bool) -> Vec<Option<f64>> {
    let total: usize = lists.iter().map(|v| v.len()).sum();
    if !parallel || total < 1 << 16 {
        return lists.iter_mut().map(|v| p90_hours(v)).collect();
    }
    let mut seen = 0;
    let mid = lists
        .iter()
        .position(|v| {
            seen += v.len();
            seen >= total / 2
        })
        .map_or(lists.len(), |i| i + 1);
    let (first, second) = lists.split_at_mut(mid);
    std::thread::scope(|s| {
        let other = s.spawn(|| p90_all(second, false));
        let mut out = p90_all(first, false);
        out.extend(other.join().expect("a percentile thread panicked"));
        out
    })
}

/// The mean in hours of `n` durations summing to `sum` seconds.
pub fn mean_hours(sum: u64, n: usize) -> Option<f64> {
    (n > 0).then(|| sum as f64 / n as f64 / 3600.0)
}

/// The 90th percentile in hours, interpolating linearly between the two nearest ranks
/// (rank `0.9 × (n − 1)` of the sorted values). Reorders `v`.
pub fn p90_hours(v: &mut [u32]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let h = 0.9 * (v.len() - 1) as f64;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    let (_, &mut x_lo, above) = v.select_nth_unstable(lo);
    let x_lo = f64::from(x_lo);
    let value = match above.iter().min() {
        Some(&x_hi) if frac > 0.0 => x_lo + (f64::from(x_hi) - x_lo) * frac,
        _ => x_lo,
    };
    Some(value / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numpy_p90(v: &[u32]) -> f64 {
        let mut s = v.to_vec();
        s.sort_unstable();
        let h = 0.9 * (s.len() - 1) as f64;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(s.len() - 1);
        let f = h - lo as f64;
        (f64::from(s[lo]) + (f64::from(s[hi]) - f64::from(s[lo])) * f) / 3600.0
    }

    #[test]
    fn p90_matches_numpy_by_hand() {
        // numpy.percentile([1,2,3,4,5,6,7,8,9,10], 90) = 9.1
        let mut v: Vec<u32> = (1..=10).rev().map(|h| h * 3600).collect();
        assert!((p90_hours(&mut v).unwrap() - 9.1).abs() < 1e-12);
        // one value: itself; two values: 10% of the way from the larger back... 0.9 of the way up
        assert_eq!(p90_hours(&mut [7200]), Some(2.0));
        assert!((p90_hours(&mut [0, 36_000]).unwrap() - 9.0).abs() < 1e-12);
        assert_eq!(p90_hours(&mut []), None);
    }

    #[test]
    fn p90_equals_the_sorting_definition_on_many_sizes() {
        let mut x = 12345u64;
        for n in 1..200 {
            let v: Vec<u32> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x % 1_000_000) as u32
                })
                .collect();
            let expected = numpy_p90(&v);
            let got = p90_hours(&mut v.clone()).unwrap();
            assert!((got - expected).abs() <= 1e-12 * expected.max(1.0), "n={n}");
        }
    }

    #[test]
    fn many_units_and_long_names_stay_apart() {
        let mut g = Groups::default();
        let names: Vec<String> = (0..500)
            .map(|i| match i % 3 {
                0 => format!("u{i}"),
                1 => format!("unit-number-{i:05}"),
                _ => format!("a rather long business unit name {i}"),
            })
            .collect();
        for round in 0..3 {
            for (i, n) in names.iter().enumerate() {
                g.get(n.as_bytes(), Severity::High).findings += (i + round) as u64;
            }
        }
        let out = g.summarise([false; 4], true);
        assert_eq!(out.len(), 500);
        for s in &out {
            let i = names.iter().position(|n| *n == s.business_unit).unwrap() as u64;
            assert_eq!(s.findings, 3 * i + 3, "{}", s.business_unit);
        }
        assert_ne!(words(b"abcdefgh12345678"), words(b"abcdefgh12345679"));
    }

    #[test]
    fn mean_is_exact_over_seconds() {
        assert_eq!(mean_hours(3 * 3600 + 1800, 2), Some(1.75));
        assert_eq!(mean_hours(0, 0), None);
    }
}
