//! `mieruka demo`: a database ready to explore — schema, catalogue and the demo company.
//! Running it again keeps what is there and adds what is missing.

use std::collections::HashMap;

use anyhow::Result;
use mieruka_domain::demo;
use mieruka_domain::i18n::tr;
use mieruka_domain::plan::{MeasurementSource, PlanState};
use mieruka_domain::{Date, Source, Timestamp};
use mieruka_store::measurements::NewMeasurement;
use mieruka_store::{OrgId, Store, StoreError};

use super::db::backend_name;
use super::{Ctx, builtin_catalogue, now};
use crate::cli::DemoArgs;

pub async fn run(ctx: &Ctx, args: DemoArgs) -> Result<()> {
    let lang = ctx.lang;
    let now = now();
    let org = demo::organisation();
    let today = match &args.today {
        Some(d) => super::parse_date("--today", d)?,
        None => org.today(now),
    };
    let catalogue = builtin_catalogue()?;
    let (store, sync) = ctx.open().await?;

    let (org_id, created) = match store.organisation(org.slug.as_str()).await {
        Ok(existing) => (existing.id, false),
        Err(StoreError::NotFound { .. }) => (store.create_organisation(&org, now).await?, true),
        Err(e) => return Err(e.into()),
    };
    // Add whichever demo units are missing, so an interrupted run is completed by the next.
    let mut ids: HashMap<String, _> = store
        .units(org_id)
        .await?
        .into_iter()
        .map(|u| (u.unit.code.as_str().to_string(), u.id))
        .collect();
    for (parent, unit) in demo::units() {
        if ids.contains_key(unit.code.as_str()) {
            continue;
        }
        let parent_id = parent.and_then(|p| ids.get(p).copied());
        let id = store.add_unit(org_id, parent_id, &unit, now).await?;
        ids.insert(unit.code.as_str().to_string(), id);
    }
    let units = store.units(org_id).await?.len();
    let plans = load_plans(&store, org_id, today, now).await?;
    if store.loss_inputs(org_id).await?.is_none() {
        let inputs = demo::loss_inputs()
            .validate()
            .map_err(|e| anyhow::anyhow!("demo loss inputs: {e}"))?;
        store
            .set_loss_inputs(org_id, &inputs, "demo", demo::RECORDER, now)
            .await?;
    }
    let risks_added = super::risks::load_demo_risks(&store, org_id, now).await?;
    load_narrative(&store, org_id, today, now).await?;

    println!("{}", tr(lang, "demo_prepared", &[]));
    let version = store.applied_version().await?;
    println!(
        "  {}",
        tr(
            lang,
            "demo_database",
            &[
                ("url", store.url()),
                ("backend", &backend_name(store.backend())),
                ("version", &version)
            ]
        )
    );
    println!(
        "  {}",
        tr(
            lang,
            "demo_catalogue",
            &[
                ("total", &catalogue.len()),
                ("added", &sync.added),
                ("updated", &sync.updated),
                ("unchanged", &sync.unchanged),
            ]
        )
    );
    let key = if created {
        "demo_org_created"
    } else {
        "demo_org_reused"
    };
    println!(
        "  {}",
        tr(
            lang,
            key,
            &[("slug", &org.slug), ("name", &org.name), ("units", &units)]
        )
    );
    if risks_added > 0 {
        println!(
            "  {}",
            tr(lang, "demo_risks_added", &[("count", &risks_added)])
        );
    }
    match plans {
        Some(n) => println!("  {}", tr(lang, "demo_plans_created", &[("count", &n)])),
        None => println!("  {}", tr(lang, "demo_plans_kept", &[])),
    }
    println!(
        "{}",
        tr(
            lang,
            "demo_next",
            &[("command", &"mieruka status --org demo")]
        )
    );
    let accounts = load_accounts(&store, org_id, now).await?;
    println!("{}", tr(lang, "demo_accounts", &[]));
    for (username, password, role) in &accounts {
        println!("  {username:<14} {password:<22} {role}");
    }
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    let settings = mieruka_server::Settings {
        port: args.port,
        ..mieruka_server::Settings::default()
    };
    super::serve::serve_store(settings, store).await
}

/// The demo's accounts: (username, password, role). Their passwords are printed on purpose —
/// this is a demo database on the user's own machine.
const ACCOUNTS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "ciso",
        "情報セキュリティ責任者",
        "owner",
        "demo-ciso-2026",
        None,
    ),
    (
        "manufacturing",
        "製造部門 担当者",
        "contributor",
        "demo-mfg-2026",
        Some("manufacturing"),
    ),
    ("exec", "経営層（閲覧）", "viewer", "demo-exec-2026", None),
    ("auditor", "内部監査", "auditor", "demo-audit-2026", None),
];

