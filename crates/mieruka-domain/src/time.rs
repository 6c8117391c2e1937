//! Instants as people and tools write them, and the time zone a time written without one is
//! counted in.
//!
//! One reader, [`parse_instant`], for every date-time a file or a person gives: `2026-03-01T12:34:56Z`,
//! fractions of a second (ignored), a `±HH:MM`, `±HHMM` or `±HH` offset (Go and Python write
//! these), a space instead of `T`, no seconds, a date alone (the start of that day), and no zone
//! at all. A time without a zone is a wall-clock time where the data was made: it is counted in
//! the organisation's [`Zone`] (Asia/Tokyo unless the organisation sets another), never
//! silently as UTC — a Japanese export read as UTC is nine hours off, enough to move a late
//! evening into the next day, month or fiscal period.
//!
//! Calendar and zone rules are `jiff`'s, with the IANA time zone database bundled into the
//! program (so a machine without `/usr/share/zoneinfo` reads zones the same way).

use std::fmt;
use std::sync::OnceLock;

use jiff::civil;
use jiff::tz::{Offset, TimeZone, TimeZoneDatabase};

use crate::date::{Date, Timestamp};

/// The zone of an organisation that has not set one.
pub const DEFAULT_ZONE: &str = "Asia/Tokyo";

/// The bundled time zone database: the same answers on every machine.
fn database() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// A time zone of the IANA database (`Asia/Tokyo`, `UTC`, `Europe/London`…): where an
/// organisation's times without a zone were written.
#[derive(Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// The zone named `name` (ignoring ASCII case), or why there is none.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        let refused = || {
            format!("`{name}` is not a time zone of the IANA database (such as Asia/Tokyo or UTC)")
        };
        if name.is_empty() || name.len() > 64 {
            return Err(refused());
        }
        let tz = database().get(name).map_err(|_| refused())?;
        let name = tz.iana_name().unwrap_or(name).to_string();
        Ok(Zone { name, tz })
    }

    /// Asia/Tokyo, the zone of an organisation that has not set one.
    pub fn tokyo() -> Zone {
        Zone::parse(DEFAULT_ZONE).unwrap_or_else(|_| Zone::utc())
    }

    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: TimeZone::UTC,
        }
    }

    /// The name as the database spells it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The calendar date of an instant in this zone.
    pub fn date_of(&self, t: Timestamp) -> Date {
        match jiff::Timestamp::from_second(t.unix_seconds()) {
            Ok(ts) => Date::from_civil(self.tz.to_datetime(ts).date()),
            Err(_) => t.date(),
        }
    }

    /// The first second of `date` in this zone.
    pub fn start_of(&self, date: Date) -> Timestamp {
        self.at(date.civil().to_datetime(civil::Time::midnight()))
            .map_or_else(|| utc_start(date), Timestamp::from_unix_seconds)
    }

    /// The last second of `date` in this zone.
    pub fn end_of(&self, date: Date) -> Timestamp {
        Timestamp::from_unix_seconds(self.start_of(date.add_days(1)).unix_seconds() - 1)
    }

    /// Seconds since 1970 UTC of a wall-clock time here (a time that happens twice, when clocks
    /// go back, is the earlier; one skipped when they go forward is read past the gap).
    fn at(&self, dt: civil::DateTime) -> Option<i64> {
        self.tz
            .to_timestamp(dt)
            .ok()
            .map(jiff::Timestamp::as_second)
    }
}

