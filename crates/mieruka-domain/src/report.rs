//! The board report (経営層への報告): what it says, in the board's language.
//!
//! - [`narrative`] — what people write for the board: the strategy story of Fig. 7, the ask of
//!   each report (what the board is to decide or note), the five-step checklist of Fig. 6 per
//!   period, and the board's wording of each KPI.
//! - [`schedule`] — the reporting cadence (quarterly by default, at least half-yearly) and when
//!   the next report is due.
//! - [`model`] — the view model: one value holding everything a report shows, from which the
//!   PDF, the HTML and the Excel workbook are all rendered, and which an issued report keeps
//!   as its snapshot.
//! - [`glossary`] and [`lint`] — technical terms and board-irrelevant metrics with their
//!   business phrasing, and the rules a report is checked against before it reaches the board.
//! - [`demo`] — the demo company's narrative, in business words.
//!
//! Amounts, rates and periods are written by [`crate::figures`], as everywhere else.

pub mod demo;
pub mod glossary;
pub mod lint;
pub mod model;
pub mod narrative;
pub mod schedule;
