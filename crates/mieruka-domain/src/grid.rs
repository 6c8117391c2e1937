//! The Fig. 1 grid: five measure kinds (rows) × three maturity stages (columns).

use crate::kpi::{KpiDefinition, Maturity, MeasureKind, Source};

/// The KPIs of a catalogue placed in the grid's cells, in catalogue order within a cell.
#[derive(Debug, Clone)]
pub struct Grid<'a> {
    cells: Vec<Vec<&'a KpiDefinition>>,
}

impl<'a> Grid<'a> {
    /// Places each definition in the cell of its own measure kind and maturity. Where Fig. 1
    /// draws an appendix KPI in another column, the appendix's stage wins; the figure's cell stays
    /// on the definition as `grid_cell`.
    pub fn build(defs: impl IntoIterator<Item = &'a KpiDefinition>) -> Grid<'a> {
        let mut cells = vec![Vec::new(); MeasureKind::ALL.len() * Maturity::ALL.len()];
        for d in defs {
            cells[index(d.measure_kind, d.maturity)].push(d);
        }
        Grid { cells }
    }

    /// The sources that make up the report's model: the appendix and the grid-only entries.
    pub fn model_sources() -> &'static [Source] {
        &[Source::Appendix, Source::ModelGrid]
    }

    pub fn cell(&self, kind: MeasureKind, maturity: Maturity) -> &[&'a KpiDefinition] {
        &self.cells[index(kind, maturity)]
    }

    /// Rows in the model's order, each with its three cells.
    pub fn rows(&self) -> impl Iterator<Item = (MeasureKind, [&[&'a KpiDefinition]; 3])> + '_ {
        MeasureKind::ALL.iter().map(move |&k| {
            (
                k,
                [
                    self.cell(k, Maturity::Initial),
                    self.cell(k, Maturity::Improving),
                    self.cell(k, Maturity::Optimising),
                ],
            )
        })
    }
}

fn index(kind: MeasureKind, maturity: Maturity) -> usize {
    let k = MeasureKind::ALL
        .iter()
        .position(|&x| x == kind)
        .expect("listed");
    let m = Maturity::ALL
        .iter()
        .position(|&x| x == maturity)
        .expect("listed");
    k * Maturity::ALL.len() + m
}
