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
