//! Connector results recorded as measurements, for the command line and the server alike.
//!
//! A run's figures ([`KpiFigure`]: a catalogue KPI, a business unit, a value) go to the
//! organisation's open plans of that KPI in the period, for the unit whose code or name is the
//! business unit (ignoring case and width), or for the unit named by the caller when the data
//! has no business unit. Each measurement has the source `connector`, the file's name and
//! SHA-256 as evidence, and an import key made of the file's digest, the plan and the unit, so
//! the same file recorded again adds nothing. The whole batch is written in one transaction:
//! a failure writes nothing.

use std::collections::BTreeSet;

use mieruka_connectors::figures::{FigureValue, KpiFigure};
use mieruka_domain::Date;
use mieruka_domain::Timestamp;
use mieruka_domain::digest::sha256_hex;
use mieruka_domain::period::Period;
use mieruka_domain::plan::{MeasurementInput, MeasurementSource, PlanState};
use mieruka_domain::text::normalise;
use mieruka_store::Store;
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::plans::PlanContext;
use serde::Serialize;

use crate::{AppError, Result};

mod compute;
pub use compute::{CONNECTORS, Computed, Run, compute, kpis_of};

/// The file a run read: its name and SHA-256 (hex).
#[derive(Debug, Clone)]
pub struct Evidence {
    pub name: String,
    pub sha256: String,
}

impl Evidence {
    /// The evidence of a file's bytes.
    pub fn of_bytes(name: &str, bytes: &[u8]) -> Evidence {
        Evidence {
            name: name.to_string(),
            sha256: sha256_hex(bytes),
        }
    }

    /// The evidence text stored with each measurement.
    pub fn text(&self) -> String {
        format!("{} sha256:{}", self.name, self.sha256)
    }
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[schemars(rename = "CollectWritten")]
pub struct Written {
    /// The period whose plans received the measurements.
    pub period: String,
    /// Measurements added.
    pub added: usize,
    /// Measurements already recorded from the same file, not added again.
    pub already_recorded: usize,
    /// Business units of the data that match no unit of the organisation.
    pub unmatched: Vec<String>,
    /// The evidence recorded with each measurement (the file's name and digest).
    pub evidence: String,
}

/// The open plans of `org` in `period` whose KPI is one of `kpis`; an error when there is none,
/// so a wrong target fails before the file is read.
pub async fn plans_for(
    store: &Store,
    org: &StoredOrg,
    period: &Period,
    kpis: &[&str],
) -> Result<Vec<PlanContext>> {
    let mut plans = Vec::new();
    if let Some(stored) = store.period(org.id, &period.id).await? {
        for plan in store.plans(org.id, stored.id).await? {
            if plan.state == PlanState::Closed {
                continue;
            }
            let pc = store.plan_context(plan.id).await?;
            if kpis.contains(&pc.kpi.id.as_str()) {
                plans.push(pc);
            }
        }
    }
    if plans.is_empty() {
        return Err(AppError::Conflict(format!(
            "{} has no open plan for KPI {} in {}: nothing to write to",
            org.org.slug,
            kpis.join(", "),
            period.id
        )));
    }
    Ok(plans)
}

/// How the measurements are made.
pub struct Recording<'a> {
    pub date: Date,
    pub evidence: &'a Evidence,
    pub recorded_by: &'a str,
    /// The unit (code) that receives figures for data without a business unit.
    pub default_unit: Option<&'a str>,
}

