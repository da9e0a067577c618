//! Perfect-foresight LP: one model over the plan window, minimising weighted grid import
//! (plus cost and carbon terms), assembled from each asset's own contribution (see
//! [`Asset`]): its columns, rows and costs, and its series injected into the site bus.

use std::time::Instant;

use super::{Context, DispatchError, Dispatcher, Plan, PlanOutcome, PlanTimes};
use crate::assets::grid::GridVars;
use crate::assets::{Columns, Segment, Window};
use crate::model::{
    Bus, LpBuilder, LpSolution, SolveError, Solver, SolverOptions, UnservedCost, VarBlock,
};
use crate::scenario::Scenario;

/// Largest bus-balance residual a plan may have (MW).
pub const BALANCE_TOLERANCE_MW: f64 = 1e-6;

/// Plans the whole horizon at once with HiGHS.
pub struct LpDispatcher {
    options: SolverOptions,
    /// Where to write the model it solves (`.mps` or `.lp`), for benchmarking solvers.
    write_model: Option<std::path::PathBuf>,
}

impl LpDispatcher {
    pub fn new(options: SolverOptions) -> LpDispatcher {
        LpDispatcher {
            options,
            write_model: None,
        }
    }

    /// Also writes the model it solves to `path` (format by extension: `.mps`, `.lp`), with
    /// every column and row named: the primary objective's costs and all rows (the
    /// lexicographic tie-breaks' pinning rows are written free, as they stand after it).
    pub fn writing_model_to(mut self, path: std::path::PathBuf) -> LpDispatcher {
        self.write_model = Some(path);
        self
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

    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError> {
        let ends_horizon = ctx.start + ctx.len == ctx.scenario.time.len;
        // A model to be written is kept after its solve; else HiGHS's copy is freed at once.
        let solver = match self.write_model {
            Some(_) => Solver::new(&self.options),
            None => Solver::once(&self.options),
        };
        let mut solver = solver.map_err(|e| solve_error(ctx, e))?;
        let outcome = solve_window(ctx, &Inputs::truth(ctx), ends_horizon, &mut solver, plan)?;
        if let Some(path) = &self.write_model {
            solver.write(path).map_err(|e| solve_error(ctx, e))?;
        }
        Ok(outcome)
    }
}

/// A solver's failure over the context's window.
pub(crate) fn solve_error(ctx: &Context, source: SolveError) -> DispatchError {
    DispatchError::Solve {
        source,
        from: ctx.scenario.time.timestamp(ctx.start),
        to: ctx.scenario.time.timestamp(ctx.start + ctx.len),
    }
}

/// A solve of the context's window that failed: an infeasible window explained (see
/// [`explain`]), any other failure as the solver's.
pub(crate) fn window_failed(
    ctx: &Context,
    inputs: &Inputs,
    terminal: bool,
    options: &SolverOptions,
    source: SolveError,
) -> DispatchError {
    match source {
        SolveError::Infeasible => DispatchError::Infeasible {
            from: ctx.scenario.time.timestamp(ctx.start),
            to: ctx.scenario.time.timestamp(ctx.start + ctx.len),
            reasons: explain(ctx, inputs, terminal, options),
        },
        source => solve_error(ctx, source),
    }
}

/// Builds the LP of one window, made on `inputs`, loads it into `solver` (changing in place
/// the model it holds where only values moved), solves it and extracts it into `plan`; with
/// `terminal`, end-of-horizon requirements apply at the window's end. Returns the objective
/// value and the times taken. An infeasible window is explained (see [`explain`]).
pub(super) fn solve_window(
    ctx: &Context,
    inputs: &Inputs,
    terminal: bool,
    solver: &mut Solver,
    plan: &mut Plan,
) -> Result<PlanOutcome, DispatchError> {
    let s = ctx.scenario;
    let mut times = PlanTimes::default();
    let building = Instant::now();
    let softening = Softening {
        unserved: unserved_penalty(s),
        shortfall: None,
    };
    let WindowModel { lp, vars } = WindowModel::build(ctx, softening, inputs, terminal);
    let lp = lp.finish();
    times.build += building.elapsed();
    let solution = solver
        .load(lp)
        .and_then(|()| solver.solve())
        .map_err(|e| window_failed(ctx, inputs, terminal, solver.options(), e))?;
    times.build += solution.load_time;
    times.solve += solution.solve_time;

    let extracting = Instant::now();
    vars.extract(ctx.devices, &solution, plan);
    check_balance(ctx, plan)?;
    times.extract += extracting.elapsed();
    Ok(PlanOutcome {
        objective: Some(solution.objective),
        times,
    })
}

/// The uncertain inputs a plan is made on, per asset in [`Scenario::devices`] order (MW over
/// the plan's steps; `None` for assets without one). Perfect foresight passes the truth.
pub struct Inputs<'a> {
    pub assets: Vec<Option<&'a [f64]>>,
}

