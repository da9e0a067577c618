//! Hands a built LP to HiGHS and maps its outcome to our own types.
//!
//! good_lp builds the model; we take the HiGHS model out of it (`try_into_inner`) to set
//! options, keep HiGHS's status distinctions and read the objective value.

use std::time::{Duration, Instant};

use good_lp::SolverModel;
use good_lp::solvers::highs::highs;
use highs::HighsModelStatus;
use serde::Serialize;

#[cfg(test)]
use super::Term;
use super::{LpBuilder, PersistentLp};

/// HiGHS options used for every solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverOptions {
    /// HiGHS `solver` option: `ipm`, `simplex` or `choose`.
    pub method: String,
    /// `off`, `on` (HiGHS `presolve`), or `light`: presolve with only its cheap reductions
    /// (see [`LIGHT_PRESOLVE_RULES_OFF`]).
    pub presolve: String,
    /// HiGHS `time_limit` in seconds.
    pub time_limit_seconds: Option<f64>,
    /// With the simplex method, HiGHS's parallel dual simplex (PAMI, `simplex_strategy` 2),
    /// which works on several pivots at once on all cores.
    pub parallel: bool,
    /// Scale of the dual simplex's random cost perturbation (HiGHS
    /// `dual_simplex_cost_perturbation_multiplier`; HiGHS's default is 1). Dispatch LPs have
    /// many zero-cost columns and so many tied (dual degenerate) vertices; a larger
    /// perturbation breaks the ties sooner. HiGHS removes the perturbation and cleans up
    /// before it reports the optimum, so the optimal value does not change.
    pub cost_perturbation: f64,
    /// HiGHS `threads`: `None` leaves HiGHS its default (all cores). A sweep runs its
    /// cases side by side with one thread each (and serial simplex: `parallel` off). Not a
    /// key of the scenario file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
}

impl Default for SolverOptions {
    /// Interior point without presolve: the fastest on year-long dispatch LPs here
    /// (see benches/dispatch.rs); crossover stays on so the solution is a vertex.
    fn default() -> Self {
        SolverOptions {
            method: "ipm".into(),
            presolve: "off".into(),
            time_limit_seconds: None,
            parallel: false,
            cost_perturbation: 1.0,
            threads: None,
        }
    }
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
    pub objective: f64,
    /// Time to hand the model to HiGHS.
    pub load_time: Duration,
    /// Time HiGHS spent solving.
    pub solve_time: Duration,
}

impl LpBuilder {
    /// Hands the LP to HiGHS with `options` set, ready to solve; the builder is consumed,
    /// so a model is never built twice.
    pub fn into_model(self, options: &SolverOptions) -> Result<ReadyModel, SolveError> {
        let loading = Instant::now();
        let (rows, cols, integer) = (self.num_rows(), self.num_columns(), self.integer);
        let levels = self.costs.levels(&self.objective, cols);
        let mut objective = good_lp::Expression::with_capacity(cols);
        for (var, c) in self.handles.iter().zip(&levels[0]) {
            if *c != 0.0 {
                objective.add_mul(*c, *var);
            }
        }
        let problem = self
            .vars
            .minimise(objective)
            .using(highs)
            .with_all(self.constraints);
        let mut model = problem
            .try_into_inner()
            .map_err(|e| SolveError::Solver(e.to_string()))?;
        model.make_quiet();
        set_option(&mut model, "solver", options.method.as_str())?;
        let light = options.presolve == "light";
        let presolve = if light { "on" } else { &options.presolve };
        set_option(&mut model, "presolve", presolve)?;
        if let Some(limit) = options.time_limit_seconds {
            set_option(&mut model, "time_limit", limit)?;
        }
        set_option(
            &mut model,
            "dual_simplex_cost_perturbation_multiplier",
            options.cost_perturbation,
        )?;
        if light {
            set_option(&mut model, "presolve_rule_off", LIGHT_PRESOLVE_RULES_OFF)?;
        }
        if options.parallel && options.method == "simplex" {
            set_option(&mut model, "simplex_strategy", 2)?;
        }
        if let Some(threads) = options.threads {
            set_option(&mut model, "threads", threads as i32)?;
        }
        if integer {
            // Binaries keep one meter from importing and exporting at once (see the grid):
            // solve them to optimality, not HiGHS's default gap of 1e-4.
            set_option(&mut model, "mip_rel_gap", 1e-9)?;
        }
        let strategy = if options.parallel && options.method == "simplex" {
            2
        } else {
            1
        };
        Ok(ReadyModel {
            model,
            rows,
            cols,
            method: (options.method.clone(), strategy),
            levels,
            load_time: loading.elapsed(),
        })
    }

