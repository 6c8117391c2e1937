//! Accounts for administrators: create (with a one-time password unless one is given), set
//! flags, reset a password, grant and revoke roles; and API tokens for their owner. Secrets are
//! shown once, when made, and stored only as hashes.

use mieruka_domain::Lang;
use mieruka_store::access::Credentials;
use mieruka_store::{Store, UserId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{hash_password, now, random_hex, sha256_hex};
use crate::error::ApiError;
use crate::views::membership_json;

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// A new account.
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

/// A new API token.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// read (default) or write.
    #[schemars(extend("enum" = ["read", "write", null]))]
    pub scope: Option<String>,
    /// Days until the token stops working, 1–[`MAX_TOKEN_DAYS`]; none: until revoked.
    #[serde(default)]
    #[schemars(range(min = 1, max = MAX_TOKEN_DAYS))]
    pub expires_in_days: Option<i64>,
}

/// The longest life a token can be given at creation, in days.
pub const MAX_TOKEN_DAYS: i64 = 730;

/// When a token made at `now` to last `days` days stops working (checked: 1–730 days).
pub fn token_expiry(
    days: Option<i64>,
    now: mieruka_domain::Timestamp,
) -> Result<Option<mieruka_domain::Timestamp>, ApiError> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Ok(Some(
            mieruka_domain::Timestamp::from_unix_seconds(now.unix_seconds() + d * 86_400),
        )),
        Some(d) => Err(ApiError::invalid(
            "expires_in_days",
            format!("{d} is not a whole number of days from 1 to {MAX_TOKEN_DAYS}"),
        )),
    }
}

/// Hashes a password off the async threads (hashing is slow on purpose).
async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))?
}

/// The password to set: the one given (checked), or a new one-time password.
fn password_or_one_time(given: Option<String>) -> Result<(String, bool), ApiError> {
    match given {
        Some(p) if p.chars().count() < MIN_PASSWORD => Err(ApiError::invalid(
            "password",
            format!("at least {MIN_PASSWORD} characters"),
        )),
        Some(p) => Ok((p, false)),
        None => Ok((random_hex(12), true)),
    }
}

/// The account with this name (404 when there is none).
pub async fn credentials(store: &Store, username: &str) -> Result<Credentials, ApiError> {
    store.credentials(username).await?.ok_or(ApiError::NotFound)
}

/// An account as `mieruka user list --json` lists it.
pub async fn user_json(store: &Store, username: &str) -> Result<Value, ApiError> {
    let u = store.user(username).await?;
    let c = credentials(store, username).await?;
    let roles: Vec<Value> = store
        .memberships(c.user)
        .await?
        .iter()
        .map(membership_json)
        .collect();
    Ok(json!({
        "username": u.username,
        "name": u.display_name,
        "admin": c.is_admin,
        "disabled": c.disabled,
        "roles": roles,
    }))
}

/// Every account, as listed.
pub async fn list(store: &Store) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    for u in store.users().await? {
        out.push(user_json(store, &u.username).await?);
    }
    Ok(out)
}

/// Creates an account; returns the one-time password when one was made.
pub async fn create(store: &Store, u: NewUser) -> Result<Option<String>, ApiError> {
    let (password, one_time) = password_or_one_time(u.password)?;
    let id = store
        .create_user(&u.username, &u.name, u.lang, now())
        .await?;
    store
        .set_password_hash(id, &hash(password.clone()).await?, one_time)
        .await?;
    if u.admin {
        store.set_admin(id, true).await?;
    }
    Ok(one_time.then_some(password))
}

/// Changes an account's flags. Administrators cannot disable themselves or drop their own
/// administration, so the last way in is not closed by mistake.
pub async fn change(
    store: &Store,
    me: UserId,
    username: &str,
    c: UserChange,
) -> Result<(), ApiError> {
    let target = credentials(store, username).await?;
    if target.user == me && (c.disabled == Some(true) || c.admin == Some(false)) {
        return Err(ApiError::Conflict(
            "an administrator cannot disable their own account or drop their own administration"
                .into(),
        ));
    }
    if let Some(d) = c.disabled {
        store.set_disabled(target.user, d).await?;
    }
    if let Some(a) = c.admin {
        store.set_admin(target.user, a).await?;
    }
    Ok(())
}

/// Sets a new password (one-time unless given); returns the one-time password. Every session of
/// the account ends with the change.
pub async fn reset_password(
    store: &Store,
    username: &str,
    given: Option<String>,
) -> Result<Option<String>, ApiError> {
    let target = credentials(store, username).await?;
    let (password, one_time) = password_or_one_time(given)?;
    store
        .set_password_hash(target.user, &hash(password.clone()).await?, one_time)
        .await?;
    Ok(one_time.then_some(password))
}

/// Grants (or changes) a role in an organisation.
pub async fn grant(store: &Store, username: &str, g: Grant) -> Result<(), ApiError> {
    let target = credentials(store, username).await?;
    let org = store
        .organisation(&g.org)
        .await
        .map_err(|_| ApiError::invalid("org", format!("there is no organisation `{}`", g.org)))?;
    let unit = match &g.unit {
        None => None,
        Some(u) => Some(
            store
                .units(org.id)
                .await?
                .iter()
                .find(|x| x.unit.code.as_str() == u)
                .ok_or_else(|| {
                    ApiError::invalid("unit", format!("organisation {} has no unit `{u}`", g.org))
                })?
                .id,
        ),
    };
    Ok(store
        .grant(target.user, org.id, &g.role, unit, now())
        .await?)
}

/// Removes a role.
pub async fn revoke(store: &Store, username: &str, org: &str) -> Result<(), ApiError> {
    let target = credentials(store, username).await?;
    let org = store
        .organisation(org)
        .await
        .map_err(|_| ApiError::NotFound)?;
    Ok(store.revoke_membership(target.user, org.id).await?)
}

/// Creates an API token; returns its id, scopes and the secret (`mk_<prefix>_<secret>`), which
/// is not kept.
pub async fn create_token(
    store: &Store,
    user: UserId,
    t: NewToken,
) -> Result<(i64, Vec<String>, String), ApiError> {
    let scopes = match t.scope.as_deref().unwrap_or("read") {
        "read" => vec!["read".to_string()],
        "write" => vec!["read".to_string(), "write".to_string()],
        other => {
            return Err(ApiError::invalid(
                "scope",
                format!("`{other}` is not read or write"),
            ));
        }
    };
    let name = mieruka_domain::text::normalise(&t.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid("name", "1–100 characters"));
    }
    mieruka_domain::text::check_name(&name).map_err(|e| ApiError::invalid("name", e))?;
    let now = now();
    let expires_at = token_expiry(t.expires_in_days, now)?;
    let prefix = random_hex(4);
    let token = format!("mk_{prefix}_{}", random_hex(24));
    let id = store
        .create_api_token_until(
            user,
            &name,
            &prefix,
            &sha256_hex(&token),
            &scopes,
            expires_at,
            now,
        )
        .await?;
    Ok((id, scopes, token))
}
