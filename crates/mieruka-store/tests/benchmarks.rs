//! Benchmark (peer) figures in storage: set in one transaction, replaced by KPI and date, read
//! back in order with absent quartiles kept absent, removed, and every change in the audit log
//! — on SQLite and, when a server is given, PostgreSQL.

use mieruka_domain::Timestamp;
use mieruka_domain::benchmark::{Benchmark, RawBenchmark};
use mieruka_domain::date::Date;
use mieruka_store::audit::AuditFilter;
use mieruka_store::benchmarks::BenchmarkChanges;
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store, StoreError};

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

fn bench(kpi: &str, as_of: &str, median: f64, quartiles: Option<(f64, f64)>) -> Benchmark {
    RawBenchmark {
        kpi: kpi.into(),
        as_of: as_of.into(),
        median,
        lower: quartiles.map(|q| q.0),
        upper: quartiles.map(|q| q.1),
        peers: 52,
        source: "JCIC 会員調査 2026".into(),
        industry: Some("製造業".into()),
    }
    .validate()
    .unwrap()
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

async fn benchmark_entries(store: &Store) -> Vec<(String, String)> {
    let filter = AuditFilter {
        entity: Some("benchmark".into()),
        ..AuditFilter::default()
    };
    store
        .audit_search(&filter, 100)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| (e.action, e.entity_key))
        .collect()
}

async fn benchmarks(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    assert!(store.benchmarks().await.unwrap().is_empty());

    // Given out of order, one without quartiles: read back by KPI, then date.
    let first = vec![
        bench("1.2.2", "2026-03-31", 60.0, Some((40.0, 80.0))),
        bench("1.1.1", "2026-03-31", 92.5, None),
        bench("1.2.2", "2025-03-31", 55.0, Some((35.0, 75.0))),
    ];
    let changes = store.set_benchmarks(&first, now(0)).await.unwrap();
    assert_eq!(
        changes,
        BenchmarkChanges {
            added: 3,
            replaced: 0,
            unchanged: 0
        }
    );
    let stored = store.benchmarks().await.unwrap();
    let read: Vec<Benchmark> = stored.iter().map(|s| s.benchmark.clone()).collect();
    assert_eq!(
        read,
        vec![first[1].clone(), first[2].clone(), first[0].clone()]
    );
    assert_eq!(read[0].lower, None, "an absent quartile stays absent");
    assert_eq!(stored[0].created_at, now(0).to_string());

    // Setting a KPI and date again replaces it in place; a row set to what it was changes nothing.
    let mut changed = first[0].clone();
    changed.median = 65.0;
    changed.lower = None;
    changed.industry = None;
    let changes = store
        .set_benchmarks(
            &[
                changed.clone(),
                first[1].clone(),
                bench("M.2.1", "2026-06-30", 3.0, None),
            ],
            now(10),
        )
        .await
        .unwrap();
    assert_eq!(
        changes,
        BenchmarkChanges {
            added: 1,
            replaced: 1,
            unchanged: 1
        }
    );
    let again = store.benchmarks().await.unwrap();
    assert_eq!(again.len(), 4);
    let replaced = again
        .iter()
        .find(|s| s.benchmark.kpi.as_str() == "1.2.2" && s.benchmark.as_of == date("2026-03-31"))
        .unwrap();
    assert_eq!(replaced.benchmark, changed);
    assert_eq!(replaced.created_at, now(0).to_string());
    assert_eq!(replaced.updated_at, now(10).to_string());

    // A batch naming one KPI and date twice is refused whole.
    let twice = [
        bench("9.9", "2026-01-01", 1.0, None),
        bench("9.9", "2026-01-01", 2.0, None),
    ];
    match store.set_benchmarks(&twice, now(20)).await {
        Err(StoreError::Invalid { field, reason }) => {
            assert_eq!(field, "[1].as_of");
            assert!(reason.contains("[0]"), "{reason}");
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    assert_eq!(
        store.benchmarks().await.unwrap().len(),
        4,
        "nothing written"
    );

    store
        .remove_benchmark("1.2.2", date("2025-03-31"))
        .await
        .unwrap();
    assert_eq!(store.benchmarks().await.unwrap().len(), 3);
    match store.remove_benchmark("1.2.2", date("2025-03-31")).await {
        Err(StoreError::NotFound { what, key }) => {
            assert_eq!((what, key.as_str()), ("benchmark", "1.2.2@2025-03-31"))
        }
        other => panic!("expected not found, got {other:?}"),
    }

    // Every change, and nothing else, is in the audit log, with no organisation.
    let log = benchmark_entries(&store).await;
    let expected: Vec<(String, String)> = [
        ("create", "1.2.2@2026-03-31"),
        ("create", "1.1.1@2026-03-31"),
        ("create", "1.2.2@2025-03-31"),
        ("update", "1.2.2@2026-03-31"),
        ("create", "M.2.1@2026-06-30"),
        ("delete", "1.2.2@2025-03-31"),
    ]
    .iter()
    .map(|(a, k)| (a.to_string(), k.to_string()))
    .collect();
    assert_eq!(log, expected);
    assert!(store.verify_audit().await.is_ok());
    store.close().await;
}

#[tokio::test]
async fn benchmarks_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    benchmarks(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test]
async fn benchmarks_on_postgres() {
    let Some(server) = postgres_server("benchmarks_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    benchmarks(&db.url).await;
    db.drop_now().await.unwrap();
}
