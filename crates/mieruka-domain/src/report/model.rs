//! The view model of a board report: one value holding everything the report shows, already in
//! the report's language and rounded as the board reads it. The PDF, the HTML page and the
//! Excel workbook are all rendered from it, the lint reads it, and an issued report keeps it
//! (as JSON) so the same report can be rendered again, byte for byte, years later.
//!
//! Nothing here computes: `mieruka-app` fills it from the store. It carries its own headings
//! (`labels`), so a later change of wording does not change a past report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::text::Lang;

/// The version of this structure; a snapshot of another version is refused, never guessed at.
pub const MODEL_VERSION: u32 = 1;

/// A board report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardReport {
    pub model_version: u32,
    pub lang: Lang,
    pub org: OrgHeader,
    pub period: PeriodHeader,
    /// The date the figures are as of (the period's end, or the day it was made if earlier).
    pub as_of: Date,
    /// The audit log's head when the report was made: the data it was made from.
    pub data_version: i64,
    /// Headings and fixed words, by key, in the report's language.
    pub labels: BTreeMap<String, String>,
    pub summary: Summary,
    pub story: Option<StoryView>,
    pub loss: LossView,
    pub risks: RiskView,
    pub kpis: Vec<KpiView>,
    pub checklist: Vec<StepView>,
    pub appendix: Vec<Definition>,
    /// The numbers behind the report, for the workbook.
    pub data: ReportData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgHeader {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodHeader {
    pub id: String,
    pub start: Date,
    pub end: Date,
    /// `2026年度 第3四半期` / `FY2026 Q3`.
    pub label: String,
}

/// The first page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// What the board is asked to decide or note.
    pub asks: Vec<AskView>,
    pub money: MoneyView,
    /// KPIs by status: how many are achieved, on track, behind, off track, without data.
    pub status_counts: Vec<StatusCount>,
    /// The maximum loss as it stood at each month's end (the trend).
    pub trend: Vec<TrendPoint>,
    /// Where the organisation stands against peers, when there are benchmark figures.
    pub peers: Option<Vec<PeerView>>,
    /// Key sentences of the summary, ready to print.
    pub headlines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskView {
    /// `decide` or `note`.
    pub kind: String,
    pub kind_label: String,
    pub text: String,
}

/// The money: the maximum loss now, today (with the plans' progress) and after the plans meet
/// their targets, and the change since the last issued report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoneyView {
    pub now_yen: f64,
    pub today_yen: f64,
    pub after_yen: f64,
    pub now_text: String,
    pub today_text: String,
    pub after_text: String,
    pub reduction_text: String,
    pub previous: Option<PreviousReport>,
}

/// The last issued report's figures, and the change since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousReport {
    pub id: i64,
    pub period: String,
    pub today_yen: f64,
    pub after_yen: f64,
    /// Today's maximum loss minus the previous report's.
    pub change_text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: String,
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub date: Date,
    pub label: String,
    pub today_yen: f64,
    pub text: String,
}

/// One KPI against its peers: the board's name of it, our latest value, and the peers' figures
/// in words (median and quartiles, how many organisations, the source and its date, and where
/// ours stands).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerView {
    pub measure: String,
    pub ours: String,
    pub peers: String,
}

/// Fig. 7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryView {
    pub strategy: String,
    pub challenge: String,
    pub solution: String,
    pub investment: String,
    pub investment_text: Option<String>,
}

/// Fig. 2 and the loss-exceedance curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossView {
    pub categories: Vec<LossRow>,
    pub now_yen: f64,
    pub after_yen: f64,
    pub now_text: String,
    pub after_text: String,
    pub exceedance: Option<Exceedance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossRow {
    pub code: String,
    pub label: String,
    pub now_yen: f64,
    pub after_yen: f64,
    pub now_text: String,
    pub after_text: String,
    /// The KPIs that bring it down, by their board names.
    pub drivers: Vec<String>,
}

/// Loss-exceedance curves from the simulation: for each amount, the chance in a year of losing
/// more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exceedance {
    pub trials: u64,
    pub seed: u64,
    /// (amount in yen, probability) now and after.
    pub now: Vec<(f64, f64)>,
    pub after: Vec<(f64, f64)>,
    /// The amount lost or exceeded once in a hundred years (P99), now and after.
    pub p99_now_text: String,
    pub p99_after_text: String,
}

