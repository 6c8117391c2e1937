//! Fig. 9 as a reader sees it: bars as long as their values, a row saying "no data" where there
//! is no actual, every status in words, the direction respected, and hostile names escaped.

mod common;

use common::{HOSTILE, check_document, elements, num, visible_text};
use mieruka_charts::{PlanVsActual, TickFormat, UnitBars, plan_vs_actual_svg};
use mieruka_domain::Lang;
use mieruka_domain::evaluation::Status;
use mieruka_domain::kpi::Direction;
use roxmltree::Document;

fn unit(name: &str, planned: Option<f64>, actual: Option<f64>, status: Status) -> UnitBars {
    UnitBars {
        name: name.into(),
        planned,
        planned_text: planned.map(|v| format!("{v}%")).unwrap_or_default(),
        actual,
        actual_text: actual.map(|v| format!("{v}%")).unwrap_or_default(),
        status,
        status_text: status.label(Lang::Ja).into(),
    }
}

fn chart(units: Vec<UnitBars>) -> PlanVsActual {
    PlanVsActual {
        title: "主要部門のサイバー演習進捗率".into(),
        axis_label: "進捗率（%）".into(),
        ticks: TickFormat::suffix("%"),
        direction: Direction::HigherIsBetter,
        direction_text: "高いほど良い".into(),
        target: Some(100.0),
        target_text: "目標 100%".into(),
        plan_label: "計画".into(),
        actual_label: "実績".into(),
        no_data_text: "実績なし".into(),
        units,
    }
}

fn departments() -> PlanVsActual {
    chart(vec![
        unit(
            "セキュリティ部門",
            Some(100.0),
            Some(100.0),
            Status::Achieved,
        ),
        unit("製造部門", Some(40.0), Some(60.0), Status::OnTrack),
        unit("顧客サポート部門", Some(80.0), Some(50.0), Status::OffTrack),
        unit("海外現地法人", Some(60.0), None, Status::NoData),
    ])
}

/// The (plan, actual) bar widths of a row, `None` where a bar is missing.
fn widths(doc: &Document, row: usize) -> (Option<f64>, Option<f64>) {
    let g = elements(doc, "g", "unit")
        .into_iter()
        .find(|g| g.attribute("data-unit") == Some(&row.to_string()))
        .expect("row");
    let bar = |kind: &str| {
        g.descendants()
            .find(|n| n.attribute("class") == Some(&format!("bar {kind}")))
            .map(|n| num(&n, "width"))
    };
    (bar("plan"), bar("actual"))
}

#[test]
fn bars_are_proportional_and_a_larger_actual_is_a_longer_bar() {
    let svg = plan_vs_actual_svg(&departments());
    assert_eq!(check_document(&svg), "主要部門のサイバー演習進捗率");
    let doc = Document::parse(&svg).unwrap();
    let (plan0, actual0) = widths(&doc, 0);
    let (plan1, actual1) = widths(&doc, 1);
    let (plan2, actual2) = widths(&doc, 2);
    let full = actual0.unwrap();
    assert!(full > 100.0);
    assert_eq!(plan0, Some(full));
    // 60% is 0.6 of the 100% bar, 40% is 0.4 of it.
    assert!((actual1.unwrap() / full - 0.6).abs() < 0.01, "{actual1:?}");
    assert!((plan1.unwrap() / full - 0.4).abs() < 0.01, "{plan1:?}");
    assert!(actual1 > plan1, "an actual above plan is the longer bar");
    assert!(actual2 < plan2, "an actual below plan is the shorter bar");
    // The target line sits at the end of the 100% bar.
    let bar = elements(&doc, "rect", "bar actual")[0];
    let target = elements(&doc, "line", "target")[0];
    assert!((num(&target, "x1") - (num(&bar, "x") + full)).abs() < 0.2);
}

#[test]
fn the_axis_covers_values_above_the_target() {
    let mut c = departments();
    c.units[1].actual = Some(130.0);
    let svg = plan_vs_actual_svg(&c);
    let doc = Document::parse(&svg).unwrap();
    let ticks: Vec<&str> = elements(&doc, "text", "tick")
        .iter()
        .map(|t| t.text().unwrap())
        .collect();
    assert_eq!(ticks.first(), Some(&"0%"));
    let last: f64 = ticks.last().unwrap().trim_end_matches('%').parse().unwrap();
    assert!(last >= 130.0, "{ticks:?}");
    let (_, a0) = widths(&doc, 0);
    let (_, a1) = widths(&doc, 1);
    assert!((a1.unwrap() / a0.unwrap() - 1.3).abs() < 0.01);
}

