//! Connectors: computations over data exported from other tools. Each connector reads from a
//! `std::io::Read` (or a file split into byte ranges for parallel reading) and returns results;
//! none touches a database, the clock or the terminal.
//!
//! Shared by all: [`mapping`] (the file's column names mapped to ours), [`rows`] (counts and
//! rejected rows with line numbers), [`error`] (why a whole file is refused), [`table`] (the one
//! table reader: encodings, CSV streams and Excel sheets, rows with their real line numbers,
//! also used for measurement and benchmark files), [`limits`] (what reading someone else's file
//! may cost), [`datetime`] (the date-time layouts tools write, times without a zone in the
//! organisation's) and [`figures`] (the catalogue KPIs a run feeds).
//!
//! - [`vulns`] — vulnerability findings CSV → per business unit × severity: time to start,
//!   time to resolve (mean and exact P90) and the share resolved within SLA;
//! - [`defectdojo`] — DefectDojo's findings JSON → the same figures;
//! - [`gophish`] — GoPhish campaign results → open, click, submit, report and retest rates;
//! - [`openscap`] — OpenSCAP XCCDF results → standard system policy compliance;
//! - [`assets`] — asset inventory → inventoried and managed shares per kind;
//! - [`coverage`] — EDR agent list against the inventory → monitoring coverage;
//! - [`incidents`] — incident tickets → time to detect and to contain, effort;
//! - [`training`] — training completions → completion rate.
//!
//! Every connector's report can list the catalogue KPI figures it feeds ([`figures`]).

pub mod assets;
pub mod coverage;
pub mod datetime;
pub mod defectdojo;
pub mod error;
pub mod figures;
pub mod gophish;
pub mod incidents;
pub mod limits;
pub mod mapping;
pub mod openscap;
pub mod rows;
pub mod table;
pub mod training;
pub mod vulns;

pub use error::ConnectorError;
pub use mapping::{ColumnMap, Field};
pub use rows::{BadRow, Tally};
