//! The small trend line of a dashboard card (240 × 80): a KPI's monthly actuals as a solid line,
//! the planned trajectory (計画) dashed, the target as a faint dotted line, the latest actual
//! marked with a dot and its value in words.
//!
//! The three lines differ by stroke pattern and weight, not only by colour. Months without a
//! value break the lines; a month alone between gaps is a dot. The y range is fitted to the
//! values (a card shows the shape, not the scale), with a margin so nothing touches the edge.

use std::fmt::Write as _;

use crate::scale::finite;
use crate::svg::{ems, num, open, palette, text};

/// One KPI's months for a dashboard card.
#[derive(Debug, Clone)]
pub struct Trend {
    /// The accessible name, e.g. `匿名化プロジェクト進捗率の推移` (not drawn: the card has its own
    /// heading).
    pub title: String,
    /// Actuals (実績) per month, oldest first; `None` (or NaN, ∞) for a month without one.
    pub actual: Vec<Option<f64>>,
    /// The planned trajectory per month, on the same months as `actual` (it may run further,
    /// to the deadline). Empty: no plan line.
    pub planned: Vec<Option<f64>>,
    /// The target, drawn as a faint line across. `None`: no line.
    pub target: Option<f64>,
    /// The latest actual as text, e.g. `72%`, beside its dot. Empty: only the dot.
    pub last_text: String,
    /// Words under the first and last month, e.g. `2025年4月` and `2026年3月`. Empty: none.
    pub start_label: String,
    pub end_label: String,
}

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 80.0;
const LEFT: f64 = 6.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 60.0;
/// The size of the latest actual's words.
const LAST_SIZE: f64 = 13.0;

/// The trend as a complete SVG document of 240 × 80.
pub fn trend_svg(t: &Trend) -> String {
    let actual: Vec<Option<f64>> = t.actual.iter().map(|v| finite(*v)).collect();
    let planned: Vec<Option<f64>> = t.planned.iter().map(|v| finite(*v)).collect();
    let target = finite(t.target);
    let months = actual.len().max(planned.len());

    let values = || {
        actual
            .iter()
            .chain(&planned)
            .flatten()
            .copied()
            .chain(target)
    };
    let (lo, hi) = values().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo > hi {
        (0.0, 1.0)
    } else if hi - lo < 1e-9 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    } else {
        let pad = (hi - lo) * 0.08;
        (lo - pad, hi + pad)
    };
    let x = |i: usize| {
        if months <= 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + i as f64 / (months - 1) as f64 * (RIGHT - LEFT)
        }
    };
    let y = |v: f64| BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);

    let last = actual.iter().rposition(Option::is_some);
    let desc = match last {
        Some(_) if !t.last_text.is_empty() => t.last_text.clone(),
        _ => String::new(),
    };
    let mut svg = String::new();
    open(&mut svg, "mieruka-trend", WIDTH, HEIGHT, &t.title, &desc);

    if let Some(v) = target {
        let _ = writeln!(
            svg,
            "<line class=\"target\" x1=\"{LEFT}\" y1=\"{ty}\" x2=\"{RIGHT}\" y2=\"{ty}\" stroke=\"#9e9e9e\" stroke-width=\"1\" stroke-dasharray=\"1 3\"/>",
            ty = num(y(v))
        );
    }
    series(
        &mut svg,
        "planned",
        &planned,
        &x,
        &y,
        palette::MUTED,
        1.5,
        " stroke-dasharray=\"4 3\"",
    );
    series(&mut svg, "actual", &actual, &x, &y, palette::BLUE, 2.5, "");

    if let Some(i) = last {
        let v = actual[i].expect("the last actual is a value");
        let _ = writeln!(
            svg,
            "<circle class=\"last\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>",
            num(x(i)),
            num(y(v)),
            palette::BLUE
        );
        if !t.last_text.is_empty() {
            // Beside the dot when the words fit in the card; otherwise ending at the dot, above
            // it (or below it when the dot is high), so a long amount such as 127億円 is never
            // cut at the card's edge.
            let width = ems(&t.last_text) * LAST_SIZE;
            let (tx, ty, anchor) = if x(i) + 8.0 + width <= WIDTH - 2.0 {
                (x(i) + 8.0, (y(v) + 4.0).clamp(TOP + 8.0, BOTTOM), "")
            } else {
                let ty = if y(v) - 8.0 >= TOP + LAST_SIZE - 4.0 {
                    y(v) - 8.0
                } else {
                    y(v) + LAST_SIZE + 6.0
                };
                (
                    (x(i) + 4.0).min(WIDTH - 2.0).max(width + 2.0),
                    ty,
                    " text-anchor=\"end\"",
                )
            };
            text(
                &mut svg,
                tx,
                ty,
                &format!(
                    " class=\"last-value\" font-size=\"{LAST_SIZE}\" font-weight=\"bold\"{anchor}"
                ),
                &t.last_text,
            );
        }
    }
    let label = " font-size=\"10\"";
    if !t.start_label.is_empty() {
        text(
            &mut svg,
            LEFT,
            HEIGHT - 5.0,
            &format!(" class=\"start\"{label} fill=\"{}\"", palette::MUTED),
            &t.start_label,
        );
    }
    if !t.end_label.is_empty() && months > 1 {
        text(
            &mut svg,
            RIGHT,
            HEIGHT - 5.0,
            &format!(
                " class=\"end\"{label} text-anchor=\"end\" fill=\"{}\"",
                palette::MUTED
            ),
            &t.end_label,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One line broken at gaps: a `<polyline>` per run of two or more months, a dot for a month
/// alone.
#[allow(clippy::too_many_arguments)]
fn series(
    svg: &mut String,
    class: &str,
    values: &[Option<f64>],
    x: &dyn Fn(usize) -> f64,
    y: &dyn Fn(f64) -> f64,
    colour: &str,
    width: f64,
    dash: &str,
) {
    let mut run: Vec<(usize, f64)> = Vec::new();
    let flush = |svg: &mut String, run: &mut Vec<(usize, f64)>| {
        match run.len() {
            0 => {}
            1 => {
                let (i, v) = run[0];
                let _ = writeln!(
                    svg,
                    "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{colour}\"/>",
                    num(x(i)),
                    num(y(v)),
                    num(width)
                );
            }
            _ => {
                let points: Vec<String> = run
                    .iter()
                    .map(|&(i, v)| format!("{},{}", num(x(i)), num(y(v))))
                    .collect();
                let _ = writeln!(
                    svg,
                    "<polyline class=\"{class}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{dash}/>",
                    points.join(" "),
                    num(width)
                );
            }
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push((i, *v)),
            None => flush(svg, &mut run),
        }
    }
    flush(svg, &mut run);
}
