//! Sign-in and its defences: CSRF on cookie sessions, API tokens and their scopes, revocation,
//! throttling of failed sign-ins, and the first administrator's one-time password.

mod common;

use axum::http::Method;
use common::seed::{self, ADMIN, OWNER, VIEWER, sqlite_url, today};
use common::{Client, Server, expect, settings};
use mieruka_server::Settings;
use mieruka_store::Store;
use serde_json::json;

async fn demo() -> (tempfile::TempDir, Store, seed::Seeded) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    let seeded = seed::seed(&store).await;
    (dir, store, seeded)
}

fn unit(code: &str) -> serde_json::Value {
    json!({"code": code, "name": "部門", "kind": "department", "parent": "hq"})
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_the_same_site() {
    let (_dir, store, _) = demo().await;
    let server = Server::start(settings(), store).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;

    let mut no_token = owner.clone();
    no_token.csrf = None;
    let r = no_token.post("/api/v1/orgs/demo/units", unit("a")).await;
    expect(&r, 403, "a write without x-csrf-token");
    assert_eq!(r.code(), "csrf");
    let mut wrong = owner.clone();
    wrong.csrf = Some("0".repeat(32));
    expect(
        &wrong.post("/api/v1/orgs/demo/units", unit("a")).await,
        403,
        "a wrong token",
    );

    let body = serde_json::to_vec(&unit("b")).unwrap();
    for header in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = owner
            .raw(
                Method::POST,
                "/api/v1/orgs/demo/units",
                Some("application/json"),
                body.clone(),
                &[header],
            )
            .await;
        expect(&r, 403, header.0);
        assert_eq!(r.code(), "csrf");
    }
    // The same origin passes.
    let origin = format!("http://{}", server.addr);
    let r = owner
        .raw(
            Method::POST,
            "/api/v1/orgs/demo/units",
            Some("application/json"),
            body,
            &[("origin", &origin)],
        )
        .await;
    expect(&r, 201, "the same origin");
    // Reads need no token; signing in from another site is refused too.
    expect(&no_token.get("/api/v1/orgs/demo").await, 200, "a read");
    let r = Client::new(server.addr)
        .raw(
            Method::POST,
            "/api/v1/session",
            Some("application/json"),
            serde_json::to_vec(&json!({"username": OWNER.0, "password": OWNER.1})).unwrap(),
            &[("origin", "http://evil.example")],
        )
        .await;
    expect(&r, 403, "sign-in from another site");

    // Signing out ends the session on the server, not only in the browser.
    expect(&owner.delete("/api/v1/session").await, 200, "sign out");
    expect(&owner.get("/api/v1/me").await, 401, "after signing out");
    server.stop().await;
}

