//! `mieruka loss`: the maximum loss in money — now, today (plans at their current achievement)
//! and after (every plan at its target) — with each figure's formula, and the money each plan is
//! worth. Also the inputs: `loss inputs` prints them as TOML, `loss set` records new ones.

use anyhow::{Context as _, Result, anyhow};
use mieruka_domain::loss::{Breakdown, CompanyFacts, Figure, LossReport, PlanLever, report};
use mieruka_domain::money::{grouped, yen};
use mieruka_domain::org::UnitKind;
use mieruka_domain::plan::PlanState;
use mieruka_domain::{Date, Lang};
use mieruka_store::Store;
use mieruka_store::loss::StoredLossInputs;
use mieruka_store::orgs::StoredOrg;
use serde_json::json;

use super::{Ctx, find_org, now, parse_date, today, who};
use crate::cli::{LossArgs, LossCommand};
use crate::render::{pad, width};

/// The organisation's loss report as of a date, with the inputs it used and the plans' keys.
pub struct OrgLoss {
    pub inputs: StoredLossInputs,
    pub report: LossReport,
    /// Per plan in `report.plans`: its id and KPI name.
    pub plan_names: Vec<(i64, mieruka_domain::Text)>,
}

/// The company's facts: the annual revenue of its top company unit.
async fn company_facts(store: &Store, org: &StoredOrg) -> Result<CompanyFacts> {
    let units = store.units(org.id).await?;
    let company = units
        .iter()
        .find(|u| u.parent_id.is_none() && u.unit.kind == UnitKind::Company);
    Ok(CompanyFacts {
        annual_revenue_yen: company
            .and_then(|u| u.unit.facts.annual_revenue_yen)
            .map(|r| r as f64),
    })
}

/// Computes the loss report: the inputs in force, and every open plan with effects at its
/// achievement as of `as_of`.
pub async fn org_loss(store: &Store, org: &StoredOrg, as_of: Date) -> Result<OrgLoss> {
    let inputs = store.loss_inputs(org.id).await?.ok_or_else(|| {
        anyhow!(
            "organisation {0} has no loss inputs yet: `mieruka loss inputs --org {0} > loss.toml`, edit it, then `mieruka loss set --org {0} loss.toml`",
            org.org.slug
        )
    })?;
    let facts = company_facts(store, org).await?;
    let mut levers = Vec::new();
    let mut plan_names = Vec::new();
    for plan in store.all_plans(org.id).await? {
        if plan.state == PlanState::Closed || plan.content.purpose.effects.is_empty() {
            continue;
        }
        let s = super::status::evaluate_plan(store, plan.id, as_of).await?;
        levers.push(PlanLever {
            key: format!("#{} {}", plan.id, s.ctx.kpi.id),
            effects: plan.content.purpose.effects.clone(),
            achievement: s.evaluation.achievement.map(|a| a.min(1.0)),
        });
        plan_names.push((plan.id.0, s.ctx.kpi.name.clone()));
    }
    let report = report(&inputs.inputs, facts, &levers).map_err(|e| anyhow!("loss inputs: {e}"))?;
    Ok(OrgLoss {
        inputs,
        report,
        plan_names,
    })
}

/// The scenarios to simulate for an organisation: its loss model now, and after its plans.
pub async fn org_scenarios(
    store: &Store,
    org: &StoredOrg,
    as_of: Date,
) -> Result<Vec<(String, Vec<mieruka_sim::Scenario>)>> {
    let loss = org_loss(store, org, as_of).await?;
    let to_sim = |b: &Breakdown| -> Result<Vec<mieruka_sim::Scenario>> {
        mieruka_domain::loss::scenarios(&loss.inputs.inputs, b)
            .into_iter()
            .map(|s| {
                mieruka_sim::Scenario::new(
                    s.id,
                    s.name.ja.clone(),
                    s.annual_rate,
                    s.low_p5,
                    s.high_p95,
                )
                .map_err(|e| anyhow!("loss scenario {}: {e}", s.id))
            })
            .collect()
    };
    Ok(vec![
        ("now".to_string(), to_sim(&loss.report.now)?),
        ("after".to_string(), to_sim(&loss.report.after)?),
    ])
}

/// The cyber risk's impact for the risk matrix: the total now and after, and the bands.
pub struct CyberImpact {
    pub now_yen: f64,
    pub after_yen: f64,
    pub now_level: u8,
    pub after_level: u8,
}

pub async fn cyber_impact(
    store: &Store,
    org: &StoredOrg,
    as_of: Date,
) -> Result<Option<CyberImpact>> {
    if store.loss_inputs(org.id).await?.is_none() {
        return Ok(None);
    }
    let loss = org_loss(store, org, as_of).await?;
    let i = &loss.inputs.inputs;
    Ok(Some(CyberImpact {
        now_yen: loss.report.now.total_yen,
        after_yen: loss.report.after.total_yen,
        now_level: i.impact_level(loss.report.now.total_yen),
        after_level: i.impact_level(loss.report.after.total_yen),
    }))
}

fn figure_json(f: &Figure) -> serde_json::Value {
    json!({
        "key": f.key,
        "label": f.label,
        "amount_yen": f.amount_yen.round(),
        "formula": f.formula,
        "terms": f.terms,
        "source": f.source,
    })
}

