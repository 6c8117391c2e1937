//! Where the database is: the `--database` flag or `MIERUKA_DATABASE_URL`, else a SQLite file
//! in the user's data folder.

use std::path::PathBuf;

use anyhow::Result;
use mieruka_store::DatabaseUrl;

/// The SQLite file used when no database is named, following the XDG convention:
/// `$MIERUKA_HOME/mieruka.sqlite3`, else `$XDG_DATA_HOME/mieruka/mieruka.sqlite3`, else
/// `~/.local/share/mieruka/mieruka.sqlite3`, else `./mieruka.sqlite3`.
pub fn default_database_path() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(home) = env("MIERUKA_HOME") {
        return home.join("mieruka.sqlite3");
    }
    if let Some(data) = env("XDG_DATA_HOME") {
        return data.join("mieruka").join("mieruka.sqlite3");
    }
    if let Some(home) = env("HOME") {
        return home.join(".local/share/mieruka/mieruka.sqlite3");
    }
    PathBuf::from("mieruka.sqlite3")
}

/// The database a command works on.
pub fn database_url(flag: Option<&str>) -> Result<DatabaseUrl> {
    match flag.map(str::trim).filter(|s| !s.is_empty()) {
        Some(url) => Ok(DatabaseUrl::parse(url)?),
        None => Ok(DatabaseUrl::sqlite(default_database_path())),
    }
}
