//! Filling the view model's sections from the store: the summary, the story, the loss and its
//! curve, the risk matrix, the checklist; the KPIs, the appendix and the workbook's data are in
//! `kpis`.

use mieruka_domain::benchmark::{Benchmark, PeerPlacement, latest, place};
use mieruka_domain::evaluation::Status;
use mieruka_domain::figures::{yen, yen_change};
use mieruka_domain::i18n::tr;
use mieruka_domain::loss::LossReport;
use mieruka_domain::period::Period;
use mieruka_domain::plan::LossCategory;
use mieruka_domain::report::model::{
    AskView, BoardReport, Exceedance, LossRow, LossView, MoneyView, PeerView, PreviousReport,
    RiskPoint, RiskView, StatusCount, StepView, StoryView, Summary, TrendPoint,
};
use mieruka_domain::report::narrative::KpiWording;
use mieruka_domain::risk::Impact;
use mieruka_domain::{Date, Formula, KpiDefinition, Lang};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;

use super::{SIMULATION_SEED, SIMULATION_TRIALS, from_snapshot};
use crate::loss::org_loss;
use crate::status::PlanStatus;
use crate::{AppError, Result};

use super::kpis;

/// What every section is built from.
pub(super) struct Context<'a> {
    pub store: &'a Store,
    pub org: &'a StoredOrg,
    pub period: &'a Period,
    pub lang: Lang,
    pub as_of: Date,
    pub plans: &'a [PlanStatus],
    pub wordings: &'a [(String, KpiWording)],
}

impl Context<'_> {
    /// The board's name of a plan's KPI: its wording, else the catalogue's name.
    pub fn kpi_name(&self, s: &PlanStatus) -> String {
        self.wordings
            .iter()
            .find(|(k, _)| k == s.ctx.kpi.id.as_str())
            .map_or_else(
                || s.ctx.kpi.name.get(self.lang).to_string(),
                |(_, w)| w.name.get(self.lang).to_string(),
            )
    }
}

pub(super) fn empty_summary() -> Summary {
    Summary {
        asks: Vec::new(),
        money: MoneyView {
            now_yen: 0.0,
            today_yen: 0.0,
            after_yen: 0.0,
            now_text: String::new(),
            today_text: String::new(),
            after_text: String::new(),
            reduction_text: String::new(),
            previous: None,
        },
        status_counts: Vec::new(),
        trend: Vec::new(),
        peers: None,
        headlines: Vec::new(),
    }
}

pub(super) fn empty_loss() -> LossView {
    LossView {
        categories: Vec::new(),
        now_yen: 0.0,
        after_yen: 0.0,
        now_text: String::new(),
        after_text: String::new(),
        exceedance: None,
    }
}

