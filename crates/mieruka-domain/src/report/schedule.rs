//! The reporting cadence: quarterly by default, half-yearly at the least (the NACD handbook asks
//! for a report to the board every quarter and at least every six months), and when the next
//! report is due.
//!
//! A report covers one cadence period (a fiscal quarter or half) and is due `due_days` after that
//! period ends (30 by default, room for the numbers to settle). The next due report is the one for
//! the latest period that has ended and has not been issued; when every ended period has its
//! report, it is the one for the period running today.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::period::Period;
use crate::plan::{FieldError, field_error};

crate::vocab::vocabulary! {
    /// How often the board receives a report.
    Cadence, "cadence" {
        Quarterly => "quarterly", "四半期ごと", "Quarterly";
        HalfYearly => "half_yearly", "半期ごと", "Half-yearly";
    }
}

/// The most days after a period's end a report may be due.
pub const MAX_DUE_DAYS: i64 = 90;

/// An organisation's report schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub cadence: Cadence,
    /// Days after a period's end its report is due.
    pub due_days: i64,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule {
            cadence: Cadence::Quarterly,
            due_days: 30,
        }
    }
}

/// Parses a cadence given by a person, explaining why a yearly one is refused.
pub fn parse_cadence(s: &str) -> Result<Cadence, FieldError> {
    match s {
        "yearly" | "annual" | "annually" => Err(field_error(
            "cadence",
            "a yearly report is too rare: the board should hear about cyber risk every quarter, and at least every six months (quarterly or half_yearly)",
        )),
        other => other.parse().map_err(|e: String| field_error("cadence", e)),
    }
}

/// When the next report is due, and for which period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NextReport {
    pub period: Period,
    pub due: Date,
    /// The due date has passed without the report being issued.
    pub overdue: bool,
}

impl Schedule {
    pub fn validate(self) -> Result<Schedule, FieldError> {
        if !(0..=MAX_DUE_DAYS).contains(&self.due_days) {
            return Err(field_error(
                "due_days",
                format!("{} is outside 0–{MAX_DUE_DAYS}", self.due_days),
            ));
        }
        Ok(self)
    }

    /// The cadence period containing `date`.
    pub fn period_containing(&self, date: Date, start_month: u8) -> Period {
        match self.cadence {
            Cadence::HalfYearly => Period::half_containing(date, start_month),
            Cadence::Quarterly => {
                let fy = Period::fiscal_year_of(date, start_month);
                (1..=4)
                    .map(|q| {
                        Period::parse(&format!("FY{fy}-Q{q}"), start_month).expect("well-formed id")
                    })
                    .find(|p| p.contains(date))
                    .expect("a fiscal year's quarters cover it")
            }
        }
    }

    /// The next report due as of `today`, given the ids of the periods already reported on.
    pub fn next(&self, today: Date, start_month: u8, issued: &[&str]) -> NextReport {
        let current = self.period_containing(today, start_month);
        let previous = self.period_containing(current.start.add_days(-1), start_month);
        let period = if issued.contains(&previous.id.as_str()) {
            current
        } else {
            previous
        };
        let due = period.end.add_days(self.due_days);
        NextReport {
            overdue: today > due,
            period,
            due,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn quarterly_by_default_and_never_yearly() {
        assert_eq!(Schedule::default().cadence, Cadence::Quarterly);
        let e = parse_cadence("yearly").unwrap_err();
        assert!(e.reason.contains("six months"), "{e}");
        assert_eq!(parse_cadence("half_yearly").unwrap(), Cadence::HalfYearly);
        assert!(
            Schedule {
                due_days: 91,
                ..Schedule::default()
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn the_next_report_is_the_last_ended_period_not_yet_issued() {
        let s = Schedule::default();
        // 2026-11-26 is in FY2026-Q3; Q2 ended on 2026-09-30, due 30 days later.
        let n = s.next(d("2026-11-26"), 4, &[]);
        assert_eq!(n.period.id, "FY2026-Q2");
        assert_eq!(n.due, d("2026-10-30"));
        assert!(n.overdue);
        let n = s.next(d("2026-11-26"), 4, &["FY2026-Q2"]);
        assert_eq!(n.period.id, "FY2026-Q3");
        assert_eq!(n.due, d("2027-01-30"));
        assert!(!n.overdue);
        let h = Schedule {
            cadence: Cadence::HalfYearly,
            due_days: 45,
        };
        let n = h.next(d("2027-02-01"), 4, &["FY2026-H1"]);
        assert_eq!(n.period.id, "FY2026-H2");
        assert_eq!(n.due, d("2027-05-15"));
    }
}
