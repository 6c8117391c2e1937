//! Measurements (実績): append-only. A correction is a new row that supersedes the old one,
//! so the history of what was reported, by whom and when, is never rewritten.

use mieruka_domain::plan::{MeasuredValue, MeasurementSource, Observation};
use mieruka_domain::{Date, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::{MeasurementId, OrgId, PlanId, UnitId};
use crate::{Result, Store, StoreError};

/// A measurement to record, already validated against its KPI and plan by the domain.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    pub plan: PlanId,
    pub unit: UnitId,
    pub measured_on: Date,
    /// A compound KPI's part.
    pub part: Option<String>,
    pub value: MeasuredValue,
    pub source: MeasurementSource,
    /// A note or a link to the evidence.
    pub evidence: Option<String>,
    pub recorded_by: String,
    /// A stable key of the row it came from (say, a hash of an imported row); a key is recorded
    /// once, so importing the same data again adds nothing.
    pub import_key: Option<String>,
}

/// A measurement as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeasurement {
    pub id: MeasurementId,
    pub plan: PlanId,
    pub unit: UnitId,
    pub unit_code: String,
    pub measured_on: Date,
    pub part: Option<String>,
    pub value: MeasuredValue,
    pub source: MeasurementSource,
    pub evidence: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub supersedes: Option<MeasurementId>,
    /// Set when a later correction replaced this one.
    pub superseded_by: Option<MeasurementId>,
}

impl StoredMeasurement {
    /// The measurement as evaluation reads it.
    pub fn observation(&self) -> Observation {
        Observation {
            unit: self.unit_code.clone(),
            date: self.measured_on,
            part: self.part.clone(),
            value: self.value,
        }
    }
}

/// What a batch of measurements did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchReport {
    pub added: usize,
    /// Rows whose import key was already recorded.
    pub already_recorded: usize,
}

/// The columns a value is stored in: kind, numerator, denominator, value, effort hours.
type Columns = (
    &'static str,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

fn columns(v: &MeasuredValue) -> Columns {
    match *v {
        MeasuredValue::Ratio {
            numerator,
            denominator,
        } => ("ratio", Some(numerator), Some(denominator), None, None),
        MeasuredValue::Count { value } => ("count", None, None, Some(value), None),
        MeasuredValue::Score { value } => ("score", None, None, Some(value), None),
        MeasuredValue::Duration {
            total_hours,
            events,
            effort_hours,
        } => (
            "duration",
            Some(total_hours),
            Some(events),
            Some(total_hours / events),
            effort_hours,
        ),
    }
}

fn value_from_row(row: &AnyRow) -> Result<MeasuredValue, String> {
    let kind: String = row.try_get("value_kind").map_err(|e| e.to_string())?;
    let get =
        |c: &str| -> Result<Option<f64>, String> { row.try_get(c).map_err(|e| e.to_string()) };
    let need = |c: &str| get(c)?.ok_or_else(|| format!("{c} is missing for a {kind} value"));
    Ok(match kind.as_str() {
        "ratio" => MeasuredValue::Ratio {
            numerator: need("numerator")?,
            denominator: need("denominator")?,
        },
        "count" => MeasuredValue::Count {
            value: need("value")?,
        },
        "score" => MeasuredValue::Score {
            value: need("value")?,
        },
        "duration" => MeasuredValue::Duration {
            total_hours: need("numerator")?,
            events: need("denominator")?,
            effort_hours: get("effort_hours")?,
        },
        other => return Err(format!("unknown value kind `{other}`")),
    })
}

impl NewMeasurement {
    /// Storage-level invariants; the KPI-specific rules are the domain's
    /// (`MeasuredValue::validate`, `check_scope`).
    fn check(&self) -> Result<()> {
        let (_, a, b, c, d) = columns(&self.value);
        for (name, v) in [
            ("numerator", a),
            ("denominator", b),
            ("value", c),
            ("effort_hours", d),
        ] {
            if let Some(v) = v
                && (!v.is_finite() || v < 0.0)
            {
                return Err(StoreError::invalid(
                    name,
                    format!("{v} is not a non-negative number"),
                ));
            }
        }
        if b == Some(0.0) {
            return Err(StoreError::invalid("denominator", "must be greater than 0"));
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

const SELECT: &str = "SELECT m.*, u.code AS unit_code, s.id AS superseded_by FROM measurements m \
     JOIN units u ON u.id = m.unit_id LEFT JOIN measurements s ON s.supersedes = m.id";

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
        unit_code: row.try_get("unit_code")?,
        measured_on: Date::parse(&on).map_err(corrupt)?,
        part: row.try_get("part")?,
        value: value_from_row(row).map_err(corrupt)?,
        source: source.parse().map_err(corrupt)?,
        evidence: row.try_get("evidence")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: row.try_get("recorded_at")?,
        supersedes: supersedes.map(MeasurementId),
        superseded_by: superseded_by.map(MeasurementId),
    })
}

/// Whether a unique violation concerns the named column (the drivers name it in the message).
fn is_unique_on(e: &sqlx::Error, column: &str) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains(column))
}

