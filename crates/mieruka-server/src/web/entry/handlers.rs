//! The entry routes: the page (`GET …/measure`, optionally starting a correction), the inline
//! check (`POST …/measure/check`, writes nothing) and saving (`POST …/measure`), each only for a
//! plan the viewer may see, in the organisation of the path.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::measure::{self as use_measurements, Correction};
use mieruka_domain::plan::{FieldError, MeasurementSource};
use mieruka_store::MeasurementId;
use mieruka_store::plans::PlanContext;
use serde::Deserialize;

use super::super::{Viewer, WebError, render, see_other};
use super::form::{correction_values, input_of};
use super::layout::{CheckFragment, build};
use super::reasons::{explain, problems_of};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct EntryQuery {
    pub correct: Option<i64>,
}

/// The plan, if the viewer may see it and it belongs to the organisation in the path.
pub async fn plan_of(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    plan: &str,
) -> Result<PlanContext, WebError> {
    let plan: i64 = plan.parse().map_err(|_| ApiError::NotFound)?;
    let org = viewer.org(state, code).await?;
    let ctx = crate::routes::visible_plan(state, &viewer.who, plan).await?;
    if ctx.org.id != org.id {
        return Err(ApiError::NotFound.into());
    }
    Ok(ctx)
}

/// `GET /orgs/{org}/plans/{plan}/measure[?correct=ID]`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    Query(q): Query<EntryQuery>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let mut typed = HashMap::new();
    if let Some(id) = q.correct {
        let old = use_measurements::find(&state.store, MeasurementId(id)).await?;
        if old.plan != ctx.plan.id || old.superseded_by.is_some() {
            return Err(ApiError::NotFound.into());
        }
        typed.insert("unit".to_string(), old.unit_code.clone());
        typed.insert("date".to_string(), old.measured_on.to_string());
        if let Some(p) = &old.part {
            typed.insert("part".to_string(), p.clone());
        }
        for (k, v) in correction_values(&ctx.kpi, &old.value) {
            typed.insert(
                k.to_string(),
                super::super::format::number(v).replace(',', ""),
            );
        }
    }
    render(&build(&state, &viewer, &ctx, &typed, q.correct, Vec::new()).await?)
}

/// `POST /orgs/{org}/plans/{plan}/measure/check`: the form's problems as an inline fragment
/// (htmx, on change). Writes nothing.
pub async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    Form(typed): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let problems = problems_of(&ctx, &typed, viewer.lang, &viewer.who.actor());
    render(&CheckFragment {
        ok: viewer.t("web_entry_ok"),
        problems,
    })
}

/// `POST /orgs/{org}/plans/{plan}/measure`: records the measurement (or, with `correct`, the
/// correction) and returns to the plan; a refused entry shows the form again with the reasons.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
    Form(typed): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let ctx = plan_of(&state, &viewer, &code, &plan).await?;
    let lang = viewer.lang;
    let correct: Option<i64> = typed
        .get("correct")
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| ApiError::invalid("correct", "not a measurement number"))
        })
        .transpose()?;
    let input = match input_of(&typed, lang) {
        Ok(i) => i,
        Err(problems) => return refused(&state, &viewer, &ctx, &typed, correct, problems).await,
    };
    // The unit decides the right: only those who may measure it write.
    let Some(unit) = ctx.unit(input.unit.trim()) else {
        let e = FieldError {
            field: "unit".into(),
            reason: "missing".into(),
        };
        let problems = vec![explain(&e, lang)];
        return refused(&state, &viewer, &ctx, &typed, correct, problems).await;
    };
    viewer
        .who
        .require_with(ctx.org.id, Need::Measure(unit.id), &ctx.units)?;
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match correct {
        None => use_measurements::add(
            &store,
            &ctx,
            &input,
            MeasurementSource::Manual,
            store.actor(),
            now(),
        )
        .await
        .map_err(ApiError::from),
        Some(id) => {
            let old = use_measurements::find(&state.store, MeasurementId(id)).await?;
            if old.plan != ctx.plan.id {
                return Err(ApiError::NotFound.into());
            }
            viewer
                .who
                .require_with(ctx.org.id, Need::Measure(old.unit), &ctx.units)?;
            let c = Correction::from_input(input.clone());
            use_measurements::correct(
                &store,
                &ctx,
                &old,
                c,
                MeasurementSource::Manual,
                store.actor(),
                now(),
            )
            .await
            .map_err(ApiError::from)
        }
    };
    match result {
        Ok(_) => Ok(see_other(
            viewer.htmx,
            &format!("/orgs/{code}/plans/{}", ctx.plan.id.0),
        )),
        Err(ApiError::Invalid {
            field: Some(field),
            reason,
        }) => {
            let problems = vec![explain(&FieldError { field, reason }, lang)];
            refused(&state, &viewer, &ctx, &typed, correct, problems).await
        }
        Err(ApiError::Conflict(reason)) => {
            let problems = vec![format!("{}: {reason}", viewer.t("web_error_conflict"))];
            refused(&state, &viewer, &ctx, &typed, correct, problems).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    state: &AppState,
    viewer: &Viewer,
    ctx: &PlanContext,
    typed: &HashMap<String, String>,
    correct: Option<i64>,
    problems: Vec<String>,
) -> Result<Response, WebError> {
    let page = build(state, viewer, ctx, typed, correct, problems).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}
