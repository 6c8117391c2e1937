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
mod scan;
mod stats;
mod timestamp;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use serde::Serialize;

pub use timestamp::parse_timestamp;

/// How many rejected rows a [`Report`] lists; the rest are only counted.
pub const REJECTED_SHOWN: usize = 10;

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

    fn seconds(&self) -> [Option<i64>; 4] {
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

/// A row left out, with its line number (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

/// The result of a run: the groups, sorted by business unit then severity, and the counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub groups: Vec<GroupSummary>,
    /// Data rows read (blank lines are skipped).
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// The first [`REJECTED_SHOWN`] rejected rows, in file order.
    pub first_rejected: Vec<BadRow>,
}

/// Why a file was refused. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum VulnError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: the file is empty; expected a header line with {}", COLUMNS.join(","))]
    Empty { file: String },
    #[error("{file}: line {line} is not UTF-8 text; save the file as UTF-8")]
    NotUtf8 { file: String, line: u64 },
    #[error("{file}: line 1 (header): missing column{} {}", if .columns.len() == 1 { "" } else { "s" }, .columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))]
    MissingColumns { file: String, columns: Vec<String> },
    #[error("{file}: line 1 (header): column `{column}` appears twice")]
    DuplicateColumn { file: String, column: String },
    #[error(
        "{file}: line {line}: the file is truncated: its last line has {found} of {expected} fields"
    )]
    Truncated {
        file: String,
        line: u64,
        found: usize,
        expected: usize,
    },
    #[error("{file}: line {line}: {reason}; the whole file was refused (strict mode)")]
    Rejected {
        file: String,
        line: u64,
        reason: String,
    },
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
