//! Sizing by cutting planes over the capacity columns (Benders' decomposition).
//!
//! The sizing LP's optimum as a function of its capacity columns, `V(y)` (dispatch LP with
//! the capacities fixed at `y`, plus their cost), is convex and piecewise linear. Each
//! evaluation solves the dispatch LP with `y` folded into bounds ([`FixedColumns`]): the
//! same shape every time, so HiGHS re-solves from the last basis, and no column couples
//! all steps (the capacity columns, in the matrix, make each simplex iteration of the year
//! cost many times more). Its duals give a subgradient `g` and the cut
//! `V(y') ≥ V(y) + g·(y' − y)`.
//!
//! The master problem `min θ` over the cuts and the capacities' box gives a lower bound on
//! the optimum; the best evaluation is an upper bound. Candidates come from the master
//! restricted to a box (trust region) around a centre, which keeps each re-solve close to
//! the last basis (Linderoth & Wright's trust-region L-shaped method): a step that
//! lowers `V` by at least a tenth of what the cuts predict moves the region's centre there,
//! and the region doubles if the step reached its edge with half the prediction or more (or
//! if the cuts predict no gain in it); a step that raises `V` halves it. Since `V` is
//! polyhedral and each cut comes from a vertex of the dual, this ends, stopped when the
//! bounds agree within [`GAP`] relative.

use std::time::{Duration, Instant};

use crate::model::{
    FixedColumns, Linear, LpBuilder, LpSolution, Method, Presolve, SolveError, Solver,
    SolverOptions, Term,
};

/// Relative gap between the best evaluation and the master's lower bound that ends the
/// search.
pub const GAP: f64 = 1e-9;

/// Evaluations after which the search stops: with the gap within [`LAST_GAP`] it keeps its
/// best, else it gives up (and the caller solves the joint LP).
pub const MAX_EVALUATIONS: usize = 200;

/// The relative gap accepted after [`MAX_EVALUATIONS`]: cuts are exact to the solver's
/// tolerances only, which may keep the last digits of the gap from closing.
pub const LAST_GAP: f64 = 1e-7;

/// One evaluation of `V` at capacities `y`.
pub struct Evaluation {
    pub y: Vec<f64>,
    /// `V(y)`: the sizing LP's primary objective with the capacities fixed at `y`.
    pub objective: f64,
    /// A subgradient of `V` at `y`.
    pub gradient: Vec<f64>,
    /// The folded LP's column values ([`FixedColumns::expand`] gives the whole LP's).
    pub columns: Vec<f64>,
    pub load_time: Duration,
    pub solve_time: Duration,
}

/// Solves the folded LP at `y` on `solver` (which keeps its basis between calls).
pub fn evaluate(
    solver: &mut Solver,
    fixed: &FixedColumns,
    y: &[f64],
) -> Result<Evaluation, SolveError> {
    let (lp, fold) = fixed.at(y);
    // Capacities that leave a column no room (a fixed capacity's own limits, folded).
    if lp.col_lower.iter().zip(&lp.col_upper).any(|(l, u)| l > u) {
        return Err(SolveError::Infeasible);
    }
    solver.load(lp)?;
    let LpSolution {
        columns,
        objective,
        load_time,
        solve_time,
    } = solver.solve()?;
    let (column_duals, row_duals) = solver
        .duals()
        .ok_or_else(|| SolveError::Solver("no duals for a cut".into()))?;
    Ok(Evaluation {
        y: y.to_vec(),
        objective: objective + fixed.objective_offset(y),
        gradient: fixed.reduced_costs(&fold, &column_duals, &row_duals),
        columns,
        load_time,
        solve_time,
    })
}

/// The outcome of the search.
pub struct Minimum {
    /// The best evaluation: the optimum within the gap.
    pub best: Evaluation,
    /// The master's lower bound on the optimum.
    pub lower_bound: f64,
    /// Evaluations after the first.
    pub evaluations: usize,
    /// Time spent handing the evaluations' LPs to HiGHS, and the rest of the search.
    pub load_time: Duration,
    pub solve_time: Duration,
}

