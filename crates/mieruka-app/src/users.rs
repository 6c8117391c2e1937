//! Accounts, for administrators and the command line alike: create (with a one-time password
//! unless one is given), set flags, reset a password, grant and revoke roles; and API tokens for
//! their owner. Secrets are shown once, when made, and stored only as hashes.

use mieruka_domain::{Lang, Timestamp};
use mieruka_store::access::{Credentials, Membership};
use mieruka_store::{Store, UserId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::secret::{MIN_PASSWORD, hash_password_blocking, random_hex, sha256_hex};
use crate::{AppError, Result};

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub name: String,
    pub admin: bool,
    /// Default: a one-time password, returned once, to be changed at the first sign-in.
    pub password: Option<String>,
    pub lang: Lang,
}

/// Flags to change on an account.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub disabled: Option<bool>,
    pub admin: Option<bool>,
}

/// A role to grant.
#[derive(Debug, Clone)]
pub struct Grant {
    pub org: String,
    /// owner, contributor, viewer or auditor.
    pub role: String,
    /// A contributor's unit (they may enter measurements for it and the units under it).
    pub unit: Option<String>,
}

/// A new API token.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    /// read (default) or write.
    pub scope: Option<String>,
    /// Days until the token stops working, 1–[`MAX_TOKEN_DAYS`]; none: until revoked.
    pub expires_in_days: Option<i64>,
}

/// The longest life a token can be given at creation, in days.
pub const MAX_TOKEN_DAYS: i64 = 730;

/// When a token made at `now` to last `days` days stops working (checked: 1–730 days).
pub fn token_expiry(days: Option<i64>, now: Timestamp) -> Result<Option<Timestamp>> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Ok(Some(Timestamp::from_unix_seconds(
            now.unix_seconds() + d * 86_400,
        ))),
        Some(d) => Err(AppError::invalid(
            "expires_in_days",
            format!("{d} is not a whole number of days from 1 to {MAX_TOKEN_DAYS}"),
        )),
    }
}

/// The password to set: the one given (checked), or a new one-time password.
fn password_or_one_time(given: Option<String>) -> Result<(String, bool)> {
    match given {
        Some(p) if p.chars().count() < MIN_PASSWORD => Err(AppError::invalid(
            "password",
            format!("at least {MIN_PASSWORD} characters"),
        )),
        Some(p) => Ok((p, false)),
        None => Ok((random_hex(12), true)),
    }
}

