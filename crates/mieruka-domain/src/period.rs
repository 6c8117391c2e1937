//! Fiscal periods (期): a fiscal year, its halves and quarters, or custom dates.
//!
//! Period ids name the fiscal year by the calendar year it starts in, as 年度 does in Japan:
//! with the default April start, `FY2026` runs 2026-04-01 … 2027-03-31, `FY2026-H2` is
//! October–March and `FY2026-Q3` is October–December.

use serde::Serialize;

use crate::date::Date;

/// What span a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum PeriodKind {
    FiscalYear,
    Half(u8),
    Quarter(u8),
    Custom,
}

/// A span of dates, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FiscalPeriod")]
pub struct Period {
    pub id: String,
    pub kind: PeriodKind,
    pub start: Date,
    pub end: Date,
}

/// Checks a fiscal-year start month.
pub fn check_start_month(m: u32) -> Result<u8, String> {
    if (1..=12).contains(&m) {
        Ok(m as u8)
    } else {
        Err(format!("fiscal-year start month {m} is outside 1–12"))
    }
}

impl Period {
    /// Parses `FY2026`, `FY2026-H1`/`H2`, `FY2026-Q1`…`Q4` for a fiscal year starting in
    /// `start_month`.
    pub fn parse(id: &str, start_month: u8) -> Result<Period, String> {
        let bad = || {
            format!("`{id}` is not a period id (expected FY2026, FY2026-H1 … H2 or FY2026-Q1 … Q4)")
        };
        let rest = id.strip_prefix("FY").ok_or_else(bad)?;
        let (year, sub) = match rest.split_once('-') {
            Some((y, s)) => (y, Some(s)),
            None => (rest, None),
        };
        // Digits only: `i32::from_str` would also take a sign (`FY+202`).
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let fy_start = Date::new(year, u32::from(start_month), 1)?;
        let (kind, first_month, months) = match sub {
            None => (PeriodKind::FiscalYear, 0, 12),
            Some("H1") => (PeriodKind::Half(1), 0, 6),
            Some("H2") => (PeriodKind::Half(2), 6, 6),
            Some(q) if q.len() == 2 && q.starts_with('Q') => match q.as_bytes()[1] {
                n @ b'1'..=b'4' => {
                    let i = n - b'0';
                    (PeriodKind::Quarter(i), 3 * (i32::from(i) - 1), 3)
                }
                _ => return Err(bad()),
            },
            Some(_) => return Err(bad()),
        };
        let start = fy_start.first_of_month_plus(first_month);
        let end = start.first_of_month_plus(months).add_days(-1);
        Ok(Period {
            id: id.to_string(),
            kind,
            start,
            end,
        })
    }

    /// A custom period; its id must not look like a fiscal one.
    pub fn custom(id: &str, start: Date, end: Date) -> Result<Period, String> {
        if id.trim().is_empty() {
            return Err("a period needs an id".into());
        }
        if id.starts_with("FY") {
            return Err(format!(
                "`{id}`: ids starting with FY are reserved for fiscal periods"
            ));
        }
        if end < start {
            return Err(format!(
                "period `{id}` ends ({end}) before it starts ({start})"
            ));
        }
        Ok(Period {
            id: id.to_string(),
            kind: PeriodKind::Custom,
            start,
            end,
        })
    }

    /// The fiscal year that contains `date`.
    pub fn fiscal_year_of(date: Date, start_month: u8) -> i32 {
        if date.month() >= u32::from(start_month) {
            date.year()
        } else {
            date.year() - 1
        }
    }

    /// The half-year (`FY…-H1`/`H2`) that contains `date`.
    pub fn half_containing(date: Date, start_month: u8) -> Period {
        let fy = Period::fiscal_year_of(date, start_month);
        let h1 = Period::parse(&format!("FY{fy}-H1"), start_month).expect("well-formed id");
        if h1.contains(date) {
            h1
        } else {
            Period::parse(&format!("FY{fy}-H2"), start_month).expect("well-formed id")
        }
    }

    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: &str, m: u8) -> String {
        let p = Period::parse(id, m).unwrap();
        format!("{}..{}", p.start, p.end)
    }

    #[test]
    fn april_fiscal_years() {
        assert_eq!(span("FY2026", 4), "2026-04-01..2027-03-31");
        assert_eq!(span("FY2026-H1", 4), "2026-04-01..2026-09-30");
        assert_eq!(span("FY2026-H2", 4), "2026-10-01..2027-03-31");
        assert_eq!(span("FY2026-Q3", 4), "2026-10-01..2026-12-31");
        assert_eq!(span("FY2027-Q4", 4), "2028-01-01..2028-03-31");
    }

    #[test]
    fn other_start_months() {
        assert_eq!(span("FY2026", 1), "2026-01-01..2026-12-31");
        assert_eq!(span("FY2026-H2", 7), "2027-01-01..2027-06-30");
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "2026",
            "FY26",
            "FY2026-H3",
            "FY2026-Q5",
            "FY2026-Q",
            "FY2026-X1",
            "fy2026",
            "FY+202",
            "FY-202-H1",
        ] {
            assert!(Period::parse(bad, 4).is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_the_current_half() {
        let d = Date::new(2026, 11, 26).unwrap();
        assert_eq!(Period::half_containing(d, 4).id, "FY2026-H2");
        let d = Date::new(2027, 2, 1).unwrap();
        assert_eq!(Period::half_containing(d, 4).id, "FY2026-H2");
        assert_eq!(Period::half_containing(d, 1).id, "FY2027-H1");
    }
}
