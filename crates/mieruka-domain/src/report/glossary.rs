//! The glossary the report lint uses: technical terms and board-irrelevant metrics, each with
//! its category and a business phrasing in Japanese and English. The built-in entries are data
//! (`report/glossary.toml`, embedded); an organisation adds its own or rewords a built-in one
//! (an organisation's entry with the same term replaces the built-in entry).
//!
//! Matching ignores case and full-/half-width differences (both sides are NFKC-normalised and
//! lower-cased). A term in Latin letters or digits matches whole words only, so `SOC` is found in
//! `SOCの体制` but not in `social`; a Japanese term matches anywhere.

use serde::{Deserialize, Serialize};

use crate::plan::{FieldError, field_error};
use crate::text::{Lang, normalise};

crate::vocab::vocabulary! {
    /// Why a term does not belong in a board report.
    Category, "glossary category" {
        Jargon => "jargon", "専門用語", "Technical term";
        AttackCounts => "attack_counts", "攻撃の検知・ブロック件数", "Counts of attacks detected or blocked";
        VulnerabilityCounts => "vulnerability_counts", "脆弱性の件数", "Vulnerability counts";
        AttackTechniques => "attack_techniques", "攻撃手法の詳細", "Attack techniques";
        Controls => "controls", "個別の対策・製品", "Individual controls";
    }
}

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub category: Category,
    /// The business phrasing, in Japanese.
    pub ja: String,
    /// The business phrasing, in English.
    pub en: String,
}

impl Term {
    /// Validates an entry (an organisation's, or a built-in one).
    pub fn validate(&self) -> Result<Term, FieldError> {
        let term = normalise(&self.term);
        if term.is_empty() || term.chars().count() > 100 {
            return Err(field_error("term", "must be 1–100 characters"));
        }
        let (ja, en) = (normalise(&self.ja), normalise(&self.en));
        if ja.is_empty() || en.is_empty() {
            return Err(field_error(
                format!("{term}: phrasing"),
                "give the business phrasing in both Japanese (ja) and English (en)",
            ));
        }
        let aliases = self
            .aliases
            .iter()
            .map(|a| normalise(a))
            .filter(|a| !a.is_empty())
            .collect();
        Ok(Term {
            term,
            aliases,
            category: self.category,
            ja,
            en,
        })
    }

    /// The business phrasing in a language.
    pub fn phrasing(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// The terms the lint looks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Glossary {
    terms: Vec<Term>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    term: Vec<Term>,
}

/// Where a term was found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'g> {
    pub term: &'g Term,
    /// The words as they appear in the text.
    pub found: String,
    /// Character offset in the (normalised) text.
    pub at: usize,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

impl Glossary {
    /// The built-in glossary.
    pub fn builtin() -> Glossary {
        let file: File = toml::from_str(include_str!("glossary.toml"))
            .unwrap_or_else(|e| panic!("report/glossary.toml: {e}"));
        let terms = file
            .term
            .iter()
            .map(|t| {
                t.validate()
                    .unwrap_or_else(|e| panic!("report/glossary.toml: {e}"))
            })
            .collect();
        Glossary { terms }
    }

    /// This glossary with an organisation's entries added; an entry for a term already known
    /// replaces it.
    pub fn extended(mut self, own: &[Term]) -> Glossary {
        for t in own {
            let key = t.term.to_lowercase();
            self.terms.retain(|x| x.term.to_lowercase() != key);
            self.terms.push(t.clone());
        }
        self
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Every glossary term in `text`, in order of appearance; where spellings overlap, the
    /// longest wins.
    pub fn find(&self, text: &str) -> Vec<Hit<'_>> {
        let norm: Vec<char> = normalise(text).chars().collect();
        let lower: Vec<char> = norm.iter().flat_map(|c| c.to_lowercase()).collect();
        // Lower-casing can change the length of non-ASCII letters; fall back to the text as is.
        let hay = if lower.len() == norm.len() {
            &lower
        } else {
            &norm
        };
        let mut hits: Vec<(usize, usize, &Term)> = Vec::new();
        for t in &self.terms {
            for spelling in std::iter::once(&t.term).chain(&t.aliases) {
                let needle: Vec<char> = spelling.to_lowercase().chars().collect();
                if needle.is_empty() || needle.len() > hay.len() {
                    continue;
                }
                let latin = needle.iter().any(|c| c.is_ascii_alphanumeric());
                for start in 0..=hay.len() - needle.len() {
                    let end = start + needle.len();
                    if hay[start..end] != needle[..] {
                        continue;
                    }
                    if latin
                        && ((start > 0 && is_word(hay[start - 1]))
                            || (end < hay.len() && is_word(hay[end])))
                    {
                        continue;
                    }
                    hits.push((start, end, t));
                }
            }
        }
        // Longest first at each place, then drop hits inside an earlier, longer one.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<Hit<'_>> = Vec::new();
        let mut covered = 0;
        for (start, end, term) in hits {
            if start < covered {
                continue;
            }
            covered = end;
            out.push(Hit {
                term,
                found: norm[start..end].iter().collect(),
                at: start,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_glossary_loads_and_covers_every_category() {
        let g = Glossary::builtin();
        for c in Category::ALL {
            assert!(g.terms().iter().any(|t| t.category == *c), "{c}");
        }
    }

    #[test]
    fn finds_terms_whole_words_case_and_width_insensitively() {
        let g = Glossary::builtin();
        let hits = g.find("ＥＤＲを導入し、csirtを強化。social media は対象外");
        let found: Vec<&str> = hits.iter().map(|h| h.term.term.as_str()).collect();
        assert_eq!(found, ["EDR", "CSIRT"]);
        assert_eq!(hits[0].found, "EDR");
        assert!(g.find("ソーシャル").is_empty());
    }

    #[test]
    fn the_longest_spelling_wins() {
        let g = Glossary::builtin();
        let hits = g.find("今期の脆弱性の件数は120件");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].found, "脆弱性の件数");
        assert_eq!(hits[0].term.category, Category::VulnerabilityCounts);
    }

    #[test]
    fn an_organisation_extends_and_rewords() {
        let own = Term {
            term: "edr".into(),
            aliases: vec![],
            category: Category::Controls,
            ja: "端末監視".into(),
            en: "PC monitoring".into(),
        }
        .validate()
        .unwrap();
        let g = Glossary::builtin().extended(&[own]);
        let hits = g.find("EDR");
        assert_eq!(hits[0].term.ja, "端末監視");
        let bad = Term {
            ja: String::new(),
            ..g.terms()[0].clone()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("both"));
    }
}
