//! The typesetter on small documents: data, images and fonts reach the page; failures name the
//! template line; the same job gives the same bytes.

use super::*;

fn font() -> &'static [u8] {
    mieruka_charts::JAPANESE_FONT
}

fn job(template: &str) -> Job<'_> {
    Job {
        template,
        inputs: vec![(
            "data".into(),
            r#"{"title": "取締役会への報告", "rows": [1, 2, 3]}"#.into(),
        )],
        files: vec![(
            "/charts/box.svg".into(),
            br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="navy"/></svg>"#.to_vec(),
        )],
        fonts: vec![font()],
        date: (2026, 11, 26),
        ident: "test".into(),
    }
}

const DOC: &str = r#"
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4")
#set text(font: "IPAexGothic", lang: "ja")
= #data.title
#for r in data.rows [行 #r ]
#image("/charts/box.svg", width: 2cm)
#datetime.today().display()
"#;

#[test]
fn renders_data_images_and_japanese_text() {
    let pdf = render_pdf(&job(DOC)).unwrap();
    assert_eq!(pdf.pages, 1);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    // The font is embedded (as a subset whose name carries the family).
    let text = String::from_utf8_lossy(&pdf.bytes);
    assert!(text.contains("IPAexGothic"), "font not embedded");
}

#[test]
fn the_same_job_gives_the_same_bytes() {
    let a = render_pdf(&job(DOC)).unwrap();
    let b = render_pdf(&job(DOC)).unwrap();
    assert_eq!(a.bytes, b.bytes);
}

#[test]
fn template_errors_name_the_line() {
    let err = render_pdf(&job("ok\n#nosuchfunction()\n")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("line 2"), "{msg}");
    assert!(msg.contains("nosuchfunction"), "{msg}");
}

#[test]
fn only_given_files_can_be_read() {
    let err = render_pdf(&job("#image(\"/etc/passwd.svg\")")).unwrap_err();
    assert!(err.to_string().contains("passwd"), "{err}");
}

#[test]
fn no_font_is_refused() {
    let mut j = job(DOC);
    j.fonts = vec![b"not a font"];
    assert!(matches!(render_pdf(&j), Err(TypesetError::NoFont)));
}
