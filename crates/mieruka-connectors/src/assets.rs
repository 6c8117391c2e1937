//! Asset inventory: a CSV with one row per asset found (`asset_id, kind, business_unit,
//! in_cmdb, last_seen`), per business unit × kind (hardware, software, mobile, cloud).
//!
//! - inventoried share = assets recorded in the CMDB (`in_cmdb` yes) ÷ assets listed; this is
//!   KPI 1.1.1 for hardware, 1.1.2 software, 1.1.3 mobile devices, 1.1.4 cloud services;
//! - managed share (US federal CAP: US.1 hardware, US.2 software, US.4 mobile) = assets in
//!   the CMDB **and** seen within `stale_days` (30 by default) before the as-of date ÷ assets
//!   listed. An empty `last_seen` means never seen. Without a `last_seen` column there is no
//!   managed share.
//!
//! An asset id listed twice, an unknown kind, an `in_cmdb` that is not yes/no and an unreadable
//! `last_seen` are bad rows.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::datetime::{Zone, parse_datetime};
use crate::error::ConnectorError;
use crate::figures::KpiFigure;
use crate::mapping::{ColumnMap, Field};
use crate::rows::{Tally, shown};
use crate::table::{IntoTable, read_rows, yes_no};

pub const FIELDS: [Field; 5] = [
    Field::required("asset_id"),
    Field::required("kind"),
    Field::required("business_unit"),
    Field::required("in_cmdb"),
    Field::optional("last_seen"),
];

/// What an asset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Hardware,
    Software,
    Mobile,
    Cloud,
}

impl Kind {
    fn parse(v: &str) -> Option<Kind> {
        Some(match v.to_lowercase().as_str() {
            "hardware" | "hw" | "ハードウェア" => Kind::Hardware,
            "software" | "sw" | "ソフトウェア" => Kind::Software,
            "mobile" | "モバイル" => Kind::Mobile,
            "cloud" | "クラウド" => Kind::Cloud,
            _ => return None,
        })
    }

    /// The inventory KPI (1.1.x) and the managed-asset KPI (US.x) of this kind.
    fn kpis(self) -> (&'static str, Option<&'static str>) {
        match self {
            Kind::Hardware => ("1.1.1", Some("US.1")),
            Kind::Software => ("1.1.2", Some("US.2")),
            Kind::Mobile => ("1.1.3", Some("US.4")),
            Kind::Cloud => ("1.1.4", None),
        }
    }
}

/// How to read an inventory.
#[derive(Debug, Clone)]
pub struct Options {
    pub strict: bool,
    pub columns: ColumnMap,
    /// The as-of instant (seconds since 1970 UTC) for "seen recently".
    pub as_of: i64,
    /// How many days before `as_of` an asset must have been seen to count as managed.
    pub stale_days: u32,
    /// The zone of times written without one (the organisation's; Asia/Tokyo by default).
    pub zone: Zone,
}

impl Options {
    pub fn new(as_of: i64) -> Options {
        Options {
            strict: false,
            columns: ColumnMap::default(),
            as_of,
            stale_days: 30,
            zone: Zone::default(),
        }
    }
}

/// One business unit × kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSummary {
    pub business_unit: String,
    pub kind: Kind,
    pub assets: u64,
    pub in_cmdb: u64,
    pub inventoried_share: f64,
    /// In the CMDB and seen recently; `None` without a `last_seen` column.
    pub managed: Option<u64>,
    pub managed_share: Option<f64>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub groups: Vec<KindSummary>,
    #[serde(flatten)]
    pub tally: Tally,
}

/// An inventory read, with the hardware assets kept for matching against other lists.
pub(crate) struct Inventory {
    pub report: Report,
    /// Hardware asset id (lower case) → business unit.
    pub hardware: HashMap<String, String>,
}

pub(crate) fn read(
    reader: impl IntoTable,
    file: &str,
    o: &Options,
) -> Result<Inventory, ConnectorError> {
    #[derive(Default)]
    struct C {
        assets: u64,
        in_cmdb: u64,
        managed: u64,
    }
    let mut groups: BTreeMap<(String, Kind), C> = BTreeMap::new();
    let mut ids: HashMap<String, Option<String>> = HashMap::new();
    let mut tally = Tally::default();
    let stale = o.as_of - i64::from(o.stale_days) * 86_400;
    let header = read_rows(
        reader,
        file,
        &FIELDS,
        &o.columns,
        o.strict,
        &mut tally,
        |r| {
            let mut row = || -> Result<(), String> {
                let id = r.get(0);
                if id.is_empty() {
                    return Err("missing asset_id".into());
                }
                let kind = Kind::parse(r.get(1)).ok_or_else(|| {
                    format!(
                        "unknown kind `{}` (hardware, software, mobile or cloud)",
                        shown(r.get(1).as_bytes())
                    )
                })?;
                let unit = r.get(2);
                if unit.is_empty() {
                    return Err("missing business_unit".into());
                }
                let in_cmdb = yes_no(r.get(3)).ok_or_else(|| {
                    format!("in_cmdb: `{}` is not yes or no", shown(r.get(3).as_bytes()))
                })?;
                let seen = match r.get(4) {
                    "" => None,
                    v => Some(parse_datetime(v.as_bytes(), &o.zone).ok_or_else(|| {
                        format!(
                            "last_seen: `{}` is not a date like 2026-03-01 or 2026-03-01T12:00:00Z",
                            shown(v.as_bytes())
                        )
                    })?),
                };
                let key = id.to_lowercase();
                if ids.contains_key(&key) {
                    return Err(format!("asset_id {} appears twice", shown(id.as_bytes())));
                }
                ids.insert(key, (kind == Kind::Hardware).then(|| unit.to_string()));
                let c = groups.entry((unit.to_string(), kind)).or_default();
                c.assets += 1;
                c.in_cmdb += u64::from(in_cmdb);
                c.managed += u64::from(in_cmdb && seen.is_some_and(|t| t >= stale));
                Ok(())
            };
            row().into()
        },
    )?;
    let has_seen = header.idx[4].is_some();
    let groups = groups
        .into_iter()
        .map(|((business_unit, kind), c)| KindSummary {
            business_unit,
            kind,
            assets: c.assets,
            in_cmdb: c.in_cmdb,
            inventoried_share: c.in_cmdb as f64 / c.assets as f64,
            managed: has_seen.then_some(c.managed),
            managed_share: has_seen.then(|| c.managed as f64 / c.assets as f64),
        })
        .collect();
    let hardware = ids
        .into_iter()
        .filter_map(|(id, unit)| Some((id, unit?)))
        .collect();
    Ok(Inventory {
        report: Report { groups, tally },
        hardware,
    })
}

/// Summarises an inventory.
pub fn analyse(
    reader: impl IntoTable,
    file: &str,
    options: &Options,
) -> Result<Report, ConnectorError> {
    Ok(read(reader, file, options)?.report)
}

impl Report {
    /// 1.1.1–1.1.4 and US.1, US.2, US.4 per business unit.
    pub fn figures(&self) -> Vec<KpiFigure> {
        let mut out = Vec::new();
        for g in &self.groups {
            let (inventory, managed) = g.kind.kpis();
            out.extend(KpiFigure::ratio(
                inventory,
                Some(&g.business_unit),
                g.in_cmdb,
                g.assets,
            ));
            if let (Some(kpi), Some(m)) = (managed, g.managed) {
                out.extend(KpiFigure::ratio(kpi, Some(&g.business_unit), m, g.assets));
            }
        }
        out
    }
}
