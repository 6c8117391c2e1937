//! Plans (目標) and measurements (実績): what an organisation aims for in a period, and the
//! numbers its units report. Validation lives here so every front end applies the same rules.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::kpi::{Formula, KpiDefinition, Unit};
use crate::period::Period;
use crate::text::normalise;
use crate::vocab::vocabulary;

vocabulary! {
    /// Where a plan is in its life.
    PlanState, "plan state" {
        Draft => "draft", "下書き", "Draft";
        Agreed => "agreed", "経営層合意済み", "Agreed";
        Closed => "closed", "完了", "Closed";
    }
}

vocabulary! {
    /// How a measurement reached mieruka.
    MeasurementSource, "measurement source" {
        Manual => "manual", "手入力", "Manual entry";
        File => "file", "ファイル取込", "File import";
        Api => "api", "API", "API";
        Connector => "connector", "自動収集", "Connector";
    }
}

vocabulary! {
    /// The four kinds of loss the report estimates (想定損失額 ①–④).
    LossCategory, "loss category" {
        Theft => "theft", "① 情報盗難による金銭的被害", "① Theft of information";
        Interruption => "interruption", "② ビジネス停止による機会損失", "② Business interruption";
        Fine => "fine", "③ 法令違反による制裁金", "③ Regulatory fines";
        Response => "response", "④ 事故対応費用", "④ Incident response cost";
    }
}

/// A field that failed validation, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

pub(crate) fn field_error(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Why the plan exists: the purpose in words, the losses it should reduce, and the levers of the
/// loss model it moves when it meets its target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Purpose {
    pub text: String,
    #[serde(default)]
    pub reduces: Vec<LossCategory>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<crate::loss::Effect>,
}

/// Who among the executives agreed to the plan, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub by: String,
    pub on: Date,
}

/// A plan's target: one number, or one per part of a compound KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// In the KPI's unit: percent for ratios and progress, hours for mean durations.
    pub value: f64,
}

/// A planned value at the end of a month (計画).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrajectoryPoint {
    /// The month, `YYYY-MM`.
    pub month: String,
    pub value: f64,
}

/// What a plan aims for. Stored as one revision; a change is a new revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanContent {
    pub targets: Vec<PlanTarget>,
    /// Where the KPI stands at the start of the period. Defaults to 0 for higher-is-better KPIs
    /// and to the first measurement for lower-is-better ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    pub deadline: Date,
    /// Planned values per month; empty means a straight line from the baseline to the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trajectory: Vec<TrajectoryPoint>,
    pub purpose: Purpose,
    /// Codes of the units in scope.
    pub units: Vec<String>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
}

/// How far after its period's start a plan's deadline may lie.
pub const MAX_DEADLINE_MONTHS: i32 = 24;

/// The last day of a `YYYY-MM` month.
pub fn month_end(month: &str) -> Result<Date, String> {
    let bad = || format!("`{month}` is not a month of the form YYYY-MM");
    let (y, m) = month.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    Ok(Date::new(y, m, 1).map_err(|_| bad())?.end_of_month())
}

/// Whether a KPI's readings are percentages: ratios, progress, compound KPIs, and any KPI whose
/// target is stated in percent.
pub(crate) fn reads_in_percent(kpi: &KpiDefinition) -> bool {
    kpi.targets.first().is_some_and(|t| t.unit == Unit::Percent)
        || matches!(
            kpi.formula,
            Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. }
        )
}

/// A reading or target: finite, not negative, and at most 100% when the KPI says so.
pub(crate) fn check_number(
    field: &str,
    v: f64,
    percent: bool,
    may_exceed_100: bool,
) -> Result<(), FieldError> {
    if !v.is_finite() || v < 0.0 {
        return Err(field_error(
            field,
            format!("{v} is not a non-negative number"),
        ));
    }
    if percent && v > 100.0 && !may_exceed_100 {
        return Err(field_error(
            field,
            format!("{v}% is above 100%, which this KPI does not allow"),
        ));
    }
    Ok(())
}

