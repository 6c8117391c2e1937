//! Monte Carlo simulation of annual loss for a portfolio of loss scenarios, as riskquant and
//! FAIR users know it. Pure computation: no files, no clock, no printing.
//!
//! Each [`Scenario`] has an annual frequency — events arrive as a Poisson process with rate λ —
//! and a lognormal loss per event fitted to a 90% interval (`low_p5`, `high_p95`):
//! `mu = (ln low + ln high) / 2`, `sigma = (ln high − ln low) / (2 × 1.6448536269514722)`.
//! One trial is one simulated year; its loss is the sum over scenarios of the losses of that
//! year's events. [`simulate`] runs the trials and returns a [`Simulation`] holding every
//! year's loss, from which the mean, percentiles (numpy's default linear interpolation) and
//! loss-exceedance curves are read.
//!
//! How (see `engine`): trials are split into chunks of [`CHUNK`]. Per chunk and scenario the
//! number of events is drawn once and each event lands in a uniformly chosen trial — exactly
//! the same distribution as a Poisson count per trial, at a cost proportional to the events.
//! Normal variates come from rand_distr's ziggurat, the exponential from a vectorised
//! polynomial. Percentiles and curve counts use a histogram of the losses' leading bits to
//! avoid sorting (see `select`).
//!
//! Reproducibility: each chunk has its own random stream derived from the seed and the chunk's
//! index, and chunk results are combined in chunk order, so the same seed gives bit-identical
//! numbers whatever the number of threads. A new version of this crate or of `rand_distr` may
//! change the numbers drawn for a seed (not their distribution).

mod engine;
mod riskquant;
mod scenario;
mod select;
mod simulation;

pub use engine::CHUNK;
pub use riskquant::{COLUMNS, RowError, parse_riskquant_csv};
pub use scenario::{MAX_AMOUNT, MAX_RATE, Scenario, ScenarioError, Z95, analytic_mean};
pub use simulation::{CurvePoint, Simulation, log_thresholds, simulate};