    /// Hands the LP to HiGHS as a model to change and re-solve (quiet, one thread, no
    /// presolve, `method` as given: `choose` also solves it once it has a Hessian).
    pub fn into_persistent(self, method: &str) -> Result<PersistentLp, SolveError> {
        let options = SolverOptions {
            method: method.into(),
            ..SolverOptions::default()
        };
        let mut ready = self.into_model(&options)?;
        set_option(&mut ready.model, "threads", 1)?;
        Ok(ready.into_persistent())
    }

    /// Builds the HiGHS model and solves it.
    pub fn solve(self, options: &SolverOptions) -> Result<LpSolution, SolveError> {
        self.into_model(options)?.solve()
    }
}

/// Sets one HiGHS option; a refusal is a [`SolveError`] naming option and value.
fn set_option<V>(model: &mut highs::Model, key: &str, value: V) -> Result<(), SolveError>
where
    V: highs::HighsOptionValue + std::fmt::Display + Copy,
{
    model
        .try_set_option(key, value)
        .map_err(|e| SolveError::Solver(format!("option {key}={value}: {e:?}")))
}

/// A HiGHS model with its options set, ready to solve.
pub struct ReadyModel {
    model: highs::Model,
    rows: usize,
    cols: usize,
    /// Solver method and HiGHS simplex strategy.
    method: (String, i32),
    /// The objectives in solve order, primary first (see `objective`).
    levels: Vec<Vec<f64>>,
    load_time: Duration,
}

impl ReadyModel {
    fn into_persistent(self) -> PersistentLp {
        let method = (self.method.0.as_str(), self.method.1);
        PersistentLp::from_model(self.model, self.rows, self.cols, method, self.levels)
    }

    /// Solves the model (lexicographically over its objective levels); anything but an
    /// optimum is a [`SolveError`].
    pub fn solve(self) -> Result<LpSolution, SolveError> {
        let load_time = self.load_time;
        let (columns, objective, solve_time) = self.into_persistent().solve()?;
        Ok(LpSolution {
            columns,
            objective,
            load_time,
            solve_time,
        })
    }
}

/// HiGHS's outcome of a solve as ours: an optimum, or why not.
pub(super) fn outcome(solved: &highs::SolvedModel) -> Result<(), SolveError> {
    match solved.status() {
        HighsModelStatus::Optimal => Ok(()),
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            Err(SolveError::Infeasible)
        }
        HighsModelStatus::Unbounded => Err(SolveError::Unbounded),
        HighsModelStatus::ReachedTimeLimit => Err(SolveError::Limit("time".into())),
        HighsModelStatus::ReachedIterationLimit => Err(SolveError::Limit("iterations".into())),
        other => Err(SolveError::Solver(format!("HiGHS status {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::constraint;

    #[test]
    fn solves_a_tiny_lp_and_reports_infeasibility() {
        // min x + 2y  s.t. x + y ≥ 3, x ≤ 2  →  x = 2, y = 1, objective 4.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 2, |t| (0.0, if t == 0 { 2.0 } else { 10.0 }));
        lp.cost(Term::Penalty, 1.0, &v, 0);
        lp.cost(Term::Penalty, 2.0, &v, 1);
        lp.rows("r".into(), 0, [constraint::geq(v.var(0) + v.var(1), 3.0)]);
        let s = lp.solve(&SolverOptions::default()).unwrap();
        assert!((s.objective - 4.0).abs() < 1e-9);
        assert!((v.values(&s)[0] - 2.0).abs() < 1e-9);

        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 1, |_| (0.0, 1.0));
        lp.rows("r".into(), 0, [constraint::geq(v.var(0), 2.0)]);
        assert_eq!(
            lp.solve(&SolverOptions::default()).unwrap_err(),
            SolveError::Infeasible
        );
    }
}
