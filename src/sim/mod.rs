//! The simulator: from an immutable [`Scenario`] and a [`Dispatcher`] to [`Results`].
//!
//! For each window the dispatcher plans from the current [`State`]; the simulator commits
//! the first steps of the plan to the realised world (each asset's physics), checks every
//! invariant on each committed step, appends the records and advances the state.

mod commit;
pub mod invariants;
pub mod presolve;

use std::time::Instant;

use crate::dispatch::{Context, DispatchError, Dispatcher, Plan, PlanTimes, State};
use crate::forecast::ErrorStats;
use crate::model::observe::{self, Work};
use crate::results::{Results, StageTimes};
use crate::scenario::Scenario;

pub use invariants::InvariantError;

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
    let devices = scenario.devices();
    let mut planning = PlanTimes::default();
    let mut times = StageTimes::default();
    let mut state = State::initial(scenario);
    let mut results = Results::new(scenario, &devices, dispatcher.name());
    let mut plan = Plan::default();
    let mut committer = commit::Committer::new(&devices);
    let (plan_len, commit_len) = dispatcher.window(scenario);
    let mut objective: Option<f64> = None;
    let mut plans = 0;
    let total_steps = scenario.time.len;
    let windows = total_steps.div_ceil(commit_len.min(plan_len).max(1));
    while state.step < scenario.time.len {
        let start = state.step;
        let len = plan_len.min(scenario.time.len - start);
        let ctx = Context {
            scenario,
            devices: &devices,
            state: &state,
            start,
            len,
        };
        let outcome = dispatcher.plan(&ctx, &mut plan)?;
        planning += outcome.times;
        plans += 1;
        if let Some(v) = outcome.objective {
            *objective.get_or_insert(0.0) += v;
        }
        let committing = Instant::now();
        let steps = commit_len.min(len);
        committer.commit(scenario, &devices, &plan, steps, &mut state, &mut results)?;
        if dispatcher.commits_as_planned() {
            invariants::as_planned(scenario, &devices, &plan, &results, start, start + steps)?;
        }
        times.commit += committing.elapsed();
        if windows > 1 {
            observe::report(Work::Windows {
                window: plans,
                windows,
                steps: state.step,
                total_steps,
            });
        }
    }
    invariants::at_end(scenario, &devices, &state)?;
    results.finish(&devices);
    times.build = planning.build;
    times.solve = planning.solve;
    times.extract = planning.extract;
    Ok(Run {
        results,
        objective: objective.filter(|_| plans == 1),
        plans,
        times,
        forecast_errors: dispatcher.forecast_errors(),
    })
}