#[tokio::test]
async fn api_tokens_act_within_their_scope_until_revoked() {
    let (_dir, store, seeded) = demo().await;
    let server = Server::start(settings(), store).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;

    let write = owner
        .post(
            "/api/v1/me/tokens",
            json!({"name": "collector", "scope": "write"}),
        )
        .await;
    expect(&write, 201, "a write token");
    let secret = write.json["token"].as_str().unwrap().to_string();
    let prefix = write.json["prefix"].as_str().unwrap();
    assert!(
        secret.starts_with(&format!("mk_{prefix}_")) && secret.len() == 3 + 8 + 1 + 48,
        "{secret}"
    );
    let read = owner
        .post("/api/v1/me/tokens", json!({"name": "dashboard"}))
        .await;
    expect(&read, 201, "a read token");
    let read_secret = read.json["token"].as_str().unwrap().to_string();
    assert_eq!(read.json["scopes"], json!(["read"]));

    // The list never shows a secret.
    let listed = owner.get("/api/v1/me/tokens").await;
    expect(&listed, 200, "tokens");
    assert_eq!(listed.json["total"], 2);
    assert!(!listed.text.contains(&secret) && !listed.text.contains(&read_secret));

    // A bearer token needs no CSRF header; a read token cannot write.
    let bot = Client::with_token(server.addr, &secret);
    let path = format!("/api/v1/plans/{}/measurements", seeded.exercise.0);
    let m = json!({"unit": "security", "date": today().to_string(), "actual": 1, "plan": 2});
    let r = bot.post(&path, m.clone()).await;
    expect(&r, 201, "a write with a write token");
    assert_eq!(r.json["source"], "api");
    assert_eq!(r.json["recorded_by"], "ciso (API)");
    let reader = Client::with_token(server.addr, &read_secret);
    expect(
        &reader.get("/api/v1/orgs/demo/status").await,
        200,
        "read token reads",
    );
    let r = reader.post(&path, m.clone()).await;
    expect(&r, 403, "read token writes");
    assert_eq!(r.code(), "forbidden");
    // A token cannot make tokens or change the password: those need the person.
    expect(
        &bot.post("/api/v1/me/tokens", json!({"name": "more"})).await,
        403,
        "token makes a token",
    );
    expect(
        &bot.post(
            "/api/v1/me/password",
            json!({"current": OWNER.1, "new": "another-password-2026"}),
        )
        .await,
        403,
        "token changes the password",
    );
    // A malformed or unknown token is not a session.
    expect(
        &Client::with_token(server.addr, "mk_00000000_00")
            .get("/api/v1/me")
            .await,
        401,
        "unknown token",
    );

    // Revoked: 401 from then on. Someone else's token cannot be revoked (404).
    let id = write.json["id"].as_i64().unwrap();
    let viewer = Client::signed_in(server.addr, VIEWER.0, VIEWER.1).await;
    expect(
        &viewer.delete(&format!("/api/v1/me/tokens/{id}")).await,
        404,
        "another's token",
    );
    let r = owner.delete(&format!("/api/v1/me/tokens/{id}")).await;
    expect(&r, 200, "revoke");
    assert_eq!(r.json["revoked"], true);
    let r = bot.post(&path, m).await;
    expect(&r, 401, "revoked token");
    assert_eq!(r.code(), "unauthenticated");
    server.stop().await;
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account() {
    let (_dir, store, _) = demo().await;
    let settings = Settings {
        max_failed_logins: 3,
        ..settings()
    };
    let server = Server::start(settings, store).await;
    for _ in 0..3 {
        let (r, _) = Client::sign_in(server.addr, OWNER.0, "wrong-password").await;
        expect(&r, 401, "a wrong password");
        assert_eq!(r.code(), "unauthenticated");
    }
    let (r, _) = Client::sign_in(server.addr, OWNER.0, OWNER.1).await;
    expect(&r, 429, "the right password after too many failures");
    assert_eq!(r.code(), "throttled");
    // Unknown accounts answer like wrong passwords, and other accounts are not locked out.
    let (r, _) = Client::sign_in(server.addr, "nobody", "whatever-password").await;
    expect(&r, 401, "an unknown account");
    Client::signed_in(server.addr, VIEWER.0, VIEWER.1).await;
    server.stop().await;
}

#[tokio::test]
async fn the_first_administrator_changes_the_one_time_password_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::catalogue(&store).await;
    let password = mieruka_server::ensure_admin(&store)
        .await
        .unwrap()
        .expect("a one-time password on first start");
    assert!(
        mieruka_server::ensure_admin(&store)
            .await
            .unwrap()
            .is_none(),
        "shown once"
    );
    let server = Server::start(settings(), store).await;

    let (r, admin) = Client::sign_in(server.addr, "admin", &password).await;
    expect(&r, 200, "sign in with the one-time password");
    assert_eq!(r.json["must_change_password"], true);
    assert_eq!(r.json["is_admin"], true);
    let me = admin.get("/api/v1/me").await;
    assert_eq!(me.json["must_change_password"], true);
    let r = admin.get("/api/v1/orgs").await;
    expect(&r, 403, "anything else before the change");
    assert!(r.json["message"].as_str().unwrap().contains("password"));

    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    let r = admin
        .post("/api/v1/me/password", change(&password, "short"))
        .await;
    expect(&r, 400, "a short password");
    assert_eq!(r.field(), Some("new"));
    let r = admin
        .post("/api/v1/me/password", change("not-it-at-all", ADMIN.1))
        .await;
    expect(&r, 400, "a wrong current password");
    assert_eq!(r.field(), Some("current"));
    let r = admin
        .post("/api/v1/me/password", change(&password, ADMIN.1))
        .await;
    expect(&r, 200, "the change");
    assert_eq!(
        admin.get("/api/v1/me").await.json["must_change_password"],
        false
    );
    expect(&admin.get("/api/v1/orgs").await, 200, "after the change");
    let (r, _) = Client::sign_in(server.addr, "admin", &password).await;
    expect(&r, 401, "the old password");
    let (r, _) = Client::sign_in(server.addr, ADMIN.0, ADMIN.1).await;
    expect(&r, 200, "the new password");
    assert_eq!(r.json["must_change_password"], false);

    // An account an administrator creates without a password gets a one-time one too.
    let admin = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let r = admin
        .post(
            "/api/v1/users",
            json!({"username": "newbie", "name": "新人"}),
        )
        .await;
    expect(&r, 201, "create an account");
    let one_time = r.json["one_time_password"].as_str().unwrap().to_string();
    let listed = admin.get("/api/v1/users").await;
    assert!(!listed.text.contains(&one_time), "shown once");
    let (r, _) = Client::sign_in(server.addr, "newbie", &one_time).await;
    assert_eq!(r.json["must_change_password"], true);
    // Disabled accounts cannot sign in; administrators cannot disable themselves.
    let r = admin
        .patch("/api/v1/users/newbie", json!({"disabled": true}))
        .await;
    expect(&r, 200, "disable");
    let (r, _) = Client::sign_in(server.addr, "newbie", &one_time).await;
    expect(&r, 401, "a disabled account");
    let r = admin
        .patch("/api/v1/users/admin", json!({"disabled": true}))
        .await;
    expect(&r, 409, "disable oneself");
    server.stop().await;
}

