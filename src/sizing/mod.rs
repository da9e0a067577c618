//! Sizing: what to build, and what it pays.
//!
//! A scenario with extendable capacities (see `assets::capacity`) has a sizing LP: the
//! dispatch columns over the whole horizon with a column per capacity beside them,
//! minimising `dispatch objective + w_cost · Σ (CRF·capex + fixed_om)·added · hours/8760`,
//! the annualised total cost scaled to the horizon (with the scenario's import and carbon
//! weights as in dispatch). It is solved by cutting planes over the capacity columns
//! ([`benders`]): the dispatch LP with the capacities folded into bounds, re-solved from its
//! last basis at each trial, its duals giving the cuts; as one joint LP where those do not
//! apply (see [`size`]). The optimal sizes give the **sized scenario** (every capacity fixed
//! at its total); the sizing LP's own dispatch is then committed to it through the ordinary
//! simulator ([`Replay`]), so what is written is what was solved and every dispatch
//! invariant is checked on the sized system. The **business as usual** (the existing
//! capacities alone) is the first trial (the joint LP solves it first and starts from its
//! optimum), and its plan is committed to the existing system the same way. [`economics`]
//! compares the two.

mod benders;
pub mod economics;

use std::time::Instant;

use crate::assets::capacity::{CapacityColumn, Extension, HOURS_PER_YEAR};
use crate::dispatch::{
    Context, DispatchError, Dispatcher, Inputs, LpDispatcher, Plan, PlanOutcome, PlanTimes,
    Softening, State, WindowModel, WindowVars, check_balance, solve_error, unserved_penalty,
    window_failed,
};
use crate::model::{FixedColumns, Lp, LpSolution, SolveError, Solver, SolverOptions};
use crate::scenario::Scenario;
use crate::sim::{Run, SimError, simulate};

pub use economics::Economics;

/// What was added to one capacity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Added {
    /// The asset (`grid` for the import limit) and its kind (`PV`, `battery`, …).
    pub asset: String,
    pub kind: &'static str,
    pub field: &'static str,
    pub unit: &'static str,
    pub existing: f64,
    pub added: f64,
    pub total: f64,
    pub min: f64,
    pub max: f64,
    /// Investment in what is added (CNY).
    pub capex_cny: f64,
    pub lifetime_years: f64,
    /// `CRF·capex` of what is added (CNY/yr).
    pub annualised_capex_cny: f64,
    /// Fixed O&M of what is added (CNY/yr).
    pub fixed_om_cny: f64,
}

impl Added {
    fn new(asset: &str, kind: &'static str, e: &Extension, added: f64) -> Added {
        // A solver's value within 1e-9 of zero is zero (no negative zero or dust in outputs).
        let added = if added.abs() < 1e-9 { 0.0 } else { added };
        Added {
            asset: asset.to_string(),
            kind,
            field: e.field,
            unit: e.unit,
            existing: e.existing,
            added,
            total: e.existing + added,
            min: e.min,
            max: e.max,
            capex_cny: e.capex * added,
            lifetime_years: e.lifetime_years,
            annualised_capex_cny: e.crf * e.capex * added,
            fixed_om_cny: e.fixed_om * added,
        }
    }

    /// Annualised cost of what is added (CNY/yr).
    pub fn annual_cny(&self) -> f64 {
        self.annualised_capex_cny + self.fixed_om_cny
    }
}

/// The optimum of the sizing LP.
pub struct Sized {
    /// The sized system: every capacity fixed at its optimal total.
    pub scenario: Scenario,
    /// The sizing LP's dispatch, to be committed to `scenario`.
    pub plan: Plan,
    /// The sizing LP's primary objective (horizon) and its dispatch part (without the
    /// capacities' cost).
    pub objective: f64,
    pub dispatch_objective: f64,
    /// Per extendable capacity, in device order, then the grid's.
    pub capacities: Vec<Added>,
    pub times: PlanTimes,
    /// Business as usual as solved before (the capacities held at what exists), when no
    /// capacity must grow and it is feasible.
    pub bau: Option<Solved>,
    pub search: Search,
}

