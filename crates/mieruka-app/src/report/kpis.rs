//! The KPI section (Fig. 9: purpose, target, deadline, plan against actual per unit), the
//! appendix of definitions, and the numbers behind the report for the workbook.

use mieruka_domain::evaluation::Assessment;
use mieruka_domain::figures::{kpi_value, percent, yen};
use mieruka_domain::loss::LossReport;
use mieruka_domain::plan::MeasuredValue;
use mieruka_domain::report::model::{
    Definition, KpiView, LossDataRow, MeasurementRow, PlanRow, ReportData, UnitBar,
};
use mieruka_domain::{KpiDefinition, Lang};

use super::sections::Context;
use crate::Result;
use crate::status::{PlanStatus, unit_of};

/// A measured, surveyed or target KPI value with its unit, as every page writes it.
pub(super) fn value_text(kpi: &KpiDefinition, v: f64, lang: Lang) -> String {
    kpi_value(kpi, v, lang)
}

/// A share of the target (actual ÷ target), for the bars.
fn share(a: &Assessment, value: Option<f64>) -> Option<f64> {
    let v = value?;
    (a.target > 0.0).then(|| v / a.target)
}

fn l(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.into(),
        Lang::En => en.into(),
    }
}

/// What reaching the plan's target takes off the maximum loss, from the loss report's plans.
fn reduction(s: &PlanStatus, loss: Option<&LossReport>) -> Option<f64> {
    let key = format!("#{} {}", s.ctx.plan.id, s.ctx.kpi.id);
    loss?
        .plans
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.reduction_at_target_yen)
        .filter(|r| *r > 0.0)
}

pub(super) fn kpis(ctx: &Context<'_>, loss: Option<&LossReport>) -> Vec<KpiView> {
    let lang = ctx.lang;
    ctx.plans
        .iter()
        .map(|s| {
            let c = &s.ctx.plan.content;
            let e = &s.evaluation;
            let wording = ctx
                .wordings
                .iter()
                .find(|(k, _)| k == s.ctx.kpi.id.as_str());
            let purpose = wording
                .and_then(|(_, w)| w.purpose.as_ref())
                .map_or_else(|| c.purpose.text.clone(), |p| p.get(lang).to_string());
            let first = e.parts.first();
            let target_text = e
                .parts
                .iter()
                .map(|a| kpi_value(&s.ctx.kpi, a.target, lang))
                .collect::<Vec<_>>()
                .join(" / ");
            let units = e
                .units
                .iter()
                .map(|u| {
                    let a = u.parts.first();
                    UnitBar {
                        unit: u.unit.clone(),
                        name: s
                            .ctx
                            .unit(&u.unit)
                            .map_or_else(|| u.unit.clone(), |x| x.unit.name.clone()),
                        planned: a.and_then(|a| share(a, a.planned)),
                        actual: a.and_then(|a| share(a, a.actual)),
                        status: u.status.code().into(),
                        status_label: u.status.label(lang).into(),
                    }
                })
                .collect();
            KpiView {
                plan: s.ctx.plan.id.0,
                kpi_id: s.ctx.kpi.id.to_string(),
                name: ctx.kpi_name(s),
                purpose,
                reduces: c
                    .purpose
                    .reduces
                    .iter()
                    .map(|r| r.label(lang).to_string())
                    .collect(),
                target_text,
                deadline: c.deadline,
                status: e.status.code().into(),
                status_label: e.status.label(lang).into(),
                achievement: e.achievement,
                planned: first.and_then(|a| share(a, a.planned)),
                forecast_text: first.and_then(|a| a.forecast_achievement).map(percent),
                reduction_text: reduction(s, loss).map(|y| yen(y, lang)),
                units,
            }
        })
        .collect()
}

