//! Signing in and out, and who am I.

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::route::{Answer, Route, who};
use crate::AppState;
use crate::auth::{COOKIE, Principal, now, random_hex, same_site, sha256_hex, verify_password};
use crate::body::Body;
use crate::error::ApiError;

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/v1/session", sign_in)
            .doc(
                "session",
                "Sign in: sets the session cookie and returns the CSRF token to send on writes",
            )
            .who(who::ANYONE)
            .body("SignIn")
            .answers(Answer::Object("SignedIn")),
        Route::delete("/api/v1/session", sign_out)
            .doc("session", "Sign out: ends the session")
            .who(who::SIGNED_IN),
        Route::get("/api/v1/me", me)
            .doc("session", "Who is signed in, with their roles")
            .who(who::SIGNED_IN)
            .answers(Answer::Object("Me")),
        Route::post("/api/v1/me/password", change_password)
            .doc(
                "session",
                "Change one's own password (required after a one-time password)",
            )
            .who(who::SESSION)
            .body("PasswordChange"),
    ]
}

/// Checks a password against a hash off the async threads: hashing is slow on purpose.
async fn verify(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Body(body): Body<SignIn>,
) -> Result<Response, ApiError> {
    same_site(&headers)?;
    let store = &state.store;
    let now = now();
    let address = peer.ip().to_string();
    let window = state.settings.login_window_minutes * 60;
    let max = state.settings.max_failed_logins;
    let (by_user, by_address) = store
        .failed_logins(&body.username, &address, now.unix_seconds() - window)
        .await?;
    if by_user >= max || by_address >= max * 4 {
        return Err(ApiError::Throttled);
    }
    let creds = store.credentials(&body.username).await?;
    let ok = match &creds {
        Some(c) if !c.disabled => match &c.password_hash {
            Some(h) => verify(body.password.clone(), h.clone()).await?,
            None => false,
        },
        _ => {
            // Spend the same time as a real check, so timing does not tell which accounts exist.
            let _ = verify(body.password.clone(), dummy_hash().to_string()).await?;
            false
        }
    };
    store
        .record_login_attempt(&body.username, &address, ok, now.unix_seconds())
        .await?;
    let Some(creds) = creds.filter(|_| ok) else {
        return Err(ApiError::Unauthenticated);
    };
    let secret = random_hex(32);
    let csrf = random_hex(16);
    let hours = state.settings.session_hours;
    store
        .create_session(
            &sha256_hex(&secret),
            creds.user,
            &csrf,
            now.unix_seconds() + hours * 3600,
            now,
        )
        .await?;
    let mut response = Json(json!({
        "username": creds.username,
        "csrf_token": csrf,
        "must_change_password": creds.must_change_password,
        "is_admin": creds.is_admin,
    }))
    .into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, cookie(&state, &secret, hours * 3600));
    Ok(response)
}

async fn sign_out(
    State(state): State<AppState>,
    _who: Principal,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(secret) = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
    {
        state.store.delete_session(&sha256_hex(&secret)).await?;
    }
    let mut response = Json(json!({ "signed_out": true })).into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, cookie(&state, "", 0));
    Ok(response)
}

async fn me(who: Principal) -> Json<serde_json::Value> {
    Json(json!({
        "username": who.username,
        "is_admin": who.is_admin,
        "memberships": who.memberships.iter().map(|m| json!({
            "org": m.org_code, "role": m.role, "unit": m.unit,
        })).collect::<Vec<_>>(),
        "api_token": who.token_scopes.is_some(),
        "scopes": who.token_scopes,
        "must_change_password": who.must_change_password,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangePassword {
    current: String,
    new: String,
}

/// Changes the signed-in user's own password (required after a one-time password).
async fn change_password(
    State(state): State<AppState>,
    who: Principal,
    Body(body): Body<ChangePassword>,
) -> Result<Json<serde_json::Value>, ApiError> {
    who.require_session()?;
    let creds = state
        .store
        .credentials_by_id(who.user)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let current_ok = match &creds.password_hash {
        Some(h) => verify(body.current.clone(), h.clone()).await?,
        None => false,
    };
    if !current_ok {
        return Err(ApiError::invalid(
            "current",
            "the current password is wrong",
        ));
    }
    if body.new.chars().count() < 12 {
        return Err(ApiError::invalid("new", "at least 12 characters"));
    }
    if body.new == body.current {
        return Err(ApiError::invalid(
            "new",
            "choose a password different from the current one",
        ));
    }
    let new = body.new.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&new))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))??;
    state
        .store
        .with_actor(&who.actor())
        .set_password_hash(who.user, &hash, false)
        .await?;
    Ok(Json(json!({ "changed": true })))
}

/// A real argon2id hash of nothing in particular, made once: checking a password against it costs
/// what checking a real account costs, so an unknown username answers no faster than a known one.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        crate::auth::hash_password("mieruka-timing-equaliser")
            .unwrap_or_else(|_| String::from("$argon2id$"))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_timing_equaliser_is_a_real_hash_that_matches_nothing_typed() {
        let h = super::dummy_hash();
        assert!(h.starts_with("$argon2id$v=19$") && h.len() > 60, "{h}");
        assert!(!crate::auth::verify_password("password", h));
        assert!(crate::auth::verify_password("mieruka-timing-equaliser", h));
    }
}
