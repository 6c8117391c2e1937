//! `mieruka user`: accounts, roles and API tokens from the command line.

mod common;

use common::Env;

#[test]
fn accounts_roles_and_tokens() {
    let env = Env::new();
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let out = env.ok(&["user", "add", "tanaka", "--name", "田中"]);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("one-time password: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("a one-time password is printed: {out}"));
    assert_eq!(password.len(), 24, "{password}");
    env.fails(
        &["user", "add", "tanaka", "--name", "again"],
        "already exists",
    );
    env.ok(&[
        "user",
        "grant",
        "tanaka",
        "--org",
        "demo",
        "--role",
        "contributor",
        "--unit",
        "support",
    ]);
    env.fails(
        &[
            "user",
            "grant",
            "tanaka",
            "--org",
            "demo",
            "--role",
            "contributor",
            "--unit",
            "mars",
        ],
        "--unit",
    );
    env.fails(
        &[
            "user", "grant", "nobody", "--org", "demo", "--role", "viewer",
        ],
        "there is no user `nobody`",
    );
    let list = env.json(&["user", "list", "--json"]);
    let tanaka = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "tanaka")
        .unwrap()
        .clone();
    assert_eq!(tanaka["roles"][0]["role"], "contributor");

    let out = env.ok(&[
        "user",
        "token",
        "tanaka",
        "--name",
        "import job",
        "--scope",
        "write",
    ]);
    let token = out
        .split_whitespace()
        .find(|w| w.starts_with("mk_"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(token.len(), "mk_".len() + 8 + 1 + 48, "{token}");
    env.fails(
        &["user", "token", "tanaka", "--name", "x", "--scope", "admin"],
        "--scope",
    );
    let id = out
        .split('#')
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap();
    env.ok(&["user", "revoke-token", "tanaka", id]);
    env.fails(&["user", "revoke-token", "tanaka", id], "not found");

    let out = env.ok(&["user", "passwd", "tanaka"]);
    assert!(out.starts_with("one-time password for tanaka: "), "{out}");
    env.ok(&["user", "disable", "tanaka"]);
    let list = env.json(&["user", "list", "--json"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "tanaka" && u["disabled"] == true)
    );
}

/// An account made before the demo (or by a demo run that was interrupted) is completed with its
/// role, and its own password is kept.
#[test]
fn the_demo_completes_an_existing_account_without_replacing_its_password() {
    let env = Env::new();
    env.ok(&["org", "create", "demo", "--name", "下準備"]);
    let out = env.ok(&["user", "add", "exec", "--name", "役員"]);
    assert!(out.contains("one-time password"), "{out}");
    env.ok(&["demo", "--no-serve", "--today", "2026-11-26"]);
    let list = env.json(&["user", "list", "--json"]);
    let exec = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "exec")
        .unwrap()
        .clone();
    assert_eq!(exec["roles"][0]["org"], "demo");
    assert_eq!(exec["roles"][0]["role"], "viewer");
    assert_eq!(
        exec["name"], "役員",
        "the existing account is kept as it was"
    );
}

/// Tokens that expire, revoking every token of an account, and ending its sessions.
#[test]
fn tokens_expire_and_an_account_is_signed_out_everywhere() {
    let env = Env::new();
    env.ok(&["user", "add", "sato", "--name", "佐藤"]);
    for bad in ["0", "731", "-1"] {
        env.fails(
            &[
                "user",
                "token",
                "sato",
                "--name",
                "x",
                &format!("--expires-in-days={bad}"),
            ],
            "--expires-in-days",
        );
    }
    let out = env.ok(&[
        "user",
        "token",
        "sato",
        "--name",
        "quarterly",
        "--expires-in-days",
        "90",
    ]);
    assert!(out.contains("90 days"), "{out}");
    env.ok(&["user", "token", "sato", "--name", "forever"]);
    let out = env.ok(&["user", "revoke-tokens", "sato"]);
    assert!(out.starts_with("2 API tokens of sato revoked"), "{out}");
    let out = env.ok(&["user", "revoke-tokens", "sato"]);
    assert!(out.starts_with("0 API tokens"), "{out}");
    let out = env.ok(&["user", "sign-out", "sato"]);
    assert!(out.starts_with("0 sessions of sato ended"), "{out}");
    env.fails(&["user", "sign-out", "nobody"], "there is no user `nobody`");
}
