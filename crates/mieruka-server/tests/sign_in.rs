//! Sign-in under attack: passwords guessed in parallel (through one instance and two, on SQLite
//! and PostgreSQL) are not all checked, and a stranger's failures do not hold the owner back;
//! a password change or reset ends the other sessions; signing out everywhere; revoking every
//! token; tokens that expire; and redirects after signing in or switching language that stay on
//! this site.

mod common;

use axum::http::Method;
use common::seed::{self, ADMIN, OWNER, VIEWER, sqlite_url};
use common::{Client, Reply, Server, expect, settings};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};
use serde_json::json;

/// An owner and an administrator, nothing else.
async fn accounts(url: &DatabaseUrl) -> Store {
    let store = Store::open(url).await.unwrap();
    seed::user(&store, OWNER).await;
    let admin = seed::user(&store, ADMIN).await;
    store.set_admin(admin, true).await.unwrap();
    store
}

/// A secret's digest, as the server stores it.
fn sha256_hex(s: &str) -> String {
    mieruka_domain::digest::sha256_hex(s.as_bytes())
}

/// The seconds a refused sign-in is told to wait.
fn retry_after(r: &Reply) -> u64 {
    r.headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a Retry-After header: {:?}", r.headers))
}

/// Forty wrong passwords for one account sent at once, spread over `instances` servers sharing
/// the database: no more are checked than the settings allow, the rest wait; the owner, from
/// another address, still signs in.
async fn parallel_guesses(url: &DatabaseUrl, instances: usize) {
    let store = accounts(url).await;
    let mut stores = vec![store.clone()];
    let mut servers = vec![Server::start(settings(), store).await];
    for _ in 1..instances {
        let other = Store::open(url).await.unwrap();
        stores.push(other.clone());
        servers.push(Server::start(settings(), other).await);
    }
    let addrs: Vec<_> = servers.iter().map(|s| s.addr).collect();
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..40 {
        let addr = addrs[i % addrs.len()];
        guesses.spawn(async move {
            Client::sign_in(addr, OWNER.0, &format!("wrong-guess-{i:02}"))
                .await
                .0
        });
    }
    let (mut checked, mut refused) = (0, 0);
    while let Some(r) = guesses.join_next().await {
        let r = r.unwrap();
        match r.status {
            401 => checked += 1,
            429 => {
                assert_eq!(r.code(), "throttled");
                assert!(retry_after(&r) >= 1);
                refused += 1;
            }
            other => panic!("a guess answered {other}: {}", r.text),
        }
    }
    let allowed = settings().max_failed_logins;
    assert!(
        (1..=allowed).contains(&checked),
        "{checked} of 40 guesses were checked; at most {allowed} may be"
    );
    assert_eq!(checked + refused, 40);
    let (recorded, _) = stores[0]
        .failed_logins(OWNER.0, "127.0.0.1", 0)
        .await
        .unwrap();
    assert_eq!(
        recorded, checked,
        "each checked guess is recorded, no other"
    );

    // The right password from the guessing address waits too…
    let (r, _) = Client::sign_in(addrs[0], OWNER.0, OWNER.1).await;
    expect(&r, 429, "the right password from the guessing address");
    // …but the owner at their own computer is not held back, on either instance.
    for addr in &addrs {
        let (r, owner) = Client::new(*addr)
            .from("127.0.0.2")
            .sign_in_here(OWNER.0, OWNER.1)
            .await;
        expect(&r, 200, "the owner from another address");
        expect(&owner.get("/api/v1/me").await, 200, "signed in");
    }
    for s in servers {
        s.stop().await;
    }
    for s in stores {
        s.close().await;
    }
}

#[tokio::test]
async fn forty_parallel_guesses_are_not_all_checked_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    parallel_guesses(&sqlite_url(&dir), 1).await;
}

#[tokio::test]
async fn forty_parallel_guesses_through_two_instances_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    parallel_guesses(&sqlite_url(&dir), 2).await;
}

