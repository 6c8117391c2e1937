//! The catalogue KPIs a connector's results feed: one figure per KPI id and business unit, in
//! the shape the KPI's formula takes, ready to become a measurement. Which KPI each connector
//! feeds is decided here, next to the results, so the command line and the server record the
//! same things.

use serde::Serialize;

/// One catalogue KPI's figure for one business unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiFigure {
    /// The catalogue id, such as `1.12.1`.
    pub kpi: &'static str,
    /// The business unit the figure is for; `None` when the data has no business unit (the
    /// figure is about everything the file covers).
    pub business_unit: Option<String>,
    pub value: FigureValue,
}

/// A figure in the shape of its KPI's formula.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FigureValue {
    /// numerator ÷ denominator (ratio KPIs).
    Ratio { numerator: f64, denominator: f64 },
    /// actual ÷ plan (progress KPIs).
    Progress { actual: f64, plan: f64 },
    /// A mean duration in hours over `events`, with the mean effort per event when known.
    MeanDuration {
        mean_hours: f64,
        events: u64,
        effort_hours: Option<f64>,
    },
}

impl KpiFigure {
    pub fn ratio(
        kpi: &'static str,
        unit: Option<&str>,
        numerator: u64,
        denominator: u64,
    ) -> Option<KpiFigure> {
        (denominator > 0).then(|| KpiFigure {
            kpi,
            business_unit: unit.map(str::to_string),
            value: FigureValue::Ratio {
                numerator: numerator as f64,
                denominator: denominator as f64,
            },
        })
    }
}
