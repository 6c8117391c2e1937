//! Scales and their ticks: "nice" linear ticks (steps of 1, 2 or 5 × 10ⁿ) and decade ticks for
//! log scales, and [`TickFormat`], the caller's way of writing a tick value as text (the crate
//! knows no units, languages or money).

use std::fmt;
use std::sync::Arc;

/// How a tick value is written under an axis. The crate picks the tick values; the caller says
/// how a value reads, so units, languages and money formats stay with the caller.
///
/// ```
/// use mieruka_charts::TickFormat;
/// let pct = TickFormat::suffix("%");
/// assert_eq!(pct.format(12.5), "12.5%");
/// let oku = TickFormat::new(|yen| format!("{}億円", yen / 1e8));
/// assert_eq!(oku.format(1e9), "10億円");
/// ```
#[derive(Clone)]
pub struct TickFormat(Arc<dyn Fn(f64) -> String + Send + Sync>);

impl TickFormat {
    /// Any function from a tick value to its text.
    pub fn new(f: impl Fn(f64) -> String + Send + Sync + 'static) -> TickFormat {
        TickFormat(Arc::new(f))
    }

    /// The value with up to two decimals (trailing zeros dropped), then `suffix`: `50%`,
    /// `2.5 時間`, `12件`.
    pub fn suffix(suffix: impl Into<String>) -> TickFormat {
        let suffix = suffix.into();
        TickFormat::new(move |v| format!("{}{suffix}", plain(v)))
    }

    /// The text for one tick value.
    pub fn format(&self, v: f64) -> String {
        (self.0)(v)
    }
}

impl Default for TickFormat {
    /// The bare number, as [`TickFormat::suffix`] with no suffix.
    fn default() -> TickFormat {
        TickFormat::suffix("")
    }
}

impl fmt::Debug for TickFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TickFormat(0 → {:?}, 1 → {:?})",
            self.format(0.0),
            self.format(1.0)
        )
    }
}

/// A number with at most two decimals, no trailing zeros: `50`, `12.5`, `0.25` (the domain's
/// `figures::entered`, the one formatter of figures).
pub(crate) fn plain(v: f64) -> String {
    mieruka_domain::figures::entered(v)
}

/// Finite values only; NaN and ±∞ are left out everywhere a chart reads its data.
pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// Ticks from 0 up to at least `max` in a 1–2–5 step, about `count` of them. A `max` that is not
/// positive and finite gives the ticks 0 and 1, so an empty chart still has an axis.
pub(crate) fn nice_ticks(max: f64, count: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0, 1.0];
    }
    let rough = max / count.max(1) as f64;
    let mag = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let n = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Decades (powers of ten) covering `[min, max]` of positive values: returns the exponents of
/// the first and last decade, at least one decade apart.
pub(crate) fn decades(min: f64, max: f64) -> (i32, i32) {
    let lo = min.log10().floor() as i32;
    let hi = (max.log10() - 1e-9).ceil() as i32;
    (lo, hi.max(lo + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_step_by_one_two_or_five_and_cover_the_maximum() {
        assert_eq!(nice_ticks(100.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(7.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0]);
        let small = nice_ticks(0.3, 5);
        assert_eq!(small.len(), 4);
        assert!((small[3] - 0.3).abs() < 1e-9, "{small:?}");
        assert_eq!(nice_ticks(0.0, 5), [0.0, 1.0]);
        assert_eq!(nice_ticks(f64::NAN, 5), [0.0, 1.0]);
        let t = nice_ticks(123.0, 5);
        assert!(*t.last().unwrap() >= 123.0 && t.len() <= 7, "{t:?}");
    }

    #[test]
    fn decades_cover_the_range() {
        assert_eq!(decades(1e8, 1.4e10), (8, 11));
        assert_eq!(decades(1e9, 1e9), (9, 10));
        assert_eq!(decades(3e8, 9e8), (8, 9));
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(plain(50.0), "50");
        assert_eq!(plain(12.5), "12.5");
        assert_eq!(plain(-0.001), "0");
        assert_eq!(TickFormat::suffix("%").format(0.25), "0.25%");
    }
}
