//! The KPI section (Fig. 9: purpose, target, deadline, plan against actual per unit), the
//! appendix of definitions, and the numbers behind the report for the workbook.

use mieruka_domain::evaluation::Assessment;
use mieruka_domain::figures::{kpi_value, percent, term, yen};
use mieruka_domain::i18n::tr;
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

/// The appendix's words (`report.toml`, keys `appendix_*`).
fn l(lang: Lang, key: &str) -> String {
    tr(lang, &format!("appendix_{key}"), &[])
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
        term: l(lang, "loss_term"),
        meaning: l(lang, "loss_meaning"),
        formula: l(lang, "loss_formula"),
        source: l(lang, "loss_source"),
    }];
    if let Some(l) = loss {
        for f in &l.now.categories {
            out.push(Definition {
                term: f.label.get(lang).into(),
                meaning: f
                    .terms
                    .iter()
                    .map(|t| format!("{} = {}", t.label.get(lang), term(t.value, t.unit, lang)))
                    .collect::<Vec<_>>()
                    .join(", "),
                formula: f.formula.get(lang).into(),
                source: f.source.get(lang).into(),
            });
        }
    }
    out.push(Definition {
        term: l(lang, "exceedance_term"),
        meaning: l(lang, "exceedance_meaning"),
        formula: tr(
            lang,
            "appendix_exceedance_formula",
            &[
                ("trials", &super::SIMULATION_TRIALS),
                ("seed", &super::SIMULATION_SEED),
            ],
        ),
        source: l(lang, "exceedance_source"),
    });
    out.push(Definition {
        term: l(lang, "achievement_term"),
        meaning: l(lang, "achievement_meaning"),
        formula: l(lang, "achievement_formula"),
        source: l(lang, "recorded_measurements"),
    });
    for s in ctx.plans {
        let k = &s.ctx.kpi;
        out.push(Definition {
            term: ctx.kpi_name(s),
            meaning: k.name.get(lang).into(),
            formula: k.formula.describe(lang),
            source: k
                .data_source
                .as_ref()
                .map_or_else(|| l(lang, "recorded_measurements"), |d| d.get(lang).into()),
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
