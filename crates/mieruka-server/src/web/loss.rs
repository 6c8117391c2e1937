//! The loss page: the maximum loss (想定損失額) now, today (plans at their achievement) and after
//! (plans at target), every figure with its formula, terms and source beside it; what each plan
//! is worth; the simulated annual loss (mean and tail, now and after); and, for owners, the
//! model's main inputs to edit — a new audited revision with its reason, through the same use
//! case as the API (`mieruka_app::loss::set_inputs`). Lists (data kinds, response costs, the fine regime) are
//! edited through the API or the command line.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::AppError;
use mieruka_app::loss::{OrgLoss, org_loss, set_inputs};
use mieruka_app::simulation::{org_scenarios, simulate_all};
use mieruka_domain::Lang;
use mieruka_domain::loss::{Figure, FineRegime, LossInputs};
use mieruka_store::orgs::StoredOrg;
use std::collections::HashMap;

use super::format::{percent, term, yen};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

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
    name: String,
    label: String,
    help: String,
    value: String,
    /// Optional inputs may be left blank.
    required: bool,
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
/// `web_loss_help_{name}` in the catalogue). The fine's inputs show only for its regime; after
/// them come the response cost items, one field each (`response_item_{n}`, labelled by the
/// item's name). The list of data kinds is edited through the API.
pub(super) const FIELDS: [&str; 25] = [
    "people_held",
    "identifiability",
    "social_responsibility",
    "response_quality",
    "base_value_yen",
    "annual_revenue_yen",
    "worldwide_revenue_yen",
    "affected_revenue_share",
    "outage_days",
    "business_days_per_year",
    "fine_share",
    "fine_floor_eur",
    "fine_eur_jpy",
    "fine_yen",
    "response_cost_factor",
    "net_profit_yen",
    "market_value_yen",
    "rate_theft",
    "rate_interruption",
    "rate_fine",
    "rate_response",
    "impact_band_1",
    "impact_band_2",
    "impact_band_3",
    "impact_band_4",
];

/// Inputs that may be blank: the revenue then comes from the company unit's facts, and the
/// indirect losses are left out.
const OPTIONAL: [&str; 4] = [
    "annual_revenue_yen",
    "worldwide_revenue_yen",
    "net_profit_yen",
    "market_value_yen",
];

const ITEM: &str = "response_item_";

/// The fields shown for these inputs, in order.
fn field_names(i: &LossInputs) -> Vec<String> {
    FIELDS
        .iter()
        .filter(|&&name| match name {
            "fine_share" | "fine_floor_eur" | "fine_eur_jpy" => {
                matches!(i.fine, FineRegime::Gdpr { .. })
            }
            "fine_yen" => matches!(i.fine, FineRegime::Fixed { .. }),
            _ => true,
        })
        .map(|s| s.to_string())
        .chain((0..i.response_items.len()).map(|n| format!("{ITEM}{n}")))
        .collect()
}

/// The slot a field edits (`None` for a name these inputs do not have).
fn slot<'a>(i: &'a mut LossInputs, name: &str) -> Option<Slot<'a>> {
    Some(match name {
        "people_held" => Slot::Value(&mut i.people_held),
        "identifiability" => Slot::Value(&mut i.identifiability),
        "social_responsibility" => Slot::Value(&mut i.social_responsibility),
        "response_quality" => Slot::Value(&mut i.response_quality),
        "base_value_yen" => Slot::Value(&mut i.base_value_yen),
        "annual_revenue_yen" => Slot::Optional(&mut i.annual_revenue_yen),
        "worldwide_revenue_yen" => Slot::Optional(&mut i.worldwide_revenue_yen),
        "affected_revenue_share" => Slot::Value(&mut i.affected_revenue_share),
        "outage_days" => Slot::Value(&mut i.outage_days),
        "business_days_per_year" => Slot::Value(&mut i.business_days_per_year),
        "response_cost_factor" => Slot::Value(&mut i.response_cost_factor),
        "net_profit_yen" => Slot::Optional(&mut i.net_profit_yen),
        "market_value_yen" => Slot::Optional(&mut i.market_value_yen),
        "rate_theft" => Slot::Value(&mut i.annual_rates.theft),
        "rate_interruption" => Slot::Value(&mut i.annual_rates.interruption),
        "rate_fine" => Slot::Value(&mut i.annual_rates.fine),
        "rate_response" => Slot::Value(&mut i.annual_rates.response),
        _ => {
            if let Some(n) = name.strip_prefix("impact_band_") {
                let n: usize = n.parse().ok()?;
                return i
                    .impact_bands_yen
                    .get_mut(n.checked_sub(1)?)
                    .map(Slot::Value);
            }
            if let Some(n) = name.strip_prefix(ITEM) {
                let n: usize = n.parse().ok()?;
                return i.response_items.get_mut(n).map(|c| Slot::Value(&mut c.yen));
            }
            match (&mut i.fine, name) {
                (
                    FineRegime::Gdpr {
                        share_of_revenue, ..
                    },
                    "fine_share",
                ) => Slot::Value(share_of_revenue),
                (FineRegime::Gdpr { floor_eur, .. }, "fine_floor_eur") => Slot::Value(floor_eur),
                (FineRegime::Gdpr { eur_jpy, .. }, "fine_eur_jpy") => Slot::Value(eur_jpy),
                (FineRegime::Fixed { yen }, "fine_yen") => Slot::Value(yen),
                _ => return None,
            }
        }
    })
}

