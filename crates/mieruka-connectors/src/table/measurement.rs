//! The columns of a measurement file: names (English, as exported, and Japanese aliases) mapped
//! onto measurement fields, informational columns that import ignores, and the way each cell is
//! read as text, number, date or plan id.

use super::header::{Header, Known, describe, lookup};
use mieruka_domain::Date;
use mieruka_domain::text::normalise;

use super::sheet::Cell;

/// A column that carries part of a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Plan,
    Unit,
    Date,
    Part,
    Numerator,
    Denominator,
    Actual,
    PlanValue,
    Value,
    MeanHours,
    Events,
    EffortHours,
    Evidence,
}

/// Columns written by export for people to read; import checks `kpi` and skips superseded rows,
/// and ignores the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Info {
    Kpi,
    Id,
    Supersedes,
    SupersededBy,
    RecordedBy,
    RecordedAt,
    Source,
}

/// Every field with its exported name and its Japanese aliases, in export order.
pub const FIELDS: [(Field, &str, &[&str]); 13] = [
    (Field::Plan, "plan", &["目標", "目標id"]),
    (Field::Unit, "unit", &["ユニット", "部門"]),
    (Field::Date, "date", &["日付"]),
    (Field::Part, "part", &["部分"]),
    (Field::Numerator, "numerator", &["分子"]),
    (Field::Denominator, "denominator", &["分母"]),
    (Field::Actual, "actual", &["実績", "実績値"]),
    (Field::PlanValue, "plan_value", &["計画", "計画値"]),
    (Field::Value, "value", &["値"]),
    (Field::MeanHours, "mean_hours", &["平均時間"]),
    (Field::Events, "events", &["件数"]),
    (Field::EffortHours, "effort_hours", &["工数"]),
    (Field::Evidence, "evidence", &["証跡"]),
];

pub const INFOS: [(Info, &str); 7] = [
    (Info::Kpi, "kpi"),
    (Info::Id, "id"),
    (Info::Supersedes, "supersedes"),
    (Info::SupersededBy, "superseded_by"),
    (Info::RecordedBy, "recorded_by"),
    (Info::RecordedAt, "recorded_at"),
    (Info::Source, "source"),
];

impl Field {
    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(f, ..)| *f == self)
            .map_or("", |(_, n, _)| n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Field(Field),
    Info(Info),
}

/// Every column a measurement file may have: the fields, then the informational ones.
fn known() -> Vec<Known<Column>> {
    FIELDS
        .iter()
        .map(|(f, name, aliases)| (Column::Field(*f), *name, *aliases))
        .chain(
            INFOS
                .iter()
                .map(|(i, name)| (Column::Info(*i), *name, &[][..])),
        )
        .collect()
}

/// Where each field and informational column is in the file, and what its header says.
#[derive(Debug, Clone)]
pub struct Columns(Header<Column>);

fn accepted() -> String {
    let fields: Vec<_> = FIELDS
        .iter()
        .map(|(f, name, aliases)| (*f, *name, *aliases))
        .collect();
    let infos: Vec<&str> = INFOS.iter().map(|(_, n)| *n).collect();
    format!(
        "accepted: {}; ignored: {}",
        describe(&fields),
        infos.join(", ")
    )
}

impl Columns {
    /// Maps the header row; unknown or repeated names are errors.
    pub fn from_header(header: &[String]) -> Result<Columns, String> {
        let known = known();
        if !header.iter().any(|h| lookup(&known, h).is_some()) {
            return Err(format!(
                "the first row must be a header naming the columns, but `{}` is not a column name ({})",
                header
                    .iter()
                    .find(|h| !h.is_empty())
                    .map_or("", String::as_str),
                accepted()
            ));
        }
        let columns = Columns(Header::map(header, &known, &accepted())?);
        for f in [Field::Unit, Field::Date] {
            if !columns.has(f) {
                return Err(format!(
                    "there is no `{}` column ({})",
                    f.name(),
                    accepted()
                ));
            }
        }
        Ok(columns)
    }

    pub fn has(&self, f: Field) -> bool {
        self.0.has(Column::Field(f))
    }

    /// The column's header as written in the file, or the field's name when the file has none.
    pub fn header(&self, f: Field) -> String {
        self.0
            .written(Column::Field(f))
            .unwrap_or(f.name())
            .to_string()
    }

    pub fn field<'a>(&self, f: Field, cells: &'a [Cell]) -> &'a Cell {
        self.0.cell(Column::Field(f), cells)
    }

    pub fn info<'a>(&self, x: Info, cells: &'a [Cell]) -> &'a Cell {
        self.0.cell(Column::Info(x), cells)
    }

    /// The number of a column that holds data but has no header, if any.
    pub fn stray(&self, cells: &[Cell]) -> Option<usize> {
        self.0.stray(cells)
    }
}

/// A cell as text: NFKC-normalised and trimmed; `None` when empty.
pub fn text(cell: &Cell) -> Result<Option<String>, String> {
    Ok(match cell {
        Cell::Empty => None,
        Cell::Text(s) => Some(normalise(s)).filter(|s| !s.is_empty()),
        Cell::Number(n) => Some(n.to_string()),
        Cell::Date(d) => Some(d.to_string()),
        Cell::Unusable(what) => return Err(format!("{what} is not a usable value")),
    })
}

