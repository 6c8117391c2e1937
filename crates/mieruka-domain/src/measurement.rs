//! Measurements (実績): the numbers units report against a plan, shaped by the KPI's formula and
//! checked against the plan's scope and period. Every entry path (a person, a file, a connector,
//! the API) goes through [`MeasurementInput::parse`].

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::kpi::{Formula, KpiDefinition};
use crate::period::Period;
use crate::plan::{FieldError, PlanContent, field_error};
use crate::text::normalise;
use crate::vocab::vocabulary;

vocabulary! {
    /// How a measurement reached mieruka.
    MeasurementSource, "measurement source" {
        Manual => "manual", "手入力", "Manual entry";
        File => "file", "ファイル取込", "File import";
        Api => "api", "API", "API";
        Connector => "connector", "自動収集", "Connector";
    }
}

/// A measured value, shaped by the KPI's formula kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeasuredValue {
    /// A ratio (numerator ÷ denominator) or progress (actual ÷ plan); one part of a compound KPI.
    Ratio { numerator: f64, denominator: f64 },
    /// A number of things, as of the date (cumulative within the period for events).
    Count { value: f64 },
    /// Durations: their total in hours over `events` events, and optionally the total effort.
    Duration {
        total_hours: f64,
        events: f64,
        effort_hours: Option<f64>,
    },
    /// An assessment or benchmark score.
    Score { value: f64 },
}

impl MeasuredValue {
    /// A duration from a list of (start, end) instants in seconds and optional effort per event.
    pub fn from_events(events: &[(i64, i64, Option<f64>)]) -> Result<MeasuredValue, FieldError> {
        if events.is_empty() {
            return Err(field_error("events", "no events"));
        }
        let mut total = 0.0;
        let mut effort = 0.0;
        let mut any_effort = false;
        for (i, (start, end, e)) in events.iter().enumerate() {
            if end < start {
                return Err(field_error(format!("events[{i}]"), "ends before it starts"));
            }
            total += (end - start) as f64 / 3600.0;
            if let Some(e) = e {
                any_effort = true;
                effort += e;
            }
        }
        Ok(MeasuredValue::Duration {
            total_hours: total,
            events: events.len() as f64,
            effort_hours: any_effort.then_some(effort),
        })
    }

    /// The value as a person reads it: a percentage, a count, mean hours or a score.
    pub fn reading(&self) -> f64 {
        match *self {
            MeasuredValue::Ratio {
                numerator,
                denominator,
            } => 100.0 * numerator / denominator,
            MeasuredValue::Count { value } | MeasuredValue::Score { value } => value,
            MeasuredValue::Duration {
                total_hours,
                events,
                ..
            } => total_hours / events,
        }
    }

    /// Checks the value fits the KPI (and, for compound KPIs, names an existing part).
    pub fn validate(&self, kpi: &KpiDefinition, part: Option<&str>) -> Result<(), FieldError> {
        let finite = |field: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(field_error(
                    field,
                    format!("{v} is not a non-negative number"),
                ))
            }
        };
        match (&kpi.formula, part) {
            (Formula::Compound { parts }, Some(p)) if !parts.iter().any(|x| x.key == p) => {
                let keys: Vec<_> = parts.iter().map(|x| x.key.as_str()).collect();
                return Err(field_error(
                    "part",
                    format!(
                        "KPI {} has no part `{p}` (parts: {})",
                        kpi.id,
                        keys.join(", ")
                    ),
                ));
            }
            (Formula::Compound { .. }, None) => {
                return Err(field_error(
                    "part",
                    format!("KPI {} is measured per part", kpi.id),
                ));
            }
            (Formula::Compound { .. }, Some(_)) => {}
            (_, Some(_)) => {
                return Err(field_error("part", format!("KPI {} has no parts", kpi.id)));
            }
            (_, None) => {}
        }
        let expected = match kpi.formula {
            Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. } => "ratio",
            Formula::Count { .. } => "count",
            Formula::MeanDuration { .. } => "duration",
            Formula::Score { .. } => "score",
        };
        match (*self, expected) {
            (
                MeasuredValue::Ratio {
                    numerator,
                    denominator,
                },
                "ratio",
            ) => {
                finite("numerator", numerator)?;
                finite("denominator", denominator)?;
                if denominator <= 0.0 {
                    return Err(field_error("denominator", "must be greater than 0"));
                }
                let is_progress = matches!(kpi.formula, Formula::Progress { .. });
                if numerator > denominator && !kpi.may_exceed_100 {
                    let what = if is_progress {
                        "actual is above plan"
                    } else {
                        "numerator is above denominator"
                    };
                    return Err(field_error(
                        "numerator",
                        format!(
                            "{what} ({numerator} > {denominator}): KPI {} cannot exceed 100%",
                            kpi.id
                        ),
                    ));
                }
                Ok(())
            }
            (MeasuredValue::Count { value }, "count")
            | (MeasuredValue::Score { value }, "score") => finite("value", value),
            (
                MeasuredValue::Duration {
                    total_hours,
                    events,
                    effort_hours,
                },
                "duration",
            ) => {
                finite("hours", total_hours)?;
                if !(events.is_finite() && events >= 1.0) {
                    return Err(field_error(
                        "events",
                        "at least one event is needed for a mean",
                    ));
                }
                if let Some(e) = effort_hours {
                    finite("effort_hours", e)?;
                }
                Ok(())
            }
            _ => Err(field_error(
                "value",
                format!(
                    "KPI {} ({}) is measured as a {expected}",
                    kpi.id,
                    kpi.formula.kind()
                ),
            )),
        }
    }
}

