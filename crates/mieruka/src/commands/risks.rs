//! `mieruka risks`: the business-risk register and its matrix (Fig. 8) — a table, a text matrix,
//! JSON, or an SVG file — and `risks set` / `risks remove` to keep the register. The cyber risk's
//! impact is the loss model's maximum loss, shown now and after the KPI plans meet their targets.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use mieruka_app::risks::{
    self as register, Register, RegisterSummary, load, matrix_svg, risk_items,
};
use mieruka_app::{AppError, ErrorKind};
use mieruka_domain::i18n::tr;
use mieruka_domain::money::yen;
use mieruka_domain::risk::{
    Impact, Placement, RawRisk, Risk, demo_risks, impact_band, impact_label, probability_label,
};
use mieruka_domain::{Lang, Timestamp};
use mieruka_store::orgs::StoredOrg;
use mieruka_store::{OrgId, Store};

use super::{Ctx, app_error, find_org, now, today};
use crate::cli::{RiskCommand, RisksArgs};
use crate::render::{pad, table, width};

fn l(lang: Lang, key: &str) -> String {
    tr(lang, key, &[])
}

/// Adds the report's nine demo risks to an organisation that has no risks yet; returns how many
/// were added (0 when it already had some, so running `mieruka demo` again changes nothing).
pub async fn load_demo_risks(store: &Store, org: OrgId, now: Timestamp) -> Result<usize> {
    if !store.risks(org).await?.is_empty() {
        return Ok(0);
    }
    let risks = demo_risks();
    for r in &risks {
        store.upsert_risk(org, r, now).await?;
    }
    Ok(risks.len())
}

pub async fn run(ctx: &Ctx, args: RisksArgs) -> Result<()> {
    match args.command {
        Some(RiskCommand::Set {
            org,
            code,
            name,
            category,
            probability,
            impact,
            impact_yen,
            cyber,
            owner,
        }) => {
            let raw = RawRisk {
                code,
                name,
                category,
                probability,
                impact,
                impact_yen,
                cyber,
                owner,
                note: None,
            };
            set(ctx, &org.org, raw).await
        }
        Some(RiskCommand::Remove { org, code }) => remove(ctx, &org.org, &code).await,
        None => {
            let org = args
                .org
                .ok_or_else(|| anyhow!("--org: which organisation (e.g. --org demo)"));
            show(ctx, &org?, args.json, args.svg.as_deref()).await
        }
    }
}

/// Checks that one impact is given, then adds or replaces the risk.
async fn set(ctx: &Ctx, org: &str, raw: RawRisk) -> Result<()> {
    let given = [raw.impact.is_some(), raw.impact_yen.is_some(), raw.cyber];
    if given.iter().filter(|g| **g).count() != 1 {
        bail!(
            "--impact, --impact-yen, --cyber: give exactly one (a level 1–5, an amount in yen, or --cyber for the loss model)"
        );
    }
    let store = ctx.store().await?;
    let o = find_org(&store, org).await?;
    let (risk, added) = register::set(&store, &o, raw, now())
        .await
        .map_err(|e| match e {
            // The register already has its one cyber risk.
            AppError::Conflict(reason) => anyhow!("--cyber: {reason}"),
            e => app_error(e),
        })?;
    let existed = !added;
    let (code, name) = (risk.code.as_str(), risk.name.as_str());
    let key = if existed {
        "cli_risks_updated"
    } else {
        "cli_risks_added"
    };
    let args: [(&str, &dyn std::fmt::Display); 3] =
        [("org", &o.org.slug), ("code", &code), ("name", &name)];
    println!("{}", tr(ctx.lang, key, &args));
    store.close().await;
    Ok(())
}

async fn remove(ctx: &Ctx, org: &str, code: &str) -> Result<()> {
    let store = ctx.store().await?;
    let o = find_org(&store, org).await?;
    register::remove(&store, &o, code)
        .await
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => anyhow!("{e} (`mieruka risks --org {}` lists them)", o.org.slug),
            _ => app_error(e),
        })?;
    println!(
        "{}",
        tr(
            ctx.lang,
            "cli_risks_removed",
            &[("org", &o.org.slug), ("code", &code)]
        )
    );
    store.close().await;
    Ok(())
}

