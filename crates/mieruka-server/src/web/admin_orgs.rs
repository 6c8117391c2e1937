//! Organisations and units: an organisation's settings page (its facts, its maturity stage, its
//! unit tree with each unit's facts and own stage, and the form to add a unit) for every member,
//! with the edit controls for its owners and administrators; and the administrator's list of all
//! organisations with the form to create one. Writes go through `mieruka_app::org`, as the API's do.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::org::{self as orgs, NewOrganisation, NewUnit, OrgChange};
use mieruka_domain::org::{UnitFacts, UnitKind};
use mieruka_domain::{Lang, Maturity};
use mieruka_store::orgs::{StoredOrg, StoredUnit};
use serde::Deserialize;

use super::admin::{Problem, admin_tabs, chosen, problem, whole};
use super::format::{number, yen};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

/// A unit as the tree shows it.
struct UnitLine {
    code: String,
    name: String,
    depth: usize,
    kind: &'static str,
    /// The unit's own stage code ("" when the organisation's applies) and its label.
    maturity: String,
    maturity_label: String,
    employees: String,
    it_staff: String,
    security_staff: String,
    revenue: String,
    it_budget: String,
    security_budget: String,
    industry: String,
}

/// The add-a-unit form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    maturity: String,
    #[serde(default)]
    employees: String,
    #[serde(default)]
    it_staff: String,
    #[serde(default)]
    security_staff: String,
    #[serde(default)]
    annual_revenue_yen: String,
    #[serde(default)]
    it_budget_yen: String,
    #[serde(default)]
    security_budget_yen: String,
    #[serde(default)]
    industry: String,
}

/// A stage chosen for the organisation or a unit.
#[derive(Debug, Deserialize)]
pub struct StageForm {
    #[serde(default)]
    maturity: String,
    /// The time zone form's field; absent from the stage form.
    #[serde(default)]
    time_zone: String,
}

#[derive(Template)]
#[template(path = "admin_org.html")]
struct OrgPage {
    page: Chrome,
    org_code: String,
    name: String,
    maturity: &'static str,
    maturity_label: &'static str,
    fiscal_start_month: u8,
    time_zone: String,
    units: Vec<UnitLine>,
    stages: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    form: UnitForm,
    /// The unit facts' number fields of the form, as typed.
    fact_inputs: Vec<FactInput>,
    problem: Option<Problem>,
    /// The code of the unit the form edits; `None`: the form adds a unit.
    editing: Option<String>,
}

/// A number field of the add-a-unit form.
struct FactInput {
    name: &'static str,
    label: String,
    help: String,
    value: String,
}

impl OrgPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

fn stages(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Maturity::ALL
        .iter()
        .map(|m| (m.code(), m.label(lang)))
        .collect()
}

