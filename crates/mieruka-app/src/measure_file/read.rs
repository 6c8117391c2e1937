//! Reading an import file into a grid of cells: the one table reader,
//! [`mieruka_connectors::table::sheet`] (CSV or tab-separated text in UTF-8, UTF-16 or
//! Shift_JIS, and Excel workbooks, within [`Limits`](crate::limits::Limits)), which the
//! connectors read workbooks through too.

pub use mieruka_connectors::table::sheet::{Cell, Sheet, SheetRow, decode, read};
