//! The built-in KPI catalogue: the entries (as `mieruka catalog --json`) and the Fig. 1 grid.

use axum::Json;
use axum::extract::State;
use mieruka_app::catalog::GridView;
use mieruka_domain::grid::Grid;
use mieruka_domain::{KpiDefinition, Maturity, MeasureKind, Source};
use serde::Deserialize;
use serde_json::Value;

use super::Page;
use super::route::{Answer, Kind, LIMIT, OFFSET, Param, Route, who};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::params::Params;

const SOURCE: Param = Param {
    name: "source",
    kind: Kind::Text,
    description: "Only entries from these sources, comma-separated: appendix, model_grid, example, us_federal. The grid shows appendix and model_grid unless told otherwise.",
    example: "appendix,model_grid",
};
const KIND: Param = Param {
    name: "kind",
    kind: Kind::OneOf(&[
        "compliance",
        "education",
        "organisation",
        "assessment",
        "information_sharing",
    ]),
    description: "Only entries of this kind of measure: compliance, education, organisation, assessment, information_sharing.",
    example: "education",
};
const MATURITY: Param = Param {
    name: "maturity",
    kind: Kind::OneOf(&["initial", "improving", "optimising"]),
    description: "Only entries of this maturity stage: initial, improving, optimising.",
    example: "initial",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/catalog", list)
            .doc(
                "catalogue",
                "The built-in KPI catalogue, filtered (the same entries as `mieruka catalog --json`)",
            )
            .who(who::SIGNED_IN)
            .query(&[SOURCE, KIND, MATURITY, LIMIT, OFFSET])
            .answers(Answer::list::<KpiDefinition>()),
        Route::get("/api/v1/catalog/grid", grid)
            .doc(
                "catalogue",
                "The KPI model grid: kinds of measure × maturity stages (as `mieruka catalog --grid --json`)",
            )
            .who(who::SIGNED_IN)
            .query(&[SOURCE, KIND, MATURITY])
            .answers(Answer::of::<GridView>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    source: Option<String>,
    kind: Option<String>,
    maturity: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

impl Filter {
    fn sources(&self) -> Result<Vec<Source>, ApiError> {
        self.source
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|e| ApiError::invalid("source", e)))
            .collect()
    }

    fn kind(&self) -> Result<Option<MeasureKind>, ApiError> {
        self.kind
            .as_deref()
            .map(|k| k.trim().parse().map_err(|e| ApiError::invalid("kind", e)))
            .transpose()
    }

    fn maturity(&self) -> Result<Option<Maturity>, ApiError> {
        self.maturity
            .as_deref()
            .map(|m| {
                m.trim()
                    .parse()
                    .map_err(|e| ApiError::invalid("maturity", e))
            })
            .transpose()
    }

    /// The built-in entries that pass the filter, in catalogue order; `default_sources` applies
    /// when no source is given.
    async fn select(
        &self,
        state: &AppState,
        default_sources: &[Source],
    ) -> Result<Vec<KpiDefinition>, ApiError> {
        let mut sources = self.sources()?;
        if sources.is_empty() {
            sources = default_sources.to_vec();
        }
        let (kind, maturity) = (self.kind()?, self.maturity()?);
        Ok(state
            .store
            .kpi_definitions(None)
            .await?
            .into_iter()
            .map(|k| k.definition)
            .filter(|d| sources.is_empty() || sources.contains(&d.source))
            .filter(|d| kind.is_none_or(|k| d.measure_kind == k))
            .filter(|d| maturity.is_none_or(|m| d.maturity == m))
            .collect())
    }
}

async fn list(
    State(state): State<AppState>,
    _who: Principal,
    Params(q): Params<Filter>,
) -> Result<Json<Value>, ApiError> {
    let selected = q.select(&state, &[]).await?;
    Ok(Json(Page::new(q.limit, q.offset).of(selected)?))
}

async fn grid(
    State(state): State<AppState>,
    _who: Principal,
    Params(q): Params<Filter>,
) -> Result<Json<GridView>, ApiError> {
    let selected = q.select(&state, Grid::model_sources()).await?;
    Ok(Json(GridView::from(&Grid::build(selected.iter()))))
}
