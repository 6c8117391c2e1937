//! mieruka's use cases over the store, shared by the command line and the server: evaluating
//! plans, the loss report and its simulation, the risk register, entering and importing
//! measurements, and the public JSON both print. Each takes the store and validated values, and
//! returns domain results or JSON values; neither HTTP nor the terminal is known here.

pub mod benchmarks;
pub mod catalog;
pub mod collect;
pub mod import_key;
pub mod limits;
pub mod loss;
pub mod measure;
pub mod measure_file;
pub mod org;
pub mod plan;
pub mod report;
pub mod risks;
pub mod simulation;
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
    /// The stored data cannot serve the request as it stands (say, loss inputs the simulation
    /// cannot use); the message says why.
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
