//! Plans (目標): list, create, show with every revision, revise with a reason, record the
//! executives' agreement, close.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::plan::{
    self as plans, AgreementInput, NewPlan, PlanChange, PlanView, PlanWithRevisions,
};
use mieruka_store::PlanId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, Kind, LIMIT, OFFSET, Param, Route, who};
use super::{Page, visible_org, visible_plan};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const PERIOD: Param = Param {
    name: "period",
    kind: Kind::Text,
    description: "Only the plans of this period (FY2026-H2, or a custom period's name). Default: every period.",
    example: "FY2026-H2",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/plans", list)
            .doc(
                "plans",
                "The organisation's plans (as `mieruka plan list --json`)",
            )
            .query(&[PERIOD, LIMIT, OFFSET])
            .answers(Answer::list::<PlanView>()),
        Route::post("/api/v1/orgs/{org}/plans", create)
            .doc("plans", "Create a draft plan")
            .who(who::OWNER)
            .body::<NewPlan>()
            .example(json!({
                "period": "FY2026-H2",
                "kpi": "1.2.2",
                "targets": [{ "value": 90.0 }],
                "purpose": {
                    "text": "訓練で報告する人を増やし、情報漏えいの損失を減らす",
                    "reduces": ["theft"],
                    "effects": [{ "lever": "identifiability", "to": 3.0 }],
                },
                "units": ["security"],
            }))
            .created()
            .answers(Answer::of::<PlanView>()),
        Route::get("/api/v1/plans/{plan}", show)
            .doc(
                "plans",
                "A plan with every revision (as `mieruka plan show --json`)",
            )
            .answers(Answer::of::<PlanWithRevisions>()),
        Route::post("/api/v1/plans/{plan}/revisions", revise)
            .doc(
                "plans",
                "Change a plan: a new revision with its reason; the old one is kept",
            )
            .who(who::OWNER)
            .body::<PlanChange>()
            .example(json!({
                "reason": "経営会議で目標を引き上げた",
                "targets": [{ "value": 95.0 }],
                "trajectory": [{ "month": "2026-12", "value": 85.0 }],
            }))
            .created()
            .answers(Answer::of::<PlanView>()),
        Route::post("/api/v1/plans/{plan}/agreement", agree)
            .doc(
                "plans",
                "Record the executives' agreement (who, when) and mark the draft plan agreed",
            )
            .who(who::OWNER)
            .body::<AgreementInput>()
            .example(json!({ "by": "取締役会", "on": "2026-10-15" }))
            .answers(Answer::of::<PlanView>()),
        Route::post("/api/v1/plans/{plan}/close", close)
            .doc("plans", "Close a plan at the end of its period")
            .who(who::OWNER)
            .answers(Answer::of::<PlanView>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlansQuery {
    period: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<PlansQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let items: Vec<PlanView> = plans::list(&state.store, &org, q.period.as_deref())
        .await?
        .iter()
        .map(|(p, kpi, period)| PlanView::new(p, kpi, period))
        .collect();
    Ok(Json(Page::new(q.limit, q.offset).of(items)?))
}

/// The plan as it is now, for answers after a change.
async fn current(state: &AppState, plan: PlanId) -> Result<Json<PlanView>, ApiError> {
    let ctx = state.store.plan_context(plan).await?;
    Ok(Json(PlanView::new(&ctx.plan, &ctx.kpi, &ctx.period.id)))
}

async fn create(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(body): Body<NewPlan>,
) -> Result<(StatusCode, Json<PlanView>), ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    let (id, _) = plans::create(&store, &org, body, &who.actor(), now()).await?;
    Ok((StatusCode::CREATED, current(&state, id).await?))
}

async fn show(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
) -> Result<Json<PlanWithRevisions>, ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    let revisions = state.store.plan_revisions(ctx.plan.id).await?;
    Ok(Json(PlanWithRevisions::new(
        &ctx.plan,
        &ctx.kpi,
        &ctx.period.id,
        &revisions,
    )))
}

async fn revise(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
    Body(body): Body<PlanChange>,
) -> Result<(StatusCode, Json<PlanView>), ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    who.require(&state.store, ctx.org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    plans::revise(&store, &ctx, body, &who.actor(), now()).await?;
    Ok((StatusCode::CREATED, current(&state, ctx.plan.id).await?))
}

async fn agree(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
    Body(body): Body<AgreementInput>,
) -> Result<Json<PlanView>, ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    who.require(&state.store, ctx.org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    plans::agree(&store, &ctx, body, &who.actor(), now()).await?;
    current(&state, ctx.plan.id).await
}

async fn close(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
) -> Result<Json<PlanView>, ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    who.require(&state.store, ctx.org.id, Need::Manage).await?;
    plans::close(&state.store.with_actor(&who.actor()), &ctx).await?;
    current(&state, ctx.plan.id).await
}
