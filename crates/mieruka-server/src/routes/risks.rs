//! The business-risk register and its matrix (Fig. 8).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mieruka_app::risks::{self, RegisterSummary, RiskItem, load, matrix_svg, risk_items};
use mieruka_domain::Lang;
use mieruka_domain::risk::RawRisk;
use serde::Deserialize;
use serde_json::{Value, json};

use super::answers::Removed;
use super::route::{Answer, Kind, LIMIT, OFFSET, Param, Route, who};
use super::status::AS_OF;
use super::{Page, date_or_today, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const LANG: Param = Param {
    name: "lang",
    kind: Kind::OneOf(&["ja", "en"]),
    description: "Language of the matrix's text: ja (default) or en.",
    example: "en",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/risks", list)
            .doc(
                "risks",
                "The business-risk register, each risk placed on the matrix (as `mieruka risks --json`, the risks paged as items)",
            )
            .query(&[AS_OF, LIMIT, OFFSET])
            .answers(Answer::list_with::<RiskItem, RegisterSummary>()),
        Route::get("/api/v1/orgs/{org}/risks/matrix.svg", matrix)
            .doc(
                "risks",
                "The risk matrix as a standalone SVG image (the cyber risk now and after the plans)",
            )
            .query(&[LANG, AS_OF])
            .answers(Answer::Svg),
        Route::put("/api/v1/orgs/{org}/risks/{code}", set)
            .doc(
                "risks",
                "Add a business risk, or replace the one with this code (201 when added, 200 when replaced)",
            )
            .who(who::OWNER)
            .body::<RiskInput>()
            .example(json!({
                "name": "主要取引先の倒産",
                "category": "財務",
                "probability": 2,
                "impact_yen": 3_000_000_000_i64,
                "owner": "CFO",
            }))
            .answers(Answer::of::<RiskItem>())
            .or_created(),
        Route::delete("/api/v1/orgs/{org}/risks/{code}", remove)
            .doc("risks", "Remove a business risk")
            .who(who::OWNER)
            .answers(Answer::of::<Removed>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    as_of: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let as_of = date_or_today(&org, "as_of", q.as_of.as_deref())?;
    let reg = load(&state.store, &org, as_of).await?;
    let mut v = Page::new(q.limit, q.offset).of(risk_items(&reg, true))?;
    let summary = serde_json::to_value(RegisterSummary::new(&org, &reg))
        .map_err(|e| ApiError::Internal(format!("the register could not be written: {e}")))?;
    if let (Some(page), Value::Object(extra)) = (v.as_object_mut(), summary) {
        page.extend(extra);
    }
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatrixQuery {
    lang: Option<String>,
    as_of: Option<String>,
}

async fn matrix(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<MatrixQuery>,
) -> Result<Response, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let lang: Lang = match q.lang.as_deref() {
        None => Lang::Ja,
        Some(l) => l.parse().map_err(|e| ApiError::invalid("lang", e))?,
    };
    let as_of = date_or_today(&org, "as_of", q.as_of.as_deref())?;
    let reg = load(&state.store, &org, as_of).await?;
    let svg = matrix_svg(lang, &org, &reg);
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

/// The risk as listed, after a change.
async fn listed(
    state: &AppState,
    org: &mieruka_store::orgs::StoredOrg,
    code: &str,
) -> Result<RiskItem, ApiError> {
    let reg = load(&state.store, org, org.org.today(crate::auth::now())).await?;
    risk_items(&reg, true)
        .into_iter()
        .find(|r| r.code == code)
        .ok_or_else(|| ApiError::Internal(format!("risk {code} could not be read back")))
}

/// A risk as a request gives it; its code is the path's. Exactly one of `impact` (1–5),
/// `impact_yen` and `cyber: true` says where the impact comes from.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    pub name: String,
    pub category: String,
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub probability: i64,
    /// 1–5.
    #[schemars(range(min = 1, max = 5))]
    pub impact: Option<i64>,
    #[schemars(range(min = 0, max = mieruka_domain::risk::MAX_YEN))]
    pub impact_yen: Option<i64>,
    #[serde(default)]
    /// The impact is the loss model's (one risk per organisation).
    pub cyber: bool,
    pub owner: Option<String>,
    pub note: Option<String>,
}

impl RiskInput {
    /// The risk with this code, to be checked by the register's use case.
    pub fn into_raw(self, code: &str) -> RawRisk {
        RawRisk {
            code: code.to_string(),
            name: self.name,
            category: self.category,
            probability: self.probability,
            impact: self.impact,
            impact_yen: self.impact_yen,
            cyber: self.cyber,
            owner: self.owner,
            note: self.note,
        }
    }
}

async fn set(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((org_code, code)): UrlPath<(String, String)>,
    Body(body): Body<RiskInput>,
) -> Result<(StatusCode, Json<RiskItem>), ApiError> {
    let org = visible_org(&state, &who, &org_code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    let (_, added) = risks::set(&store, &org, body.into_raw(&code), now()).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(listed(&state, &org, &code).await?)))
}

async fn remove(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((org_code, code)): UrlPath<(String, String)>,
) -> Result<Json<Removed>, ApiError> {
    let org = visible_org(&state, &who, &org_code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    risks::remove(&state.store.with_actor(&who.actor()), &org, &code).await?;
    Ok(Json(Removed { removed: code }))
}
