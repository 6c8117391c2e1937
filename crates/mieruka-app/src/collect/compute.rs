//! Running a connector by name over one uploaded file, as the server's upload and inbox folder
//! do: the figures as JSON, the catalogue figures to record, and the KPIs the connector feeds.
//! (The command line has more options per connector — an earlier campaign, a host list, an
//! inventory — and calls the connectors itself.)

use std::io::Read;

use mieruka_connectors::datetime::Zone;
use mieruka_connectors::figures::KpiFigure;
use mieruka_connectors::limits::Limits;
use mieruka_connectors::table::{Table, is_workbook};
use mieruka_connectors::vulns::{self, Severity};
use mieruka_connectors::{
    ConnectorError, Tally, assets, defectdojo, gophish, incidents, openscap, training,
};
use serde_json::Value;

use crate::{AppError, Result};

/// The connectors that take one file, with the catalogue KPIs each feeds.
pub const CONNECTORS: [(&str, &[&str]); 7] = [
    ("vulnerabilities", &["1.12.1", "1.12.2"]),
    ("defectdojo", &["1.12.1", "1.12.2"]),
    ("gophish", &["M.2.3"]),
    ("openscap", &["M.3.3"]),
    (
        "assets",
        &["1.1.1", "1.1.2", "1.1.3", "1.1.4", "US.1", "US.2", "US.4"],
    ),
    ("incidents", &["1.11.1", "1.11.2"]),
    ("training", &["M.2.1", "X.3.1"]),
];

/// The KPIs `connector` feeds, or an error naming the connectors there are.
pub fn kpis_of(connector: &str) -> Result<&'static [&'static str]> {
    CONNECTORS
        .iter()
        .find(|(name, _)| *name == connector)
        .map(|(_, kpis)| *kpis)
        .ok_or_else(|| AppError::Invalid {
            field: "connector".into(),
            reason: format!(
                "`{connector}` is not a connector ({})",
                CONNECTORS.map(|(n, _)| n).join(", ")
            ),
        })
}

/// What a run gives.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The connector's results as JSON (the command line's `--json`).
    pub report: Value,
    pub figures: Vec<KpiFigure>,
    pub tally: Tally,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Run {
    pub strict: bool,
    /// The as-of instant (seconds since 1970 UTC) for "seen recently".
    pub as_of: i64,
    /// Where the file's times without a zone were written: the organisation's time zone.
    pub zone: Zone,
    /// What reading the file may cost: a workbook is read whole.
    pub limits: Limits,
}

impl Run {
    /// A run as of the end of `date` in the organisation's time `zone`.
    pub fn on(date: mieruka_domain::Date, zone: Zone, strict: bool) -> Run {
        Run {
            strict,
            as_of: zone.end_of(date).unix_seconds(),
            zone,
            limits: Limits::default(),
        }
    }
}

fn refused(e: ConnectorError) -> AppError {
    AppError::Invalid {
        field: "file".into(),
        reason: e.to_string(),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn vuln_tally(r: &vulns::Report) -> Tally {
    Tally {
        read: r.read,
        accepted: r.accepted,
        rejected: r.rejected,
        skipped: r.skipped,
        first_rejected: r.first_rejected.clone(),
    }
}

/// Runs `connector` over `reader` (named `file` in messages), with default column names and
/// SLAs; the vulnerability KPIs are recorded for critical findings. A table connector's file is
/// CSV or, when its name says so, an Excel workbook, read through the one table reader.
pub fn compute<R: Read>(connector: &str, reader: R, file: &str, run: Run) -> Result<Computed> {
    kpis_of(connector)?;
    if is_workbook(file) && matches!(connector, "vulnerabilities" | "defectdojo" | "openscap") {
        return Err(AppError::Invalid {
            field: "file".into(),
            reason: format!(
                "{file}: the {connector} connector reads its tool's own export (CSV, JSON or XML), not an Excel workbook"
            ),
        });
    }
    let out = match connector {
        "vulnerabilities" | "defectdojo" => {
            let o = vulns::Options {
                strict: run.strict,
                threads: 1,
                zone: run.zone,
                ..vulns::Options::default()
            };
            let r = if connector == "defectdojo" {
                defectdojo::analyse(reader, file, &o)
            } else {
                vulns::analyse_reader(reader, file, &o)
            }
            .map_err(refused)?;
            Computed {
                report: json(&r),
                figures: r.figures(Severity::Critical),
                tally: vuln_tally(&r),
            }
        }
        "gophish" => {
            let o = gophish::Options {
                strict: run.strict,
                ..Default::default()
            };
            let r = gophish::analyse(
                Table::open(file, reader, &run.limits).map_err(refused)?,
                file,
                &o,
                None,
            )
            .map_err(refused)?;
            Computed {
                report: json(&r),
                figures: r.figures(),
                tally: r.tally,
            }
        }
        "openscap" => {
            let mut tally = Tally::default();
            let systems =
                openscap::read_systems(reader, file, run.strict, &mut tally).map_err(refused)?;
            let r =
                openscap::summarise(systems, None, tally).map_err(|reason| AppError::Invalid {
                    field: "file".into(),
                    reason,
                })?;
            Computed {
                report: json(&r),
                figures: r.figures(),
                tally: r.tally,
            }
        }
        "assets" => {
            let mut o = assets::Options::new(run.as_of);
            o.strict = run.strict;
            o.zone = run.zone;
            let r = assets::analyse(
                Table::open(file, reader, &run.limits).map_err(refused)?,
                file,
                &o,
            )
            .map_err(refused)?;
            Computed {
                report: json(&r),
                figures: r.figures(),
                tally: r.tally,
            }
        }
        "incidents" => {
            let o = incidents::Options {
                strict: run.strict,
                zone: run.zone,
                ..Default::default()
            };
            let r = incidents::analyse(
                Table::open(file, reader, &run.limits).map_err(refused)?,
                file,
                &o,
            )
            .map_err(refused)?;
            Computed {
                report: json(&r),
                figures: r.figures(),
                tally: r.tally,
            }
        }
        _ => {
            let o = training::Options {
                strict: run.strict,
                zone: run.zone,
                ..Default::default()
            };
            let r = training::analyse(
                Table::open(file, reader, &run.limits).map_err(refused)?,
                file,
                &o,
            )
            .map_err(refused)?;
            Computed {
                report: json(&r),
                figures: r.figures(),
                tally: r.tally,
            }
        }
    };
    Ok(out)
}
