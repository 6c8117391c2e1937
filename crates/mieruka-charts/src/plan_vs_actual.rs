//! Fig. 9 of the board report: one KPI across units (departments, group companies), a planned
//! bar and an actual bar per unit on one axis, the target as a vertical line, and each unit's
//! status at the row's end as an icon and a word as well as the actual bar's colour.
//!
//! Planned bars are hatched and outlined, actual bars solid, so the two read apart without
//! colour; the side of the target that counts as met (right when higher is better, left when
//! lower is better) is lightly shaded, and the direction is written above the plot.

use std::fmt::Write as _;

use mieruka_domain::evaluation::Status;
use mieruka_domain::kpi::Direction;

use crate::scale::{TickFormat, finite, nice_ticks};
use crate::svg::{self, Swatch, ems, num, open, palette, text, wrap};

/// One KPI across units, as Fig. 9 draws it. Every text comes from the caller, already
/// translated and formatted.
#[derive(Debug, Clone)]
pub struct PlanVsActual {
    /// The chart's title, e.g. `主要部門のサイバー演習進捗率`.
    pub title: String,
    /// The axis caption with its unit, e.g. `進捗率（%）`, `平均対応時間（時間）`.
    pub axis_label: String,
    /// Ticks under the axis, e.g. [`TickFormat::suffix`]`("%")`; the values are the KPI's own.
    pub ticks: TickFormat,
    /// Which way is good; decides which side of the target is shaded as met.
    pub direction: Direction,
    /// The direction in words, e.g. `高いほど良い`; an arrow is added. Empty: not shown.
    pub direction_text: String,
    /// The target, drawn as a vertical line. `None` (or not finite): no line.
    pub target: Option<f64>,
    /// The target line's label, e.g. `目標 100%`.
    pub target_text: String,
    /// The legend's words for the two bars, e.g. `計画` and `実績`.
    pub plan_label: String,
    pub actual_label: String,
    /// Written where a unit has no actual value, e.g. `実績なし`.
    pub no_data_text: String,
    /// The units, top to bottom in this order.
    pub units: Vec<UnitBars>,
}

/// One unit's row.
#[derive(Debug, Clone)]
pub struct UnitBars {
    /// The unit's name (wrapped when long).
    pub name: String,
    /// The plan (計画) at the date of the actual. `None` or not finite: no planned bar.
    pub planned: Option<f64>,
    /// The planned value as text, e.g. `80%`, written at the bar's end.
    pub planned_text: String,
    /// The actual (実績). `None` or not finite: the row says [`PlanVsActual::no_data_text`].
    pub actual: Option<f64>,
    /// The actual value as text, written at the bar's end.
    pub actual_text: String,
    /// The unit's status: the actual bar's colour and the icon (◎ ○ △ × －).
    pub status: Status,
    /// The status in words, e.g. `Status::label(lang)`: `達成`, `遅れ`.
    pub status_text: String,
}

const WIDTH: f64 = 760.0;
const NAME_RIGHT: f64 = 172.0;
const PLOT_L: f64 = 184.0;
const PLOT_R: f64 = 540.0;
const STATUS_X: f64 = 630.0;
const PLOT_T: f64 = 84.0;
const ROW_H: f64 = 46.0;
const BAR_H: f64 = 13.0;

/// The actual bar's fill for a status (Okabe–Ito).
pub(crate) fn status_colour(s: Status) -> &'static str {
    match s {
        Status::Achieved => palette::GREEN,
        Status::OnTrack => palette::BLUE,
        Status::Behind => palette::ORANGE,
        Status::OffTrack => palette::VERMILLION,
        Status::NoData => "#bdbdbd",
    }
}

const HATCH: &str = "<defs><pattern id=\"mieruka-pva-plan\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#595959\" stroke-width=\"2\"/></pattern></defs>\n";

