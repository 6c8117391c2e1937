//! The signed-in user's API tokens. A token's secret is shown once, when it is made; the server
//! keeps its SHA-256 only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mieruka_app::users::create_token;
use mieruka_domain::Timestamp;
use mieruka_store::access::ApiToken;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Page;
use super::answers::TokensRevoked;
use super::route::{Answer, PAGE, Route, who};
use crate::AppState;
use crate::auth::{Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/me/tokens", list)
            .doc("tokens", "The signed-in user's API tokens (never their secrets)")
            .who(who::SIGNED_IN)
            .query(PAGE)
            .answers(Answer::list::<ApiTokenView>()),
        Route::post("/api/v1/me/tokens", create)
            .doc(
                "tokens",
                "Create an API token; its secret (mk_<prefix>_<secret>) is in this answer only. Send it as `Authorization: Bearer …`",
            )
            .who(who::SESSION)
            .body::<NewToken>()
            .example(json!({ "name": "nightly import", "scope": "write", "expires_in_days": 90 }))
            .created()
            .answers(Answer::of::<NewApiToken>()),
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
            .answers(Answer::of::<ApiTokenView>()),
    ]
}

/// An API token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "ApiToken")]
#[schemars(example = ApiTokenView::example())]
pub struct ApiTokenView {
    /// The token's number.
    pub id: i64,
    pub name: String,
    /// The `<prefix>` of `mk_<prefix>_<secret>`, to tell tokens apart.
    pub prefix: String,
    /// `read`, and `write` for a token that may write.
    #[schemars(extend("items" = { "type": "string", "enum": ["read", "write"] }))]
    pub scopes: Vec<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When it was last used (RFC 3339, UTC); null: never.
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// When the token stops working (RFC 3339, UTC); null: until revoked.
    pub expires_at: Option<String>,
    /// The expiry has passed: the token is refused (401).
    pub expired: bool,
}

impl ApiTokenView {
    /// The token as listed at `now`.
    pub fn new(t: &ApiToken, now: Timestamp) -> ApiTokenView {
        ApiTokenView {
            id: t.id,
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            scopes: t.scopes.clone(),
            created_at: t.created_at.clone(),
            last_used_at: t.last_used_at.clone(),
            revoked: t.revoked,
            expires_at: t.expires_at.clone(),
            expired: t.expired(now),
        }
    }

    fn example() -> ApiTokenView {
        ApiTokenView {
            id: 7,
            name: "nightly import".into(),
            prefix: "3f2a9c0d".into(),
            scopes: vec!["read".into(), "write".into()],
            created_at: "2026-10-01T09:00:00Z".into(),
            last_used_at: None,
            revoked: false,
            expires_at: Some("2026-12-30T09:00:00Z".into()),
            expired: false,
        }
    }
}

/// A new API token, with its secret: shown in this answer only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = NewApiToken {
    listed: ApiTokenView::example(),
    token: "mk_3f2a9c0d_9b8a7c6d5e4f30211a2b3c4d5e6f7a8b9c0d1e2f".into(),
})]
pub struct NewApiToken {
    #[serde(flatten)]
    pub listed: ApiTokenView,
    /// mk_<prefix>_<secret>: send it as `Authorization: Bearer …`.
    pub token: String,
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
) -> Result<Json<serde_json::Value>, ApiError> {
    let tokens: Vec<ApiTokenView> = state
        .store
        .api_tokens(who.user)
        .await?
        .iter()
        .map(|t| ApiTokenView::new(t, now()))
        .collect();
    Ok(Json(page.of(tokens)?))
}

async fn create(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<NewToken>,
) -> Result<(StatusCode, Json<NewApiToken>), ApiError> {
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
    let mut listed = ApiTokenView::new(&listed, now());
    listed.scopes = scopes;
    Ok((StatusCode::CREATED, Json(NewApiToken { listed, token })))
}

async fn revoke(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(id): UrlPath<i64>,
) -> Result<Json<ApiTokenView>, ApiError> {
    let store = state.store.with_actor(&who.actor());
    store.revoke_api_token(who.user, id, now()).await?;
    let revoked = store
        .api_tokens(who.user)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(ApiTokenView::new(&revoked, now())))
}

async fn revoke_all(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<TokensRevoked>, ApiError> {
    let store = state.store.with_actor(&who.actor());
    let revoked = store.revoke_api_tokens(who.user, now()).await?;
    Ok(Json(TokensRevoked { revoked }))
}
