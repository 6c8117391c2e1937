//! The demo company's board narrative: its strategy story (the report's worked example of
//! Fig. 7), the board's wording of its KPIs (the names of Fig. 9), what the current quarter's
//! report asks of the board, and the five steps it has taken. Written in business words, so the
//! demo's report passes the lint.

use super::narrative::{
    Ask, AskItem, AskKind, BoardText, Checklist, KpiWording, Step, StepState, Story,
};

fn t(ja: &str, en: &str) -> BoardText {
    BoardText {
        ja: ja.into(),
        en: en.into(),
    }
}

/// The strategy story (Fig. 7).
pub fn story() -> Story {
    Story {
        strategy: t(
            "製品購入時のオンライン会員登録を必須にし、アフターサービスを手厚くして、3年で売上を20%伸ばす。",
            "Make online membership registration part of every purchase and strengthen after-sales service, to grow sales by 20% in three years.",
        ),
        challenge: t(
            "会員の個人情報が大量に集まる。盗まれた場合の直接の損失は最大141億円に達し、戦略そのものを損なう。",
            "Membership brings in large amounts of personal data. If it were stolen, the direct loss could reach 14.1 billion yen and undermine the strategy itself.",
        ),
        solution: t(
            "2年間で損失を減らす取組みに投資する。最大損失を97億円まで下げ、「安心して使えるブランド」を付加価値にする。",
            "Invest over two years in measures that reduce the loss: bring the maximum loss down to 9.7 billion yen and make a trusted brand part of what customers buy.",
        ),
        investment: t(
            "2年間で3億円（個人情報の匿名化、部門ごとの演習、事故対応要員の育成、PC端末の監視強化）。",
            "300 million yen over two years (anonymising personal data, exercises in each department, training staff to respond to incidents, closer monitoring of company PCs).",
        ),
        investment_yen: Some(300_000_000),
    }
}

/// The board's names and purposes of the demo's KPIs (Fig. 9).
pub fn kpi_wordings() -> Vec<(&'static str, KpiWording)> {
    vec![
        (
            "1.2.2",
            KpiWording {
                name: t(
                    "個人情報等の匿名化プロジェクト進捗率",
                    "Progress of the personal-data anonymisation project",
                ),
                purpose: Some(t(
                    "盗まれても本人を特定しにくくし、情報盗難による損失を減らす",
                    "Make stolen data hard to trace to a person, to cut the loss from data theft",
                )),
            },
        ),
        (
            "1.10.2",
            KpiWording {
                name: t(
                    "主要部門のサイバー演習進捗率",
                    "Progress of exercises in the main departments",
                ),
                purpose: Some(t(
                    "主要部門で演習と振り返りを行い、事故で事業が止まる時間を短くする",
                    "Hold an exercise and its review in each main department, to shorten the time an incident stops the business",
                )),
            },
        ),
        (
            "1.4.2",
            KpiWording {
                name: t(
                    "事故対応ができるセキュリティ部員数",
                    "Security staff able to respond to incidents",
                ),
                purpose: Some(t(
                    "事故に対応できる人を育て、事業が止まる時間と対応費用を減らす",
                    "Train people who can respond to incidents, to shorten outages and lower response costs",
                )),
            },
        ),
        (
            "own.pc-monitoring",
            KpiWording {
                name: t(
                    "PC端末の監視強化プロジェクト進捗率",
                    "Progress of closer monitoring of company PCs",
                ),
                purpose: Some(t(
                    "PC端末の見守りを強め、事故の後に事業が止まる時間を短くする",
                    "Watch company PCs more closely, to shorten the time the business stops after an incident",
                )),
            },
        ),
        (
            "1.1.1",
            KpiWording {
                name: t(
                    "管理できている機器の割合",
                    "Share of company devices under management",
                ),
                purpose: Some(t(
                    "管理できていない機器をなくし、被害の入口と広がりを小さくする",
                    "Leave no device unmanaged, to narrow the ways in and the spread of damage",
                )),
            },
        ),
    ]
}

