//! Measurements from a file (CSV, tab-separated text or an Excel workbook): reading its bytes
//! into a grid of cells (`read`), mapping its header onto measurement fields (`columns`) and
//! checking every row against its plan (`check`), writing nothing. `mieruka measure import` and
//! the web import page both use it, so a file is judged the same way wherever it is given.

pub mod check;
pub mod read;

/// The columns of a measurement file, mapped by the one table reader.
pub use mieruka_connectors::table::measurement as columns;

pub use check::{Checked, Good, Problem, check};
pub use columns::{Columns, Field};
pub use read::{Sheet, read};
