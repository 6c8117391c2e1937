//! Organisations and their unit tree.

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::time::Zone;
use mieruka_domain::{Maturity, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::{OrgId, UnitId};
use crate::{Result, Store, StoreError};

/// An organisation as stored.
#[derive(Debug, Clone)]
pub struct StoredOrg {
    pub id: OrgId,
    pub org: Organisation,
    pub created_at: String,
}

/// A unit as stored, with its place in the tree.
#[derive(Debug, Clone)]
pub struct StoredUnit {
    pub id: UnitId,
    pub org_id: OrgId,
    pub parent_id: Option<UnitId>,
    pub unit: Unit,
}

fn corrupt(what: &str, reason: String) -> StoreError {
    StoreError::Corrupt {
        what: what.to_string(),
        reason,
    }
}

fn org_from_row(row: &AnyRow) -> Result<StoredOrg> {
    let slug: String = row.try_get("slug")?;
    let maturity: String = row.try_get("maturity")?;
    let month: i64 = row.try_get("fiscal_start_month")?;
    let what = format!("organisation {slug}");
    let maturity: Maturity = maturity.parse().map_err(|e| corrupt(&what, e))?;
    let name: String = row.try_get("name")?;
    let zone: String = row.try_get("time_zone")?;
    let zone = Zone::parse(&zone).map_err(|e| corrupt(&what, e))?;
    let org = Organisation::new(&slug, &name, maturity, month.clamp(0, 99) as u32)
        .map_err(|e| corrupt(&what, e))?
        .with_time_zone(zone);
    Ok(StoredOrg {
        id: OrgId(row.try_get("id")?),
        org,
        created_at: row.try_get("created_at")?,
    })
}

fn unit_from_row(row: &AnyRow) -> Result<StoredUnit> {
    let code: String = row.try_get("code")?;
    let what = format!("unit {code}");
    let kind: String = row.try_get("kind")?;
    let kind: UnitKind = kind.parse().map_err(|e| corrupt(&what, e))?;
    let maturity: Option<String> = row.try_get("maturity")?;
    let maturity = maturity
        .map(|m| m.parse::<Maturity>())
        .transpose()
        .map_err(|e| corrupt(&what, e))?;
    let facts = UnitFacts {
        employees: row.try_get("employees")?,
        it_staff: row.try_get("it_staff")?,
        security_staff: row.try_get("security_staff")?,
        annual_revenue_yen: row.try_get("annual_revenue_yen")?,
        it_budget_yen: row.try_get("it_budget_yen")?,
        security_budget_yen: row.try_get("security_budget_yen")?,
        industry: row.try_get("industry")?,
    };
    let name: String = row.try_get("name")?;
    let unit = Unit::new(&code, &name, kind, maturity, facts).map_err(|e| corrupt(&what, e))?;
    let parent: Option<i64> = row.try_get("parent_id")?;
    Ok(StoredUnit {
        id: UnitId(row.try_get("id")?),
        org_id: OrgId(row.try_get("org_id")?),
        parent_id: parent.map(UnitId),
        unit,
    })
}

/// An organisation's code, read inside a change's transaction: audit entries are keyed by it.
pub(crate) async fn org_slug(tx: &mut crate::audit::WriteTx, org: OrgId) -> Result<String> {
    sqlx::query_scalar("SELECT slug FROM organisations WHERE id = $1")
        .bind(org.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "organisation",
            key: org.to_string(),
        })
}

/// A unit as the audit log records it when added: with its parent's code.
#[derive(serde::Serialize)]
struct AddedUnit<'a> {
    #[serde(flatten)]
    unit: &'a Unit,
    parent: Option<String>,
}

