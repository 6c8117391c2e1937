//! Group commit on SQLite (`audit/write.rs`): changes that arrive together share a commit, yet
//! each behaves as if it had its own — a failed change takes nothing else with it, a caller who
//! gives up half-way leaves nothing half-written, nobody waits forever, and once the burst is
//! over another process can write to the file at once.

use std::time::Duration;

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::{Maturity, Timestamp};
use mieruka_store::{DatabaseUrl, OrgId, Store, StoreError};

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

async fn setup(dir: &tempfile::TempDir) -> (DatabaseUrl, Store, OrgId) {
    let url = DatabaseUrl::sqlite(dir.path().join("m.sqlite3"));
    let store = Store::open(&url).await.unwrap();
    let org = Organisation::new("burst", "空調メーカー", Maturity::Initial, 4).unwrap();
    let org = store.create_organisation(&org, now()).await.unwrap();
    (url, store, org)
}

/// Every entry after the organisation's, as (actor, entity key).
async fn unit_entries(store: &Store) -> Vec<(String, String)> {
    let mut entries = store.audit_entries(None, None, 10_000).await.unwrap();
    entries.reverse();
    entries
        .into_iter()
        .filter(|e| e.entity == "unit")
        .map(|e| (e.actor, e.entity_key))
        .collect()
}

async fn unit_codes(store: &Store, org: OrgId) -> Vec<String> {
    let mut codes: Vec<String> = store
        .units(org)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.unit.code.as_str().to_string())
        .collect();
    codes.sort();
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_change_in_a_burst_takes_nothing_else_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_url, store, org) = setup(&dir).await;
    let mut tasks = Vec::new();
    // 120 writers at once; every third asks for a code another writer also asks for, so one of
    // each pair fails with a conflict while the rest of its batch commits.
    for i in 0..120 {
        let s = store.with_actor(&format!("w{i}"));
        let code = if i % 3 == 0 {
            format!("shared{}", i / 6)
        } else {
            format!("u{i}")
        };
        tasks.push(tokio::spawn(async move {
            (
                code.clone(),
                s.add_unit(org, None, &unit(&code), now()).await,
            )
        }));
    }
    let mut ok = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            (code, Ok(_)) => ok.push(code),
            (_, Err(StoreError::Conflict { .. })) => conflicts += 1,
            (code, Err(e)) => panic!("{code}: {e}"),
        }
    }
    assert_eq!(conflicts, 20, "40 writers asked for 20 shared codes");
    assert_eq!(ok.len(), 100);
    ok.sort();
    assert_eq!(
        unit_codes(&store, org).await,
        ok,
        "every reported success is stored"
    );
    let entries = unit_entries(&store).await;
    assert_eq!(
        entries.len(),
        100,
        "one entry per stored unit, none for a failure"
    );
    let report = store.verify_audit().await.unwrap();
    assert_eq!(
        report.entries, 101,
        "the organisation and the units, without gaps"
    );
    assert_eq!(
        (report.sealed, report.head),
        (101, Some(101)),
        "every entry sealed; the head moved to the newest committed"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn callers_who_give_up_leave_nothing_half_written_and_nobody_waits_forever() {
    let dir = tempfile::tempdir().unwrap();
    let (url, store, org) = setup(&dir).await;
    let mut tasks = Vec::new();
    // Every other caller gives up after a deadline spread over the burst, so callers are
    // cancelled at every point of a change: waiting for their turn, inside their savepoint
    // (written, not yet logged), or waiting for the commit.
    for i in 0..400u64 {
        let s = store.with_actor(&format!("w{i}"));
        let task = tokio::spawn(async move {
            let u = unit(&format!("u{i}"));
            let change = s.add_unit(org, None, &u, now());
            if i % 2 == 0 {
                let deadline = Duration::from_micros(37 * i);
                match tokio::time::timeout(deadline, change).await {
                    Ok(done) => done.map(Some),
                    Err(_) => Ok(None),
                }
            } else {
                change.await.map(Some)
            }
        });
        tasks.push(task);
    }
    let all = async {
        let mut reported = Vec::new();
        let mut gave_up = 0;
        for (i, task) in tasks.into_iter().enumerate() {
            match task.await.unwrap() {
                Ok(Some(_)) => reported.push(format!("u{i}")),
                Ok(None) => gave_up += 1,
                Err(e) => panic!("u{i}: {e}"),
            }
        }
        assert!(gave_up > 0, "some callers gave up");
        reported
    };
    let mut reported = tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("every writer finishes");
    reported.sort();
    let stored = unit_codes(&store, org).await;
    // A cancelled caller's change may have committed (it was done when the caller gave up) or
    // not, but never half: each stored unit has exactly its one entry, and every success
    // reported is stored.
    for code in &reported {
        assert!(stored.contains(code), "{code} was reported saved");
    }
    let entries = unit_entries(&store).await;
    let mut logged: Vec<String> = entries.into_iter().map(|(_, key)| key).collect();
    logged.sort();
    let stored_keys: Vec<String> = stored.iter().map(|c| format!("burst/{c}")).collect();
    assert_eq!(
        logged, stored_keys,
        "each stored unit has exactly its one entry"
    );
    store.verify_audit().await.unwrap();

    // No transaction is left open: another process writes to the file at once.
    let other = Store::open(&url).await.unwrap().with_actor("cli");
    tokio::time::timeout(
        Duration::from_secs(3),
        other.add_unit(org, None, &unit("after"), now()),
    )
    .await
    .expect("the write lock is free after the burst")
    .unwrap();
    other.close().await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_change_cancelled_half_way_leaves_nothing_of_itself() {
    let catalogue = mieruka_domain::Catalogue::builtin().unwrap();
    // Loading the catalogue writes fifty definitions in one change. Cancel it at later and
    // later moments, with other writers around it, until a cancellation lands inside it.
    for attempt in 0..40u64 {
        let dir = tempfile::tempdir().unwrap();
        let (_url, store, org) = setup(&dir).await;
        let others: Vec<_> = (0..6)
            .map(|i| {
                let s = store.with_actor(&format!("w{i}"));
                tokio::spawn(async move {
                    let u = unit(&format!("u{i}"));
                    s.add_unit(org, None, &u, now()).await
                })
            })
            .collect();
        let deadline = Duration::from_micros(100 + 150 * attempt);
        let load = store.sync_catalogue(&catalogue, now());
        let cancelled = tokio::time::timeout(deadline, load).await.is_err();
        for task in others {
            task.await.unwrap().unwrap();
        }
        // A caller that gave up after its change was handed over leaves the batch's commit to a
        // task of its own. One more change, which returns only once its batch has committed
        // (rolling back first whatever an abandoned turn left), makes the reads below see the
        // sync's outcome whole, never half-way through that commit.
        store
            .with_actor("barrier")
            .add_unit(org, None, &unit("barrier"), now())
            .await
            .unwrap();
        let definitions = store.kpi_definitions(None).await.unwrap().len();
        let catalogue_entries = store
            .audit_entries(None, None, 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.entity != "unit" && e.entity != "organisation")
            .count();
        // Cancelled before it started or rolled back: nothing of it. Finished (the caller gave
        // up while it committed, or in time): all of it, logged. Never a part.
        if definitions == 0 {
            assert!(cancelled);
            assert_eq!(catalogue_entries, 0);
        } else {
            assert_eq!(definitions, catalogue.entries().len());
            assert!(catalogue_entries > 0);
        }
        assert_eq!(
            unit_codes(&store, org).await.len(),
            7,
            "the others are kept"
        );
        store.verify_audit().await.unwrap();
        store.close().await;
        if !cancelled {
            break;
        }
    }
}
