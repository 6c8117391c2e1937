//! Sign-in and who may do what.
//!
//! Two ways in: a session cookie (browsers) or a bearer API token (automation). Sessions live in
//! the database, so any instance serving the same database accepts them. For cookie sessions,
//! every state-changing request must carry the session's CSRF token in `X-CSRF-Token` and must
//! not come from another site (`Sec-Fetch-Site`, `Origin`); the cookie is also `SameSite=Strict`.
//!
//! Roles per organisation: `owner` (the CISO: everything), `contributor` (enters measurements for
//! the units under theirs), `viewer` (reads), `auditor` (reads, plus the audit log); `admin` is
//! above all organisations. Someone with no part in an organisation gets 404 for it, so its
//! existence does not leak.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use mieruka_domain::{Timestamp, digest};
use mieruka_store::access::{ApiToken, Membership};
use mieruka_store::audit::Versions;
use mieruka_store::orgs::StoredUnit;
use mieruka_store::{OrgId, Store, UnitId, UserId};

use crate::AppState;
use crate::cache::CachedToken;
use crate::error::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "mieruka_session";
/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What an account with a one-time password may do: see itself, change the password, sign out.
const ALLOWED_BEFORE_PASSWORD_CHANGE: &[&str] = &[
    "/api/v1/me",
    "/api/v1/me/password",
    "/api/v1/session",
    "/sign-out",
    "/lang",
    "/account/password",
];

pub use mieruka_app::secret::{hash_password, sha256_hex};

/// Whether two secrets are equal, in a time that does not depend on where they differ: their
/// SHA-256 digests are compared with every byte visited, so the time tells nothing about how
/// much of a guess was right (nor about the secret's length).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (x, y) = (digest::sha256(a.as_bytes()), digest::sha256(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// The wall clock (time is a parameter everywhere below).
pub use mieruka_app::now;

/// What a request needs in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    /// Change plans, units, inputs, risks: the owner.
    Manage,
    /// Enter measurements for a unit.
    Measure(UnitId),
    /// Read the audit log.
    Audit,
}

/// The signed-in user (or the user behind an API token).
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: UserId,
    pub username: String,
    pub is_admin: bool,
    pub memberships: Vec<Membership>,
    /// Set when the request came with an API token: its scopes.
    pub token_scopes: Option<Vec<String>>,
    /// The account still has a one-time password.
    pub must_change_password: bool,
    /// The language the user reads mieruka in.
    pub lang: mieruka_domain::Lang,
    /// The session's CSRF token, which pages send back on writes (none for API tokens).
    pub csrf: Option<String>,
    /// The database's versions as read when the request arrived: what is cached at them may be
    /// reused for this request (see `cache.rs`).
    pub versions: Versions,
}

impl Principal {
    /// The name changes are recorded under.
    pub fn actor(&self) -> String {
        match &self.token_scopes {
            Some(_) => format!("{} (API)", self.username),
            None => self.username.clone(),
        }
    }

    pub fn membership(&self, org: OrgId) -> Option<&Membership> {
        self.memberships.iter().find(|m| m.org_id == org)
    }

    /// Checks that the principal is an administrator (403 otherwise). Write scope for API tokens
    /// is checked when the request is read.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only an administrator may do this".into(),
            ))
        }
    }

    /// Checks that the request came with a session cookie, not an API token: some things
    /// (changing a password, creating tokens) need the person, not a script.
    pub fn require_session(&self) -> Result<(), ApiError> {
        match self.token_scopes {
            None => Ok(()),
            Some(_) => Err(ApiError::Forbidden(
                "sign in with a password to do this; an API token cannot".into(),
            )),
        }
    }

    /// Whether the principal may see the organisation at all.
    pub fn sees(&self, org: OrgId) -> bool {
        self.is_admin || self.membership(org).is_some()
    }

    /// Checks a need in an organisation: 404 for outsiders, 403 for members without the right.
    /// A contributor's right to measure a unit needs the organisation's units, read here; with a
    /// plan's context at hand, [`Principal::require_with`] uses its units instead.
    pub async fn require(&self, store: &Store, org: OrgId, need: Need) -> Result<(), ApiError> {
        let contributor = !self.is_admin
            && matches!(need, Need::Measure(_))
            && self
                .membership(org)
                .is_some_and(|m| m.role == "contributor" && m.unit.is_some());
        let units = if contributor {
            store.units(org).await?
        } else {
            Vec::new()
        };
        self.require_with(org, need, &units)
    }

    /// [`Principal::require`] with the organisation's units already read (a plan's context holds
    /// them), so checking every row of a file costs no query.
    pub fn require_with(
        &self,
        org: OrgId,
        need: Need,
        units: &[StoredUnit],
    ) -> Result<(), ApiError> {
        // Reading the audit log is a read: a read-only token of an auditor or owner may.
        if need != Need::Read
            && need != Need::Audit
            && let Some(scopes) = &self.token_scopes
            && !scopes.iter().any(|s| s == "write")
        {
            return Err(ApiError::Forbidden("this API token may only read".into()));
        }
        if self.is_admin {
            return Ok(());
        }
        let m = self.membership(org).ok_or(ApiError::NotFound)?;
        let allowed = match (m.role.as_str(), need) {
            ("owner", _) => true,
            (_, Need::Read) => true,
            ("auditor", Need::Audit) => true,
            ("contributor", Need::Measure(unit)) => {
                m.unit.is_some_and(|root| in_subtree(units, root, unit))
            }
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("a {} may not do this", m.role)))
        }
    }
}