impl Store {
    pub async fn create_organisation(&self, org: &Organisation, now: Timestamp) -> Result<OrgId> {
        let now = now.to_string();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (slug, name, maturity, fiscal_start_month, time_zone, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $6, $5, $5) RETURNING id",
        )
        .bind(org.slug.as_str())
        .bind(&org.name)
        .bind(org.maturity.code())
        .bind(i64::from(org.fiscal_start_month))
        .bind(&now)
        .bind(org.time_zone.name())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "organisation", org.slug.as_str()))?;
        let id = OrgId(id);
        let change = Change::create("organisation", org.slug.as_str(), Some(id), org);
        self.commit_audited(tx, &[change]).await?;
        Ok(id)
    }

    /// The organisation with this code, or `NotFound`.
    pub async fn organisation(&self, slug: &str) -> Result<StoredOrg> {
        let row = sqlx::query("SELECT * FROM organisations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                key: slug.to_string(),
            })?;
        org_from_row(&row)
    }

    pub async fn organisations(&self) -> Result<Vec<StoredOrg>> {
        let rows = sqlx::query("SELECT * FROM organisations ORDER BY slug")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(org_from_row).collect()
    }

    pub async fn set_maturity(&self, org: OrgId, maturity: Maturity, now: Timestamp) -> Result<()> {
        self.set_organisation(org, Some(maturity), None, now).await
    }

    /// Sets the time zone the organisation's times without one are counted in.
    pub async fn set_time_zone(&self, org: OrgId, time_zone: &Zone, now: Timestamp) -> Result<()> {
        self.set_organisation(org, None, Some(time_zone), now).await
    }

    /// Sets an organisation's stage, time zone or both (`None` keeps it), read and written in
    /// one transaction with its one audit entry.
    pub async fn set_organisation(
        &self,
        org: OrgId,
        maturity: Option<Maturity>,
        time_zone: Option<&Zone>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT * FROM organisations WHERE id = $1{}",
            self.for_update()
        );
        let before = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                key: org.to_string(),
            })?;
        let before = org_from_row(&before)?.org;
        let after = Organisation {
            maturity: maturity.unwrap_or(before.maturity),
            time_zone: time_zone
                .cloned()
                .unwrap_or_else(|| before.time_zone.clone()),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE organisations SET maturity = $1, time_zone = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(after.maturity.code())
        .bind(after.time_zone.name())
        .bind(now.to_string())
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::update_if_changed(
            "organisation",
            before.slug.as_str(),
            Some(org),
            &before,
            &after,
        );
        self.commit_audited(tx, change.as_slice()).await
    }

    /// Sets a unit's own maturity stage (a group company's), or clears it with `None`.
    pub async fn set_unit_maturity(&self, unit: UnitId, maturity: Option<Maturity>) -> Result<()> {
        self.edit_unit(unit, |u| {
            Ok(Unit {
                maturity,
                ..u.clone()
            })
        })
        .await
    }

    /// Changes a unit's name, own stage and facts (its code, kind and place in the tree stay).
    /// `edit` gets the unit as stored and returns it as it should be, validated; a code or kind
    /// it changes is refused.
    pub async fn edit_unit(
        &self,
        unit: UnitId,
        edit: impl FnOnce(&Unit) -> std::result::Result<Unit, StoreError>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT * FROM units WHERE id = $1{}", self.for_update());
        let before = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "unit",
                key: unit.to_string(),
            })?;
        let before = unit_from_row(&before)?;
        let after = edit(&before.unit)?;
        if after.code != before.unit.code || after.kind != before.unit.kind {
            return Err(StoreError::invalid(
                "code",
                "a unit's code and kind stay as they were created",
            ));
        }
        let f = &after.facts;
        sqlx::query(
            "UPDATE units SET name = $1, maturity = $2, employees = $3, it_staff = $4, \
             security_staff = $5, annual_revenue_yen = $6, it_budget_yen = $7, \
             security_budget_yen = $8, industry = $9 WHERE id = $10",
        )
        .bind(after.name.as_str())
        .bind(after.maturity.map(|m| m.code()))
        .bind(f.employees)
        .bind(f.it_staff)
        .bind(f.security_staff)
        .bind(f.annual_revenue_yen)
        .bind(f.it_budget_yen)
        .bind(f.security_budget_yen)
        .bind(f.industry.as_deref())
        .bind(unit.0)
        .execute(&mut *tx)
        .await?;
        let key = format!(
            "{}/{}",
            org_slug(&mut tx, before.org_id).await?,
            after.code.as_str()
        );
        let change =
            Change::update_if_changed("unit", key, Some(before.org_id), &before.unit, &after);
        self.commit_audited(tx, change.as_slice()).await
    }

    /// Adds a unit under `parent` (or at the top). The parent must belong to the same
    /// organisation.
    pub async fn add_unit(
        &self,
        org: OrgId,
        parent: Option<UnitId>,
        unit: &Unit,
        now: Timestamp,
    ) -> Result<UnitId> {
        let mut tx = self.begin_write().await?;
        let mut parent_code = None;
        if let Some(p) = parent {
            let owner = sqlx::query("SELECT org_id, code FROM units WHERE id = $1")
                .bind(p.0)
                .fetch_optional(&mut *tx)
                .await?;
            match owner {
                Some(row) if row.try_get::<i64, _>("org_id")? == org.0 => {
                    parent_code = Some(row.try_get::<String, _>("code")?);
                }
                _ => {
                    return Err(StoreError::invalid(
                        "parent",
                        format!("unit {p} is not a unit of this organisation"),
                    ));
                }
            }
        }
        let key = format!("{}/{}", org_slug(&mut tx, org).await?, unit.code.as_str());
        let f = &unit.facts;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO units (org_id, parent_id, code, name, kind, maturity, employees, it_staff, \
             security_staff, annual_revenue_yen, it_budget_yen, security_budget_yen, industry, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(org.0)
        .bind(parent.map(|p| p.0))
        .bind(unit.code.as_str())
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(unit.maturity.map(|m| m.code()))
        .bind(f.employees)
        .bind(f.it_staff)
        .bind(f.security_staff)
        .bind(f.annual_revenue_yen)
        .bind(f.it_budget_yen)
        .bind(f.security_budget_yen)
        .bind(f.industry.as_deref())
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "unit", unit.code.as_str()))?;
        let added = AddedUnit {
            unit,
            parent: parent_code,
        };
        self.commit_audited(tx, &[Change::create("unit", key, Some(org), &added)])
            .await?;
        Ok(UnitId(id))
    }

    /// An organisation's units, parents before their children.
    pub async fn units(&self, org: OrgId) -> Result<Vec<StoredUnit>> {
        let rows = sqlx::query("SELECT * FROM units WHERE org_id = $1 ORDER BY id")
            .bind(org.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(unit_from_row).collect()
    }
}
