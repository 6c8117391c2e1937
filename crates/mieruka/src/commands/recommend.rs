//! `mieruka recommend`: the KPIs that suit the organisation's stage, and advice on how many.

use anyhow::Result;
use mieruka_app::catalog::RecommendationView;
use mieruka_app::plan::chosen_in;
use mieruka_domain::i18n::tr;
use mieruka_domain::recommend::{CountAdvice, recommend};

use super::{Ctx, find_org, today};
use crate::cli::RecommendArgs;

pub async fn run(ctx: &Ctx, args: RecommendArgs) -> Result<()> {
    let store = ctx.store().await?;
    let lang = ctx.lang;
    let org = find_org(&store, &args.org.org).await?;
    let period =
        super::status::resolve_period(&store, &org, args.period.as_deref(), today(&org)).await?;
    let chosen = chosen_in(&store, &org, &period.id).await?;
    let defs = store.kpi_definitions(Some(org.id)).await?;
    let rec = recommend(defs.iter().map(|d| &d.definition), org.org.maturity, chosen);
    let (lo, hi) = rec.suggested;
    let advice_key = match rec.advice {
        CountAdvice::RoomForMore => "recommend_room_for_more",
        CountAdvice::Balanced => "recommend_balanced",
        CountAdvice::AboveStage => "recommend_above_stage",
        CountAdvice::TooMany => "recommend_too_many",
    };
    let advice = tr(
        lang,
        advice_key,
        &[
            ("period", &period.id),
            ("chosen", &chosen),
            ("lo", &lo),
            ("hi", &hi),
            ("more", &hi.saturating_sub(chosen)),
        ],
    );
    if args.json {
        // The API's shape, with the advice also as a sentence in the reader's language.
        let mut v = serde_json::to_value(RecommendationView::new(&org, &period.id, &rec))?;
        v["message"] = advice.into();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let stages: Vec<_> = rec.stages.iter().map(|s| s.label(lang)).collect();
        println!(
            "{}",
            tr(
                lang,
                "recommend_stage",
                &[
                    ("org", &org.org.slug),
                    ("name", &org.org.name),
                    ("stage", &org.org.maturity.label(lang)),
                    (
                        "stages",
                        &stages.join(&tr(lang, "recommend_stages_joiner", &[]))
                    ),
                ]
            )
        );
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
