//! `mieruka recommend`: the KPIs that suit the organisation's stage, and advice on how many.

use anyhow::Result;
use mieruka_app::catalog::recommendation_json;
use mieruka_app::plan::chosen_in;
use mieruka_domain::Lang;
use mieruka_domain::recommend::{CountAdvice, recommend};

use super::{Ctx, find_org, today};
use crate::cli::RecommendArgs;

pub async fn run(ctx: &Ctx, args: RecommendArgs) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    let org = find_org(&store, &args.org.org).await?;
    let period =
        super::status::resolve_period(&store, &org, args.period.as_deref(), today()).await?;
    let chosen = chosen_in(&store, &org, &period.id).await?;
    let defs = store.kpi_definitions(Some(org.id)).await?;
    let rec = recommend(defs.iter().map(|d| &d.definition), org.org.maturity, chosen);
    let (lo, hi) = rec.suggested;
    let advice = match (lang, rec.advice) {
        (Lang::Ja, CountAdvice::RoomForMore) => format!(
            "{} では {lo}〜{hi} 個が目安です。あと {} 個まで選べます。",
            period.id,
            hi - chosen
        ),
        (Lang::Ja, CountAdvice::Balanced) => format!(
            "{} の {chosen} 個は目安（{lo}〜{hi} 個）の範囲です。",
            period.id
        ),
        (Lang::Ja, CountAdvice::AboveStage) => format!(
            "注意: {} の {chosen} 個はこの成熟度の目安（{lo}〜{hi} 個）を超えています。データ集めの負担に気をつけてください。",
            period.id
        ),
        (Lang::Ja, CountAdvice::TooMany) => format!(
            "注意: {} の {chosen} 個は KPI モデルの目安（5〜6 個程度）を超えています。KPI の目的を見失わないよう絞り込みを検討してください。",
            period.id
        ),
        (Lang::En, CountAdvice::RoomForMore) => format!(
            "{lo}–{hi} KPIs suit this stage; {} more can be chosen for {}.",
            hi - chosen,
            period.id
        ),
        (Lang::En, CountAdvice::Balanced) => format!(
            "{chosen} KPIs in {} is within the guide ({lo}–{hi}).",
            period.id
        ),
        (Lang::En, CountAdvice::AboveStage) => format!(
            "Warning: {chosen} KPIs in {} is above this stage's guide ({lo}–{hi}); mind the effort of collecting them.",
            period.id
        ),
        (Lang::En, CountAdvice::TooMany) => format!(
            "Warning: {chosen} KPIs in {} is above the model's guide of about 5–6; consider focusing on fewer.",
            period.id
        ),
    };
    if args.json {
        // The API's shape, with the advice also as a sentence in the reader's language.
        let mut v = recommendation_json(&org, &period.id, &rec);
        v["message"] = advice.into();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let stages: Vec<_> = rec.stages.iter().map(|s| s.label(lang)).collect();
        match lang {
            Lang::Ja => println!(
                "{}「{}」の成熟度は{}です。{}の KPI から選びます。",
                org.org.slug,
                org.org.name,
                org.org.maturity.label(lang),
                stages.join("・")
            ),
            Lang::En => println!(
                "{} \"{}\" is at the {} stage: choose from the {} columns.",
                org.org.slug,
                org.org.name,
                org.org.maturity.label(lang),
                stages.join(" and ")
            ),
        }
        for (kind, defs) in &rec.groups {
            println!("\n■ {}", kind.label(lang));
            for d in defs {
                println!(
                    "  {:<8} {}  [{}] {}",
                    d.id.as_str(),
                    d.name.get(lang),
                    d.maturity.label(lang),
                    d.describe_targets(lang)
                );
            }
        }
        println!("\n{advice}");
    }
    store.close().await;
    Ok(())
}
