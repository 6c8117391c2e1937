//! Monitoring coverage: an EDR agent list (one row per agent: `hostname`, and `last_seen` when
//! the console exports it) against the asset inventory's hardware.
//!
//! Per business unit: coverage = hardware assets of the inventory with an agent whose hostname
//! is the asset id (ignoring case) and, when the list has `last_seen`, that reported within
//! `stale_days` before the as-of date ÷ hardware assets of the inventory. Agents on hosts the
//! inventory does not list are counted apart (`unknown_hosts`): they are in no unit.
//! The figure feeds KPI 1.9.2 (monitoring system deployment rate) as actual = covered,
//! plan = hardware assets.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::assets;
use crate::datetime::parse_datetime;
use crate::error::ConnectorError;
use crate::figures::{FigureValue, KpiFigure};
use crate::mapping::{ColumnMap, Field};
use crate::rows::{RowOutcome, Tally, shown};
use crate::table::{IntoTable, read_rows};

pub const FIELDS: [Field; 2] = [Field::required("hostname"), Field::optional("last_seen")];

/// One business unit's coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCoverage {
    pub business_unit: String,
    pub hardware_assets: u64,
    pub covered: u64,
    pub coverage: f64,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub units: Vec<UnitCoverage>,
    /// Agents whose host is not a hardware asset of the inventory.
    pub unknown_hosts: u64,
    /// The agent list's counts.
    #[serde(flatten)]
    pub tally: Tally,
    /// The inventory's counts.
    pub inventory: Tally,
}

/// Compares the agent list `agents` with the inventory `inventory`. `options` is the
/// inventory's (as-of date, staleness); `agent_columns` maps the agent list's columns.
pub fn analyse(
    agents: impl IntoTable,
    agents_file: &str,
    inventory: impl IntoTable,
    inventory_file: &str,
    options: &assets::Options,
    agent_columns: &ColumnMap,
) -> Result<Report, ConnectorError> {
    let inv = assets::read(inventory, inventory_file, options)?;
    let stale = options.as_of - i64::from(options.stale_days) * 86_400;
    let mut live: HashMap<String, bool> = HashMap::new();
    let mut unknown = 0;
    let mut tally = Tally::default();
    read_rows(
        agents,
        agents_file,
        &FIELDS,
        agent_columns,
        options.strict,
        &mut tally,
        |r| {
            let host = r.get(0);
            if host.is_empty() {
                return RowOutcome::Rejected("missing hostname".into());
            }
            let recent = if r.has(1) {
                match r.get(1) {
                    "" => false,
                    v => match parse_datetime(v.as_bytes(), &options.zone) {
                        Some(t) => t >= stale,
                        None => {
                            return RowOutcome::Rejected(format!(
                                "last_seen: `{}` is not a date like 2026-03-01T12:00:00Z",
                                shown(v.as_bytes())
                            ));
                        }
                    },
                }
            } else {
                true
            };
            let key = host.to_lowercase();
            if !inv.hardware.contains_key(&key) {
                unknown += 1;
            }
            // Several agents on one host (a reinstall): the host is covered if any is live.
            *live.entry(key).or_default() |= recent;
            RowOutcome::Accepted
        },
    )?;
    let mut units: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (id, unit) in &inv.hardware {
        let u = units.entry(unit).or_default();
        u.0 += 1;
        u.1 += u64::from(live.get(id).copied().unwrap_or(false));
    }
    Ok(Report {
        units: units
            .into_iter()
            .map(|(unit, (n, covered))| UnitCoverage {
                business_unit: unit.to_string(),
                hardware_assets: n,
                covered,
                coverage: covered as f64 / n as f64,
            })
            .collect(),
        unknown_hosts: unknown,
        tally,
        inventory: inv.report.tally,
    })
}

impl Report {
    /// 1.9.2 per business unit (actual = covered, plan = hardware assets).
    pub fn figures(&self) -> Vec<KpiFigure> {
        self.units
            .iter()
            .map(|u| KpiFigure {
                kpi: "1.9.2",
                business_unit: Some(u.business_unit.clone()),
                value: FigureValue::Progress {
                    actual: u.covered as f64,
                    plan: u.hardware_assets as f64,
                },
            })
            .collect()
    }
}
