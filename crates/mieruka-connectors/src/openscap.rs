//! OpenSCAP XCCDF results, as `oscap xccdf eval --results FILE` writes them (an XCCDF 1.1 or 1.2
//! `Benchmark` holding one or more `TestResult`s, or a bare `TestResult`; an ARF report also
//! works, its `TestResult`s are found wherever they are). Read as a stream of XML events.
//!
//! Each `TestResult` is one system (its `<target>`); when a file holds several for one system,
//! the last one counts. Its `rule-result`s are counted by `<result>`:
//! - passed = `pass` + `fixed`; failed = `fail`; errors = `error` + `unknown`;
//! - `notapplicable`, `notchecked`, `notselected` and `informational` are not counted.
//!
//! Per system: compliance = passed ÷ (passed + failed). A system **meets the policy** when it
//! has no failed rule, no error and at least one passed rule. Per business unit (from a host
//! list mapping each `hostname` to its `business_unit`; without one, everything is one group):
//! standard system policy compliance rate = systems meeting the policy ÷ systems assessed
//! (KPI M.3.3).
//!
//! A `rule-result` with another result value, or without one, is a bad row (its line is where
//! the element ends); a file that is not XML, holds no `TestResult` or is cut off is refused.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};

use quick_xml::events::Event;
use serde::Serialize;

use crate::error::ConnectorError;
use crate::figures::KpiFigure;
use crate::mapping::{ColumnMap, Field};
use crate::rows::{RowOutcome, Tally, shown};
use crate::table::{IntoTable, read_rows};

/// The host list's fields.
pub const HOST_FIELDS: [Field; 2] = [
    Field::required("hostname"),
    Field::required("business_unit"),
];

/// One system's counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemResult {
    pub host: String,
    pub business_unit: Option<String>,
    pub passed: u64,
    pub failed: u64,
    pub errors: u64,
    pub not_counted: u64,
    /// passed ÷ (passed + failed); `None` when neither.
    pub compliance: Option<f64>,
    pub meets_policy: bool,
}

/// One business unit's (or, without a host list, everything's) systems.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSummary {
    pub business_unit: Option<String>,
    pub systems: u64,
    pub meeting_policy: u64,
    pub compliance_rate: f64,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub units: Vec<UnitSummary>,
    pub systems: Vec<SystemResult>,
    /// Rule results read, counted and rejected.
    #[serde(flatten)]
    pub tally: Tally,
}

/// A reader counting the line breaks of what has been consumed, so an element's line is known.
struct Lines<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if let Ok(b) = self.inner.fill_buf() {
            let n = amt.min(b.len());
            self.newlines += memchr::memchr_iter(b'\n', &b[..n]).count() as u64;
        }
        self.inner.consume(amt);
    }
}

#[derive(Default)]
struct Counting {
    host: String,
    passed: u64,
    failed: u64,
    errors: u64,
    not_counted: u64,
}

