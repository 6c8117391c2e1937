//! Opening and closing a session: the one sign-in path the API (`POST /api/v1/session`) and the
//! sign-in page share — throttling of failed attempts, a password check that costs the same
//! whether or not the account exists, and the session cookie; changing one's own password
//! (which ends one's other sessions); and signing out everywhere.
//!
//! Throttling (`mieruka_store::access::ThrottleLimits`): an attempt is reserved in the database
//! before its password is checked, so parallel attempts, on this instance or another, cannot
//! all be checked. `max_failed_logins` failures of one account from one address are let through
//! at once, four times as many from one address against any account, twenty times as many
//! against one account from everywhere; past each, attempts are spaced out by a wait that
//! doubles from 30 seconds up to `login_window_minutes`.

use axum::http::{HeaderMap, HeaderValue};
use mieruka_store::access::{Credentials, ThrottleLimits};

use crate::AppState;
use crate::auth::{COOKIE, Principal, cookie_value, now, random_hex, sha256_hex, verify_password};
use crate::error::ApiError;
use crate::usecase::users::MIN_PASSWORD;

/// A session just opened: the cookie's secret, the CSRF token and who signed in.
pub struct Opened {
    pub secret: String,
    pub csrf: String,
    pub credentials: Credentials,
}

/// Checks a password against a hash off the async threads: hashing is slow on purpose.
pub async fn verify(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))
}

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

/// Signs a user in from `address`: reserves the attempt (refused, with the seconds to wait,
/// while too many have failed), checks the password, records the outcome, and opens a session
/// in the database.
pub async fn open(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<Opened, ApiError> {
    let store = &state.store;
    let now = now();
    let address = &throttled_address(address);
    if let Err(wait) = store
        .reserve_sign_in(username, address, &limits(&state.settings), now)
        .await?
    {
        return Err(ApiError::Throttled(wait.max(1) as u64));
    }
    let creds = store.credentials(username).await?;
    let ok = match &creds {
        Some(c) if !c.disabled => match &c.password_hash {
            Some(h) => verify(password.to_string(), h.clone()).await?,
            None => false,
        },
        _ => {
            // Spend the same time as a real check, so timing does not tell which accounts exist.
            let _ = verify(password.to_string(), dummy_hash().to_string()).await?;
            false
        }
    };
    store.finish_sign_in(username, address, ok, now).await?;
    let Some(credentials) = creds.filter(|_| ok) else {
        return Err(ApiError::Unauthenticated);
    };
    let secret = random_hex(32);
    let csrf = random_hex(16);
    store
        .create_session(
            &sha256_hex(&secret),
            credentials.user,
            &csrf,
            now.unix_seconds() + state.settings.session_hours * 3600,
            now,
        )
        .await?;
    Ok(Opened {
        secret,
        csrf,
        credentials,
    })
}

/// The address attempts are counted under: an IPv4 address as it is, an IPv6 address by its /64
/// network — one computer is usually given a whole /64, and could otherwise change address at
/// every attempt.
pub fn throttled_address(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| address.to_string(), |v4| v4.to_string()),
        _ => address.to_string(),
    }
}

/// Changes the signed-in person's own password (required after a one-time password): the
/// current one must be right, the new one at least 12 characters and different. Fields are
/// named as the API names them: `current`, `new`. Every other session of the account ends; the
/// one the request came with (its cookie, in `headers`) stays signed in.
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
    let creds = state
        .store
        .credentials_by_id(who.user)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let current_ok = match &creds.password_hash {
        Some(h) => verify(current.clone(), h.clone()).await?,
        None => false,
    };
    if !current_ok {
        return Err(ApiError::invalid(
            "current",
            "the current password is wrong",
        ));
    }
    if new.chars().count() < MIN_PASSWORD {
        return Err(ApiError::invalid("new", "at least 12 characters"));
    }
    if new == current {
        return Err(ApiError::invalid(
            "new",
            "choose a password different from the current one",
        ));
    }
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&new))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))??;
    state
        .store
        .with_actor(&who.actor())
        .change_own_password_hash(who.user, &hash, &keep)
        .await?;
    Ok(())
}

/// Signs the person out everywhere: every session of the account ends, the one the request
/// came with included. Returns how many ended.
pub async fn close_everywhere(state: &AppState, who: &Principal) -> Result<u64, ApiError> {
    Ok(state
        .store
        .with_actor(&who.actor())
        .end_sessions(who.user, None)
        .await?)
}

/// Ends the session whose cookie the request carries, if any.
pub async fn close(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(secret) = cookie_value(headers, COOKIE) {
        state.store.delete_session(&sha256_hex(secret)).await?;
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
    fn attempts_from_one_ipv6_network_count_together() {
        use super::throttled_address as key;
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
    }

    #[test]
    fn the_timing_equaliser_is_a_real_hash_that_matches_nothing_typed() {
        let h = super::dummy_hash();
        assert!(h.starts_with("$argon2id$v=19$") && h.len() > 60, "{h}");
        assert!(!crate::auth::verify_password("password", h));
        assert!(crate::auth::verify_password("mieruka-timing-equaliser", h));
    }
}