/// How the sizing optimum was found.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Search {
    /// Cutting planes over the capacity columns ([`benders`]): `evaluations` dispatch LPs
    /// after the first (business as usual where nothing must grow); the master's lower bound
    /// is `gap` (objective units) below the objective found. The cuts come from duals exact
    /// to HiGHS's tolerances, so the bound is too: on the park it was within 1e-9 (relative)
    /// of the joint LP's optimum, and it may come out a hair above the objective (a gap a
    /// hair below 0).
    CuttingPlanes { evaluations: usize, gap: f64 },
    /// One LP (a MIP with blocks) with the capacity columns beside the dispatch columns.
    JointLp,
}

/// A plan of the whole horizon as solved: its objective (without capacity costs) and the
/// times it took.
pub struct Solved {
    pub plan: Plan,
    pub objective: f64,
    pub times: PlanTimes,
}

/// Whether the scenario has an extendable capacity.
pub fn is_sizing(s: &Scenario) -> bool {
    s.grid.import_sizing.is_some() || s.devices().iter().any(|d| !d.extensions().is_empty())
}

/// Solves the sizing LP of `s` (see the module documentation): by cutting planes over the
/// capacity columns where the LP allows (continuous capacities, one objective level), else,
/// or where they give no answer, as one joint LP.
pub fn size(s: &Scenario) -> Result<Sized, DispatchError> {
    size_by(s, false)
}

/// Solves the sizing LP of `s` as one joint LP (the capacity columns beside the dispatch
/// columns), from business as usual's basis: the second method [`size`]'s cutting planes
/// are checked against.
pub fn size_jointly(s: &Scenario) -> Result<Sized, DispatchError> {
    size_by(s, true)
}

fn size_by(s: &Scenario, joint: bool) -> Result<Sized, DispatchError> {
    let devices = s.devices();
    let state = State::initial(s);
    let ctx = Context {
        scenario: s,
        devices: &devices,
        state: &state,
        start: 0,
        len: s.time.len,
    };
    let mut times = PlanTimes::default();
    let building = Instant::now();
    let inputs = Inputs::truth(&ctx);
    let softening = Softening {
        unserved: unserved_penalty(s),
        shortfall: None,
    };
    let WindowModel { lp, vars } = WindowModel::build(&ctx, softening, &inputs, true);
    let lp = lp.finish();
    times.build += building.elapsed();
    let mut solver = Solver::new(&s.dispatch.solver).map_err(|e| solve_error(&ctx, e))?;
    let columns: Vec<CapacityColumn> = vars
        .assets
        .iter()
        .flat_map(|a| a.capacities.iter().copied())
        .chain(vars.grid.capacity)
        .collect();
    let decomposable = !joint && lp.levels.len() == 1 && !lp.integer.iter().any(|&i| i);
    let searching = Instant::now();
    let by_cuts = match decomposable {
        true => by_cuts(&ctx, &lp, &vars, &columns, &mut solver)?,
        false => None,
    };
    if by_cuts.is_none() {
        // A search that gave no answer still took its time.
        times.solve += searching.elapsed();
    }
    let (solution, bau, search) = match by_cuts {
        Some(found) => found,
        None => {
            let (solution, bau) = jointly(&ctx, &inputs, lp, &vars, &columns, &mut solver)?;
            (solution, bau, Search::JointLp)
        }
    };
    times.build += solution.load_time;
    times.solve += solution.solve_time;
    let extracting = Instant::now();
    let mut plan = Plan::default();
    vars.extract(&devices, &solution, &mut plan);
    check_balance(&ctx, &plan)?;
    // What each capacity column holds, per asset in device order, then the grid's.
    let read = |columns: &[CapacityColumn]| -> Vec<f64> {
        columns.iter().map(|c| c.added(&solution.columns)).collect()
    };
    let added: Vec<Vec<f64>> = vars.assets.iter().map(|a| read(&a.capacities)).collect();
    let grid_added = vars
        .grid
        .capacity
        .map_or(0.0, |c| c.added(&solution.columns));
    let mut capacities = Vec::new();
    for (device, values) in devices.iter().zip(&added) {
        for (e, v) in device.extensions().into_iter().zip(values) {
            capacities.push(Added::new(device.name(), device.describe(&s.time).0, e, *v));
        }
    }
    if let Some(e) = &s.grid.import_sizing {
        capacities.push(Added::new("grid", "grid", e, grid_added));
    }
    let hours = s.time.len as f64 * s.time.dt_hours();
    let capacity_cost: f64 =
        capacities.iter().map(Added::annual_cny).sum::<f64>() * hours / HOURS_PER_YEAR;
    let sized = sized_scenario(s, &added, grid_added);
    times.extract += extracting.elapsed();
    Ok(Sized {
        scenario: sized,
        plan,
        objective: solution.objective,
        dispatch_objective: solution.objective - s.dispatch.objective.weights.cost * capacity_cost,
        capacities,
        times,
        bau,
        search,
    })
}