/// A measurement as the audit log records it.
fn audit_record(
    m: &NewMeasurement,
    unit_code: &str,
    supersedes: Option<MeasurementId>,
) -> serde_json::Value {
    serde_json::json!({
        "plan": m.plan,
        "unit": unit_code,
        "date": m.measured_on.to_string(),
        "part": m.part,
        "value": m.value,
        "source": m.source.code(),
        "evidence": m.evidence,
        "recorded_by": m.recorded_by.trim(),
        "import_key": m.import_key,
        "supersedes": supersedes,
    })
}

/// A stored measurement as the audit log records it (the "before" of a correction).
fn stored_record(m: &StoredMeasurement) -> serde_json::Value {
    serde_json::json!({
        "plan": m.plan,
        "unit": m.unit_code,
        "date": m.measured_on.to_string(),
        "part": m.part,
        "value": m.value,
        "source": m.source.code(),
        "evidence": m.evidence,
        "recorded_by": m.recorded_by,
        "recorded_at": m.recorded_at,
        "supersedes": m.supersedes,
    })
}

/// A row written, with what the audit log needs to describe it.
struct Inserted {
    id: MeasurementId,
    org: OrgId,
    unit_code: String,
    record: serde_json::Value,
}

async fn insert(
    tx: &mut crate::audit::WriteTx,
    m: &NewMeasurement,
    supersedes: Option<MeasurementId>,
    now: &str,
) -> Result<Inserted> {
    m.check()?;
    let same_org = sqlx::query(
        "SELECT u.code, p.org_id FROM plans p JOIN units u ON u.org_id = p.org_id WHERE p.id = $1 AND u.id = $2",
    )
    .bind(m.plan.0)
    .bind(m.unit.0)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(same_org) = same_org else {
        return Err(StoreError::invalid(
            "unit",
            format!(
                "unit {} is not a unit of plan {}'s organisation",
                m.unit, m.plan
            ),
        ));
    };
    let unit_code: String = same_org.try_get("code")?;
    let org = OrgId(same_org.try_get("org_id")?);
    let (kind, numerator, denominator, value, effort) = columns(&m.value);
    // sqlx's Any driver binds a missing f64 as a PostgreSQL float4; the statement cached for that
    // text then rejects a real f64. Writing NULL into the text instead keeps each variant typed.
    let numbers = [numerator, denominator, value, effort];
    let mut next = 5;
    let slots: Vec<String> = numbers
        .iter()
        .map(|v| match v {
            Some(_) => {
                next += 1;
                format!("${next}")
            }
            None => "NULL".to_string(),
        })
        .collect();
    let sql = format!(
        "INSERT INTO measurements (plan_id, unit_id, measured_on, part, value_kind, numerator, denominator, \
         value, effort_hours, source, evidence, recorded_by, recorded_at, supersedes, import_key) \
         VALUES ($1, $2, $3, $4, $5, {}, ${}, ${}, ${}, ${}, ${}, ${}) RETURNING id",
        slots.join(", "),
        next + 1,
        next + 2,
        next + 3,
        next + 4,
        next + 5,
        next + 6,
    );
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(m.plan.0)
        .bind(m.unit.0)
        .bind(m.measured_on.to_string())
        .bind(m.part.as_deref())
        .bind(kind);
    for v in numbers.into_iter().flatten() {
        query = query.bind(v);
    }
    let id: i64 = query
        .bind(m.source.code())
        .bind(m.evidence.as_deref())
        .bind(m.recorded_by.trim())
        .bind(now)
        .bind(supersedes.map(|s| s.0))
        .bind(m.import_key.as_deref())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| match (&supersedes, &m.import_key) {
            (Some(old), _) if is_unique_on(&e, "supersedes") => StoreError::Conflict {
                what: "correction of measurement",
                key: old.to_string(),
            },
            (_, Some(k)) => StoreError::conflict_on_unique(e, "measurement with import key", k),
            (Some(old), None) => {
                StoreError::conflict_on_unique(e, "correction of measurement", &old.to_string())
            }
            (None, None) => StoreError::Database(e),
        })?;
    Ok(Inserted {
        id: MeasurementId(id),
        org,
        record: audit_record(m, &unit_code, supersedes),
        unit_code,
    })
}

