//! The public JSON of organisations and their units (`mieruka org show --json`,
//! `mieruka unit list --json`, `/api/v1/orgs`).

use mieruka_store::orgs::{StoredOrg, StoredUnit};
use serde_json::{Value, json};

/// An organisation, as `mieruka org show --json` prints it without its units.
pub fn org_json(o: &StoredOrg) -> Value {
    json!({
        "code": o.org.slug,
        "name": o.org.name,
        "maturity": o.org.maturity,
        "fiscal_start_month": o.org.fiscal_start_month,
        "time_zone": o.org.time_zone,
        "created_at": o.created_at,
    })
}

/// An organisation with its units, as `mieruka org show --json` prints it.
pub fn org_with_units_json(o: &StoredOrg, units: &[StoredUnit]) -> Value {
    let mut v = org_json(o);
    v["units"] = units.iter().map(unit_json).collect();
    v
}

/// A unit, as `mieruka unit list --json` prints it.
pub fn unit_json(u: &StoredUnit) -> Value {
    json!({
        "id": u.id,
        "code": u.unit.code,
        "name": u.unit.name,
        "kind": u.unit.kind,
        "parent": u.parent_id,
        "maturity": u.unit.maturity,
        "facts": u.unit.facts,
    })
}
