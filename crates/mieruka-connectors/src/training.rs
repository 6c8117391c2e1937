//! Training completions: a CSV from a learning system with one row per person × course
//! (`person_id, business_unit, completed_at`, optionally `course` and `required`), per
//! business unit:
//!
//! completion rate = people who completed every course required of them ÷ people with at
//! least one required course (KPI M.2.1, and X.3.1 for organisations that set it).
//! A row is required unless its `required` cell says no; `completed_at` empty means not
//! completed. With a course filter only that course's rows count.
//!
//! A missing person or business unit, an unreadable date or yes/no, and a person listed under
//! two business units are bad rows.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::datetime::{Zone, parse_datetime};
use crate::error::ConnectorError;
use crate::figures::KpiFigure;
use crate::mapping::{ColumnMap, Field};
use crate::rows::{RowOutcome, Tally, shown};
use crate::table::{IntoTable, read_rows, yes_no};

pub const FIELDS: [Field; 5] = [
    Field::required("person_id"),
    Field::required("business_unit"),
    Field::required("completed_at"),
    Field::optional("course"),
    Field::optional("required"),
];

/// How to read a completions export.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub strict: bool,
    pub columns: ColumnMap,
    /// Count only this course (compared ignoring case).
    pub course: Option<String>,
    /// The zone of times written without one (the organisation's; Asia/Tokyo by default).
    pub zone: Zone,
}

/// One business unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSummary {
    pub business_unit: String,
    pub people: u64,
    pub completed: u64,
    pub completion_rate: f64,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub units: Vec<UnitSummary>,
    #[serde(flatten)]
    pub tally: Tally,
}

/// Summarises a completions export.
pub fn analyse(
    reader: impl IntoTable,
    file: &str,
    options: &Options,
) -> Result<Report, ConnectorError> {
    // person (lower case) → (unit, every required course completed so far)
    let mut people: HashMap<String, (String, bool)> = HashMap::new();
    let mut tally = Tally::default();
    let course = options.course.as_deref().map(str::to_lowercase);
    read_rows(
        reader,
        file,
        &FIELDS,
        &options.columns,
        options.strict,
        &mut tally,
        |r| {
            let person = r.get(0);
            let unit = r.get(1);
            if person.is_empty() {
                return RowOutcome::Rejected("missing person_id".into());
            }
            if unit.is_empty() {
                return RowOutcome::Rejected("missing business_unit".into());
            }
            let done = match r.get(2) {
                "" => false,
                v if parse_datetime(v.as_bytes(), &options.zone).is_some() => true,
                v => {
                    return RowOutcome::Rejected(format!(
                        "completed_at: `{}` is not a date like 2026-03-01",
                        shown(v.as_bytes())
                    ));
                }
            };
            let required = match r.get(4) {
                "" => true,
                v => match yes_no(v) {
                    Some(b) => b,
                    None => {
                        return RowOutcome::Rejected(format!(
                            "required: `{}` is not yes or no",
                            shown(v.as_bytes())
                        ));
                    }
                },
            };
            if course
                .as_deref()
                .is_some_and(|c| r.get(3).to_lowercase() != c)
                || !required
            {
                return RowOutcome::Skipped;
            }
            let entry = people
                .entry(person.to_lowercase())
                .or_insert_with(|| (unit.to_string(), true));
            if entry.0 != unit {
                return RowOutcome::Rejected(format!(
                    "{} is listed under business units {} and {}",
                    shown(person.as_bytes()),
                    entry.0,
                    shown(unit.as_bytes())
                ));
            }
            entry.1 &= done;
            RowOutcome::Accepted
        },
    )?;
    let mut units: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (unit, done) in people.into_values() {
        let u = units.entry(unit).or_default();
        u.0 += 1;
        u.1 += u64::from(done);
    }
    Ok(Report {
        units: units
            .into_iter()
            .map(|(business_unit, (people, completed))| UnitSummary {
                business_unit,
                people,
                completed,
                completion_rate: completed as f64 / people as f64,
            })
            .collect(),
        tally,
    })
}

impl Report {
    /// M.2.1 and X.3.1 per business unit.
    pub fn figures(&self) -> Vec<KpiFigure> {
        let mut out = Vec::new();
        for u in &self.units {
            for kpi in ["M.2.1", "X.3.1"] {
                out.extend(KpiFigure::ratio(
                    kpi,
                    Some(&u.business_unit),
                    u.completed,
                    u.people,
                ));
            }
        }
        out
    }
}
