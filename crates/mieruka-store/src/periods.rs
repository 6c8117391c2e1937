//! Periods an organisation plans for.

use mieruka_domain::Date;
use mieruka_domain::period::Period;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::{OrgId, PeriodId};
use crate::orgs::org_slug;
use crate::{Result, Store, StoreError};

/// A period as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPeriod {
    pub id: PeriodId,
    pub code: String,
    pub kind: String,
    pub start: Date,
    pub end: Date,
}

fn period_from_row(row: &AnyRow) -> Result<StoredPeriod> {
    let code: String = row.try_get("code")?;
    let date = |col: &str| -> Result<Date> {
        let s: String = row.try_get(col)?;
        Date::parse(&s).map_err(|reason| StoreError::Corrupt {
            what: format!("period {code}"),
            reason,
        })
    };
    Ok(StoredPeriod {
        id: PeriodId(row.try_get("id")?),
        start: date("start_date")?,
        end: date("end_date")?,
        kind: row.try_get("kind")?,
        code,
    })
}

fn kind_code(p: &Period) -> &'static str {
    use mieruka_domain::period::PeriodKind::*;
    match p.kind {
        FiscalYear => "fiscal_year",
        Half(_) => "half",
        Quarter(_) => "quarter",
        Custom => "custom",
    }
}

impl Store {
    /// Returns the stored period with this id, creating it when new. A period stored with other
    /// dates (say, before the fiscal-year start month changed) is a conflict, never overwritten.
    pub async fn ensure_period(&self, org: OrgId, period: &Period) -> Result<PeriodId> {
        let mut tx = self.begin_write().await?;
        let stored = sqlx::query("SELECT * FROM periods WHERE org_id = $1 AND code = $2")
            .bind(org.0)
            .bind(&period.id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(p) = stored.as_ref().map(period_from_row).transpose()? {
            if p.start != period.start || p.end != period.end {
                return Err(StoreError::invalid(
                    "period",
                    format!(
                        "{} is already stored as {} … {}, not {} … {}",
                        period.id, p.start, p.end, period.start, period.end
                    ),
                ));
            }
            return Ok(p.id);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO periods (org_id, code, kind, start_date, end_date) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id",
        )
        .bind(org.0)
        .bind(&period.id)
        .bind(kind_code(period))
        .bind(period.start.to_string())
        .bind(period.end.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "period", &period.id))?;
        let key = format!("{}/{}", org_slug(&mut tx, org).await?, period.id);
        let after = serde_json::json!({
            "code": period.id,
            "kind": kind_code(period),
            "start": period.start.to_string(),
            "end": period.end.to_string(),
        });
        self.commit_audited(tx, &[Change::create("period", key, Some(org), &after)])
            .await?;
        Ok(PeriodId(id))
    }

    pub async fn period(&self, org: OrgId, code: &str) -> Result<Option<StoredPeriod>> {
        let row = sqlx::query("SELECT * FROM periods WHERE org_id = $1 AND code = $2")
            .bind(org.0)
            .bind(code)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(period_from_row).transpose()
    }

    /// An organisation's periods, earliest first.
    pub async fn periods(&self, org: OrgId) -> Result<Vec<StoredPeriod>> {
        let rows = sqlx::query(
            "SELECT * FROM periods WHERE org_id = $1 ORDER BY start_date, end_date DESC, code",
        )
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(period_from_row).collect()
    }
}

impl StoredPeriod {
    /// The domain's period: fiscal ids are re-derived (and so checked) from the start month.
    pub fn to_period(&self, fiscal_start_month: u8) -> Result<Period> {
        let corrupt = |reason: String| StoreError::Corrupt {
            what: format!("period {}", self.code),
            reason,
        };
        let p = if self.code.starts_with("FY") {
            Period::parse(&self.code, fiscal_start_month).map_err(corrupt)?
        } else {
            Period::custom(&self.code, self.start, self.end).map_err(corrupt)?
        };
        if p.start != self.start || p.end != self.end {
            return Err(corrupt(format!(
                "stored as {} … {}, expected {} … {}",
                self.start, self.end, p.start, p.end
            )));
        }
        Ok(p)
    }
}
