//! The simulator: from an immutable [`Scenario`] and a [`Dispatcher`] to [`Results`].
//!
//! For each window the dispatcher plans from the current [`SimState`]; the simulator
//! commits the first steps of the plan to the realised world (asset physics, clamping),
//! appends the records, checks every invariant on them and advances the state.

mod commit;
pub mod invariants;
pub mod presolve;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dispatch::{Context, DispatchError, Dispatcher, Plan};
use crate::forecast::ErrorStats;
use crate::results::Results;
use crate::scenario::Scenario;

pub use invariants::InvariantError;

/// What changes as the simulation advances.
#[derive(Debug, Clone, PartialEq)]
pub struct SimState {
    /// Next step to commit.
    pub step: usize,
    /// Stored energy of each battery (MWh).
    pub soc_mwh: Vec<f64>,
    /// Energy each flexible load still owes in its current (or next) window (MWh).
    pub owed_mwh: Vec<f64>,
}

impl SimState {
    /// The state before the first step.
    pub fn initial(scenario: &Scenario) -> SimState {
        SimState {
            step: 0,
            soc_mwh: scenario
                .batteries
                .iter()
                .map(|b| b.soc_initial_mwh)
                .collect(),
            owed_mwh: scenario
                .flexible_loads
                .iter()
                .map(|f| f.owed_from(0))
                .collect(),
        }
    }
}

/// Wall time spent in each stage of a run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StageTimes {
    #[serde(serialize_with = "seconds")]
    pub load: Duration,
    #[serde(serialize_with = "seconds")]
    pub build: Duration,
    #[serde(serialize_with = "seconds")]
    pub solve: Duration,
    #[serde(serialize_with = "seconds")]
    pub extract: Duration,
    #[serde(serialize_with = "seconds")]
    pub commit: Duration,
    #[serde(serialize_with = "seconds")]
    pub write: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    #[error(transparent)]
    Invariant(#[from] InvariantError),
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    pub results: Results,
    /// The solver's objective value, where one optimised plan covers the whole run (with
    /// re-planning, overlapping windows' objectives do not add up to the run's).
    pub objective: Option<f64>,
    /// Number of plans made.
    pub plans: usize,
    pub times: StageTimes,
    /// Errors of the forecasts planned on, per series (empty for strategies without).
    pub forecast_errors: Vec<ErrorStats>,
}

/// Simulates `scenario` from start to end with `dispatcher`.
pub fn simulate(scenario: &Scenario, dispatcher: &mut dyn Dispatcher) -> Result<Run, SimError> {
    let mut times = StageTimes::default();
    let mut state = SimState::initial(scenario);
    let mut results = Results::new(scenario, dispatcher.name());
    let mut plan = Plan::default();
    let (plan_len, commit_len) = dispatcher.window(scenario);
    let mut objective: Option<f64> = None;
    let mut plans = 0;
    while state.step < scenario.time.len {
        let start = state.step;
        let len = plan_len.min(scenario.time.len - start);
        let ctx = Context {
            scenario,
            state: &state,
            start,
            len,
        };
        let value = dispatcher.plan(&ctx, &mut plan, &mut times)?;
        plans += 1;
        if let Some(v) = value {
            *objective.get_or_insert(0.0) += v;
        }
        let committing = Instant::now();
        let steps = commit_len.min(len);
        commit::commit(scenario, &plan, steps, &mut state, &mut results)?;
        if dispatcher.commits_as_planned() {
            invariants::as_planned(scenario, &plan, &results, start, start + steps)?;
        }
        invariants::check(scenario, &results, start, start + steps)?;
        times.commit += committing.elapsed();
    }
    Ok(Run {
        results,
        objective: objective.filter(|_| plans == 1),
        plans,
        times,
        forecast_errors: dispatcher.forecast_errors(),
    })
}
