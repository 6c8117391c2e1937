//! Reading a CSV export row by row for the connectors other than the vulnerability fast path:
//! quoting as spreadsheets and tools write it (the `csv` crate), the header matched through the
//! [`ColumnMap`], each row handed over with its line number, bad rows counted in a [`Tally`],
//! and the file refused as a whole when it is not UTF-8, lacks a column or is cut off.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use crate::error::ConnectorError;
use crate::mapping::{ColumnMap, Field, Located};
use crate::rows::{RowOutcome, Tally};

/// One data row: its fields by the connector's field index.
pub struct Row<'a> {
    record: &'a csv::StringRecord,
    idx: &'a [Option<usize>],
    /// The line the row starts on (the header is line 1).
    pub line: u64,
}

impl Row<'_> {
    /// The field's text, trimmed; empty when the column is absent or the cell is blank.
    pub fn get(&self, field: usize) -> &str {
        self.idx[field]
            .and_then(|i| self.record.get(i))
            .map_or("", str::trim)
    }

    /// Whether the file has the column at all.
    pub fn has(&self, field: usize) -> bool {
        self.idx[field].is_some()
    }
}

/// Where each field is, and how many columns the header has.
pub struct Header {
    pub idx: Vec<Option<usize>>,
    pub count: usize,
}

fn utf8(file: &str, record: &csv::ByteRecord) -> Result<csv::StringRecord, ConnectorError> {
    csv::StringRecord::from_byte_record(record.clone()).map_err(|_| ConnectorError::NotUtf8 {
        file: file.into(),
        line: record.position().map_or(1, |p| p.line()),
    })
}

fn csv_error(file: &str, e: csv::Error) -> ConnectorError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ConnectorError::Io {
            file: file.into(),
            source,
        },
        csv::ErrorKind::Utf8 { .. } => ConnectorError::NotUtf8 {
            file: file.into(),
            line,
        },
        other => ConnectorError::format(file, format!("line {line}: {other:?}")),
    }
}

/// The line breaks (`\r` and `\n`, with their byte offsets) the CSV reader has read but whose
/// records are not yet handed over. The CSV reader gives each record the position where it
/// started looking for it, before any blank lines it skipped; these marks find the real line.
#[derive(Clone, Default)]
struct Marks(Rc<RefCell<VecDeque<(u64, u8)>>>);

struct Marking<R> {
    inner: R,
    offset: u64,
    marks: Marks,
}

impl<R: Read> Read for Marking<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut marks = self.marks.0.borrow_mut();
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            marks.push_back((self.offset + i as u64, buf[i]));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl Marks {
    /// The line a record starts on, given where the CSV reader started looking (`byte`, on
    /// line `line`): one more for each blank line between.
    fn start_line(&self, byte: u64, line: u64) -> u64 {
        let mut marks = self.0.borrow_mut();
        while marks.front().is_some_and(|&(o, _)| o < byte) {
            marks.pop_front();
        }
        let blank = (byte..)
            .zip(marks.iter())
            .take_while(|&(at, &(o, _))| o == at)
            .filter(|&(_, &(_, b))| b == b'\n')
            .count() as u64;
        line + blank
    }
}

