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

/// IPAex Gothic (IPAexゴシック), the Japanese font every page and report uses, so no system font
/// is needed: the web UI serves it by `@font-face` and PDF reports embed it. Licensed under the IPA
/// Font License v1.0 (`fonts/IPA_Font_License_Agreement_v1.0.txt`), which allows embedding and
/// redistribution of the unmodified font.
pub static JAPANESE_FONT: &[u8] = include_bytes!("../fonts/ipaexg.ttf");

/// The family name charts and pages ask for, matching [`JAPANESE_FONT`].
pub const JAPANESE_FONT_FAMILY: &str = "IPAexGothic";