/// What the report asks of the board.
pub fn ask() -> Ask {
    Ask {
        items: vec![
            AskItem {
                kind: AskKind::Decide,
                text: t(
                    "製造部門と顧客サポート部門の演習を今期中に終えるため、各部門から演習の責任者を1名ずつ指名することを承認いただきたい。",
                    "Approve that the manufacturing and customer-support departments each name one person responsible for their exercise, so both finish this term.",
                ),
            },
            AskItem {
                kind: AskKind::Note,
                text: t(
                    "PC端末の監視強化は計画の6割の進み方です。来期の前半に遅れを取り戻す計画を次回報告します。",
                    "Closer monitoring of company PCs is moving at 60% of the planned pace; a plan to catch up early next term will come with the next report.",
                ),
            },
        ],
    }
}

/// The five steps: all done but the fifth's monitoring, which is being built.
pub fn checklist() -> Checklist {
    let s = |step, done, ja: &str| StepState {
        step,
        done,
        note: ja.into(),
    };
    Checklist {
        steps: vec![
            s(Step::Vision, true, "中期経営計画と社長メッセージで確認"),
            s(
                Step::Challenges,
                true,
                "有価証券報告書の事業等のリスクから把握",
            ),
            s(
                Step::Purpose,
                true,
                "想定損失額を試算し、目的と効果を文書化",
            ),
            s(
                Step::BusinessRisk,
                true,
                "経営企画部門・リスク管理部門と事業リスクの評価に反映",
            ),
            s(
                Step::Kpis,
                false,
                "経営層の合意は済み、実績を集める仕組みを整備中",
            ),
        ],
    }
}

/// Peer figures for two of the demo's KPIs, so its report shows the comparison with peers. They
/// are invented for the demo and say so in their source; a real server loads a survey's figures
/// with `mieruka benchmark import`.
pub fn benchmarks(today: crate::date::Date) -> Vec<crate::benchmark::RawBenchmark> {
    let as_of = today.first_of_month_plus(-2).to_string();
    let row = |kpi: &str, median: f64, lower: f64, upper: f64, peers: i64| {
        crate::benchmark::RawBenchmark {
            kpi: kpi.into(),
            as_of: as_of.clone(),
            median,
            lower: Some(lower),
            upper: Some(upper),
            peers,
            source: "デモ用の架空の数値（実在の調査ではありません）".into(),
            industry: Some("製造業".into()),
        }
    };
    vec![
        row("1.1.1", 85.0, 70.0, 95.0, 48),
        row("1.2.2", 40.0, 20.0, 65.0, 36),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::glossary::Glossary;
    use crate::report::lint::lint_text;
    use crate::text::Lang;

    #[test]
    fn the_demo_narrative_is_valid_and_in_business_words() {
        let g = Glossary::builtin();
        let story = story().validate().unwrap();
        let ask = ask().validate().unwrap();
        let checklist = checklist().validate().unwrap();
        let mut texts: Vec<String> = Vec::new();
        for (_, b) in story.texts() {
            texts.push(b.ja.clone());
            texts.push(b.en.clone());
        }
        for a in &ask.items {
            texts.push(a.text.ja.clone());
            texts.push(a.text.en.clone());
        }
        for (_, w) in kpi_wordings() {
            let w = w.validate().unwrap();
            texts.push(w.name.ja.clone());
            texts.push(w.name.en.clone());
            let p = w.purpose.unwrap();
            texts.push(p.ja);
            texts.push(p.en);
        }
        texts.extend(checklist.steps.iter().map(|s| s.note.clone()));
        for text in texts {
            assert!(lint_text(&g, &text, Lang::Ja).is_empty(), "{text}");
        }
    }

    #[test]
    fn the_demo_peer_figures_are_valid_and_say_they_are_invented() {
        let today = crate::date::Date::parse("2026-11-26").unwrap();
        for b in benchmarks(today) {
            let v = b.validate().unwrap();
            assert!(v.as_of < today, "as of a date before today");
            assert!(v.source.contains("架空"), "{}", v.source);
        }
    }
}
