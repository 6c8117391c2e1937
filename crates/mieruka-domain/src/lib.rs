//! The mieruka domain: the KPI model of JCIC's *Cybersecurity KPI Model* as plain Rust.
//!
//! This crate owns the vocabulary (maturity stage, measure kind, formula, target), the built-in
//! catalogue and its validation, the Fig. 1 grid, calendar dates and fiscal periods, and the
//! organisation/unit facts. It performs no IO: no database, network, filesystem or clock. Time and
//! text come in as parameters, so everything here is deterministic and unit-testable.

pub mod benchmark;
pub mod catalogue;
pub mod date;
pub mod demo;
pub mod digest;
pub mod evaluation;
pub mod figures;
pub mod grid;
pub mod i18n;
pub mod kpi;
pub mod loss;
pub mod measurement;
pub mod money;
pub mod org;
pub mod period;
pub mod plan;
pub mod recommend;
pub mod report;
pub mod risk;
mod schema;
pub mod spreadsheet;
pub mod text;
pub mod time;
mod vocab;

pub use catalogue::{Catalogue, CatalogueError};
pub use date::{Date, Timestamp};
pub use kpi::{
    Direction, Formula, FormulaPart, Frequency, GridCell, KpiDefinition, KpiId, Maturity,
    MeasureKind, MeasureType, Source, Target, TargetRule, Unit,
};
pub use text::{Lang, Text};
