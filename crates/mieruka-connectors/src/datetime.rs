//! Dates and times as other tools write them, read into seconds since 1970-01-01 UTC: the
//! fixed `2026-03-01T12:34:56Z` through the vulnerability reader's fast path, every other layout
//! through the one reader of instants, [`mieruka_domain::time::parse_instant`] (offsets,
//! fractions, a space for `T`, a date alone). A time without a zone is counted in the zone
//! given: the organisation's (Asia/Tokyo unless it sets another).

pub use mieruka_domain::time::Zone;

/// Seconds since the Unix epoch, or `None` when `b` is not a date or date-time in a layout
/// [`mieruka_domain::time::parse_instant`] reads, with a real calendar date and time of day.
pub fn parse_datetime(b: &[u8], zone: &Zone) -> Option<i64> {
    crate::vulns::parse_timestamp(b).or_else(|| mieruka_domain::time::parse_instant(b, zone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_and_the_general_reader_agree() {
        let t = 1_772_368_496; // 2026-03-01T12:34:56Z
        for zone in [Zone::utc(), Zone::tokyo()] {
            assert_eq!(parse_datetime(b"2026-03-01T12:34:56Z", &zone), Some(t));
            assert_eq!(parse_datetime(b"2026-03-01T21:34:56+09:00", &zone), Some(t));
            assert!(parse_datetime(b"2026-03-01T12:34:56", &zone).is_some());
        }
        assert_eq!(
            parse_datetime(b"2026-03-01 21:34:56", &Zone::tokyo()),
            Some(t),
            "a time without a zone is Tokyo time by default"
        );
        assert_eq!(
            parse_datetime(b"2026-03-01 12:34:56", &Zone::utc()),
            Some(t)
        );
        assert_eq!(
            parse_datetime(b"2026-03-01T12:34:56 UTC", &Zone::utc()),
            None
        );
    }
}
