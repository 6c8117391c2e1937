//! Realistic findings files for tests and benchmarks, reproducible from a seed: eight business
//! units, a severity mix, about 10% not started and 25% not resolved, detection hours to days
//! after publication, and severity-dependent times to start and resolve.

use std::io::{self, Write};

/// The business units of generated files (two in Japanese, to exercise UTF-8).
pub const UNITS: [&str; 8] = [
    "finance",
    "sales",
    "manufacturing",
    "logistics",
    "research",
    "it-operations",
    "営業本部",
    "海外子会社",
];

/// splitmix64: small, fast and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Exponential with this mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since 1970 (civil from days, Howard Hinnant's algorithm).
pub fn format_timestamp(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Writes a header and `rows` findings generated from `seed`.
pub fn write_findings<W: Write>(out: &mut W, rows: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    writeln!(
        out,
        "finding_id,asset_id,business_unit,severity,published_at,detected_at,started_at,resolved_at"
    )?;
    // 2025-01-01T00:00:00Z
    let base = 1_735_689_600i64;
    for i in 0..rows {
        let unit = UNITS[rng.below(UNITS.len() as u64) as usize];
        let r = rng.unit();
        let (severity, start_mean_h, resolve_mean_h) = match r {
            r if r < 0.05 => ("critical", 20.0, 72.0),
            r if r < 0.25 => ("high", 60.0, 240.0),
            r if r < 0.70 => ("medium", 150.0, 700.0),
            _ => ("low", 300.0, 1500.0),
        };
        let severity = if rng.below(100) == 0 {
            severity.to_ascii_uppercase()
        } else {
            severity.to_string()
        };
        let published = base + rng.below(365 * 86_400) as i64;
        let detected = published + (rng.exp(30.0) * 3600.0) as i64;
        let started = (rng.unit() >= 0.10)
            .then(|| detected + (rng.exp(start_mean_h) * 3600.0) as i64 + rng.below(60) as i64);
        // 25% unresolved overall: 15 of the 90 points of started findings.
        let resolved = started.and_then(|s| {
            (rng.unit() >= 0.15 / 0.90).then(|| s + 600 + (rng.exp(resolve_mean_h) * 3600.0) as i64)
        });
        writeln!(
            out,
            "F{i:09},A{:06},{unit},{severity},{},{},{},{}",
            rng.below(200_000),
            format_timestamp(published),
            format_timestamp(detected),
            started.map(format_timestamp).unwrap_or_default(),
            resolved.map(format_timestamp).unwrap_or_default(),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse_timestamp;
    use super::*;

    #[test]
    fn formatting_and_parsing_agree() {
        let mut rng = Rng::new(7);
        for _ in 0..10_000 {
            let t = rng.below(8_000_000_000) as i64 - 1_000_000_000;
            assert_eq!(parse_timestamp(format_timestamp(t).as_bytes()), Some(t));
        }
    }

    #[test]
    fn same_seed_same_file() {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        write_findings(&mut a, 100, 1).unwrap();
        write_findings(&mut b, 100, 1).unwrap();
        write_findings(&mut c, 100, 2).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.iter().filter(|&&b| b == b'\n').count(), 101);
    }
}