#[tokio::test]
async fn forty_parallel_guesses_are_not_all_checked_on_postgres() {
    let Some(server) = postgres_server("forty_parallel_guesses_are_not_all_checked_on_postgres")
    else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    parallel_guesses(&db.url, 1).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn forty_parallel_guesses_through_two_instances_on_postgres() {
    let Some(server) = postgres_server("forty_parallel_guesses_through_two_instances_on_postgres")
    else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    parallel_guesses(&db.url, 2).await;
    db.drop_now().await.unwrap();
}

/// Password changes and resets end sessions; signing out everywhere ends them all.
async fn sessions_end(url: &DatabaseUrl) {
    let store = accounts(url).await;
    let server = Server::start(settings(), store.clone()).await;
    let laptop = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let phone = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let token = laptop
        .post("/api/v1/me/tokens", json!({"name": "script"}))
        .await;
    expect(&token, 201, "a token");
    let script = Client::with_token(server.addr, token.json["token"].as_str().unwrap());

    // One's own change: the session that made it stays, the others end; tokens are unaffected.
    let new = "a-new-password-2026";
    let r = laptop
        .post(
            "/api/v1/me/password",
            json!({"current": OWNER.1, "new": new}),
        )
        .await;
    expect(&r, 200, "the change");
    expect(
        &laptop.get("/api/v1/me").await,
        200,
        "the session that changed it",
    );
    expect(&phone.get("/api/v1/me").await, 401, "another session");
    expect(&script.get("/api/v1/me").await, 200, "an API token");

    // The same through the page.
    let tablet = Client::signed_in(server.addr, OWNER.0, new).await;
    let newer = "a-newer-password-2026";
    let r = laptop
        .raw(
            Method::POST,
            "/account/password",
            Some("application/x-www-form-urlencoded"),
            format!("current={new}&new={newer}&confirm={newer}").into_bytes(),
            &[],
        )
        .await;
    expect(&r, 303, "the change on the page");
    expect(&laptop.get("/api/v1/me").await, 200, "the page's session");
    expect(&tablet.get("/api/v1/me").await, 401, "another session");

    // An administrator's reset ends every session of the account.
    let admin = Client::signed_in(server.addr, ADMIN.0, ADMIN.1).await;
    let r = admin
        .post(
            &format!("/api/v1/users/{}/password", OWNER.0),
            json!({"password": OWNER.1}),
        )
        .await;
    expect(&r, 200, "a reset");
    expect(&laptop.get("/api/v1/me").await, 401, "after a reset");

    // Signing out everywhere ends every session, this one included.
    let one = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let two = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let r = one.delete("/api/v1/me/sessions").await;
    expect(&r, 200, "sign out everywhere");
    assert_eq!(r.json["ended"], 2);
    expect(&one.get("/api/v1/me").await, 401, "this session");
    expect(&two.get("/api/v1/me").await, 401, "the other session");
    // The page does the same and goes to the sign-in page.
    let one = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let two = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let r = one
        .raw(
            Method::POST,
            "/account/sessions/end",
            Some("application/x-www-form-urlencoded"),
            Vec::new(),
            &[],
        )
        .await;
    expect(&r, 303, "the page's button");
    assert_eq!(r.headers["location"], "/sign-in");
    expect(&two.get("/api/v1/me").await, 401, "the other session");
    // Disabling an account ends its sessions too.
    let three = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let r = admin
        .patch(
            &format!("/api/v1/users/{}", OWNER.0),
            json!({"disabled": true}),
        )
        .await;
    expect(&r, 200, "disable");
    expect(
        &three.get("/api/v1/me").await,
        401,
        "a disabled account's session",
    );

    server.stop().await;
    store.close().await;
}

#[tokio::test]
async fn password_changes_end_the_other_sessions_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    sessions_end(&sqlite_url(&dir)).await;
}

