//! Figures as people read them: yen (億円/万円/兆円, `¥…bn`/`¥…m` in English), a KPI value with its
//! unit, a rate, a loss-model term, and a period's name (`2026年度 下期` / `FY2026 H2`). Every
//! screen, the board report in each of its formats, the charts and the terminal format here, so a
//! figure reads the same wherever it appears. JSON always carries plain numbers; this is only for
//! people.
//!
//! # The rounding rule for yen
//!
//! One rule for every context, the board's: an amount shows two or three significant figures,
//! never a digit that says nothing.
//!
//! 1. **Round first**, to a step chosen by the amount's size: whole yen below 1万円; whole 万円 up
//!    to 1億円; 0.1億円 from 1億円; whole 億円 from 10億円; 0.1兆円 from 1兆円; whole 兆円 from
//!    10兆円. In English: whole yen below ¥1m, whole millions up to ¥1bn, 0.1bn above.
//! 2. **Then choose the unit** from the rounded amount: the largest of 兆円, 億円, 万円, 円 (bn, m)
//!    that the rounded amount reaches. So `99,999,999` yen rounds to 10,000万円 and reads
//!    `1億円`, never `10,000万円`; `9,996,000,000` reads `100億円`, never `99.96億円`.
//! 3. **Print** the rounded amount in that unit, grouped by thousands, without a trailing `.0`:
//!    `141億円`, `96.6億円` → `97億円`, `1.5億円`, `6,000万円`, `8,500円`; `¥14.1bn`, `¥9.7bn`,
//!    `¥60m`.
//!
//! The dashboard, the loss page, the report, the charts and the command line therefore all say
//! `141億円 → 97億円` for the demo company.
//!
//! # KPI values and rates
//!
//! A KPI value shows one decimal for percentages, hours and scores (`85.0%`, `36.5時間` /
//! `36.5 h`, `3.2`) and a whole, grouped number for counts (`1,200件` / `1,200`). A rate (a
//! fraction such as an achievement rate) reads as a percentage with one decimal (`85.3%`).

use crate::i18n::tr;
use crate::kpi::{Formula, KpiDefinition};
use crate::period::{Period, PeriodKind};
use crate::text::Lang;

/// Groups digits by thousands after rounding to a whole number: 1234567 → "1,234,567".
pub fn grouped(n: f64) -> String {
    let s = format!("{:.0}", n.abs());
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 && s != "0" {
        out.insert(0, '-');
    }
    out
}

/// A unit an amount can be shown in: its size in yen, how it is written around the number, and
/// the decimals it shows below ten of it.
struct YenUnit {
    size: f64,
    prefix: &'static str,
    suffix: &'static str,
    /// Decimals shown while the amount is under ten of this unit (whole units from ten up).
    decimals_below_ten: u32,
}

const JA_UNITS: [YenUnit; 4] = [
    YenUnit {
        size: 1e12,
        prefix: "",
        suffix: "兆円",
        decimals_below_ten: 1,
    },
    YenUnit {
        size: 1e8,
        prefix: "",
        suffix: "億円",
        decimals_below_ten: 1,
    },
    YenUnit {
        size: 1e4,
        prefix: "",
        suffix: "万円",
        decimals_below_ten: 0,
    },
    YenUnit {
        size: 1.0,
        prefix: "",
        suffix: "円",
        decimals_below_ten: 0,
    },
];

/// Billions keep one decimal at every size (0.1bn is 1億円, the Japanese whole-億 step).
const EN_UNITS: [YenUnit; 3] = [
    YenUnit {
        size: 1e9,
        prefix: "¥",
        suffix: "bn",
        decimals_below_ten: 1,
    },
    YenUnit {
        size: 1e6,
        prefix: "¥",
        suffix: "m",
        decimals_below_ten: 0,
    },
    YenUnit {
        size: 1.0,
        prefix: "¥",
        suffix: "",
        decimals_below_ten: 0,
    },
];

fn units(lang: Lang) -> &'static [YenUnit] {
    match lang {
        Lang::Ja => &JA_UNITS,
        Lang::En => &EN_UNITS,
    }
}

/// The decimals an amount shows in `unit` (whole units from ten of them up; English billions
/// always keep one).
fn decimals(unit: &YenUnit, a: f64, lang: Lang) -> u32 {
    match lang {
        Lang::En if unit.size >= 1e9 => 1,
        _ if a < unit.size * 10.0 => unit.decimals_below_ten,
        _ => 0,
    }
}

