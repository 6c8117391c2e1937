//! Money as people read it: 億円 and 万円 in Japanese, billions and millions of yen in English.
//! JSON always carries plain yen; this is only for screens and reports.

use crate::text::Lang;

/// Groups digits by thousands: 1234567 → "1,234,567".
pub fn grouped(n: f64) -> String {
    let s = format!("{:.0}", n.abs());
    let mut out = String::new();
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

/// An amount of yen for people: `141.0億円`, `6,000万円`, `8,500円`; `¥14.10bn`, `¥60.0m`.
pub fn yen(amount: f64, lang: Lang) -> String {
    let a = amount.abs();
    let sign = if amount < 0.0 { "-" } else { "" };
    match lang {
        Lang::Ja if a >= 1e12 => format!("{sign}{:.2}兆円", a / 1e12),
        Lang::Ja if a >= 1e11 => format!("{sign}{}億円", grouped((a / 1e8).round())),
        Lang::Ja if a >= 1e8 => format!("{sign}{:.1}億円", a / 1e8),
        Lang::Ja if a >= 1e4 => format!("{sign}{}万円", grouped((a / 1e4).round())),
        Lang::Ja => format!("{sign}{}円", grouped(a)),
        Lang::En if a >= 1e9 => format!("{sign}¥{:.2}bn", a / 1e9),
        Lang::En if a >= 1e6 => format!("{sign}¥{:.1}m", a / 1e6),
        Lang::En => format!("{sign}¥{}", grouped(a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_english_amounts() {
        assert_eq!(yen(14_100_004_000.0, Lang::Ja), "141.0億円");
        assert_eq!(yen(9_660_002_000.0, Lang::Ja), "96.6億円");
        assert_eq!(yen(60_000_000.0, Lang::Ja), "6,000万円");
        assert_eq!(yen(8_500.0, Lang::Ja), "8,500円");
        assert_eq!(yen(-4_000_000_000.0, Lang::Ja), "-40.0億円");
        assert_eq!(yen(14_100_000_000.0, Lang::En), "¥14.10bn");
        assert_eq!(yen(60_000_000.0, Lang::En), "¥60.0m");
        assert_eq!(grouped(1_333_334.0), "1,333,334");
        assert_eq!(yen(123_456_000_000.0, Lang::Ja), "1,235億円");
        assert_eq!(yen(99_950_000_000.0, Lang::Ja), "999.5億円");
        assert_eq!(yen(2_345_000_000_000.0, Lang::Ja), "2.35兆円");
    }
}
