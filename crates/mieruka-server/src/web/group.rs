//! The group view: the organisation's companies (the parent company, subsidiaries and overseas
//! subsidiaries) side by side for a period — each one's maturity stage, and for every plan the
//! group's rolled-up status beside each company's. A company's status is that of its own units in
//! the plan's scope: the worst of them, when several of its units take part.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mieruka_app::status::{resolve_period, statuses};
use mieruka_domain::org::UnitKind;
use mieruka_store::UnitId;
use mieruka_store::orgs::StoredUnit;

use super::dashboard::{PeriodOption, PeriodQuery, period_options};
use super::format::{StatusView, percent};
use super::{Chrome, Viewer, WebError, render};
use crate::AppState;
use crate::auth::now;

struct Company {
    name: String,
    kind: &'static str,
    maturity: &'static str,
    /// The stage is the company's own (not the organisation's).
    own_stage: bool,
}

struct PlanRow {
    url: String,
    kpi_id: String,
    name: String,
    group: StatusView,
    achievement: String,
    /// Per company, in the order of `companies`: its status, or none when no unit of it is in
    /// the plan's scope.
    companies: Vec<Option<StatusView>>,
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    page: Chrome,
    org_code: String,
    period: String,
    periods: Vec<PeriodOption>,
    companies: Vec<Company>,
    rows: Vec<PlanRow>,
}

fn is_company(u: &StoredUnit) -> bool {
    matches!(
        u.unit.kind,
        UnitKind::Company | UnitKind::Subsidiary | UnitKind::OverseasSubsidiary
    )
}

/// The company a unit belongs to: the nearest company at or above it.
fn company_of(units: &[StoredUnit], unit: UnitId) -> Option<UnitId> {
    let mut at = units.iter().find(|u| u.id == unit);
    while let Some(u) = at {
        if is_company(u) {
            return Some(u.id);
        }
        at = u.parent_id.and_then(|p| units.iter().find(|x| x.id == p));
    }
    None
}

/// `GET /orgs/{org}/group?period=`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    let lang = viewer.lang;
    let today = org.org.today(now());
    let period = resolve_period(&state.store, &org, q.period.as_deref(), today).await?;
    let list = statuses(&state.store, &org, &period, today).await?;
    let units = state.store.units(org.id).await?;
    let company_units: Vec<&StoredUnit> = units.iter().filter(|u| is_company(u)).collect();
    let companies = company_units
        .iter()
        .map(|u| Company {
            name: u.unit.name.clone(),
            kind: u.unit.kind.label(lang),
            maturity: u.unit.maturity.unwrap_or(org.org.maturity).label(lang),
            own_stage: u.unit.maturity.is_some(),
        })
        .collect();
    let org_code = org.org.slug.as_str().to_string();
    let rows = list
        .iter()
        .map(|s| PlanRow {
            url: format!("/orgs/{org_code}/plans/{}", s.ctx.plan.id.0),
            kpi_id: s.ctx.kpi.id.to_string(),
            name: s.ctx.kpi.name.get(lang).to_string(),
            group: StatusView::new(s.evaluation.status, lang),
            achievement: s.evaluation.achievement.map_or("—".into(), percent),
            companies: company_units
                .iter()
                .map(|c| {
                    s.evaluation
                        .units
                        .iter()
                        .filter(|u| {
                            s.ctx.unit(&u.unit).and_then(|x| company_of(&units, x.id)) == Some(c.id)
                        })
                        .map(|u| u.status)
                        .max_by_key(|st| st.severity())
                        .map(|st| StatusView::new(st, lang))
                })
                .collect(),
        })
        .collect();
    render(&GroupPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_nav_group"), org.org.name),
            &org,
            "web_nav_group",
        ),
        periods: period_options(&state, &org, &period.id).await?,
        period: period.id.clone(),
        org_code,
        companies,
        rows,
    })
}