/// The largest unit `a` reaches (the smallest unit for less).
fn unit_for(a: f64, lang: Lang) -> &'static YenUnit {
    let all = units(lang);
    all.iter()
        .find(|u| a >= u.size)
        .unwrap_or(&all[all.len() - 1])
}

/// The step an amount of this size is rounded to (rule 1).
fn step(a: f64, lang: Lang) -> f64 {
    let unit = unit_for(a, lang);
    unit.size / 10f64.powi(decimals(unit, a, lang) as i32)
}

/// The size of an amount of yen rounded by rule 1.
fn rounded(amount: f64, lang: Lang) -> f64 {
    let a = amount.abs();
    let step = step(a, lang);
    (a / step).round() * step
}

/// An amount of yen for people, by the rule at the top of this module: `141億円`, `1.5億円`,
/// `6,000万円`, `8,500円`, `2.3兆円`; `¥14.1bn`, `¥60m`, `¥8,500`.
pub fn yen(amount: f64, lang: Lang) -> String {
    if !amount.is_finite() {
        return "—".into();
    }
    let r = rounded(amount, lang);
    let unit = unit_for(r, lang);
    // `r` is a whole number of steps at least as fine as the unit's shown precision, so the
    // division below is exact.
    let decimals = decimals(unit, r, lang);
    let scale = 10f64.powi(decimals as i32);
    let tenths = (r / unit.size * scale).round();
    let whole = (tenths / scale).trunc();
    let fraction = tenths - whole * scale;
    let mut number = grouped(whole);
    if fraction > 0.0 {
        number.push_str(&format!(
            ".{:0width$}",
            fraction as u64,
            width = decimals as usize
        ));
    }
    let sign = if amount < 0.0 && r > 0.0 { "-" } else { "" };
    format!("{sign}{}{number}{}", unit.prefix, unit.suffix)
}

/// A change of an amount with its sign: `+5億円`, `-44億円`; under 100万円 either way the board
/// reads no change, `±0`.
pub fn yen_change(delta: f64, lang: Lang) -> String {
    if delta.abs() < 1e6 {
        return "±0".into();
    }
    let s = yen(delta, lang);
    if delta > 0.0 { format!("+{s}") } else { s }
}

/// A fraction as a percentage with one decimal: 0.853 → `85.3%`. An achievement rate reads
/// this way everywhere: the pages, the terminal, the board report in each format and its charts.
pub fn percent(fraction: f64) -> String {
    percentage(fraction * 100.0)
}

/// A value already in percent, with one decimal: 85.25 → `85.3%` (a ratio KPI's value).
pub fn percentage(v: f64) -> String {
    format!("{v:.1}%")
}

/// A number echoed as a person entered it: at most two decimals, trailing zeros dropped, not
/// grouped (`90`, `12.5`, `0.25`, `1200`): a target or a reading shown back as typed, a lever's
/// setting, a chart's tick.
pub fn entered(v: f64) -> String {
    let s = if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if s == "-0" { "0".into() } else { s }
}

/// A plain number: grouped by thousands when whole (`1,200`), else with one decimal (`42.5`).
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        grouped(v)
    } else {
        format!("{v:.1}")
    }
}

/// Hours: `120時間`, `36.5 h`.
pub fn hours(h: f64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}時間", number(h)),
        Lang::En => format!("{} h", number(h)),
    }
}

/// The unit written after a KPI's value: `%`, `時間` / ` h`, `件` / nothing, nothing for a
/// score (a chart's axis ticks and caption say it too).
pub fn kpi_unit(kpi: &KpiDefinition, lang: Lang) -> &'static str {
    match (&kpi.formula, lang) {
        (Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. }, _) => "%",
        (Formula::MeanDuration { .. }, Lang::Ja) => "時間",
        (Formula::MeanDuration { .. }, Lang::En) => " h",
        (Formula::Count { .. }, Lang::Ja) => "件",
        (Formula::Count { .. }, Lang::En) | (Formula::Score { .. }, _) => "",
    }
}

/// A KPI's value with its unit: `85.0%`, `36.5時間` / `36.5 h`, `12件` / `12`, `3.2`.
pub fn kpi_value(kpi: &KpiDefinition, v: f64, lang: Lang) -> String {
    let unit = kpi_unit(kpi, lang);
    match kpi.formula {
        Formula::Count { .. } => format!("{}{unit}", grouped(v)),
        _ => format!("{v:.1}{unit}"),
    }
}

