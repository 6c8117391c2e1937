//! The renderers on the sample report: every format says the summary's figures, the PDF is
//! Japanese A4 with its font, rendering is byte-for-byte repeatable.

use super::*;

#[test]
fn the_pdf_is_repeatable_and_embeds_the_font() {
    let r = sample::sample(0);
    let a = pdf(&r).unwrap();
    let b = pdf(&r).unwrap();
    assert_eq!(a.bytes, b.bytes, "the same model gives the same PDF");
    assert!(a.pages >= 5, "{} pages", a.pages);
    assert!(String::from_utf8_lossy(&a.bytes).contains("IPAexGothic"));
}

#[test]
fn the_html_is_self_contained_and_escaped() {
    let mut r = sample::sample(0);
    r.summary.asks[0].text = "<script>alert(1)</script>".into();
    let h = html(&r);
    assert!(h.contains("141億円") && h.contains("97億円"));
    assert!(h.contains("個人情報等の匿名化プロジェクト進捗率"));
    assert!(!h.contains("<script>"), "user text is escaped");
    assert!(
        h.contains("&#60;script&#62;"),
        "escaped as askama escapes the pages"
    );
    assert!(
        !h.contains("http://") || !h.contains("src=\"http"),
        "nothing fetched"
    );
    assert!(!h.contains("<link") && !h.contains("src=\"http"));
    assert!(h.contains("<svg"), "charts inline");
    assert!(
        h.contains("<th>指標</th><th>当社</th><th>他社</th>"),
        "the peers' table has its heading"
    );
    assert!(h.contains("中央値 60%"));
}

#[test]
fn the_html_carries_the_glyphs_it_shows_and_no_others() {
    use base64ct::{Base64, Encoding};
    let h = html(&sample::sample(0));
    let key = "src:url(data:font/ttf;base64,";
    let at = h.find(key).expect("an embedded font") + key.len();
    let end = h[at..].find(')').unwrap();
    let font = Base64::decode_vec(&h[at..at + end]).unwrap();
    assert!(
        font.len() < mieruka_charts::JAPANESE_FONT.len() / 5,
        "a subset: {} bytes",
        font.len()
    );
    let face = ttf_parser::Face::parse(&font, 0).unwrap();
    let drawn = |c: char| {
        let g = face
            .glyph_index(c)
            .expect("every character keeps its glyph");
        face.glyph_bounding_box(g).is_some()
    };
    for c in "最大損失経営報告141億円97".chars() {
        assert!(drawn(c), "{c} is drawn");
    }
    assert!(
        !drawn('鬱'),
        "a character the report never shows is left out"
    );
    assert!(h.contains("font-family:'IPAexGothic'"));
}

#[test]
fn the_workbook_holds_every_measurement_marked_when_superseded() {
    use calamine::{Reader, Xlsx};
    let r = sample::sample(0);
    let bytes = xlsx(&r).unwrap();
    assert_eq!(bytes, xlsx(&r).unwrap(), "repeatable");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("実績").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0].to_string(), "7");
    assert_eq!(rows[1][12].to_string(), "9");
}

#[test]
fn the_lint_reads_the_comparison_with_peers() {
    use mieruka_domain::report::glossary::Glossary;
    use mieruka_domain::report::lint::lint_report;
    let mut r = sample::sample(0);
    let g = Glossary::builtin();
    assert!(
        lint_report(&g, &r)
            .iter()
            .all(|f| !f.location.starts_with("peers")),
        "the sample's peer row is in business words"
    );
    r.summary.peers.as_mut().unwrap()[0].peers = "中央値 60%・52社・出典: SOC 運用調査".into();
    let findings = lint_report(&g, &r);
    assert!(
        findings
            .iter()
            .any(|f| f.location == "peers[1]" && f.term.as_deref() == Some("SOC")),
        "{findings:?}"
    );
}
