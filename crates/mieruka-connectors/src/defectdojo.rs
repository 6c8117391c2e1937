//! DefectDojo findings, as its API returns them (`GET /api/v2/findings/?related_fields=true`:
//! `{"count": …, "next": …, "results": [ … ]}`) or as a plain JSON list of findings, read as a
//! stream (one finding in memory at a time) into the same figures as the generic vulnerability
//! CSV ([`crate::vulns`]).
//!
//! Field mapping (each can be changed with the column mapping; a dotted name reaches into nested
//! objects):
//! - `finding_id` ← `id`;
//! - `business_unit` ← `related_fields.test.engagement.product.prod_type.name` (the product
//!   type), or the product's name when the product type is absent; a finding with neither is a
//!   bad row — export with `related_fields=true`;
//! - `severity` ← `severity` (`Critical`, `High`, `Medium`, `Low`; `Info` findings are skipped);
//! - `published_at` ← `publish_date` (a date: midnight UTC); when empty the finding has no time
//!   to start;
//! - `detected_at` ← `date` (the day the finding was found);
//! - `started_at` ← `date`: DefectDojo records no start of work, so the day the finding was
//!   found stands for it (map another field if your process records one);
//! - `resolved_at` ← `mitigated` (empty while the finding is open).
//!
//! False positives, duplicates and out-of-scope findings (`false_p`, `duplicate`,
//! `out_of_scope` true) are skipped; risk-accepted findings stay unresolved. The "line" of a
//! bad finding is its position in the list (1 for the first).

use std::cell::RefCell;
use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::datetime::parse_datetime;
use crate::error::ConnectorError;
use crate::mapping::Field;
use crate::rows::{RowOutcome, Tally, shown};
use crate::vulns::scan::add_finding;
use crate::vulns::stats::Groups;
use crate::vulns::{Options, Report, Severity};

pub const FIELDS: [Field; 7] = [
    Field::required("finding_id").named("id"),
    Field::required("business_unit").named("related_fields.test.engagement.product.prod_type.name"),
    Field::required("severity"),
    Field::required("published_at").named("publish_date"),
    Field::required("detected_at").named("date"),
    Field::required("started_at").named("date"),
    Field::required("resolved_at").named("mitigated"),
];

const PRODUCT_NAME: &str = "related_fields.test.engagement.product.name";

fn lookup<'a>(f: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut v = f.get(parts.next()?)?;
    for p in parts {
        v = v.as_object()?.get(p)?;
    }
    Some(v)
}

/// A value as text: strings as they are, numbers written out, null and empty as `None`.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Reading<'a> {
    options: &'a Options,
    file: &'a str,
    groups: Groups,
    tally: Tally,
    sla: [Option<i64>; 4],
    position: u64,
    stop: Option<ConnectorError>,
}

