//! Perfect-foresight LP: one model over the plan window, minimising weighted grid import
//! (plus cost and carbon terms), built from each asset's own LP contribution.

use std::time::Instant;

use super::{Context, DispatchError, Dispatcher, Plan};
use crate::assets::FixedLoad;
use crate::assets::battery::BatteryVars;
use crate::assets::flexible::FlexibleVars;
use crate::assets::grid::GridVars;
use crate::model::{
    Bus, LpBuilder, LpSolution, SolveError, Solver, SolverOptions, UnservedCost, VarBlock,
};
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

    fn commits_as_planned(&self) -> bool {
        true
    }

    fn plan(
        &mut self,
        ctx: &Context,
        plan: &mut Plan,
        times: &mut StageTimes,
    ) -> Result<Option<f64>, DispatchError> {
        let ends_horizon = ctx.start + ctx.len == ctx.scenario.time.len;
        let mut solver = Solver::new(&self.options).map_err(|source| DispatchError::Solve {
            source,
            from: ctx.scenario.time.timestamp(ctx.start),
            to: ctx.scenario.time.timestamp(ctx.start + ctx.len),
        })?;
        solve_window(
            ctx,
            &Inputs::truth(ctx),
            ends_horizon,
            &mut solver,
            plan,
            times,
        )
        .map(Some)
    }
}

/// Builds the LP of one window, made on `inputs`, loads it into `solver` (changing in place
/// the model it holds where only values moved), solves it and extracts it into `plan`; with
/// `terminal`, batteries must end the window at their `soc_final` or above. Returns the
/// objective value. An infeasible window is explained (see [`explain`]).
pub(super) fn solve_window(
    ctx: &Context,
    inputs: &Inputs,
    terminal: bool,
    solver: &mut Solver,
    plan: &mut Plan,
    times: &mut StageTimes,
) -> Result<f64, DispatchError> {
    let s = ctx.scenario;
    let building = Instant::now();
    let softening = Softening {
        unserved: unserved_penalty(s),
        shortfall: None,
    };
    let WindowModel { lp, vars } = WindowModel::build(ctx, softening, inputs, terminal);
    let lp = lp.finish();
    times.build += building.elapsed();
    let options = solver.options().clone();
    let solution = match solver.load(lp).and_then(|()| solver.solve()) {
        Ok(solution) => solution,
        Err(SolveError::Infeasible) => {
            return Err(DispatchError::Infeasible {
                from: s.time.timestamp(ctx.start),
                to: s.time.timestamp(ctx.start + ctx.len),
                reasons: explain(ctx, inputs, terminal, &options),
            });
        }
        Err(source) => {
            return Err(DispatchError::Solve {
                source,
                from: s.time.timestamp(ctx.start),
                to: s.time.timestamp(ctx.start + ctx.len),
            });
        }
    };
    times.build += solution.load_time;
    times.solve += solution.solve_time;

    let extracting = Instant::now();
    vars.extract(s, &solution, plan);
    check_balance(ctx, inputs, plan)?;
    times.extract += extracting.elapsed();
    Ok(solution.objective)
}

/// The uncertain inputs a plan is made on, per asset over the plan's steps (MW): PV
/// availability and fixed loads. Perfect foresight passes slices of the truth.
pub struct Inputs<'a> {
    pub pv: Vec<&'a [f64]>,
    pub loads: Vec<&'a [f64]>,
}

impl<'a> Inputs<'a> {
    /// The truth over the context's window.
    pub fn truth(ctx: &Context<'a>) -> Inputs<'a> {
        let window = ctx.start..ctx.start + ctx.len;
        Inputs {
            pv: ctx
                .scenario
                .pv
                .iter()
                .map(|p| &p.available_mw[window.clone()])
                .collect(),
            loads: ctx
                .scenario
                .loads
                .iter()
                .map(|l| &l.power_mw[window.clone()])
                .collect(),
        }
    }
}

/// Cost of a MWh of unserved load, where the scenario prices lost load: as if it had been
/// imported at the dirtiest hour, plus its value (VoLL), so load is shed only where import
/// cannot serve it, never to avoid importing.
pub fn unserved_penalty(s: &crate::scenario::Scenario) -> Option<UnservedCost> {
    let dirtiest = s
        .grid
        .carbon_kg_per_mwh
        .as_ref()
        .map_or(0.0, |c| c.iter().copied().fold(0.0, f64::max));
    s.dispatch
        .unserved_cny_per_mwh
        .map(|voll| UnservedCost::Priced {
            value_cny_per_mwh: voll,
            dirtiest_kg_per_mwh: dirtiest,
        })
}

/// Which constraints may be violated at a cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Softening {
    /// Load left unserved on the bus.
    pub unserved: Option<UnservedCost>,
    /// Energy missing from flexible-load windows and from batteries' end requirement.
    pub shortfall: Option<f64>,
}

