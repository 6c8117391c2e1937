//! GoPhish campaign results, as GoPhish exports them ("Export CSV" → results:
//! `id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position`),
//! one row per person targeted.
//!
//! GoPhish keeps in `status` the furthest step a person reached (`Email Sent` < `Email Opened` <
//! `Clicked Link` < `Submitted Data`; an open after a click does not lower it) and in `reported`
//! whether they reported the mail. So, over the people the mail was sent to (status past
//! `Email Sent`; `Scheduled`, `Queued`, `Sending`, `Retrying` and `Error` are not sent):
//! - open rate = status Opened, Clicked or Submitted ÷ sent;
//! - click rate = Clicked or Submitted ÷ sent; submit rate = Submitted ÷ sent;
//! - report rate = reported ÷ sent.
//!
//! With the results of an earlier campaign, the people who **failed before** are those who
//! clicked or submitted data in it (matched by e-mail, ignoring case). Among them, the ones this
//! campaign was sent to are the retest group:
//! - retest open rate = retest group who opened ÷ retest group (KPI M.2.3);
//! - retest failure rate = retest group who clicked or submitted again ÷ retest group.
//!
//! Rates are per business unit when the file has a `business_unit` column (GoPhish has none;
//! map one, such as `--column business_unit=position`), else for the whole campaign.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::error::ConnectorError;
use crate::figures::KpiFigure;
use crate::mapping::{ColumnMap, Field};
use crate::rows::{RowOutcome, Tally, shown};
use crate::table::{IntoTable, read_rows};

pub const FIELDS: [Field; 4] = [
    Field::required("email"),
    Field::required("status"),
    Field::required("reported"),
    Field::optional("business_unit"),
];

/// How far a person went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    NotSent,
    Sent,
    Opened,
    Clicked,
    Submitted,
}

fn step(status: &str) -> Option<Step> {
    Some(match status.to_ascii_lowercase().as_str() {
        "scheduled" | "queued" | "sending" | "retrying" | "error" | "campaign created" => {
            Step::NotSent
        }
        "email sent" | "email reported" | "success" => Step::Sent,
        "email opened" => Step::Opened,
        "clicked link" => Step::Clicked,
        "submitted data" => Step::Submitted,
        _ => return None,
    })
}

fn reported(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" | "" => Some(false),
        _ => None,
    }
}

/// How to read a results file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub strict: bool,
    pub columns: ColumnMap,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    targets: u64,
    sent: u64,
    opened: u64,
    clicked: u64,
    submitted: u64,
    reported: u64,
    retested: u64,
    retest_opened: u64,
    retest_failed: u64,
}

/// One business unit's (or the whole campaign's) figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSummary {
    /// `None` when the file has no business unit.
    pub business_unit: Option<String>,
    pub targets: u64,
    pub sent: u64,
    pub opened: u64,
    pub clicked: u64,
    pub submitted: u64,
    pub reported: u64,
    pub open_rate: Option<f64>,
    pub click_rate: Option<f64>,
    pub submit_rate: Option<f64>,
    pub report_rate: Option<f64>,
    /// People who failed the earlier campaign and were sent this one; `None` without one.
    pub retested: Option<u64>,
    pub retest_opened: Option<u64>,
    pub retest_failed: Option<u64>,
    pub retest_open_rate: Option<f64>,
    pub retest_failure_rate: Option<f64>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub units: Vec<UnitSummary>,
    #[serde(flatten)]
    pub tally: Tally,
    /// The counts of the earlier campaign's file, when one was given.
    pub previous: Option<Tally>,
}

