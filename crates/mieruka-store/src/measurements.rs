//! Measurements (実績): append-only. A correction is a new row that supersedes the old one,
//! so the history of what was reported, by whom and when, is never rewritten.

use mieruka_domain::plan::MeasurementSource;
use mieruka_domain::{Date, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::ids::{MeasurementId, PlanId, UnitId};
use crate::{Result, Store, StoreError};

/// A measurement to record. Which value fields are set depends on the KPI's formula kind:
/// `numerator`/`denominator` for ratios, `value` for a count, score, mean time or progress,
/// `effort_hours` for mean effort; `part` names a compound KPI's part.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    pub plan: PlanId,
    pub unit: UnitId,
    pub measured_on: Date,
    pub part: Option<String>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub effort_hours: Option<f64>,
    pub source: MeasurementSource,
    pub evidence: Option<String>,
    pub recorded_by: String,
    /// A stable key of the row it came from (file hash and row, say); recording the same key
    /// twice is a conflict, so a re-import adds nothing.
    pub import_key: Option<String>,
}

/// A measurement as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeasurement {
    pub id: MeasurementId,
    pub plan: PlanId,
    pub unit: UnitId,
    pub measured_on: Date,
    pub part: Option<String>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub effort_hours: Option<f64>,
    pub source: MeasurementSource,
    pub evidence: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub supersedes: Option<MeasurementId>,
    /// Set when a later correction replaced this one.
    pub superseded_by: Option<MeasurementId>,
}

impl NewMeasurement {
    /// The storage-level invariants: numbers are finite and not negative, a denominator is
    /// positive, and at least one value is given. The KPI-specific rules belong to the domain.
    fn check(&self) -> Result<()> {
        let fields = [
            ("numerator", self.numerator),
            ("denominator", self.denominator),
            ("value", self.value),
            ("effort_hours", self.effort_hours),
        ];
        for (name, v) in fields {
            if let Some(v) = v
                && (!v.is_finite() || v < 0.0)
            {
                return Err(StoreError::invalid(
                    name,
                    format!("{v} is not a non-negative number"),
                ));
            }
        }
        if self.denominator == Some(0.0) {
            return Err(StoreError::invalid("denominator", "must be greater than 0"));
        }
        if self.numerator.is_some() != self.denominator.is_some() {
            return Err(StoreError::invalid(
                "denominator",
                "a ratio needs both numerator and denominator",
            ));
        }
        if fields.iter().all(|(_, v)| v.is_none()) {
            return Err(StoreError::invalid("value", "a measurement needs a value"));
        }
        if self.recorded_by.trim().is_empty() {
            return Err(StoreError::invalid(
                "recorded_by",
                "who recorded it is required",
            ));
        }
        Ok(())
    }
}

const SELECT: &str = "SELECT m.*, s.id AS superseded_by FROM measurements m \
     LEFT JOIN measurements s ON s.supersedes = m.id";

fn from_row(row: &AnyRow) -> Result<StoredMeasurement> {
    let id: i64 = row.try_get("id")?;
    let corrupt = |reason: String| StoreError::Corrupt {
        what: format!("measurement {id}"),
        reason,
    };
    let on: String = row.try_get("measured_on")?;
    let source: String = row.try_get("source")?;
    let supersedes: Option<i64> = row.try_get("supersedes")?;
    let superseded_by: Option<i64> = row.try_get("superseded_by")?;
    Ok(StoredMeasurement {
        id: MeasurementId(id),
        plan: PlanId(row.try_get("plan_id")?),
        unit: UnitId(row.try_get("unit_id")?),
        measured_on: Date::parse(&on).map_err(corrupt)?,
        part: row.try_get("part")?,
        numerator: row.try_get("numerator")?,
        denominator: row.try_get("denominator")?,
        value: row.try_get("value")?,
        effort_hours: row.try_get("effort_hours")?,
        source: source.parse().map_err(corrupt)?,
        evidence: row.try_get("evidence")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: row.try_get("recorded_at")?,
        supersedes: supersedes.map(MeasurementId),
        superseded_by: superseded_by.map(MeasurementId),
    })
}

