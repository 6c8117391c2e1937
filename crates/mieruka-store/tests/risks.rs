//! The business-risk register in storage: added, replaced by code, read back in order, removed,
//! kept apart per organisation — on SQLite and, when a server is given, PostgreSQL.

use mieruka_domain::org::Organisation;
use mieruka_domain::risk::{Impact, RawRisk, demo_risks};
use mieruka_domain::{Maturity, Timestamp};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store, StoreError};

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

async fn register(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let org = store
        .create_organisation(
            &Organisation::new("demo", "空調メーカー", Maturity::Initial, 4).unwrap(),
            now(0),
        )
        .await
        .unwrap();
    let other = store
        .create_organisation(
            &Organisation::new("other", "他社", Maturity::Initial, 4).unwrap(),
            now(0),
        )
        .await
        .unwrap();
    assert!(store.risks(org).await.unwrap().is_empty());

    let risks = demo_risks();
    for (i, r) in risks.iter().enumerate() {
        store.upsert_risk(org, r, now(i as i64)).await.unwrap();
    }
    let stored = store.risks(org).await.unwrap();
    let read: Vec<_> = stored.iter().map(|s| s.risk.clone()).collect();
    assert_eq!(
        read, risks,
        "every kind of impact survives, in the order recorded"
    );
    assert!(
        store.risks(other).await.unwrap().is_empty(),
        "another organisation sees none"
    );

    // Setting a code again replaces the risk in place: same id, same number on the matrix.
    let fx = stored
        .iter()
        .find(|s| s.risk.code.as_str() == "fx")
        .unwrap();
    let mut changed = fx.risk.clone();
    changed.impact = Impact::Level(4);
    changed.owner = None;
    let id = store.upsert_risk(org, &changed, now(100)).await.unwrap();
    assert_eq!(id, fx.id);
    let again = store.risks(org).await.unwrap();
    let fx2 = again.iter().find(|s| s.id == fx.id).unwrap();
    assert_eq!(fx2.risk, changed);
    assert_eq!(fx2.created_at, fx.created_at);
    assert_eq!(fx2.updated_at, now(100).to_string());
    assert_eq!(again.len(), 9);
    assert_eq!(
        again.iter().map(|s| s.id).collect::<Vec<_>>(),
        stored.iter().map(|s| s.id).collect::<Vec<_>>()
    );

    // The same code in another organisation is another risk.
    store.upsert_risk(other, &changed, now(101)).await.unwrap();
    assert_eq!(store.risks(other).await.unwrap().len(), 1);

    store.remove_risk(org, "fx").await.unwrap();
    assert_eq!(store.risks(org).await.unwrap().len(), 8);
    match store.remove_risk(org, "fx").await {
        Err(StoreError::NotFound { what, key }) => {
            assert_eq!((what, key.as_str()), ("business risk", "fx"))
        }
        other => panic!("expected not found, got {other:?}"),
    }
    assert_eq!(
        store.risks(other).await.unwrap().len(),
        1,
        "removal is per organisation"
    );

    // A large amount in yen (beyond what a 32-bit integer holds) comes back whole.
    let big = RawRisk {
        code: "big".into(),
        name: "大規模災害".into(),
        category: "災害".into(),
        probability: 1,
        impact_yen: Some(2_500_000_000_000),
        ..RawRisk::default()
    }
    .validate()
    .unwrap();
    store.upsert_risk(org, &big, now(102)).await.unwrap();
    let back = store.risks(org).await.unwrap();
    assert_eq!(back.last().unwrap().risk, big);
    store.close().await;
}

#[tokio::test]
async fn register_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    register(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test]
async fn register_on_postgres() {
    let Some(server) = postgres_server("register_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    register(&db.url).await;
    db.drop_now().await.unwrap();
}
