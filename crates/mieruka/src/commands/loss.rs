//! `mieruka loss`: the maximum loss in money — now, today (plans at their current achievement)
//! and after (every plan at its target) — with each figure's formula, and the money each plan is
//! worth. Also the inputs: `loss inputs` prints them as TOML, `loss set` records new ones.

use anyhow::{Context as _, Result, anyhow};
use mieruka_app::loss::{LossAnswer, OrgLoss, org_loss, set_inputs};
use mieruka_domain::figures::{entered, percent, term, yen};
use mieruka_domain::i18n::tr;
use mieruka_domain::{Date, Lang};
use mieruka_store::orgs::StoredOrg;

use super::{Ctx, app_error, find_org, now, parse_date, today, who};
use crate::cli::{LossArgs, LossCommand};
use crate::render::{pad, width};

fn render(lang: Lang, org: &StoredOrg, as_of: Date, loss: &OrgLoss) -> String {
    let l = |key: &str| tr(lang, key, &[]);
    let r = &loss.report;
    let mut out = format!(
        "{} {} — {} ({} {as_of})\n\n",
        org.org.slug,
        org.org.name,
        l("cli_loss_title"),
        l("cli_loss_as_of"),
    );
    let label_w = r
        .now
        .categories
        .iter()
        .map(|f| width(f.label.get(lang)))
        .max()
        .unwrap_or(10)
        .max(8);
    let col: usize = 14;
    let cell = |s: String| format!("{}{s}", " ".repeat(col.saturating_sub(width(&s))));
    out.push_str(&format!(
        "{}{}{}{}\n",
        pad("", label_w),
        cell(l("cli_loss_now")),
        cell(l("cli_loss_today")),
        cell(l("cli_loss_after")),
    ));
    for (i, f) in r.now.categories.iter().enumerate() {
        out.push_str(&format!(
            "{}{}{}{}\n",
            pad(f.label.get(lang), label_w),
            cell(yen(f.amount_yen, lang)),
            cell(yen(r.today.categories[i].amount_yen, lang)),
            cell(yen(r.after.categories[i].amount_yen, lang)),
        ));
    }
    out.push_str(&format!(
        "{}{}{}{}\n",
        pad(&l("cli_loss_total"), label_w),
        cell(yen(r.now.total_yen, lang)),
        cell(yen(r.today.total_yen, lang)),
        cell(yen(r.after.total_yen, lang)),
    ));
    if !r.now.indirect.is_empty() {
        let parts: Vec<String> = r
            .now
            .indirect
            .iter()
            .map(|f| format!("{} {}", f.label.get(lang), yen(f.amount_yen, lang)))
            .collect();
        out.push_str(&format!(
            "\n{}: {}\n",
            l("cli_loss_indirect"),
            parts.join(" / ")
        ));
    }
    if !r.plans.is_empty() {
        out.push_str(&format!("\n{}\n", l("cli_loss_plans")));
        for (p, (_, name)) in r.plans.iter().zip(&loss.plan_names) {
            let moves: Vec<String> = p
                .effects
                .iter()
                .map(|e| {
                    let from = loss.inputs.inputs.lever(e.lever);
                    let n = entered;
                    format!("{} {} → {}", e.lever.label(lang), n(from), n(e.to))
                })
                .collect();
            out.push_str(&format!(
                "  {} {}  {} {}: {} {} / {} {}  ({})\n",
                p.key,
                name.get(lang),
                l("cli_loss_achievement"),
                p.achievement.map_or("－".into(), percent),
                l("cli_loss_reduction_today"),
                yen(p.reduction_today_yen, lang),
                l("cli_loss_reduction_at_target"),
                yen(p.reduction_at_target_yen, lang),
                moves.join(", "),
            ));
        }
    }
    out.push_str(&format!("\n{}\n", l("cli_loss_formulas")));
    for f in &r.now.categories {
        let terms: Vec<String> = f
            .terms
            .iter()
            .map(|t| format!("{} {}", t.label.get(lang), term(t.value, t.unit, lang)))
            .collect();
        out.push_str(&format!(
            "  {}: {}\n    = {}\n    [{}]\n",
            f.label.get(lang),
            f.formula.get(lang),
            terms.join(", "),
            f.source.get(lang)
        ));
    }
    out
}

/// Reads loss inputs from a TOML file (checked by the use case that sets them).
fn read_inputs(path: &std::path::Path) -> Result<mieruka_domain::loss::LossInputs> {
    let text = crate::files::read_text_limited(path, &path.display().to_string())?;
    toml::from_str(&text).map_err(|e| {
        anyhow!(
            "{}: {}",
            path.display(),
            mieruka_domain::catalogue::toml_reason(&e)
        )
    })
}

pub async fn run(ctx: &Ctx, args: LossArgs) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    match args.command {
        Some(LossCommand::Inputs { org }) => {
            let o = find_org(&store, &org.org).await?;
            let inputs = match store.loss_inputs(o.id).await? {
                Some(s) => s.inputs,
                None => mieruka_domain::loss::LossInputs::template(),
            };
            print!(
                "{}",
                toml::to_string(&inputs).context("cannot write the inputs as TOML")?
            );
        }
        Some(LossCommand::Set { org, file, reason }) => {
            let o = find_org(&store, &org.org).await?;
            let inputs = read_inputs(&file)?;
            let rev = set_inputs(&store, &o, inputs, &reason, &who(None), now())
                .await
                .map_err(
                    |e| match e.field().and_then(|f| f.strip_prefix("inputs.")) {
                        // A field of the file.
                        Some(field) => {
                            anyhow!("{}: field `{field}`: {}", file.display(), e.reason())
                        }
                        None => app_error(e),
                    },
                )?;
            println!(
                "{}",
                tr(
                    lang,
                    "cli_loss_inputs_set",
                    &[("org", &o.org.slug), ("rev", &rev)]
                )
            );
        }
        None => {
            let code = args
                .org
                .ok_or_else(|| anyhow!("--org: which organisation (e.g. --org demo)"))?;
            let o = find_org(&store, &code).await?;
            let as_of = match &args.as_of {
                Some(d) => parse_date("--as-of", d)?,
                None => today(&o),
            };
            let loss = org_loss(&store, &o, as_of).await?;
            if args.json {
                let answer = LossAnswer::new(&o, as_of, &loss);
                println!("{}", super::json_text(&answer)?);
            } else {
                print!("{}", render(lang, &o, as_of, &loss));
            }
        }
    }
    store.close().await;
    Ok(())
}
