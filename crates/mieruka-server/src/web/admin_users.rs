//! Accounts and roles, for administrators: the list of accounts with the form to create one, and
//! an account's page (its roles per organisation with the forms to grant and revoke them, a
//! password reset, disabling and administration). Every change goes through `mieruka_app::users`,
//! the workflows the API and `mieruka user` use. A one-time password is shown once, in the answer
//! to the form that made it, and never again.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::users::{self, Grant, NewUser, UserChange};
use mieruka_domain::Lang;
use serde::Deserialize;

use super::admin::{Problem, admin_tabs, problem};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::now;
use crate::error::ApiError;

/// The roles an organisation grants, in the order offered.
const ROLES: [&str; 4] = ["owner", "contributor", "viewer", "auditor"];

/// An account as the list shows it.
struct UserLine {
    username: String,
    name: String,
    admin: bool,
    disabled: bool,
    must_change_password: bool,
    /// "organisation: role" for each membership.
    roles: Vec<String>,
}

/// The create-an-account form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    admin: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Chrome,
    tabs: Vec<(String, &'static str, bool)>,
    users: Vec<UserLine>,
    form: UserForm,
    problem: Option<Problem>,
}

impl UsersPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

async fn users_page(
    state: &AppState,
    viewer: &Viewer,
    form: UserForm,
    problem: Option<Problem>,
) -> Result<UsersPage, WebError> {
    viewer.who.require_admin()?;
    let store = &state.store;
    let orgs = store.organisations().await?;
    let mut lines = Vec::new();
    for u in store.users().await? {
        let Some(c) = store.credentials(&u.username).await? else {
            continue;
        };
        let roles = store
            .memberships(c.user)
            .await?
            .iter()
            .map(|m| {
                let org = orgs
                    .iter()
                    .find(|o| o.id == m.org_id)
                    .map_or(m.org_code.clone(), |o| o.org.name.clone());
                format!("{org}: {}", viewer.t(&format!("web_role_{}", m.role)))
            })
            .collect();
        lines.push(UserLine {
            username: u.username,
            name: u.display_name,
            admin: c.is_admin,
            disabled: c.disabled,
            must_change_password: c.must_change_password,
            roles,
        });
    }
    Ok(UsersPage {
        page: viewer.chrome(viewer.t("web_admin_users_title")),
        tabs: admin_tabs(viewer.lang, "/admin/users"),
        users: lines,
        form,
        problem,
    })
}

/// `GET /admin/users`: every account, and the form to create one (administrators).
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    render(&users_page(&state, &viewer, UserForm::default(), None).await?)
}