/// The measurements `figures` give for `plans` (nothing is written), with the business units
/// no unit matches.
pub fn measurements(
    plans: &[PlanContext],
    figures: &[KpiFigure],
    how: &Recording<'_>,
) -> Result<(Vec<NewMeasurement>, BTreeSet<String>)> {
    let evidence = how.evidence.text();
    let mut batch = Vec::new();
    let mut unmatched = BTreeSet::new();
    for pc in plans {
        // Business units written differently (a unit's code and its name) that are one unit
        // give one measurement, their figures combined.
        let mut per_unit: Vec<(&mieruka_store::orgs::StoredUnit, FigureValue)> = Vec::new();
        for f in figures.iter().filter(|f| f.kpi == pc.kpi.id.as_str()) {
            let unit = match &f.business_unit {
                Some(bu) => {
                    let wanted = normalise(bu).to_lowercase();
                    match pc.units.iter().find(|u| {
                        u.unit.code.as_str() == wanted
                            || normalise(&u.unit.name).to_lowercase() == wanted
                    }) {
                        Some(u) => u,
                        None => {
                            unmatched.insert(bu.clone());
                            continue;
                        }
                    }
                }
                None => {
                    let code = how.default_unit.ok_or_else(|| AppError::Invalid {
                        field: "unit".into(),
                        reason:
                            "the data has no business unit: name the unit that receives the figures"
                                .into(),
                    })?;
                    pc.unit(code).ok_or_else(|| AppError::Invalid {
                        field: "unit".into(),
                        reason: format!("organisation {} has no unit `{code}`", pc.org.org.slug),
                    })?
                }
            };
            if !pc
                .plan
                .content
                .units
                .iter()
                .any(|c| c == unit.unit.code.as_str())
            {
                continue;
            }
            match per_unit.iter_mut().find(|(u, _)| u.id == unit.id) {
                Some((_, v)) => *v = combine(*v, f.value),
                None => per_unit.push((unit, f.value)),
            }
        }
        for (unit, value) in per_unit {
            let mut input = MeasurementInput {
                unit: unit.unit.code.to_string(),
                date: how.date.to_string(),
                evidence: Some(evidence.clone()),
                ..MeasurementInput::default()
            };
            match value {
                FigureValue::Ratio {
                    numerator,
                    denominator,
                } => {
                    input.numerator = Some(numerator);
                    input.denominator = Some(denominator);
                }
                FigureValue::Progress { actual, plan } => {
                    input.actual = Some(actual);
                    input.plan = Some(plan);
                }
                FigureValue::MeanDuration {
                    mean_hours,
                    events,
                    effort_hours,
                } => {
                    input.mean_hours = Some(mean_hours);
                    input.events = Some(events as f64);
                    input.effort_hours = effort_hours;
                }
            }
            let key = format!(
                "connector:{}",
                sha256_hex(
                    format!("{}|{}|{}", how.evidence.sha256, pc.plan.id, unit.id).as_bytes()
                )
            );
            let m = crate::measure::to_new_measurement(
                pc,
                &input,
                MeasurementSource::Connector,
                how.recorded_by,
                Some(key),
            )
            .map_err(|e| AppError::Invalid {
                field: format!("plan #{} unit {}: {}", pc.plan.id, unit.unit.code, e.field),
                reason: e.reason,
            })?;
            batch.push(m);
        }
    }
    Ok((batch, unmatched))
}

/// Two figures of one KPI for one unit as one: counts add up, means are weighted by events.
fn combine(a: FigureValue, b: FigureValue) -> FigureValue {
    use FigureValue::{MeanDuration, Progress, Ratio};
    match (a, b) {
        (
            Ratio {
                numerator: n1,
                denominator: d1,
            },
            Ratio {
                numerator: n2,
                denominator: d2,
            },
        ) => Ratio {
            numerator: n1 + n2,
            denominator: d1 + d2,
        },
        (
            Progress {
                actual: a1,
                plan: p1,
            },
            Progress {
                actual: a2,
                plan: p2,
            },
        ) => Progress {
            actual: a1 + a2,
            plan: p1 + p2,
        },
        (
            MeanDuration {
                mean_hours: m1,
                events: e1,
                effort_hours: f1,
            },
            MeanDuration {
                mean_hours: m2,
                events: e2,
                effort_hours: f2,
            },
        ) => {
            let (w1, w2) = (e1 as f64, e2 as f64);
            let events = e1 + e2;
            let mean = |x: f64, y: f64| (x * w1 + y * w2) / (w1 + w2);
            MeanDuration {
                mean_hours: mean(m1, m2),
                events,
                effort_hours: match (f1, f2) {
                    (Some(x), Some(y)) => Some(mean(x, y)),
                    (x, y) => x.or(y),
                },
            }
        }
        // A connector gives one shape per KPI; should two differ, the first stands.
        (a, _) => a,
    }
}

/// Writes `batch` in one transaction.
pub async fn write(
    store: &Store,
    period: &Period,
    batch: &[NewMeasurement],
    unmatched: BTreeSet<String>,
    evidence: &Evidence,
    now: Timestamp,
) -> Result<Written> {
    let done = store.add_measurements(batch, now).await?;
    Ok(Written {
        period: period.id.clone(),
        added: done.added,
        already_recorded: done.already_recorded,
        unmatched: unmatched.into_iter().collect(),
        evidence: evidence.text(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_one_unit_combine_counts_and_weigh_means_by_events() {
        let r = combine(
            FigureValue::Ratio {
                numerator: 1.0,
                denominator: 4.0,
            },
            FigureValue::Ratio {
                numerator: 2.0,
                denominator: 2.0,
            },
        );
        assert_eq!(
            r,
            FigureValue::Ratio {
                numerator: 3.0,
                denominator: 6.0
            }
        );
        let d = |mean_hours, events, effort_hours| FigureValue::MeanDuration {
            mean_hours,
            events,
            effort_hours,
        };
        // 3 events of 10 h and 1 of 30 h: 60 h over 4 events.
        assert_eq!(
            combine(d(10.0, 3, Some(2.0)), d(30.0, 1, Some(6.0))),
            d(15.0, 4, Some(3.0))
        );
        assert_eq!(
            combine(d(10.0, 1, None), d(20.0, 1, Some(4.0))),
            d(15.0, 2, Some(4.0))
        );
        let p = combine(
            FigureValue::Progress {
                actual: 1.0,
                plan: 3.0,
            },
            FigureValue::Progress {
                actual: 2.0,
                plan: 3.0,
            },
        );
        assert_eq!(
            p,
            FigureValue::Progress {
                actual: 3.0,
                plan: 6.0
            }
        );
    }
}
