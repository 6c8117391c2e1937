//! Where `mieruka collect` gets its input: the column mapping from `--map` and `--column`, the
//! file (a CSV stream, or an Excel workbook's first sheet, through the one table reader), and
//! the vulnerability reader run with a progress display on a terminal.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use mieruka_connectors::ColumnMap;
use mieruka_connectors::mapping::Field;
use mieruka_connectors::table::{self, Table};
use mieruka_connectors::vulns;

use super::collect::Common;

/// The column mapping of `connector`: its table of `--map`, then `--column` settings.
pub fn columns(common: &Common, connector: &str, fields: &[Field]) -> Result<ColumnMap> {
    let mut map = ColumnMap::default();
    if let Some(path) = &common.map {
        let text = crate::files::read_text_limited(path, &format!("--map {}", path.display()))?;
        map = ColumnMap::from_toml(&text, connector)
            .map_err(|e| anyhow!("--map {}: {e}", path.display()))?;
        map.check(fields)
            .map_err(|e| anyhow!("--map {} [{connector}]: {e}", path.display()))?;
    }
    for c in &common.columns {
        map.set(c).map_err(|e| anyhow!("--column {e}"))?;
    }
    map.check(fields).map_err(|e| anyhow!("--column {e}"))?;
    Ok(map)
}

pub fn one_file(common: &Common) -> Result<&Path> {
    match common.file.as_slice() {
        [f] => Ok(f),
        _ => bail!("--file: give one file"),
    }
}

pub fn open(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))
}

/// A table connector's input: a CSV file streamed as it is, or an Excel workbook's first
/// worksheet read within the limits (by the file's extension), through the one table reader.
pub fn open_table(path: &Path) -> Result<Table<std::fs::File>> {
    let name = path.display().to_string();
    if !table::is_workbook(&name) {
        return Ok(Table::Text(open(path)?));
    }
    let limits = crate::files::limits()?;
    let bytes = limits.read_file(path, &name).map_err(|e| anyhow!(e))?;
    let sheet = table::sheet::read(&name, &bytes, &limits).map_err(|e| anyhow!("{e}"))?;
    Ok(Table::Sheet(sheet))
}

pub fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Runs the vulnerability computation, showing the share of the file read on stderr when it is
/// a terminal and the file is large.
pub fn with_progress(file: &Path, mut options: vulns::Options) -> Result<vulns::Report> {
    let total = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if !std::io::stderr().is_terminal() || total < (64 << 20) {
        return Ok(vulns::analyse_file(file, &options)?);
    }
    let done = Arc::new(AtomicU64::new(0));
    options.progress = Some(done.clone());
    let finished = Arc::new(AtomicBool::new(false));
    let shower = {
        let finished = finished.clone();
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                let pct = done.load(Ordering::Relaxed) as f64 * 100.0 / total as f64;
                eprint!("\r{pct:5.1}%");
                std::thread::sleep(Duration::from_millis(200));
            }
            eprint!("\r       \r");
        })
    };
    let result = vulns::analyse_file(file, &options);
    finished.store(true, Ordering::Relaxed);
    let _ = shower.join();
    Ok(result?)
}
