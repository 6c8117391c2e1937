//! Charts as SVG text, shared by the command line, the web UI and PDF reports.
//!
//! Each chart is a pure function from domain values to a complete, self-contained SVG document:
//! no scripts, no external fonts or images, a `viewBox` so it scales, `role="img"` with a `<title>`
//! for screen readers, and byte-for-byte the same output for the same input (reports are compared
//! and cached). Colours are never the only cue: every coloured meaning also has a word or a shape.

mod matrix;
mod svg;

pub use matrix::{MatrixPoint, PointKind, risk_matrix_svg};
pub use svg::escape;
