//! Benchmark (peer) figures: checking them before they are stored — from a file
//! (`mieruka benchmark import`) or a JSON body (`PUT /api/v1/benchmarks`) — and their public
//! JSON. The board report reads them in `report/sections.rs`.
//!
//! Beyond the domain's checks (`RawBenchmark::validate`), a benchmark must name a KPI this server
//! knows — a catalogue KPI or an organisation's own — and fit it
//! (`Benchmark::check_against`: one number, percentages within 100% unless the KPI allows more),
//! and a KPI and date may be given once per batch. A batch is judged whole before anything is
//! written, so a bad row leaves the stored figures as they were.

use std::collections::HashMap;

use mieruka_domain::benchmark::{Benchmark, RawBenchmark};
use mieruka_domain::plan::FieldError;
use mieruka_domain::text::normalise;
use mieruka_domain::{Date, KpiDefinition, KpiId};
use mieruka_store::Store;
use mieruka_store::benchmarks::StoredBenchmark;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::measure_file::Problem;
use crate::measure_file::columns;
use crate::measure_file::read::{Cell, Sheet};
use crate::{AppError, Result};

/// Every KPI definition on the server by id: the catalogue's, then each organisation's own
/// (the first one found when several organisations use the same id).
pub struct KnownKpis(HashMap<String, KpiDefinition>);

impl KnownKpis {
    pub async fn load(store: &Store) -> Result<KnownKpis> {
        let mut all = HashMap::new();
        for k in store.kpi_definitions(None).await? {
            all.insert(k.definition.id.to_string(), k.definition);
        }
        for org in store.organisations().await? {
            for k in store.kpi_definitions(Some(org.id)).await? {
                all.entry(k.definition.id.to_string())
                    .or_insert(k.definition);
            }
        }
        Ok(KnownKpis(all))
    }

    /// Whether the benchmark names a known KPI and fits it.
    pub fn check(&self, b: &Benchmark) -> Result<(), FieldError> {
        match self.0.get(b.kpi.as_str()) {
            Some(kpi) => b.check_against(kpi),
            None => Err(FieldError {
                field: "kpi".into(),
                reason: format!(
                    "KPI {} is neither in the catalogue nor one of an organisation's own KPIs",
                    b.kpi
                ),
            }),
        }
    }
}

/// Validates a batch given as JSON items: every item, or the first failure as
/// `AppError::Invalid` naming the item and field (`[2].median`).
pub async fn validate_items(store: &Store, items: &[RawBenchmark]) -> Result<Vec<Benchmark>> {
    let known = KnownKpis::load(store).await?;
    let at = |i: usize, e: FieldError| AppError::Invalid {
        field: format!("[{i}].{}", e.field),
        reason: e.reason,
    };
    let mut out: Vec<Benchmark> = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        let b = raw.validate().map_err(|e| at(i, e))?;
        known.check(&b).map_err(|e| at(i, e))?;
        if let Some(j) = out
            .iter()
            .position(|a| a.kpi == b.kpi && a.as_of == b.as_of)
        {
            return Err(at(
                i,
                FieldError {
                    field: "as_of".into(),
                    reason: format!("KPI {} on {} is also given at [{j}]", b.kpi, b.as_of),
                },
            ));
        }
        out.push(b);
    }
    Ok(out)
}

/// Stored benchmark figures (the API's items and `mieruka benchmark list --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Benchmark")]
pub struct BenchmarkView {
    /// A catalogue KPI id (`1.2.2`) or an organisation's own KPI id.
    pub kpi: KpiId,
    /// The date the figures are as of.
    pub as_of: Date,
    /// In the KPI's reading unit: percent for ratio and progress KPIs, a count, mean hours, a
    /// score.
    pub median: f64,
    /// The lower quartile, at most the median.
    pub lower: Option<f64>,
    /// The upper quartile, at least the median.
    pub upper: Option<f64>,
    /// How many organisations the figures are from, at least 1.
    #[schemars(range(min = 1))]
    pub peers: u32,
    /// Where the figures come from, up to 200 characters.
    pub source: String,
    /// The industry the peers are in, when the survey says.
    pub industry: Option<String>,
    /// When the figures were last set (RFC 3339).
    pub updated_at: String,
}

