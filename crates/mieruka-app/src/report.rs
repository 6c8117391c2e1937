//! The board report's use cases: building its view model from the store
//! ([`mieruka_domain::report::model::BoardReport`]), issuing it (keeping the snapshot and the
//! data version it was made from), reading an issued one back, linting, and the schedule.
//!
//! A report covers a period (a quarter or a half) and shows every plan of the organisation whose
//! period overlaps it, except drafts, evaluated as of the period's end (or today, while it runs).
//! Rendering is not done here: `mieruka-report` turns the view model into PDF, HTML and Excel.

mod answers;
mod kpis;
mod sections;

pub use answers::{IssuedReportView, IssuedReports, LintedFinding, ReportLint, ReportSchedule};

use mieruka_domain::i18n::{keys, tr};
use mieruka_domain::period::Period;
use mieruka_domain::plan::PlanState;
use mieruka_domain::report::glossary::Glossary;
use mieruka_domain::report::lint::{Finding, lint_report};
use mieruka_domain::report::model::{BoardReport, MODEL_VERSION, OrgHeader, PeriodHeader};
use mieruka_domain::report::schedule::NextReport;
use mieruka_domain::{Date, Lang, Timestamp};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::reports::issued::IssuedReport;

use crate::status::{PlanStatus, evaluate_plan};
use crate::{AppError, Result};

/// Trials of the loss simulation behind the report's exceedance curve, and its seed: fixed, so
/// the same data always gives the same curve.
pub const SIMULATION_TRIALS: u64 = 20_000;
pub const SIMULATION_SEED: u64 = 2019;

/// Every `report_*` message of the catalogue in one language: the report's own headings.
fn labels(lang: Lang) -> std::collections::BTreeMap<String, String> {
    keys()
        .into_iter()
        .filter(|k| k.starts_with("report_"))
        .map(|k| {
            (
                k.trim_start_matches("report_").to_string(),
                tr(lang, k, &[]),
            )
        })
        .collect()
}

/// The plans a report on `period` shows: every plan but drafts whose period overlaps it,
/// evaluated as of `as_of`, in the order they were made.
async fn plans_in(
    store: &Store,
    org: &StoredOrg,
    period: &Period,
    as_of: Date,
) -> Result<Vec<PlanStatus>> {
    let mut out = Vec::new();
    for plan in store.all_plans(org.id).await? {
        if plan.state == PlanState::Draft {
            continue;
        }
        let s = evaluate_plan(store, plan.id, as_of).await?;
        if s.ctx.period.start <= period.end && s.ctx.period.end >= period.start {
            out.push(s);
        }
    }
    out.sort_by_key(|s| s.ctx.plan.id.0);
    Ok(out)
}

/// Builds the report on `period` as of `today` (the figures are as of the period's end, or
/// today while the period runs).
pub async fn build(
    store: &Store,
    org: &StoredOrg,
    period: &Period,
    lang: Lang,
    today: Date,
) -> Result<BoardReport> {
    let data_version = store.data_version().await?;
    let as_of = today.min(period.end);
    if as_of < period.start {
        return Err(AppError::Invalid {
            field: "period".into(),
            reason: format!(
                "{} has not started yet (it starts on {})",
                period.id, period.start
            ),
        });
    }
    let plans = plans_in(store, org, period, as_of).await?;
    let wordings = store.kpi_wordings(org.id).await?;
    let start_month = org.org.fiscal_start_month;
    let mut report = BoardReport {
        model_version: MODEL_VERSION,
        lang,
        org: OrgHeader {
            slug: org.org.slug.to_string(),
            name: org.org.name.clone(),
        },
        period: PeriodHeader {
            id: period.id.clone(),
            start: period.start,
            end: period.end,
            label: mieruka_domain::figures::period_name(period, start_month, lang),
        },
        as_of,
        data_version,
        labels: labels(lang),
        summary: sections::empty_summary(),
        story: None,
        loss: sections::empty_loss(),
        risks: sections::risks(store, org, as_of, lang).await?,
        kpis: Vec::new(),
        checklist: Vec::new(),
        appendix: Vec::new(),
        data: Default::default(),
    };
    let ctx = sections::Context {
        store,
        org,
        period,
        lang,
        as_of,
        plans: &plans,
        wordings: &wordings,
    };
    sections::fill(&ctx, &mut report).await?;
    Ok(report)
}

