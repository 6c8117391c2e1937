//! The board report's comparison with peers, built from stored benchmark figures: left out when
//! no KPI of the report has any; otherwise one row per KPI with figures dated on or before the
//! report's date (the latest such), our latest actual in the report's units, the peers'
//! figures with their source and date, and where we stand in the KPI's direction.

use std::collections::HashMap;

use mieruka_app::report;
use mieruka_domain::benchmark::{Benchmark, PeerPlacement, RawBenchmark};
use mieruka_domain::plan::MeasurementSource;
use mieruka_domain::report::model::BoardReport;
use mieruka_domain::{Catalogue, Date, Lang, Timestamp, demo};
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{DatabaseUrl, Store};

/// A fixed "today", so the demo's history and the report's period are always the same.
fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

fn now() -> Timestamp {
    Timestamp::from_unix_seconds(today().days_since_epoch() * 86_400 + 9 * 3600)
}

/// The demo company with its plans and their histories, as `mieruka demo` writes it.
async fn demo_company(store: &Store) -> StoredOrg {
    let now = now();
    store
        .sync_catalogue(&Catalogue::builtin().unwrap(), now)
        .await
        .unwrap();
    let org = store
        .create_organisation(&demo::organisation(), now)
        .await
        .unwrap();
    let mut units = HashMap::new();
    for (parent, unit) in demo::units() {
        let parent = parent.and_then(|p| units.get(p).copied());
        let id = store.add_unit(org, parent, &unit, now).await.unwrap();
        units.insert(unit.code.as_str().to_string(), id);
    }
    for def in demo::own_kpis() {
        store.add_own_kpi(org, &def, now).await.unwrap();
    }
    for p in demo::plans(today()) {
        let period = store.ensure_period(org, &p.period).await.unwrap();
        let kpi = store.kpi_definition(Some(org), p.kpi).await.unwrap();
        let plan = store
            .create_plan(org, period, kpi.id, &p.content, demo::RECORDER, now)
            .await
            .unwrap();
        let batch: Vec<NewMeasurement> = p
            .measurements
            .iter()
            .map(|&(unit, date, value)| NewMeasurement {
                plan,
                unit: units[unit],
                measured_on: date,
                part: None,
                value,
                source: MeasurementSource::Manual,
                evidence: None,
                recorded_by: demo::RECORDER.into(),
                import_key: None,
            })
            .collect();
        store.add_measurements(&batch, now).await.unwrap();
        store.set_plan_state(plan, p.state).await.unwrap();
    }
    store.organisation("demo").await.unwrap()
}

async fn build(store: &Store, org: &StoredOrg, lang: Lang) -> BoardReport {
    let period = report::resolve_period(store, org, None, today())
        .await
        .unwrap();
    report::build(store, org, &period, lang, today())
        .await
        .unwrap()
}

fn bench(kpi: &str, as_of: &str, median: f64, lower: Option<f64>, upper: Option<f64>) -> Benchmark {
    RawBenchmark {
        kpi: kpi.into(),
        as_of: as_of.into(),
        median,
        lower,
        upper,
        peers: 52,
        source: "JCIC 会員調査 2026".into(),
        industry: None,
    }
    .validate()
    .unwrap()
}

/// The KPI's actual in the report's workbook data.
fn actual(r: &BoardReport, kpi: &str) -> f64 {
    r.data
        .plans
        .iter()
        .filter(|p| p.kpi_id == kpi)
        .find_map(|p| p.actual)
        .unwrap_or_else(|| panic!("KPI {kpi} has an actual in the demo"))
}

#[tokio::test]
async fn the_summary_compares_with_peers_only_when_there_are_figures() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3")))
        .await
        .unwrap();
    let org = demo_company(&store).await;

    let before = build(&store, &org, Lang::Ja).await;
    assert_eq!(before.summary.peers, None, "no benchmark: no section");
    assert!(before.as_of == today());

    // Figures for a KPI the report does not show change nothing either.
    assert!(before.kpis.iter().all(|k| k.kpi_id != "1.3.1"));
    store
        .set_benchmarks(&[bench("1.3.1", "2026-03-31", 90.0, None, None)], now())
        .await
        .unwrap();
    assert_eq!(build(&store, &org, Lang::Ja).await.summary.peers, None);

    // Anonymisation (1.2.2) is well ahead of peers; the exercise KPI (1.10.2) behind them.
    // The older 1.2.2 survey and the one dated after the report are not the ones used.
    let anonymised = actual(&before, "1.2.2");
    let exercised = actual(&before, "1.10.2");
    assert!(
        anonymised > 10.0 && exercised > 10.0,
        "{anonymised} {exercised}"
    );
    store
        .set_benchmarks(
            &[
                bench("1.2.2", "2025-03-31", anonymised * 2.0, None, None),
                bench(
                    "1.2.2",
                    "2026-03-31",
                    anonymised / 2.0,
                    Some(anonymised / 4.0),
                    Some(anonymised * 0.9),
                ),
                bench("1.2.2", "2026-12-31", anonymised * 3.0, None, None),
                bench(
                    "1.10.2",
                    "2026-09-30",
                    (exercised * 2.0).min(100.0),
                    Some((exercised * 1.5).min(100.0)),
                    None,
                ),
            ],
            now(),
        )
        .await
        .unwrap();

    let r = build(&store, &org, Lang::Ja).await;
    let peers = r.summary.peers.clone().expect("a section with peers");
    assert_eq!(peers.len(), 2, "{peers:#?}");
    let name = |kpi: &str| {
        r.kpis
            .iter()
            .find(|k| k.kpi_id == kpi)
            .unwrap()
            .name
            .clone()
    };
    let (top, behind) = (&peers[0], &peers[1]);
    assert_eq!(top.measure, name("1.2.2"), "the board's name of the KPI");
    let pct = |v: f64| {
        let s = format!("{v:.1}");
        format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
    };
    assert_eq!(top.ours, pct(anonymised));
    assert!(
        top.peers
            .starts_with(&format!("中央値 {}", pct(anonymised / 2.0))),
        "the 2026-03-31 survey: {}",
        top.peers
    );
    assert!(top.peers.contains("中位の半数"), "{}", top.peers);
    assert!(top.peers.contains("52社"), "{}", top.peers);
    assert!(
        top.peers
            .contains("出典: JCIC 会員調査 2026、2026年3月31日時点"),
        "{}",
        top.peers
    );
    assert!(
        top.peers
            .ends_with(PeerPlacement::TopQuarter.label(Lang::Ja)),
        "{}",
        top.peers
    );
    assert_eq!(behind.measure, name("1.10.2"));
    assert!(
        behind
            .peers
            .ends_with(PeerPlacement::BottomQuarter.label(Lang::Ja)),
        "{}",
        behind.peers
    );
    assert!(behind.peers.contains("第1四分位"), "{}", behind.peers);

    // The same rows in English, and the snapshot an issued report keeps carries them.
    let en = build(&store, &org, Lang::En).await;
    let en_peers = en.summary.peers.clone().unwrap();
    assert!(
        en_peers[0]
            .peers
            .ends_with("Better than the median (top quarter)"),
        "{}",
        en_peers[0].peers
    );
    assert!(en_peers[0].peers.contains("52 organisations"));
    assert!(en_peers[0].peers.contains("as of 31 Mar 2026"));
    let back = report::from_snapshot(&report::snapshot(&r)).unwrap();
    assert_eq!(back.summary.peers, r.summary.peers);
    assert_eq!(r.label("peers_ours"), "当社");
    store.close().await;
}
