//! One's own API tokens: the list (never their secrets) with each one's expiry, the form to make
//! one with its scope and optional life in days, and revoking one or all. The secret is shown once, in the answer to the form that made it, through the
//! same workflow as `POST /api/v1/me/tokens` (`mieruka_app::users::create_token`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mieruka_app::users::{NewToken, create_token};
use serde::Deserialize;

use super::admin::{Problem, problem, whole};
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::now;
use crate::error::ApiError;

/// A token as listed.
struct TokenLine {
    id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_at: String,
    last_used_at: String,
    revoked: bool,
    /// When it stops working, as people read it; empty: until revoked.
    expires_at: String,
    expired: bool,
}

/// The new-token form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    /// Days until it stops working; empty: until revoked.
    #[serde(default)]
    expires_in_days: String,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensPage {
    page: Chrome,
    tokens: Vec<TokenLine>,
    form: TokenForm,
    problem: Option<Problem>,
    /// The secret of the token just made, shown this once.
    secret: Option<String>,
}

impl TokensPage {
    fn invalid(&self, field: &str) -> bool {
        self.problem
            .as_ref()
            .is_some_and(|p| p.field.as_deref() == Some(field))
    }
}

/// A stored time (RFC 3339, UTC) as people read it: `2026-11-26 09:30 UTC`.
pub fn utc_minute(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => at.to_string(),
    }
}

async fn tokens_page(
    state: &AppState,
    viewer: &Viewer,
    form: TokenForm,
    problem: Option<Problem>,
    secret: Option<String>,
) -> Result<TokensPage, WebError> {
    let scope_word = |s: &str| viewer.t(&format!("web_admin_scope_{s}"));
    let now = now();
    let tokens = state
        .store
        .api_tokens(viewer.who.user)
        .await?
        .into_iter()
        .map(|t| TokenLine {
            expired: t.expired(now),
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t
                .scopes
                .iter()
                .map(|s| scope_word(s))
                .collect::<Vec<_>>()
                .join("・"),
            created_at: utc_minute(&t.created_at),
            last_used_at: t
                .last_used_at
                .as_deref()
                .map(utc_minute)
                .unwrap_or_default(),
            revoked: t.revoked,
            expires_at: t.expires_at.as_deref().map(utc_minute).unwrap_or_default(),
        })
        .collect();
    Ok(TokensPage {
        page: viewer.chrome(viewer.t("web_admin_tokens_title")),
        tokens,
        form,
        problem,
        secret,
    })
}

/// `GET /account/tokens`: the signed-in person's tokens.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    render(&tokens_page(&state, &viewer, TokenForm::default(), None, None).await?)
}

/// `POST /account/tokens`: makes a token and shows its secret once.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let store = state.store.with_actor(&viewer.who.actor());
    let made = match whole("expires_in_days", &form.expires_in_days) {
        Ok(expires_in_days) => {
            let asked = NewToken {
                name: form.name.clone(),
                scope: Some(form.scope.trim().to_string()).filter(|s| !s.is_empty()),
                expires_in_days,
            };
            create_token(&store, viewer.who.user, asked, now())
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(e),
    };
    match made {
        Ok((_, _, secret)) => {
            let page = tokens_page(&state, &viewer, TokenForm::default(), None, Some(secret));
            render(&page.await?)
        }
        Err(e) => {
            let p = problem(viewer.lang, e)?;
            let page = tokens_page(&state, &viewer, form, Some(p), None).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// `POST /account/tokens/{id}/revoke`: revokes one of one's own tokens (404 for anyone else's).
pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let store = state.store.with_actor(&viewer.who.actor());
    store.revoke_api_token(viewer.who.user, id, now()).await?;
    Ok(see_other(viewer.htmx, "/account/tokens"))
}

/// `POST /account/tokens/revoke-all`: revokes every one of one's own tokens.
pub async fn revoke_all(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let store = state.store.with_actor(&viewer.who.actor());
    store.revoke_api_tokens(viewer.who.user, now()).await?;
    Ok(see_other(viewer.htmx, "/account/tokens"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_times_read_to_the_minute_in_utc() {
        assert_eq!(
            super::utc_minute("2026-11-26T09:30:12Z"),
            "2026-11-26 09:30 UTC"
        );
        assert_eq!(super::utc_minute("odd"), "odd");
    }
}
