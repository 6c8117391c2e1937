//! The business-risk register (Fig. 8) in the database: one row per risk and organisation,
//! addressed by its code, replaced in place when set again.
//!
//! A risk judged in yen keeps only the amount; its level is worked out from the organisation's
//! money bands when read, so changing the bands moves it. The cyber risk keeps neither: its
//! impact is the loss model's.

use mieruka_domain::Timestamp;
use mieruka_domain::risk::{RawRisk, Risk};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::ids::OrgId;
use crate::{Result, Store, StoreError};

/// A risk as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRisk {
    pub id: i64,
    pub org_id: OrgId,
    pub risk: Risk,
    pub created_at: String,
    pub updated_at: String,
}

fn risk_from_row(row: &AnyRow) -> Result<StoredRisk> {
    let code: String = row.try_get("code")?;
    let cyber: i64 = row.try_get("is_cyber")?;
    let raw = RawRisk {
        code: code.clone(),
        name: row.try_get("name")?,
        category: row.try_get("category")?,
        probability: row.try_get("probability")?,
        impact: row.try_get("impact_level")?,
        impact_yen: row.try_get("impact_yen")?,
        cyber: cyber != 0,
        owner: row.try_get("owner")?,
        note: row.try_get("note")?,
    };
    // Rows are re-validated like every other stored value: a bad one is reported, never used.
    let risk = raw.validate().map_err(|e| StoreError::Corrupt {
        what: format!("business risk {code}"),
        reason: e.to_string(),
    })?;
    Ok(StoredRisk {
        id: row.try_get("id")?,
        org_id: OrgId(row.try_get("org_id")?),
        risk,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Adds a risk, or replaces the organisation's risk with the same code (keeping its id and
    /// when it was first recorded). Returns the risk's id.
    pub async fn upsert_risk(&self, org: OrgId, risk: &Risk, now: Timestamp) -> Result<i64> {
        let raw = risk.to_raw();
        // Only integers and text are bound here, so the Any driver types NULLs the same way on
        // both backends (a NULL float is what it mis-types on PostgreSQL).
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO business_risks (org_id, code, name, category, probability, impact_level, \
             impact_yen, is_cyber, owner, note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
             ON CONFLICT (org_id, code) DO UPDATE SET name = excluded.name, \
             category = excluded.category, probability = excluded.probability, \
             impact_level = excluded.impact_level, impact_yen = excluded.impact_yen, \
             is_cyber = excluded.is_cyber, owner = excluded.owner, note = excluded.note, \
             updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(org.0)
        .bind(risk.code.as_str())
        .bind(&risk.name)
        .bind(&risk.category)
        .bind(raw.probability)
        .bind(raw.impact)
        .bind(raw.impact_yen)
        .bind(i64::from(raw.cyber))
        .bind(raw.owner.as_deref())
        .bind(raw.note.as_deref())
        .bind(now.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    /// The organisation's risks in the order they were first recorded (the order they are
    /// numbered in on the matrix).
    pub async fn risks(&self, org: OrgId) -> Result<Vec<StoredRisk>> {
        let rows = sqlx::query("SELECT * FROM business_risks WHERE org_id = $1 ORDER BY id")
            .bind(org.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(risk_from_row).collect()
    }

    /// Removes the organisation's risk with this code, or `NotFound`.
    pub async fn remove_risk(&self, org: OrgId, code: &str) -> Result<()> {
        let done = sqlx::query("DELETE FROM business_risks WHERE org_id = $1 AND code = $2")
            .bind(org.0)
            .bind(code)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "business risk",
                key: code.to_string(),
            });
        }
        Ok(())
    }
}