impl Reading<'_> {
    fn finding(&mut self, f: &Map<String, Value>) -> RowOutcome {
        let map = &self.options.columns;
        let zone = &self.options.zone;
        let get = |k: usize| text(lookup(f, map.name_of(&FIELDS[k])));
        let flag = |name: &str| f.get(name).and_then(Value::as_bool).unwrap_or(false);
        if flag("false_p") || flag("duplicate") || flag("out_of_scope") {
            return RowOutcome::Skipped;
        }
        let Some(id) = get(0) else {
            return RowOutcome::Rejected(format!("missing {}", map.describe(&FIELDS[0])));
        };
        let mut row = || -> Result<Option<()>, String> {
            let unit = get(1)
                .or_else(|| {
                    (map.name_of(&FIELDS[1]) == FIELDS[1].default)
                        .then(|| text(lookup(f, PRODUCT_NAME)))
                        .flatten()
                })
                .ok_or_else(|| {
                    format!(
                        "missing {} (export with related_fields=true, or map business_unit to another field)",
                        map.describe(&FIELDS[1])
                    )
                })?;
            let sev = get(2).ok_or_else(|| format!("missing {}", map.describe(&FIELDS[2])))?;
            if sev.eq_ignore_ascii_case("info") || sev.eq_ignore_ascii_case("informational") {
                return Ok(None);
            }
            let severity = Severity::from_bytes(sev.as_bytes()).ok_or_else(|| {
                format!(
                    "unknown severity `{}` (Critical, High, Medium, Low or Info)",
                    shown(sev.as_bytes())
                )
            })?;
            let time = |k: usize| -> Result<Option<i64>, String> {
                match get(k) {
                    None => Ok(None),
                    Some(v) => parse_datetime(v.as_bytes(), zone).map(Some).ok_or_else(|| {
                        format!(
                            "{}: `{}` is not a date or date-time like 2026-03-01T12:34:56Z",
                            map.describe(&FIELDS[k]),
                            shown(v.as_bytes())
                        )
                    }),
                }
            };
            let published = time(3)?;
            let detected =
                time(4)?.ok_or_else(|| format!("missing {}", map.describe(&FIELDS[4])))?;
            let started = time(5)?;
            let resolved = time(6)?;
            add_finding(
                &mut self.groups,
                self.sla[severity as usize],
                unit.as_bytes(),
                severity,
                published,
                detected,
                started,
                resolved,
            )?;
            Ok(Some(()))
        };
        match row() {
            Ok(Some(())) => RowOutcome::Accepted,
            Ok(None) => RowOutcome::Skipped,
            Err(reason) => RowOutcome::Rejected(format!("finding {id}: {reason}")),
        }
    }
}

/// The findings list, wherever it is: the whole document, or its `results` (or `findings`).
struct Document<'r, 'a>(&'r RefCell<Reading<'a>>);
struct List<'r, 'a>(&'r RefCell<Reading<'a>>);

impl<'de> DeserializeSeed<'de> for Document<'_, '_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_, '_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of findings, or an object with `results`")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        List(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if (key == "results" || key == "findings") && !found {
                found = map.next_value_seed(List(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

impl<'de> DeserializeSeed<'de> for List<'_, '_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_, '_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of findings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            let mut r = self.0.borrow_mut();
            r.position += 1;
            let line = r.position;
            let outcome = match v.as_object() {
                Some(f) => r.finding(f),
                None => RowOutcome::Rejected("not a finding object".into()),
            };
            let (file, strict) = (r.file, r.options.strict);
            if let Err(e) = r.tally.record(file, line, outcome, strict) {
                r.stop = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(true)
    }
}

/// Summarises a DefectDojo findings export per business unit × severity.
pub fn analyse<R: Read>(
    reader: R,
    file: &str,
    options: &Options,
) -> Result<Report, ConnectorError> {
    options
        .columns
        .check(&FIELDS)
        .map_err(|e| ConnectorError::format(file, e))?;
    let reading = RefCell::new(Reading {
        options,
        file,
        groups: Groups::default(),
        tally: Tally::default(),
        sla: options.sla.seconds(),
        position: 0,
        stop: None,
    });
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(64 << 10, reader));
    let result = Document(&reading).deserialize(&mut de).and_then(|found| {
        de.end()?;
        Ok(found)
    });
    let r = reading.into_inner();
    if let Some(stop) = r.stop {
        return Err(stop);
    }
    let found = result.map_err(|e| {
        let why = match e.classify() {
            serde_json::error::Category::Eof => {
                "the file is cut off (the JSON ends too early)".to_string()
            }
            serde_json::error::Category::Io => format!("cannot read: {e}"),
            _ => format!("not a DefectDojo findings export: {e}"),
        };
        ConnectorError::format(file, why)
    })?;
    if !found {
        return Err(ConnectorError::format(
            file,
            "no `results` list: expected the findings API answer or a list of findings",
        ));
    }
    let has_sla = Severity::ALL.map(|s| options.sla.days(s).is_some());
    Ok(Report {
        groups: r.groups.summarise(has_sla, false),
        read: r.tally.read,
        accepted: r.tally.accepted,
        rejected: r.tally.rejected,
        skipped: r.tally.skipped,
        first_rejected: r.tally.first_rejected,
    })
}
