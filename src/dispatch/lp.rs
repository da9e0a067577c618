//! Perfect-foresight LP: one model over the plan window, minimising weighted grid import
//! (plus cost and carbon terms), built from each asset's own LP contribution.

use std::time::Instant;

use super::{Context, DispatchError, Dispatcher, Plan};
use crate::assets::battery::BatteryVars;
use crate::assets::flexible::FlexibleVars;
use crate::assets::grid::GridVars;
use crate::model::{Bus, LpBuilder, SolverOptions, VarBlock};
use crate::scenario::Scenario;
use crate::sim::StageTimes;

/// Largest bus-balance residual a plan may have (MW).
pub const BALANCE_TOLERANCE_MW: f64 = 1e-6;

/// Plans the whole horizon at once with HiGHS.
pub struct LpDispatcher {
    options: SolverOptions,
}

impl LpDispatcher {
    pub fn new(options: SolverOptions) -> LpDispatcher {
        LpDispatcher { options }
    }
}

impl Dispatcher for LpDispatcher {
    fn name(&self) -> &'static str {
        "lp"
    }

    fn window(&self, scenario: &Scenario) -> (usize, usize) {
        (scenario.time.len, scenario.time.len)
    }

    fn solver(&self) -> Option<&SolverOptions> {
        Some(&self.options)
    }

    fn plan(
        &mut self,
        ctx: &Context,
        plan: &mut Plan,
        times: &mut StageTimes,
    ) -> Result<Option<f64>, DispatchError> {
        let s = ctx.scenario;
        let building = Instant::now();
        let WindowModel {
            lp,
            pv,
            batteries,
            flexible,
            grid,
        } = WindowModel::build(ctx);
        times.build += building.elapsed();
        let solution = lp
            .solve(&self.options)
            .map_err(|source| DispatchError::Solve {
                source,
                from: s.time.timestamp(ctx.start),
                to: s.time.timestamp(ctx.start + ctx.len),
            })?;
        times.build += solution.load_time;
        times.solve += solution.solve_time;

        let extracting = Instant::now();
        plan.reset(s, ctx.len);
        for (out, vars) in plan.pv_mw.iter_mut().zip(&pv) {
            out.copy_from_slice(vars.values(&solution));
        }
        for (i, vars) in batteries.iter().enumerate() {
            plan.charge_mw[i].copy_from_slice(vars.charge.values(&solution));
            plan.discharge_mw[i].copy_from_slice(vars.discharge.values(&solution));
        }
        for (out, vars) in plan.flexible_mw.iter_mut().zip(&flexible) {
            for (offset, block) in &vars.blocks {
                let values = block.values(&solution);
                out[*offset..offset + values.len()].copy_from_slice(values);
            }
        }
        plan.import_mw
            .copy_from_slice(grid.import.values(&solution));
        plan.export_mw
            .copy_from_slice(grid.export.values(&solution));
        check_balance(ctx, plan)?;
        times.extract += extracting.elapsed();
        Ok(Some(solution.objective))
    }
}

/// The LP of one window with the columns of every asset.
pub struct WindowModel {
    pub lp: LpBuilder,
    pv: Vec<VarBlock>,
    batteries: Vec<BatteryVars>,
    flexible: Vec<FlexibleVars>,
    grid: GridVars,
}

impl WindowModel {
    /// Builds the LP for `ctx.len` steps from `ctx.start`: every asset adds its own columns,
    /// rows and objective terms, then the bus balance rows close the model.
    pub fn build(ctx: &Context) -> WindowModel {
        let s = ctx.scenario;
        let columns = ctx.len * (s.pv.len() + 3 * s.batteries.len() + s.flexible_loads.len() + 2);
        let rows = ctx.len * (s.batteries.len() + 1);
        let mut lp = LpBuilder::with_capacity(columns, rows);
        let mut bus = Bus::new(ctx.start, ctx.len, s.time.dt_hours());
        let ends_horizon = ctx.start + ctx.len == s.time.len;
        let weights = &s.dispatch.weights;
        let pv =
            s.pv.iter()
                .map(|a| a.add_to_lp(&mut lp, &mut bus))
                .collect();
        let batteries = s
            .batteries
            .iter()
            .zip(&ctx.state.soc_mwh)
            .map(|(b, &soc)| b.add_to_lp(&mut lp, &mut bus, soc, ends_horizon, weights.cost))
            .collect();
        for load in &s.loads {
            load.add_to_lp(&mut bus);
        }
        let flexible = s
            .flexible_loads
            .iter()
            .zip(&ctx.state.owed_mwh)
            .map(|(f, &owed)| f.add_to_lp(&mut lp, &mut bus, owed))
            .collect();
        let grid = s.grid.add_to_lp(&mut lp, &mut bus, weights);
        bus.add_balance_rows(&mut lp);
        WindowModel {
            lp,
            pv,
            batteries,
            flexible,
            grid,
        }
    }
}

/// Checks the plan's bus balance on the inputs it was planned with.
fn check_balance(ctx: &Context, plan: &Plan) -> Result<(), DispatchError> {
    let s = ctx.scenario;
    for k in 0..ctx.len {
        let t = ctx.start + k;
        let supply: f64 = plan.pv_mw.iter().map(|v| v[k]).sum::<f64>()
            + plan.discharge_mw.iter().map(|v| v[k]).sum::<f64>()
            + plan.import_mw[k];
        let demand: f64 = s.loads.iter().map(|l| l.power_mw[t]).sum::<f64>()
            + s.flexible_loads
                .iter()
                .zip(&plan.flexible_mw)
                .map(|(f, v)| v[k] * f.bus_factor(t))
                .sum::<f64>()
            + plan.charge_mw.iter().map(|v| v[k]).sum::<f64>()
            + plan.export_mw[k];
        let residual = supply - demand;
        if residual.abs() > BALANCE_TOLERANCE_MW {
            return Err(DispatchError::Balance {
                step: t,
                timestamp: s.time.timestamp(t),
                residual_mw: residual,
            });
        }
    }
    Ok(())
}
