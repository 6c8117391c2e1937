//! Choosing KPIs for a maturity stage (Fig. 1 and 4 of the report).
//!
//! An organisation picks from its own column of the model and the columns before it, grouped
//! by kind of measure. The count is guided, never enforced: 2–3 KPIs at the initial stage,
//! growing to about 5–6 as the organisation matures. Past the guide mieruka warns, because too
//! many KPIs tire the people who collect them and blur what they are for.

use serde::Serialize;

use crate::grid::Grid;
use crate::kpi::{KpiDefinition, Maturity, MeasureKind, Source};

/// How many KPIs suit a stage: (fewest, most).
pub fn suggested_count(stage: Maturity) -> (usize, usize) {
    match stage {
        Maturity::Initial => (2, 3),
        Maturity::Improving => (3, 5),
        Maturity::Optimising => (5, 6),
    }
}

/// Above this many KPIs in a period the model's guidance is exceeded at any stage.
pub const MODEL_MAXIMUM: usize = 6;

/// What the count of chosen KPIs means against the guide.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum CountAdvice {
    /// Fewer than the stage suggests: room for more.
    RoomForMore,
    /// Within the stage's range.
    Balanced,
    /// Above the stage's range but within the model's maximum.
    AboveStage,
    /// Above the model's maximum of about six.
    TooMany,
}

/// The KPIs that suit a stage, grouped by kind, and advice on the count.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation<'a> {
    pub stage: Maturity,
    /// The stages whose KPIs suit: this one and those before it.
    pub stages: Vec<Maturity>,
    pub groups: Vec<(MeasureKind, Vec<&'a KpiDefinition>)>,
    pub suggested: (usize, usize),
    pub chosen: usize,
    pub advice: CountAdvice,
}

/// Recommends from `defs` (the model's sources and the organisation's own KPIs) for `stage`,
/// given how many KPIs are already chosen for the period.
pub fn recommend<'a>(
    defs: impl IntoIterator<Item = &'a KpiDefinition>,
    stage: Maturity,
    chosen: usize,
) -> Recommendation<'a> {
    let stages: Vec<Maturity> = Maturity::ALL
        .iter()
        .copied()
        .filter(|m| *m <= stage)
        .collect();
    let suitable: Vec<&KpiDefinition> = defs
        .into_iter()
        .filter(|d| Grid::model_sources().contains(&d.source) || d.source == Source::Own)
        .filter(|d| stages.contains(&d.maturity))
        .collect();
    let groups = MeasureKind::ALL
        .iter()
        .map(|&k| {
            (
                k,
                suitable
                    .iter()
                    .copied()
                    .filter(|d| d.measure_kind == k)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let suggested = suggested_count(stage);
    let advice = if chosen > MODEL_MAXIMUM {
        CountAdvice::TooMany
    } else if chosen > suggested.1 {
        CountAdvice::AboveStage
    } else if chosen < suggested.0 {
        CountAdvice::RoomForMore
    } else {
        CountAdvice::Balanced
    };
    Recommendation {
        stage,
        stages,
        groups,
        suggested,
        chosen,
        advice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalogue;

    #[test]
    fn a_stage_sees_its_column_and_the_ones_before() {
        let cat = Catalogue::builtin().unwrap();
        let initial = recommend(cat.entries(), Maturity::Initial, 0);
        let all: Vec<_> = initial.groups.iter().flat_map(|(_, v)| v.iter()).collect();
        assert!(all.iter().all(|d| d.maturity == Maturity::Initial));
        assert!(all.iter().any(|d| d.id.as_str() == "1.1.1"));
        assert!(
            all.iter()
                .all(|d| d.source != Source::Example && d.source != Source::UsFederal)
        );

        let improving = recommend(cat.entries(), Maturity::Improving, 0);
        let ids: Vec<_> = improving
            .groups
            .iter()
            .flat_map(|(_, v)| v.iter().map(|d| d.id.as_str()))
            .collect();
        assert!(ids.contains(&"1.1.1") && ids.contains(&"1.2.2") && !ids.contains(&"1.11.1"));
        assert_eq!(improving.stages, [Maturity::Initial, Maturity::Improving]);
    }

    #[test]
    fn the_count_is_guided_never_blocked() {
        let cat = Catalogue::builtin().unwrap();
        let advice = |stage, n| recommend(cat.entries(), stage, n).advice;
        assert_eq!(advice(Maturity::Initial, 1), CountAdvice::RoomForMore);
        assert_eq!(advice(Maturity::Initial, 3), CountAdvice::Balanced);
        assert_eq!(advice(Maturity::Initial, 4), CountAdvice::AboveStage);
        assert_eq!(advice(Maturity::Optimising, 6), CountAdvice::Balanced);
        assert_eq!(advice(Maturity::Optimising, 7), CountAdvice::TooMany);
    }
}
