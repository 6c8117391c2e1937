//! Benchmark (peer) figures: what other organisations reach on a KPI, from a survey or an
//! industry body, and where an organisation's own value stands against them.
//!
//! A benchmark is kept per KPI and survey date, server-wide: the same survey serves every
//! organisation on the server. Its numbers are in the KPI's own reading unit — the unit the
//! evaluation's `actual` uses (percent for ratio and progress KPIs, a count, mean hours, a
//! score) — so they compare with an organisation's actual directly.
//!
//! # Placement
//!
//! [`place`] reads a value against a benchmark in the KPI's direction (for a lower-is-better KPI,
//! a smaller value is the better one):
//!
//! - with quartiles known, a value at least as good as the better quartile and better than the
//!   median is in the top quarter; at least as bad as the worse quartile and worse than the
//!   median, in the bottom quarter;
//! - otherwise a value within [`AROUND_MEDIAN`] of the median (relative to the median's size) is
//!   around it, and the rest are better or worse than the median.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::kpi::{Direction, Formula, KpiDefinition, KpiId};
use crate::plan::{FieldError, check_number, field_error, reads_in_percent};
use crate::text::normalise;
use crate::vocab::vocabulary;

/// The longest source text, in characters.
pub const MAX_SOURCE: usize = 200;
/// The longest industry text, in characters.
pub const MAX_INDUSTRY: usize = 100;
/// How close to the median (as a share of the median) a value still reads as "around" it: 2%,
/// about what the rounding of a survey's published figures can move it.
pub const AROUND_MEDIAN: f64 = 0.02;

/// Peer figures for one KPI at one date, valid by construction (see [`RawBenchmark::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Benchmark {
    /// The KPI compared: a catalogue id (`1.2.2`) or an organisation's own KPI id.
    pub kpi: KpiId,
    /// The date the survey's figures are as of.
    pub as_of: Date,
    /// The median of the peers' values, in the KPI's reading unit.
    pub median: f64,
    /// The lower quartile (25th percentile), when published.
    pub lower: Option<f64>,
    /// The upper quartile (75th percentile), when published.
    pub upper: Option<f64>,
    /// How many organisations the figures are from (at least one).
    pub peers: u32,
    /// Where the figures come from, e.g. `JCIC 会員調査 2026`. NFKC-normalised.
    pub source: String,
    /// The industry the peers are in, when the survey says.
    pub industry: Option<String>,
}

/// A benchmark as typed, read from a file or sent to the API, before validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BenchmarkInput")]
pub struct RawBenchmark {
    pub kpi: String,
    /// `YYYY-MM-DD`.
    #[schemars(with = "crate::Date")]
    pub as_of: String,
    pub median: f64,
    #[serde(default)]
    pub lower: Option<f64>,
    #[serde(default)]
    pub upper: Option<f64>,
    /// How many organisations the figures are from, at least 1.
    #[schemars(range(min = 1, max = u32::MAX))]
    pub peers: i64,
    pub source: String,
    #[serde(default)]
    pub industry: Option<String>,
}

/// Normalised text of 1–`max` characters.
fn text(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
    let n = normalise(s);
    match n.chars().count() {
        0 => Err(field_error(field, "is empty")),
        c if c > max => Err(field_error(
            field,
            format!("is longer than {max} characters"),
        )),
        _ => Ok(n),
    }
}

fn finite(field: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(field_error(
            field,
            format!("{v} is not a non-negative number"),
        ))
    }
}

