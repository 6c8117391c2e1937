//! People who use mieruka. Roles and sign-in build on this table.

use mieruka_domain::org::parse_name;
use mieruka_domain::{Lang, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::ids::UserId;
use crate::{Result, Store, StoreError};

/// A user as stored (the password hash never leaves this crate).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub lang: Lang,
    pub created_at: String,
}

/// 1–64 characters of `a–z 0–9 . _ -` (or an e-mail address).
pub fn check_username(s: &str) -> Result<String> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@+".contains(c));
    if ok {
        Ok(s.to_string())
    } else {
        Err(StoreError::invalid(
            "username",
            format!("`{s}` must be 1–64 of a–z, 0–9 and . _ - @ +"),
        ))
    }
}

fn user_from_row(row: &AnyRow) -> Result<StoredUser> {
    let username: String = row.try_get("username")?;
    let lang: String = row.try_get("lang")?;
    let lang = lang.parse().map_err(|reason| StoreError::Corrupt {
        what: format!("user {username}"),
        reason,
    })?;
    Ok(StoredUser {
        id: UserId(row.try_get("id")?),
        display_name: row.try_get("display_name")?,
        created_at: row.try_get("created_at")?,
        username,
        lang,
    })
}

impl Store {
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        lang: Lang,
        now: Timestamp,
    ) -> Result<UserId> {
        let username = check_username(username)?;
        let display_name = parse_name("display_name", display_name)
            .map_err(|e| StoreError::invalid("display_name", e))?;
        let lang = match lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        };
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, lang, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&username)
        .bind(&display_name)
        .bind(lang)
        .bind(now.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "user", &username))?;
        // Credentials never enter the log: only who the user is.
        let after = serde_json::json!({
            "username": username,
            "display_name": display_name,
            "lang": lang,
        });
        self.commit_audited(tx, &[Change::create("user", &username, None, &after)])
            .await?;
        Ok(UserId(id))
    }

    pub async fn user(&self, username: &str) -> Result<StoredUser> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "user",
                key: username.to_string(),
            })?;
        user_from_row(&row)
    }

    pub async fn users(&self) -> Result<Vec<StoredUser>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY username")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Remembers the language a user reads mieruka in. Audited; no entry when it is unchanged.
    pub async fn set_user_lang(&self, user: UserId, lang: Lang) -> Result<()> {
        let code = match lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        };
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT username, lang FROM users WHERE id = $1{}",
            self.for_update()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "user",
                key: user.to_string(),
            })?;
        let username: String = row.try_get("username")?;
        let before: String = row.try_get("lang")?;
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(code)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::update_if_changed(
            "user",
            username,
            None,
            &serde_json::json!({ "lang": before }),
            &serde_json::json!({ "lang": code }),
        );
        self.commit_audited(tx, change.as_slice()).await
    }
}
