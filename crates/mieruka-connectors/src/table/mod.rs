//! The one way to read a table someone else made, for measurement and benchmark files, every
//! connector, the web pages and the API:
//!
//! - [`decode`] — the text's encoding: UTF-8 with or without a BOM, UTF-16 with a BOM, or
//!   Shift_JIS/CP932 as Japanese Excel saves CSV; a stream is decoded as it is read;
//! - [`sheet`] — a whole file (CSV, tab-separated text or an Excel workbook's first sheet) read
//!   within [`Limits`](crate::limits::Limits) into cells, each row with the number a person sees;
//! - [`read_rows`] — a connector's rows one by one, from a CSV stream (never held whole) or a
//!   workbook's sheet: quoting as spreadsheets and tools write it (the `csv` crate), the header
//!   matched through the [`ColumnMap`], each row handed over with its real line number (blank
//!   lines counted), bad rows counted in a [`Tally`], and the file refused as a whole when it is
//!   not text, lacks a column or is cut off.

use std::io::Read;

use crate::error::ConnectorError;
use crate::limits::Limits;
use crate::mapping::{ColumnMap, Field, Located};
use crate::rows::{RowOutcome, Tally};

pub mod benchmark;
pub mod decode;
pub mod header;
mod lines;
pub mod measurement;
pub mod sheet;

use lines::{Marking, Marks};
pub use sheet::{Cell, Sheet, SheetRow};