/// The account with this name.
pub async fn credentials(store: &Store, username: &str) -> Result<Credentials> {
    store
        .credentials(username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no user `{username}`")))
}

/// A role in an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Membership")]
#[schemars(example = MembershipView { org: "demo".into(), role: "contributor".into(), unit: Some(3) })]
pub struct MembershipView {
    /// The organisation's code.
    pub org: String,
    #[schemars(extend("enum" = ["owner", "contributor", "viewer", "auditor"]))]
    pub role: String,
    /// A contributor's unit (its id): they measure for it and the units under it.
    pub unit: Option<i64>,
}

impl From<&Membership> for MembershipView {
    fn from(m: &Membership) -> MembershipView {
        MembershipView {
            org: m.org_code.clone(),
            role: m.role.clone(),
            unit: m.unit.map(|u| u.0),
        }
    }
}

/// An account with its roles, as the API answers it and `mieruka user list --json` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "User")]
#[schemars(example = UserView::example())]
pub struct UserView {
    pub username: String,
    /// The name shown.
    pub name: String,
    /// An administrator of the server.
    pub admin: bool,
    /// A disabled account cannot sign in and its tokens are refused.
    pub disabled: bool,
    pub roles: Vec<MembershipView>,
}

impl UserView {
    /// The account with this name.
    pub async fn read(store: &Store, username: &str) -> Result<UserView> {
        let u = store.user(username).await?;
        let c = credentials(store, username).await?;
        let roles = store
            .memberships(c.user)
            .await?
            .iter()
            .map(MembershipView::from)
            .collect();
        Ok(UserView {
            username: u.username,
            name: u.display_name,
            admin: c.is_admin,
            disabled: c.disabled,
            roles,
        })
    }

    fn example() -> UserView {
        UserView {
            username: "sato".into(),
            name: "佐藤 花子".into(),
            admin: false,
            disabled: false,
            roles: vec![MembershipView {
                org: "demo".into(),
                role: "owner".into(),
                unit: None,
            }],
        }
    }
}

/// Every account, as listed.
pub async fn list(store: &Store) -> Result<Vec<UserView>> {
    let mut out = Vec::new();
    for u in store.users().await? {
        out.push(UserView::read(store, &u.username).await?);
    }
    Ok(out)
}

/// Creates an account; returns the one-time password when one was made.
pub async fn create(store: &Store, u: NewUser, now: Timestamp) -> Result<Option<String>> {
    let (password, one_time) = password_or_one_time(u.password)?;
    let id = store.create_user(&u.username, &u.name, u.lang, now).await?;
    store
        .set_password_hash(
            id,
            &hash_password_blocking(password.clone()).await?,
            one_time,
        )
        .await?;
    if u.admin {
        store.set_admin(id, true).await?;
    }
    Ok(one_time.then_some(password))
}

/// Changes an account's flags. `me`, when given, is the administrator asking: they cannot
/// disable themselves or drop their own administration, so the last way in is not closed by
/// mistake.
pub async fn change(
    store: &Store,
    me: Option<UserId>,
    username: &str,
    c: UserChange,
) -> Result<()> {
    let target = credentials(store, username).await?;
    if Some(target.user) == me && (c.disabled == Some(true) || c.admin == Some(false)) {
        return Err(AppError::Conflict(
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
) -> Result<Option<String>> {
    let target = credentials(store, username).await?;
    let (password, one_time) = password_or_one_time(given)?;
    store
        .set_password_hash(
            target.user,
            &hash_password_blocking(password.clone()).await?,
            one_time,
        )
        .await?;
    Ok(one_time.then_some(password))
}

/// Grants (or changes) a role in an organisation.
pub async fn grant(store: &Store, username: &str, g: Grant, now: Timestamp) -> Result<()> {
    let target = credentials(store, username).await?;
    let org = store
        .organisation(&g.org)
        .await
        .map_err(|_| AppError::invalid("org", format!("there is no organisation `{}`", g.org)))?;
    let unit = match &g.unit {
        None => None,
        Some(u) => Some(
            store
                .units(org.id)
                .await?
                .iter()
                .find(|x| x.unit.code.as_str() == u)
                .ok_or_else(|| {
                    AppError::invalid("unit", format!("organisation {} has no unit `{u}`", g.org))
                })?
                .id,
        ),
    };
    Ok(store.grant(target.user, org.id, &g.role, unit, now).await?)
}

/// Removes a role.
pub async fn revoke(store: &Store, username: &str, org: &str) -> Result<()> {
    let target = credentials(store, username).await?;
    let org = store
        .organisation(org)
        .await
        .map_err(|_| AppError::NotFound(format!("there is no organisation `{org}`")))?;
    Ok(store.revoke_membership(target.user, org.id).await?)
}

/// Creates an API token; returns its id, scopes and the secret (`mk_<prefix>_<secret>`), which
/// is not kept.
pub async fn create_token(
    store: &Store,
    user: UserId,
    t: NewToken,
    now: Timestamp,
) -> Result<(i64, Vec<String>, String)> {
    let scopes = match t.scope.as_deref().unwrap_or("read") {
        "read" => vec!["read".to_string()],
        "write" => vec!["read".to_string(), "write".to_string()],
        other => {
            return Err(AppError::invalid(
                "scope",
                format!("`{other}` is not read or write"),
            ));
        }
    };
    let name = mieruka_domain::text::normalise(&t.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "1–100 characters"));
    }
    mieruka_domain::text::check_name(&name).map_err(|e| AppError::invalid("name", e))?;
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

/// On first start, when there is no administrator, creates `admin` with a one-time password
/// that must be changed at first sign-in; returns the password to print once.
pub async fn ensure_admin(store: &Store, now: Timestamp) -> Result<Option<String>> {
    if store.admin_count().await? > 0 {
        return Ok(None);
    }
    let password = random_hex(12);
    let id = match store.credentials("admin").await? {
        Some(c) => c.user,
        None => store.create_user("admin", "管理者", Lang::Ja, now).await?,
    };
    store
        .set_password_hash(id, &hash_password_blocking(password.clone()).await?, true)
        .await?;
    store.set_admin(id, true).await?;
    Ok(Some(password))
}
