//! Writing output files whole: to a temporary file beside the target, then renamed into place,
//! so a reader never sees half a file and a failed write leaves the old one untouched.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow};

/// Writes `bytes` to `path` atomically. `option` (e.g. `--svg`) prefixes error messages.
pub fn write_whole(path: &Path, bytes: &[u8], option: Option<&str>) -> Result<()> {
    let name = match option {
        Some(o) => format!("{o}: {}", path.display()),
        None => path.display().to_string(),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mieruka-");
    // A temporary file is private by default; the output gets the usual permissions (umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("{name}: cannot create a file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{name}: cannot write"))?;
    tmp.persist(path)
        .map_err(|e| anyhow!("{name}: cannot write: {}", e.error))?;
    Ok(())
}

/// The budget of a file read from disk: the defaults, overlaid by the `MIERUKA_LIMITS_*`
/// variables (as the server reads them).
pub fn limits() -> Result<mieruka_app::limits::Limits> {
    mieruka_app::limits::Limits::default()
        .with_env(|k| std::env::var(k).ok())
        .map_err(|e| anyhow!(e))
}

/// Reads the file at `path` whole within the budget; `name` is how messages call it.
pub fn read_limited(path: &Path, name: &str) -> Result<Vec<u8>> {
    limits()?.read_file(path, name).map_err(|e| anyhow!(e))
}

/// Reads the UTF-8 text file at `path` whole within the budget.
pub fn read_text_limited(path: &Path, name: &str) -> Result<String> {
    limits()?.read_text_file(path, name).map_err(|e| anyhow!(e))
}
