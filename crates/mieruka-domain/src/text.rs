//! Bilingual text. Japanese is the product's first language; English is always present too.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The language a person reads mieruka in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum Lang {
    /// 日本語 — the default.
    #[default]
    Ja,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ja" => Ok(Lang::Ja),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (expected ja or en)")),
        }
    }
}

/// A text in Japanese and English, both non-empty once validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    /// Builds a text from both languages, NFKC-normalising and trimming each.
    pub fn new(ja: &str, en: &str) -> Text {
        Text {
            ja: normalise(ja),
            en: normalise(en),
        }
    }

    /// The text in one language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// NFKC normalisation plus trimming: what every string from a person or a PDF goes through.
///
/// NFKC folds the Kangxi-radical code points that PDF extraction produces (`⾃` U+2F83) into the
/// ordinary kanji (`自` U+81EA), and full-width ASCII into ASCII, so that equal-looking names compare
/// equal.
pub fn normalise(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_string()
}

/// Bidirectional formatting characters: the embeddings and overrides (U+202A–U+202E), the
/// isolates (U+2066–U+2069) and the invisible direction marks (U+200E, U+200F, U+061C). In a name
/// they make a reader see other characters, or another order, than what is stored (`evil\u{202E}gpj.exe`
/// reads `evilexe.jpg`), and a name has no use for them: they are refused in names.
pub const BIDI_CONTROLS: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// A control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F).
fn is_control(c: char) -> bool {
    c.is_control()
}

/// Checks any text that comes from outside (a request, a form, a file, a command-line argument)
/// before it is kept: no control character except tab, line feed and carriage return, which
/// multi-line text (evidence, purposes, notes, the narrative) holds and which a browser sends as
/// CR LF. NUL (U+0000) in particular: PostgreSQL cannot store it in text. The reason names the
/// character and where it is; the caller names the field.
pub fn check_text(s: &str) -> Result<(), String> {
    match s
        .chars()
        .enumerate()
        .find(|(_, c)| is_control(*c) && !matches!(c, '\t' | '\n' | '\r'))
    {
        Some((i, c)) => Err(format!(
            "contains the control character U+{:04X} (character {}); text may hold tabs and line breaks but no other control characters",
            c as u32,
            i + 1
        )),
        None => Ok(()),
    }
}

/// Checks a name (an organisation, unit, account, KPI, risk or token is called by it): one line
/// with no control character at all, and no bidirectional formatting character
/// ([`BIDI_CONTROLS`]), which would make it read as something else.
pub fn check_name(s: &str) -> Result<(), String> {
    for (i, c) in s.chars().enumerate() {
        if is_control(c) {
            return Err(format!(
                "contains the control character U+{:04X} (character {}); a name is one line without control characters",
                c as u32,
                i + 1
            ));
        }
        if BIDI_CONTROLS.contains(&c) {
            return Err(format!(
                "contains U+{:04X} (character {}), a bidirectional formatting character that changes how a name reads; names may not hold them",
                c as u32,
                i + 1
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_kangxi_radicals_and_full_width() {
        assert_eq!(normalise(" ⾃社のＫＰＩ "), "自社のKPI");
    }

    #[test]
    fn lang_parses_codes_only() {
        assert_eq!("ja".parse::<Lang>(), Ok(Lang::Ja));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("jp".parse::<Lang>().unwrap_err().contains("jp"));
    }

    #[test]
    fn text_keeps_tabs_and_line_breaks_and_refuses_other_controls() {
        assert!(check_text("line one\r\nline two\tend").is_ok());
        assert!(check_text("日本語の証跡 https://example.com/e?id=1").is_ok());
        let e = check_text("ab\u{0}c").unwrap_err();
        assert!(e.contains("U+0000") && e.contains("character 3"), "{e}");
        assert!(check_text("\u{1b}[31m").unwrap_err().contains("U+001B"));
        assert!(check_text("\u{7f}").is_err());
        assert!(check_text("\u{85}").is_err(), "C1 controls too");
        // Bidirectional characters are text's business, not a control: allowed outside names.
        assert!(check_text("a\u{202E}b").is_ok());
    }

    #[test]
    fn names_refuse_controls_and_bidirectional_formatting() {
        assert!(check_name("情報システム部 (IT)").is_ok());
        assert!(check_name("a\tb").unwrap_err().contains("U+0009"));
        assert!(check_name("a\nb").is_err());
        for c in BIDI_CONTROLS {
            let e = check_name(&format!("evil{c}gpj.exe")).unwrap_err();
            assert!(e.contains(&format!("U+{:04X}", *c as u32)), "{e}");
        }
        // Other invisible or right-to-left text is not a formatting character.
        assert!(check_name("שלום").is_ok());
    }
}