impl PlanContent {
    /// Checks the plan against its KPI and period; normalises the texts.
    pub fn validate(
        mut self,
        kpi: &KpiDefinition,
        period: &Period,
    ) -> Result<PlanContent, FieldError> {
        let percent = reads_in_percent(kpi);
        match &kpi.formula {
            Formula::Compound { parts } => {
                for p in parts {
                    let n = self
                        .targets
                        .iter()
                        .filter(|t| t.part.as_deref() == Some(&p.key))
                        .count();
                    if n != 1 {
                        return Err(field_error(
                            "targets",
                            format!(
                                "KPI {} needs one target for part `{}`, got {n}",
                                kpi.id, p.key
                            ),
                        ));
                    }
                }
                if let Some(t) = self
                    .targets
                    .iter()
                    .find(|t| !parts.iter().any(|p| Some(&p.key) == t.part.as_ref()))
                {
                    return Err(field_error(
                        "targets",
                        format!(
                            "KPI {} has no part `{}`",
                            kpi.id,
                            t.part.as_deref().unwrap_or("")
                        ),
                    ));
                }
            }
            _ => {
                if self.targets.len() != 1 || self.targets[0].part.is_some() {
                    return Err(field_error(
                        "targets",
                        format!("KPI {} takes exactly one target", kpi.id),
                    ));
                }
            }
        }
        for (i, t) in self.targets.iter().enumerate() {
            check_number(
                &format!("targets[{i}]"),
                t.value,
                percent,
                kpi.may_exceed_100,
            )?;
        }
        if let Some(b) = self.baseline {
            check_number("baseline", b, percent, kpi.may_exceed_100)?;
        }
        // A plan is managed in its period, but its deadline may lie beyond it ("100% within 12
        // months" set in a half-year); measurements stay inside the period.
        let latest = period
            .start
            .first_of_month_plus(MAX_DEADLINE_MONTHS)
            .add_days(-1);
        if self.deadline < period.start || self.deadline > latest {
            return Err(field_error(
                "deadline",
                format!(
                    "{} is not between the start of {} ({}) and {MAX_DEADLINE_MONTHS} months later ({latest})",
                    self.deadline, period.id, period.start
                ),
            ));
        }
        if !self.trajectory.is_empty() && self.targets.len() != 1 {
            return Err(field_error(
                "trajectory",
                "a monthly plan is only possible for a single target",
            ));
        }
        let mut last: Option<Date> = None;
        for (i, p) in self.trajectory.iter().enumerate() {
            let field = format!("trajectory[{i}]");
            let end = month_end(&p.month).map_err(|e| field_error(&field, e))?;
            if end < period.start || end.first_of_month_plus(0) > self.deadline {
                return Err(field_error(
                    &field,
                    format!(
                        "{} is outside {} … {}",
                        p.month, period.start, self.deadline
                    ),
                ));
            }
            if last.is_some_and(|l| l >= end) {
                return Err(field_error(&field, "months must be in order, each once"));
            }
            last = Some(end);
            check_number(&field, p.value, percent, kpi.may_exceed_100)?;
        }
        self.purpose.text = normalise(&self.purpose.text);
        if self.purpose.text.is_empty() {
            return Err(field_error("purpose", "say what the plan is for (目的)"));
        }
        crate::text::check_text(&self.purpose.text)
            .map_err(|reason| field_error("purpose.text", reason))?;
        self.purpose.reduces.sort();
        self.purpose.reduces.dedup();
        let mut levers = std::collections::HashSet::new();
        for e in &self.purpose.effects {
            crate::loss::check_effect(e)?;
            if !levers.insert(e.lever) {
                return Err(field_error(
                    "effects",
                    format!("{} is named twice", e.lever),
                ));
            }
        }
        if self.units.is_empty() {
            return Err(field_error("units", "a plan covers at least one unit"));
        }
        let mut seen = std::collections::HashSet::new();
        for u in &self.units {
            if !seen.insert(u.as_str()) {
                return Err(field_error("units", format!("unit `{u}` is listed twice")));
            }
        }
        self.owner = normalise(&self.owner);
        if self.owner.is_empty() {
            return Err(field_error("owner", "a plan needs an owner"));
        }
        crate::text::check_name(&self.owner).map_err(|reason| field_error("owner", reason))?;
        if let Some(a) = &mut self.agreement {
            a.by = normalise(&a.by);
            if a.by.is_empty() {
                return Err(field_error("agreement.by", "say who agreed"));
            }
            crate::text::check_name(&a.by).map_err(|reason| field_error("agreement.by", reason))?;
        }
        Ok(self)
    }

    /// The target for a part (or the only target).
    pub fn target(&self, part: Option<&str>) -> Option<f64> {
        self.targets
            .iter()
            .find(|t| t.part.as_deref() == part)
            .map(|t| t.value)
    }
}

/// A measured value, shaped by the KPI's formula kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeasuredValue {
    /// A ratio (numerator ÷ denominator) or progress (actual ÷ plan); one part of a compound KPI.
    Ratio { numerator: f64, denominator: f64 },
    /// A number of things, as of the date (cumulative within the period for events).
    Count { value: f64 },
    /// Durations: their total in hours over `events` events, and optionally the total effort.
    Duration {
        total_hours: f64,
        events: f64,
        effort_hours: Option<f64>,
    },
    /// An assessment or benchmark score.
    Score { value: f64 },
}

