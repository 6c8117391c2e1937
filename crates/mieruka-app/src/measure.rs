//! Measurement entry: a person's or a file's input, validated by the domain against the plan,
//! turned into a record for the store; one entry, a correction, and a batch import of JSON rows
//! that is all-or-nothing unless told to skip bad rows, and idempotent: each row gets an import
//! key, so sending the same rows again adds nothing. Also a value as a person reads it, and the
//! public JSON of a stored measurement.
//!
//! The key is the one `mieruka measure import` gives a file's row (`crate::import_key`), so a
//! row imported from a file and the same row sent as JSON are recognised as one.

use std::collections::{BTreeSet, HashMap, HashSet};

use mieruka_domain::plan::{FieldError, MeasuredValue, MeasurementInput, MeasurementSource};
use mieruka_domain::{Date, Timestamp};
use mieruka_store::measurements::{NewMeasurement, StoredMeasurement};
use mieruka_store::plans::PlanContext;
use mieruka_store::{MeasurementId, Store, UnitId};

use crate::import_key::{keys_in_force, new_measurement_key};
use crate::{AppError, Result, RowProblem};

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
    use mieruka_domain::figures::{entered as trim_number, percentage as format_percent};
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

/// A measurement, as `mieruka measure list --json` prints it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Measurement")]
#[schemars(example = MeasurementView::example())]
pub struct MeasurementView {
    /// The measurement's number.
    pub id: i64,
    /// The plan's number.
    pub plan: i64,
    /// The unit's code.
    pub unit: String,
    /// The day the value is as of.
    pub date: Date,
    /// The part of a compound KPI; null for a single target.
    pub part: Option<String>,
    /// The value as measured, shaped by the KPI's formula.
    pub value: MeasuredValue,
    /// The value as the KPI reads it (a percentage, a count, mean hours, a score).
    pub reading: f64,
    pub source: MeasurementSource,
    /// Where the value comes from (a file, a ticket, a link).
    pub evidence: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (RFC 3339).
    pub recorded_at: String,
    /// The measurement this one corrects.
    pub supersedes: Option<i64>,
    /// The correction that replaced this one.
    pub superseded_by: Option<i64>,
}

impl From<&StoredMeasurement> for MeasurementView {
    fn from(m: &StoredMeasurement) -> MeasurementView {
        MeasurementView {
            id: m.id.0,
            plan: m.plan.0,
            unit: m.unit_code.clone(),
            date: m.measured_on,
            part: m.part.clone(),
            value: m.value,
            reading: m.value.reading(),
            source: m.source,
            evidence: m.evidence.clone(),
            recorded_by: m.recorded_by.clone(),
            recorded_at: m.recorded_at.clone(),
            supersedes: m.supersedes.map(|s| s.0),
            superseded_by: m.superseded_by.map(|s| s.0),
        }
    }
}

impl MeasurementView {
    fn example() -> MeasurementView {
        MeasurementView {
            id: 12,
            plan: 1,
            unit: "security".into(),
            date: Date::new(2026, 11, 30).expect("a date"),
            part: None,
            value: MeasuredValue::Ratio {
                numerator: 36.0,
                denominator: 50.0,
            },
            reading: 72.0,
            source: MeasurementSource::Api,
            evidence: Some("drill-2026-11.csv".into()),
            recorded_by: "owner".into(),
            recorded_at: "2026-12-01T09:00:00Z".into(),
            supersedes: None,
            superseded_by: None,
        }
    }
}

/// The most rows one import request may hold.
pub const MAX_ROWS: usize = 10_000;

/// A correction: the new value for a measurement, for the same plan and unit. `date` and `part`
/// default to the corrected measurement's.
#[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// `YYYY-MM-DD`; default: the corrected measurement's.
    pub date: Option<String>,
    pub part: Option<String>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub value: Option<f64>,
    pub mean_hours: Option<f64>,
    pub events: Option<f64>,
    pub effort_hours: Option<f64>,
    pub evidence: Option<String>,
}

