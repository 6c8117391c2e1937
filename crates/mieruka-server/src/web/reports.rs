//! The board report's page: the next report due (its period, due date, the lint's findings to
//! fix first, a preview in each format and language, and for owners the button that issues it)
//! and every report issued so far, each downloadable again exactly as issued. The report is made
//! and kept by the same use cases as the API and the command line (`mieruka_app::report`); the
//! downloads are the API's own routes, which take the session.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use mieruka_app::report::{self, IssuedReports};
use mieruka_domain::Lang;
use mieruka_domain::Timestamp;
use mieruka_domain::i18n::tr;
use mieruka_domain::report::lint::Finding;
use mieruka_domain::time::{Zone, parse_instant};
use mieruka_store::orgs::StoredOrg;
use serde::Deserialize;

use super::format::day;
use super::{Chrome, Viewer, WebError, render, see_other};
use crate::AppState;
use crate::auth::{Need, now};
use crate::error::ApiError;

/// A file to download: its label and address.
struct Download {
    label: String,
    href: String,
}

/// One issued report, as listed.
struct IssuedLine {
    id: i64,
    period: String,
    lang: String,
    issued_on: String,
    issued_by: String,
    data_version: i64,
    downloads: Vec<Download>,
}

/// A lint finding, as listed before issuing.
struct FindingLine {
    lang: &'static str,
    message: String,
    suggestion: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    page: Chrome,
    org_code: String,
    next_period: String,
    /// "The report for FY2026 Q3 (FY2026-Q3) is due by …".
    due_line: String,
    overdue: bool,
    previews: Vec<Download>,
    findings: Vec<FindingLine>,
    can_issue: bool,
    issued: Vec<IssuedLine>,
}

const FORMATS: [(&str, &str); 3] = [("pdf", "PDF"), ("html", "HTML"), ("xlsx", "Excel")];

fn code_of(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    }
}

/// Each format in each of `langs` (the report's language), at `base`, labelled in `shown`.
fn previews(base: &str, langs: &[Lang], shown: Lang) -> Vec<Download> {
    let mut out = Vec::new();
    for lang in langs {
        // Each language by its own name.
        let language = tr(*lang, "web_reports_language", &[]);
        for (format, name) in FORMATS {
            out.push(Download {
                label: tr(
                    shown,
                    "web_reports_download",
                    &[("format", &name), ("language", &language)],
                ),
                href: format!("{base}?format={format}&lang={}", code_of(*lang)),
            });
        }
    }
    out
}

/// Each format of an issued report (in the language it was issued in).
fn issued_files(base: &str) -> Vec<Download> {
    FORMATS
        .iter()
        .map(|(format, name)| Download {
            label: name.to_string(),
            href: format!("{base}?format={format}"),
        })
        .collect()
}

/// The date an instant (RFC 3339) falls on where the organisation is.
fn local_day(at: &str, zone: &Zone, lang: Lang) -> String {
    match parse_instant(at.as_bytes(), &Zone::utc()) {
        Some(s) => day(zone.date_of(Timestamp::from_unix_seconds(s)), lang),
        None => at.to_string(),
    }
}

fn finding_line(lang: Lang, f: &Finding) -> FindingLine {
    FindingLine {
        lang: code_of(lang),
        message: f.message.clone(),
        suggestion: f.suggestion.clone(),
    }
}

async fn build(
    state: &AppState,
    viewer: &Viewer,
    org: &StoredOrg,
) -> Result<ReportsPage, WebError> {
    let lang = viewer.lang;
    let code = org.org.slug.as_str().to_string();
    let today = org.org.today(now());
    let listed = IssuedReports::read(&state.store, org, today).await?;
    let next = &listed.next;
    let findings = report::lint(&state.store, org, &next.period, today).await?;
    let can_issue = viewer.may(state, org, Need::Manage).await;
    let period_base = format!("/api/v1/orgs/{code}/reports/{}", next.period.id);
    let issued = listed
        .issued
        .iter()
        .map(|i| IssuedLine {
            id: i.id,
            period: i.period.clone(),
            lang: i.lang.clone(),
            issued_on: local_day(&i.issued_at, &org.org.time_zone, lang),
            issued_by: i.issued_by.clone(),
            data_version: i.data_version,
            downloads: issued_files(&format!("/api/v1/orgs/{code}/issued-reports/{}", i.id)),
        })
        .collect();
    Ok(ReportsPage {
        page: viewer.org_chrome(
            format!("{} — {}", viewer.t("web_reports_title"), org.org.name),
            org,
            "web_nav_reports",
        ),
        org_code: code,
        next_period: next.period.id.clone(),
        due_line: tr(
            lang,
            "web_reports_due",
            &[
                (
                    "period",
                    &mieruka_domain::figures::period_name(
                        &next.period,
                        org.org.fiscal_start_month,
                        lang,
                    ),
                ),
                ("id", &next.period.id),
                ("due", &day(next.due, lang)),
            ],
        ),
        overdue: next.overdue,
        previews: previews(&period_base, &[Lang::Ja, Lang::En], lang),
        findings: findings.iter().map(|(l, f)| finding_line(*l, f)).collect(),
        can_issue,
        issued,
    })
}

/// `GET /orgs/{org}/reports`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    render(&build(&state, &viewer, &org).await?)
}

/// The issue form: the period and the report's language.
#[derive(Debug, Deserialize)]
pub struct IssueForm {
    period: String,
    #[serde(default)]
    lang: String,
    /// Read by the CSRF layer.
    #[allow(dead_code)]
    #[serde(default)]
    csrf_token: Option<String>,
}

/// `POST /orgs/{org}/reports/issue`: issues the period's report to the board (owners), then
/// shows the list with it.
pub async fn issue(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(form): Form<IssueForm>,
) -> Result<Response, WebError> {
    let org = viewer.org(&state, &code).await?;
    viewer
        .who
        .require(&state.store, org.id, Need::Manage)
        .await?;
    let lang: Lang = match form.lang.as_str() {
        "" => viewer.lang,
        l => l.parse().map_err(|e| ApiError::invalid("lang", e))?,
    };
    let today = org.org.today(now());
    let period = report::resolve_period(&state.store, &org, Some(&form.period), today).await?;
    let store = state.store.with_actor(&viewer.who.actor());
    report::issue(&store, &org, &period, lang, now()).await?;
    Ok(see_other(viewer.htmx, &format!("/orgs/{code}/reports")))
}
