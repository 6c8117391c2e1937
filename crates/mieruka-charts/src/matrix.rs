//! The business-risk matrix of Fig. 8: probability (x) × impact as loss (y) on a 5 × 5 grid,
//! each risk a numbered marker listed by name in a legend beside it, and the cyber risk drawn
//! twice — filled where it is now, hollow where it will be once the KPIs are met, with an arrow.
//!
//! Numbers rather than names sit on the grid because several long Japanese names in one cell
//! would overlap; the legend wraps names instead. Cells are shaded by severity in a light
//! blue → amber → salmon ramp (told apart by hue along the blue–yellow axis every kind of colour
//! blindness keeps, and by lightness), and each cell also says its severity in a word.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mieruka_domain::Lang;
use mieruka_domain::i18n::tr;
use mieruka_domain::risk::{Cell, Severity, impact_band, impact_label, probability_label};

use crate::svg::{FONT_FAMILY, ems, escape, num};

mod legend;

use legend::{description, legend};

/// One risk to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixPoint {
    /// The name in the legend.
    pub label: String,
    /// Where it sits (for the cyber risk: now). `None`: listed in the legend as not placed.
    /// Levels outside 1–5 are drawn at the nearest edge.
    pub at: Option<Cell>,
    pub kind: PointKind,
}

/// How a risk is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointKind {
    /// A filled marker.
    Normal,
    /// The cyber risk: a filled marker now, and a hollow one where it will be after the KPI plans
    /// meet their targets, with an arrow from now to after.
    Cyber { after: Option<Cell> },
}

const WIDTH: f64 = 1040.0;
/// The grid's top-left corner and cell size.
const X0: f64 = 200.0;
const Y0: f64 = 84.0;
const CELL: f64 = 96.0;
const GRID_RIGHT: f64 = X0 + 5.0 * CELL;
const GRID_BOTTOM: f64 = Y0 + 5.0 * CELL;
const LEGEND_X: f64 = 720.0;
const LEGEND_LINE: f64 = 19.0;
const LEGEND_FONT: f64 = 13.0;

const NORMAL_FILL: &str = "#1f4e79";
const CYBER: &str = "#a50f15";

fn shade(s: Severity) -> &'static str {
    match s {
        Severity::Low => "#dcebf7",
        Severity::Medium => "#fce7a8",
        Severity::High => "#f4a582",
    }
}

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
    }
}

/// The short word in a grid cell's corner: `低`/`Low`, `中`/`Med`, `高`/`High`.
fn severity_tag(s: Severity, lang: Lang) -> String {
    tr(lang, &format!("chart_matrix_tag_{}", severity_code(s)), &[])
}

fn clamp(c: Cell) -> Cell {
    Cell {
        probability: c.probability.clamp(1, 5),
        impact: c.impact.clamp(1, 5),
    }
}

/// The top-left corner of a cell; impact 5 is the top row.
fn cell_origin(c: Cell) -> (f64, f64) {
    let c = clamp(c);
    (
        X0 + f64::from(c.probability - 1) * CELL,
        Y0 + f64::from(5 - c.impact) * CELL,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Normal,
    CyberNow,
    CyberAfter,
}

impl Mark {
    fn kind(self) -> &'static str {
        match self {
            Mark::Normal => "normal",
            Mark::CyberNow => "cyber-now",
            Mark::CyberAfter => "cyber-after",
        }
    }
}

/// A marker's centre and radius, with what it shows.
struct Placed {
    number: usize,
    mark: Mark,
    x: f64,
    y: f64,
    r: f64,
}

/// Spreads the markers of each cell over a small grid inside it, in the order given, so
/// several risks in one cell stay readable.
fn layout(points: &[MatrixPoint]) -> Vec<Placed> {
    let mut by_cell: BTreeMap<(u8, u8), Vec<(usize, Mark)>> = BTreeMap::new();
    for (i, p) in points.iter().enumerate() {
        let mut add = |c: Cell, m: Mark| {
            let c = clamp(c);
            by_cell
                .entry((c.probability, c.impact))
                .or_default()
                .push((i + 1, m));
        };
        match (p.at, p.kind) {
            (Some(c), PointKind::Normal) => add(c, Mark::Normal),
            (Some(c), PointKind::Cyber { after }) => {
                add(c, Mark::CyberNow);
                if let Some(a) = after {
                    add(a, Mark::CyberAfter);
                }
            }
            (None, _) => {}
        }
    }
    let mut out = Vec::new();
    for ((p, i), marks) in by_cell {
        let n = marks.len();
        let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
        let rows = n.div_ceil(cols);
        let sx = CELL / (cols as f64 + 1.0);
        let sy = CELL / (rows as f64 + 1.0);
        let r = (sx.min(sy) * 0.42).min(15.0);
        let (cx, cy) = cell_origin(Cell {
            probability: p,
            impact: i,
        });
        for (k, (number, mark)) in marks.into_iter().enumerate() {
            out.push(Placed {
                number,
                mark,
                x: cx + sx * ((k % cols) as f64 + 1.0),
                y: cy + sy * ((k / cols) as f64 + 1.0),
                r,
            });
        }
    }
    out
}