impl Correction {
    /// The values of an input given whole (its unit is the corrected measurement's).
    pub fn from_input(i: MeasurementInput) -> Correction {
        Correction {
            date: Some(i.date),
            part: i.part,
            numerator: i.numerator,
            denominator: i.denominator,
            actual: i.actual,
            plan: i.plan,
            value: i.value,
            mean_hours: i.mean_hours,
            events: i.events,
            effort_hours: i.effort_hours,
            evidence: i.evidence,
        }
    }
}

/// The measurement with this id, with the plan it belongs to.
pub async fn find(store: &Store, id: MeasurementId) -> Result<StoredMeasurement> {
    store
        .measurement(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("measurement {id} was not found")))
}

/// How a measurement came in through the server: an API token, or a person in the web pages.
pub fn source(api_token: bool) -> MeasurementSource {
    if api_token {
        MeasurementSource::Api
    } else {
        MeasurementSource::Manual
    }
}

/// Records one measurement, by `recorded_by`; returns it as stored.
pub async fn add(
    store: &Store,
    ctx: &PlanContext,
    input: &MeasurementInput,
    source: MeasurementSource,
    recorded_by: &str,
    now: Timestamp,
) -> Result<StoredMeasurement> {
    let m = to_new_measurement(ctx, input, source, recorded_by, None)?;
    Ok(store.record_measurement(&m, now).await?)
}

/// Records `c` as the correction of `old`, by `recorded_by`; returns the new measurement.
pub async fn correct(
    store: &Store,
    ctx: &PlanContext,
    old: &StoredMeasurement,
    c: Correction,
    source: MeasurementSource,
    recorded_by: &str,
    now: Timestamp,
) -> Result<StoredMeasurement> {
    let input = MeasurementInput {
        unit: old.unit_code.clone(),
        date: c.date.unwrap_or_else(|| old.measured_on.to_string()),
        part: c.part.or_else(|| old.part.clone()),
        numerator: c.numerator,
        denominator: c.denominator,
        actual: c.actual,
        plan: c.plan,
        value: c.value,
        mean_hours: c.mean_hours,
        events: c.events,
        effort_hours: c.effort_hours,
        evidence: c.evidence,
    };
    let m = to_new_measurement(ctx, &input, source, recorded_by, None)?;
    let id = store.correct_measurement(old.id, &m, now).await?;
    read_back(store, id).await
}

async fn read_back(store: &Store, id: MeasurementId) -> Result<StoredMeasurement> {
    store
        .measurement(id)
        .await?
        .ok_or_else(|| AppError::Internal("a new measurement could not be read back".into()))
}

/// The rows of an import, checked.
#[derive(Debug, Default)]
pub struct Checked {
    pub rows: usize,
    /// Rows that passed, with whether the same measurement is already in force.
    pub good: Vec<(NewMeasurement, bool)>,
    pub problems: Vec<RowProblem>,
    /// Every unit the rows name that the organisation has (for the caller's rights).
    pub units: BTreeSet<UnitId>,
}

impl Checked {
    /// How many distinct rows have problems.
    pub fn invalid_rows(&self) -> usize {
        self.problems
            .iter()
            .map(|p| p.row)
            .collect::<HashSet<_>>()
            .len()
    }
}

