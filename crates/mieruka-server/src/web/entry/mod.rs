//! Entering a measurement for a plan: a form shaped by the KPI's formula (ratio: numerator and
//! denominator; progress: actual and plan; count and score: a value; mean duration: mean hours,
//! events and effort; compound: a part and its ratio), checked as it is typed (htmx posts the
//! form to `…/measure/check`, which writes nothing) and checked again when saved. Corrections
//! start from the list of measurements in force and supersede the one corrected.
//!
//! Values go through the same path as every other entry: `MeasurementInput::parse` (via
//! `mieruka_app::measure`), whose reasons are shown in the reader's language by
//! [`explain`]. Contributors are offered only the units they may measure; the server refuses the
//! others.
//!
//! - [`form`] — the form model: the fields a formula needs, typed text to a measurement input,
//!   a stored value back to fields for a correction, and each field's label.
//! - [`reasons`] — a domain check's reason in the reader's words, and the form's problems
//!   without writing.
//! - [`layout`] — what the page and the inline check show: the units the viewer may measure, the
//!   fields, the measurements in force.
//! - [`handlers`] — the routes: the page, the inline check and saving.

mod form;
mod handlers;
mod layout;
mod reasons;

pub use handlers::{check, page, plan_of, save};
pub use layout::may_measure;
pub use reasons::explain;
