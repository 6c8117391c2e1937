//! Evaluation: how far a plan has come, whether it is on course, and where it will land.
//!
//! # Rules
//!
//! - **A measurement states the KPI's value as of its date.** For a unit, the value at a date is
//!   its latest measurement in force on or before that date (of two on the same date, the one
//!   recorded last). Counts of events are cumulative within the period.
//! - **Roll-up never averages percentages.** Ratios and progress add numerators and
//!   denominators over units; counts add; mean durations add total hours and events (so the
//!   mean is over all events); scores, which do not add, are averaged over the units reporting.
//! - **Achievement rate (達成率).** Higher-is-better: actual ÷ target. Lower-is-better:
//!   target ÷ actual, the conventional rule for times and costs, capped at 200% so that an actual
//!   of zero stays finite. A target of zero for a higher-is-better KPI counts as met.
//! - **Status.** `achieved` when the achievement rate reaches 100%. Otherwise the actual is
//!   compared, with the same rule, against the plan (計画) at the date of the latest measurement:
//!   `on_track` at 95% of the plan or better, `behind` from 80% to 95%, `off_track` below 80%, and
//!   `off_track` too once the deadline has passed without reaching the target. With no
//!   measurement yet: `no_data`.
//! - **The plan over time.** Entered monthly values are the plan at each month's end; between
//!   them, and from the baseline at the period's start, the plan moves in a straight line. Without
//!   entered values it runs straight from the baseline to the target at the deadline. The baseline
//!   defaults to 0 (higher-is-better) or the first measured value (lower-is-better).
//! - **Forecast.** A least-squares line through the rolled-up values (with the baseline at the
//!   period's start when there is only one), read at the deadline; percentages are kept within
//!   0–100% unless the KPI may exceed 100%.
//! - **Per unit**, the target is the plan's target, except for counts, where each unit carries an
//!   equal share of the plan's total.
//! - **Compound KPIs** (1.4.1) evaluate each part against its own target; the plan's status is
//!   its worst part's and its achievement rate the lowest.

use serde::Serialize;

use crate::date::Date;
use crate::kpi::{Direction, Formula, KpiDefinition};
use crate::period::Period;
use crate::plan::{MeasuredValue, Observation, PlanContent, month_end};
use crate::vocab::vocabulary;

vocabulary! {
    /// Where a plan stands.
    Status, "status" {
        Achieved => "achieved", "達成", "Achieved";
        OnTrack => "on_track", "順調", "On track";
        Behind => "behind", "遅れ", "Behind";
        OffTrack => "off_track", "要対策", "Off track";
        NoData => "no_data", "実績なし", "No data";
    }
}

impl Status {
    /// How much attention it needs: higher is worse.
    pub fn severity(self) -> u8 {
        match self {
            Status::Achieved => 0,
            Status::OnTrack => 1,
            Status::NoData => 2,
            Status::Behind => 3,
            Status::OffTrack => 4,
        }
    }

    /// A symbol that carries the status without colour.
    pub fn icon(self) -> &'static str {
        match self {
            Status::Achieved => "◎",
            Status::OnTrack => "○",
            Status::Behind => "△",
            Status::OffTrack => "×",
            Status::NoData => "－",
        }
    }
}

/// At or above this share of the plan, a KPI is on track.
pub const ON_TRACK_AT: f64 = 0.95;
/// At or above this share of the plan (and below [`ON_TRACK_AT`]), a KPI is behind.
pub const BEHIND_AT: f64 = 0.80;
/// The cap on a lower-is-better achievement rate.
pub const LOWER_IS_BETTER_CAP: f64 = 2.0;

/// A rolled-up value at a date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Reading {
    /// The day of the measurements.
    pub date: Date,
    /// The value they roll up to, in the KPI's reading unit.
    pub value: f64,
}

/// The evaluation of one target (a whole KPI, or one part of a compound one) over some units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    pub target: f64,
    pub actual: Option<f64>,
    /// Achievement rate as a fraction (1.0 = 100%).
    pub achievement: Option<f64>,
    pub status: Status,
    /// The plan (計画) at the date of the latest measurement.
    pub planned: Option<f64>,
    /// The date of the latest measurement used.
    pub as_of: Option<Date>,
    pub forecast: Option<f64>,
    pub forecast_achievement: Option<f64>,
    pub trend: Vec<Reading>,
    /// The plan's line over the period, to read the plan at any date (for charts).
    #[serde(skip)]
    pub plan_line: PlanLine,
}

/// The plan (計画) as a line: the baseline at the period's start, then the planned points.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLine {
    pub start: Date,
    pub baseline: f64,
    pub points: Vec<(Date, f64)>,
}

impl PlanLine {
    /// The plan's value at `date` (see [`planned_at`]).
    pub fn at(&self, date: Date) -> f64 {
        planned_at(date, self.start, self.baseline, &self.points)
    }
}

