//! The report lint: checks that a report speaks the board's language (reference ②③ of the
//! model: a board wants a story, KPIs, money and results made visible — not technical terms,
//! counts of attacks, vulnerability counts, attack details or individual controls).
//!
//! Rules, each a [`Rule`] code:
//! - `term` — a glossary term in a text the board reads; names the term, where it is, its
//!   category and the business phrasing to use instead.
//! - `too_many_kpis` — more than [`MAX_KPIS`] KPIs (a board follows five or six at most).
//! - `no_money` — no maximum loss in money.
//! - `no_summary` — no summary sentences.
//! - `no_trend` — fewer than two points in time, so no trend can be seen.
//! - `no_ask` — nothing asked of the board.
//!
//! The appendix (definitions, formulas, data sources) is not checked: it is where technical
//! words are explained.

use serde::Serialize;

use super::glossary::{Category, Glossary};
use super::model::BoardReport;
use crate::text::Lang;

/// The most KPIs a board report should carry.
pub const MAX_KPIS: usize = 6;

crate::vocab::vocabulary! {
    /// A lint rule.
    Rule, "lint rule" {
        Term => "term", "専門用語・経営に不要な指標", "Technical term or board-irrelevant metric";
        TooManyKpis => "too_many_kpis", "KPI が多すぎる", "Too many KPIs";
        NoMoney => "no_money", "金額がない", "No money";
        NoSummary => "no_summary", "要約がない", "No summary";
        NoTrend => "no_trend", "推移がない", "No trend";
        NoAsk => "no_ask", "経営層への依頼事項がない", "Nothing asked of the board";
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule: Rule,
    /// Where: a field of the report (`story.solution`), or `line 3` of a file.
    pub location: String,
    /// The words as written, for `term`.
    pub term: Option<String>,
    pub category: Option<Category>,
    /// What to write instead (`term`), or what to add.
    pub suggestion: String,
    /// The finding as one sentence.
    pub message: String,
}

fn term_findings(g: &Glossary, location: &str, text: &str, lang: Lang) -> Vec<Finding> {
    g.find(text)
        .into_iter()
        .map(|h| {
            let suggestion = h.term.phrasing(lang).to_string();
            let message = match lang {
                Lang::Ja => format!(
                    "{location}: 「{}」は{}です。経営の言葉では「{suggestion}」",
                    h.found,
                    h.term.category.label(lang)
                ),
                Lang::En => format!(
                    "{location}: \"{}\" is a {}; in business terms: \"{suggestion}\"",
                    h.found,
                    h.term.category.label(lang).to_lowercase()
                ),
            };
            Finding {
                rule: Rule::Term,
                location: location.to_string(),
                term: Some(h.found),
                category: Some(h.term.category),
                suggestion,
                message,
            }
        })
        .collect()
}

/// Lints any text, line by line (`mieruka report lint --file`).
pub fn lint_text(g: &Glossary, text: &str, lang: Lang) -> Vec<Finding> {
    text.lines()
        .enumerate()
        .flat_map(|(i, line)| {
            let location = match lang {
                Lang::Ja => format!("{}行目", i + 1),
                Lang::En => format!("line {}", i + 1),
            };
            term_findings(g, &location, line, lang)
        })
        .collect()
}

fn structural(rule: Rule, lang: Lang, suggestion: String) -> Finding {
    Finding {
        rule,
        location: "report".into(),
        term: None,
        category: None,
        message: format!("{}: {suggestion}", rule.label(lang)),
        suggestion,
    }
}

/// Lints a report: every text the board reads, and the report's shape.
pub fn lint_report(g: &Glossary, r: &BoardReport) -> Vec<Finding> {
    let lang = r.lang;
    let mut out: Vec<Finding> = r
        .board_texts()
        .into_iter()
        .flat_map(|(loc, text)| term_findings(g, &loc, text, lang))
        .collect();
    let say = |ja: &str, en: &str| match lang {
        Lang::Ja => ja.to_string(),
        Lang::En => en.to_string(),
    };
    if r.kpis.len() > MAX_KPIS {
        out.push(structural(
            Rule::TooManyKpis,
            lang,
            match lang {
                Lang::Ja => format!(
                    "{} 件の KPI を、経営に報告する {MAX_KPIS} 件以内に絞る",
                    r.kpis.len()
                ),
                Lang::En => format!(
                    "narrow the {} KPIs to at most {MAX_KPIS} for the board",
                    r.kpis.len()
                ),
            },
        ));
    }
    if r.summary.money.now_yen.is_nan() || r.summary.money.now_yen <= 0.0 {
        out.push(structural(
            Rule::NoMoney,
            lang,
            say(
                "想定損失額（現在と KPI 達成後）を金額で示す（`mieruka loss set`）",
                "show the maximum loss in money, now and after the KPIs are met (`mieruka loss set`)",
            ),
        ));
    }
    if r.summary.headlines.is_empty() {
        out.push(structural(
            Rule::NoSummary,
            lang,
            say("1ページ目に要約を置く", "put a summary on the first page"),
        ));
    }
    if r.summary.trend.len() < 2 {
        out.push(structural(
            Rule::NoTrend,
            lang,
            say(
                "複数時点の推移を示す（月ごとの実績を登録する）",
                "show how the figures moved over time (record measurements month by month)",
            ),
        ));
    }
    if r.summary.asks.is_empty() {
        out.push(structural(
            Rule::NoAsk,
            lang,
            say(
                "経営層に決議または報告を求める事項を書く（`mieruka report ask`）",
                "say what the board is asked to decide or note (`mieruka report ask`)",
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jargon_stuffed_text_names_each_term_and_its_phrasing() {
        let g = Glossary::builtin();
        let text = "今期はEDRとSIEMを導入し、ブロックした攻撃は1,200件。\n脆弱性件数は340件、CVSS 9.8 のゼロデイにパッチ適用済み。\nSQLインジェクション対策として WAF を更新した。";
        let f = lint_text(&g, text, Lang::Ja);
        let terms: Vec<&str> = f.iter().filter_map(|x| x.term.as_deref()).collect();
        assert_eq!(
            terms,
            [
                "EDR",
                "SIEM",
                "ブロックした攻撃",
                "脆弱性件数",
                "CVSS",
                "ゼロデイ",
                "パッチ適用",
                "SQLインジェクション",
                "WAF"
            ]
        );
        assert_eq!(f[0].location, "1行目");
        assert_eq!(f[3].location, "2行目");
        assert_eq!(f[0].suggestion, "PC端末の監視");
        assert!(
            f[2].message.contains("攻撃の検知・ブロック件数"),
            "{}",
            f[2].message
        );
        let en = lint_text(
            &g,
            "We blocked attacks: 1200 blocked attacks via the firewall.",
            Lang::En,
        );
        assert_eq!(en.len(), 3, "{en:?}");
        assert_eq!(en[2].suggestion, "protection at the network edge");
    }

    #[test]
    fn plain_business_words_pass() {
        let g = Glossary::builtin();
        let text = "会員登録の必須化で売上を伸ばす戦略を、個人情報の匿名化と事故対応の訓練で支え、想定損失額を141億円から97億円に下げる。";
        assert!(lint_text(&g, text, Lang::Ja).is_empty());
    }
}
