//! mieruka's use cases over the store, shared by the command line and the server: evaluating
//! plans, the loss report, entering measurements. Each takes the store and validated values,
//! and returns domain results; neither HTTP nor the terminal is known here.

pub mod loss;
pub mod measure;
pub mod status;

use mieruka_store::StoreError;

/// What a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error(
        "organisation {0} has no loss inputs yet: `mieruka loss inputs --org {0} > loss.toml`, edit it, then `mieruka loss set --org {0} loss.toml`"
    )]
    NoLossInputs(String),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
