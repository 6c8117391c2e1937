//! The loss-exceedance curve: for each loss amount, the probability per year of losing at least
//! that much, for one or more situations (typically now and after the KPI plans meet their
//! targets), as the Monte Carlo simulation or the loss model gives them.
//!
//! The loss axis is logarithmic, one tick per power of ten (every other power when the range is
//! wide): cyber losses span several orders of magnitude, and on a linear axis everything below
//! the largest loss would crowd against the left edge. The probability axis is linear, in
//! percent, from zero to a round value above the highest point. Curves differ by dash pattern
//! (solid, long dashes, dots, dash-dot, …) and colour, and the legend names each with a sample of
//! its line.

use std::fmt::Write as _;

use crate::scale::{TickFormat, decades, nice_ticks, plain};
use crate::svg::{ems, num, open, palette, text};

/// Loss-exceedance curves on one chart.
#[derive(Debug, Clone)]
pub struct Exceedance {
    pub title: String,
    /// The axis captions, e.g. `損失額（対数目盛）` and `年間の超過確率`.
    pub x_label: String,
    pub y_label: String,
    /// How a loss tick reads, e.g. `TickFormat::new(move |v| figures::yen(v, lang))`. Ticks fall
    /// on powers of ten (in the caller's currency unit).
    pub x_ticks: TickFormat,
    /// The curves, styled in this order: solid, dashed, dotted, dash-dot, long dash-short dash,
    /// then again.
    pub curves: Vec<ExceedanceCurve>,
}

/// One curve.
#[derive(Debug, Clone)]
pub struct ExceedanceCurve {
    /// The legend's words, e.g. `現在` or `KPI 達成後`.
    pub label: String,
    /// `(loss, probability of a loss at least this large in a year)` pairs, in any order; they
    /// are drawn sorted by loss. The probability is a fraction (0.05 = 5%), kept within 0–1.
    /// Points with a loss that is not positive (a log axis has no zero) or with NaN or ∞ in
    /// either value are skipped.
    pub points: Vec<(f64, f64)>,
}

const WIDTH: f64 = 680.0;
const HEIGHT: f64 = 408.0;
const PLOT_L: f64 = 84.0;
const PLOT_R: f64 = 648.0;
const PLOT_T: f64 = 76.0;
const PLOT_B: f64 = 350.0;

/// Colour and dash pattern of the n-th curve.
const STYLES: [(&str, &str); 5] = [
    (palette::BLUE, ""),
    (palette::VERMILLION, "9 5"),
    (palette::GREEN, "2 4"),
    (palette::PURPLE, "10 4 2 4"),
    (palette::SKY, "16 4 4 4"),
];

fn usable(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = points
        .iter()
        .filter(|(l, p)| l.is_finite() && *l > 0.0 && p.is_finite())
        .map(|&(l, p)| (l, p.clamp(0.0, 1.0)))
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    out
}

