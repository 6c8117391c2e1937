//! Benchmark (peer) figures for the board report's comparison with other organisations:
//! server-wide, read by anyone signed in, set by administrators.

use axum::Json;
use axum::extract::State;
use mieruka_app::benchmarks::{BenchmarkView, validate_items};
use mieruka_domain::benchmark::RawBenchmark;
use serde_json::{Value, json};

use super::Page;
use super::answers::BenchmarkChanges;
use super::route::{Answer, PAGE, Route, who};
use crate::AppState;
use crate::auth::{Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::Params;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/benchmarks", list)
            .doc(
                "benchmarks",
                "Benchmark (peer) figures by KPI and date, which the board report compares the KPIs with (as `mieruka benchmark list --json`, paged)",
            )
            .who(who::SIGNED_IN)
            .query(PAGE)
            .answers(Answer::list::<BenchmarkView>()),
        Route::put("/api/v1/benchmarks", set)
            .doc(
                "benchmarks",
                "Add benchmark figures, or replace those with the same KPI and date: every item is checked first, and all are written or none",
            )
            .who(who::ADMIN)
            .body::<Vec<RawBenchmark>>()
            .example(json!([{
                "kpi": "1.2.2",
                "as_of": "2026-03-31",
                "median": 72.5,
                "lower": 60.0,
                "upper": 85.0,
                "peers": 120,
                "source": "業界団体の調査 2026",
            }]))
            .answers(Answer::of::<BenchmarkChanges>()),
    ]
}

async fn list(
    State(state): State<AppState>,
    _who: Principal,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    let items: Vec<BenchmarkView> = state
        .store
        .benchmarks()
        .await?
        .iter()
        .map(BenchmarkView::from)
        .collect();
    Ok(Json(page.of(items)?))
}

async fn set(
    State(state): State<AppState>,
    who: Principal,
    Body(items): Body<Vec<RawBenchmark>>,
) -> Result<Json<BenchmarkChanges>, ApiError> {
    who.require_admin()?;
    let rows = validate_items(&state.store, &items).await?;
    let changes = state
        .store
        .with_actor(&who.actor())
        .set_benchmarks(&rows, now())
        .await?;
    Ok(Json(BenchmarkChanges {
        added: changes.added,
        replaced: changes.replaced,
        unchanged: changes.unchanged,
    }))
}