/// Business as usual from a solution of the sizing LP with its capacities held at what
/// exists.
fn business_as_usual_solved(
    ctx: &Context,
    vars: &WindowVars,
    solution: &LpSolution,
) -> Result<Solved, DispatchError> {
    let mut plan = Plan::default();
    vars.extract(ctx.devices, solution, &mut plan);
    check_balance(ctx, &plan)?;
    Ok(Solved {
        plan,
        objective: solution.objective,
        times: PlanTimes {
            build: solution.load_time,
            solve: solution.solve_time,
            ..PlanTimes::default()
        },
    })
}

/// Sizes by cutting planes over the capacity columns ([`benders`]), from the capacities'
/// least totals (business as usual where none must grow). `None` where that gives no answer:
/// a point the search tries is infeasible, it does not converge, or a capacity has no
/// finite most; the joint LP then decides (and explains an infeasibility).
fn by_cuts(
    ctx: &Context,
    lp: &Lp,
    vars: &WindowVars,
    columns: &[CapacityColumn],
    solver: &mut Solver,
) -> Result<Option<(LpSolution, Option<Solved>, Search)>, DispatchError> {
    let indices: Vec<usize> = columns.iter().map(|c| c.block.first()).collect();
    let lower: Vec<f64> = indices.iter().map(|&k| lp.col_lower[k]).collect();
    let upper: Vec<f64> = indices.iter().map(|&k| lp.col_upper[k]).collect();
    if upper.iter().any(|u| !u.is_finite()) {
        return Ok(None);
    }
    let folding = Instant::now();
    let fixed = FixedColumns::new(lp, &indices);
    let folding = folding.elapsed();
    let first = match benders::evaluate(solver, &fixed, &lower) {
        Ok(first) => first,
        Err(SolveError::Infeasible) => return Ok(None),
        Err(e) => return Err(solve_error(ctx, e)),
    };
    let bau = match columns.iter().all(|c| c.least <= c.existing) {
        true => {
            let solution = LpSolution {
                columns: fixed.expand(&first.y, &first.columns),
                objective: first.objective,
                load_time: first.load_time,
                solve_time: first.solve_time,
            };
            Some(business_as_usual_solved(ctx, vars, &solution)?)
        }
        false => None,
    };
    match benders::minimise(solver, &fixed, &lower, &upper, first) {
        Ok(Some(found)) => Ok(Some((
            LpSolution {
                columns: fixed.expand(&found.best.y, &found.best.columns),
                objective: found.best.objective,
                load_time: folding + found.load_time,
                solve_time: found.solve_time,
            },
            bau,
            Search::CuttingPlanes {
                evaluations: found.evaluations,
                gap: found.best.objective - found.lower_bound,
            },
        ))),
        Ok(None) | Err(SolveError::Infeasible) => Ok(None),
        Err(e) => Err(solve_error(ctx, e)),
    }
}

/// Sizes by the joint LP (capacity columns beside the dispatch columns), after business as
/// usual (the same LP with every capacity column held at what exists, where none must
/// grow), from whose basis it starts.
fn jointly(
    ctx: &Context,
    inputs: &Inputs,
    lp: Lp,
    vars: &WindowVars,
    columns: &[CapacityColumn],
    solver: &mut Solver,
) -> Result<(LpSolution, Option<Solved>), DispatchError> {
    let s = ctx.scenario;
    let mut bau = None;
    if columns.iter().all(|c| c.least <= c.existing) {
        let mut held = lp.clone();
        for c in columns {
            let k = c.block.first();
            held.col_upper[k] = held.col_lower[k];
        }
        solver.load(held).map_err(|e| solve_error(ctx, e))?;
        match solver.solve() {
            Ok(solution) => bau = Some(business_as_usual_solved(ctx, vars, &solution)?),
            // Explained by the ordinary LP when business as usual is dispatched.
            Err(SolveError::Infeasible) => {}
            Err(e) => return Err(solve_error(ctx, e)),
        }
    }
    let solution = solver
        .load(lp)
        .and_then(|()| solver.solve())
        .map_err(|e| window_failed(ctx, inputs, true, &s.dispatch.solver, e))?;
    Ok((solution, bau))
}

