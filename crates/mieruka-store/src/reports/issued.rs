//! Reports issued to the board: each keeps the snapshot of its view model (JSON), the data
//! version it was made from (the audit log's head) and the snapshot's SHA-256. Issued reports are
//! only ever added; reading one checks its hash, so a snapshot changed in the database is
//! reported as corrupt instead of being rendered as if it were the report the board received.

use mieruka_domain::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::OrgId;
use crate::orgs::org_slug;
use crate::{Result, Store, StoreError};

/// An issued report without its snapshot (for lists).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuedReport {
    pub id: i64,
    pub period: String,
    pub lang: String,
    pub data_version: i64,
    pub sha256: String,
    pub issued_by: String,
    pub issued_at: String,
}

/// The hex SHA-256 of a snapshot.
pub fn snapshot_hash(snapshot: &str) -> String {
    mieruka_domain::digest::sha256_hex(snapshot.as_bytes())
}

fn from_row(r: &AnyRow) -> Result<IssuedReport> {
    Ok(IssuedReport {
        id: r.try_get("id")?,
        period: r.try_get("period")?,
        lang: r.try_get("lang")?,
        data_version: r.try_get("data_version")?,
        sha256: r.try_get("sha256")?,
        issued_by: r.try_get("issued_by")?,
        issued_at: r.try_get("issued_at")?,
    })
}

const COLUMNS: &str = "id, period, lang, data_version, sha256, issued_by, issued_at";

impl Store {
    /// Records a report as issued, with its snapshot. Returns what was recorded.
    pub async fn issue_report(
        &self,
        org: OrgId,
        period: &str,
        lang: &str,
        data_version: i64,
        snapshot: &str,
        now: Timestamp,
    ) -> Result<IssuedReport> {
        if !matches!(lang, "ja" | "en") {
            return Err(StoreError::invalid(
                "lang",
                format!("`{lang}` is not ja or en"),
            ));
        }
        let sha256 = snapshot_hash(snapshot);
        let mut tx = self.begin_write().await?;
        let slug = org_slug(&mut tx, org).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO issued_reports (org_id, period, lang, data_version, sha256, snapshot, \
             issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(org.0)
        .bind(period)
        .bind(lang)
        .bind(data_version)
        .bind(&sha256)
        .bind(snapshot)
        .bind(self.actor())
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let issued = IssuedReport {
            id,
            period: period.to_string(),
            lang: lang.to_string(),
            data_version,
            sha256,
            issued_by: self.actor().to_string(),
            issued_at: now.to_string(),
        };
        let change = Change::create("issued_report", format!("{slug}/{id}"), Some(org), &issued);
        self.commit_audited(tx, &[change]).await?;
        Ok(issued)
    }

    /// The organisation's issued reports, newest first.
    pub async fn issued_reports(&self, org: OrgId) -> Result<Vec<IssuedReport>> {
        let sql =
            format!("SELECT {COLUMNS} FROM issued_reports WHERE org_id = $1 ORDER BY id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One issued report and its snapshot, its hash checked; `NotFound` when the organisation
    /// has no report with this id.
    pub async fn issued_report(&self, org: OrgId, id: i64) -> Result<(IssuedReport, String)> {
        let sql =
            format!("SELECT {COLUMNS}, snapshot FROM issued_reports WHERE org_id = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "issued report",
                key: id.to_string(),
            })?;
        let issued = from_row(&row)?;
        let snapshot: String = row.try_get("snapshot")?;
        if snapshot_hash(&snapshot) != issued.sha256 {
            return Err(StoreError::Corrupt {
                what: format!("issued report {id}"),
                reason: "its snapshot no longer matches the hash recorded when it was issued"
                    .into(),
            });
        }
        Ok((issued, snapshot))
    }
}
