//! Bilingual text. Japanese is the product's first language; English is always present too.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The language a person reads mieruka in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}