fn share(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The people who clicked or submitted data in an earlier campaign's results (e-mail in lower
/// case), with that file's counts.
pub fn failed_before(
    reader: impl IntoTable,
    file: &str,
    options: &Options,
) -> Result<(HashSet<String>, Tally), ConnectorError> {
    let mut failed = HashSet::new();
    let mut tally = Tally::default();
    read_rows(
        reader,
        file,
        &FIELDS,
        &options.columns,
        options.strict,
        &mut tally,
        |r| match check(r.get(0), r.get(1), r.get(2)) {
            Ok((email, s, _)) => {
                if s >= Step::Clicked {
                    failed.insert(email);
                }
                RowOutcome::Accepted
            }
            Err(e) => RowOutcome::Rejected(e),
        },
    )?;
    Ok((failed, tally))
}

fn check(email: &str, status: &str, rep: &str) -> Result<(String, Step, bool), String> {
    if email.is_empty() {
        return Err("missing email".into());
    }
    if status.is_empty() {
        return Err("missing status".into());
    }
    let s = step(status).ok_or_else(|| {
        format!(
            "unknown status `{}` (Email Sent, Email Opened, Clicked Link, Submitted Data, Scheduled, Error…)",
            shown(status.as_bytes())
        )
    })?;
    let r = reported(rep)
        .ok_or_else(|| format!("reported: `{}` is not true or false", shown(rep.as_bytes())))?;
    Ok((email.to_lowercase(), s, r))
}

/// Summarises a campaign's results; `previous` is the set from [`failed_before`].
pub fn analyse(
    reader: impl IntoTable,
    file: &str,
    options: &Options,
    previous: Option<(HashSet<String>, Tally)>,
) -> Result<Report, ConnectorError> {
    let mut units: BTreeMap<Option<String>, Counts> = BTreeMap::new();
    let mut tally = Tally::default();
    let failed = previous.as_ref().map(|(f, _)| f);
    let mut seen = HashSet::new();
    read_rows(
        reader,
        file,
        &FIELDS,
        &options.columns,
        options.strict,
        &mut tally,
        |r| {
            let (email, s, rep) = match check(r.get(0), r.get(1), r.get(2)) {
                Ok(v) => v,
                Err(e) => return RowOutcome::Rejected(e),
            };
            let unit = if r.has(3) {
                let u = r.get(3);
                if u.is_empty() {
                    return RowOutcome::Rejected("missing business_unit".into());
                }
                Some(u.to_string())
            } else {
                None
            };
            if !seen.insert(email.clone()) {
                return RowOutcome::Rejected(format!("{email} appears twice in the campaign"));
            }
            let c = units.entry(unit).or_default();
            c.targets += 1;
            if s == Step::NotSent {
                return RowOutcome::Accepted;
            }
            c.sent += 1;
            c.opened += u64::from(s >= Step::Opened);
            c.clicked += u64::from(s >= Step::Clicked);
            c.submitted += u64::from(s == Step::Submitted);
            c.reported += u64::from(rep);
            if failed.is_some_and(|f| f.contains(&email)) {
                c.retested += 1;
                c.retest_opened += u64::from(s >= Step::Opened);
                c.retest_failed += u64::from(s >= Step::Clicked);
            }
            RowOutcome::Accepted
        },
    )?;
    let with_previous = previous.is_some();
    let units = units
        .into_iter()
        .map(|(business_unit, c)| {
            let retest = |n: u64| with_previous.then_some(n);
            UnitSummary {
                business_unit,
                targets: c.targets,
                sent: c.sent,
                opened: c.opened,
                clicked: c.clicked,
                submitted: c.submitted,
                reported: c.reported,
                open_rate: share(c.opened, c.sent),
                click_rate: share(c.clicked, c.sent),
                submit_rate: share(c.submitted, c.sent),
                report_rate: share(c.reported, c.sent),
                retested: retest(c.retested),
                retest_opened: retest(c.retest_opened),
                retest_failed: retest(c.retest_failed),
                retest_open_rate: retest(c.retest_opened).and_then(|n| share(n, c.retested)),
                retest_failure_rate: retest(c.retest_failed).and_then(|n| share(n, c.retested)),
            }
        })
        .collect();
    Ok(Report {
        units,
        tally,
        previous: previous.map(|(_, t)| t),
    })
}

impl Report {
    /// M.2.3 (retest open rate) per unit, when an earlier campaign was given.
    pub fn figures(&self) -> Vec<KpiFigure> {
        self.units
            .iter()
            .filter_map(|u| {
                KpiFigure::ratio(
                    "M.2.3",
                    u.business_unit.as_deref(),
                    u.retest_opened?,
                    u.retested?,
                )
            })
            .collect()
    }
}
