//! The public JSON of the catalogue's views: the Fig. 1 grid (`mieruka catalog --grid --json`)
//! and the KPIs recommended for an organisation's stage (`mieruka recommend --json`).

use mieruka_domain::grid::Grid;
use mieruka_domain::kpi::{KpiId, Target, TargetRule, Unit};
use mieruka_domain::recommend::{CountAdvice, Recommendation};
use mieruka_domain::{Lang, Maturity, MeasureKind, Source, Text};
use mieruka_store::orgs::StoredOrg;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The Fig. 1 grid, as `mieruka catalog --grid --json` prints it: kinds of measure × maturity
/// stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Grid")]
#[schemars(example = GridView::example())]
pub struct GridView {
    /// One row per kind of measure, in `row_order`.
    pub rows: Vec<GridRow>,
    /// The maturity stages, one per cell of a row.
    pub columns: Vec<Maturity>,
    /// The kinds of measure, in the rows' order.
    pub row_order: Vec<MeasureKind>,
}

/// A kind of measure's row of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GridRow {
    pub measure_kind: MeasureKind,
    /// The kind's name.
    pub name: Text,
    /// One cell per maturity stage, in `columns`' order.
    pub cells: Vec<GridCellView>,
}

/// A cell of the grid: the KPIs drawn there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "GridCellKpis")]
pub struct GridCellView {
    pub maturity: Maturity,
    /// The ids of the KPIs in the cell.
    pub kpis: Vec<String>,
}

/// A kind of measure's name in both languages.
fn kind_name(kind: MeasureKind) -> Text {
    Text::new(kind.label(Lang::Ja), kind.label(Lang::En))
}

impl From<&Grid<'_>> for GridView {
    fn from(grid: &Grid<'_>) -> GridView {
        let rows = grid
            .rows()
            .map(|(kind, cells)| GridRow {
                measure_kind: kind,
                name: kind_name(kind),
                cells: Maturity::ALL
                    .iter()
                    .zip(cells)
                    .map(|(m, defs)| GridCellView {
                        maturity: *m,
                        kpis: defs.iter().map(|d| d.id.as_str().to_string()).collect(),
                    })
                    .collect(),
            })
            .collect();
        GridView {
            rows,
            columns: Maturity::ALL.to_vec(),
            row_order: MeasureKind::ALL.to_vec(),
        }
    }
}

impl GridView {
    fn example() -> GridView {
        let kind = MeasureKind::Education;
        GridView {
            rows: vec![GridRow {
                measure_kind: kind,
                name: kind_name(kind),
                cells: Maturity::ALL
                    .iter()
                    .map(|m| GridCellView {
                        maturity: *m,
                        kpis: if *m == Maturity::Initial {
                            vec!["1.2.2".into()]
                        } else {
                            Vec::new()
                        },
                    })
                    .collect(),
            }],
            columns: Maturity::ALL.to_vec(),
            row_order: vec![kind],
        }
    }
}

/// The KPIs that suit an organisation's stage and advice on how many to choose, as `mieruka
/// recommend --json` prints it except the sentence of advice (`message`), which is the command
/// line's wording in one language: `advice` is its code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Recommendation")]
#[schemars(example = RecommendationView::example())]
pub struct RecommendationView {
    /// The organisation's code.
    pub org: String,
    /// Its maturity stage.
    pub maturity: Maturity,
    /// The stages whose KPIs suit: this one and those before it.
    pub stages: Vec<Maturity>,
    /// The period whose plans count as chosen.
    pub period: String,
    /// How many KPIs the period's plans (not closed) already measure.
    pub chosen: usize,
    /// How many KPIs the stage suggests.
    pub suggested: Suggested,
    /// What the count chosen means against the suggestion.
    pub advice: CountAdvice,
    /// The suitable KPIs, by kind of measure.
    pub groups: Vec<RecommendedGroup>,
}

/// A range of how many KPIs to choose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Suggested {
    pub min: usize,
    pub max: usize,
}

/// The suitable KPIs of one kind of measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecommendedGroup {
    pub measure_kind: MeasureKind,
    pub kpis: Vec<RecommendedKpi>,
}

/// A suitable KPI, in short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecommendedKpi {
    pub id: KpiId,
    pub name: Text,
    pub maturity: Maturity,
    pub targets: Vec<Target>,
    pub source: Source,
}

impl RecommendationView {
    pub fn new(org: &StoredOrg, period: &str, rec: &Recommendation<'_>) -> RecommendationView {
        RecommendationView {
            org: org.org.slug.as_str().to_string(),
            maturity: rec.stage,
            stages: rec.stages.clone(),
            period: period.to_string(),
            chosen: rec.chosen,
            suggested: Suggested {
                min: rec.suggested.0,
                max: rec.suggested.1,
            },
            advice: rec.advice,
            groups: rec
                .groups
                .iter()
                .map(|(kind, defs)| RecommendedGroup {
                    measure_kind: *kind,
                    kpis: defs
                        .iter()
                        .map(|d| RecommendedKpi {
                            id: d.id.clone(),
                            name: d.name.clone(),
                            maturity: d.maturity,
                            targets: d.targets.clone(),
                            source: d.source,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn example() -> RecommendationView {
        RecommendationView {
            org: "acme".into(),
            maturity: Maturity::Initial,
            stages: vec![Maturity::Initial],
            period: "FY2026-H2".into(),
            chosen: 1,
            suggested: Suggested { min: 2, max: 3 },
            advice: CountAdvice::RoomForMore,
            groups: vec![RecommendedGroup {
                measure_kind: MeasureKind::Education,
                kpis: vec![RecommendedKpi {
                    id: KpiId::parse("1.2.2").expect("an id"),
                    name: Text {
                        ja: "標的型メール訓練での報告率".into(),
                        en: "Reporting rate in phishing drills".into(),
                    },
                    maturity: Maturity::Initial,
                    targets: vec![Target {
                        rule: TargetRule::AtLeast,
                        value: Some(90.0),
                        unit: Unit::Percent,
                        part: None,
                    }],
                    source: Source::Appendix,
                }],
            }],
        }
    }
}

/// Adds one of the organisation's own KPIs (the API's `POST …/kpis`, `mieruka kpi add`): validated
/// like the catalogue's (`RawKpi::validate`, every problem listed), its source `own` when not
/// given and refused when it claims another (an organisation cannot add to the JCIC catalogue).
pub async fn add_own_kpi(
    store: &mieruka_store::Store,
    org: &StoredOrg,
    mut raw: mieruka_domain::catalogue::RawKpi,
    now: mieruka_domain::Timestamp,
) -> crate::Result<mieruka_domain::KpiDefinition> {
    if raw.source.is_none() {
        raw.source = Some(Source::Own.code().into());
    }
    let def = raw.validate().map_err(|problems| {
        let reason = problems
            .iter()
            .map(|p| match &p.field {
                Some(f) => format!("{f}: {}", p.reason),
                None => p.reason.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        match problems.first().and_then(|p| p.field.clone()) {
            Some(field) => crate::AppError::Invalid { field, reason },
            None => crate::AppError::Refused(reason),
        }
    })?;
    if def.source != Source::Own {
        return Err(crate::AppError::invalid(
            "source",
            format!(
                "an organisation's own KPI has source `own`, not `{}`",
                def.source.code()
            ),
        ));
    }
    store.add_own_kpi(org.id, &def, now).await?;
    Ok(def)
}
