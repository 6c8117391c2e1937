//! Reading scenarios in riskquant's CSV format: no header, one scenario per row as
//! `id,name,annual_rate,low_p5,high_p95`. Every bad row is reported, not just the first.

use std::collections::HashMap;
use std::fmt;

use crate::scenario::Scenario;

/// The columns, in order.
pub const COLUMNS: [&str; 5] = ["id", "name", "annual_rate", "low_p5", "high_p95"];

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// The line the row starts on, counting from 1 (blank lines are skipped but still
    /// counted, so this is the number an editor or spreadsheet shows).
    pub row: usize,
    /// The column at fault, when the problem is in one cell.
    pub column: Option<&'static str>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "row {}, column {c}: {}", self.row, self.reason),
            None => write!(f, "row {}: {}", self.row, self.reason),
        }
    }
}

impl std::error::Error for RowError {}

/// Parses riskquant-format text. Names may be quoted (and then hold commas); surrounding spaces
/// are ignored; blank lines are skipped. Either every row is a valid [`Scenario`] or every
/// problem is returned, in row order.
pub fn parse_riskquant_csv(text: &str) -> Result<Vec<Scenario>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut seen_any = false;
    let mut lines = Lines {
        text,
        offset: 0,
        line: 1,
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = lines.line_of(e.position().map_or(0, |p| p.byte() as usize));
                errors.push(RowError {
                    row,
                    column: None,
                    reason: format!("not readable as CSV: {e}"),
                });
                continue;
            }
        };
        let row = lines.line_of(record.position().map_or(0, |p| p.byte() as usize));
        if record.iter().all(str::is_empty) {
            continue;
        }
        let first = !seen_any;
        seen_any = true;
        match parse_row(&record, row, first) {
            Ok(s) => {
                if let Some(&earlier) = first_row_of.get(&s.id) {
                    errors.push(RowError {
                        row,
                        column: Some("id"),
                        reason: format!("`{}` is already used on row {earlier}", s.id),
                    });
                } else {
                    first_row_of.insert(s.id.clone(), row);
                    scenarios.push(s);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(scenarios)
    } else {
        Err(errors)
    }
}

/// Line numbers for byte offsets that only move forward. The CSV reader's own line numbers
/// lag behind after a blank line, and its byte offset points at the line break before a row
/// that follows blank lines, so the breaks are skipped here before counting.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    fn line_of(&mut self, byte: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut start = byte.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start >= self.offset {
            self.line += bytes[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = start;
        }
        self.line
    }
}

fn parse_row(
    record: &csv::StringRecord,
    row: usize,
    first: bool,
) -> Result<Scenario, Vec<RowError>> {
    let err = |column: Option<&'static str>, reason: String| RowError {
        row,
        column,
        reason,
    };
    if record.len() > COLUMNS.len() {
        return Err(vec![err(
            None,
            format!(
                "{} columns, expected {} ({})",
                record.len(),
                COLUMNS.len(),
                COLUMNS.join(",")
            ),
        )]);
    }
    // A first row whose numeric columns are all words is a header, which riskquant's format
    // does not have; saying so beats three "not a number" errors.
    let numeric = |i: usize| record.get(i).is_some_and(|c| c.parse::<f64>().is_ok());
    if first && record.len() == COLUMNS.len() && !(2..record.len()).any(numeric) {
        return Err(vec![err(
            Some("annual_rate"),
            format!(
                "`{}` is not a number: this looks like a header row, but the riskquant format \
                 has no header (the first row is a scenario: {})",
                &record[2],
                COLUMNS.join(",")
            ),
        )]);
    }
    let mut errors = Vec::new();
    let mut cell = |i: usize| -> Option<&str> {
        match record.get(i) {
            Some(c) if !c.is_empty() || i == 1 => Some(c),
            Some(_) => {
                errors.push(err(Some(COLUMNS[i]), "is empty".into()));
                None
            }
            None => {
                errors.push(err(
                    Some(COLUMNS[i]),
                    format!(
                        "is missing: the row has {} columns, expected {} ({})",
                        record.len(),
                        COLUMNS.len(),
                        COLUMNS.join(",")
                    ),
                ));
                None
            }
        }
    };
    let id = cell(0).map(str::to_string);
    let name = cell(1).map(str::to_string);
    let texts = [cell(2), cell(3), cell(4)];
    let mut numbers = [None; 3];
    for (k, text) in texts.iter().enumerate() {
        if let Some(t) = text {
            match t.parse::<f64>() {
                Ok(v) => numbers[k] = Some(v),
                Err(_) => errors.push(err(Some(COLUMNS[k + 2]), format!("`{t}` is not a number"))),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(id), Some(name), [Some(rate), Some(low), Some(high)]) = (id, name, numbers) else {
        unreachable!("every missing cell was recorded as an error")
    };
    Scenario::new(id, name, rate, low, high).map_err(|e| vec![err(Some(e.field), e.reason)])
}
