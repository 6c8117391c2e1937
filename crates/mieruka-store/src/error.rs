//! The storage error: what went wrong, in words a user can act on, with the cause kept for logs.

/// Everything storage can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to the database at {url}: {}", short(source))]
    Connect { url: String, source: sqlx::Error },

    #[error("cannot use the database file at {path}: {reason}")]
    Location { path: String, reason: String },

    #[error("cannot bring the database schema up to date: {0}")]
    Schema(String),

    #[error("{0}")]
    BadUrl(String),

    #[error("{what} `{key}` was not found")]
    NotFound { what: &'static str, key: String },

    #[error("{what} `{key}` already exists")]
    Conflict { what: &'static str, key: String },

    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },

    /// The thing is not in a state that takes this change (say, a plan already agreed);
    /// checked inside the change's transaction.
    #[error("{what} cannot be {done}: {reason}")]
    State {
        what: String,
        done: &'static str,
        reason: String,
    },

    #[error("stored {what} is unreadable: {reason}")]
    Corrupt { what: String, reason: String },

    /// The audit key or head file: `file` says which, and where.
    #[error("{file}: {reason}")]
    AuditSeal { file: String, reason: String },

    #[error("the change could not be committed: {0}")]
    Commit(String),

    #[error("database error: {}", short(.0))]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Maps a unique-constraint violation to `Conflict`, leaving other errors as they are.
    pub(crate) fn conflict_on_unique(e: sqlx::Error, what: &'static str, key: &str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                what,
                key: key.to_string(),
            },
            _ => StoreError::Database(e),
        }
    }
}

/// sqlx errors carry driver detail over several lines; a user needs the first.
fn short(e: &sqlx::Error) -> String {
    let s = e.to_string();
    let first = s.lines().next().unwrap_or("").trim();
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".into(),
        _ => first.to_string(),
    }
}