impl MeasuredValue {
    /// A duration from a list of (start, end) instants in seconds and optional effort per event.
    pub fn from_events(events: &[(i64, i64, Option<f64>)]) -> Result<MeasuredValue, FieldError> {
        if events.is_empty() {
            return Err(field_error("events", "no events"));
        }
        let mut total = 0.0;
        let mut effort = 0.0;
        let mut any_effort = false;
        for (i, (start, end, e)) in events.iter().enumerate() {
            if end < start {
                return Err(field_error(format!("events[{i}]"), "ends before it starts"));
            }
            total += (end - start) as f64 / 3600.0;
            if let Some(e) = e {
                any_effort = true;
                effort += e;
            }
        }
        Ok(MeasuredValue::Duration {
            total_hours: total,
            events: events.len() as f64,
            effort_hours: any_effort.then_some(effort),
        })
    }

    /// The value as a person reads it: a percentage, a count, mean hours or a score.
    pub fn reading(&self) -> f64 {
        match *self {
            MeasuredValue::Ratio {
                numerator,
                denominator,
            } => 100.0 * numerator / denominator,
            MeasuredValue::Count { value } | MeasuredValue::Score { value } => value,
            MeasuredValue::Duration {
                total_hours,
                events,
                ..
            } => total_hours / events,
        }
    }

    /// Checks the value fits the KPI (and, for compound KPIs, names an existing part).
    pub fn validate(&self, kpi: &KpiDefinition, part: Option<&str>) -> Result<(), FieldError> {
        let finite = |field: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(field_error(
                    field,
                    format!("{v} is not a non-negative number"),
                ))
            }
        };
        match (&kpi.formula, part) {
            (Formula::Compound { parts }, Some(p)) if !parts.iter().any(|x| x.key == p) => {
                let keys: Vec<_> = parts.iter().map(|x| x.key.as_str()).collect();
                return Err(field_error(
                    "part",
                    format!(
                        "KPI {} has no part `{p}` (parts: {})",
                        kpi.id,
                        keys.join(", ")
                    ),
                ));
            }
            (Formula::Compound { .. }, None) => {
                return Err(field_error(
                    "part",
                    format!("KPI {} is measured per part", kpi.id),
                ));
            }
            (Formula::Compound { .. }, Some(_)) => {}
            (_, Some(_)) => {
                return Err(field_error("part", format!("KPI {} has no parts", kpi.id)));
            }
            (_, None) => {}
        }
        let expected = match kpi.formula {
            Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. } => "ratio",
            Formula::Count { .. } => "count",
            Formula::MeanDuration { .. } => "duration",
            Formula::Score { .. } => "score",
        };
        match (*self, expected) {
            (
                MeasuredValue::Ratio {
                    numerator,
                    denominator,
                },
                "ratio",
            ) => {
                finite("numerator", numerator)?;
                finite("denominator", denominator)?;
                if denominator <= 0.0 {
                    return Err(field_error("denominator", "must be greater than 0"));
                }
                let is_progress = matches!(kpi.formula, Formula::Progress { .. });
                if numerator > denominator && !kpi.may_exceed_100 {
                    let what = if is_progress {
                        "actual is above plan"
                    } else {
                        "numerator is above denominator"
                    };
                    return Err(field_error(
                        "numerator",
                        format!(
                            "{what} ({numerator} > {denominator}): KPI {} cannot exceed 100%",
                            kpi.id
                        ),
                    ));
                }
                Ok(())
            }
            (MeasuredValue::Count { value }, "count")
            | (MeasuredValue::Score { value }, "score") => finite("value", value),
            (
                MeasuredValue::Duration {
                    total_hours,
                    events,
                    effort_hours,
                },
                "duration",
            ) => {
                finite("hours", total_hours)?;
                if !(events.is_finite() && events >= 1.0) {
                    return Err(field_error(
                        "events",
                        "at least one event is needed for a mean",
                    ));
                }
                if let Some(e) = effort_hours {
                    finite("effort_hours", e)?;
                }
                Ok(())
            }
            _ => Err(field_error(
                "value",
                format!(
                    "KPI {} ({}) is measured as a {expected}",
                    kpi.id,
                    kpi.formula.kind()
                ),
            )),
        }
    }
}

/// One measurement in force, as evaluation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub unit: String,
    pub date: Date,
    pub part: Option<String>,
    pub value: MeasuredValue,
}

/// Checks a measurement's unit and date against its plan and period.
pub fn check_scope(
    plan: &PlanContent,
    period: &Period,
    unit: &str,
    date: Date,
) -> Result<(), FieldError> {
    if !plan.units.iter().any(|u| u == unit) {
        return Err(field_error(
            "unit",
            format!(
                "unit `{unit}` is not in the plan's scope ({})",
                plan.units.join(", ")
            ),
        ));
    }
    if !period.contains(date) {
        return Err(field_error(
            "date",
            format!(
                "{date} is outside the period {} ({} … {})",
                period.id, period.start, period.end
            ),
        ));
    }
    Ok(())
}

