//! Measurement entry: a person's or a file's input, validated by the domain against the plan,
//! turned into a record for the store; a value as a person reads it; and the public JSON of a
//! stored measurement.

use mieruka_domain::plan::{FieldError, MeasuredValue, MeasurementInput, MeasurementSource};
use mieruka_store::measurements::{NewMeasurement, StoredMeasurement};
use mieruka_store::plans::PlanContext;
use serde_json::json;

/// Turns a person's or a file's input into a measurement ready to store: validated by the domain
/// against the plan's KPI, scope and period, with the unit resolved to its row.
pub fn to_new_measurement(
    ctx: &PlanContext,
    input: &MeasurementInput,
    source: MeasurementSource,
    recorded_by: &str,
    import_key: Option<String>,
) -> Result<NewMeasurement, FieldError> {
    let valid = input.parse(&ctx.kpi, &ctx.plan.content, &ctx.period)?;
    let unit = ctx.unit(&valid.unit).ok_or_else(|| FieldError {
        field: "unit".into(),
        reason: format!(
            "organisation {} has no unit `{}`",
            ctx.org.org.slug, valid.unit
        ),
    })?;
    Ok(NewMeasurement {
        plan: ctx.plan.id,
        unit: unit.id,
        measured_on: valid.date,
        part: valid.part,
        value: valid.value,
        source,
        evidence: valid.evidence,
        recorded_by: recorded_by.to_string(),
        import_key,
    })
}

/// A measured value as a person reads it, with its unit (the command line's and an import's
/// preview).
pub fn format_reading(kpi: &mieruka_domain::KpiDefinition, v: &MeasuredValue) -> String {
    use mieruka_domain::Formula;
    let r = v.reading();
    match (&kpi.formula, v) {
        (
            _,
            MeasuredValue::Ratio {
                numerator,
                denominator,
            },
        ) => {
            format!(
                "{} ({}/{})",
                format_percent(r),
                trim_number(*numerator),
                trim_number(*denominator)
            )
        }
        (
            Formula::MeanDuration { .. },
            MeasuredValue::Duration {
                events,
                effort_hours,
                ..
            },
        ) => {
            let effort = effort_hours
                .map(|e| format!(", {} person-h", trim_number(e / events)))
                .unwrap_or_default();
            format!("{} h{effort} (n={})", trim_number(r), trim_number(*events))
        }
        _ => trim_number(r),
    }
}

pub fn format_percent(v: f64) -> String {
    format!("{v:.1}%")
}

pub fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub fn measurement_json(m: &StoredMeasurement) -> serde_json::Value {
    json!({
        "id": m.id,
        "plan": m.plan,
        "unit": m.unit_code,
        "date": m.measured_on,
        "part": m.part,
        "value": m.value,
        "reading": m.value.reading(),
        "source": m.source,
        "evidence": m.evidence,
        "recorded_by": m.recorded_by,
        "recorded_at": m.recorded_at,
        "supersedes": m.supersedes,
        "superseded_by": m.superseded_by,
    })
}