/// The units in tree order (each after its parent), with their depth.
fn tree(units: &[StoredUnit]) -> Vec<(usize, &StoredUnit)> {
    fn walk<'a>(
        units: &'a [StoredUnit],
        parent: Option<mieruka_store::UnitId>,
        depth: usize,
        out: &mut Vec<(usize, &'a StoredUnit)>,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            out.push((depth, u));
            walk(units, Some(u.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(units, None, 0, &mut out);
    out
}

fn unit_line(depth: usize, u: &StoredUnit, lang: Lang) -> UnitLine {
    let f = &u.unit.facts;
    let count = |v: Option<i64>| v.map_or_else(String::new, |n| number(n as f64));
    let money = |v: Option<i64>| v.map_or_else(String::new, |n| yen(n as f64, lang));
    UnitLine {
        code: u.unit.code.as_str().to_string(),
        name: u.unit.name.clone(),
        depth,
        kind: u.unit.kind.label(lang),
        maturity: u.unit.maturity.map_or("", |m| m.code()).to_string(),
        maturity_label: u.unit.maturity.map_or("", |m| m.label(lang)).to_string(),
        employees: count(f.employees),
        it_staff: count(f.it_staff),
        security_staff: count(f.security_staff),
        revenue: money(f.annual_revenue_yen),
        it_budget: money(f.it_budget_yen),
        security_budget: money(f.security_budget_yen),
        industry: f.industry.clone().unwrap_or_default(),
    }
}

fn fact_inputs(viewer: &Viewer, f: &UnitForm) -> Vec<FactInput> {
    [
        ("employees", &f.employees),
        ("it_staff", &f.it_staff),
        ("security_staff", &f.security_staff),
        ("annual_revenue_yen", &f.annual_revenue_yen),
        ("it_budget_yen", &f.it_budget_yen),
        ("security_budget_yen", &f.security_budget_yen),
    ]
    .into_iter()
    .map(|(name, value)| FactInput {
        name,
        label: viewer.t(&format!("web_admin_field_{name}")),
        help: viewer.t(&format!("web_admin_rule_{name}")),
        value: value.clone(),
    })
    .collect()
}

async fn org_page(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    form: UnitForm,
    problem: Option<Problem>,
) -> Result<OrgPage, WebError> {
    let lang = viewer.lang;
    let units = state.store.units(org.id).await?;
    Ok(OrgPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_nav_settings"), org.org.name),
            org,
            "web_nav_settings",
        ),
        org_code: org.org.slug.as_str().to_string(),
        name: org.org.name.clone(),
        maturity: org.org.maturity.code(),
        maturity_label: org.org.maturity.label(lang),
        fiscal_start_month: org.org.fiscal_start_month,
        time_zone: org.org.time_zone.name().to_string(),
        units: tree(&units)
            .into_iter()
            .map(|(d, u)| unit_line(d, u, lang))
            .collect(),
        stages: stages(lang),
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect(),
        can_manage: viewer.may(state, org, Need::Manage).await,
        fact_inputs: fact_inputs(viewer, &form),
        form,
        problem,
        editing: None,
    })
}

/// The form filled with a unit as stored.
fn form_of(u: &StoredUnit) -> UnitForm {
    let n = |v: Option<i64>| v.map_or_else(String::new, |n| n.to_string());
    let f = &u.unit.facts;
    UnitForm {
        code: u.unit.code.as_str().to_string(),
        name: u.unit.name.clone(),
        kind: u.unit.kind.code().to_string(),
        parent: String::new(),
        maturity: u.unit.maturity.map_or("", |m| m.code()).to_string(),
        employees: n(f.employees),
        it_staff: n(f.it_staff),
        security_staff: n(f.security_staff),
        annual_revenue_yen: n(f.annual_revenue_yen),
        it_budget_yen: n(f.it_budget_yen),
        security_budget_yen: n(f.security_budget_yen),
        industry: f.industry.clone().unwrap_or_default(),
    }
}

/// The settings page with its form editing unit `unit` (as typed when `typed` is given).
async fn edit_view(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    unit: &str,
    typed: Option<UnitForm>,
    problem: Option<Problem>,
) -> Result<OrgPage, WebError> {
    let units = state.store.units(org.id).await?;
    let stored = units
        .iter()
        .find(|u| u.unit.code.as_str() == unit)
        .ok_or(ApiError::NotFound)?;
    let mut form = typed.unwrap_or_else(|| form_of(stored));
    form.code = stored.unit.code.as_str().to_string();
    form.kind = stored.unit.kind.code().to_string();
    let mut page = org_page(state, viewer, org, form, problem).await?;
    page.editing = Some(stored.unit.code.as_str().to_string());
    Ok(page)
}

/// `GET /orgs/{org}/units/{unit}/edit`: the settings page with the unit in its form (owners,
/// administrators).
pub async fn edit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, unit)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let org = managed_org(&state, &viewer, &code).await?;
    render(&edit_view(&state, &viewer, &org, &unit, None, None).await?)
}

