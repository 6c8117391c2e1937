//! mieruka's use cases over the store, shared by the command line and the server: evaluating
//! plans, the loss report and its simulation, the risk register, entering and importing
//! measurements, and the public JSON both print. Each takes the store and validated values, and
//! returns domain results or JSON values; neither HTTP nor the terminal is known here.

pub mod audit;
pub mod benchmarks;
pub mod catalog;
pub mod collect;
pub mod import_key;
pub mod limits;
pub mod loss;
pub mod measure;
pub mod measure_file;
pub mod narrative;
pub mod org;
pub mod plan;
pub mod report;
pub mod risks;
pub mod secret;
pub mod session;
pub mod simulation;
pub mod status;
pub mod users;

use mieruka_domain::Timestamp;
use mieruka_store::StoreError;

/// The wall clock, read only by the front ends (once per command, or where a request needs
/// it) and passed to every use case as `now`.
#[allow(clippy::disallowed_methods)]
pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Timestamp::from_unix_seconds(secs)
}

/// What a use case can fail with. Each front end turns it into its own form in one place: the
/// server into an HTTP status with `{code, message, field}`, the command line into one line
/// naming the option at fault. [`AppError::kind`] says which kind of failure it is and
/// [`AppError::field`] which value was at fault, named as the API's JSON names it
/// (`targets[0]`, `purpose.text`).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The request as a whole is refused (no one field is at fault); the message says why.
    #[error("{0}")]
    Refused(String),
    /// Some rows of a batch are refused, each listed; nothing was written.
    #[error("{message}")]
    InvalidRows {
        message: String,
        problems: Vec<RowProblem>,
    },
    /// What was asked for does not exist; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// The one asking may not do this; the message says why.
    #[error("{0}")]
    Forbidden(String),
    /// A sign-in with a wrong name or password (which of the two is not said).
    #[error("the username or password is wrong")]
    Unauthenticated,
    /// Too many failed sign-ins: the seconds to wait.
    #[error("too many failed sign-ins; try again in {0} seconds")]
    Throttled(u64),
    #[error(
        "organisation {0} has no loss inputs yet: `mieruka loss inputs --org {0} > loss.toml`, edit it, then `mieruka loss set --org {0} loss.toml`"
    )]
    NoLossInputs(String),
    /// The stored data cannot serve the request as it stands (say, loss inputs the simulation
    /// cannot use, or a plan already agreed); the message says why.
    #[error("{0}")]
    Conflict(String),
    /// Something that should not happen (a worker that died); the message is for the log.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The kind of an [`AppError`], which each front end maps to its own form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Invalid,
    NotFound,
    Forbidden,
    Unauthenticated,
    Throttled,
    Conflict,
    Internal,
}

/// One bad row of a batch: its 1-based number, the field at fault (if one is) and why.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct RowProblem {
    /// 1-based.
    pub row: usize,
    pub field: Option<String>,
    pub reason: String,
}

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Store(StoreError::NotFound { .. }) | AppError::NotFound(_) => {
                ErrorKind::NotFound
            }
            AppError::Store(StoreError::Invalid { .. })
            | AppError::Invalid { .. }
            | AppError::Refused(_)
            | AppError::InvalidRows { .. } => ErrorKind::Invalid,
            AppError::Store(StoreError::Conflict { .. } | StoreError::State { .. })
            | AppError::Conflict(_)
            | AppError::NoLossInputs(_) => ErrorKind::Conflict,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::Unauthenticated => ErrorKind::Unauthenticated,
            AppError::Throttled(_) => ErrorKind::Throttled,
            AppError::Store(_) | AppError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The value at fault, when one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. }
            | AppError::Store(StoreError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }

    /// The reason without the field's name (the whole message when no field is at fault).
    pub fn reason(&self) -> String {
        match self {
            AppError::Invalid { reason, .. }
            | AppError::Store(StoreError::Invalid { reason, .. }) => reason.clone(),
            other => other.to_string(),
        }
    }
}

impl From<mieruka_domain::plan::FieldError> for AppError {
    fn from(e: mieruka_domain::plan::FieldError) -> AppError {
        AppError::Invalid {
            field: e.field,
            reason: e.reason,
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
