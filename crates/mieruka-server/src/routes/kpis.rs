//! The KPIs an organisation can plan with (the catalogue and its own), which of them suit its
//! maturity stage, and its periods.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::catalog::RecommendationView;
use mieruka_app::plan::chosen_in;
use mieruka_app::status::resolve_period;
use mieruka_domain::Date;
use mieruka_domain::KpiDefinition;
use mieruka_domain::catalogue::RawKpi;
use mieruka_domain::recommend::recommend;
use mieruka_store::periods::StoredPeriod;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::route::{Answer, Kind, PAGE, Param, Route, who};
use super::{Page, visible_org};
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const PERIOD: Param = Param {
    name: "period",
    kind: Kind::Text,
    description: "The period whose plans count as already chosen: a fiscal period (FY2026, FY2026-H2, FY2026-Q3) or a custom period's name. Default: the half-year containing today.",
    example: "FY2026-H2",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/kpis", list)
            .doc(
                "kpis",
                "The KPIs the organisation can plan with: the catalogue, then its own (as `mieruka kpi list --json`)",
            )
            .query(PAGE)
            .answers(Answer::list::<KpiDefinition>()),
        Route::post("/api/v1/orgs/{org}/kpis", add)
            .doc(
                "kpis",
                "Add an own KPI, validated like the catalogue's (fields as docs/catalogue.md; source defaults to own)",
            )
            .who(who::OWNER)
            .body::<RawKpi>()
            .example(json!({
                "id": "ACME.1",
                "name": { "ja": "フィッシング訓練の報告率", "en": "Phishing drill report rate" },
                "measure_kind": "education",
                "maturity": "improving",
                "direction": "higher_is_better",
                "measure_type": "effectiveness",
                "frequency": "quarterly",
                "formula": {
                    "kind": "ratio",
                    "numerator": { "ja": "報告した人数", "en": "People who reported" },
                    "denominator": { "ja": "訓練の対象者数", "en": "People in the drill" },
                },
                "targets": [{ "rule": "at_least", "value": 80.0, "unit": "percent" }],
            }))
            .created()
            .answers(Answer::without_example::<KpiDefinition>()),
        Route::get("/api/v1/orgs/{org}/recommendations", recommendations)
            .doc(
                "kpis",
                "Which KPIs suit the organisation's maturity stage, and how many to choose",
            )
            .query(&[PERIOD])
            .answers(Answer::of::<RecommendationView>()),
        Route::get("/api/v1/orgs/{org}/periods", periods)
            .doc("kpis", "The periods the organisation has plans for")
            .query(PAGE)
            .answers(Answer::list::<PeriodView>()),
    ]
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let defs: Vec<_> = state
        .store
        .kpi_definitions(Some(org.id))
        .await?
        .into_iter()
        .map(|k| k.definition)
        .collect();
    Ok(Json(page.of(defs)?))
}

async fn add(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(raw): Body<RawKpi>,
) -> Result<(StatusCode, Json<KpiDefinition>), ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    let def = mieruka_app::catalog::add_own_kpi(&store, &org, raw, now()).await?;
    Ok((StatusCode::CREATED, Json(def)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodQuery {
    period: Option<String>,
}

async fn recommendations(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(q): Params<PeriodQuery>,
) -> Result<Json<RecommendationView>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let store = &state.store;
    let period = resolve_period(store, &org, q.period.as_deref(), org.org.today(now())).await?;
    let chosen = chosen_in(store, &org, &period.id).await?;
    let defs = store.kpi_definitions(Some(org.id)).await?;
    let rec = recommend(defs.iter().map(|d| &d.definition), org.org.maturity, chosen);
    Ok(Json(RecommendationView::new(&org, &period.id, &rec)))
}

/// A period the organisation has plans for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Period")]
#[schemars(example = PeriodView::example())]
pub struct PeriodView {
    /// `FY2026`, `FY2026-H2`, `FY2026-Q3`, or a custom period's name.
    pub code: String,
    /// `fiscal_year`, `half`, `quarter` or `custom`.
    pub kind: String,
    /// Its first day.
    pub start: Date,
    /// Its last day.
    pub end: Date,
}

impl From<&StoredPeriod> for PeriodView {
    fn from(p: &StoredPeriod) -> PeriodView {
        PeriodView {
            code: p.code.clone(),
            kind: p.kind.clone(),
            start: p.start,
            end: p.end,
        }
    }
}

impl PeriodView {
    fn example() -> PeriodView {
        PeriodView {
            code: "FY2026-H2".into(),
            kind: "half".into(),
            start: Date::new(2026, 10, 1).expect("a date"),
            end: Date::new(2027, 3, 31).expect("a date"),
        }
    }
}

async fn periods(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let periods: Vec<PeriodView> = state
        .store
        .periods(org.id)
        .await?
        .iter()
        .map(PeriodView::from)
        .collect();
    Ok(Json(page.of(periods)?))
}
