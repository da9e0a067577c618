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

use super::lp::{Inputs, solve_error, solve_window};
use super::{Context, DispatchError, Dispatcher, Plan, PlanOutcome};
use crate::assets::Role;
use crate::forecast::{ErrorStats, Forecaster};
use crate::model::Solver;
use crate::model::{Method, Presolve, SolverOptions};
use crate::scenario::Scenario;

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
    /// Forecast buffers of the assets with an uncertain input (PV availability, fixed
    /// loads), in asset order, reused between windows; `None` for the others.
    forecasts: Vec<Option<Vec<f64>>>,
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
        let devices = scenario.devices();
        let forecasts = devices
            .iter()
            .map(|d| d.input().map(|_| Vec::new()))
            .collect();
        let errors = devices
            .iter()
            .filter(|d| d.input().is_some())
            .map(|d| {
                // What is forecast: a supply's availability, a load's power.
                let what = match d.series()[0].role {
                    Role::Supply => "available",
                    _ => "power",
                };
                ErrorStats {
                    series: format!("{}.{what}", d.name()),
                    ..ErrorStats::default()
                }
            })
            .collect();
        MpcDispatcher {
            settings,
            options,
            forecasts,
            solver: None,
            errors,
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

    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError> {
        let f = self.settings.forecaster;
        let committed = self.settings.replan.min(ctx.len);
        let forecast = ctx
            .devices
            .iter()
            .zip(&mut self.forecasts)
            .filter_map(|(d, out)| Some((d.input()?, out.as_mut()?)));
        for (k, ((truth, out), stats)) in forecast.zip(&mut self.errors).enumerate() {
            f.forecast(truth, ctx.start, ctx.len, k as u64, out);
            for h in 0..committed {
                stats.add(out[h], truth[ctx.start + h]);
            }
        }
        let inputs = Inputs {
            assets: self.forecasts.iter().map(|f| f.as_deref()).collect(),
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
            self.solver = Some(Solver::new(&options).map_err(|e| solve_error(ctx, e))?);
        }
        let solver = self.solver.as_mut().expect("made above");
        let outcome = solve_window(ctx, &inputs, true, solver, plan)?;
        // Supply with an uncertain input (PV) is capped only where the plan curtails it (the
        // cap is the planned output); elsewhere whatever turns out to be available is used,
        // the commit curtailing only what the export limit cannot carry. With perfect
        // forecasts the commit is the plan.
        for ((device, series), forecast) in ctx
            .devices
            .iter()
            .zip(&mut plan.assets)
            .zip(&self.forecasts)
        {
            if let (Some(forecast), Role::Supply) = (forecast, device.series()[0].role) {
                for (p, f) in series[0].iter_mut().zip(forecast) {
                    if *p >= f - 1e-9 {
                        *p = f64::INFINITY;
                    }
                }
            }
        }
        Ok(outcome)
    }
}