/// Penalty per MWh of the elastic model that explains infeasibility: far above any
/// import, cost or carbon term, so the slack it leaves is the least the scenario needs.
const EXPLAIN_PENALTY: f64 = 1e4;

/// The LP of one window with the columns of every asset.
pub struct WindowModel {
    pub lp: LpBuilder,
    pub vars: WindowVars,
}

impl WindowModel {
    /// Builds the LP for `ctx.len` steps from `ctx.start`: every asset adds its own columns,
    /// rows and objective terms, then the bus balance rows close the model.
    pub fn build(
        ctx: &Context,
        softening: Softening,
        inputs: &Inputs,
        terminal: bool,
    ) -> WindowModel {
        let s = ctx.scenario;
        let columns = ctx.len * (s.pv.len() + 3 * s.batteries.len() + s.flexible_loads.len() + 2);
        let rows = ctx.len * (s.batteries.len() + 1);
        let mut lp = LpBuilder::with_capacity(columns, rows);
        lp.set_objective(s.dispatch.objective);
        let (mut vars, bus) = WindowVars::add_assets(&mut lp, ctx, softening, inputs, terminal);
        vars.close(bus, &mut lp, softening);
        WindowModel { lp, vars }
    }
}

/// The columns every asset of a site added to a window's LP.
pub struct WindowVars {
    pub pv: Vec<VarBlock>,
    pub batteries: Vec<BatteryVars>,
    pub flexible: Vec<FlexibleVars>,
    pub curtailable: Vec<VarBlock>,
    pub grid: GridVars,
    pub unserved: Option<VarBlock>,
}

impl WindowVars {
    /// Adds every asset's columns, rows and objective terms for the window to `lp`; returns
    /// them with the site bus, open for more injections until [`WindowVars::close`].
    pub fn add_assets(
        lp: &mut LpBuilder,
        ctx: &Context,
        softening: Softening,
        inputs: &Inputs,
        terminal: bool,
    ) -> (WindowVars, Bus) {
        let s = ctx.scenario;
        let mut bus = Bus::new(ctx.start, ctx.len, s.time.dt_hours());
        let weights = lp.weights();
        // Steps where the site is paid to draw power: batteries may not burn energy there.
        let paid_to_draw: Vec<usize> = (0..ctx.len)
            .filter(|&k| {
                s.grid.import_limit_mw > 0.0 && s.grid.import_weight(ctx.start + k, &weights) < 0.0
            })
            .collect();
        let pv =
            s.pv.iter()
                .zip(&inputs.pv)
                .map(|(a, available)| a.add_to_lp(lp, &mut bus, available))
                .collect();
        let batteries = s
            .batteries
            .iter()
            .zip(&ctx.state.soc_mwh)
            .map(|(b, &soc)| {
                b.add_to_lp(
                    lp,
                    &mut bus,
                    soc,
                    terminal,
                    softening.shortfall,
                    &paid_to_draw,
                )
            })
            .collect();
        for power in &inputs.loads {
            FixedLoad::add_to_lp(&mut bus, power);
        }
        let flexible = s
            .flexible_loads
            .iter()
            .zip(&ctx.state.owed_mwh)
            .map(|(f, &owed)| f.add_to_lp(lp, &mut bus, owed, softening.shortfall))
            .collect();
        let curtailable = s
            .curtailable_loads
            .iter()
            .map(|c| c.add_to_lp(lp, &mut bus))
            .collect();
        let grid = s.grid.add_to_lp(lp, &mut bus);
        let vars = WindowVars {
            pv,
            batteries,
            flexible,
            curtailable,
            grid,
            unserved: None,
        };
        (vars, bus)
    }

    /// Closes the site bus with its balance rows (and unserved-load columns if softened).
    pub fn close(&mut self, bus: Bus, lp: &mut LpBuilder, softening: Softening) {
        self.unserved = bus.add_balance_rows(lp, softening.unserved);
    }

    /// Writes the set-points of `solution` into `plan`, sized for `s` and the window.
    pub fn extract(&self, s: &Scenario, solution: &LpSolution, plan: &mut Plan) {
        plan.reset(s, self.grid.import.len());
        for (out, vars) in plan.pv_mw.iter_mut().zip(&self.pv) {
            out.copy_from_slice(vars.values(solution));
        }
        for (i, vars) in self.batteries.iter().enumerate() {
            plan.charge_mw[i].copy_from_slice(vars.charge.values(solution));
            plan.discharge_mw[i].copy_from_slice(vars.discharge.values(solution));
        }
        for (out, vars) in plan.flexible_mw.iter_mut().zip(&self.flexible) {
            for (offset, block) in &vars.blocks {
                let values = block.values(solution);
                out[*offset..offset + values.len()].copy_from_slice(values);
            }
            for (offset, power) in &vars.fixed {
                out[*offset..offset + power.len()].copy_from_slice(power);
            }
        }
        for (out, vars) in plan.curtailed_mw.iter_mut().zip(&self.curtailable) {
            out.copy_from_slice(vars.values(solution));
        }
        plan.import_mw
            .copy_from_slice(self.grid.import.values(solution));
        plan.export_mw
            .copy_from_slice(self.grid.export.values(solution));
        if let Some(unserved) = &self.unserved {
            plan.unserved_mw.copy_from_slice(unserved.values(solution));
        }
    }
}

