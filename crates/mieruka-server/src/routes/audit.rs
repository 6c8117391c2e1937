//! The audit log: an organisation's entries for its auditors (and owners and administrators),
//! and the whole chain's check for administrators.

use axum::Json;
use axum::extract::State;
use mieruka_store::audit::VerifyError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, Kind, Param, Route, who};
use super::visible_org;
use crate::AppState;
use crate::auth::{Need, Principal};
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const BEFORE: Param = Param {
    name: "before",
    kind: Kind::Integer {
        min: i64::MIN,
        max: i64::MAX as u64,
    },
    description: "Only entries numbered below this: the previous page's `next_before`.",
    example: "120",
};
const LIMIT: Param = Param {
    name: "limit",
    kind: Kind::Integer { min: 1, max: 1000 },
    description: "Entries per page, 1–1000 (default 100), newest first.",
    example: "50",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/audit", list)
            .doc(
                "audit",
                "The organisation's audit log, newest first: who changed what, when, before and after",
            )
            .who(who::AUDIT)
            .query(&[BEFORE, LIMIT])
            .answers(Answer::Object("AuditPage")),
        Route::get("/api/v1/audit/verify", verify)
            .doc(
                "audit",
                "Check the whole hash chain; name the first entry that was edited, deleted or reordered",
            )
            .who(who::ADMIN)
            .answers(Answer::Object("AuditVerdict")),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
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
    UrlPath(code): UrlPath<String>,
    Params(q): Params<AuditQuery>,
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

async fn verify(State(state): State<AppState>, who: Principal) -> Result<Json<Value>, ApiError> {
    who.require_admin()?;
    match state.store.verify_audit().await {
        Ok(report) => Ok(Json(json!({
            "ok": true,
            "entries": report.entries,
            "last_hash": report.last_hash,
            "sealed": report.sealed,
            "unsealed": report.unsealed,
            "unchecked": report.unchecked,
            "head": report.head,
        }))),
        Err(VerifyError::Broken(b)) => Ok(Json(json!({
            "ok": false,
            "entry": b.seq,
            "problem": b.problem,
            "recorded": b.recorded,
            "message": b.to_string(),
        }))),
        // The key or head file cannot be used: the log is not vouched for.
        Err(VerifyError::Store(e @ mieruka_store::StoreError::AuditSeal { .. })) => {
            Ok(Json(json!({
                "ok": false,
                "problem": "seal_unusable",
                "message": e.to_string(),
            })))
        }
        Err(VerifyError::Store(e)) => Err(e.into()),
    }
}
