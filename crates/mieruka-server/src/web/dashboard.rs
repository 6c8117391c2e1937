//! The dashboard of an organisation for a period: the status summary, the Fig. 1 grid with the
//! organisation's stage highlighted and its chosen KPIs in their cells, a card per plan, the
//! money panel (maximum loss now → after, by category) and the risk matrix. The period switch
//! reloads the main content through htmx (or the whole page without script).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mieruka_app::loss::OrgLoss;
use mieruka_app::status::{PlanStatus, resolve_period, statuses};
use mieruka_app::{AppError, loss, risks};
use mieruka_domain::evaluation::Status;
use mieruka_domain::loss::LossReport;
use mieruka_domain::{Lang, Maturity, MeasureKind};
use mieruka_store::orgs::StoredOrg;
use serde::Deserialize;

use super::cards::{PlanCard, plan_card};
use super::format::{StatusView, bar_width, day, month, status_counts, yen};
use super::{Chrome, Viewer, WebError, render};
use crate::AppState;
use crate::auth::now;

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

/// A period in the switch.
pub struct PeriodOption {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// A chosen KPI placed in the grid.
pub struct GridKpi {
    pub kpi_id: String,
    pub name: String,
    pub url: String,
    pub status: StatusView,
}

pub struct GridCellView {
    /// In the organisation's own stage's column.
    pub current: bool,
    pub kpis: Vec<GridKpi>,
}

pub struct GridRowView {
    pub kind: &'static str,
    pub cells: Vec<GridCellView>,
}

/// The Fig. 1 grid: stages as columns (label, whether it is the organisation's), kinds as rows.
pub struct GridView {
    pub stages: Vec<(&'static str, bool)>,
    pub rows: Vec<GridRowView>,
}

/// One loss category, now and after the plans.
pub struct CategoryLine {
    pub label: String,
    pub now: String,
    pub after: String,
    pub now_width: u32,
    pub after_width: u32,
}

/// The money panel.
pub struct MoneyPanel {
    /// The loss by category, now and after (SVG, Fig. 2).
    pub chart: String,
    pub now: String,
    pub today: String,
    pub after: String,
    pub reduction: String,
    pub categories: Vec<CategoryLine>,
}

/// Where the cyber risk sits, in words, and the matrix.
pub struct RiskPanel {
    pub svg: String,
    /// Impact level of the cyber risk now and after the plans (1–5), when known.
    pub cyber: Option<(u8, u8)>,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Chrome,
    org_code: String,
    maturity: &'static str,
    period: String,
    period_range: String,
    as_of: String,
    periods: Vec<PeriodOption>,
    counts: Vec<(StatusView, usize)>,
    grid: GridView,
    cards: Vec<PlanCard>,
    money: Option<MoneyPanel>,
    risk: Option<RiskPanel>,
    /// Owners see the way to the selection wizard.
    can_manage: bool,
}

/// `GET /orgs/{org}?period=`.
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
    let periods = period_options(&state, &org, &period.id).await?;
    let found: Vec<Status> = list.iter().map(|s| s.evaluation.status).collect();
    let org_code = org.org.slug.as_str().to_string();
    // The loss model runs once, for the money panel and the cyber risk's place.
    let loss = match loss::org_loss(&state.store, &org, today).await {
        Ok(l) => Some(l),
        Err(AppError::NoLossInputs(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let page = DashboardPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_nav_dashboard"), org.org.name),
            &org,
            "web_nav_dashboard",
        ),
        maturity: org.org.maturity.label(lang),
        period: period.id.clone(),
        period_range: format!(
            "{} – {}",
            month(period.start, lang),
            month(period.end, lang)
        ),
        as_of: day(today, lang),
        periods,
        counts: status_counts(&found, lang),
        grid: grid(&list, &org, lang),
        cards: list.iter().map(|s| plan_card(s, &org_code, lang)).collect(),
        money: loss.as_ref().map(|l| money_panel(&l.report, lang)),
        risk: risk_panel(&state, &org, loss.as_ref(), lang).await?,
        can_manage: viewer.may(&state, &org, crate::auth::Need::Manage).await,
        org_code,
    };
    render(&page)
}

/// The organisation's stored periods, newest first, with the shown one selected (added when it
/// is not stored yet, as the current half-year may not be).
pub async fn period_options(
    state: &AppState,
    org: &StoredOrg,
    shown: &str,
) -> Result<Vec<PeriodOption>, WebError> {
    let mut stored = state.store.periods(org.id).await?;
    stored.sort_by_key(|p| std::cmp::Reverse(p.start));
    let mut out: Vec<PeriodOption> = stored
        .iter()
        .map(|p| PeriodOption {
            id: p.code.clone(),
            label: p.code.clone(),
            selected: p.code == shown,
        })
        .collect();
    if !out.iter().any(|p| p.selected) {
        out.insert(
            0,
            PeriodOption {
                id: shown.to_string(),
                label: shown.to_string(),
                selected: true,
            },
        );
    }
    Ok(out)
}

/// Places each plan's KPI in its Fig. 1 cell.
fn grid(list: &[PlanStatus], org: &StoredOrg, lang: Lang) -> GridView {
    let code = org.org.slug.as_str();
    let stages = Maturity::ALL
        .iter()
        .map(|m| (m.label(lang), *m == org.org.maturity))
        .collect();
    let rows = MeasureKind::ALL
        .iter()
        .map(|&kind| GridRowView {
            kind: kind.label(lang),
            cells: Maturity::ALL
                .iter()
                .map(|&stage| GridCellView {
                    current: stage == org.org.maturity,
                    kpis: list
                        .iter()
                        .filter(|s| {
                            let c = s.ctx.kpi.cell();
                            c.measure_kind == kind && c.maturity == stage
                        })
                        .map(|s| GridKpi {
                            kpi_id: s.ctx.kpi.id.to_string(),
                            name: s.ctx.kpi.name.get(lang).to_string(),
                            url: format!("/orgs/{code}/plans/{}", s.ctx.plan.id.0),
                            status: StatusView::new(s.evaluation.status, lang),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    GridView { stages, rows }
}

/// The loss model's totals and categories.
fn money_panel(report: &LossReport, lang: Lang) -> MoneyPanel {
    let max = report
        .now
        .categories
        .iter()
        .map(|f| f.amount_yen)
        .fold(0.0, f64::max);
    let categories = report
        .now
        .categories
        .iter()
        .zip(&report.after.categories)
        .map(|(now, after)| CategoryLine {
            label: now.label.get(lang).to_string(),
            now: yen(now.amount_yen, lang),
            after: yen(after.amount_yen, lang),
            now_width: bar_width(now.amount_yen, max),
            after_width: bar_width(after.amount_yen, max),
        })
        .collect();
    MoneyPanel {
        chart: super::charts::loss_breakdown(report, lang),
        now: yen(report.now.total_yen, lang),
        today: yen(report.today.total_yen, lang),
        after: yen(report.after.total_yen, lang),
        reduction: yen(report.now.total_yen - report.after.total_yen, lang),
        categories,
    }
}

/// The risk matrix with the cyber risk now and after (none when the register is empty).
async fn risk_panel(
    state: &AppState,
    org: &StoredOrg,
    loss: Option<&OrgLoss>,
    lang: Lang,
) -> Result<Option<RiskPanel>, WebError> {
    let reg = risks::load_with_loss(&state.store, org, loss).await?;
    if reg.risks.is_empty() {
        return Ok(None);
    }
    Ok(Some(RiskPanel {
        svg: risks::matrix_svg(lang, org, &reg),
        cyber: reg.cyber.as_ref().map(|c| (c.now_level, c.after_level)),
        count: reg.risks.len(),
    }))
}
