//! Where the database is: the `--database` flag or `MIERUKA_DATABASE_URL`, else a SQLite file
//! in the user's data folder; and where its audit key is.

use std::path::{Path, PathBuf};

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

/// The audit log's key file: the `--audit-key-file` flag or `MIERUKA_AUDIT_KEY_FILE`, else
/// beside a SQLite file (`<file>.audit-key`), else — PostgreSQL — in the user's data folder,
/// named after the server and database (`<host>_<port>_<db>.audit-key`).
pub fn audit_key_file(flag: Option<&Path>, url: &DatabaseUrl) -> PathBuf {
    if let Some(path) = flag.filter(|p| !p.as_os_str().is_empty()) {
        return path.to_path_buf();
    }
    if let Some(path) = url.default_audit_key_file() {
        return path;
    }
    let folder = default_database_path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    folder.join(format!("{}.audit-key", postgres_name(&url.to_string())))
}

/// `host_port_db` from a PostgreSQL URL (no user, password or options), as a file name.
fn postgres_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_key_is_beside_a_sqlite_file_or_named_after_the_postgres_database() {
        let sqlite = DatabaseUrl::sqlite("/srv/m.sqlite3");
        assert_eq!(
            audit_key_file(None, &sqlite),
            PathBuf::from("/srv/m.sqlite3.audit-key")
        );
        assert_eq!(
            audit_key_file(Some(Path::new("/etc/k")), &sqlite),
            PathBuf::from("/etc/k")
        );
        assert_eq!(
            postgres_name("postgres://me:secret@db.example:5432/kpi?sslmode=require"),
            "db.example_5432_kpi"
        );
    }
}