/// Minimises `V` over the box `lower ≤ y ≤ upper` (finite) from the evaluation `first` (see
/// the module documentation); `None` if in [`MAX_EVALUATIONS`] the gap did not close to
/// [`GAP`], nor to [`LAST_GAP`] at the end.
pub fn minimise(
    solver: &mut Solver,
    fixed: &FixedColumns,
    lower: &[f64],
    upper: &[f64],
    first: Evaluation,
) -> Result<Option<Minimum>, SolveError> {
    let started = Instant::now();
    let mut master = Master::new(solver.options())?;
    let range: Vec<f64> = lower.iter().zip(upper).map(|(l, u)| u - l).collect();
    let mut region: Vec<f64> = range.iter().map(|r| 0.1 * r).collect();
    let mut cuts = vec![Cut::from(&first)];
    // The trust region's centre, and the best evaluation (which a step too small to move the
    // centre may still improve).
    let (mut centre, mut centre_value) = (first.y.clone(), first.objective);
    let mut best = first;
    let mut load_time = Duration::ZERO;
    let mut evaluations = 0;
    loop {
        let (_, lower_bound) = master.solve(&cuts, lower, upper)?;
        let scale = best.objective.abs().max(1.0);
        let gap = best.objective - lower_bound;
        let limit = if evaluations == MAX_EVALUATIONS {
            LAST_GAP
        } else {
            GAP
        };
        if gap <= limit * scale {
            return Ok(Some(Minimum {
                best,
                lower_bound,
                evaluations,
                load_time,
                solve_time: started.elapsed().saturating_sub(load_time),
            }));
        }
        if evaluations == MAX_EVALUATIONS {
            return Ok(None);
        }
        let (near_lower, near_upper): (Vec<f64>, Vec<f64>) = (0..lower.len())
            .map(|i| {
                (
                    lower[i].max(centre[i] - region[i]),
                    upper[i].min(centre[i] + region[i]),
                )
            })
            .unzip();
        let (y, predicted) = master.solve(&cuts, &near_lower, &near_upper)?;
        let e = evaluate(solver, fixed, &y)?;
        evaluations += 1;
        load_time += e.load_time;
        cuts.push(Cut::from(&e));
        let expected = centre_value - predicted;
        let actual = centre_value - e.objective;
        let grow = |region: &mut Vec<f64>| {
            for (r, full) in region.iter_mut().zip(&range) {
                *r = (2.0 * *r).min(*full);
            }
        };
        if expected <= GAP * scale {
            // The cuts see no gain inside the region, though the bound says there is one
            // outside: widen it.
            grow(&mut region);
        } else if actual > 0.0 && actual >= 0.1 * expected {
            let at_edge = (0..y.len())
                .any(|i| region[i] > 0.0 && (y[i] - centre[i]).abs() >= region[i] * (1.0 - 1e-9));
            if at_edge && actual >= 0.5 * expected {
                grow(&mut region);
            }
            (centre, centre_value) = (y, e.objective);
        } else if actual < 0.0 {
            for r in &mut region {
                *r *= 0.5;
            }
        }
        if e.objective < best.objective {
            best = e;
        }
    }
}

/// `θ ≥ value + gradient·(y − at)`.
struct Cut {
    at: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
}

impl Cut {
    fn from(e: &Evaluation) -> Cut {
        Cut {
            at: e.y.clone(),
            value: e.objective,
            gradient: e.gradient.clone(),
        }
    }
}

/// The master LP `min θ` over the cuts and a box of `y`, on a HiGHS model of its own.
struct Master {
    solver: Solver,
}

impl Master {
    fn new(options: &SolverOptions) -> Result<Master, SolveError> {
        // The same thread count as the dispatch solver: HiGHS sizes one pool per thread.
        let mut options = options.clone();
        options.method = Method::Simplex;
        options.presolve = Presolve::Off;
        options.time_limit_seconds = None;
        Ok(Master {
            solver: Solver::new(&options)?,
        })
    }

    /// The master's minimiser `y` over the box and its value `θ`.
    fn solve(
        &mut self,
        cuts: &[Cut],
        lower: &[f64],
        upper: &[f64],
    ) -> Result<(Vec<f64>, f64), SolveError> {
        let n = lower.len();
        let mut lp = LpBuilder::with_capacity(n + 1, cuts.len());
        let y = lp.variables("capacity".into(), 0, n, |i| (lower[i], upper[i]));
        let theta = lp.variables("theta".into(), 0, 1, |_| (f64::NEG_INFINITY, f64::INFINITY));
        lp.cost(Term::Penalty, 1.0, &theta, 0);
        // θ − g·y ≥ V − g·at
        lp.rows(
            "cut".into(),
            0,
            cuts.iter().map(|cut| {
                let mut row = Linear::with_capacity(n + 1).plus(1.0, theta.col(0));
                for (i, g) in cut.gradient.iter().enumerate() {
                    row.add(-g, y.col(i));
                }
                let shift: f64 = cut.gradient.iter().zip(&cut.at).map(|(g, a)| g * a).sum();
                row.geq(cut.value - shift)
            }),
        );
        let lp = lp.finish();
        self.solver.load(lp)?;
        let solution = self.solver.solve()?;
        Ok((y.values(&solution).to_vec(), solution.objective))
    }
}