/// The snapshot an issued report keeps: the view model as JSON.
pub fn snapshot(report: &BoardReport) -> String {
    serde_json::to_string(report).expect("a report serialises")
}

/// Reads a snapshot back, refusing one of another model version.
pub fn from_snapshot(snapshot: &str) -> Result<BoardReport> {
    let v: serde_json::Value = serde_json::from_str(snapshot)
        .map_err(|e| AppError::Conflict(format!("the report snapshot is unreadable: {e}")))?;
    let version = v.get("model_version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(MODEL_VERSION)) {
        return Err(AppError::Conflict(format!(
            "the report snapshot is of model version {version:?}; this mieruka renders version {MODEL_VERSION}"
        )));
    }
    serde_json::from_value(v)
        .map_err(|e| AppError::Conflict(format!("the report snapshot is unreadable: {e}")))
}

/// Issues a report: builds it and records its snapshot with the data version it was made from.
pub async fn issue(
    store: &Store,
    org: &StoredOrg,
    period: &Period,
    lang: Lang,
    now: Timestamp,
) -> Result<(IssuedReport, BoardReport)> {
    let report = build(store, org, period, lang, org.org.today(now)).await?;
    let lang_code = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    let issued = store
        .issue_report(
            org.id,
            &period.id,
            lang_code,
            report.data_version,
            &snapshot(&report),
            now,
        )
        .await?;
    Ok((issued, report))
}

/// An issued report's view model, exactly as it was issued (its hash checked by the store).
pub async fn issued(
    store: &Store,
    org: &StoredOrg,
    id: i64,
) -> Result<(IssuedReport, BoardReport)> {
    let (issued, snap) = store.issued_report(org.id, id).await?;
    Ok((issued, from_snapshot(&snap)?))
}

/// The organisation's glossary: the built-in terms and its own.
pub async fn glossary(store: &Store, org: &StoredOrg) -> Result<Glossary> {
    Ok(Glossary::builtin().extended(&store.glossary_terms(org.id).await?))
}

/// Lints the report on `period` in both languages (Japanese findings first).
pub async fn lint(
    store: &Store,
    org: &StoredOrg,
    period: &Period,
    today: Date,
) -> Result<Vec<(Lang, Finding)>> {
    let g = glossary(store, org).await?;
    let mut out = Vec::new();
    for lang in [Lang::Ja, Lang::En] {
        let r = build(store, org, period, lang, today).await?;
        out.extend(lint_report(&g, &r).into_iter().map(|f| (lang, f)));
    }
    Ok(out)
}

/// When the next report is due.
pub async fn next_due(store: &Store, org: &StoredOrg, today: Date) -> Result<NextReport> {
    let schedule = store.schedule(org.id).await?;
    let issued = store.issued_reports(org.id).await?;
    let ids: Vec<&str> = issued.iter().map(|r| r.period.as_str()).collect();
    Ok(schedule.next(today, org.org.fiscal_start_month, &ids))
}

/// The report period a command means: the given id, or the cadence period containing today.
pub async fn resolve_period(
    store: &Store,
    org: &StoredOrg,
    id: Option<&str>,
    today: Date,
) -> Result<Period> {
    match id {
        Some(_) => crate::status::resolve_period(store, org, id, today).await,
        None => Ok(store
            .schedule(org.id)
            .await?
            .period_containing(today, org.org.fiscal_start_month)),
    }
}