impl<'a> Inputs<'a> {
    /// The truth over the context's window.
    pub fn truth(ctx: &Context<'a>) -> Inputs<'a> {
        let window = ctx.start..ctx.start + ctx.len;
        Inputs {
            assets: ctx
                .devices
                .iter()
                .map(|d| d.input().map(|v| &v[window.clone()]))
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
        let mut lp = LpBuilder::with_capacity(ctx.len * (ctx.devices.len() + 2), ctx.len * 2);
        lp.set_objective(ctx.scenario.dispatch.objective);
        let (mut vars, bus) = WindowVars::add_assets(&mut lp, ctx, softening, inputs, terminal);
        vars.close(bus, &mut lp, softening);
        WindowModel { lp, vars }
    }
}

/// The columns every asset of a site added to a window's LP.
pub struct WindowVars {
    /// Per asset, in [`Scenario::devices`] order, where its series come from.
    pub assets: Vec<Columns>,
    pub grid: GridVars,
    pub unserved: Option<VarBlock>,
}

impl WindowVars {
    /// Adds every asset's columns, rows and objective terms for the window to `lp`, and
    /// injects each asset's series into the site bus with its coefficients; returns them
    /// with the bus, open for more injections until [`WindowVars::close`].
    pub fn add_assets(
        lp: &mut LpBuilder,
        ctx: &Context,
        softening: Softening,
        inputs: &Inputs,
        terminal: bool,
    ) -> (WindowVars, Bus) {
        let s = ctx.scenario;
        let dt = s.time.dt_hours();
        let mut bus = Bus::new(ctx.start, ctx.len, dt);
        let weights = lp.weights();
        // Steps where the site is paid to draw power: batteries may not burn energy there.
        let paid_to_draw: Vec<usize> = (0..ctx.len)
            .filter(|&k| {
                s.grid.import_limit_mw > 0.0 && s.grid.import_weight(ctx.start + k, &weights) < 0.0
            })
            .collect();
        let mut assets = Vec::with_capacity(ctx.devices.len());
        for (i, device) in ctx.devices.iter().enumerate() {
            let window = Window {
                start: ctx.start,
                len: ctx.len,
                dt,
                state: ctx.state.assets[i],
                input: inputs.assets[i],
                terminal,
                shortfall: softening.shortfall,
                paid_to_draw: &paid_to_draw,
            };
            let columns = device.add_to_lp(lp, &window);
            for (series, segments) in columns.series.iter().enumerate() {
                for segment in segments {
                    match segment {
                        Segment::Columns { offset, block } => {
                            for k in 0..block.len() {
                                let t = offset + k;
                                let c = device.bus_coefficient(series, ctx.start + t);
                                if c != 0.0 {
                                    bus.inject(t, c, block.col(k));
                                }
                            }
                        }
                        Segment::Fixed { offset, values } => {
                            for (k, v) in values.iter().enumerate() {
                                let t = offset + k;
                                let c = device.bus_coefficient(series, ctx.start + t);
                                bus.inject_constant(t, c * v);
                            }
                        }
                    }
                }
            }
            assets.push(columns);
        }
        let grid = s.grid.add_to_lp(lp, &mut bus);
        let vars = WindowVars {
            assets,
            grid,
            unserved: None,
        };
        (vars, bus)
    }

    /// Closes the site bus with its balance rows (and unserved-load columns if softened).
    pub fn close(&mut self, bus: Bus, lp: &mut LpBuilder, softening: Softening) {
        self.unserved = bus.add_balance_rows(lp, softening.unserved);
    }

    /// Writes the set-points of `solution` into `plan`, sized for `devices` and the window.
    pub fn extract(
        &self,
        devices: &[&dyn crate::assets::Asset],
        solution: &LpSolution,
        plan: &mut Plan,
    ) {
        plan.reset(devices, self.grid.import.len());
        for (out, columns) in plan.assets.iter_mut().zip(&self.assets) {
            for (series, segments) in out.iter_mut().zip(&columns.series) {
                for segment in segments {
                    match segment {
                        Segment::Columns { offset, block } => {
                            let values = block.values(solution);
                            series[*offset..offset + values.len()].copy_from_slice(values);
                        }
                        Segment::Fixed { offset, values } => {
                            series[*offset..offset + values.len()].copy_from_slice(values);
                        }
                    }
                }
            }
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
pub fn explain(
    ctx: &Context,
    inputs: &Inputs,
    terminal: bool,
    options: &SolverOptions,
) -> Vec<String> {
    let s = ctx.scenario;
    let softening = Softening {
        unserved: Some(UnservedCost::Penalty(EXPLAIN_PENALTY)),
        shortfall: Some(EXPLAIN_PENALTY),
    };
    let WindowModel { lp, vars } = WindowModel::build(ctx, softening, inputs, terminal);
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
    if let Some(unserved) = &vars.unserved {
        let values = unserved.values(&solution);
        let import = vars.grid.import.values(&solution);
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
    for (device, columns) in ctx.devices.iter().zip(&vars.assets) {
        let slacks: Vec<(usize, f64)> = columns
            .slacks
            .iter()
            .map(|(index, block)| (*index, block.values(&solution)[0]))
            .collect();
        reasons.extend(device.explain(&slacks, &s.time));
    }
    if reasons.is_empty() {
        reasons.push("the elastic re-solve found no slack: the infeasibility lies in a hard limit (check bounds such as soc_min ≤ soc_max)".into());
    }
    reasons
}

/// Checks the plan's bus balance: every asset's planned series with its bus coefficient
/// (fixed loads as planned on), the grid and any unserved load sum to zero at every step.
pub fn check_balance(ctx: &Context, plan: &Plan) -> Result<(), DispatchError> {
    let s = ctx.scenario;
    for k in 0..ctx.len {
        let t = ctx.start + k;
        let mut residual = plan.import_mw[k] - plan.export_mw[k] + plan.unserved_mw[k];
        for (device, series) in ctx.devices.iter().zip(&plan.assets) {
            for (i, values) in series.iter().enumerate() {
                residual += device.bus_coefficient(i, t) * values[k];
            }
        }
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
