//! Dispatch strategies. A [`Dispatcher`] plans a window of steps from the current
//! [`SimState`]; the simulator commits the first steps of each plan to the realised world.

mod lp;
mod mpc;
#[cfg(test)]
mod properties;
mod rule;
#[cfg(test)]
mod tests;

pub use lp::{
    BALANCE_TOLERANCE_MW, Inputs, LpDispatcher, Softening, WindowModel, WindowVars, check_balance,
    unserved_penalty,
};
pub use mpc::{MpcDispatcher, MpcSettings};
pub use rule::{Rule, RuleDispatcher};

use crate::forecast::ErrorStats;
use crate::model::{SolveError, SolverOptions};
use crate::scenario::{Scenario, Strategy};
use crate::sim::{SimState, StageTimes};

/// Set-points for each step of a window, indexed `[asset][local step]` (MW).
/// Buffers are reused from window to window.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    pub pv_mw: Vec<Vec<f64>>,
    pub charge_mw: Vec<Vec<f64>>,
    pub discharge_mw: Vec<Vec<f64>>,
    pub flexible_mw: Vec<Vec<f64>>,
    /// Curtailed power of each curtailable load (MW at the load's level).
    pub curtailed_mw: Vec<Vec<f64>>,
    pub import_mw: Vec<f64>,
    pub export_mw: Vec<f64>,
    /// Load the plan leaves unserved (only where the scenario prices lost load).
    pub unserved_mw: Vec<f64>,
}

impl Plan {
    /// Sizes every buffer for `len` steps of `scenario`'s assets, zeroed.
    pub fn reset(&mut self, scenario: &Scenario, len: usize) {
        let fit = |v: &mut Vec<Vec<f64>>, n: usize| {
            v.resize_with(n, Vec::new);
            for series in v.iter_mut() {
                series.clear();
                series.resize(len, 0.0);
            }
        };
        fit(&mut self.pv_mw, scenario.pv.len());
        fit(&mut self.charge_mw, scenario.batteries.len());
        fit(&mut self.discharge_mw, scenario.batteries.len());
        fit(&mut self.flexible_mw, scenario.flexible_loads.len());
        fit(&mut self.curtailed_mw, scenario.curtailable_loads.len());
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
    pub state: &'a SimState,
    pub start: usize,
    pub len: usize,
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

    /// Fills `plan` for `ctx.len` steps from `ctx.start`; returns the objective value of the
    /// plan where the strategy optimises one.
    fn plan(
        &mut self,
        ctx: &Context,
        plan: &mut Plan,
        times: &mut StageTimes,
    ) -> Result<Option<f64>, DispatchError>;

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
