//! Fig. 2 as a reader sees it: a now and an after bar per category, lengths on one scale, the
//! amounts and the totals in the caller's words.

mod common;

use common::{HOSTILE, check_document, elements, num, visible_text};
use mieruka_charts::{LossBreakdown, LossCategory, loss_breakdown_svg};
use roxmltree::Document;

fn category(name: &str, now: f64, after: f64) -> LossCategory {
    LossCategory {
        name: name.into(),
        now: now * 1e8,
        now_text: format!("{now}億円"),
        after: after * 1e8,
        after_text: format!("{after}億円"),
    }
}

fn report() -> LossBreakdown {
    LossBreakdown {
        title: "想定最大損失額".into(),
        now_label: "現在".into(),
        after_label: "KPI 達成後".into(),
        categories: vec![
            category("① 情報盗難による金銭的被害", 80.0, 40.0),
            category("② ビジネス停止による機会損失", 20.0, 16.0),
            category("③ 法令違反による制裁金リスク", 40.0, 40.0),
            category("④ 事故対応費用", 1.0, 0.6),
        ],
        total_label: "合計".into(),
        total_now_text: "141億円".into(),
        total_after_text: "97億円".into(),
    }
}

fn width(doc: &Document, kind: &str, category: usize) -> Option<f64> {
    let g = elements(doc, "g", "category")
        .into_iter()
        .find(|g| g.attribute("data-category") == Some(&category.to_string()))?;
    g.descendants()
        .find(|n| n.attribute("class") == Some(&format!("bar {kind}")))
        .map(|n| num(&n, "width"))
}

#[test]
fn the_reports_example_pairs_bars_on_one_scale_with_amounts_and_totals() {
    let svg = loss_breakdown_svg(&report());
    assert_eq!(check_document(&svg), "想定最大損失額");
    let doc = Document::parse(&svg).unwrap();
    let theft_now = width(&doc, "now", 0).unwrap();
    assert!(theft_now > 200.0);
    for (i, (now, after)) in [(80.0, 40.0), (20.0, 16.0), (40.0, 40.0), (1.0, 0.6)]
        .into_iter()
        .enumerate()
    {
        let n = width(&doc, "now", i).unwrap();
        let a = width(&doc, "after", i).unwrap();
        assert!((n / theft_now - now / 80.0).abs() < 0.01, "now {i}");
        assert!((a / theft_now - after / 80.0).abs() < 0.01, "after {i}");
    }
    let text = visible_text(&doc);
    for words in [
        "① 情報盗難による金銭的被害",
        "80億円",
        "0.6億円",
        "現在",
        "KPI 達成後",
        "合計: 141億円 → 97億円",
    ] {
        assert!(text.contains(words), "{words}");
    }
    // Now and after differ by pattern as well as colour.
    let fills: Vec<_> = ["bar now", "bar after"]
        .iter()
        .map(|c| {
            elements(&doc, "rect", c)[0]
                .attribute("fill")
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(fills[1].starts_with("url(") && !fills[0].starts_with("url("));
    assert!(
        svg.contains("① 情報盗難による金銭的被害: 現在 80億円 → KPI 達成後 40億円"),
        "desc"
    );
}

#[test]
fn zero_missing_and_bad_amounts_draw_without_panicking() {
    let mut b = report();
    b.categories = vec![category("A", 0.0, 0.0)];
    let svg = loss_breakdown_svg(&b);
    check_document(&svg);
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(width(&doc, "now", 0), Some(0.0));

    b.categories = vec![
        LossCategory {
            now: f64::NAN,
            ..category("B", 1.0, 1.0)
        },
        LossCategory {
            after: -3.0,
            ..category("C", 2.0, 1.0)
        },
    ];
    let svg = loss_breakdown_svg(&b);
    check_document(&svg);
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(width(&doc, "now", 0), None, "NaN: no bar");
    assert!(
        visible_text(&doc).contains("1億円"),
        "its amount is still written"
    );
    assert_eq!(width(&doc, "after", 1), Some(0.0), "negative: no length");

    b.categories.clear();
    b.total_label.clear();
    let svg = loss_breakdown_svg(&b);
    check_document(&svg);
    assert!(!svg.contains("class=\"totals\""));
}

#[test]
fn hostile_text_is_escaped_and_output_is_deterministic() {
    let mut b = report();
    b.title = HOSTILE.into();
    b.categories[0].name = HOSTILE.into();
    b.categories[0].now_text = HOSTILE.into();
    b.total_after_text = HOSTILE.into();
    let svg = loss_breakdown_svg(&b);
    assert_eq!(check_document(&svg), HOSTILE.replace('\u{1}', ""));
    let doc = Document::parse(&svg).unwrap();
    assert!(visible_text(&doc).contains("alert('x')"));
    assert_eq!(svg, loss_breakdown_svg(&b.clone()));
}
