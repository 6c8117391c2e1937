//! The board report: download for a period (PDF, HTML or Excel), its lint, issuing it, the
//! issued reports (each rendered again exactly as issued), and the report schedule. Members of
//! the organisation read and download; owners issue and set the schedule.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mieruka_app::report::{self, IssuedReportView, IssuedReports, ReportLint, ReportSchedule};
use mieruka_domain::Lang;
use mieruka_domain::report::model::BoardReport;
use mieruka_domain::report::schedule::Schedule;
use mieruka_report::Format;
use serde::Deserialize;
use serde_json::json;

use super::route::{Answer, Kind, Param, Route, who};
use super::visible_org;
use crate::AppState;
use crate::auth::{Need, Principal, now};
use crate::body::Body;
use crate::error::ApiError;
use crate::params::{Params, UrlPath};

const FORMAT: Param = Param {
    name: "format",
    kind: Kind::OneOf(&["pdf", "html", "xlsx"]),
    description: "pdf (default), html or xlsx.",
    example: "html",
};
const LANG: Param = Param {
    name: "lang",
    kind: Kind::OneOf(&["ja", "en"]),
    description: "Language of the report: ja (default) or en.",
    example: "en",
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/orgs/{org}/reports/{period}", download)
            .doc(
                "reports",
                "The board report for a period (FY2026-Q3…), as PDF, HTML or Excel, made from the data as it is now",
            )
            .query(&[FORMAT, LANG])
            .answers(Answer::Download),
        Route::get("/api/v1/orgs/{org}/reports/{period}/lint", lint)
            .doc(
                "reports",
                "The report lint for a period, in both languages: technical terms with their business phrasing, and missing money, summary, trend or ask",
            )
            .answers(Answer::without_example::<ReportLint>()),
        Route::post("/api/v1/orgs/{org}/reports/{period}/issue", issue)
            .doc(
                "reports",
                "Issue the period's report to the board: keep its snapshot and the data version it was made from",
            )
            .who(who::OWNER)
            .query(&[LANG])
            .created()
            .answers(Answer::of::<IssuedReportView>()),
        Route::get("/api/v1/orgs/{org}/issued-reports", issued_list)
            .doc("reports", "The reports issued to the board, newest first, and when the next is due")
            .answers(Answer::without_example::<IssuedReports>()),
        Route::get("/api/v1/orgs/{org}/issued-reports/{report}", issued_one)
            .doc(
                "reports",
                "An issued report rendered again exactly as it was issued (PDF, HTML or Excel)",
            )
            .query(&[FORMAT])
            .answers(Answer::Download),
        Route::get("/api/v1/orgs/{org}/report-schedule", schedule)
            .doc("reports", "The report schedule and the next report due")
            .answers(Answer::without_example::<ReportSchedule>()),
        Route::put("/api/v1/orgs/{org}/report-schedule", set_schedule)
            .doc(
                "reports",
                "Set the report schedule: quarterly or half_yearly (never less often), due days after the period",
            )
            .who(who::OWNER)
            .body::<ScheduleInput>()
            .example(json!({ "cadence": "quarterly", "due_days": 30 }))
            .answers(Answer::without_example::<ReportSchedule>()),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DownloadQuery {
    format: Option<String>,
    lang: Option<String>,
}

fn lang_of(given: Option<&str>) -> Result<Lang, ApiError> {
    match given {
        None => Ok(Lang::Ja),
        Some(l) => l.parse().map_err(|e| ApiError::invalid("lang", e)),
    }
}

fn format_of(given: Option<&str>) -> Result<Format, ApiError> {
    given.map_or(Ok(Format::Pdf), |f| {
        Format::parse(f).map_err(|e| ApiError::invalid("format", e))
    })
}

/// Renders off the request threads (typesetting takes a while) and answers the file.
async fn file(model: BoardReport, format: Format, name: String) -> Result<Response, ApiError> {
    let bytes = tokio::task::spawn_blocking(move || mieruka_report::render(&model, format))
        .await
        .map_err(|e| ApiError::Internal(format!("rendering stopped: {e}")))?
        .map_err(|e| ApiError::Internal(format!("the report could not be rendered: {e}")))?;
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

async fn period(
    state: &AppState,
    org: &mieruka_store::orgs::StoredOrg,
    id: &str,
) -> Result<mieruka_domain::period::Period, ApiError> {
    Ok(report::resolve_period(&state.store, org, Some(id), org.org.today(now())).await?)
}

async fn download(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((code, period_id)): UrlPath<(String, String)>,
    Params(q): Params<DownloadQuery>,
) -> Result<Response, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let format = format_of(q.format.as_deref())?;
    let lang = lang_of(q.lang.as_deref())?;
    let p = period(&state, &org, &period_id).await?;
    let model = report::build(&state.store, &org, &p, lang, org.org.today(now())).await?;
    file(model, format, format!("{}-{}", org.org.slug, p.id)).await
}

async fn lint(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((code, period_id)): UrlPath<(String, String)>,
) -> Result<Json<ReportLint>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let p = period(&state, &org, &period_id).await?;
    let findings = report::lint(&state.store, &org, &p, org.org.today(now())).await?;
    Ok(Json(ReportLint::new(&org, &p.id, &findings)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LangQuery {
    lang: Option<String>,
}

async fn issue(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((code, period_id)): UrlPath<(String, String)>,
    Params(q): Params<LangQuery>,
) -> Result<(StatusCode, Json<IssuedReportView>), ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let lang = lang_of(q.lang.as_deref())?;
    let p = period(&state, &org, &period_id).await?;
    let store = state.store.with_actor(&who.actor());
    let (issued, _) = report::issue(&store, &org, &p, lang, now()).await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

async fn issued_list(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
) -> Result<Json<IssuedReports>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    Ok(Json(
        IssuedReports::read(&state.store, &org, org.org.today(now())).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatQuery {
    format: Option<String>,
}

async fn issued_one(
    State(state): State<AppState>,
    who: Principal,
    UrlPath((code, id)): UrlPath<(String, String)>,
    Params(q): Params<FormatQuery>,
) -> Result<Response, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::invalid("report", format!("`{id}` is not a report number")))?;
    let format = format_of(q.format.as_deref())?;
    let (issued, model) = report::issued(&state.store, &org, id).await?;
    file(
        model,
        format,
        format!("{}-{}-{}", org.org.slug, issued.period, issued.id),
    )
    .await
}

async fn schedule(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
) -> Result<Json<ReportSchedule>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    Ok(Json(
        ReportSchedule::read(&state.store, &org, org.org.today(now())).await?,
    ))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ReportScheduleInput")]
pub struct ScheduleInput {
    /// At least half-yearly: a yearly cadence is refused.
    #[schemars(with = "mieruka_domain::report::schedule::Cadence")]
    cadence: String,
    /// Days after the period's end the report is due, 0–90 (default 30).
    #[serde(default = "default_due_days")]
    #[schemars(range(min = 0, max = mieruka_domain::report::schedule::MAX_DUE_DAYS))]
    due_days: i64,
}

fn default_due_days() -> i64 {
    Schedule::default().due_days
}

async fn set_schedule(
    State(state): State<AppState>,
    who: Principal,
    UrlPath(code): UrlPath<String>,
    Body(body): Body<ScheduleInput>,
) -> Result<Json<ReportSchedule>, ApiError> {
    let org = visible_org(&state, &who, &code).await?;
    who.require(&state.store, org.id, Need::Manage).await?;
    let store = state.store.with_actor(&who.actor());
    mieruka_app::narrative::set_schedule(
        &store,
        &org,
        &body.cadence,
        body.due_days,
        org.org.today(now()),
        now(),
    )
    .await?;
    Ok(Json(
        ReportSchedule::read(&state.store, &org, org.org.today(now())).await?,
    ))
}
