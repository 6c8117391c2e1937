//! A plan as pages show it: the card of the dashboard (purpose, target, deadline, status,
//! forecast, per-unit plan against actual), built from `mieruka_app::status::PlanStatus`. Every
//! figure is the evaluation's; this only formats it.

use mieruka_app::status::PlanStatus;
use mieruka_domain::Lang;
use mieruka_domain::evaluation::Assessment;

use super::charts;
use super::format::{StatusView, day, percent, value};

/// One target's figures (the whole KPI, or one part of a compound one), formatted.
pub struct Figures {
    /// The part's name for compound KPIs.
    pub part: Option<String>,
    pub target: String,
    pub actual: String,
    pub achievement: String,
    pub planned: String,
    pub forecast: String,
    pub forecast_achievement: String,
    /// The date of the latest measurement.
    pub as_of: String,
    pub status: StatusView,
}

/// One unit's line under a plan.
pub struct UnitLine {
    pub name: String,
    pub parts: Vec<Figures>,
}

/// A plan's card.
pub struct PlanCard {
    pub id: i64,
    pub url: String,
    pub kpi_id: String,
    pub name: String,
    pub purpose: String,
    pub state: &'static str,
    pub deadline: String,
    pub status: StatusView,
    pub achievement: String,
    /// Overall achievement as a bar width (0–100).
    pub width: u32,
    pub parts: Vec<Figures>,
    pub units: Vec<UnitLine>,
    /// Actual minus the previous period's actual, when known.
    pub change: Option<String>,
    /// Plan against actual per unit (SVG), for single-target KPIs.
    pub chart: Option<String>,
    /// The actual month by month (SVG), once there is a reading.
    pub trend: Option<String>,
}

const NONE: &str = "—";

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| NONE.to_string())
}

fn figures(s: &PlanStatus, a: &Assessment, lang: Lang) -> Figures {
    let kpi = &s.ctx.kpi;
    Figures {
        part: a.part.clone(),
        target: value(kpi, a.target, lang),
        actual: or_dash(a.actual.map(|v| value(kpi, v, lang))),
        achievement: or_dash(a.achievement.map(percent)),
        planned: or_dash(a.planned.map(|v| value(kpi, v, lang))),
        forecast: or_dash(a.forecast.map(|v| value(kpi, v, lang))),
        forecast_achievement: or_dash(a.forecast_achievement.map(percent)),
        as_of: or_dash(a.as_of.map(|d| day(d, lang))),
        status: StatusView::new(a.status, lang),
    }
}

fn width(achievement: Option<f64>) -> u32 {
    achievement.map_or(0, |a| (a.clamp(0.0, 1.0) * 100.0).round() as u32)
}

/// The card of one evaluated plan.
pub fn plan_card(s: &PlanStatus, org_code: &str, lang: Lang) -> PlanCard {
    let e = &s.evaluation;
    let c = &s.ctx.plan.content;
    let kpi = &s.ctx.kpi;
    let units = e
        .units
        .iter()
        .map(|u| UnitLine {
            name: s
                .ctx
                .unit(&u.unit)
                .map_or_else(|| u.unit.clone(), |x| x.unit.name.clone()),
            parts: u.parts.iter().map(|a| figures(s, a, lang)).collect(),
        })
        .collect();
    PlanCard {
        id: s.ctx.plan.id.0,
        url: format!("/orgs/{org_code}/plans/{}", s.ctx.plan.id.0),
        kpi_id: kpi.id.to_string(),
        name: kpi.name.get(lang).to_string(),
        purpose: c.purpose.text.clone(),
        state: s.ctx.plan.state.label(lang),
        deadline: day(c.deadline, lang),
        status: StatusView::new(e.status, lang),
        achievement: or_dash(e.achievement.map(percent)),
        width: width(e.achievement),
        parts: e.parts.iter().map(|a| figures(s, a, lang)).collect(),
        units,
        change: e.change.map(|d| {
            let sign = if d > 0.0 { "+" } else { "" };
            format!("{sign}{}", value(kpi, d, lang))
        }),
        chart: charts::plan_vs_actual(s, lang),
        trend: charts::trend(s, lang),
    }
}
