//! Accounts and their roles, for administrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::users::{self, UserView};
use mieruka_domain::Lang;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Page;
use super::route::{Answer, PAGE, Route, who};
use crate::AppState;
use crate::auth::{Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/users", list)
            .doc(
                "users",
                "Every account with its roles (as `mieruka user list --json`)",
            )
            .who(who::ADMIN)
            .query(PAGE)
            .answers(Answer::list::<UserView>()),
        Route::post("/api/v1/users", create)
            .doc(
                "users",
                "Create an account; without a password, a one-time password is returned once",
            )
            .who(who::ADMIN)
            .body::<NewUser>()
            .example(json!({ "username": "sato", "name": "佐藤 花子", "lang": "ja" }))
            .created()
            .answers(Answer::of::<UserWithPassword>()),
        Route::patch("/api/v1/users/{username}", change)
            .doc(
                "users",
                "Disable or re-enable an account, or make it an administrator",
            )
            .who(who::ADMIN)
            .body::<UserChange>()
            .example(json!({ "disabled": false }))
            .answers(Answer::of::<UserView>()),
        Route::post("/api/v1/users/{username}/password", reset_password)
            .doc(
                "users",
                "Set a new password; without one, a one-time password is returned once",
            )
            .who(who::ADMIN)
            .body::<PasswordReset>()
            .example(json!({ "password": "a long passphrase of words" }))
            .answers(Answer::of::<UserWithPassword>()),
        Route::post("/api/v1/users/{username}/roles", grant)
            .doc(
                "users",
                "Give a role in an organisation: owner, contributor (with a unit), viewer, auditor",
            )
            .who(who::ADMIN)
            .body::<Grant>()
            .example(json!({ "org": "demo", "role": "contributor", "unit": "security" }))
            .answers(Answer::of::<UserView>()),
        Route::delete("/api/v1/users/{username}/roles/{org}", revoke)
            .doc("users", "Remove a role")
            .who(who::ADMIN)
            .answers(Answer::of::<UserView>()),
    ]
}

/// An account with the one-time password just made for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = UserWithPassword {
    user: UserView {
        username: "sato".into(),
        name: "佐藤 花子".into(),
        admin: false,
        disabled: false,
        roles: Vec::new(),
    },
    one_time_password: Some("5d41402abc4b2a76b9719d91".into()),
})]
pub struct UserWithPassword {
    #[serde(flatten)]
    pub user: UserView,
    /// The one-time password, shown in this answer only, to be changed at the first sign-in;
    /// null when a password was given.
    pub one_time_password: Option<String>,
}

/// A new account, as a request gives it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub name: String,
    #[serde(default)]
    pub admin: bool,
    /// Default: a one-time password, returned once, to be changed at the first sign-in.
    pub password: Option<String>,
    #[serde(default)]
    pub lang: Lang,
}

/// Flags to change on an account.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub disabled: Option<bool>,
    pub admin: Option<bool>,
}

/// A role to grant.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub org: String,
    /// owner, contributor, viewer or auditor.
    #[schemars(extend("enum" = ["owner", "contributor", "viewer", "auditor"]))]
    pub role: String,
    /// A contributor's unit (they may enter measurements for it and the units under it).
    pub unit: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    who.require_admin()?;
    Ok(Json(page.of(users::list(&state.store).await?)?))
}

async fn create(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<NewUser>,
) -> Result<(StatusCode, Json<UserWithPassword>), ApiError> {
    who.require_admin()?;
    let username = body.username.clone();
    let store = state.store.with_actor(&who.actor());
    let user = users::NewUser {
        username: body.username,
        name: body.name,
        admin: body.admin,
        password: body.password,
        lang: body.lang,
    };
    let one_time_password = users::create(&store, user, now()).await?;
    let user = UserView::read(&store, &username).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserWithPassword {
            user,
            one_time_password,
        }),
    ))
}

async fn change(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(username): UrlPath<String>,
    Body(body): Body<UserChange>,
) -> Result<Json<UserView>, ApiError> {
    who.require_admin()?;
    let store = state.store.with_actor(&who.actor());
    let change = users::UserChange {
        disabled: body.disabled,
        admin: body.admin,
    };
    users::change(&store, Some(who.user), &username, change).await?;
    Ok(Json(UserView::read(&store, &username).await?))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PasswordReset {
    password: Option<String>,
}

async fn reset_password(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(username): UrlPath<String>,
    Body(body): Body<PasswordReset>,
) -> Result<Json<UserWithPassword>, ApiError> {
    who.require_admin()?;
    let store = state.store.with_actor(&who.actor());
    let one_time_password = users::reset_password(&store, &username, body.password).await?;
    let user = UserView::read(&store, &username).await?;
    Ok(Json(UserWithPassword {
        user,
        one_time_password,
    }))
}

async fn grant(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(username): UrlPath<String>,
    Body(body): Body<Grant>,
) -> Result<Json<UserView>, ApiError> {
    who.require_admin()?;
    let store = state.store.with_actor(&who.actor());
    let grant = users::Grant {
        org: body.org,
        role: body.role,
        unit: body.unit,
    };
    users::grant(&store, &username, grant, now()).await?;
    Ok(Json(UserView::read(&store, &username).await?))
}

async fn revoke(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((username, org)): UrlPath<(String, String)>,
) -> Result<Json<UserView>, ApiError> {
    who.require_admin()?;
    let store = state.store.with_actor(&who.actor());
    users::revoke(&store, &username, &org).await?;
    Ok(Json(UserView::read(&store, &username).await?))
}
