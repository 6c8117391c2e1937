//! What the entry page and its inline check show: the fields with their labels and values, the
//! units the viewer may measure, the parts of a compound KPI, the default date, and the
//! measurements in force with the link to correct each.

use std::collections::HashMap;

use askama::Template;
use mieruka_domain::Formula;
use mieruka_store::plans::PlanContext;

use super::super::format::{day, value};
use super::super::{Chrome, Viewer, WebError};
use super::form::{field_label, value_fields};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

/// A field of the form: name, label, help and the value as typed.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub help: String,
    pub value: String,
    pub required: bool,
}

/// A measurement in force, with the link to correct it.
pub struct InForce {
    pub id: i64,
    pub unit: String,
    pub date: String,
    pub part: Option<String>,
    pub value: String,
}

#[derive(Template)]
#[template(path = "entry.html")]
pub(super) struct EntryPage {
    page: Chrome,
    org_code: String,
    plan_id: i64,
    kpi: String,
    formula_lead: String,
    units: Vec<(String, String, bool)>,
    parts: Vec<(String, String, bool)>,
    date: String,
    period_range: String,
    fields: Vec<Field>,
    evidence: String,
    /// The measurement being corrected.
    correct: Option<i64>,
    problems: Vec<String>,
    in_force: Vec<InForce>,
}

#[derive(Template)]
#[template(path = "entry_check.html")]
pub(super) struct CheckFragment {
    pub(super) problems: Vec<String>,
    pub(super) ok: String,
}

/// The plan's units the viewer may measure: (code, name).
fn measurable_units(viewer: &Viewer, ctx: &PlanContext) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for code in &ctx.plan.content.units {
        if let Some(u) = ctx.unit(code)
            && viewer
                .who
                .require_with(ctx.org.id, Need::Measure(u.id), &ctx.units)
                .is_ok()
        {
            out.push((code.clone(), u.unit.name.clone()));
        }
    }
    out
}

/// Whether the viewer may enter measurements for at least one of the plan's units (for showing
/// the link to the form).
pub fn may_measure(viewer: &Viewer, ctx: &PlanContext) -> bool {
    !measurable_units(viewer, ctx).is_empty()
}

pub(super) async fn build(
    state: &AppState,
    viewer: &Viewer,
    ctx: &PlanContext,
    typed: &HashMap<String, String>,
    correct: Option<i64>,
    problems: Vec<String>,
) -> Result<EntryPage, WebError> {
    let lang = viewer.lang;
    let kpi = &ctx.kpi;
    let units = measurable_units(viewer, ctx);
    if units.is_empty() {
        return Err(
            ApiError::Forbidden("no unit of this plan may be measured by you".into()).into(),
        );
    }
    let chosen_unit = typed.get("unit").cloned().unwrap_or_default();
    let parts = match &kpi.formula {
        Formula::Compound { parts } => parts
            .iter()
            .map(|p| {
                let selected = typed.get("part") == Some(&p.key);
                (
                    p.key.clone(),
                    format!(
                        "{}（{} / {}）",
                        p.name.get(lang),
                        p.numerator.get(lang),
                        p.denominator.get(lang)
                    ),
                    selected,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let today = ctx.org.org.today(now());
    let period = &ctx.period;
    let default_date = if period.contains(today) {
        today
    } else {
        period.end
    };
    let fields = value_fields(kpi, lang)
        .into_iter()
        .map(|(name, help, required)| Field {
            name,
            label: field_label(name, lang),
            help,
            value: typed.get(name).cloned().unwrap_or_default(),
            required,
        })
        .collect();
    let unit_name = |c: &str| {
        ctx.unit(c)
            .map_or_else(|| c.to_string(), |u| u.unit.name.clone())
    };
    let in_force = state
        .store
        .current_measurements(ctx.plan.id)
        .await?
        .into_iter()
        .rev()
        .filter(|m| units.iter().any(|(c, _)| *c == m.unit_code))
        .take(24)
        .map(|m| InForce {
            id: m.id.0,
            unit: unit_name(&m.unit_code),
            date: day(m.measured_on, lang),
            part: m.part.clone(),
            value: value(kpi, m.value.reading(), lang),
        })
        .collect();
    let org_code = ctx.org.org.slug.as_str().to_string();
    let title = format!(
        "{} — {} {}",
        viewer.t("web_entry_title"),
        kpi.id,
        kpi.name.get(lang)
    );
    Ok(EntryPage {
        page: viewer.org_chrome(title, &ctx.org, "web_nav_dashboard"),
        org_code,
        plan_id: ctx.plan.id.0,
        kpi: format!("{} {}", kpi.id, kpi.name.get(lang)),
        formula_lead: viewer.t(&format!("web_entry_lead_{}", kpi.formula.kind())),
        units: units
            .into_iter()
            .map(|(c, n)| {
                let selected = c == chosen_unit;
                (c, n, selected)
            })
            .collect(),
        parts,
        date: typed
            .get("date")
            .cloned()
            .unwrap_or_else(|| default_date.to_string()),
        period_range: format!("{}〜{}", day(period.start, lang), day(period.end, lang)),
        fields,
        evidence: typed.get("evidence").cloned().unwrap_or_default(),
        correct,
        problems,
        in_force,
    })
}
