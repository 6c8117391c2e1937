//! Organisations and their units: creating an organisation, adding a unit under a parent,
//! changing a unit, the field each domain refusal is about, and their public JSON
//! (`mieruka org show --json`, `mieruka unit list --json`, `/api/v1/orgs`). Rights are checked
//! by the callers (an administrator creates; an owner adds units).

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::time::Zone;
use mieruka_domain::{Maturity, Timestamp};
use mieruka_store::orgs::{StoredOrg, StoredUnit};
use mieruka_store::{Store, UnitId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{AppError, Result};

/// An organisation, as `mieruka org show --json` prints it without its units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Organisation")]
#[schemars(example = OrgView::example())]
pub struct OrgView {
    /// The organisation's code, as paths name it.
    pub code: String,
    pub name: String,
    /// Its maturity stage: which KPIs suit it.
    pub maturity: Maturity,
    /// The month (1–12) its fiscal year starts in.
    #[schemars(range(min = 1, max = 12))]
    pub fiscal_start_month: u8,
    /// The IANA time zone its times written without a zone are counted in.
    pub time_zone: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<&StoredOrg> for OrgView {
    fn from(o: &StoredOrg) -> OrgView {
        OrgView {
            code: o.org.slug.as_str().to_string(),
            name: o.org.name.clone(),
            maturity: o.org.maturity,
            fiscal_start_month: o.org.fiscal_start_month,
            time_zone: o.org.time_zone.name().to_string(),
            created_at: o.created_at.clone(),
        }
    }
}

impl OrgView {
    fn example() -> OrgView {
        OrgView {
            code: "acme".into(),
            name: "株式会社アクメ".into(),
            maturity: Maturity::Initial,
            fiscal_start_month: 4,
            time_zone: "Asia/Tokyo".into(),
            created_at: "2026-04-01T09:00:00Z".into(),
        }
    }
}

/// An organisation with its units, as `mieruka org show --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "OrganisationWithUnits")]
#[schemars(example = OrgWithUnits::example())]
pub struct OrgWithUnits {
    #[serde(flatten)]
    pub org: OrgView,
    /// Every unit, parents before their children.
    pub units: Vec<UnitView>,
}

impl OrgWithUnits {
    pub fn new(o: &StoredOrg, units: &[StoredUnit]) -> OrgWithUnits {
        OrgWithUnits {
            org: o.into(),
            units: units.iter().map(UnitView::from).collect(),
        }
    }

    fn example() -> OrgWithUnits {
        OrgWithUnits {
            org: OrgView::example(),
            units: vec![UnitView::example()],
        }
    }
}

/// A unit, as `mieruka unit list --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Unit")]
#[schemars(example = UnitView::example())]
pub struct UnitView {
    /// The unit's number.
    pub id: i64,
    /// The unit's code, unique in its organisation.
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// The parent unit's number; null for the top.
    pub parent: Option<i64>,
    /// A group company's own stage; null: the organisation's applies.
    pub maturity: Option<Maturity>,
    /// What is known of the unit; a fact not known is null.
    pub facts: UnitFacts,
}

impl From<&StoredUnit> for UnitView {
    fn from(u: &StoredUnit) -> UnitView {
        UnitView {
            id: u.id.0,
            code: u.unit.code.as_str().to_string(),
            name: u.unit.name.clone(),
            kind: u.unit.kind,
            parent: u.parent_id.map(|p| p.0),
            maturity: u.unit.maturity,
            facts: u.unit.facts.clone(),
        }
    }
}

impl UnitView {
    fn example() -> UnitView {
        UnitView {
            id: 2,
            code: "sales".into(),
            name: "営業部".into(),
            kind: UnitKind::Department,
            parent: Some(1),
            maturity: None,
            facts: UnitFacts {
                employees: Some(120),
                it_staff: Some(2),
                ..UnitFacts::default()
            },
        }
    }
}

/// A new organisation, as asked for.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub code: String,
    pub name: String,
    pub maturity: Option<Maturity>,
    pub fiscal_start_month: Option<u32>,
    /// Where the organisation's times without a zone are counted (default Asia/Tokyo).
    pub time_zone: Option<String>,
}

/// Creates an organisation (initial stage and an April fiscal year unless told otherwise).
pub async fn create(store: &Store, o: NewOrganisation, now: Timestamp) -> Result<StoredOrg> {
    let org = Organisation::new(
        &o.code,
        &o.name,
        o.maturity.unwrap_or(Maturity::Initial),
        o.fiscal_start_month.unwrap_or(4),
    )
    .map_err(|e| organisation_error(&e))?;
    let org = match o.time_zone.as_deref() {
        Some(z) => org.with_time_zone(time_zone(z)?),
        None => org,
    };
    store.create_organisation(&org, now).await?;
    Ok(store.organisation(org.slug.as_str()).await?)
}

/// A time zone given for an organisation, or the refusal naming the field.
pub fn time_zone(name: &str) -> Result<Zone> {
    Zone::parse(name).map_err(|e| AppError::invalid("time_zone", e))
}

/// A change to an organisation's settings: each field given is set, all in one change; a field
/// left out is kept.
#[derive(Debug, Clone, Default)]
pub struct OrgChange {
    pub maturity: Option<Maturity>,
    /// An IANA time zone name (`Asia/Tokyo`).
    pub time_zone: Option<String>,
}

/// Changes an organisation's maturity stage and time zone (the API's `PATCH`, the settings page,
/// `mieruka org set-maturity` and `set-time-zone`); returns it as stored. A change that sets
/// nothing changes nothing.
pub async fn change(
    store: &Store,
    org: &StoredOrg,
    c: OrgChange,
    now: Timestamp,
) -> Result<StoredOrg> {
    let zone = c.time_zone.as_deref().map(time_zone).transpose()?;
    if c.maturity.is_some() || zone.is_some() {
        store
            .set_organisation(org.id, c.maturity, zone.as_ref(), now)
            .await?;
    }
    Ok(store.organisation(org.org.slug.as_str()).await?)
}

/// The domain names what is wrong in words ("organisation code …", "name …", "month …").
fn organisation_error(reason: &str) -> AppError {
    let field = if reason.contains("is not a valid") {
        "code"
    } else if reason.contains("month") {
        "fiscal_start_month"
    } else {
        "name"
    };
    AppError::invalid(field, reason)
}

/// A unit to add.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// The parent unit's code.
    pub parent: Option<String>,
    pub maturity: Option<Maturity>,
    pub facts: UnitFacts,
}

