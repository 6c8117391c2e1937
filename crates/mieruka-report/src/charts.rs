//! The report's charts as SVG, by name, drawn by `mieruka-charts` from the view model: the
//! trend of the maximum loss (`trend`), the loss breakdown now and after (`loss_breakdown`,
//! Fig. 2), the loss-exceedance curves (`exceedance`), the risk matrix (`risks`, Fig. 8) and plan
//! against actual per unit for each KPI (`kpi-<plan>`, Fig. 9). The PDF embeds them as images
//! and the HTML page inline. Every word comes from the model.

use mieruka_charts::{
    Exceedance, ExceedanceCurve, LossBreakdown, LossCategory, MatrixPoint, PlanVsActual, PointKind,
    TickFormat, Trend, UnitBars, exceedance_svg, loss_breakdown_svg, plan_vs_actual_svg,
    risk_matrix_svg, trend_svg,
};
use mieruka_domain::evaluation::Status;
use mieruka_domain::figures::{percent, yen};
use mieruka_domain::kpi::Direction;
use mieruka_domain::report::model::{BoardReport, KpiView};
use mieruka_domain::risk::Cell;

fn cell(c: Option<(u8, u8)>) -> Option<Cell> {
    c.map(|(probability, impact)| Cell {
        probability,
        impact,
    })
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(String::new, percent)
}

/// Plan against actual per unit, as shares of the target (100% = the target).
fn kpi_chart(r: &BoardReport, k: &KpiView) -> String {
    plan_vs_actual_svg(&PlanVsActual {
        title: k.name.clone(),
        axis_label: format!("{}（{} = 100%）", r.label("achievement"), r.label("target")),
        ticks: TickFormat::suffix("%"),
        direction: Direction::HigherIsBetter,
        direction_text: String::new(),
        target: Some(100.0),
        target_text: format!("{} 100%", r.label("target")),
        plan_label: r.label("plan").into(),
        actual_label: r.label("actual").into(),
        no_data_text: Status::NoData.label(r.lang).into(),
        units: k
            .units
            .iter()
            .map(|u| UnitBars {
                name: u.name.clone(),
                planned: u.planned.map(|v| v * 100.0),
                planned_text: pct(u.planned),
                actual: u.actual.map(|v| v * 100.0),
                actual_text: pct(u.actual),
                status: u.status.parse().unwrap_or(Status::NoData),
                status_text: u.status_label.clone(),
            })
            .collect(),
    })
}

/// Every chart the report shows, as (name, SVG).
pub fn charts(r: &BoardReport) -> Vec<(String, String)> {
    let lang = r.lang;
    let mut out = Vec::new();
    let trend = &r.summary.trend;
    if trend.len() >= 2 {
        out.push((
            "trend".to_string(),
            trend_svg(&Trend {
                title: r.label("trend").into(),
                actual: trend.iter().map(|p| Some(p.today_yen / 1e8)).collect(),
                planned: Vec::new(),
                target: Some(r.summary.money.after_yen / 1e8),
                last_text: yen(trend[trend.len() - 1].today_yen, lang),
                start_label: trend[0].label.clone(),
                end_label: trend[trend.len() - 1].label.clone(),
            }),
        ));
    }
    if !r.loss.categories.is_empty() {
        out.push((
            "loss_breakdown".to_string(),
            loss_breakdown_svg(&LossBreakdown {
                title: r.label("loss").into(),
                now_label: r.label("now").into(),
                after_label: r.label("after").into(),
                categories: r
                    .loss
                    .categories
                    .iter()
                    .map(|c| LossCategory {
                        name: c.label.clone(),
                        now: c.now_yen,
                        now_text: c.now_text.clone(),
                        after: c.after_yen,
                        after_text: c.after_text.clone(),
                    })
                    .collect(),
                total_label: r.label("total").into(),
                total_now_text: r.loss.now_text.clone(),
                total_after_text: r.loss.after_text.clone(),
            }),
        ));
    }
    if let Some(x) = &r.loss.exceedance {
        out.push((
            "exceedance".to_string(),
            exceedance_svg(&Exceedance {
                title: r.label("exceedance").into(),
                x_label: r.label("exceedance_x").into(),
                y_label: r.label("exceedance_y").into(),
                x_ticks: TickFormat::new(move |v| yen(v, lang)),
                curves: vec![
                    ExceedanceCurve {
                        label: r.label("now").into(),
                        points: x.now.clone(),
                    },
                    ExceedanceCurve {
                        label: r.label("after").into(),
                        points: x.after.clone(),
                    },
                ],
            }),
        ));
    }
    if !r.risks.points.is_empty() {
        let points: Vec<MatrixPoint> = r
            .risks
            .points
            .iter()
            .map(|p| MatrixPoint {
                label: p.name.clone(),
                at: cell(p.at),
                kind: if p.cyber {
                    PointKind::Cyber {
                        after: cell(p.after),
                    }
                } else {
                    PointKind::Normal
                },
            })
            .collect();
        let bands: Option<[f64; 4]> = r.risks.bands_yen.clone().try_into().ok();
        out.push((
            "risks".to_string(),
            risk_matrix_svg(lang, &points, &r.risks.title, bands.as_ref()),
        ));
    }
    for k in &r.kpis {
        if !k.units.is_empty() {
            out.push((format!("kpi-{}", k.plan), kpi_chart(r, k)));
        }
    }
    out
}