impl RawBenchmark {
    /// Checks every field, naming the one at fault; normalises the texts.
    pub fn validate(&self) -> Result<Benchmark, FieldError> {
        let kpi = KpiId::parse(self.kpi.trim()).map_err(|e| field_error("kpi", e))?;
        let as_of = Date::parse(self.as_of.trim()).map_err(|e| field_error("as_of", e))?;
        let median = finite("median", self.median)?;
        let lower = self.lower.map(|v| finite("lower", v)).transpose()?;
        let upper = self.upper.map(|v| finite("upper", v)).transpose()?;
        if let Some(l) = lower
            && l > median
        {
            return Err(field_error(
                "lower",
                format!("the lower quartile {l} is above the median {median}"),
            ));
        }
        if let Some(u) = upper
            && u < median
        {
            return Err(field_error(
                "upper",
                format!("the upper quartile {u} is below the median {median}"),
            ));
        }
        let peers = match u32::try_from(self.peers) {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(field_error(
                    "peers",
                    format!(
                        "{} is not a number of organisations (a whole number, at least 1)",
                        self.peers
                    ),
                ));
            }
        };
        let source = text("source", &self.source, MAX_SOURCE)?;
        let industry = match self
            .industry
            .as_deref()
            .map(normalise)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(text("industry", &s, MAX_INDUSTRY)?),
            None => None,
        };
        Ok(Benchmark {
            kpi,
            as_of,
            median,
            lower,
            upper,
            peers,
            source,
            industry,
        })
    }
}

impl Benchmark {
    /// The raw form (for storage, the audit log and round trips).
    pub fn to_raw(&self) -> RawBenchmark {
        RawBenchmark {
            kpi: self.kpi.to_string(),
            as_of: self.as_of.to_string(),
            median: self.median,
            lower: self.lower,
            upper: self.upper,
            peers: i64::from(self.peers),
            source: self.source.clone(),
            industry: self.industry.clone(),
        }
    }

    /// Checks the figures against the KPI they are for: a compound KPI has several readings, so
    /// one median cannot stand for it; a percentage above 100% only where the KPI allows it.
    pub fn check_against(&self, kpi: &KpiDefinition) -> Result<(), FieldError> {
        if matches!(kpi.formula, Formula::Compound { .. }) {
            return Err(field_error(
                "kpi",
                format!(
                    "KPI {} has several parts, each with its own target; a benchmark is one number and cannot stand for it",
                    kpi.id
                ),
            ));
        }
        let percent = reads_in_percent(kpi);
        check_number("median", self.median, percent, kpi.may_exceed_100)?;
        for (field, v) in [("lower", self.lower), ("upper", self.upper)] {
            if let Some(v) = v {
                check_number(field, v, percent, kpi.may_exceed_100)?;
            }
        }
        Ok(())
    }
}

vocabulary! {
    /// Where an organisation's value stands against its peers. "Above" and "below" mean better
    /// and worse in the KPI's direction, so the words read right for lower-is-better KPIs too.
    PeerPlacement, "peer placement" {
        TopQuarter => "top_quarter", "中央値より良い（上位25%）", "Better than the median (top quarter)";
        AboveMedian => "above_median", "中央値より良い", "Better than the median";
        AroundMedian => "around_median", "中央値並み", "Around the median";
        BelowMedian => "below_median", "中央値に届かない", "Short of the median";
        BottomQuarter => "bottom_quarter", "中央値に届かない（下位25%）", "Short of the median (bottom quarter)";
    }
}

/// Places `ours` against the benchmark for a KPI read in `direction` (see the module's rules).
/// `None` when `ours` is not a finite number.
pub fn place(ours: f64, b: &Benchmark, direction: Direction) -> Option<PeerPlacement> {
    if !ours.is_finite() {
        return None;
    }
    // Turned so that larger is better whichever way the KPI reads.
    let sign = match direction {
        Direction::HigherIsBetter => 1.0,
        Direction::LowerIsBetter => -1.0,
    };
    let (v, median) = (sign * ours, sign * b.median);
    let (good, bad) = match direction {
        Direction::HigherIsBetter => (b.upper, b.lower),
        Direction::LowerIsBetter => (b.lower, b.upper),
    };
    if let Some(q) = good
        && v >= sign * q
        && v > median
    {
        return Some(PeerPlacement::TopQuarter);
    }
    if let Some(q) = bad
        && v <= sign * q
        && v < median
    {
        return Some(PeerPlacement::BottomQuarter);
    }
    if (v - median).abs() <= AROUND_MEDIAN * median.abs() {
        return Some(PeerPlacement::AroundMedian);
    }
    Some(if v > median {
        PeerPlacement::AboveMedian
    } else {
        PeerPlacement::BelowMedian
    })
}