impl From<&StoredBenchmark> for BenchmarkView {
    fn from(s: &StoredBenchmark) -> BenchmarkView {
        let b = &s.benchmark;
        BenchmarkView {
            kpi: b.kpi.clone(),
            as_of: b.as_of,
            median: b.median,
            lower: b.lower,
            upper: b.upper,
            peers: b.peers,
            source: b.source.clone(),
            industry: b.industry.clone(),
            updated_at: s.updated_at.clone(),
        }
    }
}

pub use mieruka_connectors::table::benchmark::{COLUMNS, Column, Columns, REQUIRED};

/// A row that passed every check.
#[derive(Debug, Clone)]
pub struct Good {
    pub row: usize,
    pub benchmark: Benchmark,
}

/// What the rows of a file are.
#[derive(Debug, Default)]
pub struct Checked {
    pub rows: usize,
    pub good: Vec<Good>,
    pub problems: Vec<Problem>,
}

impl Checked {
    /// How many distinct rows have problems.
    pub fn invalid_rows(&self) -> usize {
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len()
    }
}

/// A number cell; text may end in `%` (`85%` is 85, in the KPI's percent).
fn number(cell: &Cell) -> Result<Option<f64>, String> {
    if let Cell::Text(s) = cell {
        let t = normalise(s);
        if let Some(n) = t.strip_suffix('%') {
            return columns::number(&Cell::Text(n.trim().to_string()));
        }
    }
    columns::number(cell)
}

/// A whole number of organisations.
fn count(cell: &Cell) -> Result<Option<i64>, String> {
    match number(cell)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(Some(n as i64)),
        Some(n) => Err(format!("{n} is not a whole number of organisations")),
    }
}

/// Reads one row's cells, in the file's column order, noting every unreadable or missing
/// required cell; an id or a date that cannot be one is noted here too, so a row's every bad
/// cell is listed at once.
fn read_row(
    columns: &Columns,
    cells: &[Cell],
    problems: &mut Vec<(Column, String)>,
) -> RawBenchmark {
    let mut raw = RawBenchmark {
        median: f64::NAN,
        ..RawBenchmark::default()
    };
    for (c, ..) in COLUMNS {
        let cell = columns.cell(c, cells);
        let given = match c {
            Column::Kpi | Column::AsOf | Column::Source | Column::Industry => {
                let read = match c {
                    Column::AsOf => columns::date(cell),
                    _ => columns::text(cell),
                };
                match read {
                    Err(e) => {
                        problems.push((c, e));
                        continue;
                    }
                    Ok(None) => false,
                    Ok(Some(t)) => {
                        let wrong = match c {
                            Column::Kpi => KpiId::parse(&t).err(),
                            Column::AsOf => Date::parse(&t).err(),
                            _ => None,
                        };
                        problems.extend(wrong.map(|e| (c, e)));
                        match c {
                            Column::Kpi => raw.kpi = t,
                            Column::AsOf => raw.as_of = t,
                            Column::Source => raw.source = t,
                            _ => raw.industry = Some(t),
                        }
                        true
                    }
                }
            }
            Column::Peers => match count(cell) {
                Err(e) => {
                    problems.push((c, e));
                    continue;
                }
                Ok(n) => {
                    raw.peers = n.unwrap_or(0);
                    n.is_some()
                }
            },
            Column::Median | Column::Lower | Column::Upper => match number(cell) {
                Err(e) => {
                    problems.push((c, e));
                    continue;
                }
                Ok(v) => {
                    match c {
                        Column::Median => raw.median = v.unwrap_or(f64::NAN),
                        Column::Lower => raw.lower = v,
                        _ => raw.upper = v,
                    }
                    v.is_some()
                }
            },
        };
        if !given && REQUIRED.contains(&c) {
            problems.push((c, "missing".into()));
        }
    }
    raw
}

