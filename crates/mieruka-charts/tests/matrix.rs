//! The risk matrix as a reader and a parser see it: well-formed XML with escaped text, markers
//! in the cells they stand for, every name in the legend, and the same bytes every time.

use mieruka_charts::{MatrixPoint, PointKind, risk_matrix_svg};
use mieruka_domain::Lang;
use mieruka_domain::risk::Cell;

fn cell(p: u8, i: u8) -> Cell {
    Cell {
        probability: p,
        impact: i,
    }
}

fn point(label: &str, p: u8, i: u8) -> MatrixPoint {
    MatrixPoint {
        label: label.into(),
        at: Some(cell(p, i)),
        kind: PointKind::Normal,
    }
}

fn report_points() -> Vec<MatrixPoint> {
    vec![
        point("自然災害・事故等", 2, 5),
        point("人材の確保・育成", 4, 2),
        point("原材料の価格高騰・調達難", 4, 3),
        point("為替レートの変動", 5, 3),
        point("製造物責任", 2, 4),
        point("コンプライアンス", 2, 3),
        point("知的財産の保護", 3, 2),
        point("市場や事業環境の急激な変化", 3, 4),
        MatrixPoint {
            label: "サイバーリスク・個人情報の保護".into(),
            at: Some(cell(4, 5)),
            kind: PointKind::Cyber {
                after: Some(cell(4, 4)),
            },
        },
    ]
}

const BANDS: [f64; 4] = [1e8, 1e9, 5e9, 1e10];

/// Checks the document is well-formed XML as far as these charts go: tags balance, attribute
/// values are quoted, and text has no raw `<` and no `&` outside the five entities.
fn assert_well_formed(svg: &str) {
    let entity_ok = |s: &str| {
        s.match_indices('&').all(|(i, _)| {
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| s[i..].starts_with(e))
        })
    };
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(entity_ok(text), "bad entity in text {text:?}");
        assert!(
            !text.contains('>') || !stack.is_empty(),
            "stray > outside the root"
        );
        let close = rest[open..].find('>').expect("tag closes") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "< inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "closing tag {name} balances"
            );
        } else {
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name = body.split_whitespace().next().expect("tag name");
            // Attributes: name="value" pairs, values escaped.
            let mut attrs = body[name.len()..].trim();
            while !attrs.is_empty() {
                let eq = attrs
                    .find("=\"")
                    .unwrap_or_else(|| panic!("quoted attribute in <{tag}>"));
                let after = &attrs[eq + 2..];
                let end = after.find('"').expect("attribute value ends");
                assert!(
                    entity_ok(&after[..end]),
                    "bad entity in attribute of <{tag}>"
                );
                attrs = after[end + 1..].trim_start();
            }
            if !self_closing {
                stack.push(name.to_string());
            }
        }
        rest = &rest[close + 1..];
        if stack.is_empty() {
            assert!(
                rest.trim().is_empty(),
                "one root element, got trailing {rest:?}"
            );
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    tag[start..].split('"').next().unwrap().parse().unwrap()
}

/// The circle of the first marker of a kind: (cx, cy).
fn marker_centre(svg: &str, kind: &str) -> (f64, f64) {
    let at = svg
        .find(&format!("data-kind=\"{kind}\""))
        .unwrap_or_else(|| panic!("{kind} marker"));
    let circle = &svg[at..];
    let circle = &circle[circle.find("<circle").unwrap()..];
    let circle = &circle[..circle.find("/>").unwrap()];
    (attr(circle, "cx"), attr(circle, "cy"))
}

/// The rectangle of a grid cell: (x, y, width, height).
fn cell_rect(svg: &str, p: u8, i: u8) -> (f64, f64, f64, f64) {
    let at = svg
        .find(&format!("data-cell=\"{p},{i}\""))
        .expect("cell rect");
    let tag = &svg[at..at + svg[at..].find("/>").unwrap()];
    (
        attr(tag, "x"),
        attr(tag, "y"),
        attr(tag, "width"),
        attr(tag, "height"),
    )
}

fn inside(svg: &str, (x, y): (f64, f64), p: u8, i: u8) -> bool {
    let (rx, ry, w, h) = cell_rect(svg, p, i);
    x > rx && x < rx + w && y > ry && y < ry + h
}

#[test]
fn the_reports_matrix_is_a_well_formed_accessible_document() {
    let svg = risk_matrix_svg(
        Lang::Ja,
        &report_points(),
        "サンプル空調 — 事業リスクの評価",
        Some(&BANDS),
    );
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "),
        "{}",
        &svg[..80]
    );
    assert!(
        svg.contains("role=\"img\"")
            && svg.contains(
                "<title id=\"mieruka-risk-title\">サンプル空調 — 事業リスクの評価</title>"
            )
    );
    assert!(
        svg.contains("IPAexGothic")
            && svg.contains("Noto Sans CJK JP")
            && svg.contains("sans-serif")
    );
    assert!(
        !svg.contains("<script") && !svg.contains("href"),
        "self-contained"
    );
    assert_well_formed(&svg);
    for words in [
        "発生確率 →",
        "影響度（損失額） →",
        "高リスク ↗",
        "1 軽微",
        "5 甚大",
        "100億円以上",
        "ほぼ確実",
        "稀",
    ] {
        assert!(svg.contains(words), "{words}");
    }
    assert_eq!(svg.matches("data-cell=").count(), 25);
    assert_eq!(
        svg.matches("data-severity=\"high\"").count(),
        8,
        "probability × impact ≥ 12"
    );
}