/// One measurement in force, as evaluation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub unit: String,
    pub date: Date,
    pub part: Option<String>,
    pub value: MeasuredValue,
}

/// Checks a measurement's unit and date against its plan and period.
pub fn check_scope(
    plan: &PlanContent,
    period: &Period,
    unit: &str,
    date: Date,
) -> Result<(), FieldError> {
    if !plan.units.iter().any(|u| u == unit) {
        return Err(field_error(
            "unit",
            format!(
                "unit `{unit}` is not in the plan's scope ({})",
                plan.units.join(", ")
            ),
        ));
    }
    if !period.contains(date) {
        return Err(field_error(
            "date",
            format!(
                "{date} is outside the period {} ({} … {})",
                period.id, period.start, period.end
            ),
        ));
    }
    Ok(())
}

/// A measurement as a person or a file gives it: loose fields, validated by [`MeasurementInput::parse`].
///
/// Which fields are needed depends on the KPI's formula:
/// ratio and compound parts — `numerator`, `denominator`; progress — `actual`, `plan`
/// (or numerator and denominator); count and score — `value`; mean duration — `mean_hours`
/// (with `events`, default 1) and optionally `effort_hours` (mean person-hours per event).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementInput {
    /// The unit's code.
    pub unit: String,
    /// `YYYY-MM-DD`, inside the plan's period.
    pub date: String,
    #[serde(default)]
    /// A compound KPI's part.
    pub part: Option<String>,
    #[serde(default)]
    pub numerator: Option<f64>,
    #[serde(default)]
    pub denominator: Option<f64>,
    #[serde(default)]
    /// A progress KPI's actual (実績値).
    pub actual: Option<f64>,
    #[serde(default)]
    /// A progress KPI's plan (計画値).
    pub plan: Option<f64>,
    #[serde(default)]
    /// A count or a score.
    pub value: Option<f64>,
    #[serde(default)]
    pub mean_hours: Option<f64>,
    #[serde(default)]
    pub events: Option<f64>,
    #[serde(default)]
    pub effort_hours: Option<f64>,
    #[serde(default)]
    /// A note or a link to the evidence.
    pub evidence: Option<String>,
}

/// A measurement that passed every check for its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMeasurement {
    pub unit: String,
    pub date: Date,
    pub part: Option<String>,
    pub value: MeasuredValue,
    pub evidence: Option<String>,
}

impl MeasurementInput {
    /// Shapes and checks the input for a plan: the value fits the KPI's formula, the unit is in
    /// the plan's scope and the date inside the period.
    pub fn parse(
        &self,
        kpi: &KpiDefinition,
        plan: &PlanContent,
        period: &Period,
    ) -> Result<ValidMeasurement, FieldError> {
        let unit = self.unit.trim().to_string();
        if unit.is_empty() {
            return Err(field_error("unit", "missing"));
        }
        let date = Date::parse(self.date.trim()).map_err(|e| field_error("date", e))?;
        let part = self
            .part
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let need = |field: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                field_error(
                    field,
                    format!("required for KPI {} ({})", kpi.id, kpi.formula.kind()),
                )
            })
        };
        let value = match kpi.formula {
            Formula::Ratio { .. } | Formula::Compound { .. } => MeasuredValue::Ratio {
                numerator: need("numerator", self.numerator)?,
                denominator: need("denominator", self.denominator)?,
            },
            Formula::Progress { .. } => MeasuredValue::Ratio {
                numerator: need("actual", self.actual.or(self.numerator))?,
                denominator: need("plan", self.plan.or(self.denominator))?,
            },
            Formula::Count { .. } => MeasuredValue::Count {
                value: need("value", self.value)?,
            },
            Formula::Score { .. } => MeasuredValue::Score {
                value: need("value", self.value)?,
            },
            Formula::MeanDuration { .. } => {
                let mean = need("mean_hours", self.mean_hours.or(self.value))?;
                let events = self.events.unwrap_or(1.0);
                if !(events.is_finite() && events >= 1.0 && events.fract() == 0.0) {
                    return Err(field_error(
                        "events",
                        format!("{events} is not a whole number of events (1 or more)"),
                    ));
                }
                if mean < 0.0 {
                    return Err(field_error(
                        "mean_hours",
                        format!("a duration cannot be negative ({mean})"),
                    ));
                }
                if let Some(e) = self.effort_hours
                    && !(e.is_finite() && e >= 0.0)
                {
                    return Err(field_error(
                        "effort_hours",
                        format!("{e} is not a non-negative number"),
                    ));
                }
                MeasuredValue::Duration {
                    total_hours: mean * events,
                    events,
                    effort_hours: self.effort_hours.map(|e| e * events),
                }
            }
        };
        value.validate(kpi, part.as_deref()).map_err(|mut e| {
            // A progress KPI's terms are the actual and the plan, whatever the storage calls them.
            if matches!(kpi.formula, Formula::Progress { .. }) {
                e.field = match e.field.as_str() {
                    "numerator" => "actual".into(),
                    "denominator" => "plan".into(),
                    other => other.into(),
                };
            }
            e
        })?;
        check_scope(plan, period, &unit, date)?;
        let evidence = self
            .evidence
            .as_deref()
            .map(normalise)
            .filter(|e| !e.is_empty());
        if let Some(e) = &evidence {
            crate::text::check_text(e).map_err(|reason| field_error("evidence", reason))?;
        }
        if let Some(p) = &part {
            crate::text::check_text(p).map_err(|reason| field_error("part", reason))?;
        }
        Ok(ValidMeasurement {
            unit,
            date,
            part,
            value,
            evidence,
        })
    }
}
