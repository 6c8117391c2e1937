//! The report's charts as SVG, by name, drawn by `mieruka-charts` from the view model. The PDF
//! embeds them as images and the HTML page inline.

use mieruka_charts::{MatrixPoint, PointKind, risk_matrix_svg};
use mieruka_domain::report::model::BoardReport;
use mieruka_domain::risk::Cell;

fn cell(c: Option<(u8, u8)>) -> Option<Cell> {
    c.map(|(probability, impact)| Cell {
        probability,
        impact,
    })
}

/// Every chart the report shows, as (name, SVG).
pub fn charts(r: &BoardReport) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !r.risks.points.is_empty() {
        let points: Vec<MatrixPoint> = r
            .risks
            .points
            .iter()
            .map(|p| MatrixPoint {
                label: p.name.clone(),
                at: cell(p.at),
                kind: if p.cyber {
                    PointKind::Cyber {
                        after: cell(p.after),
                    }
                } else {
                    PointKind::Normal
                },
            })
            .collect();
        let bands: Option<[f64; 4]> = r.risks.bands_yen.clone().try_into().ok();
        out.push((
            "risks".to_string(),
            risk_matrix_svg(r.lang, &points, &r.risks.title, bands.as_ref()),
        ));
    }
    out
}
