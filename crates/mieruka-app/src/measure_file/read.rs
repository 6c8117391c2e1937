//! Reading an import file into a grid of cells: CSV or tab-separated text (UTF-8 with or without a
//! BOM, UTF-16 with a BOM, or Shift_JIS/CP932 as Japanese Excel writes it) and Excel workbooks
//! (the first worksheet). Rows keep the number a person sees in the file. The bytes come from
//! the caller (a file on disk, an upload), so the command line and the server read files alike.

use std::io::Cursor;

use calamine::{Data, Reader, Xls, Xlsx, open_workbook_from_rs};
use mieruka_domain::Date;

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
    Xls,
}

/// Reads a file's bytes; `name` is the file's name as the person knows it, whose extension
/// says what the bytes are. Every error names the file.
pub fn read(name: &str, bytes: &[u8]) -> Result<Sheet, String> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let kind = match ext.as_str() {
        "csv" | "txt" | "tsv" => Kind::Text,
        "xlsx" | "xlsm" => Kind::Xlsx,
        "xls" => Kind::Xls,
        _ => {
            return Err(format!(
                "{name}: cannot import a `.{ext}` file; use a .csv (or .txt) or an Excel .xlsx, .xlsm or .xls file"
            ));
        }
    };
    if bytes.is_empty() {
        return Err(format!("{name}: the file is empty"));
    }
    let (header, rows) = match kind {
        Kind::Text => read_text(bytes),
        Kind::Xlsx | Kind::Xls => read_workbook(bytes.to_vec(), matches!(kind, Kind::Xls)),
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

/// Decodes text: a UTF-8 or UTF-16 BOM decides; else UTF-8 if the bytes are valid UTF-8, else
/// Shift_JIS (as the Windows code page 932).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|s| s.into_owned())
            .ok_or_else(|| format!("the text is not valid {} despite its BOM", encoding.name()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
        .ok_or_else(|| {
            "the text is neither UTF-8 nor Shift_JIS (CP932); save it as CSV UTF-8 or CSV (comma delimited)".to_string()
        })
}

fn read_text(bytes: &[u8]) -> Result<Grid, String> {
    let text = decode(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    // Excel's "Text (tab delimited)" and "Unicode text" save tab-separated rows.
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("row {}: {}", p.line(), csv_reason(&e)),
            None => csv_reason(&e),
        })?;
        let number = record.position().map_or(0, |p| p.line() as usize);
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
                    Cell::Text(s.to_string())
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

fn read_workbook(bytes: Vec<u8>, xls: bool) -> Result<Grid, String> {
    let not_workbook = |e: String| format!("not a readable Excel workbook ({e})");
    let range = if xls {
        let mut book = open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes))
            .map_err(|e| not_workbook(e.to_string()))?;
        first_sheet(&mut book)?
    } else {
        let mut book = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes))
            .map_err(|e| not_workbook(e.to_string()))?;
        first_sheet(&mut book)?
    };
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut header = None;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let number = first_row + i + 1;
        let cells: Vec<Cell> = row.iter().map(cell).collect();
        if header.is_none() {
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            header = Some(cells.iter().map(header_text).collect());
            continue;
        }
        if !cells.iter().all(Cell::is_empty) {
            rows.push(SheetRow { number, cells });
        }
    }
    Ok((header, rows))
}

fn first_sheet<R>(book: &mut R) -> Result<calamine::Range<Data>, String>
where
    R: Reader<Cursor<Vec<u8>>>,
    R::Error: std::fmt::Display,
{
    match book.worksheet_range_at(0) {
        None => Err("the workbook has no worksheet".into()),
        Some(Err(e)) => Err(format!("cannot read the first worksheet: {e}")),
        Some(Ok(range)) => Ok(range),
    }
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
    use super::*;

    #[test]
    fn decodes_utf8_with_and_without_bom_and_shift_jis() {
        assert_eq!(decode("単位,日付".as_bytes()).unwrap(), "単位,日付");
        assert_eq!(decode(b"\xEF\xBB\xBFunit").unwrap(), "unit");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("ユニット,日付");
        assert!(std::str::from_utf8(&sjis).is_err());
        assert_eq!(decode(&sjis).unwrap(), "ユニット,日付");
        assert!(decode(b"\x82\xff\xff").unwrap_err().contains("Shift_JIS"));
    }

    #[test]
    fn text_rows_keep_their_line_numbers_and_skip_blank_rows() {
        let (header, rows) = read_text(b"unit,date\nhq,2026-10-01\n,\nus,2026-10-02\n").unwrap();
        assert_eq!(header.unwrap(), ["unit", "date"]);
        assert_eq!(
            rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [2, 4],
            "the blank row 3 is skipped but counted"
        );
        let (_, tabbed) = read_text(b"unit\tdate\nhq\t2026-10-01\n").unwrap();
        assert_eq!(tabbed[0].cells[1], Cell::Text("2026-10-01".into()));
    }
}
