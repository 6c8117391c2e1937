//! Calendar dates and instants, without a clock: callers pass "now" in.
//!
//! Dates are proleptic Gregorian; their arithmetic is `jiff`'s civil calendar. Reading an
//! instant and the time zone a time without one is counted in are in [`crate::time`].

use std::fmt;

/// A calendar date, always valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// The years [`Date::parse`] accepts.
pub const PARSED_YEARS: std::ops::RangeInclusive<u32> = 1900..=2999;

impl Date {
    /// A date from its parts, or why it does not exist.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is outside 1–9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is outside 1–12"));
        }
        let last = days_in_month(year, month as u8);
        if day == 0 || day > u32::from(last) {
            return Err(format!("{year}-{month:02} has no day {day}"));
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date of the form YYYY-MM-DD");
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        // Digits only: `u32::from_str` would also take a sign (`2026-+1-05`).
        let num = |r: std::ops::Range<usize>| {
            let part = &b[r];
            if !part.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            Ok(part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        // A date typed or sent is in the years a plan can be about; what is computed from it
        // (fiscal periods, deadlines months later) stays inside the years a date can hold.
        if !PARSED_YEARS.contains(&y) {
            return Err(format!(
                "`{s}`: the year is outside {}–{}",
                PARSED_YEARS.start(),
                PARSED_YEARS.end()
            ));
        }
        Date::new(y as i32, m, d)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// The same day in `jiff`'s civil calendar.
    pub(crate) fn civil(self) -> jiff::civil::Date {
        // Always valid: a `Date` is checked when made, and jiff's years span ±9999.
        jiff::civil::date(self.year as i16, self.month as i8, self.day as i8)
    }

    pub(crate) fn from_civil(d: jiff::civil::Date) -> Date {
        Date {
            year: i32::from(d.year()),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        self.civil().duration_since(EPOCH).as_secs() / 86_400
    }

    /// The date a number of days after 1970-01-01 (held to the years ±9999 `jiff` spans).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let days = days.clamp(-4_000_000, 3_000_000);
        Date::from_civil(EPOCH.saturating_add(jiff::SignedDuration::from_hours(days * 24)))
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + n)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }

    /// The first day of the month `n` months after this date's month.
    pub fn first_of_month_plus(self, n: i32) -> Date {
        let index = self.year * 12 + i32::from(self.month) - 1 + n;
        Date {
            year: index.div_euclid(12),
            month: (index.rem_euclid(12) + 1) as u8,
            day: 1,
        }
    }

    /// The last day of this date's month.
    pub fn end_of_month(self) -> Date {
        Date {
            day: days_in_month(self.year, self.month),
            ..self
        }
    }
}

const EPOCH: jiff::civil::Date = jiff::civil::date(1970, 1, 1);

/// English month abbreviations, for dates written for people.
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Date {
    /// The month as people write it: `2026年11月`, `Nov 2026`.
    pub fn month_for_people(self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Ja => format!("{}年{}月", self.year, self.month),
            crate::Lang::En => format!("{} {}", MONTHS_EN[usize::from(self.month) - 1], self.year),
        }
    }

    /// The date as people write it: `2026年11月26日`, `26 Nov 2026`.
    pub fn for_people(self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Ja => format!("{}年{}月{}日", self.year, self.month, self.day),
            crate::Lang::En => format!(
                "{} {} {}",
                self.day,
                MONTHS_EN[usize::from(self.month) - 1],
                self.year
            ),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Days in month `m` (1–12) of year `y` (within ±9999).
fn days_in_month(y: i32, m: u8) -> u8 {
    jiff::civil::date(y as i16, m as i8, 1).days_in_month() as u8
}

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn from_unix_seconds(s: i64) -> Timestamp {
        Timestamp(s)
    }
    pub fn unix_seconds(self) -> i64 {
        self.0
    }
    /// The UTC calendar date of this instant (for the date in an organisation's time zone, see
    /// [`crate::time::Zone::date_of`]).
    pub fn date(self) -> Date {
        Date::from_days_since_epoch(self.0.div_euclid(86_400))
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC: `2026-11-26T16:11:07Z`. Sorts as text in time order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_for_people_in_both_languages() {
        let d = Date::new(2026, 11, 6).unwrap();
        assert_eq!(d.month_for_people(crate::Lang::Ja), "2026年11月");
        assert_eq!(d.for_people(crate::Lang::Ja), "2026年11月6日");
        assert_eq!(d.month_for_people(crate::Lang::En), "Nov 2026");
        assert_eq!(d.for_people(crate::Lang::En), "6 Nov 2026");
        let jan = Date::new(2027, 1, 31).unwrap();
        assert_eq!(jan.month_for_people(crate::Lang::En), "Jan 2027");
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("2026-11-26").unwrap().to_string(), "2026-11-26");
        assert_eq!(Date::parse("2028-02-29").unwrap().day(), 29);
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-11-26",
            "2026/11/26",
            "2026-11-2x",
            // Once accepted: a sign where a digit belongs.
            "2026-+1-05",
            "2026-01-+5",
            "+026-01-05",
            "2026-1\u{0}-05",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn epoch_day_round_trips_over_four_centuries() {
        let start = Date::new(1900, 1, 1).unwrap().days_since_epoch();
        let mut prev = Date::from_days_since_epoch(start - 1);
        for n in start..start + 146_097 {
            let d = Date::from_days_since_epoch(n);
            assert_eq!(d.days_since_epoch(), n);
            assert!(d > prev);
            assert_eq!(Date::new(d.year(), d.month(), d.day()), Ok(d));
            prev = d;
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
    }

    #[test]
    fn month_arithmetic() {
        let d = Date::new(2026, 11, 26).unwrap();
        assert_eq!(d.first_of_month_plus(2).to_string(), "2027-01-01");
        assert_eq!(d.first_of_month_plus(-11).to_string(), "2025-12-01");
        assert_eq!(Date::new(2028, 2, 3).unwrap().end_of_month().day(), 29);
    }

    #[test]
    fn timestamps_render_rfc3339_utc() {
        assert_eq!(
            Timestamp::from_unix_seconds(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(1_795_709_467).to_string(),
            "2026-11-26T16:11:07Z"
        );
    }

    #[test]
    fn parsed_dates_stay_in_years_whose_periods_can_be_computed() {
        assert!(Date::parse("1000-01-01").unwrap_err().contains("1900"));
        assert!(Date::parse("9999-12-31").is_err());
        for edge in ["1900-01-01", "2999-12-31"] {
            let d = Date::parse(edge).unwrap();
            for start_month in 1..=12 {
                // Once a panic: `FY999-H1` is not a period id.
                let h = crate::period::Period::half_containing(d, start_month);
                assert!(h.contains(d), "{edge} {start_month}");
            }
        }
    }
}