/// Checks every row against the plan (rows are numbered from 1), writing nothing.
pub async fn check(
    store: &Store,
    ctx: &PlanContext,
    rows: &[MeasurementInput],
    source: MeasurementSource,
) -> Result<Checked> {
    if rows.is_empty() {
        return Err(AppError::Refused(
            "the body holds no rows: send a JSON array of measurements".into(),
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(AppError::Refused(format!(
            "at most {MAX_ROWS} rows per request, got {}",
            rows.len()
        )));
    }
    let in_force = keys_in_force(store, ctx.plan.id).await?;
    let mut out = Checked {
        rows: rows.len(),
        ..Checked::default()
    };
    let mut keys: HashMap<String, usize> = HashMap::new();
    for (i, input) in rows.iter().enumerate() {
        let row = i + 1;
        if let Some(u) = ctx.unit(input.unit.trim()) {
            out.units.insert(u.id);
        }
        let mut m = match to_new_measurement(ctx, input, source, store.actor(), None) {
            Ok(m) => m,
            Err(e) => {
                out.problems.push(RowProblem {
                    row,
                    field: Some(e.field),
                    reason: e.reason,
                });
                continue;
            }
        };
        let key = new_measurement_key(&m, input.unit.trim());
        if let Some(first) = keys.get(&key) {
            out.problems.push(RowProblem {
                row,
                field: None,
                reason: format!("same as row {first}"),
            });
            continue;
        }
        keys.insert(key.clone(), row);
        let recorded = in_force.contains(&key);
        m.import_key = Some(key);
        out.good.push((m, recorded));
    }
    Ok(out)
}

/// What an import did (or, on a dry run, would do).
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[schemars(example = ImportReport {
    rows: 2, added: 1, would_add: 1, already_recorded: 1, invalid: Vec::new(), dry_run: false,
})]
pub struct ImportReport {
    pub rows: usize,
    pub added: usize,
    pub would_add: usize,
    /// Rows skipped because the same measurement is recorded.
    pub already_recorded: usize,
    pub invalid: Vec<RowProblem>,
    pub dry_run: bool,
}

/// Finishes an import whose rows are checked and whose caller may enter them: refuses it when a
/// row is bad (unless `skip_invalid`), otherwise writes the good rows not recorded yet, in one
/// transaction (nothing on a dry run).
pub async fn apply(
    store: &Store,
    checked: Checked,
    skip_invalid: bool,
    dry_run: bool,
    now: Timestamp,
) -> Result<ImportReport> {
    let invalid = checked.invalid_rows();
    if invalid > 0 && !skip_invalid && !dry_run {
        return Err(AppError::InvalidRows {
            message: format!(
                "{invalid} of {} rows are invalid; nothing was imported (skip_invalid=true imports the {} good rows)",
                checked.rows,
                checked.rows - invalid
            ),
            problems: checked.problems,
        });
    }
    let batch: Vec<NewMeasurement> = checked
        .good
        .iter()
        .filter(|(_, recorded)| !recorded)
        .map(|(m, _)| m.clone())
        .collect();
    let in_force = checked.good.len() - batch.len();
    let (added, would_add, already) = if dry_run {
        (0, batch.len(), in_force)
    } else {
        let report = store.add_measurements(&batch, now).await?;
        (report.added, 0, report.already_recorded + in_force)
    };
    Ok(ImportReport {
        rows: checked.rows,
        added,
        would_add,
        already_recorded: already,
        invalid: checked.problems,
        dry_run,
    })
}

#[cfg(test)]
mod tests {
    use crate::import_key::import_key;
    use crate::secret::sha256_hex;
    use mieruka_domain::Date;
    use mieruka_domain::plan::MeasuredValue;
    use mieruka_store::PlanId;

    #[test]
    fn the_key_ignores_float_noise_but_not_the_value() {
        let d = Date::parse("2026-11-01").unwrap();
        let key = |plan: i64, v: f64| {
            import_key(
                PlanId(plan),
                "hq",
                d,
                None,
                &MeasuredValue::Count { value: v },
                Some("議事録"),
            )
        };
        assert_eq!(key(1, 10.0), key(1, 10.000_000_000_000_002));
        assert_ne!(key(1, 10.0), key(1, 10.5));
        assert_ne!(key(1, 10.0), key(2, 10.0));
        assert!(key(1, 1.0).starts_with("row:") && key(1, 1.0).len() == 4 + 64);
        // The same text the file importer hashes, so a file row and a JSON row agree.
        assert_eq!(
            key(1, 10.0),
            format!("row:{}", sha256_hex("1|hq|2026-11-01||count:10|議事録"))
        );
    }
}
