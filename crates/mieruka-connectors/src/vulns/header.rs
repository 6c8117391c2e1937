//! The header line (line 1): which column holds each needed field, in any order, ignoring case,
//! surrounding spaces, a UTF-8 byte-order mark and extra columns.

use std::io::BufRead;

use super::{COLUMNS, VulnError};

/// Where each needed column is, and how many fields a row has.
pub struct Columns {
    pub idx: [usize; 8],
    pub count: usize,
}

/// Reads and checks the header line (line 1).
pub fn header<R: BufRead>(reader: &mut R, file: &str) -> Result<(Columns, u64), VulnError> {
    let mut line = Vec::new();
    let n = reader
        .read_until(b'\n', &mut line)
        .map_err(|source| VulnError::Io {
            file: file.into(),
            source,
        })?;
    if n == 0 {
        return Err(VulnError::Empty { file: file.into() });
    }
    let text = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
    let text = std::str::from_utf8(text).map_err(|_| VulnError::NotUtf8 {
        file: file.into(),
        line: 1,
    })?;
    let names: Vec<String> = text
        .trim_end_matches(['\n', '\r'])
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let mut idx = [usize::MAX; 8];
    for (k, col) in COLUMNS.iter().enumerate() {
        let mut found = names.iter().enumerate().filter(|(_, n)| n == col);
        if let Some((i, _)) = found.next() {
            idx[k] = i;
        }
        if found.next().is_some() {
            return Err(VulnError::DuplicateColumn {
                file: file.into(),
                column: (*col).into(),
            });
        }
    }
    let missing: Vec<String> = (0..8)
        .filter(|&k| idx[k] == usize::MAX)
        .map(|k| COLUMNS[k].to_string())
        .collect();
    if !missing.is_empty() {
        return Err(VulnError::MissingColumns {
            file: file.into(),
            columns: missing,
        });
    }
    let count = names.len();
    Ok((Columns { idx, count }, n as u64))
}