/// A term of the loss model with its unit: `1,000億円`, `5日`, `1,333,334人`, `21.0%` for shares.
pub fn term(v: f64, unit: &str, lang: Lang) -> String {
    let n = number(v);
    match (unit, lang) {
        ("yen", _) => yen(v, lang),
        ("share", _) => percent(v),
        ("", _) => n,
        ("days", Lang::Ja) => format!("{n}日"),
        ("people", Lang::Ja) => format!("{n}人"),
        ("eur", Lang::Ja) => format!("{n}ユーロ"),
        ("eur", Lang::En) => format!("€{n}"),
        ("yen/eur", Lang::Ja) => format!("{n}円/ユーロ"),
        ("yen/eur", Lang::En) => format!("{n} yen/€"),
        (other, _) => format!("{n} {other}"),
    }
}

/// A period's name: `2026年度 下期`, `2026年度 第3四半期`, `2026年度 通期`; `FY2026 H2`,
/// `FY2026 Q3`, `FY2026 full year`. A custom period reads as its id.
pub fn period_name(p: &Period, start_month: u8, lang: Lang) -> String {
    let year = Period::fiscal_year_of(p.start, start_month);
    let part = match p.kind {
        PeriodKind::Quarter(q) => tr(lang, "period_part_quarter", &[("q", &q)]),
        PeriodKind::Half(1) => tr(lang, "period_part_first_half", &[]),
        PeriodKind::Half(_) => tr(lang, "period_part_second_half", &[]),
        PeriodKind::FiscalYear => tr(lang, "period_part_full_year", &[]),
        PeriodKind::Custom => return p.id.clone(),
    };
    tr(lang, "period_name", &[("year", &year), ("part", &part)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_unit_is_chosen_after_rounding() {
        assert_eq!(yen(99_999_999.0, Lang::Ja), "1億円");
        assert_eq!(yen(99_995_000.0, Lang::Ja), "1億円");
        assert_eq!(yen(99_994_999.0, Lang::Ja), "9,999万円");
        assert_eq!(yen(9_999.6, Lang::Ja), "1万円");
        assert_eq!(yen(9_960_000_000.0, Lang::Ja), "100億円");
        assert_eq!(yen(999_960_000_000.0, Lang::Ja), "1兆円");
        assert_eq!(yen(999_999.6, Lang::En), "¥1m");
        assert_eq!(yen(999_999_999.0, Lang::En), "¥1bn");
    }

    #[test]
    fn japanese_and_english_amounts() {
        assert_eq!(yen(14_100_004_000.0, Lang::Ja), "141億円");
        assert_eq!(yen(9_660_002_000.0, Lang::Ja), "97億円");
        assert_eq!(yen(150_000_000.0, Lang::Ja), "1.5億円");
        assert_eq!(yen(100_000_000.0, Lang::Ja), "1億円");
        assert_eq!(yen(60_000_000.0, Lang::Ja), "6,000万円");
        assert_eq!(yen(8_500.0, Lang::Ja), "8,500円");
        assert_eq!(yen(0.0, Lang::Ja), "0円");
        assert_eq!(yen(-0.4, Lang::Ja), "0円");
        assert_eq!(yen(-4_000_000_000.0, Lang::Ja), "-40億円");
        assert_eq!(yen(123_456_000_000.0, Lang::Ja), "1,235億円");
        assert_eq!(yen(2_345_000_000_000.0, Lang::Ja), "2.3兆円");
        assert_eq!(yen(23_450_000_000_000.0, Lang::Ja), "23兆円");
        assert_eq!(yen(14_100_000_000.0, Lang::En), "¥14.1bn");
        assert_eq!(yen(9_660_002_000.0, Lang::En), "¥9.7bn");
        assert_eq!(yen(1_000_000_000.0, Lang::En), "¥1bn");
        assert_eq!(yen(60_000_000.0, Lang::En), "¥60m");
        assert_eq!(yen(8_500.0, Lang::En), "¥8,500");
        assert_eq!(yen(f64::NAN, Lang::Ja), "—");
        assert_eq!(grouped(1_333_334.0), "1,333,334");
        assert_eq!(grouped(-1_000.0), "-1,000");
    }

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(yen_change(-44.4e8, Lang::Ja), "-44億円");
        assert_eq!(yen_change(5.0e8, Lang::Ja), "+5億円");
        assert_eq!(yen_change(0.0, Lang::Ja), "±0");
        assert_eq!(yen_change(999_999.0, Lang::En), "±0");
    }

    #[test]
    fn values_rates_and_terms() {
        assert_eq!(percent(0.8534), "85.3%");
        assert_eq!(percent(0.45), "45.0%");
        assert_eq!(percentage(85.26), "85.3%");
        assert_eq!(entered(90.0), "90");
        assert_eq!(entered(12.5), "12.5");
        assert_eq!(entered(0.254), "0.25");
        assert_eq!(entered(1_200.0), "1200");
        assert_eq!(entered(-0.001), "0");
        assert_eq!(number(1_200.0), "1,200");
        assert_eq!(number(42.46), "42.5");
        assert_eq!(hours(120.0, Lang::Ja), "120時間");
        assert_eq!(hours(36.5, Lang::En), "36.5 h");
        assert_eq!(term(5.0, "days", Lang::Ja), "5日");
        assert_eq!(term(1_333_334.0, "people", Lang::Ja), "1,333,334人");
        assert_eq!(term(0.21, "share", Lang::Ja), "21.0%");
        assert_eq!(term(100_000_000_000.0, "yen", Lang::Ja), "1,000億円");
        assert_eq!(term(5.0, "days", Lang::En), "5 days");
    }

    #[test]
    fn periods_by_name() {
        let h2 = Period::parse("FY2026-H2", 4).unwrap();
        assert_eq!(period_name(&h2, 4, Lang::Ja), "2026年度 下期");
        assert_eq!(period_name(&h2, 4, Lang::En), "FY2026 H2");
        let q3 = Period::parse("FY2026-Q3", 4).unwrap();
        assert_eq!(period_name(&q3, 4, Lang::Ja), "2026年度 第3四半期");
        assert_eq!(period_name(&q3, 4, Lang::En), "FY2026 Q3");
        let fy = Period::parse("FY2026", 4).unwrap();
        assert_eq!(period_name(&fy, 4, Lang::Ja), "2026年度 通期");
    }

    /// The number and unit of a Japanese amount: `1,234.5億円` → (1234.5, 1e8).
    fn read_ja(s: &str) -> (f64, f64) {
        let s = s.trim_start_matches('-');
        for (suffix, size) in [("兆円", 1e12), ("億円", 1e8), ("万円", 1e4), ("円", 1.0)] {
            if let Some(n) = s.strip_suffix(suffix) {
                return (n.replace(',', "").parse().unwrap(), size);
            }
        }
        panic!("no unit in {s}");
    }

    fn read_en(s: &str) -> (f64, f64) {
        let s = s.trim_start_matches('-').trim_start_matches('¥');
        for (suffix, size) in [("bn", 1e9), ("m", 1e6)] {
            if let Some(n) = s.strip_suffix(suffix) {
                return (n.replace(',', "").parse().unwrap(), size);
            }
        }
        (s.replace(',', "").parse().unwrap(), 1.0)
    }

    proptest! {
        /// The unit shown is never smaller than the rounded amount calls for (no `10,000万円`,
        /// no `1,000m`), and the figure shown is the amount within half a rounding step.
        #[test]
        fn the_unit_never_lags_the_rounding(amount in 0.0f64..1e15, negative: bool) {
            let amount = if negative { -amount } else { amount };
            let a = amount.abs();
            for lang in [Lang::Ja, Lang::En] {
                let s = yen(amount, lang);
                let (n, size) = match lang {
                    Lang::Ja => read_ja(&s),
                    Lang::En => read_en(&s),
                };
                let next = match (lang, size) {
                    (Lang::Ja, s) if s >= 1e12 => f64::INFINITY,
                    (Lang::Ja, _) => 1e4,
                    (Lang::En, s) if s >= 1e9 => f64::INFINITY,
                    (Lang::En, _) => 1e3,
                };
                prop_assert!(n < next, "{amount} reads {s}");
                prop_assert!(n >= 1.0 || n == 0.0, "{amount} reads {s}");
                let step = step(a, lang);
                prop_assert!((n * size - a).abs() <= step / 2.0 + a * 1e-12, "{amount} reads {s}");
                prop_assert_eq!(s.starts_with('-'), amount < 0.0 && n > 0.0, "{} reads {}", amount, s);
            }
        }
    }
}
