//! How much an untrusted file may cost to read ([`Limits`]): kept with the one table reader in
//! `mieruka_connectors`, which both the use cases here and the connectors read files through.

pub use mieruka_connectors::limits::{Limits, VARIABLES};
