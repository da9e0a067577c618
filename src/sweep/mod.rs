//! Sweeps: many runs of one base scenario (parameters, Monte Carlo seeds, strategies),
//! each case resolved and checked before any runs.

pub mod cases;
pub mod spec;
