//! `mieruka kpi`: an organisation's own KPIs, validated like the catalogue's.

use anyhow::{Result, anyhow};
use mieruka_domain::catalogue::RawKpi;
use mieruka_domain::i18n::tr;

use super::{Ctx, find_org, now};
use crate::cli::KpiCommand;
use crate::render::table;

/// Reads one own KPI from a TOML or JSON file (by extension; `.json` is JSON, anything else TOML).
fn read_definition(path: &std::path::Path) -> Result<RawKpi> {
    let text = crate::files::read_text_limited(path, &path.display().to_string())?;
    let name = path.display();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::from_str(&text).map_err(|e| anyhow!("{name}: {e}"))
    } else {
        toml::from_str(&text)
            .map_err(|e| anyhow!("{name}: {}", mieruka_domain::catalogue::toml_reason(&e)))
    }
}

pub async fn run(ctx: &Ctx, command: KpiCommand) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    match command {
        KpiCommand::Add { org, file } => {
            let o = find_org(&store, &org.org).await?;
            let raw = read_definition(&file)?;
            let def = mieruka_app::catalog::add_own_kpi(&store, &o, raw, now())
                .await
                .map_err(|e| match e {
                    mieruka_app::AppError::Store(_) => super::app_error(e),
                    other => anyhow!("{}: {}", file.display(), other.reason()),
                })?;
            println!(
                "{}",
                tr(
                    lang,
                    "kpi_added",
                    &[("id", &def.id), ("name", &def.name.get(lang))]
                )
            );
        }
        KpiCommand::List { org, json } => {
            let o = find_org(&store, &org.org).await?;
            let defs = store.kpi_definitions(Some(o.id)).await?;
            if json {
                let items: Vec<_> = defs.iter().map(|d| &d.definition).collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                let rows: Vec<Vec<String>> = defs
                    .iter()
                    .map(|d| {
                        let d = &d.definition;
                        vec![
                            d.id.to_string(),
                            d.name.get(lang).to_string(),
                            d.maturity.label(lang).to_string(),
                            d.describe_targets(lang),
                            d.source.label(lang).to_string(),
                        ]
                    })
                    .collect();
                let header: Vec<String> = ["id", "kpi", "maturity", "target", "source"]
                    .iter()
                    .map(|c| tr(lang, &format!("kpi_col_{c}"), &[]))
                    .collect();
                print!("{}", table(&header, &rows));
            }
        }
    }
    store.close().await;
    Ok(())
}