/// One unit's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitEvaluation {
    pub unit: String,
    pub status: Status,
    pub parts: Vec<Assessment>,
}

/// A plan's evaluation: overall, per part, per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub status: Status,
    /// The lowest achievement rate over the parts.
    pub achievement: Option<f64>,
    pub parts: Vec<Assessment>,
    pub units: Vec<UnitEvaluation>,
    /// Actual minus the previous period's actual, when both are known (single-target KPIs).
    pub change: Option<f64>,
}

/// Achievement of `actual` against `reference` under the KPI's direction.
pub fn achievement(actual: f64, reference: f64, direction: Direction) -> f64 {
    match direction {
        Direction::HigherIsBetter if reference <= 0.0 => 1.0,
        Direction::HigherIsBetter => actual / reference,
        Direction::LowerIsBetter if actual <= 0.0 => LOWER_IS_BETTER_CAP,
        Direction::LowerIsBetter => (reference / actual).min(LOWER_IS_BETTER_CAP),
    }
}

/// A sum of measurements that rolls up without averaging percentages.
#[derive(Debug, Clone, Copy, Default)]
struct Total {
    numerator: f64,
    denominator: f64,
    count: f64,
    scores: f64,
    n: usize,
}

impl Total {
    fn add(&mut self, v: &MeasuredValue) {
        self.n += 1;
        match *v {
            MeasuredValue::Ratio {
                numerator,
                denominator,
            } => {
                self.numerator += numerator;
                self.denominator += denominator;
            }
            MeasuredValue::Count { value } => self.count += value,
            MeasuredValue::Duration {
                total_hours,
                events,
                ..
            } => {
                self.numerator += total_hours;
                self.denominator += events;
            }
            MeasuredValue::Score { value } => self.scores += value,
        }
    }

    fn reading(&self, formula: &Formula) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        match formula {
            Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. } => {
                (self.denominator > 0.0).then(|| 100.0 * self.numerator / self.denominator)
            }
            Formula::Count { .. } => Some(self.count),
            Formula::MeanDuration { .. } => {
                (self.denominator > 0.0).then(|| self.numerator / self.denominator)
            }
            Formula::Score { .. } => Some(self.scores / self.n as f64),
        }
    }
}

/// The rolled-up value at each date on which any of `units` reported, up to `as_of`.
fn trend(formula: &Formula, obs: &[&Observation], units: &[&str], as_of: Date) -> Vec<Reading> {
    let mut dates: Vec<Date> = obs.iter().map(|o| o.date).filter(|d| *d <= as_of).collect();
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .filter_map(|d| {
            let mut total = Total::default();
            for u in units {
                let latest = obs
                    .iter()
                    .filter(|o| o.unit == *u && o.date <= d)
                    .max_by_key(|o| o.date);
                if let Some(o) = latest {
                    total.add(&o.value);
                }
            }
            total
                .reading(formula)
                .map(|value| Reading { date: d, value })
        })
        .collect()
}

/// The plan's value at `date`: a line through the baseline at the period's start and the
/// planned points (entered months, or the target at the deadline), flat after the last point.
pub fn planned_at(date: Date, start: Date, baseline: f64, points: &[(Date, f64)]) -> f64 {
    let mut prev = (start, baseline);
    for &(d, v) in points {
        if date <= d {
            let span = prev.0.days_until(d) as f64;
            if span <= 0.0 {
                return v;
            }
            let t = (prev.0.days_until(date) as f64 / span).clamp(0.0, 1.0);
            return prev.1 + t * (v - prev.1);
        }
        prev = (d, v);
    }
    prev.1
}

/// Least squares through the readings (days since `start` → value), read at `at`.
fn linear_forecast(readings: &[(f64, f64)], at: f64) -> Option<f64> {
    match readings {
        [] => None,
        [(_, v)] => Some(*v),
        _ => {
            let n = readings.len() as f64;
            let mx = readings.iter().map(|r| r.0).sum::<f64>() / n;
            let my = readings.iter().map(|r| r.1).sum::<f64>() / n;
            let sxx: f64 = readings.iter().map(|r| (r.0 - mx).powi(2)).sum();
            if sxx == 0.0 {
                return Some(my);
            }
            let sxy: f64 = readings.iter().map(|r| (r.0 - mx) * (r.1 - my)).sum();
            let slope = sxy / sxx;
            Some(my + slope * (at - mx))
        }
    }
}

struct Context<'a> {
    kpi: &'a KpiDefinition,
    plan: &'a PlanContent,
    period: &'a Period,
    as_of: Date,
}