/// The loss-exceedance chart as a complete SVG document.
pub fn exceedance_svg(e: &Exceedance) -> String {
    let curves: Vec<Vec<(f64, f64)>> = e.curves.iter().map(|c| usable(&c.points)).collect();
    let all = || curves.iter().flatten();
    let (min, max) = all().fold((f64::INFINITY, 0.0f64), |(lo, hi), &(l, _)| {
        (lo.min(l), hi.max(l))
    });
    let (d0, d1) = if min.is_finite() {
        decades(min, max)
    } else {
        (0, 1)
    };
    let top_pct = all().map(|&(_, p)| p * 100.0).fold(0.0, f64::max);
    let y_ticks = nice_ticks(if top_pct > 0.0 { top_pct } else { 100.0 }, 5);
    let y_top = *y_ticks.last().expect("at least two ticks");
    let x = |l: f64| PLOT_L + (l.log10() - f64::from(d0)) / f64::from(d1 - d0) * (PLOT_R - PLOT_L);
    let y = |p: f64| PLOT_B - (p * 100.0) / y_top * (PLOT_B - PLOT_T);

    let desc: Vec<String> = e
        .curves
        .iter()
        .zip(&curves)
        .map(|(c, pts)| match (pts.first(), pts.last()) {
            (Some(a), Some(b)) => format!(
                "{}: {} {}% … {} {}%",
                c.label,
                e.x_ticks.format(a.0),
                plain(a.1 * 100.0),
                e.x_ticks.format(b.0),
                plain(b.1 * 100.0)
            ),
            _ => format!("{}: —", c.label),
        })
        .collect();
    let mut svg = String::new();
    open(
        &mut svg,
        "mieruka-exceedance",
        WIDTH,
        HEIGHT,
        &e.title,
        &desc.join("\n"),
    );
    text(
        &mut svg,
        16.0,
        28.0,
        " font-size=\"16\" font-weight=\"bold\"",
        &e.title,
    );

    // Legend: a sample of each line and its words.
    let mut lx = PLOT_L;
    for (i, c) in e.curves.iter().enumerate() {
        let (colour, dash) = STYLES[i % STYLES.len()];
        let _ = writeln!(
            svg,
            "<line class=\"legend-line\" data-curve=\"{i}\" x1=\"{}\" y1=\"48\" x2=\"{}\" y2=\"48\" stroke=\"{colour}\" stroke-width=\"3\"{}/>",
            num(lx),
            num(lx + 36.0),
            dash_attr(dash)
        );
        text(
            &mut svg,
            lx + 42.0,
            52.0,
            " class=\"legend\" font-size=\"12\"",
            &c.label,
        );
        lx += 42.0 + ems(&c.label) * 12.0 + 24.0;
    }

    // Grid and ticks.
    let step = if d1 - d0 > 6 { 2 } else { 1 };
    for d in (d0..=d1).step_by(step) {
        let gx = num(x(10f64.powi(d)));
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{gx}\" y1=\"{PLOT_T}\" x2=\"{gx}\" y2=\"{PLOT_B}\" stroke=\"{}\"/>",
            palette::GRID
        );
        text(
            &mut svg,
            x(10f64.powi(d)),
            PLOT_B + 18.0,
            " class=\"tick x\" text-anchor=\"middle\" font-size=\"11\"",
            &e.x_ticks.format(10f64.powi(d)),
        );
    }
    for &t in &y_ticks {
        let gy = num(y(t / 100.0));
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{PLOT_L}\" y1=\"{gy}\" x2=\"{PLOT_R}\" y2=\"{gy}\" stroke=\"{}\"/>",
            palette::GRID
        );
        text(
            &mut svg,
            PLOT_L - 8.0,
            y(t / 100.0) + 4.0,
            " class=\"tick y\" text-anchor=\"end\" font-size=\"11\"",
            &format!("{}%", plain(t)),
        );
    }
    let _ = writeln!(
        svg,
        "<path class=\"axis\" d=\"M{PLOT_L},{PLOT_T} V{PLOT_B} H{PLOT_R}\" fill=\"none\" stroke=\"{}\"/>",
        palette::LINE
    );
    text(
        &mut svg,
        (PLOT_L + PLOT_R) / 2.0,
        PLOT_B + 44.0,
        " text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\"",
        &e.x_label,
    );
    let (cx, cy) = (22.0, (PLOT_T + PLOT_B) / 2.0);
    text(
        &mut svg,
        cx,
        cy,
        &format!(
            " transform=\"rotate(-90 {cx} {})\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\"",
            num(cy)
        ),
        &e.y_label,
    );

    for (i, pts) in curves.iter().enumerate() {
        let (colour, dash) = STYLES[i % STYLES.len()];
        let coords: Vec<String> = pts
            .iter()
            .map(|&(l, p)| format!("{},{}", num(x(l)), num(y(p))))
            .collect();
        match coords.len() {
            0 => {}
            1 => {
                let _ = writeln!(
                    svg,
                    "<circle class=\"curve\" data-curve=\"{i}\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{colour}\" stroke=\"{}\"/>",
                    num(x(pts[0].0)),
                    num(y(pts[0].1)),
                    palette::LINE
                );
            }
            _ => {
                let _ = writeln!(
                    svg,
                    "<polyline class=\"curve\" data-curve=\"{i}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"{}/>",
                    coords.join(" "),
                    dash_attr(dash)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn dash_attr(dash: &str) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    }
}