/// Why the window cannot be dispatched, in the planner's terms: solves the window again
/// with every soft-able constraint elastic (unserved load, flexible-load and battery
/// shortfalls) and reports the slack that remains, grouped into asset × time spans.
fn explain(ctx: &Context, inputs: &Inputs, terminal: bool, options: &SolverOptions) -> Vec<String> {
    let s = ctx.scenario;
    let softening = Softening {
        unserved: Some(UnservedCost::Penalty(EXPLAIN_PENALTY)),
        shortfall: Some(EXPLAIN_PENALTY),
    };
    let WindowModel {
        lp,
        vars:
            WindowVars {
                batteries,
                flexible,
                grid,
                unserved,
                ..
            },
    } = WindowModel::build(ctx, softening, inputs, terminal);
    let solution = match lp.solve(options) {
        Ok(solution) => solution,
        Err(e) => {
            return vec![format!(
                "the elastic re-solve that explains infeasibility failed too: {e}"
            )];
        }
    };
    let mut reasons = Vec::new();
    let dt = s.time.dt_hours();
    if let Some(unserved) = unserved {
        let values = unserved.values(&solution);
        let import = grid.import.values(&solution);
        let mut t = 0;
        while t < values.len() {
            if values[t] <= 1e-6 {
                t += 1;
                continue;
            }
            let from = t;
            while t < values.len() && values[t] > 1e-6 {
                t += 1;
            }
            let span = &values[from..t];
            let (peak_at, peak) = span
                .iter()
                .enumerate()
                .fold((0, 0.0), |m, (k, v)| if *v > m.1 { (k, *v) } else { m });
            let at_limit = (import[from + peak_at] - s.grid.import_limit_mw).abs() < 1e-6;
            reasons.push(format!(
                "from {} to {} the site cannot serve {:.3} MWh of load (up to {peak:.3} MW at {}){}",
                s.time.timestamp(ctx.start + from),
                s.time.timestamp(ctx.start + t),
                span.iter().sum::<f64>() * dt,
                s.time.timestamp(ctx.start + from + peak_at),
                if at_limit { format!(", with grid import at its limit of {} MW", s.grid.import_limit_mw) } else { String::new() }
            ));
        }
    }
    for (f, vars) in s.flexible_loads.iter().zip(&flexible) {
        for (w, short) in &vars.shortfalls {
            let missing = short.values(&solution)[0];
            if missing > 1e-6 {
                let window = f.windows[*w];
                reasons.push(format!(
                    "flexible_load '{}' needs {:.3} MWh from {} to {} but can take at most {:.3} MWh in that window",
                    f.name,
                    window.energy_mwh,
                    s.time.timestamp(window.start),
                    s.time.timestamp(window.end),
                    window.energy_mwh - missing
                ));
            }
        }
    }
    for (b, vars) in s.batteries.iter().zip(&batteries) {
        if let Some(short) = &vars.final_shortfall {
            let missing = short.values(&solution)[0];
            if missing > 1e-6 {
                reasons.push(format!(
                    "battery '{}' can end with at most {:.3} MWh, below its soc_final of {:.3} MWh",
                    b.name,
                    b.soc_final_mwh - missing,
                    b.soc_final_mwh
                ));
            }
        }
    }
    if reasons.is_empty() {
        reasons.push("the elastic re-solve found no slack: the infeasibility lies in a hard limit (check bounds such as soc_min ≤ soc_max)".into());
    }
    reasons
}

/// Checks the plan's bus balance on the inputs it was planned with.
pub fn check_balance(ctx: &Context, inputs: &Inputs, plan: &Plan) -> Result<(), DispatchError> {
    let s = ctx.scenario;
    for k in 0..ctx.len {
        let t = ctx.start + k;
        let supply: f64 = plan.pv_mw.iter().map(|v| v[k]).sum::<f64>()
            + plan.discharge_mw.iter().map(|v| v[k]).sum::<f64>()
            + s.curtailable_loads
                .iter()
                .zip(&plan.curtailed_mw)
                .map(|(c, v)| v[k] * c.overhead[t])
                .sum::<f64>()
            + plan.import_mw[k];
        let demand: f64 = inputs.loads.iter().map(|l| l[k]).sum::<f64>()
            + s.flexible_loads
                .iter()
                .zip(&plan.flexible_mw)
                .map(|(f, v)| v[k] * f.bus_factor(t))
                .sum::<f64>()
            + plan.charge_mw.iter().map(|v| v[k]).sum::<f64>()
            + plan.export_mw[k];
        let residual = supply + plan.unserved_mw[k] - demand;
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
