//! `mieruka demo`: a database ready to explore — schema, catalogue and the demo company.
//! Running it again keeps what is there and adds what is missing.

use std::collections::HashMap;

use anyhow::Result;
use mieruka_domain::demo;
use mieruka_domain::i18n::tr;
use mieruka_store::StoreError;

use super::db::backend_name;
use super::{Ctx, builtin_catalogue, now};
use crate::cli::DemoArgs;

pub async fn run(ctx: &Ctx, _args: DemoArgs) -> Result<()> {
    let lang = ctx.lang;
    let now = now();
    let catalogue = builtin_catalogue()?;
    let store = ctx.store().await?;
    let sync = store.sync_catalogue(&catalogue, now).await?;

    let org = demo::organisation();
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
    println!(
        "{}",
        tr(lang, "demo_next", &[("command", &"mieruka catalog --grid")])
    );
    store.close().await;
    Ok(())
}