/// Definitions, formulas and sources for every figure the report shows.
pub(super) fn appendix(ctx: &Context<'_>, loss: Option<&LossReport>) -> Vec<Definition> {
    let lang = ctx.lang;
    let mut out = vec![Definition {
        term: l(lang, "想定損失額", "Maximum loss"),
        meaning: l(
            lang,
            "サイバー事故1件で起こりうる最大の直接損失（①〜④の合計）。「現状」は対策前、「KPI達成後」はすべてのKPIが目標に達したとき、「現時点」は各KPIの達成率に応じて対策の効果を按分したもの。",
            "The largest direct loss one cyber incident could cause (the sum of ①–④). \"Now\" is before the measures, \"after\" when every KPI meets its target, \"today\" with each measure's effect in proportion to its KPI's achievement.",
        ),
        formula: l(lang, "① + ② + ③ + ④", "① + ② + ③ + ④"),
        source: l(
            lang,
            "JCIC「取締役会で議論するためのサイバーリスクの数値化モデル」(2018) と組織の入力値",
            "JCIC's 2018 model for quantifying cyber risk for board discussion, with the organisation's inputs",
        ),
    }];
    if let Some(l) = loss {
        for f in &l.now.categories {
            out.push(Definition {
                term: f.label.get(lang).into(),
                meaning: f
                    .terms
                    .iter()
                    .map(|t| format!("{} = {}", t.label.get(lang), t.value))
                    .collect::<Vec<_>>()
                    .join(", "),
                formula: f.formula.get(lang).into(),
                source: f.source.get(lang).into(),
            });
        }
    }
    out.push(Definition {
        term: l(lang, "損失額の超過確率", "Loss exceedance"),
        meaning: l(
            lang,
            "1年間に各金額以上の損失が生じる確率。想定損失額の入力から発生頻度と損失規模を置き、乱数による模擬（モンテカルロ法）で求める。",
            "The chance in a year of losing at least each amount, simulated (Monte Carlo) from how often each loss may occur and how large it may be, taken from the loss inputs.",
        ),
        formula: format!(
            "P(annual loss ≥ x), {} trials, seed {}",
            super::SIMULATION_TRIALS,
            super::SIMULATION_SEED
        ),
        source: l(lang, "想定損失額の入力値", "The loss inputs"),
    });
    out.push(Definition {
        term: l(lang, "達成率", "Achievement"),
        meaning: l(
            lang,
            "実績 ÷ 目標（小さいほど良い指標は 目標 ÷ 実績）。部門ごとの値は分子・分母を合計して求め、率を平均しない。",
            "Actual ÷ target (target ÷ actual where lower is better). Units are combined by adding numerators and denominators, never by averaging rates.",
        ),
        formula: l(lang, "実績 ÷ 目標", "actual ÷ target"),
        source: l(lang, "登録された実績値", "The recorded measurements"),
    });
    for s in ctx.plans {
        let k = &s.ctx.kpi;
        out.push(Definition {
            term: ctx.kpi_name(s),
            meaning: k.name.get(lang).into(),
            formula: k.formula.describe(lang),
            source: k.data_source.as_ref().map_or_else(
                || l(lang, "登録された実績値", "The recorded measurements"),
                |d| d.get(lang).into(),
            ),
        });
    }
    out
}

fn value_columns(v: &MeasuredValue) -> (Option<f64>, Option<f64>, Option<f64>) {
    match v {
        MeasuredValue::Ratio {
            numerator,
            denominator,
        } => (Some(v.reading()), Some(*numerator), Some(*denominator)),
        _ => (Some(v.reading()), None, None),
    }
}

/// The plans, every measurement of the period (corrected ones included, marked), and the loss
/// figures.
pub(super) async fn data(ctx: &Context<'_>, loss: Option<&LossReport>) -> Result<ReportData> {
    let mut data = ReportData::default();
    for s in ctx.plans {
        let first = s.evaluation.parts.first();
        data.plans.push(PlanRow {
            plan: s.ctx.plan.id.0,
            kpi_id: s.ctx.kpi.id.to_string(),
            name: ctx.kpi_name(s),
            period: s.ctx.period.id.clone(),
            target: first.map(|a| a.target),
            unit_of_measure: unit_of(&s.ctx.kpi).into(),
            deadline: s.ctx.plan.content.deadline,
            actual: first.and_then(|a| a.actual),
            achievement: s.evaluation.achievement,
            status: s.evaluation.status.code().into(),
        });
        for m in ctx.store.measurement_history(s.ctx.plan.id).await? {
            if m.measured_on < ctx.period.start || m.measured_on > ctx.period.end {
                continue;
            }
            let (value, numerator, denominator) = value_columns(&m.value);
            data.measurements.push(MeasurementRow {
                id: m.id.0,
                plan: s.ctx.plan.id.0,
                kpi_id: s.ctx.kpi.id.to_string(),
                unit: m.unit_code.clone(),
                measured_on: m.measured_on,
                part: m.part.clone(),
                value,
                numerator,
                denominator,
                source: m.source.code().into(),
                recorded_by: m.recorded_by.clone(),
                recorded_at: m.recorded_at.clone(),
                superseded_by: m.superseded_by.map(|x| x.0),
            });
        }
    }
    data.measurements
        .sort_by_key(|m| (m.plan, m.measured_on, m.id));
    if let Some(l) = loss {
        for (column, b) in [("now", &l.now), ("today", &l.today), ("after", &l.after)] {
            for f in b.categories.iter().chain(&b.indirect) {
                data.loss.push(LossDataRow {
                    column: column.into(),
                    key: f.key.into(),
                    label: f.label.get(ctx.lang).into(),
                    amount_yen: f.amount_yen.round(),
                    formula: f.formula.get(ctx.lang).into(),
                });
            }
        }
    }
    Ok(data)
}
