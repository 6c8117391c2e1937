//! Opening and closing a session: the one sign-in path every front end shares — throttling of
//! failed attempts, a password check that costs the same whether or not the account exists, and
//! the session kept in the database by its secret's digest; changing one's own password (which
//! ends one's other sessions); and signing out everywhere.
//!
//! Throttling (`mieruka_store::access::ThrottleLimits`): an attempt is reserved in the database
//! before its password is checked, so parallel attempts, through this process or another,
//! cannot all be checked. The limits come from the front end's settings.

use mieruka_domain::Timestamp;
use mieruka_store::access::{Credentials, ThrottleLimits};
use mieruka_store::{Store, UserId};

use crate::secret::{
    MIN_PASSWORD, hash_password, hash_password_blocking, random_hex, sha256_hex,
    verify_password_blocking,
};
use crate::{AppError, Result};

/// A session just opened: the cookie's secret, the CSRF token and who signed in.
pub struct Opened {
    pub secret: String,
    pub csrf: String,
    pub credentials: Credentials,
}

/// Signs a user in from `address`: reserves the attempt (refused, with the seconds to wait,
/// while too many have failed), checks the password, records the outcome, and opens a session
/// lasting `lifetime_seconds` in the database.
pub async fn open(
    store: &Store,
    limits: &ThrottleLimits,
    lifetime_seconds: i64,
    username: &str,
    password: &str,
    address: &str,
    now: Timestamp,
) -> Result<Opened> {
    let address = &throttled_address(address);
    if let Err(wait) = store
        .reserve_sign_in(username, address, limits, now)
        .await?
    {
        return Err(AppError::Throttled(wait.max(1) as u64));
    }
    let creds = store.credentials(username).await?;
    let ok = match &creds {
        Some(c) if !c.disabled => match &c.password_hash {
            Some(h) => verify_password_blocking(password.to_string(), h.clone()).await?,
            None => false,
        },
        _ => {
            // Spend the same time as a real check, so timing does not tell which accounts exist.
            let _ =
                verify_password_blocking(password.to_string(), dummy_hash().to_string()).await?;
            false
        }
    };
    store.finish_sign_in(username, address, ok, now).await?;
    let Some(credentials) = creds.filter(|_| ok) else {
        return Err(AppError::Unauthenticated);
    };
    let secret = random_hex(32);
    let csrf = random_hex(16);
    store
        .create_session(
            &sha256_hex(&secret),
            credentials.user,
            &csrf,
            now.unix_seconds() + lifetime_seconds,
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

/// Changes a person's own password (required after a one-time password): the current one must
/// be right, the new one at least 12 characters and different. Fields are named `current` and
/// `new`. Every other session of the account ends; the one whose secret's digest is `keep`
/// stays signed in.
pub async fn change_password(
    store: &Store,
    user: UserId,
    keep: &str,
    current: String,
    new: String,
) -> Result<()> {
    let creds = store
        .credentials_by_id(user)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let current_ok = match &creds.password_hash {
        Some(h) => verify_password_blocking(current.clone(), h.clone()).await?,
        None => false,
    };
    if !current_ok {
        return Err(AppError::invalid(
            "current",
            "the current password is wrong",
        ));
    }
    if new.chars().count() < MIN_PASSWORD {
        return Err(AppError::invalid("new", "at least 12 characters"));
    }
    if new == current {
        return Err(AppError::invalid(
            "new",
            "choose a password different from the current one",
        ));
    }
    let hash = hash_password_blocking(new).await?;
    store.change_own_password_hash(user, &hash, keep).await?;
    Ok(())
}

/// Signs the person out everywhere: every session of the account ends. Returns how many ended.
pub async fn end_everywhere(store: &Store, user: UserId) -> Result<u64> {
    Ok(store.end_sessions(user, None).await?)
}

/// Ends the session with this secret.
pub async fn close(store: &Store, secret: &str) -> Result<()> {
    Ok(store.delete_session(&sha256_hex(secret)).await?)
}

/// A real argon2id hash of nothing in particular, made once: checking a password against it costs
/// what checking a real account costs, so an unknown username answers no faster than a known one.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        hash_password("mieruka-timing-equaliser").unwrap_or_else(|_| String::from("$argon2id$"))
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
        assert!(!crate::secret::verify_password("password", h));
        assert!(crate::secret::verify_password(
            "mieruka-timing-equaliser",
            h
        ));
    }
}
