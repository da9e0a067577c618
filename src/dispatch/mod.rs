//! Dispatch strategies. A [`Dispatcher`] plans a window of steps from the current
//! [`State`]; the simulator commits the first steps of each plan to the realised world.

mod lp;
mod mpc;
#[cfg(test)]
mod properties;
mod rule;
#[cfg(test)]
mod tests;

pub use lp::{
    BALANCE_TOLERANCE_MW, Inputs, LpDispatcher, Softening, WindowModel, WindowVars, check_balance,
    explain, unserved_penalty,
};
pub(crate) use lp::{solve_error, window_failed};
pub use mpc::MpcDispatcher;
pub use rule::{Rule, RuleDispatcher};

use std::time::Duration;

use crate::assets::Asset;
use crate::forecast::ErrorStats;
use crate::model::{SolveError, SolverOptions};
use crate::scenario::{Scenario, Strategy};

/// What changes as a run advances, and what a dispatcher plans from.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Next step to commit.
    pub step: usize,
    /// Each asset's state, in [`Scenario::devices`] order (see [`Asset::initial_state`]):
    /// a battery's stored energy (MWh), a flexible load's energy still owed in its current
    /// (or next) window (MWh).
    pub assets: Vec<f64>,
}

impl State {
    /// The state before the first step.
    pub fn initial(scenario: &Scenario) -> State {
        State {
            step: 0,
            assets: scenario
                .devices()
                .iter()
                .map(|d| d.initial_state())
                .collect(),
        }
    }
}

/// Set-points for each step of a window: `assets[asset][series][local step]`, assets in
/// [`Scenario::devices`] order and series in [`Asset::series`] order (MW, or MWh for
/// stored energy), and the grid's. Buffers are reused from window to window.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    pub assets: Vec<Vec<Vec<f64>>>,
    pub import_mw: Vec<f64>,
    pub export_mw: Vec<f64>,
    /// Load the plan leaves unserved (only where the scenario prices lost load).
    pub unserved_mw: Vec<f64>,
}

impl Plan {
    /// Sizes every buffer for `len` steps of `devices`, zeroed.
    pub fn reset(&mut self, devices: &[&dyn Asset], len: usize) {
        self.assets.resize_with(devices.len(), Vec::new);
        for (series, d) in self.assets.iter_mut().zip(devices) {
            series.resize_with(d.series().len(), Vec::new);
            for values in series.iter_mut() {
                values.clear();
                values.resize(len, 0.0);
            }
        }
        for v in [
            &mut self.import_mw,
            &mut self.export_mw,
            &mut self.unserved_mw,
        ] {
            v.clear();
            v.resize(len, 0.0);
        }
    }
}

/// What a dispatcher is asked to plan: `len` steps from global step `start`.
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    /// The scenario's assets, in [`Scenario::devices`] order.
    pub devices: &'a [&'a dyn Asset],
    pub state: &'a State,
    pub start: usize,
    pub len: usize,
}

/// What planning a window cost, by stage.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlanTimes {
    /// Building the LP and handing it (or its changes) to the solver.
    pub build: Duration,
    pub solve: Duration,
    /// Reading the solution back into the plan and checking it.
    pub extract: Duration,
}

impl std::ops::AddAssign for PlanTimes {
    fn add_assign(&mut self, other: PlanTimes) {
        self.build += other.build;
        self.solve += other.solve;
        self.extract += other.extract;
    }
}

/// A plan's outcome besides its set-points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlanOutcome {
    /// The objective value of the plan, where the strategy optimises one.
    pub objective: Option<f64>,
    pub times: PlanTimes,
}

/// Why a dispatcher could not plan a window.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DispatchError {
    #[error("{source} (window {from} to {to})")]
    Solve {
        source: SolveError,
        from: String,
        to: String,
    },
    #[error("the dispatch problem is infeasible from {from} to {to}:\n  - {}", reasons.join("\n  - "))]
    Infeasible {
        from: String,
        to: String,
        reasons: Vec<String>,
    },
    #[error("{0}")]
    Rule(String),
    #[error("the plan breaks the bus balance by {residual_mw:.3e} MW at step {step} ({timestamp})")]
    Balance {
        step: usize,
        timestamp: String,
        residual_mw: f64,
    },
}

/// A dispatch strategy.
pub trait Dispatcher {
    /// Short name used in outputs, e.g. `lp`.
    fn name(&self) -> &'static str;

    /// Steps per plan and how many of them are committed before re-planning.
    fn window(&self, scenario: &Scenario) -> (usize, usize);

    /// Fills `plan` for `ctx.len` steps from `ctx.start`; returns the plan's objective value
    /// where the strategy optimises one, and what planning took.
    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError>;

    /// Solver and options, where the strategy uses one (for the manifest).
    fn solver(&self) -> Option<&SolverOptions> {
        None
    }

    /// Whether every committed step must equal the plan: true for a plan made on the true
    /// inputs within every limit, so that what is written is what was planned (the
    /// simulator checks it after each commit). False where the realised world is meant
    /// to differ (forecast errors, PV taken as available).
    fn commits_as_planned(&self) -> bool {
        false
    }

    /// Errors of the forecasts the strategy planned on, per series, over committed steps.
    fn forecast_errors(&self) -> Vec<ErrorStats> {
        Vec::new()
    }
}

/// The built-in dispatcher for `strategy`.
pub fn built_in(strategy: Strategy, scenario: &Scenario) -> Box<dyn Dispatcher> {
    let solver = scenario.dispatch.solver.clone();
    match strategy {
        Strategy::None => Box::new(RuleDispatcher::new(Rule::Idle)),
        Strategy::Rule => Box::new(RuleDispatcher::new(Rule::SelfConsumption)),
        Strategy::Tou => Box::new(RuleDispatcher::new(Rule::TimeOfUse)),
        Strategy::Peak => {
            let threshold = scenario
                .dispatch
                .peak_threshold_mw
                .unwrap_or_else(|| RuleDispatcher::default_peak_threshold(scenario));
            Box::new(RuleDispatcher::new(Rule::PeakShaving(threshold)))
        }
        Strategy::Lp => Box::new(LpDispatcher::new(solver)),
        Strategy::Mpc => Box::new(MpcDispatcher::new(scenario, scenario.dispatch.mpc, solver)),
    }
}
