//! Incident tickets: a CSV with one row per incident (`incident_id, business_unit,
//! intrusion_at, detected_at, contained_at`, and optionally `closed_at, effort_hours`), per
//! business unit:
//!
//! - hours to detect = `detected_at − intrusion_at`, over incidents whose intrusion time is
//!   known (KPI 1.11.1);
//! - hours to contain = `contained_at − detected_at`, over contained incidents (KPI 1.11.2),
//!   with the mean effort in hours per contained incident over those whose `effort_hours` is
//!   filled in;
//! - hours to close = `closed_at − detected_at`, over closed incidents (shown, not recorded);
//!
//! each as a mean and an exact P90 (linear interpolation). A missing id, business unit or
//! detection time, an unreadable time or effort, and an end before its start are bad rows.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::datetime::{Zone, parse_datetime};
use crate::error::ConnectorError;
use crate::figures::{FigureValue, KpiFigure};
use crate::mapping::{ColumnMap, Field};
use crate::rows::{Tally, shown};
use crate::table::{IntoTable, read_rows};
use crate::vulns::stats::{mean_hours, p90_hours};

pub const FIELDS: [Field; 7] = [
    Field::required("incident_id"),
    Field::required("business_unit"),
    Field::required("intrusion_at"),
    Field::required("detected_at"),
    Field::required("contained_at"),
    Field::optional("closed_at"),
    Field::optional("effort_hours"),
];

/// How to read a ticket export.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub strict: bool,
    pub columns: ColumnMap,
    /// The zone of times written without one (the organisation's; Asia/Tokyo by default).
    pub zone: Zone,
}

/// One business unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSummary {
    pub business_unit: String,
    pub incidents: u64,
    pub detected_with_intrusion: u64,
    pub mean_hours_to_detect: Option<f64>,
    pub p90_hours_to_detect: Option<f64>,
    pub contained: u64,
    pub mean_hours_to_contain: Option<f64>,
    pub p90_hours_to_contain: Option<f64>,
    /// Mean effort per contained incident, over those with an effort figure.
    pub mean_effort_hours: Option<f64>,
    pub closed: u64,
    pub mean_hours_to_close: Option<f64>,
    pub p90_hours_to_close: Option<f64>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub units: Vec<UnitSummary>,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Default)]
struct Acc {
    incidents: u64,
    detect: Vec<u32>,
    contain: Vec<u32>,
    close: Vec<u32>,
    effort_sum: f64,
    effort_n: u64,
}

fn span(from: i64, to: i64, what: &str) -> Result<u32, String> {
    if to < from {
        return Err(format!("{what}: the end is before the start"));
    }
    u32::try_from(to - from).map_err(|_| format!("{what} is more than 136 years"))
}

fn summary(v: &mut [u32]) -> (Option<f64>, Option<f64>) {
    let sum: u64 = v.iter().map(|&d| u64::from(d)).sum();
    (mean_hours(sum, v.len()), p90_hours(v))
}

/// Summarises a ticket export.
pub fn analyse(
    reader: impl IntoTable,
    file: &str,
    options: &Options,
) -> Result<Report, ConnectorError> {
    let mut units: BTreeMap<String, Acc> = BTreeMap::new();
    let mut tally = Tally::default();
    read_rows(
        reader,
        file,
        &FIELDS,
        &options.columns,
        options.strict,
        &mut tally,
        |r| {
            let mut row = || -> Result<(), String> {
                for (k, name) in [(0, "incident_id"), (1, "business_unit")] {
                    if r.get(k).is_empty() {
                        return Err(format!("missing {name}"));
                    }
                }
                let time = |k: usize| -> Result<Option<i64>, String> {
                    match r.get(k) {
                        "" => Ok(None),
                        v => parse_datetime(v.as_bytes(), &options.zone)
                            .map(Some)
                            .ok_or_else(|| {
                                format!(
                                    "{}: `{}` is not a date-time like 2026-03-01T12:34:56Z",
                                    FIELDS[k].name,
                                    shown(v.as_bytes())
                                )
                            }),
                    }
                };
                let intrusion = time(2)?;
                let detected = time(3)?.ok_or("missing detected_at")?;
                let contained = time(4)?;
                let closed = time(5)?;
                let effort = match r.get(6) {
                    "" => None,
                    v => match v.parse::<f64>() {
                        Ok(e) if e.is_finite() && e >= 0.0 => Some(e),
                        _ => {
                            return Err(format!(
                                "effort_hours: `{}` is not a number of hours from 0",
                                shown(v.as_bytes())
                            ));
                        }
                    },
                };
                let detect = intrusion
                    .map(|i| span(i, detected, "detected_at − intrusion_at"))
                    .transpose()?;
                let contain = contained
                    .map(|c| span(detected, c, "contained_at − detected_at"))
                    .transpose()?;
                let close = closed
                    .map(|c| span(detected, c, "closed_at − detected_at"))
                    .transpose()?;
                if let (Some(c), Some(x)) = (contained, closed)
                    && x < c
                {
                    return Err("closed_at is before contained_at".into());
                }
                let a = units.entry(r.get(1).to_string()).or_default();
                a.incidents += 1;
                a.detect.extend(detect);
                a.contain.extend(contain);
                a.close.extend(close);
                if let (Some(e), Some(_)) = (effort, contain) {
                    a.effort_sum += e;
                    a.effort_n += 1;
                }
                Ok(())
            };
            row().into()
        },
    )?;
    let units = units
        .into_iter()
        .map(|(business_unit, mut a)| {
            let (md, pd) = summary(&mut a.detect);
            let (mc, pc) = summary(&mut a.contain);
            let (mx, px) = summary(&mut a.close);
            UnitSummary {
                business_unit,
                incidents: a.incidents,
                detected_with_intrusion: a.detect.len() as u64,
                mean_hours_to_detect: md,
                p90_hours_to_detect: pd,
                contained: a.contain.len() as u64,
                mean_hours_to_contain: mc,
                p90_hours_to_contain: pc,
                mean_effort_hours: (a.effort_n > 0).then(|| a.effort_sum / a.effort_n as f64),
                closed: a.close.len() as u64,
                mean_hours_to_close: mx,
                p90_hours_to_close: px,
            }
        })
        .collect();
    Ok(Report { units, tally })
}

impl Report {
    /// 1.11.1 (time to detect) and 1.11.2 (time and effort to contain) per business unit.
    pub fn figures(&self) -> Vec<KpiFigure> {
        let mut out = Vec::new();
        for u in &self.units {
            let unit = Some(u.business_unit.clone());
            if let Some(mean) = u.mean_hours_to_detect {
                out.push(KpiFigure {
                    kpi: "1.11.1",
                    business_unit: unit.clone(),
                    value: FigureValue::MeanDuration {
                        mean_hours: mean,
                        events: u.detected_with_intrusion,
                        effort_hours: None,
                    },
                });
            }
            if let Some(mean) = u.mean_hours_to_contain {
                out.push(KpiFigure {
                    kpi: "1.11.2",
                    business_unit: unit,
                    value: FigureValue::MeanDuration {
                        mean_hours: mean,
                        events: u.contained,
                        effort_hours: u.mean_effort_hours,
                    },
                });
            }
        }
        out
    }
}
