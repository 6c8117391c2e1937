//! The dashboard card's trend: lines broken at gaps, the latest actual marked, the plan dashed
//! and the target faint, and nothing breaks on one month, no month, or three years.

mod common;

use common::{HOSTILE, check_document, elements, num};
use mieruka_charts::{Trend, trend_svg};
use roxmltree::Document;

fn trend(actual: Vec<Option<f64>>) -> Trend {
    Trend {
        title: "匿名化プロジェクト進捗率の推移".into(),
        planned: (1..=12)
            .map(|m| Some(f64::from(m) * 100.0 / 12.0))
            .collect(),
        actual,
        target: Some(100.0),
        last_text: "61%".into(),
        start_label: "4月".into(),
        end_label: "3月".into(),
    }
}

fn points(polyline: &roxmltree::Node) -> Vec<(f64, f64)> {
    polyline
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn a_card_sized_document_with_plan_dashed_target_faint_and_last_point_marked() {
    let svg = trend_svg(&trend(vec![Some(5.0), Some(20.0), Some(38.0), Some(61.0)]));
    assert_eq!(check_document(&svg), "匿名化プロジェクト進捗率の推移");
    assert!(svg.contains("viewBox=\"0 0 240 80\""));
    let doc = Document::parse(&svg).unwrap();
    let actual = elements(&doc, "polyline", "actual");
    assert_eq!(actual.len(), 1);
    let pts = points(&actual[0]);
    assert_eq!(pts.len(), 4);
    assert!(
        pts.windows(2).all(|w| w[1].0 > w[0].0 && w[1].1 < w[0].1),
        "rising: {pts:?}"
    );
    assert!(actual[0].attribute("stroke-dasharray").is_none());
    let plan = elements(&doc, "polyline", "planned");
    assert!(
        plan[0].attribute("stroke-dasharray").is_some(),
        "the plan is dashed"
    );
    assert_eq!(points(&plan[0]).len(), 12);
    let target = elements(&doc, "line", "target")[0];
    assert!(target.attribute("stroke-dasharray").is_some());
    assert!(num(&target, "y1") < pts[3].1, "100% is above 61%");
    let last = elements(&doc, "circle", "last")[0];
    assert_eq!((num(&last, "cx"), num(&last, "cy")), pts[3]);
    assert_eq!(elements(&doc, "text", "last-value")[0].text(), Some("61%"));
    assert!(svg.contains(">4月</text>") && svg.contains(">3月</text>"));
}

#[test]
fn gaps_break_the_line_and_a_lone_month_is_a_dot() {
    let svg = trend_svg(&trend(vec![
        Some(5.0),
        Some(10.0),
        None,
        Some(30.0),
        None,
        Some(f64::NAN),
        Some(50.0),
        Some(55.0),
        None,
    ]));
    check_document(&svg);
    let doc = Document::parse(&svg).unwrap();
    let lines = elements(&doc, "polyline", "actual");
    assert_eq!(lines.len(), 2, "two runs of two months");
    let dots = elements(&doc, "circle", "actual");
    assert_eq!(dots.len(), 1, "month 4 alone");
    // The last point marked is the last month with a value, not the last month.
    let last = elements(&doc, "circle", "last")[0];
    assert_eq!(num(&last, "cx"), points(&lines[1])[1].0);
}

#[test]
fn one_point_none_at_all_and_flat_values_do_not_panic() {
    let one = trend_svg(&Trend {
        planned: vec![],
        target: None,
        ..trend(vec![Some(42.0)])
    });
    check_document(&one);
    let doc = Document::parse(&one).unwrap();
    let last = elements(&doc, "circle", "last")[0];
    assert_eq!(
        num(&last, "cx"),
        num(&elements(&doc, "circle", "actual")[0], "cx")
    );
    assert!(!doc.descendants().any(|n| n.tag_name().name() == "polyline"));

    let none = trend_svg(&trend(vec![None, None, Some(f64::INFINITY)]));
    check_document(&none);
    assert!(
        !none.contains("class=\"last\"") && !none.contains("61%"),
        "no latest value to mark"
    );

    let empty = trend_svg(&Trend {
        actual: vec![],
        planned: vec![],
        target: None,
        ..trend(vec![])
    });
    check_document(&empty);

    let flat = trend_svg(&Trend {
        planned: vec![],
        target: Some(0.0),
        ..trend(vec![Some(0.0); 5])
    });
    check_document(&flat);
}

#[test]
fn thirty_six_months_stay_inside_the_card() {
    let months: Vec<Option<f64>> = (0..36)
        .map(|m| Some(f64::from(m % 7) * 3.0 + 1.0))
        .collect();
    let svg = trend_svg(&Trend {
        planned: (0..36).map(|m| Some(f64::from(m))).collect(),
        ..trend(months)
    });
    check_document(&svg);
    let doc = Document::parse(&svg).unwrap();
    let pts = points(&elements(&doc, "polyline", "actual")[0]);
    assert_eq!(pts.len(), 36);
    for (x, y) in pts {
        assert!(
            (0.0..=240.0).contains(&x) && (0.0..=80.0).contains(&y),
            "{x},{y}"
        );
    }
}

#[test]
fn hostile_text_is_escaped_and_output_is_deterministic() {
    let mut t = trend(vec![Some(1.0), Some(2.0)]);
    t.title = HOSTILE.into();
    t.last_text = HOSTILE.into();
    t.end_label = HOSTILE.into();
    let svg = trend_svg(&t);
    assert_eq!(check_document(&svg), HOSTILE.replace('\u{1}', ""));
    assert_eq!(svg, trend_svg(&t.clone()));
}

#[test]
fn a_long_latest_value_stays_inside_the_card() {
    for rising in [true, false] {
        let actual: Vec<Option<f64>> = (0..12)
            .map(|m| {
                Some(if rising {
                    100.0 + f64::from(m)
                } else {
                    140.0 - f64::from(m)
                })
            })
            .collect();
        let svg = trend_svg(&Trend {
            last_text: "127億円".into(),
            planned: Vec::new(),
            target: None,
            ..trend(actual)
        });
        let doc = Document::parse(&svg).unwrap();
        let label = elements(&doc, "text", "last-value")[0];
        assert_eq!(label.text(), Some("127億円"));
        let x = num(&label, "x");
        let y = num(&label, "y");
        // 3 digits at 0.6 em and 3 wide characters at 1 em, 13 px each.
        let width = (3.0 * 0.6 + 3.0) * 13.0;
        let (left, right) = if label.attribute("text-anchor") == Some("end") {
            (x - width, x)
        } else {
            (x, x + width)
        };
        assert!(left >= 0.0 && right <= 240.0, "{left}..{right}: {svg}");
        assert!(y > 13.0 && y <= 80.0, "y {y}");
        let dot = elements(&doc, "circle", "last")[0];
        assert!(
            (num(&dot, "cy") - y).abs() >= 6.0,
            "the words do not sit on the dot: {svg}"
        );
    }
}
