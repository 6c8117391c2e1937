//! The columns of a benchmark (peer figures) file: each with its name, the field it fills, and
//! its Japanese aliases; the header mapped through the one header mapper. Checking the rows
//! against the KPIs a server knows is the use case's (`mieruka_app::benchmarks`).

use super::header::{Header, Known, describe};
use super::sheet::Cell;

/// A column of a benchmark file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Kpi,
    AsOf,
    Median,
    Lower,
    Upper,
    Peers,
    Source,
    Industry,
}

/// Every column with its name (the field it fills) and its Japanese aliases, in file order.
pub const COLUMNS: [Known<Column>; 8] = [
    (Column::Kpi, "kpi", &["kpi_id", "指標"]),
    (Column::AsOf, "as_of", &["基準日", "調査日", "時点"]),
    (Column::Median, "median", &["中央値"]),
    (
        Column::Lower,
        "lower",
        &["lower_quartile", "第1四分位", "第1四分位数", "下位四分位"],
    ),
    (
        Column::Upper,
        "upper",
        &["upper_quartile", "第3四分位", "第3四分位数", "上位四分位"],
    ),
    (Column::Peers, "peers", &["社数", "回答社数", "組織数"]),
    (Column::Source, "source", &["出典", "出所"]),
    (Column::Industry, "industry", &["業種"]),
];

/// Columns every file must have.
pub const REQUIRED: [Column; 5] = [
    Column::Kpi,
    Column::AsOf,
    Column::Median,
    Column::Peers,
    Column::Source,
];

impl Column {
    pub fn name(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, ..)| *c == self)
            .map_or("", |(_, n, _)| n)
    }

    /// The column a domain error's field names (the fields are named as the columns are).
    pub fn of_field(field: &str) -> Option<Column> {
        COLUMNS
            .iter()
            .find(|(_, n, _)| *n == field)
            .map(|(c, ..)| *c)
    }
}

fn accepted() -> String {
    format!("accepted: {}", describe(&COLUMNS))
}

/// Where each column is in a file, and its header as written there.
#[derive(Debug, Clone)]
pub struct Columns(Header<Column>);

impl Columns {
    /// Maps the header row; an unknown or repeated name, or a missing required column, refuses
    /// the whole file.
    pub fn from_header(header: &[String]) -> Result<Columns, String> {
        let columns = Header::map(header, &COLUMNS, &accepted())?;
        if let Some(missing) = REQUIRED.iter().find(|c| !columns.has(**c)) {
            return Err(format!(
                "there is no `{}` column (required: kpi, as_of, median, peers, source; {})",
                missing.name(),
                accepted()
            ));
        }
        Ok(Columns(columns))
    }

    /// The column's header as written in the file, or its name when the file has none.
    pub fn header(&self, c: Column) -> String {
        self.0.written(c).unwrap_or(c.name()).to_string()
    }

    pub fn cell<'a>(&self, c: Column, cells: &'a [Cell]) -> &'a Cell {
        self.0.cell(c, cells)
    }

    /// The number of a column that holds data but has no header, if any.
    pub fn stray(&self, cells: &[Cell]) -> Option<usize> {
        self.0.stray(cells)
    }
}