/// Whether `unit` is `root` or below it, among `units`.
fn in_subtree(units: &[StoredUnit], root: UnitId, unit: UnitId) -> bool {
    let mut at = Some(unit);
    // A tree has no cycles; the bound keeps a damaged one from looping.
    for _ in 0..=units.len() {
        let Some(u) = at else { break };
        if u == root {
            return true;
        }
        at = units.iter().find(|x| x.id == u).and_then(|x| x.parent_id);
    }
    false
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Refuses a request another site could have made: `Sec-Fetch-Site: cross-site`, or an `Origin`
/// whose host is not this server's.
pub fn same_site(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err(ApiError::Csrf);
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        if origin != "null" && origin_host != host {
            return Err(ApiError::Csrf);
        }
    }
    Ok(())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let now = now();
        let store = &state.store;
        // Read first: what is then read or cached for this request is at least this new.
        let versions = store.versions().await?;
        let config = versions.config;
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let (user, token_scopes, csrf) = if let Some(secret) = bearer {
            let token = api_token(state, &sha256_hex(secret.trim()), config, now).await?;
            if !is_safe(&parts.method) && !token.scopes.iter().any(|s| s == "write") {
                return Err(ApiError::Forbidden("this API token may only read".into()));
            }
            (token.user, Some(token.scopes), None)
        } else {
            let secret = cookie_value(&parts.headers, COOKIE).ok_or(ApiError::Unauthenticated)?;
            let session = store
                .session(&sha256_hex(secret), now.unix_seconds())
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            if !is_safe(&parts.method) {
                same_site(&parts.headers)?;
                let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                if !sent.is_some_and(|sent| same_secret(sent, &session.csrf_token)) {
                    return Err(ApiError::Csrf);
                }
            }
            (session.user, None, Some(session.csrf_token))
        };
        let (creds, memberships) = match state.caches.accounts.get(&user, config) {
            Some(account) => account,
            None => {
                let creds = store
                    .credentials_by_id(user)
                    .await?
                    .ok_or(ApiError::Unauthenticated)?;
                let account = (creds, store.memberships(user).await?);
                state.caches.accounts.put(user, config, account.clone());
                account
            }
        };
        if creds.disabled {
            return Err(ApiError::Unauthenticated);
        }
        // A one-time password must be replaced before anything else is done with the account.
        if creds.must_change_password && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path())
        {
            return Err(ApiError::Forbidden(
                "change the one-time password first (POST /api/v1/me/password)".into(),
            ));
        }
        Ok(Principal {
            user,
            username: creds.username,
            is_admin: creds.is_admin,
            memberships,
            token_scopes,
            must_change_password: creds.must_change_password,
            lang: creds.lang,
            csrf,
            versions,
        })
    }
}

/// How often a token's use is recorded at most: a write per request would queue every reader
/// behind it.
const TOUCH_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The live (unrevoked, unexpired) API token whose secret hashes to `hash`, from the cache when
/// it holds it at the configuration version `config` (a revocation changes that version; an
/// expiry does not, so it is checked at every use), recording its use at most once a minute.
async fn api_token(
    state: &AppState,
    hash: &str,
    config: i64,
    now: Timestamp,
) -> Result<ApiToken, ApiError> {
    let key = hash.to_string();
    if let Some(mut cached) = state.caches.tokens.get(&key, config) {
        if cached.token.expired(now) {
            return Err(ApiError::Unauthenticated);
        }
        if cached.touched.elapsed() >= TOUCH_EVERY {
            state.store.touch_api_token(cached.token.id, now).await?;
            cached.touched = std::time::Instant::now();
            state.caches.tokens.put(key, config, cached.clone());
        }
        return Ok(cached.token);
    }
    let token = state
        .store
        .api_token_by_hash(hash, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let cached = CachedToken {
        token: token.clone(),
        touched: std::time::Instant::now(),
    };
    state.caches.tokens.put(key, config, cached);
    Ok(token)
}

/// On first start, when there is no administrator, creates `admin` with a one-time password
/// that must be changed at first sign-in; returns the password to print once
/// (`mieruka_app::users::ensure_admin` at the wall clock's time).
pub async fn ensure_admin(store: &Store) -> Result<Option<String>, ApiError> {
    Ok(mieruka_app::users::ensure_admin(store, now()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mieruka_domain::org::{Unit, UnitFacts, UnitKind};

    fn unit(id: i64, parent: Option<i64>) -> StoredUnit {
        StoredUnit {
            id: UnitId(id),
            org_id: OrgId(1),
            parent_id: parent.map(UnitId),
            unit: Unit::new(
                &format!("u{id}"),
                "部門",
                UnitKind::Department,
                None,
                UnitFacts::default(),
            )
            .unwrap(),
        }
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn a_subtree_holds_its_root_and_what_is_below_and_nothing_else() {
        // 1 ─ 2 ─ 3, and 4 beside 2.
        let units = [
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(2)),
            unit(4, Some(1)),
        ];
        assert!(in_subtree(&units, UnitId(2), UnitId(2)));
        assert!(in_subtree(&units, UnitId(2), UnitId(3)));
        assert!(in_subtree(&units, UnitId(1), UnitId(4)));
        assert!(!in_subtree(&units, UnitId(2), UnitId(4)));
        assert!(!in_subtree(&units, UnitId(3), UnitId(2)), "not upwards");
        assert!(
            !in_subtree(&units, UnitId(2), UnitId(99)),
            "an unknown unit"
        );
        // A damaged tree with a cycle ends instead of looping.
        let cycle = [unit(5, Some(6)), unit(6, Some(5))];
        assert!(!in_subtree(&cycle, UnitId(1), UnitId(5)));
    }
}
