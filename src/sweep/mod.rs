//! Sweeps: many runs of one base scenario, for sensitivity studies and Monte Carlo.
//!
//! sweep file (`spec`) → cases (`cases`: parameter combinations × seeds × strategies, each
//! a list of overrides of the base scenario) → plan (`plan`: every case resolved and checked
//! before any runs, keyed by the hash of what it runs) → runs on local threads (`pool`,
//! `run`), each case written whole into the results folder as it finishes (`store`), so
//! a rerun skips finished cases → table (`table`: `sweep.csv`, `parquet`) and sensitivity
//! report (`report`). A sweep can be split into deterministic shards (`shard`) run as a
//! SLURM job array or a Kubernetes Indexed Job, and merged again by `collect`.

pub mod cases;
mod charts;
pub mod parquet;
pub mod plan;
pub mod pool;
pub mod report;
pub mod run;
pub mod shard;
pub mod spec;
pub mod store;
pub mod table;