#[tokio::test]
async fn password_changes_end_the_other_sessions_on_postgres() {
    let Some(server) = postgres_server("password_changes_end_the_other_sessions_on_postgres")
    else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    sessions_end(&db.url).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn tokens_expire_and_can_all_be_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let store = accounts(&sqlite_url(&dir)).await;
    let server = Server::start(settings(), store.clone()).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;

    for bad in [json!(0), json!(-3), json!(731), json!(1.5), json!("7")] {
        let r = owner
            .post(
                "/api/v1/me/tokens",
                json!({"name": "x", "expires_in_days": bad}),
            )
            .await;
        expect(&r, 400, &format!("expires_in_days {bad}"));
        assert_eq!(r.field(), Some("expires_in_days"), "{}", r.text);
    }
    let r = owner
        .post(
            "/api/v1/me/tokens",
            json!({"name": "month", "expires_in_days": 30}),
        )
        .await;
    expect(&r, 201, "a token for 30 days");
    let expires = r.json["expires_at"].as_str().unwrap().to_string();
    let in_30_days =
        mieruka_domain::Timestamp::from_unix_seconds(seed::now().unix_seconds() + 30 * 86_400);
    assert!(
        expires.get(..10) == Some(&in_30_days.to_string()[..10]),
        "{expires}"
    );
    assert_eq!(r.json["expired"], false);
    let month = Client::with_token(server.addr, r.json["token"].as_str().unwrap());
    expect(
        &month.get("/api/v1/me").await,
        200,
        "a token before its expiry",
    );

    // A token whose expiry has passed is refused, even when the server holds it from an
    // earlier use; the list shows it expired.
    let me = store.credentials(OWNER.0).await.unwrap().unwrap().user;
    let secret = "mk_0badc0de_0123456789abcdef0123456789abcdef01234567";
    let now = seed::now();
    store
        .create_api_token_until(
            me,
            "short-lived",
            "0badc0de",
            &sha256_hex(secret),
            &["read".to_string()],
            Some(mieruka_domain::Timestamp::from_unix_seconds(
                now.unix_seconds() + 2,
            )),
            now,
        )
        .await
        .unwrap();
    let short = Client::with_token(server.addr, secret);
    expect(&short.get("/api/v1/me").await, 200, "before its expiry");
    tokio::time::sleep(std::time::Duration::from_millis(3_100)).await;
    let r = short.get("/api/v1/me").await;
    expect(&r, 401, "after its expiry");
    assert_eq!(r.code(), "unauthenticated");
    let listed = owner.get("/api/v1/me/tokens").await;
    let item = listed.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "short-lived")
        .unwrap()
        .clone();
    assert_eq!(item["expired"], true);
    assert!(item["expires_at"].is_string());
    let page = owner.get("/account/tokens").await;
    expect(&page, 200, "the tokens page");
    assert!(page.text.contains("期限切れ"), "the page shows it expired");
    assert!(page.text.contains(&expires[..10]), "and the other's expiry");

    // Revoking all: every live token of one's own stops working, others' are untouched.
    let viewer_token = {
        seed::user(&store, VIEWER).await;
        let viewer = Client::signed_in(server.addr, VIEWER.0, VIEWER.1).await;
        let r = viewer
            .post("/api/v1/me/tokens", json!({"name": "theirs"}))
            .await;
        Client::with_token(server.addr, r.json["token"].as_str().unwrap())
    };
    let r = owner.delete("/api/v1/me/tokens").await;
    expect(&r, 200, "revoke all");
    assert_eq!(r.json["revoked"], 2, "the live ones: {}", r.text);
    expect(&month.get("/api/v1/me").await, 401, "a revoked token");
    expect(
        &viewer_token.get("/api/v1/me").await,
        200,
        "another's token",
    );
    // The page's button does the same.
    let again = owner
        .post("/api/v1/me/tokens", json!({"name": "again"}))
        .await;
    let again = Client::with_token(server.addr, again.json["token"].as_str().unwrap());
    let r = owner
        .raw(
            Method::POST,
            "/account/tokens/revoke-all",
            Some("application/x-www-form-urlencoded"),
            Vec::new(),
            &[],
        )
        .await;
    expect(&r, 303, "the page's button");
    expect(&again.get("/api/v1/me").await, 401, "revoked from the page");
    // A form's expiry is checked as the API's is.
    let r = owner
        .raw(
            Method::POST,
            "/account/tokens",
            Some("application/x-www-form-urlencoded"),
            b"name=n&scope=read&expires_in_days=0".to_vec(),
            &[],
        )
        .await;
    expect(&r, 400, "a form with 0 days");
    server.stop().await;
    store.close().await;
}

