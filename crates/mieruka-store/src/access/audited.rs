//! What the audit log records about account changes: users are keyed by username, memberships
//! by `org/username`, and only flags, roles and units are recorded — never a password hash or a
//! token digest.

use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::ids::{OrgId, UserId};
use crate::orgs::org_slug;
use crate::{Result, Store, StoreError};

/// A user's name and one of their flags, read (and on PostgreSQL locked) inside a change's
/// transaction: account entries in the audit log are keyed by the name.
pub(super) async fn user_flag(
    store: &Store,
    tx: &mut crate::audit::WriteTx,
    user: UserId,
    column: &'static str,
) -> Result<Option<(String, bool)>> {
    let sql = format!(
        "SELECT username, {column} AS flag FROM users WHERE id = $1{}",
        store.for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| Ok((r.try_get("username")?, r.try_get::<i64, _>("flag")? != 0)))
        .transpose()
}

/// Sets one of a user's flags; the entry for it, or none when the user is missing or the flag
/// already had that value.
pub(super) async fn set_flag(
    store: &Store,
    tx: &mut crate::audit::WriteTx,
    user: UserId,
    column: &'static str,
    value: bool,
) -> Result<Option<Change>> {
    let Some((name, before)) = user_flag(store, tx, user, column).await? else {
        return Ok(None);
    };
    let sql = format!("UPDATE users SET {column} = $1 WHERE id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(value))
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    Ok(Change::update_if_changed(
        "user",
        name,
        None,
        &json!({ column: before }),
        &json!({ column: value }),
    ))
}

/// A membership as the audit log records it: the role and a contributor's unit, by code.
pub(super) async fn membership_record(
    tx: &mut crate::audit::WriteTx,
    user: UserId,
    org: OrgId,
) -> Result<Option<serde_json::Value>> {
    let row = sqlx::query(
        "SELECT m.role, u.code FROM memberships m LEFT JOIN units u ON u.id = m.unit_id \
         WHERE m.user_id = $1 AND m.org_id = $2",
    )
    .bind(user.0)
    .bind(org.0)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        let role: String = r.try_get("role")?;
        let unit: Option<String> = r.try_get("code")?;
        Ok(json!({ "role": role, "unit": unit }))
    })
    .transpose()
}

/// The key of a user's entries about an organisation: `org/username`.
pub(super) async fn member_key(
    tx: &mut crate::audit::WriteTx,
    user: UserId,
    org: OrgId,
) -> Result<String> {
    let name: Option<String> = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?;
    let name = name.ok_or_else(|| StoreError::NotFound {
        what: "user",
        key: user.to_string(),
    })?;
    Ok(format!("{}/{name}", org_slug(tx, org).await?))
}
