//! Connectors: computations over data exported from other tools. Each connector reads from a
//! `std::io::Read` (or a file split into byte ranges for parallel reading) and returns results;
//! none touches a database, the clock or the terminal.
//!
//! - [`vulns`] — vulnerability findings CSV → per business unit × severity: time to start,
//!   time to resolve (mean and exact P90) and the share resolved within SLA.

pub mod vulns;
