//! Plain-text layout for terminals: display widths that count a kanji as two columns, padded
//! columns, and wrapping.

use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `w` display columns.
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(w.saturating_sub(width(s))));
    out
}

/// Lines of at most `w` display columns. Breaks after a space or next to a wide character
/// (Japanese has no spaces), and inside a word only when the word alone is too long.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let is_wide = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > 1;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Byte offset in `line` where it may break, if any.
    let mut opportunity: Option<usize> = None;
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if !line.is_empty() && (prev == Some(' ') || is_wide(c) || prev.is_some_and(is_wide)) {
            opportunity = Some(line.len());
        }
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width(&line) + cw > w && !line.is_empty() {
            match opportunity.filter(|&o| o > 0) {
                Some(o) => {
                    let rest = line.split_off(o);
                    lines.push(line.trim_end().to_string());
                    line = rest;
                }
                None => lines.push(std::mem::take(&mut line)),
            }
            opportunity = None;
            if c == ' ' && line.is_empty() {
                prev = Some(c);
                continue;
            }
        }
        line.push(c);
        prev = Some(c);
    }
    lines.push(line);
    lines
}

/// A table with a header row, columns padded to their widest cell, separated by two spaces.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let line = |cells: &[String]| {
        let last = cells.len() - 1;
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                s.push_str(c);
            } else {
                s.push_str(&pad(c, widths[i]));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(header);
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    out.push_str(&line(&rule));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_count_double() {
        assert_eq!(width("法令順守"), 8);
        assert_eq!(pad("法令", 6), "法令  ");
        assert_eq!(
            wrap("情報資産棚卸進捗率", 8),
            ["情報資産", "棚卸進捗", "率"]
        );
        assert_eq!(
            wrap("Industry information sharing", 22),
            ["Industry information", "sharing"]
        );
        assert_eq!(
            wrap("1.1 Supercalifragilistic", 10),
            ["1.1", "Supercalif", "ragilistic"]
        );
        assert_eq!(wrap("M.2.3 標的型メール", 12), ["M.2.3 標的型", "メール"]);
    }

    #[test]
    fn tables_align_mixed_scripts() {
        let t = table(
            &["ID".into(), "KPI".into()],
            &[
                vec!["1.1.1".into(), "棚卸".into()],
                vec!["US.1".into(), "HW".into()],
            ],
        );
        let lines: Vec<_> = t.lines().collect();
        assert_eq!(lines[2], "1.1.1  棚卸");
        assert_eq!(lines[3], "US.1   HW");
    }
}
