//! `mieruka catalog`: the built-in KPI catalogue as a table, the Fig. 1 grid, or JSON.

use anyhow::Result;
use mieruka_app::catalog::GridView;
use mieruka_domain::grid::Grid;
use mieruka_domain::i18n::tr;
use mieruka_domain::{Direction, KpiDefinition, Lang, Maturity};

use super::{Ctx, builtin_catalogue};
use crate::cli::CatalogArgs;
use crate::render::{pad, table, wrap};

pub fn run(ctx: &Ctx, args: CatalogArgs) -> Result<()> {
    let catalogue = builtin_catalogue()?;
    let sources = if args.source.is_empty() && args.grid {
        Grid::model_sources().to_vec()
    } else {
        args.source.clone()
    };
    let selected: Vec<&KpiDefinition> = catalogue
        .entries()
        .iter()
        .filter(|d| sources.is_empty() || sources.contains(&d.source))
        .filter(|d| args.kind.is_none_or(|k| d.measure_kind == k))
        .filter(|d| args.maturity.is_none_or(|m| d.maturity == m))
        .collect();

    let out = match (args.grid, args.json) {
        (false, true) => serde_json::to_string_pretty(&selected)?,
        (false, false) => render_table(ctx.lang, &selected),
        (true, true) => super::json_text(&GridView::from(&Grid::build(selected.iter().copied())))?,
        (true, false) => render_grid(ctx.lang, &Grid::build(selected.iter().copied())),
    };
    println!("{}", out.trim_end());
    Ok(())
}

fn render_table(lang: Lang, defs: &[&KpiDefinition]) -> String {
    let header: Vec<String> = [
        "col_id",
        "col_name",
        "col_kind",
        "col_maturity",
        "col_direction",
        "col_target",
        "col_source",
    ]
    .iter()
    .map(|k| tr(lang, k, &[]))
    .collect();
    let rows: Vec<Vec<String>> = defs
        .iter()
        .map(|d| {
            let direction = match d.direction {
                Direction::HigherIsBetter => "↑",
                Direction::LowerIsBetter => "↓",
            };
            vec![
                d.id.to_string(),
                d.name.get(lang).to_string(),
                d.measure_kind.label(lang).to_string(),
                d.maturity.label(lang).to_string(),
                direction.to_string(),
                d.describe_targets(lang),
                d.source.label(lang).to_string(),
            ]
        })
        .collect();
    format!(
        "{}\n\n{}",
        tr(lang, "catalog_title", &[("count", &defs.len())]),
        table(&header, &rows)
    )
}

const HEAD_W: usize = 22;
const CELL_W: usize = 34;

fn render_grid(lang: Lang, grid: &Grid<'_>) -> String {
    let rule = |l: &str, m: &str, r: &str| {
        let mut s = format!("{l}{}", "─".repeat(HEAD_W + 2));
        for _ in 0..3 {
            s.push_str(&format!("{m}{}", "─".repeat(CELL_W + 2)));
        }
        s.push_str(r);
        s
    };
    let row = |cells: [Vec<String>; 4]| {
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut s = String::new();
        for i in 0..height {
            s.push('│');
            for (c, lines) in cells.iter().enumerate() {
                let w = if c == 0 { HEAD_W } else { CELL_W };
                let text = lines.get(i).map_or("", String::as_str);
                s.push_str(&format!(" {} │", pad(text, w)));
            }
            s.push('\n');
        }
        s
    };
    let mut out = format!("{}\n", tr(lang, "grid_title", &[]));
    out.push_str(&rule("┌", "┬", "┐"));
    out.push('\n');
    let kind_header = format!(
        "{} ＼ {}",
        tr(lang, "col_kind", &[]),
        tr(lang, "col_maturity", &[])
    );
    out.push_str(&row([
        wrap(&kind_header, HEAD_W),
        vec![Maturity::Initial.label(lang).into()],
        vec![Maturity::Improving.label(lang).into()],
        vec![Maturity::Optimising.label(lang).into()],
    ]));
    for (kind, cells) in grid.rows() {
        out.push_str(&rule("├", "┼", "┤"));
        out.push('\n');
        let cell_lines = |defs: &[&KpiDefinition]| -> Vec<String> {
            if defs.is_empty() {
                return vec![tr(lang, "grid_empty_cell", &[])];
            }
            defs.iter()
                .flat_map(|d| {
                    let mut lines = wrap(&format!("{} {}", d.id, d.name.get(lang)), CELL_W);
                    for l in lines.iter_mut().skip(1) {
                        l.insert_str(0, "  ");
                    }
                    lines.into_iter().flat_map(|l| wrap(&l, CELL_W))
                })
                .collect()
        };
        out.push_str(&row([
            wrap(kind.label(lang), HEAD_W),
            cell_lines(cells[0]),
            cell_lines(cells[1]),
            cell_lines(cells[2]),
        ]));
    }
    out.push_str(&rule("└", "┴", "┘"));
    out
}