impl Inserted {
    fn created(&self) -> Change {
        Change::create(
            "measurement",
            format!("measurement {}", self.id),
            Some(self.org),
            &self.record,
        )
    }
}

impl Store {
    /// Records a measurement. The unit must belong to the plan's organisation.
    pub async fn add_measurement(
        &self,
        m: &NewMeasurement,
        now: Timestamp,
    ) -> Result<MeasurementId> {
        Ok(self.record_measurement(m, now).await?.id)
    }

    /// Records a measurement and returns it as stored (what [`Store::measurement`] would read
    /// back, without reading it back).
    pub async fn record_measurement(
        &self,
        m: &NewMeasurement,
        now: Timestamp,
    ) -> Result<StoredMeasurement> {
        let at = now.to_string();
        let mut tx = self.begin_write().await?;
        let added = insert(&mut tx, m, None, &at).await?;
        self.commit_audited(tx, &[added.created()]).await?;
        Ok(StoredMeasurement {
            id: added.id,
            plan: m.plan,
            unit: m.unit,
            unit_code: added.unit_code,
            measured_on: m.measured_on,
            part: m.part.clone(),
            value: m.value,
            source: m.source,
            evidence: m.evidence.clone(),
            recorded_by: m.recorded_by.trim().to_string(),
            recorded_at: at,
            supersedes: None,
            superseded_by: None,
        })
    }

    /// Records a batch in one transaction: all rows or none. Rows whose import key is already
    /// recorded are skipped and counted, so a file imported twice adds nothing the second time.
    pub async fn add_measurements(
        &self,
        batch: &[NewMeasurement],
        now: Timestamp,
    ) -> Result<BatchReport> {
        let now = now.to_string();
        let mut report = BatchReport::default();
        let mut changes = Vec::new();
        let mut tx = self.begin_write().await?;
        for m in batch {
            if let Some(key) = &m.import_key {
                let seen: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM measurements WHERE import_key = $1")
                        .bind(key)
                        .fetch_one(&mut *tx)
                        .await?;
                if seen > 0 {
                    report.already_recorded += 1;
                    continue;
                }
            }
            changes.push(insert(&mut tx, m, None, &now).await?.created());
            report.added += 1;
        }
        self.commit_audited(tx, &changes).await?;
        Ok(report)
    }

    /// Records `m` as the correction of `old`, which stays in the history. A measurement is
    /// corrected once; correct the correction to change it again.
    pub async fn correct_measurement(
        &self,
        old: MeasurementId,
        m: &NewMeasurement,
        now: Timestamp,
    ) -> Result<MeasurementId> {
        let mut tx = self.begin_write().await?;
        let sql = format!("{SELECT} WHERE m.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(old.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "measurement",
                key: old.to_string(),
            })?;
        let before = from_row(&row)?;
        if before.plan != m.plan || before.unit != m.unit {
            return Err(StoreError::invalid(
                "supersedes",
                "a correction must be for the same plan and unit as the measurement it replaces",
            ));
        }
        let added = insert(&mut tx, m, Some(old), &now.to_string()).await?;
        let change = Change::update(
            "measurement",
            format!("measurement {}", added.id),
            Some(added.org),
            &stored_record(&before),
            &added.record,
        );
        self.commit_audited(tx, &[change]).await?;
        Ok(added.id)
    }

    /// One measurement by its number, superseded or not.
    pub async fn measurement(&self, id: MeasurementId) -> Result<Option<StoredMeasurement>> {
        let sql = format!("{SELECT} WHERE m.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
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

impl Store {
    /// The plan a measurement belongs to, if it exists.
    pub async fn measurement_plan(&self, id: MeasurementId) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT plan_id FROM measurements WHERE id = $1")
                .bind(id.0)
                .fetch_optional(self.pool())
                .await?,
        )
    }
}