/// Creates the demo accounts that are missing, with their passwords and roles in the demo
/// organisation, completing any an interrupted run left half made.
async fn load_accounts(
    store: &Store,
    org: OrgId,
    now: Timestamp,
) -> Result<Vec<(String, String, String)>> {
    let units = store.units(org).await?;
    let mut out = Vec::new();
    for &(username, name, role, password, unit) in ACCOUNTS {
        // Each step is checked on its own, so a run interrupted between them is completed by the
        // next one; a password someone changed since is kept.
        let creds = match store.credentials(username).await? {
            Some(c) => c,
            None => {
                store
                    .create_user(username, name, mieruka_domain::Lang::Ja, now)
                    .await?;
                store
                    .credentials(username)
                    .await?
                    .expect("the account was just created")
            }
        };
        if creds.password_hash.is_none() {
            store
                .set_password_hash(
                    creds.user,
                    &mieruka_app::secret::hash_password(password)?,
                    false,
                )
                .await?;
        }
        if !store
            .memberships(creds.user)
            .await?
            .iter()
            .any(|m| m.org_id == org)
        {
            let unit_id = unit.and_then(|u| {
                units
                    .iter()
                    .find(|x| x.unit.code.as_str() == u)
                    .map(|x| x.id)
            });
            store.grant(creds.user, org, role, unit_id, now).await?;
        }
        let shown = match unit {
            Some(u) => format!("{role} ({u})"),
            None => role.to_string(),
        };
        out.push((username.to_string(), password.to_string(), shown));
    }
    Ok(out)
}

/// Adds the demo's own KPI and whichever of its plans are missing, with their histories; plans
/// already there are kept, and one left without history or still a draft by an interrupted run is
/// completed. Returns how many plans were created (`None`: none).
async fn load_plans(
    store: &Store,
    org: OrgId,
    today: Date,
    now: Timestamp,
) -> Result<Option<usize>> {
    let existing = store.kpi_definitions(Some(org)).await?;
    for def in demo::own_kpis() {
        if !existing
            .iter()
            .any(|k| k.definition.id == def.id && k.definition.source == Source::Own)
        {
            store.add_own_kpi(org, &def, now).await?;
        }
    }
    let units = store.units(org).await?;
    let plans = demo::plans(today);
    let existing = store.all_plans(org).await?;
    let mut created = 0;
    for p in &plans {
        let period = store.ensure_period(org, &p.period).await?;
        let kpi = store.kpi_definition(Some(org), p.kpi).await?;
        // A plan already there is kept; one a run was interrupted in is completed below.
        let id = match existing
            .iter()
            .find(|x| x.period_id == period && x.kpi == kpi.id)
        {
            Some(plan) => plan.id,
            None => {
                created += 1;
                store
                    .create_plan(org, period, kpi.id, &p.content, demo::RECORDER, now)
                    .await?
            }
        };
        if store.measurement_history(id).await?.is_empty() {
            let batch: Vec<NewMeasurement> = p
                .measurements
                .iter()
                .map(|&(unit, date, value)| NewMeasurement {
                    plan: id,
                    unit: units
                        .iter()
                        .find(|u| u.unit.code.as_str() == unit)
                        .expect("demo unit")
                        .id,
                    measured_on: date,
                    part: None,
                    value,
                    source: MeasurementSource::Manual,
                    evidence: None,
                    recorded_by: demo::RECORDER.into(),
                    import_key: None,
                })
                .collect();
            store.add_measurements(&batch, now).await?;
        }
        if store.plan(id).await?.state == PlanState::Draft {
            store.set_plan_state(id, p.state).await?;
        }
    }
    Ok((created > 0).then_some(created))
}

/// The demo's board narrative: its story and KPI names when it has none, and the ask and
/// checklist of the quarter containing `today` when that quarter has none, so running the demo
/// again keeps what a person changed.
async fn load_narrative(store: &Store, org: OrgId, today: Date, now: Timestamp) -> Result<()> {
    use mieruka_domain::report::demo as narrative;
    if store.story(org).await?.is_none() {
        store.set_story(org, &narrative::story(), now).await?;
    }
    let named = store.kpi_wordings(org).await?;
    for (kpi, wording) in narrative::kpi_wordings() {
        if !named.iter().any(|(k, _)| k == kpi) {
            store.set_kpi_wording(org, kpi, &wording, now).await?;
        }
    }
    let schedule = store.schedule(org).await?;
    let quarter = schedule.period_containing(today, demo::organisation().fiscal_start_month);
    if store.ask(org, &quarter.id).await?.items.is_empty() {
        store
            .set_ask(org, &quarter.id, &narrative::ask(), now)
            .await?;
    }
    if store.checklist(org, &quarter.id).await?.done() == 0 {
        store
            .set_checklist(org, &quarter.id, &narrative::checklist(), now)
            .await?;
    }
    if store.benchmarks().await?.is_empty() {
        let figures = narrative::benchmarks(today)
            .iter()
            .map(|b| b.validate())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("the demo's peer figures: {}: {}", e.field, e.reason))?;
        store.set_benchmarks(&figures, now).await?;
    }
    Ok(())
}
