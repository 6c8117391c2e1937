//! Charts as SVG text, shared by the command line, the web UI and PDF reports.
//!
//! Each chart is a pure function from domain values to a complete, self-contained SVG document:
//! no scripts, no external fonts or images, a `viewBox` so it scales, `role="img"` with a `<title>`
//! for screen readers, and byte-for-byte the same output for the same input (reports are compared
//! and cached). Colours are never the only cue: every coloured meaning also has a word or a shape,
//! the colours are the Okabe–Ito set, and text is dark on white (WCAG AA).
//!
//! Callers bring every word already translated and every amount already formatted; the crate
//! computes the scales and ticks and asks the caller's [`TickFormat`] how a tick reads. Values
//! that are NaN or infinite are skipped as if missing, never drawn.
//!
//! The charts: [`risk_matrix_svg`] (Fig. 8), [`plan_vs_actual_svg`] (Fig. 9, one KPI across
//! units), [`trend_svg`] (a dashboard card's trend line), [`loss_breakdown_svg`] (Fig. 2, loss by
//! category now and after) and [`exceedance_svg`] (loss-exceedance curves).
//!
//! [`font::subset`] cuts [`JAPANESE_FONT`] down to the glyphs a document uses, for documents that
//! carry the font inside them (the HTML board report).

mod exceedance;
pub mod font;
mod loss;
mod matrix;
mod plan_vs_actual;
mod scale;
mod svg;
mod trend;

pub use exceedance::{Exceedance, ExceedanceCurve, exceedance_svg};
pub use loss::{LossBreakdown, LossCategory, loss_breakdown_svg};
pub use matrix::{MatrixPoint, PointKind, risk_matrix_svg};
pub use plan_vs_actual::{PlanVsActual, UnitBars, plan_vs_actual_svg};
pub use scale::TickFormat;
pub use svg::escape;
pub use trend::{Trend, trend_svg};

/// IPAex Gothic (IPAexゴシック), the Japanese font every page and report uses, so no system font is
/// needed: the web UI serves it by `@font-face`, PDF reports embed it, and an HTML document that
/// carries its font embeds only the part it uses ([`font::japanese_subset`]). Licensed under the
/// IPA Font License v1.0 (`fonts/IPA_Font_License_Agreement_v1.0.txt`), which allows redistribution
/// of the unmodified font and embedding some or all of it in a document.
pub static JAPANESE_FONT: &[u8] = include_bytes!("../fonts/ipaexg.ttf");

/// The family name charts and pages ask for, matching [`JAPANESE_FONT`].
pub const JAPANESE_FONT_FAMILY: &str = "IPAexGothic";