impl Store {
    /// Records a measurement. The unit must belong to the plan's organisation.
    pub async fn add_measurement(
        &self,
        m: &NewMeasurement,
        now: Timestamp,
    ) -> Result<MeasurementId> {
        self.insert_measurement(m, None, now).await
    }

    /// Records `m` as the correction of `old`, which stays in the history. A measurement is
    /// corrected once; correct the correction to change it again.
    pub async fn correct_measurement(
        &self,
        old: MeasurementId,
        m: &NewMeasurement,
        now: Timestamp,
    ) -> Result<MeasurementId> {
        let row = sqlx::query("SELECT plan_id, unit_id FROM measurements WHERE id = $1")
            .bind(old.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "measurement",
                key: old.to_string(),
            })?;
        let (plan, unit): (i64, i64) = (row.try_get("plan_id")?, row.try_get("unit_id")?);
        if plan != m.plan.0 || unit != m.unit.0 {
            return Err(StoreError::invalid(
                "supersedes",
                "a correction must be for the same plan and unit as the measurement it replaces",
            ));
        }
        self.insert_measurement(m, Some(old), now).await
    }

    async fn insert_measurement(
        &self,
        m: &NewMeasurement,
        supersedes: Option<MeasurementId>,
        now: Timestamp,
    ) -> Result<MeasurementId> {
        m.check()?;
        let same_org: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM plans p JOIN units u ON u.org_id = p.org_id WHERE p.id = $1 AND u.id = $2",
        )
        .bind(m.plan.0)
        .bind(m.unit.0)
        .fetch_one(self.pool())
        .await?;
        if same_org == 0 {
            return Err(StoreError::invalid(
                "unit",
                format!(
                    "unit {} is not a unit of plan {}'s organisation",
                    m.unit, m.plan
                ),
            ));
        }
        let key = m.import_key.clone();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO measurements (plan_id, unit_id, measured_on, part, numerator, denominator, value, \
             effort_hours, source, evidence, recorded_by, recorded_at, supersedes, import_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(m.plan.0)
        .bind(m.unit.0)
        .bind(m.measured_on.to_string())
        .bind(m.part.as_deref())
        .bind(m.numerator)
        .bind(m.denominator)
        .bind(m.value)
        .bind(m.effort_hours)
        .bind(m.source.code())
        .bind(m.evidence.as_deref())
        .bind(m.recorded_by.trim())
        .bind(now.to_string())
        .bind(supersedes.map(|s| s.0))
        .bind(key.as_deref())
        .fetch_one(self.pool())
        .await
        .map_err(|e| match (&supersedes, &key) {
            (Some(old), _) if is_unique(&e, "supersedes") => StoreError::Conflict {
                what: "correction of measurement",
                key: old.to_string(),
            },
            (_, Some(k)) => StoreError::conflict_on_unique(e, "measurement with import key", k),
            (Some(old), None) => StoreError::conflict_on_unique(e, "correction of measurement", &old.to_string()),
            (None, None) => StoreError::Database(e),
        })?;
        Ok(MeasurementId(id))
    }

    /// A plan's measurements in force (not superseded), by unit and date.
    pub async fn current_measurements(&self, plan: PlanId) -> Result<Vec<StoredMeasurement>> {
        let sql = format!(
            "{SELECT} WHERE m.plan_id = $1 AND s.id IS NULL ORDER BY m.unit_id, m.measured_on, m.id"
        );
        self.fetch_measurements(sql, plan).await
    }

    /// Every measurement ever recorded for a plan, superseded ones included, oldest first.
    pub async fn measurement_history(&self, plan: PlanId) -> Result<Vec<StoredMeasurement>> {
        let sql = format!("{SELECT} WHERE m.plan_id = $1 ORDER BY m.id");
        self.fetch_measurements(sql, plan).await
    }

    async fn fetch_measurements(
        &self,
        sql: String,
        plan: PlanId,
    ) -> Result<Vec<StoredMeasurement>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(plan.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }
}

/// Whether a unique violation concerns the named column (the drivers name it in the message).
fn is_unique(e: &sqlx::Error, column: &str) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains(column))
}
