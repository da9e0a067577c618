//! Receding-horizon MPC: every `replan` steps, plan the next `horizon` steps with the LP on
//! forecasts of PV availability and fixed loads, and commit the first `replan` steps to the
//! realised world (PV capped only where the plan curtails it, otherwise taken as available;
//! battery and grid absorb the forecast error within their limits). Batteries must end every window at
//! their `soc_final` or above, so a short horizon does not empty them.
//!
//! Each window's LP is built by the same asset code as any other; by default
//! (`persistent = true`) one HiGHS model stays alive across windows and each window's LP is
//! loaded into it — changed in place where only values moved (prices, forecasts, states,
//! coefficients), passed whole where the shape changed (see `model::solve`) — so the dual
//! simplex warm-starts from the previous basis. With `persistent = false` every window gets
//! a new HiGHS model.

use super::lp::{Inputs, solve_window};
use super::{Context, DispatchError, Dispatcher, Plan};
use crate::forecast::{ErrorStats, Forecaster};
use crate::model::Solver;
use crate::model::{Method, Presolve, SolverOptions};
use crate::scenario::Scenario;
use crate::sim::StageTimes;

/// How the MPC plans.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MpcSettings {
    /// Steps planned each time.
    pub horizon: usize,
    /// Steps committed between plans.
    pub replan: usize,
    pub forecaster: Forecaster,
    /// Keep one HiGHS model alive across windows, solved by the dual simplex method without
    /// presolve from the previous window's basis; `false` gives every window a new model
    /// with the scenario's solver options.
    pub persistent: bool,
}

pub struct MpcDispatcher {
    settings: MpcSettings,
    options: SolverOptions,
    /// Forecast buffers per PV plant and per fixed load, reused between windows.
    pv: Vec<Vec<f64>>,
    loads: Vec<Vec<f64>>,
    errors: Vec<ErrorStats>,
    /// The live model, once made (persistent mode only).
    solver: Option<Solver>,
}

impl MpcDispatcher {
    pub fn new(
        scenario: &Scenario,
        settings: MpcSettings,
        options: SolverOptions,
    ) -> MpcDispatcher {
        let series = |name: &str| ErrorStats {
            series: name.to_string(),
            ..ErrorStats::default()
        };
        MpcDispatcher {
            settings,
            options,
            pv: vec![Vec::new(); scenario.pv.len()],
            loads: vec![Vec::new(); scenario.loads.len()],
            solver: None,
            errors: scenario
                .pv
                .iter()
                .map(|p| series(&format!("{}.available", p.name)))
                .chain(
                    scenario
                        .loads
                        .iter()
                        .map(|l| series(&format!("{}.power", l.name))),
                )
                .collect(),
        }
    }
}

impl Dispatcher for MpcDispatcher {
    fn name(&self) -> &'static str {
        "mpc"
    }

    fn window(&self, _: &Scenario) -> (usize, usize) {
        (self.settings.horizon, self.settings.replan)
    }

    fn solver(&self) -> Option<&SolverOptions> {
        Some(&self.options)
    }

    fn forecast_errors(&self) -> Vec<ErrorStats> {
        self.errors.clone()
    }

    fn commits_as_planned(&self) -> bool {
        self.settings.forecaster == Forecaster::Perfect
    }

    fn plan(
        &mut self,
        ctx: &Context,
        plan: &mut Plan,
        times: &mut StageTimes,
    ) -> Result<Option<f64>, DispatchError> {
        let s = ctx.scenario;
        let f = self.settings.forecaster;
        let truths =
            s.pv.iter()
                .map(|p| &p.available_mw)
                .chain(s.loads.iter().map(|l| &l.power_mw));
        let buffers = self.pv.iter_mut().chain(self.loads.iter_mut());
        let committed = self.settings.replan.min(ctx.len);
        for (k, ((truth, out), stats)) in truths.zip(buffers).zip(&mut self.errors).enumerate() {
            f.forecast(truth, ctx.start, ctx.len, k as u64, out);
            for h in 0..committed {
                stats.add(out[h], truth[ctx.start + h]);
            }
        }
        let inputs = Inputs {
            pv: self.pv.iter().map(Vec::as_slice).collect(),
            loads: self.loads.iter().map(Vec::as_slice).collect(),
        };
        if self.solver.is_none() || !self.settings.persistent {
            let options = if self.settings.persistent {
                SolverOptions {
                    method: Method::Simplex,
                    presolve: Presolve::Off,
                    parallel: false,
                    ..self.options.clone()
                }
            } else {
                self.options.clone()
            };
            let solver = Solver::new(&options).map_err(|source| DispatchError::Solve {
                source,
                from: s.time.timestamp(ctx.start),
                to: s.time.timestamp(ctx.start + ctx.len),
            })?;
            self.solver = Some(solver);
        }
        let solver = self.solver.as_mut().expect("made above");
        let objective = solve_window(ctx, &inputs, true, solver, plan, times)?;
        // PV is capped only where the plan curtails it (the cap is the planned output);
        // elsewhere whatever turns out to be available is used, the commit curtailing only
        // what the export limit cannot carry. With perfect forecasts the commit is the plan.
        for (out, forecast) in plan.pv_mw.iter_mut().zip(&self.pv) {
            for (p, f) in out.iter_mut().zip(forecast) {
                if *p >= f - 1e-9 {
                    *p = f64::INFINITY;
                }
            }
        }
        Ok(Some(objective))
    }
}
