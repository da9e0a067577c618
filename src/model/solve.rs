//! Solving a built [`Lp`] with HiGHS, and keeping the model alive between solves.
//!
//! A [`Solver`] owns one HiGHS model. [`Solver::load`] hands it an LP: the first time, or
//! when the LP's shape (columns, rows, binaries) differs from the one loaded, the model is
//! passed whole; otherwise only what changed is changed in place — bounds and costs by
//! range, and each matrix coefficient that differs — so the next solve starts from the
//! previous basis. A receding-horizon dispatcher builds each window's LP with the same asset
//! code as a one-off solve and loads it into the same solver: nothing but that code decides
//! what the window's LP is.
//!
//! [`Solver::solve`] solves the objective levels lexicographically (see `objective`): after
//! each level, a pinning row `level·x ≤ optimum + tolerance` is set and the next level's
//! costs are solved from the basis the previous left, by the primal simplex method. The
//! pinning rows stay in the model (freed between solves), so the shape stays stable.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::highs::{Arrays, Highs, OptionValue, Status};
use super::{Lp, objective};

crate::options::named_enum! {
    /// HiGHS algorithm.
    pub enum Method {
        /// Interior point (with crossover, so the solution is a vertex).
        Ipm = "ipm",
        /// Dual simplex.
        Simplex = "simplex",
        /// HiGHS chooses.
        Choose = "choose",
    }
}

crate::options::named_enum! {
    /// HiGHS presolve.
    pub enum Presolve {
        Off = "off",
        On = "on",
        /// Presolve with only its cheap reductions (see [`LIGHT_PRESOLVE_RULES_OFF`]).
        Light = "light",
    }
}

/// HiGHS options used for every solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverOptions {
    pub method: Method,
    pub presolve: Presolve,
    /// HiGHS `time_limit` in seconds.
    pub time_limit_seconds: Option<f64>,
    /// With the simplex method, HiGHS's parallel dual simplex (PAMI, `simplex_strategy` 2),
    /// which works on several pivots at once on all its threads. Its threads spin-wait for
    /// each other: when the cores are shared with other busy processes it slows down many
    /// times (the park week 0.09 s → 3.1 s with two busy processes on two cores), so it is
    /// off by default and ignored with fewer than two threads.
    pub parallel: bool,
    /// Scale of the dual simplex's random cost perturbation (HiGHS
    /// `dual_simplex_cost_perturbation_multiplier`; HiGHS's default is 1). Dispatch LPs have
    /// many zero-cost columns and so many tied (dual degenerate) vertices; a larger
    /// perturbation breaks the ties sooner. HiGHS removes the perturbation and cleans up
    /// before it reports the optimum, so the optimal value does not change.
    pub cost_perturbation: f64,
    /// HiGHS threads (`None`: [`available_threads`], the cores this process may use).
    pub threads: Option<u32>,
}

impl Default for SolverOptions {
    /// Interior point without presolve: the fastest on year-long dispatch LPs here
    /// (see benches/dispatch.rs); crossover stays on so the solution is a vertex.
    fn default() -> Self {
        SolverOptions {
            method: Method::Ipm,
            presolve: Presolve::Off,
            time_limit_seconds: None,
            parallel: false,
            cost_perturbation: 1.0,
            threads: None,
        }
    }
}

impl SolverOptions {
    /// Threads HiGHS is given: `threads`, else [`available_threads`].
    pub fn thread_count(&self) -> u32 {
        self.threads.unwrap_or_else(available_threads).max(1)
    }

    /// HiGHS `simplex_strategy`: 2 (parallel dual) with `parallel` and two threads or more,
    /// else 1 (dual).
    fn simplex_strategy(&self) -> i32 {
        if self.parallel && self.method == Method::Simplex && self.thread_count() >= 2 {
            2
        } else {
            1
        }
    }
}

