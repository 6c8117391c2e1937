//! The pages with a large organisation: 50 plans in the current half-year beside the demo's, and
//! the same KPIs planned and measured monthly for three years before it. Every page still
//! renders every plan; the time each takes is printed (the load test measures release builds).

mod common;

use std::time::Instant;

use common::seed::{self, OWNER, now, sqlite_url, today};
use common::{Client, Server, expect, settings};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{MeasuredValue, MeasurementSource, PlanContent, PlanTarget, Purpose};
use mieruka_domain::{Formula, KpiId, Source};
use mieruka_store::Store;
use mieruka_store::measurements::NewMeasurement;

const PLANS: usize = 50;
const UNITS: [&str; 3] = ["security", "manufacturing", "support"];

/// Adds `PLANS` own ratio KPIs and plans them in the current half and the five before it, with a
/// measurement per unit at every month's end so far.
async fn grow(store: &Store) {
    let now = now();
    let today = today();
    let org = store.organisation("demo").await.unwrap();
    let units = store.units(org.id).await.unwrap();
    let unit_id = |code: &str| {
        units
            .iter()
            .find(|u| u.unit.code.as_str() == code)
            .unwrap()
            .id
    };
    let ratio = store
        .kpi_definitions(None)
        .await
        .unwrap()
        .into_iter()
        .find(|k| matches!(k.definition.formula, Formula::Ratio { .. }))
        .unwrap()
        .definition;
    let mut kpis = Vec::new();
    for i in 0..PLANS {
        let mut def = ratio.clone();
        def.id = KpiId::parse(&format!("own.scale-{i:02}")).unwrap();
        def.source = Source::Own;
        def.name =
            mieruka_domain::Text::new(&format!("規模確認用の指標 {i}"), &format!("Scale KPI {i}"));
        kpis.push(store.add_own_kpi(org.id, &def, now).await.unwrap());
    }
    let mut period = Period::half_containing(today, org.org.fiscal_start_month);
    for _ in 0..6 {
        let period_id = store.ensure_period(org.id, &period).await.unwrap();
        for (i, kpi) in kpis.iter().enumerate() {
            let content = PlanContent {
                targets: vec![PlanTarget {
                    part: None,
                    value: 90.0,
                }],
                baseline: None,
                deadline: period.end,
                trajectory: Vec::new(),
                purpose: Purpose {
                    text: format!("規模の確認 {i}"),
                    ..Purpose::default()
                },
                units: UNITS.iter().map(|u| u.to_string()).collect(),
                owner: "CISO".into(),
                agreement: None,
            };
            let plan = store
                .create_plan(org.id, period_id, *kpi, &content, "scale", now)
                .await
                .unwrap();
            let mut batch = Vec::new();
            let mut month = period.start.end_of_month();
            let mut k = 0.0;
            while month <= period.end && month <= today {
                k += 1.0;
                for unit in UNITS {
                    batch.push(NewMeasurement {
                        plan,
                        unit: unit_id(unit),
                        measured_on: month,
                        part: None,
                        value: MeasuredValue::Ratio {
                            numerator: (10.0 * k + i as f64).min(100.0),
                            denominator: 100.0,
                        },
                        source: MeasurementSource::Manual,
                        evidence: None,
                        recorded_by: "scale".into(),
                        import_key: None,
                    });
                }
                month = month.first_of_month_plus(1).end_of_month();
            }
            if !batch.is_empty() {
                store.add_measurements(&batch, now).await.unwrap();
            }
        }
        period = Period::half_containing(period.start.add_days(-1), org.org.fiscal_start_month);
    }
}

#[tokio::test]
async fn every_page_renders_every_plan_of_a_large_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(&dir)).await.unwrap();
    seed::seed(&store).await;
    grow(&store).await;
    let server = Server::start(settings(), store).await;
    let owner = Client::signed_in(server.addr, OWNER.0, OWNER.1).await;
    let mut c = Client::new(server.addr);
    c.cookie = owner.cookie.clone();
    for (path, expected) in [
        ("/orgs/demo", "class=\"card plan-card"),
        ("/orgs/demo/group", "/orgs/demo/plans/"),
        ("/orgs/demo/loss", "141億円"),
        ("/orgs/demo/risks", "<svg"),
    ] {
        let started = Instant::now();
        let r = c.get(path).await;
        let took = started.elapsed();
        expect(&r, 200, path);
        let found = r.text.matches(expected).count();
        eprintln!("{path}: {} ms, {} bytes", took.as_millis(), r.text.len());
        if path != "/orgs/demo/loss" && path != "/orgs/demo/risks" {
            assert!(found > PLANS, "{path}: {found} × `{expected}`");
        } else {
            assert!(found > 0, "{path}");
        }
    }
}