/// `POST /orgs/{org}/units/{unit}/edit`: saves the unit's name, own stage and facts.
pub async fn save_edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, unit)): Path<(String, String)>,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    let org = managed_org(&state, &viewer, &code).await?;
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match new_unit(&UnitForm {
        code: unit.clone(),
        kind: "department".into(),
        ..form.clone()
    }) {
        Ok(u) => {
            let change = orgs::UnitEdit {
                name: Some(u.name),
                maturity: Some(u.maturity),
                facts: Some(u.facts),
            };
            orgs::edit_unit(&store, &org, &unit, change)
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(viewer.htmx, &format!("/orgs/{code}/settings"))),
        Err(ApiError::NotFound) => Err(ApiError::NotFound.into()),
        Err(e) => {
            let p = problem(viewer.lang, e)?;
            let page = edit_view(&state, &viewer, &org, &unit, Some(form), Some(p)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// `GET /orgs/{org}/settings`: every member reads it; owners and administrators edit.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    render(&org_page(&state, &viewer, &org, UnitForm::default(), None).await?)
}

/// The organisation named in the path, for a write: 404 for outsiders, 403 for members who may
/// not manage it.
async fn managed_org(state: &AppState, viewer: &Viewer, code: &str) -> Result<StoredOrg, WebError> {
    let org = viewer.org(state, code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Manage)
        .await?;
    Ok(org)
}

/// Re-shows the settings page with the form as typed and why it was refused (400).
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
    form: UnitForm,
    e: ApiError,
) -> Result<Response, WebError> {
    let p = problem(viewer.lang, e)?;
    let page = org_page(state, viewer, org, form, Some(p)).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

/// `POST /orgs/{org}/settings`: sets the organisation's maturity stage, or its time zone.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(form): Form<StageForm>,
) -> Result<Response, WebError> {
    let org = managed_org(&state, &viewer, &code).await?;
    let store = state.store.with_actor(&viewer.who.actor());
    // The page sends one of the two: a time zone, or a stage.
    let change = if !form.time_zone.trim().is_empty() {
        Ok(OrgChange {
            time_zone: Some(form.time_zone.clone()),
            ..OrgChange::default()
        })
    } else {
        match chosen::<Maturity>("maturity", &form.maturity) {
            Ok(Some(m)) => Ok(OrgChange {
                maturity: Some(m),
                ..OrgChange::default()
            }),
            Ok(None) => Err(ApiError::invalid("maturity", "choose a stage")),
            Err(e) => Err(e),
        }
    };
    let result = match change {
        Ok(c) => orgs::change(&store, &org, c, now())
            .await
            .map(|_| ())
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(viewer.htmx, &format!("/orgs/{code}/settings"))),
        Err(e) => refused(&state, &viewer, &org, UnitForm::default(), e).await,
    }
}

fn new_unit(f: &UnitForm) -> Result<NewUnit, ApiError> {
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    Ok(NewUnit {
        code: f.code.trim().to_string(),
        name: f.name.clone(),
        kind: chosen("kind", &f.kind)?.ok_or_else(|| ApiError::invalid("kind", "choose one"))?,
        parent: optional(&f.parent),
        maturity: chosen("maturity", &f.maturity)?,
        facts: UnitFacts {
            employees: whole("employees", &f.employees)?,
            it_staff: whole("it_staff", &f.it_staff)?,
            security_staff: whole("security_staff", &f.security_staff)?,
            annual_revenue_yen: whole("annual_revenue_yen", &f.annual_revenue_yen)?,
            it_budget_yen: whole("it_budget_yen", &f.it_budget_yen)?,
            security_budget_yen: whole("security_budget_yen", &f.security_budget_yen)?,
            industry: optional(&f.industry),
        },
    })
}

/// `POST /orgs/{org}/units`: adds a unit (owners, administrators).
pub async fn add_unit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    let org = managed_org(&state, &viewer, &code).await?;
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match new_unit(&form) {
        Ok(u) => orgs::add_unit(&store, &org, u, now())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(viewer.htmx, &format!("/orgs/{code}/settings"))),
        Err(e) => refused(&state, &viewer, &org, form, e).await,
    }
}