/// The loss report as of a date, or `None` when the organisation has no loss inputs.
async fn loss_at(ctx: &Context<'_>, as_of: Date) -> Result<Option<LossReport>> {
    match org_loss(ctx.store, ctx.org, as_of).await {
        Ok(l) => Ok(Some(l.report)),
        Err(AppError::NoLossInputs(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Fills every section but the risks (built before, from the register).
pub(super) async fn fill(ctx: &Context<'_>, r: &mut BoardReport) -> Result<()> {
    let lang = ctx.lang;
    let loss = loss_at(ctx, ctx.as_of).await?;
    r.kpis = kpis::kpis(ctx, loss.as_ref());
    r.appendix = kpis::appendix(ctx, loss.as_ref());
    r.data = kpis::data(ctx, loss.as_ref()).await?;
    if let Some(l) = &loss {
        r.loss = loss_view(ctx, l);
        r.loss.exceedance = exceedance(ctx).await?;
        r.summary.money = MoneyView {
            now_yen: l.now.total_yen,
            today_yen: l.today.total_yen,
            after_yen: l.after.total_yen,
            now_text: yen(l.now.total_yen, lang),
            today_text: yen(l.today.total_yen, lang),
            after_text: yen(l.after.total_yen, lang),
            reduction_text: yen(l.now.total_yen - l.after.total_yen, lang),
            previous: previous(ctx, l.today.total_yen).await?,
        };
        r.summary.trend = trend(ctx).await?;
    }
    r.summary.asks = ctx
        .store
        .ask(ctx.org.id, &ctx.period.id)
        .await?
        .items
        .iter()
        .map(|a| AskView {
            kind: a.kind.code().into(),
            kind_label: a.kind.label(lang).into(),
            text: a.text.get(lang).into(),
        })
        .collect();
    r.summary.status_counts = Status::ALL
        .iter()
        .map(|s| StatusCount {
            status: s.code().into(),
            label: s.label(lang).into(),
            count: ctx
                .plans
                .iter()
                .filter(|p| p.evaluation.status == *s)
                .count(),
        })
        .collect();
    r.story = ctx.store.story(ctx.org.id).await?.map(|s| StoryView {
        strategy: s.strategy.get(lang).into(),
        challenge: s.challenge.get(lang).into(),
        solution: s.solution.get(lang).into(),
        investment: s.investment.get(lang).into(),
        investment_text: s.investment_yen.map(|y| yen(y as f64, lang)),
    });
    let checklist = ctx.store.checklist(ctx.org.id, &ctx.period.id).await?;
    r.checklist = checklist
        .steps
        .iter()
        .map(|s| StepView {
            step: s.step.code().into(),
            label: s.step.label(lang).into(),
            done: s.done,
            note: s.note.clone(),
        })
        .collect();
    r.summary.headlines = headlines(r, checklist.done());
    r.summary.peers = peers(ctx).await?;
    Ok(())
}

/// Where the organisation stands against its peers: one row per KPI of the report that has
/// benchmark figures dated on or before the report's date (the latest such), in the report's
/// order; `None` when no KPI has any, so the section is left out. Ours is the KPI's latest
/// actual among the report's plans for it; a compound KPI has no single value to compare.
async fn peers(ctx: &Context<'_>) -> Result<Option<Vec<PeerView>>> {
    let all: Vec<Benchmark> = ctx
        .store
        .benchmarks()
        .await?
        .into_iter()
        .map(|s| s.benchmark)
        .collect();
    let lang = ctx.lang;
    let mut rows = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for s in ctx.plans {
        let kpi = &s.ctx.kpi;
        if done.contains(&kpi.id.as_str()) || matches!(kpi.formula, Formula::Compound { .. }) {
            continue;
        }
        done.push(kpi.id.as_str());
        let Some(b) = latest(&all, kpi.id.as_str(), ctx.as_of) else {
            continue;
        };
        let actual = ctx
            .plans
            .iter()
            .filter(|p| p.ctx.kpi.id == kpi.id)
            .filter_map(|p| {
                let a = p.evaluation.parts.first()?;
                Some((a.as_of, p.ctx.plan.id.0, a.actual?))
            })
            .max_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)))
            .map(|(.., v)| v);
        let (ours, placement) = match actual {
            Some(v) => (kpis::value_text(kpi, v, lang), place(v, b, kpi.direction)),
            None => (Status::NoData.label(lang).to_string(), None),
        };
        rows.push(PeerView {
            measure: ctx.kpi_name(s),
            ours,
            peers: peer_figures(kpi, b, placement, lang),
        });
    }
    Ok((!rows.is_empty()).then_some(rows))
}

/// The peers' figures in words: the median (and quartiles), how many organisations (and their
/// industry), the source and its date, and where ours stands.
fn peer_figures(
    kpi: &KpiDefinition,
    b: &Benchmark,
    placement: Option<PeerPlacement>,
    lang: Lang,
) -> String {
    let v = |x: f64| kpis::value_text(kpi, x, lang);
    let mut median = tr(lang, "report_peers_median", &[("value", &v(b.median))]);
    median.push_str(&match (b.lower, b.upper) {
        (Some(l), Some(u)) => tr(
            lang,
            "report_peers_middle_half",
            &[("lower", &v(l)), ("upper", &v(u))],
        ),
        (Some(l), None) => tr(lang, "report_peers_lower_quartile", &[("value", &v(l))]),
        (None, Some(u)) => tr(lang, "report_peers_upper_quartile", &[("value", &v(u))]),
        (None, None) => String::new(),
    });
    let mut organisations = match b.peers {
        1 => tr(lang, "report_peers_organisation", &[]),
        n => tr(lang, "report_peers_organisations", &[("count", &n)]),
    };
    if let Some(i) = &b.industry {
        organisations.push_str(&tr(lang, "report_peers_industry", &[("industry", i)]));
    }
    let source = tr(
        lang,
        "report_peers_source",
        &[("source", &b.source), ("date", &b.as_of.for_people(lang))],
    );
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("median", &median),
        ("organisations", &organisations),
        ("source", &source),
    ];
    match placement {
        Some(p) => {
            let mut with = args.to_vec();
            let label = p.label(lang);
            with.push(("placement", &label));
            tr(lang, "report_peers_row", &with)
        }
        None => tr(lang, "report_peers_row_unplaced", &args),
    }
}

