//! Organisations and their units, as the principal may see them.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::{Page, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs", get(list))
        .route("/api/v1/orgs/{org}", get(show))
        .route("/api/v1/orgs/{org}/units", axum::routing::post(add_unit))
}

fn org_json(o: &mieruka_store::orgs::StoredOrg) -> Value {
    json!({
        "code": o.org.slug,
        "name": o.org.name,
        "maturity": o.org.maturity,
        "fiscal_start_month": o.org.fiscal_start_month,
    })
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    let orgs: Vec<Value> = state
        .store
        .organisations()
        .await?
        .iter()
        .filter(|o| who.sees(o.id))
        .map(org_json)
        .collect();
    Ok(Json(page.of(orgs)?))
}

async fn show(
    State(state): State<AppState>,
    who: Principal,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let units: Vec<Value> = state
        .store
        .units(org.id)
        .await?
        .iter()
        .map(|u| {
            json!({
                "id": u.id, "code": u.unit.code, "name": u.unit.name, "kind": u.unit.kind,
                "parent": u.parent_id, "maturity": u.unit.maturity, "facts": u.unit.facts,
            })
        })
        .collect();
    let mut v = org_json(&org);
    v["units"] = json!(units);
    Ok(Json(v))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUnit {
    code: String,
    name: String,
    kind: mieruka_domain::org::UnitKind,
    /// The parent unit's code.
    parent: Option<String>,
    #[serde(default)]
    maturity: Option<mieruka_domain::Maturity>,
    #[serde(default)]
    employees: Option<i64>,
    #[serde(default)]
    it_staff: Option<i64>,
    #[serde(default)]
    security_staff: Option<i64>,
    #[serde(default)]
    annual_revenue_yen: Option<i64>,
    #[serde(default)]
    it_budget_yen: Option<i64>,
    #[serde(default)]
    security_budget_yen: Option<i64>,
    #[serde(default)]
    industry: Option<String>,
}

/// Adds a unit (owners and administrators).
async fn add_unit(
    State(state): State<AppState>,
    who: Principal,
    Path(code): Path<String>,
    Body(body): Body<NewUnit>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let facts = mieruka_domain::org::UnitFacts {
        employees: body.employees,
        it_staff: body.it_staff,
        security_staff: body.security_staff,
        annual_revenue_yen: body.annual_revenue_yen,
        it_budget_yen: body.it_budget_yen,
        security_budget_yen: body.security_budget_yen,
        industry: body.industry,
    };
    let unit =
        mieruka_domain::org::Unit::new(&body.code, &body.name, body.kind, body.maturity, facts)
            .map_err(|e| ApiError::Invalid {
                field: None,
                reason: e,
            })?;
    let units = state.store.units(org.id).await?;
    let parent = match &body.parent {
        None => None,
        Some(p) => Some(
            units
                .iter()
                .find(|u| u.unit.code.as_str() == p)
                .ok_or_else(|| ApiError::invalid("parent", format!("there is no unit `{p}`")))?
                .id,
        ),
    };
    let id = state
        .store
        .with_actor(&who.actor())
        .add_unit(org.id, parent, &unit, now())
        .await?;
    Ok(Json(
        json!({ "id": id, "code": unit.code, "name": unit.name }),
    ))
}
