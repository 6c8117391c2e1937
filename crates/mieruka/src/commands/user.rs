//! `mieruka user`: accounts, their roles per organisation, and API tokens.

use std::io::Read as _;

use anyhow::{Result, anyhow, bail};
use mieruka_domain::Lang;
use mieruka_server::accounts;
use mieruka_store::Store;
use serde_json::json;

use super::{Ctx, find_org, now};
use crate::cli::UserCommand;

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.trim_end_matches(['\n', '\r']).to_string();
    if p.chars().count() < 12 {
        bail!("the password must be at least 12 characters");
    }
    Ok(p)
}

async fn user_id(store: &Store, username: &str) -> Result<mieruka_store::UserId> {
    Ok(store
        .credentials(username)
        .await?
        .ok_or_else(|| anyhow!("there is no user `{username}` (`mieruka user list`)"))?
        .user)
}

pub async fn run(ctx: &Ctx, command: UserCommand) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    match command {
        UserCommand::Add {
            username,
            name,
            admin,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let user = accounts::NewUser {
                username: username.clone(),
                name,
                admin,
                password,
                lang: Lang::Ja,
            };
            let one_time = accounts::create(&store, user).await?;
            println!("created {username}");
            if let Some(password) = one_time {
                println!(
                    "one-time password: {password} (shown once; it must be changed at the first sign-in)"
                );
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            user_id(&store, &username).await?;
            let given = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            match accounts::reset_password(&store, &username, given).await? {
                Some(password) => {
                    println!("one-time password for {username}: {password} (shown once)")
                }
                None => println!("password of {username} changed"),
            }
        }
        UserCommand::Grant {
            username,
            org,
            role,
            unit,
        } => {
            let id = user_id(&store, &username).await?;
            let o = find_org(&store, &org).await?;
            let unit_id = match unit {
                None => None,
                Some(u) => Some(
                    store
                        .units(o.id)
                        .await?
                        .iter()
                        .find(|x| x.unit.code.as_str() == u)
                        .ok_or_else(|| anyhow!("--unit: organisation {org} has no unit `{u}`"))?
                        .id,
                ),
            };
            store.grant(id, o.id, &role, unit_id, now()).await?;
            println!("{username} is {role} of {org}");
        }
        UserCommand::Revoke { username, org } => {
            let id = user_id(&store, &username).await?;
            let o = find_org(&store, &org).await?;
            store.revoke_membership(id, o.id).await?;
            println!("{username} has no role in {org} now");
        }
        UserCommand::Disable { username, enable } => {
            let id = user_id(&store, &username).await?;
            store.set_disabled(id, !enable).await?;
            println!(
                "{username} is {}",
                if enable {
                    "enabled"
                } else {
                    "disabled; their sessions ended"
                }
            );
        }
        UserCommand::Token {
            username,
            name,
            scope,
            expires_in_days,
        } => {
            if !["read", "write"].contains(&scope.as_str()) {
                bail!("--scope: `{scope}` is not read or write");
            }
            let id = user_id(&store, &username).await?;
            let request = accounts::NewToken {
                name,
                scope: Some(scope.clone()),
                expires_in_days,
            };
            let (n, _, token) = accounts::create_token(&store, id, request)
                .await
                .map_err(|e| match e {
                    mieruka_server::ApiError::Invalid {
                        field: Some(f),
                        reason,
                    } => anyhow!("--{}: {reason}", f.replace('_', "-")),
                    other => anyhow!(other),
                })?;
            println!("API token #{n} for {username} ({scope}): {token}");
            if let Some(days) = expires_in_days {
                println!("(it stops working in {days} days)");
            }
            println!("(shown once; send it as `Authorization: Bearer …`)");
        }
        UserCommand::RevokeToken { username, id } => {
            let uid = user_id(&store, &username).await?;
            store.revoke_api_token(uid, id, now()).await?;
            println!("API token #{id} revoked");
        }
        UserCommand::RevokeTokens { username } => {
            let uid = user_id(&store, &username).await?;
            let n = store.revoke_api_tokens(uid, now()).await?;
            println!("{n} API tokens of {username} revoked");
        }
        UserCommand::SignOut { username } => {
            let uid = user_id(&store, &username).await?;
            let n = store.end_sessions(uid, None).await?;
            println!("{n} sessions of {username} ended");
        }
        UserCommand::List { json } => {
            let mut items = Vec::new();
            for u in store.users().await? {
                let c = store
                    .credentials(&u.username)
                    .await?
                    .expect("listed user exists");
                let roles: Vec<_> = store
                    .memberships(c.user)
                    .await?
                    .into_iter()
                    .map(|m| json!({"org": m.org_code, "role": m.role, "unit": m.unit}))
                    .collect();
                items.push(json!({
                    "username": u.username, "name": u.display_name, "admin": c.is_admin,
                    "disabled": c.disabled, "roles": roles,
                }));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                for i in &items {
                    let roles: Vec<String> = i["roles"]
                        .as_array()
                        .unwrap_or(&Vec::new())
                        .iter()
                        .map(|r| {
                            format!(
                                "{}:{}",
                                r["org"].as_str().unwrap_or(""),
                                r["role"].as_str().unwrap_or("")
                            )
                        })
                        .collect();
                    let admin = if i["admin"] == true {
                        if lang == Lang::Ja {
                            " [管理者]"
                        } else {
                            " [admin]"
                        }
                    } else {
                        ""
                    };
                    println!(
                        "{}  {}{admin}  {}",
                        i["username"].as_str().unwrap_or(""),
                        i["name"].as_str().unwrap_or(""),
                        roles.join(", ")
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(())
}
