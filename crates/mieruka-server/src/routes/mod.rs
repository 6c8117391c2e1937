//! The API's routes, one module per resource. Handlers extract input, check the principal's
//! rights, call the store or a use case, and answer JSON: no business rules here.

mod audit;
mod orgs;
mod session;
mod status;

use axum::Router;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(health))
        .merge(session::routes())
        .merge(orgs::routes())
        .merge(status::routes())
        .merge(audit::routes())
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<Value>, ApiError> {
    let version = state.store.applied_version().await?;
    Ok(axum::Json(
        json!({ "status": "ok", "schema_version": version }),
    ))
}

/// `?limit=&offset=` on lists.
#[derive(Debug, Deserialize)]
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
    let org = state
        .store
        .organisation(code)
        .await
        .map_err(|_| ApiError::NotFound)?;
    if !principal.sees(org.id) {
        return Err(ApiError::NotFound);
    }
    Ok(org)
}
