//! Sign-in bookkeeping on SQLite and PostgreSQL: attempts reserved before a password is checked
//! (parallel reservations never pass the limit), waits that grow, counters per account, address
//! and both; sessions ended with a password change, a reset, disabling and on request; API
//! tokens that expire and are revoked all at once — each change in the audit log.

use mieruka_domain::{Lang, Timestamp};
use mieruka_store::access::{FORGET_AFTER, ThrottleLimits};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store, StoreError};

const T0: i64 = 1_790_000_000;

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix_seconds(T0 + s)
}

const LIMITS: ThrottleLimits = ThrottleLimits {
    pair: 5,
    account: 100,
    address: 20,
    max_delay: 900,
};

/// A wrong password at `t` seconds: reserved, and when let through, recorded as failed.
async fn fail(store: &Store, user: &str, address: &str, t: i64) -> Result<(), i64> {
    let r = store
        .reserve_sign_in(user, address, &LIMITS, at(t))
        .await
        .unwrap();
    if r.is_ok() {
        store
            .finish_sign_in(user, address, false, at(t))
            .await
            .unwrap();
    }
    r
}

async fn throttle(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let guesser = "198.51.100.7";

    // Forty attempts at the same instant: exactly the five allowed go through.
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let s = store.clone();
        attempts.spawn(async move {
            let r = s
                .reserve_sign_in("ciso", guesser, &LIMITS, at(0))
                .await
                .unwrap();
            if r.is_ok() {
                s.finish_sign_in("ciso", guesser, false, at(0))
                    .await
                    .unwrap();
            }
            r
        });
    }
    let mut granted = 0;
    while let Some(r) = attempts.join_next().await {
        match r.unwrap() {
            Ok(()) => granted += 1,
            Err(wait) => assert_eq!(wait, 30, "the first wait"),
        }
    }
    assert_eq!(granted, 5);

    // The wait grows: 30 s, then 60 s, then 120 s after each attempt let through.
    assert_eq!(fail(&store, "ciso", guesser, 29).await, Err(1));
    assert_eq!(fail(&store, "ciso", guesser, 30).await, Ok(()));
    assert_eq!(fail(&store, "ciso", guesser, 30).await, Err(60));
    assert_eq!(fail(&store, "ciso", guesser, 89).await, Err(1));
    assert_eq!(fail(&store, "ciso", guesser, 90).await, Ok(()));
    assert_eq!(fail(&store, "ciso", guesser, 90).await, Err(120));

    // The owner, from their own address, is not held back by the stranger's failures.
    let owner = "203.0.113.9";
    assert_eq!(
        store
            .reserve_sign_in("ciso", owner, &LIMITS, at(91))
            .await
            .unwrap(),
        Ok(())
    );
    store
        .finish_sign_in("ciso", owner, true, at(91))
        .await
        .unwrap();
    // A success clears that address's count for the account: five more typos are free.
    for _ in 0..4 {
        assert_eq!(fail(&store, "ciso", owner, 92).await, Ok(()));
    }
    store
        .reserve_sign_in("ciso", owner, &LIMITS, at(92))
        .await
        .unwrap()
        .unwrap();
    store
        .finish_sign_in("ciso", owner, true, at(92))
        .await
        .unwrap();
    for _ in 0..5 {
        assert_eq!(fail(&store, "ciso", owner, 93).await, Ok(()));
    }
    assert_eq!(fail(&store, "ciso", owner, 93).await, Err(30));

    // One address trying many accounts: twenty, then it waits; other addresses do not.
    let sprayer = "192.0.2.1";
    for i in 0..20 {
        assert_eq!(
            fail(&store, &format!("user{i}"), sprayer, 100).await,
            Ok(())
        );
    }
    assert_eq!(fail(&store, "user20", sprayer, 100).await, Err(30));
    assert_eq!(fail(&store, "user20", "192.0.2.2", 100).await, Ok(()));

    // Many addresses against one account: a hundred, then every address waits.
    for i in 0..100 {
        let _ = fail(
            &store,
            "target",
            &format!("10.0.{}.{}", i / 200, i % 200),
            200,
        )
        .await;
    }
    assert_eq!(fail(&store, "target", "10.9.9.9", 200).await, Err(30));

    // Only attempts let through are recorded.
    let (_, from_guesser) = store.failed_logins("ciso", guesser, 0).await.unwrap();
    assert_eq!(from_guesser, 7);

    // A day of quiet and the counter starts again.
    assert_eq!(
        fail(&store, "ciso", guesser, 90 + FORGET_AFTER).await,
        Ok(())
    );
    store
        .prune_access(T0 + 200 + FORGET_AFTER + 1)
        .await
        .unwrap();
    store.close().await;
}

