//! The command line's words live in the translation catalogue (`crates/mieruka-domain/i18n/`),
//! not in its code: no string or character literal under `src/` holds Japanese (Hiragana,
//! Katakana or Han), outside comments and `#[cfg(test)]` modules. The few exceptions are listed
//! in `ALLOWED`, each with its reason.

use std::path::{Path, PathBuf};

/// (file under `src/`, text the literal contains, why it may stay).
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "commands/demo.rs",
        "情報セキュリティ責任者",
        "sample data: the demo accounts' display names, stored in the demo database",
    ),
    (
        "commands/demo.rs",
        "製造部門 担当者",
        "sample data: the demo accounts' display names, stored in the demo database",
    ),
    (
        "commands/demo.rs",
        "経営層（閲覧）",
        "sample data: the demo accounts' display names, stored in the demo database",
    ),
    (
        "commands/demo.rs",
        "内部監査",
        "sample data: the demo accounts' display names, stored in the demo database",
    ),
    (
        "commands/measure_io.rs",
        "(目標)",
        "names the Japanese column header a measurement file may use for `plan`",
    ),
    (
        "commands/plan.rs",
        "(目的)",
        "names the field as the plan form and the report call it, in an option's error",
    ),
];

fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{309F}'     // Hiragana
        | '\u{30A0}'..='\u{30FF}'   // Katakana
        | '\u{31F0}'..='\u{31FF}'   // Katakana phonetic extensions
        | '\u{FF66}'..='\u{FF9F}'   // half-width Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
    )
}

/// A string or character literal: the line it starts on and its text.
struct Literal {
    line: usize,
    text: String,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the `r` at `i` begins a raw string's prefix (`r` or `br`), not an identifier's end.
fn starts_token(chars: &[char], i: usize) -> bool {
    match i.checked_sub(1).map(|p| chars[p]) {
        None => true,
        Some('b') => i < 2 || !is_word(chars[i - 2]),
        Some(c) => !is_word(c),
    }
}

/// The string and character literals of Rust source, up to its first `#[cfg(test)]`, with
/// comments skipped.
fn literals(source: &str) -> Vec<Literal> {
    let source = match source.find("#[cfg(test)]") {
        Some(at) => &source[..at],
        None => source,
    };
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            // A raw string: r"…", r#"…"#, br"…" (an identifier ending in r is not one: the
            // character before must not be part of a word).
            'r' if (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '"' | '#')))
                && starts_token(&chars, i) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while at(j) == '#' {
                    hashes += 1;
                    j += 1;
                }
                j += 1; // the opening quote
                let start_line = line;
                let mut text = String::new();
                while j < chars.len() {
                    if chars[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                        j += 1 + hashes;
                        break;
                    }
                    if chars[j] == '\n' {
                        line += 1;
                    }
                    text.push(chars[j]);
                    j += 1;
                }
                out.push(Literal {
                    line: start_line,
                    text,
                });
                i = j;
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    if at(j) == '\n' {
                        line += 1;
                    }
                    text.push(at(j));
                    j += 1;
                }
                out.push(Literal {
                    line: start_line,
                    text,
                });
                i = j + 1;
            }
            // A character literal ('x', '\n', '\u{…}'); otherwise a lifetime or a label.
            '\'' => {
                if at(i + 1) == '\\' {
                    let mut j = i + 2;
                    while j < chars.len() && chars[j] != '\'' {
                        j += 1;
                    }
                    i = j + 1;
                } else if at(i + 2) == '\'' {
                    out.push(Literal {
                        line,
                        text: at(i + 1).to_string(),
                    });
                    i += 3;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_command_line_holds_no_japanese_words_outside_the_catalogue() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 10, "the scan found the sources");
    let mut found = Vec::new();
    let mut used = vec![false; ALLOWED.len()];
    for path in &files {
        let rel = path
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(path).expect("readable source");
        for lit in literals(&source) {
            if !lit.text.chars().any(is_japanese) {
                continue;
            }
            let allowed = ALLOWED
                .iter()
                .position(|(file, text, _)| *file == rel && lit.text.contains(text));
            match allowed {
                Some(k) => used[k] = true,
                None => found.push(format!("src/{rel}:{}: {:?}", lit.line, lit.text)),
            }
        }
    }
    assert!(
        found.is_empty(),
        "Japanese words belong in crates/mieruka-domain/i18n/messages.toml, read through `tr`:\n{}",
        found.join("\n")
    );
    let stale: Vec<_> = ALLOWED
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((file, text, _), _)| format!("{file}: {text}"))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed exceptions no longer in the code (remove them): {stale:?}"
    );
}

#[test]
fn the_scan_finds_literals_and_skips_comments() {
    let src = r##"
// 日本語 in a comment
/* 日本語 in a block */
fn f<'a>(x: &'a str) -> String {
    let c = '円';
    let raw = r#"生の"文字列"#;
    format!("{x}件 \"引用\" {}", 'x')
}
#[cfg(test)]
mod tests { const T: &str = "テスト"; }
"##;
    let found: Vec<(usize, String)> = literals(src)
        .into_iter()
        .filter(|l| l.text.chars().any(is_japanese))
        .map(|l| (l.line, l.text))
        .collect();
    assert_eq!(
        found,
        [
            (5, "円".to_string()),
            (6, "生の\"文字列".to_string()),
            (7, "{x}件 \"引用\" {}".to_string()),
        ]
    );
}
