//! ISO-8601 UTC timestamps in the fixed layout `YYYY-MM-DDTHH:MM:SSZ`, parsed by hand into
//! seconds since 1970-01-01 (days from the civil calendar, proleptic Gregorian).

/// Years whose month starts are tabled; others are computed.
const FIRST_YEAR: u32 = 1900;
const YEARS: usize = 300;

/// Days since 1970-01-01 of the first day of each month of the tabled years.
static MONTH_START: [i64; YEARS * 12] = month_starts();

const fn month_starts() -> [i64; YEARS * 12] {
    let mut t = [0; YEARS * 12];
    let mut i = 0;
    while i < YEARS * 12 {
        t[i] = days_from_civil(FIRST_YEAR as i64 + (i / 12) as i64, (i % 12) as u32 + 1, 1);
        i += 1;
    }
    t
}

/// Whether the bytes of `v` selected by `mask` are all ASCII digits.
fn all_digits(v: u64, mask: u64) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const LOW: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    // The high nibble is 3, and the low nibble is at most 9 (adding 6 stays below 16).
    (v & HIGH & mask) == (0x3030_3030_3030_3030 & mask)
        && (((v & LOW) + 0x0606_0606_0606_0606) & HIGH & mask) == 0
}

/// Seconds since the Unix epoch, or `None` unless `b` is exactly `YYYY-MM-DDTHH:MM:SSZ` with a
/// real date and time. The layout and digits are checked eight bytes at a time.
#[inline]
pub fn parse_timestamp(b: &[u8]) -> Option<i64> {
    let b: &[u8; 20] = b.try_into().ok()?;
    // Little-endian: byte i of the text is bits 8i..8i+8.
    let a = u64::from_le_bytes(b[0..8].try_into().ok()?); // YYYY-MM-
    let c = u64::from_le_bytes(b[8..16].try_into().ok()?); // DDTHH:MM
    let e = u64::from(u32::from_le_bytes(b[16..20].try_into().ok()?)); // :SSZ
    let separators = (a & 0xFF00_00FF_0000_0000) == 0x2D00_002D_0000_0000
        && (c & 0x0000_FF00_00FF_0000) == 0x0000_3A00_0054_0000
        && (e & 0xFF00_00FF) == 0x5A00_003A;
    if !separators
        || !all_digits(a, 0x00FF_FF00_FFFF_FFFF)
        || !all_digits(c, 0xFFFF_00FF_FF00_FFFF)
        || !all_digits(e, 0x00FF_FF00)
    {
        return None;
    }
    let byte = |v: u64, i: u32| ((v >> (8 * i)) & 0x0F) as u32;
    let year = byte(a, 0) * 1000 + byte(a, 1) * 100 + byte(a, 2) * 10 + byte(a, 3);
    let month = byte(a, 5) * 10 + byte(a, 6);
    let day = byte(c, 0) * 10 + byte(c, 1);
    let hour = byte(c, 3) * 10 + byte(c, 4);
    let minute = byte(c, 6) * 10 + byte(c, 7);
    let second = byte(e, 1) * 10 + byte(e, 2);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let first = match year.checked_sub(FIRST_YEAR) {
        Some(y) if (y as usize) < YEARS => MONTH_START[y as usize * 12 + month as usize - 1],
        _ => days_from_civil(i64::from(year), month, 1),
    };
    let days = first + i64::from(day) - 1;
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = ((m + 9) % 12) as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(parse_timestamp(b"1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp(b"2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_timestamp(b"2026-03-01T12:34:56Z"),
            Some(1_772_368_496)
        );
        assert_eq!(
            parse_timestamp(b"2024-02-29T23:59:59Z"),
            Some(1_709_251_199)
        );
        assert_eq!(parse_timestamp(b"1969-12-31T23:59:59Z"), Some(-1));
    }

    #[test]
    fn every_day_of_four_centuries_follows_the_previous() {
        let mut prev = parse_timestamp(b"1799-12-31T00:00:00Z").unwrap();
        for y in 1800..2400u32 {
            for m in 1..=12 {
                for d in 1..=days_in_month(y, m) {
                    let s = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
                    let t = parse_timestamp(s.as_bytes()).unwrap();
                    assert_eq!(t - prev, 86_400, "{s}");
                    prev = t;
                }
            }
        }
    }

    /// The layout checked byte by byte, for comparison.
    fn plain(b: &[u8]) -> Option<i64> {
        let layout = b"0000-00-00T00:00:00Z";
        if b.len() != 20 {
            return None;
        }
        for (x, l) in b.iter().zip(layout) {
            let ok = if *l == b'0' {
                x.is_ascii_digit()
            } else {
                x == l
            };
            if !ok {
                return None;
            }
        }
        let n =
            |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).unwrap().parse::<u32>().unwrap();
        let (y, m, d) = (n(0..4), n(5..7), n(8..10));
        let (hh, mm, ss) = (n(11..13), n(14..16), n(17..19));
        if !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
            || hh > 23
            || mm > 59
            || ss > 59
        {
            return None;
        }
        Some(days_from_civil(i64::from(y), m, d) * 86_400 + i64::from(hh * 3600 + mm * 60 + ss))
    }

    #[test]
    fn every_single_byte_change_is_judged_like_the_plain_parser() {
        for good in [
            b"2026-03-01T12:34:56Z",
            b"1999-12-31T23:59:59Z",
            b"2400-02-29T00:00:00Z",
        ] {
            for i in 0..20 {
                for x in 0..=255u8 {
                    let mut t = *good;
                    t[i] = x;
                    assert_eq!(
                        parse_timestamp(&t),
                        plain(&t),
                        "{}",
                        String::from_utf8_lossy(&t)
                    );
                }
            }
        }
    }

    #[test]
    fn refuses_other_layouts_and_impossible_dates() {
        for bad in [
            "2026-03-01",
            "2026-03-01 12:34:56Z",
            "2026-03-01T12:34:56",
            "2026-03-01T12:34:56+00:00",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T12:60:00Z",
            "2026-03-01T12:00:60Z",
            "2026-0a-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_timestamp(bad.as_bytes()), None, "{bad}");
        }
    }
}
