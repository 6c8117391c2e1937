//! Database URLs: `sqlite://path/to/file` or `postgres://user@host:port/db`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::StoreError;

/// Which database engine a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A parsed database location. Its `Display` never shows a password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `postgres://…` and `postgresql://…`.
    pub fn parse(s: &str) -> Result<DatabaseUrl, StoreError> {
        let s = s.trim();
        if let Some(rest) = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
        {
            let path = rest.split_once('?').map_or(rest, |(p, _)| p);
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::BadUrl(format!(
                    "`{s}`: give the SQLite file's path, e.g. sqlite://./mieruka.sqlite3"
                )));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(s.to_string()));
        }
        Err(StoreError::BadUrl(format!(
            "`{}` is not a database URL mieruka can use (expected sqlite://PATH or postgres://USER@HOST/DB)",
            redact(s)
        )))
    }

    /// A SQLite file at `path`.
    pub fn sqlite(path: impl Into<PathBuf>) -> DatabaseUrl {
        DatabaseUrl::Sqlite(path.into())
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file, when this is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DatabaseUrl::Sqlite(p) => Some(p),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// Where the audit log's key is kept when none is named: beside a SQLite file
    /// (`<file>.audit-key`); a PostgreSQL database has no such place of its own.
    pub fn default_audit_key_file(&self) -> Option<PathBuf> {
        match self {
            DatabaseUrl::Sqlite(p) => {
                let mut name = p.as_os_str().to_owned();
                name.push(".audit-key");
                Some(PathBuf::from(name))
            }
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// The URL handed to the driver: SQLite files are created when missing.
    pub(crate) fn connect_string(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => {
                let mut encoded = String::new();
                for c in p.to_string_lossy().chars() {
                    match c {
                        '%' => encoded.push_str("%25"),
                        '?' => encoded.push_str("%3F"),
                        '#' => encoded.push_str("%23"),
                        c => encoded.push(c),
                    }
                }
                format!("sqlite://{encoded}?mode=rwc")
            }
            DatabaseUrl::Postgres(u) => u.clone(),
        }
    }

    /// Makes sure a SQLite file can be created: its folder exists (created if needed) and the
    /// path is not a folder itself.
    pub(crate) fn prepare_location(&self) -> Result<(), StoreError> {
        let DatabaseUrl::Sqlite(path) = self else {
            return Ok(());
        };
        let fail = |reason: String| StoreError::Location {
            path: path.display().to_string(),
            reason,
        };
        if path.is_dir() {
            return Err(fail("it is a folder, not a file".into()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create its folder {}: {e}", dir.display())))?;
        }
        // Opening for append creates the file if missing and proves we may write to it.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| fail(e.to_string()))?;
        Ok(())
    }
}

/// Hides the password of a URL: `postgres://user:***@host/db`.
fn redact(s: &str) -> String {
    let Some((scheme, rest)) = s.split_once("://") else {
        return s.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return s.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => s.to_string(),
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => f.write_str(&redact(u)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_backends() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/m.sqlite3").unwrap(),
            DatabaseUrl::Sqlite("./data/m.sqlite3".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db?mode=rwc")
                .unwrap()
                .sqlite_path(),
            Some(Path::new("/tmp/x.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://root@127.0.0.1:5432/test")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
    }

    #[test]
    fn rejects_other_schemes_without_leaking_passwords() {
        let e = DatabaseUrl::parse("mysql://me:hunter2@db/x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("me:***@db") && !e.contains("hunter2"), "{e}");
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
    }

    #[test]
    fn display_hides_the_password() {
        let u = DatabaseUrl::parse("postgres://me:hunter2@db:5432/x").unwrap();
        assert_eq!(u.to_string(), "postgres://me:***@db:5432/x");
        assert!(!format!("{u:?}").contains("hunter2"));
    }

    #[test]
    fn odd_characters_in_paths_survive() {
        let u = DatabaseUrl::sqlite("/tmp/a?b#c%d.db");
        assert_eq!(
            u.connect_string(),
            "sqlite:///tmp/a%3Fb%23c%25d.db?mode=rwc"
        );
    }
}
