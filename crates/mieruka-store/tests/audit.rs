//! The audit log in storage: every change leaves one entry (by the handle's actor, inside the
//! change's transaction), a failed change leaves none, account changes leave no credential,
//! entries read back per organisation and page by page, and concurrent writers get contiguous
//! numbers — on SQLite and, when a server is
//! given, PostgreSQL. Tampering is in `audit_tampering.rs`.

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{MeasuredValue, MeasurementSource, PlanContent, PlanState};
use mieruka_domain::risk::{Impact, demo_risks};
use mieruka_domain::{Catalogue, Date, Lang, Maturity, Timestamp};
use mieruka_store::audit::{AuditEntry, GENESIS_HASH};
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, OrgId, Store, StoreError};
use serde_json::{Value, json};

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

fn org(code: &str) -> Organisation {
    Organisation::new(code, "空調メーカー", Maturity::Initial, 4).unwrap()
}

fn unit(code: &str, kind: UnitKind) -> Unit {
    Unit::new(code, "部門", kind, None, UnitFacts::default()).unwrap()
}

/// Every entry, oldest first.
async fn all(store: &Store) -> Vec<AuditEntry> {
    let mut entries = store.audit_entries(None, None, 10_000).await.unwrap();
    entries.reverse();
    entries
}

/// The entries added since `from` (a count of entries before), oldest first.
async fn since(store: &Store, from: usize) -> Vec<AuditEntry> {
    all(store).await.split_off(from)
}

fn summary(e: &AuditEntry) -> (&str, &str, &str, &str) {
    (
        e.actor.as_str(),
        e.action.as_str(),
        e.entity.as_str(),
        e.entity_key.as_str(),
    )
}