/// `POST /admin/users`: creates an account with a one-time password, shown once on the account's
/// page that answers.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    let store = state.store.with_actor(&viewer.who.actor());
    let username = form.username.trim().to_string();
    let asked = match form.lang.trim() {
        "" | "ja" => Ok(Lang::Ja),
        "en" => Ok(Lang::En),
        _ => Err(ApiError::invalid("lang", "ja or en")),
    }
    .map(|lang| NewUser {
        username: username.clone(),
        name: form.display_name.clone(),
        admin: form.admin.is_some(),
        password: None,
        lang,
    });
    let result = match asked {
        Ok(u) => users::create(&store, u, now())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(password) => {
            let page = user_page(&state, &viewer, &username, GrantForm::default(), None).await?;
            render(&UserPage {
                one_time_password: password,
                ..page
            })
        }
        Err(e) => {
            let p = problem(viewer.lang, e)?;
            let page = users_page(&state, &viewer, form, Some(p)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// A role as an account's page shows it.
struct RoleLine {
    org_code: String,
    org_name: String,
    role: String,
    unit: String,
}

/// An organisation with its units, for the grant form's choices.
struct OrgChoice {
    code: String,
    name: String,
    /// (`org/unit` as the form sends it, unit code, unit name).
    units: Vec<(String, String, String)>,
}

/// The grant form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    org: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    page: Chrome,
    tabs: Vec<(String, &'static str, bool)>,
    username: String,
    name: String,
    lang: &'static str,
    admin: bool,
    disabled: bool,
    must_change_password: bool,
    /// The signed-in administrator's own account (which they may not disable or demote).
    is_me: bool,
    roles: Vec<RoleLine>,
    orgs: Vec<OrgChoice>,
    role_choices: Vec<(&'static str, String)>,
    form: GrantForm,
    problem: Option<Problem>,
    /// A password just made, shown this once.
    one_time_password: Option<String>,
}

impl UserPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

async fn user_page(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    form: GrantForm,
    problem: Option<Problem>,
) -> Result<UserPage, WebError> {
    viewer.who.require_admin()?;
    let store = &state.store;
    let c = users::credentials(store, username).await?;
    let u = store.user(username).await?;
    let all = store.organisations().await?;
    let mut orgs = Vec::new();
    let mut unit_names = Vec::new();
    for o in &all {
        let units = store.units(o.id).await?;
        for x in &units {
            unit_names.push((x.id, x.unit.name.clone()));
        }
        orgs.push(OrgChoice {
            code: o.org.slug.as_str().to_string(),
            name: o.org.name.clone(),
            units: units
                .iter()
                .map(|x| {
                    let code = x.unit.code.as_str();
                    (
                        format!("{}/{code}", o.org.slug.as_str()),
                        code.to_string(),
                        x.unit.name.clone(),
                    )
                })
                .collect(),
        });
    }
    let roles = store
        .memberships(c.user)
        .await?
        .into_iter()
        .map(|m| RoleLine {
            org_name: all
                .iter()
                .find(|o| o.id == m.org_id)
                .map_or(m.org_code.clone(), |o| o.org.name.clone()),
            org_code: m.org_code,
            role: viewer.t(&format!("web_role_{}", m.role)),
            unit: m
                .unit
                .and_then(|id| unit_names.iter().find(|(i, _)| *i == id))
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        })
        .collect();
    Ok(UserPage {
        page: viewer.chrome(format!(
            "{} — {}",
            viewer.t("web_admin_user_title"),
            username
        )),
        tabs: admin_tabs(viewer.lang, "/admin/users"),
        username: u.username,
        name: u.display_name,
        lang: match u.lang {
            Lang::Ja => "日本語",
            Lang::En => "English",
        },
        admin: c.is_admin,
        disabled: c.disabled,
        must_change_password: c.must_change_password,
        is_me: c.user == viewer.who.user,
        roles,
        orgs,
        role_choices: ROLES
            .iter()
            .map(|r| (*r, viewer.t(&format!("web_role_{r}"))))
            .collect(),
        form,
        problem,
        one_time_password: None,
    })
}

/// `GET /admin/users/{user}`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
) -> Result<Response, WebError> {
    render(&user_page(&state, &viewer, &username, GrantForm::default(), None).await?)
}

/// The account's page again with the form as typed and why it was refused (400).
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    form: GrantForm,
    e: ApiError,
) -> Result<Response, WebError> {
    let p = problem(viewer.lang, e)?;
    let page = user_page(state, viewer, username, form, Some(p)).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

/// `POST /admin/users/{user}/password`: a new one-time password, shown once.
pub async fn reset_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    let store = state.store.with_actor(&viewer.who.actor());
    let password = users::reset_password(&store, &username, None).await?;
    let page = user_page(&state, &viewer, &username, GrantForm::default(), None).await?;
    render(&UserPage {
        one_time_password: password,
        ..page
    })
}

/// The flags form: `disabled` or `admin`, each `true` or `false`.
#[derive(Debug, Deserialize)]
pub struct FlagsForm {
    disabled: Option<String>,
    admin: Option<String>,
}

/// `POST /admin/users/{user}/flags`: disables or re-enables the account, or gives or takes
/// administration (not one's own: the use case refuses).
pub async fn flags(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
    Form(form): Form<FlagsForm>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    let flag = |v: Option<String>| v.map(|s| s == "true");
    let change = UserChange {
        disabled: flag(form.disabled),
        admin: flag(form.admin),
    };
    let store = state.store.with_actor(&viewer.who.actor());
    match users::change(&store, Some(viewer.who.user), &username, change)
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => Ok(see_other(viewer.htmx, &user_path(&username))),
        Err(e) => refused(&state, &viewer, &username, GrantForm::default(), e).await,
    }
}

fn user_path(username: &str) -> String {
    format!("/admin/users/{}", super::format::url_encode(username))
}

/// `POST /admin/users/{user}/roles`: grants (or changes) a role in an organisation.
pub async fn grant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(username): Path<String>,
    Form(form): Form<GrantForm>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    let org = form.org.trim().to_string();
    let role = form.role.trim().to_string();
    // The unit list offers every organisation's units as `org/unit`; only a contributor has one.
    let unit = match form.unit.trim().split_once('/') {
        _ if role != "contributor" => Ok(None),
        None if form.unit.trim().is_empty() => Ok(None),
        Some((o, u)) if o == org => Ok(Some(u.to_string())),
        _ => Err(ApiError::invalid("unit", "not a unit of this organisation")),
    };
    let store = state.store.with_actor(&viewer.who.actor());
    let result = match unit {
        Ok(unit) => users::grant(&store, &username, Grant { org, role, unit }, now())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(viewer.htmx, &user_path(&username))),
        Err(e) => refused(&state, &viewer, &username, form, e).await,
    }
}

/// `POST /admin/users/{user}/roles/{org}/revoke`: removes the account's role in the organisation.
pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((username, org)): Path<(String, String)>,
) -> Result<Response, WebError> {
    viewer.who.require_admin()?;
    let store = state.store.with_actor(&viewer.who.actor());
    users::revoke(&store, &username, &org).await?;
    Ok(see_other(viewer.htmx, &user_path(&username)))
}
