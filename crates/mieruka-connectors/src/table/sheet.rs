//! Reading a whole file into a grid of cells: CSV or tab-separated text (in an encoding
//! [`super::decode`] reads) and Excel workbooks (the first worksheet). Rows keep the number a
//! person sees in the file, blank lines counted. The bytes come from the caller (a file on disk,
//! an upload), so the command line and the server read files alike: measurement and benchmark
//! imports, and the connectors given a workbook.
//!
//! Files come from anyone who may import, so reading them is held to [`Limits`]: a workbook is
//! refused when it expands past `max_unpacked_bytes`, its cells are read one by one (the range a
//! sheet declares is never trusted, nor materialised: only filled cells are kept, and each row only
//! up to its last filled cell), and a file going past `max_rows` or `max_cells` is refused with
//! the limit named. The Excel 97-2003 binary format is not read: its reader materialises every
//! sheet's whole declared range before anything can be checked.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, XlsxError, open_workbook_from_rs};
use mieruka_domain::Date;
use mieruka_domain::spreadsheet::from_formula_safe;

pub use super::decode::decode;
use super::lines::{Marking, Marks};
use crate::limits::Limits;

/// One cell as the file gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    /// A cell that cannot be a value (an Excel error such as `#DIV/0!`, a TRUE/FALSE), described.
    Unusable(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a CSV export of the sheet would write it: whole numbers without a
    /// decimal point, dates as `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Unusable(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A data row and its number in the file (the header is row 1 when it is the first line).
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// The header and the non-empty data rows of a file.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

enum Kind {
    Text,
    Xlsx,
}

/// An OLE compound file (the Excel 97–2003 format, or a workbook encrypted with a password).
const COMPOUND_FILE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a file's bytes within `limits`; `name` is the file's name as the person knows it, whose
/// extension says what the bytes are. Every error names the file.
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Sheet, String> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let kind = match ext.as_str() {
        "csv" | "txt" | "tsv" => Kind::Text,
        "xlsx" | "xlsm" => Kind::Xlsx,
        "xls" => {
            return Err(format!(
                "{name}: the Excel 97-2003 `.xls` format is not read; save the file as an Excel workbook (.xlsx) or as CSV"
            ));
        }
        _ => {
            return Err(format!(
                "{name}: cannot import a `.{ext}` file; use a .csv (or .txt) or an Excel .xlsx or .xlsm file"
            ));
        }
    };
    limits.file_size(name, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(format!("{name}: the file is empty"));
    }
    let (header, rows) = match kind {
        Kind::Text => read_text(bytes, limits),
        Kind::Xlsx => read_workbook(bytes, limits),
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let header = header.ok_or_else(|| format!("{name}: the file holds no rows at all"))?;
    if header.iter().all(String::is_empty) {
        return Err(format!(
            "{name}: the first row must be a header (plan, unit, date, …) but it is empty"
        ));
    }
    if rows.is_empty() {
        return Err(format!("{name}: the file has a header but no data rows"));
    }
    Ok(Sheet { header, rows })
}

type Grid = (Option<Vec<String>>, Vec<SheetRow>);

fn read_text(bytes: &[u8], limits: &Limits) -> Result<Grid, String> {
    let text = decode(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    // Excel's "Text (tab delimited)" and "Unicode text" save tab-separated rows.
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let marks = Marks::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Marking::new(text.as_bytes(), &marks));
    let mut header = None;
    let mut rows = Vec::new();
    let mut cells_read = 0;
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("row {}: {}", p.line(), csv_reason(&e)),
            None => csv_reason(&e),
        })?;
        // The line the row starts on, blank lines before it counted.
        let number = marks.line_of(record.position()) as usize;
        limits.row(number)?;
        cells_read += record.len();
        limits.cells(cells_read)?;
        if header.is_none() {
            header = Some(record.iter().map(|s| s.trim().to_string()).collect());
            continue;
        }
        let cells: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    // A cell mieruka quoted on export so spreadsheets do not run it.
                    Cell::Text(from_formula_safe(s).to_string())
                }
            })
            .collect();
        if !cells.iter().all(Cell::is_empty) {
            rows.push(SheetRow { number, cells });
        }
    }
    Ok((header, rows))
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".into(),
        _ => e.to_string().lines().next().unwrap_or("").to_string(),
    }
}