/// Fig. 8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskView {
    pub title: String,
    pub points: Vec<RiskPoint>,
    /// The money bands of the impact scale.
    pub bands_yen: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPoint {
    pub number: usize,
    pub name: String,
    /// (probability, impact), 1–5 each; for the cyber risk, now. `None`: not placed.
    pub at: Option<(u8, u8)>,
    /// The cyber risk's place once the KPI plans meet their targets.
    pub after: Option<(u8, u8)>,
    pub cyber: bool,
}

/// One KPI as the board reads it (Fig. 9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiView {
    pub plan: i64,
    pub kpi_id: String,
    pub name: String,
    pub purpose: String,
    /// The loss categories it reduces.
    pub reduces: Vec<String>,
    pub target_text: String,
    pub deadline: Date,
    pub status: String,
    pub status_label: String,
    /// Actual ÷ target, 0–1+, when measured.
    pub achievement: Option<f64>,
    /// Planned share of the target by now.
    pub planned: Option<f64>,
    pub forecast_text: Option<String>,
    /// What reaching the target takes off the maximum loss.
    pub reduction_text: Option<String>,
    pub units: Vec<UnitBar>,
}

/// Plan against actual for one unit, as shares of the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitBar {
    pub unit: String,
    pub name: String,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
    /// The status code (`on_track`…) and its words.
    pub status: String,
    pub status_label: String,
}

/// One step of Fig. 6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    pub step: String,
    pub label: String,
    pub done: bool,
    pub note: String,
}

/// One entry of the appendix: what a figure means, how it is computed, where its data comes
/// from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub term: String,
    pub meaning: String,
    pub formula: String,
    pub source: String,
}

/// The numbers behind the report, for people who work with them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReportData {
    pub plans: Vec<PlanRow>,
    pub measurements: Vec<MeasurementRow>,
    pub loss: Vec<LossDataRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub plan: i64,
    pub kpi_id: String,
    pub name: String,
    pub period: String,
    pub target: Option<f64>,
    pub unit_of_measure: String,
    pub deadline: Date,
    pub actual: Option<f64>,
    pub achievement: Option<f64>,
    pub status: String,
}

/// One measurement, including those a later correction replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurementRow {
    pub id: i64,
    pub plan: i64,
    pub kpi_id: String,
    pub unit: String,
    pub measured_on: Date,
    pub part: Option<String>,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub source: String,
    pub recorded_by: String,
    pub recorded_at: String,
    /// The id of the correction that replaced it, if one did.
    pub superseded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossDataRow {
    pub column: String,
    pub key: String,
    pub label: String,
    pub amount_yen: f64,
    pub formula: String,
}

impl BoardReport {
    /// A heading or fixed word; the key itself when missing (shows up, never crashes).
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }

    /// Every text of the report a board reads, with where it is — what the lint checks. The
    /// appendix (definitions and formulas, where technical words belong) is left out.
    pub fn board_texts(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        for (i, a) in self.summary.asks.iter().enumerate() {
            out.push((format!("ask[{}]", i + 1), &a.text));
        }
        for (i, h) in self.summary.headlines.iter().enumerate() {
            out.push((format!("summary[{}]", i + 1), h));
        }
        for (i, p) in self.summary.peers.iter().flatten().enumerate() {
            out.push((format!("peers[{}]", i + 1), &p.peers));
        }
        if let Some(s) = &self.story {
            out.push(("story.strategy".into(), &s.strategy));
            out.push(("story.challenge".into(), &s.challenge));
            out.push(("story.solution".into(), &s.solution));
            out.push(("story.investment".into(), &s.investment));
        }
        for k in &self.kpis {
            out.push((format!("kpi[{}].name", k.kpi_id), &k.name));
            out.push((format!("kpi[{}].purpose", k.kpi_id), &k.purpose));
        }
        for s in &self.checklist {
            if !s.note.is_empty() {
                out.push((format!("checklist.{}", s.step), &s.note));
            }
        }
        out
    }
}