/// The cores this process may run on: the affinity mask and the cgroup CPU quota both count
/// (`std::thread::available_parallelism`; HiGHS's own default follows the affinity mask
/// only). 1 when the system cannot tell.
pub fn available_threads() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// HiGHS `presolve_rule_off` bits for `presolve = "light"`: every rule except the initial
/// sweep and the empty-row, singleton-row, redundant-row, empty-column and fixed-column
/// reductions (bits 0–4 and 21 of HiGHS's `PresolveRuleType`). On the park year it removes
/// 18k columns (night-time PV; full presolve removes 43k) in 0.6 s instead of 1.7 s, and the
/// dual simplex then needs about as many iterations (181k against 175k).
pub const LIGHT_PRESOLVE_RULES_OFF: i32 = 0xFF_FFFF & !(0b1_1111 | 1 << 21);

/// Why a solve gave no optimal solution, in HiGHS's own distinctions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    #[error("the dispatch problem is infeasible")]
    Infeasible,
    #[error("the dispatch problem is unbounded")]
    Unbounded,
    #[error("the solver stopped at a limit ({0}) before finding the optimum")]
    Limit(String),
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// An optimal solution with the solver's timings.
#[derive(Debug)]
pub struct LpSolution {
    /// Column values in model order.
    pub columns: Vec<f64>,
    /// The primary objective's value.
    pub objective: f64,
    /// Time to hand the model (or its changes) to HiGHS.
    pub load_time: Duration,
    /// Time HiGHS spent solving.
    pub solve_time: Duration,
}

/// One HiGHS model, loaded and solved again and again (see the module documentation).
pub struct Solver {
    highs: Highs,
    options: SolverOptions,
    /// The LP the model holds (its pinning rows come after its own rows).
    loaded: Option<Lp>,
    /// Coefficients of each pinning row; row `rows + i` pins level `i`.
    pins: Vec<Vec<f64>>,
    load_time: Duration,
    /// Made by [`Solver::once`]: keeps no copy of the matrix once HiGHS holds it, and frees
    /// HiGHS's model once solved.
    once: bool,
}

impl Solver {
    /// A solver with `options` set, holding no model yet.
    pub fn new(options: &SolverOptions) -> Result<Solver, SolveError> {
        Ok(Solver {
            highs: Solver::configured(options)?,
            options: options.clone(),
            loaded: None,
            pins: Vec::new(),
            load_time: Duration::ZERO,
            once: false,
        })
    }

    /// A HiGHS instance with `options` set.
    fn configured(options: &SolverOptions) -> Result<Highs, SolveError> {
        let mut highs = Highs::new()?;
        highs.set_option("solver", OptionValue::Str(options.method.name()))?;
        let presolve = match options.presolve {
            Presolve::Off => "off",
            Presolve::On | Presolve::Light => "on",
        };
        highs.set_option("presolve", OptionValue::Str(presolve))?;
        if options.presolve == Presolve::Light {
            highs.set_option(
                "presolve_rule_off",
                OptionValue::Int(LIGHT_PRESOLVE_RULES_OFF),
            )?;
        }
        if let Some(limit) = options.time_limit_seconds {
            highs.set_option("time_limit", OptionValue::Float(limit))?;
        }
        highs.set_option(
            "dual_simplex_cost_perturbation_multiplier",
            OptionValue::Float(options.cost_perturbation),
        )?;
        highs.set_option(
            "simplex_strategy",
            OptionValue::Int(options.simplex_strategy()),
        )?;
        // HiGHS's thread pool belongs to the calling OS thread and is sized once, by the
        // first solve there: every solver made on one thread must ask for the same count
        // (a run asks for one count throughout; ADMM agents, on their own threads, for 1).
        let threads = i32::try_from(options.thread_count()).unwrap_or(i32::MAX);
        highs.set_option("threads", OptionValue::Int(threads))?;
        // Binaries keep one meter from importing and exporting at once (see the grid): solve
        // them to optimality, not HiGHS's default gap of 1e-4.
        highs.set_option("mip_rel_gap", OptionValue::Float(1e-9))?;
        Ok(highs)
    }

