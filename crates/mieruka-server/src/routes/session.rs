//! Signing in and out, and who am I.

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use mieruka_app::users::MembershipView;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::answers::SessionsEnded;
use super::route::{Answer, Route, who};
use crate::AppState;
use crate::auth::{Principal, same_site};
use crate::body::Body;
use crate::error::ApiError;
use crate::session;

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/v1/session", sign_in)
            .doc(
                "session",
                "Sign in: sets the session cookie and returns the CSRF token to send on writes",
            )
            .who(who::ANYONE)
            .body::<SignIn>()
            .example(json!({ "username": "sato", "password": "a long passphrase of words" }))
            .answers(Answer::of::<SignedIn>()),
        Route::delete("/api/v1/session", sign_out)
            .doc("session", "Sign out: ends the session")
            .who(who::SIGNED_IN)
            .answers(Answer::of::<SignedOut>()),
        Route::get("/api/v1/me", me)
            .doc("session", "Who is signed in, with their roles")
            .who(who::SIGNED_IN)
            .answers(Answer::of::<Me>()),
        Route::post("/api/v1/me/password", change_password)
            .doc(
                "session",
                "Change one's own password (required after a one-time password); every other session of the account ends, this one stays",
            )
            .who(who::SESSION)
            .body::<ChangePassword>()
            .example(json!({ "current": "a long passphrase of words", "new": "another long passphrase" }))
            .answers(Answer::of::<PasswordChanged>()),
        Route::delete("/api/v1/me/sessions", sign_out_everywhere)
            .doc(
                "session",
                "Sign out everywhere: every session of the signed-in user ends, this one included (API tokens are not affected)",
            )
            .who(who::SIGNED_IN)
            .answers(Answer::of::<SessionsEnded>()),
    ]
}

/// Signed in: the session cookie is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = SignedIn {
    username: "sato".into(),
    csrf_token: "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7".into(),
    must_change_password: false,
    is_admin: false,
})]
pub struct SignedIn {
    pub username: String,
    /// Send as x-csrf-token on every write with the cookie.
    pub csrf_token: String,
    /// The password is a one-time password: change it before anything else
    /// (POST /api/v1/me/password).
    pub must_change_password: bool,
    /// An administrator of the server.
    pub is_admin: bool,
}

/// Signed out: the session has ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = SignedOut { signed_out: true })]
pub struct SignedOut {
    pub signed_out: bool,
}

/// The password was changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = PasswordChanged { changed: true })]
pub struct PasswordChanged {
    pub changed: bool,
}

/// Who is signed in, with their roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = Me::example())]
pub struct Me {
    pub username: String,
    /// An administrator of the server.
    pub is_admin: bool,
    pub memberships: Vec<MembershipView>,
    /// Signed in with an API token rather than a session.
    pub api_token: bool,
    /// The API token's scopes (`read`, `write`); null with a session.
    pub scopes: Option<Vec<String>>,
    /// The password is a one-time password, to be changed before anything else.
    pub must_change_password: bool,
}

impl Me {
    fn example() -> Me {
        Me {
            username: "sato".into(),
            is_admin: false,
            memberships: vec![MembershipView {
                org: "demo".into(),
                role: "owner".into(),
                unit: None,
            }],
            api_token: true,
            scopes: Some(vec!["read".into(), "write".into()]),
            must_change_password: false,
        }
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Body(body): Body<SignIn>,
) -> Result<Response, ApiError> {
    same_site(&headers)?;
    let opened = session::open(
        &state,
        &body.username,
        &body.password,
        &peer.ip().to_string(),
    )
    .await?;
    let creds = &opened.credentials;
    let mut response = Json(SignedIn {
        username: creds.username.clone(),
        csrf_token: opened.csrf.clone(),
        must_change_password: creds.must_change_password,
        is_admin: creds.is_admin,
    })
    .into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session::cookie(&state, &opened.secret, session::max_age(&state)),
    );
    Ok(response)
}

async fn sign_out(
    State(state): State<AppState>,
    _who: Principal,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    session::close(&state, &headers).await?;
    let mut response = Json(SignedOut { signed_out: true }).into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, session::cookie(&state, "", 0));
    Ok(response)
}

async fn sign_out_everywhere(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Response, ApiError> {
    let ended = session::close_everywhere(&state, &who).await?;
    let mut response = Json(SessionsEnded { ended }).into_response();
    if who.token_scopes.is_none() {
        response
            .headers_mut()
            .insert(SET_COOKIE, session::cookie(&state, "", 0));
    }
    Ok(response)
}

async fn me(who: Principal) -> Json<Me> {
    Json(Me {
        username: who.username,
        is_admin: who.is_admin,
        memberships: who.memberships.iter().map(MembershipView::from).collect(),
        api_token: who.token_scopes.is_some(),
        scopes: who.token_scopes,
        must_change_password: who.must_change_password,
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PasswordChange")]
struct ChangePassword {
    current: String,
    new: String,
}

/// Changes the signed-in user's own password (required after a one-time password).
async fn change_password(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    Body(body): Body<ChangePassword>,
) -> Result<Json<PasswordChanged>, ApiError> {
    session::change_password(&state, &who, &headers, body.current, body.new).await?;
    Ok(Json(PasswordChanged { changed: true }))
}
