//! A report built from fixed values shaped like the demo's (Fig. 2's 141億円 → 97億円 and the
//! KPIs of Fig. 9), for the renderers' tests and the benchmark, which run without a database.
//! `extra_kpis` adds KPIs to make a longer document.

use std::collections::BTreeMap;

use mieruka_domain::i18n::{keys, tr};
use mieruka_domain::report::model::*;
use mieruka_domain::{Date, Lang};

fn d(s: &str) -> Date {
    Date::parse(s).expect("a valid date")
}

/// The sample report in Japanese, with `extra_kpis` more KPIs than the demo's four.
pub fn sample(extra_kpis: usize) -> BoardReport {
    let lang = Lang::Ja;
    let labels: BTreeMap<String, String> = keys()
        .into_iter()
        .filter(|k| k.starts_with("report_"))
        .map(|k| {
            (
                k.trim_start_matches("report_").to_string(),
                tr(lang, k, &[]),
            )
        })
        .collect();
    let names = [
        ("1.2.2", "個人情報等の匿名化プロジェクト進捗率"),
        ("1.10.2", "主要部門のサイバー演習進捗率"),
        ("1.4.2", "事故対応ができるセキュリティ部員数"),
        ("own.pc-monitoring", "PC端末の監視強化プロジェクト進捗率"),
    ];
    let units = ["セキュリティ部門", "製造部門", "顧客サポート部門"];
    let kpis: Vec<KpiView> = (0..names.len() + extra_kpis)
        .map(|i| {
            let (id, name) = names[i % names.len()];
            KpiView {
                plan: i as i64 + 1,
                kpi_id: id.into(),
                name: if i < names.len() {
                    name.into()
                } else {
                    format!("{name}（{i}）")
                },
                purpose: "盗まれても本人を特定しにくくし、情報盗難時の被害額を減らす".into(),
                reduces: vec!["① 情報盗難による金銭的被害".into()],
                target_text: "100%".into(),
                deadline: d("2027-03-31"),
                status: "on_track".into(),
                status_label: "順調".into(),
                achievement: Some(0.45),
                planned: Some(0.42),
                forecast_text: Some("103%".into()),
                reduction_text: Some("40億円".into()),
                units: units
                    .iter()
                    .enumerate()
                    .map(|(j, u)| UnitBar {
                        unit: format!("u{j}"),
                        name: (*u).into(),
                        planned: Some(0.42),
                        actual: Some(0.3 + 0.1 * j as f64),
                        status: "on_track".into(),
                        status_label: "順調".into(),
                    })
                    .collect(),
            }
        })
        .collect();
    let loss_row = |code: &str, label: &str, now: f64, after: f64| LossRow {
        code: code.into(),
        label: label.into(),
        now_yen: now * 1e8,
        after_yen: after * 1e8,
        now_text: format!("{now}億円"),
        after_text: format!("{after}億円"),
        drivers: vec![names[0].1.into()],
    };
    let curve = |scale: f64| -> Vec<(f64, f64)> {
        (1..=40)
            .map(|i| (scale * f64::from(i) * 1e8, 0.3 / f64::from(i)))
            .collect()
    };
    BoardReport {
        model_version: MODEL_VERSION,
        lang,
        org: OrgHeader { slug: "demo".into(), name: "サンプル空調株式会社".into() },
        period: PeriodHeader {
            id: "FY2026-Q3".into(),
            start: d("2026-10-01"),
            end: d("2026-12-31"),
            label: "2026年度 第3四半期".into(),
        },
        as_of: d("2026-11-26"),
        data_version: 42,
        labels,
        summary: Summary {
            asks: vec![AskView {
                kind: "decide".into(),
                kind_label: "決議事項".into(),
                text: "顧客サポート部門の演習を今期中に行うため、応援要員の配置を承認いただきたい".into(),
            }],
            money: MoneyView {
                now_yen: 141e8,
                today_yen: 120e8,
                after_yen: 96.6e8,
                now_text: "141億円".into(),
                today_text: "120億円".into(),
                after_text: "97億円".into(),
                reduction_text: "44億円".into(),
                previous: None,
            },
            status_counts: vec![StatusCount { status: "on_track".into(), label: "順調".into(), count: kpis.len() }],
            trend: (0..6)
                .map(|i| TrendPoint {
                    date: d("2026-10-31").add_days(30 * i),
                    label: format!("{}月", 10 + i),
                    today_yen: (141.0 - 4.0 * i as f64) * 1e8,
                    text: format!("{}億円", 141 - 4 * i),
                })
                .collect(),
            peers: Some(vec![PeerView {
                measure: "個人情報等の匿名化プロジェクト進捗率".into(),
                ours: "72%".into(),
                peers: "中央値 60%（中位の半数 40%〜80%）・52社（製造業）・出典: 業界団体の会員調査、2026年3月31日時点 — 中央値より良い".into(),
            }]),
            headlines: vec![
                "サイバー事故1件で起こりうる最大の損失は現状 141億円。KPIをすべて達成すると 97億円 に下がります（44億円 減）。".into(),
            ],
        },
        story: Some(StoryView {
            strategy: "購入時の会員登録を必須にし、アフターサービスを強化して3年で売上を20%伸ばす".into(),
            challenge: "会員の個人情報が大量に集まり、盗まれると最大141億円の損失となり戦略を損なう".into(),
            solution: "2年間で損失を減らす対策に投資し、最大損失を97億円に下げ、安心を付加価値とする".into(),
            investment: "2年間で対策費を計上".into(),
            investment_text: Some("3.0億円".into()),
        }),
        loss: LossView {
            categories: vec![
                loss_row("theft", "① 情報盗難による金銭的被害", 80.0, 40.0),
                loss_row("interruption", "② ビジネス停止による機会損失", 20.0, 16.0),
                loss_row("fine", "③ 法令違反による制裁金", 40.0, 40.0),
                loss_row("response", "④ 事故対応費用", 1.0, 0.6),
            ],
            now_yen: 141e8,
            after_yen: 96.6e8,
            now_text: "141億円".into(),
            after_text: "97億円".into(),
            exceedance: Some(Exceedance {
                trials: 20_000,
                seed: 2019,
                now: curve(3.0),
                after: curve(2.0),
                p99_now_text: "95億円".into(),
                p99_after_text: "60億円".into(),
            }),
        },
        risks: RiskView {
            title: "サンプル空調株式会社 — 事業リスクの評価".into(),
            points: vec![
                RiskPoint { number: 1, name: "自然災害・事故等".into(), at: Some((2, 5)), after: None, cyber: false },
                RiskPoint { number: 2, name: "サイバーリスク・個人情報の保護".into(), at: Some((4, 5)), after: Some((4, 4)), cyber: true },
            ],
            bands_yen: vec![1e8, 1e9, 5e9, 1e10],
        },
        kpis,
        checklist: vec![StepView { step: "vision".into(), label: "① 会社のビジョン・戦略を理解する".into(), done: true, note: String::new() }],
        appendix: vec![Definition {
            term: "想定損失額".into(),
            meaning: "サイバー事故1件で起こりうる最大の直接損失".into(),
            formula: "① + ② + ③ + ④".into(),
            source: "JCIC (2018)".into(),
        }],
        data: ReportData {
            plans: Vec::new(),
            measurements: vec![MeasurementRow {
                id: 7,
                plan: 1,
                kpi_id: "1.2.2".into(),
                unit: "support".into(),
                measured_on: d("2026-10-31"),
                part: None,
                value: Some(0.2),
                numerator: Some(20.0),
                denominator: Some(100.0),
                source: "manual".into(),
                recorded_by: "demo".into(),
                recorded_at: "2026-11-01T00:00:00Z".into(),
                superseded_by: Some(9),
            }],
            loss: Vec::new(),
        },
    }
}
