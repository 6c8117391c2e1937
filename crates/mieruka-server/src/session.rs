//! Sessions as HTTP carries them: the cookie, the throttle's limits and a session's life from
//! the settings, around the sign-in workflow of `mieruka_app::session` that the API
//! (`POST /api/v1/session`) and the sign-in page share.
//!
//! Throttling: `max_failed_logins` failures of one account from one address are let through at
//! once, four times as many from one address against any account, twenty times as many against
//! one account from everywhere; past each, attempts are spaced out by a wait that doubles from
//! 30 seconds up to `login_window_minutes`.

use axum::http::{HeaderMap, HeaderValue};
use mieruka_app::session as sessions;
use mieruka_store::access::ThrottleLimits;

use crate::AppState;
use crate::auth::{COOKIE, Principal, cookie_value, now, sha256_hex};
use crate::error::ApiError;

/// The throttle's limits, from the settings (see the module's notes).
pub fn limits(settings: &crate::Settings) -> ThrottleLimits {
    let free = settings.max_failed_logins;
    ThrottleLimits {
        pair: free,
        address: free.saturating_mul(4),
        account: free.saturating_mul(20),
        max_delay: settings.login_window_minutes.saturating_mul(60),
    }
}

/// Signs a user in from `address` (`mieruka_app::session::open` with this server's settings).
pub async fn open(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<sessions::Opened, ApiError> {
    Ok(sessions::open(
        &state.store,
        &limits(&state.settings),
        max_age(state),
        username,
        password,
        address,
        now(),
    )
    .await?)
}

/// Changes the signed-in person's own password; the session the request came with (its cookie,
/// in `headers`) stays signed in, every other one ends.
pub async fn change_password(
    state: &AppState,
    who: &Principal,
    headers: &HeaderMap,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    who.require_session()?;
    let keep = cookie_value(headers, COOKIE)
        .map(sha256_hex)
        .ok_or(ApiError::Unauthenticated)?;
    let store = state.store.with_actor(&who.actor());
    Ok(sessions::change_password(&store, who.user, &keep, current, new).await?)
}

/// Signs the person out everywhere, the session the request came with included. Returns how
/// many sessions ended.
pub async fn close_everywhere(state: &AppState, who: &Principal) -> Result<u64, ApiError> {
    let store = state.store.with_actor(&who.actor());
    Ok(sessions::end_everywhere(&store, who.user).await?)
}

/// Ends the session whose cookie the request carries, if any.
pub async fn close(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(secret) = cookie_value(headers, COOKIE) {
        sessions::close(&state.store, secret).await?;
    }
    Ok(())
}

/// The session cookie: HttpOnly, SameSite=Strict, and Secure when the settings say so. An empty
/// value with `max_age` 0 removes it.
pub fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
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

/// How long a new session lasts, in seconds.
pub fn max_age(state: &AppState) -> i64 {
    state.settings.session_hours * 3600
}

/// Forgets what signing in leaves behind once it no longer counts: expired sessions, attempts
/// older than a day and throttle counters past their wait. Runs at start-up and then `every`,
/// beside the server; an error is logged and tried again next time.
pub async fn prune_every(state: AppState, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = state.store.prune_access(now().unix_seconds()).await {
            eprintln!("sessions: pruning expired sessions and sign-in attempts failed: {e}");
        }
    }
}
