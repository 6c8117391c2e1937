//! Amounts and rates as a board reads them: whole 億円 from 10億円 up (141億円, 97億円), one
//! decimal below that, 万円 under 1億円; in English, billions of yen with one decimal.

use crate::money::grouped;
use crate::text::Lang;

/// An amount of yen rounded as a board reads it.
pub fn board_yen(amount: f64, lang: Lang) -> String {
    let a = amount.abs();
    let sign = if amount < 0.0 { "-" } else { "" };
    match lang {
        Lang::Ja if a >= 1e9 => format!("{sign}{}億円", grouped((a / 1e8).round())),
        Lang::Ja if a >= 1e8 => format!("{sign}{:.1}億円", a / 1e8),
        Lang::Ja => format!("{sign}{}万円", grouped((a / 1e4).round())),
        Lang::En if a >= 1e9 => format!("{sign}¥{:.1}bn", a / 1e9),
        Lang::En => format!("{sign}¥{}m", grouped((a / 1e6).round())),
    }
}

/// A change of an amount with its sign: `+5億円`, `-44億円`, `±0`.
pub fn board_change(delta: f64, lang: Lang) -> String {
    if delta.abs() < 1e6 {
        return "±0".into();
    }
    let s = board_yen(delta, lang);
    if delta > 0.0 { format!("+{s}") } else { s }
}

/// A rate (0.87) as a whole percentage (`87%`).
pub fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_the_board_reads_them() {
        assert_eq!(board_yen(141.0e8, Lang::Ja), "141億円");
        assert_eq!(board_yen(96.6e8, Lang::Ja), "97億円");
        assert_eq!(board_yen(1.0e8, Lang::Ja), "1.0億円");
        assert_eq!(board_yen(6.0e7, Lang::Ja), "6,000万円");
        assert_eq!(board_yen(141.0e8, Lang::En), "¥14.1bn");
        assert_eq!(board_yen(6.0e7, Lang::En), "¥60m");
        assert_eq!(board_change(-44.4e8, Lang::Ja), "-44億円");
        assert_eq!(board_change(5.0e8, Lang::Ja), "+5.0億円");
        assert_eq!(board_change(0.0, Lang::Ja), "±0");
        assert_eq!(percent(0.874), "87%");
    }
}
