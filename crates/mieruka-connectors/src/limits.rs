//! How much an untrusted file may cost to read: its size on disk or in a request, what an Excel
//! workbook may expand to, and the rows and cells a sheet may hold. Every reader of a file someone
//! else made (measurement and benchmark files, connector inputs, the inbox folder, the loss input
//! and the report narrative) checks it, and a refusal names the file, what was too large and the
//! setting that allows more. The server reads these from its `[limits]` settings; the command
//! line from the same `MIERUKA_LIMITS_*` variables.

use std::io::Read;
use std::path::Path;

use serde::Deserialize;

/// The budget of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The largest file read, in bytes.
    pub max_file_bytes: u64,
    /// The most an Excel workbook (a zip archive) may expand to, in bytes, all parts together.
    pub max_unpacked_bytes: u64,
    /// The last row a sheet or text file may use (blank rows count: row numbers are kept).
    pub max_rows: usize,
    /// The most cells a sheet may hold once read (each row counts up to its last filled cell).
    pub max_cells: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_unpacked_bytes: 512 * 1024 * 1024,
            max_rows: 1_000_000,
            max_cells: 5_000_000,
        }
    }
}

/// The environment variable of each setting, and its name in the `[limits]` table.
pub const VARIABLES: [(&str, &str); 4] = [
    ("MIERUKA_LIMITS_MAX_FILE_BYTES", "max_file_bytes"),
    ("MIERUKA_LIMITS_MAX_UNPACKED_BYTES", "max_unpacked_bytes"),
    ("MIERUKA_LIMITS_MAX_ROWS", "max_rows"),
    ("MIERUKA_LIMITS_MAX_CELLS", "max_cells"),
];

impl Limits {
    /// These limits overlaid by the `MIERUKA_LIMITS_*` variables `env` gives; every limit must
    /// be a positive whole number.
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> Result<Limits, String> {
        for (var, _) in VARIABLES {
            let Some(v) = env(var) else { continue };
            let n: u64 = v.trim().parse().map_err(|_| {
                format!("{var}: `{v}` is not a whole number of bytes, rows or cells")
            })?;
            match var {
                "MIERUKA_LIMITS_MAX_FILE_BYTES" => self.max_file_bytes = n,
                "MIERUKA_LIMITS_MAX_UNPACKED_BYTES" => self.max_unpacked_bytes = n,
                "MIERUKA_LIMITS_MAX_ROWS" => {
                    self.max_rows = usize::try_from(n).unwrap_or(usize::MAX)
                }
                _ => self.max_cells = usize::try_from(n).unwrap_or(usize::MAX),
            }
        }
        self.check()?;
        Ok(self)
    }

    /// Every limit is positive.
    pub fn check(&self) -> Result<(), String> {
        let values = [
            self.max_file_bytes,
            self.max_unpacked_bytes,
            self.max_rows as u64,
            self.max_cells as u64,
        ];
        match VARIABLES.iter().zip(values).find(|(_, v)| *v == 0) {
            Some(((_, name), _)) => Err(format!("limits.{name} must be positive")),
            None => Ok(()),
        }
    }

    /// Refuses `len` bytes of the file `name` when above `max_file_bytes`.
    pub fn file_size(&self, name: &str, len: u64) -> Result<(), String> {
        if len > self.max_file_bytes {
            return Err(format!(
                "{name}: the file is {len} bytes, more than the {} allowed (limits.max_file_bytes)",
                self.max_file_bytes
            ));
        }
        Ok(())
    }

    /// Reads the file at `path` whole, refusing it before reading when it is larger than
    /// `max_file_bytes` (and if it grows past it while being read). `name` is how messages call it.
    pub fn read_file(&self, path: &Path, name: &str) -> Result<Vec<u8>, String> {
        let file =
            std::fs::File::open(path).map_err(|e| format!("{name}: cannot read the file: {e}"))?;
        let len = file
            .metadata()
            .map_err(|e| format!("{name}: cannot read the file: {e}"))?
            .len();
        self.file_size(name, len)?;
        self.read_capped(file, name)
    }

    /// Reads `reader` whole, refusing it once it passes `max_file_bytes`.
    pub fn read_capped(&self, reader: impl Read, name: &str) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        reader
            .take(self.max_file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{name}: cannot read the file: {e}"))?;
        self.file_size(name, bytes.len() as u64)?;
        Ok(bytes)
    }

    /// Reads the text file at `path` whole (UTF-8), within `max_file_bytes`.
    pub fn read_text_file(&self, path: &Path, name: &str) -> Result<String, String> {
        let bytes = self.read_file(path, name)?;
        String::from_utf8(bytes).map_err(|_| format!("{name}: the file is not UTF-8 text"))
    }

    /// Refuses a sheet that goes past row `row`.
    pub fn row(&self, row: usize) -> Result<(), String> {
        if row > self.max_rows {
            return Err(format!(
                "row {row} is past the {} rows a file may have (limits.max_rows)",
                self.max_rows
            ));
        }
        Ok(())
    }

    /// Refuses a sheet that holds more than `max_cells` cells.
    pub fn cells(&self, cells: usize) -> Result<(), String> {
        if cells > self.max_cells {
            return Err(format!(
                "the sheet holds more than the {} cells allowed (limits.max_cells)",
                self.max_cells
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_override_and_zero_is_refused() {
        let l = Limits::default()
            .with_env(|k| (k == "MIERUKA_LIMITS_MAX_ROWS").then(|| "10".into()))
            .unwrap();
        assert_eq!(l.max_rows, 10);
        assert_eq!(l.max_cells, Limits::default().max_cells);
        let e = Limits::default()
            .with_env(|k| (k == "MIERUKA_LIMITS_MAX_CELLS").then(|| "0".into()))
            .unwrap_err();
        assert_eq!(e, "limits.max_cells must be positive");
        let e = Limits::default()
            .with_env(|k| (k == "MIERUKA_LIMITS_MAX_FILE_BYTES").then(|| "1MB".into()))
            .unwrap_err();
        assert!(e.starts_with("MIERUKA_LIMITS_MAX_FILE_BYTES: `1MB`"), "{e}");
    }

    #[test]
    fn a_file_too_large_is_refused_before_and_while_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, vec![b'a'; 101]).unwrap();
        let l = Limits {
            max_file_bytes: 100,
            ..Limits::default()
        };
        let e = l.read_file(&path, "big.csv").unwrap_err();
        assert_eq!(
            e,
            "big.csv: the file is 101 bytes, more than the 100 allowed (limits.max_file_bytes)"
        );
        assert!(l.read_capped(&[0u8; 101][..], "pipe").is_err());
        assert_eq!(l.read_capped(&[0u8; 100][..], "pipe").unwrap().len(), 100);
    }
}
