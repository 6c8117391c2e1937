//! KPI definitions in the database: the built-in catalogue (no organisation) and each
//! organisation's own KPIs, stored in their public JSON form and re-validated when read.

use std::collections::{BTreeMap, HashMap};

use mieruka_domain::catalogue::RawKpi;
use mieruka_domain::{Catalogue, KpiDefinition, Source, Timestamp};
use sqlx::{Any, Executor, Row};

use crate::audit::Change;
use crate::ids::{KpiDefId, OrgId};
use crate::orgs::org_slug;
use crate::{Result, Store, StoreError};

/// A KPI definition as stored.
#[derive(Debug, Clone)]
pub struct StoredKpi {
    pub id: KpiDefId,
    /// `None` for the built-in catalogue.
    pub org_id: Option<OrgId>,
    pub definition: KpiDefinition,
}

/// What loading the catalogue changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn to_json(def: &KpiDefinition) -> String {
    serde_json::to_string(def).expect("a definition always serialises")
}

fn from_json(kpi_id: &str, json: &str) -> Result<KpiDefinition> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: format!("KPI definition {kpi_id}"),
        reason,
    };
    let raw: RawKpi = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    raw.validate().map_err(|problems| {
        corrupt(
            problems
                .iter()
                .map(|p| format!("{}: {}", p.field.as_deref().unwrap_or("-"), p.reason))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The built-in definitions as stored: KPI id → (row id, JSON).
async fn builtin_rows<'c>(
    conn: impl Executor<'c, Database = Any>,
) -> Result<HashMap<String, (i64, String)>> {
    let rows =
        sqlx::query("SELECT id, kpi_id, definition FROM kpi_definitions WHERE org_id IS NULL")
            .fetch_all(conn)
            .await?;
    let mut existing = HashMap::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let kpi_id: String = row.try_get("kpi_id")?;
        let json: String = row.try_get("definition")?;
        existing.insert(kpi_id, (id, json));
    }
    Ok(existing)
}

/// Stored JSON as a value for the log; text that is not JSON is kept as a string.
fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

impl Store {
    /// Loads the built-in catalogue: adds new entries, updates changed ones, leaves the rest.
    /// Entries a newer catalogue dropped stay, because plans may refer to them. A load that
    /// changes something is one audit entry listing what it added and changed.
    pub async fn sync_catalogue(
        &self,
        catalogue: &Catalogue,
        now: Timestamp,
    ) -> Result<SyncReport> {
        // Every command loads the catalogue, and it rarely changes: comparing outside a write
        // transaction keeps the usual case from waiting for (or holding) the write lock.
        let existing = builtin_rows(self.pool()).await?;
        let unchanged = catalogue.entries().iter().all(|def| {
            existing
                .get(def.id.as_str())
                .is_some_and(|(_, old)| *old == to_json(def))
        });
        if unchanged {
            return Ok(SyncReport {
                unchanged: catalogue.entries().len(),
                ..SyncReport::default()
            });
        }
        let mut tx = self.begin_write().await?;
        let existing = builtin_rows(&mut *tx).await?;
        let mut report = SyncReport::default();
        let mut added = Vec::new();
        let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
        let now = now.to_string();
        for def in catalogue.entries() {
            let json = to_json(def);
            match existing.get(def.id.as_str()) {
                Some((_, old)) if *old == json => report.unchanged += 1,
                Some((id, old)) => {
                    sqlx::query(
                        "UPDATE kpi_definitions SET definition = $1, source = $2, updated_at = $3 WHERE id = $4",
                    )
                    .bind(&json)
                    .bind(def.source.code())
                    .bind(&now)
                    .bind(*id)
                    .execute(&mut *tx)
                    .await?;
                    report.updated += 1;
                    before.insert(def.id.as_str(), json_value(old));
                    after.insert(def.id.as_str(), json_value(&json));
                }
                None => {
                    sqlx::query(
                        "INSERT INTO kpi_definitions (org_id, kpi_id, source, definition, updated_at) \
                         VALUES (NULL, $1, $2, $3, $4)",
                    )
                    .bind(def.id.as_str())
                    .bind(def.source.code())
                    .bind(&json)
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?;
                    report.added += 1;
                    added.push(def.id.as_str());
                }
            }
        }
        // Added definitions are named, not copied: they are the catalogue this build carries.
        let key = "built-in catalogue";
        let change = if report.added + report.updated == 0 {
            None
        } else if existing.is_empty() {
            Some(Change::create(
                "kpi_definition",
                key,
                None,
                &serde_json::json!({ "added": added }),
            ))
        } else {
            Some(Change::update(
                "kpi_definition",
                key,
                None,
                &serde_json::json!({ "updated": before }),
                &serde_json::json!({ "added": added, "updated": after }),
            ))
        };
        self.commit_audited(tx, change.as_slice()).await?;
        Ok(report)
    }

    /// Adds an organisation's own KPI. Its id may not repeat a built-in id or another own KPI.
    pub async fn add_own_kpi(
        &self,
        org: OrgId,
        def: &KpiDefinition,
        now: Timestamp,
    ) -> Result<KpiDefId> {
        if def.source != Source::Own {
            return Err(StoreError::invalid(
                "source",
                "an organisation's own KPI has source `own`",
            ));
        }
        let mut tx = self.begin_write().await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM kpi_definitions WHERE kpi_id = $1 AND (org_id IS NULL OR org_id = $2)",
        )
        .bind(def.id.as_str())
        .bind(org.0)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(StoreError::Conflict {
                what: "KPI",
                key: def.id.to_string(),
            });
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO kpi_definitions (org_id, kpi_id, source, definition, updated_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(org.0)
        .bind(def.id.as_str())
        .bind(def.source.code())
        .bind(to_json(def))
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "KPI", def.id.as_str()))?;
        let key = format!("{}/{}", org_slug(&mut tx, org).await?, def.id.as_str());
        self.commit_audited(tx, &[Change::create("kpi_definition", key, Some(org), def)])
            .await?;
        Ok(KpiDefId(id))
    }

    /// The definitions visible to an organisation (built-in first, then its own), or only the
    /// built-in catalogue when `org` is `None`. In the order they were stored.
    pub async fn kpi_definitions(&self, org: Option<OrgId>) -> Result<Vec<StoredKpi>> {
        let rows = sqlx::query(
            "SELECT id, org_id, kpi_id, definition FROM kpi_definitions \
             WHERE org_id IS NULL OR org_id = $1 ORDER BY COALESCE(org_id, 0), id",
        )
        .bind(org.map_or(-1, |o| o.0))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let kpi_id: String = row.try_get("kpi_id")?;
                let json: String = row.try_get("definition")?;
                let org_id: Option<i64> = row.try_get("org_id")?;
                Ok(StoredKpi {
                    id: KpiDefId(row.try_get("id")?),
                    org_id: org_id.map(OrgId),
                    definition: from_json(&kpi_id, &json)?,
                })
            })
            .collect()
    }

    /// One definition by its KPI id, as an organisation sees it (its own shadows nothing: ids
    /// are unique across both).
    pub async fn kpi_definition(&self, org: Option<OrgId>, kpi_id: &str) -> Result<StoredKpi> {
        let row = sqlx::query(
            "SELECT id, org_id, kpi_id, definition FROM kpi_definitions \
             WHERE kpi_id = $1 AND (org_id IS NULL OR org_id = $2) ORDER BY COALESCE(org_id, 0) LIMIT 1",
        )
        .bind(kpi_id)
        .bind(org.map_or(-1, |o| o.0))
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "KPI",
            key: kpi_id.to_string(),
        })?;
        stored_kpi(&row)
    }

    /// One definition by its row.
    pub async fn kpi_definition_by_row(&self, id: KpiDefId) -> Result<StoredKpi> {
        let row =
            sqlx::query("SELECT id, org_id, kpi_id, definition FROM kpi_definitions WHERE id = $1")
                .bind(id.0)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    what: "KPI",
                    key: id.to_string(),
                })?;
        stored_kpi(&row)
    }
}

fn stored_kpi(row: &sqlx::any::AnyRow) -> Result<StoredKpi> {
    let kpi_id: String = row.try_get("kpi_id")?;
    let json: String = row.try_get("definition")?;
    let org_id: Option<i64> = row.try_get("org_id")?;
    Ok(StoredKpi {
        id: KpiDefId(row.try_get("id")?),
        org_id: org_id.map(OrgId),
        definition: from_json(&kpi_id, &json)?,
    })
}
