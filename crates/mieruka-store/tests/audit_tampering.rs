//! The audit log's verification against someone editing the table behind mieruka's back (a
//! second, raw connection): an edited, deleted, swapped or forged entry is named, and the hash
//! is the one the audit module documents — on SQLite and, when a server is given, PostgreSQL.
//! (`audit_seal.rs` cuts the log and rewrites it with the chain recomputed.)

use mieruka_domain::org::Organisation;
use mieruka_domain::{Maturity, Timestamp};
use mieruka_store::audit::{AuditBreak, AuditProblem, VerifyError};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Connection, Row};

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

fn org(code: &str) -> Organisation {
    Organisation::new(code, "空調メーカー", Maturity::Initial, 4).unwrap()
}

/// The connection string for a second, raw connection to the same database.
fn raw_url(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(u) => u.clone(),
    }
}

/// One stored row, every column but `seq`.
#[derive(Debug, Clone)]
struct Stored {
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_key: String,
    org_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
    mac: Option<String>,
}

async fn read(raw: &mut AnyConnection, seq: i64) -> Stored {
    let r = sqlx::query("SELECT * FROM audit_log WHERE seq = $1")
        .bind(seq)
        .fetch_one(&mut *raw)
        .await
        .unwrap();
    Stored {
        at: r.get("at"),
        actor: r.get("actor"),
        action: r.get("action"),
        entity: r.get("entity"),
        entity_key: r.get("entity_key"),
        org_id: r.get("org_id"),
        before_json: r.get("before_json"),
        after_json: r.get("after_json"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
        mac: r.get("mac"),
    }
}

/// Writes `s` as row `seq`, replacing it or (when it was deleted) putting it back.
async fn write(raw: &mut AnyConnection, seq: i64, s: &Stored) {
    sqlx::query("DELETE FROM audit_log WHERE seq = $1")
        .bind(seq)
        .execute(&mut *raw)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_key, org_id, before_json, \
         after_json, prev_hash, hash, mac) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(seq)
    .bind(&s.at)
    .bind(&s.actor)
    .bind(&s.action)
    .bind(&s.entity)
    .bind(&s.entity_key)
    .bind(s.org_id)
    .bind(s.before_json.as_deref())
    .bind(s.after_json.as_deref())
    .bind(&s.prev_hash)
    .bind(&s.hash)
    .bind(s.mac.as_deref())
    .execute(&mut *raw)
    .await
    .unwrap();
}

/// The hash as the audit module documents it, computed independently of the store.
fn documented_hash(seq: i64, s: &Stored) -> String {
    let encoded = serde_json::to_string(&json!([
        s.prev_hash,
        seq,
        s.at,
        s.actor,
        s.action,
        s.entity,
        s.entity_key,
        s.org_id,
        s.before_json,
        s.after_json
    ]))
    .unwrap();
    Sha256::digest(encoded.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn broken_at(store: &Store) -> AuditBreak {
    match store.verify_audit().await {
        Err(VerifyError::Broken(b)) => b,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

async fn tampering(url: &DatabaseUrl) {
    let keys = tempfile::tempdir().unwrap();
    let store = Store::open_with(url, Some(&keys.path().join("audit.key")))
        .await
        .unwrap()
        .with_actor("alice");
    for i in 1..=6 {
        store
            .create_organisation(&org(&format!("org{i}")), now(i))
            .await
            .unwrap();
    }
    let whole = store.verify_audit().await.unwrap();
    assert_eq!(whole.entries, 6);
    let mut raw = AnyConnection::connect(&raw_url(url)).await.unwrap();
    for seq in 1..=6 {
        let s = read(&mut raw, seq).await;
        assert_eq!(s.hash, documented_hash(seq, &s), "entry {seq}");
    }

    // An edited `after_json`.
    let third = read(&mut raw, 3).await;
    let mut edited = third.clone();
    edited.after_json = Some(r#"{"slug":"evil"}"#.into());
    write(&mut raw, 3, &edited).await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (3, AuditProblem::Edited));
    assert_eq!(
        b.to_string(),
        "audit log broken at entry 3: its contents were changed after it was written"
    );
    write(&mut raw, 3, &third).await;
    assert_eq!(store.verify_audit().await.unwrap(), whole);

    // A deleted middle row.
    let fourth = read(&mut raw, 4).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 4")
        .execute(&mut raw)
        .await
        .unwrap();
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (4, AuditProblem::Missing));
    assert!(b.to_string().ends_with("entry 4 is missing"), "{b}");
    write(&mut raw, 4, &fourth).await;

    // Two rows whose contents were swapped.
    let second = read(&mut raw, 2).await;
    write(&mut raw, 2, &third).await;
    write(&mut raw, 3, &second).await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (2, AuditProblem::OutOfOrder));
    assert!(
        b.to_string().ends_with("entry 2 does not follow entry 1"),
        "{b}"
    );
    write(&mut raw, 2, &second).await;
    write(&mut raw, 3, &third).await;
    assert_eq!(store.verify_audit().await.unwrap(), whole);

    // A forged entry with a correct hash of its own keeps the original's seal, which does not
    // match the new hash…
    let fifth = read(&mut raw, 5).await;
    let mut forged = fifth.clone();
    forged.actor = "mallory".into();
    forged.hash = documented_hash(5, &forged);
    write(&mut raw, 5, &forged).await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (5, AuditProblem::BadSeal));
    // …and without a seal it is refused too.
    forged.mac = None;
    write(&mut raw, 5, &forged).await;
    let b = broken_at(&store).await;
    assert_eq!((b.seq, b.problem), (5, AuditProblem::Unsealed));
    write(&mut raw, 5, &fifth).await;

    // Removing the newest entry leaves a whole, shorter chain: the recorded head names it.
    let sixth = read(&mut raw, 6).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 6")
        .execute(&mut raw)
        .await
        .unwrap();
    let b = broken_at(&store).await;
    assert_eq!(
        (b.seq, b.problem, b.recorded),
        (6, AuditProblem::Deleted, Some(6))
    );
    write(&mut raw, 6, &sixth).await;
    assert_eq!(store.verify_audit().await.unwrap(), whole);

    // Appending continues the chain from what is there.
    store
        .create_organisation(&org("org7"), now(7))
        .await
        .unwrap();
    assert_eq!(store.verify_audit().await.unwrap().entries, 7);
    raw.close().await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn tampering_is_found_and_named_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    tampering(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test]
async fn tampering_is_found_and_named_on_postgres() {
    let Some(server) = postgres_server("tampering_is_found_and_named_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    tampering(&db.url).await;
    db.drop_now().await.unwrap();
}