/// What browsers turn into another host, as `next` and `back` might carry it.
const EVIL: &[&str] = &[
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/%09/evil.example/",
    "/%0a/evil.example/",
    "/%0D%0A/evil.example/",
    "/%5cevil.example/",
    "/%5C%5Cevil.example/",
    "/%2f%2fevil.example/",
    "/%2F/evil.example/",
    "/%252f%252fevil.example/",
    "/.//evil.example/",
    "/\u{7f}/evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " //evil.example/",
];

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn post_form(client: &Client, path: &str, fields: &[(&str, &str)]) -> Reply {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    client
        .raw(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
            &[],
        )
        .await
}

#[tokio::test]
async fn redirects_stay_on_this_site() {
    let dir = tempfile::tempdir().unwrap();
    let store = accounts(&sqlite_url(&dir)).await;
    let server = Server::start(settings(), store.clone()).await;
    let anonymous = Client::new(server.addr);
    let sign_in = |next: &'static str| {
        let anonymous = anonymous.clone();
        async move {
            post_form(
                &anonymous,
                "/sign-in",
                &[("username", ADMIN.0), ("password", ADMIN.1), ("next", next)],
            )
            .await
        }
    };
    // A path on this site is followed; a bad one leads to the landing page.
    let r = sign_in("/admin/users?x=1").await;
    expect(&r, 303, "sign in");
    assert_eq!(r.headers["location"], "/admin/users?x=1");
    // A value holding a control character other than tab or a line break is refused at the boundary (400, no redirect at
    // all); every other one is followed only to a path on this site.
    for evil in EVIL {
        let refused = evil
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        let r = sign_in(evil).await;
        if refused {
            expect(&r, 400, &format!("sign in with next {evil:?}"));
            assert!(!r.headers.contains_key("location"), "next {evil:?}");
        } else {
            expect(&r, 303, &format!("sign in with next {evil:?}"));
            assert_eq!(r.headers["location"], "/orgs", "next {evil:?}");
        }
        let page = anonymous.get(&format!("/sign-in?next={}", enc(evil))).await;
        if refused {
            expect(&page, 400, "the sign-in page");
        } else {
            expect(&page, 200, "the sign-in page");
            assert!(
                page.text.contains(r#"name="next" value="/""#),
                "next {evil:?} is not carried into the form"
            );
        }
        let r = post_form(&anonymous, "/lang", &[("lang", "en"), ("back", evil)]).await;
        if refused {
            expect(&r, 400, &format!("switch language, back {evil:?}"));
            assert!(!r.headers.contains_key("location"), "back {evil:?}");
        } else {
            expect(&r, 303, &format!("switch language, back {evil:?}"));
            assert_eq!(r.headers["location"], "/", "back {evil:?}");
        }
    }
    let r = post_form(&anonymous, "/lang", &[("lang", "en"), ("back", "/sign-in")]).await;
    assert_eq!(r.headers["location"], "/sign-in");
    server.stop().await;
    store.close().await;
}

/// A running server forgets expired sessions by itself (at start-up, then hourly) and keeps the
/// live ones.
#[tokio::test]
async fn a_running_server_forgets_expired_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let store = accounts(&sqlite_url(&dir)).await;
    let owner = store.user(OWNER.0).await.unwrap().id;
    let now = seed::now();
    let t = now.unix_seconds();
    store
        .create_session("expired", owner, "csrf-a", t - 10, now)
        .await
        .unwrap();
    store
        .create_session("live", owner, "csrf-b", t + 3600, now)
        .await
        .unwrap();
    // Read as at the epoch, so an expired session still shows until it is removed.
    assert!(store.session("expired", 0).await.unwrap().is_some());
    let server = Server::start(settings(), store.clone()).await;
    let mut gone = false;
    for _ in 0..100 {
        if store.session("expired", 0).await.unwrap().is_none() {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(gone, "the expired session is still kept");
    assert!(store.session("live", 0).await.unwrap().is_some());
    server.stop().await;
}
