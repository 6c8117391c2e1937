//! Dates and times as other tools write them, read into seconds since 1970-01-01 UTC:
//! `2026-03-01T12:34:56Z` (the fast path the vulnerability reader uses), fractions of a second
//! (ignored), a `±HH:MM` offset (Go and Python write these), a space instead of `T`, a date
//! alone (midnight UTC), and no zone at all (taken as UTC).

use crate::vulns::timestamp::{days_from_civil, days_in_month};

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// Seconds since the Unix epoch, or `None` when `b` is not a date or date-time in one of the
/// layouts above with a real calendar date and time of day.
pub fn parse_datetime(b: &[u8]) -> Option<i64> {
    if let Some(t) = crate::vulns::parse_timestamp(b) {
        return Some(t);
    }
    let b = b.trim_ascii();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let rest = &b[10..];
    if rest.is_empty() {
        return Some(days * 86_400);
    }
    if !matches!(rest[0], b'T' | b't' | b' ') || rest.len() < 6 || rest[3] != b':' {
        return None;
    }
    let (hour, minute) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
    let mut rest = &rest[6..];
    let mut second = 0;
    if rest.first() == Some(&b':') {
        second = digits(rest.get(1..3)?)?;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') || rest.first() == Some(&b',') {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &rest[1 + n..];
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = match rest {
        b"" | b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let h = digits(&[*h1, *h2])?;
            let m = match tail {
                [] => 0,
                [b':', m1, m2] | [m1, m2] => digits(&[*m1, *m2])?,
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let o = i64::from(h * 3600 + m * 60);
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_other_tools_write() {
        let t = 1_772_368_496; // 2026-03-01T12:34:56Z
        for s in [
            "2026-03-01T12:34:56Z",
            "2026-03-01T12:34:56.279476577Z",
            "2026-03-01T21:34:56+09:00",
            "2026-03-01T06:34:56.5-06:00",
            "2026-03-01 12:34:56",
            "2026-03-01T12:34:56+0000",
            " 2026-03-01T12:34:56z ",
        ] {
            assert_eq!(parse_datetime(s.as_bytes()), Some(t), "{s}");
        }
        assert_eq!(
            parse_datetime(b"2026-03-01"),
            Some(t - 12 * 3600 - 34 * 60 - 56)
        );
        assert_eq!(parse_datetime(b"2026-03-01T12:34"), Some(t - 56));
    }

    #[test]
    fn refuses_what_is_not_a_moment() {
        for s in [
            "",
            "yesterday",
            "2026-02-30",
            "2026/03/01",
            "2026-03-01T25:00:00Z",
            "2026-03-01T12:34:56+24:00",
            "2026-03-01T12:34:56.Z",
            "2026-03-01T12:34:56 UTC",
            "01/03/2026",
        ] {
            assert_eq!(parse_datetime(s.as_bytes()), None, "{s}");
        }
    }
}
