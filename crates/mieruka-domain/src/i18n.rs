//! The translation catalogue: every message in Japanese and English, with `{name}` placeholders.
//!
//! The catalogue is data embedded in the binary, shared by the command line, the web UI and
//! reports, so a word is translated once. It is kept in several files by the part that mostly
//! says the words (`i18n/messages.toml` for the command line and shared words, `web.toml` for the
//! pages, `report.toml` for the board report); a key may appear in only one of them.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::Lang;

const FILES: [(&str, &str); 3] = [
    ("messages.toml", include_str!("../i18n/messages.toml")),
    ("web.toml", include_str!("../i18n/web.toml")),
    ("report.toml", include_str!("../i18n/report.toml")),
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    ja: String,
    en: String,
}

fn catalogue() -> &'static HashMap<String, Entry> {
    static CATALOGUE: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    // The files are part of the binary and checked by tests, so failing here is a build defect.
    CATALOGUE.get_or_init(|| load().unwrap_or_else(|e| panic!("{e}")))
}

fn load() -> Result<HashMap<String, Entry>, String> {
    let mut all = HashMap::new();
    for (file, text) in FILES {
        let part: HashMap<String, Entry> =
            toml::from_str(text).map_err(|e| format!("i18n/{file}: {e}"))?;
        for (key, entry) in part {
            if all.insert(key.clone(), entry).is_some() {
                return Err(format!(
                    "i18n/{file}: `{key}` is also defined in another file"
                ));
            }
        }
    }
    Ok(all)
}

/// The message `key` in `lang`, with each `{name}` replaced by its value. An unknown key comes
/// back as itself, so a missing translation shows up on screen instead of crashing.
pub fn tr(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let Some(entry) = catalogue().get(key) else {
        return key.to_string();
    };
    let mut text = match lang {
        Lang::Ja => entry.ja.clone(),
        Lang::En => entry.en.clone(),
    };
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// Every key in the catalogue (for checks).
pub fn keys() -> Vec<&'static str> {
    let mut k: Vec<_> = catalogue().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut out: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn both_languages_have_every_message_with_the_same_placeholders() {
        assert!(!keys().is_empty());
        for key in keys() {
            let e = &catalogue()[key];
            assert!(!e.ja.trim().is_empty() && !e.en.trim().is_empty(), "{key}");
            assert_eq!(placeholders(&e.ja), placeholders(&e.en), "{key}");
        }
    }

    #[test]
    fn every_file_loads_and_no_key_is_defined_twice() {
        load().unwrap();
    }

    #[test]
    fn substitutes_and_falls_back() {
        let s = tr(Lang::En, "catalog_title", &[("count", &50)]);
        assert_eq!(s, "KPI catalogue (50 entries)");
        assert_eq!(tr(Lang::Ja, "no_such_key", &[]), "no_such_key");
    }
}
