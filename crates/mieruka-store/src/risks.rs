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

use crate::audit::Change;
use crate::ids::OrgId;
use crate::orgs::org_slug;
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

fn raw_from_row(row: &AnyRow) -> Result<RawRisk> {
    let cyber: i64 = row.try_get("is_cyber")?;
    Ok(RawRisk {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        category: row.try_get("category")?,
        probability: row.try_get("probability")?,
        impact: row.try_get("impact_level")?,
        impact_yen: row.try_get("impact_yen")?,
        cyber: cyber != 0,
        owner: row.try_get("owner")?,
        note: row.try_get("note")?,
    })
}

/// A risk as the audit log records it: its fields as typed (the domain type has no JSON form).
fn audit_record(raw: &RawRisk) -> serde_json::Value {
    serde_json::json!({
        "code": raw.code,
        "name": raw.name,
        "category": raw.category,
        "probability": raw.probability,
        "impact": raw.impact,
        "impact_yen": raw.impact_yen,
        "cyber": raw.cyber,
        "owner": raw.owner,
        "note": raw.note,
    })
}

fn risk_from_row(row: &AnyRow) -> Result<StoredRisk> {
    let raw = raw_from_row(row)?;
    let code = raw.code.clone();
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
        let mut tx = self.begin_write().await?;
        let key = format!("{}/{}", org_slug(&mut tx, org).await?, risk.code.as_str());
        let before = self.risk_row(&mut tx, org, risk.code.as_str()).await?;
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
        .fetch_one(&mut *tx)
        .await?;
        let after = audit_record(&raw);
        let change = match before {
            None => Some(Change::create("risk", key, Some(org), &after)),
            Some(before) => {
                Change::update_if_changed("risk", key, Some(org), &audit_record(&before), &after)
            }
        };
        self.commit_audited(tx, change.as_slice()).await?;
        Ok(id)
    }

    /// The risk's row as stored, locked until the change commits.
    async fn risk_row(
        &self,
        tx: &mut crate::audit::WriteTx,
        org: OrgId,
        code: &str,
    ) -> Result<Option<RawRisk>> {
        let sql = format!(
            "SELECT * FROM business_risks WHERE org_id = $1 AND code = $2{}",
            self.for_update()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
        row.as_ref().map(raw_from_row).transpose()
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
        let mut tx = self.begin_write().await?;
        let Some(before) = self.risk_row(&mut tx, org, code).await? else {
            return Err(StoreError::NotFound {
                what: "business risk",
                key: code.to_string(),
            });
        };
        sqlx::query("DELETE FROM business_risks WHERE org_id = $1 AND code = $2")
            .bind(org.0)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        let key = format!("{}/{code}", org_slug(&mut tx, org).await?);
        let change = Change::delete("risk", key, Some(org), &audit_record(&before));
        self.commit_audited(tx, &[change]).await
    }
}
