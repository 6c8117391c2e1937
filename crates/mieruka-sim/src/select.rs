//! Order statistics and threshold counts over many annual losses, in a few linear passes.
//!
//! Losses are sums of positive amounts starting from +0.0, so they are never negative or NaN.
//! For such numbers the IEEE bit patterns, read as unsigned integers, sort in the same order as
//! the numbers, and the top 16 bits (exponent and 4 mantissa bits) split them into buckets
//! 2^(1/16) ≈ 4.4% wide. A histogram of those buckets tells which few buckets hold the ranks
//! wanted; only their members are copied and searched with `select_nth_unstable`. Results are
//! exactly those of sorting everything.

use rayon::prelude::*;

use crate::engine::CHUNK;

/// Buckets: the top 16 bits of a non-negative double are at most 0x7FF0 (+∞).
const BUCKETS: usize = 1 << 15;

#[inline]
fn bucket(bits: u64) -> usize {
    (bits >> 48) as usize
}

/// The values at `ranks` (0-based positions in ascending order, each `< values.len()`) of
/// non-negative, non-NaN `values`, in the order of `ranks`.
pub fn order_statistics(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    if ranks.is_empty() {
        return Vec::new();
    }
    debug_assert!(ranks.iter().all(|&r| r < values.len()));
    let histogram = values
        .par_chunks(per_thread(values.len()))
        .fold(
            || vec![0u64; BUCKETS],
            |mut h, chunk| {
                for x in chunk {
                    h[bucket(x.to_bits())] += 1;
                }
                h
            },
        )
        .reduce(|| vec![0u64; BUCKETS], add);
    // starts[b] = how many values lie in buckets before b.
    let mut starts = vec![0u64; BUCKETS + 1];
    for b in 0..BUCKETS {
        starts[b + 1] = starts[b] + histogram[b];
    }
    let bucket_of_rank = |r: usize| starts.partition_point(|&s| s <= r as u64) - 1;
    let mut wanted = vec![false; BUCKETS];
    for &r in ranks {
        wanted[bucket_of_rank(r)] = true;
    }
    let members: Vec<u64> = values
        .par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            chunk
                .iter()
                .map(|x| x.to_bits())
                .filter(|&b| wanted[bucket(b)])
        })
        .collect();
    // Group the members by bucket (a counting placement, no sort); within its group a rank is
    // offset by the bucket's start.
    let mut group_start = vec![0usize; BUCKETS];
    let mut at = 0;
    for b in (0..BUCKETS).filter(|&b| wanted[b]) {
        group_start[b] = at;
        at += histogram[b] as usize;
    }
    let mut cursor = group_start.clone();
    let mut grouped = vec![0u64; members.len()];
    for m in members {
        let c = &mut cursor[bucket(m)];
        grouped[*c] = m;
        *c += 1;
    }
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let mut out = vec![0.0; ranks.len()];
    for i in order {
        let r = ranks[i];
        let b = bucket_of_rank(r);
        let group = &mut grouped[group_start[b]..group_start[b] + histogram[b] as usize];
        let (_, nth, _) = group.select_nth_unstable(r - starts[b] as usize);
        out[i] = f64::from_bits(*nth);
    }
    out
}

/// Values per parallel piece: one piece per thread. Each piece gets its own 256 KiB
/// histogram, and fresh memory costs a page fault per 4 KiB; rayon's finer default split made
/// those faults a third of the time of a million-trial simulation.
fn per_thread(len: usize) -> usize {
    len.div_ceil(rayon::current_num_threads()).max(CHUNK)
}

fn add(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    a
}

/// For each threshold (sorted ascending, no NaN), how many of the non-negative, non-NaN
/// `values` are strictly above it.
pub fn count_above(values: &[f64], sorted_thresholds: &[f64]) -> Vec<u64> {
    let m = sorted_thresholds.len();
    // first[b] = how many thresholds lie below every value of bucket b; a value then only needs
    // comparing with the thresholds inside its own bucket, usually none or one.
    let mut first = vec![0usize; BUCKETS];
    let mut j = 0;
    for (b, f) in first.iter_mut().enumerate() {
        let low = f64::from_bits((b as u64) << 48);
        while j < m && sorted_thresholds[j] < low {
            j += 1;
        }
        *f = j;
    }
    let mut padded = sorted_thresholds.to_vec();
    padded.push(f64::INFINITY);
    // below[j] = how many values lie above exactly the j smallest thresholds.
    let below = values
        .par_chunks(per_thread(values.len()))
        .fold(
            || vec![0u64; m + 1],
            |mut h, chunk| {
                for &x in chunk {
                    let mut j = first[bucket(x.to_bits())];
                    // One step without a branch covers a bucket holding one threshold (log-spaced
                    // curves rarely put two in 4.4%); the +∞ sentinel ends any further steps.
                    j += usize::from(padded[j] < x);
                    while padded[j] < x {
                        j += 1;
                    }
                    h[j] += 1;
                }
                h
            },
        )
        .reduce(|| vec![0u64; m + 1], add);
    // A value is above threshold i when more than i thresholds lie below it.
    let mut above = vec![0u64; m];
    let mut running = 0;
    for i in (0..m).rev() {
        running += below[i + 1];
        above[i] = running;
    }
    above
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reproducible spread of losses: zeros, tiny and huge values, and ties.
    fn sample() -> Vec<f64> {
        let mut state = 12345u64;
        (0..50_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                match i % 7 {
                    0 => 0.0,
                    1 => 42.0,
                    _ => (u * 40.0 - 10.0).exp(),
                }
            })
            .collect()
    }

    #[test]
    fn order_statistics_equal_those_of_a_full_sort() {
        let v = sample();
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let ranks = [0, 1, 7_000, 7_143, 25_000, 25_000, 49_998, 49_999, 3];
        let got = order_statistics(&v, &ranks);
        for (r, g) in ranks.iter().zip(got) {
            assert_eq!(g.to_bits(), sorted[*r].to_bits(), "rank {r}");
        }
    }

    #[test]
    fn counts_above_equal_a_direct_count() {
        let v = sample();
        let thresholds = [-1.0, 0.0, 1e-5, 41.999, 42.0, 1e3, 2e3, 2.001e3, 1e20];
        let got = count_above(&v, &thresholds);
        for (t, g) in thresholds.iter().zip(got) {
            let direct = v.iter().filter(|&&x| x > *t).count() as u64;
            assert_eq!(g, direct, "threshold {t}");
        }
    }
}