    /// A solver for one model solved once (a perfect-foresight plan): after loading it
    /// drops its copy of the matrix (HiGHS has its own), and after solving it frees HiGHS's
    /// model, presolved model and factorisation, so the plan's extraction and the commit that
    /// follow do not hold them too. On the park year (1.24 M non-zeros) the copy alone is
    /// about 21 MB (16 bytes a non-zero). Loading a second model passes it whole.
    pub fn once(options: &SolverOptions) -> Result<Solver, SolveError> {
        let mut solver = Solver::new(options)?;
        solver.once = true;
        Ok(solver)
    }

    /// The LP loaded last.
    pub fn lp(&self) -> Option<&Lp> {
        self.loaded.as_ref()
    }

    pub fn options(&self) -> &SolverOptions {
        &self.options
    }

    /// Loads `lp`: passed whole if its shape differs from the model's, else changed in place.
    pub fn load(&mut self, lp: Lp) -> Result<(), SolveError> {
        let loading = Instant::now();
        match self.loaded.take() {
            Some(old) if !self.once && old.same_shape(&lp) => self.change(&old, &lp)?,
            _ => {
                self.pins.clear();
                let integer = lp
                    .integer
                    .iter()
                    .any(|&i| i)
                    .then_some(lp.integer.as_slice());
                self.highs.pass(&Arrays {
                    cost: &lp.levels[0],
                    col_lower: &lp.col_lower,
                    col_upper: &lp.col_upper,
                    row_lower: &lp.row_lower,
                    row_upper: &lp.row_upper,
                    a_start: &lp.a_start,
                    a_index: &lp.a_index,
                    a_value: &lp.a_value,
                    integer,
                })?;
            }
        }
        self.loaded = Some(if self.once { without_matrix(lp) } else { lp });
        self.load_time = loading.elapsed();
        Ok(())
    }

    /// Changes the model from `old` into `new` (same shape) in place.
    fn change(&mut self, old: &Lp, new: &Lp) -> Result<(), SolveError> {
        if old.col_lower != new.col_lower || old.col_upper != new.col_upper {
            self.highs
                .set_col_bounds(0, &new.col_lower, &new.col_upper)?;
        }
        if old.levels[0] != new.levels[0] {
            self.highs.set_costs(0, &new.levels[0])?;
        }
        if old.row_lower != new.row_lower || old.row_upper != new.row_upper {
            self.highs
                .set_row_bounds(0, &new.row_lower, &new.row_upper)?;
        }
        if old.a_start == new.a_start && old.a_index == new.a_index {
            for (k, (a, b)) in old.a_value.iter().zip(&new.a_value).enumerate() {
                if a != b {
                    let row = new.a_start.partition_point(|&s| s <= k) - 1;
                    self.highs.set_coeff(row, new.a_index[k], *b)?;
                }
            }
            return Ok(());
        }
        // Another sparsity pattern: row by row, every entry of either pattern that differs.
        for r in 0..new.num_rows() {
            let entries = |lp: &Lp| -> Vec<(usize, f64)> {
                let mut e: Vec<(usize, f64)> = (lp.a_start[r]..lp.a_start[r + 1])
                    .map(|k| (lp.a_index[k], lp.a_value[k]))
                    .collect();
                e.sort_by_key(|x| x.0);
                e
            };
            let (a, b) = (entries(old), entries(new));
            if a == b {
                continue;
            }
            for &(col, _) in a
                .iter()
                .filter(|(c, _)| b.binary_search_by_key(c, |x| x.0).is_err())
            {
                self.highs.set_coeff(r, col, 0.0)?;
            }
            for &(col, value) in &b {
                let before = a.binary_search_by_key(&col, |x| x.0).ok().map(|i| a[i].1);
                if before != Some(value) {
                    self.highs.set_coeff(r, col, value)?;
                }
            }
        }
        Ok(())
    }