/// Adds a unit under its parent; returns it as stored.
pub async fn add_unit(
    store: &Store,
    org: &StoredOrg,
    u: NewUnit,
    now: Timestamp,
) -> Result<StoredUnit> {
    let unit = Unit::new(&u.code, &u.name, u.kind, u.maturity, u.facts).map_err(unit_error)?;
    let units = store.units(org.id).await?;
    let parent = match &u.parent {
        None => None,
        Some(p) => Some(
            find_unit(&units, p)
                .ok_or_else(|| AppError::invalid("parent", format!("there is no unit `{p}`")))?,
        ),
    };
    let id = store.add_unit(org.id, parent, &unit, now).await?;
    store
        .units(org.id)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| AppError::Internal("a new unit could not be read back".into()))
}

/// The organisation has no unit with this code.
fn no_unit(org: &StoredOrg, code: &str) -> AppError {
    AppError::NotFound(format!(
        "organisation {} has no unit `{code}`",
        org.org.slug
    ))
}

fn find_unit(units: &[StoredUnit], code: &str) -> Option<UnitId> {
    units
        .iter()
        .find(|u| u.unit.code.as_str() == code)
        .map(|u| u.id)
}

/// The field a unit's validation message is about.
fn unit_error(reason: String) -> AppError {
    let field = [
        "employees",
        "it_staff",
        "security_staff",
        "annual_revenue_yen",
        "it_budget_yen",
        "security_budget_yen",
    ]
    .into_iter()
    .find(|f| reason.starts_with(f))
    .unwrap_or(if reason.contains("is not a valid") {
        "code"
    } else {
        "name"
    });
    AppError::invalid(field, reason)
}

/// Sets (or, with `None`, clears) a unit's own maturity stage; not found when the organisation
/// has no such unit.
pub async fn set_unit_maturity(
    store: &Store,
    org: &StoredOrg,
    code: &str,
    maturity: Option<Maturity>,
) -> Result<StoredUnit> {
    let units = store.units(org.id).await?;
    let id = find_unit(&units, code).ok_or_else(|| no_unit(org, code))?;
    store.set_unit_maturity(id, maturity).await?;
    unit_as_stored(store, org, id).await
}

/// A unit as stored now (after a change).
async fn unit_as_stored(store: &Store, org: &StoredOrg, id: UnitId) -> Result<StoredUnit> {
    store
        .units(org.id)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| AppError::NotFound(format!("unit {id} is gone")))
}

/// A change to a unit: each part given replaces what is stored, the rest stays.
#[derive(Debug, Clone, Default)]
pub struct UnitEdit {
    pub name: Option<String>,
    /// `Some(None)` clears the unit's own stage (the organisation's applies).
    pub maturity: Option<Option<Maturity>>,
    pub facts: Option<UnitFacts>,
}

/// Changes a unit's name, own stage or facts; not found when the organisation has no such unit,
/// invalid naming the field when the result is not a valid unit.
pub async fn edit_unit(
    store: &Store,
    org: &StoredOrg,
    code: &str,
    change: UnitEdit,
) -> Result<StoredUnit> {
    let units = store.units(org.id).await?;
    let id = find_unit(&units, code).ok_or_else(|| no_unit(org, code))?;
    let mut refused = None;
    let result = store
        .edit_unit(id, |u| {
            let name = change.name.clone().unwrap_or_else(|| u.name.clone());
            let maturity = change.maturity.unwrap_or(u.maturity);
            let facts = change.facts.clone().unwrap_or_else(|| u.facts.clone());
            Unit::new(u.code.as_str(), &name, u.kind, maturity, facts).map_err(|reason| {
                refused = Some(unit_error(reason.clone()));
                mieruka_store::StoreError::invalid("unit", reason)
            })
        })
        .await;
    match (result, refused) {
        (Ok(()), _) => {}
        (Err(_), Some(e)) => return Err(e),
        (Err(e), None) => return Err(e.into()),
    }
    unit_as_stored(store, org, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_their_field() {
        let field = |e: AppError| match e {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        };
        let org = |code: &str, name: &str, month| {
            Organisation::new(code, name, Maturity::Initial, month)
                .map_err(|e| organisation_error(&e))
                .unwrap_err()
        };
        assert_eq!(field(org("Bad Code", "x", 4)), "code");
        assert_eq!(field(org("ok", " ", 4)), "name");
        assert_eq!(field(org("ok", "x", 13)), "fiscal_start_month");
        let unit = |facts: UnitFacts| {
            Unit::new("u", "x", UnitKind::Department, None, facts)
                .map_err(unit_error)
                .unwrap_err()
        };
        assert_eq!(
            field(unit(UnitFacts {
                security_staff: Some(-2),
                ..UnitFacts::default()
            })),
            "security_staff"
        );
    }
}
