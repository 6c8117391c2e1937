//! Who may do what: account credentials, roles per organisation, sessions shared by every
//! instance, API tokens, and sign-in attempts for throttling. Secrets never come back out: the
//! store keeps password hashes and SHA-256 digests of session and token secrets only.

mod audited;
mod throttle;

use mieruka_domain::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::{OrgId, UnitId, UserId};
use crate::{Result, Store, StoreError};
use audited::{member_key, membership_record, set_flag, user_flag};
pub use throttle::{FORGET_AFTER, ThrottleLimits, wait_after};

/// What the server needs to check a sign-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    pub user: UserId,
    pub username: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub must_change_password: bool,
    /// The language the user reads mieruka in (their remembered choice).
    pub lang: mieruka_domain::Lang,
}

/// A role in one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub org_id: OrgId,
    pub org_code: String,
    pub role: String,
    /// A contributor's subtree root.
    pub unit: Option<UnitId>,
}

/// A live session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: UserId,
    pub csrf_token: String,
    pub expires_unix: i64,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: i64,
    pub user: UserId,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    /// When the token stops working (RFC 3339, UTC); none: it works until revoked.
    pub expires_at: Option<String>,
}

impl ApiToken {
    /// Whether the token no longer works at `now`.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at
            .as_deref()
            .is_some_and(|at| at <= now.to_string().as_str())
    }
}

fn credentials(row: &AnyRow) -> Result<Credentials> {
    Ok(Credentials {
        user: UserId(row.try_get("id")?),
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        lang: {
            let lang: String = row.try_get("lang")?;
            lang.parse().map_err(|reason| StoreError::Corrupt {
                what: "user language".into(),
                reason,
            })?
        },
    })
}

fn token(row: &AnyRow) -> Result<ApiToken> {
    let scopes: String = row.try_get("scopes")?;
    let revoked: Option<String> = row.try_get("revoked_at")?;
    Ok(ApiToken {
        id: row.try_get("id")?,
        user: UserId(row.try_get("user_id")?),
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scopes: serde_json::from_str(&scopes).map_err(|e| StoreError::Corrupt {
            what: "API token scopes".into(),
            reason: e.to_string(),
        })?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked: revoked.is_some(),
        expires_at: row.try_get("expires_at")?,
    })
}

