//! Loss-exceedance curves: a log loss axis with ticks in the caller's words, probability in
//! percent, curves told apart by dash pattern and named in the legend, bad points skipped.

mod common;

use common::{HOSTILE, check_document, elements, num, visible_text};
use mieruka_charts::{Exceedance, ExceedanceCurve, TickFormat, exceedance_svg};
use roxmltree::Document;

fn curve(label: &str, scale: f64) -> ExceedanceCurve {
    ExceedanceCurve {
        label: label.into(),
        points: vec![(1e8, 0.2 * scale), (1e9, 0.1 * scale), (1e10, 0.01 * scale)],
    }
}

fn chart(curves: Vec<ExceedanceCurve>) -> Exceedance {
    Exceedance {
        title: "損失超過曲線".into(),
        x_label: "損失額（対数目盛）".into(),
        y_label: "年間の超過確率".into(),
        x_ticks: TickFormat::new(|v| format!("{}億円", v / 1e8)),
        curves,
    }
}

fn points(n: &roxmltree::Node) -> Vec<(f64, f64)> {
    n.attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn curves_on_a_log_axis_differ_by_dash_and_legend() {
    let svg = exceedance_svg(&chart(vec![curve("現在", 1.0), curve("KPI 達成後", 0.5)]));
    assert_eq!(check_document(&svg), "損失超過曲線");
    let doc = Document::parse(&svg).unwrap();
    let ticks: Vec<&str> = elements(&doc, "text", "tick x")
        .iter()
        .map(|t| t.text().unwrap())
        .collect();
    assert_eq!(ticks, ["1億円", "10億円", "100億円"]);
    let curves = elements(&doc, "polyline", "curve");
    assert_eq!(curves.len(), 2);
    let now = points(&curves[0]);
    let after = points(&curves[1]);
    // Log axis: each power of ten is the same distance apart.
    assert!(((now[1].0 - now[0].0) - (now[2].0 - now[1].0)).abs() < 0.2);
    // A lower probability is lower on the page (larger y).
    assert!(after.iter().zip(&now).all(|(a, n)| a.1 > n.1 && a.0 == n.0));
    let dash = |n: &roxmltree::Node| n.attribute("stroke-dasharray").map(str::to_string);
    assert_ne!(
        dash(&curves[0]),
        dash(&curves[1]),
        "told apart without colour"
    );
    let legend = elements(&doc, "line", "legend-line");
    assert_eq!(
        dash(&legend[1]),
        dash(&curves[1]),
        "the legend shows the line's pattern"
    );
    let text = visible_text(&doc);
    for words in [
        "現在",
        "KPI 達成後",
        "0%",
        "20%",
        "損失額（対数目盛）",
        "年間の超過確率",
    ] {
        assert!(text.contains(words), "{words}");
    }
}

#[test]
fn bad_points_are_skipped_and_points_are_sorted_by_loss() {
    let c = ExceedanceCurve {
        label: "now".into(),
        points: vec![
            (1e10, 0.01),
            (0.0, 0.5),
            (f64::NAN, 0.1),
            (1e8, 1.7),
            (1e9, f64::INFINITY),
            (1e9, 0.1),
        ],
    };
    let svg = exceedance_svg(&chart(vec![c]));
    check_document(&svg);
    let doc = Document::parse(&svg).unwrap();
    let pts = points(&elements(&doc, "polyline", "curve")[0]);
    assert_eq!(pts.len(), 3);
    assert!(pts.windows(2).all(|w| w[0].0 < w[1].0));
    let ys: Vec<&str> = elements(&doc, "text", "tick y")
        .iter()
        .map(|t| t.text().unwrap())
        .collect();
    assert_eq!(
        ys.last(),
        Some(&"100%"),
        "probability kept within 100%: {ys:?}"
    );
}

#[test]
fn empty_and_single_point_charts_draw() {
    for curves in [
        vec![],
        vec![ExceedanceCurve {
            label: "none".into(),
            points: vec![],
        }],
        vec![ExceedanceCurve {
            label: "one".into(),
            points: vec![(5e8, 0.0)],
        }],
        vec![ExceedanceCurve {
            label: "same".into(),
            points: vec![(1e9, 0.1), (1e9, 0.1)],
        }],
    ] {
        let svg = exceedance_svg(&chart(curves));
        check_document(&svg);
        let doc = Document::parse(&svg).unwrap();
        assert!(elements(&doc, "text", "tick x").len() >= 2);
        for c in elements(&doc, "circle", "curve") {
            assert!(num(&c, "cx").is_finite() && num(&c, "cy").is_finite());
        }
    }
}

#[test]
fn hostile_text_is_escaped_and_output_is_deterministic() {
    let mut e = chart(vec![curve(HOSTILE, 1.0)]);
    e.title = HOSTILE.into();
    e.x_label = HOSTILE.into();
    let svg = exceedance_svg(&e);
    assert_eq!(check_document(&svg), HOSTILE.replace('\u{1}', ""));
    assert_eq!(svg, exceedance_svg(&e.clone()));
}
