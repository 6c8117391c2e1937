//! The storage story: every kind of record the product keeps, written, read back, refused when
//! wrong, and still there after reopening — on SQLite and, when a server is given, PostgreSQL.

use mieruka_domain::catalogue::RawKpi;
use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{MeasuredValue, MeasurementSource, PlanContent, PlanState};
use mieruka_domain::{Catalogue, Date, Lang, Maturity, Timestamp};
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::testing::{FreshDatabase, postgres_server};
use mieruka_store::{DatabaseUrl, Store, StoreError, schema_version};
use serde_json::json;

fn now(step: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_709_467 + step)
}

fn unit(code: &str, name: &str, kind: UnitKind) -> Unit {
    let facts = UnitFacts {
        employees: Some(120),
        ..UnitFacts::default()
    };
    Unit::new(code, name, kind, None, facts).unwrap()
}

fn assert_conflict<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    match r {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("{what}: expected a conflict, got {other:?}"),
    }
}

fn assert_invalid<T: std::fmt::Debug>(r: Result<T, StoreError>, field: &str) {
    match r {
        Err(StoreError::Invalid { field: f, .. }) if f == field => {}
        other => panic!("expected invalid `{field}`, got {other:?}"),
    }
}

async fn story(url: &DatabaseUrl) {
    let catalogue = Catalogue::builtin().unwrap();
    let store = Store::open(url).await.unwrap();
    assert_eq!(store.applied_version().await.unwrap(), schema_version());

    // The catalogue loads once; loading it again changes nothing.
    let first = store.sync_catalogue(&catalogue, now(0)).await.unwrap();
    assert_eq!(first.added, catalogue.len());
    let again = store.sync_catalogue(&catalogue, now(1)).await.unwrap();
    assert_eq!(
        (again.added, again.updated, again.unchanged),
        (0, 0, catalogue.len())
    );
    let stored = store.kpi_definitions(None).await.unwrap();
    let defs: Vec<_> = stored.iter().map(|k| k.definition.clone()).collect();
    assert_eq!(
        defs,
        catalogue.entries(),
        "definitions survive the round trip unchanged"
    );

    // Organisations: unique codes, maturity changes.
    let demo = Organisation::new("demo", "空調メーカー", Maturity::Initial, 4).unwrap();
    let org = store.create_organisation(&demo, now(2)).await.unwrap();
    assert_conflict(
        store.create_organisation(&demo, now(2)).await,
        "same organisation code",
    );
    let other = store
        .create_organisation(
            &Organisation::new("other", "他社", Maturity::Initial, 1).unwrap(),
            now(2),
        )
        .await
        .unwrap();
    store
        .set_maturity(org, Maturity::Improving, now(3))
        .await
        .unwrap();
    let read = store.organisation("demo").await.unwrap();
    assert_eq!(
        (read.id, read.org.maturity, read.org.name.as_str()),
        (org, Maturity::Improving, "空調メーカー")
    );
    assert!(matches!(
        store.organisation("nobody").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.organisations().await.unwrap().len(), 2);

    // A unit tree: company → departments and an overseas subsidiary.
    let hq = store
        .add_unit(org, None, &unit("hq", "本社", UnitKind::Company), now(4))
        .await
        .unwrap();
    let mut departments = Vec::new();
    for (code, name) in [
        ("security", "セキュリティ部門"),
        ("manufacturing", "製造部門"),
        ("support", "顧客サポート部門"),
    ] {
        departments.push(
            store
                .add_unit(
                    org,
                    Some(hq),
                    &unit(code, name, UnitKind::Department),
                    now(4),
                )
                .await
                .unwrap(),
        );
    }
    store
        .add_unit(
            org,
            Some(hq),
            &unit("us", "米国現地法人", UnitKind::OverseasSubsidiary),
            now(4),
        )
        .await
        .unwrap();
    assert_conflict(
        store
            .add_unit(
                org,
                Some(hq),
                &unit("security", "重複", UnitKind::Department),
                now(5),
            )
            .await,
        "unit code",
    );
    assert_invalid(
        store
            .add_unit(
                other,
                Some(hq),
                &unit("x", "他社の子", UnitKind::Department),
                now(5),
            )
            .await,
        "parent",
    );
    let us = store.units(org).await.unwrap()[4].id;
    store
        .set_unit_maturity(us, Some(Maturity::Initial))
        .await
        .unwrap();
    let units = store.units(org).await.unwrap();
    assert_eq!(units.len(), 5);
    assert_eq!(
        units[4].unit.maturity,
        Some(Maturity::Initial),
        "a group company's own stage"
    );
    assert_eq!(units[0].parent_id, None);
    assert!(units[1..].iter().all(|u| u.parent_id == Some(hq)));
    assert_eq!(units[1].unit.facts.employees, Some(120));
    let other_hq = store
        .add_unit(
            other,
            None,
            &unit("hq", "他社本社", UnitKind::Company),
            now(5),
        )
        .await
        .unwrap();

    // Own KPIs: same validation as the catalogue, ids unique against it, private to the org.
    let raw: RawKpi = serde_json::from_value(json!({
        "id": "own.pc-monitoring", "source": "own",
        "name": {"ja": "PC端末の監視強化プロジェクト進捗率", "en": "PC monitoring project progress"},
        "measure_kind": "organisation", "maturity": "improving", "direction": "higher_is_better",
        "measure_type": "implementation", "frequency": "monthly",
        "formula": {"kind": "progress", "actual": {"ja": "実績値", "en": "Actual"}, "plan": {"ja": "計画値", "en": "Plan"}},
        "targets": [{"rule": "at_least", "value": 100, "unit": "percent"}]
    }))
    .unwrap();
    let own = raw.validate().unwrap();
    let own_id = store.add_own_kpi(org, &own, now(6)).await.unwrap();
    assert_conflict(store.add_own_kpi(org, &own, now(6)).await, "own KPI twice");
    let mut clash = own.clone();
    clash.id = mieruka_domain::KpiId::parse("1.1.1").unwrap();
    assert_conflict(
        store.add_own_kpi(org, &clash, now(6)).await,
        "own KPI with a built-in id",
    );
    assert_eq!(
        store.kpi_definitions(Some(org)).await.unwrap().len(),
        catalogue.len() + 1
    );
    assert_eq!(
        store.kpi_definitions(Some(other)).await.unwrap().len(),
        catalogue.len()
    );
    assert!(
        store
            .kpi_definition(Some(other), "own.pc-monitoring")
            .await
            .is_err()
    );
    let anonymisation = store.kpi_definition(Some(org), "1.2.2").await.unwrap();

    // Periods.
    let h2 = Period::parse("FY2026-H2", 4).unwrap();
    let period = store.ensure_period(org, &h2).await.unwrap();
    assert_eq!(store.ensure_period(org, &h2).await.unwrap(), period);
    let shifted = Period::parse("FY2026-H2", 1).unwrap();
    assert_invalid(store.ensure_period(org, &shifted).await, "period");
    let other_period = store.ensure_period(other, &shifted).await.unwrap();
    assert_eq!(
        store.periods(org).await.unwrap()[0].start,
        Date::parse("2026-10-01").unwrap()
    );

    // Users.
    store
        .create_user("ciso", "情報 太郎", Lang::Ja, now(7))
        .await
        .unwrap();
    assert_conflict(
        store.create_user("ciso", "別人", Lang::En, now(7)).await,
        "username",
    );
    assert_invalid(
        store.create_user("Bad Name", "x", Lang::En, now(7)).await,
        "username",
    );
    assert_eq!(store.user("ciso").await.unwrap().display_name, "情報 太郎");

    // Plans keep every revision with its reason.
    let content: PlanContent = serde_json::from_value(json!({
        "targets": [{"value": 100.0}], "deadline": "2027-03-31",
        "purpose": {"text": "情報盗難時の被害を減らす", "reduces": ["theft"]},
        "units": ["security", "manufacturing"], "owner": "ciso"
    }))
    .unwrap();
    let content = content.validate(&anonymisation.definition, &h2).unwrap();
    let plan = store
        .create_plan(org, period, anonymisation.id, &content, "ciso", now(8))
        .await
        .unwrap();
    assert_invalid(
        store
            .create_plan(
                org,
                other_period,
                anonymisation.id,
                &content,
                "ciso",
                now(8),
            )
            .await,
        "period",
    );
    assert_invalid(
        store
            .create_plan(other, other_period, own_id, &content, "ciso", now(8))
            .await,
        "kpi",
    );
    let mut revised = content.clone();
    revised.deadline = Date::parse("2027-02-28").unwrap();
    assert_invalid(
        store
            .revise_plan(plan, &revised, "  ", "ciso", now(9))
            .await,
        "reason",
    );
    assert_eq!(
        store
            .revise_plan(plan, &revised, "前倒し", "ciso", now(9))
            .await
            .unwrap(),
        2
    );
    store.set_plan_state(plan, PlanState::Agreed).await.unwrap();
    let current = store.plan(plan).await.unwrap();
    assert_eq!(
        (current.revision, current.state, &current.content),
        (2, PlanState::Agreed, &revised)
    );
    let history = store.plan_revisions(plan).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| r.reason.as_str())
            .collect::<Vec<_>>(),
        ["created", "前倒し"]
    );
    assert_eq!(history[0].content, content);
    assert_eq!(store.plans(org, period).await.unwrap().len(), 1);
    let ctx = store.plan_context(plan).await.unwrap();
    assert_eq!(
        (ctx.kpi.id.as_str(), ctx.period.id.as_str()),
        ("1.2.2", "FY2026-H2")
    );
    assert_eq!(ctx.org.org.slug.as_str(), "demo");
    assert!(ctx.unit("support").is_some());

    // Measurements are append-only; corrections supersede.
    let m = |unit, value: f64, key: Option<&str>| NewMeasurement {
        plan,
        unit,
        measured_on: Date::parse("2026-11-01").unwrap(),
        part: None,
        value: MeasuredValue::Count { value },
        source: MeasurementSource::Manual,
        evidence: Some("議事録".into()),
        recorded_by: "ciso".into(),
        import_key: key.map(str::to_string),
    };
    let first = store
        .add_measurement(&m(departments[0], 40.0, Some("file#1")), now(10))
        .await
        .unwrap();
    store
        .add_measurement(&m(departments[1], 10.0, None), now(10))
        .await
        .unwrap();
    let fixed = store
        .correct_measurement(first, &m(departments[0], 45.0, None), now(11))
        .await
        .unwrap();
    assert_conflict(
        store
            .correct_measurement(first, &m(departments[0], 46.0, None), now(12))
            .await,
        "second correction",
    );
    assert_conflict(
        store
            .add_measurement(&m(departments[2], 1.0, Some("file#1")), now(12))
            .await,
        "import key",
    );
    assert_invalid(
        store
            .add_measurement(&m(other_hq, 1.0, None), now(12))
            .await,
        "unit",
    );
    assert_invalid(
        store
            .correct_measurement(first, &m(departments[2], 1.0, None), now(12))
            .await,
        "supersedes",
    );
    let mut zero = m(departments[2], 1.0, None);
    zero.value = MeasuredValue::Ratio {
        numerator: 1.0,
        denominator: 0.0,
    };
    assert_invalid(store.add_measurement(&zero, now(12)).await, "denominator");
    let in_force = store.current_measurements(plan).await.unwrap();
    let readings: Vec<f64> = in_force.iter().map(|x| x.value.reading()).collect();
    assert_eq!(readings, [45.0, 10.0]);
    assert_eq!(in_force[0].unit_code, "security");
    let all = store.measurement_history(plan).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].superseded_by, Some(fixed));
    assert_eq!(all[2].supersedes, Some(first));
    assert_eq!(all[0].evidence.as_deref(), Some("議事録"));

    // A batch is all or nothing, and its import keys make a second import add nothing.
    let batch = vec![
        m(departments[2], 3.0, Some("file#2")),
        m(departments[2], 4.0, Some("file#3")),
    ];
    let mut bad_batch = batch.clone();
    bad_batch.push(m(other_hq, 5.0, Some("file#4")));
    assert_invalid(store.add_measurements(&bad_batch, now(13)).await, "unit");
    assert_eq!(
        store.measurement_history(plan).await.unwrap().len(),
        3,
        "a failed batch changes nothing"
    );
    let first_import = store.add_measurements(&batch, now(13)).await.unwrap();
    assert_eq!((first_import.added, first_import.already_recorded), (2, 0));
    let second_import = store.add_measurements(&batch, now(14)).await.unwrap();
    assert_eq!(
        (second_import.added, second_import.already_recorded),
        (0, 2)
    );
    let durations = NewMeasurement {
        value: MeasuredValue::Duration {
            total_hours: 30.0,
            events: 4.0,
            effort_hours: Some(12.0),
        },
        ..m(departments[2], 0.0, None)
    };
    store.add_measurement(&durations, now(15)).await.unwrap();
    let last = store
        .measurement_history(plan)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.value, durations.value);
    assert_eq!(last.value.reading(), 7.5);
    store.close().await;

    // Everything is still there after reopening.
    let reopened = Store::open(url).await.unwrap();
    assert_eq!(reopened.units(org).await.unwrap().len(), 5);
    assert_eq!(reopened.measurement_history(plan).await.unwrap().len(), 6);
    assert_eq!(
        reopened
            .sync_catalogue(&catalogue, now(20))
            .await
            .unwrap()
            .unchanged,
        catalogue.len()
    );
    reopened.close().await;
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::sqlite(dir.path().join("nested/folder/mieruka.sqlite3"));
    story(&url).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(server) = postgres_server("story_on_postgres") else {
        return;
    };
    let db = FreshDatabase::create(&server).await.unwrap();
    story(&db.url).await;
    db.drop_now().await.unwrap();
}

#[tokio::test]
async fn concurrent_opens_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::sqlite(dir.path().join("m.sqlite3"));
    let (a, b) = tokio::join!(Store::open(&url), Store::open(&url));
    assert_eq!(
        a.unwrap().applied_version().await.unwrap(),
        b.unwrap().applied_version().await.unwrap()
    );
    if let Some(server) = postgres_server("concurrent_opens_migrate_once") {
        let db = FreshDatabase::create(&server).await.unwrap();
        let (a, b) = tokio::join!(Store::open(&db.url), Store::open(&db.url));
        a.unwrap().close().await;
        b.unwrap().close().await;
        db.drop_now().await.unwrap();
    }
}

#[tokio::test]
async fn unreachable_and_unusable_locations_fail_clearly() {
    let url = DatabaseUrl::parse("postgres://nobody@127.0.0.1:1/none").unwrap();
    let e = Store::open(&url).await.unwrap_err().to_string();
    assert!(
        e.starts_with("cannot connect to the database at postgres://nobody@127.0.0.1:1/none"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let e = Store::open(&DatabaseUrl::sqlite(dir.path()))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("it is a folder"), "{e}");
}
