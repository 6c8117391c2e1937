//! The signed-in user's API tokens. A token's secret is shown once, when it is made; the server
//! keeps its SHA-256 only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::users::create_token;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Page;
use super::answers::TokensRevoked;
use super::route::{Answer, PAGE, Route, who};
use crate::AppState;
use crate::auth::{Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};
use crate::views::token_json;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/me/tokens", list)
            .doc("tokens", "The signed-in user's API tokens (never their secrets)")
            .who(who::SIGNED_IN)
            .query(PAGE)
            .answers(Answer::List("ApiToken")),
        Route::post("/api/v1/me/tokens", create)
            .doc(
                "tokens",
                "Create an API token; its secret (mk_<prefix>_<secret>) is in this answer only. Send it as `Authorization: Bearer …`",
            )
            .who(who::SESSION)
            .body::<NewToken>()
            .example(json!({ "name": "nightly import", "scope": "write", "expires_in_days": 90 }))
            .created()
            .answers(Answer::Object("NewApiToken")),
        Route::delete("/api/v1/me/tokens", revoke_all)
            .doc(
                "tokens",
                "Revoke every API token of the signed-in user (the one sending this request too)",
            )
            .who(who::SIGNED_IN)
            .answers(Answer::of::<TokensRevoked>()),
        Route::delete("/api/v1/me/tokens/{id}", revoke)
            .doc("tokens", "Revoke one of the signed-in user's API tokens")
            .who(who::SIGNED_IN)
            .answers(Answer::Object("ApiToken")),
    ]
}

/// A new API token, as a request gives it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// read (default) or write.
    #[schemars(extend("enum" = ["read", "write", null]))]
    pub scope: Option<String>,
    /// Days until the token stops working, 1–730; none: until revoked.
    #[serde(default)]
    #[schemars(range(min = 1, max = mieruka_app::users::MAX_TOKEN_DAYS))]
    pub expires_in_days: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    who: Principal,
    Params(page): Params<Page>,
) -> Result<Json<Value>, ApiError> {
    let tokens: Vec<Value> = state
        .store
        .api_tokens(who.user)
        .await?
        .iter()
        .map(|t| token_json(t, now()))
        .collect();
    Ok(Json(page.of(tokens)?))
}

async fn create(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<NewToken>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    who.require_session()?;
    let store = state.store.with_actor(&who.actor());
    let asked = mieruka_app::users::NewToken {
        name: body.name,
        scope: body.scope,
        expires_in_days: body.expires_in_days,
    };
    let (id, scopes, token) = create_token(&store, who.user, asked, now()).await?;
    let listed = store
        .api_tokens(who.user)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| ApiError::Internal("a new token could not be read back".into()))?;
    let mut v = token_json(&listed, now());
    v["scopes"] = json!(scopes);
    v["token"] = json!(token);
    Ok((StatusCode::CREATED, Json(v)))
}

async fn revoke(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(id): UrlPath<i64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store.with_actor(&who.actor());
    store.revoke_api_token(who.user, id, now()).await?;
    let revoked = store
        .api_tokens(who.user)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(token_json(&revoked, now())))
}

async fn revoke_all(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<TokensRevoked>, ApiError> {
    let store = state.store.with_actor(&who.actor());
    let revoked = store.revoke_api_tokens(who.user, now()).await?;
    Ok(Json(TokensRevoked { revoked }))
}
