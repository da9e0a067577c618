//! `manifest.json`: what produced a results folder, so a run can be traced and repeated.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::StageTimes;
use crate::model::SolverOptions;
use crate::scenario::{InputFile, Scenario};
use crate::series::hex;

#[derive(Debug, Clone, Serialize)]
pub struct SolverInfo {
    pub name: &'static str,
    /// Version of the `highs-sys` crate that builds HiGHS from source.
    pub highs_sys: &'static str,
    pub options: SolverOptions,
}

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub vppsim_version: &'static str,
    pub scenario: String,
    pub strategy: String,
    pub seed: u64,
    /// Currency of every money figure.
    pub currency: crate::currency::Currency,
    pub steps: usize,
    pub plans: usize,
    pub solver: Option<SolverInfo>,
    /// SHA-256 of the resolved scenario (every parameter and series after units applied).
    pub resolved_scenario_sha256: String,
    /// The scenario file and every CSV it reads, with their SHA-256.
    pub inputs: Vec<InputFile>,
    /// Overrides applied to the scenario file (`--set`, a `--strategy` other than the
    /// file's, a sweep's parameters), as `path=value` with the value in TOML.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// Wall time per stage, in seconds; the only part of a results folder that varies
    /// between identical runs.
    pub stage_seconds: StageTimes,
}

impl Manifest {
    pub fn new(
        scenario: &Scenario,
        strategy: &str,
        solver: Option<&SolverOptions>,
        inputs: &[InputFile],
        plans: usize,
        times: StageTimes,
    ) -> Manifest {
        let resolved = serde_json::to_vec(scenario).unwrap_or_default();
        Manifest {
            vppsim_version: env!("CARGO_PKG_VERSION"),
            scenario: scenario.name.clone(),
            strategy: strategy.to_string(),
            seed: scenario.seed,
            currency: scenario.currency,
            steps: scenario.time.len,
            plans,
            solver: solver.map(|options| SolverInfo {
                name: "HiGHS",
                highs_sys: HIGHS_SYS_VERSION,
                // The thread count HiGHS was given (`--threads`, else the usable cores),
                // not the unset option.
                options: SolverOptions {
                    threads: Some(options.thread_count()),
                    ..options.clone()
                },
            }),
            resolved_scenario_sha256: hex(&Sha256::digest(&resolved)),
            inputs: inputs.to_vec(),
            overrides: Vec::new(),
            stage_seconds: times,
        }
    }
}

/// Kept in step with Cargo.lock by a unit test.
pub const HIGHS_SYS_VERSION: &str = "1.16.0";

#[cfg(test)]
mod tests {
    #[test]
    fn highs_sys_version_matches_the_lock_file() {
        let lock = include_str!("../../Cargo.lock");
        let entry = format!(
            "name = \"highs-sys\"\nversion = \"{}\"",
            super::HIGHS_SYS_VERSION
        );
        assert!(
            lock.contains(&entry),
            "update HIGHS_SYS_VERSION to the highs-sys version in Cargo.lock"
        );
    }
}