async fn show(ctx: &Ctx, code: &str, json: bool, svg: Option<&Path>) -> Result<()> {
    let store = ctx.store().await?;
    let org = find_org(&store, code).await?;
    let reg = load(&store, &org, today(&org)).await?;
    store.close().await;
    let lang = ctx.lang;
    if let Some(path) = svg {
        let svg = matrix_svg(lang, &org, &reg);
        crate::files::write_whole(path, svg.as_bytes(), Some("--svg"))?;
    }
    if json {
        // The register as the API lists it, with its risks inline and without notes (the
        // command line neither sets nor shows them).
        let mut v = serde_json::to_value(RegisterSummary::new(&org, &reg))?;
        v["risks"] = serde_json::to_value(risk_items(&reg, false))?;
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", render(lang, &org, &reg));
        if let Some(path) = svg {
            let shown = path.display();
            println!(
                "\n{}",
                tr(lang, "cli_risks_svg_written", &[("path", &shown)])
            );
        }
    }
    Ok(())
}

/// A remark after a value: full-width brackets in Japanese, a space and brackets in English.
fn aside(lang: Lang, s: &str) -> String {
    tr(lang, "cli_aside", &[("text", &s)])
}

fn level_text(level: u8, lang: Lang) -> String {
    format!("{level} {}", impact_label(level, lang))
}

fn impact_cell(lang: Lang, reg: &Register, r: &Risk, p: &Placement) -> String {
    let bands = &reg.inputs.impact_bands_yen;
    match (r.impact, p.at, p.after) {
        (Impact::Level(v), _, _) => {
            level_text(v, lang) + &aside(lang, &impact_band(v, bands, lang))
        }
        (Impact::Yen(y), Some(at), _) => {
            level_text(at.impact, lang) + &aside(lang, &yen(y as f64, lang))
        }
        (Impact::Cyber, Some(now), Some(after)) => format!(
            "{} → {}{}",
            level_text(now.impact, lang),
            level_text(after.impact, lang),
            aside(lang, &l(lang, "cli_risks_loss_model"))
        ),
        _ => format!("－{}", aside(lang, &l(lang, "cli_risks_no_loss_inputs"))),
    }
}

fn render(lang: Lang, org: &StoredOrg, reg: &Register) -> String {
    let slug = &org.org.slug;
    let mut out = format!(
        "{} {} — {}\n\n",
        slug,
        org.org.name,
        l(lang, "cli_risks_title")
    );
    if reg.risks.is_empty() {
        out.push_str(&format!(
            "  {}\n",
            tr(lang, "cli_risks_none", &[("org", slug)])
        ));
        return out;
    }
    let header: Vec<String> = [
        "#".to_string(),
        l(lang, "cli_risks_col_risk"),
        l(lang, "cli_risks_col_category"),
        l(lang, "cli_risks_col_probability"),
        l(lang, "cli_risks_col_impact"),
        l(lang, "cli_risks_col_owner"),
    ]
    .into();
    let rows: Vec<Vec<String>> = reg
        .risks
        .iter()
        .zip(&reg.placed)
        .enumerate()
        .map(|(i, (r, p))| {
            vec![
                (i + 1).to_string(),
                r.name.clone(),
                r.category.clone(),
                format!(
                    "{} {}",
                    r.probability,
                    probability_label(r.probability, lang)
                ),
                impact_cell(lang, reg, r, p),
                r.owner.clone().unwrap_or_else(|| "－".into()),
            ]
        })
        .collect();
    out.push_str(&table(&header, &rows));
    if let Some(cyber_risk) = reg.risks.iter().find(|r| r.is_cyber()) {
        out.push('\n');
        match &reg.cyber {
            Some(c) => out.push_str(&format!(
                "{}: {} {}{} → {} {}{}\n",
                l(lang, "cli_risks_cyber_impact"),
                l(lang, "cli_risks_now"),
                yen(c.now_yen, lang),
                aside(lang, &level_text(c.now_level, lang)),
                l(lang, "cli_risks_after"),
                yen(c.after_yen, lang),
                aside(lang, &level_text(c.after_level, lang)),
            )),
            None => out.push_str(&format!(
                "{}\n",
                tr(
                    lang,
                    "cli_risks_cyber_unplaced",
                    &[("name", &cyber_risk.name), ("org", slug)]
                )
            )),
        }
    }
    let bands: Vec<String> = (1..=5u8)
        .map(|v| {
            format!(
                "{} {}",
                level_text(v, lang),
                impact_band(v, &reg.inputs.impact_bands_yen, lang)
            )
        })
        .collect();
    out.push_str(&format!(
        "{}{}: {}\n",
        l(lang, "cli_risks_impact_bands"),
        if reg.has_loss_inputs {
            String::new()
        } else {
            l(lang, "cli_risks_default_bands")
        },
        bands.join(" / ")
    ));
    out.push('\n');
    out.push_str(&text_matrix(lang, reg));
    out
}

