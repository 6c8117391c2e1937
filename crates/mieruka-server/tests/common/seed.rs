//! The demo in a fresh database, written through the store as `mieruka demo` writes it (the
//! catalogue, the demo company and its units, its own KPI, plans with histories, loss inputs,
//! risks), plus a second organisation, and one account per role.

use std::collections::HashMap;

use mieruka_domain::org::{Organisation, Unit, UnitFacts, UnitKind};
use mieruka_domain::plan::MeasurementSource;
use mieruka_domain::{Catalogue, Date, Lang, Maturity, Timestamp, demo};
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::{DatabaseUrl, OrgId, PlanId, Store};

/// Every account the tests sign in as: username, password, role in `demo` (or in `other`).
pub const ADMIN: (&str, &str) = ("admin", "admin-password-2026");
pub const OWNER: (&str, &str) = ("ciso", "ciso-password-2026");
pub const CONTRIBUTOR: (&str, &str) = ("manufacturing", "mfg-password-2026");
pub const VIEWER: (&str, &str) = ("exec", "exec-password-2026");
pub const AUDITOR: (&str, &str) = ("auditor", "audit-password-2026");
/// The owner of the other organisation, with no part in `demo`.
pub const OUTSIDER: (&str, &str) = ("rival", "rival-password-2026");

/// The clock for the tests: the wall clock, as the server reads it.
#[allow(clippy::disallowed_methods)]
pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Timestamp::from_unix_seconds(secs)
}

/// Today where the seeded organisations are (Tokyo), as the server counts it.
pub fn today() -> Date {
    mieruka_domain::time::Zone::tokyo().date_of(now())
}

/// What the tests need to know about the seeded data.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub org: OrgId,
    pub other: OrgId,
    /// Every demo plan, in the order created; the first ones are in the current half-year.
    pub plans: Vec<PlanId>,
    /// The exercise plan (KPI 1.10.2) of the current half: security, manufacturing and support.
    pub exercise: PlanId,
    /// The current half-year's id (FY2026-H2…).
    pub period: String,
    /// A plan of the other organisation.
    pub other_plan: PlanId,
}

/// A fresh SQLite database in a temporary folder.
pub fn sqlite_url(dir: &tempfile::TempDir) -> DatabaseUrl {
    DatabaseUrl::sqlite(dir.path().join("mieruka.sqlite3"))
}

/// The catalogue only, as every command loads it.
pub async fn catalogue(store: &Store) {
    store
        .sync_catalogue(&Catalogue::builtin().unwrap(), now())
        .await
        .unwrap();
}

/// Seeds the demo, the other organisation and the accounts.
pub async fn seed(store: &Store) -> Seeded {
    let now = now();
    let today = now.date();
    catalogue(store).await;
    let org = store
        .create_organisation(&demo::organisation(), now)
        .await
        .unwrap();
    let mut ids: HashMap<String, _> = HashMap::new();
    for (parent, unit) in demo::units() {
        let parent_id = parent.and_then(|p| ids.get(p).copied());
        let id = store.add_unit(org, parent_id, &unit, now).await.unwrap();
        ids.insert(unit.code.as_str().to_string(), id);
    }
    for def in demo::own_kpis() {
        store.add_own_kpi(org, &def, now).await.unwrap();
    }
    let mut plans = Vec::new();
    let mut exercise = None;
    for p in demo::plans(today) {
        let period = store.ensure_period(org, &p.period).await.unwrap();
        let kpi = store.kpi_definition(Some(org), p.kpi).await.unwrap();
        let id = store
            .create_plan(org, period, kpi.id, &p.content, demo::RECORDER, now)
            .await
            .unwrap();
        let batch: Vec<NewMeasurement> = p
            .measurements
            .iter()
            .map(|&(unit, date, value)| NewMeasurement {
                plan: id,
                unit: ids[unit],
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
        store.set_plan_state(id, p.state).await.unwrap();
        if p.kpi == "1.10.2" && p.period.contains(today) {
            exercise = Some(id);
        }
        plans.push(id);
    }
    let inputs = demo::loss_inputs().validate().unwrap();
    store
        .set_loss_inputs(org, &inputs, "demo", demo::RECORDER, now)
        .await
        .unwrap();
    for r in mieruka_domain::risk::demo_risks() {
        store.upsert_risk(org, &r, now).await.unwrap();
    }

    let other = store
        .create_organisation(
            &Organisation::new("other", "他社", Maturity::Initial, 4).unwrap(),
            now,
        )
        .await
        .unwrap();
    let main = Unit::new(
        "main",
        "本社",
        UnitKind::Company,
        None,
        UnitFacts::default(),
    )
    .unwrap();
    store.add_unit(other, None, &main, now).await.unwrap();
    let other_content = demo::plans(today)
        .into_iter()
        .find(|p| p.kpi == "1.10.2" && p.period.contains(today))
        .unwrap();
    let mut content = other_content.content.clone();
    content.units = vec!["main".into()];
    let period = store
        .ensure_period(other, &other_content.period)
        .await
        .unwrap();
    let kpi = store.kpi_definition(Some(other), "1.10.2").await.unwrap();
    let other_plan = store
        .create_plan(other, period, kpi.id, &content, "rival", now)
        .await
        .unwrap();

    let unit_of = |code: &str| ids[code];
    for (account, role, unit, org_id) in [
        (OWNER, "owner", None, org),
        (
            CONTRIBUTOR,
            "contributor",
            Some(unit_of("manufacturing")),
            org,
        ),
        (VIEWER, "viewer", None, org),
        (AUDITOR, "auditor", None, org),
        (OUTSIDER, "owner", None, other),
    ] {
        let id = user(store, account).await;
        store.grant(id, org_id, role, unit, now).await.unwrap();
    }
    let admin = user(store, ADMIN).await;
    store.set_admin(admin, true).await.unwrap();

    Seeded {
        org,
        other,
        period: demo::plans(today)
            .into_iter()
            .find(|p| p.period.contains(today))
            .unwrap()
            .period
            .id,
        plans,
        exercise: exercise.expect("the demo has an exercise plan this half"),
        other_plan,
    }
}

/// Creates an account with a password that need not be changed.
pub async fn user(store: &Store, (username, password): (&str, &str)) -> mieruka_store::UserId {
    let id = store
        .create_user(username, username, Lang::Ja, now())
        .await
        .unwrap();
    store
        .set_password_hash(id, &mieruka_server::hash_password(password).unwrap(), false)
        .await
        .unwrap();
    id
}
