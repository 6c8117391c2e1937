//! The board report's answers as types, shared by the API and `mieruka report … --json`: the
//! lint's findings, the reports issued with the next one due, and the schedule.

use mieruka_domain::report::lint::Finding;
use mieruka_domain::report::schedule::{Cadence, NextReport};
use mieruka_domain::{Date, Lang};
use mieruka_store::Store;
use mieruka_store::orgs::StoredOrg;
use mieruka_store::reports::issued::IssuedReport;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Result;

/// A finding of the lint, with the language of the report it was found in.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "LintFinding")]
pub struct LintedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub lang: Lang,
}

impl LintedFinding {
    /// Each finding with its language, in order.
    pub fn all(findings: &[(Lang, Finding)]) -> Vec<LintedFinding> {
        findings
            .iter()
            .map(|(lang, f)| LintedFinding {
                finding: f.clone(),
                lang: *lang,
            })
            .collect()
    }
}

/// The lint of a period's report, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ReportLint {
    /// The organisation's code.
    pub org: String,
    /// The period's id (`FY2026-Q3`).
    pub period: String,
    /// Nothing was found.
    pub clean: bool,
    pub findings: Vec<LintedFinding>,
}

impl ReportLint {
    pub fn new(org: &StoredOrg, period: &str, findings: &[(Lang, Finding)]) -> ReportLint {
        ReportLint {
            org: org.org.slug.to_string(),
            period: period.to_string(),
            clean: findings.is_empty(),
            findings: LintedFinding::all(findings),
        }
    }
}

/// A report issued to the board (without its snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "IssuedReport")]
#[schemars(example = IssuedReportView::example())]
pub struct IssuedReportView {
    /// The issued report's number.
    pub id: i64,
    /// The period's id (`FY2026-Q3`).
    pub period: String,
    #[schemars(extend("enum" = ["ja", "en"]))]
    pub lang: String,
    /// The audit log's head when the report was made.
    pub data_version: i64,
    /// SHA-256 of the kept snapshot, checked whenever it is rendered again.
    pub sha256: String,
    pub issued_by: String,
    /// When it was issued (RFC 3339, UTC).
    pub issued_at: String,
}

impl From<IssuedReport> for IssuedReportView {
    fn from(r: IssuedReport) -> IssuedReportView {
        IssuedReportView {
            id: r.id,
            period: r.period,
            lang: r.lang,
            data_version: r.data_version,
            sha256: r.sha256,
            issued_by: r.issued_by,
            issued_at: r.issued_at,
        }
    }
}

impl IssuedReportView {
    fn example() -> IssuedReportView {
        IssuedReportView {
            id: 1,
            period: "FY2026-Q3".into(),
            lang: "ja".into(),
            data_version: 42,
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            issued_by: "sato".into(),
            issued_at: "2027-01-15T09:30:00Z".into(),
        }
    }
}

/// The reports issued to the board, newest first, and the next one due.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct IssuedReports {
    /// The organisation's code.
    pub org: String,
    pub issued: Vec<IssuedReportView>,
    pub next: NextReport,
}

impl IssuedReports {
    /// The organisation's issued reports and the next one due as of `today`.
    pub async fn read(store: &Store, org: &StoredOrg, today: Date) -> Result<IssuedReports> {
        let issued = store.issued_reports(org.id).await?;
        Ok(IssuedReports {
            org: org.org.slug.to_string(),
            issued: issued.into_iter().map(IssuedReportView::from).collect(),
            next: super::next_due(store, org, today).await?,
        })
    }
}

/// The report schedule and the next report due.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ReportSchedule {
    /// The organisation's code.
    pub org: String,
    pub cadence: Cadence,
    /// Days after a period's end its report is due.
    pub due_days: i64,
    pub next: NextReport,
}

impl ReportSchedule {
    /// The organisation's schedule and the next report due as of `today`.
    pub async fn read(store: &Store, org: &StoredOrg, today: Date) -> Result<ReportSchedule> {
        let s = store.schedule(org.id).await?;
        Ok(ReportSchedule {
            org: org.org.slug.to_string(),
            cadence: s.cadence,
            due_days: s.due_days,
            next: super::next_due(store, org, today).await?,
        })
    }
}