/// The matrix as text: impact 5 at the top, probability 1–5 left to right, each risk by number;
/// the cyber risk `[n]` now and `(n)` after. ASCII marks keep columns aligned in any terminal.
fn text_matrix(lang: Lang, reg: &Register) -> String {
    let mut cells: [[Vec<String>; 5]; 5] = Default::default();
    for (i, p) in reg.placed.iter().enumerate() {
        let n = i + 1;
        let cyber = reg.risks[i].is_cyber();
        if let Some(c) = p.at {
            let mark = if cyber {
                format!("[{n}]")
            } else {
                n.to_string()
            };
            cells[usize::from(c.impact) - 1][usize::from(c.probability) - 1].push(mark);
        }
        if let Some(c) = p.after {
            cells[usize::from(c.impact) - 1][usize::from(c.probability) - 1].push(format!("({n})"));
        }
    }
    let text = |v: &Vec<String>| v.join(",");
    let col = cells
        .iter()
        .flatten()
        .map(|v| width(&text(v)))
        .max()
        .unwrap_or(0)
        .max(3)
        + 2;
    let labels: Vec<String> = (1..=5u8).map(|v| level_text(v, lang)).collect();
    let label_w = labels.iter().map(|s| width(s)).max().unwrap_or(0);
    let mut out = format!(
        "{}\n{}\n",
        l(lang, "cli_risks_matrix_heading"),
        l(lang, "cli_risks_matrix_impact_axis"),
    );
    let rule = format!(
        "{}+{}\n",
        " ".repeat(label_w + 1),
        format!("{}+", "-".repeat(col)).repeat(5)
    );
    out.push_str(&rule);
    for impact in (1..=5usize).rev() {
        out.push_str(&pad(&labels[impact - 1], label_w));
        out.push_str(" |");
        for cell in &cells[impact - 1] {
            out.push_str(&pad(&format!(" {}", text(cell)), col));
            out.push('|');
        }
        out.push('\n');
        out.push_str(&rule);
    }
    out.push_str(&" ".repeat(label_w + 2));
    for p in 1..=5 {
        out.push_str(&pad(&format!(" {p}"), col + 1));
    }
    out.push_str(&format!(
        "→ {}\n",
        l(lang, "cli_risks_matrix_probability_axis")
    ));
    let scale: Vec<String> = (1..=5u8)
        .map(|p| format!("{p} {}", probability_label(p, lang)))
        .collect();
    out.push_str(&format!(
        "{}: {}\n",
        l(lang, "cli_risks_col_probability"),
        scale.join(" / ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mieruka_domain::Maturity;
    use mieruka_domain::org::Organisation;
    use mieruka_store::DatabaseUrl;

    #[tokio::test]
    async fn demo_risks_load_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DatabaseUrl::sqlite(dir.path().join("m.sqlite3")))
            .await
            .unwrap();
        let at = Timestamp::from_unix_seconds(1_795_709_467);
        let org =
            Organisation::new("demo", "サンプル空調株式会社", Maturity::Improving, 4).unwrap();
        let org = store.create_organisation(&org, at).await.unwrap();
        assert_eq!(load_demo_risks(&store, org, at).await.unwrap(), 9);
        assert_eq!(
            load_demo_risks(&store, org, at).await.unwrap(),
            0,
            "a second run adds nothing"
        );
        let stored = store.risks(org).await.unwrap();
        assert_eq!(stored.len(), 9);
        assert_eq!(stored.iter().filter(|s| s.risk.is_cyber()).count(), 1);
    }
}
