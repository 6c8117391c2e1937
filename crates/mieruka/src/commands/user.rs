//! `mieruka user`: accounts, their roles per organisation, and API tokens, through the same
//! use cases as the administration pages and the API (`mieruka_app::users`).

use std::io::Read as _;

use anyhow::{Result, anyhow};
use mieruka_app::users::{self, Grant, NewToken, NewUser, UserChange};
use mieruka_domain::Lang;
use mieruka_store::Store;

use super::{AppResultExt, Ctx, now};
use crate::cli::UserCommand;

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

async fn user_id(store: &Store, username: &str) -> Result<mieruka_store::UserId> {
    Ok(users::credentials(store, username)
        .await
        .map_err(|e| anyhow!("{e} (`mieruka user list`)"))?
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
            let user = NewUser {
                username: username.clone(),
                name,
                admin,
                password,
                lang: Lang::Ja,
            };
            let one_time = users::create(&store, user, now()).await.cli()?;
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
            match users::reset_password(&store, &username, given)
                .await
                .cli()?
            {
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
            user_id(&store, &username).await?;
            let grant = Grant {
                org: org.clone(),
                role: role.clone(),
                unit,
            };
            users::grant(&store, &username, grant, now()).await.cli()?;
            println!("{username} is {role} of {org}");
        }
        UserCommand::Revoke { username, org } => {
            user_id(&store, &username).await?;
            users::revoke(&store, &username, &org).await.cli()?;
            println!("{username} has no role in {org} now");
        }
        UserCommand::Disable { username, enable } => {
            user_id(&store, &username).await?;
            let change = UserChange {
                disabled: Some(!enable),
                admin: None,
            };
            users::change(&store, None, &username, change).await.cli()?;
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
            let id = user_id(&store, &username).await?;
            let request = NewToken {
                name,
                scope: Some(scope.clone()),
                expires_in_days,
            };
            let (n, _, token) = users::create_token(&store, id, request, now())
                .await
                .cli()?;
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
            let items = users::list(&store).await.cli()?;
            if json {
                println!("{}", super::json_text(&items)?);
            } else {
                for i in &items {
                    let roles: Vec<String> = i
                        .roles
                        .iter()
                        .map(|r| format!("{}:{}", r.org, r.role))
                        .collect();
                    let admin = if i.admin {
                        format!(" {}", mieruka_domain::i18n::tr(lang, "cli_user_admin", &[]))
                    } else {
                        String::new()
                    };
                    println!("{}  {}{admin}  {}", i.username, i.name, roles.join(", "));
                }
            }
        }
    }
    store.close().await;
    Ok(())
}