/// Reads the header of `reader` and calls `row` for every data row, counting outcomes in
/// `tally`. A row with fewer fields than the header is rejected, unless it is the last line,
/// which means the file was cut off: then the whole file is refused.
pub fn read_rows<R: Read>(
    reader: R,
    file: &str,
    fields: &[Field],
    map: &ColumnMap,
    strict: bool,
    tally: &mut Tally,
    mut row: impl FnMut(&Row<'_>) -> RowOutcome,
) -> Result<Header, ConnectorError> {
    let marks = Marks::default();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Marking {
            inner: reader,
            offset: 0,
            marks: marks.clone(),
        });
    let mut raw = csv::ByteRecord::new();
    let expected = || {
        fields
            .iter()
            .filter(|f| f.required)
            .map(|f| map.name_of(f))
            .collect::<Vec<_>>()
            .join(",")
    };
    if !rdr
        .read_byte_record(&mut raw)
        .map_err(|e| csv_error(file, e))?
    {
        return Err(ConnectorError::Empty {
            file: file.into(),
            expected: expected(),
        });
    }
    let header = utf8(file, &raw)?;
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    let idx = map.locate(fields, &names).map_err(|e| match e {
        Located::Missing(columns) => ConnectorError::MissingColumns {
            file: file.into(),
            columns,
        },
        Located::Duplicate(column) => ConnectorError::DuplicateColumn {
            file: file.into(),
            column,
        },
    })?;
    let count = names.len();
    // A short row is judged when the next row arrives: the last line of a cut-off file is not a
    // bad row but a broken file.
    let mut pending_short: Option<(u64, usize)> = None;
    while rdr
        .read_byte_record(&mut raw)
        .map_err(|e| csv_error(file, e))?
    {
        let line = raw
            .position()
            .map_or(0, |p| marks.start_line(p.byte(), p.line()));
        if raw.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        if let Some((l, found)) = pending_short.take() {
            let reason = format!("expected {count} fields, found {found}");
            tally.record(file, l, RowOutcome::Rejected(reason), strict)?;
        }
        let record = utf8(file, &raw)?;
        if record.len() < count {
            pending_short = Some((line, record.len()));
            continue;
        }
        let outcome = if record.len() > count {
            RowOutcome::Rejected(format!(
                "expected {count} fields, found {} (quote values that contain commas)",
                record.len()
            ))
        } else {
            row(&Row {
                record: &record,
                idx: &idx,
                line,
            })
        };
        tally.record(file, line, outcome, strict)?;
    }
    if let Some((line, found)) = pending_short {
        return Err(ConnectorError::Truncated {
            file: file.into(),
            line,
            found,
            expected: count,
        });
    }
    Ok(Header { idx, count })
}

/// Reads a yes/no cell: yes, y, true, 1, はい, 有, ○ and no, n, false, 0, いいえ, 無, ×
/// (ignoring case).
pub fn yes_no(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "はい" | "有" | "あり" | "○" | "済" => Some(true),
        "no" | "n" | "false" | "0" | "いいえ" | "無" | "なし" | "×" | "未" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [Field; 2] = [Field::required("id"), Field::optional("note")];

    fn run(text: &[u8], strict: bool) -> Result<(Tally, Vec<(u64, String)>), ConnectorError> {
        let mut tally = Tally::default();
        let mut seen = Vec::new();
        read_rows(
            text,
            "t.csv",
            &FIELDS,
            &ColumnMap::default(),
            strict,
            &mut tally,
            |r| {
                if r.get(0).is_empty() {
                    return RowOutcome::Rejected("missing id".into());
                }
                seen.push((r.line, format!("{}|{}", r.get(0), r.get(1))));
                RowOutcome::Accepted
            },
        )?;
        Ok((tally, seen))
    }

    #[test]
    fn quoted_fields_line_numbers_and_bad_rows() {
        let text = "\u{feff}ID,Note\na,\"x, \"\"y\"\"\nz\"\n\n,b\nc,d,e\nf,g\n";
        let (t, seen) = run(text.as_bytes(), false).unwrap();
        assert_eq!((t.read, t.accepted, t.rejected), (4, 2, 2));
        assert_eq!(seen, [(2, "a|x, \"y\"\nz".into()), (7, "f|g".into())]);
        assert_eq!(t.first_rejected[0].line, 5);
        assert_eq!(t.first_rejected[0].reason, "missing id");
        assert_eq!(t.first_rejected[1].line, 6);
        let e = run(text.as_bytes(), true).unwrap_err();
        assert!(matches!(e, ConnectorError::Rejected { line: 5, .. }), "{e}");
    }

    #[test]
    fn whole_file_errors() {
        let e = run(b"", false).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = run(b"name\nx\n", false).unwrap_err();
        assert_eq!(e.to_string(), "t.csv: line 1 (header): missing column `id`");
        let e = run(b"id,note\na,b\nc", false).unwrap_err();
        assert!(matches!(
            e,
            ConnectorError::Truncated {
                line: 3,
                found: 1,
                expected: 2,
                ..
            }
        ));
        let (t, _) = run(b"id,note\nc\na,b\n", false).unwrap();
        assert_eq!(t.first_rejected[0].reason, "expected 2 fields, found 1");
        let e = run(b"id,note\na,caf\xe9\n", false).unwrap_err();
        assert!(matches!(e, ConnectorError::NotUtf8 { line: 2, .. }), "{e}");
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(yes_no(" Yes "), Some(true));
        assert_eq!(yes_no("いいえ"), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }
}
