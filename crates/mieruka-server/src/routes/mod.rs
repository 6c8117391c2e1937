//! The API's routes, one module per resource. Handlers extract input, check the principal's
//! rights, call the store or a use case, and answer JSON: no business rules here.
//!
//! [`table`] lists every route with its documentation; [`api`] builds the router from it and
//! `crate::openapi` builds the OpenAPI document from it.

mod answers;
mod audit;
mod benchmarks;
mod catalog;
pub(crate) mod collect;
mod kpis;
mod loss;
mod measurements;
mod orgs;
mod plans;
mod reports;
mod risks;
pub mod route;
mod session;
mod simulate;
mod status;
mod tokens;
mod users;

use axum::extract::State;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use self::route::{Answer, Route, who};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;

/// Every route of the API, documented.
pub fn table() -> Vec<Route> {
    let mut routes = vec![
        Route::get("/api/v1/health", health)
            .doc("meta", "Whether the server and its database answer")
            .who(who::ANYONE)
            .answers(Answer::of::<answers::Health>()),
        Route::get("/api/v1/openapi.json", openapi)
            .doc("meta", "This API's OpenAPI 3 document")
            .who(who::ANYONE),
    ];
    for module in [
        session::routes,
        tokens::routes,
        users::routes,
        catalog::routes,
        orgs::routes,
        kpis::routes,
        plans::routes,
        measurements::routes,
        collect::routes,
        status::routes,
        loss::routes,
        simulate::routes,
        risks::routes,
        reports::routes,
        benchmarks::routes,
        audit::routes,
    ] {
        routes.extend(module());
    }
    routes
}

/// The router over [`table`]. Unknown paths and methods are answered by the application's
/// fallbacks (`crate::router`): JSON under `/api/`, an HTML page elsewhere.
pub fn api() -> Router<AppState> {
    table().into_iter().fold(Router::new(), |router, route| {
        let path = route.path;
        router.route(path, route.into_method_router())
    })
}

async fn health(State(state): State<AppState>) -> Result<Json<answers::Health>, ApiError> {
    let version = state.store.applied_version().await?;
    Ok(Json(answers::Health {
        status: "ok".into(),
        schema_version: version,
    }))
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document().clone())
}

/// `?limit=&offset=` on lists.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    #[serde(default = "default_limit")]
    pub limit: usize,
    #[serde(default)]
    pub offset: usize,
}

fn default_limit() -> usize {
    100
}

impl Page {
    /// A page from optional `limit` and `offset` parameters (for query types with filters too).
    pub fn new(limit: Option<usize>, offset: Option<usize>) -> Page {
        Page {
            limit: limit.unwrap_or_else(default_limit),
            offset: offset.unwrap_or(0),
        }
    }

    /// One page of `items`, with the total, as `{items, total, limit, offset}`.
    pub fn of<T: serde::Serialize>(&self, items: Vec<T>) -> Result<Value, ApiError> {
        if self.limit == 0 || self.limit > 1000 {
            return Err(ApiError::invalid("limit", "between 1 and 1000"));
        }
        let total = items.len();
        let page: Vec<T> = items
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect();
        Ok(json!({ "items": page, "total": total, "limit": self.limit, "offset": self.offset }))
    }
}

/// The organisation named in a path, if the principal may see it (404 otherwise).
pub async fn visible_org(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<mieruka_store::orgs::StoredOrg, ApiError> {
    let version = principal.versions.config;
    let org = match state.caches.orgs.get(&code.to_string(), version) {
        Some(org) => org,
        None => {
            let org = state
                .store
                .organisation(code)
                .await
                .map_err(|_| ApiError::NotFound)?;
            state
                .caches
                .orgs
                .put(code.to_string(), version, org.clone());
            org
        }
    };
    if !principal.sees(org.id) {
        return Err(ApiError::NotFound);
    }
    Ok(org)
}

/// The plan with this id, loaded with its context, if the principal may see its organisation
/// (404 otherwise, whether or not it exists).
pub async fn visible_plan(
    state: &AppState,
    principal: &Principal,
    plan: i64,
) -> Result<mieruka_store::plans::PlanContext, ApiError> {
    let version = principal.versions.config;
    let ctx = match state.caches.plans.get(&plan, version) {
        Some(ctx) => ctx,
        None => match state.store.plan_context(mieruka_store::PlanId(plan)).await {
            Ok(ctx) => {
                state.caches.plans.put(plan, version, ctx.clone());
                ctx
            }
            Err(mieruka_store::StoreError::NotFound { .. }) => return Err(ApiError::NotFound),
            Err(e) => return Err(e.into()),
        },
    };
    if !principal.sees(ctx.org.id) {
        return Err(ApiError::NotFound);
    }
    Ok(ctx)
}

/// A date given as a parameter, or today where the organisation is.
pub fn date_or_today(
    org: &mieruka_store::orgs::StoredOrg,
    field: &str,
    given: Option<&str>,
) -> Result<mieruka_domain::Date, ApiError> {
    match given {
        Some(d) => mieruka_domain::Date::parse(d.trim()).map_err(|e| ApiError::invalid(field, e)),
        None => Ok(org.org.today(crate::auth::now())),
    }
}
