//! The matrix's legend — each number with its risk's name, wrapped so long Japanese names never
//! run into each other, and the key to the cyber risk's two markers — and the sentence that
//! describes the chart to screen readers.

use std::fmt::Write as _;

use mieruka_domain::Lang;
use mieruka_domain::i18n::tr;

use super::{
    CYBER, LEGEND_FONT, LEGEND_LINE, LEGEND_X, MatrixPoint, NORMAL_FILL, PointKind, WIDTH, Y0, text,
};
use crate::svg::{num, wrap};

/// The list of numbers and names. Returns the y below its last line.
pub(super) fn legend(svg: &mut String, lang: Lang, points: &[MatrixPoint]) -> f64 {
    let max_ems = (WIDTH - 16.0 - (LEGEND_X + 26.0)) / LEGEND_FONT;
    let mut y = Y0 + 4.0;
    text(
        svg,
        LEGEND_X,
        y,
        " font-size=\"14\" font-weight=\"bold\"",
        &tr(lang, "chart_matrix_risks", &[]),
    );
    y += 24.0;
    for (i, p) in points.iter().enumerate() {
        let n = i + 1;
        let cyber = matches!(p.kind, PointKind::Cyber { .. });
        let (fill, stroke) = if cyber {
            (CYBER, CYBER)
        } else {
            (NORMAL_FILL, NORMAL_FILL)
        };
        let _ = writeln!(
            svg,
            "<g class=\"legend-entry\" data-number=\"{n}\"><circle cx=\"{}\" cy=\"{}\" r=\"9\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"bold\" fill=\"#ffffff\">{n}</text>",
            num(LEGEND_X + 9.0),
            num(y - 4.5),
            num(LEGEND_X + 9.0),
            num(y - 1.0),
        );
        let mut label = p.label.clone();
        if p.at.is_none() {
            label.push_str(&tr(lang, "chart_matrix_not_placed", &[]));
        }
        let lines = wrap(&label, max_ems);
        for (k, line) in lines.iter().enumerate() {
            text(
                svg,
                LEGEND_X + 26.0,
                y + k as f64 * LEGEND_LINE,
                &format!(" font-size=\"{LEGEND_FONT}\""),
                line,
            );
        }
        svg.push_str("</g>\n");
        y += lines.len() as f64 * LEGEND_LINE + 6.0;
    }
    if points
        .iter()
        .any(|p| matches!(p.kind, PointKind::Cyber { after: Some(_) }) && p.at.is_some())
    {
        // The key to the two cyber markers, drawn with the same shapes as on the grid.
        y += 8.0;
        let _ = writeln!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"{CYBER}\"/><circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"#ffffff\" stroke=\"{CYBER}\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>",
            num(LEGEND_X + 9.0),
            num(y - 4.5),
            num(LEGEND_X + 9.0),
            num(y + LEGEND_LINE - 4.5),
        );
        text(
            svg,
            LEGEND_X + 26.0,
            y,
            " font-size=\"12\"",
            &tr(lang, "chart_matrix_cyber_now", &[]),
        );
        text(
            svg,
            LEGEND_X + 26.0,
            y + LEGEND_LINE,
            " font-size=\"12\"",
            &tr(lang, "chart_matrix_cyber_after", &[]),
        );
        y += 2.0 * LEGEND_LINE;
    }
    y
}

/// A sentence for screen readers: how many risks, and where the cyber risk moves.
pub(super) fn description(lang: Lang, points: &[MatrixPoint]) -> String {
    let mut d = tr(
        lang,
        "chart_matrix_description",
        &[("count", &points.len())],
    );
    for p in points {
        if let (Some(now), PointKind::Cyber { after }) = (p.at, p.kind) {
            d.push_str(&tr(
                lang,
                "chart_matrix_cyber_place",
                &[
                    ("risk", &p.label),
                    ("probability", &now.probability),
                    ("impact", &now.impact),
                ],
            ));
            if let Some(a) = after {
                d.push_str(&tr(
                    lang,
                    "chart_matrix_cyber_moves",
                    &[("impact", &a.impact)],
                ));
            }
            d.push_str(&tr(lang, "chart_sentence_end", &[]));
        }
    }
    d
}
