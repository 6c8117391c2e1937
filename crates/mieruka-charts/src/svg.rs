//! The small pieces every chart writes with: escaping text for XML, numbers with a fixed
//! precision (so output is deterministic), a text-width estimate for wrapping labels without a
//! font at hand, the colour palette, and the opening of a chart document.

use std::fmt::Write as _;

/// The font list every chart uses: the Japanese fonts reports are set in, then any sans-serif.
pub(crate) const FONT_FAMILY: &str =
    "IPAexGothic, 'Noto Sans CJK JP', 'Hiragino Sans', Meiryo, sans-serif";

/// The Okabe–Ito colours, told apart by people with any common colour-vision deficiency. Shapes
/// drawn in them carry a dark outline, so they stand out from white by more than colour (the
/// orange and the sky blue alone are below 3:1 against white).
pub(crate) mod palette {
    pub const BLUE: &str = "#0072B2";
    pub const VERMILLION: &str = "#D55E00";
    pub const GREEN: &str = "#009E73";
    pub const ORANGE: &str = "#E69F00";
    pub const PURPLE: &str = "#CC79A7";
    pub const SKY: &str = "#56B4E9";
    /// Body text: 15.9:1 on white.
    pub const INK: &str = "#222222";
    /// Secondary text: 7:1 on white.
    pub const MUTED: &str = "#595959";
    /// Outlines, axes and grid lines (not text).
    pub const LINE: &str = "#333333";
    pub const GRID: &str = "#d9d9d9";
}

/// Starts a chart document: the root element with its `viewBox`, `role="img"`, the `<title>`
/// (the accessible name, so it comes first) and a `<desc>` saying in words what the chart shows,
/// then a white background. Close it with `</svg>`.
pub(crate) fn open(
    svg: &mut String,
    class: &str,
    width: f64,
    height: f64,
    title: &str,
    desc: &str,
) {
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" font-family=\"{FONT_FAMILY}\" fill=\"{ink}\">",
        w = num(width),
        h = num(height),
        ink = palette::INK,
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    if !desc.is_empty() {
        let _ = writeln!(svg, "<desc>{}</desc>", escape(desc));
    }
    let _ = writeln!(
        svg,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
}

/// A `<text>` at (x, y) with extra attributes (each starting with a space), the text escaped.
pub(crate) fn text(svg: &mut String, x: f64, y: f64, attrs: &str, s: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\"{attrs}>{}</text>",
        num(x),
        num(y),
        escape(s)
    );
}

/// The size of a legend's swatches: `w` × `h`, the top `rise` above the words' baseline.
pub(crate) struct Swatch {
    pub w: f64,
    pub h: f64,
    pub rise: f64,
}

/// A legend in a row from `x` on the baseline `y`: for each entry, its swatch filled with `fill`
/// and its words (12 px) beside it, entries `gap` apart. Returns where the row ends.
pub(crate) fn legend(
    svg: &mut String,
    (x, y): (f64, f64),
    swatch: &Swatch,
    gap: f64,
    entries: &[(&str, &str)],
) -> f64 {
    let mut at = x;
    for (label, fill) in entries {
        let _ = writeln!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{}\"/>",
            num(at),
            num(y - swatch.rise),
            num(swatch.w),
            num(swatch.h),
            palette::LINE
        );
        let words = at + swatch.w + 6.0;
        text(svg, words, y, " class=\"legend\" font-size=\"12\"", label);
        at = words + ems(label) * 12.0 + gap;
    }
    at
}

/// Escapes text for XML content and attribute values (`&<>"'`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newline are not allowed in XML 1.0 at all.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal, trailing `.0` dropped.
pub(crate) fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    match s.strip_suffix(".0") {
        Some(whole) if whole != "-0" => whole.to_string(),
        Some(_) => "0".to_string(),
        None => s,
    }
}

/// How many ems a text takes, roughly: a CJK or other wide character is one em, the rest about
/// six tenths. Good enough to wrap labels before they run into each other.
pub(crate) fn ems(s: &str) -> f64 {
    s.chars().map(char_ems).sum()
}

fn char_ems(c: char) -> f64 {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 1.0 } else { 0.6 }
}

/// Splits a label into lines of at most `max_ems`: between words where there are spaces, and
/// between any two wide characters (Japanese has no spaces).
pub(crate) fn wrap(s: &str, max_ems: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for word in s.split_inclusive(' ') {
        let w = ems(word.trim_end());
        if width + w <= max_ems {
            line.push_str(word);
            width += ems(word);
            continue;
        }
        if w <= max_ems {
            lines.push(line.trim_end().to_string());
            line = word.to_string();
            width = ems(word);
            continue;
        }
        // Too long for a line of its own: break it character by character.
        for c in word.chars() {
            let cw = char_ems(c);
            if width + cw > max_ems && !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
                line.clear();
                width = 0.0;
            }
            line.push(c);
            width += cw;
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_drops_control_characters() {
        assert_eq!(
            escape(r#"R&D <"x"> 'y'"#),
            "R&amp;D &lt;&quot;x&quot;&gt; &apos;y&apos;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }

    #[test]
    fn numbers_are_short_and_fixed() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
    }

    #[test]
    fn wraps_japanese_anywhere_and_english_between_words() {
        assert_eq!(
            wrap("サイバーリスク・個人情報の保護", 8.0),
            ["サイバーリスク・", "個人情報の保護"]
        );
        assert_eq!(
            wrap("Cyber risk and personal data", 10.0),
            ["Cyber risk and", "personal data"]
        );
        assert_eq!(wrap("short", 10.0), ["short"]);
        assert_eq!(wrap("", 10.0), [""]);
    }
}