    /// Changes the bounds of column `col` of the loaded model (e.g. to fix a coupling).
    pub fn set_col_bounds(&mut self, col: usize, lower: f64, upper: f64) -> Result<(), SolveError> {
        let lp = self
            .loaded
            .as_mut()
            .ok_or_else(|| SolveError::Solver("no model loaded".into()))?;
        if col >= lp.num_columns() {
            return Err(SolveError::Solver(format!("column {col} out of the model")));
        }
        lp.col_lower[col] = lower;
        lp.col_upper[col] = upper;
        self.highs.set_col_bounds(col, &[lower], &[upper])
    }

    /// The duals of the last solve (column reduced costs, then the LP's own rows' duals, in
    /// HiGHS's signs: see [`Highs::duals`]), when the model holds an LP of one objective
    /// level (tie-break levels solve other LPs last).
    pub fn duals(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        let lp = self.loaded.as_ref()?;
        if lp.levels.len() != 1 {
            return None;
        }
        let (cols, mut rows) = self.highs.duals();
        rows.truncate(lp.num_rows());
        Some((cols, rows))
    }

    /// Solves the loaded model from the previous basis, lexicographically over its
    /// objective levels; returns the solution and the primary objective's value.
    pub fn solve(&mut self) -> Result<LpSolution, SolveError> {
        let lp = self
            .loaded
            .take()
            .ok_or_else(|| SolveError::Solver("no model loaded".into()))?;
        let solving = Instant::now();
        let result = self.solve_levels(&lp);
        let solve_time = solving.elapsed();
        let objective = result
            .as_ref()
            .map_or(0.0, |x| objective::value(&lp.levels[0], x));
        self.loaded = Some(lp);
        if self.once {
            // A new, empty instance in its place: dropping the old one frees its model.
            self.highs = Solver::configured(&self.options)?;
            self.pins.clear();
            self.loaded = None;
        }
        let columns = result?;
        Ok(LpSolution {
            objective,
            columns,
            load_time: self.load_time,
            solve_time,
        })
    }

    fn solve_levels(&mut self, lp: &Lp) -> Result<Vec<f64>, SolveError> {
        let mut x = self.run()?;
        let tie_breaks = lp.levels.len() - 1;
        if tie_breaks == 0 {
            return Ok(x);
        }
        self.highs
            .set_option("solver", OptionValue::Str("simplex"))?;
        self.highs
            .set_option("simplex_strategy", OptionValue::Int(4))?;
        let mut outcome = Ok(());
        for level in 1..=tie_breaks {
            let pinned = &lp.levels[level - 1];
            let bound = objective::value(pinned, &x);
            outcome = self
                .pin(lp, level - 1, bound + objective::tolerance(bound))
                .and_then(|()| self.highs.set_costs(0, &lp.levels[level]))
                .and_then(|()| self.run())
                .map(|solution| x = solution);
            if outcome.is_err() {
                break;
            }
        }
        // Back to the primary objective and free pins, for the next window's changes.
        self.highs.set_costs(0, &lp.levels[0])?;
        let n = self.pins.len();
        self.highs.set_row_bounds(
            lp.num_rows(),
            &vec![f64::NEG_INFINITY; n],
            &vec![f64::INFINITY; n],
        )?;
        self.highs
            .set_option("solver", OptionValue::Str(self.options.method.name()))?;
        self.highs.set_option(
            "simplex_strategy",
            OptionValue::Int(self.options.simplex_strategy()),
        )?;
        outcome.map(|()| x)
    }

    /// One solve of the model as it stands; its column values.
    fn run(&mut self) -> Result<Vec<f64>, SolveError> {
        match self.highs.run()? {
            Status::Optimal => Ok(self.highs.columns()),
            Status::Infeasible => Err(SolveError::Infeasible),
            Status::Unbounded => Err(SolveError::Unbounded),
            Status::TimeLimit => Err(SolveError::Limit("time".into())),
            Status::IterationLimit => Err(SolveError::Limit("iterations".into())),
            Status::Other(code) => Err(SolveError::Solver(format!("HiGHS model status {code}"))),
        }
    }

