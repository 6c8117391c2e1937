//! The loss page: the maximum loss (想定損失額) now, today (plans at their achievement) and after
//! (plans at target), every figure with its formula, terms and source beside it; what each plan
//! is worth; the simulated annual loss (mean and tail, now and after); and, for owners, the
//! model's main inputs to edit — a new audited revision with its reason, through the same use
//! case as the API (`usecase::loss`). Lists (data kinds, response costs, the fine regime) are
//! edited through the API or the command line.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::AppError;
use mieruka_app::loss::{OrgLoss, org_loss};
use mieruka_app::simulation::{org_scenarios, simulate_all};
use mieruka_domain::Lang;
use mieruka_domain::loss::{Figure, LossInputs};
use mieruka_store::orgs::StoredOrg;
use std::collections::HashMap;

use super::format::{percent, term, yen};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;
use crate::usecase::loss::{InputsChange, set_inputs};

/// Simulated years behind the page's mean and tail (enough for stable percentiles, fast to run).
const PAGE_TRIALS: u64 = 20_000;

/// A figure with its explanation.
struct FigureLine {
    label: String,
    now: String,
    today: String,
    after: String,
    formula: String,
    terms: Vec<(String, String)>,
    source: String,
}

struct PlanWorthLine {
    url: String,
    name: String,
    achievement: String,
    today: String,
    at_target: String,
}

/// Simulated annual loss, now and after.
struct SimLine {
    label: String,
    now: String,
    after: String,
}

/// An input the form edits: its field name, label, explanation and value as typed.
struct InputField {
    name: &'static str,
    label: String,
    help: String,
    value: String,
}

#[derive(Template)]
#[template(path = "loss.html")]
struct LossPage {
    page: Chrome,
    org_code: String,
    /// None before the organisation has loss inputs.
    report: Option<Report>,
    can_manage: bool,
    fields: Vec<InputField>,
    problem: Option<String>,
    reason: String,
}

struct Report {
    now: String,
    today: String,
    after: String,
    revision: i64,
    revised_by: String,
    reason: String,
    categories: Vec<FigureLine>,
    indirect: Vec<FigureLine>,
    plans: Vec<PlanWorthLine>,
    simulation: Vec<SimLine>,
    /// Loss-exceedance curves, now and after (SVG).
    exceedance: Option<String>,
    /// The loss by category, now and after (SVG, Fig. 2).
    breakdown: String,
}

/// The inputs the form edits, in its order (each has `web_loss_in_{name}` and
/// `web_loss_help_{name}` in the catalogue).
pub(super) const FIELDS: [&str; 11] = [
    "people_held",
    "identifiability",
    "base_value_yen",
    "affected_revenue_share",
    "outage_days",
    "business_days_per_year",
    "response_cost_factor",
    "rate_theft",
    "rate_interruption",
    "rate_fine",
    "rate_response",
];

fn get(i: &LossInputs, name: &str) -> f64 {
    match name {
        "people_held" => i.people_held,
        "identifiability" => i.identifiability,
        "base_value_yen" => i.base_value_yen,
        "affected_revenue_share" => i.affected_revenue_share,
        "outage_days" => i.outage_days,
        "business_days_per_year" => i.business_days_per_year,
        "response_cost_factor" => i.response_cost_factor,
        "rate_theft" => i.annual_rates.theft,
        "rate_interruption" => i.annual_rates.interruption,
        "rate_fine" => i.annual_rates.fine,
        _ => i.annual_rates.response,
    }
}

fn set(i: &mut LossInputs, name: &str, v: f64) {
    let slot = match name {
        "people_held" => &mut i.people_held,
        "identifiability" => &mut i.identifiability,
        "base_value_yen" => &mut i.base_value_yen,
        "affected_revenue_share" => &mut i.affected_revenue_share,
        "outage_days" => &mut i.outage_days,
        "business_days_per_year" => &mut i.business_days_per_year,
        "response_cost_factor" => &mut i.response_cost_factor,
        "rate_theft" => &mut i.annual_rates.theft,
        "rate_interruption" => &mut i.annual_rates.interruption,
        "rate_fine" => &mut i.annual_rates.fine,
        _ => &mut i.annual_rates.response,
    };
    *slot = v;
}

fn fields(
    viewer: &Viewer,
    inputs: &LossInputs,
    typed: Option<&HashMap<String, String>>,
) -> Vec<InputField> {
    FIELDS
        .iter()
        .map(|&name| InputField {
            name,
            label: viewer.t(&format!("web_loss_in_{name}")),
            help: viewer.t(&format!("web_loss_help_{name}")),
            value: typed.and_then(|t| t.get(name).cloned()).unwrap_or_else(|| {
                let v = get(inputs, name);
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    v.to_string()
                }
            }),
        })
        .collect()
}

fn figure_lines(
    loss: &OrgLoss,
    pick: fn(&mieruka_domain::loss::Breakdown) -> &Vec<Figure>,
    lang: Lang,
) -> Vec<FigureLine> {
    let r = &loss.report;
    pick(&r.now)
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let amount = |b: &mieruka_domain::loss::Breakdown| {
                pick(b)
                    .get(i)
                    .map_or_else(|| "—".to_string(), |x| yen(x.amount_yen, lang))
            };
            FigureLine {
                label: f.label.get(lang).to_string(),
                now: yen(f.amount_yen, lang),
                today: amount(&r.today),
                after: amount(&r.after),
                formula: f.formula.get(lang).to_string(),
                terms: f
                    .terms
                    .iter()
                    .map(|t| (t.label.get(lang).to_string(), term(t.value, t.unit, lang)))
                    .collect(),
                source: f.source.get(lang).to_string(),
            }
        })
        .collect()
}