impl Context<'_> {
    fn percent_kind(&self) -> bool {
        matches!(
            self.kpi.formula,
            Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. }
        )
    }

    /// Evaluates one part over some units, with `share` of the plan's target (counts only).
    fn assess(
        &self,
        part: Option<&str>,
        obs: &[&Observation],
        units: &[&str],
        share: f64,
    ) -> Assessment {
        let dir = self.kpi.direction;
        let full_target = self.plan.target(part).unwrap_or(0.0);
        let target = full_target * share;
        let trend = trend(&self.kpi.formula, obs, units, self.as_of);
        let latest = trend.last().copied();
        let baseline = match (self.plan.baseline, dir) {
            (Some(b), _) => b * share,
            (None, Direction::HigherIsBetter) => 0.0,
            (None, Direction::LowerIsBetter) => trend.first().map_or(target, |r| r.value),
        };
        let points: Vec<(Date, f64)> = if self.plan.trajectory.is_empty() || part.is_some() {
            vec![(self.plan.deadline, target)]
        } else {
            self.plan
                .trajectory
                .iter()
                .filter_map(|p| {
                    month_end(&p.month)
                        .ok()
                        .map(|d| (d.min(self.plan.deadline), p.value * share))
                })
                .collect()
        };
        let x = |d: Date| self.period.start.days_until(d) as f64;
        let mut fit: Vec<(f64, f64)> = trend.iter().map(|r| (x(r.date), r.value)).collect();
        if fit.len() == 1 && dir == Direction::HigherIsBetter && fit[0].0 > 0.0 {
            fit.insert(0, (0.0, baseline));
        }
        let cap = if self.percent_kind() && !self.kpi.may_exceed_100 {
            100.0
        } else {
            f64::INFINITY
        };
        let forecast = linear_forecast(&fit, x(self.plan.deadline)).map(|f| f.clamp(0.0, cap));

        let (actual, achievement_rate, planned, status) = match latest {
            None => (None, None, None, Status::NoData),
            Some(r) => {
                let a = achievement(r.value, target, dir);
                let planned = planned_at(r.date, self.period.start, baseline, &points);
                let status = if a >= 1.0 {
                    Status::Achieved
                } else if self.as_of > self.plan.deadline {
                    Status::OffTrack
                } else {
                    let against_plan = achievement(r.value, planned, dir);
                    if against_plan >= ON_TRACK_AT {
                        Status::OnTrack
                    } else if against_plan >= BEHIND_AT {
                        Status::Behind
                    } else {
                        Status::OffTrack
                    }
                };
                (Some(r.value), Some(a), Some(planned), status)
            }
        };
        Assessment {
            part: part.map(str::to_string),
            target,
            actual,
            achievement: achievement_rate,
            status,
            planned,
            as_of: latest.map(|r| r.date),
            forecast,
            forecast_achievement: forecast.map(|f| achievement(f, target, dir)),
            trend,
            plan_line: PlanLine {
                start: self.period.start,
                baseline,
                points,
            },
        }
    }
}

fn parts_of(kpi: &KpiDefinition) -> Vec<Option<&str>> {
    match &kpi.formula {
        Formula::Compound { parts } => parts.iter().map(|p| Some(p.key.as_str())).collect(),
        _ => vec![None],
    }
}

fn worst(assessments: &[Assessment]) -> Status {
    assessments
        .iter()
        .map(|a| a.status)
        .max_by_key(|s| s.severity())
        .unwrap_or(Status::NoData)
}

/// Evaluates a plan from the measurements in force, as of a date. `previous` is the same KPI's
/// actual at the end of the previous period, when known.
pub fn evaluate(
    kpi: &KpiDefinition,
    plan: &PlanContent,
    period: &Period,
    observations: &[Observation],
    as_of: Date,
    previous: Option<f64>,
) -> Evaluation {
    let ctx = Context {
        kpi,
        plan,
        period,
        as_of,
    };
    let units: Vec<&str> = plan.units.iter().map(String::as_str).collect();
    let is_count = matches!(kpi.formula, Formula::Count { .. });
    let for_part = |part: Option<&str>| -> Vec<&Observation> {
        observations
            .iter()
            .filter(|o| o.part.as_deref() == part && units.contains(&o.unit.as_str()))
            .collect()
    };
    let parts: Vec<Assessment> = parts_of(kpi)
        .into_iter()
        .map(|p| ctx.assess(p, &for_part(p), &units, 1.0))
        .collect();
    let share = if is_count {
        1.0 / units.len().max(1) as f64
    } else {
        1.0
    };
    let unit_evals = units
        .iter()
        .map(|u| {
            let parts: Vec<Assessment> = parts_of(kpi)
                .into_iter()
                .map(|p| ctx.assess(p, &for_part(p), &[u], share))
                .collect();
            UnitEvaluation {
                unit: u.to_string(),
                status: worst(&parts),
                parts,
            }
        })
        .collect();
    let achievement = parts
        .iter()
        .map(|a| a.achievement)
        .try_fold(f64::INFINITY, |m, a| a.map(|a| m.min(a)));
    let change = match (parts.as_slice(), previous) {
        ([only], Some(prev)) => only.actual.map(|a| a - prev),
        _ => None,
    };
    Evaluation {
        status: worst(&parts),
        achievement,
        parts,
        units: unit_evals,
        change,
    }
}