impl Store {
    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, is_admin, disabled, must_change_password, lang FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(credentials).transpose()
    }

    pub async fn credentials_by_id(&self, user: UserId) -> Result<Option<Credentials>> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, is_admin, disabled, must_change_password, lang FROM users WHERE id = $1",
        )
        .bind(user.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(credentials).transpose()
    }

    /// Sets a password hash (PHC string) and whether it must be changed at next sign-in, as an
    /// administrator does: every session of the account ends with the change.
    pub async fn set_password_hash(
        &self,
        user: UserId,
        hash: &str,
        must_change: bool,
    ) -> Result<()> {
        self.set_password(user, hash, must_change, None).await
    }

    /// Sets a password hash as its owner does, from the session whose cookie digest is
    /// `keep`: every other session of the account ends with the change.
    pub async fn change_own_password_hash(
        &self,
        user: UserId,
        hash: &str,
        keep: &str,
    ) -> Result<()> {
        self.set_password(user, hash, false, Some(keep)).await
    }

    /// Ends the account's sessions (all, or all but the one whose cookie digest is `keep`);
    /// returns how many ended. Recorded in the audit log when any did.
    pub async fn end_sessions(&self, user: UserId, keep: Option<&str>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let Some((name, _)) = user_flag(self, &mut tx, user, "disabled").await? else {
            return Err(StoreError::NotFound {
                what: "user",
                key: user.to_string(),
            });
        };
        let (ended, change) = end_sessions_in(&mut tx, user, &name, keep).await?;
        self.commit_audited(tx, change.as_slice()).await?;
        Ok(ended)
    }

    async fn set_password(
        &self,
        user: UserId,
        hash: &str,
        must_change: bool,
        keep: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let Some((name, before)) = user_flag(self, &mut tx, user, "must_change_password").await?
        else {
            return Err(StoreError::NotFound {
                what: "user",
                key: user.to_string(),
            });
        };
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(hash)
            .bind(i64::from(must_change))
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        // The hash never enters the log: only that a password was set, and whether it must be
        // changed at the next sign-in.
        let mut changes = vec![Change::update(
            "user_password",
            name.clone(),
            None,
            &json!({ "must_change_password": before }),
            &json!({ "must_change_password": must_change }),
        )];
        let (_, ended) = end_sessions_in(&mut tx, user, &name, keep).await?;
        changes.extend(ended);
        self.commit_audited(tx, &changes).await
    }

    pub async fn set_admin(&self, user: UserId, admin: bool) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let change = set_flag(self, &mut tx, user, "is_admin", admin).await?;
        self.commit_audited(tx, change.as_slice()).await
    }

    pub async fn set_disabled(&self, user: UserId, disabled: bool) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut changes: Vec<Change> = set_flag(self, &mut tx, user, "disabled", disabled)
            .await?
            .into_iter()
            .collect();
        if disabled && let Some((name, _)) = user_flag(self, &mut tx, user, "disabled").await? {
            let (_, ended) = end_sessions_in(&mut tx, user, &name, None).await?;
            changes.extend(ended);
        }
        self.commit_audited(tx, &changes).await
    }

    /// How many administrators exist (the first start creates one when there is none).
    pub async fn admin_count(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE is_admin = 1")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Grants (or changes) a user's role in an organisation.
    pub async fn grant(
        &self,
        user: UserId,
        org: OrgId,
        role: &str,
        unit: Option<UnitId>,
        now: Timestamp,
    ) -> Result<()> {
        if !["owner", "contributor", "viewer", "auditor"].contains(&role) {
            return Err(StoreError::invalid(
                "role",
                format!("`{role}` is not owner, contributor, viewer or auditor"),
            ));
        }
        if (role == "contributor") != unit.is_some() {
            return Err(StoreError::invalid(
                "unit",
                "a contributor, and only a contributor, is limited to a unit",
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut unit_code = None;
        if let Some(u) = unit {
            let row = sqlx::query("SELECT org_id, code FROM units WHERE id = $1")
                .bind(u.0)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(r) if r.try_get::<i64, _>("org_id")? == org.0 => {
                    unit_code = Some(r.try_get::<String, _>("code")?);
                }
                _ => {
                    return Err(StoreError::invalid(
                        "unit",
                        "the unit is not this organisation's",
                    ));
                }
            }
        }
        let key = member_key(&mut tx, user, org).await?;
        let before = membership_record(&mut tx, user, org).await?;
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_id = $2")
            .bind(user.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO memberships (user_id, org_id, role, unit_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(user.0)
            .bind(org.0)
            .bind(role)
            .bind(unit.map(|u| u.0))
            .bind(now.to_string())
            .execute(&mut *tx)
            .await?;
        let after = json!({ "role": role, "unit": unit_code });
        let change = match before {
            None => Some(Change::create("membership", key, Some(org), &after)),
            Some(before) => {
                Change::update_if_changed("membership", key, Some(org), &before, &after)
            }
        };
        self.commit_audited(tx, change.as_slice()).await
    }

    pub async fn revoke_membership(&self, user: UserId, org: OrgId) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let Some(before) = membership_record(&mut tx, user, org).await? else {
            return Ok(());
        };
        let key = member_key(&mut tx, user, org).await?;
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_id = $2")
            .bind(user.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::delete("membership", key, Some(org), &before);
        self.commit_audited(tx, &[change]).await
    }

    pub async fn memberships(&self, user: UserId) -> Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT m.org_id, o.slug, m.role, m.unit_id FROM memberships m JOIN organisations o ON o.id = m.org_id \
             WHERE m.user_id = $1 ORDER BY o.slug",
        )
        .bind(user.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let unit: Option<i64> = r.try_get("unit_id")?;
                Ok(Membership {
                    org_id: OrgId(r.try_get("org_id")?),
                    org_code: r.try_get("slug")?,
                    role: r.try_get("role")?,
                    unit: unit.map(UnitId),
                })
            })
            .collect()
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        user: UserId,
        csrf: &str,
        expires_unix: i64,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_unix) VALUES ($1, $2, $3, $4, $5)")
            .bind(id_hash)
            .bind(user.0)
            .bind(csrf)
            .bind(now.to_string())
            .bind(expires_unix)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A session that has not expired at `now_unix`.
    pub async fn session(&self, id_hash: &str, now_unix: i64) -> Result<Option<Session>> {
        let row = sqlx::query("SELECT user_id, csrf_token, expires_unix FROM sessions WHERE id_hash = $1 AND expires_unix > $2")
            .bind(id_hash)
            .bind(now_unix)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(Session {
                user: UserId(r.try_get("user_id")?),
                csrf_token: r.try_get("csrf_token")?,
                expires_unix: r.try_get("expires_unix")?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes expired sessions and old sign-in attempts.
    pub async fn prune_access(&self, now_unix: i64) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_unix <= $1")
            .bind(now_unix)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM login_attempts WHERE at_unix < $1")
            .bind(now_unix - 86_400)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM login_throttle WHERE last_unix < $1")
            .bind(now_unix - FORGET_AFTER)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Failed sign-ins since `since_unix`, for this username and for this address.
    pub async fn failed_logins(
        &self,
        username: &str,
        address: &str,
        since_unix: i64,
    ) -> Result<(i64, i64)> {
        let by_user: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND succeeded = 0 AND at_unix >= $2")
            .bind(username)
            .bind(since_unix)
            .fetch_one(self.pool())
            .await?;
        let by_address: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts WHERE address = $1 AND succeeded = 0 AND at_unix >= $2")
            .bind(address)
            .bind(since_unix)
            .fetch_one(self.pool())
            .await?;
        Ok((by_user, by_address))
    }

    pub async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        prefix: &str,
        token_hash: &str,
        scopes: &[String],
        now: Timestamp,
    ) -> Result<i64> {
        self.create_api_token_until(user, name, prefix, token_hash, scopes, None, now)
            .await
    }

    /// [`Store::create_api_token`] with an expiry: from `expires_at` on, the token is refused.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_api_token_until(
        &self,
        user: UserId,
        name: &str,
        prefix: &str,
        token_hash: &str,
        scopes: &[String],
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<i64> {
        if let Some(at) = expires_at
            && at <= now
        {
            return Err(StoreError::invalid("expires_at", "must be in the future"));
        }
        let expires_at = expires_at.map(|t| t.to_string());
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, prefix, token_hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user.0)
        .bind(name)
        .bind(prefix)
        .bind(token_hash)
        .bind(serde_json::to_string(scopes).expect("scopes serialise"))
        .bind(now.to_string())
        .bind(expires_at.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        let owner: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
        // The digest stays out of the log; the prefix is what people see to tell tokens apart.
        let after = json!({
            "user": owner, "name": name, "prefix": prefix, "scopes": scopes, "expires_at": expires_at,
        });
        let change = Change::create("api_token", format!("api token {id}"), None, &after);
        self.commit_audited(tx, &[change]).await?;
        Ok(id)
    }

    /// The live (unrevoked, unexpired) token with this digest; marks it used.
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<ApiToken>> {
        let row =
            sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let t = token(&row)?;
        if t.expired(now) {
            return Ok(None);
        }
        // Record use at most once a minute: a write per request would queue every reader behind it.
        let stale = Timestamp::from_unix_seconds(now.unix_seconds() - 60).to_string();
        if t.last_used_at
            .as_deref()
            .is_none_or(|last| last < stale.as_str())
        {
            self.touch_api_token(t.id, now).await?;
        }
        Ok(Some(t))
    }

    /// Records that token `id` was used at `now` (bookkeeping, not a change: not audited).
    pub async fn touch_api_token(&self, id: i64, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now.to_string())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY id")
            .bind(user.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(token).collect()
    }

    pub async fn revoke_api_token(&self, user: UserId, id: i64, now: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now.to_string())
            .bind(id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "API token",
                key: id.to_string(),
            });
        }
        let change = Change::update(
            "api_token",
            format!("api token {id}"),
            None,
            &json!({ "revoked": false }),
            &json!({ "revoked": true }),
        );
        self.commit_audited(tx, &[change]).await
    }

    /// Revokes every live token of the user, each with its entry in the audit log; returns how
    /// many were revoked.
    pub async fn revoke_api_tokens(&self, user: UserId, now: Timestamp) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT id FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id{}",
            self.for_update()
        );
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now.to_string())
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        let changes: Vec<Change> = ids
            .iter()
            .map(|id| {
                Change::update(
                    "api_token",
                    format!("api token {id}"),
                    None,
                    &json!({ "revoked": false }),
                    &json!({ "revoked": true }),
                )
            })
            .collect();
        self.commit_audited(tx, &changes).await?;
        Ok(ids.len() as u64)
    }
}

/// Ends a user's sessions inside a change's transaction (all, or all but `keep`, a cookie
/// digest): how many, and the audit entry saying so when any ended.
async fn end_sessions_in(
    tx: &mut crate::audit::WriteTx,
    user: UserId,
    username: &str,
    keep: Option<&str>,
) -> Result<(u64, Option<Change>)> {
    let done = match keep {
        Some(keep) => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                .bind(user.0)
                .bind(keep)
                .execute(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut **tx)
                .await?
        }
    };
    let ended = done.rows_affected();
    // Only how many: a session's digest stays out of the log.
    let change = (ended > 0).then(|| {
        Change::delete(
            "user_sessions",
            username.to_string(),
            None,
            &json!({ "sessions": ended, "kept_current": keep.is_some() }),
        )
    });
    Ok((ended, change))
}
