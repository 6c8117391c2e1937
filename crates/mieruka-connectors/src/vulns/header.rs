//! The header line (line 1): which column holds each needed field, in any order, ignoring case,
//! surrounding spaces, a UTF-8 byte-order mark and extra columns, through the column mapping.

use std::io::BufRead;

use super::{FIELDS, VulnError};
use crate::mapping::{ColumnMap, Located};

/// Where each needed column is, and how many fields a row has.
pub struct Columns {
    pub idx: [usize; 8],
    pub count: usize,
}

/// Reads and checks the header line (line 1).
pub fn header<R: BufRead>(
    reader: &mut R,
    file: &str,
    map: &ColumnMap,
) -> Result<(Columns, u64), VulnError> {
    let mut line = Vec::new();
    let n = reader
        .read_until(b'\n', &mut line)
        .map_err(VulnError::io(file))?;
    if n == 0 {
        return Err(VulnError::Empty {
            file: file.into(),
            expected: FIELDS
                .iter()
                .map(|f| map.name_of(f))
                .collect::<Vec<_>>()
                .join(","),
        });
    }
    let text = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
    let text = std::str::from_utf8(text).map_err(|_| VulnError::NotUtf8 {
        file: file.into(),
        line: 1,
    })?;
    let names: Vec<String> = text
        .trim_end_matches(['\n', '\r'])
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    let found = map.locate(&FIELDS, &names).map_err(|e| match e {
        Located::Missing(columns) => VulnError::MissingColumns {
            file: file.into(),
            columns,
        },
        Located::Duplicate(column) => VulnError::DuplicateColumn {
            file: file.into(),
            column,
        },
    })?;
    let mut idx = [usize::MAX; 8];
    for (k, i) in found.into_iter().enumerate() {
        idx[k] = i.expect("every field is required");
    }
    Ok((
        Columns {
            idx,
            count: names.len(),
        },
        n as u64,
    ))
}
