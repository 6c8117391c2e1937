//! Measurements (実績): list a plan's, enter one, correct one, import many.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::measure::{self as use_measurements, Correction, ImportReport, MeasurementView};
use mieruka_domain::plan::MeasurementInput;
use mieruka_store::MeasurementId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::route::{Answer, Kind, LIMIT, OFFSET, Param, Route, who};
use super::{Page, visible_plan};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const HISTORY: Param = Param {
    name: "history",
    kind: Kind::Boolean,
    description: "Include superseded measurements (every row ever recorded, oldest first).",
    example: "true",
};
const SKIP_INVALID: Param = Param {
    name: "skip_invalid",
    kind: Kind::Boolean,
    description: "Write the good rows and report the bad ones (default: any bad row rejects the whole request).",
    example: "true",
};
const DRY_RUN: Param = Param {
    name: "dry_run",
    kind: Kind::Boolean,
    description: "Check only; write nothing.",
    example: "true",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/plans/{plan}/measurements", list)
            .doc(
                "measurements",
                "A plan's measurements in force, or with history=true every one ever recorded",
            )
            .query(&[HISTORY, LIMIT, OFFSET])
            .answers(Answer::list::<MeasurementView>()),
        Route::post("/api/v1/plans/{plan}/measurements", add)
            .doc("measurements", "Record a measurement for a plan and unit")
            .who(who::MEASURE)
            .body::<MeasurementInput>()
            .example(json!({
                "unit": "security",
                "date": "2026-11-30",
                "numerator": 45.0,
                "denominator": 50.0,
                "evidence": "https://example.com/drills/2026-11",
            }))
            .created()
            .answers(Answer::of::<MeasurementView>()),
        Route::post("/api/v1/measurements/{id}/correction", correct)
            .doc(
                "measurements",
                "Correct a measurement: the correction supersedes it, which stays in the history",
            )
            .who(who::MEASURE)
            .body::<Correction>()
            .example(json!({ "numerator": 46.0, "denominator": 50.0, "evidence": "再集計" }))
            .created()
            .answers(Answer::of::<MeasurementView>()),
        Route::post("/api/v1/plans/{plan}/measurements/import", import)
            .doc(
                "measurements",
                "Import measurements: a JSON array of rows, all or none (every bad row listed as {row, field, reason}); rows already recorded are skipped, so sending the same rows again adds nothing",
            )
            .who(who::MEASURE)
            .query(&[SKIP_INVALID, DRY_RUN])
            .body::<MeasurementRows>()
            .example(json!([
                { "unit": "security", "date": "2026-10-31", "numerator": 40.0, "denominator": 50.0 },
                { "unit": "security", "date": "2026-11-30", "numerator": 45.0, "denominator": 50.0 },
            ]))
            .answers(Answer::of::<ImportReport>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[serde(default)]
    history: bool,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    let rows = if q.history {
        state.store.measurement_history(ctx.plan.id).await?
    } else {
        state.store.current_measurements(ctx.plan.id).await?
    };
    let items: Vec<MeasurementView> = rows.iter().map(MeasurementView::from).collect();
    Ok(Json(Page::new(q.limit, q.offset).of(items)?))
}

async fn add(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
    Body(input): Body<MeasurementInput>,
) -> Result<(StatusCode, Json<MeasurementView>), ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    let unit = ctx
        .unit(input.unit.trim())
        .ok_or_else(|| ApiError::invalid("unit", format!("there is no unit `{}`", input.unit)))?;
    who.require_with(ctx.org.id, Need::Measure(unit.id), &ctx.units)?;
    let store = state.store.with_actor(&who.actor());
    let source = use_measurements::source(who.token_scopes.is_some());
    let stored = use_measurements::add(&store, &ctx, &input, source, store.actor(), now()).await?;
    Ok((StatusCode::CREATED, Json(MeasurementView::from(&stored))))
}

async fn correct(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(id): UrlPath<i64>,
    Body(body): Body<Correction>,
) -> Result<(StatusCode, Json<MeasurementView>), ApiError> {
    let old = use_measurements::find(&state.store, MeasurementId(id)).await?;
    let ctx = visible_plan(&state, &who, old.plan.0).await?;
    who.require_with(ctx.org.id, Need::Measure(old.unit), &ctx.units)?;
    let store = state.store.with_actor(&who.actor());
    let source = use_measurements::source(who.token_scopes.is_some());
    let stored =
        use_measurements::correct(&store, &ctx, &old, body, source, store.actor(), now()).await?;
    Ok((StatusCode::CREATED, Json(MeasurementView::from(&stored))))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    skip_invalid: bool,
    #[serde(default)]
    dry_run: bool,
}

/// Measurements to record in one request: at least one row, each as `POST …/measurements`
/// takes one. (At most 10,000 rows, within the body limit; the schema leaves the most out, as a
/// longer list is refused by its size first.)
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
#[schemars(rename = "MeasurementRows")]
struct MeasurementRows(#[schemars(length(min = 1))] Vec<MeasurementInput>);

async fn import(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(plan): UrlPath<i64>,
    Params(q): Params<ImportQuery>,
    Body(MeasurementRows(rows)): Body<MeasurementRows>,
) -> Result<Json<ImportReport>, ApiError> {
    let ctx = visible_plan(&state, &who, plan).await?;
    let store = state.store.with_actor(&who.actor());
    let source = use_measurements::source(who.token_scopes.is_some());
    let checked = use_measurements::check(&store, &ctx, &rows, source).await?;
    for unit in &checked.units {
        who.require_with(ctx.org.id, Need::Measure(*unit), &ctx.units)?;
    }
    let report = use_measurements::apply(&store, checked, q.skip_invalid, q.dry_run, now()).await?;
    Ok(Json(report))
}