async fn sessions_and_tokens(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap().with_actor("admin");
    let user = store
        .create_user("ciso", "CISO", Lang::Ja, at(0))
        .await
        .unwrap();
    let open = |id: &'static str| {
        let store = store.clone();
        async move {
            store
                .create_session(id, user, "csrf", T0 + 3600, at(0))
                .await
                .unwrap()
        }
    };
    let live = |id: &'static str| {
        let store = store.clone();
        async move { store.session(id, T0).await.unwrap().is_some() }
    };
    for id in ["laptop", "phone", "tablet"] {
        open(id).await;
    }
    // One's own change keeps the session that made it.
    store
        .change_own_password_hash(user, "$argon2id$new", "laptop")
        .await
        .unwrap();
    assert!(live("laptop").await);
    assert!(!live("phone").await && !live("tablet").await);
    // An administrator's reset ends them all.
    open("phone").await;
    store
        .set_password_hash(user, "$argon2id$reset", true)
        .await
        .unwrap();
    assert!(!live("laptop").await && !live("phone").await);
    // On request: all of them.
    open("laptop").await;
    open("phone").await;
    assert_eq!(store.end_sessions(user, None).await.unwrap(), 2);
    assert_eq!(store.end_sessions(user, None).await.unwrap(), 0);
    // Disabling.
    open("laptop").await;
    store.set_disabled(user, true).await.unwrap();
    assert!(!live("laptop").await);
    store.set_disabled(user, false).await.unwrap();

    // Tokens: an expiry must be in the future; past it, the token is refused.
    let read = ["read".to_string()];
    let past = store
        .create_api_token_until(user, "old", "p0", "h0", &read, Some(at(10)), at(10))
        .await;
    assert!(
        matches!(&past, Err(StoreError::Invalid { field, .. }) if field == "expires_at"),
        "{past:?}"
    );
    store
        .create_api_token_until(user, "month", "p1", "h1", &read, Some(at(100)), at(0))
        .await
        .unwrap();
    store
        .create_api_token(user, "forever", "p2", "h2", &read, at(0))
        .await
        .unwrap();
    assert!(
        store
            .api_token_by_hash("h1", at(99))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .api_token_by_hash("h1", at(100))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .api_token_by_hash("h2", at(100))
            .await
            .unwrap()
            .is_some()
    );
    let listed = store.api_tokens(user).await.unwrap();
    assert_eq!(
        listed[0].expires_at.as_deref(),
        Some(at(100).to_string().as_str())
    );
    assert!(listed[0].expired(at(100)) && !listed[0].expired(at(99)));
    assert_eq!(listed[1].expires_at, None);
    // Revoking all.
    assert_eq!(store.revoke_api_tokens(user, at(5)).await.unwrap(), 2);
    assert!(
        store
            .api_token_by_hash("h2", at(6))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.revoke_api_tokens(user, at(6)).await.unwrap(), 0);

    // Every change is in the log, by the actor, without a secret.
    let log = store.audit_entries(None, None, 100).await.unwrap();
    let sessions: Vec<_> = log.iter().filter(|e| e.entity == "user_sessions").collect();
    assert_eq!(sessions.len(), 4, "change, reset, on request, disabling");
    assert!(
        sessions
            .iter()
            .all(|e| e.actor == "admin" && e.entity_key == "ciso")
    );
    let revoked = log
        .iter()
        .filter(|e| e.entity == "api_token" && e.action == "update")
        .count();
    assert_eq!(revoked, 2);
    let text = serde_json::to_string(
        &log.iter()
            .map(|e| (&e.before, &e.after))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for secret in ["laptop", "h1", "h2", "$argon2id"] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
    assert!(
        text.contains(&at(100).to_string()),
        "the expiry is recorded"
    );
    store.close().await;
}

#[tokio::test]
async fn sign_in_throttle_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    throttle(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test]
async fn sign_in_throttle_on_postgres() {
    let Some(server) = postgres_server("sign_in_throttle_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    throttle(&db.url).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn sessions_and_tokens_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    sessions_and_tokens(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test]
async fn sessions_and_tokens_on_postgres() {
    let Some(server) = postgres_server("sessions_and_tokens_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    sessions_and_tokens(&db.url).await;
    db.drop_now().await.unwrap();
}