/// A cell as a number. Text may use full-width digits and `,` between groups of three digits.
pub fn number(cell: &Cell) -> Result<Option<f64>, String> {
    let s = match cell {
        Cell::Number(n) if n.is_finite() => return Ok(Some(*n)),
        Cell::Date(d) => return Err(format!("{d} is a date, not a number")),
        other => match text(other)? {
            None => return Ok(None),
            Some(s) => s,
        },
    };
    let bad = || format!("`{s}` is not a number");
    let plain = strip_thousands(&s).ok_or_else(bad)?;
    if !plain
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return Err(bad());
    }
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(bad()),
    }
}

/// Removes thousands separators when they separate groups of three digits (`1,234,567.5`);
/// `None` when commas appear anywhere else (`1,5` is not read as fifteen).
fn strip_thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return Some(s.to_string());
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = int.trim_start_matches(['-', '+']);
    let groups: Vec<&str> = digits.split(',').collect();
    let ok = (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !ok || frac.is_some_and(|f| f.contains(',')) {
        return None;
    }
    Some(s.replace(',', ""))
}

/// A cell as a date, `YYYY-MM-DD`. Text may also be `2026/10/1` (Japanese Excel's CSV) or
/// `2026年10月1日`; anything else is passed on as written for the domain to reject.
pub fn date(cell: &Cell) -> Result<Option<String>, String> {
    match cell {
        Cell::Date(d) => Ok(Some(d.to_string())),
        Cell::Number(n) => Err(format!(
            "{n} is a number, not a date (write YYYY-MM-DD or format the cell as a date)"
        )),
        other => Ok(text(other)?.map(|s| loose_date(&s).unwrap_or(s))),
    }
}

fn loose_date(s: &str) -> Option<String> {
    let s = s.split([' ', 'T']).next()?;
    let s = s.replace(['年', '月', '/', '.'], "-");
    let s = s.trim_end_matches('日');
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let date = Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
    Some(date.to_string())
}

/// A cell as a plan id: a whole number, optionally written `#12`.
pub fn plan_id(cell: &Cell) -> Result<Option<i64>, String> {
    let bad = |s: &str| format!("`{s}` is not a plan id (a whole number such as 12)");
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n < 9e15 => Ok(Some(*n as i64)),
        Cell::Number(n) => Err(bad(&n.to_string())),
        other => match text(other)? {
            None => Ok(None),
            Some(s) => s
                .trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .map(Some)
                .ok_or_else(|| bad(&s)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn headers_map_in_both_languages_and_reject_unknown_names() {
        let header: Vec<String> = ["Plan", "ユニット", " 日付 ", "分母", "Plan Value", "kpi"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let c = Columns::from_header(&header).unwrap();
        assert_eq!(c.header(Field::Denominator), "分母");
        assert_eq!(c.header(Field::PlanValue), "Plan Value");
        assert_eq!(c.header(Field::Numerator), "numerator");
        let bad = Columns::from_header(&["unit".into(), "date".into(), "colour".into()]);
        assert!(
            bad.unwrap_err()
                .contains("unknown column `colour` (column 3)")
        );
        let twice = Columns::from_header(&["unit".into(), "部門".into(), "date".into()]);
        assert!(twice.unwrap_err().contains("`unit` and `部門`"));
        let no_date = Columns::from_header(&["unit".into(), "value".into()]);
        assert!(no_date.unwrap_err().contains("no `date` column"));
    }

    #[test]
    fn numbers_accept_separators_and_full_width_digits_only_where_unambiguous() {
        assert_eq!(number(&t("1,234")).unwrap(), Some(1234.0));
        assert_eq!(number(&t("１２．５")).unwrap(), Some(12.5));
        assert_eq!(number(&t("1,234,567.25")).unwrap(), Some(1_234_567.25));
        assert_eq!(number(&Cell::Empty).unwrap(), None);
        assert!(number(&t("1,5")).unwrap_err().contains("`1,5`"));
        assert!(number(&t("inf")).is_err());
        assert!(number(&t("12 件")).is_err());
    }

    #[test]
    fn dates_accept_slashes_and_japanese_forms() {
        assert_eq!(date(&t("2026/10/1")).unwrap().unwrap(), "2026-10-01");
        assert_eq!(date(&t("2026年11月30日")).unwrap().unwrap(), "2026-11-30");
        assert_eq!(date(&t("2026-10-01")).unwrap().unwrap(), "2026-10-01");
        assert_eq!(date(&t("yesterday")).unwrap().unwrap(), "yesterday");
        assert!(date(&Cell::Number(46300.0)).is_err());
    }

    #[test]
    fn plan_ids_are_whole_numbers() {
        assert_eq!(plan_id(&t("#3")).unwrap(), Some(3));
        assert_eq!(plan_id(&Cell::Number(7.0)).unwrap(), Some(7));
        assert!(plan_id(&t("three")).is_err());
        assert!(plan_id(&Cell::Number(1.5)).is_err());
    }
}