    /// Makes pinning row `pin` read `levels[pin]·x ≤ upper`: added the first time,
    /// afterwards only its coefficients that changed.
    fn pin(&mut self, lp: &Lp, pin: usize, upper: f64) -> Result<(), SolveError> {
        let costs = &lp.levels[pin];
        if pin == self.pins.len() {
            let (cols, values): (Vec<usize>, Vec<f64>) = costs
                .iter()
                .enumerate()
                .filter(|(_, c)| **c != 0.0)
                .map(|(i, c)| (i, *c))
                .unzip();
            self.highs
                .add_row(f64::NEG_INFINITY, upper, &cols, &values)?;
            self.pins.push(costs.clone());
            return Ok(());
        }
        let row = lp.num_rows() + pin;
        for (col, (&new, old)) in costs.iter().zip(&mut self.pins[pin]).enumerate() {
            if *old != new {
                self.highs.set_coeff(row, col, new)?;
                *old = new;
            }
        }
        self.highs
            .set_row_bounds(row, &[f64::NEG_INFINITY], &[upper])
    }

    /// Writes the loaded model, with the names of its columns and rows, to `path` (`.lp` or
    /// `.mps`, by extension).
    pub fn write(&mut self, path: &std::path::Path) -> Result<(), SolveError> {
        let lp = self
            .loaded
            .as_ref()
            .ok_or_else(|| SolveError::Solver("no model loaded".into()))?;
        let columns: Vec<String> = (0..lp.num_columns()).map(|c| lp.column_name(c)).collect();
        let mut rows: Vec<String> = (0..lp.num_rows()).map(|r| lp.row_name(r)).collect();
        rows.extend((0..self.pins.len()).map(|i| format!("objective.pin[{i}]")));
        self.highs.set_names(&columns, &rows)?;
        self.highs.write(path)
    }
}

/// `lp` without its matrix (bounds, objective levels and names kept), its memory freed.
fn without_matrix(lp: Lp) -> Lp {
    Lp {
        a_start: Vec::new(),
        a_index: Vec::new(),
        a_value: Vec::new(),
        ..lp
    }
}

/// The tests' two-column LP: `min x + 2y` s.t. `x + y ≥ 3`, `x ∈ [0, 2]`, `y ∈ [0, 10]`;
/// optimum `x = 2`, `y = 1`, objective 4, the row's dual 2, reduced costs −1 and 0.
#[cfg(test)]
pub(super) fn two_column_lp() -> Lp {
    use super::{Linear, LpBuilder, Term};
    let mut lp = LpBuilder::default();
    let v = lp.variables("v".into(), 0, 2, |t| (0.0, if t == 0 { 2.0 } else { 10.0 }));
    lp.cost(Term::Penalty, 1.0, &v, 0);
    lp.cost(Term::Penalty, 2.0, &v, 1);
    lp.rows(
        "r".into(),
        0,
        [Linear::default()
            .plus(1.0, v.col(0))
            .plus(1.0, v.col(1))
            .geq(3.0)],
    );
    lp.finish()
}

#[cfg(test)]
mod tests {
    use super::super::{Linear, LpBuilder, Term};
    use super::*;