fn description(c: &PlanVsActual) -> String {
    let mut lines = vec![c.axis_label.clone()];
    if !c.target_text.is_empty() {
        lines.push(c.target_text.clone());
    }
    for u in &c.units {
        let actual = match finite(u.actual) {
            Some(_) => format!("{} {}", c.actual_label, u.actual_text),
            None => c.no_data_text.clone(),
        };
        let planned = match finite(u.planned) {
            Some(_) => format!("{} {} / ", c.plan_label, u.planned_text),
            None => String::new(),
        };
        lines.push(format!("{}: {planned}{actual} / {}", u.name, u.status_text));
    }
    lines.join("\n")
}

/// Fig. 9 as a complete SVG document.
///
/// The axis starts at zero and ends at a round value above the largest plan, actual and target;
/// bar lengths are proportional to the values. Values that are NaN or infinite are skipped (as
/// if absent); negative values are drawn at zero length, their text still shown.
pub fn plan_vs_actual_svg(c: &PlanVsActual) -> String {
    let target = finite(c.target);
    let max = c
        .units
        .iter()
        .flat_map(|u| [finite(u.planned), finite(u.actual)])
        .chain([target])
        .flatten()
        .fold(0.0, f64::max);
    let ticks = nice_ticks(max, 5);
    let top = *ticks.last().expect("at least two ticks");
    let x = |v: f64| PLOT_L + v.clamp(0.0, top) / top * (PLOT_R - PLOT_L);
    let rows = c.units.len().max(1) as f64;
    let plot_b = PLOT_T + rows * ROW_H;
    let height = (plot_b + 52.0).ceil();

    let mut svg = String::new();
    open(
        &mut svg,
        "mieruka-plan-vs-actual",
        WIDTH,
        height,
        &c.title,
        &description(c),
    );
    svg.push_str(HATCH);
    text(
        &mut svg,
        16.0,
        28.0,
        " font-size=\"16\" font-weight=\"bold\"",
        &c.title,
    );
    legend(&mut svg, c);

    // The met side of the target, then the grid, the axis and the target line.
    if let Some(t) = target {
        let (from, to) = match c.direction {
            Direction::HigherIsBetter => (x(t), PLOT_R),
            Direction::LowerIsBetter => (PLOT_L, x(t)),
        };
        let _ = writeln!(
            svg,
            "<rect class=\"met-side\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#e6f4ee\"/>",
            num(from),
            num(PLOT_T),
            num(to - from),
            num(plot_b - PLOT_T)
        );
    }
    for &t in &ticks {
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{gx}\" y1=\"{}\" x2=\"{gx}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
            num(PLOT_T),
            num(plot_b),
            palette::GRID,
            gx = num(x(t)),
        );
        text(
            &mut svg,
            x(t),
            plot_b + 16.0,
            " class=\"tick\" text-anchor=\"middle\" font-size=\"11\"",
            &c.ticks.format(t),
        );
    }
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{PLOT_L}\" y1=\"{b}\" x2=\"{PLOT_R}\" y2=\"{b}\" stroke=\"{}\" stroke-width=\"1\"/>",
        palette::LINE,
        b = num(plot_b)
    );
    text(
        &mut svg,
        (PLOT_L + PLOT_R) / 2.0,
        plot_b + 38.0,
        " text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\"",
        &c.axis_label,
    );

    for (i, u) in c.units.iter().enumerate() {
        row(&mut svg, c, i, u, &x);
    }
    if c.units.is_empty() {
        text(
            &mut svg,
            (PLOT_L + PLOT_R) / 2.0,
            PLOT_T + ROW_H / 2.0 + 4.0,
            &format!(
                " class=\"no-data\" text-anchor=\"middle\" font-size=\"12\" fill=\"{}\"",
                palette::MUTED
            ),
            &c.no_data_text,
        );
    }

    // The target line on top of the bars, so it shows where a bar crosses it.
    if let Some(t) = target {
        let tx = x(t);
        let _ = writeln!(
            svg,
            "<line class=\"target\" x1=\"{tx}\" y1=\"{}\" x2=\"{tx}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>",
            num(PLOT_T - 6.0),
            num(plot_b),
            palette::LINE,
            tx = num(tx)
        );
        let half = ems(&c.target_text) * 12.0 / 2.0;
        text(
            &mut svg,
            tx.clamp(PLOT_L + half, WIDTH - 8.0 - half),
            PLOT_T - 10.0,
            " class=\"target-label\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\"",
            &c.target_text,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn legend(svg: &mut String, c: &PlanVsActual) {
    let y = 48.0;
    svg::legend(
        svg,
        (16.0, y),
        &Swatch {
            w: 22.0,
            h: BAR_H,
            rise: 10.0,
        },
        20.0,
        &[
            (&c.plan_label, "url(#mieruka-pva-plan)"),
            (&c.actual_label, palette::BLUE),
        ],
    );
    if !c.direction_text.is_empty() {
        let words = match c.direction {
            Direction::HigherIsBetter => format!("{} →", c.direction_text),
            Direction::LowerIsBetter => format!("← {}", c.direction_text),
        };
        text(
            svg,
            WIDTH - 16.0,
            y,
            &format!(
                " class=\"direction\" text-anchor=\"end\" font-size=\"12\" fill=\"{}\"",
                palette::MUTED
            ),
            &words,
        );
    }
}

fn row(svg: &mut String, c: &PlanVsActual, i: usize, u: &UnitBars, x: &dyn Fn(f64) -> f64) {
    let y = PLOT_T + i as f64 * ROW_H;
    let _ = writeln!(svg, "<g class=\"unit\" data-unit=\"{i}\">");
    let lines = wrap(&u.name, (NAME_RIGHT - 16.0) / 13.0);
    let lines = &lines[..lines.len().min(2)];
    let first = y + ROW_H / 2.0 + 5.0 - (lines.len() as f64 - 1.0) * 8.0;
    for (k, line) in lines.iter().enumerate() {
        text(
            svg,
            NAME_RIGHT,
            first + k as f64 * 16.0,
            " class=\"unit-name\" text-anchor=\"end\" font-size=\"13\"",
            line,
        );
    }
    let bars = [
        (
            finite(u.planned),
            &u.planned_text,
            "plan",
            "url(#mieruka-pva-plan)",
            y + 8.0,
        ),
        (
            finite(u.actual),
            &u.actual_text,
            "actual",
            status_colour(u.status),
            y + 24.0,
        ),
    ];
    for (value, label, kind, fill, by) in bars {
        match value {
            Some(v) => {
                let end = x(v);
                let _ = writeln!(
                    svg,
                    "<rect class=\"bar {kind}\" data-value=\"{}\" data-status=\"{}\" x=\"{PLOT_L}\" y=\"{}\" width=\"{}\" height=\"{BAR_H}\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"1\"/>",
                    v,
                    u.status.code(),
                    num(by),
                    num(end - PLOT_L),
                    palette::LINE,
                );
                text(
                    svg,
                    end + 4.0,
                    by + BAR_H - 2.0,
                    &format!(" class=\"value {kind}\" font-size=\"11\""),
                    label,
                );
            }
            None if kind == "actual" => text(
                svg,
                PLOT_L + 4.0,
                by + BAR_H - 2.0,
                &format!(
                    " class=\"no-data\" font-size=\"11\" font-style=\"italic\" fill=\"{}\"",
                    palette::MUTED
                ),
                &c.no_data_text,
            ),
            None => {}
        }
    }
    let _ = writeln!(
        svg,
        "<rect class=\"status-swatch\" x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\" stroke=\"{}\"/>",
        num(STATUS_X - 20.0),
        num(y + ROW_H / 2.0 - 7.0),
        status_colour(u.status),
        palette::LINE
    );
    text(
        svg,
        STATUS_X,
        y + ROW_H / 2.0 + 5.0,
        &format!(
            " class=\"status\" data-status=\"{}\" font-size=\"13\"",
            u.status.code()
        ),
        &format!("{} {}", u.status.icon(), u.status_text),
    );
    svg.push_str("</g>\n");
}