async fn recorded(url: &DatabaseUrl) {
    let base = Store::open(url).await.unwrap();
    let store = base.with_actor("alice");
    assert!(
        all(&store).await.is_empty(),
        "a new database has no entries"
    );

    // The catalogue: one entry for the first load, none when nothing changed.
    let catalogue = Catalogue::builtin().unwrap();
    store.sync_catalogue(&catalogue, now(0)).await.unwrap();
    store.sync_catalogue(&catalogue, now(1)).await.unwrap();
    let log = all(&store).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        summary(&log[0]),
        ("alice", "create", "kpi_definition", "built-in catalogue")
    );
    assert_eq!(log[0].org_id, None);
    assert_eq!(
        log[0].after.as_ref().unwrap()["added"]
            .as_array()
            .unwrap()
            .len(),
        catalogue.len()
    );

    // Organisations and units, keyed by code; a failed change leaves nothing.
    let acme = store
        .create_organisation(&org("acme"), now(2))
        .await
        .unwrap();
    assert!(matches!(
        store.create_organisation(&org("acme"), now(2)).await,
        Err(StoreError::Conflict { .. })
    ));
    let hq = store
        .add_unit(acme, None, &unit("hq", UnitKind::Company), now(3))
        .await
        .unwrap();
    let sec = store
        .add_unit(
            acme,
            Some(hq),
            &unit("security", UnitKind::Department),
            now(3),
        )
        .await
        .unwrap();
    assert!(
        store
            .add_unit(
                acme,
                Some(hq),
                &unit("security", UnitKind::Department),
                now(3)
            )
            .await
            .is_err()
    );
    store
        .set_maturity(acme, Maturity::Improving, now(4))
        .await
        .unwrap();
    store
        .set_maturity(acme, Maturity::Improving, now(4))
        .await
        .unwrap();
    store
        .set_unit_maturity(hq, Some(Maturity::Initial))
        .await
        .unwrap();
    let log = since(&store, 1).await;
    let keys: Vec<_> = log.iter().map(summary).collect();
    assert_eq!(
        keys,
        [
            ("alice", "create", "organisation", "acme"),
            ("alice", "create", "unit", "acme/hq"),
            ("alice", "create", "unit", "acme/security"),
            ("alice", "update", "organisation", "acme"),
            ("alice", "update", "unit", "acme/hq"),
        ],
        "failed and no-op changes leave no entry"
    );
    assert!(log.iter().all(|e| e.org_id == Some(acme)));
    assert_eq!(log[0].before, None);
    assert_eq!(log[0].after.as_ref().unwrap()["slug"], "acme");
    assert_eq!(log[2].after.as_ref().unwrap()["parent"], "hq");
    assert_eq!(log[3].before.as_ref().unwrap()["maturity"], "initial");
    assert_eq!(log[3].after.as_ref().unwrap()["maturity"], "improving");

    // A period, a plan, its revision and state.
    let h2 = Period::parse("FY2026-H2", 4).unwrap();
    let period = store.ensure_period(acme, &h2).await.unwrap();
    store.ensure_period(acme, &h2).await.unwrap();
    let kpi = store.kpi_definition(Some(acme), "1.2.2").await.unwrap();
    let content: PlanContent = serde_json::from_value(json!({
        "targets": [{"value": 100.0}], "deadline": "2027-03-31",
        "purpose": {"text": "情報盗難時の被害を減らす", "reduces": ["theft"]},
        "units": ["security"], "owner": "ciso"
    }))
    .unwrap();
    let content = content.validate(&kpi.definition, &h2).unwrap();
    let plan = store
        .create_plan(acme, period, kpi.id, &content, "ciso", now(5))
        .await
        .unwrap();
    let mut revised = content.clone();
    revised.deadline = Date::parse("2027-02-28").unwrap();
    store
        .revise_plan(plan, &revised, "前倒し", "ciso", now(6))
        .await
        .unwrap();
    let before_state = store.versions().await.unwrap();
    store.set_plan_state(plan, PlanState::Agreed).await.unwrap();
    let after_state = store.versions().await.unwrap();
    assert!(
        after_state.config > before_state.config && after_state.config == after_state.data,
        "a plan's change moves the configuration version: {before_state:?} → {after_state:?}"
    );
    let log = since(&store, 6).await;
    let p = format!("plan {plan}");
    let keys: Vec<_> = log.iter().map(summary).collect();
    assert_eq!(
        keys,
        [
            ("alice", "create", "period", "acme/FY2026-H2"),
            ("alice", "create", "plan", p.as_str()),
            ("alice", "update", "plan_revision", p.as_str()),
            ("alice", "update", "plan_state", p.as_str()),
        ]
    );
    assert_eq!(log[1].after.as_ref().unwrap()["kpi"], "1.2.2");
    assert_eq!(log[2].before.as_ref().unwrap()["revision"], 1);
    assert_eq!(log[2].after.as_ref().unwrap()["reason"], "前倒し");
    assert_eq!(log[3].after, Some(json!({ "state": "agreed" })));

    // Measurements: one entry per row added, a batch that fails leaves none.
    let m = |value: f64, key: Option<&str>| NewMeasurement {
        plan,
        unit: sec,
        measured_on: Date::parse("2026-11-01").unwrap(),
        part: None,
        value: MeasuredValue::Count { value },
        source: MeasurementSource::Manual,
        evidence: Some("議事録".into()),
        recorded_by: "ciso".into(),
        import_key: key.map(str::to_string),
    };
    let recorded = store
        .record_measurement(&m(40.0, None), now(7))
        .await
        .unwrap();
    assert_eq!(
        store.measurement(recorded.id).await.unwrap().as_ref(),
        Some(&recorded),
        "what is returned is what is stored"
    );
    let first = recorded.id;
    let fixed = store
        .correct_measurement(first, &m(45.0, None), now(8))
        .await
        .unwrap();
    let mut bad = m(1.0, Some("f#9"));
    bad.unit = mieruka_store::UnitId(9_999);
    let batch = [m(3.0, Some("f#1")), m(4.0, Some("f#2"))];
    let with_bad = [batch[0].clone(), batch[1].clone(), bad];
    assert!(store.add_measurements(&with_bad, now(9)).await.is_err());
    store.add_measurements(&batch, now(9)).await.unwrap();
    store.add_measurements(&batch, now(10)).await.unwrap();
    let measured = store.versions().await.unwrap();
    assert_eq!(
        measured.config, after_state.config,
        "measurements leave the configuration version"
    );
    assert_eq!(
        measured.data,
        after_state.data + 4,
        "but not the data version"
    );
    assert_eq!(measured.data, store.data_version().await.unwrap());
    let log = since(&store, 10).await;
    let keys: Vec<_> = log
        .iter()
        .map(|e| (e.action.as_str(), e.entity_key.clone()))
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(keys[0], ("create", format!("measurement {first}")));
    assert_eq!(keys[1], ("update", format!("measurement {fixed}")));
    let after = log[0].after.as_ref().unwrap();
    assert_eq!(
        (&after["unit"], &after["date"], &after["value"]["value"]),
        (&json!("security"), &json!("2026-11-01"), &json!(40.0))
    );
    assert_eq!(
        (&after["recorded_by"], &after["evidence"], &after["source"]),
        (&json!("ciso"), &json!("議事録"), &json!("manual"))
    );
    assert_eq!(log[1].before.as_ref().unwrap()["value"]["value"], 40.0);
    assert_eq!(log[1].after.as_ref().unwrap()["supersedes"], json!(first));
    assert_eq!(log[3].after.as_ref().unwrap()["import_key"], "f#2");

    // Users, recorded by another handle; no credential is in the entry.
    let bob = base.with_actor("bob");
    bob.create_user("ciso", "情報 太郎", Lang::Ja, now(11))
        .await
        .unwrap();
    let user = since(&store, 14).await.remove(0);
    assert_eq!(summary(&user), ("bob", "create", "user", "ciso"));
    assert_eq!(user.org_id, None);
    assert_eq!(
        user.after,
        Some(json!({"username": "ciso", "display_name": "情報 太郎", "lang": "ja"}))
    );

    // Loss inputs and risks.
    let inputs = mieruka_domain::demo::loss_inputs().validate().unwrap();
    store
        .set_loss_inputs(acme, &inputs, "first", "ciso", now(12))
        .await
        .unwrap();
    store
        .set_loss_inputs(acme, &inputs, "again", "ciso", now(13))
        .await
        .unwrap();
    let mut risk = demo_risks().remove(0);
    store.upsert_risk(acme, &risk, now(14)).await.unwrap();
    store.upsert_risk(acme, &risk, now(15)).await.unwrap();
    risk.impact = Impact::Level(5);
    store.upsert_risk(acme, &risk, now(16)).await.unwrap();
    store.remove_risk(acme, risk.code.as_str()).await.unwrap();
    assert!(store.remove_risk(acme, "nothing").await.is_err());
    let log = since(&store, 15).await;
    let r = format!("acme/{}", risk.code.as_str());
    let keys: Vec<_> = log.iter().map(summary).collect();
    assert_eq!(
        keys,
        [
            ("alice", "create", "loss_inputs", "acme"),
            ("alice", "update", "loss_inputs", "acme"),
            ("alice", "create", "risk", r.as_str()),
            ("alice", "update", "risk", r.as_str()),
            ("alice", "delete", "risk", r.as_str()),
        ]
    );
    assert_eq!(log[1].before.as_ref().unwrap()["reason"], "first");
    assert_eq!(log[3].after.as_ref().unwrap()["impact"], 5);
    assert_eq!(log[4].after, None);
    assert_eq!(log[4].before.as_ref().unwrap()["impact"], 5);

    // Reading: per organisation, newest first, page by page.
    let everything = store.audit_entries(None, None, 100).await.unwrap();
    assert_eq!(everything.len(), 20);
    assert!(everything.windows(2).all(|w| w[0].seq == w[1].seq + 1));
    let mine = store.audit_entries(Some(acme), None, 100).await.unwrap();
    assert_eq!(mine.len(), 18, "the catalogue and the user are nobody's");
    assert!(mine.iter().all(|e| e.org_id == Some(acme)));
    let page = store.audit_entries(Some(acme), Some(10), 3).await.unwrap();
    let seqs: Vec<_> = page.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [9, 8, 7]);
    assert!(
        store
            .audit_entries(Some(OrgId(9_999)), None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let report = store.verify_audit().await.unwrap();
    assert_eq!(report.entries, 20);
    assert_eq!(report.last_hash, everything[0].hash);
    assert_eq!(all(&store).await[0].prev_hash, GENESIS_HASH);
    base.close().await;
}

async fn accounts(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap().with_actor("admin");
    let acme = store
        .create_organisation(&org("acme"), now(0))
        .await
        .unwrap();
    let hq = store
        .add_unit(acme, None, &unit("hq", UnitKind::Company), now(0))
        .await
        .unwrap();
    let ciso = store
        .create_user("ciso", "情報 太郎", Lang::Ja, now(0))
        .await
        .unwrap();
    let from = all(&store).await.len();
    store
        .set_password_hash(ciso, "$argon2id$secret-hash", true)
        .await
        .unwrap();
    store.set_admin(ciso, true).await.unwrap();
    store.set_admin(ciso, true).await.unwrap();
    store.set_disabled(ciso, true).await.unwrap();
    store
        .grant(ciso, acme, "viewer", None, now(1))
        .await
        .unwrap();
    store
        .grant(ciso, acme, "contributor", Some(hq), now(2))
        .await
        .unwrap();
    assert!(store.grant(ciso, acme, "king", None, now(3)).await.is_err());
    store.revoke_membership(ciso, acme).await.unwrap();
    store.revoke_membership(ciso, acme).await.unwrap();
    let scopes = vec!["read".to_string()];
    let token = store
        .create_api_token(ciso, "ci", "mk_ab12", "digest-of-secret", &scopes, now(4))
        .await
        .unwrap();
    store.revoke_api_token(ciso, token, now(5)).await.unwrap();
    assert!(store.revoke_api_token(ciso, token, now(6)).await.is_err());

    let log = since(&store, from).await;
    let t = format!("api token {token}");
    let keys: Vec<_> = log.iter().map(summary).collect();
    assert_eq!(
        keys,
        [
            ("admin", "update", "user_password", "ciso"),
            ("admin", "update", "user", "ciso"),
            ("admin", "update", "user", "ciso"),
            ("admin", "create", "membership", "acme/ciso"),
            ("admin", "update", "membership", "acme/ciso"),
            ("admin", "delete", "membership", "acme/ciso"),
            ("admin", "create", "api_token", t.as_str()),
            ("admin", "update", "api_token", t.as_str()),
        ]
    );
    assert_eq!(log[1].after, Some(json!({ "is_admin": true })));
    assert_eq!(log[2].after, Some(json!({ "disabled": true })));
    assert_eq!(
        log[4].before,
        Some(json!({ "role": "viewer", "unit": null }))
    );
    assert_eq!(
        log[4].after,
        Some(json!({ "role": "contributor", "unit": "hq" }))
    );
    assert!(log[3..6].iter().all(|e| e.org_id == Some(acme)));
    assert_eq!(log[6].after.as_ref().unwrap()["prefix"], "mk_ab12");
    let text = serde_json::to_string(&log).unwrap();
    assert!(
        !text.contains("secret-hash") && !text.contains("digest-of-secret"),
        "no credential is logged: {text}"
    );
    assert_eq!(
        store.verify_audit().await.unwrap().entries as usize,
        from + log.len()
    );
    store.close().await;
}

async fn concurrent(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let s = store.with_actor(&format!("writer-{t}"));
        tasks.push(tokio::spawn(async move {
            // Ten changes: an organisation, then nine units (each reads before it writes).
            let o = s
                .create_organisation(&org(&format!("w{t}")), now(t))
                .await?;
            let top = s
                .add_unit(o, None, &unit("hq", UnitKind::Company), now(t))
                .await?;
            for i in 0..8 {
                let u = unit(&format!("d{i}"), UnitKind::Department);
                s.add_unit(o, Some(top), &u, now(t)).await?;
            }
            Ok::<_, StoreError>(())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let entries = all(&store).await;
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=80).collect::<Vec<_>>());
    for t in 0..8 {
        let actor = format!("writer-{t}");
        assert_eq!(entries.iter().filter(|e| e.actor == actor).count(), 10);
    }
    assert_eq!(store.verify_audit().await.unwrap().entries, 80);
    store.close().await;
}

fn sqlite(dir: &tempfile::TempDir) -> DatabaseUrl {
    DatabaseUrl::sqlite(dir.path().join("m.sqlite3"))
}

/// Runs `f` on a fresh PostgreSQL database, when a server is given.
async fn on_postgres<F: AsyncFn(&DatabaseUrl)>(test: &str, f: F) {
    let Some(server) = postgres_server(test) else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    f(&db.url).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn changes_are_recorded_with_their_actor_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    recorded(&sqlite(&dir)).await;
}

#[tokio::test]
async fn changes_are_recorded_with_their_actor_on_postgres() {
    on_postgres(
        "changes_are_recorded_with_their_actor_on_postgres",
        recorded,
    )
    .await;
}

#[tokio::test]
async fn account_changes_are_recorded_without_credentials_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    accounts(&sqlite(&dir)).await;
}

#[tokio::test]
async fn account_changes_are_recorded_without_credentials_on_postgres() {
    on_postgres(
        "account_changes_are_recorded_without_credentials_on_postgres",
        accounts,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_number_without_gaps_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    concurrent(&sqlite(&dir)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_number_without_gaps_on_postgres() {
    on_postgres(
        "concurrent_writers_number_without_gaps_on_postgres",
        concurrent,
    )
    .await;
}

#[test]
fn entries_serialise_for_auditors() {
    let e = AuditEntry {
        seq: 1,
        at: "2026-11-26T00:00:00Z".into(),
        actor: "alice".into(),
        action: "create".into(),
        entity: "organisation".into(),
        entity_key: "acme".into(),
        org_id: Some(OrgId(3)),
        before: None,
        after: Some(json!({"slug": "acme"})),
        prev_hash: GENESIS_HASH.into(),
        hash: "ab".into(),
    };
    let v: Value = serde_json::to_value(&e).unwrap();
    assert_eq!(v["org_id"], 3);
    assert_eq!(v["after"]["slug"], "acme");
    assert_eq!(v["before"], Value::Null);
}

async fn language_choice(url: &DatabaseUrl) {
    let store = Store::open(url).await.unwrap().with_actor("ciso");
    let id = store
        .create_user("ciso", "情報 太郎", Lang::Ja, now(0))
        .await
        .unwrap();
    let before = all(&store).await.len();
    store.set_user_lang(id, Lang::En).await.unwrap();
    let log = since(&store, before).await;
    assert_eq!(log.len(), 1, "one entry for the change");
    assert_eq!(summary(&log[0]), ("ciso", "update", "user", "ciso"));
    assert_eq!(log[0].before, Some(json!({"lang": "ja"})));
    assert_eq!(log[0].after, Some(json!({"lang": "en"})));
    let creds = store.credentials("ciso").await.unwrap().unwrap();
    assert_eq!(creds.lang, Lang::En, "remembered");
    store.set_user_lang(id, Lang::En).await.unwrap();
    assert_eq!(
        all(&store).await.len(),
        before + 1,
        "no entry without a change"
    );
    let missing = store
        .set_user_lang(mieruka_store::UserId(9_999), Lang::Ja)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_language_choice_is_remembered_and_audited_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    language_choice(&DatabaseUrl::sqlite(dir.path().join("lang.sqlite3"))).await;
}

#[tokio::test]
async fn a_language_choice_is_remembered_and_audited_on_postgres() {
    let Some(server) = postgres_server("a_language_choice_is_remembered_and_audited_on_postgres")
    else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    language_choice(&db.url).await;
    db.drop_now().await.unwrap();
}
