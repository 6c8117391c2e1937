//! Vulnerability findings: a CSV with the columns `finding_id, asset_id, business_unit,
//! severity, published_at, detected_at, started_at, resolved_at` (ISO-8601 `Z` timestamps, empty
//! when not yet) summarised per business unit × severity.
//!
//! The rules:
//! - hours to start = `started_at − published_at`, over findings that have started;
//! - hours to resolve = `resolved_at − started_at`, over resolved findings;
//! - both as a mean and an exact P90 with linear interpolation (numpy's default);
//! - share within SLA = findings with `resolved_at − detected_at ≤ SLA` over all findings of
//!   the group, unresolved findings counting as misses; `None` when the severity has no SLA.
//!
//! A bad row (unparsable timestamp, unknown severity, an end before its start, a missing id or
//! business unit, a wrong number of fields, resolved without started) is reported with its line
//! number and left out; in strict mode it refuses the whole file. Text that is not UTF-8, a
//! missing column and a truncated last line always refuse the file.
//!
//! The file is read as a stream: memory holds only the per-group durations (4 bytes each)
//! needed for exact percentiles.

pub mod generate;
mod header;
pub(crate) mod scan;
pub(crate) mod stats;
pub(crate) mod timestamp;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use serde::Serialize;

use crate::datetime::Zone;
pub use crate::error::ConnectorError as VulnError;
use crate::mapping::{ColumnMap, Field};
pub use crate::rows::{BadRow, REJECTED_SHOWN};
pub use timestamp::parse_timestamp;

/// The columns the file must have (in any order; other columns are ignored).
pub const COLUMNS: [&str; 8] = [
    "finding_id",
    "asset_id",
    "business_unit",
    "severity",
    "published_at",
    "detected_at",
    "started_at",
    "resolved_at",
];

/// The columns as fields of the column mapping (all required).
pub const FIELDS: [Field; 8] = [
    Field::required(COLUMNS[0]),
    Field::required(COLUMNS[1]),
    Field::required(COLUMNS[2]),
    Field::required(COLUMNS[3]),
    Field::required(COLUMNS[4]),
    Field::required(COLUMNS[5]),
    Field::required(COLUMNS[6]),
    Field::required(COLUMNS[7]),
];

/// A finding's severity, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The lower-case code used in files and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// Parses a severity, ignoring ASCII case.
    pub fn from_bytes(b: &[u8]) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| b.eq_ignore_ascii_case(s.code().as_bytes()))
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        Severity::from_bytes(s.trim().as_bytes())
            .ok_or_else(|| format!("unknown severity `{s}` (critical, high, medium or low)"))
    }
}

/// The SLA (in whole days) per severity. By default 7 days for critical, 30 for high, none for
/// medium and low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaPolicy {
    days: [Option<u32>; 4],
}

impl Default for SlaPolicy {
    fn default() -> SlaPolicy {
        SlaPolicy {
            days: [Some(7), Some(30), None, None],
        }
    }
}

impl SlaPolicy {
    /// The SLA of this severity, in days.
    pub fn days(&self, s: Severity) -> Option<u32> {
        self.days[s.index()]
    }

    /// Sets (or replaces) the SLA of one severity.
    pub fn set(&mut self, s: Severity, days: u32) {
        self.days[s.index()] = Some(days);
    }

    /// Applies one `SEVERITY=DAYS` setting, such as `medium=90`.
    pub fn apply(&mut self, setting: &str) -> Result<(), String> {
        let (sev, days) = setting
            .split_once('=')
            .ok_or_else(|| format!("`{setting}`: expected SEVERITY=DAYS, such as medium=90"))?;
        let sev: Severity = sev.parse().map_err(|e| format!("`{setting}`: {e}"))?;
        let days: u32 = days.trim().parse().map_err(|_| {
            format!("`{setting}`: the number of days must be a whole number from 0")
        })?;
        if days > 36_500 {
            return Err(format!("`{setting}`: at most 36500 days"));
        }
        self.set(sev, days);
        Ok(())
    }

    pub(crate) fn seconds(&self) -> [Option<i64>; 4] {
        self.days.map(|d| d.map(|d| i64::from(d) * 86_400))
    }
}

/// How to run the computation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub sla: SlaPolicy,
    /// Refuse the whole file at the first bad row.
    pub strict: bool,
    /// Threads for [`analyse_file`]; 0 means one per available core.
    pub threads: usize,
    /// Bytes processed so far, updated as the file is read (for a progress display).
    pub progress: Option<Arc<AtomicU64>>,
    /// The file's names for the columns, where they differ from ours.
    pub columns: ColumnMap,
    /// The zone of times written without one (the organisation's; Asia/Tokyo by default).
    pub zone: Zone,
}

/// One business unit × severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    pub business_unit: String,
    pub severity: Severity,
    pub findings: u64,
    pub started: u64,
    pub mean_hours_to_start: Option<f64>,
    pub p90_hours_to_start: Option<f64>,
    pub resolved: u64,
    pub mean_hours_to_resolve: Option<f64>,
    pub p90_hours_to_resolve: Option<f64>,
    /// Share (0–1) of all findings resolved within the SLA; `None` when there is no SLA.
    pub sla_share: Option<f64>,
}

/// The result of a run: the groups, sorted by business unit then severity, and the counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub groups: Vec<GroupSummary>,
    /// Data rows read (blank lines are skipped).
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Records read but deliberately not counted (a DefectDojo false positive or duplicate,
    /// an informational finding); neither accepted nor rejected.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: u64,
    /// The first [`REJECTED_SHOWN`] rejected rows, in file order.
    pub first_rejected: Vec<BadRow>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Summarises findings read from `reader` on the calling thread. `name` names the source in
/// errors.
pub fn analyse_reader<R: std::io::Read>(
    reader: R,
    name: &str,
    options: &Options,
) -> Result<Report, VulnError> {
    scan::run_reader(reader, name, options)
}

/// Summarises a findings file, reading byte ranges split at line boundaries on
/// [`Options::threads`] threads. The result is the same whatever the thread count.
pub fn analyse_file(path: &Path, options: &Options) -> Result<Report, VulnError> {
    scan::run_file(path, options)
}

impl Report {
    /// KPIs 1.12.1 (mean hours from publication to the start of work) and 1.12.2 (mean hours from
    /// start to resolution) per business unit, for the findings of one severity. The share within
    /// SLA has no catalogue KPI and is not among them.
    pub fn figures(&self, severity: Severity) -> Vec<crate::figures::KpiFigure> {
        use crate::figures::{FigureValue, KpiFigure};
        let mut out = Vec::new();
        for g in self.groups.iter().filter(|g| g.severity == severity) {
            for (kpi, mean, events) in [
                ("1.12.1", g.mean_hours_to_start, g.started),
                ("1.12.2", g.mean_hours_to_resolve, g.resolved),
            ] {
                if let Some(mean_hours) = mean.filter(|_| events > 0) {
                    out.push(KpiFigure {
                        kpi,
                        business_unit: Some(g.business_unit.clone()),
                        value: FigureValue::MeanDuration {
                            mean_hours,
                            events,
                            effort_hours: None,
                        },
                    });
                }
            }
        }
        out
    }
}
