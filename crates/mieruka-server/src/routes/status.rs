//! Plan against actual for a period (as `mieruka status --json`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mieruka_app::status::{StatusView, resolve_period, statuses};
use serde::Deserialize;

use super::route::{Answer, Kind, Param, Route};
use super::{date_or_today, visible_org};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const PERIOD: Param = Param {
    name: "period",
    kind: Kind::Text,
    description: "Period id (FY2026-H2, or a custom period's name); default: the half-year containing today.",
    example: "FY2026-H2",
};
pub const AS_OF: Param = Param {
    name: "as_of",
    kind: Kind::Date,
    description: "Evaluate as of this date (YYYY-MM-DD); default today.",
    example: "2026-11-30",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/status", status)
            .doc(
                "status",
                "Plan against actual for a period: achievement, status, forecast, per unit (as `mieruka status --json`)",
            )
            .query(&[PERIOD, AS_OF])
            .answers(Answer::of::<StatusView>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusQuery {
    period: Option<String>,
    as_of: Option<String>,
}

async fn status(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<StatusQuery>,
) -> Result<Response, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let as_of = date_or_today(&org, "as_of", q.as_of.as_deref())?;
    // The dashboard asks for this most: reuse the answer while no data has changed.
    let version = who.versions.data;
    let key = format!(
        "status|{}|{}|{as_of}",
        org.org.slug,
        q.period.as_deref().unwrap_or("")
    );
    if let Some(answer) = state.caches.views.get(&key, version) {
        return Ok(json_bytes(answer));
    }
    let period = resolve_period(&state.store, &org, q.period.as_deref(), as_of).await?;
    let list = statuses(&state.store, &org, &period, as_of).await?;
    let answer = StatusView::new(&org, &period, as_of, &list);
    let bytes =
        Bytes::from(serde_json::to_vec(&answer).map_err(|e| ApiError::Internal(e.to_string()))?);
    state.caches.views.put(key, version, bytes.clone());
    Ok(json_bytes(bytes))
}

/// Serialised JSON as a response.
fn json_bytes(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}
