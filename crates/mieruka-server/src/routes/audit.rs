//! The audit log, for auditors (and owners and administrators) of an organisation.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::visible_org;
use crate::AppState;
use crate::auth::{Need, Principal};
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/orgs/{org}/audit", get(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    /// Entries numbered below this (the last `seq` of the previous page).
    before: Option<i64>,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    100
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Audit).await?;
    if q.limit == 0 || q.limit > 1000 {
        return Err(ApiError::invalid("limit", "between 1 and 1000"));
    }
    let items = state
        .store
        .audit_entries(Some(org.id), q.before, q.limit)
        .await?;
    let next = (items.len() == q.limit as usize)
        .then(|| items.last().map(|e| e.seq))
        .flatten();
    Ok(Json(json!({ "items": items, "next_before": next })))
}