fn marker(svg: &mut String, m: &Placed) {
    let (fill, stroke, stroke_width, text_fill, dash) = match m.mark {
        Mark::Normal => (NORMAL_FILL, "#ffffff", 1.5, "#ffffff", ""),
        Mark::CyberNow => (CYBER, "#ffffff", 2.0, "#ffffff", ""),
        Mark::CyberAfter => ("#ffffff", CYBER, 2.5, CYBER, " stroke-dasharray=\"4 2\""),
    };
    let _ = writeln!(
        svg,
        "<g class=\"marker\" data-kind=\"{kind}\" data-number=\"{n}\"><circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{stroke_width}\"{dash}/>\
         <text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"{fs}\" font-weight=\"bold\" fill=\"{text_fill}\">{n}</text></g>",
        kind = m.mark.kind(),
        n = m.number,
        x = num(m.x),
        y = num(m.y),
        r = num(m.r),
        ty = num(m.y + m.r * 0.4),
        fs = num(m.r * 1.1),
    );
}

/// The arrow from the cyber risk now to after, stopping at the markers' edges.
fn arrow(svg: &mut String, from: &Placed, to: &Placed) {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len <= from.r + to.r + 2.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let _ = writeln!(
        svg,
        "<line class=\"cyber-arrow\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{CYBER}\" stroke-width=\"2.5\" marker-end=\"url(#mieruka-risk-arrow)\"/>",
        num(from.x + ux * (from.r + 1.0)),
        num(from.y + uy * (from.r + 1.0)),
        num(to.x - ux * (to.r + 5.0)),
        num(to.y - uy * (to.r + 5.0)),
    );
}

fn text(svg: &mut String, x: f64, y: f64, attrs: &str, s: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\"{attrs}>{}</text>",
        num(x),
        num(y),
        escape(s)
    );
}

fn grid(svg: &mut String, lang: Lang) {
    for i in (1..=5u8).rev() {
        for p in 1..=5u8 {
            let c = Cell {
                probability: p,
                impact: i,
            };
            let (x, y) = cell_origin(c);
            let s = c.severity();
            let _ = writeln!(
                svg,
                "<rect data-cell=\"{p},{i}\" data-severity=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"/>",
                severity_code(s),
                num(x),
                num(y),
                num(CELL),
                num(CELL),
                shade(s),
            );
            text(
                svg,
                x + 5.0,
                y + 13.0,
                " font-size=\"10\" fill=\"#555555\"",
                &severity_tag(s, lang),
            );
        }
    }
    let _ = writeln!(
        svg,
        "<rect x=\"{X0}\" y=\"{Y0}\" width=\"{w}\" height=\"{w}\" fill=\"none\" stroke=\"#666666\" stroke-width=\"1\"/>",
        w = num(5.0 * CELL)
    );
    // The words of the figure: the upper right is where risk is high.
    text(
        svg,
        GRID_RIGHT,
        Y0 - 10.0,
        &format!(" text-anchor=\"end\" font-size=\"14\" font-weight=\"bold\" fill=\"{CYBER}\""),
        &format!("{} ↗", Severity::High.label(lang)),
    );
}