enum Slot<'a> {
    Value(&'a mut f64),
    Optional(&'a mut Option<f64>),
}

fn shown(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

fn fields(
    viewer: &Viewer,
    inputs: &LossInputs,
    typed: Option<&HashMap<String, String>>,
) -> Vec<InputField> {
    let mut copy = inputs.clone();
    field_names(inputs)
        .into_iter()
        .map(|name| {
            let stored = match slot(&mut copy, &name) {
                Some(Slot::Value(v)) => shown(*v),
                Some(Slot::Optional(v)) => v.map(shown).unwrap_or_default(),
                None => String::new(),
            };
            let (label, help) = match name
                .strip_prefix(ITEM)
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) => (
                    inputs.response_items[n].name.clone(),
                    viewer.t("web_loss_help_response_item"),
                ),
                None => (
                    viewer.t(&format!("web_loss_in_{name}")),
                    viewer.t(&format!("web_loss_help_{name}")),
                ),
            };
            InputField {
                value: typed.and_then(|t| t.get(&name).cloned()).unwrap_or(stored),
                required: !OPTIONAL.contains(&name.as_str()),
                label,
                help,
                name,
            }
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
    let today = org.org.today(now());
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
    let permit = state.simulation_permit()?;
    let sims = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        simulate_all(
            &portfolios,
            PAGE_TRIALS,
            mieruka_app::simulation::DEFAULT_SEED,
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
    for name in field_names(&inputs) {
        let text = typed
            .get(&name)
            .map(|s| s.trim().replace([',', '，'], ""))
            .unwrap_or_default();
        let label = || field_label(&viewer, &name, &inputs);
        let value = if text.is_empty() {
            None
        } else {
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    problem = Some(format!("{}: {}", label(), viewer.t("web_a_number")));
                    break;
                }
            }
        };
        let label = label();
        match (slot(&mut inputs, &name), value) {
            (Some(Slot::Value(s)), Some(v)) => *s = v,
            (Some(Slot::Optional(s)), v) => *s = v,
            (Some(Slot::Value(_)), None) => {
                problem = Some(format!("{label}: {}", viewer.t("web_a_number")));
                break;
            }
            (None, _) => {}
        }
    }
    if problem.is_none() {
        let reason = typed.get("reason").cloned().unwrap_or_default();
        let store = state.store.with_actor(&viewer.who.actor());
        let actor = viewer.who.actor();
        match set_inputs(&store, &org, inputs.clone(), &reason, &actor, now()).await {
            Ok(_) => return Ok(see_other(viewer.htmx, &format!("/orgs/{code}/loss"))),
            Err(AppError::Invalid { field, reason }) => {
                problem = Some(format!(
                    "{}: {reason}",
                    field_label(&viewer, &field, &inputs)
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = build(&state, &viewer, &org, Some(&typed), problem).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

/// The form's label for a field the use case names (`inputs.outage_days`,
/// `inputs.response_items[1].yen`, `reason`) or the form does.
fn field_label(viewer: &Viewer, field: &str, inputs: &LossInputs) -> String {
    let name = field.strip_prefix("inputs.").unwrap_or(field);
    let name = name
        .replace("annual_rates.", "rate_")
        .replace("fine.share_of_revenue", "fine_share")
        .replace("fine.floor_eur", "fine_floor_eur")
        .replace("fine.eur_jpy", "fine_eur_jpy")
        .replace("fine.yen", "fine_yen");
    let item = name
        .strip_prefix(ITEM)
        .or_else(|| name.strip_prefix("response_items["))
        .and_then(|n| {
            n.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<usize>()
                .ok()
        })
        .and_then(|n| inputs.response_items.get(n));
    if let Some(item) = item {
        item.name.clone()
    } else if name == "reason" {
        viewer.t("web_reason")
    } else if name.starts_with("impact_bands_yen") {
        viewer.t("web_loss_impact_bands")
    } else if FIELDS.contains(&name.as_str()) {
        viewer.t(&format!("web_loss_in_{name}"))
    } else {
        field.to_string()
    }
}
