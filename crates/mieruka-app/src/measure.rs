//! Measurement entry: a person's or a file's input, validated by the domain against the plan,
//! turned into a record for the store; and the public JSON of a stored measurement.

use mieruka_domain::plan::{FieldError, MeasurementInput, MeasurementSource};
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
