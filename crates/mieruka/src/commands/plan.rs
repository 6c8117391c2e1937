//! `mieruka plan`: plans (目標) — create, revise with a reason, record the executives'
//! agreement, close, list and show with every revision.

use anyhow::{Result, anyhow, bail};
use mieruka_app::AppError;
use mieruka_app::plan::{default_targets, plan_json, plan_with_revisions_json};
use mieruka_domain::loss::{Effect, LossLever};
use mieruka_domain::period::Period;
use mieruka_domain::plan::{
    Agreement, PlanContent, PlanState, PlanTarget, Purpose, TrajectoryPoint,
};
use mieruka_domain::{Formula, KpiDefinition, Lang};
use mieruka_store::plans::{PlanContext, StoredPlan};
use mieruka_store::{PlanId, Store};

use super::{Ctx, find_org, now, parse_date, today, who};
use crate::cli::PlanCommand;
use crate::render::table;

/// Parses `--target` values: `95` for a single target, `part=5` for a compound KPI's part.
fn parse_targets(kpi: &KpiDefinition, given: &[String]) -> Result<Vec<PlanTarget>> {
    if given.is_empty() {
        // The catalogue's own target, when it gives a number.
        return default_targets(kpi).map_err(|e| match e {
            AppError::Invalid { field, reason } => anyhow!("{}: {reason}", option_for(&field)),
            other => other.into(),
        });
    }
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

/// Checks that every unit code names a unit of the organisation.
fn check_units(ctx_units: &[mieruka_store::orgs::StoredUnit], codes: &[String]) -> Result<()> {
    for c in codes {
        if !ctx_units.iter().any(|u| u.unit.code.as_str() == c) {
            let known: Vec<_> = ctx_units.iter().map(|u| u.unit.code.as_str()).collect();
            bail!(
                "--units: there is no unit `{c}` (units: {})",
                known.join(", ")
            );
        }
    }
    Ok(())
}

fn validated(content: PlanContent, kpi: &KpiDefinition, period: &Period) -> Result<PlanContent> {
    content
        .validate(kpi, period)
        .map_err(|e| anyhow!("{}: {}", option_for(&e.field), e.reason))
}

/// The command-line option that sets a plan field, for error messages.
fn option_for(field: &str) -> String {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    match base {
        "targets" => "--target".into(),
        "trajectory" => "--month".into(),
        "agreement" => "--by".into(),
        other => format!("--{other}"),
    }
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
            let period = match (from, to) {
                (Some(from), Some(to)) => Period::custom(
                    &period,
                    parse_date("--from", &from)?,
                    parse_date("--to", &to)?,
                )
                .map_err(|e| anyhow!("--period: {e}"))?,
                _ => super::status::resolve_period(&store, &o, Some(&period), today()).await?,
            };
            let def = store
                .kpi_definition(Some(o.id), &kpi)
                .await
                .map_err(|_| anyhow!("--kpi: no KPI `{kpi}` (`mieruka catalog` lists them)"))?;
            let units = store.units(o.id).await?;
            if fields.units.is_empty() {
                bail!(
                    "--units: name the units in scope, e.g. --units security,manufacturing (`mieruka unit list --org {}`)",
                    org.org
                );
            }
            check_units(&units, &fields.units)?;
            let content = PlanContent {
                targets: parse_targets(&def.definition, &fields.targets)?,
                baseline: fields.baseline,
                deadline: match &fields.deadline {
                    Some(d) => parse_date("--deadline", d)?,
                    None => period.end,
                },
                trajectory: parse_months(&fields.months)?,
                purpose: Purpose {
                    text: fields
                        .purpose
                        .clone()
                        .ok_or_else(|| anyhow!("--purpose: say what the plan is for (目的)"))?,
                    reduces: fields.reduces.clone(),
                    effects: parse_effects(&fields.effects)?,
                },
                units: fields.units.clone(),
                owner: who(fields.owner.clone()),
                agreement: None,
            };
            let content = validated(content, &def.definition, &period)?;
            let period_id = store.ensure_period(o.id, &period).await?;
            let id = store
                .create_plan(o.id, period_id, def.id, &content, &who(None), now())
                .await?;
            if json {
                let p = store.plan(id).await?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&plan_json(&p, &def.definition, &period.id))?
                );
            } else {
                match lang {
                    Lang::Ja => println!(
                        "目標 #{id} を作成しました（下書き）: {} {} 目標 {} 期限 {}",
                        def.definition.id,
                        def.definition.name.ja,
                        describe_target(&def.definition, &content),
                        content.deadline
                    ),
                    Lang::En => println!(
                        "Created plan #{id} (draft): {} {} target {} by {}",
                        def.definition.id,
                        def.definition.name.en,
                        describe_target(&def.definition, &content),
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
            if pc.plan.state == PlanState::Closed {
                bail!("plan #{plan} is closed");
            }
            let mut c = pc.plan.content.clone();
            if !fields.targets.is_empty() {
                c.targets = parse_targets(&pc.kpi, &fields.targets)?;
            }
            if let Some(d) = &fields.deadline {
                c.deadline = parse_date("--deadline", d)?;
            }
            if fields.baseline.is_some() {
                c.baseline = fields.baseline;
            }
            if !fields.months.is_empty() {
                c.trajectory = parse_months(&fields.months)?;
            }
            if let Some(p) = &fields.purpose {
                c.purpose.text = p.clone();
            }
            if !fields.reduces.is_empty() {
                c.purpose.reduces = fields.reduces.clone();
            }
            if !fields.effects.is_empty() {
                c.purpose.effects = parse_effects(&fields.effects)?;
            }
            if !fields.units.is_empty() {
                check_units(&pc.units, &fields.units)?;
                c.units = fields.units.clone();
            }
            if let Some(o) = &fields.owner {
                c.owner = o.clone();
            }
            let c = validated(c, &pc.kpi, &pc.period)?;
            if c == pc.plan.content {
                bail!("plan #{plan}: nothing to change");
            }
            let rev = store
                .revise_plan(pc.plan.id, &c, &reason, &who(None), now())
                .await?;
            match lang {
                Lang::Ja => println!("目標 #{plan} を改訂しました（第 {rev} 版）"),
                Lang::En => println!("Revised plan #{plan} (revision {rev})"),
            }
        }
        PlanCommand::Agree { plan, by, on } => {
            let pc = context(&store, plan).await?;
            if pc.plan.state != PlanState::Draft {
                bail!("plan #{plan} is {}, not a draft", pc.plan.state);
            }
            let mut c = pc.plan.content.clone();
            c.agreement = Some(Agreement {
                by: by.clone(),
                on: match on {
                    Some(d) => parse_date("--on", &d)?,
                    None => today(),
                },
            });
            let c = validated(c, &pc.kpi, &pc.period)?;
            store
                .revise_plan(
                    pc.plan.id,
                    &c,
                    &format!("agreed by {by}"),
                    &who(None),
                    now(),
                )
                .await?;
            store.set_plan_state(pc.plan.id, PlanState::Agreed).await?;
            match lang {
                Lang::Ja => println!("目標 #{plan} は {by} の合意を得ました"),
                Lang::En => println!("Plan #{plan} is agreed by {by}"),
            }
        }
        PlanCommand::Close { plan } => {
            let pc = context(&store, plan).await?;
            if pc.plan.state == PlanState::Closed {
                bail!("plan #{plan} is already closed");
            }
            store.set_plan_state(pc.plan.id, PlanState::Closed).await?;
            match lang {
                Lang::Ja => println!("目標 #{plan} を完了にしました"),
                Lang::En => println!("Closed plan #{plan}"),
            }
        }
        PlanCommand::List { org, period, json } => {
            let o = find_org(&store, &org.org).await?;
            let plans = match store.period(o.id, &period).await? {
                Some(p) => store.plans(o.id, p.id).await?,
                None => Vec::new(),
            };
            let defs = store.kpi_definitions(Some(o.id)).await?;
            let def = |p: &StoredPlan| defs.iter().find(|d| d.id == p.kpi).map(|d| &d.definition);
            if json {
                let items: Vec<_> = plans
                    .iter()
                    .filter_map(|p| def(p).map(|d| plan_json(p, d, &period)))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                let header: Vec<String> = match lang {
                    Lang::Ja => ["#", "KPI", "目標", "期限", "状態", "対象"],
                    Lang::En => ["#", "KPI", "Target", "Deadline", "State", "Units"],
                }
                .iter()
                .map(|s| s.to_string())
                .collect();
                let rows: Vec<Vec<String>> = plans
                    .iter()
                    .filter_map(|p| {
                        let d = def(p)?;
                        Some(vec![
                            p.id.to_string(),
                            format!("{} {}", d.id, d.name.get(lang)),
                            describe_target(d, &p.content),
                            p.content.deadline.to_string(),
                            p.state.label(lang).to_string(),
                            p.content.units.join(","),
                        ])
                    })
                    .collect();
                print!("{}", table(&header, &rows));
            }
        }
        PlanCommand::Show { plan, json } => {
            let pc = context(&store, plan).await?;
            let revisions = store.plan_revisions(pc.plan.id).await?;
            if json {
                let v = plan_with_revisions_json(&pc.plan, &pc.kpi, &pc.period.id, &revisions);
                println!("{}", serde_json::to_string_pretty(&v)?);
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