/// The latest of `benchmarks` for `kpi` dated on or before `as_of`.
pub fn latest<'a>(benchmarks: &'a [Benchmark], kpi: &str, as_of: Date) -> Option<&'a Benchmark> {
    benchmarks
        .iter()
        .filter(|b| b.kpi.as_str() == kpi && b.as_of <= as_of)
        .max_by_key(|b| b.as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalogue;

    fn raw() -> RawBenchmark {
        RawBenchmark {
            kpi: "1.2.2".into(),
            as_of: "2026-03-31".into(),
            median: 60.0,
            lower: Some(40.0),
            upper: Some(80.0),
            peers: 52,
            source: " ＪＣＩＣ 会員調査 2026 ".into(),
            industry: Some("  ".into()),
        }
    }

    fn valid() -> Benchmark {
        raw().validate().unwrap()
    }

    #[test]
    fn validation_normalises_and_names_the_field() {
        let b = valid();
        assert_eq!(b.source, "JCIC 会員調査 2026", "NFKC and trimmed");
        assert_eq!(b.industry, None, "a blank industry is none");
        assert_eq!(b.as_of, Date::new(2026, 3, 31).unwrap());
        assert_eq!(
            b.to_raw().validate().unwrap(),
            b,
            "the raw form round-trips"
        );

        type Change = fn(&mut RawBenchmark);
        let cases: [(Change, &str, &str); 12] = [
            (|r| r.kpi = "1 2".into(), "kpi", "may hold only"),
            (|r| r.kpi = String::new(), "kpi", "is empty"),
            (|r| r.as_of = "2026-02-30".into(), "as_of", ""),
            (
                |r| r.median = f64::NAN,
                "median",
                "not a non-negative number",
            ),
            (|r| r.median = -1.0, "median", "not a non-negative number"),
            (
                |r| r.lower = Some(f64::INFINITY),
                "lower",
                "not a non-negative",
            ),
            (|r| r.lower = Some(61.0), "lower", "above the median 60"),
            (|r| r.upper = Some(59.5), "upper", "below the median 60"),
            (|r| r.peers = 0, "peers", "at least 1"),
            (|r| r.peers = -3, "peers", "at least 1"),
            (|r| r.source = " \u{3000} ".into(), "source", "is empty"),
            (|r| r.source = "あ".repeat(201), "source", "longer than 200"),
        ];
        for (change, field, reason) in cases {
            let mut r = raw();
            change(&mut r);
            let e = r.validate().unwrap_err();
            assert_eq!(e.field, field, "{r:?}");
            assert!(e.reason.contains(reason), "{field}: {}", e.reason);
        }
        let r = RawBenchmark {
            industry: Some("x".repeat(101)),
            ..raw()
        };
        assert_eq!(r.validate().unwrap_err().field, "industry");
        let r = RawBenchmark {
            source: "あ".repeat(200),
            lower: None,
            upper: None,
            median: 0.0,
            peers: 1,
            ..raw()
        };
        assert!(
            r.validate().is_ok(),
            "200 characters, no quartiles, one peer"
        );
        let equal = RawBenchmark {
            lower: Some(60.0),
            upper: Some(60.0),
            ..raw()
        };
        assert!(equal.validate().is_ok(), "quartiles may equal the median");
    }

    #[test]
    fn figures_are_checked_against_their_kpi() {
        let c = Catalogue::builtin().unwrap();
        let progress = c.get("1.2.2").unwrap();
        assert!(valid().check_against(progress).is_ok());
        let over = RawBenchmark {
            upper: Some(120.0),
            ..raw()
        }
        .validate()
        .unwrap();
        let e = over.check_against(progress).unwrap_err();
        assert_eq!(e.field, "upper");
        assert!(e.reason.contains("above 100%"), "{}", e.reason);
        let compound = c.get("1.4.1").unwrap();
        assert_eq!(valid().check_against(compound).unwrap_err().field, "kpi");
    }

    fn bench(median: f64, lower: Option<f64>, upper: Option<f64>) -> Benchmark {
        RawBenchmark {
            median,
            lower,
            upper,
            ..raw()
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn higher_is_better_places_by_median_and_quartiles() {
        use PeerPlacement::*;
        let b = bench(60.0, Some(40.0), Some(80.0));
        let at = |v| place(v, &b, Direction::HigherIsBetter).unwrap();
        assert_eq!(at(95.0), TopQuarter);
        assert_eq!(at(80.0), TopQuarter, "at the quartile is in the quarter");
        assert_eq!(at(70.0), AboveMedian);
        assert_eq!(at(61.0), AroundMedian, "within 2% of 60");
        assert_eq!(at(60.0), AroundMedian);
        assert_eq!(at(58.9), AroundMedian);
        assert_eq!(at(58.0), BelowMedian);
        assert_eq!(at(40.0), BottomQuarter);
        assert_eq!(at(0.0), BottomQuarter);
        assert_eq!(place(f64::NAN, &b, Direction::HigherIsBetter), None);

        let no_quartiles = bench(60.0, None, None);
        let at = |v| place(v, &no_quartiles, Direction::HigherIsBetter).unwrap();
        assert_eq!(at(95.0), AboveMedian, "no quarter without quartiles");
        assert_eq!(at(10.0), BelowMedian);

        // Quartiles equal to the median: the median itself is around it, not in a quarter.
        let flat = bench(60.0, Some(60.0), Some(60.0));
        let at = |v| place(v, &flat, Direction::HigherIsBetter).unwrap();
        assert_eq!(at(60.0), AroundMedian);
        assert_eq!(at(60.5), TopQuarter);
        assert_eq!(at(59.5), BottomQuarter);
    }

    #[test]
    fn lower_is_better_turns_the_scale() {
        use PeerPlacement::*;
        // Mean hours to respond: the peers' median is 24 hours, the better quarter 12 or less.
        let b = bench(24.0, Some(12.0), Some(48.0));
        let at = |v| place(v, &b, Direction::LowerIsBetter).unwrap();
        assert_eq!(at(6.0), TopQuarter);
        assert_eq!(at(12.0), TopQuarter);
        assert_eq!(at(18.0), AboveMedian);
        assert_eq!(at(24.3), AroundMedian);
        assert_eq!(at(30.0), BelowMedian);
        assert_eq!(at(72.0), BottomQuarter);

        // A median of zero: only zero is around it.
        let zero = bench(0.0, None, None);
        assert_eq!(
            place(0.0, &zero, Direction::LowerIsBetter),
            Some(AroundMedian)
        );
        assert_eq!(
            place(1.0, &zero, Direction::LowerIsBetter),
            Some(BelowMedian)
        );
    }

    #[test]
    fn placements_have_both_languages_and_stable_codes() {
        use crate::Lang;
        assert_eq!(
            PeerPlacement::TopQuarter.label(Lang::Ja),
            "中央値より良い（上位25%）"
        );
        assert_eq!(
            PeerPlacement::BottomQuarter.label(Lang::En),
            "Short of the median (bottom quarter)"
        );
        assert_eq!(
            "around_median".parse::<PeerPlacement>(),
            Ok(PeerPlacement::AroundMedian)
        );
    }

    #[test]
    fn the_latest_benchmark_on_or_before_the_date_is_used() {
        let mut later = valid();
        later.as_of = Date::new(2026, 9, 30).unwrap();
        let mut other = valid();
        other.kpi = KpiId::parse("1.1.1").unwrap();
        let all = [valid(), later.clone(), other];
        let d = |m, day| Date::new(2026, m, day).unwrap();
        assert_eq!(latest(&all, "1.2.2", d(12, 31)), Some(&later));
        assert_eq!(latest(&all, "1.2.2", d(9, 30)), Some(&later));
        assert_eq!(latest(&all, "1.2.2", d(9, 29)), Some(&all[0]));
        assert_eq!(latest(&all, "1.2.2", d(3, 30)), None);
        assert_eq!(latest(&all, "9.9.9", d(12, 31)), None);
    }
}