/// Reads the systems of one results file, counting its rule results in `tally`.
pub fn read_systems<R: Read>(
    reader: R,
    file: &str,
    strict: bool,
    tally: &mut Tally,
) -> Result<Vec<SystemResult>, ConnectorError> {
    let mut xml = quick_xml::Reader::from_reader(Lines {
        inner: BufReader::with_capacity(64 << 10, reader),
        newlines: 0,
    });
    let mut buf = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Counting> = None;
    let mut text = String::new();
    let mut result: Option<String> = None;
    let mut systems: Vec<(String, Counting)> = Vec::new();
    let mut root_checked = false;
    loop {
        let line = xml.get_ref().newlines + 1;
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            let e = e.to_string();
            if e.contains("end of input") {
                ConnectorError::format(file, format!("the file is cut off (line {line}: {e})"))
            } else {
                ConnectorError::format(file, format!("line {line}: not well-formed XML: {e}"))
            }
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().as_bytes().to_vec();
                if !root_checked {
                    root_checked = true;
                    if !matches!(
                        name.as_slice(),
                        b"Benchmark" | b"TestResult" | b"asset-report-collection"
                    ) {
                        return Err(ConnectorError::format(
                            file,
                            format!(
                                "the root element is <{}>, not an XCCDF Benchmark or TestResult: \
                                 save the results with `oscap xccdf eval --results FILE`",
                                shown(&name)
                            ),
                        ));
                    }
                }
                match name.as_slice() {
                    b"TestResult" => current = Some(Counting::default()),
                    b"rule-result" => result = None,
                    _ => {}
                }
                text.clear();
                path.push(name);
            }
            Event::Text(t) => text.push_str(&t),
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(Vec::as_slice);
                let line = xml.get_ref().newlines + 1;
                match (name.as_slice(), current.as_mut()) {
                    (b"target", Some(c)) if parent == Some(b"TestResult".as_slice()) => {
                        c.host = text.trim().to_string();
                    }
                    (b"result", Some(_)) if parent == Some(b"rule-result".as_slice()) => {
                        result = Some(text.trim().to_string());
                    }
                    (b"rule-result", Some(c)) => {
                        let outcome = match result.take().as_deref() {
                            Some("pass" | "fixed") => {
                                c.passed += 1;
                                RowOutcome::Accepted
                            }
                            Some("fail") => {
                                c.failed += 1;
                                RowOutcome::Accepted
                            }
                            Some("error" | "unknown") => {
                                c.errors += 1;
                                RowOutcome::Accepted
                            }
                            Some(
                                "notapplicable" | "notchecked" | "notselected" | "informational",
                            ) => {
                                c.not_counted += 1;
                                RowOutcome::Accepted
                            }
                            Some(other) => RowOutcome::Rejected(format!(
                                "rule-result: unknown result `{}` (pass, fail, error, unknown, \
                                 notapplicable, notchecked, notselected, informational, fixed)",
                                shown(other.as_bytes())
                            )),
                            None => RowOutcome::Rejected("rule-result without <result>".into()),
                        };
                        tally.record(file, line, outcome, strict)?;
                    }
                    (b"TestResult", Some(_)) => {
                        let c = current.take().expect("inside a TestResult");
                        if c.host.is_empty() {
                            return Err(ConnectorError::format(
                                file,
                                format!(
                                    "line {line}: a TestResult without <target> (the system scanned)"
                                ),
                            ));
                        }
                        let key = c.host.to_lowercase();
                        systems.retain(|(k, _)| *k != key);
                        systems.push((key, c));
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(open) = path.last() {
        return Err(ConnectorError::format(
            file,
            format!("the file is cut off: <{}> is not closed", shown(open)),
        ));
    }
    if systems.is_empty() {
        return Err(ConnectorError::format(
            file,
            "no TestResult: this is not a results file (save them with `oscap xccdf eval --results FILE`)",
        ));
    }
    Ok(systems
        .into_iter()
        .map(|(_, c)| {
            let judged = c.passed + c.failed;
            SystemResult {
                host: c.host,
                business_unit: None,
                passed: c.passed,
                failed: c.failed,
                errors: c.errors,
                not_counted: c.not_counted,
                compliance: (judged > 0).then(|| c.passed as f64 / judged as f64),
                meets_policy: c.failed == 0 && c.errors == 0 && c.passed > 0,
            }
        })
        .collect())
}

/// Reads a host list (`hostname, business_unit`): host (lower case) → business unit.
pub fn read_hosts(
    reader: impl IntoTable,
    file: &str,
    columns: &ColumnMap,
    strict: bool,
) -> Result<(HashMap<String, String>, Tally), ConnectorError> {
    let mut hosts = HashMap::new();
    let mut tally = Tally::default();
    read_rows(
        reader,
        file,
        &HOST_FIELDS,
        columns,
        strict,
        &mut tally,
        |r| {
            let (host, unit) = (r.get(0), r.get(1));
            if host.is_empty() || unit.is_empty() {
                return RowOutcome::Rejected("missing hostname or business_unit".into());
            }
            if hosts
                .insert(host.to_lowercase(), unit.to_string())
                .is_some()
            {
                return RowOutcome::Rejected(format!("{} is listed twice", shown(host.as_bytes())));
            }
            RowOutcome::Accepted
        },
    )?;
    Ok((hosts, tally))
}

/// Groups systems (from one or more files) by business unit. With `hosts`, a system the list
/// lacks is a whole-file error naming it: its unit would be a guess.
pub fn summarise(
    mut systems: Vec<SystemResult>,
    hosts: Option<&HashMap<String, String>>,
    tally: Tally,
) -> Result<Report, String> {
    let mut by_host: BTreeMap<String, SystemResult> = BTreeMap::new();
    for mut s in systems.drain(..) {
        if let Some(h) = hosts {
            s.business_unit = Some(h.get(&s.host.to_lowercase()).cloned().ok_or_else(|| {
                format!("{} is not in the host list: add its business unit", s.host)
            })?);
        }
        by_host.insert(s.host.to_lowercase(), s);
    }
    let mut units: BTreeMap<Option<String>, (u64, u64)> = BTreeMap::new();
    for s in by_host.values() {
        let u = units.entry(s.business_unit.clone()).or_default();
        u.0 += 1;
        u.1 += u64::from(s.meets_policy);
    }
    Ok(Report {
        units: units
            .into_iter()
            .map(|(business_unit, (systems, ok))| UnitSummary {
                business_unit,
                systems,
                meeting_policy: ok,
                compliance_rate: ok as f64 / systems as f64,
            })
            .collect(),
        systems: by_host.into_values().collect(),
        tally,
    })
}

impl Report {
    /// M.3.3 per business unit.
    pub fn figures(&self) -> Vec<KpiFigure> {
        self.units
            .iter()
            .filter_map(|u| {
                KpiFigure::ratio(
                    "M.3.3",
                    u.business_unit.as_deref(),
                    u.meeting_policy,
                    u.systems,
                )
            })
            .collect()
    }
}
