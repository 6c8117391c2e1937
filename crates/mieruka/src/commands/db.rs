//! `mieruka db info`: where the data is and what it holds.

use anyhow::Result;
use mieruka_domain::i18n::tr;
use mieruka_store::{Backend, schema_version};

use super::Ctx;

pub fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

pub async fn info(ctx: &Ctx) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    println!("{}", tr(lang, "db_location", &[("url", store.url())]));
    let version = store.applied_version().await?;
    println!(
        "{}",
        tr(
            lang,
            "db_backend",
            &[
                ("backend", &backend_name(store.backend())),
                ("version", &version)
            ]
        )
    );
    debug_assert_eq!(version, schema_version());
    if let Some((key, head)) = store.audit_seal_files() {
        let (key, head) = (key.display(), head.display());
        println!(
            "{}",
            tr(lang, "db_audit_key", &[("path", &key), ("head", &head)])
        );
    }
    let kpis = store.kpi_definitions(None).await?.len();
    println!("{}", tr(lang, "db_catalogue", &[("count", &kpis)]));
    let orgs = store.organisations().await?;
    println!("{}", tr(lang, "db_orgs", &[("count", &orgs.len())]));
    for o in &orgs {
        let units = store.units(o.id).await?.len();
        println!(
            "{}",
            tr(
                lang,
                "db_org_line",
                &[
                    ("slug", &o.org.slug),
                    ("name", &o.org.name),
                    ("maturity", &o.org.maturity.label(lang)),
                    ("units", &units),
                ]
            )
        );
    }
    store.close().await;
    Ok(())
}