    #[test]
    fn solves_a_tiny_lp_and_reports_infeasibility() {
        // min x + 2y  s.t. x + y ≥ 3, x ≤ 2  →  x = 2, y = 1, objective 4.
        let mut solver = Solver::new(&SolverOptions::default()).unwrap();
        solver.load(two_column_lp()).unwrap();
        let s = solver.solve().unwrap();
        assert!((s.objective - 4.0).abs() < 1e-9);
        assert!((s.columns[0] - 2.0).abs() < 1e-9);

        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 1, |_| (0.0, 1.0));
        lp.rows(
            "r".into(),
            0,
            [Linear::default().plus(1.0, v.col(0)).geq(2.0)],
        );
        assert_eq!(
            lp.solve(&SolverOptions::default()).unwrap_err(),
            SolveError::Infeasible
        );
    }

    #[test]
    fn duals_are_highs_signs_for_the_lps_own_rows() {
        // min x + 2y s.t. x + y ≥ 3, x ≤ 2: one more unit of the row's bound costs 2 (y
        // grows), so its dual is 2; reduced costs c − aᵀy: x 1 − 2 = −1 (at its upper
        // bound), y 0 (basic).
        let mut s = Solver::new(&SolverOptions::default()).unwrap();
        assert_eq!(s.duals(), None, "nothing solved yet");
        s.load(two_column_lp()).unwrap();
        s.solve().unwrap();
        let (reduced, rows) = s.duals().unwrap();
        assert_eq!(rows.len(), 1);
        assert!((rows[0] - 2.0).abs() < 1e-9, "{rows:?}");
        assert!(
            (reduced[0] + 1.0).abs() < 1e-9 && reduced[1].abs() < 1e-9,
            "{reduced:?}"
        );
    }

    /// `min c·x` over `x0 + x1 = 1`, `0 ≤ x ≤ 1`, with the row's coefficients `a`.
    fn tiny(c: [f64; 2], a: [f64; 2]) -> Lp {
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 2, |_| (0.0, 1.0));
        lp.cost(Term::Penalty, c[0], &v, 0);
        lp.cost(Term::Penalty, c[1], &v, 1);
        let mut row = Linear::default();
        for (k, &coef) in a.iter().enumerate() {
            if coef != 0.0 {
                row.add(coef, v.col(k));
            }
        }
        lp.rows("r".into(), 0, [row.eq(1.0)]);
        lp.finish()
    }

    #[test]
    fn a_solver_for_one_solve_gives_the_same_optimum_and_takes_another_model() {
        let options = SolverOptions {
            method: Method::Simplex,
            ..SolverOptions::default()
        };
        let mut once = Solver::once(&options).unwrap();
        once.load(tiny([1.0, 2.0], [1.0, 1.0])).unwrap();
        assert!(
            once.lp().unwrap().a_index.is_empty(),
            "no copy of the matrix"
        );
        let x = once.solve().unwrap();
        assert_eq!((x.columns, x.objective), (vec![1.0, 0.0], 1.0));
        assert!(once.lp().is_none(), "nothing held after the solve");
        // A second model of the same shape is passed whole to the new instance.
        once.load(tiny([3.0, 2.0], [1.0, 2.0])).unwrap();
        let x = once.solve().unwrap();
        assert_eq!((x.columns, x.objective), (vec![0.0, 0.5], 1.0));
    }

    #[test]
    fn a_model_kept_alive_takes_changed_costs_coefficients_and_patterns() {
        let mut s = Solver::new(&SolverOptions {
            method: Method::Simplex,
            ..SolverOptions::default()
        })
        .unwrap();
        s.load(tiny([1.0, 2.0], [1.0, 1.0])).unwrap();
        assert_eq!(s.solve().unwrap().columns, [1.0, 0.0]);
        // Costs changed in place: x1 is now the cheaper.
        s.load(tiny([3.0, 2.0], [1.0, 1.0])).unwrap();
        assert_eq!(s.solve().unwrap().columns, [0.0, 1.0]);
        // A coefficient changed: 2·x1 = 1.
        s.load(tiny([3.0, 2.0], [1.0, 2.0])).unwrap();
        assert_eq!(s.solve().unwrap().columns, [0.0, 0.5]);
        // Another pattern, same shape: x1 leaves the row, x0 = 1.
        s.load(tiny([3.0, 2.0], [1.0, 0.0])).unwrap();
        let x = s.solve().unwrap().columns;
        assert_eq!(x[0], 1.0);
        // Each result equals a fresh model's.
        let mut fresh = Solver::new(&SolverOptions::default()).unwrap();
        fresh.load(tiny([3.0, 2.0], [1.0, 0.0])).unwrap();
        assert_eq!(
            fresh.solve().unwrap().objective,
            s.solve().unwrap().objective
        );
    }
}
