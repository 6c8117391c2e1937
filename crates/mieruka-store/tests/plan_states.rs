//! A plan's state changes with its revision in one transaction that checks the state it finds:
//! of four agreements started together on one draft, exactly one is recorded — on SQLite and
//! PostgreSQL, each agreement through its own connection pool, as separate processes would.

use std::sync::Arc;

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{Agreement, PlanContent, PlanState};
use mieruka_domain::{Catalogue, Date, Maturity, Timestamp};
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, PlanId, Store, StoreError};
use serde_json::json;
use tokio::sync::Barrier;

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

/// A draft plan for KPI 1.2.2 in FY2026-H2, with its content.
async fn draft(store: &Store) -> (PlanId, PlanContent) {
    store
        .sync_catalogue(&Catalogue::builtin().unwrap(), now(0))
        .await
        .unwrap();
    let org = Organisation::new("acme", "空調メーカー", Maturity::Initial, 4).unwrap();
    let org = store.create_organisation(&org, now(1)).await.unwrap();
    let unit = Unit::new(
        "security",
        "セキュリティ部門",
        UnitKind::Department,
        None,
        UnitFacts::default(),
    )
    .unwrap();
    store.add_unit(org, None, &unit, now(2)).await.unwrap();
    let h2 = Period::parse("FY2026-H2", 4).unwrap();
    let period = store.ensure_period(org, &h2).await.unwrap();
    let kpi = store.kpi_definition(Some(org), "1.2.2").await.unwrap();
    let content: PlanContent = serde_json::from_value(json!({
        "targets": [{"value": 100.0}], "deadline": "2027-03-31",
        "purpose": {"text": "情報盗難時の被害を減らす", "reduces": ["theft"]},
        "units": ["security"], "owner": "ciso"
    }))
    .unwrap();
    let content = content.validate(&kpi.definition, &h2).unwrap();
    let plan = store
        .create_plan(org, period, kpi.id, &content, "ciso", now(3))
        .await
        .unwrap();
    (plan, content)
}

async fn four_agreements_at_once(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let (plan, content) = draft(&store).await;
    let barrier = Arc::new(Barrier::new(4));
    let mut tasks = Vec::new();
    for i in 0..4 {
        // A pool of its own per agreement: no turn-taking shared inside this process.
        let own = Store::open(url)
            .await
            .unwrap()
            .with_actor(&format!("exec{i}"));
        let mut agreed = content.clone();
        agreed.agreement = Some(Agreement {
            by: format!("役員{i}"),
            on: Date::parse("2026-11-02").unwrap(),
        });
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let r = own
                .agree_plan(plan, &agreed, &format!("agreed by 役員{i}"), "ciso", now(4))
                .await;
            own.close().await;
            r
        }));
    }
    let mut won = Vec::new();
    let mut refused = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(revision) => won.push(revision),
            Err(e @ StoreError::State { .. }) => refused.push(e.to_string()),
            Err(other) => panic!("an agreement failed otherwise than by the plan's state: {other}"),
        }
    }
    assert_eq!(won, [2], "exactly one agreement is recorded, as revision 2");
    assert_eq!(refused.len(), 3);
    for message in &refused {
        assert_eq!(
            message,
            &format!("plan {plan} cannot be agreed: it is agreed, not a draft"),
            "a refused agreement names the state it found"
        );
    }
    let current = store.plan(plan).await.unwrap();
    assert_eq!((current.state, current.revision), (PlanState::Agreed, 2));
    assert_eq!(store.plan_revisions(plan).await.unwrap().len(), 2);
    let entries = store.audit_entries(None, None, 1000).await.unwrap();
    let count = |entity: &str| entries.iter().filter(|e| e.entity == entity).count();
    assert_eq!(
        (count("plan_revision"), count("plan_state")),
        (1, 1),
        "the winner's revision and state change are audited, the losers leave nothing"
    );

    // An agreed plan is revised, not agreed again; a closed one takes nothing.
    let mut revised = current.content.clone();
    revised.deadline = Date::parse("2027-02-28").unwrap();
    assert_eq!(
        store
            .revise_plan(plan, &revised, "前倒し", "ciso", now(5))
            .await
            .unwrap(),
        3
    );
    assert_eq!(store.plan(plan).await.unwrap().state, PlanState::Agreed);
    store.close_plan(plan).await.unwrap();
    let closed = |r: Result<(), StoreError>, expected: &str| match r {
        Err(e @ StoreError::State { .. }) => assert_eq!(e.to_string(), expected),
        other => panic!("expected `{expected}`, got {other:?}"),
    };
    closed(
        store.close_plan(plan).await,
        &format!("plan {plan} cannot be closed: it is already closed"),
    );
    closed(
        store
            .revise_plan(plan, &content, "戻す", "ciso", now(6))
            .await
            .map(|_| ()),
        &format!("plan {plan} cannot be revised: it is closed"),
    );
    closed(
        store.set_plan_state(plan, PlanState::Agreed).await,
        &format!("plan {plan} cannot be agreed: it is closed, not a draft"),
    );
    assert_eq!(store.plan_revisions(plan).await.unwrap().len(), 3);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_agreements_at_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    four_agreements_at_once(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_agreements_at_once_on_postgres() {
    let Some(server) = postgres_server("four_agreements_at_once_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    four_agreements_at_once(&db.url).await;
    db.drop_now().await.unwrap();
}