#[test]
fn the_cyber_risk_is_filled_upper_right_now_and_hollow_lower_after() {
    let svg = risk_matrix_svg(Lang::Ja, &report_points(), "t", Some(&BANDS));
    let now = marker_centre(&svg, "cyber-now");
    let after = marker_centre(&svg, "cyber-after");
    assert!(inside(&svg, now, 4, 5), "now {now:?} in cell (4,5)");
    assert!(inside(&svg, after, 4, 4), "after {after:?} in cell (4,4)");
    assert!(after.1 > now.1, "after is lower on the page");
    assert_eq!(svg.matches("class=\"cyber-arrow\"").count(), 1);
    assert!(svg.contains("data-kind=\"cyber-now\" data-number=\"9\""));
    assert!(svg.contains("data-kind=\"cyber-after\" data-number=\"9\""));
    // Every other risk at its own cell.
    let at = svg.find("data-kind=\"normal\" data-number=\"1\"").unwrap();
    assert!(inside(&svg, marker_centre(&svg[at..], "normal"), 2, 5));
}

#[test]
fn the_legend_lists_every_name_by_number() {
    let points = report_points();
    let svg = risk_matrix_svg(Lang::Ja, &points, "t", None);
    for (i, p) in points.iter().enumerate() {
        assert!(svg.contains(&format!("class=\"legend-entry\" data-number=\"{}\"", i + 1)));
        let entry = &svg[svg
            .find(&format!("class=\"legend-entry\" data-number=\"{}\"", i + 1))
            .unwrap()..];
        let entry = &entry[..entry.find("</g>").unwrap()];
        let text: String = entry
            .split('>')
            .filter_map(|s| s.split('<').next())
            .collect();
        assert!(text.contains(&p.label), "{} in {entry}", p.label);
    }
    assert!(svg.contains("サイバーリスク（現在）") && svg.contains("KPI 達成後"));
}

#[test]
fn text_is_escaped_and_long_names_wrap() {
    let long = "海外子会社を含むグループ全体のサプライチェーンにおける重要部品の調達途絶リスク";
    let points = vec![point("R&D <試作> \"A\" 'B'", 1, 1), point(long, 1, 1)];
    let svg = risk_matrix_svg(Lang::En, &points, "Risks of <Acme & Co>", None);
    assert_well_formed(&svg);
    assert!(svg.contains("R&amp;D &lt;試作&gt; &quot;A&quot; &apos;B&apos;"));
    assert!(
        svg.contains("<title id=\"mieruka-risk-title\">Risks of &lt;Acme &amp; Co&gt;</title>")
    );
    let entry = &svg[svg
        .find("class=\"legend-entry\" data-number=\"2\"")
        .unwrap()..];
    let entry = &entry[..entry.find("</g>").unwrap()];
    assert!(
        entry.matches("<text").count() >= 3,
        "the long name spans lines: {entry}"
    );
    assert!(
        svg.contains("Probability →")
            && svg.contains("Impact (loss) →")
            && svg.contains("High risk ↗")
    );
}

#[test]
fn crowded_cells_keep_markers_apart_and_inside() {
    let points: Vec<_> = (0..7).map(|k| point(&format!("risk {k}"), 3, 3)).collect();
    let svg = risk_matrix_svg(Lang::Ja, &points, "t", None);
    let mut circles = Vec::new();
    for (at, _) in svg.match_indices("data-kind=\"normal\"") {
        let c = &svg[at..];
        let c = &c[c.find("<circle").unwrap()..];
        let c = &c[..c.find("/>").unwrap()];
        circles.push((attr(c, "cx"), attr(c, "cy"), attr(c, "r")));
    }
    assert_eq!(circles.len(), 7);
    let (rx, ry, w, h) = cell_rect(&svg, 3, 3);
    for (i, a) in circles.iter().enumerate() {
        assert!(
            a.0 - a.2 >= rx && a.0 + a.2 <= rx + w && a.1 - a.2 >= ry && a.1 + a.2 <= ry + h,
            "inside: {a:?}"
        );
        for b in &circles[i + 1..] {
            let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
            assert!(d >= a.2 + b.2, "{a:?} and {b:?} overlap");
        }
    }
}

#[test]
fn an_unplaced_cyber_risk_is_listed_but_not_drawn() {
    let mut points = report_points();
    points[8].at = None;
    let svg = risk_matrix_svg(Lang::Ja, &points, "t", None);
    assert_well_formed(&svg);
    assert!(!svg.contains("cyber-now") && !svg.contains("cyber-arrow"));
    assert!(svg.contains("サイバーリスク・個人情報の保護（未配置）"));
}

#[test]
fn output_is_deterministic() {
    let a = risk_matrix_svg(Lang::Ja, &report_points(), "t", Some(&BANDS));
    let b = risk_matrix_svg(Lang::Ja, &report_points(), "t", Some(&BANDS));
    assert_eq!(a, b);
    assert_ne!(
        a,
        risk_matrix_svg(Lang::En, &report_points(), "t", Some(&BANDS))
    );
}