async fn report(
    state: &AppState,
    org: &StoredOrg,
    lang: Lang,
) -> Result<Option<(Report, LossInputs)>, WebError> {
    let today = now().date();
    let loss = match org_loss(&state.store, org, today).await {
        Ok(l) => l,
        Err(AppError::NoLossInputs(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let code = org.org.slug.as_str();
    let plans = loss
        .report
        .plans
        .iter()
        .zip(&loss.plan_names)
        .map(|(p, (id, name))| PlanWorthLine {
            url: format!("/orgs/{code}/plans/{id}"),
            name: name.get(lang).to_string(),
            achievement: p.achievement.map_or("—".into(), percent),
            today: yen(p.reduction_today_yen, lang),
            at_target: yen(p.reduction_at_target_yen, lang),
        })
        .collect();
    let portfolios = org_scenarios(&state.store, org, today).await?;
    let sims = tokio::task::spawn_blocking(move || {
        simulate_all(
            &portfolios,
            PAGE_TRIALS,
            crate::usecase::simulation::DEFAULT_SEED,
        )
    })
    .await
    .map_err(|e| ApiError::Internal(format!("simulation: {e}")))?;
    let exceedance = match sims.as_slice() {
        [(_, now_curve), (_, after_curve)] => {
            Some(super::charts::exceedance(now_curve, after_curve, lang))
        }
        _ => None,
    };
    let simulation = match sims.as_slice() {
        [(now_sim, _), (after_sim, _)] => [
            ("web_sim_mean", now_sim.mean, after_sim.mean),
            ("web_sim_p90", now_sim.p90, after_sim.p90),
            ("web_sim_p99", now_sim.p99, after_sim.p99),
        ]
        .into_iter()
        .map(|(key, n, a)| SimLine {
            label: mieruka_domain::i18n::tr(lang, key, &[]),
            now: yen(n, lang),
            after: yen(a, lang),
        })
        .collect(),
        _ => Vec::new(),
    };
    let r = &loss.report;
    let out = Report {
        now: yen(r.now.total_yen, lang),
        today: yen(r.today.total_yen, lang),
        after: yen(r.after.total_yen, lang),
        revision: loss.inputs.revision,
        revised_by: loss.inputs.created_by.clone(),
        reason: loss.inputs.reason.clone(),
        categories: figure_lines(&loss, |b| &b.categories, lang),
        indirect: figure_lines(&loss, |b| &b.indirect, lang),
        plans,
        simulation,
        exceedance,
        breakdown: super::charts::loss_breakdown(r, lang),
    };
    Ok(Some((out, loss.inputs.inputs)))
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    typed: Option<&HashMap<String, String>>,
    problem: Option<String>,
) -> Result<LossPage, WebError> {
    let found = report(state, org, viewer.lang).await?;
    let inputs = found
        .as_ref()
        .map_or_else(LossInputs::template, |(_, i)| i.clone());
    Ok(LossPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_nav_loss"), org.org.name),
            org,
            "web_nav_loss",
        ),
        org_code: org.org.slug.as_str().to_string(),
        report: found.map(|(r, _)| r),
        can_manage: viewer.may(state, org, Need::Manage).await,
        fields: fields(viewer, &inputs, typed),
        problem,
        reason: typed
            .and_then(|t| t.get("reason").cloned())
            .unwrap_or_default(),
    })
}

/// `GET /orgs/{org}/loss`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    render(&build(&state, &viewer, &org, None, None).await?)
}

/// `POST /orgs/{org}/loss`: a new revision of the inputs (owners). The inputs the form does not
/// show are kept as they are.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(typed): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Manage)
        .await?;
    let Some(current) = state.store.loss_inputs(org.id).await? else {
        let problem = viewer.t("web_no_loss_inputs_api");
        let page = build(&state, &viewer, &org, Some(&typed), Some(problem)).await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    };
    let mut inputs = current.inputs;
    let mut problem = None;
    for name in FIELDS {
        let text = typed
            .get(name)
            .map(|s| s.trim().replace([',', '，'], ""))
            .unwrap_or_default();
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => set(&mut inputs, name, v),
            _ => {
                problem = Some(format!(
                    "{}: {}",
                    viewer.t(&format!("web_loss_in_{name}")),
                    viewer.t("web_a_number")
                ));
                break;
            }
        }
    }
    if problem.is_none() {
        let change = InputsChange {
            inputs,
            reason: typed.get("reason").cloned().unwrap_or_default(),
        };
        let store = state.store.with_actor(&viewer.who.actor());
        match set_inputs(&store, &org, change).await {
            Ok(_) => return Ok(see_other(viewer.htmx, &format!("/orgs/{code}/loss"))),
            Err(ApiError::Invalid { field, reason }) => {
                problem = Some(match field {
                    Some(f) => format!("{}: {reason}", field_label(&viewer, &f)),
                    None => reason,
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = build(&state, &viewer, &org, Some(&typed), problem).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

/// The form's label for a field the use case names (`inputs.outage_days`, `reason`).
fn field_label(viewer: &Viewer, field: &str) -> String {
    let name = field.strip_prefix("inputs.").unwrap_or(field);
    let name = name.replace("annual_rates.", "rate_");
    if name == "reason" {
        viewer.t("web_reason")
    } else if FIELDS.contains(&name.as_str()) {
        viewer.t(&format!("web_loss_in_{name}"))
    } else {
        field.to_string()
    }
}
