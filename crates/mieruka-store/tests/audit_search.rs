//! Searching the audit log as an auditor does: by organisation, kind of thing, actor and day,
//! newest first and a page at a time, and the names and kinds to choose from — on SQLite and,
//! when a server is given, PostgreSQL.

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::{Date, Maturity, Timestamp};
use mieruka_store::audit::AuditFilter;
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store};

fn now() -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467)
}

fn unit(code: &str) -> Unit {
    Unit::new(
        code,
        "部門",
        UnitKind::Department,
        None,
        UnitFacts::default(),
    )
    .unwrap()
}

async fn search(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let ciso = store.with_actor("ciso");
    let admin = store.with_actor("admin");
    let org = |code: &str| Organisation::new(code, "会社", Maturity::Initial, 4).unwrap();
    let a = admin
        .create_organisation(&org("alpha"), now())
        .await
        .unwrap();
    let b = admin
        .create_organisation(&org("beta"), now())
        .await
        .unwrap();
    for code in ["u1", "u2", "u3"] {
        ciso.add_unit(a, None, &unit(code), now()).await.unwrap();
    }
    admin.add_unit(b, None, &unit("v1"), now()).await.unwrap();
    ciso.set_maturity(a, Maturity::Improving, now())
        .await
        .unwrap();

    let keys = |f: AuditFilter, limit| {
        let store = store.clone();
        async move {
            store
                .audit_search(&f, limit)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.entity_key)
                .collect::<Vec<_>>()
        }
    };
    let units_of_a = AuditFilter {
        org: Some(a),
        entity: Some("unit".into()),
        ..AuditFilter::default()
    };
    let found = keys(units_of_a.clone(), 10).await;
    assert_eq!(found, ["alpha/u3", "alpha/u2", "alpha/u1"], "newest first");
    let by_admin = AuditFilter {
        actor: Some("admin".into()),
        ..AuditFilter::default()
    };
    assert_eq!(keys(by_admin, 10).await, ["beta/v1", "beta", "alpha"]);

    // Paging: the next page starts below the last number seen.
    let first = store.audit_search(&units_of_a, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let next = AuditFilter {
        before_seq: Some(first[1].seq),
        ..units_of_a.clone()
    };
    assert_eq!(keys(next, 2).await, ["alpha/u1"]);

    // Days are UTC days of when the entry was written.
    let written = first[0].at.get(..10).unwrap().to_string();
    let day = Date::parse(&written).unwrap();
    let on = |from, to| AuditFilter {
        from,
        to,
        ..units_of_a.clone()
    };
    assert_eq!(keys(on(Some(day), Some(day)), 10).await.len(), 3);
    assert!(keys(on(Some(day.add_days(1)), None), 10).await.is_empty());
    assert!(keys(on(None, Some(day.add_days(-1))), 10).await.is_empty());

    let (actors, entities) = store.audit_vocabulary(Some(a)).await.unwrap();
    assert_eq!(actors, ["admin", "ciso"]);
    assert_eq!(entities, ["organisation", "unit"]);
    let (_, everywhere) = store.audit_vocabulary(None).await.unwrap();
    assert!(everywhere.contains(&"organisation".to_string()));
}

#[tokio::test]
async fn search_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    search(&DatabaseUrl::sqlite(dir.path().join("audit.sqlite3"))).await;
}

#[tokio::test]
async fn search_on_postgres() {
    let Some(server) = postgres_server("search_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    search(&db.url).await;
    db.drop_now().await.unwrap();
}