/// Reads the first worksheet of an Excel workbook cell by cell.
fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Grid, String> {
    if bytes.starts_with(COMPOUND_FILE) {
        return Err(
            "the workbook is protected by a password or in the Excel 97-2003 format; save it as an Excel workbook (.xlsx) without a password"
                .into(),
        );
    }
    unpacked_size(bytes, limits)?;
    let not_workbook = |e: XlsxError| format!("not a readable Excel workbook ({e})");
    let mut book = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(not_workbook)?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err("the workbook has no worksheet".into());
    };
    let mut reader = match book.worksheet_cells_reader(&sheet) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_)) => return Ok((None, Vec::new())),
        Err(e) => return Err(format!("cannot read the worksheet `{sheet}`: {e}")),
    };
    let in_sheet = |e: String| format!("worksheet `{sheet}`: {e}");
    // Filled cells by row, then column (both from 0); the sheet's declared range is ignored.
    let mut filled: BTreeMap<u32, BTreeMap<u32, Cell>> = BTreeMap::new();
    let mut count = 0usize;
    let mut first_column = u32::MAX;
    while let Some(c) = reader
        .next_cell()
        .map_err(|e| format!("cannot read the worksheet `{sheet}`: {e}"))?
    {
        let value = cell(&Data::from(c.get_value().clone()));
        if value == Cell::Empty {
            continue;
        }
        let (row, column) = c.get_position();
        limits.row(row as usize + 1).map_err(in_sheet)?;
        count += 1;
        limits.cells(count).map_err(in_sheet)?;
        first_column = first_column.min(column);
        filled.entry(row).or_default().insert(column, value);
    }
    // Each row runs from the sheet's first used column to its own last filled cell.
    let mut materialised = 0usize;
    let mut header = None;
    let mut rows = Vec::new();
    for (row, by_column) in filled {
        let last = by_column
            .keys()
            .next_back()
            .copied()
            .unwrap_or(first_column);
        materialised += (last - first_column) as usize + 1;
        limits.cells(materialised).map_err(in_sheet)?;
        let mut cells = vec![Cell::Empty; (last - first_column) as usize + 1];
        for (column, value) in by_column {
            cells[(column - first_column) as usize] = value;
        }
        if header.is_none() {
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            header = Some(cells.iter().map(header_text).collect());
            continue;
        }
        if !cells.iter().all(Cell::is_empty) {
            rows.push(SheetRow {
                number: row as usize + 1,
                cells,
            });
        }
    }
    Ok((header, rows))
}

/// Refuses a workbook whose parts expand past `max_unpacked_bytes` (counted while inflating,
/// whatever sizes the archive declares).
fn unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let not_workbook = |e: &dyn std::fmt::Display| format!("not a readable Excel workbook ({e})");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_workbook(&e))?;
    let budget = limits.max_unpacked_bytes;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| not_workbook(&e))?;
        let left = budget.saturating_sub(total);
        let n = std::io::copy(
            &mut std::io::Read::take(part, left.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|e| not_workbook(&e))?;
        total = total.saturating_add(n);
        if total > budget {
            return Err(format!(
                "the workbook expands to more than the {budget} bytes allowed (limits.max_unpacked_bytes)"
            ));
        }
    }
    Ok(())
}

