//! The import key: what makes importing the same measurement twice add nothing. A row's key is
//! `row:` and the SHA-256 of plan | unit | date | part | value | evidence, numbers written in a
//! canonical form (six decimals at most), so a row imported from a file (`mieruka measure
//! import`) and the same row sent as JSON to the API are recognised as one.

use std::collections::HashSet;

use mieruka_domain::Date;
use mieruka_domain::plan::MeasuredValue;
use mieruka_store::measurements::{NewMeasurement, StoredMeasurement};
use mieruka_store::{PlanId, Store};

use crate::Result;

/// A number in a stable form: six decimals at most, so a value that went through a file and
/// back (say, hours per event multiplied by the events) gives the same key.
fn canonical(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A measured value in its canonical row form: `ratio:3/4`, `count:10`, `duration:12/3/`.
pub fn canonical_value(v: &MeasuredValue) -> String {
    match *v {
        MeasuredValue::Ratio {
            numerator,
            denominator,
        } => format!("ratio:{}/{}", canonical(numerator), canonical(denominator)),
        MeasuredValue::Count { value } => format!("count:{}", canonical(value)),
        MeasuredValue::Score { value } => format!("score:{}", canonical(value)),
        MeasuredValue::Duration {
            total_hours,
            events,
            effort_hours,
        } => format!(
            "duration:{}/{}/{}",
            canonical(total_hours),
            canonical(events),
            effort_hours.map(canonical).unwrap_or_default()
        ),
    }
}

/// `row:` and the SHA-256 of plan | unit | date | part | value | evidence, in hex.
pub fn import_key(
    plan: PlanId,
    unit: &str,
    date: Date,
    part: Option<&str>,
    value: &MeasuredValue,
    evidence: Option<&str>,
) -> String {
    let text = format!(
        "{plan}|{unit}|{date}|{}|{}|{}",
        part.unwrap_or(""),
        canonical_value(value),
        evidence.unwrap_or("")
    );
    format!(
        "row:{}",
        mieruka_domain::digest::sha256_hex(text.as_bytes())
    )
}

/// The key of a measurement about to be stored, for the unit with this code.
pub fn new_measurement_key(m: &NewMeasurement, unit: &str) -> String {
    import_key(
        m.plan,
        unit,
        m.measured_on,
        m.part.as_deref(),
        &m.value,
        m.evidence.as_deref(),
    )
}

/// The key a stored measurement would have as an imported row.
pub fn stored_key(m: &StoredMeasurement) -> String {
    import_key(
        m.plan,
        &m.unit_code,
        m.measured_on,
        m.part.as_deref(),
        &m.value,
        m.evidence.as_deref(),
    )
}

/// The keys of a plan's measurements in force: a row with one of these is already recorded.
pub async fn keys_in_force(store: &Store, plan: PlanId) -> Result<HashSet<String>> {
    Ok(store
        .current_measurements(plan)
        .await?
        .iter()
        .map(stored_key)
        .collect())
}
