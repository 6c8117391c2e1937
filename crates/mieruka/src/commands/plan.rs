//! `mieruka plan`: plans (目標) — create, revise with a reason, record the executives'
//! agreement, close, list and show with every revision. The work is `mieruka_app::plan`'s;
//! this module parses the options and prints.

use anyhow::{Result, anyhow, bail};
use mieruka_app::plan::{
    self as plans, AgreementInput, NewPlan, PlanChange, PlanView, PlanWithRevisions, PurposeChange,
    PurposeInput,
};
use mieruka_domain::figures::entered;
use mieruka_domain::i18n::tr;
use mieruka_domain::loss::{Effect, LossLever};
use mieruka_domain::plan::{PlanContent, PlanTarget, TrajectoryPoint};
use mieruka_domain::{Formula, KpiDefinition};
use mieruka_store::plans::PlanContext;
use mieruka_store::{PlanId, Store};

use super::{AppResultExt, Ctx, find_org, json_text, now, parse_date, who};
use crate::cli::PlanCommand;
use crate::render::table;

/// Parses `--target` values: `95` for a single target, `part=5` for a compound KPI's part.
/// None given: the catalogue's own target, chosen by the use case.
fn parse_targets(given: &[String]) -> Result<Vec<PlanTarget>> {
    given
        .iter()
        .map(|g| {
            let (part, value) = match g.split_once('=') {
                Some((p, v)) => (Some(p.trim().to_string()), v),
                None => (None, g.as_str()),
            };
            let value: f64 = value
                .trim()
                .trim_end_matches('%')
                .parse()
                .map_err(|_| anyhow!("--target `{g}`: `{value}` is not a number"))?;
            Ok(PlanTarget { part, value })
        })
        .collect()
}

/// Parses `--effect LEVER=VALUE` values.
fn parse_effects(given: &[String]) -> Result<Vec<Effect>> {
    given
        .iter()
        .map(|g| {
            let (lever, value) = g.split_once('=').ok_or_else(|| {
                anyhow!("--effect `{g}`: expected LEVER=VALUE, e.g. identifiability=3")
            })?;
            let lever: LossLever = lever.trim().parse().map_err(|e| anyhow!("--effect: {e}"))?;
            let to = value
                .trim()
                .parse()
                .map_err(|_| anyhow!("--effect `{g}`: `{value}` is not a number"))?;
            Ok(Effect { lever, to })
        })
        .collect()
}

fn parse_months(given: &[String]) -> Result<Vec<TrajectoryPoint>> {
    given
        .iter()
        .map(|g| {
            let (month, value) = g
                .split_once('=')
                .ok_or_else(|| anyhow!("--month `{g}`: expected YYYY-MM=VALUE"))?;
            let value = value
                .trim()
                .parse()
                .map_err(|_| anyhow!("--month `{g}`: `{value}` is not a number"))?;
            Ok(TrajectoryPoint {
                month: month.trim().to_string(),
                value,
            })
        })
        .collect()
}

async fn context(store: &Store, plan: i64) -> Result<PlanContext> {
    Ok(store.plan_context(PlanId(plan)).await?)
}

