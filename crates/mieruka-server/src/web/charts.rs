//! The charts pages show, as inline SVG from `mieruka-charts` (the same functions reports use):
//! this module only hands them the evaluation's and the loss model's figures, with every word
//! translated and every number formatted the pages' way (`format.rs`).

use mieruka_app::status::PlanStatus;
use mieruka_charts::{
    Exceedance, ExceedanceCurve, LossBreakdown, LossCategory, PlanVsActual, TickFormat, Trend,
    UnitBars, exceedance_svg, loss_breakdown_svg, plan_vs_actual_svg, trend_svg,
};
use mieruka_domain::evaluation::Status;
use mieruka_domain::figures::kpi_unit;
use mieruka_domain::loss::LossReport;
use mieruka_domain::{Date, KpiDefinition, Lang, i18n};
use mieruka_sim::CurvePoint;

use super::format::{month, value, yen};

fn t(lang: Lang, key: &str) -> String {
    i18n::tr(lang, key, &[])
}

/// How a KPI's values read on an axis: the unit `figures` writes after a value (`%`, `時間`,
/// `件`), and the axis caption naming it.
fn ticks(kpi: &KpiDefinition, lang: Lang) -> (TickFormat, String) {
    let suffix = kpi_unit(kpi, lang);
    let axis = if suffix.trim().is_empty() {
        t(lang, "web_value")
    } else {
        i18n::tr(
            lang,
            "web_chart_axis_with_unit",
            &[("label", &t(lang, "web_value")), ("unit", &suffix.trim())],
        )
    };
    (TickFormat::suffix(suffix), axis)
}

/// Plan against actual per unit (Fig. 9), for a plan with one target; compound KPIs keep their
/// table.
pub fn plan_vs_actual(s: &PlanStatus, lang: Lang) -> Option<String> {
    let [whole] = s.evaluation.parts.as_slice() else {
        return None;
    };
    if s.evaluation.units.is_empty() {
        return None;
    }
    let kpi = &s.ctx.kpi;
    let (ticks, axis_label) = ticks(kpi, lang);
    let units = s
        .evaluation
        .units
        .iter()
        .filter_map(|u| {
            let a = u.parts.first()?;
            Some(UnitBars {
                name: s
                    .ctx
                    .unit(&u.unit)
                    .map_or_else(|| u.unit.clone(), |x| x.unit.name.clone()),
                planned: a.planned,
                planned_text: a.planned.map(|v| value(kpi, v, lang)).unwrap_or_default(),
                actual: a.actual,
                actual_text: a.actual.map(|v| value(kpi, v, lang)).unwrap_or_default(),
                status: u.status,
                status_text: u.status.label(lang).to_string(),
            })
        })
        .collect();
    Some(plan_vs_actual_svg(&PlanVsActual {
        title: format!("{} — {}", kpi.name.get(lang), t(lang, "web_by_unit")),
        axis_label,
        ticks,
        direction: kpi.direction,
        direction_text: kpi.direction.label(lang).to_string(),
        target: Some(whole.target),
        target_text: format!(
            "{} {}",
            t(lang, "web_target"),
            value(kpi, whole.target, lang)
        ),
        plan_label: t(lang, "web_planned"),
        actual_label: t(lang, "web_actual"),
        no_data_text: Status::NoData.label(lang).to_string(),
        units,
    }))
}

/// The first day of the month `n` months after `d`'s.
fn month_start(d: Date, n: i32) -> Date {
    d.first_of_month_plus(n)
}

/// The rolled-up actual month by month (the latest reading in each month), from the period's
/// first month to the last with a reading, the plan at each month's end dashed beside it, and
/// the target across.
pub fn trend(s: &PlanStatus, lang: Lang) -> Option<String> {
    let [whole] = s.evaluation.parts.as_slice() else {
        return None;
    };
    let last = whole.trend.last()?;
    let kpi = &s.ctx.kpi;
    let first = month_start(s.ctx.period.start, 0);
    let mut months = Vec::new();
    let mut at = first;
    while at <= last.date && months.len() < 120 {
        months.push(at);
        at = month_start(at, 1);
    }
    let actual = months
        .iter()
        .map(|m| {
            whole
                .trend
                .iter()
                .filter(|r| r.date >= *m && r.date <= m.end_of_month())
                .max_by_key(|r| r.date)
                .map(|r| r.value)
        })
        .collect();
    let planned = months
        .iter()
        .map(|m| Some(whole.plan_line.at(m.end_of_month().min(last.date.max(*m)))))
        .collect();
    Some(trend_svg(&Trend {
        title: format!("{} — {}", kpi.name.get(lang), t(lang, "web_trend")),
        actual,
        planned,
        target: Some(whole.target),
        last_text: value(kpi, last.value, lang),
        start_label: month(first, lang),
        end_label: months.last().map(|m| month(*m, lang)).unwrap_or_default(),
    }))
}

/// The loss by category, now and after (Fig. 2).
pub fn loss_breakdown(report: &LossReport, lang: Lang) -> String {
    loss_breakdown_svg(&LossBreakdown {
        title: t(lang, "web_money_title"),
        now_label: t(lang, "web_loss_now"),
        after_label: t(lang, "web_loss_after"),
        categories: report
            .now
            .categories
            .iter()
            .zip(&report.after.categories)
            .map(|(now, after)| LossCategory {
                name: now.label.get(lang).to_string(),
                now: now.amount_yen,
                now_text: yen(now.amount_yen, lang),
                after: after.amount_yen,
                after_text: yen(after.amount_yen, lang),
            })
            .collect(),
        total_label: t(lang, "web_max_loss"),
        total_now_text: yen(report.now.total_yen, lang),
        total_after_text: yen(report.after.total_yen, lang),
    })
}

/// Loss-exceedance curves, now and after, from the simulation.
pub fn exceedance(now: &[CurvePoint], after: &[CurvePoint], lang: Lang) -> String {
    let points = |c: &[CurvePoint]| c.iter().map(|p| (p.loss, p.probability)).collect();
    exceedance_svg(&Exceedance {
        title: t(lang, "web_exceedance_title"),
        x_label: t(lang, "web_exceedance_x"),
        y_label: t(lang, "web_exceedance_y"),
        x_ticks: TickFormat::new(move |v| yen(v, lang)),
        curves: vec![
            ExceedanceCurve {
                label: t(lang, "web_loss_now"),
                points: points(now),
            },
            ExceedanceCurve {
                label: t(lang, "web_loss_after"),
                points: points(after),
            },
        ],
    })
}