fn axes(svg: &mut String, lang: Lang, bands_yen: Option<&[f64; 4]>) {
    for p in 1..=5u8 {
        let x = X0 + (f64::from(p) - 0.5) * CELL;
        text(
            svg,
            x,
            GRID_BOTTOM + 20.0,
            " text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\"",
            &p.to_string(),
        );
        text(
            svg,
            x,
            GRID_BOTTOM + 37.0,
            " text-anchor=\"middle\" font-size=\"11\"",
            probability_label(p, lang),
        );
    }
    for i in 1..=5u8 {
        let y = Y0 + (5.0 - f64::from(i) + 0.5) * CELL;
        let head = format!("{i} {}", impact_label(i, lang));
        match bands_yen {
            Some(b) => {
                text(
                    svg,
                    X0 - 10.0,
                    y - 3.0,
                    " text-anchor=\"end\" font-size=\"13\" font-weight=\"bold\"",
                    &head,
                );
                text(
                    svg,
                    X0 - 10.0,
                    y + 13.0,
                    " text-anchor=\"end\" font-size=\"11\" fill=\"#444444\"",
                    &impact_band(i, b, lang),
                );
            }
            None => text(
                svg,
                X0 - 10.0,
                y + 4.0,
                " text-anchor=\"end\" font-size=\"13\" font-weight=\"bold\"",
                &head,
            ),
        }
    }
    text(
        svg,
        X0 + 2.5 * CELL,
        GRID_BOTTOM + 62.0,
        " text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\"",
        &format!("{} →", tr(lang, "chart_matrix_probability", &[])),
    );
    let (cx, cy) = (28.0, Y0 + 2.5 * CELL);
    let _ = writeln!(
        svg,
        "<text x=\"{cx}\" y=\"{}\" transform=\"rotate(-90 {cx} {})\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        num(cy),
        num(cy),
        escape(&format!("{} →", tr(lang, "chart_matrix_impact", &[]))),
    );
    // What the shades mean, in words too.
    let mut x = X0;
    for s in [Severity::Low, Severity::Medium, Severity::High] {
        let y = GRID_BOTTOM + 84.0;
        let _ = writeln!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"14\" fill=\"{}\" stroke=\"#666666\" stroke-width=\"0.5\"/>",
            num(x),
            num(y),
            shade(s)
        );
        let rule = match s {
            Severity::Low => "≤ 4",
            Severity::Medium => "5–11",
            Severity::High => "≥ 12",
        };
        let words = tr(
            lang,
            "chart_matrix_shade",
            &[("severity", &s.label(lang)), ("rule", &rule)],
        );
        text(svg, x + 24.0, y + 12.0, " font-size=\"11\"", &words);
        x += 20.0 + 24.0 + ems(&words) * 11.0;
    }
}

/// The risk matrix as a complete SVG document. `points` are numbered 1, 2, … in the order given;
/// `bands_yen` (the organisation's money bands) adds the amounts to the impact scale.
pub fn risk_matrix_svg(
    lang: Lang,
    points: &[MatrixPoint],
    title: &str,
    bands_yen: Option<&[f64; 4]>,
) -> String {
    let mut body = String::new();
    grid(&mut body, lang);
    axes(&mut body, lang, bands_yen);
    let placed = layout(points);
    for now in placed.iter().filter(|m| m.mark == Mark::CyberNow) {
        if let Some(after) = placed
            .iter()
            .find(|m| m.mark == Mark::CyberAfter && m.number == now.number)
        {
            arrow(&mut body, now, after);
        }
    }
    // Hollow "after" markers first, so the filled ones sit on top where they meet.
    for m in placed.iter().filter(|m| m.mark == Mark::CyberAfter) {
        marker(&mut body, m);
    }
    for m in placed.iter().filter(|m| m.mark != Mark::CyberAfter) {
        marker(&mut body, m);
    }
    let legend_bottom = legend(&mut body, lang, points);
    let height = (GRID_BOTTOM + 116.0).max(legend_bottom + 16.0).ceil();

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"mieruka-risk-title mieruka-risk-desc\" font-family=\"{FONT_FAMILY}\" fill=\"#222222\">",
        w = num(WIDTH),
        h = num(height),
    );
    let _ = writeln!(
        svg,
        "<title id=\"mieruka-risk-title\">{}</title>",
        escape(title)
    );
    let _ = writeln!(
        svg,
        "<desc id=\"mieruka-risk-desc\">{}</desc>",
        escape(&description(lang, points))
    );
    let _ = writeln!(
        svg,
        "<defs><marker id=\"mieruka-risk-arrow\" viewBox=\"0 0 10 10\" refX=\"2\" refY=\"5\" markerWidth=\"4\" markerHeight=\"4\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{CYBER}\"/></marker></defs>"
    );
    let _ = writeln!(
        svg,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    text(
        &mut svg,
        24.0,
        40.0,
        " font-size=\"18\" font-weight=\"bold\"",
        title,
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}