/// A measurement as a person or a file gives it: loose fields, validated by [`MeasurementInput::parse`].
///
/// Which fields are needed depends on the KPI's formula:
/// ratio and compound parts — `numerator`, `denominator`; progress — `actual`, `plan`
/// (or numerator and denominator); count and score — `value`; mean duration — `mean_hours`
/// (with `events`, default 1) and optionally `effort_hours` (mean person-hours per event).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementInput {
    /// The unit's code.
    pub unit: String,
    /// `YYYY-MM-DD`, inside the plan's period.
    pub date: String,
    /// A compound KPI's part.
    #[serde(default)]
    pub part: Option<String>,
    #[serde(default)]
    pub numerator: Option<f64>,
    #[serde(default)]
    pub denominator: Option<f64>,
    /// A progress KPI's actual (実績値).
    #[serde(default)]
    pub actual: Option<f64>,
    /// A progress KPI's plan (計画値).
    #[serde(default)]
    pub plan: Option<f64>,
    /// A count or a score.
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub mean_hours: Option<f64>,
    #[serde(default)]
    pub events: Option<f64>,
    #[serde(default)]
    pub effort_hours: Option<f64>,
    /// A note or a link to the evidence.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// A measurement that passed every check for its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMeasurement {
    pub unit: String,
    pub date: Date,
    pub part: Option<String>,
    pub value: MeasuredValue,
    pub evidence: Option<String>,
}

impl MeasurementInput {
    /// Shapes and checks the input for a plan: the value fits the KPI's formula, the unit is in
    /// the plan's scope and the date inside the period.
    pub fn parse(
        &self,
        kpi: &KpiDefinition,
        plan: &PlanContent,
        period: &Period,
    ) -> Result<ValidMeasurement, FieldError> {
        let unit = self.unit.trim().to_string();
        if unit.is_empty() {
            return Err(field_error("unit", "missing"));
        }
        let date = Date::parse(self.date.trim()).map_err(|e| field_error("date", e))?;
        let part = self
            .part
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let need = |field: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                field_error(
                    field,
                    format!("required for KPI {} ({})", kpi.id, kpi.formula.kind()),
                )
            })
        };
        let value = match kpi.formula {
            Formula::Ratio { .. } | Formula::Compound { .. } => MeasuredValue::Ratio {
                numerator: need("numerator", self.numerator)?,
                denominator: need("denominator", self.denominator)?,
            },
            Formula::Progress { .. } => MeasuredValue::Ratio {
                numerator: need("actual", self.actual.or(self.numerator))?,
                denominator: need("plan", self.plan.or(self.denominator))?,
            },
            Formula::Count { .. } => MeasuredValue::Count {
                value: need("value", self.value)?,
            },
            Formula::Score { .. } => MeasuredValue::Score {
                value: need("value", self.value)?,
            },
            Formula::MeanDuration { .. } => {
                let mean = need("mean_hours", self.mean_hours.or(self.value))?;
                let events = self.events.unwrap_or(1.0);
                if !(events.is_finite() && events >= 1.0 && events.fract() == 0.0) {
                    return Err(field_error(
                        "events",
                        format!("{events} is not a whole number of events (1 or more)"),
                    ));
                }
                if mean < 0.0 {
                    return Err(field_error(
                        "mean_hours",
                        format!("a duration cannot be negative ({mean})"),
                    ));
                }
                if let Some(e) = self.effort_hours
                    && !(e.is_finite() && e >= 0.0)
                {
                    return Err(field_error(
                        "effort_hours",
                        format!("{e} is not a non-negative number"),
                    ));
                }
                MeasuredValue::Duration {
                    total_hours: mean * events,
                    events,
                    effort_hours: self.effort_hours.map(|e| e * events),
                }
            }
        };
        value.validate(kpi, part.as_deref()).map_err(|mut e| {
            // A progress KPI's terms are the actual and the plan, whatever the storage calls them.
            if matches!(kpi.formula, Formula::Progress { .. }) {
                e.field = match e.field.as_str() {
                    "numerator" => "actual".into(),
                    "denominator" => "plan".into(),
                    other => other.into(),
                };
            }
            e
        })?;
        check_scope(plan, period, &unit, date)?;
        let evidence = self
            .evidence
            .as_deref()
            .map(normalise)
            .filter(|e| !e.is_empty());
        if let Some(e) = &evidence {
            crate::text::check_text(e).map_err(|reason| field_error("evidence", reason))?;
        }
        if let Some(p) = &part {
            crate::text::check_text(p).map_err(|reason| field_error("part", reason))?;
        }
        Ok(ValidMeasurement {
            unit,
            date,
            part,
            value,
            evidence,
        })
    }
}