/// `s` with every capacity at existing + `added` (per device, in extension order; the
/// grid's import limit + `grid_added`), no longer sizable.
fn sized_scenario(s: &Scenario, added: &[Vec<f64>], grid_added: f64) -> Scenario {
    let o = s.offsets();
    let mut out = s.clone();
    for (i, pv) in out.pv.iter_mut().enumerate() {
        *pv = pv.sized(&added[o.pv + i]);
    }
    for (i, b) in out.batteries.iter_mut().enumerate() {
        *b = b.sized(&added[o.batteries + i]);
    }
    for (i, g) in out.generators.iter_mut().enumerate() {
        *g = g.sized(&added[o.generators + i]);
    }
    out.grid = s.grid.sized(grid_added);
    out
}

/// `s` with its existing capacities alone: business as usual.
pub fn business_as_usual(s: &Scenario) -> Scenario {
    let mut out = s.clone();
    for pv in &mut out.pv {
        pv.sizing = None;
    }
    for b in &mut out.batteries {
        b.sizing = None;
    }
    for g in &mut out.generators {
        g.sizing = None;
    }
    out.grid.import_sizing = None;
    out
}

/// Commits the sizing LP's plan (one window over the horizon) to the sized scenario.
pub struct Replay {
    plan: Option<Plan>,
    objective: f64,
    times: PlanTimes,
    options: SolverOptions,
}

impl Replay {
    /// Replays `sized`'s plan; its objective is the dispatch part of the sizing LP's.
    pub fn new(sized: &Sized) -> Replay {
        Replay {
            plan: Some(sized.plan.clone()),
            objective: sized.dispatch_objective,
            times: sized.times,
            options: sized.scenario.dispatch.solver.clone(),
        }
    }

    /// Replays a solved plan (made with solver `options`).
    pub fn solved(solved: &Solved, options: &SolverOptions) -> Replay {
        Replay {
            plan: Some(solved.plan.clone()),
            objective: solved.objective,
            times: solved.times,
            options: options.clone(),
        }
    }
}

impl Dispatcher for Replay {
    fn name(&self) -> &'static str {
        "lp"
    }

    fn window(&self, scenario: &Scenario) -> (usize, usize) {
        (scenario.time.len, scenario.time.len)
    }

    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError> {
        match self.plan.take() {
            Some(p) if ctx.start == 0 && p.import_mw.len() == ctx.len => {
                *plan = p;
                Ok(PlanOutcome {
                    objective: Some(self.objective),
                    times: self.times,
                })
            }
            _ => Err(DispatchError::Rule(
                "the sizing plan covers the whole horizon once".into(),
            )),
        }
    }

    fn solver(&self) -> Option<&SolverOptions> {
        Some(&self.options)
    }

    fn commits_as_planned(&self) -> bool {
        true
    }
}

/// A sizing run: the sized system's run and the business-as-usual run.
pub struct Outcome {
    pub sized: Sized,
    /// The sized system, its sizing plan committed.
    pub run: Run,
    /// Business as usual, or why it cannot be dispatched.
    pub bau: Result<Run, SimError>,
}

/// Sizes `s`, commits the optimum's dispatch to the sized system and business as usual's
/// to the existing system (as solved before sizing, or by the ordinary LP where that could
/// not be: a capacity that must grow, or business as usual infeasible, which it explains).
pub fn run(s: &Scenario) -> Result<Outcome, SimError> {
    let sized = size(s)?;
    let run = simulate(&sized.scenario, &mut Replay::new(&sized))?;
    let bau_scenario = business_as_usual(s);
    let bau = match &sized.bau {
        Some(solved) => simulate(
            &bau_scenario,
            &mut Replay::solved(solved, &s.dispatch.solver),
        ),
        None => simulate(
            &bau_scenario,
            &mut LpDispatcher::new(s.dispatch.solver.clone()),
        ),
    };
    Ok(Outcome { sized, run, bau })
}
