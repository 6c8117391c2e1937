//! `mieruka org` and `mieruka unit`: organisations and their unit trees, through the same use
//! cases as the API and the administration pages (`mieruka_app::org`).

use anyhow::Result;
use mieruka_app::org::{self as orgs, NewOrganisation, NewUnit, OrgWithUnits, UnitView};
use mieruka_domain::Lang;
use mieruka_domain::i18n::tr;
use mieruka_domain::org::UnitFacts;
use mieruka_store::orgs::StoredUnit;

use super::{AppResultExt, Ctx, find_org, json_text, now};
use crate::cli::{OrgCommand, UnitCommand};

/// The unit tree as indented lines.
fn tree(lang: Lang, units: &[StoredUnit]) -> String {
    fn walk(
        lang: Lang,
        units: &[StoredUnit],
        parent: Option<mieruka_store::UnitId>,
        depth: usize,
        out: &mut String,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            let mut facts = Vec::new();
            if let Some(e) = u.unit.facts.employees {
                facts.push(tr(lang, "cli_org_employees", &[("count", &e)]));
            }
            if let Some(m) = u.unit.maturity {
                facts.push(m.label(lang).to_string());
            }
            let facts = if facts.is_empty() {
                String::new()
            } else {
                format!("  ({})", facts.join(", "))
            };
            out.push_str(&format!(
                "{}{} {} [{}]{facts}\n",
                "  ".repeat(depth),
                u.unit.code,
                u.unit.name,
                u.unit.kind.label(lang)
            ));
            walk(lang, units, Some(u.id), depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(lang, units, None, 1, &mut out);
    out
}

pub async fn run_org(ctx: &Ctx, command: OrgCommand) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    match command {
        OrgCommand::Create {
            code,
            name,
            maturity,
            fiscal_start_month,
            time_zone,
        } => {
            let new = NewOrganisation {
                code: code.clone(),
                name,
                maturity: Some(maturity),
                fiscal_start_month: Some(fiscal_start_month),
                time_zone: Some(time_zone),
            };
            let org = orgs::create(&store, new, now()).await.cli()?.org;
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("code", &code),
                ("name", &org.name),
                ("maturity", &maturity.label(lang)),
            ];
            println!("{}", tr(lang, "cli_org_created", &args));
        }
        OrgCommand::List { json } => {
            let orgs = store.organisations().await?;
            if json {
                let mut items = Vec::new();
                for o in &orgs {
                    items.push(OrgWithUnits::new(o, &store.units(o.id).await?));
                }
                println!("{}", json_text(&items)?);
            } else {
                for o in &orgs {
                    println!(
                        "{}  {}  ({})",
                        o.org.slug,
                        o.org.name,
                        o.org.maturity.label(lang)
                    );
                }
            }
        }
        OrgCommand::Show { code, json } => {
            let o = find_org(&store, &code).await?;
            let units = store.units(o.id).await?;
            if json {
                println!("{}", json_text(&OrgWithUnits::new(&o, &units))?);
            } else {
                let (m, fy) = (
                    tr(lang, "cli_org_maturity", &[]),
                    tr(lang, "cli_org_fiscal_start", &[]),
                );
                println!("{} {}", o.org.slug, o.org.name);
                println!("  {m}: {}", o.org.maturity.label(lang));
                println!("  {fy}: {}", o.org.fiscal_start_month);
                let zone: &dyn std::fmt::Display = &o.org.time_zone;
                println!("{}", tr(lang, "org_time_zone", &[("zone", zone)]));
                print!("{}", tree(lang, &units));
            }
        }
        OrgCommand::SetMaturity {
            code,
            maturity,
            unit,
        } => {
            let o = find_org(&store, &code).await?;
            match unit {
                None => {
                    let change = orgs::OrgChange {
                        maturity: Some(maturity),
                        ..Default::default()
                    };
                    orgs::change(&store, &o, change, now()).await.cli()?;
                }
                Some(u) => {
                    orgs::set_unit_maturity(&store, &o, &u, Some(maturity))
                        .await
                        .map_err(|e| anyhow::anyhow!("--unit: {e}"))?;
                }
            }
            let shown = maturity.label(lang);
            println!(
                "{}",
                tr(lang, "cli_org_maturity_set", &[("maturity", &shown)])
            );
        }
        OrgCommand::SetTimeZone { code, time_zone } => {
            let o = find_org(&store, &code).await?;
            let change = orgs::OrgChange {
                time_zone: Some(time_zone),
                ..Default::default()
            };
            let o = orgs::change(&store, &o, change, now()).await.cli()?;
            let shown: &dyn std::fmt::Display = &o.org.time_zone;
            println!("{}", tr(lang, "org_time_zone_set", &[("zone", shown)]));
        }
    }
    store.close().await;
    Ok(())
}

pub async fn run_unit(ctx: &Ctx, command: UnitCommand) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    match command {
        UnitCommand::Add {
            org,
            code,
            name,
            kind,
            parent,
            employees,
            it_staff,
            security_staff,
            revenue,
            it_budget,
            security_budget,
            industry,
        } => {
            let o = find_org(&store, &org.org).await?;
            let facts = UnitFacts {
                employees,
                it_staff,
                security_staff,
                annual_revenue_yen: revenue,
                it_budget_yen: it_budget,
                security_budget_yen: security_budget,
                industry,
            };
            let new = NewUnit {
                code: code.clone(),
                name,
                kind,
                parent,
                maturity: None,
                facts,
            };
            let unit = orgs::add_unit(&store, &o, new, now()).await.cli()?.unit;
            println!(
                "{}",
                tr(
                    lang,
                    "cli_org_unit_added",
                    &[("code", &code), ("name", &unit.name)]
                )
            );
        }
        UnitCommand::List { org, json } => {
            let o = find_org(&store, &org.org).await?;
            let units = store.units(o.id).await?;
            if json {
                println!(
                    "{}",
                    json_text(&units.iter().map(UnitView::from).collect::<Vec<_>>())?
                );
            } else {
                print!("{}", tree(lang, &units));
            }
        }
    }
    store.close().await;
    Ok(())
}
