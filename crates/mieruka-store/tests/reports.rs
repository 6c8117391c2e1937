//! What the board report keeps in storage — the story, each period's ask and checklist, KPI
//! wordings, the schedule, glossary terms and issued reports — set, replaced, read back, audited
//! and kept apart per organisation; an issued snapshot whose bytes changed is refused. On SQLite
//! and, when a server is given, PostgreSQL.

use mieruka_domain::org::Organisation;
use mieruka_domain::report::demo;
use mieruka_domain::report::glossary::{Category, Term};
use mieruka_domain::report::narrative::{Ask, Checklist, Step};
use mieruka_domain::report::schedule::{Cadence, Schedule};
use mieruka_domain::{Maturity, Timestamp};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store, StoreError};
use sqlx::{AnyConnection, Connection};

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

async fn narrative(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap().with_actor("ciso");
    let org = store
        .create_organisation(
            &Organisation::new("demo", "空調メーカー", Maturity::Improving, 4).unwrap(),
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

    // Nothing written yet: no story, an empty ask, nothing done, quarterly.
    assert_eq!(store.story(org).await.unwrap(), None);
    assert!(store.ask(org, "FY2026-Q3").await.unwrap().items.is_empty());
    assert_eq!(store.checklist(org, "FY2026-Q3").await.unwrap().done(), 0);
    assert_eq!(store.schedule(org).await.unwrap(), Schedule::default());

    let story = demo::story();
    store.set_story(org, &story, now(1)).await.unwrap();
    assert_eq!(
        store.story(org).await.unwrap(),
        Some(story.validate().unwrap())
    );
    assert_eq!(store.story(other).await.unwrap(), None, "kept apart");
    let before = store.data_version().await.unwrap();
    store.set_story(org, &story, now(2)).await.unwrap();
    assert_eq!(
        store.data_version().await.unwrap(),
        before,
        "setting the same value writes nothing"
    );

    store
        .set_ask(org, "FY2026-Q3", &demo::ask(), now(3))
        .await
        .unwrap();
    assert_eq!(store.ask(org, "FY2026-Q3").await.unwrap().items.len(), 2);
    assert!(
        store.ask(org, "FY2026-Q4").await.unwrap().items.is_empty(),
        "per period"
    );
    let bad = Ask {
        items: vec![demo::ask().items[0].clone(); 6],
    };
    let e = store
        .set_ask(org, "FY2026-Q3", &bad, now(4))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { ref field, .. } if field == "items"),
        "{e}"
    );

    let mut c = Checklist::default();
    c.set(&[Step::Vision, Step::Kpis], true);
    store
        .set_checklist(org, "FY2026-Q3", &c, now(5))
        .await
        .unwrap();
    assert_eq!(store.checklist(org, "FY2026-Q3").await.unwrap().done(), 2);

    for (kpi, w) in demo::kpi_wordings() {
        store.set_kpi_wording(org, kpi, &w, now(6)).await.unwrap();
    }
    assert_eq!(store.kpi_wordings(org).await.unwrap().len(), 5);
    store.remove_kpi_wording(org, "1.1.1").await.unwrap();
    assert_eq!(store.kpi_wordings(org).await.unwrap().len(), 4);
    assert!(matches!(
        store.remove_kpi_wording(org, "1.1.1").await,
        Err(StoreError::NotFound { .. })
    ));

    let half = Schedule {
        cadence: Cadence::HalfYearly,
        due_days: 45,
    };
    store.set_schedule(org, half, now(7)).await.unwrap();
    assert_eq!(store.schedule(org).await.unwrap(), half);
    assert!(
        store
            .set_schedule(
                org,
                Schedule {
                    due_days: 400,
                    ..half
                },
                now(8)
            )
            .await
            .is_err()
    );

    let term = Term {
        term: "演習".into(),
        aliases: vec![],
        category: Category::Jargon,
        ja: "訓練".into(),
        en: "drill".into(),
    };
    store.set_glossary_term(org, &term, now(9)).await.unwrap();
    assert_eq!(store.glossary_terms(org).await.unwrap()[0].term, "演習");
    store.remove_glossary_term(org, "演習").await.unwrap();
    assert!(store.glossary_terms(org).await.unwrap().is_empty());

    // Every change is in the audit log under the actor's name.
    let log = store.audit_entries(Some(org), None, 100).await.unwrap();
    for entity in [
        "report_story",
        "report_ask",
        "report_checklist",
        "report_kpi_wording",
        "report_schedule",
        "report_glossary_term",
    ] {
        assert!(
            log.iter().any(|e| e.entity == entity && e.actor == "ciso"),
            "{entity}"
        );
    }

    // Issued reports: kept with their data version and hash, newest first; a changed snapshot
    // is refused.
    let version = store.data_version().await.unwrap();
    let a = store
        .issue_report(org, "FY2026-Q2", "ja", version, "{\"a\":1}", now(10))
        .await
        .unwrap();
    let b = store
        .issue_report(org, "FY2026-Q3", "en", version + 1, "{\"b\":2}", now(11))
        .await
        .unwrap();
    let list = store.issued_reports(org).await.unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [b.id, a.id]);
    assert!(store.issued_reports(other).await.unwrap().is_empty());
    let (back, snap) = store.issued_report(org, a.id).await.unwrap();
    assert_eq!((back, snap.as_str()), (a.clone(), "{\"a\":1}"));
    assert!(matches!(
        store.issued_report(other, a.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        store
            .issue_report(org, "FY2026-Q3", "fr", 1, "{}", now(12))
            .await
            .is_err()
    );
    store.close().await;
}

async fn tampered_snapshot(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let org = store
        .create_organisation(
            &Organisation::new("demo", "空調メーカー", Maturity::Improving, 4).unwrap(),
            now(0),
        )
        .await
        .unwrap();
    let r = store
        .issue_report(org, "FY2026-Q3", "ja", 1, "{\"total\":141}", now(1))
        .await
        .unwrap();
    store.close().await;
    // Someone edits the snapshot in the database behind mieruka's back.
    let raw_url = match url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(u) => u.clone(),
    };
    let mut raw = AnyConnection::connect(&raw_url).await.unwrap();
    sqlx::query("UPDATE issued_reports SET snapshot = $1 WHERE id = $2")
        .bind("{\"total\":14}")
        .bind(r.id)
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();
    let store = Store::open(url).await.unwrap();
    let e = store.issued_report(org, r.id).await.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
    store.close().await;
}

#[tokio::test]
async fn narrative_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    narrative(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
    let dir = tempfile::tempdir().unwrap();
    tampered_snapshot(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test]
async fn narrative_on_postgres() {
    let Some(server) = postgres_server("narrative_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    narrative(&db.url).await;
    db.drop_now().await.unwrap();
    let db = FreshDatabase::create(&server).await.unwrap();
    tampered_snapshot(&db.url).await;
    db.drop_now().await.unwrap();
}
