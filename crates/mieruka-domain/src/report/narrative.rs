//! What people write for the board, as validated values.
//!
//! - The **strategy story** of Fig. 7 (one per organisation): the business strategy, the
//!   challenge it meets, the solution and its effect, and the investment.
//! - The **ask** of a report (per period): what the board is asked to decide, and what it is
//!   asked to note. A report without one is flagged by the lint: the board must know why it is
//!   reading.
//! - The **approach checklist** of Fig. 6 (per period): the five steps, each done or not, with a
//!   note.
//! - The board's **wording of a KPI** (per organisation and KPI): the name and purpose a board
//!   reads, when the catalogue's name is a specialist's ("CSIRT向け…").
//!
//! Every text is Japanese first; its English may be left empty, and the English report then
//! shows the Japanese. Texts are NFKC-normalised on entry and limited in length, so a report
//! stays a summary.

use serde::{Deserialize, Serialize};

use crate::plan::{FieldError, field_error};
use crate::text::{Lang, normalise};

/// The longest text a report accepts in one field (characters).
pub const MAX_TEXT: usize = 2_000;

/// A text for the board in Japanese, and in English when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BoardText {
    pub ja: String,
    #[serde(default)]
    pub en: String,
}

impl BoardText {
    /// Validates and normalises: Japanese required, both at most [`MAX_TEXT`] characters.
    pub fn parse(field: &str, ja: &str, en: &str) -> Result<BoardText, FieldError> {
        let (ja, en) = (normalise(ja), normalise(en));
        if ja.is_empty() {
            return Err(field_error(
                format!("{field}.ja"),
                "is empty (Japanese is required)",
            ));
        }
        for (lang, s) in [("ja", &ja), ("en", &en)] {
            let n = s.chars().count();
            if n > MAX_TEXT {
                return Err(field_error(
                    format!("{field}.{lang}"),
                    format!("{n} characters; at most {MAX_TEXT} (a report is a summary)"),
                ));
            }
        }
        Ok(BoardText { ja, en })
    }

    /// The text in a language; English falls back to Japanese when not written.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            _ => &self.ja,
        }
    }

    fn revalidate(&self, field: &str) -> Result<BoardText, FieldError> {
        BoardText::parse(field, &self.ja, &self.en)
    }
}

/// The strategy story of Fig. 7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Story {
    /// The business strategy security supports (戦略).
    pub strategy: BoardText,
    /// The challenge or risk to that strategy (課題).
    pub challenge: BoardText,
    /// What is done about it and the effect expected (解決策と効果).
    pub solution: BoardText,
    /// What it costs (投資).
    pub investment: BoardText,
    /// The investment in yen, when it is known.
    #[serde(default)]
    pub investment_yen: Option<i64>,
}

impl Story {
    /// Checks every field (as read from a file, a form or the database).
    pub fn validate(&self) -> Result<Story, FieldError> {
        if let Some(y) = self.investment_yen
            && !(0..=10_000_000_000_000_000).contains(&y)
        {
            return Err(field_error(
                "investment_yen",
                format!("{y} is not an amount in yen"),
            ));
        }
        Ok(Story {
            strategy: self.strategy.revalidate("strategy")?,
            challenge: self.challenge.revalidate("challenge")?,
            solution: self.solution.revalidate("solution")?,
            investment: self.investment.revalidate("investment")?,
            investment_yen: self.investment_yen,
        })
    }

    /// The story's texts with their field names (for the lint).
    pub fn texts(&self) -> [(&'static str, &BoardText); 4] {
        [
            ("strategy", &self.strategy),
            ("challenge", &self.challenge),
            ("solution", &self.solution),
            ("investment", &self.investment),
        ]
    }
}

crate::vocab::vocabulary! {
    /// What the board is asked to do with an item of a report.
    AskKind, "kind of ask" {
        Decide => "decide", "決議事項", "For decision";
        Note => "note", "報告事項", "For noting";
    }
}

/// One thing the board is asked to decide or note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskItem {
    pub kind: AskKind,
    pub text: BoardText,
}

/// What a report asks of the board, per period. At most [`MAX_ASKS`] items: a board reads a
/// short list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    pub items: Vec<AskItem>,
}

/// The most items an ask may have.
pub const MAX_ASKS: usize = 5;

impl Ask {
    pub fn validate(&self) -> Result<Ask, FieldError> {
        if self.items.len() > MAX_ASKS {
            return Err(field_error(
                "items",
                format!(
                    "{} items; at most {MAX_ASKS} (a board reads a short list)",
                    self.items.len()
                ),
            ));
        }
        let items = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                Ok(AskItem {
                    kind: it.kind,
                    text: it.text.revalidate(&format!("items[{}].text", i + 1))?,
                })
            })
            .collect::<Result<_, FieldError>>()?;
        Ok(Ask { items })
    }
}