/// A header as it is compared with the names a reader knows: NFKC (full-width letters as
/// ASCII), trimmed, lower case, spaces and hyphens as `_`. So `Finding ID`, `ｆｉｎｄｉｎｇ－ｉｄ` and
/// `finding_id` name the same column; every reader of a table matches headers through this.
pub fn header_key(header: &str) -> String {
    mieruka_domain::text::normalise(header)
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// One data row: its fields by the connector's field index.
pub struct Row<'a> {
    record: &'a csv::StringRecord,
    idx: &'a [Option<usize>],
    /// The line the row starts on (the header is line 1); a workbook's row number.
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

/// A table a connector reads: CSV text streamed from a reader, or a workbook's first sheet,
/// already read within the limits.
pub enum Table<R> {
    Text(R),
    Sheet(Sheet),
}

/// What a connector can read rows from: any reader (CSV text) or a [`Table`].
pub trait IntoTable {
    type Reader: Read;
    fn into_table(self) -> Table<Self::Reader>;
}

impl<R: Read> IntoTable for R {
    type Reader = R;
    fn into_table(self) -> Table<R> {
        Table::Text(self)
    }
}

impl<R: Read> IntoTable for Table<R> {
    type Reader = R;
    fn into_table(self) -> Table<R> {
        self
    }
}

/// Whether a file's name says it is an Excel workbook (`.xlsx`, `.xlsm`, or the old `.xls`,
/// which [`sheet::read`] refuses with the reason).
pub fn is_workbook(name: &str) -> bool {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls")
}

impl<R: Read> Table<R> {
    /// The table in `reader`, by the file's `name`: a workbook is read (within `limits`) into its
    /// first sheet; anything else is CSV text, streamed.
    pub fn open(name: &str, reader: R, limits: &Limits) -> Result<Table<R>, ConnectorError> {
        if !is_workbook(name) {
            return Ok(Table::Text(reader));
        }
        let refused = |reason: String| ConnectorError::Format {
            file: name.into(),
            reason: reason
                .strip_prefix(&format!("{name}: "))
                .map_or(reason.clone(), str::to_string),
        };
        let bytes = limits.read_capped(reader, name).map_err(refused)?;
        sheet::read(name, &bytes, limits)
            .map(Table::Sheet)
            .map_err(refused)
    }
}

fn utf8(
    file: &str,
    record: &csv::ByteRecord,
    line: u64,
) -> Result<csv::StringRecord, ConnectorError> {
    csv::StringRecord::from_byte_record(record.clone()).map_err(|_| ConnectorError::NotUtf8 {
        file: file.into(),
        line,
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

/// Matches the header `names` to `fields` through `map`.
fn locate(
    file: &str,
    fields: &[Field],
    map: &ColumnMap,
    names: &[String],
) -> Result<Vec<Option<usize>>, ConnectorError> {
    map.locate(fields, names).map_err(|e| match e {
        Located::Missing(columns) => ConnectorError::MissingColumns {
            file: file.into(),
            columns,
        },
        Located::Duplicate(column) => ConnectorError::DuplicateColumn {
            file: file.into(),
            column,
        },
    })
}

fn empty(file: &str, fields: &[Field], map: &ColumnMap) -> ConnectorError {
    ConnectorError::Empty {
        file: file.into(),
        expected: fields
            .iter()
            .filter(|f| f.required)
            .map(|f| map.name_of(f))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Reads the header of `input` and calls `row` for every data row, counting outcomes in
/// `tally`. A row with fewer fields than the header is rejected, unless it is the last line of
/// a text file, which means the file was cut off: then the whole file is refused. A workbook's
/// row ends at its last filled cell, so a short one is only missing empty cells.
pub fn read_rows(
    input: impl IntoTable,
    file: &str,
    fields: &[Field],
    map: &ColumnMap,
    strict: bool,
    tally: &mut Tally,
    row: impl FnMut(&Row<'_>) -> RowOutcome,
) -> Result<Header, ConnectorError> {
    match input.into_table() {
        Table::Text(reader) => {
            let decoded = decode::Decoded::new(reader).map_err(ConnectorError::io(file))?;
            read_text_rows(decoded, file, fields, map, strict, tally, row)
        }
        Table::Sheet(sheet) => read_sheet_rows(&sheet, file, fields, map, strict, tally, row),
    }
}

fn read_text_rows<R: Read>(
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
        .from_reader(Marking::new(reader, &marks));
    let mut raw = csv::ByteRecord::new();
    if !rdr
        .read_byte_record(&mut raw)
        .map_err(|e| csv_error(file, e))?
    {
        return Err(empty(file, fields, map));
    }
    let header = utf8(file, &raw, marks.line_of(raw.position()))?;
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
    let idx = locate(file, fields, map, &names)?;
    let count = names.len();
    // A short row is judged when the next row arrives: the last line of a cut-off file is not a
    // bad row but a broken file.
    let mut pending_short: Option<(u64, usize)> = None;
    while rdr
        .read_byte_record(&mut raw)
        .map_err(|e| csv_error(file, e))?
    {
        let line = marks.line_of(raw.position());
        if raw.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        if let Some((l, found)) = pending_short.take() {
            let reason = format!("expected {count} fields, found {found}");
            tally.record(file, l, RowOutcome::Rejected(reason), strict)?;
        }
        let record = utf8(file, &raw, line)?;
        if record.len() < count {
            pending_short = Some((line, record.len()));
            continue;
        }
        let outcome = if record.len() > count {
            too_many(count, record.len())
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

fn too_many(count: usize, found: usize) -> RowOutcome {
    RowOutcome::Rejected(format!(
        "expected {count} fields, found {found} (quote values that contain commas)"
    ))
}

fn read_sheet_rows(
    sheet: &Sheet,
    file: &str,
    fields: &[Field],
    map: &ColumnMap,
    strict: bool,
    tally: &mut Tally,
    mut row: impl FnMut(&Row<'_>) -> RowOutcome,
) -> Result<Header, ConnectorError> {
    let idx = locate(file, fields, map, &sheet.header)?;
    let count = sheet.header.len();
    for r in &sheet.rows {
        let line = r.number as u64;
        // Cells past the header's last column count only when something is in them.
        let used = r
            .cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        let outcome = if used > count {
            too_many(count, used)
        } else {
            let mut cells: Vec<String> = r.cells.iter().take(count).map(Cell::text).collect();
            cells.resize(count, String::new());
            row(&Row {
                record: &csv::StringRecord::from(cells),
                idx: &idx,
                line,
            })
        };
        tally.record(file, line, outcome, strict)?;
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
    fn shift_jis_is_read_like_utf8() {
        // Once refused as "not UTF-8" while measurement import accepted the same file.
        let text = "ID,Note\n資産1,経理部\n\n,b\n資産2,情報システム部\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let (t, seen) = run(&sjis, false).unwrap();
        assert_eq!((t.read, t.accepted, t.rejected), (3, 2, 1));
        assert_eq!(
            seen,
            [
                (2, "資産1|経理部".into()),
                (5, "資産2|情報システム部".into())
            ]
        );
        assert_eq!(t.first_rejected[0].line, 4);
        // A byte that is not Shift_JIS either, past the part that decided the encoding, names
        // its line.
        let long = format!("ID,Note\n{}", "資産1,経理部\n".repeat(10_000));
        let (bad, _, _) = encoding_rs::SHIFT_JIS.encode(&long);
        let mut bad = bad.into_owned();
        bad.extend_from_slice(b"x,\x82\xff\n");
        let e = run(&bad, false).unwrap_err();
        assert!(e.to_string().contains("line 10002: "), "{e}");
    }

    #[test]
    fn a_sheet_gives_the_same_rows_with_its_row_numbers() {
        let sheet = sheet::read(
            "t.tsv",
            "ID\tNote\na\tx\n\n\tb\nc\n".as_bytes(),
            &Limits::default(),
        )
        .unwrap();
        let mut tally = Tally::default();
        let mut seen = Vec::new();
        read_rows(
            Table::<&[u8]>::Sheet(sheet),
            "t.tsv",
            &FIELDS,
            &ColumnMap::default(),
            false,
            &mut tally,
            |r| {
                if r.get(0).is_empty() {
                    return RowOutcome::Rejected("missing id".into());
                }
                seen.push((r.line, format!("{}|{}", r.get(0), r.get(1))));
                RowOutcome::Accepted
            },
        )
        .unwrap();
        // A sheet's row ends at its last filled cell: `c` alone is not short.
        assert_eq!(seen, [(2, "a|x".into()), (5, "c|".into())]);
        assert_eq!(tally.first_rejected[0].line, 4);
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(yes_no(" Yes "), Some(true));
        assert_eq!(yes_no("いいえ"), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }
}