/// The summary's sentences.
fn headlines(r: &BoardReport, steps_done: usize) -> Vec<String> {
    let lang = r.lang;
    let m = &r.summary.money;
    let mut out = Vec::new();
    if m.now_yen > 0.0 {
        out.push(tr(
            lang,
            "report_headline_money",
            &[
                ("now", &m.now_text),
                ("after", &m.after_text),
                ("reduction", &m.reduction_text),
            ],
        ));
        out.push(tr(
            lang,
            "report_headline_today",
            &[("today", &m.today_text)],
        ));
        if let Some(p) = &m.previous {
            out.push(tr(
                lang,
                "report_headline_change",
                &[("period", &p.period), ("change", &p.change_text)],
            ));
        }
    }
    if !r.kpis.is_empty() {
        let count = |code: &str| {
            r.summary
                .status_counts
                .iter()
                .find(|c| c.status == code)
                .map_or(0, |c| c.count)
        };
        out.push(tr(
            lang,
            "report_headline_kpis",
            &[
                ("total", &r.kpis.len()),
                ("achieved", &count("achieved")),
                ("on_track", &count("on_track")),
                ("behind", &count("behind")),
                ("off_track", &count("off_track")),
            ],
        ));
    }
    out.push(tr(
        lang,
        "report_headline_checklist",
        &[("done", &steps_done)],
    ));
    out
}

/// The last issued report on an earlier period, and the change of today's maximum loss since.
async fn previous(ctx: &Context<'_>, today_yen: f64) -> Result<Option<PreviousReport>> {
    for issued in ctx.store.issued_reports(ctx.org.id).await? {
        if issued.period == ctx.period.id {
            continue;
        }
        let (_, snap) = ctx.store.issued_report(ctx.org.id, issued.id).await?;
        let Ok(prev) = from_snapshot(&snap) else {
            continue;
        };
        if prev.period.end >= ctx.period.end {
            continue;
        }
        let m = &prev.summary.money;
        return Ok(Some(PreviousReport {
            id: issued.id,
            period: prev.period.label.clone(),
            today_yen: m.today_yen,
            after_yen: m.after_yen,
            change_text: yen_change(today_yen - m.today_yen, ctx.lang),
        }));
    }
    Ok(None)
}

