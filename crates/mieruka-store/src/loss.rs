//! The loss model's inputs per organisation, kept as append-only revisions so a past figure
//! can be explained from the inputs it was computed with.

use mieruka_domain::Timestamp;
use mieruka_domain::loss::LossInputs;
use sqlx::Row;

use crate::audit::Change;
use crate::ids::OrgId;
use crate::orgs::org_slug;
use crate::{Result, Store, StoreError};

/// The inputs in force, with when and why they were set.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLossInputs {
    pub revision: i64,
    pub inputs: LossInputs,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

impl Store {
    /// Records new inputs for an organisation; the earlier ones stay in the history.
    pub async fn set_loss_inputs(
        &self,
        org: OrgId,
        inputs: &LossInputs,
        reason: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let content = serde_json::to_string(inputs).expect("loss inputs serialise");
        let mut tx = self.begin_write().await?;
        let key = org_slug(&mut tx, org).await?;
        let previous = sqlx::query(
            "SELECT id, content, reason, created_by FROM loss_input_revisions \
             WHERE org_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(org.0)
        .fetch_optional(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO loss_input_revisions (org_id, content, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(org.0)
        .bind(content)
        .bind(reason)
        .bind(by)
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "revision": id,
            "inputs": inputs,
            "reason": reason,
            "created_by": by,
        });
        let change = match previous {
            None => Change::create("loss_inputs", key, Some(org), &after),
            Some(row) => {
                let content: String = row.try_get("content")?;
                // Recorded as stored: the log describes what was there, valid or not.
                let inputs =
                    serde_json::from_str(&content).unwrap_or(serde_json::Value::String(content));
                let before = serde_json::json!({
                    "revision": row.try_get::<i64, _>("id")?,
                    "inputs": inputs,
                    "reason": row.try_get::<String, _>("reason")?,
                    "created_by": row.try_get::<String, _>("created_by")?,
                });
                Change::update("loss_inputs", key, Some(org), &before, &after)
            }
        };
        self.commit_audited(tx, &[change]).await?;
        Ok(id)
    }

    /// The inputs in force, if any were set.
    pub async fn loss_inputs(&self, org: OrgId) -> Result<Option<StoredLossInputs>> {
        let row = sqlx::query(
            "SELECT id, content, reason, created_by, created_at FROM loss_input_revisions \
             WHERE org_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(org.0)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let content: String = row.try_get("content")?;
        let corrupt = |reason: String| StoreError::Corrupt {
            what: format!("loss inputs of organisation {org}"),
            reason,
        };
        let inputs: LossInputs =
            serde_json::from_str(&content).map_err(|e| corrupt(e.to_string()))?;
        let inputs = inputs.validate().map_err(|e| corrupt(e.to_string()))?;
        Ok(Some(StoredLossInputs {
            revision: row.try_get("id")?,
            inputs,
            reason: row.try_get("reason")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
        }))
    }
}
