//! Money for people now lives in [`crate::figures`], with KPI values and periods under one
//! rounding rule; these names stay so callers can keep importing them from here.

pub use crate::figures::{grouped, yen};