/// Today's maximum loss at the end of each of the five months before the report's date, and at
/// the report's date: six points, whatever day of the period it is.
async fn trend(ctx: &Context<'_>) -> Result<Vec<TrendPoint>> {
    let mut dates = Vec::new();
    let mut d = ctx.as_of.first_of_month_plus(-5).end_of_month();
    while d < ctx.as_of {
        dates.push(d);
        d = d.add_days(1).end_of_month();
    }
    dates.push(ctx.as_of);
    let mut out = Vec::new();
    for d in dates {
        if let Some(l) = loss_at(ctx, d).await? {
            out.push(TrendPoint {
                date: d,
                label: match ctx.lang {
                    Lang::Ja => format!("{}/{}", d.month(), d.day()),
                    Lang::En => format!("{}-{:02}-{:02}", d.year(), d.month(), d.day()),
                },
                today_yen: l.today.total_yen,
                text: yen(l.today.total_yen, ctx.lang),
            });
        }
    }
    Ok(out)
}

fn loss_view(ctx: &Context<'_>, l: &LossReport) -> LossView {
    let lang = ctx.lang;
    let categories = LossCategory::ALL
        .iter()
        .map(|c| {
            let drivers = ctx
                .plans
                .iter()
                .filter(|p| {
                    p.ctx.plan.content.purpose.reduces.contains(c)
                        && !p.ctx.plan.content.purpose.effects.is_empty()
                })
                .map(|p| ctx.kpi_name(p))
                .collect();
            LossRow {
                code: c.code().into(),
                label: c.label(lang).into(),
                now_yen: l.now.amount(*c),
                after_yen: l.after.amount(*c),
                now_text: yen(l.now.amount(*c), lang),
                after_text: yen(l.after.amount(*c), lang),
                drivers,
            }
        })
        .collect();
    LossView {
        categories,
        now_yen: l.now.total_yen,
        after_yen: l.after.total_yen,
        now_text: yen(l.now.total_yen, lang),
        after_text: yen(l.after.total_yen, lang),
        exceedance: None,
    }
}

/// The loss-exceedance curves now and after, from a fixed-seed simulation.
async fn exceedance(ctx: &Context<'_>) -> Result<Option<Exceedance>> {
    let portfolios = match crate::simulation::org_scenarios(ctx.store, ctx.org, ctx.as_of).await {
        Ok(p) => p,
        // Inputs the simulation cannot use: the report goes without the curve.
        Err(AppError::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let sims = crate::simulation::simulate_all(&portfolios, SIMULATION_TRIALS, SIMULATION_SEED);
    let [(now_sim, now_curve), (after_sim, after_curve)] = &sims[..] else {
        return Ok(None);
    };
    let pts = |c: &[mieruka_sim::CurvePoint]| -> Vec<(f64, f64)> {
        c.iter().map(|p| (p.loss, p.probability)).collect()
    };
    Ok(Some(Exceedance {
        trials: SIMULATION_TRIALS,
        seed: SIMULATION_SEED,
        now: pts(now_curve),
        after: pts(after_curve),
        p99_now_text: yen(now_sim.p99, ctx.lang),
        p99_after_text: yen(after_sim.p99, ctx.lang),
    }))
}

/// The risk matrix's points (Fig. 8).
pub(super) async fn risks(
    store: &Store,
    org: &StoredOrg,
    as_of: Date,
    lang: Lang,
) -> Result<RiskView> {
    let reg = crate::risks::load(store, org, as_of).await?;
    let points = reg
        .risks
        .iter()
        .zip(&reg.placed)
        .enumerate()
        .map(|(i, (r, p))| RiskPoint {
            number: i + 1,
            name: r.name.clone(),
            at: p.at.map(|c| (c.probability, c.impact)),
            after: p.after.map(|c| (c.probability, c.impact)),
            cyber: matches!(r.impact, Impact::Cyber),
        })
        .collect();
    let subtitle = match lang {
        Lang::Ja => "事業リスクの評価（発生確率 × 影響度）",
        Lang::En => "Business risks (probability × impact)",
    };
    Ok(RiskView {
        title: format!("{} — {subtitle}", org.org.name),
        points,
        bands_yen: reg.inputs.impact_bands_yen.to_vec(),
    })
}