fn breakdown_json(b: &Breakdown) -> serde_json::Value {
    json!({
        "categories": b.categories.iter().map(figure_json).collect::<Vec<_>>(),
        "total_yen": b.total_yen.round(),
        "indirect": b.indirect.iter().map(figure_json).collect::<Vec<_>>(),
    })
}

fn term_value(lang: Lang, value: f64, unit: &str) -> String {
    match unit {
        "yen" => yen(value, lang),
        "people" => match lang {
            Lang::Ja => format!("{}人", grouped(value)),
            Lang::En => format!("{} people", grouped(value)),
        },
        "days" => match lang {
            Lang::Ja => format!("{}日", super::measure::trim_number(value)),
            Lang::En => format!("{} days", super::measure::trim_number(value)),
        },
        "share" => format!("{}%", super::measure::trim_number(value * 100.0)),
        "eur" => format!("€{}", grouped(value)),
        _ => super::measure::trim_number(value),
    }
}

fn render(lang: Lang, org: &StoredOrg, as_of: Date, loss: &OrgLoss) -> String {
    let l = |ja: &'static str, en: &'static str| if lang == Lang::Ja { ja } else { en };
    let r = &loss.report;
    let mut out = format!(
        "{} {} — {} ({} {as_of})\n\n",
        org.org.slug,
        org.org.name,
        l("想定損失額（最大）", "maximum loss"),
        l("基準日", "as of"),
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
        cell(l("現在", "now").into()),
        cell(l("今日時点", "today").into()),
        cell(l("KPI 達成後", "after KPIs").into()),
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
        pad(l("合計", "Total"), label_w),
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
            l(
                "間接的な影響（別枠）",
                "Indirect effects (not in the total)"
            ),
            parts.join(" / ")
        ));
    }
    if !r.plans.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            l(
                "KPI ごとの効果（損失額の減少）",
                "What each plan is worth (reduction of the total)"
            )
        ));
        for (p, (_, name)) in r.plans.iter().zip(&loss.plan_names) {
            let moves: Vec<String> = p
                .effects
                .iter()
                .map(|e| {
                    let from = loss.inputs.inputs.lever(e.lever);
                    let n = super::measure::trim_number;
                    format!("{} {} → {}", e.lever.label(lang), n(from), n(e.to))
                })
                .collect();
            out.push_str(&format!(
                "  {} {}  {} {}: {} {} / {} {}  ({})\n",
                p.key,
                name.get(lang),
                l("達成率", "achievement"),
                p.achievement
                    .map_or("－".into(), |a| format!("{:.0}%", a * 100.0)),
                l("今日", "today"),
                yen(p.reduction_today_yen, lang),
                l("達成時", "at target"),
                yen(p.reduction_at_target_yen, lang),
                moves.join(", "),
            ));
        }
    }
    out.push_str(&format!("\n{}\n", l("計算式（現在）", "Formulas (now)")));
    for f in &r.now.categories {
        let terms: Vec<String> = f
            .terms
            .iter()
            .map(|t| {
                format!(
                    "{} {}",
                    t.label.get(lang),
                    term_value(lang, t.value, t.unit)
                )
            })
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

/// Reads loss inputs from a TOML file, validated.
fn read_inputs(path: &std::path::Path) -> Result<mieruka_domain::loss::LossInputs> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let inputs: mieruka_domain::loss::LossInputs = toml::from_str(&text).map_err(|e| {
        anyhow!(
            "{}: {}",
            path.display(),
            e.to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        )
    })?;
    inputs
        .validate()
        .map_err(|e| anyhow!("{}: field `{}`: {}", path.display(), e.field, e.reason))
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
            // The model must compute with these inputs and the organisation's facts.
            mieruka_domain::loss::breakdown(&inputs, company_facts(&store, &o).await?)
                .map_err(|e| anyhow!("{}: field `{}`: {}", file.display(), e.field, e.reason))?;
            let rev = store
                .set_loss_inputs(o.id, &inputs, &reason, &who(None), now())
                .await?;
            match lang {
                Lang::Ja => println!("{} の損失額の入力を更新しました（改訂 {rev}）", o.org.slug),
                Lang::En => println!("Updated the loss inputs of {} (revision {rev})", o.org.slug),
            }
        }
        None => {
            let code = args
                .org
                .ok_or_else(|| anyhow!("--org: which organisation (e.g. --org demo)"))?;
            let o = find_org(&store, &code).await?;
            let as_of = match &args.as_of {
                Some(d) => parse_date("--as-of", d)?,
                None => today(),
            };
            let loss = org_loss(&store, &o, as_of).await?;
            if args.json {
                let plans: Vec<_> = loss
                    .report
                    .plans
                    .iter()
                    .zip(&loss.plan_names)
                    .map(|(p, (id, _))| {
                        json!({
                            "plan": id,
                            "key": p.key,
                            "effects": p.effects,
                            "achievement": p.achievement,
                            "reduction_today_yen": p.reduction_today_yen.round(),
                            "reduction_at_target_yen": p.reduction_at_target_yen.round(),
                        })
                    })
                    .collect();
                let v = json!({
                    "org": o.org.slug,
                    "as_of": as_of,
                    "inputs_revision": loss.inputs.revision,
                    "now": breakdown_json(&loss.report.now),
                    "today": breakdown_json(&loss.report.today),
                    "after": breakdown_json(&loss.report.after),
                    "plans": plans,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", render(lang, &o, as_of, &loss));
            }
        }
    }
    store.close().await;
    Ok(())
}
