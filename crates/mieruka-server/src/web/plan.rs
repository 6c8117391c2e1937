//! A plan's page: its card as on the dashboard, then its history — every revision with its
//! reason, and every measurement ever recorded, corrections beside what they replaced.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use mieruka_app::status::evaluate_plan;
use mieruka_domain::plan::{MeasuredValue, PlanContent};
use mieruka_domain::{Date, KpiDefinition, Lang};
use mieruka_store::plans::PlanRevision;

use super::cards::{PlanCard, plan_card};
use super::format::{day, hours, number, value};
use super::{Chrome, Viewer, WebError, render};
use crate::AppState;
use crate::auth::now;
use crate::error::ApiError;

/// One revision of the plan.
struct RevisionLine {
    revision: i64,
    when: String,
    by: String,
    reason: String,
    targets: String,
    deadline: String,
    units: String,
    agreement: Option<String>,
}

/// One recorded measurement.
struct MeasurementLine {
    id: i64,
    unit: String,
    date: String,
    part: Option<String>,
    value: String,
    /// How the value was made up (numerator / denominator, events…).
    detail: String,
    source: &'static str,
    by: String,
    when: String,
    supersedes: Option<i64>,
    superseded_by: Option<i64>,
    evidence: Option<String>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    page: Chrome,
    org_code: String,
    period: String,
    card: PlanCard,
    revisions: Vec<RevisionLine>,
    measurements: Vec<MeasurementLine>,
    /// The viewer may enter measurements for one of the plan's units.
    can_measure: bool,
}

/// `GET /orgs/{org}/plans/{plan}`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, plan)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let plan: i64 = plan.parse().map_err(|_| ApiError::NotFound)?;
    let org = viewer.org(&state, &code).await?;
    let ctx = crate::routes::visible_plan(&state, &viewer.who, plan).await?;
    if ctx.org.id != org.id {
        return Err(ApiError::NotFound.into());
    }
    let lang = viewer.lang;
    let status = evaluate_plan(&state.store, ctx.plan.id, ctx.org.org.today(now())).await?;
    let org_code = org.org.slug.as_str().to_string();
    let kpi = &ctx.kpi;
    let unit_name = |c: &str| {
        ctx.unit(c)
            .map_or_else(|| c.to_string(), |u| u.unit.name.clone())
    };
    let revisions = state
        .store
        .plan_revisions(ctx.plan.id)
        .await?
        .iter()
        .rev()
        .map(|r| revision_line(r, kpi, &unit_name, lang))
        .collect();
    let measurements = state
        .store
        .measurement_history(ctx.plan.id)
        .await?
        .into_iter()
        .rev()
        .map(|m| MeasurementLine {
            id: m.id.0,
            unit: unit_name(&m.unit_code),
            date: day(m.measured_on, lang),
            part: m.part.clone(),
            value: value(kpi, m.value.reading(), lang),
            detail: detail(&m.value, lang),
            source: m.source.label(lang),
            by: m.recorded_by.clone(),
            when: when(&m.recorded_at, lang),
            supersedes: m.supersedes.map(|x| x.0),
            superseded_by: m.superseded_by.map(|x| x.0),
            evidence: m.evidence.clone(),
        })
        .collect();
    let card = plan_card(&status, &org_code, lang);
    let title = format!("{} {}", card.kpi_id, card.name);
    render(&PlanPage {
        page: viewer.org_chrome(title, &org, "web_nav_dashboard"),
        period: ctx.period.id.clone(),
        org_code,
        card,
        revisions,
        measurements,
        can_measure: super::entry::may_measure(&viewer, &ctx),
    })
}

fn revision_line(
    r: &PlanRevision,
    kpi: &KpiDefinition,
    unit_name: &dyn Fn(&str) -> String,
    lang: Lang,
) -> RevisionLine {
    let c: &PlanContent = &r.content;
    RevisionLine {
        revision: r.revision,
        when: when(&r.created_at, lang),
        by: r.created_by.clone(),
        reason: r.reason.clone(),
        targets: c
            .targets
            .iter()
            .map(|t| match &t.part {
                Some(p) => format!("{p}: {}", value(kpi, t.value, lang)),
                None => value(kpi, t.value, lang),
            })
            .collect::<Vec<_>>()
            .join("、"),
        deadline: day(c.deadline, lang),
        units: c
            .units
            .iter()
            .map(|u| unit_name(u))
            .collect::<Vec<_>>()
            .join("、"),
        agreement: c
            .agreement
            .as_ref()
            .map(|a| format!("{} ({})", a.by, day(a.on, lang))),
    }
}

/// A stored RFC 3339 time as the day it happened (the time of day is rarely what matters here).
fn when(rfc3339: &str, lang: Lang) -> String {
    rfc3339
        .get(..10)
        .and_then(|d| Date::parse(d).ok())
        .map_or_else(|| rfc3339.to_string(), |d| day(d, lang))
}

/// How a measured value was made up.
fn detail(v: &MeasuredValue, lang: Lang) -> String {
    match *v {
        MeasuredValue::Ratio {
            numerator,
            denominator,
        } => format!("{} / {}", number(numerator), number(denominator)),
        MeasuredValue::Duration {
            total_hours,
            events,
            ..
        } => match lang {
            Lang::Ja => format!("{} / {}件", hours(total_hours, lang), number(events)),
            Lang::En => format!(
                "{} over {} events",
                hours(total_hours, lang),
                number(events)
            ),
        },
        MeasuredValue::Count { .. } | MeasuredValue::Score { .. } => String::new(),
    }
}
