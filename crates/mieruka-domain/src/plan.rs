//! Plans (目標): what an organisation aims for in a period, and the rule of a plan's life
//! (draft → agreed → closed, revised on the way). Validation lives here so every front end
//! applies the same rules. The numbers units report against a plan are in
//! [`crate::measurement`], re-exported here.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::kpi::{Formula, KpiDefinition, Unit};
use crate::period::Period;
use crate::text::normalise;
use crate::vocab::vocabulary;

pub use crate::measurement::{
    MeasuredValue, MeasurementInput, MeasurementSource, Observation, ValidMeasurement, check_scope,
};

vocabulary! {
    /// Where a plan is in its life.
    PlanState, "plan state" {
        Draft => "draft", "下書き", "Draft";
        Agreed => "agreed", "経営層合意済み", "Agreed";
        Closed => "closed", "完了", "Closed";
    }
}

/// What happens to a plan: a new revision of its content, the executives' agreement (which
/// also records a revision), or closing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanEvent {
    Revise,
    Agree,
    Close,
}

impl PlanEvent {
    /// The event's past participle, for messages ("cannot be agreed").
    pub fn done(self) -> &'static str {
        match self {
            PlanEvent::Revise => "revised",
            PlanEvent::Agree => "agreed",
            PlanEvent::Close => "closed",
        }
    }
}

/// An event a plan in its current state does not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanTransitionError {
    /// The state the plan is in.
    pub state: PlanState,
    pub event: PlanEvent,
}

impl std::fmt::Display for PlanTransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.event, self.state) {
            (PlanEvent::Close, PlanState::Closed) => f.write_str("it is already closed"),
            (PlanEvent::Agree, state) => write!(f, "it is {state}, not a draft"),
            (_, state) => write!(f, "it is {state}"),
        }
    }
}

impl std::error::Error for PlanTransitionError {}

impl PlanState {
    /// The life of a plan, as one rule every front end and the store apply:
    ///
    /// - a draft is revised as often as needed, and agreed once by the executives (agreed);
    /// - an agreed plan is still revised (each change a revision with its reason) but never
    ///   agreed again, nor goes back to draft;
    /// - a draft or agreed plan may be closed; a closed plan takes no event at all.
    ///
    /// Returns the state after `event`, or why the plan does not take it now.
    pub fn after(self, event: PlanEvent) -> Result<PlanState, PlanTransitionError> {
        let refused = PlanTransitionError { state: self, event };
        match (self, event) {
            (PlanState::Closed, _) => Err(refused),
            (state, PlanEvent::Revise) => Ok(state),
            (PlanState::Draft, PlanEvent::Agree) => Ok(PlanState::Agreed),
            (PlanState::Agreed, PlanEvent::Agree) => Err(refused),
            (_, PlanEvent::Close) => Ok(PlanState::Closed),
        }
    }

    /// The event that takes a plan from this state to `next`: `None` when it is there already,
    /// an error when no event leads there (nothing goes back to draft, nothing leaves closed).
    pub fn event_to(self, next: PlanState) -> Result<Option<PlanEvent>, PlanTransitionError> {
        let event = match next {
            _ if next == self => return Ok(None),
            PlanState::Draft => PlanEvent::Revise,
            PlanState::Agreed => PlanEvent::Agree,
            PlanState::Closed => PlanEvent::Close,
        };
        match self.after(event) {
            Ok(s) if s == next => Ok(Some(event)),
            _ => Err(PlanTransitionError { state: self, event }),
        }
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "PlanPurpose")]
pub struct Purpose {
    /// The purpose in words.
    pub text: String,
    /// The kinds of loss the plan should reduce.
    #[serde(default)]
    pub reduces: Vec<LossCategory>,
    /// The levers of the loss model the plan moves when it meets its target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<crate::loss::Effect>,
}

/// Who among the executives agreed to the plan, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "PlanAgreement")]
pub struct Agreement {
    /// Who agreed (a person or a board).
    pub by: String,
    /// The day of the agreement.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanContent {
    /// One target, or one per part of a compound KPI.
    pub targets: Vec<PlanTarget>,
    /// Where the KPI stands at the start of the period. Defaults to 0 for higher-is-better KPIs
    /// and to the first measurement for lower-is-better ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// The day the targets are to be met by.
    pub deadline: Date,
    /// Planned values per month; empty means a straight line from the baseline to the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trajectory: Vec<TrajectoryPoint>,
    pub purpose: Purpose,
    /// Codes of the units in scope.
    pub units: Vec<String>,
    /// Who is answerable for the plan.
    pub owner: String,
    /// The executives' agreement, once recorded.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_agreed_once_revised_until_closed_and_then_left_alone() {
        use PlanEvent::*;
        use PlanState::*;
        let table = [
            (Draft, Revise, Ok(Draft)),
            (Draft, Agree, Ok(Agreed)),
            (Draft, Close, Ok(Closed)),
            (Agreed, Revise, Ok(Agreed)),
            (Agreed, Close, Ok(Closed)),
        ];
        for (from, event, to) in table {
            assert_eq!(from.after(event), to, "{from} + {event:?}");
        }
        for (from, event) in [
            (Agreed, Agree),
            (Closed, Revise),
            (Closed, Agree),
            (Closed, Close),
        ] {
            assert_eq!(
                from.after(event),
                Err(PlanTransitionError { state: from, event }),
                "{from} + {event:?}"
            );
        }
        assert_eq!(
            Agreed.after(Agree).unwrap_err().to_string(),
            "it is agreed, not a draft"
        );
        assert_eq!(
            Closed.after(Close).unwrap_err().to_string(),
            "it is already closed"
        );
        assert_eq!(
            Closed.after(Revise).unwrap_err().to_string(),
            "it is closed"
        );
    }

    #[test]
    fn the_event_leading_to_a_state_follows_the_same_rule() {
        use PlanEvent::*;
        use PlanState::*;
        assert_eq!(Draft.event_to(Draft), Ok(None));
        assert_eq!(Draft.event_to(Agreed), Ok(Some(Agree)));
        assert_eq!(Agreed.event_to(Closed), Ok(Some(Close)));
        assert!(Agreed.event_to(Draft).is_err());
        assert!(Closed.event_to(Agreed).is_err());
    }
}