fn header_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Unusable(s) => s.trim().to_string(),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
    }
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::DateTime(dt) if dt.is_duration() => {
            // A duration cell (`[h]:mm`) holds days; hours are what measurements use.
            Cell::Number(dt.as_f64() * 24.0)
        }
        Data::DateTime(dt) => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            match Date::new(i32::from(y), u32::from(m), u32::from(day)) {
                Ok(date) => Cell::Date(date),
                Err(e) => Cell::Unusable(format!("date cell {}: {e}", dt.as_f64())),
            }
        }
        Data::DateTimeIso(s) => Cell::Text(s.split('T').next().unwrap_or(s).to_string()),
        Data::DurationIso(s) => Cell::Unusable(format!("duration `{s}`")),
        Data::Bool(b) => Cell::Unusable(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::Error(e) => Cell::Unusable(format!("Excel error {e}")),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    /// A workbook of one sheet with `cells` (reference, text) and the declared `dimension`, its
    /// sheet padded with `padding` spaces (which deflate to almost nothing).
    fn workbook(cells: &[(&str, &str)], dimension: &str, padding: usize) -> Vec<u8> {
        let mut rows: BTreeMap<u32, String> = BTreeMap::new();
        for (reference, text) in cells {
            let row: u32 = reference
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .parse()
                .unwrap();
            rows.entry(row).or_default().push_str(&format!(
                r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#
            ));
        }
        let rows: String = rows
            .iter()
            .map(|(r, c)| format!(r#"<row r="{r}">{c}</row>"#))
            .collect();
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData>{}</worksheet>"#,
            " ".repeat(padding)
        );
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_sheet_declared_whole_with_a_cell_at_the_far_corner_is_refused_not_materialised() {
        let bytes = workbook(
            &[("A1", "unit"), ("B1", "date"), ("XFD1048576", "x")],
            "A1:XFD1048576",
            0,
        );
        assert!(bytes.len() < 5_000, "{} bytes", bytes.len());
        let e = read("corner.xlsx", &bytes, &Limits::default()).unwrap_err();
        assert_eq!(
            e,
            "corner.xlsx: worksheet `Sheet1`: row 1048576 is past the 1000000 rows a file may have (limits.max_rows)"
        );
    }

    #[test]
    fn only_filled_cells_are_kept_and_a_far_stray_cell_is_a_row_like_any_other() {
        // Read as a range, these three cells span 999,999 rows × 16,384 columns.
        let bytes = workbook(
            &[
                ("A1", "unit"),
                ("B1", "date"),
                ("A2", "hq"),
                ("B2", "2026-10-01"),
                ("XFD999999", "stray"),
            ],
            "A1:XFD1048576",
            0,
        );
        let sheet = read("far.xlsx", &bytes, &Limits::default()).unwrap();
        assert_eq!(sheet.header, ["unit", "date"]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0].number, 2);
        assert_eq!(
            sheet.rows[0].cells.len(),
            2,
            "a row ends at its last filled cell"
        );
        let far = &sheet.rows[1];
        assert_eq!(far.number, 999_999);
        assert_eq!(far.cells.len(), 16_384);
        assert_eq!(far.cells[16_383], Cell::Text("stray".into()));
    }

    #[test]
    fn cells_past_the_budget_are_refused() {
        let limits = Limits {
            max_cells: 5,
            ..Limits::default()
        };
        let filled = workbook(
            &[
                ("A1", "unit"),
                ("B1", "date"),
                ("A2", "hq"),
                ("B2", "d"),
                ("A3", "x"),
                ("B3", "y"),
            ],
            "A1:B3",
            0,
        );
        let e = read("many.xlsx", &filled, &limits).unwrap_err();
        assert_eq!(
            e,
            "many.xlsx: worksheet `Sheet1`: the sheet holds more than the 5 cells allowed (limits.max_cells)"
        );
        // Two filled cells, but the second row runs to column J: 1 + 10 cells once read.
        let wide = workbook(&[("A1", "unit"), ("J2", "x")], "A1:J2", 0);
        assert!(
            read("wide.xlsx", &wide, &limits)
                .unwrap_err()
                .contains("limits.max_cells")
        );
        let e = read("many.csv", b"a,b\nc,d\ne,f\n", &limits).unwrap_err();
        assert_eq!(
            e,
            "many.csv: the sheet holds more than the 5 cells allowed (limits.max_cells)"
        );
    }

    #[test]
    fn rows_and_bytes_past_the_budget_are_refused() {
        let limits = Limits {
            max_rows: 3,
            max_file_bytes: 40,
            ..Limits::default()
        };
        let e = read("long.csv", b"u\na\nb\nc\nd\n", &limits).unwrap_err();
        assert_eq!(
            e,
            "long.csv: row 4 is past the 3 rows a file may have (limits.max_rows)"
        );
        assert!(read("ok.csv", b"u,d\na,b\nc,d\n", &limits).is_ok());
        let e = read("big.csv", &[b'a'; 41], &limits).unwrap_err();
        assert_eq!(
            e,
            "big.csv: the file is 41 bytes, more than the 40 allowed (limits.max_file_bytes)"
        );
    }

    #[test]
    fn a_workbook_expanding_past_the_budget_is_refused_before_it_is_opened() {
        let bytes = workbook(&[("A1", "unit"), ("A2", "x")], "A1:A2", 4 << 20);
        assert!(bytes.len() < 64 << 10, "{} bytes", bytes.len());
        let limits = Limits {
            max_unpacked_bytes: 1 << 20,
            ..Limits::default()
        };
        let e = read("bomb.xlsx", &bytes, &limits).unwrap_err();
        assert_eq!(
            e,
            "bomb.xlsx: the workbook expands to more than the 1048576 bytes allowed (limits.max_unpacked_bytes)"
        );
        assert!(read("bomb.xlsx", &bytes, &Limits::default()).is_ok());
    }

    #[test]
    fn old_and_password_protected_workbooks_are_refused_unread() {
        let mut compound = COMPOUND_FILE.to_vec();
        compound.resize(4096, 0xFF);
        let e = read("secret.xlsx", &compound, &Limits::default()).unwrap_err();
        assert!(
            e.starts_with("secret.xlsx: the workbook is protected by a password"),
            "{e}"
        );
        let e = read("old.xls", &compound, &Limits::default()).unwrap_err();
        assert!(e.contains("Excel 97-2003 `.xls` format is not read"), "{e}");
    }

    #[test]
    fn cells_quoted_on_export_read_back_as_written() {
        let sheet = read(
            "m.csv",
            b"unit,evidence\nhq,'=HYPERLINK(\"http://x\")\nus,-12.5\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            sheet.rows[0].cells[1],
            Cell::Text("=HYPERLINK(\"http://x\")".into())
        );
        assert_eq!(sheet.rows[1].cells[1], Cell::Text("-12.5".into()));
    }

    #[test]
    fn a_bad_row_after_a_blank_line_is_named_by_its_real_line() {
        // Once numbered 3: the CSV reader numbered a row from where it started looking for it,
        // before the blank line it skipped.
        let sheet = read(
            "m.csv",
            b"unit,date\nhq,2026-10-01\n\nus,not a date\n\n\n\nfr,2026-10-03\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [2, 4, 8]
        );
        let (sjis, _, _) =
            encoding_rs::SHIFT_JIS.encode("単位,日付\r\n本社,2026-10-01\r\n\r\n米国,x\r\n");
        let sheet = read("m.csv", &sjis, &Limits::default()).unwrap();
        assert_eq!(sheet.header, ["単位", "日付"]);
        assert_eq!(
            sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [2, 4]
        );
    }

    #[test]
    fn cells_as_text() {
        assert_eq!(Cell::Number(3.0).text(), "3");
        assert_eq!(Cell::Number(2.5).text(), "2.5");
        assert_eq!(
            Cell::Date(Date::new(2026, 3, 31).unwrap()).text(),
            "2026-03-31"
        );
        assert_eq!(Cell::Empty.text(), "");
    }

    #[test]
    fn text_rows_keep_their_line_numbers_and_skip_blank_rows() {
        let (header, rows) = read_text(
            b"unit,date\nhq,2026-10-01\n,\nus,2026-10-02\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(header.unwrap(), ["unit", "date"]);
        assert_eq!(
            rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [2, 4],
            "the blank row 3 is skipped but counted"
        );
        let (_, tabbed) = read_text(b"unit\tdate\nhq\t2026-10-01\n", &Limits::default()).unwrap();
        assert_eq!(tabbed[0].cells[1], Cell::Text("2026-10-01".into()));
    }
}
