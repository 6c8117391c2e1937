//! The risk page: the business-risk register (Fig. 8) as a table and as the matrix, the cyber
//! risk placed now and after the plans; owners add, change and remove risks here (the same use
//! case as the API, `mieruka_app::risks`). A rejected form comes back filled in, with the reason.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::risks::{Register, load, matrix_svg, remove as remove_risk, set};
use mieruka_domain::Lang;
use mieruka_domain::risk::{Impact, RawRisk, impact_band, impact_label, probability_label};
use mieruka_store::orgs::StoredOrg;
use serde::Deserialize;

use super::format::yen;
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

struct RiskLine {
    number: usize,
    code: String,
    name: String,
    category: String,
    probability: String,
    impact: String,
    /// The amount behind the impact, when it is money.
    amount: Option<String>,
    cyber: bool,
    /// The cyber risk's impact after the plans.
    after: Option<String>,
    owner: String,
    note: String,
}

/// The add-or-change form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RiskForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    probability: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    impact_yen: String,
    #[serde(default)]
    cyber: Option<String>,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    note: String,
    /// Read by the CSRF layer.
    #[allow(dead_code)]
    #[serde(default)]
    csrf_token: Option<String>,
}

#[derive(Template)]
#[template(path = "risks.html")]
struct RisksPage {
    page: Chrome,
    org_code: String,
    svg: String,
    lines: Vec<RiskLine>,
    /// Impact levels with their money band, for the legend and the form.
    levels: Vec<(u8, String, String)>,
    probabilities: Vec<(u8, &'static str)>,
    can_manage: bool,
    form: RiskForm,
    problem: Option<String>,
    cyber_note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    edit: Option<String>,
}

/// `GET /orgs/{org}/risks?edit=CODE`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    let reg = load(&state.store, &org, org.org.today(now())).await?;
    let form = q
        .edit
        .and_then(|c| reg.risks.iter().find(|r| r.code.as_str() == c))
        .map(|r| RiskForm {
            code: r.code.as_str().to_string(),
            name: r.name.clone(),
            category: r.category.clone(),
            probability: r.probability.to_string(),
            impact: match r.impact {
                Impact::Level(l) => l.to_string(),
                _ => String::new(),
            },
            impact_yen: match r.impact {
                Impact::Yen(y) => y.to_string(),
                _ => String::new(),
            },
            cyber: r.is_cyber().then(|| "on".to_string()),
            owner: r.owner.clone().unwrap_or_default(),
            note: r.note.clone().unwrap_or_default(),
            csrf_token: None,
        })
        .unwrap_or_default();
    let page = build(&state, &viewer, &org, &reg, form, None).await;
    render(&page)
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    reg: &Register,
    form: RiskForm,
    problem: Option<String>,
) -> RisksPage {
    let lang = viewer.lang;
    let bands = &reg.inputs.impact_bands_yen;
    let lines = reg
        .risks
        .iter()
        .zip(&reg.placed)
        .enumerate()
        .map(|(i, (r, p))| {
            let level = |l: u8| format!("{l} {}", impact_label(l, lang));
            RiskLine {
                number: i + 1,
                code: r.code.as_str().to_string(),
                name: r.name.clone(),
                category: r.category.clone(),
                probability: format!(
                    "{} {}",
                    r.probability,
                    probability_label(r.probability, lang)
                ),
                impact: p.at.map_or_else(|| "—".to_string(), |c| level(c.impact)),
                amount: match r.impact {
                    Impact::Yen(y) => Some(yen(y as f64, lang)),
                    Impact::Cyber => reg.cyber.as_ref().map(|c| yen(c.now_yen, lang)),
                    Impact::Level(_) => None,
                },
                cyber: r.is_cyber(),
                after: p.after.map(|c| {
                    let amount = reg
                        .cyber
                        .as_ref()
                        .map(|x| format!("（{}）", yen(x.after_yen, lang)))
                        .unwrap_or_default();
                    format!("{}{amount}", level(c.impact))
                }),
                owner: r.owner.clone().unwrap_or_default(),
                note: r.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let cyber_note = (!reg.has_loss_inputs && reg.risks.iter().any(|r| r.is_cyber()))
        .then(|| viewer.t("web_risk_no_loss_inputs"));
    RisksPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_nav_risks"), org.org.name),
            org,
            "web_nav_risks",
        ),
        org_code: org.org.slug.as_str().to_string(),
        svg: matrix_svg(lang, org, reg),
        lines,
        levels: (1..=5)
            .map(|l| {
                (
                    l,
                    impact_label(l, lang).to_string(),
                    impact_band(l, bands, lang),
                )
            })
            .collect(),
        probabilities: (1..=5).map(|l| (l, probability_label(l, lang))).collect(),
        can_manage: viewer.may(state, org, Need::Manage).await,
        form,
        problem,
        cyber_note,
    }
}

/// A whole number typed in a form field, or why not.
fn whole(field: &str, s: &str, lang: Lang) -> Result<Option<i64>, ApiError> {
    let s = s.trim().replace([',', '，'], "");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| {
        ApiError::invalid(
            field,
            mieruka_domain::i18n::tr(lang, "web_whole_number", &[]),
        )
    })
}

fn input(form: &RiskForm, lang: Lang) -> Result<RawRisk, ApiError> {
    let cyber = form.cyber.is_some();
    let impact_yen = whole("impact_yen", &form.impact_yen, lang)?;
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    Ok(RawRisk {
        code: form.code.trim().to_string(),
        name: form.name.clone(),
        category: form.category.clone(),
        probability: whole("probability", &form.probability, lang)?.unwrap_or(0),
        impact: if cyber || impact_yen.is_some() {
            None
        } else {
            whole("impact", &form.impact, lang)?
        },
        impact_yen: if cyber { None } else { impact_yen },
        cyber,
        owner: optional(&form.owner),
        note: optional(&form.note),
    })
}

/// `POST /orgs/{org}/risks`: adds or changes a risk (owners).
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(form): Form<RiskForm>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Manage)
        .await?;
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match input(&form, viewer.lang) {
        Ok(raw) => set(&store, &org, raw, now()).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(viewer.htmx, &format!("/orgs/{code}/risks"))),
        Err(e @ (ApiError::Invalid { .. } | ApiError::Conflict(_))) => {
            let reg = load(&state.store, &org, org.org.today(now())).await?;
            let problem = match &e {
                ApiError::Invalid {
                    field: Some(f),
                    reason,
                } => format!("{f}: {reason}"),
                other => other.to_string(),
            };
            let page = build(&state, &viewer, &org, &reg, form, Some(problem)).await;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /orgs/{org}/risks/{code}/remove` (owners).
pub async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, risk)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Manage)
        .await?;
    let store = state.store.with_actor(&viewer.who.actor());
    remove_risk(&store, &org, &risk).await?;
    Ok(see_other(viewer.htmx, &format!("/orgs/{code}/risks")))
}
