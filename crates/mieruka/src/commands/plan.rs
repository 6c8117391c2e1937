//! `mieruka plan`: plans (目標) — create, revise with a reason, record the executives'
//! agreement, close, list and show with every revision. The work is `mieruka_app::plan`'s;
//! this module parses the options and prints.

use anyhow::{Result, anyhow, bail};
use mieruka_app::plan::{
    self as plans, AgreementInput, NewPlan, PlanChange, PlanView, PlanWithRevisions, PurposeChange,
    PurposeInput,
};
use mieruka_domain::loss::{Effect, LossLever};
use mieruka_domain::plan::{PlanContent, PlanTarget, TrajectoryPoint};
use mieruka_domain::{Formula, KpiDefinition, Lang};
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
            Some(p) => format!("{p}={}{unit}", super::measure::trim_number(t.value)),
            None => format!("{}{unit}", super::measure::trim_number(t.value)),
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
                match lang {
                    Lang::Ja => println!(
                        "目標 #{id} を作成しました（下書き）: {} {} 目標 {} 期限 {}",
                        def.id,
                        def.name.ja,
                        describe_target(def, &content),
                        content.deadline
                    ),
                    Lang::En => println!(
                        "Created plan #{id} (draft): {} {} target {} by {}",
                        def.id,
                        def.name.en,
                        describe_target(def, &content),
                        content.deadline
                    ),
                }
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
            match lang {
                Lang::Ja => println!("目標 #{plan} を改訂しました（第 {rev} 版）"),
                Lang::En => println!("Revised plan #{plan} (revision {rev})"),
            }
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
            match lang {
                Lang::Ja => println!("目標 #{plan} は {by} の合意を得ました"),
                Lang::En => println!("Plan #{plan} is agreed by {by}"),
            }
        }
        PlanCommand::Close { plan } => {
            let pc = context(&store, plan).await?;
            plans::close(&store, &pc).await.cli()?;
            match lang {
                Lang::Ja => println!("目標 #{plan} を完了にしました"),
                Lang::En => println!("Closed plan #{plan}"),
            }
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
                let header: Vec<String> = match lang {
                    Lang::Ja => ["#", "KPI", "目標", "期限", "状態", "対象"],
                    Lang::En => ["#", "KPI", "Target", "Deadline", "State", "Units"],
                }
                .iter()
                .map(|s| s.to_string())
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
                let l = |ja: &'static str, en: &'static str| if lang == Lang::Ja { ja } else { en };
                println!("  {}: {}", l("目標", "Target"), describe_target(&pc.kpi, c));
                println!("  {}: {}", l("期限", "Deadline"), c.deadline);
                println!("  {}: {}", l("目的", "Purpose"), c.purpose.text);
                if !c.purpose.reduces.is_empty() {
                    let cats: Vec<_> = c.purpose.reduces.iter().map(|r| r.label(lang)).collect();
                    println!("  {}: {}", l("減らす損失", "Reduces"), cats.join(" / "));
                }
                println!("  {}: {}", l("対象", "Units"), c.units.join(", "));
                println!("  {}: {}", l("責任者", "Owner"), c.owner);
                if let Some(a) = &c.agreement {
                    println!("  {}: {} ({})", l("経営層の合意", "Agreed by"), a.by, a.on);
                }
                println!("  {}:", l("改訂履歴", "Revisions"));
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