/// Checks every row of a file; writes nothing. Only a storage failure stops the check.
pub async fn check_file(store: &Store, sheet: &Sheet, columns: &Columns) -> Result<Checked> {
    let known = KnownKpis::load(store).await?;
    let mut out = Checked {
        rows: sheet.rows.len(),
        ..Checked::default()
    };
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in &sheet.rows {
        let n = row.number;
        let problem = |c: Column, reason: String| Problem {
            row: n,
            column: columns.header(c),
            field: c.name().to_string(),
            reason,
        };
        let stray = columns.stray(&row.cells).map(|col| Problem {
            row: n,
            column: col.to_string(),
            field: String::new(),
            reason: "holds a value but the column has no header".into(),
        });
        let mut cell_problems = Vec::new();
        let raw = read_row(columns, &row.cells, &mut cell_problems);
        if stray.is_some() || !cell_problems.is_empty() {
            out.problems.extend(stray);
            out.problems
                .extend(cell_problems.into_iter().map(|(c, r)| problem(c, r)));
            continue;
        }
        let checked = raw.validate().and_then(|b| known.check(&b).map(|()| b));
        let b = match checked {
            Ok(b) => b,
            Err(e) => {
                out.problems.push(match Column::of_field(&e.field) {
                    Some(c) => problem(c, e.reason),
                    None => Problem {
                        row: n,
                        column: e.field.clone(),
                        field: e.field,
                        reason: e.reason,
                    },
                });
                continue;
            }
        };
        let key = (b.kpi.to_string(), b.as_of.to_string());
        if let Some(first) = seen.get(&key) {
            out.problems.push(problem(
                Column::AsOf,
                format!("KPI {} on {} is also on line {first}", b.kpi, b.as_of),
            ));
            continue;
        }
        seen.insert(key, n);
        out.good.push(Good {
            row: n,
            benchmark: b,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_map_in_both_languages() {
        let c = Columns::from_header(&header(&[
            "KPI",
            "基準日",
            "中央値",
            "第１四分位",
            "第3四分位",
            "社数",
            "出典",
            "業種",
        ]))
        .unwrap();
        assert_eq!(c.header(Column::Lower), "第１四分位");
        assert_eq!(c.header(Column::Industry), "業種");
        let minimal = Columns::from_header(&header(&["kpi", "as of", "median", "peers", "source"]));
        assert_eq!(minimal.unwrap().header(Column::Upper), "upper");
        let e = Columns::from_header(&header(&["kpi", "as_of", "median", "source"])).unwrap_err();
        assert!(e.contains("no `peers` column"), "{e}");
        let e = Columns::from_header(&header(&["kpi", "指標"])).unwrap_err();
        assert!(e.contains("`kpi` and `指標`"), "{e}");
        let e = Columns::from_header(&header(&["kpi", "mean"])).unwrap_err();
        assert!(e.contains("unknown column `mean` (column 2)"), "{e}");
    }

    #[test]
    fn cells_are_read_with_percent_signs_and_whole_counts() {
        assert_eq!(number(&Cell::Text("85%".into())).unwrap(), Some(85.0));
        assert_eq!(
            number(&Cell::Text("８５．５％".into())).unwrap(),
            Some(85.5)
        );
        assert!(number(&Cell::Text("high".into())).is_err());
        assert_eq!(count(&Cell::Number(52.0)).unwrap(), Some(52));
        assert!(
            count(&Cell::Text("52.5".into()))
                .unwrap_err()
                .contains("whole")
        );
        let c =
            Columns::from_header(&header(&["kpi", "as_of", "median", "peers", "source"])).unwrap();
        let mut problems = Vec::new();
        let cells = [
            Cell::Text("1.2.2".into()),
            Cell::Empty,
            Cell::Text("many".into()),
            Cell::Number(3.0),
            Cell::Text("調査".into()),
        ];
        read_row(&c, &cells, &mut problems);
        assert_eq!(
            problems,
            vec![
                (Column::AsOf, "missing".to_string()),
                (Column::Median, "`many` is not a number".to_string()),
            ]
        );
    }
}
