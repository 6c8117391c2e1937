//! The matrix's legend — each number with its risk's name, wrapped so long Japanese names never
//! run into each other, and the key to the cyber risk's two markers — and the sentence that
//! describes the chart to screen readers.

use std::fmt::Write as _;

use mieruka_domain::Lang;

use super::{
    CYBER, LEGEND_FONT, LEGEND_LINE, LEGEND_X, MatrixPoint, NORMAL_FILL, PointKind, WIDTH, Y0, l,
    text,
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
        l(lang, "リスク一覧", "Risks"),
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
            label.push_str(l(lang, "（未配置）", " (not placed)"));
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
            l(lang, "サイバーリスク（現在）", "Cyber risk now"),
        );
        text(
            svg,
            LEGEND_X + 26.0,
            y + LEGEND_LINE,
            " font-size=\"12\"",
            l(
                lang,
                "KPI 達成後（対策後の影響度）",
                "After the KPIs are met",
            ),
        );
        y += 2.0 * LEGEND_LINE;
    }
    y
}

/// A sentence for screen readers: how many risks, and where the cyber risk moves.
pub(super) fn description(lang: Lang, points: &[MatrixPoint]) -> String {
    let mut d = match lang {
        Lang::Ja => format!("事業リスク {} 件の発生確率と影響度。", points.len()),
        Lang::En => format!("Probability and impact of {} business risks.", points.len()),
    };
    for p in points {
        if let (Some(now), PointKind::Cyber { after }) = (p.at, p.kind) {
            let _ = match lang {
                Lang::Ja => write!(
                    d,
                    "{}: 発生確率 {}、影響度 {}",
                    p.label, now.probability, now.impact
                ),
                Lang::En => write!(
                    d,
                    " {}: probability {}, impact {}",
                    p.label, now.probability, now.impact
                ),
            };
            if let Some(a) = after {
                let _ = match lang {
                    Lang::Ja => write!(d, " → KPI 達成後 影響度 {}", a.impact),
                    Lang::En => write!(d, " → impact {} after the KPIs are met", a.impact),
                };
            }
            d.push_str(l(lang, "。", "."));
        }
    }
    d
}