fn describe_target(kpi: &KpiDefinition, c: &PlanContent) -> String {
    let unit = match kpi.formula {
        Formula::Ratio { .. } | Formula::Progress { .. } | Formula::Compound { .. } => "%",
        Formula::MeanDuration { .. } => " h",
        _ => "",
    };
    c.targets
        .iter()
        .map(|t| match &t.part {
            Some(p) => format!("{p}={}{unit}", entered(t.value)),
            None => format!("{}{unit}", entered(t.value)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn run(ctx: &Ctx, command: PlanCommand) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    match command {
        PlanCommand::Create {
            org,
            period,
            from,
            to,
            kpi,
            fields,
            json,
        } => {
            let o = find_org(&store, &org.org).await?;
            if fields.units.is_empty() {
                bail!(
                    "--units: name the units in scope, e.g. --units security,manufacturing (`mieruka unit list --org {}`)",
                    org.org
                );
            }
            let purpose = fields
                .purpose
                .clone()
                .ok_or_else(|| anyhow!("--purpose: say what the plan is for (目的)"))?;
            let targets = if fields.targets.is_empty() {
                None
            } else {
                Some(parse_targets(&fields.targets)?)
            };
            let new = NewPlan {
                period,
                from: from
                    .as_deref()
                    .map(|d| parse_date("--from", d))
                    .transpose()?,
                to: to.as_deref().map(|d| parse_date("--to", d)).transpose()?,
                kpi: kpi.clone(),
                targets,
                baseline: fields.baseline,
                deadline: fields
                    .deadline
                    .as_deref()
                    .map(|d| parse_date("--deadline", d))
                    .transpose()?,
                trajectory: parse_months(&fields.months)?,
                purpose: PurposeInput {
                    text: purpose,
                    reduces: fields.reduces.clone(),
                    effects: parse_effects(&fields.effects)?,
                },
                units: fields.units.clone(),
                owner: Some(who(fields.owner.clone())),
            };
            let (id, content) = plans::create(&store, &o, new, &who(None), now())
                .await
                .map_err(|e| match e.field() {
                    Some("kpi") => anyhow!("--kpi: no KPI `{kpi}` (`mieruka catalog` lists them)"),
                    _ => super::app_error(e),
                })?;
            let pc = context(&store, id.0).await?;
            let def = &pc.kpi;
            let period = &pc.period;
            if json {
                println!("{}", json_text(&PlanView::new(&pc.plan, def, &period.id))?);
            } else {
                let target = describe_target(def, &content);
                let args: [(&str, &dyn std::fmt::Display); 5] = [
                    ("id", &id),
                    ("kpi", &def.id),
                    ("name", &def.name.get(lang)),
                    ("target", &target),
                    ("deadline", &content.deadline),
                ];
                println!("{}", tr(lang, "cli_plan_created", &args));
            }
        }
        PlanCommand::Revise {
            plan,
            reason,
            fields,
        } => {
            let pc = context(&store, plan).await?;
            let change = PlanChange {
                reason,
                targets: if fields.targets.is_empty() {
                    None
                } else {
                    Some(parse_targets(&fields.targets)?)
                },
                baseline: fields.baseline,
                deadline: fields
                    .deadline
                    .as_deref()
                    .map(|d| parse_date("--deadline", d))
                    .transpose()?,
                trajectory: if fields.months.is_empty() {
                    None
                } else {
                    Some(parse_months(&fields.months)?)
                },
                purpose: Some(PurposeChange {
                    text: fields.purpose.clone(),
                    reduces: (!fields.reduces.is_empty()).then(|| fields.reduces.clone()),
                    effects: if fields.effects.is_empty() {
                        None
                    } else {
                        Some(parse_effects(&fields.effects)?)
                    },
                }),
                units: (!fields.units.is_empty()).then(|| fields.units.clone()),
                owner: fields.owner.clone(),
            };
            let rev = plans::revise(&store, &pc, change, &who(None), now())
                .await
                .cli()?;
            println!(
                "{}",
                tr(lang, "cli_plan_revised", &[("plan", &plan), ("rev", &rev)])
            );
        }
        PlanCommand::Agree { plan, by, on } => {
            let pc = context(&store, plan).await?;
            let input = AgreementInput {
                by,
                on: on.as_deref().map(|d| parse_date("--on", d)).transpose()?,
            };
            let agreement = plans::agree(&store, &pc, input, &who(None), now())
                .await
                .cli()?;
            let by = agreement.by;
            println!(
                "{}",
                tr(lang, "cli_plan_agreed", &[("plan", &plan), ("by", &by)])
            );
        }
        PlanCommand::Close { plan } => {
            let pc = context(&store, plan).await?;
            plans::close(&store, &pc).await.cli()?;
            println!("{}", tr(lang, "cli_plan_closed", &[("plan", &plan)]));
        }
        PlanCommand::List { org, period, json } => {
            let o = find_org(&store, &org.org).await?;
            let listed = plans::list(&store, &o, Some(&period)).await.cli()?;
            if json {
                let items: Vec<_> = listed
                    .iter()
                    .map(|(p, d, period)| PlanView::new(p, d, period))
                    .collect();
                println!("{}", json_text(&items)?);
            } else {
                let header: Vec<String> = ["#", "KPI"]
                    .map(String::from)
                    .into_iter()
                    .chain(
                        [
                            "cli_plan_target",
                            "cli_plan_deadline",
                            "cli_plan_state",
                            "cli_plan_units",
                        ]
                        .map(|key| tr(lang, key, &[])),
                    )
                    .collect();
                let rows: Vec<Vec<String>> = listed
                    .iter()
                    .map(|(p, d, _)| {
                        vec![
                            p.id.to_string(),
                            format!("{} {}", d.id, d.name.get(lang)),
                            describe_target(d, &p.content),
                            p.content.deadline.to_string(),
                            p.state.label(lang).to_string(),
                            p.content.units.join(","),
                        ]
                    })
                    .collect();
                print!("{}", table(&header, &rows));
            }
        }
        PlanCommand::Show { plan, json } => {
            let pc = context(&store, plan).await?;
            let revisions = store.plan_revisions(pc.plan.id).await?;
            if json {
                let v = PlanWithRevisions::new(&pc.plan, &pc.kpi, &pc.period.id, &revisions);
                println!("{}", json_text(&v)?);
            } else {
                let c = &pc.plan.content;
                println!(
                    "#{} {} {} [{}] {}",
                    pc.plan.id,
                    pc.kpi.id,
                    pc.kpi.name.get(lang),
                    pc.plan.state.label(lang),
                    pc.period.id
                );
                let l = |key: &str| tr(lang, key, &[]);
                println!(
                    "  {}: {}",
                    l("cli_plan_target"),
                    describe_target(&pc.kpi, c)
                );
                println!("  {}: {}", l("cli_plan_deadline"), c.deadline);
                println!("  {}: {}", l("cli_plan_purpose"), c.purpose.text);
                if !c.purpose.reduces.is_empty() {
                    let cats: Vec<_> = c.purpose.reduces.iter().map(|r| r.label(lang)).collect();
                    println!("  {}: {}", l("cli_plan_reduces"), cats.join(" / "));
                }
                println!("  {}: {}", l("cli_plan_units"), c.units.join(", "));
                println!("  {}: {}", l("cli_plan_owner"), c.owner);
                if let Some(a) = &c.agreement {
                    println!("  {}: {} ({})", l("cli_plan_agreed_by"), a.by, a.on);
                }
                println!("  {}:", l("cli_plan_revisions"));
                for r in &revisions {
                    println!(
                        "    {} {} {} — {}",
                        r.revision, r.created_at, r.created_by, r.reason
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(())
}