crate::vocab::vocabulary! {
    /// The five steps of the approach (Fig. 6), in order.
    Step, "approach step" {
        Vision => "vision", "① 会社のビジョン・戦略を理解する", "1. Understand the company's vision and strategy";
        Challenges => "challenges", "② 戦略の課題を把握する", "2. Grasp the strategy's challenges";
        Purpose => "purpose", "③ セキュリティの目的と効果を明確にする", "3. Make the purpose and effect of security explicit";
        BusinessRisk => "business_risk", "④ サイバーリスクを事業リスクの中に位置づける", "4. Place cyber risk among the business risks";
        Kpis => "kpis", "⑤ 目的を達成する KPI を設定し合意する", "5. Set the KPIs that achieve the purpose and agree them";
    }
}

/// One step's state in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepState {
    pub step: Step,
    pub done: bool,
    #[serde(default)]
    pub note: String,
}

/// The checklist of a period: every step, in order, each once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub steps: Vec<StepState>,
}

impl Default for Checklist {
    /// Nothing done yet.
    fn default() -> Checklist {
        Checklist {
            steps: Step::ALL
                .iter()
                .map(|&step| StepState {
                    step,
                    done: false,
                    note: String::new(),
                })
                .collect(),
        }
    }
}

impl Checklist {
    /// Orders the steps, fills missing ones as not done, refuses a step given twice.
    pub fn validate(&self) -> Result<Checklist, FieldError> {
        let mut out = Checklist::default();
        let mut seen = Vec::new();
        for s in &self.steps {
            if seen.contains(&s.step) {
                return Err(field_error(format!("steps.{}", s.step), "given twice"));
            }
            seen.push(s.step);
            let note = normalise(&s.note);
            if note.chars().count() > MAX_TEXT {
                return Err(field_error(format!("steps.{}.note", s.step), "too long"));
            }
            let slot = out
                .steps
                .iter_mut()
                .find(|x| x.step == s.step)
                .expect("every step");
            slot.done = s.done;
            slot.note = note;
        }
        Ok(out)
    }

    /// How many steps are done.
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.done).count()
    }

    /// Marks steps done (or not), keeping the others.
    pub fn set(&mut self, steps: &[Step], done: bool) {
        for s in self.steps.iter_mut().filter(|s| steps.contains(&s.step)) {
            s.done = done;
        }
    }
}

/// The board's wording of one KPI: its name and, optionally, its purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiWording {
    pub name: BoardText,
    #[serde(default)]
    pub purpose: Option<BoardText>,
}

impl KpiWording {
    pub fn validate(&self) -> Result<KpiWording, FieldError> {
        Ok(KpiWording {
            name: self.name.revalidate("name")?,
            purpose: self
                .purpose
                .as_ref()
                .map(|p| p.revalidate("purpose"))
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ja: &str, en: &str) -> BoardText {
        BoardText {
            ja: ja.into(),
            en: en.into(),
        }
    }

    #[test]
    fn texts_need_japanese_and_fall_back_to_it() {
        let e = BoardText::parse("strategy", " ", "x").unwrap_err();
        assert_eq!(e.field, "strategy.ja");
        let b = BoardText::parse("s", "ＡＢＣ戦略", "").unwrap();
        assert_eq!(b.ja, "ABC戦略");
        assert_eq!(b.get(Lang::En), "ABC戦略");
        let long = "あ".repeat(MAX_TEXT + 1);
        assert!(BoardText::parse("s", &long, "").is_err());
    }

    #[test]
    fn a_story_names_the_bad_field() {
        let s = Story {
            strategy: t("a", ""),
            challenge: t("b", ""),
            solution: t("", "c"),
            investment: t("d", ""),
            investment_yen: Some(-1),
        };
        assert_eq!(s.validate().unwrap_err().field, "investment_yen");
        let s = Story {
            investment_yen: None,
            ..s
        };
        assert_eq!(s.validate().unwrap_err().field, "solution.ja");
    }

    #[test]
    fn a_checklist_is_ordered_complete_and_has_each_step_once() {
        let c = Checklist {
            steps: vec![StepState {
                step: Step::Kpis,
                done: true,
                note: "合意済み".into(),
            }],
        }
        .validate()
        .unwrap();
        assert_eq!(c.steps.len(), 5);
        assert_eq!(c.steps[0].step, Step::Vision);
        assert!(c.steps[4].done);
        assert_eq!(c.done(), 1);
        let twice = Checklist {
            steps: vec![c.steps[0].clone(), c.steps[0].clone()],
        };
        assert_eq!(twice.validate().unwrap_err().field, "steps.vision");
    }

    #[test]
    fn an_ask_is_a_short_list() {
        let item = AskItem {
            kind: AskKind::Decide,
            text: t("予算の承認", ""),
        };
        let a = Ask {
            items: vec![item; MAX_ASKS + 1],
        };
        assert_eq!(a.validate().unwrap_err().field, "items");
        assert_eq!("decide".parse::<AskKind>(), Ok(AskKind::Decide));
    }
}