fn utc_start(date: Date) -> Timestamp {
    Timestamp::from_unix_seconds(date.days_since_epoch() * 86_400)
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::tokyo()
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl serde::Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> serde::Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Zone::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// Seconds since 1970-01-01 UTC, or `None` when `b` is not a date or date-time in one of the
/// layouts above with a real calendar date and time of day. A time without a zone, and a date
/// alone, are read in `zone`.
pub fn parse_instant(b: &[u8], zone: &Zone) -> Option<i64> {
    let b = b.trim_ascii();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let date = civil::Date::new(year as i16, month as i8, day as i8).ok()?;
    let rest = &b[10..];
    if rest.is_empty() {
        return zone.at(date.to_datetime(civil::Time::midnight()));
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
    let time = civil::Time::new(hour as i8, minute as i8, second as i8, 0).ok()?;
    let dt = date.to_datetime(time);
    let offset = match rest {
        b"" => return zone.at(dt),
        b"Z" | b"z" => 0,
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
            let o = (h * 3600 + m * 60) as i32;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    let offset = Offset::from_seconds(offset).ok()?;
    offset.to_timestamp(dt).ok().map(jiff::Timestamp::as_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_772_368_496; // 2026-03-01T12:34:56Z

    #[test]
    fn layouts_other_tools_write() {
        let utc = Zone::utc();
        for s in [
            "2026-03-01T12:34:56Z",
            "2026-03-01T12:34:56.279476577Z",
            "2026-03-01T21:34:56+09:00",
            "2026-03-01T06:34:56.5-06:00",
            "2026-03-01T12:34:56+0000",
            "2026-03-01T13:34:56+01",
            " 2026-03-01T12:34:56z ",
        ] {
            for zone in [&utc, &Zone::tokyo()] {
                assert_eq!(parse_instant(s.as_bytes(), zone), Some(T), "{s} {zone}");
            }
        }
        assert_eq!(parse_instant(b"2026-03-01 12:34:56", &utc), Some(T));
        assert_eq!(
            parse_instant(b"2026-03-01", &utc),
            Some(T - 12 * 3600 - 34 * 60 - 56)
        );
        assert_eq!(parse_instant(b"2026-03-01T12:34", &utc), Some(T - 56));
    }

    #[test]
    fn a_time_without_a_zone_is_read_in_the_zone_given() {
        let tokyo = Zone::tokyo();
        assert_eq!(
            parse_instant(b"2026-03-01 21:34:56", &tokyo),
            Some(T),
            "nine hours ahead of UTC"
        );
        assert_eq!(
            parse_instant(b"2026-03-02", &tokyo),
            Some(T - 12 * 3600 - 34 * 60 - 56 + 15 * 3600),
            "a date alone is the start of that day in Tokyo"
        );
        // Where clocks change: New York skips 02:00–03:00 on 2026-03-08.
        let ny = Zone::parse("america/new_york").unwrap();
        assert_eq!(ny.name(), "America/New_York");
        let before = parse_instant(b"2026-03-08T01:59:59", &ny).unwrap();
        let after = parse_instant(b"2026-03-08T03:00:00", &ny).unwrap();
        assert_eq!(after - before, 1);
    }

    #[test]
    fn refuses_what_is_not_a_moment() {
        for s in [
            "",
            "yesterday",
            "2026-02-30",
            "2026/03/01",
            "2026-+3-01",
            "2026-03-01T25:00:00Z",
            "2026-03-01T12:34:56+24:00",
            "2026-03-01T12:34:56.Z",
            "2026-03-01T12:34:56 UTC",
            "2026-03-01T12:34:56[Asia/Tokyo]",
            "+002026-03-01T12:34:56Z",
            "01/03/2026",
        ] {
            assert_eq!(parse_instant(s.as_bytes(), &Zone::utc()), None, "{s}");
        }
    }

    #[test]
    fn zones_by_name_from_the_bundled_database() {
        assert_eq!(Zone::default().name(), "Asia/Tokyo");
        assert_eq!(Zone::parse(" UTC ").unwrap(), Zone::utc());
        for bad in ["", "Asia/Nowhere", "JST+9", "../../etc/passwd"] {
            assert!(Zone::parse(bad).unwrap_err().contains("IANA"), "{bad}");
        }
        let z: Zone = serde_json::from_str("\"Europe/London\"").unwrap();
        assert_eq!(serde_json::to_string(&z).unwrap(), "\"Europe/London\"");
    }

    #[test]
    fn days_and_their_ends_in_a_zone() {
        let tokyo = Zone::tokyo();
        let d = Date::new(2026, 9, 30).unwrap();
        assert_eq!(tokyo.start_of(d).to_string(), "2026-09-29T15:00:00Z");
        assert_eq!(tokyo.end_of(d).to_string(), "2026-09-30T14:59:59Z");
        let late =
            Timestamp::from_unix_seconds(parse_instant(b"2026-09-30T23:30:00", &tokyo).unwrap());
        assert_eq!(tokyo.date_of(late), d);
        assert_eq!(late.date(), d, "14:30 UTC, the same day");
        let utc_late =
            Timestamp::from_unix_seconds(parse_instant(b"2026-10-01T01:00:00", &tokyo).unwrap());
        assert_eq!(tokyo.date_of(utc_late).to_string(), "2026-10-01");
        assert_eq!(utc_late.date(), d, "still 30 September in UTC");
    }
}