/// `POST /orgs/{org}/units/{unit}`: sets a unit's own stage, or clears it (empty choice).
pub async fn save_unit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, unit)): Path<(String, String)>,
    Form(form): Form<StageForm>,
) -> Result<Response, WebError> {
    let org = managed_org(&state, &viewer, &code).await?;
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match chosen::<Maturity>("maturity", &form.maturity) {
        Ok(m) => orgs::set_unit_maturity(&store, &org, &unit, m)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(viewer.htmx, &format!("/orgs/{code}/settings"))),
        Err(e) => refused(&state, &viewer, &org, UnitForm::default(), e).await,
    }
}

/// An organisation in the administrator's list.
struct OrgLine {
    code: String,
    name: String,
    maturity: &'static str,
    fiscal_start_month: u8,
    units: usize,
}

/// The create-an-organisation form, as typed.
#[derive(Debug, Clone, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    maturity: String,
    #[serde(default = "april")]
    fiscal_start_month: String,
}

fn april() -> String {
    "4".into()
}

impl Default for OrgForm {
    fn default() -> OrgForm {
        OrgForm {
            code: String::new(),
            name: String::new(),
            maturity: Maturity::Initial.code().into(),
            fiscal_start_month: april(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_orgs.html")]
struct AdminOrgsPage {
    page: Chrome,
    tabs: Vec<(String, &'static str, bool)>,
    orgs: Vec<OrgLine>,
    stages: Vec<(&'static str, &'static str)>,
    form: OrgForm,
    problem: Option<Problem>,
}

impl AdminOrgsPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

async fn admin_orgs_page(
    state: &AppState,
    viewer: &Viewer,
    form: OrgForm,
    problem: Option<Problem>,
) -> Result<AdminOrgsPage, WebError> {
    viewer.who.require_admin()?;
    let lang = viewer.lang;
    let mut orgs = Vec::new();
    for o in state.store.organisations().await? {
        orgs.push(OrgLine {
            code: o.org.slug.as_str().to_string(),
            name: o.org.name.clone(),
            maturity: o.org.maturity.label(lang),
            fiscal_start_month: o.org.fiscal_start_month,
            units: state.store.units(o.id).await?.len(),
        });
    }
    Ok(AdminOrgsPage {
        page: viewer.chrome(viewer.t("web_admin_orgs_title")),
        tabs: admin_tabs(lang, "/admin/orgs"),
        orgs,
        stages: stages(lang),
        form,
        problem,
    })
}

/// `GET /admin/orgs`: every organisation, and the form to create one (administrators).
pub async fn admin_list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    render(&admin_orgs_page(&state, &viewer, OrgForm::default(), None).await?)
}

/// `POST /admin/orgs`: creates an organisation and opens its settings (administrators).
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<OrgForm>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    let store = state.store.with_actor(&viewer.who.actor());
    let month = form.fiscal_start_month.trim();
    let asked = match (
        chosen::<Maturity>("maturity", &form.maturity),
        month.parse::<u32>(),
    ) {
        (Err(e), _) => Err(e),
        (_, Err(_)) => Err(ApiError::invalid("fiscal_start_month", "1–12")),
        (Ok(maturity), Ok(m)) => Ok(NewOrganisation {
            code: form.code.trim().to_string(),
            name: form.name.clone(),
            maturity,
            fiscal_start_month: Some(m),
            time_zone: None,
        }),
    };
    let result = match asked {
        Ok(o) => orgs::create(&store, o, now()).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(org) => Ok(see_other(
            viewer.htmx,
            &format!("/orgs/{}/settings", org.org.slug.as_str()),
        )),
        Err(e) => {
            let p = problem(viewer.lang, e)?;
            let page = admin_orgs_page(&state, &viewer, form, Some(p)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}