/// Reading the audit log is a read: a read-only token of an auditor or an owner reads it (it was
/// refused as if it wrote), and still cannot write.
#[tokio::test]
async fn read_only_tokens_read_the_audit_log() {
    let (_dir, store, _seeded) = demo().await;
    let server = Server::start(settings(), store).await;
    for (user, password) in [seed::AUDITOR, OWNER] {
        let person = Client::signed_in(server.addr, user, password).await;
        let made = person
            .post("/api/v1/me/tokens", json!({"name": "audit reader"}))
            .await;
        expect(&made, 201, "a read token");
        let token = Client::with_token(server.addr, made.json["token"].as_str().unwrap());
        let r = token.get("/api/v1/orgs/demo/audit?limit=5").await;
        expect(&r, 200, &format!("{user}'s read token reads the audit log"));
        assert!(!r.json["items"].as_array().unwrap().is_empty());
        let r = token.post("/api/v1/orgs/demo/units", unit("tok")).await;
        expect(&r, 403, "a read token still cannot write");
    }
    // A viewer's token is refused, as the viewer is.
    let viewer = Client::signed_in(server.addr, VIEWER.0, VIEWER.1).await;
    let made = viewer
        .post("/api/v1/me/tokens", json!({"name": "curious"}))
        .await;
    let token = Client::with_token(server.addr, made.json["token"].as_str().unwrap());
    expect(&token.get("/api/v1/orgs/demo/audit").await, 403, "a viewer");
    server.stop().await;
}

/// Simulations are bounded: simulated years by role (a reader's bound below an owner's), and how
/// many run at once — beyond that the answer is 429 with `Retry-After`, for the API and the loss
/// page alike, instead of every core being taken.
#[tokio::test]
async fn simulations_are_bounded_by_role_and_run_a_few_at_a_time() {
    let (_dir, store, _seeded) = demo().await;
    let mut settings = settings();
    settings.simulate.max_trials = 5_000;
    settings.simulate.max_trials_reader = 1_000;
    settings.simulate.max_concurrent = 1;
    settings.simulate.retry_after_seconds = 7;
    let state = mieruka_server::AppState::new(settings, store);
    let permits = state.simulations.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(mieruka_server::serve(state, listener, async move {
        let _ = stopped.await;
    }));

    let owner = Client::signed_in(addr, OWNER.0, OWNER.1).await;
    let viewer = Client::signed_in(addr, VIEWER.0, VIEWER.1).await;
    let body = |trials: u64| {
        json!({"trials": trials, "scenarios": [
            {"id": "ransomware", "annual_rate": 0.3, "low_p5": 1e6, "high_p95": 1e9}
        ]})
    };
    let r = viewer.post("/api/v1/simulate", body(2_000)).await;
    expect(&r, 400, "above a reader's bound");
    assert_eq!(r.field(), Some("trials"));
    assert!(
        r.json["message"].as_str().unwrap().contains("1000"),
        "{}",
        r.text
    );
    let r = viewer.get("/api/v1/orgs/demo/simulation?trials=2000").await;
    expect(&r, 400, "above a reader's bound for the organisation");
    assert_eq!(r.field(), Some("trials"));
    expect(
        &viewer.post("/api/v1/simulate", body(1_000)).await,
        200,
        "within it",
    );
    expect(
        &owner.post("/api/v1/simulate", body(2_000)).await,
        200,
        "an owner's bound",
    );
    let r = owner.post("/api/v1/simulate", body(6_000)).await;
    expect(&r, 400, "above an owner's bound");
    assert!(
        r.json["message"].as_str().unwrap().contains("5000"),
        "{}",
        r.text
    );
    let r = viewer
        .post(
            "/api/v1/simulate",
            json!({"scenarios": body(1)["scenarios"]}),
        )
        .await;
    expect(&r, 200, "the default trials stay within a reader's bound");
    assert_eq!(r.json["trials"], 1_000);

    // Every place taken (as by a long simulation): the next one is told when to come back.
    let held = permits.clone().try_acquire_owned().unwrap();
    let r = owner.post("/api/v1/simulate", body(1_000)).await;
    expect(&r, 429, "a simulation while all places are taken");
    assert_eq!(r.code(), "busy");
    assert_eq!(r.headers.get("retry-after").unwrap(), "7");
    let r = owner.get("/api/v1/orgs/demo/simulation?trials=100").await;
    expect(&r, 429, "the organisation's simulation too");
    assert_eq!(r.headers.get("retry-after").unwrap(), "7");
    let r = owner.get("/orgs/demo/loss").await;
    expect(&r, 429, "the loss page's simulation too");
    assert_eq!(r.headers.get("retry-after").unwrap(), "7");
    drop(held);
    expect(
        &owner.post("/api/v1/simulate", body(1_000)).await,
        200,
        "a place again",
    );
    expect(&owner.get("/orgs/demo/loss").await, 200, "the page again");
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}
