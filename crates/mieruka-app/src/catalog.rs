//! The public JSON of the catalogue's views: the Fig. 1 grid (`mieruka catalog --grid --json`)
//! and the KPIs recommended for an organisation's stage (`mieruka recommend --json`).

use mieruka_domain::grid::Grid;
use mieruka_domain::recommend::Recommendation;
use mieruka_domain::{Lang, Maturity, MeasureKind};
use mieruka_store::orgs::StoredOrg;
use serde_json::{Value, json};

/// The Fig. 1 grid, as `mieruka catalog --grid --json` prints it.
pub fn grid_json(grid: &Grid<'_>) -> Value {
    let rows: Vec<Value> = grid
        .rows()
        .map(|(kind, cells)| {
            let cells: Vec<Value> = Maturity::ALL
                .iter()
                .zip(cells)
                .map(|(m, defs)| {
                    json!({
                        "maturity": m,
                        "kpis": defs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "measure_kind": kind,
                "name": {"ja": kind.label(Lang::Ja), "en": kind.label(Lang::En)},
                "cells": cells,
            })
        })
        .collect();
    json!({ "rows": rows, "columns": Maturity::ALL, "row_order": MeasureKind::ALL })
}

/// What `mieruka recommend --json` prints, except the sentence of advice (`message`), which is
/// the command line's wording in one language: `advice` is its code.
pub fn recommendation_json(org: &StoredOrg, period: &str, rec: &Recommendation<'_>) -> Value {
    let groups: Vec<Value> = rec
        .groups
        .iter()
        .map(|(kind, defs)| {
            json!({
                "measure_kind": kind,
                "kpis": defs.iter().map(|d| json!({
                    "id": d.id, "name": d.name, "maturity": d.maturity,
                    "targets": d.targets, "source": d.source,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "org": org.org.slug,
        "maturity": rec.stage,
        "stages": rec.stages,
        "period": period,
        "chosen": rec.chosen,
        "suggested": {"min": rec.suggested.0, "max": rec.suggested.1},
        "advice": rec.advice,
        "groups": groups,
    })
}
