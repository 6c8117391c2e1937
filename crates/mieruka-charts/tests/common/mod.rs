//! What every chart test checks first: the text parses as XML, is an accessible SVG document
//! (`viewBox`, `role="img"`, a `<title>` first), is self-contained, and asks for the Japanese font.
//! Plus small readers for the elements tests look at.

#![allow(dead_code)]

use roxmltree::{Document, Node};

/// Parses the chart and checks what every chart promises; returns the title's text.
pub fn check_document(svg: &str) -> String {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("well-formed XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("role"), Some("img"));
    let view_box: Vec<f64> = root
        .attribute("viewBox")
        .expect("viewBox")
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(view_box.len() == 4 && view_box[2] > 0.0 && view_box[3] > 0.0);
    assert!(
        root.attribute("font-family")
            .unwrap()
            .starts_with("IPAexGothic")
    );
    assert!(
        root.attribute("font-family")
            .unwrap()
            .ends_with("sans-serif")
    );
    let first = root.children().find(Node::is_element).unwrap();
    assert_eq!(
        first.tag_name().name(),
        "title",
        "the accessible name comes first"
    );
    assert!(
        !svg.contains("<script") && !svg.contains("href"),
        "self-contained"
    );
    for n in doc.descendants().filter(Node::is_element) {
        for a in n.attributes() {
            assert!(
                !a.value().contains("NaN") && !a.value().contains("inf"),
                "{a:?}"
            );
        }
    }
    first.text().unwrap_or("").to_string()
}

/// Elements whose `class` has every word of `class`, in document order.
pub fn elements<'a>(doc: &'a Document<'a>, name: &str, class: &str) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == name)
        .filter(|n| {
            let have: Vec<&str> = n.attribute("class").unwrap_or("").split(' ').collect();
            class.split(' ').all(|c| have.contains(&c))
        })
        .collect()
}

pub fn num(n: &Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("{attr} on {n:?}"))
        .parse()
        .unwrap()
}

/// All the text a reader sees (the `<text>` elements), joined by newlines.
pub fn visible_text(doc: &Document) -> String {
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A caption full of characters XML gives meaning to.
pub const HOSTILE: &str = "</text><script>alert('x')</script> & \"q\" \u{1}<!--";