#[test]
fn a_unit_without_an_actual_says_no_data_instead_of_a_bar() {
    let svg = plan_vs_actual_svg(&departments());
    let doc = Document::parse(&svg).unwrap();
    let (plan, actual) = widths(&doc, 3);
    assert!(plan.is_some() && actual.is_none());
    let row = elements(&doc, "g", "unit")[3];
    let no_data = row
        .descendants()
        .find(|n| n.attribute("class") == Some("no-data"))
        .expect("no-data text");
    assert_eq!(no_data.text(), Some("実績なし"));
    // NaN and ∞ count as no actual too.
    let c = chart(vec![
        unit("A", Some(1.0), Some(f64::NAN), Status::NoData),
        unit("B", Some(f64::INFINITY), Some(2.0), Status::OnTrack),
    ]);
    let svg = plan_vs_actual_svg(&c);
    check_document(&svg);
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(widths(&doc, 0).1, None);
    assert_eq!(widths(&doc, 1).0, None);
    assert_eq!(elements(&doc, "text", "no-data").len(), 1);
}

#[test]
fn every_status_is_in_words_and_icons_not_colour_alone() {
    let svg = plan_vs_actual_svg(&departments());
    let doc = Document::parse(&svg).unwrap();
    let statuses: Vec<&str> = elements(&doc, "text", "status")
        .iter()
        .map(|t| t.text().unwrap())
        .collect();
    assert_eq!(statuses, ["◎ 達成", "○ 順調", "× 要対策", "－ 実績なし"]);
    let text = visible_text(&doc);
    for words in [
        "計画",
        "実績",
        "目標 100%",
        "高いほど良い →",
        "進捗率（%）",
        "100%",
        "60%",
    ] {
        assert!(text.contains(words), "{words}");
    }
    // Plan and actual differ by fill pattern, not only colour.
    let plan = elements(&doc, "rect", "bar plan")[0];
    assert_eq!(plan.attribute("fill"), Some("url(#mieruka-pva-plan)"));
    let desc = doc
        .descendants()
        .find(|n| n.tag_name().name() == "desc")
        .unwrap();
    assert!(
        desc.text()
            .unwrap()
            .contains("顧客サポート部門: 計画 80% / 実績 50% / 要対策")
    );
}

#[test]
fn lower_is_better_shades_the_left_of_the_target_as_met() {
    let mut c = departments();
    c.target = Some(50.0);
    let higher = plan_vs_actual_svg(&c);
    c.direction = Direction::LowerIsBetter;
    c.direction_text = "低いほど良い".into();
    let lower = plan_vs_actual_svg(&c);
    let met = |svg: &str| {
        let doc = Document::parse(svg).unwrap();
        let r = elements(&doc, "rect", "met-side")[0];
        let t = elements(&doc, "line", "target")[0];
        (num(&r, "x"), num(&r, "width"), num(&t, "x1"))
    };
    let (hx, _, ht) = met(&higher);
    assert!(
        (hx - ht).abs() < 0.2,
        "higher is better: met from the target rightwards"
    );
    let (lx, lw, lt) = met(&lower);
    assert!(
        lx < lt && (lx + lw - lt).abs() < 0.2,
        "lower is better: met up to the target"
    );
    assert!(lower.contains("← 低いほど良い"));
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let mut c = departments();
    c.title = HOSTILE.into();
    c.axis_label = HOSTILE.into();
    c.target_text = HOSTILE.into();
    c.no_data_text = HOSTILE.into();
    c.units[0].name = HOSTILE.into();
    c.units[0].status_text = HOSTILE.into();
    c.ticks = TickFormat::new(|_| "<b>&".into());
    let svg = plan_vs_actual_svg(&c);
    let title = check_document(&svg);
    assert_eq!(title, HOSTILE.replace('\u{1}', ""));
    let doc = Document::parse(&svg).unwrap();
    assert!(visible_text(&doc).contains("<b>&"));
    assert!(!doc.descendants().any(|n| n.tag_name().name() == "script"));
}

#[test]
fn degenerate_inputs_draw_without_panicking() {
    for units in [
        vec![],
        vec![unit("A", None, None, Status::NoData)],
        vec![unit("A", Some(0.0), Some(0.0), Status::Behind)],
        vec![unit(
            "A",
            Some(-5.0),
            Some(f64::NEG_INFINITY),
            Status::OffTrack,
        )],
    ] {
        let mut c = chart(units);
        c.target = None;
        let svg = plan_vs_actual_svg(&c);
        check_document(&svg);
        let doc = Document::parse(&svg).unwrap();
        for bar in elements(&doc, "rect", "bar") {
            assert!(num(&bar, "width") >= 0.0);
        }
        assert!(
            elements(&doc, "text", "tick").len() >= 2,
            "an axis even when empty"
        );
    }
    let svg = plan_vs_actual_svg(&chart(vec![]));
    assert!(svg.contains(">実績なし</text>"), "an empty chart says so");
}

#[test]
fn output_is_deterministic() {
    assert_eq!(
        plan_vs_actual_svg(&departments()),
        plan_vs_actual_svg(&departments().clone())
    );
}
