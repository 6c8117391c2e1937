//! Organisations and their units, as the principal may see them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::org::{self as orgs, OrgView, OrgWithUnits, UnitView};
use mieruka_domain::Maturity;
use mieruka_domain::org::{UnitFacts, UnitKind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, PAGE, Route, who};
use super::{Page, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs", list)
            .doc("organisations", "The organisations the caller may see")
            .who(who::SIGNED_IN)
            .query(PAGE)
            .answers(Answer::list::<OrgView>()),
        Route::post("/api/v1/orgs", create)
            .doc("organisations", "Create an organisation")
            .who(who::ADMIN)
            .body::<NewOrganisation>()
            .example(json!({ "code": "acme", "name": "株式会社アクメ", "maturity": "initial", "fiscal_start_month": 4 }))
            .created()
            .answers(Answer::of::<OrgView>()),
        Route::get("/api/v1/orgs/{org}", show)
            .doc(
                "organisations",
                "An organisation with its units (as `mieruka org show --json`)",
            )
            .answers(Answer::of::<OrgWithUnits>()),
        Route::patch("/api/v1/orgs/{org}", update)
            .doc("organisations", "Set the organisation's maturity stage")
            .who(who::OWNER)
            .body::<OrganisationChange>()
            .example(json!({ "maturity": "improving" }))
            .answers(Answer::of::<OrgView>()),
        Route::get("/api/v1/orgs/{org}/units", units)
            .doc("organisations", "The organisation's units")
            .query(PAGE)
            .answers(Answer::list::<UnitView>()),
        Route::post("/api/v1/orgs/{org}/units", add_unit)
            .doc("organisations", "Add a unit")
            .who(who::OWNER)
            .body::<NewUnit>()
            .example(json!({
                "code": "sales",
                "name": "営業部",
                "kind": "department",
                "parent": "hq",
                "employees": 120,
                "it_staff": 2,
            }))
            .created()
            .answers(Answer::of::<UnitView>()),
        Route::patch("/api/v1/orgs/{org}/units/{unit}", update_unit)
            .doc(
                "organisations",
                "Change a unit: its name, its own maturity stage (a group company's; null clears it) or its facts (all of them, as sent)",
            )
            .who(who::OWNER)
            .body::<UnitChange>()
            .example(json!({ "name": "営業本部", "maturity": null, "facts": { "employees": 130, "industry": "製造業" } }))
            .answers(Answer::of::<UnitView>()),
    ]
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    let orgs: Vec<OrgView> = state
        .store
        .organisations()
        .await?
        .iter()
        .filter(|o| who.sees(o.id))
        .map(OrgView::from)
        .collect();
    Ok(Json(page.of(orgs)?))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewOrganisation {
    code: String,
    name: String,
    #[serde(default)]
    maturity: Option<Maturity>,
    /// 1–12, default 4.
    #[serde(default)]
    #[schemars(range(min = 1, max = 12))]
    fiscal_start_month: Option<u32>,
    #[serde(default)]
    /// An IANA time zone (Asia/Tokyo, UTC, Europe/London…) in which the organisation's times
    /// written without a zone are counted; default Asia/Tokyo.
    time_zone: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<NewOrganisation>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    who.require_admin()?;
    let store = state.store.with_actor(&who.actor());
    let stored = orgs::create(
        &store,
        orgs::NewOrganisation {
            code: body.code,
            name: body.name,
            maturity: body.maturity,
            fiscal_start_month: body.fiscal_start_month,
            time_zone: body.time_zone,
        },
        now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(OrgView::from(&stored))))
}

async fn show(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
) -> Result<Json<OrgWithUnits>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let units = state.store.units(org.id).await?;
    Ok(Json(OrgWithUnits::new(&org, &units)))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OrganisationChange {
    #[serde(default)]
    maturity: Option<Maturity>,
    #[serde(default)]
    /// An IANA time zone (Asia/Tokyo, UTC, Europe/London…) in which the organisation's times
    /// written without a zone are counted; default Asia/Tokyo.
    time_zone: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(body): Body<OrganisationChange>,
) -> Result<Json<OrgView>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let change = orgs::OrgChange {
        maturity: body.maturity,
        time_zone: body.time_zone,
    };
    let store = state.store.with_actor(&who.actor());
    Ok(Json(OrgView::from(
        &orgs::change(&store, &org, change, now()).await?,
    )))
}

async fn units(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let units: Vec<UnitView> = state
        .store
        .units(org.id)
        .await?
        .iter()
        .map(UnitView::from)
        .collect();
    Ok(Json(page.of(units)?))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewUnit {
    code: String,
    name: String,
    kind: UnitKind,
    /// The parent unit's code.
    parent: Option<String>,
    #[serde(default)]
    maturity: Option<Maturity>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    employees: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    it_staff: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    security_staff: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    annual_revenue_yen: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    it_budget_yen: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    security_budget_yen: Option<i64>,
    #[serde(default)]
    industry: Option<String>,
}

async fn add_unit(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(body): Body<NewUnit>,
) -> Result<(StatusCode, Json<UnitView>), ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let facts = UnitFacts {
        employees: body.employees,
        it_staff: body.it_staff,
        security_staff: body.security_staff,
        annual_revenue_yen: body.annual_revenue_yen,
        it_budget_yen: body.it_budget_yen,
        security_budget_yen: body.security_budget_yen,
        industry: body.industry,
    };
    let store = state.store.with_actor(&who.actor());
    let new = orgs::NewUnit {
        code: body.code,
        name: body.name,
        kind: body.kind,
        parent: body.parent,
        maturity: body.maturity,
        facts,
    };
    let added = orgs::add_unit(&store, &org, new, now()).await?;
    Ok((StatusCode::CREATED, Json(UnitView::from(&added))))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UnitChange {
    /// The unit's own stage; `null` clears it (the organisation's applies); absent keeps it.
    #[serde(default, deserialize_with = "present")]
    maturity: Option<Option<Maturity>>,
    #[serde(default)]
    name: Option<String>,
    /// The unit's facts, all of them: a fact left out or `null` is cleared.
    #[serde(default)]
    facts: Option<FactsBody>,
}

/// A unit's facts as sent.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FactsBody {
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    employees: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    it_staff: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    security_staff: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    annual_revenue_yen: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    it_budget_yen: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 0, max = i64::MAX))]
    security_budget_yen: Option<i64>,
    #[serde(default)]
    industry: Option<String>,
}

/// A field that is there, even as `null` (`Some(None)`), against one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

async fn update_unit(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((code, unit)): UrlPath<(String, String)>,
    Body(body): Body<UnitChange>,
) -> Result<Json<UnitView>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    let change = orgs::UnitEdit {
        name: body.name,
        maturity: body.maturity,
        facts: body.facts.map(|f| UnitFacts {
            employees: f.employees,
            it_staff: f.it_staff,
            security_staff: f.security_staff,
            annual_revenue_yen: f.annual_revenue_yen,
            it_budget_yen: f.it_budget_yen,
            security_budget_yen: f.security_budget_yen,
            industry: f.industry,
        }),
    };
    let updated = orgs::edit_unit(&store, &org, &unit, change).await?;
    Ok(Json(UnitView::from(&updated)))
}
