//! The audit log: an organisation's entries for its auditors (and owners and administrators),
//! and the whole chain's check for administrators.

use axum::Json;
use axum::extract::State;
use mieruka_app::audit::AuditVerdict;
use mieruka_store::audit::AuditEntry;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
            .answers(Answer::of::<AuditPage>()),
        Route::get("/api/v1/audit/verify", verify)
            .doc(
                "audit",
                "Check the whole hash chain; name the first entry that was edited, deleted or reordered",
            )
            .who(who::ADMIN)
            .answers(Answer::of::<AuditVerdict>()),
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

/// A page of an organisation's audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(example = AuditPage::example())]
pub struct AuditPage {
    pub items: Vec<AuditItem>,
    /// The `before` of the next page; null on the last one.
    pub next_before: Option<i64>,
}

/// One entry of the audit log: who changed what, when, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "AuditEntry")]
pub struct AuditItem {
    /// The entry's number in the chain.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What was done (`create`, `update`, `delete`…).
    pub action: String,
    /// What kind of thing changed (`plan`, `measurement`…).
    pub entity: String,
    /// Which one.
    pub entity_key: String,
    /// The organisation's number, if the change is an organisation's.
    pub org_id: Option<i64>,
    /// The recorded value before the change.
    pub before: Option<Value>,
    /// The recorded value after the change.
    pub after: Option<Value>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditItem {
    fn from(e: AuditEntry) -> AuditItem {
        AuditItem {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_key: e.entity_key,
            org_id: e.org_id.map(|o| o.0),
            before: e.before,
            after: e.after,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

impl AuditPage {
    fn example() -> AuditPage {
        AuditPage {
            items: vec![AuditItem {
                seq: 120,
                at: "2026-12-01T09:00:00Z".into(),
                actor: "owner".into(),
                action: "update".into(),
                entity: "organisation".into(),
                entity_key: "acme".into(),
                org_id: Some(1),
                before: Some(serde_json::json!({ "maturity": "initial" })),
                after: Some(serde_json::json!({ "maturity": "improving" })),
                prev_hash: "5f1e0c86a4e1e3ccf0b1b1c0e6a0ab0f4cc2f6b0a6dd8e2dfd0e0c1b2a3f4e5d"
                    .into(),
                hash: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b".into(),
            }],
            next_before: Some(120),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
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
    Ok(Json(AuditPage {
        items: items.into_iter().map(AuditItem::from).collect(),
        next_before: next,
    }))
}

async fn verify(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<AuditVerdict>, ApiError> {
    who.require_admin()?;
    Ok(Json(AuditVerdict::of(state.store.verify_audit().await)?))
}
