//! Measurements from API requests: one entry, a correction, and a batch import of JSON rows
//! that is all-or-nothing unless told to skip bad rows, and idempotent: each row gets an import
//! key, so sending the same rows again adds nothing.
//!
//! The key is the one `mieruka measure import` gives a file's row (`mieruka_app::import_key`),
//! so a row imported from a file and the same row sent as JSON are recognised as one.

use std::collections::{BTreeSet, HashMap, HashSet};

use mieruka_app::import_key::{keys_in_force, new_measurement_key};
use mieruka_app::measure::to_new_measurement;
use mieruka_domain::plan::{MeasurementInput, MeasurementSource};
use mieruka_store::measurements::{NewMeasurement, StoredMeasurement};
use mieruka_store::plans::PlanContext;
use mieruka_store::{MeasurementId, Store, UnitId};
use serde::Deserialize;

use crate::auth::now;
use crate::error::{ApiError, RowProblem};

/// The most rows one import request may hold.
pub const MAX_ROWS: usize = 10_000;

/// A correction: the new value for a measurement, for the same plan and unit. `date` and `part`
/// default to the corrected measurement's.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
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

/// The measurement with this id, with the plan it belongs to.
pub async fn find(store: &Store, id: MeasurementId) -> Result<StoredMeasurement, ApiError> {
    store.measurement(id).await?.ok_or(ApiError::NotFound)
}

/// How a measurement came in: through an API token, or a person in the web interface.
pub fn source(api_token: bool) -> MeasurementSource {
    if api_token {
        MeasurementSource::Api
    } else {
        MeasurementSource::Manual
    }
}

/// Records one measurement; returns it as stored.
pub async fn add(
    store: &Store,
    ctx: &PlanContext,
    input: &MeasurementInput,
    source: MeasurementSource,
) -> Result<StoredMeasurement, ApiError> {
    let m = to_new_measurement(ctx, input, source, store.actor(), None)?;
    Ok(store.record_measurement(&m, now()).await?)
}

/// Records `c` as the correction of `old`; returns the new measurement.
pub async fn correct(
    store: &Store,
    ctx: &PlanContext,
    old: &StoredMeasurement,
    c: Correction,
    source: MeasurementSource,
) -> Result<StoredMeasurement, ApiError> {
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
    let m = to_new_measurement(ctx, &input, source, store.actor(), None)?;
    let id = store.correct_measurement(old.id, &m, now()).await?;
    read_back(store, id).await
}

async fn read_back(store: &Store, id: MeasurementId) -> Result<StoredMeasurement, ApiError> {
    store
        .measurement(id)
        .await?
        .ok_or_else(|| ApiError::Internal("a new measurement could not be read back".into()))
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
) -> Result<Checked, ApiError> {
    if rows.is_empty() {
        return Err(ApiError::Invalid {
            field: None,
            reason: "the body holds no rows: send a JSON array of measurements".into(),
        });
    }
    if rows.len() > MAX_ROWS {
        return Err(ApiError::Invalid {
            field: None,
            reason: format!("at most {MAX_ROWS} rows per request, got {}", rows.len()),
        });
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
) -> Result<ImportReport, ApiError> {
    let invalid = checked.invalid_rows();
    if invalid > 0 && !skip_invalid && !dry_run {
        return Err(ApiError::InvalidRows {
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
        let report = store.add_measurements(&batch, now()).await?;
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
    use crate::auth::sha256_hex;
    use mieruka_app::import_key::import_key;
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
