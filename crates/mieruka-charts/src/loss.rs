//! Fig. 2: the maximum loss by category (① theft of information, ② business interruption,
//! ③ fines, ④ incident response, and any indirect effects) now and after the KPI plans reach
//! their targets, as a pair of horizontal bars per category with the amounts written beside
//! them, and the totals in words underneath.
//!
//! "Now" bars are solid vermillion, "after" bars hatched bluish green, both outlined, and the
//! legend names them, so the pair reads apart without colour. Both bars of all categories share
//! one scale from zero, so lengths compare across the whole figure.

use std::fmt::Write as _;

use crate::scale::finite;
use crate::svg::{Swatch, legend, num, open, palette, text, wrap};

/// The loss breakdown of Fig. 2. Amounts come as numbers (for the bars' lengths) and as text
/// already formatted by the caller (`80億円`, `¥8.0bn`).
#[derive(Debug, Clone)]
pub struct LossBreakdown {
    pub title: String,
    /// The legend's words for the two bars, e.g. `現在` and `KPI 達成後`.
    pub now_label: String,
    pub after_label: String,
    /// The categories, top to bottom in this order.
    pub categories: Vec<LossCategory>,
    /// The totals line, e.g. `想定最大損失額の合計`, `141億円`, `97億円`; drawn as
    /// `合計: 141億円 → 97億円`. An empty `total_label` leaves the line out.
    pub total_label: String,
    pub total_now_text: String,
    pub total_after_text: String,
}

/// One loss category.
#[derive(Debug, Clone)]
pub struct LossCategory {
    /// The category's name, e.g. `① 情報盗難による金銭的被害` (wrapped when long).
    pub name: String,
    /// The amount now; NaN or ∞: no bar (the text is still shown); negative: a bar of no length.
    pub now: f64,
    pub now_text: String,
    /// The amount after, with the same rules.
    pub after: f64,
    pub after_text: String,
}

const WIDTH: f64 = 760.0;
const NAME_RIGHT: f64 = 244.0;
const BAR_L: f64 = 256.0;
/// Room at the right for the longest amount text.
const BAR_R: f64 = 640.0;
const TOP: f64 = 78.0;
const ROW_H: f64 = 54.0;
const BAR_H: f64 = 16.0;
const NOW_FILL: &str = palette::VERMILLION;

const HATCH: &str = "<defs><pattern id=\"mieruka-loss-after\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#d6efe6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#009E73\" stroke-width=\"3\"/></pattern></defs>\n";

fn totals(b: &LossBreakdown) -> String {
    format!(
        "{}: {} → {}",
        b.total_label, b.total_now_text, b.total_after_text
    )
}

fn description(b: &LossBreakdown) -> String {
    let mut lines: Vec<String> = b
        .categories
        .iter()
        .map(|c| {
            format!(
                "{}: {} {} → {} {}",
                c.name, b.now_label, c.now_text, b.after_label, c.after_text
            )
        })
        .collect();
    if !b.total_label.is_empty() {
        lines.push(totals(b));
    }
    lines.join("\n")
}

/// Fig. 2 as a complete SVG document.
pub fn loss_breakdown_svg(b: &LossBreakdown) -> String {
    let max = b
        .categories
        .iter()
        .flat_map(|c| [finite(Some(c.now)), finite(Some(c.after))])
        .flatten()
        .fold(0.0, f64::max);
    // All zero: bars of no length rather than a division by zero.
    let scale = if max > 0.0 {
        (BAR_R - BAR_L) / max
    } else {
        0.0
    };
    let rows_bottom = TOP + b.categories.len() as f64 * ROW_H;
    let height = (rows_bottom + if b.total_label.is_empty() { 16.0 } else { 52.0 }).ceil();

    let mut svg = String::new();
    open(
        &mut svg,
        "mieruka-loss-breakdown",
        WIDTH,
        height,
        &b.title,
        &description(b),
    );
    svg.push_str(HATCH);
    text(
        &mut svg,
        16.0,
        28.0,
        " font-size=\"16\" font-weight=\"bold\"",
        &b.title,
    );

    legend(
        &mut svg,
        (BAR_L, 52.0),
        &Swatch {
            w: 24.0,
            h: 14.0,
            rise: 11.0,
        },
        24.0,
        &[
            (&b.now_label, NOW_FILL),
            (&b.after_label, "url(#mieruka-loss-after)"),
        ],
    );
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{BAR_L}\" y1=\"{}\" x2=\"{BAR_L}\" y2=\"{}\" stroke=\"{}\"/>",
        num(TOP - 4.0),
        num(rows_bottom),
        palette::LINE
    );

    for (i, c) in b.categories.iter().enumerate() {
        let ry = TOP + i as f64 * ROW_H;
        let _ = writeln!(svg, "<g class=\"category\" data-category=\"{i}\">");
        let lines = wrap(&c.name, (NAME_RIGHT - 16.0) / 13.0);
        let lines = &lines[..lines.len().min(3)];
        let first = ry + ROW_H / 2.0 + 1.0 - (lines.len() as f64 - 1.0) * 8.0;
        for (k, line) in lines.iter().enumerate() {
            text(
                &mut svg,
                NAME_RIGHT,
                first + k as f64 * 16.0,
                " class=\"category-name\" text-anchor=\"end\" font-size=\"13\"",
                line,
            );
        }
        let pair = [
            ("now", c.now, &c.now_text, NOW_FILL, ry + 8.0),
            (
                "after",
                c.after,
                &c.after_text,
                "url(#mieruka-loss-after)",
                ry + 8.0 + BAR_H + 4.0,
            ),
        ];
        for (kind, value, label, fill, by) in pair {
            let w = finite(Some(value)).map(|v| v.max(0.0) * scale);
            if let Some(w) = w {
                let _ = writeln!(
                    svg,
                    "<rect class=\"bar {kind}\" data-value=\"{value}\" x=\"{BAR_L}\" y=\"{}\" width=\"{}\" height=\"{BAR_H}\" fill=\"{fill}\" stroke=\"{}\"/>",
                    num(by),
                    num(w),
                    palette::LINE
                );
            }
            text(
                &mut svg,
                BAR_L + w.unwrap_or(0.0) + 6.0,
                by + BAR_H - 3.0,
                &format!(" class=\"amount {kind}\" font-size=\"12\""),
                label,
            );
        }
        svg.push_str("</g>\n");
    }
    if !b.total_label.is_empty() {
        text(
            &mut svg,
            BAR_L,
            rows_bottom + 32.0,
            " class=\"totals\" font-size=\"15\" font-weight=\"bold\"",
            &totals(b),
        );
    }
    svg.push_str("</svg>\n");
    svg
}
